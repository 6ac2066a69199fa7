/* sysreplay stats: events per type, per process and per second; drops; span.
 * The collector (rpl_stats_*) is an emit callback, shared with the shell.
 * -j prints the same as one JSON object (keys in rpl_usage.c's stats help). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"
#include "rpl_count.h"
#include "format/evt_sysnr.h"
#include "format/fmt_reader.h"

#define RPL_STATS_MAX_SECS (1u << 22) /* 48 days at 1 s; beyond, later events fold in */
#define RPL_STATS_TOP	   15
#define RPL_STATS_ROWS	   20

struct proc_count {
	struct rpl_count_key comm; /* the process name */
	uint64_t n;
	uint32_t pids; /* distinct pids seen, approximate (last pid changes) */
	uint32_t last_pid;
};

/* Rows of "by type": an event type, or past EVT_TYPE_MAX the syscall of a
 * generic record, so each is named as evt.type names it. */
#define ST_ROWS (EVT_TYPE_MAX + EVT_SYSNR_MAX)

struct rpl_stats {
	uint64_t by_type[ST_ROWS];
	uint64_t failed, events, first_ts, last_ts;
	struct rpl_count procs; /* struct proc_count by name */
	uint32_t *secs;		/* events per second since first_ts */
	size_t nsecs, seccap;
};

struct rpl_stats *rpl_stats_new(void)
{
	struct rpl_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	rpl_count_init(&s->procs, sizeof(struct proc_count), 0);
	return s;
}

void rpl_stats_free(struct rpl_stats *s)
{
	if (!s)
		return;
	rpl_count_free(&s->procs);
	free(s->secs);
	free(s);
}

static unsigned type_row_key(const struct evt *ev)
{
	unsigned t = ev->rec->type;

	if (t == EVT_GENERIC && evt_param_present(ev, 0) && evt_sysnr_name(evt_param_u64(ev, 0)))
		return EVT_TYPE_MAX + (unsigned)evt_param_u64(ev, 0);
	return t < EVT_TYPE_MAX ? t : 0;
}

static void count_second(struct rpl_stats *s, uint64_t ts)
{
	size_t sec;

	if (ts < s->first_ts)
		return; /* out of order by less than a second at the very start */
	sec = (size_t)((ts - s->first_ts) / 1000000000ull);
	if (sec >= RPL_STATS_MAX_SECS)
		sec = RPL_STATS_MAX_SECS - 1;
	if (sec >= s->seccap) {
		size_t ncap = s->seccap ? s->seccap : 64;
		uint32_t *n;

		while (ncap <= sec)
			ncap *= 2;
		n = realloc(s->secs, ncap * sizeof(*n));
		if (!n)
			return;
		memset(n + s->seccap, 0, (ncap - s->seccap) * sizeof(*n));
		s->secs = n;
		s->seccap = ncap;
	}
	if (sec >= s->nsecs)
		s->nsecs = sec + 1;
	if (s->secs[sec] < UINT32_MAX)
		s->secs[sec]++;
}

int rpl_stats_emit(void *ctx, struct fld_ctx *c)
{
	struct rpl_stats *s = ctx;
	const struct evt_rec *r = c->ev->rec;
	const struct st_thread *t = st_event_thread(c->st);
	const char *comm = t && t->comm[0] ? t->comm : r->comm;
	const char *key = comm[0] ? comm : "<unknown>";
	struct proc_count *p;

	if (!s->events++)
		s->first_ts = r->ts;
	if (r->ts > s->last_ts)
		s->last_ts = r->ts;
	s->by_type[type_row_key(c->ev)]++;
	if (r->res < 0 && !(r->flags & EVT_RF_ENTER_ONLY))
		s->failed++;
	count_second(s, r->ts);

	if (rpl_count_get(&s->procs, key, strnlen(key, EVT_COMM_LEN), 0, (void **)&p))
		return 0;
	p->n++;
	if (p->last_pid != r->pid) {
		p->last_pid = r->pid;
		p->pids++;
	}
	return 0;
}

static void bar(FILE *f, uint64_t v, uint64_t max, int width)
{
	int n = max ? (int)((double)v * width / (double)max + 0.5) : 0;

	if (v && !n)
		n = 1;
	for (int i = 0; i < n; i++)
		fputc('#', f);
}

static const char *type_row_name(unsigned key)
{
	const struct evt_info *ei;

	if (key >= EVT_TYPE_MAX)
		return evt_sysnr_name(key - EVT_TYPE_MAX);
	ei = evt_info_get(key);
	return ei ? ei->name : "unknown";
}

