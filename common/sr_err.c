#include "sr_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sr_err_clear(struct sr_err *err)
{
	if (!err)
		return;
	/* Field by field, not memset: readers clear an error per record, and the
	 * message buffer is only ever read up to its NUL. */
	err->code = 0;
	err->offset = 0;
	err->chunk = -1;
	err->line = 0;
	err->column = 0;
	err->msg[0] = '\0';
}

int sr_err_set(struct sr_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *sr_code_name(int code)
{
	switch (code) {
	case SR_OK:
		return "ok";
	case SR_EIO:
		return "I/O error";
	case SR_EFORMAT:
		return "not a capture";
	case SR_ECORRUPT:
		return "damaged";
	case SR_ENOMEM:
		return "out of memory";
	case SR_ESYNTAX:
		return "syntax error";
	case SR_ELIMIT:
		return "limit exceeded";
	case SR_ENOTSUP:
		return "not supported";
	case SR_ENOSPC:
		return "disk full";
	}
	return "error";
}
