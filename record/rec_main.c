/* rec_main.c: sysrec — setup, the consume loop, and shutdown.
 *
 * Order matters: the output file is opened first (an unwritable path fails
 * before anything is loaded), then the probe is attached, then the /proc
 * snapshot is taken (so nothing between snapshot and stream is missed), then
 * the recorded command, if any, is let go.
 */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_err.h"
#include "../common/sr_time.h"
#include "../format/evt.h"
#include "../format/fmt_seal.h"
#include "../format/fmt_writer.h"
#include "../state/st.h"
#include "rec_action.h"
#include "rec_caps.h"
#include "rec_cgroup.h"
#include "rec_cmd.h"
#include "../outputs/out.h"
#include "rec_evidence.h"
#include "rec_container.h"
#include "rec_fleet.h"
#include "rec_live.h"
#include "rec_metrics.h"
#include "rec_opts.h"
#include "rec_out.h"
#include "rec_probe.h"
#include "rec_ring.h"
#include "rec_sctab.h"
#include "rec_watch.h"

#include "rec_procfs.h"

_Static_assert(PRB_EXEC_FROM_MEMFD == EVT_EXEC_FROM_MEMFD, "probe and schema exec flags differ");
_Static_assert(sizeof(struct evt_rec) == EVT_REC_HDR, "record header size");

#define NS 1000000000ull

static volatile sig_atomic_t sig_stop, sig_rotate, sig_child, sig_reload;
static struct out_set *sig_outs; /* for SIGUSR1: reopen the alert file */

struct rec {
	struct rec_opts o;
	struct rec_probe probe;
	struct rec_ring *ring;
	struct rec_out out;
	struct fleet_pub *fleet; /* NULL: not publishing */
	struct rec_live live;
	struct rec_action act;	/* response actions (config actions:) */
	int wait_ms;		/* longest wait for the ring buffers */
	struct rec_watch watch; /* the rules files, for a reload on change */
	struct rec_sync sync;	/* --fsync */
	struct rec_cg cg;
	struct rec_metrics metrics; /* served with --metrics */
	struct rec_evidence ev;	    /* --capture-on-alert */
	uint64_t last_ts;	    /* of the newest record drained this round */
	struct rec_ctr *ctr;	    /* container descriptions (NULL: --no-containers) */
	struct evt_builder eb;
	int64_t clock_offset;
	uint64_t nevents;
	int full;     /* -n reached: take no more */
	int write_rc; /* first writer error */
	struct sr_err werr;
	struct fmt_sign_key key; /* --sign-key (wiped at once with --forward-secure) */
	uint64_t bad;		 /* records that failed to decode */
	uint64_t bad_seen;	 /* bad + the reader's malformed samples, already in a DROP */
	uint64_t *drops_seen, *drops_cur; /* per CPU: [reason * ncpus + cpu] */
	uint64_t drops_at;		  /* when they were last read (epoch ns) */
	uint64_t drops_total[PRB_DROP_NR];
	pid_t child;
	int child_status, child_done;
	int status_line;
};

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		sig_reload = 1;
	else if (sig == SIGUSR2)
		sig_rotate = 1;
	else if (sig == SIGCHLD)
		sig_child = 1;
	else if (sig == SIGUSR1) {
		if (sig_outs)
			out_set_reopen(sig_outs);
	} else
		sig_stop++;
}

static void set_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal ends the wait for events at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int die(int code, const struct sr_err *err)
{
	fprintf(stderr, "sysrec: %s\n", err->msg[0] ? err->msg : sr_code_name(err->code));
	return code;
}

/* sysrec's own failure: 1 when the disk filled, 2 otherwise; with a
 * COMMAND, REC_EXIT_CMD_FAILED, so it cannot pass for COMMAND's status. */
static int fail_code(int with_cmd, int rc)
{
	if (with_cmd)
		return REC_EXIT_CMD_FAILED;
	return rc == SR_ENOSPC || rc == SR_ELIMIT ? 1 : 2;
}

/* A "--" anywhere: the user meant to run a command (for the exit status of
 * a usage error, found before the options are understood). */
static int has_dashdash(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return 1;
	return 0;
}

/* The last line after a write error: the path once, and what is on disk. */
static void report_write_error(const struct rec *r)
{
	const char *msg = r->werr.msg[0] ? r->werr.msg : sr_code_name(r->write_rc);
	int named = strstr(msg, r->o.path) != NULL;

	fprintf(stderr, "sysrec: %s%s%s (%s)\n", named ? "" : r->o.path, named ? "" : ": ", msg,
		r->out.last_indexed
		    ? "file closed with its index and trailer; the events before this point are "
		      "kept"
		    : "no index could be written: the file ends after its last complete chunk, "
		      "which readers find by scanning");
}

static int append_cb(void *ctx, const void *rec, size_t len)
{
	struct rec *r = ctx;
	int rc = rec_out_append(&r->out, rec, len, &r->werr);

	if (rc)
		r->write_rc = rc;
	return rc;
}