struct type_row {
	unsigned type;
	uint64_t n;
};

static int cmp_type_row(const void *a, const void *b)
{
	const struct type_row *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : (int)x->type - (int)y->type;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct proc_count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->comm.key, y->comm.key);
}

/* Drops recorded in the .sysrec files of the input; 0 when none records them. */
static int input_drops(struct rpl_input *in, uint64_t *ring, uint64_t *backlog)
{
	int known = 0;

	*ring = *backlog = 0;
	for (size_t i = 0; i < rpl_input_count(in); i++) {
		struct evt_source *src = rpl_input_source(in, i);
		struct fmt_reader *r;
		struct sr_err err;

		if (src->kind != SRC_SYSREC || fmt_reader_open(&r, src->path, &err))
			continue;
		*ring += fmt_reader_info(r)->drops_ring;
		*backlog += fmt_reader_info(r)->drops_backlog;
		known = 1;
		fmt_reader_close(r);
	}
	return known;
}

static void print_drops(struct rpl_input *in, FILE *f)
{
	uint64_t ring, backlog;

	if (input_drops(in, &ring, &backlog))
		fprintf(f, "drops:    %" PRIu64 " (ring full %" PRIu64 ", backlog %" PRIu64 ")\n",
			ring + backlog, ring, backlog);
	else
		fprintf(f, "drops:    unknown (this format does not record them)\n");
}

/* Types with events, most frequent first; returns how many. */
static size_t type_rows(const struct rpl_stats *s, struct type_row rows[ST_ROWS])
{
	size_t n = 0;

	for (unsigned t = 0; t < ST_ROWS; t++)
		if (s->by_type[t])
			rows[n++] = (struct type_row){t, s->by_type[t]};
	qsort(rows, n, sizeof(rows[0]), cmp_type_row);
	return n;
}

/* Process names, most events first (caller frees); NULL when out of memory. */
static struct proc_count *proc_rows(const struct rpl_stats *s, size_t *np)
{
	struct proc_count *pr = malloc((s->procs.n ? s->procs.n : 1) * sizeof(*pr));

	*np = 0;
	if (!pr)
		return NULL;
	if (s->procs.n)
		memcpy(pr, s->procs.rows, s->procs.n * sizeof(*pr));
	*np = s->procs.n;
	qsort(pr, *np, sizeof(*pr), cmp_proc);
	return pr;
}

void rpl_stats_print_json(const struct rpl_stats *s, struct rpl_input *in, FILE *f)
{
	struct type_row rows[ST_ROWS];
	size_t nrows = type_rows(s, rows), np;
	struct proc_count *pr = proc_rows(s, &np);
	cJSON *o = cJSON_CreateObject(), *a;
	uint64_t ring, backlog;

	if (!o) {
		free(pr);
		return;
	}
	rpl_json_add_u64(o, "events", s->events);
	rpl_json_add_u64(o, "failed", s->failed);
	if (s->events) {
		rpl_json_add_time(o, "first_ts", "first_time", s->first_ts);
		rpl_json_add_time(o, "last_ts", "last_time", s->last_ts);
		rpl_json_add_u64(o, "span_ns", s->last_ts - s->first_ts);
	}
	if (in && input_drops(in, &ring, &backlog)) {
		rpl_json_add_u64(o, "drops", ring + backlog);
		rpl_json_add_u64(o, "drops_ring", ring);
		rpl_json_add_u64(o, "drops_backlog", backlog);
	} else {
		cJSON_AddNullToObject(o, "drops");
	}
	a = cJSON_AddArrayToObject(o, "by_type");
	for (size_t i = 0; a && i < nrows; i++) {
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "type", type_row_name(rows[i].type));
		rpl_json_add_u64(r, "count", rows[i].n);
		cJSON_AddItemToArray(a, r);
	}
	a = cJSON_AddArrayToObject(o, "by_process");
	for (size_t i = 0; a && pr && i < np; i++) {
		cJSON *r = cJSON_CreateObject();

		rpl_json_add_text(r, "name", pr[i].comm.key);
		rpl_json_add_u64(r, "count", pr[i].n);
		rpl_json_add_u64(r, "pids", pr[i].pids);
		cJSON_AddItemToArray(a, r);
	}
	a = cJSON_AddArrayToObject(o, "per_second");
	for (size_t i = 0; a && i < s->nsecs; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(s->secs[i]));
	free(pr);
	rpl_json_print(o, f);
}

