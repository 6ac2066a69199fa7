/* rpl_run: the replay pipeline shared by events, alerts, stats and the shell.
 *
 * Every record goes through the state engine, snapshots included, so fields
 * like proc.pname are right wherever the window starts. Only non-meta events
 * inside [since, until] are offered to the filter and the emit callback.
 * Sources of several hosts (their headers' host names) get a state engine
 * each, since pids are per host, unless the caller brings its own state.
 *
 * Window: --since seeks each source (index binary search; sources without
 * seek are read from the start and their early events only feed state).
 * --until stops reading once events are past it by RPL_UNTIL_SLACK: records
 * from several CPUs reach a file slightly out of time order (the probe stamps
 * syscall exit, then CPUs race for the ring: microseconds apart), and stopping
 * at the first late one could hide an in-window event a full scan would show.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rpl.h"
#include "filter/flt.h"

#define RPL_UNTIL_SLACK 10000000ull /* 10 ms */

int rpl_window(struct rpl_input *in, const struct sr_time_spec *since,
	       const struct sr_time_spec *until, uint64_t *since_ns, uint64_t *until_ns,
	       struct sr_err *err)
{
	const struct sr_time_spec *t[2] = {since, until};
	int need_first = 0, need_last = 0, r;
	uint64_t first, last, *out[2] = {since_ns, until_ns};

	for (int i = 0; i < 2; i++) {
		if (!t[i])
			continue;
		need_first |= t[i]->kind == SR_TIME_START || t[i]->kind == SR_TIME_CLOCK;
		need_last |= t[i]->kind == SR_TIME_END || t[i]->kind == SR_TIME_CLOCK;
	}
	/* Sources without an index (.scap) learn their range by reading. */
	if ((need_first && !rpl_input_first_ts(in)) || (need_last && !rpl_input_last_ts(in))) {
		r = rpl_input_learn_bounds(in, need_last, err);
		if (r)
			return r;
	}
	first = rpl_input_first_ts(in);
	last = rpl_input_last_ts(in);
	*since_ns = 0;
	*until_ns = UINT64_MAX;
	for (int i = 0; i < 2; i++) {
		if (!t[i] || t[i]->kind == SR_TIME_NONE)
			continue;
		if ((need_first && !first) || (need_last && !last))
			return sr_err_set(err, SR_ESYNTAX,
					  "%s: a relative time needs the capture's time range, "
					  "and this input has no events; give an absolute time",
					  i ? "--until" : "--since");
		r = sr_time_resolve_day(t[i], first, last, out[i], err);
		if (r) {
			char m[sizeof(err->msg)];

			snprintf(m, sizeof(m), "%s", err->msg);
			return sr_err_set(err, r, "%s: %s", i ? "--until" : "--since", m);
		}
	}
	/* An empty window is a mistake in the times given, not an empty result. */
	if (*since_ns > *until_ns) {
		char a[40], b[40];

		sr_time_format_rfc3339(*since_ns, a, sizeof(a));
		sr_time_format_rfc3339(*until_ns, b, sizeof(b));
		return sr_err_set(err, SR_ESYNTAX, "--since (%s) is after --until (%s)", a, b);
	}
	return 0;
}

/* The state engine can be skipped when nothing downstream reads it: the
 * output and the filter use header fields only and no caller shares the
 * state. Process identity from headers counts only for .sysrec sources,
 * whose headers the recorder fills. */
static int run_stateless(const struct rpl_input *in, const struct rpl_run_opts *o)
{
	int all_sysrec = 1;

	if (o->st || !o->emit_stateless || getenv("SYSREPLAY_FORCE_STATE"))
		return 0;
	for (size_t i = 0; i < rpl_input_count(in); i++)
		if (rpl_input_source(in, i)->kind != SRC_SYSREC)
			all_sysrec = 0;
	/* Other sources (.scap) fill process identity in headers from a
	 * partial table of their own: only evt.* fields may skip state there. */
	if (!all_sysrec)
		return o->emit_stateless >= 2 && !(o->prog && flt_prog_needs_state_ex(o->prog, 1));
	return !(o->prog && flt_prog_needs_state(o->prog));
}

/* The types the run's state engine reads beyond the header
 * (st_type_reads_params_ex), as a bitmap. */