/* A new cgroup is described before the record that names it, and the
 * description goes into the live state as replay reads it from the file
 * (state only: meta records never reach the rules), so live rules see the
 * record's container. */
static int announce_cgroup(struct rec *r, const void *rec, size_t len)
{
	const void *info;
	size_t ilen;
	struct evt ev;
	int rc = rec_out_announce(&r->out, rec, len, &info, &ilen, &r->werr);

	if (!rc && info && !evt_decode(&ev, info, ilen)) {
		st_event_begin(r->live.st, &ev);
		st_event_end(r->live.st, &ev);
	}
	return rc;
}

/* The probe's notice of a new cgroup: its path is kept and its container
 * asked about now, while it exists. Not written: a file names a cgroup
 * (CGROUPINFO) where its first record is. */
static void learn_cgroup(struct rec *r, const struct evt *ev)
{
	char path[4097];
	size_t n = ev->nparams > 1 ? ev->plen[1] : 0;
	uint64_t id = evt_param_u64(ev, 0);

	if (!n || n >= sizeof(path) || (ev->rec->flags & EVT_RF_TRUNC))
		return;
	memcpy(path, ev->p[1], n);
	path[n] = '\0';
	rec_cg_learn(&r->cg, id, path);
	rec_ctr_note(r->ctr, id, 0);
}

/* One record from the probe: to epoch time, through state and rules, to disk. */
static int on_record(void *ctx, void *rec, size_t len)
{
	struct rec *r = ctx;
	struct evt_rec *h = rec;
	struct evt ev;
	int rc;

	if (r->full)
		return 1;
	h->ts = (uint64_t)((int64_t)h->ts + r->clock_offset);
	/* A record the schema does not describe (decode fails, or a parameter
	 * count other than its type's) is counted as a drop, never written. */
	if (evt_decode(&ev, rec, len) || !evt_nparams_match(&ev)) {
		r->bad++;
		return 0;
	}
	if (h->type == EVT_CGROUPINFO) {
		learn_cgroup(r, &ev);
		return 0;
	}
	ev.num = ++r->nevents;
	r->last_ts = h->ts;
	rc = announce_cgroup(r, rec, len);
	if (rc) {
		r->nevents--;
		r->write_rc = rc;
		return rc;
	}
	rec_ctr_note(r->ctr, h->cgroup_id, h->pid);
	rec_live_event(&r->live, &ev);
	rc = rec_out_append(&r->out, rec, len, &r->werr);
	if (rc) {
		r->nevents--; /* not in the file: not counted */
		r->write_rc = rc;
		return rc;
	}
	/* actions taken on this event's alerts: recorded right after it */
	if (r->act.pend_len && (rc = rec_action_flush(&r->act, append_cb, r)))
		return rc;
	/* the post window of an open evidence capture */
	if (r->ev.open)
		rec_evidence_record(&r->ev, rec, len);
	if (r->o.max_events && r->nevents >= r->o.max_events)
		r->full = 1;
	return 0;
}

/* A container description from the metadata thread: into state (live
 * rules and later snapshots see it) and into the file, after the events of
 * that container already written. */
static int on_container(void *ctx, const void *rec, size_t len)
{
	struct rec *r = ctx;
	struct evt ev;
	int rc;

	if (r->write_rc || evt_decode(&ev, rec, len))
		return 0;
	rec_live_event(&r->live, &ev);
	rc = rec_out_append(&r->out, rec, len, &r->werr);
	if (rc && !r->write_rc)
		r->write_rc = rc;
	return rc;
}

/* One DROP record: lost events of one CPU (or EVT_GAP_NO_CPU) over the
 * span (from, now], the span's length in the header's latency. */
static int write_gap(struct rec *r, unsigned cpu, uint64_t ring, uint64_t other, uint64_t from,
		     uint64_t now)
{
	struct evt_rec hdr;
	const void *rec;
	size_t len;

	memset(&hdr, 0, sizeof(hdr));
	hdr.ts = now;
	hdr.latency = now > from ? now - from : 1;
	hdr.cpu = (uint16_t)cpu;
	hdr.pid = hdr.tid = (uint32_t)getpid();
	snprintf(hdr.comm, sizeof(hdr.comm), "sysrec");
	evt_builder_begin(&r->eb, EVT_DROP, &hdr);
	evt_builder_add_u64(&r->eb, ring);
	evt_builder_add_u64(&r->eb, 0); /* backlog: cannot happen (see account_drops) */
	evt_builder_add_u64(&r->eb, other);
	rec = evt_builder_finish(&r->eb, &len);
	if (!rec)
		return 0;
	fmt_writer_add_drops(r->out.w, ring, 0);
	return rec_out_append(&r->out, rec, len, &r->werr);
}

