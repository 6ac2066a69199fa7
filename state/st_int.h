/* st_int.h: the state engine's internal structures, shared by state/st_*.c only.
 *
 * Layout: a hash map tid -> struct st_thr; each thread points at a refcounted
 * struct st_proc (what the threads of one pid share: exe, args, cwd, ids, fd
 * table). Forked processes share the fd table's slot array until one of them
 * changes it (copy on write, st_fdtab_w).
 * Public struct st_thread views are refreshed from the process lazily: two
 * generation numbers move when an event may have changed process data, one
 * per process (st_proc.gen: the lifecycle events of that process) and one
 * for all (st->vgen: snapshots, cgroups); a thread remembers their sum when
 * it copied its view, and a view whose sum moved is refreshed on its next
 * lookup. Both only grow, so an equal sum means neither moved.
 *
 * Memory: threads, processes, fd entries and short strings come
 * from per-type pools (st_pool.c), so the per-event cost is a free-list pop
 * instead of malloc, and nothing the engine frees goes back to malloc until
 * st_free. Nothing is recycled before st_event_end(): releases go to a garbage
 * list that st_event_end() empties, which keeps every pointer handed out valid
 * for the whole event as st.h promises.
 *
 * Bounds (enforced at st_event_end, when no pointer is held): threads (oldest
 * exited first, then least recently seen), fd entries in total (fd tables of
 * the least recently seen processes dropped), fds per process (new ones not
 * tracked), and a staleness sweep for threads whose exit was lost.
 */
#ifndef ST_INT_H
#define ST_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../common/sr_le.h"
#include "../format/evt_sock.h"
#include "st.h"

/* ---- u64-keyed open-addressing map (linear probing, backward-shift delete) ---- */
struct st_slot {
	uint64_t key;
	void *val; /* NULL: empty slot */
};

struct st_map {
	struct st_slot *slots; /* after a struct st_map_hdr in the same allocation */
	uint32_t cap;	       /* power of two, 0 before first insert */
	uint32_t n;
	unsigned bits;
};

/* The slot array can be shared by several maps (fd tables of forked
 * processes, copy on write): its reference count sits right before it, so
 * a lookup reaches the slots without an extra pointer. */
struct st_map_hdr {
	uint32_t ref;
	uint32_t pad;
	struct st_map_hdr *next_free; /* in st_map.c's cache of free arrays; keeps 16 bytes */
};

static inline struct st_map_hdr *st_map_hdr(const struct st_map *m)
{
	return (struct st_map_hdr *)(void *)m->slots - 1;
}

/* 1 when another map shares m's slots: m must not change them. */
static inline int st_map_shared(const struct st_map *m)
{
	return m->slots && st_map_hdr(m)->ref > 1;
}

static inline uint32_t st_map_home(const struct st_map *m, uint64_t key)
{
	/* Fibonacci hashing: the top bits of key * 2^64/phi spread dense keys
	 * (tids, fd numbers) evenly. */
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - m->bits));
}

static inline void *st_map_get(const struct st_map *m, uint64_t key)
{
	uint32_t mask, i;

	if (!m->cap)
		return NULL;
	mask = m->cap - 1;
	for (i = st_map_home(m, key);; i = (i + 1) & mask) {
		const struct st_slot *s = &m->slots[i];
		if (s->key == key && s->val)
			return s->val;
		if (!s->val)
			return NULL;
	}
}

/* Inserts or replaces; returns the previous value (NULL if none), or sets
 * *oom when growing failed (the map is left unchanged). */
void *st_map_put(struct st_map *m, uint64_t key, void *val, int *oom);
/* Room for n entries without growing (an empty map only); -1 when out of memory. */
int st_map_reserve(struct st_map *m, uint32_t n);
/* Removes key; the slot array shrinks when it becomes mostly empty. */
void *st_map_del(struct st_map *m, uint64_t key);
/* Frees the calling thread's cache of small slot arrays (st_free). */
void st_map_cache_release(void);
/* Drops m's reference to its slots (freed with the last) and empties m. */
void st_map_free(struct st_map *m);
/* dst (empty) shares src's slots: neither may change them until unshared. */
void st_map_share(struct st_map *dst, const struct st_map *src);
/* An unshared copy of src's slots, slot for slot, into dst (empty); the
 * values are the same pointers. -1 when out of memory. */
int st_map_clone(struct st_map *dst, const struct st_map *src);
/* Values in slot order; the callback may not modify the map. */
void st_map_each(const struct st_map *m, void (*cb)(void *ctx, uint64_t key, void *val), void *ctx);
/* Values sorted by key into a new array (caller frees); *n its length. */
void **st_map_sorted(const struct st_map *m, size_t *n);
/* Bytes held by the slot array. */
static inline size_t st_map_bytes(const struct st_map *m)
{
	return (size_t)m->cap * sizeof(struct st_slot);
}

