/* rec_config.c: sysrec.yaml → struct rec_opts.
 *
 * The YAML tree (a line and column on every node) comes from the rules
 * loader's reader, rules/rule_yaml.c, so configuration and rules files are
 * read and located the same way. Each section is a map checked against its
 * list of keys; the sections of features this version does not act upon are
 * validated all the same, then refused when they ask for something, so no
 * setting is ever silently ignored.
 */
#include "rec_config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/sr_arena.h"
#include "../common/sr_sb.h"
#include "../common/sr_time.h"
#include "../probe/probe_shared.h"
#include "../rules/rule.h"
#include "../rules/rule_yaml.h"
#include "rec_action.h"

#define CFG_FILE_MAX (1u << 20)

struct rec_config {
	struct sr_arena arena;
};

struct cfg {
	struct rec_config *c;
	struct rule_src src;
	struct rec_opts *o;
	struct sr_err *err;
};

/* Error message: "FILE:LINE:COL: what", the source line and a caret. */
static int cfg_err_at(struct cfg *p, int line, int col, const char *what)
{
	return rule_src_error(&p->src, line, col, what, p->err);
}

static int cfg_err(struct cfg *p, const struct rule_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cfg_err(struct cfg *p, const struct rule_ynode *n, const char *fmt, ...)
{
	char what[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cfg_err_at(p, n ? n->line : 0, n ? n->col : 0, what);
}

/* ---- values ---- */

static int cfg_str(struct cfg *p, const struct rule_ynode *n, const char *key, const char **out)
{
	if (n->kind != RY_SCALAR || rule_ynode_is_null(n) || !n->len)
		return cfg_err(p, n, "'%s' must be a non-empty string", key);
	if (strlen(n->s) != n->len)
		return cfg_err(p, n, "'%s' contains a NUL byte", key);
	*out = n->s;
	return 0;
}

static int cfg_bool(struct cfg *p, const struct rule_ynode *n, const char *key, int *out)
{
	int b = n->kind == RY_SCALAR && n->style == RYS_PLAIN ? rule_yscalar_bool(n) : -1;

	if (b < 0)
		return cfg_err(p, n, "'%s' must be true or false", key);
	*out = b;
	return 0;
}

static int cfg_uint(struct cfg *p, const struct rule_ynode *n, const char *key, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (n->kind != RY_SCALAR || n->style != RYS_PLAIN || n->s[0] < '0' || n->s[0] > '9')
		return cfg_err(p, n, "'%s' must be a number from %" PRIu64 " to %" PRIu64, key, min,
			       max);
	errno = 0;
	v = strtoull(n->s, &end, 10);
	if (errno || *end || v < min || v > max)
		return cfg_err(p, n, "'%s' must be a number from %" PRIu64 " to %" PRIu64, key, min,
			       max);
	*out = v;
	return 0;
}

/* A duration: seconds, or with units (90s, 5m, 1h30m); never 0. */
static int cfg_duration(struct cfg *p, const struct rule_ynode *n, const char *key, uint64_t *ns)
{
	struct sr_err e;

	if (n->kind != RY_SCALAR || sr_duration_parse(n->s, ns, &e) || !*ns)
		return cfg_err(p, n, "'%s' must be a duration such as 30s, 5m or 1h", key);
	return 0;
}

int rec_size_parse(const char *s, uint64_t *out)
{
	static const struct {
		const char *u;
		uint64_t mul;
	} units[] = {
	    {"", 1},
	    {"B", 1},
	    {"kB", 1000ull},
	    {"KB", 1000ull},
	    {"MB", 1000000ull},
	    {"GB", 1000000000ull},
	    {"TB", 1000000000000ull},
	    {"KiB", 1ull << 10},
	    {"MiB", 1ull << 20},
	    {"GiB", 1ull << 30},
	    {"TiB", 1ull << 40},
	};
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].u))
			continue;
		if (v > UINT64_MAX / units[i].mul)
			return -1;
		*out = v * units[i].mul;
		return 0;
	}
	return -1;
}

/* Bytes, as rec_size_parse takes them (500MB, 2GiB). */
static int cfg_size(struct cfg *p, const struct rule_ynode *n, const char *key, uint64_t *out)
{
	if (n->kind != RY_SCALAR || rec_size_parse(n->s, out))
		return cfg_err(p, n, "'%s' must be a size such as 500MB or 2GiB", key);
	return 0;
}

/* ---- maps ---- */

/* Checks m is a map whose keys are all in known (NULL-terminated) and
 * appear once. */
