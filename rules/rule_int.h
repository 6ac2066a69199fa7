/* rule_int.h: internals shared by the rules/rule_*.c files (not a public contract).
 *
 * Loading happens in two phases, as in Falco:
 *   1. rule_set_load_*: each YAML file becomes a tree of struct rule_ynode
 *      (rule_yaml.c), whose items are collected into lists, macros and rules,
 *      applying append/override to earlier items (rule_load.c). Nothing is
 *      parsed as a filter yet, so a later file may redefine what an earlier
 *      one uses.
 *   2. rule_set_finalize: lists are expanded, macros and conditions parsed
 *      through flt_parse_ex (macros and lists resolved by callback),
 *      exceptions added, conditions compiled and rules indexed by event type
 *      (rule_compile.c).
 * Everything allocated while loading lives in the set's struct sr_arena
 * and is freed at once with the set.
 */
#ifndef RULE_INT_H
#define RULE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/sr_arena.h"
#include "../common/sr_err.h"
#include "rule.h"
#include "rule_yaml.h"

/* ---- memory: one struct sr_arena per rule set ---- */
/* A growable array of pointers inside an arena (old storage is abandoned). */
struct rule_vec {
	void **v;
	size_t n, cap;
};
int rule_vec_push(struct sr_arena *a, struct rule_vec *vec, void *p);

/* ---- bounds of loading (rule_bound.c) ---- */
/* What one rules set may expand to, whatever the size of its files: lists
 * of lists repeat their items and macros their trees, so a few hundred
 * bytes could otherwise stand for gigabytes and hours. Falco's three rule
 * files together use about a hundredth of each (1,075 list items, 1,815
 * list items used in conditions, 6,520 terms, no rule above 2,000). */
#define RULE_MAX_LIST_ITEMS 1000000 /* items of one list, sub-lists spliced */
#define RULE_MAX_LIST_TOTAL 2000000 /* items copied expanding every list */
/* Terms of a condition (operators, comparisons and their values) with its
 * macros and lists written out; and the sum over every rule (the same
 * bound holds the list items used in all conditions, rules and macros). */
#define RULE_MAX_COND_TERMS 500000
#define RULE_MAX_SET_TERMS  1000000

/* Pointer -> size_t map (malloc'd; keys never NULL). */
struct rule_ptrmap {
	const void **k;
	size_t *v;
	size_t n, cap;
};
int rule_ptrmap_get(const struct rule_ptrmap *m, const void *k, size_t *v);
int rule_ptrmap_put(struct rule_ptrmap *m, const void *k, size_t v);
void rule_ptrmap_free(struct rule_ptrmap *m);
/* Terms of the tree under n with shared sub-trees counted at each use,
 * saturated at limit + 1; memo remembers every node's count. */
struct flt_node;
int rule_cond_terms(struct rule_ptrmap *memo, const struct flt_node *n, size_t limit, size_t *out);

/* ---- loaded items ---- */
struct rule_pos {
	int src; /* index in rs->srcs, -1 when unknown */
	int line, col;
};

/* One contributing piece of a condition (definition + appends): the text and
 * the YAML node it came from, so errors map back to file:line:col. */
struct rule_piece {
	const char *text;
	size_t len;
	int src;
	const struct rule_ynode *node;
};

struct rule_cond {
	struct rule_vec pieces; /* struct rule_piece * */
};

struct rule_list {
	const char *name;
	struct rule_pos pos;
	struct rule_vec items; /* const char * (raw item text) */
	/* finalize */
	int state;	  /* 0 new, 1 expanding, 2 done */
	const char **exp; /* expanded items (lists of lists spliced) */
	size_t nexp;
	int used;
};

struct rule_macro {
	const char *name;
	struct rule_pos pos;
	struct rule_cond cond;
	/* finalize */
	int state; /* 0 new, 1 parsing, 2 done, 3 failed */
	struct flt_node *ast;
	const char *text; /* joined condition text */
	int used;
};

/* One value of an exception tuple: a scalar, or a YAML list of scalars. */
struct rule_exval {
	const char *s;	    /* scalar text (NULL for a list) */
	const char **items; /* list items */
	size_t nitems;
	struct rule_pos pos;
};

struct rule_exception {
	const char *name;
	struct rule_pos pos;
	int fields_is_list;
	const char **fields;
	size_t nfields;
	const char **comps; /* NULL entries: the default */
	size_t ncomps;
	int comps_given;
	/* values: each a tuple of nfields entries (or one entry when fields is a
	 * single field); struct rule_exval arrays */
	struct rule_vec values;	   /* struct rule_exval * (array of tuple width) */
	struct rule_vec value_len; /* (void *)(uintptr_t) tuple width as written */
};

