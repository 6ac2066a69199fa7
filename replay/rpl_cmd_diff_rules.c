/* sysreplay diff-rules OLD.yaml NEW.yaml CAPTURE...: the alerts a change to
 * a rules file adds and removes over the same captures, grouped by rule.
 * Both versions run over one read of each capture (rpl_multi). An alert is
 * the same in both when the rule name, the event and the output text are;
 * an alert whose output changed shows as removed and added. Exit 0 when
 * nothing changed, 1 when alerts differ (as diff(1)), 2 bad input. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_multi.h"

struct change {
	const char *rule;    /* in its rule set */
	const char *capture; /* in the expanded path list */
	uint64_t num;
	char *text;
	char sign;
};

struct changes {
	struct change *v;
	size_t n, cap;
};

static int change_add(struct changes *c, const char *cap, const struct rpl_alert_rec *a, char sign)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct change *n = realloc(c->v, ncap * sizeof(*n));

		if (!n)
			return -1;
		c->v = n;
		c->cap = ncap;
	}
	c->v[c->n].rule = rule_name(a->r);
	c->v[c->n].capture = cap;
	c->v[c->n].num = a->num;
	c->v[c->n].sign = sign;
	c->v[c->n].text = strdup(a->text ? a->text : "");
	return c->v[c->n++].text ? 0 : -1;
}

static int cmp_alert(const struct rpl_alert_rec *x, const struct rpl_alert_rec *y)
{
	int c = x->num < y->num ? -1 : x->num > y->num;

	if (!c)
		c = strcmp(rule_name(x->r), rule_name(y->r));
	if (!c)
		c = strcmp(x->text ? x->text : "", y->text ? y->text : "");
	return c;
}

static int cmp_alert_q(const void *a, const void *b)
{
	return cmp_alert(a, b);
}

/* Both lists sorted: a merge walk gives what is only on one side. */
static int diff_capture(struct changes *c, const char *cap, struct rpl_sink *o, struct rpl_sink *n)
{
	size_t i = 0, j = 0;

	qsort(o->alerts, o->nalerts, sizeof(*o->alerts), cmp_alert_q);
	qsort(n->alerts, n->nalerts, sizeof(*n->alerts), cmp_alert_q);
	while (i < o->nalerts || j < n->nalerts) {
		int d = i == o->nalerts	  ? 1
			: j == n->nalerts ? -1
					  : cmp_alert(&o->alerts[i], &n->alerts[j]);

		if (d == 0) {
			i++;
			j++;
		} else if (d < 0) {
			if (change_add(c, cap, &o->alerts[i++], '-'))
				return -1;
		} else if (change_add(c, cap, &n->alerts[j++], '+')) {
			return -1;
		}
	}
	return 0;
}

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->rule, y->rule);

	if (!c)
		c = x->sign == y->sign ? 0 : x->sign == '-' ? -1 : 1;
	return c;
}

static void print_changes(struct changes *c)
{
	/* insertion sort: stable, so capture and event order stay within a
	 * rule (qsort is not stable) */
	for (size_t i = 1; i < c->n; i++) {
		struct change t = c->v[i];
		size_t j = i;

		while (j > 0 && cmp_change(&c->v[j - 1], &t) > 0) {
			c->v[j] = c->v[j - 1];
			j--;
		}
		c->v[j] = t;
	}
	for (size_t i = 0; i < c->n;) {
		size_t j = i, add = 0, del = 0;

		while (j < c->n && !strcmp(c->v[j].rule, c->v[i].rule)) {
			add += c->v[j].sign == '+';
			del += c->v[j].sign == '-';
			j++;
		}
		printf("rule '%s': +%zu -%zu\n", c->v[i].rule, add, del);
		for (; i < j; i++)
			printf("  %c %s #%" PRIu64 ": %s\n", c->v[i].sign, c->v[i].capture,
			       c->v[i].num, c->v[i].text);
	}
}

static int load_one(struct rule_set **rs, char *file)
{
	struct rpl_rule_opts o;
	char *files[1] = {file};

	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 1;
	return rpl_alerts_load(rs, &o);
}

int rpl_cmd_diff_rules(int argc, char **argv)
{
	struct rule_set *old_rs = NULL, *new_rs = NULL;
	struct rpl_sink so, sn;
	struct rpl_sink *sinks[2] = {&so, &sn};
	struct changes c;
	char **paths = NULL;
	size_t npaths = 0, added = 0;
	struct sr_err err;
	int rc = RPL_EXIT_OK;

	if (argc < 4)
		return rpl_usage_error("diff-rules", "need OLD.yaml NEW.yaml and a CAPTURE");
	if (argv[1][0] == '-' || argv[2][0] == '-')
		return rpl_usage_error("diff-rules", "unknown option '%s'",
				       argv[1][0] == '-' ? argv[1] : argv[2]);
	memset(&c, 0, sizeof(c));
	memset(&so, 0, sizeof(so));
	memset(&sn, 0, sizeof(sn));
	if (load_one(&old_rs, argv[1]) || load_one(&new_rs, argv[2])) {
		rc = RPL_EXIT_BAD;
		goto out;
	}
	sr_err_clear(&err);
	if (rpl_paths_expand(argv + 3, argc - 3, &paths, &npaths, &err)) {
		rc = rpl_fail_err(NULL, &err);
		goto out;
	}
	so.rs = old_rs;
	sn.rs = new_rs;
	so.keep_text = sn.keep_text = 1;
	for (size_t p = 0; p < npaths; p++) {
		struct rpl_run_result res;

		sr_err_clear(&err);
		if (rpl_multi_run(paths[p], sinks, 2, NULL, NULL, &res, &err)) {
			rc = rpl_fail_err(paths[p], &err);
			goto out;
		}
		if (so.oom || sn.oom || diff_capture(&c, paths[p], &so, &sn)) {
			rc = rpl_fail("out of memory");
			goto out;
		}
	}
	print_changes(&c);
	for (size_t i = 0; i < c.n; i++)
		added += c.v[i].sign == '+';
	fflush(stdout);
	fprintf(stderr, "%zu alert%s added, %zu removed over %zu capture%s\n", added,
		added == 1 ? "" : "s", c.n - added, npaths, npaths == 1 ? "" : "s");
	rc = c.n ? RPL_EXIT_FINDING : RPL_EXIT_OK;
out:
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].text);
	free(c.v);
	rpl_sink_reset(&so);
	rpl_sink_reset(&sn);
	rpl_paths_free(paths, npaths);
	if (old_rs)
		rule_set_free(old_rs);
	if (new_rs)
		rule_set_free(new_rs);
	return rc;
}
