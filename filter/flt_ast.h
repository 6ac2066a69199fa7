/* flt_ast: the parse tree of a filter condition (see flt.h for the pipeline).
 *
 * Shape:
 *   and/or   n-ary, kids[0..nkids)      a and b and c  -> one AND with 3 kids
 *   not      kids[0]
 *   cmp      lhs OP [rhs]               lhs is a field under optional transformers;
 *                                       rhs is nothing (exists), one value,
 *                                       a value list, or val(field)
 *   bool     constant true/false (used by the rules layer, e.g. empty exceptions)
 *
 * Ownership: every node, string and array lives in the struct flt_arena it was
 * parsed or built into and is freed with it. Trees are immutable once built:
 * a macro's tree returned by a resolver is linked into the trees that use it,
 * not copied, so the macro's arena must outlive them (the rules layer keeps one
 * arena per rule set).
 *
 * Positions: line/column are 1-based in the text that was parsed (for nodes
 * spliced from a macro, in the macro's own text).
 */
#ifndef FLT_AST_H
#define FLT_AST_H

#include <stddef.h>
#include <stdint.h>

#include "flt.h"

/* Comparison operators: X(enum suffix, spelling, takes rhs: 0 none, 1 value, 2 list) */
#define FLT_OPS(X)                                                                                 \
	X(EQ, "=", 1)                                                                              \
	X(EQ2, "==", 1)                                                                            \
	X(NE, "!=", 1)                                                                             \
	X(LT, "<", 1)                                                                              \
	X(LE, "<=", 1)                                                                             \
	X(GT, ">", 1)                                                                              \
	X(GE, ">=", 1)                                                                             \
	X(CONTAINS, "contains", 1)                                                                 \
	X(ICONTAINS, "icontains", 1)                                                               \
	X(BCONTAINS, "bcontains", 1)                                                               \
	X(STARTSWITH, "startswith", 1)                                                             \
	X(BSTARTSWITH, "bstartswith", 1)                                                           \
	X(ENDSWITH, "endswith", 1)                                                                 \
	X(GLOB, "glob", 1)                                                                         \
	X(IGLOB, "iglob", 1)                                                                       \
	X(REGEX, "regex", 1)                                                                       \
	X(IN, "in", 2)                                                                             \
	X(INTERSECTS, "intersects", 2)                                                             \
	X(PMATCH, "pmatch", 2)                                                                     \
	X(EXISTS, "exists", 0)

enum flt_op {
#define FLT_OP_ENUM(e, s, r) FLT_OP_##e,
	FLT_OPS(FLT_OP_ENUM)
#undef FLT_OP_ENUM
	    FLT_OP_COUNT
};
const char *flt_op_name(enum flt_op op);       /* "contains" */
int flt_op_by_name(const char *s, size_t len); /* enum flt_op, or -1 */

/* Field transformers: X(enum suffix, spelling) */
#define FLT_TRS(X)                                                                                 \
	X(TOLOWER, "tolower")                                                                      \
	X(TOUPPER, "toupper")                                                                      \
	X(B64, "b64")                                                                              \
	X(BASENAME, "basename")                                                                    \
	X(LEN, "len")

enum flt_tr {
	FLT_TR_NONE,
#define FLT_TR_ENUM(e, s) FLT_TR_##e,
	FLT_TRS(FLT_TR_ENUM)
#undef FLT_TR_ENUM
	    FLT_TR_COUNT
};
const char *flt_tr_name(enum flt_tr tr);

/* A field operand: either a field (tr == FLT_TR_NONE, field set) or a
 * transformer applied to an inner operand (arg set). */
struct flt_expr {
	enum flt_tr tr;
	const char *field;    /* as written, argument included: "proc.aname[2]" */
	struct flt_expr *arg; /* operand of tr */
	int line, column;
};

/* A literal on the right side, unescaped. len allows embedded NULs. */
struct flt_value {
	const char *text; /* NUL-terminated too */
	size_t len;
	uint8_t quoted; /* written in quotes (or came from a list item) */
	int line, column;
};

enum flt_node_kind {
	FLT_N_AND,
	FLT_N_OR,
	FLT_N_NOT,
	FLT_N_CMP,
	FLT_N_BOOL,
};

enum flt_rhs_kind {
	FLT_RHS_NONE,  /* exists */
	FLT_RHS_VALUE, /* vals[0] */
	FLT_RHS_LIST,  /* vals[0..nvals), possibly empty: "in ()" */
	FLT_RHS_FIELD, /* val(field) / val(tolower(field)) */
};

struct flt_node {
	enum flt_node_kind kind;
	int line, column;
	/* FLT_N_AND / FLT_N_OR / FLT_N_NOT */
	struct flt_node **kids;
	size_t nkids;
	/* FLT_N_CMP */
	struct flt_expr *lhs;
	enum flt_op op;
	enum flt_rhs_kind rhs_kind;
	struct flt_value *vals;
	size_t nvals;
	struct flt_expr *rhs_field;
	/* FLT_N_BOOL */
	int bval;
};

/* Arena allocation (zeroed memory; NULL on exhaustion). Exposed so the rules
 * layer can build trees (exceptions) in the same arena. */
void *flt_arena_alloc(struct flt_arena *a, size_t size);
char *flt_arena_strndup(struct flt_arena *a, const char *s, size_t len);

/* Constructors for trees built by code (the rules layer's exceptions).
 * All return NULL on allocation failure. kids/vals are copied into the arena;
 * the nodes/expressions they point to are linked, not copied. */
struct flt_node *flt_node_new_bool(struct flt_arena *a, int v);
struct flt_node *flt_node_new_not(struct flt_arena *a, struct flt_node *kid);
/* kind FLT_N_AND or FLT_N_OR; n >= 1 (n == 1 returns kids[0]). */
struct flt_node *flt_node_new_logic(struct flt_arena *a, enum flt_node_kind kind,
				    struct flt_node *const *kids, size_t n);
/* A field expression "proc.name" (no transformer). */
struct flt_expr *flt_expr_new_field(struct flt_arena *a, const char *field);
/* lhs OP values: op's rhs arity decides the rhs kind (exists: n = 0; a
 * single-value op: n == 1; list op: any n). Strings are copied. */
struct flt_node *flt_node_new_cmp(struct flt_arena *a, struct flt_expr *lhs, enum flt_op op,
				  const char *const *vals, size_t n);

#endif
