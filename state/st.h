/* st: process, thread and file-descriptor state rebuilt from events.
 *
 * One engine for the live recorder and for replay. Per event:
 *     st_event_begin(st, ev);   // applies additions (new fd, exec, fork, ...)
 *     ... evaluate filters/rules: st_event_thread()/st_event_fd() ...
 *     st_event_end(st, ev);     // applies removals (close, exit) and reaping
 * so a close or exit event still sees the fd or thread it ends.
 * Snapshot records (PROCINFO, FDINFO, USERINFO, GROUPINFO between SNAP_BEGIN
 * and SNAP_END) go through the same two calls.
 *
 * Ownership: every pointer returned is owned by st and valid until the next
 * st_event_end() (or st_free). Memory stays bounded: exited threads and
 * closed fds are reaped.
 *
 * Conventions the engine reads from events (see state/README.md):
 *  - EXECVE/EXECVEAT/PROC_EXEC "args" is the whole argv, argv[0] first; the
 *    EXECVE "exe" parameter is the executable's full path (exepath).
 *  - PROCINFO "exe" is argv[0] and "args" the arguments after it, as in
 *    struct st_thread.
 *  - Socket fd names read client first: "cip:cport->sip:sport" (is_server
 *    tells which side is local); a listening socket is "ip:port".
 * Not thread safe: one st_state per thread.
 */
#ifndef ST_H
#define ST_H

#include <stddef.h>
#include <stdint.h>

#include "../format/evt.h"

struct st_state;

struct st_fd {
	int64_t fd;
	enum evt_fdtype type;
	const char *name; /* absolute path, "ip:port->ip:port", pipe:[ino], ... */
	uint32_t flags;	  /* open flags (O_*), O_CLOEXEC kept */
	uint64_t ino;
	/* sockets */
	uint8_t family;		  /* AF_INET, AF_INET6, AF_UNIX, 0 */
	uint8_t l4proto;	  /* 6 tcp, 17 udp, 1 icmp, 0 unknown */
	uint8_t is_server;	  /* role: 1 accepted/listening side, 0 client, 2 unknown */
	uint8_t lip[16], rip[16]; /* local / remote addresses (4 bytes used for IPv4) */
	uint16_t lport, rport;
};

struct st_thread {
	uint32_t tid, pid, ppid; /* init-namespace ids */
	uint32_t vtid, vpid;	 /* ids in the thread's own pid namespace */
	uint32_t uid, gid, euid, egid, loginuid;
	uint32_t tty;
	uint32_t flags; /* EVT_EXEC_* */
	uint64_t start_ts, exit_ts;
	uint64_t pidns, mntns, netns;
	uint64_t cgroup_id;
	char comm[16];
	const char *exe;     /* argv[0] as executed */
	const char *exepath; /* full path of the executable */
	const char *args;    /* arguments after argv[0], NUL-separated */
	size_t args_len;
	const char *cwd;
	const char *cgroup;	  /* cgroup path */
	const char *container_id; /* 12-hex short id, "host" when none */
	const char *pod_uid;
	const char *env; /* NUL-separated, when recorded */
	size_t env_len;
	/* Identity details rules and containers need. */
	uint64_t exe_ino;	       /* inode of the executable (PROC_EXEC), 0 unknown */
	uint64_t cap_eff;	       /* effective capabilities at exec, 0 unknown */
	const char *container_full_id; /* 64-hex id, "host" when none */
	int exited;		       /* exit seen; reaped at the end of the event */
};

struct st_state *st_new(void);
void st_free(struct st_state *st);

void st_event_begin(struct st_state *st, const struct evt *ev);
void st_event_end(struct st_state *st, const struct evt *ev);

/* 1 when the engine reads more than the record header of events of this
 * type (fork, exec, exit, cwd, ids, fd-table changes, snapshot and meta
 * records, unknown types); 0 when only the header counts (thread identity,
 * comm, ppid, cgroup, time). A reader nobody else reads an event of a 0
 * type from may hand it to the engine header-only (no parameters). */
int st_type_reads_params(unsigned type);
/* The same for an engine whose fd tables are off (st_set_fd_tables): the
 * types that only change fd tables count as header-only too. */
int st_type_reads_params_ex(unsigned type, int fd_tables);
/* fd_tables 0: the engine keeps no fd tables from events (opens, closes,
 * dups, sockets are not applied; snapshot FDINFO still is). What that
 * leaves wrong is what reads fds: fd.*, rendered fd arguments, proc.cwd
 * after fchdir, proc.exepath/exe after an exec through a dirfd (fields/
 * fld_needs.h mode FLD_NEEDS_FDS tells). For a caller that reads none of
 * them; set before the first event. 1 (the default) keeps them. */