#define RULE_FREE_PARTS 8

struct rule {
	const char *name;
	struct rule_pos pos;
	const char *desc;
	struct rule_cond cond;
	const char *output;
	struct rule_pos output_pos;
	enum rule_priority priority;
	int enabled;
	struct rule_vec tags; /* const char * */
	const char *source;
	int warn_evttypes;
	int skip_unknown;
	int capture;		    /* Falco's capture: true */
	uint64_t capture_ms;	    /* Falco's capture_duration (ms), 0 = not given */
	struct rule_vec exceptions; /* struct rule_exception * */
	struct rule_vec actions;    /* const char *: response action names (sysrec) */
	/* finalize */
	struct flt_node *ast;
	struct flt_prog *prog;
	struct fld_format *fmt;
	uint8_t types[32];
	int compiled;
	int unknown_source;
	size_t order; /* position among rules (file order) */
	/* Parts of the condition a record alone decides (rule_set_may_match):
	 * one false rules the rule out before state is consulted. */
	const struct flt_pnode *free_parts[RULE_FREE_PARTS];
	size_t nfree;
	/* The parts that also count where the fd an open makes is taken
	 * from the record (flt_prog_open_parts less the free parts), for
	 * contexts where fld_ctx_fd_from_record said the record decides it;
	 * tried after the free parts, which are cheaper. */
	const struct flt_pnode *open_parts[RULE_FREE_PARTS];
	size_t nopen;
};

struct rule_set {
	struct sr_arena arena;
	struct flt_arena *flt;
	struct flt_shared *flt_shared; /* macros compiled once, results shared per event */
	enum rule_match_mode mode;
	enum rule_priority min_prio;
	const char *tags_filter;    /* comma separated, or NULL */
	struct rule_vec srcs;	    /* struct rule_src * */
	struct rule_vec lists;	    /* struct rule_list * (definition order) */
	struct rule_vec macros;	    /* struct rule_macro * */
	struct rule_vec rules;	    /* struct rule * */
	struct rule_warning *warns; /* malloc'd array (texts in the arena) */
	const char **warn_texts;    /* parallel view for rule_set_warnings */
	size_t nwarns, warns_cap;
	int finalized;
	int err_src; /* source of the last error, -1 */
	/* rule_set_collect_errors: each error is kept (message, source line,
	 * caret) and loading goes on with the next item */
	int collect;
	char **errs; /* malloc'd texts */
	size_t nerrs, errs_cap;
	/* matching index: per event type, rules in file order */
	struct rule **by_type[256];
	uint16_t nby_type[256];
	size_t nactive;
	struct rule **active; /* enabled, compiled, selected rules */
	/* name lookups */
	struct rule_hash *hlists, *hmacros, *hrules;
};

/* Name → item hash tables (open addressing, arena-free: malloc'd). */
struct rule_hash;
struct rule_hash *rule_hash_new(void);
void rule_hash_free(struct rule_hash *h);
void *rule_hash_get(const struct rule_hash *h, const char *name);
int rule_hash_put(struct rule_hash *h, const char *name, void *item);

/* Warnings: "FILE:LINE:COL: warning: MESSAGE". */
void rule_warn(struct rule_set *rs, enum rule_warn_code code, int src, int line, int col,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Errors: fills err with "FILE:LINE:COL: MESSAGE", line and column; returns SR_ESYNTAX. */
int rule_errf(struct rule_set *rs, struct sr_err *err, int src, int line, int col, const char *fmt,
	      ...) __attribute__((format(printf, 6, 7)));
const char *rule_src_name(const struct rule_set *rs, int src);

/* Maps an offset in a scalar's value back to file line:column. */
void rule_src_locate(const struct rule_set *rs, int src, const struct rule_ynode *node,
		     size_t value_off, int *line, int *col);

/* Loader entry point (rule_load.c): takes ownership of text (malloc'd). */
int rule_load_text(struct rule_set *rs, const char *name, char *text, size_t len,
		   struct sr_err *err);

/* Condition text joined with single spaces (arena). */
const char *rule_cond_join(struct sr_arena *a, const struct rule_cond *c);
/* Maps an offset in the joined text to a file position. */
void rule_cond_locate(const struct rule_set *rs, const struct rule_cond *c, size_t off, int *src,
		      int *line, int *col);

/* In collect mode, keeps the error just set in err (text with caret) and
 * returns 1: the caller goes on with its next item. Otherwise (or for
 * anything but a syntax error) returns 0 and the caller returns rc. */
int rule_error_keep(struct rule_set *rs, int rc, const struct sr_err *err);

/* Strips one level of matching quotes ('x' or "x"), arena copy when changed. */
const char *rule_unquote(struct sr_arena *a, const char *s);

#endif
