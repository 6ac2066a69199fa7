/* fld_extract.c: extraction entry points and the evt.* / fs.path.* fields. */
#include <stdio.h>
#include <string.h>

#include "fld_int.h"
#include "../format/evt_sysnr.h"

static int extract_uncached(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out)
{
	if (ref->id < FLD_ID_PROC_PID)
		return fld_extract_evt(ref, c, out);
	if (ref->id < FLD_ID_FD_NUM)
		return fld_extract_proc(ref, c, out);
	return fld_extract_fd(ref, c, out);
}

/* Fields worth remembering for the rest of the event: those whose
 * extraction renders or walks (fld_ref_costly), plus the fd path fields
 * (path joins and splits for failed opens) and the parent's fields (a
 * table lookup). Cheap fields cost about what a cache lookup does.
 * fld_resolve records the answer in ref->xflags. */
int fld_ref_cacheable(const struct fld_ref *ref)
{
	switch (ref->id) {
	case FLD_ID_FD_NAME:
	case FLD_ID_FD_NAMERAW:
	case FLD_ID_FD_DIRECTORY:
	case FLD_ID_FD_FILENAME:
	case FLD_ID_PROC_PNAME:
	case FLD_ID_PROC_PEXE:
	case FLD_ID_PROC_PEXEPATH:
	case FLD_ID_EVT_RES:
		return 1;
	case FLD_ID_EVT_ARG:
		return 1; /* evt.arg.NAME: aux names the parameter */
	}
	return ref->arg_key[0] == '\0' && fld_ref_costly(ref);
}

int fld_extract(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out)
{
	out->present = 0;
	out->type = FT_V_NONE;
	if (!(ref->xflags & FLD_RX_OK) && (!ref->def || (ref->def->flags & FLD_F_UNAVAILABLE)))
		return 0;
	if (!c->ev || !c->ev->rec)
		return 0;
	if (!(ref->xflags & FLD_RX_CACHE) || !c->gen)
		return extract_uncached(ref, c, out);
	unsigned slot = ((unsigned)ref->id * 7u + (unsigned)ref->aux + (unsigned)ref->arg_index) %
			(sizeof(c->vcache) / sizeof(c->vcache[0]));
	struct fld_cached *e = &c->vcache[slot];
	if (e->gen == c->gen && e->id == ref->id && e->aux == ref->aux &&
	    e->arg_index == ref->arg_index) {
		*out = e->v;
		return out->present;
	}
	int r = extract_uncached(ref, c, out);
	if (!r)
		out->present = 0;
	/* Text built in scratch would be overwritten by later extractions:
	 * keep a copy in pin, or do not cache the value. */
	if (out->present && (out->type == FT_V_STR || out->type == FT_V_BYTES) && out->s &&
	    out->s >= c->scratch && out->s < c->scratch + sizeof(c->scratch)) {
		if (out->len > sizeof(c->pin) - c->pin_used)
			return r;
		memcpy(c->pin + c->pin_used, out->s, out->len);
		out->s = c->pin + c->pin_used;
		c->pin_used += out->len;
	}
	e->gen = c->gen;
	e->id = ref->id;
	e->aux = ref->aux;
	e->arg_index = ref->arg_index;
	e->v = *out;
	return r;
}

/* Records that stand for an enter event only: sysdig's procexit is an enter
 * event, and a syscall that never returned (exit, a lost exit) has no exit. */
static int enter_only(const struct evt_rec *rec)
{
	return (rec->flags & EVT_RF_ENTER_ONLY) ||
	       (evt_type_flags(rec->type) & (EF_EXIT | EF_EXIT_GROUP));
}

/* evt.dir for comparisons. A syscall record merges scap's enter and exit
 * events, so a rule written for either direction ('evt.dir = >' for enter
 * arguments, 'evt.dir = <' for results) fires once per syscall: the field
 * yields both values and a comparison holds when one of them does. */
static size_t evt_dir_multi(const struct evt_rec *rec, struct fld_value *out, size_t max)
{
	if (enter_only(rec) || !evt_type_is_syscall(rec->type) || max < 2) {
		fld_set_str(out, enter_only(rec) ? ">" : "<", 1);
		return 1;
	}
	fld_set_str(&out[0], "<", 1);
	fld_set_str(&out[1], ">", 1);
	return 2;
}

