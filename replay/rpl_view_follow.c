/* sysreplay follow: the data read and written on one descriptor (--fd
 * PID:FD), one connection (--conn ADDR:PORT, either end), or the descriptor
 * of one event (--evt N), in order: sysdig's echo_fds, Stratoshark's Follow
 * stream. Bytes come from the buffers the capture kept; where the snap
 * length cut a buffer the transfer says how much is missing. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_view.h"

struct follow_ctx {
	const struct rpl_view_opts *o;
	uint32_t pid;
	int64_t fd;
	const char *conn;
	struct fld_ref refs[3]; /* evt.buffer, evt.is_io_read, evt.is_io_write */
	uint64_t shown, bytes, missing;
	/* --evt: the event looked for, and what it names */
	uint64_t want;
	int found;
};

/* 1 when a socket name "a:1->b:2" has conn as one of its ends (or is it). */
static int conn_match(const char *name, const char *conn)
{
	const char *arrow = strstr(name, "->");
	size_t n = strlen(conn);

	if (!arrow)
		return !strcmp(name, conn);
	if (!strcmp(name, conn))
		return 1;
	return ((size_t)(arrow - name) == n && !strncmp(name, conn, n)) || !strcmp(arrow + 2, conn);
}

static void hexdump(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;

		fprintf(f, "  %08zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i < k)
				fprintf(f, " %02x", p[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (size_t i = 0; i < k; i++)
			fputc(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.', f);
		fputs("|\n", f);
	}
}

static int find_emit(void *ctx, struct fld_ctx *c)
{
	struct follow_ctx *fc = ctx;
	const struct st_thread *t;

	if (c->ev->num != fc->want)
		return 0;
	t = st_event_thread(c->st);
	fc->fd = st_event_fdnum(c->st);
	fc->pid = t ? t->pid : c->ev->rec->pid;
	fc->found = 1;
	return 1;
}

static int follow_emit(void *ctx, struct fld_ctx *c)
{
	struct follow_ctx *fc = ctx;
	const struct rpl_view_opts *o = fc->o;
	const struct evt_rec *r = c->ev->rec;
	const struct st_fd *fd = st_event_fd(c->st);
	const struct st_thread *t = st_event_thread(c->st);
	int is_read, is_write;
	const char *data, *name = fd && fd->name ? fd->name : "";
	size_t len;
	uint64_t total, miss;
	char when[48];

	if (fc->conn) {
		if (!fd || !fd->name || !conn_match(fd->name, fc->conn))
			return 0;
	} else if (!t || t->pid != fc->pid || st_event_fdnum(c->st) != fc->fd) {
		return 0;
	}
	is_read = (int)rpl_view_int(&fc->refs[1], c);
	is_write = (int)rpl_view_int(&fc->refs[2], c);
	if ((!is_read && !is_write) || r->res <= 0)
		return 0;
	data = rpl_view_str(&fc->refs[0], c, &len);
	total = (uint64_t)r->res;
	if (len > total)
		len = (size_t)total;
	miss = total - len;
	fc->shown++;
	fc->bytes += total;
	fc->missing += miss;
	rpl_view_time(r->ts, when, sizeof(when));
	if (o->json) {
		fprintf(o->out,
			"{\"num\":%" PRIu64 ",\"ts\":%" PRIu64 ",\"dir\":\"%s\",\"pid\":%u,"
			"\"fd\":%" PRId64 ",\"name\":",
			c->ev->num, (uint64_t)r->ts, is_read ? "read" : "write",
			t ? t->pid : r->pid, st_event_fdnum(c->st));
		rpl_view_json_str(o->out, name, strlen(name));
		fprintf(o->out, ",\"bytes\":%" PRIu64 ",\"data\":", total);
		rpl_view_json_str(o->out, data, len);
		fprintf(o->out, ",\"not_recorded\":%" PRIu64 "}\n", miss);
	} else {
		fprintf(o->out, "------ %s %s %" PRIu64 "B %s %s (%.16s pid %u fd %" PRId64 ")\n",
			when, is_read ? "read" : "write", total, is_read ? "from" : "to", name,
			t ? t->comm : r->comm, t ? t->pid : r->pid, st_event_fdnum(c->st));
		if (o->hex) {
			hexdump(o->out, (const uint8_t *)data, len);
		} else {
			rpl_view_escape(o->out, (const uint8_t *)data, len, 1);
			if (len && data[len - 1] != '\n')
				fputc('\n', o->out);
		}
		if (miss)
			fprintf(o->out, "[... %" PRIu64 " bytes not recorded]\n", miss);
	}
	return o->limit && fc->shown >= o->limit;
}

int rpl_view_follow(struct rpl_view_opts *o)
{
	static const char *const names[] = {"evt.buffer", "evt.is_io_read", "evt.is_io_write"};
	struct follow_ctx fc = {.o = o, .pid = o->pid, .fd = o->fd, .conn = o->conn};
	struct rpl_run_result res;
	int rc;

	rpl_view_refs(fc.refs, names, 3);
	if (o->evt_num) {
		struct rpl_view_opts whole = *o;

		/* the event is numbered in the whole capture: look for it there */
		whole.filter = NULL;
		whole.since.kind = whole.until.kind = SR_TIME_NONE;
		fc.want = o->evt_num;
		rc = rpl_view_scan(&whole, find_emit, &fc, &res);
		if (rc)
			return rc;
		if (!fc.found)
			return rpl_fail("follow: no event %" PRIu64 " in the capture", o->evt_num);
		if (fc.fd < 0)
			return rpl_fail("follow: event %" PRIu64 " names no file descriptor",
					o->evt_num);
	}
	rc = rpl_view_scan(o, follow_emit, &fc, &res);
	if (!rc && !o->json)
		fprintf(o->out,
			"# %" PRIu64 " transfers, %" PRIu64 " bytes, %" PRIu64 " not recorded\n",
			fc.shown, fc.bytes, fc.missing);
	return rc;
}