/* ---- fixed-size object pools ---- */
struct st_pool {
	void *free; /* free objects, linked through their first word */
	void **chunks;
	size_t nchunks, chunks_cap;
	uint32_t size; /* object size, a multiple of 16 */
	uint32_t per_chunk;
	uint64_t live; /* objects handed out */
};

/* align: a power of two, at least 16 is used. */
void st_pool_init(struct st_pool *p, size_t size, size_t align);
void *st_pool_get(struct st_pool *p); /* uninitialized memory, NULL when out of memory */
void st_pool_put(struct st_pool *p, void *obj);
void st_pool_destroy(struct st_pool *p);
size_t st_pool_bytes(const struct st_pool *p);

/* Garbage kinds: what st_garbage_flush() does with a queued pointer. */
enum st_gkind {
	ST_G_MALLOC, /* free() */
	ST_G_THR,    /* back to st->thr_pool ... */
	ST_G_PROC,
	ST_G_FD,
	ST_G_STR, /* a string header: its pool class follows from its length */
};

/* ---- refcounted strings ---- */
struct st_state;
/* A copy of s[0..len) plus a NUL; NULL on allocation failure. */
const char *st_str_new(struct st_state *st, const char *s, size_t len);
const char *st_str_ref(const char *s);		       /* NULL-safe */
void st_str_unref(struct st_state *st, const char *s); /* NULL-safe; frees at event end */
size_t st_str_len(const char *s);		       /* 0 for NULL */
/* Replaces *slot by a string equal to s[0..len) (keeps it when equal). */
void st_str_set(struct st_state *st, const char **slot, const char *s, size_t len);
/* Queues p (of kind k) for release at the end of the current event. */
void st_garbage_kind(struct st_state *st, void *p, enum st_gkind k);
static inline void st_garbage(struct st_state *st, void *p)
{
	st_garbage_kind(st, p, ST_G_MALLOC);
}
/* st_garbage_flush(st): inline, below struct st_state. */
void st_garbage_flush_slow(struct st_state *st);
#define ST_STR_CLASSES 16 /* pooled strings: header + bytes + NUL up to 16 * 16 bytes */

/* ---- entries ---- */
struct st_fdent {
	struct st_fd pub; /* pub.name is an st_str */
	uint32_t snap_gen;
};

struct st_thr;

struct st_proc {
	/* Hot fields first: an fd lookup reads only the first cache line. */
	struct st_map fds; /* fd -> st_fdent; slots shared after fork (copy on write) */
	uint32_t ref;	   /* threads pointing here */
	uint32_t pid, ppid, vpid;
	uint64_t last_ts; /* event time of the last event of any of its threads */
	uint32_t uid, gid, euid, egid, loginuid, tty, flags;
	uint64_t pidns, mntns, netns, exe_ino, cap_eff;
	const char *exe, *exepath, *args, *cwd, *cgroup, *env; /* st_str */
	const char *container_id, *container_full_id, *pod_uid;
	uint64_t cg_id; /* header cgroup id cgroup/container_* were last derived for */
	uint32_t gen;	/* moves when an event may have changed this process's data */
	size_t args_len, env_len;
	struct st_thr *threads; /* list through st_thr.pnext/pprev */
	uint32_t snap_gen;
};

struct st_thr {
	/* What every event reads comes first: with pub.tid..comm it spans two
	 * cache lines (objects are 64-byte aligned in their pool). */
	struct st_proc *proc;
	uint32_t vgen; /* st->vgen + proc->gen when pub's process fields were copied */
	uint32_t seen; /* event time of its last event, in 2^20 ns units (wraps) */
	struct st_thread pub;
	struct st_thr *pnext, *pprev; /* threads of the same process */
	struct st_thr *xnext, *xprev; /* exited, oldest first */
	uint32_t snap_gen;
	uint32_t eage;	   /* eviction/sweep scratch: age, lowered to its descendants' */
	uint8_t partial;   /* made up from a record header: fork data may refine it */
	uint8_t in_exited; /* on the exited list */
	uint8_t reap;	   /* reap at the end of this event */
	uint8_t scratch;   /* the overflow slot: not in the table */
	uint8_t dead;	   /* destroyed; memory waits for the garbage flush */
};

struct st_user {
	uint32_t uid, gid;
	const char *name, *home, *shell; /* st_str */
};

struct st_group {
	uint32_t gid;
	const char *name;
};

