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
#include <stdio.h>

#include "../common/sr_err.h"
#include "../fields/fld.h"

enum rule_priority {
	RP_EMERGENCY,
	RP_ALERT,
	RP_CRITICAL,
	RP_ERROR,
	RP_WARNING,
	RP_NOTICE,
	RP_INFORMATIONAL,
	RP_DEBUG,
};
const char *rule_priority_name(enum rule_priority p); /* "Warning" */
int rule_priority_parse(const char *s);		      /* -1 when unknown */

struct rule; /* opaque */
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
/* Loads the default rule set: SYSREC_RULES_DIR, else a rules directory found
 * beside the binary, else the copy compiled in (search order: rule_default.c). */
int rule_set_load_default(struct rule_set *rs, struct sr_err *err);
int rule_set_finalize(struct rule_set *rs, struct sr_err *err);

size_t rule_set_warnings(const struct rule_set *rs, const char *const **out);

/* ---- extensions (rules helper) ---- */

/* Warning classes, named as Falco's load-result codes, so callers can hide
 * the ones they consider noise (e.g. unused macros of a shared rules file). */
enum rule_warn_code {
	RW_UNKNOWN_KEY,	   /* LOAD_UNKNOWN_KEY: a key this loader does not know */
	RW_UNKNOWN_ITEM,   /* LOAD_UNKNOWN_ITEM: a top-level object it does not know */
	RW_UNKNOWN_SOURCE, /* LOAD_UNKNOWN_SOURCE: rule for a non-syscall source, skipped */
	RW_UNUSED_MACRO,   /* LOAD_UNUSED_MACRO */
	RW_UNUSED_LIST,	   /* LOAD_UNUSED_LIST */
	RW_NO_EVTTYPE,	   /* LOAD_NO_EVTTYPE: condition does not narrow evt.type */
	RW_UNKNOWN_FILTER, /* LOAD_UNKNOWN_FILTER: skip-if-unknown-filter rule skipped */
	RW_IGNORED_KEY,	   /* a known key that has no effect where it is written */
	RW_OTHER,
};
struct rule_warning {
	enum rule_warn_code code;
	const char *text; /* "FILE:LINE:COL: warning: message" */
};
const char *rule_warn_code_name(enum rule_warn_code c); /* "LOAD_UNUSED_MACRO" */
size_t rule_set_warnings_ex(const struct rule_set *rs, const struct rule_warning **out);

/* Prints an error returned by a load/finalize call of this set: its message
 * ("FILE:LINE:COL: message") then, when the position is known, the source
 * line and a caret under the column. */
void rule_set_error_print(const struct rule_set *rs, FILE *out, const struct sr_err *err);

/* Validation mode (Falco's -V): with on, load and finalize record each
 * error (rule_set_errors) and go on with the next list, macro or rule;
 * they still return the first error once the whole input is read.
 * Items that failed are left out of the set. */
void rule_set_collect_errors(struct rule_set *rs, int on);
/* The recorded errors, each "FILE:LINE:COL: message\n" then the source line
 * and a caret line when the position is known. Valid until rule_set_free. */
size_t rule_set_errors(const struct rule_set *rs, const char *const **out);

/* Every rule defined, in file order, enabled or not, compiled or not (valid
 * until rule_set_free). */
size_t rule_set_rules(const struct rule_set *rs, const struct rule *const **out);
/* Where the rule is defined: file name and 1-based line (0 when unknown). */
const char *rule_file(const struct rule_set *rs, const struct rule *r, int *line);
/* 1 when the rule is selected to alert (enabled, compiled, priority and
 * tags selection): what rule_set_match may report. */
int rule_active(const struct rule_set *rs, const struct rule *r);
/* Calls cb once per distinct field name the rule reads, in its condition
 * (macros and exceptions included) and its output, as written
 * ("proc.aname[2]"). Nothing for a rule that did not compile. */
void rule_fields(const struct rule *r, void (*cb)(void *ctx, const char *field), void *ctx);

