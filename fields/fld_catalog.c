/* fld_catalog.c: the catalog table, the per-event context and value setters. */
#include <string.h>

#include "fld_int.h"
#include "../format/evt_sysnr.h"

#define FX FLD_F_ARG_INDEX
#define FK FLD_F_ARG_KEY
#define FU FLD_F_UNAVAILABLE
#define FO FLD_F_FILTER_ONLY
#define FM FLD_F_MULTI
#define FR FLD_F_ARG_REQUIRED
static const struct fld_def fld_defs[FLD_ID_COUNT] = {
#define FLD_ROW(id, name, type, flags, desc) [FLD_ID_##id] = {name, type, flags, desc},
    FLD_TABLE(FLD_ROW)
#undef FLD_ROW
};
#undef FX
#undef FK
#undef FU
#undef FO
#undef FM
#undef FR

const struct fld_def *fld_catalog(size_t *n)
{
	if (n)
		*n = FLD_ID_COUNT;
	return fld_defs;
}

const struct fld_def *fld_def_find(const char *name)
{
	/* Linear: only resolution (compile time) looks names up. */
	for (size_t i = 0; i < FLD_ID_COUNT; i++)
		if (strcmp(fld_defs[i].name, name) == 0)
			return &fld_defs[i];
	return NULL;
}

/* The last event number fld_ctx_reset gave in this thread. Drawn for all
 * contexts of the thread from one counter, so a cache keyed by it never
 * mistakes one context's event for another's (nor a new context at a freed
 * one's address for it); 64 bits do not wrap. */
static _Thread_local uint64_t gen_last;

void fld_ctx_reset(struct fld_ctx *c, const struct evt *ev, const struct st_state *st)
{
	uint64_t ts = ev && ev->rec ? ev->rec->ts : 0;

	c->ev = ev;
	c->st = st;
	c->scratch_used = 0;
	/* evt.deltatime: the previous event is the last one this context saw. */
	c->prev_ts = c->cur_ts ? c->cur_ts : ts;
	c->cur_ts = ts;
	if (!c->first_ts)
		c->first_ts = ts;
	c->thr_cache = NULL;
	c->fd_cache = NULL;
	c->cache_flags = FLD_C_THR | FLD_C_FD;
	/* a new generation invalidates every cached value at once */
	c->gen = ++gen_last;
	c->pin_used = 0;
	c->fd_from_record = 0;
}

int fld_ctx_fd_from_record(struct fld_ctx *c)
{
	if (c->st || !c->ev || !c->ev->rec)
		return 0;
	c->fd_from_record =
	    st_open_from_record(c->ev, &c->rec_fd, c->rec_name, sizeof(c->rec_name));
	if (c->fd_from_record == 1) {
		c->fd_cache = &c->rec_fd;
		c->cache_flags &= ~FLD_C_FD;
	}
	return c->fd_from_record;
}

int fld_ref_arg_name_id(const struct fld_ref *ref)
{
	return ref->id == FLD_ID_EVT_ARG && ref->arg_index < 0 ? ref->aux : -1;
}

int fld_ref_costly(const struct fld_ref *ref)
{
	switch (ref->id) {
	case FLD_ID_EVT_TIME:
	case FLD_ID_EVT_TIME_S:
	case FLD_ID_EVT_TIME_ISO8601:
	case FLD_ID_EVT_DATETIME:
	case FLD_ID_EVT_DATETIME_S:
	case FLD_ID_EVT_LATENCY_HUMAN:
	case FLD_ID_EVT_ARGS:
	case FLD_ID_EVT_INFO:
	case FLD_ID_EVT_ARG:
	case FLD_ID_EVT_RAWARG:
	case FLD_ID_EVT_BUFFER:
	case FLD_ID_EVT_ABSPATH:
	case FLD_ID_EVT_ABSPATH_SRC:
	case FLD_ID_EVT_ABSPATH_DST:
	case FLD_ID_FS_PATH_NAME:
	case FLD_ID_FS_PATH_SOURCE:
	case FLD_ID_FS_PATH_TARGET:
	case FLD_ID_PROC_ARGS:
	case FLD_ID_PROC_ENV:
	case FLD_ID_PROC_CMDLINE:
	case FLD_ID_PROC_EXELINE:
	case FLD_ID_PROC_NTHREADS:
	case FLD_ID_PROC_NCHILDS:
	case FLD_ID_PROC_PCMDLINE:
	case FLD_ID_PROC_ACMDLINE:
	case FLD_ID_PROC_LOGINSHELLID:
	case FLD_ID_PROC_FDOPENCOUNT:
	case FLD_ID_THREAD_CAP_EFFECTIVE:
	case FLD_ID_CONTAINER_INFO:
	case FLD_ID_FD_UID:
	case FLD_ID_FD_CONTAINERNAME:
	case FLD_ID_FD_CONTAINERDIRECTORY:
	case FLD_ID_FD_TYPES:
		return 1;
	case FLD_ID_PROC_APID:
	case FLD_ID_PROC_ANAME:
	case FLD_ID_PROC_AEXE:
	case FLD_ID_PROC_AEXEPATH:
		/* the parent is one lookup, like proc.pname; older ancestors walk */
		return ref->arg_index < 0 || ref->arg_index > 1;
	}
	return 0;
}