static int cfg_map(struct cfg *p, const struct rule_ynode *m, const char *what,
		   const char *const *known)
{
	if (m->kind != RY_MAP)
		return cfg_err(p, m, "'%s' must be a map of keys", what);
	for (size_t i = 0; i + 1 < m->nkids; i += 2) {
		const struct rule_ynode *k = m->kids[i];
		char list[400];
		size_t j;

		if (k->kind != RY_SCALAR)
			return cfg_err(p, k, "a key of '%s' must be a plain name", what);
		for (j = 0; known[j] && strcmp(known[j], k->s); j++)
			;
		if (!known[j]) {
			struct sr_sb b;

			sr_sb_init(&b, list, sizeof(list));
			for (j = 0; known[j]; j++)
				sr_sb_printf(&b, "%s%s", j ? ", " : "", known[j]);
			return cfg_err(p, k, "unknown key '%s' in %s (known: %s)", k->s, what,
				       list);
		}
		for (size_t d = 0; d < i; d += 2)
			if (m->kids[d]->kind == RY_SCALAR && !strcmp(m->kids[d]->s, k->s))
				return cfg_err(p, k, "key '%s' given twice in %s", k->s, what);
	}
	return 0;
}

/* The value of key in map m, or NULL; a null value counts as absent. */
static const struct rule_ynode *cfg_get(const struct rule_ynode *m, const char *key)
{
	const struct rule_ynode *v = rule_ymap_get(m, key);

	return v && !rule_ynode_is_null(v) ? v : NULL;
}

/* The key node of key in m (for "not implemented" errors at the key). */
static const struct rule_ynode *cfg_key(const struct rule_ynode *m, const char *key)
{
	for (size_t i = 0; i + 1 < m->nkids; i += 2)
		if (m->kids[i]->kind == RY_SCALAR && !strcmp(m->kids[i]->s, key))
			return m->kids[i];
	return m;
}

/* ---- sections ---- */

static int cfg_rotate(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"size_mb", "every", "keep", NULL};
	const struct rule_ynode *v;
	uint64_t x;
	int rc = cfg_map(p, m, "capture.rotate", keys);

	if (!rc && (v = cfg_get(m, "size_mb"))) {
		rc = cfg_uint(p, v, "size_mb", 1, 1000000, &x);
		p->o->rot_bytes = x * 1000000ull;
	}
	if (!rc && (v = cfg_get(m, "every")))
		rc = cfg_duration(p, v, "every", &p->o->rot_ns);
	if (!rc && (v = cfg_get(m, "keep"))) {
		rc = cfg_uint(p, v, "keep", 1, 100000, &x);
		p->o->ring_count = (unsigned)x;
	}
	return rc;
}

/* A list of names, or one comma-separated string: kept as the string
 * --syscalls takes. */
static int cfg_syscalls(struct cfg *p, const struct rule_ynode *v)
{
	size_t len = 0;
	char *s;

	if (v->kind == RY_SCALAR)
		return cfg_str(p, v, "syscalls", &p->o->syscalls);
	if (v->kind != RY_SEQ || !v->nkids)
		return cfg_err(p, v, "'syscalls' must be a list of system call names");
	for (size_t i = 0; i < v->nkids; i++) {
		const char *name;
		int rc = cfg_str(p, v->kids[i], "syscalls", &name);

		if (rc)
			return rc;
		if (strchr(name, ','))
			return cfg_err(p, v->kids[i], "one system call name per list item");
		len += strlen(name) + 1;
	}
	s = sr_arena_alloc(&p->c->arena, len);
	if (!s)
		return sr_err_set(p->err, SR_ENOMEM, "out of memory");
	len = 0;
	for (size_t i = 0; i < v->nkids; i++)
		len += (size_t)sprintf(s + len, "%s%s", i ? "," : "", v->kids[i]->s);
	p->o->syscalls = s;
	return 0;
}

static int cfg_capture(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"directory", "file",	  "rotate", "snaplen",
					   "syscalls",	"cgroup", "comm",   "exec_env",
					   "latency",	"fsync",  NULL};
	const struct rule_ynode *v;
	const char *dir = NULL, *file = "sysrec.sysrec";
	uint64_t x;
	int rc = cfg_map(p, m, "capture", keys), b;

	if (!rc && (v = cfg_get(m, "directory")))
		rc = cfg_str(p, v, "directory", &dir);
	if (!rc && (v = cfg_get(m, "file"))) {
		rc = cfg_str(p, v, "file", &file);
		if (!rc && strchr(file, '/'))
			rc = cfg_err(p, v, "'file' is a name inside 'directory', without '/'");
		if (!rc && !dir)
			p->o->path = file;
	}
	if (!rc && dir) {
		size_t n = strlen(dir) + strlen(file) + 2;
		char *path = sr_arena_alloc(&p->c->arena, n);

		if (!path)
			return sr_err_set(p->err, SR_ENOMEM, "out of memory");
		snprintf(path, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", file);
		p->o->path = path;
	}
	if (!rc && (v = cfg_get(m, "rotate")))
		rc = cfg_rotate(p, v);
	if (!rc && (v = cfg_get(m, "snaplen"))) {
		rc = cfg_uint(p, v, "snaplen", 0, PRB_SNAPLEN_MAX, &x);
		p->o->snaplen = (uint32_t)x;
	}
	if (!rc && (v = cfg_get(m, "syscalls")))
		rc = cfg_syscalls(p, v);
	if (!rc && (v = cfg_get(m, "cgroup")))
		rc = cfg_str(p, v, "cgroup", &p->o->cgroup);
	if (!rc && (v = cfg_get(m, "comm"))) {
		rc = cfg_str(p, v, "comm", &p->o->comm);
		if (!rc && strlen(p->o->comm) > 15)
			rc = cfg_err(p, v, "'comm' has 1 to 15 characters");
	}
	if (!rc && (v = cfg_get(m, "exec_env")))
		rc = cfg_bool(p, v, "exec_env", &p->o->env);
	if (!rc && (v = cfg_get(m, "latency"))) {
		rc = cfg_bool(p, v, "latency", &b);
		if (!rc && !b)
			p->o->entry = PRB_ENTRY_NONE;
	}
	if (!rc && (v = cfg_get(m, "fsync")))
		rc = cfg_bool(p, v, "fsync", &p->o->fsync);
	return rc;
}