#define ST_SEEN_SHIFT 20
static inline uint32_t st_seen_of(uint64_t ts)
{
	return (uint32_t)(ts >> ST_SEEN_SHIFT);
}

#define ST_DEFAULT_MAX_THREADS	 (1u << 15)
#define ST_DEFAULT_MAX_FDS	 (1u << 16)		   /* per process */
#define ST_DEFAULT_MAX_FDS_TOTAL (1u << 17)		   /* fd entries in all tables */
#define ST_DEFAULT_MAX_BIG_BYTES (8u << 20)		   /* long strings (args, env), interned */
#define ST_DEFAULT_STALE_NS	 (1800ull * 1000000000ull) /* 30 min of event time */
#define ST_EXIT_GRACE_NS	 1000000000ull /* exited threads kept this long for late events */
#define ST_PATH_MAX		 8192
#define ST_TF_SCHED		 (1u << 31) /* st_state.tflags: a scheduler tracepoint, not a syscall */
/* The EF_ flags of events that change a process or thread (st_event.c) */
#define ST_TF_LIFE (EF_FORK | EF_EXEC | EF_EXIT | EF_EXIT_GROUP | EF_CWD | EF_SETUID | EF_SETGID)

struct st_state {
	struct st_map thr;
	size_t max_threads, max_fds, max_fds_total;
	uint64_t stale_ns;

	/* current event */
	const struct evt *ev;
	struct st_thr *cur;
	struct st_thr *hot; /* the last header's thread: events come in runs */
	struct st_fdent *curfd;
	int64_t curfd_num;
	int curfd_lazy;	      /* curfd_num is not looked up yet: st_event_fd does it */
	int64_t close_fd;     /* fd to remove at end, -1 none */
	struct st_thr **reap; /* threads to reap at end */
	size_t nreap, reap_cap;
	uint32_t vgen; /* moves when an event may change process data */

	struct st_thr *xhead, *xtail; /* exited, oldest first */

	struct st_map users, groups;
	struct st_map cgroups; /* cgroup id -> struct st_cg (CGROUPINFO, PROCINFO) */
	int cg_missed;	       /* a header named a cgroup id the map did not know */
	struct st_map ctrs;    /* short-id hash -> struct st_ctr (CONTAINERINFO) */

	uintptr_t *garbage; /* pointer | enum st_gkind */
	size_t ngarbage, garbage_cap;

	struct st_pool thr_pool, proc_pool, fd_pool;
	struct st_pool str_pool[ST_STR_CLASSES + 1]; /* [k]: 16 * k bytes */
	size_t big_str_bytes, max_big_bytes;	     /* malloc'ed (long) strings */
	struct st_map strs;			     /* hash -> long string header (interned) */

	uint32_t snap_gen;
	int in_snap;
	struct st_map snap_procs; /* pid -> st_proc met in the snapshot being read */

	/* overflow slot when no thread can be allocated */
	struct st_thr ovf;
	struct st_proc ovf_proc;

	/* Per type, resolved once from the schema (st_new): */
	int8_t fd_param[EVT_TYPE_MAX];	/* index of the "fd" parameter per type, -1 none */
	uint8_t fd_event[EVT_TYPE_MAX]; /* st_is_fd_event(type) */
	uint32_t tflags[EVT_TYPE_MAX];	/* evt_type_flags, ST_TF_SCHED when not a syscall */
	int8_t path_param[EVT_TYPE_MAX], dirfd_param[EVT_TYPE_MAX]; /* EP_PATH, its EP_DIRFD */
	int8_t flags_param[EVT_TYPE_MAX];			    /* "flags", -1 none */

	/* staleness sweep */
	uint64_t sweep_ts;     /* event time of the last sweep (0: none yet) */
	uint64_t sweep_due;    /* event time from which the next one may run */
	uint64_t sweep_events; /* st->events at the last sweep */
	uint64_t last_ts;      /* latest event time seen */

	uint64_t nfds;	   /* fds as processes see them (shared tables count per process) */
	uint64_t nfd_ents; /* fd entries in memory */
	uint64_t nprocs, reaped_threads, reaped_fds, evicted, evicted_fds, stale, events;
	char path_buf[ST_PATH_MAX];
};

static inline void st_garbage_flush(struct st_state *st)
{
	if (st->ngarbage)
		st_garbage_flush_slow(st);
}

/* An event may have changed any process's data: every thread view refreshes
 * on its next lookup. */
static inline void st_views_stale(struct st_state *st)
{
	if (++st->vgen == 0)
		st->vgen = 1;
}

/* An event may have changed p's data: the views of p's threads refresh on
 * their next lookup, the other threads' stay valid. */
static inline void st_proc_changed(struct st_proc *p)
{
	p->gen++;
}