void st_set_fd_tables(struct st_state *st, int fd_tables);

/* What the engine records for an open-like event (EF_OPEN) when the record
 * alone decides it, for readers without state (a replay's screening
 * workers): 1 when the call succeeded and named an absolute path shorter
 * than cap: out gets the fd entry the engine adds (fd, type, flags, name
 * written to buf), the one st_event_fd gives for the event unless the
 * engine's fd limits dropped it; 2 when it failed: the engine adds no fd;
 * 0 when the record does not decide it (relative or no path, another
 * type). */
int st_open_from_record(const struct evt *ev, struct st_fd *out, char *buf, size_t cap);

/* The current event's thread (created on first sight from the record
 * header when unknown) and the fd it operates on (NULL if none/unknown). */
const struct st_thread *st_event_thread(const struct st_state *st);
const struct st_fd *st_event_fd(const struct st_state *st);
/* The fd number the current event names (-1 when none). */
int64_t st_event_fdnum(const struct st_state *st);

const struct st_thread *st_thread_get(const struct st_state *st, uint32_t tid);
/* Parent of t (by ppid, following the process leader), or NULL. */
const struct st_thread *st_thread_parent(const struct st_state *st, const struct st_thread *t);
const struct st_fd *st_fd_get(const struct st_state *st, uint32_t pid, int64_t fd);
/* Iteration (shell .tree/.fd, snapshots): callback returns non-zero to stop. */
void st_thread_foreach(const struct st_state *st, int (*cb)(void *ctx, const struct st_thread *t),
		       void *ctx);
void st_fd_foreach(const struct st_state *st, uint32_t pid,
		   int (*cb)(void *ctx, const struct st_fd *fd), void *ctx);

const char *st_user_name(const struct st_state *st, uint32_t uid); /* NULL if unknown */
const char *st_group_name(const struct st_state *st, uint32_t gid);
/* User home/shell when a USERINFO record carried them (NULL otherwise). */
const char *st_user_home(const struct st_state *st, uint32_t uid);
const char *st_user_shell(const struct st_state *st, uint32_t uid);

/* Writes the whole table as snapshot records (SNAP_BEGIN, PROCINFO and FDINFO
 * per thread/process, USERINFO, GROUPINFO, SNAP_END) through emit, each a full
 * record. ts_ns stamps them. Used by the recorder for periodic snapshots. */
int st_snapshot_emit(const struct st_state *st, uint64_t ts_ns,
		     int (*emit)(void *ctx, const void *rec, size_t len), void *ctx);
/* One description outside a snapshot, which a reader applies as an update
 * (adds or replaces that entry, drops nothing): the PROCINFO record of
 * thread tid, or with fd (an fd of tid's process) its FDINFO record. Emits
 * nothing when tid is unknown. */
int st_describe_emit(const struct st_state *st, uint32_t tid, const struct st_fd *fd,
		     uint64_t ts_ns, int (*emit)(void *ctx, const void *rec, size_t len),
		     void *ctx);

struct st_stats {
	uint64_t threads, fds, reaped_threads, reaped_fds;
	/* Processes (fd tables), users, groups; evicted: threads dropped
	 * by the table cap; events: st_event_begin calls. */
	uint64_t procs, users, groups, evicted_threads, events;
	/* Bounds: fds dropped by the total fd cap, threads dropped by
	 * the staleness sweep, fd entries in memory (forked processes share a
	 * table until one changes it, so this can be below fds), and the bytes
	 * the engine holds (pools, maps, long strings; malloc overhead aside). */
	uint64_t evicted_fds, stale_threads, fd_entries, mem_bytes;
};
void st_get_stats(const struct st_state *st, struct st_stats *out);

/* Limits (0 keeps the current value): threads in the table (default 32768;
 * above the cap, applied at st_event_end, exited threads are evicted oldest
 * first, then the least recently seen down to 7/8 of the cap; a thread that
 * cannot be allocated at all is served from a scratch slot that is not
 * kept), fds per process (default 65536; beyond it new fds are not tracked).
 * With the other defaults (st_limits) the engine stays under about 55 MiB
 * on any input (state/README.md has the per-entry costs). */
