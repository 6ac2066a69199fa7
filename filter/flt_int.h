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
#define FLT_MEMO_SLOTS	    256 /* sub-conditions remembered per event in one set */
#define FLT_LIST_SORTED_MIN 4	/* `in` lists at least this long are hashed */

/* Runs fn(ptr) when the arena is freed (regfree for compiled regexes). */
int flt_arena_defer(struct flt_arena *a, void (*fn)(void *), void *ptr);

/* A glob made of literal segments and stars only (the .aws/credentials and
 * .ssh/id_ patterns of the default rules): matched by prefix, suffix and
 * in-order substring search instead of backtracking (flt_glob.c). */
struct flt_glob_fast {
	const char *prefix, *suffix;
	size_t plen, slen;
	const char *const *mid; /* segments between stars, in order */
	const size_t *mlen;
	size_t nmid;
	size_t minlen; /* plen + slen + sum(mlen) */
	uint8_t has_star;
};

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
	uint8_t num_ok;			  /* n valid */
	const struct flt_glob_fast *glob; /* glob/iglob literal in the fast form, or NULL */
	uint32_t hash;			  /* for hashed `in` lists */
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
	/* Evaluation shortcuts decided at compile time. */
	uint16_t memo;		       /* 1 + slot in the set's struct flt_memo, 0 none */
	uint8_t cost;		       /* FLT_COST_*: and/or try cheaper operands first */
	uint32_t units;		       /* node_units(), kept: shared kids are not walked again */
	uint8_t str_fast;	       /* string lhs with no transformer: skip text_of() */
	uint32_t *hslots;	       /* hashed `in` list: lit index + 1 per slot, 0 empty */
	uint32_t hmask;		       /* slot count - 1 */
	const struct flt_flagm *flagm; /* evt.arg.X on flag/enum params: numeric test */
};

/* Evaluation cost classes of a node: and/or evaluate their operands in
 * class order (stable, so the written order holds within a class).
 * Evaluation has no side effects and a missing value only makes one
 * comparison false, so the order never changes a result. */
enum flt_cost {
	FLT_COST_CONST,	    /* constants and evt.type tests on the record header */
	FLT_COST_CHEAP,	    /* fields read from the record, thread or fd entry */
	FLT_COST_EXPENSIVE, /* rendered text, ancestor walks, regex, table walks */
};

/* evt.arg.NAME compared with literals when NAME is a flag or enum
 * parameter: the rendered names ("O_WRONLY|O_CREAT") are a function of the
 * number, so the comparison is decided on the number. One entry per
 * (parameter type, flag table) the name has across event types. */
struct flt_flagk {
	uint8_t ftable;
	uint8_t is_enum;
	uint8_t zero_raw; /* FT_OPEN reused by non-open events: 0 prints as "0" */
	uint8_t ok;	  /* 0: decide by rendering (the generic path) */
	/* flags, `contains`: match when v & any != 0, or (v & mask) is in mvals,
	 * or v == 0 and zero_hit */
	uint64_t any, mask;
	const uint64_t *mvals;
	size_t nmvals;
	uint8_t zero_hit;
	/* enums: the first table entry per value, and whether its name matches */
	const uint64_t *evals;
	const uint8_t *ehit;
	size_t nevals;
};
struct flt_flagm {
	int name_id; /* fld_param_name_id() of NAME */
	struct flt_flagk k[8];
	size_t nk;
};

/* Results of the shared sub-conditions of one struct flt_shared for the
 * event a context holds: slot m (a node's memo - 1) is valid while gen[m]
 * is the context's gen. Slot numbers are the set's own, so two sets never
 * read each other's results, and the context stays free of them. */
struct flt_memo {
	uint64_t gen[FLT_MEMO_SLOTS];
	uint8_t val[FLT_MEMO_SLOTS];
};

struct flt_prog {
	struct flt_pnode *root;
	uint8_t types[32];
	const struct flt_node *ast;
	struct flt_memo *memo; /* the set's (flt_compile_shared), or NULL */
};

/* Shared helpers. */
int flt_op_rhs_arity(enum flt_op op); /* 0 none, 1 value, 2 list */
int flt_glob_match(const char *pat, size_t plen, const char *s, size_t slen, int icase);
/* The fast form of a glob pattern (into arena), or NULL when the pattern
 * uses '?', '[' or a backslash (those keep flt_glob_match). icase patterns come lowercased. */
const struct flt_glob_fast *flt_glob_fast_compile(struct flt_arena *a, const char *pat,
						  size_t plen);
int flt_glob_fast_match(const struct flt_glob_fast *g, const char *s, size_t slen, int icase);
/* Hash of a string for `in` sets. */
uint32_t flt_hash(const char *s, size_t len);
/* Whether the comparison holds for a string value (the compiler asks this
 * about flag and enum names). */
int flt_match_text(const struct flt_pnode *p, const char *s, size_t len);
/* Builds p->flagm when p compares evt.arg.NAME of flag/enum parameters
 * (flt_flags.c). Returns 0 or SR_ENOMEM. */
int flt_flags_prepare(struct flt_arena *a, struct flt_pnode *p);
/* 1/0 decided on the number, -1 to use the generic path. */
int flt_flags_eval(const struct flt_pnode *p, struct fld_ctx *c);
size_t flt_value_print(const struct flt_value *v, char *buf, size_t cap);
int flt_parse_number(const char *s, size_t len, __int128 *out);
int flt_parse_ip(const char *s, size_t len, struct flt_lit *l);
void flt_types_compute(const struct flt_node *n, uint8_t set[32]);

#endif
