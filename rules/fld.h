/* fld: the field catalog and field extraction (proc.name, fd.name, evt.type...).
 *
 * Fields are resolved by name once (fld_resolve, at filter compile time) into
 * a struct fld_ref; extraction then runs per event without parsing or
 * allocation, writing into a caller-provided value whose strings may point
 * into the event, the state, or the per-context scratch buffer.
 */
#ifndef FLD_H
#define FLD_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "../format/evt.h"
#include "../state/st.h"

enum fld_type {
	FT_V_NONE,
	FT_V_STR,      /* text (also paths) */
	FT_V_INT,      /* signed 64 */
	FT_V_UINT,     /* unsigned 64 */
	FT_V_BOOL,
	FT_V_IP,       /* address: family + bytes */
	FT_V_NET,      /* CIDR network (literal side of comparisons) */
	FT_V_PORT,
	FT_V_TIME,     /* ns since epoch */
	FT_V_RELTIME,  /* ns duration */
	FT_V_BYTES,
	FT_V_STRLIST,  /* several values (proc.args list-like, evt.args?) */
};

struct fld_def {
	const char *name;        /* "proc.name" */
	enum fld_type type;
	unsigned flags;          /* FLD_F_* */
	const char *desc;        /* one line, for `sysreplay fields` */
};
#define FLD_F_ARG_INDEX 0x1   /* takes [N] */
#define FLD_F_ARG_KEY 0x2     /* takes [name] or .name suffix */
#define FLD_F_UNAVAILABLE 0x4 /* known to Falco, not derivable from our captures */

/* A resolved field reference (field + argument). */
struct fld_ref {
	const struct fld_def *def;
	int id;                  /* internal dispatch id */
	int64_t arg_index;       /* [N] argument, -1 if none */
	char arg_key[64];        /* [name] / evt.arg.name argument */
	int transform;           /* FLD_TR_* chain, applied innermost first */
};

struct fld_value {
	enum fld_type type;
	int present;             /* 0: the field has no value for this event */
	int64_t i;
	uint64_t u;
	const char *s;           /* not NUL-terminated necessarily: use len */
	size_t len;
	uint8_t ip[16];
	uint8_t family;          /* AF_INET / AF_INET6 for IP values */
};

/* Per-evaluation context: one event, the state, and scratch space. */
struct fld_ctx {
	const struct evt *ev;
	const struct st_state *st;
	const char *hostname;
	char scratch[8192];      /* extraction output buffer, reset per event */
	size_t scratch_used;
};
void fld_ctx_reset(struct fld_ctx *c, const struct evt *ev, const struct st_state *st);

/* Catalog. */
const struct fld_def *fld_catalog(size_t *n);
/* Resolves "proc.aname[2]", "evt.arg.name", "evt.arg[0]", ... Returns 0 or
 * SR_ESYNTAX with err->msg "unknown field ..." */
int fld_resolve(const char *text, struct fld_ref *out, struct sr_err *err);
/* Extracts; returns 1 when the field has a value, 0 when absent. */
int fld_extract(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out);
/* Renders a value as sysdig prints it (into c->scratch or buf). */
size_t fld_value_format(const struct fld_value *v, char *buf, size_t cap);

/* Output formats: "%proc.name opened %fd.name", with %{field} and %field[N]
 * forms, as Falco/sysdig. Compiled once, rendered per event. */
struct fld_format;
int fld_format_compile(const char *fmt, struct fld_format **out, struct sr_err *err);
void fld_format_free(struct fld_format *f);
/* Renders into buf (always NUL-terminated); absent fields print "<NA>". */
size_t fld_format_render(const struct fld_format *f, struct fld_ctx *c, char *buf, size_t cap);
/* The fields a format names, in order (for Falco's output_fields). */
size_t fld_format_fields(const struct fld_format *f, const struct fld_ref **refs, size_t max);

#endif
