/* rule_set.c: the rule set object, file loading, accessors, priorities and
 * per-event matching. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../filter/flt.h"
#include "rule_int.h"

#define RULE_FILE_MAX (64u << 20) /* a rules file larger than this is refused */

/* ---- priorities ---- */

static const char *const prio_names[] = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *rule_priority_name(enum rule_priority p)
{
	if ((unsigned)p >= sizeof(prio_names) / sizeof(prio_names[0]))
		return "Unknown";
	return prio_names[p];
}

int rule_priority_parse(const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof(prio_names) / sizeof(prio_names[0]); i++)
		if (strcasecmp(s, prio_names[i]) == 0)
			return (int)i;
	if (strcasecmp(s, "info") == 0)
		return RP_INFORMATIONAL;
	return -1;
}

/* ---- warning codes ---- */

const char *rule_warn_code_name(enum rule_warn_code c)
{
	switch (c) {
	case RW_UNKNOWN_KEY:
		return "LOAD_UNKNOWN_KEY";
	case RW_UNKNOWN_ITEM:
		return "LOAD_UNKNOWN_ITEM";
	case RW_UNKNOWN_SOURCE:
		return "LOAD_UNKNOWN_SOURCE";
	case RW_UNUSED_MACRO:
		return "LOAD_UNUSED_MACRO";
	case RW_UNUSED_LIST:
		return "LOAD_UNUSED_LIST";
	case RW_NO_EVTTYPE:
		return "LOAD_NO_EVTTYPE";
	case RW_UNKNOWN_FILTER:
		return "LOAD_UNKNOWN_FILTER";
	case RW_IGNORED_KEY:
		return "LOAD_IGNORED_KEY";
	default:
		return "LOAD_WARNING";
	}
}

/* ---- life cycle ---- */

struct rule_set *rule_set_new(void)
{
	struct rule_set *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->mode = RULE_MATCH_FIRST;
	rs->min_prio = RP_DEBUG;
	rs->err_src = -1;
	rs->hlists = rule_hash_new();
	rs->hmacros = rule_hash_new();
	rs->hrules = rule_hash_new();
	if (!rs->hlists || !rs->hmacros || !rs->hrules) {
		rule_set_free(rs);
		return NULL;
	}
	return rs;
}

void rule_set_free(struct rule_set *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->rules.n; i++) {
		struct rule *r = rs->rules.v[i];

		if (r->fmt)
			fld_format_free(r->fmt);
	}
	if (rs->flt)
		flt_arena_free(rs->flt);
	for (int t = 0; t < 256; t++)
		free(rs->by_type[t]);
	free(rs->active);
	free(rs->warns);
	free(rs->warn_texts);
	for (size_t i = 0; i < rs->nerrs; i++)
		free(rs->errs[i]);
	free(rs->errs);
	rule_hash_free(rs->hlists);
	rule_hash_free(rs->hmacros);
	rule_hash_free(rs->hrules);
	sr_arena_reset(&rs->arena);
	free(rs);
}

void rule_set_match_mode(struct rule_set *rs, enum rule_match_mode m)
{
	rs->mode = m;
}

void rule_set_min_priority(struct rule_set *rs, enum rule_priority p)
{
	rs->min_prio = p;
}

void rule_set_tags(struct rule_set *rs, const char *tags)
{
	rs->tags_filter = tags && *tags ? sr_arena_strdup(&rs->arena, tags) : NULL;
}

size_t rule_set_enable(struct rule_set *rs, const char *substr, int enabled)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->rules.n; i++) {
		struct rule *r = rs->rules.v[i];

		if (strstr(r->name, substr) && r->enabled != !!enabled) {
			r->enabled = !!enabled;
			n++;
		}
	}
	return n;
}

/* 1 when the rule carries one of the tags of the comma-separated list. */
static int rule_has_tag(const struct rule *r, const char *list)
{
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		for (size_t i = 0; n && i < r->tags.n; i++) {
			const char *t = r->tags.v[i];

			if (strlen(t) == n && strncmp(t, p, n) == 0)
				return 1;
		}
		if (!e)
			return 0;
		p = e + 1;
	}
}

size_t rule_set_enable_tags(struct rule_set *rs, const char *tags, int enabled)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->rules.n; i++) {
		struct rule *r = rs->rules.v[i];

		if (r->enabled != !!enabled && rule_has_tag(r, tags)) {
			r->enabled = !!enabled;
			n++;
		}
	}
	return n;
}

/* ---- loading ---- */

int rule_set_load_string(struct rule_set *rs, const char *name, const char *yaml,
			 struct sr_err *err)
{
	size_t len = strlen(yaml);
	char *copy = malloc(len + 1);

	if (!copy)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	memcpy(copy, yaml, len + 1);
	return rule_load_text(rs, name ? name : "<string>", copy, len, err);
}