static int cfg_rules(struct cfg *p, const struct rule_ynode *v)
{
	size_t n = v->kind == RY_SEQ ? v->nkids : 1;

	if (v->kind == RY_MAP)
		return cfg_err(p, v, "'rules_files' must be a list of files or directories");
	if (n > REC_MAX_RULES)
		return cfg_err(p, v, "at most %d rules files", REC_MAX_RULES);
	p->o->nrules = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rule_ynode *f = v->kind == RY_SEQ ? v->kids[i] : v;
		int rc = cfg_str(p, f, "rules_files", &p->o->rules[p->o->nrules]);

		if (rc)
			return rc;
		p->o->nrules++;
	}
	p->o->rules_from_config = 1;
	return 0;
}

/* The outputs section is the outputs module's (outputs/out_config.c), so
 * sysreplay --outputs reads the same keys. */
static int cfg_outputs(struct cfg *p, const struct rule_ynode *m)
{
	int rc = out_config_parse(&p->o->outs, m, &p->src, p->err);

	p->o->alert_json = p->o->outs.json;
	p->o->alert_quiet = !p->o->outs.t[OUT_STDOUT].enabled;
	return rc;
}

/* retention: --max-bytes, --max-age, --min-free */
static int cfg_retention(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"max_bytes", "max_age", "min_free", NULL};
	const struct rule_ynode *v;
	int rc = cfg_map(p, m, "retention", keys);

	if (!rc && (v = cfg_get(m, "max_bytes"))) {
		rc = cfg_size(p, v, "max_bytes", &p->o->max_bytes);
		if (!rc && !p->o->max_bytes)
			rc = cfg_err(p, v, "'max_bytes' must be above 0");
	}
	if (!rc && (v = cfg_get(m, "max_age")))
		rc = cfg_duration(p, v, "max_age", &p->o->max_age_ns);
	if (!rc && (v = cfg_get(m, "min_free")))
		rc = cfg_size(p, v, "min_free", &p->o->min_free);
	return rc;
}

static int cfg_metrics(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"enabled", "listen", NULL};
	const struct rule_ynode *v;
	const char *listen = NULL;
	int rc = cfg_map(p, m, "metrics", keys), on = 0;

	if (!rc && (v = cfg_get(m, "enabled")))
		rc = cfg_bool(p, v, "enabled", &on);
	if (!rc && (v = cfg_get(m, "listen"))) {
		const char *s = NULL, *colon;
		uint64_t port = 0;
		char *end;

		rc = cfg_str(p, v, "listen", &s);
		listen = s;
		colon = rc ? NULL : strrchr(s, ':');
		if (!rc && colon)
			port = strtoull(colon + 1, &end, 10);
		if (!rc && (!colon || colon == s || !colon[1] || *end || !port || port > 65535))
			rc = cfg_err(p, v, "'listen' must be HOST:PORT, e.g. 127.0.0.1:8765");
	}
	if (!rc && on)
		p->o->metrics = listen ? listen : "127.0.0.1:8765";
	return rc;
}

static int cfg_capture_on_alert(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"enabled", "mode",	   "min_priority", "pre",
					   "post",    "max_bytes", "max_per_hour", NULL};
	struct rec_evidence_opts *c = &p->o->coa;
	const struct rule_ynode *v;
	uint64_t x;
	int rc = cfg_map(p, m, "capture_on_alert", keys), on = 0, mode = REC_EV_RULES;

	if (!rc && (v = cfg_get(m, "enabled")))
		rc = cfg_bool(p, v, "enabled", &on);
	if (!rc && (v = cfg_get(m, "mode"))) {
		if (v->kind != RY_SCALAR || (strcmp(v->s, "rules") && strcmp(v->s, "all_rules")))
			rc = cfg_err(p, v, "'mode' must be rules or all_rules");
		else
			mode = strcmp(v->s, "rules") ? REC_EV_ALL : REC_EV_RULES;
	}
	if (!rc && (v = cfg_get(m, "min_priority"))) {
		if (v->kind != RY_SCALAR || rule_priority_parse(v->s) < 0)
			rc = cfg_err(
			    p, v, "'min_priority' must be a Falco priority (emergency ... debug)");
		else
			c->min_priority = rule_priority_parse(v->s);
	}
	if (!rc && (v = cfg_get(m, "pre")))
		rc = cfg_duration(p, v, "pre", &c->pre_ns);
	if (!rc && (v = cfg_get(m, "post")))
		rc = cfg_duration(p, v, "post", &c->post_ns);
	if (!rc && (v = cfg_get(m, "max_bytes")))
		rc = cfg_size(p, v, "max_bytes", &c->max_bytes);
	if (!rc && (v = cfg_get(m, "max_per_hour"))) {
		rc = cfg_uint(p, v, "max_per_hour", 1, 1000000, &x);
		c->max_per_hour = x;
	}
	c->mode = on ? mode : REC_EV_OFF;
	return rc;
}