static void rpl_state_reads(uint8_t reads[32], int fd_tables)
{
	memset(reads, 0, 32);
	for (unsigned t = 0; t < 256; t++)
		if (st_type_reads_params_ex(t, fd_tables))
			reads[t >> 3] |= (uint8_t)(1u << (t & 7));
}

/* The types read in full when the run's own state engine is the only other
 * reader: those the filter can match and those the engine reads beyond the
 * header; the rest may come header-only. */
static const uint8_t *rpl_state_types(const uint8_t types[32], const uint8_t reads[32],
				      uint8_t full[32])
{
	for (unsigned i = 0; i < 32; i++)
		full[i] = types[i] | reads[i];
	return full;
}

static void states_free(struct st_state **sts, size_t n)
{
	for (size_t i = 0; sts && i < n; i++)
		st_free(sts[i]);
	free(sts);
}

int rpl_run(struct rpl_input *in, const struct rpl_run_opts *o, struct rpl_run_result *res,
	    struct sr_err *err)
{
	struct st_state *st = o->st;
	struct fld_ctx *ctx;
	struct rpl_progress prog;
	uint64_t since_ns, until_ns, stop_ns;
	const char *host = rpl_input_hostname(in);
	struct st_state **sts = NULL; /* several hosts: one state each */
	size_t nhosts;
	uint8_t types[32], full[32], state_reads[32], meta[EVT_TYPE_MAX];
	struct rpl_keep_args ka;
	struct rpl_keep *keep;
	int stateless, in_workers, prefiltered, no_fds, r;
	uint64_t screened = 0;
	struct evt ev;

	memset(res, 0, sizeof(*res));
	r = rpl_window(in, &o->since, &o->until, &since_ns, &until_ns, err);
	if (r)
		return r;
	stop_ns = until_ns > UINT64_MAX - RPL_UNTIL_SLACK ? UINT64_MAX : until_ns + RPL_UNTIL_SLACK;
	if (since_ns) {
		r = rpl_input_seek_time(in, since_ns, err);
		if (r)
			return r;
	}
	res->reading = 1;
	/* The types the filter can match: records of other types are counted
	 * but never evaluated (flt_prog_types is exact for evt.type tests and
	 * conservative for the rest, so this never changes a result). */
	memset(types, 0xff, sizeof(types));
	stateless = run_stateless(in, o);
	/* The run's own state, and nothing it feeds reads fds: no fd tables. */
	no_fds = !o->st && o->emit_no_fds && !(o->prog && flt_prog_needs_fds(o->prog));
	rpl_state_reads(state_reads, !no_fds);
	if (o->prog) {
		flt_prog_types(o->prog, types);
		/* Chunks without a matching type are skipped unread only when no
		 * state is kept: the state engine must see every record (an open
		 * in a skipped chunk names the fd a later close uses). Snapshot
		 * chunks are never skipped. */
		if (o->skip_types && stateless)
			rpl_input_set_types(in, types);
		else if (o->skip_types && !o->st)
			rpl_input_set_header_types(in, rpl_state_types(types, state_reads, full));
	}
	/* rpl_is_meta per type, looked up once instead of per record */
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *ei = evt_info_get(t);