static int load_regular(struct rule_set *rs, const char *path, struct sr_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return sr_err_set(err, SR_EIO, "cannot open rules file '%s': %s", path,
				  strerror(errno));
	for (;;) {
		if (cap - len < 65536) {
			char *nb;

			if (cap >= RULE_FILE_MAX) {
				fclose(f);
				free(buf);
				return sr_err_set(err, SR_ELIMIT,
						  "rules file '%s' is larger than %u MiB", path,
						  RULE_FILE_MAX >> 20);
			}
			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				fclose(f);
				free(buf);
				return sr_err_set(err, SR_ENOMEM, "out of memory reading '%s'",
						  path);
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return sr_err_set(err, SR_EIO, "cannot read rules file '%s'", path);
	}
	fclose(f);
	buf[len] = '\0';
	return rule_load_text(rs, path, buf, len, err);
}

static int yaml_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && ((l > 5 && strcmp(n + l - 5, ".yaml") == 0) ||
			       (l > 4 && strcmp(n + l - 4, ".yml") == 0));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory: its *.yaml / *.yml files in name order (as Falco does). */
static int load_dir(struct rule_set *rs, const char *path, struct sr_err *err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d)
		return sr_err_set(err, SR_EIO, "cannot open rules directory '%s': %s", path,
				  strerror(errno));
	while ((de = readdir(d))) {
		if (!yaml_name(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 16) * sizeof(*nn));

			if (!nn) {
				rc = sr_err_set(err, SR_ENOMEM, "out of memory");
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 16;
		}
		if (asprintf(&names[n], "%s/%s", path, de->d_name) < 0) {
			rc = sr_err_set(err, SR_ENOMEM, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = load_regular(rs, names[i], err);
		free(names[i]);
	}
	free(names);
	return rc;
}

int rule_set_load_file(struct rule_set *rs, const char *path, struct sr_err *err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return load_dir(rs, path, err);
	return load_regular(rs, path, err);
}

/* ---- results ---- */

size_t rule_set_warnings(const struct rule_set *rs, const char *const **out)
{
	*out = rs->warn_texts;
	return rs->nwarns;
}

size_t rule_set_warnings_ex(const struct rule_set *rs, const struct rule_warning **out)
{
	*out = rs->warns;
	return rs->nwarns;
}

size_t rule_set_count(const struct rule_set *rs)
{
	return rs->nactive;
}

const char *rule_name(const struct rule *r)
{
	return r->name;
}

enum rule_priority rule_priority(const struct rule *r)
{
	return r->priority;
}

const char *rule_source(const struct rule *r)
{
	return r->source;
}

int rule_capture(const struct rule *r, uint64_t *duration_ms)
{
	*duration_ms = r->capture_ms;
	return r->capture;
}

size_t rule_tags(const struct rule *r, const char *const **out)
{
	*out = (const char *const *)r->tags.v;
	return r->tags.n;
}

size_t rule_actions(const struct rule *r, const char *const **out)
{
	*out = (const char *const *)r->actions.v;
	return r->actions.n;
}

int rule_action_known(const char *name)
{
	static const char *const names[] = {"kill_process", "freeze_container", "kill_container",
					    "program", NULL};

	for (size_t i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

const char *rule_desc(const struct rule *r)
{
	return r->desc;
}

const char *rule_output(const struct rule *r)
{
	return r->output;
}

const struct rule *rule_set_find(const struct rule_set *rs, const char *name)
{
	const struct rule *r = rule_hash_get(rs->hrules, name);

	return r && r->compiled ? r : NULL;
}

int rule_enabled(const struct rule *r)
{
	return r->enabled && r->compiled && r->prog;
}

size_t rule_condition_print(const struct rule *r, char *buf, size_t cap)
{
	if (!r->ast) {
		if (cap)
			buf[0] = '\0';
		return 0;
	}
	return flt_node_print(r->ast, buf, cap);
}

void rule_types(const struct rule *r, uint8_t set[32])
{
	memcpy(set, r->types, 32);
}

/* ---- matching ---- */

int rule_set_may_match(const struct rule_set *rs, struct fld_ctx *c)
{
	unsigned t = c->ev->rec->type;
	struct rule *const *v;
	int opened;

	if (t >= 256 || !rs->finalized)
		return 0;
	v = rs->by_type[t];
	/* -1: not yet asked whether the record decides the fd the event
	 * opens (asked once a rule's free parts all hold and it has parts
	 * reading that fd) */
	opened = c->st ? 0 : -1;
	for (unsigned i = 0, n = rs->nby_type[t]; i < n; i++) {
		size_t k = 0, j = 0, no = v[i]->nopen;

		while (k < v[i]->nfree && flt_eval_part(v[i]->prog, v[i]->free_parts[k], c))
			k++;
		if (k < v[i]->nfree)
			continue;
		if (no && opened < 0)
			opened = fld_ctx_fd_from_record(c) != 0;
		if (opened <= 0)
			return 1;
		while (j < no && flt_eval_part(v[i]->prog, v[i]->open_parts[j], c))
			j++;
		if (j == no)
			return 1;
	}
	return 0;
}

int rule_set_match(const struct rule_set *rs, struct fld_ctx *c,
		   void (*cb)(void *ctx, const struct rule *r, struct fld_ctx *c), void *cbctx)
{
	unsigned t = c->ev->rec->type;
	struct rule *const *v;
	int hits = 0;

	if (t >= 256 || !rs->finalized)
		return 0;
	v = rs->by_type[t];
	for (unsigned i = 0, n = rs->nby_type[t]; i < n; i++) {
		if (flt_eval(v[i]->prog, c) != 1)
			continue;
		hits++;
		if (cb)
			cb(cbctx, v[i], c);
		if (rs->mode == RULE_MATCH_FIRST)
			break;
	}
	return hits;
}