/* fleet: publish the capture to NATS JetStream (docs/fleet.md). */
static int cfg_fleet(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"servers",	"stream", "creds",  "replicas", "max_age",
					   "max_bytes", "drain",  "alerts", NULL};
	struct fleet_cfg *f = &p->o->fleet;
	const struct rule_ynode *v;
	uint64_t x;
	int on = 1;
	int rc = cfg_map(p, m, "fleet", keys);

	if (!rc && (v = cfg_get(m, "servers"))) {
		size_t n = v->kind == RY_SEQ ? v->nkids : 1;

		if (v->kind == RY_MAP || !n)
			return cfg_err(p, v, "'servers' must be a list of nats://HOST:PORT");
		if (n > FLEET_MAX_SERVERS)
			return cfg_err(p, v, "at most %d servers", FLEET_MAX_SERVERS);
		f->nservers = 0;
		for (size_t i = 0; i < n && !rc; i++) {
			const struct rule_ynode *e = v->kind == RY_SEQ ? v->kids[i] : v;

			rc = cfg_str(p, e, "servers", &f->servers[f->nservers]);
			if (!rc && strncmp(e->s, "nats://", 7) && strncmp(e->s, "tls://", 6))
				rc = cfg_err(p, e, "'servers' must be nats://HOST:PORT");
			f->nservers++;
		}
	}
	if (!rc && (v = cfg_get(m, "stream")))
		rc = cfg_str(p, v, "stream", &f->stream);
	if (!rc && (v = cfg_get(m, "creds")))
		rc = cfg_str(p, v, "creds", &f->creds);
	if (!rc && (v = cfg_get(m, "replicas")) && !(rc = cfg_uint(p, v, "replicas", 1, 5, &x)))
		f->replicas = (int)x;
	if (!rc && (v = cfg_get(m, "max_age")))
		rc = cfg_duration(p, v, "max_age", &f->max_age_ns);
	if (!rc && (v = cfg_get(m, "max_bytes")) && !(rc = cfg_size(p, v, "max_bytes", &x)))
		f->max_bytes = x > INT64_MAX ? INT64_MAX : (int64_t)x;
	if (!rc && (v = cfg_get(m, "drain")))
		rc = cfg_duration(p, v, "drain", &f->drain_ns);
	if (!rc && (v = cfg_get(m, "alerts")) && !(rc = cfg_bool(p, v, "alerts", &on)))
		f->alerts_off = !on;
	if (!rc && !f->nservers)
		rc = cfg_err(p, m, "'fleet' needs 'servers'");
	return rc;
}

/* ---- actions ---- */

/* A list of strings (or one string) into an arena array. */
static int cfg_str_list(struct cfg *p, const struct rule_ynode *v, const char *key,
			const char *const **out, size_t *n)
{
	size_t k = v->kind == RY_SEQ ? v->nkids : 1;
	const char **a;

	if (v->kind == RY_MAP || !k)
		return cfg_err(p, v, "'%s' must be a list of strings", key);
	a = sr_arena_alloc(&p->c->arena, k * sizeof(*a));
	if (!a)
		return sr_err_set(p->err, SR_ENOMEM, "out of memory");
	for (size_t i = 0; i < k; i++) {
		int rc = cfg_str(p, v->kind == RY_SEQ ? v->kids[i] : v, key, &a[i]);

		if (rc)
			return rc;
	}
	*out = a;
	*n = k;
	return 0;
}

static int cfg_action_kinds(struct cfg *p, const struct rule_ynode *v, unsigned *set)
{
	const char *const *names;
	size_t n;
	int rc = cfg_str_list(p, v, "actions", &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		unsigned k = rec_action_from_name(names[i]);

		if (!k)
			return cfg_err(
			    p, v->kind == RY_SEQ ? v->kids[i] : v,
			    "unknown action '%s' (known: kill_process, freeze_container, "
			    "kill_container, program)",
			    names[i]);
		*set |= k;
	}
	return rc;
}