void st_set_limits(struct st_state *st, size_t max_threads, size_t max_fds_per_proc);

struct st_limits {
	size_t max_threads;	 /* as st_set_limits; 0 keeps */
	size_t max_fds_per_proc; /* as st_set_limits; 0 keeps */
	/* fd entries in all processes (default 131072); above it the fd tables
	 * of the least recently seen processes are dropped down to 7/8. 0 keeps. */
	size_t max_fds_total;
	/* A thread not seen for this long in event time is dropped (its exit was
	 * lost), unless an active thread descends from it (default 30 min);
	 * 0 keeps, UINT64_MAX turns the sweep off. */
	uint64_t stale_ns;
	/* Bytes of long strings (over ~240 bytes: argument lists, environments;
	 * identical ones are stored once) (default 8 MiB); above it the least
	 * recently seen threads are dropped down to 7/8. 0 keeps. */
	size_t max_string_bytes;
};
void st_set_limits_ext(struct st_state *st, const struct st_limits *l);

/* Container id and pod uid from a cgroup path ("0::/system.slice/docker-<id>.scope"
 * lines or bare paths): docker, containerd/cri-containerd, cri-o, podman/libpod,
 * kubepods (cgroupfs and systemd drivers). id gets the 64-hex full id (the
 * short id is its first 12 characters), pod the pod uid with dashes ("" when
 * none). Returns 1 for a container, 0 for the host (id "host"). */
int st_container_from_cgroup(const char *path, char id[65], char pod[64]);

/* Joins path onto base (an absolute directory; NULL or "" means "/") and
 * normalizes "//", "." and ".." lexically. Absolute paths ignore base.
 * Writes at most cap bytes including the NUL; returns the length, or -1
 * when it does not fit. */
int st_path_join(const char *base, const char *path, size_t path_len, char *out, size_t cap);

/* Renders an fd's socket tuple as its name (client first, see above) into
 * out; returns the length. Used by the engine and the /proc snapshot. */
size_t st_fd_sockname(const struct st_fd *fd, char *out, size_t cap);

/* Encodes an fd's endpoints as a PT_SOCKTUPLE parameter (format/evt_abi.h;
 * INET families end with the l4 protocol byte); returns the length, 0 for
 * non-sockets. cap must be at least 64. */
size_t st_fd_tuple_encode(const struct st_fd *fd, uint8_t *out, size_t cap);

/* Containers described by CONTAINERINFO records (the runtime's API at
 * record time, or a .scap container event). Strings are NUL-terminated;
 * labels and pod_labels are "key=value" strings back to back (len bytes),
 * mounts (source, destination, "rw"/"ro") triples. The k8s names come from
 * the CRI labels kubelet sets on pod containers (NULL when absent). */
struct st_container {
	const char *id; /* as described: usually 64 hex digits */
	const char *name, *image, *image_repo, *image_tag, *image_digest, *image_id;
	const char *type, *runtime, *user;
	int privileged, host_network, host_pid;
	uint64_t start_ts;
	const char *labels, *mounts, *pod_labels;
	size_t labels_len, mounts_len, pod_labels_len;
	const char *pod_name, *pod_ns, *pod_uid, *k8s_container_name;
	uint64_t described_ts; /* header time of the record that described it */
};
/* The container whose id starts with id (at least 12 characters: a short
 * or a full id), or NULL when none was described. Valid until the next
 * st_event_end. */
const struct st_container *st_container_get(const struct st_state *st, const char *id);
/* Value of label key in a "key=value" list (labels or pod_labels), or NULL. */
const char *st_container_label(const char *list, size_t len, const char *key);
/* Labels of the pod c belongs to: its own pod_labels when described, else
 * those of the pod's sandbox container (io.kubernetes.docker.type=
 * podsandbox or io.kubernetes.container.name=POD, same pod uid) without
 * the io.kubernetes.* keys kubelet adds; *len set. NULL when unknown. */
const char *st_container_pod_labels(const struct st_state *st, const struct st_container *c,
				    size_t *len);
void st_container_foreach(const struct st_state *st,
			  int (*cb)(void *ctx, const struct st_container *c), void *ctx);
/* The containers that a live thread of the table is in, and the sandboxes
 * of their pods (what a snapshot needs: a container whose processes are
 * all gone has no events left to describe). */
void st_container_foreach_live(const struct st_state *st,
			       int (*cb)(void *ctx, const struct st_container *c), void *ctx);
size_t st_container_count(const struct st_state *st);

#endif