/* st_table.c */
static inline struct st_thr *st_thr_find(const struct st_state *st, uint32_t tid)
{
	return st_map_get(&st->thr, tid);
}
/* New thread; proc NULL makes a new empty process with pid. NULL when out of memory.
 * Never evicts (limits are applied at st_event_end). */
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
const struct st_thread *st_thr_view(const struct st_state *st, const struct st_thr *t);
void st_proc_copy_from(struct st_state *st, struct st_proc *dst, const struct st_proc *src);
/* Applies the table limits and the staleness sweep; at st_event_end only. */
void st_enforce_limits_slow(struct st_state *st);
static inline void st_enforce_limits(struct st_state *st)
{
	if (__builtin_expect(st->thr.n > st->max_threads || st->nfd_ents > st->max_fds_total ||
				 st->big_str_bytes > st->max_big_bytes ||
				 st->last_ts >= st->sweep_due,
			     0))
		st_enforce_limits_slow(st);
}

/* st_fdtab.c */
static inline struct st_fdent *st_fd_find(const struct st_proc *p, int64_t fd)
{
	return st_map_get(&p->fds, (uint64_t)fd);
}
static inline uint32_t st_fd_count(const struct st_proc *p)
{
	return p->fds.n;
}
/* Makes p's table its own (copying a shared one) so entries may change;
 * returns 0, or -1 when out of memory (p keeps the shared table). */
int st_fdtab_w(struct st_state *st, struct st_proc *p);
/* The entry for fd, made writable (NULL if none or out of memory). */
struct st_fdent *st_fd_find_w(struct st_state *st, struct st_proc *p, int64_t fd);
/* New entry for fd (replacing any); NULL when over the limit or out of memory. */
struct st_fdent *st_fd_add(struct st_state *st, struct st_proc *p, int64_t fd, enum evt_fdtype type,
			   const char *name, size_t name_len);
struct st_fdent *st_fd_dup(struct st_state *st, struct st_proc *p, const struct st_fdent *src,
			   int64_t newfd);
void st_fd_remove(struct st_state *st, struct st_proc *p, int64_t fd);
/* Drops p's table (the entries go when no process shares them any more). */
void st_fd_clear(struct st_state *st, struct st_proc *p);
void st_fd_drop_cloexec(struct st_state *st, struct st_proc *p);
/* dst gets src's fds: shares src's table when dst has none. */
int st_fd_copy_table(struct st_state *st, struct st_proc *dst, const struct st_proc *src);
/* Parses a PT_SOCKTUPLE into fd (family, addresses, ports, l4proto). 0 or -1. */
int st_fd_set_tuple(struct st_state *st, struct st_fd *fd, const uint8_t *p, uint32_t len);
void st_fd_rename_socket(struct st_state *st, struct st_fd *fd);

/* st_event.c / st_evfd.c */
void st_apply_fd_begin(struct st_state *st, const struct evt *ev);
int st_is_fd_event(unsigned type);
const char *st_resolve_path(struct st_state *st, struct st_proc *p, int64_t dirfd,
			    const uint8_t *path, uint32_t len, size_t *out_len);

/* st_cgroup.c: cgroup id -> path / container, bounded */
struct st_cg {
	const char *path, *full_id, *short_id, *pod; /* st_str */
};
#define ST_MAX_CGROUPS 4096
/* The event's header names cgroup id (non-zero) while p was derived for
 * another: take path and container from the map when it knows the id. */
void st_cg_header(struct st_state *st, struct st_proc *p, uint64_t id);
/* A CGROUPINFO record. */
void st_cg_info(struct st_state *st, const struct evt *ev);
/* PROCINFO gave p its cgroup path and container for header id: remember
 * them for the id unless a CGROUPINFO already named it. */
void st_cg_learn(struct st_state *st, const struct st_proc *p, uint64_t id);
void st_cg_free_all(struct st_state *st);

/* st_container_tab.c: containers described by CONTAINERINFO */
void st_ctr_info(struct st_state *st, const struct evt *ev);
void st_ctr_free_all(struct st_state *st);

/* st_snap.c */
void st_snap_apply(struct st_state *st, const struct evt *ev);
/* A process is being freed: forget it if the snapshot being read met it. */
void st_snap_forget(struct st_state *st, struct st_proc *p);

/* A string parameter (bytes, not NUL-terminated) and its length; NULL and 0
 * when absent. Integer parameters: evt_param_u64/s64/present (format/evt.h). */

/* Present and non-empty: an empty parameter is a describer that could not
 * read the value, which must not overwrite a known one. */
static inline int st_param_has(const struct evt *ev, unsigned i)
{
	return i < ev->nparams && ev->plen[i] > 0;
}

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
