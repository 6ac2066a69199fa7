/* sysreplay alerts: Falco rules over captures.
 * Alerts to stdout (Falco text, or Falco JSON with -j); a per-rule summary
 * to stderr so that stdout stays machine-readable. Alerts are not an error:
 * exit 0 whether rules fired or not, as Falco does. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs/out.h"
#include "rpl.h"
#include "fields/fld.h"
#include "rules/rule.h"

#define RPL_ALERT_CAP (64u << 10)

struct rule_count {
	const struct rule *r;
	uint64_t n;
};

struct rpl_alerts {
	const struct rule_set *rs;
	int json;
	FILE *f;
	char *buf;
	struct rule_count *counts; /* open addressing by pointer */
	size_t cap, used;
	uint64_t total;
	int werr;
	struct out_set *outs; /* --outputs / --alert-*: NULL without */
	char host[256];
};

/* After every file is loaded and before finalize, as Falco applies -D/-T
 * once the rules are known: a rule named in a later file is disabled too. */
static void select_rules(struct rule_set *rs, const struct rpl_rule_opts *o)
{
	for (size_t i = 0; i < o->ndisable; i++)
		if (rule_set_enable(rs, o->disable[i], 0) == 0)
			rpl_warn("--disable '%s': no enabled rule has this in its name",
				 o->disable[i]);
	if (o->disable_tags && rule_set_enable_tags(rs, o->disable_tags, 0) == 0)
		rpl_warn("--disable-tags '%s': no enabled rule has one of these tags",
			 o->disable_tags);
}

/* After the one-line message: the rules file's source line and a caret under
 * the column, when the error has a position (rule_set_error_print's lines
 * after its first, which repeats the message). */
static void print_rules_caret(const struct rule_set *rs, const struct sr_err *err)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m;
	const char *nl;

	if (err->line <= 0 || !(m = open_memstream(&buf, &n)))
		return;
	rule_set_error_print(rs, m, err);
	fclose(m);
	nl = buf ? strchr(buf, '\n') : NULL;
	if (nl && nl[1])
		fputs(nl + 1, stderr);
	free(buf);
}

int rpl_alerts_load(struct rule_set **out, const struct rpl_rule_opts *o)
{
	struct rule_set *rs = rule_set_new();
	struct sr_err err;
	int r = 0;

	if (!rs) {
		rpl_fail("out of memory");
		return SR_ENOMEM;
	}
	if (o->prio) {
		int p = rule_priority_parse(o->prio);

		if (p < 0) {
			rule_set_free(rs);
			rpl_fail("--priority: unknown priority '%s' (emergency, alert, critical, "
				 "error, warning, notice, informational, debug)",
				 o->prio);
			return SR_ESYNTAX;
		}
		rule_set_min_priority(rs, (enum rule_priority)p);
	}
	if (o->enable_tags)
		rule_set_tags(rs, o->enable_tags);
	if (o->all)
		rule_set_match_mode(rs, RULE_MATCH_ALL);
	sr_err_clear(&err);
	if (o->nfiles == 0) {
		r = rule_set_load_default(rs, &err);
		if (r)
			rpl_fail("default rules: %s", err.msg);
	}
	for (size_t i = 0; i < o->nfiles && !r; i++) {
		r = rule_set_load_file(rs, o->files[i], &err);
		if (r) {
			rpl_fail_err(o->files[i], &err);
			print_rules_caret(rs, &err);
		}
	}
	if (!r) {
		select_rules(rs, o);
		r = rule_set_finalize(rs, &err);
		if (r) {
			rpl_fail_err(o->nfiles ? o->files[0] : "default rules", &err);
			print_rules_caret(rs, &err);
		}
	}
	if (r) {
		rule_set_free(rs);
		return r;
	}
	/* Warnings about the user's own files help them; the built-in set's are
	 * the project's business (its tests keep them at zero). */
	if (o->nfiles) {
		const char *const *w;
		size_t nw = rule_set_warnings(rs, &w);

		for (size_t i = 0; i < nw; i++)
			rpl_warn("%s", w[i]);
	}
	/* A tag list that selects nothing is a typo more often than intent, as
	 * for -D: say so (the run goes on, with no rule, as Falco's does). */
	if (o->enable_tags && rule_set_count(rs) == 0)
		rpl_warn("--tags '%s': no enabled rule has one of these tags%s", o->enable_tags,
			 o->prio ? " at this --priority" : "");
	*out = rs;
	return 0;
}

