/* fld: the field catalog and field extraction (proc.name, fd.name, evt.type...).
 *
 * Fields are resolved by name once (fld_resolve, at filter compile time) into
 * a struct fld_ref; extraction then runs per event without parsing or
 * allocation, writing into a caller-provided value whose strings may point
 * into the event, the state, or the per-context scratch buffer.
 *
 * The catalog is fields/fld_table.h (one row per field: name, type, flags,
 * description). Fields flagged FLD_F_UNAVAILABLE resolve (so Falco rules
 * naming them load) but always extract as absent. Thread safety: resolution
 * and formats may be used from several threads; a struct fld_ctx belongs to
 * one thread. Printed forms follow sysdig 0.29 (Debian's), checked against it
 * on the reference captures.
 */
#ifndef FLD_H
#define FLD_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "../common/sr_sb.h"
#include "../format/evt.h"
#include "../state/st.h"

enum fld_type {
	FT_V_NONE,
	FT_V_STR,  /* text (also paths) */
	FT_V_INT,  /* signed 64 */
	FT_V_UINT, /* unsigned 64 */
	FT_V_BOOL,
	FT_V_IP,  /* address: family + bytes */
	FT_V_NET, /* CIDR network (literal side of comparisons) */
	FT_V_PORT,
	FT_V_TIME,    /* ns since epoch */
	FT_V_RELTIME, /* ns duration */
	FT_V_BYTES,
	FT_V_STRLIST, /* reserved: multi-valued fields use fld_extract_multi() instead */
};

struct fld_def {
	const char *name; /* "proc.name" */
	enum fld_type type;
	unsigned flags;	  /* FLD_F_* */
	const char *desc; /* one line, for `sysreplay fields` */
};
#define FLD_F_ARG_INDEX	   0x1	/* takes [N] */
#define FLD_F_ARG_KEY	   0x2	/* takes [name] or .name suffix */
#define FLD_F_UNAVAILABLE  0x4	/* known to Falco, not derivable from our captures */
#define FLD_F_FILTER_ONLY  0x8	/* for filters (fd.ip, fd.net...); prints a value anyway */
#define FLD_F_MULTI	   0x10 /* may yield several values: see fld_extract_multi() */
#define FLD_F_ARG_REQUIRED 0x20 /* resolving without [N]/[key]/.key is an error (evt.arg) */
/* A def of type FT_V_NET extracts an FT_V_IP value: the type says the literal
 * side of a comparison is a CIDR network ("10.0.0.0/8") or an address. */

/* A resolved field reference (field + argument). */
struct fld_ref {
	const struct fld_def *def;
	int id;		   /* internal dispatch id */
	int64_t arg_index; /* [N] argument, -1 if none */
	char arg_key[64];  /* [name] / evt.arg.name argument */
	int transform;	   /* FLD_TR_* chain, applied innermost first */
	int aux;	   /* resolver's private data (e.g. evt.arg name id) */
	unsigned xflags;   /* FLD_RX_*, set by fld_resolve (0 in refs built by hand) */
};
#define FLD_RX_OK    0x1 /* resolved, and the field is available */
#define FLD_RX_CACHE 0x2 /* kept per event once extracted (see fld_extract) */

struct fld_value {
	enum fld_type type;
	int present; /* 0: the field has no value for this event */
	int64_t i;
	uint64_t u;
	const char *s; /* not NUL-terminated necessarily: use len */
	size_t len;
	uint8_t ip[16];
	uint8_t family; /* AF_INET / AF_INET6 for IP values */
};

/* Per-evaluation context: one event, the state, and scratch space.
 *
 * Use: zero it once (memset or = {0}), set hostname (and first_ts if known),
 * then per event call st_event_begin(), fld_ctx_reset(c, ev, st), extract,
 * st_event_end(). st may be NULL: process fields then come from the record
 * header alone (pid, tid, ppid, uid, gid, comm). One context per thread.
 *
 * Value lifetime: a value's strings point into the event, the state or
 * c->scratch. Scratch space is handed out in two alternating halves, so a
 * value stays valid at least until the next extraction after the one that
 * made it (two values can be compared), and at most until fld_ctx_reset. */
struct fld_ctx {
	const struct evt *ev;
	const struct st_state *st;
	const char *hostname;
	char scratch[8192]; /* extraction output buffer, reset per event */
	size_t scratch_used;
	/* Set by the caller once (optional): the stream's first event time for
	 * evt.reltime; 0 means "the first event this context saw". */
	uint64_t first_ts;
	/* Private to fld (per-event caches; the previous event's time). */
	uint64_t prev_ts, cur_ts;
	const struct st_thread *thr_cache;
	const struct st_fd *fd_cache;
	unsigned cache_flags;
	struct st_thread hdr_thr; /* thread built from the record header when st is NULL */
	/* The event this context holds, as a number no other fld_ctx_reset
	 * in this thread gives (0: none yet): per-event caches, here and in
	 * the layers above, are valid while the number they carry matches. */
	uint64_t gen;
	/* Private to fld: values already extracted for this event (rules
	 * name proc.name, fd.name... many times per event), keyed by field,
	 * valid while gen matches; texts they point to that were built in
	 * scratch are copied to pin, which lives until fld_ctx_reset. */
	struct fld_cached {
		uint64_t gen;
		int32_t id, aux;
		int64_t arg_index;
		struct fld_value v;
	} vcache[16];
	char pin[4096];
	size_t pin_used;
	/* The fd an open-like event makes, from the record (private to fld);
	 * fd_from_record is fld_ctx_fd_from_record's answer for the event, 0
	 * until asked (rule_set_may_match may ask). */
	int fd_from_record;
	struct st_fd rec_fd;
	char rec_name[4096];
};
void fld_ctx_reset(struct fld_ctx *c, const struct evt *ev, const struct st_state *st);
/* For a context without state (st NULL): makes the fd fields that
 * fld_ref_fd_from_record lists give, for an open-like event whose record
 * decides them (st_open_from_record), the values a context with state
 * gives. Returns st_open_from_record's answer: 1 the event opened an fd
 * (values as long as the state holds that fd: st_event_fd), 2 a failed
 * open, 0 not decided (those fields then read as without state). */
