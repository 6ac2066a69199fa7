/* rule: Falco-format rule files (YAML via libyaml) and matching.
 *
 *   struct rule_set *rs = rule_set_new();
 *   rule_set_load_file(rs, "a.yaml", &err) ...   // several files, in order
 *   rule_set_finalize(rs, &err);                 // expand macros/lists, compile
 *   per event (after st_event_begin): rule_set_match(rs, ctx, cb, cbctx);
 *   rule_set_free(rs);
 *
 * Errors carry file:line:column. Warnings are collected (rule_set_warnings).
 */
#ifndef RULE_H
#define RULE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "fld.h"

enum rule_priority {
	RP_EMERGENCY, RP_ALERT, RP_CRITICAL, RP_ERROR, RP_WARNING, RP_NOTICE,
	RP_INFORMATIONAL, RP_DEBUG,
};
const char *rule_priority_name(enum rule_priority p);   /* "Warning" */
int rule_priority_parse(const char *s);                  /* -1 when unknown */

struct rule;      /* opaque */
struct rule_set;

enum rule_match_mode { RULE_MATCH_FIRST, RULE_MATCH_ALL };

struct rule_set *rule_set_new(void);
void rule_set_free(struct rule_set *rs);
void rule_set_match_mode(struct rule_set *rs, enum rule_match_mode m);
/* Only rules at or above this priority (more severe) are kept. */
void rule_set_min_priority(struct rule_set *rs, enum rule_priority p);
/* Only rules having one of these tags (comma separated), NULL for all. */
void rule_set_tags(struct rule_set *rs, const char *tags);

int rule_set_load_file(struct rule_set *rs, const char *path, struct sr_err *err);
int rule_set_load_string(struct rule_set *rs, const char *name, const char *yaml,
			 struct sr_err *err);
/* Loads rules/default/ *.yaml (path from SYSREC_RULES_DIR, else next to the binary). */
int rule_set_load_default(struct rule_set *rs, struct sr_err *err);
int rule_set_finalize(struct rule_set *rs, struct sr_err *err);

size_t rule_set_warnings(const struct rule_set *rs, const char *const **out);
size_t rule_set_count(const struct rule_set *rs);     /* enabled, compiled rules */

/* Accessors for a matched rule. */
const char *rule_name(const struct rule *r);
enum rule_priority rule_priority(const struct rule *r);
const char *rule_source(const struct rule *r);
size_t rule_tags(const struct rule *r, const char *const **out);

/* Calls cb for the matching rule(s) of this event: the first in file order by
 * default, or all. Only rules whose event types include the event's are tried. */
int rule_set_match(const struct rule_set *rs, struct fld_ctx *c,
		   void (*cb)(void *ctx, const struct rule *r, struct fld_ctx *c), void *cbctx);

/* Alert rendering, as Falco. text: "HH:MM:SS.nnnnnnnnn: Priority output".
 * json: one object with hostname, output, output_fields, priority, rule,
 * source, tags, time. Both NUL-terminated into buf. */
size_t rule_alert_text(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap);
size_t rule_alert_json(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap);

#endif