/* Appends a repeatable list option to a comma-separated list (falco -t a -t b
 * is --tags a,b here). Returns 0 or -1 when out of memory. */
static int list_add(char **list, const char *v)
{
	size_t l = *list ? strlen(*list) : 0;
	char *n = realloc(*list, l + strlen(v) + 2);

	if (!n)
		return -1;
	if (l)
		n[l++] = ',';
	strcpy(n + l, v);
	*list = n;
	return 0;
}

struct rpl_alerts *rpl_alerts_new(const struct rule_set *rs, int json, FILE *f)
{
	struct rpl_alerts *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->rs = rs;
	a->json = json;
	a->f = f;
	a->cap = 256;
	a->buf = malloc(RPL_ALERT_CAP);
	a->counts = calloc(a->cap, sizeof(*a->counts));
	if (!a->buf || !a->counts) {
		rpl_alerts_free(a);
		return NULL;
	}
	return a;
}

void rpl_alerts_free(struct rpl_alerts *a)
{
	if (!a)
		return;
	free(a->buf);
	free(a->counts);
	free(a);
}

static struct rule_count *count_slot(struct rule_count *tab, size_t cap, const struct rule *r)
{
	size_t i = (size_t)(((uintptr_t)r >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);

	while (tab[i].r && tab[i].r != r)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void count_rule(struct rpl_alerts *a, const struct rule *r)
{
	struct rule_count *c;

	if (a->used * 2 >= a->cap) {
		size_t ncap = a->cap * 2;
		struct rule_count *nt = calloc(ncap, sizeof(*nt));

		if (nt) {
			for (size_t i = 0; i < a->cap; i++)
				if (a->counts[i].r)
					*count_slot(nt, ncap, a->counts[i].r) = a->counts[i];
			free(a->counts);
			a->counts = nt;
			a->cap = ncap;
		}
	}
	c = count_slot(a->counts, a->cap, r);
	if (!c->r) {
		if (a->used + 1 >= a->cap)
			return; /* table full and could not grow: count lost, alert printed */
		c->r = r;
		a->used++;
	}
	c->n++;
}

/* The alert to the outputs; buf holds it in the stdout format already. */
static void ship(struct rpl_alerts *a, const struct rule *r, struct fld_ctx *c, size_t n)
{
	char *other;
	struct out_alert o;

	if (!out_set_admit(a->outs, rule_name(r), (int)rule_priority(r), rule_source(r)))
		return;
	other = malloc(RPL_ALERT_CAP);
	a->buf[n] = '\0';
	o.rule = rule_name(r);
	o.priority = (int)rule_priority(r);
	o.source = rule_source(r);
	o.hostname = c->hostname ? c->hostname : a->host;
	o.ts_ns = c->ev->rec->ts;
	o.text = a->json ? NULL : a->buf;
	o.json = a->json ? a->buf : NULL;
	if (other && a->json && out_set_wants_text(a->outs)) {
		rule_alert_text(r, c, other, RPL_ALERT_CAP - 1);
		o.text = other;
	} else if (other && !a->json && out_set_wants_json(a->outs)) {
		rule_alert_json(r, c, other, RPL_ALERT_CAP - 1);
		o.json = other;
	}
	out_set_emit(a->outs, &o);
	free(other);
}

static void on_match(void *ctx, const struct rule *r, struct fld_ctx *c)
{
	struct rpl_alerts *a = ctx;
	size_t n;

	if (a->json)
		n = rule_alert_json(r, c, a->buf, RPL_ALERT_CAP - 1);
	else
		n = rule_alert_text(r, c, a->buf, RPL_ALERT_CAP - 1);
	if (a->outs)
		ship(a, r, c, n);
	a->buf[n++] = '\n';
	if (fwrite(a->buf, 1, n, a->f) != n) {
		rpl_out_failed(errno); /* reported by main */
		a->werr = 1;
	}
	a->total++;
	count_rule(a, r);
}

int rpl_alerts_emit(void *ctx, struct fld_ctx *c)
{
	struct rpl_alerts *a = ctx;

	rule_set_match(a->rs, c, on_match, a);
	return a->werr;
}

int rpl_alerts_screen(void *ctx, struct fld_ctx *c)
{
	const struct rpl_alerts *a = ctx;

	return rule_set_may_match(a->rs, c);
}

uint64_t rpl_alerts_total(const struct rpl_alerts *a)
{
	return a->total;
}

static int cmp_count(const void *x, const void *y)
{
	const struct rule_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(rule_name(a->r), rule_name(b->r));
}

void rpl_alerts_summary(const struct rpl_alerts *a, FILE *f)
{
	struct rule_count *rows = malloc(a->used * sizeof(*rows) + 1);
	size_t n = 0;

	if (!rows)
		return;
	for (size_t i = 0; i < a->cap; i++)
		if (a->counts[i].r)
			rows[n++] = a->counts[i];
	qsort(rows, n, sizeof(*rows), cmp_count);
	fprintf(f, "%" PRIu64 " alert%s from %zu rule%s\n", a->total, a->total == 1 ? "" : "s", n,
		n == 1 ? "" : "s");
	if (n)
		fprintf(f, "  %-13s %8s  %s\n", "PRIORITY", "COUNT", "RULE");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-13s %8" PRIu64 "  %s\n",
			rule_priority_name(rule_priority(rows[i].r)), rows[i].n,
			rule_name(rows[i].r));
	free(rows);
}

int rpl_cmd_alerts(int argc, char **argv)
{
	enum {
		OPT_PRIO = RPL_OPT_OWN,
		OPT_ALL,
		OPT_OUTPUTS,
		OPT_SPOOL,
		OPT_ALERT, /* + enum out_kind - OUT_FILE */
	};
	static const struct option lo[] = {
	    {"rules", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"priority", required_argument, NULL, OPT_PRIO},
	    {"tags", required_argument, NULL, 't'},
	    {"enable-tags", required_argument, NULL, 't'},
	    {"disable-tags", required_argument, NULL, 'T'},
	    {"disable", required_argument, NULL, 'D'},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"outputs", required_argument, NULL, OPT_OUTPUTS},
	    {"alert-spool", required_argument, NULL, OPT_SPOOL},
	    {"alert-file", required_argument, NULL, OPT_ALERT},
	    {"alert-program", required_argument, NULL, OPT_ALERT + 1},
	    {"alert-syslog", required_argument, NULL, OPT_ALERT + 2},
	    {"alert-http", required_argument, NULL, OPT_ALERT + 3},
	    {"alert-nats", required_argument, NULL, OPT_ALERT + 4},
	    {"alert-kafka", required_argument, NULL, OPT_ALERT + 5},
	    RPL_RUN_LONG_OPTS,
	    {NULL, 0, NULL, 0},
	};
	char **rules = calloc((size_t)argc + 1, sizeof(char *));
	char **disable = calloc((size_t)argc + 1, sizeof(char *));
	char *etags = NULL, *dtags = NULL;
	struct rpl_rule_opts sel;
	int json = 0, opt, rc = RPL_EXIT_OK, r;
	struct rpl_run_opts ro;
	struct rpl_run_result res;
	struct rpl_input *in = NULL;
	struct rule_set *rs = NULL;
	struct rpl_alerts *a = NULL;
	struct sr_err err;
	struct out_conf oc;
	int ship = 0;

