/* sysreplay events: list (or count) the events matching a filter. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"
#include "fields/fld_needs.h"

static const struct option long_opts[] = {
    {"filter", required_argument, NULL, 'f'},
    {"format", required_argument, NULL, 'p'},
    {"json", no_argument, NULL, 'j'},
    {"count", no_argument, NULL, 'c'},
    {"limit", required_argument, NULL, 'n'},
    RPL_RUN_LONG_OPTS,
    {NULL, 0, NULL, 0},
};

struct events_ctx {
	struct rpl_out out;
};

/* A failed write stops the run; main reports it (rpl_stdout_finish). */
static int events_emit(void *ctx, struct fld_ctx *c)
{
	struct events_ctx *e = ctx;

	return rpl_out_event(&e->out, c) < 0;
}

/* A drop record: where the capture has a hole. "-- N events lost on CPU C
 * --" (JSON: {"gap": {...}}); not an event, so evt.num does not count it.
 * The recorder writes one per CPU with its span in the header's latency;
 * older files (latency 0) and losses of no CPU (cpu 0xffff) name none. */
static int events_gap(void *ctx, const struct evt *ev)
{
	struct events_ctx *e = ctx;
	const struct evt_rec *h = ev->rec;
	uint64_t ring = evt_param_u64(ev, 0), backlog = evt_param_u64(ev, 1);
	uint64_t other = evt_param_u64(ev, 2), lost = ring + backlog + other;
	int has_cpu = h->latency && h->cpu != EVT_GAP_NO_CPU;
	int n;

	if (e->out.mode == RPL_OUT_JSON) {
		n = fprintf(e->out.f,
			    "{\"gap\":{\"events_lost\":%" PRIu64 ",\"ring_full\":%" PRIu64
			    ",\"backlog\":%" PRIu64 ",\"other\":%" PRIu64,
			    lost, ring, backlog, other);
		if (n >= 0 && has_cpu)
			n = fprintf(e->out.f, ",\"cpu\":%u", (unsigned)h->cpu);
		if (n >= 0 && h->latency)
			n = fprintf(e->out.f, ",\"from_ns\":%" PRIu64,
				    (uint64_t)(h->ts - h->latency));
		if (n >= 0)
			n = fprintf(e->out.f, ",\"to_ns\":%" PRIu64 "}}\n", (uint64_t)h->ts);
	} else if (has_cpu) {
		n = fprintf(e->out.f, "-- %" PRIu64 " events lost on CPU %u --\n", lost,
			    (unsigned)h->cpu);
	} else {
		n = fprintf(e->out.f, "-- %" PRIu64 " events lost --\n", lost);
	}
	return n < 0;
}

int rpl_cmd_events(int argc, char **argv)
{
	const char *format = NULL;
	char *filter = NULL;
	int json = 0, count = 0, opt, rc = RPL_EXIT_OK, r;
	struct rpl_run_opts ro;
	struct rpl_run_result res;
	struct events_ctx ec;
	struct flt_arena *arena = NULL;
	struct flt_prog *prog = NULL;
	struct rpl_input *in = NULL;
	struct sr_err err;

	memset(&ro, 0, sizeof(ro));
	memset(&ec, 0, sizeof(ec));
	ro.progress = 1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:p:jcn:J:", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (rpl_filter_add(&filter, optarg)) {
				free(filter);
				return rpl_fail("out of memory");
			}
			break;
		case 'p':
			format = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'c':
			count = 1;
			break;
		case 'n':
			if (rpl_opt_count("-n", optarg, &ro.limit))
				rc = RPL_EXIT_BAD;
			break;
		default:
			rc = rpl_opt_run("events", opt, argv, &ro);
			break;
		}
		if (rc)
			goto out;
	}
	if (optind >= argc) {
		rc = rpl_usage_error("events", "no capture FILE given");
		goto out;
	}

	arena = flt_arena_new();
	if (!arena) {
		rc = rpl_fail("out of memory");
		goto out;
	}
	if (rpl_filter_compile(arena, filter, "filter", stderr, &prog)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	if (!count && rpl_out_init(&ec.out, json ? RPL_OUT_JSON : RPL_OUT_LINE, format, stdout)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	if (rpl_input_open_or_fail(&in, argv + optind, argc - optind)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	sr_err_clear(&err);
	ro.prog = prog;
	ro.skip_types = 1;
	ro.emit = count ? NULL : events_emit;
	/* holes are shown in the listing, not counted */
	ro.gap = count || format ? NULL : events_gap;
	ro.emit_ctx = &ec;
	/* Counting, or a -p format of header fields only: state is not needed. */
	/* 2: stateless on any source; 1: only where headers carry process
	 * identity (.sysrec); 0: state needed. See rpl_run.c run_stateless. */
	ro.emit_stateless = count					? 2
			    : json && !format				? 0
			    : !fld_format_needs_state_ex(ec.out.fmt, 1) ? 2
			    : !fld_format_needs_state(ec.out.fmt)	? 1
									: 0;
	/* The default listing renders fd arguments; JSON carries fd.name. */
	ro.emit_no_fds = count || (format && !json && !fld_format_needs_fds(ec.out.fmt));
	/* what the listing reads of earlier events (rpl_keep.c) */
	ro.emit_alone = count || !ec.out.fmt			 ? 0
			: !fld_format_needs_order(ec.out.fmt, 0) ? 2
			: !fld_format_needs_order(ec.out.fmt, 1) ? 1
								 : 0;
	r = rpl_run(in, &ro, &res, &err);
	/* A setup error (bad window) prints nothing; damage prints what was read. */
	if (count && res.reading)
		printf("%" PRIu64 "\n", res.matched);
	/* A write error is reported once, by main (rpl_stdout_finish). */
	if (r)
		rc = rpl_fail_err(NULL, &err);
out:
	rpl_input_close(in);
	rpl_out_free(&ec.out);
	flt_arena_free(arena);
	free(filter);
	return rc;
}
