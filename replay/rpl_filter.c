/* rpl_filter: compiling user filter text with a caret diagnostic on error. */
#include <ctype.h>

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
		fflush(stdout);
		flt_error_print(out, label, text, &err);
		return err.code ? err.code : SR_ESYNTAX;
	}
	return 0;
}