int fld_ctx_fd_from_record(struct fld_ctx *c);
/* Bump-allocates n bytes (n <= 4096) of scratch with the lifetime rule above;
 * NULL if n is too large. For transformers and other per-event text. */
char *fld_scratch_alloc(struct fld_ctx *c, size_t n);

/* Catalog. */
const struct fld_def *fld_catalog(size_t *n);
/* Resolves "proc.aname[2]", "evt.arg.name", "evt.arg[0]", ... Returns 0 or
 * SR_ESYNTAX with err->msg "unknown field ..." */
int fld_resolve(const char *text, struct fld_ref *out, struct sr_err *err);
/* Catalog entry by exact name ("proc.aname"), or NULL. */
const struct fld_def *fld_def_find(const char *name);
/* Extracts; returns 1 when the field has a value, 0 when absent. For
 * FLD_F_MULTI fields without an index, the first value (proc.aname: the
 * parent's name; fd.ip: the client address). */
int fld_extract(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out);
/* Every value of a field, for filters: proc.aname without index gives each
 * ancestor's name (parent first), fd.ip/fd.port/fd.net client then server,
 * fd.types each distinct type. Single-valued fields give 0 or 1 value.
 * Returns the count written (at most max); a filter comparison on such a
 * field matches when it matches any value. */
size_t fld_extract_multi(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out,
			 size_t max);
/* 1 when extracting the field costs more than reading the record, the
 * thread or the fd entry (rendered text, ancestor walks, table walks):
 * filters evaluate such comparisons after the cheaper ones. */
int fld_ref_costly(const struct fld_ref *ref);
/* evt.arg.NAME (by name, no [N]): the name's id, whose parameter index on
 * each event type fld_param_index_by_id gives; -1 for any other reference. */
int fld_ref_arg_name_id(const struct fld_ref *ref);
/* Index of the named parameter (name_id) for the event type; -1 when the
 * type lacks it. */
int fld_param_index_by_id(unsigned type, int name_id);
/* Events whose FT_OPEN flags include the access mode (0 is O_RDONLY there;
 * on pipe2/dup3/accept4 0 prints as a bare "0"). */
int fld_param_open_like(unsigned type);
/* Renders a value as sysdig prints it into buf (NUL-terminated), or
 * appends it to b. */
size_t fld_value_format(const struct fld_value *v, char *buf, size_t cap);
void fld_value_put(const struct fld_value *v, struct sr_sb *b);

/* Output formats: "%proc.name opened %fd.name", with %{field} and %field[N]
 * forms, as Falco/sysdig. Compiled once, rendered per event.
 * A leading '*' (sysdig -p "*...") is accepted and dropped: see
 * fld_format_star() for whether it was there. "%%" prints '%'. As in sysdig,
 * a token is the longest catalog field its text starts with and the rest is
 * literal ("%fd.name." is fd.name then '.'); a token starting with no field
 * is SR_ESYNTAX "unknown field 'x.y'". "%container.info" prints as Falco's
 * default: "container_id=<id> container_name=<name>". */
struct fld_format;
int fld_format_compile(const char *fmt, struct fld_format **out, struct sr_err *err);
void fld_format_free(struct fld_format *f);
/* Renders into buf (always NUL-terminated), or appends to b; absent fields
 * print "<NA>". "%20proc.name" pads the value with spaces to at least 20
 * characters. */
size_t fld_format_render(const struct fld_format *f, struct fld_ctx *c, char *buf, size_t cap);
void fld_format_put(const struct fld_format *f, struct fld_ctx *c, struct sr_sb *b);
/* The fields a format names, in order (for Falco's output_fields). */
size_t fld_format_fields(const struct fld_format *f, const struct fld_ref **refs, size_t max);
/* The text of field i of the format as written ("proc.aname[2]"), for JSON keys. */
const char *fld_format_field_name(const struct fld_format *f, size_t i);
/* 1 when every field of the format has a value for this event (sysdig -p
 * prints an event only then, unless the format starts with '*'). */
int fld_format_all_present(const struct fld_format *f, struct fld_ctx *c);
/* 1 when the format text started with '*'. */
int fld_format_star(const struct fld_format *f);

#endif
