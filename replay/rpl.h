/* rpl: internals of sysreplay, shared by its command files. Nothing outside
 * replay/ includes this.
 *
 * Layers, bottom up:
 *   rpl_input   FILE arguments → sources (directories, rotated sets, .scap),
 *               merged into one time-ordered stream with a heap (rpl_merge.c)
 *   rpl_run     the pipeline: input → state → time window → filter → emit callback
 *   rpl_out     renders one event: default line, %field format, or JSON
 *   rpl_cmd_*   one file per subcommand; rpl_shell* the REPL
 *
 * Exit codes (documented in --help and README): 0 success, 1 a finding the
 * command reports (verify found damage), 2 bad usage or bad input; a capture
 * whose damage stops reading part way also gives 2, after printing every
 * event before the damage.
 */
#ifndef RPL_H
#define RPL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/sr_err.h"
#include "common/sr_time.h"
#include "format/evt.h"
#include "format/evt_source.h"
#include "fields/fld.h"
#include "filter/flt.h"
#include "state/st.h"

#define RPL_EXIT_OK	 0
#define RPL_EXIT_FINDING 1
#define RPL_EXIT_BAD	 2

#define RPL_DEFAULT_FORMAT                                                                         \
	"%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args"

/* Set by the SIGINT handler while a listing runs in the shell; batch commands
 * keep the default action (the process ends, like sysdig and grep). */
extern volatile sig_atomic_t rpl_interrupted;

/* --keep-going (one per process, like the command it belongs to): a damaged
 * chunk or an unreadable file is named on stderr and passed over; the run
 * ends with exit 2. Off: reading stops at the damage. */
extern int rpl_keep_going;