size_t fld_extract_multi(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out,
			 size_t max)
{
	if (!max)
		return 0;
	if (ref->def && (ref->def->flags & FLD_F_MULTI) && ref->arg_index < 0 &&
	    !(ref->def->flags & FLD_F_UNAVAILABLE) && c->ev && c->ev->rec) {
		if (ref->id < FLD_ID_PROC_PID)
			return ref->id == FLD_ID_EVT_DIR ? evt_dir_multi(c->ev->rec, out, max)
							 : (size_t)fld_extract(ref, c, out);
		if (ref->id < FLD_ID_FD_NUM)
			return fld_multi_proc(ref, c, out, max);
		return fld_multi_fd(ref, c, out, max);
	}
	return (size_t)fld_extract(ref, c, out);
}

/* ---- event classification: from the schema's EF_ flags ---- */
static int is_read_type(unsigned t)
{
	return (evt_type_flags(t) & EF_READS) != 0;
}

static int is_write_type(unsigned t)
{
	return (evt_type_flags(t) & EF_WRITES) != 0;
}

static int is_open_type(unsigned t)
{
	return (evt_type_flags(t) & EF_OPEN) != 0;
}

static int event_failed(const struct evt_rec *rec)
{
	return rec->res < 0 && !(rec->flags & EVT_RF_ENTER_ONLY) && evt_type_is_syscall(rec->type);
}

/* The evt.count.error.* field a failure of this category counts in. */
static int error_count_field(enum evt_category cat)
{
	switch (cat) {
	case EC_FILE:
	case EC_IO:
		return FLD_ID_EVT_COUNT_ERROR_FILE;
	case EC_NET:
		return FLD_ID_EVT_COUNT_ERROR_NET;
	case EC_MEMORY:
		return FLD_ID_EVT_COUNT_ERROR_MEMORY;
	default:
		return FLD_ID_EVT_COUNT_ERROR_OTHER;
	}
}

/* The open flags / mode of an open-family (or creat) event. */
static int open_param(const struct evt *ev, enum fld_pknown k, uint64_t *v)
{
	int i = fld_param_known(ev->rec->type, k);
	if (i < 0 || !evt_param_present(ev, (unsigned)i))
		return 0;
	*v = evt_param_u64(ev, (unsigned)i);
	return 1;
}

/* ---- evt.arg / evt.rawarg ---- */
static int extract_arg(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out, int raw)
{
	const struct evt *ev = c->ev;
	const struct evt_info *info = evt_info_get(ev->rec->type);
	struct sr_sb b, r;
	char rtmp[1024];
	int idx;

	if (!info)
		return 0;
	if (ref->arg_index >= 0) {
		idx = (int)ref->arg_index;
	} else if (ref->aux == -2) {
		/* evt.arg.res: the return value as sysdig shows it. */
		int64_t res = ev->rec->res;
		const char *e;
		if (ev->rec->flags & EVT_RF_ENTER_ONLY)
			return 0;
		if (raw)
			return fld_set_int(out, res);
		if (res < 0 && (e = fld_errno_name(res)))
			return fld_set_cstr(out, e);
		return fld_set_int(out, res);
	} else if (fld_param_is_res(ev->rec->type, ref->aux)) {
		if (ev->rec->flags & (EVT_RF_ENTER_ONLY | EVT_RF_NORES))
			return 0;
		if (raw)
			return fld_set_int(out, ev->rec->res);
		fld_scratch_begin(&b, c);
		sr_sb_init(&r, rtmp, sizeof(rtmp));
		fld_param_res_fd_render(c, &b, &r);
		if (r.len) {
			sr_sb_setlen(&b, 0);
			sr_sb_put(&b, rtmp, r.len);
		}
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	} else {
		idx = fld_param_index_by_id(ev->rec->type, ref->aux);
	}
	if (idx < 0 || (unsigned)idx >= info->nparams || !evt_param_present(ev, (unsigned)idx))
		return 0;
	if (raw) {
		switch (info->params[idx].type) {
		case PT_INT:
		case PT_FD:
		case PT_PID:
			return fld_set_int(out, evt_param_s64(ev, (unsigned)idx));
		case PT_UINT:
		case PT_HEX:
		case PT_UID:
		case PT_GID:
		case PT_MODE:
		case PT_FLAGS:
		case PT_ENUM:
		case PT_SYSCALLNR:
		case PT_ABSTIME:
			return fld_set_uint(out, evt_param_u64(ev, (unsigned)idx));
		case PT_PATH:
		case PT_STR:
			return fld_set_str(out, (const char *)ev->p[idx], ev->plen[idx]);
		default:
			break;
		}
	}
	fld_scratch_begin(&b, c);
	sr_sb_init(&r, rtmp, sizeof(rtmp));
	fld_param_render(c, (unsigned)idx, &b, raw ? NULL : &r);
	if (r.len) {
		/* The resolved form replaces the value (O_RDONLY|O_CLOEXEC). */
		sr_sb_setlen(&b, 0);
		sr_sb_put(&b, rtmp, r.len);
	}
	fld_scratch_commit(&b, c);
	return fld_set_str(out, b.p, b.len);
}