static int cfg_action_map(struct cfg *p, const struct rule_ynode *v, struct rec_action_cfg *a)
{
	static const char *const keys[] = {"rule", "tags", "priority", "actions", NULL};
	struct rec_action_map *m;

	if (v->kind != RY_SEQ)
		return cfg_err(p, v,
			       "'actions.map' must be a list of {rule, tags, priority, "
			       "actions} entries");
	m = sr_arena_alloc(&p->c->arena, (v->nkids ? v->nkids : 1) * sizeof(*m));
	if (!m)
		return sr_err_set(p->err, SR_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->nkids; i++) {
		const struct rule_ynode *e = v->kids[i], *x;
		int rc = cfg_map(p, e, "actions.map entry", keys);

		m[i].min_prio = -1;
		if (!rc && (x = cfg_get(e, "rule")))
			rc = cfg_str(p, x, "rule", &m[i].rule);
		if (!rc && (x = cfg_get(e, "tags")))
			rc = cfg_str_list(p, x, "tags", &m[i].tags, &m[i].ntags);
		if (!rc && (x = cfg_get(e, "priority"))) {
			m[i].min_prio = x->kind == RY_SCALAR ? rule_priority_parse(x->s) : -1;
			if (m[i].min_prio < 0)
				rc = cfg_err(p, x,
					     "'priority' must be a Falco priority (emergency "
					     "... debug)");
		}
		if (!rc && !(x = cfg_get(e, "actions")))
			rc = cfg_err(p, e, "an actions.map entry needs 'actions'");
		if (!rc)
			rc = cfg_action_kinds(p, x, &m[i].actions);
		if (!rc && !m[i].rule && !m[i].ntags && m[i].min_prio < 0)
			rc = cfg_err(p, e,
				     "an actions.map entry needs 'rule', 'tags' or 'priority' "
				     "(an entry for every alert is 'priority: debug')");
		if (rc)
			return rc;
	}
	a->map = m;
	a->nmap = v->nkids;
	return 0;
}

static int cfg_allowlist(struct cfg *p, const struct rule_ynode *m, struct rec_action_cfg *a)
{
	static const char *const keys[] = {"comm", "exe", "pid", NULL};
	const struct rule_ynode *v;
	int rc = cfg_map(p, m, "actions.allowlist", keys);

	if (!rc && (v = cfg_get(m, "comm")))
		rc = cfg_str_list(p, v, "comm", &a->allow_comm, &a->nallow_comm);
	if (!rc && (v = cfg_get(m, "exe")))
		rc = cfg_str_list(p, v, "exe", &a->allow_exe, &a->nallow_exe);
	if (!rc && (v = cfg_get(m, "pid"))) {
		size_t k = v->kind == RY_SEQ ? v->nkids : 1;
		uint32_t *pids = sr_arena_alloc(&p->c->arena, (k ? k : 1) * sizeof(*pids));

		if (!pids)
			return sr_err_set(p->err, SR_ENOMEM, "out of memory");
		if (v->kind == RY_MAP || !k)
			return cfg_err(p, v, "'pid' must be a list of process ids");
		for (size_t i = 0; !rc && i < k; i++) {
			uint64_t x;

			rc = cfg_uint(p, v->kind == RY_SEQ ? v->kids[i] : v, "pid", 1, 4194304, &x);
			pids[i] = (uint32_t)x;
		}
		a->allow_pid = pids;
		a->nallow_pid = k;
	}
	return rc;
}

static int cfg_action_program(struct cfg *p, const struct rule_ynode *m, struct rec_action_cfg *a)
{
	static const char *const keys[] = {"command", "timeout", "max_running", NULL};
	const struct rule_ynode *v;
	uint64_t x;
	int rc = cfg_map(p, m, "actions.program", keys);

	if (!rc && (v = cfg_get(m, "command")))
		rc = cfg_str(p, v, "command", &a->program);
	if (!rc && (v = cfg_get(m, "timeout")))
		rc = cfg_duration(p, v, "timeout", &a->program_timeout_ns);
	if (!rc && (v = cfg_get(m, "max_running"))) {
		rc = cfg_uint(p, v, "max_running", 1, 64, &x);
		a->program_max = (unsigned)x;
	}
	return rc;
}

static int cfg_actions(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"enabled", "dry_run",   "rule_keys", "poll", "realtime",
					   "map",     "allowlist", "program",	NULL};
	struct rec_action_cfg *a = sr_arena_alloc(&p->c->arena, sizeof(*a));
	const struct rule_ynode *v;
	int rc = cfg_map(p, m, "actions", keys), uses_program = 0;

	if (!a)
		return sr_err_set(p->err, SR_ENOMEM, "out of memory");
	a->rule_keys = 1;
	a->poll_ns = REC_ACTION_POLL_NS;
	a->program_timeout_ns = 10000000000ull;
	a->program_max = 4;
	if (!rc && (v = cfg_get(m, "enabled")))
		rc = cfg_bool(p, v, "enabled", &a->enabled);
	if (!rc && (v = cfg_get(m, "dry_run")))
		rc = cfg_bool(p, v, "dry_run", &a->dry_run);
	if (!rc && (v = cfg_get(m, "rule_keys")))
		rc = cfg_bool(p, v, "rule_keys", &a->rule_keys);
	if (!rc && (v = cfg_get(m, "poll"))) {
		rc = cfg_duration(p, v, "poll", &a->poll_ns);
		if (!rc && (a->poll_ns < 1000000ull || a->poll_ns > 100000000ull))
			rc = cfg_err(p, v, "'poll' must be from 1ms to 100ms");
	}
	if (!rc && (v = cfg_get(m, "realtime")))
		rc = cfg_bool(p, v, "realtime", &a->realtime);
	if (!rc && (v = cfg_get(m, "map")))
		rc = cfg_action_map(p, v, a);
	if (!rc && (v = cfg_get(m, "allowlist")))
		rc = cfg_allowlist(p, v, a);
	if (!rc && (v = cfg_get(m, "program")))
		rc = cfg_action_program(p, v, a);
	for (size_t i = 0; !rc && i < a->nmap; i++)
		uses_program |= (a->map[i].actions & RA_PROGRAM) != 0;
	if (!rc && uses_program && !a->program)
		rc = cfg_err(p, cfg_key(m, "map"),
			     "the 'program' action needs actions.program.command");
	if (!rc)
		p->o->actions = a;
	return rc;
}

