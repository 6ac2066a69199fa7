/* Rule selection by tag for `alerts --disable-tags` (Falco's -T).
 *
 * rules/rule.h can enable or disable rules by name substring (rule_set_enable)
 * and keep only rules having a tag (rule_set_tags), but has no call that
 * disables rules having a tag. Until it has one, this reads the loaded rules
 * through the rules module's internal header: the only place replay/ does. */
#include <string.h>

#include "rpl.h"
#include "rules/rule.h"
#include "rules/rule_int.h"

/* 1 when the rule carries one of the tags of the comma-separated list. */
static int has_tag(const struct rule *r, const char *list)
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

size_t rpl_rules_disable_tags(struct rule_set *rs, const char *tags)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->rules.n; i++) {
		struct rule *r = rs->rules.v[i];

		if (r->enabled && has_tag(r, tags)) {
			r->enabled = 0;
			n++;
		}
	}
	return n;
}
