/* rec_action: response actions on live alerts (sysrec -r with actions on).
 *
 *   rec_action_init(&a, cfg, clock_offset, &err)   after the probe is set up
 *   per alert, in the ring consumer:  rec_action_alert(&a, rule, ctx, host)
 *     then rec_action_annotate(&a, line, cap, json) adds the results to the
 *     printed alert, and after the triggering event is written
 *     rec_action_flush(&a, emit, ctx) appends one ACTION record per action
 *   every loop turn:  rec_action_tick(&a)   reaps `program` children
 *   rec_action_free(&a)
 *
 * kill_process, freeze_container and kill_container are a few system calls
 * each (pidfd_open + pidfd_send_signal, one write to a cgroup file), so the
 * ring consumer applies them itself the moment the rule matches: handing
 * them to another thread would add a wakeup to the kill's latency. `program`
 * is spawned (posix_spawn, the alert JSON on its stdin through a pipe that
 * holds it whole) and never waited for; at most max_running run at once and
 * each is killed past its timeout.
 *
 * Guard rails, checked before anything is done: actions are off unless the
 * configuration enables them; never PID 1, the recorder, its ancestors (as
 * at start), kernel threads or an allowlisted process (comm, exe, pid); a
 * container action needs a process that state places in a container and
 * whose cgroup holds no protected process. dry_run logs and records what
 * would have been done instead. Not thread safe: the consumer's thread only.
 */
#ifndef REC_ACTION_H
#define REC_ACTION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/sr_err.h"
#include "../format/evt.h"

struct rule;
struct fld_ctx;

enum rec_action_kind {
	RA_KILL_PROCESS = 1u << 0,
	RA_FREEZE_CONTAINER = 1u << 1,
	RA_KILL_CONTAINER = 1u << 2,
	RA_PROGRAM = 1u << 3,
};

/* A config mapping: alerts of this rule / with one of these tags / of this
 * priority or more severe (all that are given must hold) get these actions. */
struct rec_action_map {
	const char *rule;	 /* NULL: any */
	const char *const *tags; /* any of them; ntags 0: any */
	size_t ntags;
	int min_prio; /* enum rule_priority; -1: any */
	unsigned actions;
};

/* The `actions:` section of sysrec.yaml(5); strings owned by the config. */
struct rec_action_cfg {
	int enabled;	  /* off: no action at all, whatever the rules say */
	int dry_run;	  /* log and record, do nothing */
	int rule_keys;	  /* the rules files' own `actions:` apply */
	uint64_t poll_ns; /* longest wait of the ring consumer while enabled */
	int realtime;	  /* the consumer thread at SCHED_FIFO 1 */
	const struct rec_action_map *map;
	size_t nmap;
	const char *const *allow_comm;
	size_t nallow_comm;
	const char *const *allow_exe;
	size_t nallow_exe;
	const uint32_t *allow_pid;
	size_t nallow_pid;
	const char *program;	     /* /bin/sh -c COMMAND, the alert JSON on stdin */
	uint64_t program_timeout_ns; /* then SIGKILL */
	unsigned program_max;	     /* running at once; more are refused and counted */
};

/* Default poll while actions are on: bounds the kill latency (rec_action.c). */
#define REC_ACTION_POLL_NS 5000000ull

/* "kill_process" -> RA_KILL_PROCESS; 0 when unknown. */
unsigned rec_action_from_name(const char *name);
const char *rec_action_name(unsigned kind);

#define REC_ACTION_MAX_RES 4

struct rec_action {
	const struct rec_action_cfg *cfg;
	pid_t self;
	pid_t anc[64]; /* the recorder's ancestors at start, init excluded */
	size_t nanc;
	int64_t clock_offset; /* realtime - boottime, ns */
	/* the alert being handled */
	struct rec_action_res {
		unsigned kind;
		int err; /* 0, or a positive errno */
		char result[96];
		char target[4096];
	} res[REC_ACTION_MAX_RES];
	size_t nres;
	uint64_t ts;	   /* when they were taken (epoch ns) */
	uint32_t pid, tid; /* the alert's process */
	char comm[16];
	const char *rule;
	/* ACTION records waiting to follow the triggering event into the file */
	struct evt_builder eb;
	uint8_t *pend;
	size_t pend_len, pend_cap;
	/* running `program` children */
	struct rec_action_kid {
		pid_t pid;
		uint64_t deadline; /* CLOCK_MONOTONIC ns */
	} kids[64];
	size_t nkids;
	uint64_t taken, skipped, failed, dry;
};

/* Also puts the calling thread at SCHED_FIFO 1 when cfg->realtime (a
 * warning when it cannot): call it before the capabilities are dropped. */
int rec_action_init(struct rec_action *a, const struct rec_action_cfg *cfg, int64_t clock_offset,
		    struct sr_err *err);
/* The longest wait for the ring buffers with these actions (ms). */
int rec_action_wait_ms(const struct rec_action_cfg *cfg);
/* The actions of this alert (the rule's own and the config's mappings):
 * checked, applied or logged; results kept for annotate and flush. */
void rec_action_alert(struct rec_action *a, const struct rule *r, struct fld_ctx *c);
/* Appends the results to an alert line: text "... (action: kill_process,
 * result: ok)", JSON an "actions" array before the closing brace. */
void rec_action_annotate(const struct rec_action *a, char *buf, size_t cap, int json);
/* Writes the pending ACTION records through emit (rec_out_append's shape). */
int rec_action_flush(struct rec_action *a, int (*emit)(void *ctx, const void *rec, size_t len),
		     void *ctx);
void rec_action_tick(struct rec_action *a);
void rec_action_free(struct rec_action *a);

/* ---- rec_action_proc.c: the processes and cgroups acted upon ---- */

/* /proc/PID/stat: kernel thread flag, start time (boottime ticks). */
int rec_action_proc_stat(pid_t pid, int *kthread, uint64_t *start_ticks, pid_t *ppid);
/* SIGKILL to the thread group through a pidfd; 0 or a positive errno. When
 * not_after_ns (boottime) is set, a process started later than it is a
 * reused pid and is left alone (ESRCH). */
int rec_action_kill_pid(pid_t pid, uint64_t not_after_ns);
/* The cgroup directory of pid for freezing and killing: the cgroup v2 one
 * when it has cgroup.freeze, else the v1 freezer's; *v2 says which. From
 * /proc/PID/cgroup, or known_v2 (the unified-hierarchy path state has for
 * it, may be NULL) once the process is gone. ENOENT: no such directory. */
int rec_action_cgroup_dir(pid_t pid, const char *known_v2, char *dir, size_t cap, int *v2);
/* Freeze (1) or thaw (0) the cgroup dir; kill every process in it. */
int rec_action_cgroup_freeze(const char *dir, int v2, int freeze);
int rec_action_cgroup_kill(const char *dir, int v2);
/* Calls cb for each process of the cgroup and of the cgroups below it
 * (cgroup.procs); cb non-zero stops and is returned. */
int rec_action_cgroup_procs(const char *dir, int (*cb)(void *ctx, pid_t pid), void *ctx);

/* ---- rec_action_prog.c: the `program` action ---- */

/* Starts /bin/sh -c cmd with json on stdin; 0 or a positive errno
 * (EAGAIN: max_running reached). */
int rec_action_prog_start(struct rec_action *a, const char *json, size_t len);

#endif