/* signing: the options of signed captures (--sign-key and the checkpoint
 * options); the command line wins over each. The key may come from the
 * command line alone, so a checkpoint key without 'key' is judged after
 * both are read (rec_opts_parse). */
static int cfg_signing(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"key", "checkpoint_chunks", "checkpoint_every",
					   "forward_secure", NULL};
	const struct rule_ynode *v;
	uint64_t x;
	int rc = cfg_map(p, m, "signing", keys);

	if (!rc && (v = cfg_get(m, "key")))
		rc = cfg_str(p, v, "key", &p->o->sign_key);
	if (!rc && (v = cfg_get(m, "checkpoint_chunks"))) {
		rc = cfg_uint(p, v, "checkpoint_chunks", 1, 1000000, &x);
		p->o->ckpt_chunks = (uint32_t)x;
	}
	if (!rc && (v = cfg_get(m, "checkpoint_every")))
		rc = cfg_duration(p, v, "checkpoint_every", &p->o->ckpt_ns);
	if (!rc && (v = cfg_get(m, "forward_secure")))
		rc = cfg_bool(p, v, "forward_secure", &p->o->forward_secure);
	return rc;
}

/* containers: the runtime API sockets asked for container metadata. */
static int cfg_containers(struct cfg *p, const struct rule_ynode *m)
{
	static const char *const keys[] = {"enabled", "docker", "podman", "timeout", NULL};
	const struct rule_ynode *v;
	uint64_t ns;
	int rc = cfg_map(p, m, "containers", keys), on = 1;

	if (!rc && (v = cfg_get(m, "enabled"))) {
		rc = cfg_bool(p, v, "enabled", &on);
		p->o->ctr_off = !on;
	}
	/* an empty string turns that runtime off */
	if (!rc && (v = cfg_get(m, "docker"))) {
		if (v->kind != RY_SCALAR || (v->len && strlen(v->s) != v->len))
			rc = cfg_err(p, v, "'docker' must be a socket path or \"\"");
		else
			p->o->ctr_socks[0].path = v->s;
	}
	if (!rc && (v = cfg_get(m, "podman"))) {
		if (v->kind != RY_SCALAR || (v->len && strlen(v->s) != v->len))
			rc = cfg_err(p, v, "'podman' must be a socket path or \"\"");
		else
			p->o->ctr_socks[1].path = v->s;
	}
	if (!rc && (v = cfg_get(m, "timeout"))) {
		rc = cfg_duration(p, v, "timeout", &ns);
		if (!rc && (ns < 1000000 || ns > 60000000000ull))
			rc = cfg_err(p, v, "'timeout' must be from 1ms to 60s");
		if (!rc)
			p->o->ctr_timeout_ms = (int)(ns / 1000000);
	}
	return rc;
}

static int cfg_root(struct cfg *p, const struct rule_ynode *root)
{
	static const char *const keys[] = {
	    "capture", "rules_files", "outputs",    "retention", "metrics", "capture_on_alert",
	    "actions", "signing",     "containers", "fleet",	 NULL};
	const struct rule_ynode *v;
	int rc;

	if (!root)
		return 0; /* an empty file: every default */
	rc = cfg_map(p, root, "the configuration", keys);
	if (!rc && (v = cfg_get(root, "capture")))
		rc = cfg_capture(p, v);
	if (!rc && (v = cfg_get(root, "rules_files")))
		rc = cfg_rules(p, v);
	if (!rc && (v = cfg_get(root, "outputs")))
		rc = cfg_outputs(p, v);
	if (!rc && (v = cfg_get(root, "retention")))
		rc = cfg_retention(p, v);
	if (!rc && (v = cfg_get(root, "metrics")))
		rc = cfg_metrics(p, v);
	if (!rc && (v = cfg_get(root, "capture_on_alert")))
		rc = cfg_capture_on_alert(p, v);
	if (!rc && (v = cfg_get(root, "fleet")))
		rc = cfg_fleet(p, v);
	if (!rc && (v = cfg_get(root, "actions")))
		rc = cfg_actions(p, v);
	if (!rc && (v = cfg_get(root, "signing")))
		rc = cfg_signing(p, v);
	if (!rc && (v = cfg_get(root, "containers")))
		rc = cfg_containers(p, v);
	return rc;
}

