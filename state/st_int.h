/* st_int.h: the state engine's internal structures, shared by state/st_*.c only.
 *
 * Layout: a hash map tid -> struct st_thr; each thread points at a refcounted
 * struct st_proc (what the threads of one pid share: exe, args, cwd, ids, fd
 * table). Public struct st_thread views are refreshed from the process on
 * every lookup, so process-wide changes (chdir, setuid, exec) are made once.
 *
 * Strings are refcounted blobs (st_str_*), so fork and dup copy pointers.
 * Nothing is freed before st_event_end(): releases go to a garbage list that
 * st_event_end() empties, which keeps every pointer handed out valid for the
 * whole event as st.h promises.
 */
#ifndef ST_INT_H
#define ST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "st.h"

/* ---- u64-keyed open-addressing map (linear probing, backward-shift delete) ---- */
struct st_slot {
	uint64_t key;
	void *val; /* NULL: empty slot */
};

struct st_map {
	struct st_slot *slots;
	uint32_t cap;  /* power of two, 0 before first insert */
	uint32_t n;
	unsigned bits;
};

void *st_map_get(const struct st_map *m, uint64_t key);
/* Inserts or replaces; returns the previous value (NULL if none), or sets
 * *oom when growing failed (the map is left unchanged). */
void *st_map_put(struct st_map *m, uint64_t key, void *val, int *oom);
void *st_map_del(struct st_map *m, uint64_t key);
void st_map_free(struct st_map *m);
/* Values in slot order; the callback may not modify the map. */
void st_map_each(const struct st_map *m, void (*cb)(void *ctx, uint64_t key, void *val),
		 void *ctx);
/* Values sorted by key into a new array (caller frees); *n its length. */
void **st_map_sorted(const struct st_map *m, size_t *n);

/* ---- refcounted strings ---- */
struct st_state;
/* A copy of s[0..len) plus a NUL; NULL on allocation failure. */
const char *st_str_new(struct st_state *st, const char *s, size_t len);
const char *st_str_ref(const char *s);               /* NULL-safe */
void st_str_unref(struct st_state *st, const char *s); /* NULL-safe; frees at event end */
size_t st_str_len(const char *s);                      /* 0 for NULL */
/* Replaces *slot by a string equal to s[0..len) (keeps it when equal). */
void st_str_set(struct st_state *st, const char **slot, const char *s, size_t len);
/* Queues p for free() at the end of the current event. */
void st_garbage(struct st_state *st, void *p);
void st_garbage_flush(struct st_state *st);

/* ---- entries ---- */
struct st_fdent {
	struct st_fd pub;  /* pub.name is an st_str */
	uint32_t snap_gen;
};

struct st_thr;

struct st_proc {
	/* Hot fields first: an fd lookup reads only the first cache line. */
	struct st_map fds;
	uint32_t ref;      /* threads pointing here */
	uint32_t pid, ppid, vpid;
	uint32_t uid, gid, euid, egid, loginuid, tty, flags;
	uint64_t pidns, mntns, netns, exe_ino, cap_eff;
	const char *exe, *exepath, *args, *cwd, *cgroup, *env; /* st_str */
	const char *container_id, *container_full_id, *pod_uid;
	size_t args_len, env_len;
	struct st_thr *threads; /* list through st_thr.pnext/pprev */
	uint32_t snap_gen;
};

struct st_thr {
	struct st_proc *proc; /* first: with pub.tid..comm, per-event reads stay on two lines */
	struct st_thread pub;
	struct st_thr *pnext, *pprev; /* threads of the same process */
	struct st_thr *xnext, *xprev; /* exited, oldest first */
	uint32_t snap_gen;
	uint8_t partial;   /* made up from a record header: fork data may refine it */
	uint8_t in_exited; /* on the exited list */
	uint8_t reap;      /* reap at the end of this event */
	uint8_t scratch;   /* the overflow slot: not in the table */
	uint8_t dead;      /* destroyed; memory waits for the garbage flush */
};

struct st_user {
	uint32_t uid, gid;
	const char *name, *home, *shell; /* st_str */
};

struct st_group {
	uint32_t gid;
	const char *name;
};