		meta[t] = !ei || ei->category == EC_META;
	}
	res->stateless = stateless;
	ka = (struct rpl_keep_args){types, state_reads, meta, since_ns, until_ns, stateless};
	if (rpl_keep_start(in, o, &ka, &keep))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	in_workers = keep != NULL;
	/* stateless: the workers ran the filter; with state they only screen */
	prefiltered = in_workers && stateless;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		rpl_keep_stop(in, keep);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	/* pids are per host: a state of its own for each host merged (one
	 * host, the common case, never looks this up per event) */
	nhosts = rpl_input_host_count(in);
	if (!st && !stateless && nhosts > 1) {
		sts = calloc(nhosts, sizeof(*sts));
		for (size_t i = 0; sts && i < nhosts; i++)
			if (!(sts[i] = st_new()))
				break;
		if (!sts || !sts[nhosts - 1]) {
			states_free(sts, nhosts);
			free(ctx);
			rpl_keep_stop(in, keep);
			return sr_err_set(err, SR_ENOMEM, "out of memory");
		}
		st = sts[0];
	}
	if (!st && !stateless) {
		st = st_new();
		if (!st) {
			free(ctx);
			rpl_keep_stop(in, keep);
			return sr_err_set(err, SR_ENOMEM, "out of memory");
		}
	}
	ctx->hostname = host;
	for (size_t i = 0; st && no_fds && i < (sts ? nhosts : 1); i++)
		st_set_fd_tables(sts ? sts[i] : st, 0);
	for (size_t i = 0; i < (sts ? nhosts : 1); i++)
		rpl_containers_preload(in, sts ? sts[i] : st);
	rpl_progress_start(&prog, o->progress, since_ns ? since_ns : rpl_input_first_ts(in),
			   until_ns != UINT64_MAX ? until_ns : rpl_input_last_ts(in));

	while ((r = rpl_input_next(in, &ev, err)) == 1) {
		uint64_t ts = ev.rec->ts;
		unsigned type = ev.rec->type;
		int show, screen_out;

		res->records++;
		if (sts)
			st = sts[rpl_input_event_host(in)];
		if ((res->records & 0xffff) == 0)
			rpl_progress_update(&prog, ts, res->records);
		if (ts > stop_ns)
			break;
		/* Past the window: not happened yet as far as this run goes, so
		 * state does not see it either (the shell's .tree relies on it). */
		if (ts > until_ns)
			continue;
		if (type >= EVT_TYPE_MAX || meta[type]) {
			if (st) {
				st_event_begin(st, &ev);
				st_event_end(st, &ev);
			}
			if (type == EVT_DROP && o->gap && ts >= since_ns &&
			    o->gap(o->emit_ctx, &ev)) {
				res->stopped = 1;
				break;
			}
			continue;
		}
		show = ts >= since_ns;
		if (st)
			st_event_begin(st, &ev);
		if (show) {
			if (!res->seen++)
				res->first_ts = ts;
			if (ts > res->last_ts)
				res->last_ts = ts;
			/* keep: the loading threads tested it already; a type the
			 * filter cannot match is not even given a field context,
			 * nor is an event nothing reads one of (a count, or one
			 * the workers' screen ruled emit out: marked, mark 2 for
			 * the fd the event opened, if the state has it) */
			int maybe =
			    !o->prog || prefiltered || (types[(type >> 3) & 31] >> (type & 7) & 1);

			screen_out =
			    in_workers && ev.mark && (ev.mark == 1 || (st && st_event_fd(st)));
			if (maybe && ((o->emit && !screen_out) || (o->prog && !prefiltered))) {
				fld_ctx_reset(ctx, &ev, st);
				ctx->hostname = rpl_input_event_hostname(in);
			}
			if (maybe && (!o->prog || prefiltered || flt_eval(o->prog, ctx))) {
				res->matched++;
				if (screen_out)
					screened++;
				else if (o->emit && o->emit(o->emit_ctx, ctx))
					res->stopped = 1;
				if (o->limit && res->matched >= o->limit)
					res->stopped = 1;
			}
		}
		if (st)
			st_event_end(st, &ev);
		if (res->stopped)
			break;
		if (rpl_interrupted) {
			res->interrupted = 1;
			break;
		}
	}
	rpl_progress_end(&prog);
	if (keep) {
		uint64_t counted = rpl_keep_stop(in, keep);

		res->matched += counted;
		res->seen += counted;
	}
	/* Lets tests see how much was read (seek and chunk skipping at work). */
	if (getenv("SYSREPLAY_DEBUG")) {
		struct timespec cpu;

		/* This thread's CPU time: with -J, the serial part (bench/threads.sh) */
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
		fprintf(stderr,
			"sysreplay: debug: records read %" PRIu64 ", events in window %" PRIu64
			", matched %" PRIu64 ", state %s, filter %s, screened out %" PRIu64
			", run thread cpu %.3f s\n",
			res->records, res->seen, res->matched,
			stateless ? "skipped"
			: no_fds  ? "on (no fd tables)"
				  : "on",
			in_workers ? "in workers" : "here", screened,
			(double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9);
	}
	if (r == 1 || r == 0)
		r = 0;
	if (sts)
		states_free(sts, nhosts);
	else if (!o->st && st)
		st_free(st);
	free(ctx);
	return r;
}