int rec_config_load_text(struct rec_config **out, const char *name, const char *text, size_t len,
			 struct rec_opts *o, struct sr_err *err)
{
	struct rec_config *c = calloc(1, sizeof(*c));
	struct rule_ynode **roots;
	size_t nroots;
	struct cfg p;
	int rc;

	*out = NULL;
	if (!c)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.o = o;
	p.err = err;
	p.src.name = sr_arena_strdup(&c->arena, name);
	p.src.text = sr_arena_strndup(&c->arena, text, len);
	p.src.len = len;
	if (!p.src.name || !p.src.text) {
		rec_config_free(c);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	rc = rule_yaml_parse(&c->arena, &p.src, &roots, &nroots, err);
	if (rc == SR_ESYNTAX && err) {
		char what[sizeof(err->msg)];

		snprintf(what, sizeof(what), "%s", err->msg);
		rc = cfg_err_at(&p, err->line, err->column, what);
	}
	if (!rc && nroots > 1)
		rc = cfg_err(&p, roots[1], "one YAML document expected, found %zu", nroots);
	if (!rc)
		rc = cfg_root(&p, nroots ? roots[0] : NULL);
	if (rc) {
		rec_config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int rec_config_load(struct rec_config **out, const char *path, struct rec_opts *o,
		    struct sr_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if (!f)
		return sr_err_set(err, SR_EIO, "cannot open config '%s': %s", path,
				  strerror(errno));
	buf = malloc(CFG_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	len = fread(buf, 1, CFG_FILE_MAX + 1, f);
	if (ferror(f) || len > CFG_FILE_MAX) {
		rc = sr_err_set(err, ferror(f) ? SR_EIO : SR_ELIMIT,
				ferror(f) ? "cannot read config '%s'" : "config '%s' is over 1 MiB",
				path);
	} else {
		rc = rec_config_load_text(out, path, buf, len, o, err);
	}
	fclose(f);
	free(buf);
	return rc;
}

void rec_config_free(struct rec_config *c)
{
	if (!c)
		return;
	sr_arena_reset(&c->arena);
	free(c);
}

/* ---- --show-config ---- */

/* s as a double-quoted YAML string. */
static void print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* lead ("  file: ", "  - ") then s quoted, on its own line. */
static void print_str(FILE *f, const char *lead, const char *s)
{
	fputs(lead, f);
	print_quoted(f, s);
	fputc('\n', f);
}

static void print_duration(FILE *f, const char *key, uint64_t ns, int indent)
{
	if (ns % 1000000000ull == 0)
		fprintf(f, "%*s%s: %" PRIu64 "s\n", indent, "", key, ns / (uint64_t)1000000000);
	else
		fprintf(f, "%*s%s: %" PRIu64 "ns\n", indent, "", key, ns);
}

/* lead then ["a", "b"] (YAML flow list of double-quoted strings). */
static void print_list(FILE *f, const char *lead, const char *const *v, size_t n)
{
	fputs(lead, f);
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		print_quoted(f, v[i]);
	}
	fputs("]\n", f);
}

static void print_kinds(FILE *f, const char *lead, unsigned set)
{
	const char *names[4];
	size_t n = 0;

	for (unsigned k = RA_KILL_PROCESS; k <= RA_PROGRAM; k <<= 1)
		if (set & k)
			names[n++] = rec_action_name(k);
	print_list(f, lead, names, n);
}

static void rec_config_print_actions(const struct rec_action_cfg *a, FILE *f)
{
	fprintf(f, "actions:\n  enabled: %s\n  dry_run: %s\n  rule_keys: %s\n",
		a->enabled ? "true" : "false", a->dry_run ? "true" : "false",
		a->rule_keys ? "true" : "false");
	fprintf(f, "  poll: %" PRIu64 "us\n  realtime: %s\n", a->poll_ns / 1000,
		a->realtime ? "true" : "false");
	if (a->nmap)
		fputs("  map:\n", f);
	for (size_t i = 0; i < a->nmap; i++) {
		const struct rec_action_map *m = &a->map[i];
		const char *lead = "    - ";

		if (m->rule) {
			print_str(f, "    - rule: ", m->rule);
			lead = "      ";
		}
		if (m->ntags) {
			fprintf(f, "%stags: ", lead);
			print_list(f, "", m->tags, m->ntags);
			lead = "      ";
		}
		if (m->min_prio >= 0) {
			fprintf(f, "%spriority: %s\n", lead,
				rule_priority_name((enum rule_priority)m->min_prio));
			lead = "      ";
		}
		fprintf(f, "%s", lead);
		print_kinds(f, "actions: ", m->actions);
	}
	if (a->nallow_comm || a->nallow_exe || a->nallow_pid) {
		fputs("  allowlist:\n", f);
		if (a->nallow_comm)
			print_list(f, "    comm: ", a->allow_comm, a->nallow_comm);
		if (a->nallow_exe)
			print_list(f, "    exe: ", a->allow_exe, a->nallow_exe);
		if (a->nallow_pid) {
			fputs("    pid: [", f);
			for (size_t i = 0; i < a->nallow_pid; i++)
				fprintf(f, "%s%u", i ? ", " : "", a->allow_pid[i]);
			fputs("]\n", f);
		}
	}
	if (a->program) {
		fputs("  program:\n", f);
		print_str(f, "    command: ", a->program);
		print_duration(f, "timeout", a->program_timeout_ns, 4);
		fprintf(f, "    max_running: %u\n", a->program_max);
	}
}

void rec_config_print(const struct rec_opts *o, FILE *f)
{
	fputs("capture:\n", f);
	if (o->path) {
		const char *slash = strrchr(o->path, '/');

		if (slash) {
			char dir[4096];

			snprintf(dir, sizeof(dir), "%.*s",
				 slash == o->path ? 1 : (int)(slash - o->path), o->path);
			print_str(f, "  directory: ", dir);
			print_str(f, "  file: ", slash + 1);
		} else {
			print_str(f, "  file: ", o->path);
		}
	}
	if (o->rot_bytes || o->rot_ns || o->ring_count) {
		fputs("  rotate:\n", f);
		if (o->rot_bytes)
			fprintf(f, "    size_mb: %" PRIu64 "\n", o->rot_bytes / (uint64_t)1000000);
		if (o->rot_ns)
			print_duration(f, "every", o->rot_ns, 4);
		if (o->ring_count)
			fprintf(f, "    keep: %u\n", o->ring_count);
	}
	fprintf(f, "  snaplen: %u\n", o->snaplen);
	if (o->syscalls)
		print_str(f, "  syscalls: ", o->syscalls);
	if (o->cgroup)
		print_str(f, "  cgroup: ", o->cgroup);
	if (o->comm)
		print_str(f, "  comm: ", o->comm);
	fprintf(f, "  exec_env: %s\n", o->env ? "true" : "false");
	fprintf(f, "  latency: %s\n", o->entry == PRB_ENTRY_NONE ? "false" : "true");
	fprintf(f, "  fsync: %s\n", o->fsync ? "true" : "false");
	if (o->nrules) {
		fputs("rules_files:\n", f);
		for (size_t i = 0; i < o->nrules; i++)
			print_str(f, "  - ", o->rules[i]);
	}
	out_conf_print(&o->outs, f);
	if (o->actions)
		rec_config_print_actions(o->actions, f);
	if (o->sign_key) {
		fputs("signing:\n", f);
		print_str(f, "  key: ", o->sign_key);
		if (o->ckpt_chunks)
			fprintf(f, "  checkpoint_chunks: %u\n", o->ckpt_chunks);
		if (o->ckpt_ns)
			print_duration(f, "checkpoint_every", o->ckpt_ns, 2);
		fprintf(f, "  forward_secure: %s\n", o->forward_secure ? "true" : "false");
	}
	if (o->max_bytes || o->max_age_ns || o->min_free) {
		fputs("retention:\n", f);
		if (o->max_bytes)
			fprintf(f, "  max_bytes: %" PRIu64 "\n", o->max_bytes);
		if (o->max_age_ns)
			print_duration(f, "max_age", o->max_age_ns, 2);
		if (o->min_free)
			fprintf(f, "  min_free: %" PRIu64 "\n", o->min_free);
	}
	if (o->metrics) {
		fputs("metrics:\n  enabled: true\n", f);
		print_str(f, "  listen: ", o->metrics);
	}
	if (o->coa.mode) {
		fprintf(f, "capture_on_alert:\n  enabled: true\n  mode: %s\n",
			o->coa.mode == REC_EV_ALL ? "all_rules" : "rules");
		fprintf(f, "  min_priority: %s\n",
			rule_priority_name((enum rule_priority)o->coa.min_priority));
		print_duration(f, "pre", o->coa.pre_ns, 2);
		print_duration(f, "post", o->coa.post_ns, 2);
		if (o->coa.max_bytes)
			fprintf(f, "  max_bytes: %" PRIu64 "\n", o->coa.max_bytes);
		if (o->coa.max_per_hour)
			fprintf(f, "  max_per_hour: %" PRIu64 "\n", o->coa.max_per_hour);
	}
	fprintf(f, "containers:\n  enabled: %s\n", o->ctr_off ? "false" : "true");
	print_str(f, "  docker: ", o->ctr_socks[0].path ? o->ctr_socks[0].path : "");
	print_str(f, "  podman: ", o->ctr_socks[1].path ? o->ctr_socks[1].path : "");
	fprintf(f, "  timeout: %dms\n", o->ctr_timeout_ms);
	if (o->fleet.nservers) {
		fputs("fleet:\n  servers:\n", f);
		for (size_t i = 0; i < o->fleet.nservers; i++)
			print_str(f, "    - ", o->fleet.servers[i]);
		print_str(f,
			  "  stream: ", o->fleet.stream ? o->fleet.stream : FLEET_DEFAULT_STREAM);
		fprintf(f, "  alerts: %s\n", o->fleet.alerts_off ? "false" : "true");
	}
}