/* New drops since the last look become DROP records, one per CPU that lost
 * events (gap markers: sysreplay events shows each where it falls), and
 * file counters: a loss is never silent.
 *
 * Reasons: ring_full, counted by the probe per CPU when a CPU's buffer has
 * no room; other, the probe's scratch/oversize failures plus records the
 * reader found malformed (those belong to no CPU). The schema's "backlog"
 * reason (a userspace queue between reader and writer overflowing) cannot
 * happen in this design and is always 0: one thread reads the rings and
 * hands each record to the writer (compression included) before reading
 * the next, so a writer that falls behind slows the reader and the
 * kernel-side buffers fill instead; those losses are counted as ring_full,
 * where they happen. */
static int account_drops(struct rec *r)
{
	int n = r->probe.ncpus;
	uint64_t bad = r->bad + rec_ring_bad(r->ring), now = sr_time_now(CLOCK_REALTIME);
	uint64_t from = r->drops_at ? r->drops_at : now;
	int rc = 0;

	if (!r->drops_cur || rec_probe_drops_cpu(&r->probe, r->drops_cur))
		return 0;
	r->drops_at = now;
	/* the reader's LOST count (rec_ring_lost) is not added: it repeats
	 * what the probe already counted as ring drops */
	for (int c = 0; c < n && !rc; c++) {
		uint64_t d[PRB_DROP_NR];

		for (int k = 0; k < PRB_DROP_NR; k++) {
			size_t i = (size_t)k * (size_t)n + (size_t)c;

			d[k] = r->drops_cur[i] - r->drops_seen[i];
			r->drops_seen[i] = r->drops_cur[i];
			r->drops_total[k] += d[k];
		}
		if (d[PRB_DROP_RING] || d[PRB_DROP_NOMEM] || d[PRB_DROP_OTHER])
			rc = write_gap(r, (unsigned)c, d[PRB_DROP_RING],
				       d[PRB_DROP_NOMEM] + d[PRB_DROP_OTHER], from, now);
	}
	if (!rc && bad != r->bad_seen) {
		r->drops_total[PRB_DROP_OTHER] += bad - r->bad_seen;
		rc = write_gap(r, EVT_GAP_NO_CPU, 0, bad - r->bad_seen, from, now);
		r->bad_seen = bad;
	}
	if (rc && !r->write_rc)
		r->write_rc = rc;
	return rc;
}

/* State snapshot from the engine's tables (periodic, and after rotation). */
static int snapshot_state(struct rec *r)
{
	struct rec_out_emit e = {.o = &r->out, .err = &r->werr};
	int rc = rec_out_snapshot_begin(&r->out, &r->werr);

	if (!rc)
		rc = st_snapshot_emit(r->live.st, sr_time_now(CLOCK_REALTIME), rec_out_emit_cb, &e);
	if (!rc)
		rc = rec_out_snapshot_end(&r->out, &r->werr);
	if (rc && !r->write_rc)
		r->write_rc = rc;
	return rc;
}

static int snapshot_procfs(struct rec *r)
{
	struct rec_out_emit e = {.o = &r->out, .err = &r->werr, .fix_cgroup = 1};
	uint64_t ts = sr_time_now(CLOCK_REALTIME);
	int rc = rec_out_snapshot_begin(&r->out, &r->werr);

	if (rc)
		return rc;
	rc = rec_procfs_snapshot(r->live.st, ts, rec_out_emit_cb, &e, getpid(), &r->werr);
	if (!rc)
		rc = rec_out_snapshot_end(&r->out, &r->werr);
	return rc;
}

static void print_status(struct rec *r, uint64_t dt_ns, uint64_t dev)
{
	struct fmt_writer_stats st;
	uint64_t drops = r->drops_total[0] + r->drops_total[1] + r->drops_total[2];

	rec_out_stats(&r->out, &st);
	fprintf(stderr, "\r\033[K%8.0f ev/s  %llu events  %llu drops  %.1f MB  ratio %.1fx",
		dt_ns ? (double)dev * 1e9 / (double)dt_ns : 0.0, (unsigned long long)r->nevents,
		(unsigned long long)drops, (double)st.bytes / 1e6,
		st.bytes ? (double)st.raw_bytes / (double)st.bytes : 0.0);
}

