/* fld_int.h: private declarations shared by the fields/fld_*.c files. */
#ifndef FLD_INT_H
#define FLD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/sr_sb.h"
#include "fld.h"

enum fld_id {
#define FLD_ENUM(id, name, type, flags, desc) FLD_ID_##id,
#include "fld_table.h"
	FLD_TABLE(FLD_ENUM)
#undef FLD_ENUM
	    FLD_ID_COUNT
};

/* ctx->cache_flags bits: what fld_ctx_reset() has not computed yet. */
#define FLD_C_THR 0x1
#define FLD_C_FD  0x2

/* Largest single value written to scratch (half the scratch buffer). */
#define FLD_SCRATCH_HALF (sizeof(((struct fld_ctx *)0)->scratch) / 2)

/* Whether values of ref are kept per event (fld_extract.c). */
int fld_ref_cacheable(const struct fld_ref *ref);

/* The event's thread: from the state, else from the record header. Never NULL. */
const struct st_thread *fld_thread(struct fld_ctx *c);
/* The event's fd from the state, or NULL. */
const struct st_fd *fld_fd(struct fld_ctx *c);

/* Value setters; all return 1 (present) so extractors can `return set_*`. */
int fld_set_str(struct fld_value *v, const char *s, size_t len);
int fld_set_cstr(struct fld_value *v, const char *s); /* NULL: absent (returns 0) */
int fld_set_int(struct fld_value *v, int64_t i);
int fld_set_uint(struct fld_value *v, uint64_t u);
int fld_set_bool(struct fld_value *v, bool b);
int fld_set_typed_uint(struct fld_value *v, enum fld_type t, uint64_t u);
int fld_set_ip(struct fld_value *v, uint8_t family, const uint8_t *addr);

/* Per-family extractors; each returns 1 with *out filled or 0 when absent. */
int fld_extract_evt(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out);
int fld_extract_proc(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out);
int fld_extract_fd(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out);
/* container.* (but the ids) and k8s.* (fld_container.c). */
int fld_extract_container(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out);
size_t fld_multi_proc(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out,
		      size_t max);
size_t fld_multi_fd(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out,
		    size_t max);

/* sysdig's names for fd types: fd.type ("ipv4") and fd.typechar ('4'). */
const char *fld_fd_typename(enum evt_fdtype t);
char fld_fd_typechar(enum evt_fdtype t);
/* Appends the text of an IP address ("10.0.0.1", "2001:db8::1"). */
void fld_ip_put(struct sr_sb *b, uint8_t family, const uint8_t *a);

/* Text helpers (fld_text.c): values are built with the common string
 * builder in scratch, cut at the capacity given (values are bounded by
 * design). */
/* NUL-separated list appended with sep between items (trailing NULs dropped). */
void fld_put_list(struct sr_sb *b, const char *list, size_t len, char sep);
/* Takes the rest of the current scratch half (up to FLD_SCRATCH_HALF) as a
 * buffer; fld_scratch_commit() then keeps only what was used. */
void fld_scratch_begin(struct sr_sb *b, struct fld_ctx *c);
void fld_scratch_commit(struct sr_sb *b, struct fld_ctx *c);

/* Joins dir and path (path absolute wins) and normalizes "." / ".." / "//"
 * into b. dir NULL means "/" is unknown: a relative path stays relative. */
void fld_path_join(struct sr_sb *b, const char *dir, const char *path, size_t plen);
/* Directory / last component of an absolute path (sysdig's fd.directory,
 * fd.filename): "/etc/passwd" -> "/etc", "passwd"; "/x" -> "/", "x". */
void fld_path_split(const char *path, size_t len, size_t *dirlen, const char **base,
		    size_t *baselen);

/* Time rendering (fld_time.c). */
size_t fld_time_render(int id, uint64_t ts, char *buf, size_t cap);
size_t fld_latency_human(uint64_t ns, char *buf, size_t cap);

/* Parameter rendering (fld_param.c), sysdig style. */
/* Renders parameter i: value text ("4097", "3", "/etc/passwd") into b and,
 * when sysdig shows one, the resolved text ("O_RDONLY|O_CLOEXEC",
 * "<f>/etc/passwd") into r (may be NULL). */
void fld_param_render(struct fld_ctx *c, unsigned i, struct sr_sb *b, struct sr_sb *r);
/* evt.args: "res=0 name=/x flags=..." */
void fld_args_render(struct fld_ctx *c, struct sr_sb *b);
/* Error name for -errno ("ENOENT"), or NULL. */
const char *fld_errno_name(int64_t err);
/* The id of a parameter name for fld_param_index_by_id (fld.h), through
 * the precomputed name table. */
int fld_param_name_id(const char *name);
/* 1 when evt.arg.NAME (name_id) of this event type is its return value:
 * the calls that create an fd (open*, creat, socket, accept*, memfd_create)
 * name their result "fd" in sysdig, so evt.arg.fd is the new fd there (on
 * accept it shadows our listening-socket parameter, as in sysdig). */
int fld_param_is_res(unsigned type, int name_id);
/* The return value as such an fd: value into b ("3", "-11"); into r (may
 * be NULL) "<f>/etc/hosts" when the fd is known, the errno name when the
 * call failed. */
void fld_param_res_fd_render(struct fld_ctx *c, struct sr_sb *b, struct sr_sb *r);
/* Parameters extraction looks up on every event, by fixed id (no strcmp). */
enum fld_pknown { FLD_PK_DATA, FLD_PK_FLAGS, FLD_PK_MODE, FLD_PK_COUNT };
int fld_param_known(unsigned type, enum fld_pknown k);
/* 1 when flag name tables are linked (format/evt_flags.c). */
int fld_flags_available(void);
/* Capability set rendering: "CAP_CHOWN CAP_KILL". */
void fld_caps_render(struct sr_sb *b, uint64_t caps);
/* Path-like parameter of an event as written (fs.path / fd.nameraw /
 * evt.abspath): which = 0 the main path, 1 the source, 2 the target. The
 * dirfd parameter index (or -1) goes to *dirfd_idx. Returns the param index
 * or -1. */
int fld_event_path_param(unsigned type, int which, int *dirfd_idx);
/* Resolves an event path param against dirfd / cwd into b (absolute). */
int fld_event_abspath(struct fld_ctx *c, int which, struct sr_sb *b);

#endif
