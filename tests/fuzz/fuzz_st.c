/* fuzz_st: arbitrary record sequences through the state engine.
 *
 * Input: one config byte, then records back to back, each as on disk (its
 * evt_rec.len field says how long it is; a length past the end is cut to
 * what is left). Every record that evt_decode accepts goes through
 * st_event_begin, every accessor, st_event_end. The config byte picks small
 * table limits so eviction, the fd caps and the staleness sweep run too.
 * At the end the table is written as a snapshot and read back into a second
 * engine. Must never crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/evt.h"
#include "state/st.h"

static volatile size_t sink;

static void touch_str(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void touch_thread(const struct st_thread *t)
{
	if (!t)
		return;
	sink += t->tid + t->pid + t->ppid + t->uid + t->exited;
	touch_str(t->comm[15] == '\0' ? t->comm : "");
	touch_str(t->exe);
	touch_str(t->exepath);
	touch_str(t->cwd);
	touch_str(t->cgroup);
	touch_str(t->container_id);
	touch_str(t->container_full_id);
	touch_str(t->pod_uid);
	if (t->args && t->args_len)
		sink += (size_t)((const volatile char *)t->args)[t->args_len - 1];
	if (t->env && t->env_len)
		sink += (size_t)((const volatile char *)t->env)[t->env_len - 1];
}

static void touch_fd(const struct st_fd *f)
{
	char buf[160];
	uint8_t tup[64];

	if (!f)
		return;
	sink += (size_t)f->fd + f->type + f->flags + f->is_server;
	touch_str(f->name);
	sink += st_fd_sockname(f, buf, sizeof(buf));
	sink += st_fd_tuple_encode(f, tup, sizeof(tup));
}

static int fd_cb(void *ctx, const struct st_fd *f)
{
	(void)ctx;
	touch_fd(f);
	return 0;
}

static int thr_cb(void *ctx, const struct st_thread *t)
{
	const struct st_state *st = ctx;

	touch_thread(t);
	if (t->tid == t->pid)
		st_fd_foreach(st, t->pid, fd_cb, NULL);
	return 0;
}

struct sink_buf {
	uint8_t *buf;
	size_t len, cap;
};

/* Records 8-byte aligned, as a file's chunk holds them (evt_decode reads
 * the header in place). */
static int collect(void *ctx, const void *rec, size_t len)
{
	struct sink_buf *b = ctx;
	size_t al = (len + 7) & ~(size_t)7;

	if (b->len + al > b->cap) {
		size_t ncap = (b->cap ? b->cap * 2 : 65536) + al;
		uint8_t *n = realloc(b->buf, ncap);
		if (!n)
			return -1;
		b->buf = n;
		b->cap = ncap;
	}
	memcpy(b->buf + b->len, rec, len);
	memset(b->buf + b->len + len, 0, al - len);
	b->len += al;
	return 0;
}

/* The current event through every accessor. */
static void inspect(struct st_state *st, const struct evt *ev)
{
	const struct st_thread *t = st_event_thread(st), *p;
	int64_t fdnum = st_event_fdnum(st);

	touch_thread(t);
	touch_fd(st_event_fd(st));
	if (t) {
		/* Parent chains may loop in damaged input: consumers bound them. */
		p = t;
		for (int i = 0; i < 32 && p; i++) {
			p = st_thread_parent(st, p);
			touch_thread(p);
		}
		if (fdnum >= 0)
			touch_fd(st_fd_get(st, t->pid, fdnum));
		touch_str(st_user_name(st, t->uid));
		touch_str(st_user_home(st, t->uid));
		touch_str(st_user_shell(st, t->uid));
		touch_str(st_group_name(st, t->gid));
	}
	touch_thread(st_thread_get(st, ev->rec->tid));
	touch_thread(st_thread_get(st, (uint32_t)ev->rec->res));
}

static void set_limits(struct st_state *st, uint8_t cfg)
{
	struct st_limits l = {0};

	if (cfg & 1)
		l.max_threads = 1 + (cfg >> 4);
	if (cfg & 2)
		l.max_fds_per_proc = 1 + (cfg >> 5);
	if (cfg & 4)
		l.max_fds_total = 1 + (cfg >> 3);
	if (cfg & 8)
		l.stale_ns = 1000ull << (cfg >> 4);
	st_set_limits_ext(st, &l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_state *st, *st2;
	struct sink_buf out = {0};
	struct st_stats stats;
	size_t off = 1;
	uint8_t cfg;

	if (size < 1)
		return 0;
	cfg = data[0];
	st = st_new();
	if (!st)
		return 0;
	set_limits(st, cfg);
	while (off + EVT_REC_HDR <= size) {
		struct evt ev;
		uint32_t len;
		uint8_t *rec;

		memcpy(&len, data + off, 4);
		if (len < EVT_REC_HDR)
			len = EVT_REC_HDR;
		if (len > size - off)
			len = (uint32_t)(size - off);
		/* An exact-size copy: reading past the record trips ASan. */
		rec = malloc(len);
		if (!rec)
			break;
		memcpy(rec, data + off, len);
		off += len;
		if (evt_decode(&ev, rec, len) == 0) {
			st_event_begin(st, &ev);
			inspect(st, &ev);
			st_event_end(st, &ev);
		}
		free(rec);
	}
	st_get_stats(st, &stats);
	sink += stats.threads + stats.fds + stats.mem_bytes;
	st_thread_foreach(st, thr_cb, st);
	/* Table -> snapshot records -> a second engine. */
	if (st_snapshot_emit(st, 1, collect, &out) == 0) {
		st2 = st_new();
		for (size_t o = 0; st2 && o < out.len;) {
			struct evt ev;
			uint32_t len;

			memcpy(&len, out.buf + o, 4);
			if (len < EVT_REC_HDR || len > out.len - o ||
			    evt_decode(&ev, out.buf + o, out.len - o) != 0)
				abort(); /* the engine wrote a record its reader rejects */
			st_event_begin(st2, &ev);
			st_event_end(st2, &ev);
			o += (len + 7) & ~(size_t)7;
		}
		st_free(st2);
	}
	free(out.buf);
	st_free(st);
	return 0;
}