static void print_summary(struct rec *r, uint64_t elapsed_ns)
{
	struct fmt_writer_stats st;
	uint64_t drops = r->drops_total[0] + r->drops_total[1] + r->drops_total[2];
	uint64_t events, bytes;
	size_t files;

	/* after close: the sizes are those of the files on disk, and the
	 * events of a chunk that could not be written are not counted */
	rec_out_stats(&r->out, &st);
	events = r->nevents > st.events_lost ? r->nevents - st.events_lost : 0;
	/* a ring may also delete files of an earlier run, not in st */
	bytes = st.bytes > r->out.deleted_bytes ? st.bytes - r->out.deleted_bytes : 0;
	files = r->out.files > r->out.deleted_files ? r->out.files - r->out.deleted_files : 0;
	if (!r->o.quiet || drops)
		fprintf(stderr,
			"sysrec: %llu events in %.1f s (%.0f ev/s), %llu bytes in %zu file(s), "
			"%.1f bytes/event, ratio %.1fx; drops: %llu (ring full %llu, other %llu)\n",
			(unsigned long long)events, (double)elapsed_ns / 1e9,
			elapsed_ns ? (double)events * 1e9 / (double)elapsed_ns : 0.0,
			(unsigned long long)bytes, files,
			events ? (double)st.bytes / (double)events : 0.0,
			st.bytes ? (double)st.raw_bytes / (double)st.bytes : 0.0,
			(unsigned long long)drops,
			(unsigned long long)r->drops_total[PRB_DROP_RING],
			(unsigned long long)(r->drops_total[PRB_DROP_NOMEM] +
					     r->drops_total[PRB_DROP_OTHER]));
	if (st.events_lost)
		fprintf(stderr,
			"sysrec: %llu more events were lost with the chunk that could "
			"not be written\n",
			(unsigned long long)st.events_lost);
	if (r->out.deleted_files && !r->o.quiet)
		fprintf(stderr,
			"sysrec: the file ring deleted %zu older file(s), %llu bytes (%zu for disk "
			"space)\n",
			r->out.deleted_files, (unsigned long long)r->out.deleted_bytes,
			r->out.pressure_files);
	if (r->out.disk_full)
		fprintf(stderr, "sysrec: the disk filled %zu time(s); older files made room\n",
			r->out.disk_full);
	if (r->out.unindexed)
		fprintf(stderr,
			"sysrec: %zu file(s) were closed without an index (the disk stayed full): "
			"readers rebuild it by scanning their chunks\n",
			r->out.unindexed);
	if (r->out.adopted && !r->o.quiet)
		fprintf(stderr, "sysrec: the file of the previous run was kept in the set\n");
	if (r->o.verbose) {
		struct rusage ru;
		double cpu;

		getrusage(RUSAGE_SELF, &ru);
		cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		      ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
		fprintf(stderr, "sysrec: recorder CPU %.2f s (%.0f ns/event), max RSS %ld KiB\n",
			cpu, r->nevents ? cpu * 1e9 / (double)r->nevents : 0.0, ru.ru_maxrss);
	}
	if (r->o.verbose)
		fprintf(stderr, "sysrec: %llu cgroup descriptions written (%llu hierarchy walks)\n",
			(unsigned long long)r->out.cgroupinfo, (unsigned long long)r->cg.walks);
	if (r->bad)
		fprintf(stderr, "sysrec: %llu malformed records skipped\n",
			(unsigned long long)r->bad);
	if (r->live.alerts)
		fprintf(stderr, "sysrec: %llu alerts\n", (unsigned long long)r->live.alerts);
	rec_ctr_report(r->ctr, r->o.verbose);
	if (r->ev.files)
		fprintf(stderr,
			"sysrec: %llu evidence file(s), the last pre window on disk %.3f s after "
			"its alert's event%s\n",
			(unsigned long long)r->ev.files, (double)r->ev.pre_ns / 1e9,
			r->ev.skipped ? " (some alerts past max_per_hour had none)" : "");
	if (r->ev.lost)
		fprintf(stderr,
			"sysrec: %llu post-window events were not kept in evidence files (the "
			"evidence queue was full)\n",
			(unsigned long long)r->ev.lost);
}

/* The alert outputs (with -r); their spools default to FILE.spool/. Threads
 * start here, after the capability drop, so they hold none. */
static int open_outputs(struct rec *r, struct sr_err *err)
{
	char root[4200];

	snprintf(root, sizeof(root), "%s.spool", r->o.path);
	r->o.outs.json = r->o.alert_json;
	r->o.outs.t[OUT_STDOUT].enabled = !r->o.alert_quiet;
	if (rec_fleet_alerts(&r->o.outs, &r->o.fleet, r->live.hostname, err))
		return -1;
	if (out_set_open(&r->live.outs, &r->o.outs, root, err))
		return -1;
	sig_outs = r->live.outs;
	return 0;
}

static void reap_child(struct rec *r)
{
	int ws;

	sig_child = 0;
	if (r->child > 0 && !r->child_done && waitpid(r->child, &ws, WNOHANG) == r->child) {
		r->child_done = 1;
		r->child_status = rec_cmd_status(ws);
	}
}

/* The counters --metrics serves, from the consumer's own numbers: every
 * round the cheap ones, once a second the rest (rec_metrics.h). */
static void publish_round(struct rec *r, uint64_t mono, uint64_t real)
{
	struct rec_metrics *m = &r->metrics;

	rec_metrics_set(&m->heartbeat_ns, mono);
	rec_metrics_set(&m->events, r->nevents);
	rec_metrics_set(&m->lag_ns, r->last_ts && real > r->last_ts ? real - r->last_ts : 0);
	r->last_ts = 0;
}