void rpl_stats_print(const struct rpl_stats *s, struct rpl_input *in, FILE *f)
{
	struct type_row rows[ST_ROWS];
	struct proc_count *pr;
	size_t nrows, np = 0;
	char a[40], b[40], span[32];

	if (s->events) {
		sr_time_format_rfc3339(s->first_ts, a, sizeof(a));
		sr_time_format_rfc3339(s->last_ts, b, sizeof(b));
		sr_duration_format(s->last_ts - s->first_ts, span, sizeof(span));
		fprintf(f, "span:     %s .. %s (%s)\n", a, b, span);
	} else {
		fprintf(f, "span:     - (no events)\n");
	}
	fprintf(f, "events:   %" PRIu64 " (%" PRIu64 " failed)\n", s->events, s->failed);
	if (in)
		print_drops(in, f);
	if (!s->events)
		return;

	nrows = type_rows(s, rows);
	fprintf(f, "\nby type (%zu types):\n", nrows);
	for (size_t i = 0; i < nrows; i++) {
		fprintf(f, "  %-16s %12" PRIu64 " %5.1f%%  ", type_row_name(rows[i].type),
			rows[i].n, 100.0 * (double)rows[i].n / (double)s->events);
		bar(f, rows[i].n, rows[0].n, 30);
		fputc('\n', f);
	}

	pr = proc_rows(s, &np);
	if (pr) {
		fprintf(f, "\nby process (top %d of %zu names):\n",
			np < RPL_STATS_TOP ? (int)np : RPL_STATS_TOP, np);
		for (size_t i = 0; i < np && i < RPL_STATS_TOP; i++) {
			fprintf(f, "  %-16s %12" PRIu64 " %5.1f%%  ", pr[i].comm.key, pr[i].n,
				100.0 * (double)pr[i].n / (double)s->events);
			bar(f, pr[i].n, pr[0].n, 30);
			fputc('\n', f);
		}
		free(pr);
	}

	if (s->nsecs) {
		size_t width = (s->nsecs + RPL_STATS_ROWS - 1) / RPL_STATS_ROWS;
		uint64_t max = 0;

		for (size_t b0 = 0; b0 < s->nsecs; b0 += width) {
			uint64_t sum = 0;

			for (size_t k = b0; k < b0 + width && k < s->nsecs; k++)
				sum += s->secs[k];
			if (sum > max)
				max = sum;
		}
		fprintf(f, "\nper second (each row %zu s; events/s):\n", width);
		for (size_t b0 = 0; b0 < s->nsecs; b0 += width) {
			uint64_t sum = 0;
			size_t k, n = 0;

			for (k = b0; k < b0 + width && k < s->nsecs; k++, n++)
				sum += s->secs[k];
			fprintf(f, "  +%-7zus %12.0f  ", b0, (double)sum / (double)n);
			bar(f, sum, max, 40);
			fputc('\n', f);
		}
	}
}

int rpl_cmd_stats(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"filter", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    RPL_RUN_LONG_OPTS,
	    {NULL, 0, NULL, 0},
	};
	struct rpl_run_opts ro;
	struct rpl_run_result res;
	struct rpl_input *in = NULL;
	struct rpl_stats *s = NULL;
	struct flt_arena *arena = NULL;
	struct flt_prog *prog = NULL;
	char *filter = NULL;
	struct sr_err err;
	int opt, json = 0, rc = RPL_EXIT_OK;

	memset(&ro, 0, sizeof(ro));
	ro.progress = 1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:jJ:", lo, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (rpl_filter_add(&filter, optarg))
				rc = rpl_fail("out of memory");
			break;
		case 'j':
			json = 1;
			break;
		default:
			rc = rpl_opt_run("stats", opt, argv, &ro);
			break;
		}
		if (rc)
			goto out;
	}
	if (optind >= argc) {
		rc = rpl_usage_error("stats", "no capture FILE given");
		goto out;
	}
	arena = flt_arena_new();
	s = rpl_stats_new();
	if (!arena || !s) {
		rc = rpl_fail("out of memory");
		goto out;
	}
	if (rpl_filter_compile(arena, filter, "filter", stderr, &prog)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	if (rpl_input_open_or_fail(&in, argv + optind, argc - optind)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	sr_err_clear(&err);
	ro.prog = prog;
	ro.emit = rpl_stats_emit;
	ro.emit_ctx = s;
	opt = rpl_run(in, &ro, &res, &err);
	if (res.reading)
		(json ? rpl_stats_print_json : rpl_stats_print)(s, in, stdout);
	if (opt)
		rc = rpl_fail_err(NULL, &err);
out:
	rpl_input_close(in);
	rpl_stats_free(s);
	flt_arena_free(arena);
	free(filter);
	return rc;
}