/* ---- fs.path.* and evt.abspath ---- */
static int extract_path(struct fld_ctx *c, int which, int abs, struct fld_value *out)
{
	const struct evt *ev = c->ev;
	int dirfd_idx, i = fld_event_path_param(ev->rec->type, which, &dirfd_idx);
	struct sr_sb b;

	if (i < 0 || !evt_param_present(ev, (unsigned)i))
		return 0;
	if (!abs)
		return fld_set_str(out, (const char *)ev->p[i], ev->plen[i]);
	fld_scratch_begin(&b, c);
	if (!fld_event_abspath(c, which, &b))
		return 0;
	fld_scratch_commit(&b, c);
	return fld_set_str(out, b.p, b.len);
}

static int put_text(struct fld_ctx *c, struct fld_value *out, const char *s, size_t n)
{
	char *p = fld_scratch_alloc(c, n);
	if (!p)
		return 0;
	memcpy(p, s, n);
	return fld_set_str(out, p, n);
}

int fld_extract_evt(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out)
{
	const struct evt *ev = c->ev;
	const struct evt_rec *rec = ev->rec;
	const struct evt_info *info = evt_info_get(rec->type);
	unsigned t = rec->type;
	char tmp[64];
	uint64_t v, rel;
	size_t n;
	const char *name;

	switch (ref->id) {
	case FLD_ID_EVT_NUM:
		return fld_set_uint(out, ev->num);
	case FLD_ID_EVT_TIME:
	case FLD_ID_EVT_TIME_S:
	case FLD_ID_EVT_TIME_ISO8601:
	case FLD_ID_EVT_DATETIME:
	case FLD_ID_EVT_DATETIME_S:
		n = fld_time_render(ref->id, rec->ts, tmp, sizeof(tmp));
		return put_text(c, out, tmp, n);
	case FLD_ID_EVT_RAWTIME:
		return fld_set_typed_uint(out, FT_V_TIME, rec->ts);
	case FLD_ID_EVT_RAWTIME_S:
		return fld_set_typed_uint(out, FT_V_TIME, rec->ts / 1000000000ull);
	case FLD_ID_EVT_RAWTIME_NS:
		return fld_set_typed_uint(out, FT_V_TIME, rec->ts % 1000000000ull);
	case FLD_ID_EVT_RELTIME:
	case FLD_ID_EVT_RELTIME_S:
	case FLD_ID_EVT_RELTIME_NS:
		rel = rec->ts >= c->first_ts ? rec->ts - c->first_ts : 0;
		if (ref->id == FLD_ID_EVT_RELTIME_S)
			rel /= 1000000000ull;
		else if (ref->id == FLD_ID_EVT_RELTIME_NS)
			rel %= 1000000000ull;
		return fld_set_typed_uint(out, FT_V_RELTIME, rel);
	case FLD_ID_EVT_LATENCY:
		return fld_set_typed_uint(out, FT_V_RELTIME, rec->latency);
	case FLD_ID_EVT_LATENCY_S:
		return fld_set_typed_uint(out, FT_V_RELTIME, rec->latency / 1000000000ull);
	case FLD_ID_EVT_LATENCY_NS:
		return fld_set_typed_uint(out, FT_V_RELTIME, rec->latency % 1000000000ull);
	case FLD_ID_EVT_LATENCY_HUMAN:
		n = fld_latency_human(rec->latency, tmp, sizeof(tmp));
		return put_text(c, out, tmp, n);
	case FLD_ID_EVT_DELTATIME:
	case FLD_ID_EVT_DELTATIME_S:
	case FLD_ID_EVT_DELTATIME_NS:
		rel = rec->ts >= c->prev_ts ? rec->ts - c->prev_ts : 0;
		if (ref->id == FLD_ID_EVT_DELTATIME_S)
			rel /= 1000000000ull;
		else if (ref->id == FLD_ID_EVT_DELTATIME_NS)
			rel %= 1000000000ull;
		return fld_set_typed_uint(out, FT_V_RELTIME, rel);
	case FLD_ID_EVT_DIR:
		/* Printed as sysdig prints the exit half; comparisons see both
		 * halves through fld_extract_multi(). */
		return fld_set_str(out, enter_only(rec) ? ">" : "<", 1);
	case FLD_ID_EVT_TYPE:
		/* A generic record is named after its syscall ("fstat"), as sysdig
		 * names its generic events. */
		if ((name = evt_name(c->ev)))
			return fld_set_cstr(out, name);
		n = (size_t)snprintf(tmp, sizeof(tmp), "unknown(%u)", t);
		return put_text(c, out, tmp, n);
	case FLD_ID_EVT_TYPE_IS:
		return fld_set_uint(out, (int)t == ref->aux);
	case FLD_ID_SYSCALL_TYPE:
		if (!info || !evt_type_is_syscall(t))
			return 0;
		return fld_set_cstr(out, evt_name(c->ev));
	case FLD_ID_EVT_CATEGORY:
		return fld_set_cstr(out, evt_category_name(info ? info->category : EC_OTHER));
	case FLD_ID_EVT_CPU:
		return fld_set_int(out, rec->cpu);
	case FLD_ID_EVT_ARGS:
	case FLD_ID_EVT_INFO: {
		struct sr_sb b;
		fld_scratch_begin(&b, c);
		fld_args_render(c, &b);
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	}
	case FLD_ID_EVT_ARG:
		return extract_arg(ref, c, out, 0);
	case FLD_ID_EVT_RAWARG:
		return extract_arg(ref, c, out, 1);
	case FLD_ID_EVT_BUFFER: {
		int i = fld_param_known(t, FLD_PK_DATA);
		if (i < 0 || !evt_param_present(ev, (unsigned)i))
			return 0;
		fld_set_str(out, (const char *)ev->p[i], ev->plen[i]);
		out->type = FT_V_BYTES;
		return 1;
	}
	case FLD_ID_EVT_BUFLEN:
		if (!is_read_type(t) && !is_write_type(t))
			return 0;
		if (rec->res < 0)
			return 0;
		return fld_set_uint(out, (uint64_t)rec->res);
	case FLD_ID_EVT_RES:
		if (rec->flags & (EVT_RF_ENTER_ONLY | EVT_RF_NORES) || !evt_type_is_syscall(t))
			return 0;
		if (rec->res >= 0)
			return fld_set_str(out, "SUCCESS", 7);
		{
			const char *e = fld_errno_name(rec->res);
			if (e)
				return fld_set_cstr(out, e);
			n = (size_t)snprintf(tmp, sizeof(tmp), "%lld", (long long)rec->res);
			return put_text(c, out, tmp, n);
		}
	case FLD_ID_EVT_RAWRES:
		if (rec->flags & (EVT_RF_ENTER_ONLY | EVT_RF_NORES) || !evt_type_is_syscall(t))
			return 0;
		return fld_set_int(out, rec->res);
	case FLD_ID_EVT_FAILED:
		return fld_set_bool(out, event_failed(rec));
	case FLD_ID_EVT_IS_IO:
		return fld_set_bool(out, is_read_type(t) || is_write_type(t));
	case FLD_ID_EVT_IS_IO_READ:
		return fld_set_bool(out, is_read_type(t));
	case FLD_ID_EVT_IS_IO_WRITE:
		return fld_set_bool(out, is_write_type(t));
	case FLD_ID_EVT_IO_DIR:
		if (is_read_type(t))
			return fld_set_str(out, "r", 1);
		if (is_write_type(t))
			return fld_set_str(out, "w", 1);
		return 0;
	case FLD_ID_EVT_IS_WAIT:
		return fld_set_bool(out, false);
	case FLD_ID_EVT_IS_SYSLOG: {
		const struct st_fd *f = fld_fd(c);
		return fld_set_bool(out, is_write_type(t) && f && f->name &&
					     strcmp(f->name, "/dev/log") == 0);
	}
	case FLD_ID_EVT_COUNT:
	case FLD_ID_EVT_COUNT_EXIT:
		return fld_set_uint(out, 1);
	case FLD_ID_EVT_COUNT_ERROR:
		return fld_set_uint(out, event_failed(rec));
	case FLD_ID_EVT_COUNT_ERROR_FILE:
	case FLD_ID_EVT_COUNT_ERROR_NET:
	case FLD_ID_EVT_COUNT_ERROR_MEMORY:
	case FLD_ID_EVT_COUNT_ERROR_OTHER:
		return fld_set_uint(out, event_failed(rec) && info &&
					     error_count_field(info->category) == ref->id);
	case FLD_ID_EVT_ABSPATH:
	case FLD_ID_FS_PATH_NAME:
		return extract_path(c, 0, 1, out);
	case FLD_ID_EVT_ABSPATH_SRC:
	case FLD_ID_FS_PATH_SOURCE:
		return extract_path(c, 1, 1, out);
	case FLD_ID_EVT_ABSPATH_DST:
	case FLD_ID_FS_PATH_TARGET:
		return extract_path(c, 2, 1, out);
	case FLD_ID_FS_PATH_NAMERAW:
		return extract_path(c, 0, 0, out);
	case FLD_ID_FS_PATH_SOURCERAW:
		return extract_path(c, 1, 0, out);
	case FLD_ID_FS_PATH_TARGETRAW:
		return extract_path(c, 2, 0, out);
	case FLD_ID_EVT_IS_OPEN_READ:
	case FLD_ID_EVT_IS_OPEN_WRITE:
		if (!is_open_type(t) || !open_param(ev, FLD_PK_FLAGS, &v))
			return fld_set_bool(out, false);
		/* O_RDONLY (0) or O_RDWR reads; O_WRONLY or O_RDWR writes. */
		if (ref->id == FLD_ID_EVT_IS_OPEN_READ)
			return fld_set_bool(out, (v & 3) == 0 || (v & 3) == 2);
		return fld_set_bool(out, (v & 3) == 1 || (v & 3) == 2);
	case FLD_ID_EVT_IS_OPEN_EXEC:
		if (t == EVT_CREAT)
			return fld_set_bool(out, open_param(ev, FLD_PK_MODE, &v) && (v & 0111));
		if (!is_open_type(t) || !open_param(ev, FLD_PK_FLAGS, &v) ||
		    !(v & 0100 /* O_CREAT */))
			return fld_set_bool(out, false);
		return fld_set_bool(out, open_param(ev, FLD_PK_MODE, &v) && (v & 0111));
	case FLD_ID_EVT_IS_OPEN_CREATE:
		if (t == EVT_CREAT)
			return fld_set_bool(out, true);
		return fld_set_bool(out, is_open_type(t) && open_param(ev, FLD_PK_FLAGS, &v) &&
					     (v & 0100 /* O_CREAT */));
	case FLD_ID_EVT_HOSTNAME:
		return fld_set_cstr(out, c->hostname);
	case FLD_ID_EVT_SOURCE:
		return fld_set_str(out, "syscall", 7);
	}
	return 0;
}