static void publish_second(struct rec *r)
{
	struct rec_metrics *m = &r->metrics;
	struct fmt_writer_stats st;
	uint64_t files, bytes;
	int n = rec_ring_ncpus(r->ring);

	rec_out_stats(&r->out, &st);
	rec_out_ring_usage(&r->out, &files, &bytes);
	rec_metrics_set(&m->bytes, st.bytes);
	rec_metrics_set(&m->raw_bytes, st.raw_bytes);
	rec_metrics_set(&m->chunks, st.chunks);
	rec_metrics_set(&m->ring_files, files);
	rec_metrics_set(&m->ring_bytes, bytes);
	rec_metrics_set(&m->ring_deleted, r->out.deleted_files);
	rec_metrics_set(&m->ring_deleted_space, r->out.pressure_files);
	rec_metrics_set(&m->disk_full, r->out.disk_full);
	for (int i = 0; i < PRB_DROP_NR; i++)
		rec_metrics_set(&m->drops[i], r->drops_total[i]);
	rec_metrics_set(&m->alerts, r->live.alerts);
	if (r->live.outs)
		rec_metrics_set(&m->outputs_drops, rec_metrics_outputs_dropped(r->live.outs));
	rec_metrics_set(&m->evidence_files, r->ev.files);
	rec_metrics_set(&m->reloads, r->live.reloads);
	rec_metrics_set(&m->reload_failures, r->live.reload_failures);
	for (int c = 0; c < n && c < REC_METRICS_CPUS; c++)
		rec_metrics_set(&m->fill_ppm[c], rec_ring_fill_ppm(r->ring, c));
	rec_metrics_set(&m->ncpus, (uint64_t)n);
}

/* After a write error: with a file ring and the disk full, older files make
 * room and recording goes on in a new file with a state snapshot (1);
 * otherwise the recording ends (0). */
static int recover_write(struct rec *r)
{
	size_t before = r->out.pressure_files;

	if (r->write_rc != SR_ENOSPC || rec_out_recover(&r->out, &r->werr))
		return 0;
	r->write_rc = 0;
	sr_err_clear(&r->werr);
	if (!r->o.quiet)
		fprintf(stderr, "sysrec: disk full: %zu older file(s) deleted, recording goes on\n",
			r->out.pressure_files - before);
	return snapshot_state(r) == 0;
}

/* A write through werr failed: recording goes on when the ring made room
 * (1), else it ends (0). */
static int write_failed(struct rec *r)
{
	if (!r->write_rc)
		r->write_rc = r->werr.code ? r->werr.code : SR_EIO;
	return recover_write(r);
}

/* The consume loop: until a signal, -M, -n, the command's end or an error. */
static void run(struct rec *r)
{
	uint64_t start = sr_time_now(CLOCK_MONOTONIC), last_sec = start, last_snap = start;
	uint64_t ev_at_sec = 0, stop_at = 0;
	struct fmt_writer_stats st;
	int woke = 0;

	for (;;) {
		uint64_t mono, real;

		/* After a wakeup, what was too young for that drain is taken a
		 * horizon later: the probe wakes the loop for what must not wait
		 * (a new cgroup, whose container may be gone in a few ms). */
		woke = rec_ring_wait(r->ring, woke && r->wait_ms > REC_RING_HORIZON_MS + 1
						  ? REC_RING_HORIZON_MS + 1
						  : r->wait_ms) > 0;
		if (rec_ring_drain(r->ring, 0, on_record, r) && r->write_rc && !recover_write(r))
			break;
		rec_ctr_take(r->ctr, on_container, r);
		mono = sr_time_now(CLOCK_MONOTONIC);
		real = sr_time_now(CLOCK_REALTIME);
		if (sig_child)
			reap_child(r);
		rec_action_tick(&r->act);
		publish_round(r, mono, real);
		rec_evidence_tick(&r->ev, real);
		/* between two drains: the kernel's buffers hold what arrives
		 * meanwhile, so a reload loses no event */
		if (sig_reload || rec_watch_due(&r->watch, mono)) {
			sig_reload = 0;
			rec_live_reload(&r->live, r->o.rules, r->o.nrules);
		}
		if (fmt_writer_tick(r->out.w, real, &r->werr) && !write_failed(r))
			break;
		if (mono - last_sec >= NS) {
			int e = rec_sync_error(&r->sync);

			if (e)
				fprintf(stderr, "sysrec: --fsync: syncing %s failed: %s\n",
					r->o.path, strerror(e));
			if (account_drops(r) && !recover_write(r))
				break;
			/* the rate limiter's summaries come even when alerts stop */
			if (r->live.outs)
				out_set_tick(r->live.outs);
			rec_out_trim(&r->out, real);
			publish_second(r);
			if (r->status_line)
				print_status(r, mono - last_sec, r->nevents - ev_at_sec);
			ev_at_sec = r->nevents;
			last_sec = mono;
		}
		if (r->full || r->child_done || r->write_rc)
			break;
		if (r->o.max_ns && mono - start >= r->o.max_ns)
			break;
		if (sig_stop) {
			/* with a command, give it a moment to finish on the same signal */
			if (!r->child || sig_stop > 1)
				break;
			if (!stop_at)
				stop_at = mono + 2 * NS;
			else if (mono >= stop_at)
				break;
		}
		rec_out_stats(&r->out, &st);
		/* forward-secure: no second file (its key is gone) */
		if (sig_rotate && r->o.forward_secure)
			sig_rotate = 0;
		if (sig_rotate ||
		    (r->o.rot_bytes && r->out.w &&
		     st.bytes - r->out.done.bytes >= r->o.rot_bytes) ||
		    (r->o.rot_ns && real - r->out.file_start_ns >= r->o.rot_ns)) {
			sig_rotate = 0;
			if (account_drops(r) || rec_out_rotate(&r->out, &r->werr)) {
				if (!write_failed(r))
					break;
				continue;
			}
			if (snapshot_state(r) && !recover_write(r))
				break;
			last_snap = mono;
		}
		if (r->o.snap_ns && mono - last_snap >= r->o.snap_ns) {
			if (snapshot_state(r) && !recover_write(r))
				break;
			last_snap = mono;
		}
	}
	if (r->status_line)
		fputc('\n', stderr);
}

