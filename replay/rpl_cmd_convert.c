/* sysreplay convert IN OUT: .scap <-> .sysrec, direction from OUT's extension.
 * The conversions themselves live in format/scap_* (scap helper). */
#include <string.h>

#include "rpl.h"

/* Declared by the scap helper's header once it lands (format/scap_*.h). */
int scap_convert_to_scap(const char *in, const char *out, struct sr_err *err);
int scap_convert_to_sysrec(const char *in, const char *out, struct sr_err *err);

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* A capture cut short converts cleanly up to the cut: say what was left
 * out, as every command reading events does (rpl_loss.c). */
static int convert_check_cut(const char *in)
{
	struct evt_source *s;
	struct sr_err err;
	int cut;

	sr_err_clear(&err);
	if (evt_source_open(in, &s, &err))
		return RPL_EXIT_OK; /* converted, so it opened; nothing to add */
	cut = rpl_loss_cut(s, &err);
	evt_source_close(s);
	if (!cut)
		return RPL_EXIT_OK;
	return rpl_fail("%s; the output holds the events before the cut", err.msg);
}

int rpl_cmd_convert(int argc, char **argv)
{
	struct sr_err err;
	const char *in, *out;
	int r;

	if (argc != 3)
		return rpl_usage_error("convert", "expected IN and OUT");
	in = argv[1];
	out = argv[2];
	if (!strcmp(in, out))
		return rpl_fail("convert: IN and OUT are the same file");
	sr_err_clear(&err);
	if (has_suffix(out, ".sysrec"))
		r = scap_convert_to_sysrec(in, out, &err);
	else if (has_suffix(out, ".scap"))
		r = scap_convert_to_scap(in, out, &err);
	else
		return rpl_fail("convert: cannot tell the output format of '%s' (name it "
				"*.sysrec or *.scap)",
				out);
	if (r)
		return rpl_fail_err(in, &err);
	return convert_check_cut(in);
}