/* Enables/disables, before finalize, every rule whose name contains substr
 * (Falco's -D). Returns the number of rules changed. */
size_t rule_set_enable(struct rule_set *rs, const char *substr, int enabled);
/* Enables/disables, before finalize, every rule carrying one of the tags of
 * the comma-separated list (Falco's -T when disabling). Returns the number of
 * rules changed. */
size_t rule_set_enable_tags(struct rule_set *rs, const char *tags, int enabled);

/* A rule by name (after finalize; NULL when unknown or skipped). */
const struct rule *rule_set_find(const struct rule_set *rs, const char *name);
/* 1 when the rule is enabled and compiled (selected by priority/tags or not). */
int rule_enabled(const struct rule *r);
/* The rule's full condition after macros, lists and exceptions, in
 * flt_node_print's canonical form (for tests and --dump-ir). */
size_t rule_condition_print(const struct rule *r, char *buf, size_t cap);

/* Engine version this loader reports to required_engine_version checks. */
#define RULE_ENGINE_VERSION "0.57.0"
size_t rule_set_count(const struct rule_set *rs); /* enabled, compiled rules */

/* Accessors for a matched rule. */
const char *rule_name(const struct rule *r);
enum rule_priority rule_priority(const struct rule *r);
const char *rule_source(const struct rule *r);
size_t rule_tags(const struct rule *r, const char *const **out);
/* The rule's `actions:` (response action names, in file order, no
 * duplicates); the live recorder acts on them when its configuration
 * enables actions, replay ignores them. */
size_t rule_actions(const struct rule *r, const char *const **out);
/* 1 when name is a response action this version knows. */
int rule_action_known(const char *name);
const char *rule_desc(const struct rule *r);
const char *rule_output(const struct rule *r);
/* Falco's capture: true (1 or 0), and its capture_duration in ms (0 when
 * the rule gives none). */
int rule_capture(const struct rule *r, uint64_t *duration_ms);
/* Event types the rule is indexed under: bit t set in set[32]. */
void rule_types(const struct rule *r, uint8_t set[32]);

/* 0 when no rule can match the event, judged from the parts of their
 * conditions the record alone decides (filter/flt.h: flt_prog_free_parts):
 * c may have no state (NULL st), and calls may run on several threads at
 * once. 1: some rule may match (rule_set_match decides). Without state,
 * the parts reading the fd an open makes count too where the record
 * decides that fd (flt_prog_open_parts, fld_ctx_fd_from_record): when
 * c->fd_from_record is 1 afterwards, a 0 holds for a state that has that
 * fd (st_event_fd). */
int rule_set_may_match(const struct rule_set *rs, struct fld_ctx *c);
/* Calls cb for the matching rule(s) of this event: the first in file order by
 * default, or all. Only rules whose event types include the event's are tried.
 * Matching keeps the results of the set's shared macros for the event in the
 * set (flt_compile_shared): match one set from one thread at a time. */
int rule_set_match(const struct rule_set *rs, struct fld_ctx *c,
		   void (*cb)(void *ctx, const struct rule *r, struct fld_ctx *c), void *cbctx);

/* Alert rendering, as Falco. text: "HH:MM:SS.nnnnnnnnn: Priority output".
 * json: one object with hostname, output, output_fields, priority, rule,
 * source, tags, time. Both NUL-terminated into buf. */
size_t rule_alert_text(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap);
size_t rule_alert_json(const struct rule *r, struct fld_ctx *c, char *buf, size_t cap);

/* JSON values as alerts write them (also for sysreplay's JSON views):
 * integers as exact integer text, absent as null, text escaped so that any
 * bytes give valid JSON. rule_fields_json adds each field (at most 128,
 * each name once) under the name Falco's output_fields use, keys sorted;
 * with_time adds evt.time (the event's ns time) among them. */
struct cJSON;
struct cJSON *rule_value_json(const struct fld_value *v);
void rule_fields_json(struct cJSON *obj, const struct fld_ref *const *refs, size_t nf,
		      struct fld_ctx *c, int with_time);

#endif