/* Probe loaded, maps open, /proc read: the rest runs on the descriptors
 * held (rec_caps.h), so every capability goes when this kernel lets the
 * maps be read and the flush program run without them. */
static void drop_caps(struct rec *r)
{
	struct sr_err err;

	sr_err_clear(&err);
	if (rec_caps_effective_off(1) || rec_probe_check(&r->probe)) {
		rec_caps_effective_off(0);
		if (r->o.verbose)
			fprintf(stderr, "sysrec: capabilities kept: this kernel needs them to read "
					"the probe's maps\n");
		return;
	}
	/* response actions signal processes of any user: CAP_KILL stays */
	if (rec_caps_drop_except(r->live.act ? 1ull << CAP_KILL : 0, &err)) {
		rec_caps_effective_off(0);
		fprintf(stderr, "sysrec: warning: %s\n", err.msg);
	} else if (r->o.verbose) {
		fprintf(stderr, "sysrec: capabilities dropped (effective set %#llx)\n",
			(unsigned long long)rec_caps_effective());
	}
}

static int setup_probe(struct rec *r, struct sr_err *err)
{
	struct rec_probe_cfg cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	if (r->o.syscalls) {
		rc = rec_sc_table_parse(r->o.syscalls, cfg.sc_evt, err);
		if (rc)
			return rc;
	} else {
		rec_sc_table_all(cfg.sc_evt);
	}
	cfg.snaplen = r->o.snaplen;
	cfg.self = getpid();
	cfg.follow = r->o.cmd || r->o.pid;
	cfg.env = r->o.env;
	cfg.transport = r->o.transport;
	cfg.ring_pages = r->o.buffer_pages;
	cfg.verbose = r->o.verbose;
	cfg.entry = r->o.entry;
	cfg.bench = r->o.bench;
	if (r->o.comm)
		snprintf(cfg.comm, sizeof(cfg.comm), "%s", r->o.comm);
	if (r->o.cgroup) {
		rc = rec_cgroup_resolve(r->o.cgroup, &cfg.cgroup_id, &cfg.cgroup_level, err);
		if (rc)
			return rc;
	}
	return rec_probe_open(&r->probe, &cfg, err);
}

