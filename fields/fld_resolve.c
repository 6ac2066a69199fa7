/* fld_resolve.c: field text ("proc.aname[2]", "evt.arg.flags") to a struct fld_ref.
 *
 * Everything name-based is settled here, once, so that extraction switches
 * on integers: the catalog row, the [N] index, the [key] / .key argument and,
 * for evt.arg.NAME, an id into a per-event-type parameter table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fld_int.h"

/* Fields whose key may follow as ".key" (evt.arg.fd) besides "[key]". */
static int takes_dot_key(int id)
{
	switch (id) {
	case FLD_ID_EVT_ARG:
	case FLD_ID_EVT_RAWARG:
	case FLD_ID_EVT_TYPE_IS:
	case FLD_ID_THREAD_CGROUP:
	case FLD_ID_CONTAINER_LABEL:
	case FLD_ID_K8S_POD_LABEL:
	case FLD_ID_K8S_NS_LABEL:
	case FLD_ID_K8S_RC_LABEL:
	case FLD_ID_K8S_SVC_LABEL:
	case FLD_ID_K8S_RS_LABEL:
	case FLD_ID_K8S_DEPLOYMENT_LABEL:
		return 1;
	}
	return 0;
}

static int parse_index(const char *s, size_t len, int64_t *out)
{
	char tmp[32], *end;
	long long v;

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (!((tmp[0] >= '0' && tmp[0] <= '9') || (tmp[0] == '-' && len > 1)))
		return 0;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return 0;
	*out = v;
	return 1;
}

/* Settles the argument of evt.arg / evt.rawarg / evt.type.is. */
static int check_key(struct fld_ref *out, const char *text, struct sr_err *err)
{
	int id;

	switch (out->id) {
	case FLD_ID_EVT_ARG:
	case FLD_ID_EVT_RAWARG:
		if (out->arg_index >= 0) {
			if (out->arg_index >= EVT_MAX_PARAMS)
				return sr_err_set(err, SR_ESYNTAX,
						  "argument index out of range in '%s'", text);
			return 0;
		}
		id = fld_param_name_id(out->arg_key);
		if (id == -1)
			return sr_err_set(err, SR_ESYNTAX, "unknown event argument '%s' in '%s'",
					  out->arg_key, text);
		out->aux = id;
		return 0;
	case FLD_ID_EVT_TYPE_IS:
		id = evt_type_by_name(out->arg_key);
		if (id < 0)
			return sr_err_set(err, SR_ESYNTAX, "unknown event type '%s' in '%s'",
					  out->arg_key, text);
		out->aux = id;
		return 0;
	}
	return 0;
}

int fld_resolve(const char *text, struct fld_ref *out, struct sr_err *err)
{
	const struct fld_def *cat, *def = NULL;
	const char *br, *key = NULL;
	size_t n, namelen, keylen = 0;
	char name[128];
	int has_index = 0;
	int64_t index = -1;

	memset(out, 0, sizeof(*out));
	out->arg_index = -1;
	if (!text || !*text)
		return sr_err_set(err, SR_ESYNTAX, "empty field name");

	/* name[arg] */
	br = strchr(text, '[');
	namelen = br ? (size_t)(br - text) : strlen(text);
	if (namelen == 0 || namelen >= sizeof(name))
		return sr_err_set(err, SR_ESYNTAX, "unknown field '%s'", text);
	memcpy(name, text, namelen);
	name[namelen] = 0;
	if (br) {
		size_t alen = strlen(br);
		if (alen < 2 || br[alen - 1] != ']')
			return sr_err_set(err, SR_ESYNTAX, "missing ']' in field '%s'", text);
		key = br + 1;
		keylen = alen - 2;
		if (keylen == 0)
			return sr_err_set(err, SR_ESYNTAX, "empty argument in field '%s'", text);
		has_index = parse_index(key, keylen, &index);
	}

	def = fld_def_find(name);
	cat = fld_catalog(&n);
	if (!def && !br) {
		/* "evt.arg.flags": the longest dotted prefix that takes a key. */
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(cat[i].name);
			if (l < namelen && name[l] == '.' && memcmp(name, cat[i].name, l) == 0 &&
			    takes_dot_key((int)i) && (!def || l > strlen(def->name))) {
				def = &cat[i];
			}
		}
		if (def) {
			size_t l = strlen(def->name);
			key = text + l + 1;
			keylen = namelen - l - 1;
			if (keylen == 0)
				def = NULL;
		}
	}
	if (!def)
		return sr_err_set(err, SR_ESYNTAX, "unknown field '%s'", text);

	out->def = def;
	out->id = (int)(def - cat);
	if (key) {
		if (has_index && (def->flags & FLD_F_ARG_INDEX)) {
			if (index < 0)
				return sr_err_set(err, SR_ESYNTAX, "negative index in field '%s'",
						  text);
			out->arg_index = index;
		} else if (def->flags & FLD_F_ARG_KEY) {
			if (keylen >= sizeof(out->arg_key))
				return sr_err_set(err, SR_ESYNTAX,
						  "argument too long in field '%s'", text);
			memcpy(out->arg_key, key, keylen);
			out->arg_key[keylen] = 0;
		} else if (def->flags & FLD_F_ARG_INDEX) {
			return sr_err_set(err, SR_ESYNTAX, "field '%s' needs a numeric index",
					  def->name);
		} else {
			return sr_err_set(err, SR_ESYNTAX, "field '%s' takes no argument",
					  def->name);
		}
	} else if (def->flags & FLD_F_ARG_REQUIRED) {
		return sr_err_set(err, SR_ESYNTAX, "field '%s' needs an argument", def->name);
	}
	int r = check_key(out, text, err);
	if (r)
		return r;
	if (!(def->flags & FLD_F_UNAVAILABLE))
		out->xflags |= FLD_RX_OK;
	if (fld_ref_cacheable(out))
		out->xflags |= FLD_RX_CACHE;
	return 0;
}