	out_conf_init(&oc);
	oc.t[OUT_STDOUT].enabled = 0; /* this command prints stdout itself */
	sr_err_clear(&err);
	if (!rules || !disable) {
		free(rules);
		free(disable);
		return rpl_fail("out of memory");
	}
	memset(&sel, 0, sizeof(sel));
	sel.files = rules;
	sel.disable = disable;
	memset(&ro, 0, sizeof(ro));
	ro.progress = 1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":r:jD:t:T:J:", lo, NULL)) != -1) {
		switch (opt) {
		case 'r':
			rules[sel.nfiles++] = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'D':
			disable[sel.ndisable++] = optarg;
			break;
		case OPT_PRIO:
			sel.prio = optarg;
			break;
		case 't':
			if (list_add(&etags, optarg))
				rc = rpl_fail("out of memory");
			break;
		case 'T':
			if (list_add(&dtags, optarg))
				rc = rpl_fail("out of memory");
			break;
		case OPT_ALL:
			sel.all = 1;
			break;
		case OPT_OUTPUTS:
			if (out_config_load(&oc, optarg, &err))
				rc = rpl_fail("--outputs: %s", err.msg);
			oc.t[OUT_STDOUT].enabled = 0;
			ship = 1;
			break;
		case OPT_SPOOL:
			oc.spool_dir = optarg;
			break;
		case OPT_ALERT:
		case OPT_ALERT + 1:
		case OPT_ALERT + 2:
		case OPT_ALERT + 3:
		case OPT_ALERT + 4:
		case OPT_ALERT + 5:
			out_conf_flag(&oc, (enum out_kind)(OUT_FILE + opt - OPT_ALERT), optarg,
				      &err);
			ship = 1;
			break;
		default:
			rc = rpl_opt_run("alerts", opt, argv, &ro);
			break;
		}
		if (rc)
			goto out;
	}
	/* Falco refuses -t with -D/-T: "only these" and "all but these" have no
	 * single meaning together, so neither does sysreplay. */
	if (etags && (dtags || sel.ndisable)) {
		rc = rpl_usage_error("alerts",
				     "--tags/--enable-tags cannot be combined with "
				     "--disable or --disable-tags (as Falco's -t with -D/-T)");
		goto out;
	}
	sel.enable_tags = etags;
	sel.disable_tags = dtags;
	if (optind >= argc) {
		rc = rpl_usage_error("alerts", "no capture FILE given");
		goto out;
	}
	if (rpl_alerts_load(&rs, &sel)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	a = rpl_alerts_new(rs, json, stdout);
	if (!a) {
		rc = rpl_fail("out of memory");
		goto out;
	}
	if (ship && out_conf_any(&oc)) {
		if (gethostname(a->host, sizeof(a->host)))
			a->host[0] = '\0';
		if (out_set_open(&a->outs, &oc, "sysreplay.spool", &err)) {
			rc = rpl_fail("outputs: %s", err.msg);
			goto out;
		}
	}
	if (rpl_input_open_or_fail(&in, argv + optind, argc - optind)) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	sr_err_clear(&err);
	ro.emit = rpl_alerts_emit;
	ro.screen = rpl_alerts_screen;
	ro.emit_ctx = a;
	r = rpl_run(in, &ro, &res, &err);
	rpl_flush_stdout();
	if (res.reading) {
		rpl_alerts_summary(a, stderr);
		fprintf(stderr, "  (%" PRIu64 " events read, %zu rules loaded)\n", res.seen,
			rule_set_count(rs));
	}
	if (r)
		rc = rpl_fail_err(NULL, &err);
out:
	rpl_input_close(in);
	if (a)
		out_set_close(a->outs, stderr);
	out_conf_free(&oc);
	rpl_alerts_free(a);
	if (rs)
		rule_set_free(rs);
	free(rules);
	free(disable);
	free(etags);
	free(dtags);
	return rc;
}