int main(int argc, char **argv)
{
	static struct rec r;
	struct fmt_writer_opts wopts;
	struct rec_out_ring ring;
	struct fmt_host_info host;
	struct sr_err err;
	uint64_t t0;
	int rc, go_fd = -1, code = 0;

	/* A subcommand as the first word: recording needs -w and takes its
	 * COMMAND only after --, so "keygen" there cannot start a recording. */
	if (argc > 1 && !strcmp(argv[1], "keygen"))
		return fmt_key_cmd("sysrec", argc - 1, argv + 1);
	sr_err_clear(&err);
	if (argc > 1 && !strcmp(argv[1], "fleet"))
		return rec_fleet_main(argc - 1, argv + 1);
	rc = rec_opts_parse(&r.o, argc, argv, &err);
	if (rc == 1)
		return 0;
	if (rc)
		return die(has_dashdash(argc, argv) ? REC_EXIT_CMD_FAILED : 2, &err);
	set_signals();
	rec_metrics_init(&r.metrics);
	r.watch.fd = -1; /* nothing watched until the rules are loaded */
	evt_builder_init(&r.eb);
	/* a reader starved by busy processes is what drops events: run ahead of
	 * them when the machine is contended (root may; a failure costs nothing) */
	if (setpriority(PRIO_PROCESS, 0, -10) && r.o.verbose)
		fprintf(stderr, "sysrec: cannot raise priority: %s\n", strerror(errno));

	fmt_host_info_local(&host);
	if (r.o.hostname)
		snprintf(host.hostname, sizeof(host.hostname), "%s", r.o.hostname);
	snprintf(host.options, sizeof(host.options), "%s", r.o.cmdline);
	host.snaplen = r.o.snaplen;
	r.clock_offset = host.clock_offset_ns;
	memset(&wopts, 0, sizeof(wopts));
	wopts.level = r.o.level;
	/* a killed recorder loses at most the last second */
	wopts.chunk_ns = NS;
	wopts.exclusive = !r.o.force;
	if (r.o.sign_key) {
		if (fmt_key_load_private(r.o.sign_key, &r.key, &err))
			return die(2, &err);
		wopts.sign = &r.key;
		wopts.ratchet = r.o.forward_secure;
		wopts.ckpt_chunks = r.o.ckpt_chunks;
		wopts.ckpt_ns = r.o.ckpt_ns;
	}
	ring.keep = r.o.ring_count;
	ring.max_bytes = r.o.max_bytes;
	ring.max_age_ns = r.o.max_age_ns;
	ring.min_free = r.o.min_free;
	rc = rec_out_open(&r.out, r.o.path, &host, &wopts, &ring, &err);
	/* Forward-secure: the writer holds the only copy, and evolves it. */
	if (r.o.forward_secure) {
		fmt_seal_wipe(&r.key, sizeof(r.key));
		r.out.wopts.sign = NULL;
	}
	if (rc)
		return die(fail_code(r.o.cmd != NULL, rc), &err);
	rec_cg_init(&r.cg, &err);
	r.out.cg = &r.cg;

	if (r.o.cmd) {
		struct rec_cmd_user user;

		rc = r.o.user ? rec_cmd_user_lookup(r.o.user, &user, &err) : 0;
		if (!rc)
			rc =
			    rec_cmd_spawn(r.o.cmd, r.o.user ? &user : NULL, &r.child, &go_fd, &err);
		if (rc)
			goto fail_early;
	}
	rc = setup_probe(&r, &err);
	if (!rc && r.child > 0 && rec_probe_track(&r.probe, (uint32_t)r.child))
		rc = sr_err_set(&err, SR_EIO, "cannot follow the command's pid");
	if (!rc && r.o.pid)
		rc = rec_track_tree(&r.probe, r.o.pid, &err);
	if (!rc) {
		r.drops_seen = calloc((size_t)r.probe.ncpus * PRB_DROP_NR, sizeof(uint64_t));
		r.drops_cur = calloc((size_t)r.probe.ncpus * PRB_DROP_NR, sizeof(uint64_t));
		if (!r.drops_seen || !r.drops_cur)
			rc = sr_err_set(&err, SR_ENOMEM, "out of memory");
	}
	if (!rc)
		rc = rec_ring_open(&r.ring, &r.probe, r.o.transport, r.o.buffer_pages, &err);
	if (!rc)
		rc = rec_probe_attach(&r.probe, &err);
	if (!rc)
		rc = rec_live_init(&r.live, r.o.rules, r.o.nrules, host.hostname, &err);
	if (rc)
		goto fail_early;
	r.live.json = r.o.alert_json;
	r.live.metrics = &r.metrics;
	if (r.o.coa.mode) {
		if (!r.o.nrules) {
			sr_err_set(&err, SR_ESYNTAX, "--capture-on-alert needs rules (-r)");
			goto fail_early;
		}
		rec_evidence_init(&r.ev, &r.o.coa, &r.out, &host, r.o.alert_json, stdout);
		r.live.evidence = &r.ev;
	}
	r.live.quiet = r.o.alert_quiet;
	/* an event waits in the buffers for up to one wait: with actions on,
	 * a short one bounds how late a kill can come (bench/actions.sh) */
	r.wait_ms = 100;
	if (r.o.actions && r.o.actions->enabled) {
		/* before the capabilities go: actions.realtime needs CAP_SYS_NICE */
		rec_action_init(&r.act, r.o.actions, r.clock_offset, &err);
		r.live.act = &r.act;
		r.wait_ms = rec_action_wait_ms(r.o.actions);
	}
	if (r.o.nrules && rec_watch_open(&r.watch, r.o.rules, r.o.nrules, &err)) {
		/* SIGHUP still reloads */
		fprintf(stderr, "sysrec: warning: rules files not watched: %s\n", err.msg);
		rec_watch_close(&r.watch);
		sr_err_clear(&err);
	}
	if (snapshot_procfs(&r)) {
		err = r.werr;
		goto fail_early;
	}
	drop_caps(&r);
	if (r.live.rs && open_outputs(&r, &err))
		goto fail_early;
	/* the sync thread after the drop: capabilities belong to each thread,
	 * and it must not keep what the others gave up */
	if (r.o.fsync && (rec_sync_start(&r.sync, &err) || rec_out_set_sync(&r.out, &r.sync, &err)))
		goto fail_early;
	/* the server thread after the drop too; it never needs a capability */
	if (r.o.metrics) {
		publish_second(&r);
		if (r.live.outs &&
		    rec_metrics_add_source(&r.metrics, rec_metrics_outputs, r.live.outs)) {
			sr_err_set(&err, SR_ELIMIT, "--metrics: too many metric sources");
			goto fail_early;
		}
		if (rec_metrics_start(&r.metrics, r.o.metrics, &err))
			goto fail_early;
		if (r.o.verbose)
			fprintf(stderr, "sysrec: metrics at http://%s/metrics\n", r.o.metrics);
	}
	if (!r.o.ctr_off && rec_ctr_start(&r.ctr, r.o.ctr_socks, REC_CTR_NSOCK_OPTS,
					  r.o.ctr_timeout_ms, &r.cg, &err))
		goto fail_early;
	/* a description goes into state (live rules) as soon as it is ready */
	if (rec_ring_watch(r.ring, rec_ctr_wake_fd(r.ctr)))
		fprintf(stderr, "sysrec: container descriptions wait for the next turn: %s\n",
			strerror(errno));
	/* the publisher reads the files back: it never holds up the ring consumer */
	if (r.o.fleet.nservers &&
	    fleet_pub_start(&r.fleet, &r.o.fleet, r.o.path, host.hostname, &err))
		goto fail_early;
	r.status_line = !r.o.quiet && !r.o.cmd && isatty(STDERR_FILENO);
	if (r.o.verbose)
		fprintf(stderr, "sysrec: recording to %s (%d CPUs, %u pages each, %s)\n", r.o.path,
			r.probe.ncpus, r.o.buffer_pages,
			r.o.transport == PRB_TR_RINGBUF ? "ringbuf" : "perf");
	if (r.child > 0 && rec_cmd_release(go_fd)) {
		sr_err_set(&err, SR_EIO, "cannot start the command");
		go_fd = -1;
		goto fail_early;
	}
	go_fd = -1;

	t0 = sr_time_now(CLOCK_MONOTONIC);
	run(&r);
	/* what is still in the buffers belongs to the capture too; a full disk
	 * makes room here as it does while recording */
	if (!r.write_rc)
		while (rec_ring_drain(r.ring, 1, on_record, &r) && r.write_rc && recover_write(&r))
			;
	rec_ctr_stop(r.ctr);
	rec_ctr_take(r.ctr, on_container, &r);
	if (!r.write_rc)
		account_drops(&r);
	rec_metrics_stop(&r.metrics);
	rec_probe_close(&r.probe);
	/* the alerts' delivery ends (or waits in the spool) before the summary */
	sig_outs = NULL;
	out_set_close(r.live.outs, stderr);
	r.live.outs = NULL;
	rec_evidence_close(&r.ev);
	evt_builder_free(&r.ev.b);
	/* the open chunk too (the same room-making if the disk is full) */
	while (!r.write_rc && r.out.w && fmt_writer_tick(r.out.w, 0, &r.werr) && write_failed(&r))
		;
	rc = rec_out_close(&r.out, r.write_rc ? NULL : &r.werr);
	if (rc && !r.write_rc)
		r.write_rc = rc;
	rec_sync_stop(&r.sync);
	if (r.fleet) {
		struct fleet_pub_stats fst;

		fleet_pub_stop(r.fleet, &fst);
		r.fleet = NULL;
		if (!r.o.quiet || fst.lost_files || fst.behind_chunks)
			fprintf(stderr,
				"sysrec: fleet: %llu chunks (%llu bytes) published, %llu retries, "
				"%llu files removed before they were sent\n",
				(unsigned long long)fst.chunks, (unsigned long long)fst.bytes,
				(unsigned long long)fst.retries,
				(unsigned long long)fst.lost_files);
		if (fst.evidence)
			fprintf(stderr, "sysrec: fleet: %llu evidence capture%s published\n",
				(unsigned long long)fst.evidence, fst.evidence > 1 ? "s" : "");
		if (fst.behind_chunks)
			fprintf(stderr,
				"sysrec: fleet: %llu chunks not sent when the drain time ran out; "
				"they stay in the capture files: sysrec fleet push -w %s sends "
				"them\n",
				(unsigned long long)fst.behind_chunks, r.o.path);
	}
	print_summary(&r, sr_time_now(CLOCK_MONOTONIC) - t0);
	if (r.write_rc) {
		report_write_error(&r);
		code = r.child > 0 ? REC_EXIT_CMD_FAILED : 1;
	}
	if (r.child > 0) {
		if (!r.child_done) {
			int ws;

			if (waitpid(r.child, &ws, 0) == r.child)
				r.child_status = rec_cmd_status(ws);
		}
		if (!code)
			code = r.child_status;
	}
	rec_ring_close(r.ring);
	rec_watch_close(&r.watch);
	rec_live_free(&r.live);
	rec_action_free(&r.act);
	rec_ctr_free(r.ctr);
	rec_cg_free(&r.cg);
	evt_builder_free(&r.eb);
	free(r.drops_seen);
	free(r.drops_cur);
	return code;

fail_early:
	/* the metrics server reads the outputs' counters: it stops first */
	rec_metrics_stop(&r.metrics);
	sig_outs = NULL;
	out_set_close(r.live.outs, NULL);
	r.live.outs = NULL;
	rec_ctr_free(r.ctr);
	if (go_fd >= 0)
		rec_cmd_abort(go_fd, r.child);
	rec_ring_close(r.ring);
	rec_probe_close(&r.probe);
	rec_out_close(&r.out, NULL);
	rec_sync_stop(&r.sync);
	unlink(r.o.path);
	return die(fail_code(r.o.cmd != NULL, err.code), &err);
}