char *fld_scratch_alloc(struct fld_ctx *c, size_t n)
{
	size_t half = FLD_SCRATCH_HALF, used = c->scratch_used, base;
	char *p;

	if (n > half)
		return NULL;
	/* Stay in the current half while it has room; otherwise move to the
	 * start of the other half, which leaves the current half (and so the
	 * previous value) intact. */
	base = used >= half ? half : 0;
	if (used + n > base + half)
		used = base ? 0 : half;
	p = c->scratch + used;
	c->scratch_used = used + n;
	return p;
}

const struct st_thread *fld_thread(struct fld_ctx *c)
{
	const struct evt_rec *r;
	struct st_thread *t;

	if (!(c->cache_flags & FLD_C_THR))
		return c->thr_cache;
	c->cache_flags &= ~FLD_C_THR;
	if (c->st) {
		c->thr_cache = st_event_thread(c->st);
		if (c->thr_cache)
			return c->thr_cache;
	}
	/* No state (or it has no thread): what the record header says. */
	t = &c->hdr_thr;
	memset(t, 0, sizeof(*t));
	r = c->ev->rec;
	t->tid = r->tid;
	t->pid = r->pid;
	t->ppid = r->ppid;
	t->uid = t->euid = r->uid;
	t->gid = t->egid = r->gid;
	t->loginuid = UINT32_MAX;
	t->cgroup_id = r->cgroup_id;
	memcpy(t->comm, r->comm, sizeof(t->comm));
	t->comm[sizeof(t->comm) - 1] = 0;
	c->thr_cache = t;
	return t;
}

/* The fd a generic record names through its raw first argument, or NULL. */
static const struct st_fd *generic_fd(struct fld_ctx *c)
{
	const struct evt *ev = c->ev;
	uint64_t nr;
	int64_t fd;

	if (ev->rec->type != EVT_GENERIC || !evt_param_present(ev, 0) || !evt_param_present(ev, 1))
		return NULL;
	/* Syscalls whose first argument is an fd (SCF_FD): sysdig gives these
	 * events an fd parameter and resolves fd.* on them. */
	nr = evt_param_u64(ev, 0);
	if (!(evt_sysnr_flags(nr) & SCF_FD))
		return NULL;
	fd = (int32_t)(uint32_t)evt_param_u64(ev, 1); /* fds are 32-bit in the kernel */
	return fd >= 0 ? st_fd_get(c->st, fld_thread(c)->pid, fd) : NULL;
}

const struct st_fd *fld_fd(struct fld_ctx *c)
{
	if (!(c->cache_flags & FLD_C_FD))
		return c->fd_cache;
	c->cache_flags &= ~FLD_C_FD;
	c->fd_cache = c->st ? st_event_fd(c->st) : NULL;
	if (!c->fd_cache && c->st && c->ev->rec->type == EVT_GENERIC)
		c->fd_cache = generic_fd(c);
	return c->fd_cache;
}

int fld_set_str(struct fld_value *v, const char *s, size_t len)
{
	v->type = FT_V_STR;
	v->present = 1;
	v->s = s;
	v->len = len;
	return 1;
}

int fld_set_cstr(struct fld_value *v, const char *s)
{
	if (!s)
		return 0;
	return fld_set_str(v, s, strlen(s));
}

int fld_set_int(struct fld_value *v, int64_t i)
{
	v->type = FT_V_INT;
	v->present = 1;
	v->i = i;
	v->u = (uint64_t)i;
	return 1;
}

int fld_set_uint(struct fld_value *v, uint64_t u)
{
	return fld_set_typed_uint(v, FT_V_UINT, u);
}

int fld_set_typed_uint(struct fld_value *v, enum fld_type t, uint64_t u)
{
	v->type = t;
	v->present = 1;
	v->u = u;
	v->i = (int64_t)u;
	return 1;
}

int fld_set_bool(struct fld_value *v, bool b)
{
	v->type = FT_V_BOOL;
	v->present = 1;
	v->u = b;
	v->i = b;
	return 1;
}

int fld_set_ip(struct fld_value *v, uint8_t family, const uint8_t *addr)
{
	v->type = FT_V_IP;
	v->present = 1;
	v->family = family;
	memset(v->ip, 0, sizeof(v->ip));
	memcpy(v->ip, addr, family == 10 ? 16 : 4);
	return 1;
}