/* ---- messages ---- */
/* "sysreplay: <message>" on one line to stderr. Returns RPL_EXIT_BAD. */
int rpl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rpl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warns when a source split n enter/exit pairs (struct evt_source's unpaired). */
void rpl_note_unpaired(const char *path, uint64_t n);
/* One line naming a source error: "FILE: chunk 7 at offset 123: msg". */
int rpl_fail_err(const char *what, const struct sr_err *err);

/* ---- input: files merged in time order (rpl_input.c, rpl_merge.c) ---- */
struct rpl_input;

/* Expands the FILE arguments (a directory: its capture files sorted by name; a
 * missing FILE that names a rotated set: FILE.* siblings) and opens each source.
 * Fails with the first file that cannot be opened. */
int rpl_input_open(struct rpl_input **out, char *const *paths, int npaths, struct sr_err *err);
void rpl_input_close(struct rpl_input *in);
/* Must be called before the first next(). Sources that cannot seek are read
 * from their start (the run loop hides what comes before). */
int rpl_input_seek_time(struct rpl_input *in, uint64_t ts_ns, struct sr_err *err);
void rpl_input_set_types(struct rpl_input *in, const uint8_t set[32]);
/* Sources that support it deliver records of types outside set header-only. */
void rpl_input_set_header_types(struct rpl_input *in, const uint8_t set[32]);
/* 1 event, 0 end, <0 error. A source that fails is dropped, the others go on;
 * the first error is returned once, after the last event. ev->num is the
 * position in the merged stream. */
int rpl_input_next(struct rpl_input *in, struct evt *ev, struct sr_err *err);
size_t rpl_input_count(const struct rpl_input *in);
struct evt_source *rpl_input_source(const struct rpl_input *in, size_t i);
/* Fills the bounds of sources that do not know them without reading (.scap)
 * by reading them: up to the first event, or to the end with need_last. */
int rpl_input_learn_bounds(struct rpl_input *in, int need_last, struct sr_err *err);
/* Bounds over all sources (0 when no source knows them without reading). */
uint64_t rpl_input_first_ts(const struct rpl_input *in);
uint64_t rpl_input_last_ts(const struct rpl_input *in);
const char *rpl_input_hostname(const struct rpl_input *in);
/* The host of the file the last rpl_input_next() event came from (merged
 * files of several hosts: fleet captures). */
const char *rpl_input_event_hostname(const struct rpl_input *in);
/* Distinct hosts among the sources (by their headers' host names; at least
 * 1), and the number (0..count-1) of the host of the last event given. */
size_t rpl_input_host_count(const struct rpl_input *in);
size_t rpl_input_event_host(const struct rpl_input *in);
/* Feeds the CONTAINERINFO records of every .sysrec input to st before a
 * run (rpl_containers.c); st NULL: nothing. */
struct st_state;
void rpl_containers_preload(struct rpl_input *in, struct st_state *st);
/* Expanded path list, for commands that handle each file on its own (info,
 * verify). Caller frees with rpl_paths_free. */
int rpl_paths_expand(char *const *paths, int npaths, char ***out, size_t *n, struct sr_err *err);
void rpl_paths_free(char **paths, size_t n);
/* 1: path starts with the .sysrec magic; 0: something else; <0: cannot read
 * (err names the file). */
int rpl_sniff_sysrec(const char *path, struct sr_err *err);

/* ---- what a capture could not give (rpl_loss.c) ---- */
/* After a source's clean end: 1 when the file ends in a chunk cut short
 * (err then says "FILE: truncated at chunk N, offset X" and the records the
 * cut chunk announced), else 0. */
int rpl_loss_cut(const struct evt_source *s, struct sr_err *err);
/* After a source's error: appends the records the index knows were lost
 * (that chunk's only, with only_chunk: reading goes on after it). */
void rpl_loss_damage(const struct evt_source *s, struct sr_err *err, int only_chunk);

/* ---- the pipeline (rpl_run.c) ---- */
struct rpl_run_opts {
	const struct flt_prog *prog; /* NULL: every event */
	struct sr_time_spec since, until;
	uint64_t limit;	     /* stop after this many matches; 0 none */
	int progress;	     /* progress bar when stderr is a TTY */
	int skip_types;	     /* hand the filter's type set to the sources */
	struct st_state *st; /* NULL: the run owns a fresh state */
	/* Called for each matching event between st_event_begin and _end.
	 * Returns 0 to go on, non-zero to stop. NULL: only count. */
	int (*emit)(void *ctx, struct fld_ctx *c);
	void *emit_ctx;
	/* emit (or NULL emit: counting) reads only fields the record header
	 * carries (fld_needs.h): with a filter that does too, on .sysrec
	 * input and no caller state, the run skips the state engine. */
	int emit_stateless; /* 2 any source, 1 .sysrec only, 0 never (rpl_run.c) */
	/* emit (or NULL emit: counting) reads no field that depends on the
	 * state's fd tables (fld_format_needs_fds): with a filter that reads
	 * none either and no caller state, the run's state keeps no fd tables
	 * (st_set_fd_tables), and the types that only change them may come
	 * header-only. 0: keep them. */
	int emit_no_fds;
	/* Called with emit_ctx for each drop record (a gap in the record) in
	 * the window, where it falls; non-zero stops. NULL: not shown. */
	int (*gap)(void *ctx, const struct evt *ev);
	/* What emit reads of the events before the one it gets: 2 nothing
	 * (fld_format_needs_order), 1 evt.num only, 0 more or unknown. With
	 * threads, a state-free filter then runs on the loading threads and
	 * emit sees only matches (rpl_keep.c); 1 allows it for one source. */
	int emit_alone;
	/* Optional, with threads: 0 when emit would do nothing with the event,
	 * judged from the record alone (c has no state) on the loading threads,
	 * several at once; such events skip emit (rpl_keep.c). */
	int (*screen)(void *ctx, struct fld_ctx *c);
};

struct rpl_run_result {
	uint64_t seen; /* non-meta events inside the time window */
	uint64_t matched;
	uint64_t records;	    /* everything read, snapshots included */
	uint64_t first_ts, last_ts; /* of the events seen */
	int interrupted;	    /* stopped by Ctrl-C */
	int stopped;		    /* emit or the limit asked to stop */
	int stateless;		    /* the state engine was skipped (emit_stateless) */
	int reading;		    /* setup (window, seek) passed: results are worth printing */
};

/* Runs input through state, window and filter. Returns 0, a time error
 * (SR_ESYNTAX: a relative time on a source without known bounds), or the
 * input's error after delivering everything before it. */
int rpl_run(struct rpl_input *in, const struct rpl_run_opts *o, struct rpl_run_result *res,
	    struct sr_err *err);

/* Resolves the window against the input's bounds (learning them by a read
 * when a relative time needs them); 0, SR_ESYNTAX (reversed window, time of
 * day that names no single day) or a read error. */
int rpl_window(struct rpl_input *in, const struct sr_time_spec *since,
	       const struct sr_time_spec *until, uint64_t *since_ns, uint64_t *until_ns,
	       struct sr_err *err);

/* True for snapshot and other meta records: fed to state, never shown. */
static inline int rpl_is_meta(const struct evt *ev)
{
	const struct evt_info *ei = evt_info_get(ev->rec->type);

	return !ei || ei->category == EC_META;
}

/* ---- the filter on the loading threads (rpl_keep.c) ---- */
struct rpl_keep;
struct rpl_keep_args {
	const uint8_t *types; /* the filter's types (bitmap) */
	const uint8_t *full;  /* the types the state engine reads in full (bitmap) */
	const uint8_t *meta;  /* rpl_is_meta per type */
	uint64_t since_ns, until_ns;
	int stateless; /* the run keeps no state */
};
/* Hands the run's filter (and counting, when nothing is shown) to the
 * sources' loading threads when the run qualifies: *out is then set, and
 * every non-meta record in the window the input delivers has matched (a
 * stateless run), or carries ev->mark when o->screen ruled emit out.
 * *out NULL: the run tests records itself. 0 or SR_ENOMEM. */
int rpl_keep_start(struct rpl_input *in, const struct rpl_run_opts *o,
		   const struct rpl_keep_args *a, struct rpl_keep **out);
/* Takes the test off the sources and frees k; returns the matches the
 * loading threads counted instead of delivering. NULL k: 0. */
uint64_t rpl_keep_stop(struct rpl_input *in, struct rpl_keep *k);

/* ---- filters (rpl_filter.c) ---- */
/* Compiles text; on error prints the caret diagnostic to out (label names the
 * source: "filter", "shell") and returns SR_ESYNTAX. Empty text: *prog NULL. */
int rpl_filter_compile(struct flt_arena *a, const char *text, const char *label, FILE *out,
		       struct flt_prog **prog);
/* Adds one more -f: repeated filters combine with `and`, each in parentheses.
 * *acc is NULL or owned (free it). 0 or SR_ENOMEM. */
int rpl_filter_add(char **acc, const char *text);

/* ---- progress bar (rpl_progress.c) ---- */
struct rpl_progress {
	int on;
	uint64_t first, last;
	uint64_t next_draw_ns; /* monotonic */
	int drawn;
};
void rpl_progress_start(struct rpl_progress *p, int want, uint64_t first_ts, uint64_t last_ts);
void rpl_progress_update(struct rpl_progress *p, uint64_t ts, uint64_t events);
void rpl_progress_end(struct rpl_progress *p);

/* ---- output (rpl_out.c) ---- */
enum rpl_out_mode { RPL_OUT_LINE, RPL_OUT_JSON };
struct rpl_out {
	enum rpl_out_mode mode;
	struct fld_format *fmt;
	char *buf;
	size_t cap;
	FILE *f;
};
/* fmt NULL: the default line (JSON: the whole event); with JSON, fmt names
 * the keys. Prints the format error and returns SR_ESYNTAX. */
int rpl_out_init(struct rpl_out *o, enum rpl_out_mode mode, const char *fmt, FILE *f);
void rpl_out_free(struct rpl_out *o);
/* Renders one event into o->buf (NUL-terminated, no newline); returns its length. */
size_t rpl_out_render(struct rpl_out *o, struct fld_ctx *c);
/* Writes one event; returns <0 on a write error (EPIPE, disk full). */
int rpl_out_event(struct rpl_out *o, struct fld_ctx *c);
/* The JSON object of one event (cJSON text, no newline) into buf. */
size_t rpl_json_event(struct fld_ctx *c, char *buf, size_t cap);
/* The same for -j with -p: the format's fields as keys (sysdig -j -p). */
size_t rpl_json_fields(const struct fld_format *f, struct fld_ctx *c, char *buf, size_t cap);
/* Helpers for the commands' JSON (info, stats, verify): a 64-bit integer as
 * exact text (cJSON numbers are doubles); a ns time as that integer under
 * ts_key and as RFC 3339 with ns under time_key (jq reads numbers as
 * doubles: the string keeps every digit); text from a capture or a file
 * name escaped so that any bytes give valid JSON. rpl_json_print writes obj
 * as one line and frees it; -1 when it could not. */
struct cJSON;
void rpl_json_add_u64(struct cJSON *obj, const char *key, uint64_t v);
void rpl_json_add_time(struct cJSON *obj, const char *ts_key, const char *time_key, uint64_t ns);
void rpl_json_add_text(struct cJSON *obj, const char *key, const char *s);
int rpl_json_print(struct cJSON *obj, FILE *f);

/* ---- output errors (rpl_util.c) ---- */
/* Records a failed write to stdout (errno e) and returns -e. Every command's
 * writes end up checked by main through rpl_stdout_finish. */
int rpl_out_failed(int e);
/* fflush(stdout) that records a failure (before messages on stderr). */
void rpl_flush_stdout(void);
/* True once a write to stdout failed: long runs stop early. */
int rpl_out_broken(void);
/* Flushes stdout; when any write failed prints "writing output: <reason>"
 * and returns RPL_EXIT_BAD, else rc. EPIPE (reader gone) is not an error. */
int rpl_stdout_finish(int rc);

/* ---- small helpers (rpl_util.c) ---- */
/* Parses a --since/--until argument; prints the one-line error. 0 or 2. */
int rpl_opt_time(const char *opt, const char *arg, struct sr_time_spec *out);
/* Parses a positive count; prints the error. 0 or 2. */
int rpl_opt_count(const char *opt, const char *arg, uint64_t *out);
/* The options every pipeline command takes, and getopt_long's own results:
 * commands list RPL_RUN_LONG_OPTS in their option table, number their own
 * long-only options from RPL_OPT_OWN, and pass every option their switch does
 * not handle (the default case) here. Sets ro->since, ro->until, ro->progress
 * (the caller starts it at 1); ':' and anything unknown print the usage
 * error for cmd. 0 or 2. */
enum {
	RPL_OPT_SINCE = 256,
	RPL_OPT_UNTIL,
	RPL_OPT_NO_PROGRESS,
	RPL_OPT_KEEP_GOING,
	RPL_OPT_LIVE,
	RPL_OPT_HOST,
	RPL_OPT_OWN
};
#define RPL_RUN_LONG_OPTS                                                                          \
	{"since", required_argument, NULL, RPL_OPT_SINCE},                                         \
	    {"until", required_argument, NULL, RPL_OPT_UNTIL},                                     \
	    {"no-progress", no_argument, NULL, RPL_OPT_NO_PROGRESS},                               \
	    {"keep-going", no_argument, NULL, RPL_OPT_KEEP_GOING},                                 \
	    {"live", no_argument, NULL, RPL_OPT_LIVE},                                             \
	    {"host", required_argument, NULL, RPL_OPT_HOST},                                       \
	{                                                                                          \
		"threads", required_argument, NULL, 'J'                                            \
	}
int rpl_opt_run(const char *cmd, int opt, char **argv, struct rpl_run_opts *ro);
/* --live (rpl_opt_run sets it; the shell too): inputs are one capture or
 * directory followed while it is written (rpl_live.c). */
extern int rpl_live;
int rpl_live_open(const char *path, struct evt_source **out, struct sr_err *err);
/* -J/--threads (rpl_threads.c; commands add "J:" to their short options and
 * rpl_opt_run handles it): 0 or 2. */
int rpl_opt_threads(const char *cmd, const char *arg);
/* The thread count: -J, else $SYSREPLAY_THREADS, else the CPUs available. */
unsigned rpl_threads(void);
/* Sets up chunk loading ahead for a run reading nsources files. */
void rpl_threads_apply(size_t nsources);
/* rpl_input_open that prints the error: 0 or 2. */
int rpl_input_open_or_fail(struct rpl_input **out, char *const *paths, int npaths);
/* Human sizes: "1.5 MiB". */
void rpl_fmt_bytes(uint64_t n, char *buf, size_t cap);
/* Installs the SIGINT handler that sets rpl_interrupted (shell only). */
void rpl_sigint_catch(int on);

/* ---- commands: argc/argv start at the command name ---- */
int rpl_cmd_events(int argc, char **argv);
int rpl_cmd_hosts(int argc, char **argv); /* rpl_fleet.c */
/* nats://HOST:PORT/STREAM[?host=H,...]: the captures rebuilt in a temporary
 * folder (removed at exit); paths stay owned by rpl_fleet.c */
int rpl_fleet_fetch(const char *url, char ***paths, size_t *n, struct sr_err *err);
/* --host NAME or a comma list (repeatable): the hosts every nats:// source
 * reads, added to its ?host= list. Prints the error; 0 or 2. */
int rpl_fleet_opt_host(const char *arg);
/* The run's window as given: absolute times limit what a nats:// source
 * downloads (relative ones need the range, known after it). NULL: unchanged. */
void rpl_fleet_window(const struct sr_time_spec *since, const struct sr_time_spec *until);
/* 1 when path is a file rebuilt from a window of a stream: chunks before
 * the window may be holes and the file ends after it, so it reads through
 * a seek to the window but does not verify as a whole capture. */
int rpl_fleet_partial(const char *path);
/* " 2026-12-06T06:21:54.123Z", or " -" for 0 (rpl_fleet.c) */
void rpl_fleet_print_time(uint64_t ns);
/* sysreplay hosts --evidence: f's evidence list on stdout, and sysreplay
 * fetch (rpl_fleet_evidence.c) */
struct fleet_fetch;
void rpl_fleet_evidence_list(const struct fleet_fetch *f);
int rpl_cmd_fetch(int argc, char **argv);
int rpl_cmd_alerts(int argc, char **argv);
int rpl_cmd_info(int argc, char **argv);
int rpl_cmd_verify(int argc, char **argv);
int rpl_cmd_stats(int argc, char **argv);
int rpl_cmd_convert(int argc, char **argv);
int rpl_cmd_fields(int argc, char **argv);
int rpl_cmd_shell(int argc, char **argv);
int rpl_cmd_test(int argc, char **argv);       /* rpl_cmd_test.c */
int rpl_cmd_rules(int argc, char **argv);      /* rpl_cmd_rules.c */
int rpl_cmd_diff_rules(int argc, char **argv); /* rpl_cmd_diff_rules.c */
int rpl_cmd_keygen(int argc, char **argv);
int rpl_cmd_extract(int argc, char **argv);

/* ---- provenance of extracts and conversions (rpl_provenance.c) ---- */
struct rpl_selection {
	const char *since, *until, *filter; /* as given, or NULL */
	uint32_t pid;			    /* 0: none */
	int descendants;
};
/* JSON text (cJSON_free it) describing the sources (verified, against key
 * when not NULL), the action and selection, the tool and the time. */
char *rpl_provenance_build(char *const *paths, size_t n, const uint8_t *key, const char *action,
			   const struct rpl_selection *sel);
/* Writes json to OUT.provenance.json (name receives the file name). */
int rpl_provenance_sidecar(const char *out, const char *json, char *name, size_t cap,
			   struct sr_err *err);

/* Catalog listing shared by `fields` and the shell's .fields (rpl_cmd_fields.c). */
size_t rpl_fields_print(FILE *f, const char *prefix);

/* ---- usage texts (rpl_usage.c) ---- */
/* Prints the man-style help of cmd (NULL: the overview) to f. */
void rpl_usage(FILE *f, const char *cmd);
/* Help of test, rules and diff-rules (rpl_usage_detect.c); NULL for others. */
const char *rpl_usage_detect(const char *cmd);
/* "usage: sysreplay events [...]" one-liner plus a hint, to stderr; returns 2. */
int rpl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- stats shared by the command and the shell (rpl_cmd_stats.c) ---- */
struct rpl_stats;
struct rpl_stats *rpl_stats_new(void);
void rpl_stats_free(struct rpl_stats *s);
int rpl_stats_emit(void *ctx, struct fld_ctx *c); /* an emit callback */
void rpl_stats_print(const struct rpl_stats *s, struct rpl_input *in, FILE *f);
void rpl_stats_print_json(const struct rpl_stats *s, struct rpl_input *in, FILE *f);

/* ---- alerts shared by the command and the shell (rpl_cmd_alerts.c) ---- */
struct rule_set;
struct rpl_alerts;
/* Which rules run, as Falco's command line chooses them. */
struct rpl_rule_opts {
	char *const *files; /* -r, in order; none: the default set */
	size_t nfiles;
	const char *prio;	  /* --priority: minimum severity, NULL for all */
	const char *enable_tags;  /* --tags/--enable-tags (falco -t), comma separated */
	const char *disable_tags; /* --disable-tags (falco -T), comma separated */
	char *const *disable;	  /* -D/--disable (falco -D): name substrings */
	size_t ndisable;
	int all; /* --all: every matching rule alerts */
};
/* Loads the files, applies the selection. Prints the error; returns 0 or SR_*. */
int rpl_alerts_load(struct rule_set **out, const struct rpl_rule_opts *o);
struct rpl_alerts *rpl_alerts_new(const struct rule_set *rs, int json, FILE *f);
void rpl_alerts_free(struct rpl_alerts *a);
int rpl_alerts_emit(void *ctx, struct fld_ctx *c);
/* rpl_run_opts.screen for rpl_alerts_emit: rule_set_may_match. */
int rpl_alerts_screen(void *ctx, struct fld_ctx *c);
/* Per-rule summary (rule, priority, count), sorted by count. */
void rpl_alerts_summary(const struct rpl_alerts *a, FILE *f);
uint64_t rpl_alerts_total(const struct rpl_alerts *a);

#endif
