/* flt: the Falco/sysdig filter language.
 *
 * Pipeline: flt_parse (text → AST, with line:column on every node) →
 * [rules layer substitutes macros and lists in the AST] → flt_compile (AST →
 * program resolved against the field catalog) → flt_eval per event.
 * Parse trees and programs live in an arena owned by the struct flt_arena
 * passed in; freeing the arena frees them all.
 *
 * Errors: SR_ESYNTAX with err->line/err->column (1-based) and a message;
 * flt_error_print() renders the one-line message plus the source line and
 * a caret under the fault.
 */
#ifndef FLT_H
#define FLT_H

#include <stdint.h>
#include <stdio.h>

#include "../common/sr_err.h"
#include "../fields/fld.h"

struct flt_arena;
struct flt_node; /* AST node, defined in flt_ast.h */
struct flt_prog; /* compiled filter */

struct flt_arena *flt_arena_new(void);
void flt_arena_free(struct flt_arena *a);

int flt_parse(struct flt_arena *a, const char *text, struct flt_node **out, struct sr_err *err);

/* Macro and list references (bare identifiers in a condition, or inside a
 * value list) are resolved while parsing through these callbacks, supplied by
 * the rules layer. A macro's AST is inserted as a sub-tree (no re-parse per
 * use); a list's items are spliced into the enclosing value list. Callbacks
 * return NULL when the name is not a macro/list; the macro callback sets err
 * and returns NULL with err->code set on a loop or a broken macro. The trees
 * built reference the list items returned (NUL-terminated strings): they
 * must live as long as the trees. */
struct flt_resolver {
	void *ctx;
	const struct flt_node *(*macro)(void *ctx, const char *name, struct sr_err *err);
	const char *const *(*list)(void *ctx, const char *name, size_t *n);
};
int flt_parse_ex(struct flt_arena *a, const char *text, const struct flt_resolver *res,
		 struct flt_node **out, struct sr_err *err);
/* Canonical text of an AST (fully parenthesised), for tests and --dump-ir. */
size_t flt_node_print(const struct flt_node *n, char *buf, size_t cap);

int flt_compile(struct flt_arena *a, const struct flt_node *ast, struct flt_prog **out,
		struct sr_err *err);
/* Convenience: parse + compile with no macros. */
int flt_compile_text(struct flt_arena *a, const char *text, struct flt_prog **out,
		     struct sr_err *err);
/* Compiling many filters that share sub-trees (a rule set's macros): with
 * a struct flt_shared, a sub-tree met again (the same macro node, or a
 * comparison with the same canonical text) compiles to the same program
 * node, and its result is computed once per event (remembered in the
 * struct flt_shared, for the event the context's gen names). Lives in the
 * arena. Evaluating writes those results: evaluate the programs of one
 * struct flt_shared from one thread at a time. */
struct flt_shared;
struct flt_shared *flt_shared_new(struct flt_arena *a);
int flt_compile_shared(struct flt_arena *a, struct flt_shared *sh, const struct flt_node *ast,
		       struct flt_prog **out, struct sr_err *err);
/* 1 match, 0 no match. */
int flt_eval(const struct flt_prog *p, struct fld_ctx *c);
/* One part n of p's compiled condition (flt_prog_free_parts below). It
 * keeps no result in the set's memo, so parts may be evaluated on several
 * threads at once (each with its own context); the results of the set's
 * shared sub-conditions go to a memo of the calling thread's own instead,
 * so the parts of several rules of one set share them as flt_eval does. */
struct flt_pnode;
int flt_eval_part(const struct flt_prog *p, const struct flt_pnode *n, struct fld_ctx *c);
/* Event types the filter can match: bit t set in set[32]. All bits set when
 * the filter does not constrain evt.type. */
void flt_prog_types(const struct flt_prog *p, uint8_t set[32]);
void flt_prog_dump(const struct flt_prog *p, FILE *out);
/* 1 when a field the filter reads needs the state engine (NULL: 0), as
 * fld_ref_needs_state() decides per field; strict as in
 * fld_ref_needs_state_ex() (fields/fld_needs.h). */
int flt_prog_needs_state(const struct flt_prog *p);
int flt_prog_needs_state_ex(const struct flt_prog *p, int strict);
/* 1 when the filter may read state or the events before the one tested
 * (evt.num, evt.reltime, evt.deltatime: fld_format_needs_order()). */
int flt_prog_needs_order(const struct flt_prog *p);
/* 1 when a field the filter reads may depend on the state's fd tables
 * (fld_format_needs_fds(), fields/fld_needs.h). */
int flt_prog_needs_fds(const struct flt_prog *p);
/* Parts of p's condition that must all hold for it to hold (the operands
 * of its top-level `and`, nested ones flattened) and that read neither
 * state nor earlier events: one of them false (flt_eval_part) rules the
 * whole condition out, on any thread. Up to max of them, cheaper first
 * (the compiler's estimate); how many. */
size_t flt_prog_free_parts(const struct flt_prog *p, const struct flt_pnode **out, size_t max);
/* The same parts, with the fd fields of an open-like event counted as the
 * record's (fields/fld_needs.h: fld_ref_fd_from_record): those parts hold
 * or not on a context where fld_ctx_fd_from_record said the record decides
 * them, and must not be evaluated elsewhere. */
size_t flt_prog_open_parts(const struct flt_prog *p, const struct flt_pnode **out, size_t max);

/* "file:line:col: msg" + source line + caret, to out. src is the text parsed. */
void flt_error_print(FILE *out, const char *file, const char *src, const struct sr_err *err);

#endif
