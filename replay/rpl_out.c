/* rpl_out: writes matching events as lines (default or -p FORMAT) or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"

/* Large enough for any rendered line of ordinary events; longer output (a
 * huge evt.args) is cut by the renderer, never overflowed. */
#define RPL_OUT_CAP (256u << 10)

int rpl_out_init(struct rpl_out *o, enum rpl_out_mode mode, const char *fmt, FILE *f)
{
	struct sr_err err;

	memset(o, 0, sizeof(*o));
	o->mode = mode;
	o->f = f;
	o->cap = RPL_OUT_CAP;
	o->buf = malloc(o->cap);
	if (!o->buf)
		return SR_ENOMEM;
	if (mode == RPL_OUT_JSON && !fmt)
		return 0;
	sr_err_clear(&err);
	if (fld_format_compile(fmt ? fmt : RPL_DEFAULT_FORMAT, &o->fmt, &err)) {
		rpl_flush_stdout();
		flt_error_print(stderr, "format", fmt ? fmt : RPL_DEFAULT_FORMAT, &err);
		free(o->buf);
		o->buf = NULL;
		return err.code ? err.code : SR_ESYNTAX;
	}
	return 0;
}

void rpl_out_free(struct rpl_out *o)
{
	if (o->fmt)
		fld_format_free(o->fmt);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

size_t rpl_out_render(struct rpl_out *o, struct fld_ctx *c)
{
	size_t n;

	if (o->mode == RPL_OUT_JSON && o->fmt)
		n = rpl_json_fields(o->fmt, c, o->buf, o->cap - 1);
	else if (o->mode == RPL_OUT_JSON)
		n = rpl_json_event(c, o->buf, o->cap - 1);
	else
		n = fld_format_render(o->fmt, c, o->buf, o->cap - 1);
	if (n > o->cap - 2)
		n = o->cap - 2;
	o->buf[n] = '\0';
	return n;
}

int rpl_out_event(struct rpl_out *o, struct fld_ctx *c)
{
	size_t n = rpl_out_render(o, c);

	o->buf[n++] = '\n';
	if (fwrite(o->buf, 1, n, o->f) != n)
		return rpl_out_failed(errno);
	return 0;
}
