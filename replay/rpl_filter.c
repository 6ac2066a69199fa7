/* rpl_filter: compiling user filter text with a caret diagnostic on error. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"

int rpl_filter_compile(struct flt_arena *a, const char *text, const char *label, FILE *out,
		       struct flt_prog **prog)
{
	struct sr_err err;
	const char *p = text;

	*prog = NULL;
	if (!text)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	sr_err_clear(&err);
	if (flt_compile_text(a, text, prog, &err)) {
		rpl_flush_stdout();
		flt_error_print(out, label, text, &err);
		return err.code ? err.code : SR_ESYNTAX;
	}
	return 0;
}

int rpl_filter_add(char **acc, const char *text)
{
	char *n;

	if (!*acc) {
		*acc = strdup(text);
		return *acc ? 0 : SR_ENOMEM;
	}
	/* Each part in parentheses: "a or b" given twice must not regroup. */
	if (asprintf(&n, "(%s) and (%s)", *acc, text) < 0)
		return SR_ENOMEM;
	free(*acc);
	*acc = n;
	return 0;
}