#define ST_DEFAULT_MAX_THREADS (1u << 20)
#define ST_DEFAULT_MAX_FDS (1u << 20)
#define ST_EXIT_GRACE_NS 1000000000ull /* exited threads kept this long for late events */
#define ST_PATH_MAX 8192

struct st_state {
	struct st_map thr;
	size_t max_threads, max_fds;

	/* current event */
	const struct evt *ev;
	struct st_thr *cur;
	struct st_fdent *curfd;
	int64_t curfd_num;
	int64_t close_fd;  /* fd to remove at end, -1 none */
	struct st_thr **reap; /* threads to reap at end */
	size_t nreap, reap_cap;

	struct st_thr *xhead, *xtail; /* exited, oldest first */

	struct st_map users, groups;

	void **garbage;
	size_t ngarbage, garbage_cap;

	uint32_t snap_gen;
	int in_snap;
	struct st_map snap_procs; /* pid -> st_proc met in the snapshot being read */

	/* overflow slot when the table is full and nothing has exited */
	struct st_thr ovf;
	struct st_proc ovf_proc;

	int8_t fd_param[EVT_TYPE_MAX]; /* index of the "fd" parameter per type, -1 none */

	uint64_t nfds, nprocs, reaped_threads, reaped_fds, evicted, events;
	char path_buf[ST_PATH_MAX];
};

/* st_table.c */
struct st_thr *st_thr_find(const struct st_state *st, uint32_t tid);
/* New thread; proc NULL makes a new empty process with pid. NULL when out of memory. */
struct st_thr *st_thr_create(struct st_state *st, uint32_t tid, uint32_t pid, struct st_proc *proc);
/* Creates (or refreshes) the thread of the record header. Never NULL. */
struct st_thr *st_thr_from_header(struct st_state *st, const struct evt_rec *r);
/* child of parent: shares parent's process (CLONE_THREAD) or copies it. */
struct st_thr *st_thr_fork(struct st_state *st, struct st_thr *parent, uint32_t tid, uint32_t pid,
			   int is_thread, uint64_t ts);
void st_thr_mark_exited(struct st_state *st, struct st_thr *t, uint64_t ts);
void st_thr_queue_reap(struct st_state *st, struct st_thr *t);
void st_thr_reap(struct st_state *st, struct st_thr *t);
void st_thr_reap_expired(struct st_state *st, uint64_t now);
const struct st_thread *st_thr_view(const struct st_thr *t);
void st_proc_copy_from(struct st_state *st, struct st_proc *dst, const struct st_proc *src);

/* st_fdtab.c */
struct st_fdent *st_fd_find(const struct st_proc *p, int64_t fd);
/* New entry for fd (replacing any); NULL when over the limit or out of memory. */
struct st_fdent *st_fd_add(struct st_state *st, struct st_proc *p, int64_t fd,
			   enum evt_fdtype type, const char *name, size_t name_len);
struct st_fdent *st_fd_dup(struct st_state *st, struct st_proc *p, const struct st_fdent *src,
			   int64_t newfd);
void st_fd_remove(struct st_state *st, struct st_proc *p, int64_t fd);
void st_fd_clear(struct st_state *st, struct st_proc *p);
void st_fd_drop_cloexec(struct st_state *st, struct st_proc *p);
int st_fd_copy_table(struct st_state *st, struct st_proc *dst, const struct st_proc *src);
/* Parses a PT_SOCKTUPLE into fd (family, addresses, ports, l4proto). 0 or -1. */
int st_fd_set_tuple(struct st_state *st, struct st_fd *fd, const uint8_t *p, uint32_t len);
void st_fd_rename_socket(struct st_state *st, struct st_fd *fd);

/* st_event.c / st_evfd.c */
void st_apply_fd_begin(struct st_state *st, const struct evt *ev);
const char *st_resolve_path(struct st_state *st, struct st_proc *p, int64_t dirfd,
			    const uint8_t *path, uint32_t len, size_t *out_len);

/* st_snap.c */
void st_snap_apply(struct st_state *st, const struct evt *ev);

/* small helpers over event parameters */
static inline const char *st_param_str(const struct evt *ev, unsigned i, uint32_t *len)
{
	if (i >= ev->nparams) {
		*len = 0;
		return NULL;
	}
	*len = ev->plen[i];
	return (const char *)ev->p[i];
}

#endif
