/* flt_int: internals shared by the flt_*.c files (not a public contract).
 *
 * The compiled program is a tree of struct flt_pnode mirroring the AST, with
 * everything an evaluation needs resolved ahead of time: field references,
 * literals converted to the field's type, lowercase copies for i-operators,
 * sorted arrays for large `in` lists, compiled regexes. Evaluation walks it
 * without allocating.
 */
#ifndef FLT_INT_H
#define FLT_INT_H

#include <regex.h>
#include <stdint.h>

#include "flt.h"
#include "flt_ast.h"

/* Limits that keep hostile input bounded (checked by the parser/compiler). */
#define FLT_MAX_DEPTH	    200 /* nesting of parentheses/not/transformers */
#define FLT_MAX_MACRO_DEPTH 64	/* macros expanding macros (loops are the resolver's job) */
#define FLT_MAX_TR	    8	/* transformers around one field */
#define FLT_LIST_SORTED_MIN 8	/* `in` lists at least this long are sorted + bsearched */

/* Runs fn(ptr) when the arena is freed (regfree for compiled regexes). */
int flt_arena_defer(struct flt_arena *a, void (*fn)(void *), void *ptr);

/* A literal converted for one comparison. */
struct flt_lit {
	const char *s; /* text as written (unescaped) */
	size_t len;
	const char *lower;    /* lowercase copy for icontains/iglob */
	__int128 n;	      /* numeric form (signed and unsigned fields alike) */
	const uint8_t *bytes; /* decoded hex for bcontains/bstartswith */
	size_t nbytes;
	uint8_t ip[16]; /* IP / network */
	uint8_t family; /* AF_INET / AF_INET6, 0 when not an address */
	uint8_t prefix; /* CIDR prefix bits (32/128 for a plain address) */
	uint8_t is_net;
	uint8_t num_ok; /* n valid */
};

/* How values are compared, decided once from the field's type. */
enum flt_cmp_kind {
	FLT_K_STR,
	FLT_K_INT,
	FLT_K_UINT,
	FLT_K_BOOL,
	FLT_K_IP,
};

struct flt_pexpr { /* compiled field operand */
	struct fld_ref ref;
	uint8_t ntr;
	uint8_t tr[FLT_MAX_TR]; /* applied tr[0] first (innermost) */
	enum fld_type out_type; /* type after transformers */
};

struct flt_pnode {
	enum flt_node_kind kind;
	/* AND/OR/NOT */
	struct flt_pnode **kids;
	size_t nkids;
	/* CMP */
	enum flt_op op;
	enum flt_cmp_kind ck;
	struct flt_pexpr lhs;
	struct flt_pexpr *rhs_field;
	struct flt_lit *lits;
	size_t nlits;
	uint8_t sorted; /* lits sorted by (len, bytes) for bsearch */
	regex_t *re;
	uint8_t multi;	 /* lhs yields several values (fld_extract_multi) */
	uint8_t by_type; /* evt.type =/in/!= names: test typeset on the record type */
	uint8_t typeset[32];
	int bval;
	const struct flt_node *src; /* for the dump */
};

struct flt_prog {
	struct flt_pnode *root;
	uint8_t types[32];
	const struct flt_node *ast;
};

/* Shared helpers. */
int flt_op_rhs_arity(enum flt_op op); /* 0 none, 1 value, 2 list */
int flt_glob_match(const char *pat, size_t plen, const char *s, size_t slen, int icase);
size_t flt_value_print(const struct flt_value *v, char *buf, size_t cap);
int flt_parse_number(const char *s, size_t len, __int128 *out);
int flt_parse_ip(const char *s, size_t len, struct flt_lit *l);
void flt_types_compute(const struct flt_node *n, uint8_t set[32]);

#endif
