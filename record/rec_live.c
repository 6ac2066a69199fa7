/* rec_live.c: state engine and Falco rules over the live stream. */
#include "rec_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fields/fld.h"
#include "../rules/rule.h"
#include "../state/st.h"

int rec_live_init(struct rec_live *l, const char *const *rules, size_t nrules, const char *hostname,
		  struct sr_err *err)
{
	int rc;

	memset(l, 0, sizeof(*l));
	snprintf(l->hostname, sizeof(l->hostname), "%s", hostname);
	l->st = st_new();
	if (!l->st)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (!nrules)
		return 0;
	l->fc = calloc(1, sizeof(*l->fc));
	l->rs = rule_set_new();
	if (!l->fc || !l->rs)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	l->fc->hostname = l->hostname;
	rule_set_match_mode(l->rs, RULE_MATCH_ALL);
	for (size_t i = 0; i < nrules; i++) {
		rc = rule_set_load_file(l->rs, rules[i], err);
		if (rc)
			return rc;
	}
	rc = rule_set_finalize(l->rs, err);
	if (rc)
		return rc;
	if (!rule_set_count(l->rs))
		fprintf(stderr, "sysrec: warning: the rules files define no enabled rule\n");
	return 0;
}

static void on_alert(void *ctx, const struct rule *r, struct fld_ctx *c)
{
	struct rec_live *l = ctx;
	char buf[8192];

	rule_alert_text(r, c, buf, sizeof(buf));
	printf("%s\n", buf);
	fflush(stdout);
	l->alerts++;
}

void rec_live_event(struct rec_live *l, const struct evt *ev)
{
	st_event_begin(l->st, ev);
	if (l->rs) {
		fld_ctx_reset(l->fc, ev, l->st);
		rule_set_match(l->rs, l->fc, on_alert, l);
	}
	st_event_end(l->st, ev);
}

void rec_live_free(struct rec_live *l)
{
	if (l->rs)
		rule_set_free(l->rs);
	free(l->fc);
	if (l->st)
		st_free(l->st);
	memset(l, 0, sizeof(*l));
}
