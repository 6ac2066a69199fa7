/* sysreplay topconns, topfiles, topprocs: connections, files and processes
 * over the window, ranked by bytes read and written (then events), with the
 * events on them and the time spent in their syscalls. One file: the three
 * differ only in which events count and what they are keyed by. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_count.h"
#include "rpl_view.h"

enum top_kind { TOP_CONNS, TOP_FILES, TOP_PROCS };

struct top_row {
	struct rpl_count_key k; /* connection, file or process name; id: pid (topprocs) */
	uint64_t bytes, events, dur_ns;
};

struct top_ctx {
	enum top_kind kind;
	struct rpl_count tab; /* struct top_row */
	struct fld_ref is_io;
	int oom;
};

static int top_emit(void *ctx, struct fld_ctx *c)
{
	struct top_ctx *t = ctx;
	const struct st_fd *fd = st_event_fd(c->st);
	const struct st_thread *th = st_event_thread(c->st);
	const struct evt_rec *r = c->ev->rec;
	struct top_row *row;
	const char *key;
	uint32_t pid = 0;

	switch (t->kind) {
	case TOP_CONNS:
		if (!fd || (fd->type != FDT_IPV4 && fd->type != FDT_IPV6) || !fd->name ||
		    !*fd->name)
			return 0;
		key = fd->name;
		break;
	case TOP_FILES:
		if (!fd || fd->type != FDT_FILE || !fd->name || !*fd->name)
			return 0;
		key = fd->name;
		break;
	default:
		if (!th)
			return 0;
		key = th->comm;
		pid = th->pid;
		break;
	}
	if (rpl_count_get(&t->tab, key, strlen(key), pid, (void **)&row)) {
		t->oom = 1;
		return 1;
	}
	row->events++;
	row->dur_ns += r->latency;
	if (r->res > 0 && rpl_view_int(&t->is_io, c))
		row->bytes += (uint64_t)r->res;
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->events != y->events)
		return x->events < y->events ? 1 : -1;
	return strcmp(x->k.key, y->k.key);
}

static int top_run(struct rpl_view_opts *o, enum top_kind kind)
{
	static const char *const names[] = {"evt.is_io"};
	static const char *const what[] = {"CONNECTION", "FILE", "PROCESS"};
	struct top_ctx t = {.kind = kind};
	struct top_row *rows;
	struct rpl_run_result res;
	uint64_t limit = o->limit ? o->limit : 30;
	size_t n = 0;
	int rc;

	rpl_count_init(&t.tab, sizeof(struct top_row), 0);
	rpl_view_refs(&t.is_io, names, 1);
	rc = rpl_view_scan(o, top_emit, &t, &res);
	if (!rc && t.oom)
		rc = rpl_fail("out of memory");
	n = t.tab.n;
	rows = malloc((n ? n : 1) * sizeof(*rows));
	if (!rc && !rows)
		rc = rpl_fail("out of memory");
	if (!rc) {
		rpl_count_slot_order(&t.tab, rows);
		qsort(rows, n, sizeof(*rows), cmp_rows);
		if (!o->json)
			fprintf(o->out, "%12s %9s %12s  %s\n", "BYTES", "EVENTS", "DURATION",
				what[kind]);
	}
	for (size_t i = 0; !rc && i < n && i < limit; i++) {
		const struct top_row *r = &rows[i];

		if (o->json) {
			fputs(kind == TOP_CONNS	  ? "{\"conn\":"
			      : kind == TOP_FILES ? "{\"file\":"
						  : "{\"comm\":",
			      o->out);
			rpl_view_json_str(o->out, r->k.key, strlen(r->k.key));
			if (kind == TOP_PROCS)
				fprintf(o->out, ",\"pid\":%u", r->k.id);
			fprintf(o->out,
				",\"bytes\":%" PRIu64 ",\"events\":%" PRIu64
				",\"duration_ns\":%" PRIu64 "}\n",
				r->bytes, r->events, r->dur_ns);
		} else if (kind == TOP_PROCS) {
			fprintf(o->out, "%12" PRIu64 " %9" PRIu64 " %10.6fs  %s (%u)\n", r->bytes,
				r->events, r->dur_ns / 1e9, r->k.key, r->k.id);
		} else {
			fprintf(o->out, "%12" PRIu64 " %9" PRIu64 " %10.6fs  %s\n", r->bytes,
				r->events, r->dur_ns / 1e9, r->k.key);
		}
	}
	if (!rc && !o->json && n > limit)
		fprintf(o->out, "(%zu more not shown; -n N shows more)\n", n - (size_t)limit);
	free(rows);
	rpl_count_free(&t.tab);
	return rc;
}

int rpl_view_topconns(struct rpl_view_opts *o)
{
	return top_run(o, TOP_CONNS);
}

int rpl_view_topfiles(struct rpl_view_opts *o)
{
	return top_run(o, TOP_FILES);
}

int rpl_view_topprocs(struct rpl_view_opts *o)
{
	return top_run(o, TOP_PROCS);
}
