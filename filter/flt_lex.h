/* flt_lex: the character-level scanner of the filter language.
 *
 * The language is context sensitive (a bare word is a value after `=`, a
 * macro where a condition is expected), so the parser asks for the token
 * kind it expects next instead of receiving a token stream. Each scanner
 * either consumes a token and returns 1, or leaves the cursor untouched and
 * returns 0. Positions are 1-based line:column; "\r\n" counts as one break.
 */
#ifndef FLT_LEX_H
#define FLT_LEX_H

#include <stddef.h>

#include "flt_int.h"

struct flt_lex {
	const char *src;
	const char *p; /* cursor */
	const char *end;
	int line, col;
	/* the last token scanned (points into src, or into the arena for strings) */
	const char *tok;
	size_t tok_len;
	struct flt_arena *arena;
};

void flt_lex_init(struct flt_lex *lx, struct flt_arena *a, const char *src);
/* Skips spaces, tabs, \b, \r, \n; returns 1 when it skipped something. */
int flt_lex_blank(struct flt_lex *lx);
int flt_lex_eof(const struct flt_lex *lx);
/* Moves n bytes forward (the caller has checked they are there). */
void flt_lex_skip(struct flt_lex *lx, size_t n);
/* Consumes the exact text s. */
int flt_lex_str(struct flt_lex *lx, const char *s);
/* Consumes keyword kw ("and") only when followed by a blank, '(' or, when
 * allow_end, the end of input. */
int flt_lex_keyword(struct flt_lex *lx, const char *kw, int allow_end);
/* [A-Za-z][A-Za-z0-9_]* not followed by '.' or '[' */
int flt_lex_ident(struct flt_lex *lx);
/* [A-Za-z][A-Za-z0-9_]*(.[A-Za-z][A-Za-z0-9_]*)+ ; the argument is separate. */
int flt_lex_field_name(struct flt_lex *lx);
/* A run of bare-value characters: anything but blanks, ( ) , = and quotes. */
int flt_lex_bare(struct flt_lex *lx);
/* A field argument inside [ ]: anything but blanks, brackets and quotes. */
int flt_lex_field_arg(struct flt_lex *lx);
/* A comparison operator (symbolic or word); *op receives enum flt_op. */
int flt_lex_op(struct flt_lex *lx, int *op);
/* A quoted string; tok/tok_len receive the unescaped text (arena copy).
 * Returns -1 (and leaves the cursor on the opening quote) when unterminated,
 * SR_ENOMEM on allocation failure. */
int flt_lex_quoted(struct flt_lex *lx);
/* Short printable description of what is at the cursor, for messages. */
void flt_lex_describe(const struct flt_lex *lx, char *buf, size_t cap);

#endif
