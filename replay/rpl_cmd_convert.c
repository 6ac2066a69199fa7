/* sysreplay convert IN OUT: .scap <-> .sysrec, direction from OUT's extension.
 * The conversions themselves live in format/scap_* (scap helper). */
#include <cjson/cJSON.h>
#include <string.h>

#include "scap/scap.h"
#include "rpl.h"
#include "format/fmt_reader.h"

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
	if (scap_source_open_any(in, &s, &err))
		return RPL_EXIT_OK; /* converted, so it opened; nothing to add */
	cut = rpl_loss_cut(s, &err);
	evt_source_close(s);
	if (!cut)
		return RPL_EXIT_OK;
	return rpl_fail("%s; the output holds the events before the cut", err.msg);
}

/* .scap has no place for provenance: it goes beside the file. An input
 * that carries provenance (an extract) hands on its own; any other sysrec
 * input gets one naming it, its SHA-256 and signature status. */
static int scap_sidecar(const char *in, const char *out)
{
	struct fmt_reader *r;
	struct sr_err err;
	char name[4200], *made = NULL;
	const char *json = NULL;
	int rc;

	sr_err_clear(&err);
	if (rpl_sniff_sysrec(in, &err) != 1)
		return RPL_EXIT_OK;
	if (fmt_reader_open(&r, in, &err))
		return rpl_fail_err(in, &err);
	json = fmt_reader_host(r)->provenance;
	if (!json) {
		char *paths[1] = {(char *)in};

		made = rpl_provenance_build(paths, 1, NULL, "convert", NULL);
		json = made;
	}
	rc = json ? rpl_provenance_sidecar(out, json, name, sizeof(name), &err) : SR_ENOMEM;
	fmt_reader_close(r);
	cJSON_free(made);
	if (rc)
		return rpl_fail_err(NULL, &err);
	printf("%s: provenance written to %s (.scap has no place for it)\n", out, name);
	return RPL_EXIT_OK;
}

int rpl_cmd_convert(int argc, char **argv)
{
	struct sr_err err;
	struct scap_convert_notes notes = {0};
	const char *in, *out;
	int r, force = 0;

	/* --force anywhere before "--"; the rest are IN and OUT */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
			argc--;
			break;
		}
		if (strcmp(argv[i], "--force"))
			continue;
		force = 1;
		memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
		argc--;
		i--;
	}
	if (argc != 3)
		return rpl_usage_error("convert", "expected IN and OUT");
	in = argv[1];
	out = argv[2];
	if (!strcmp(in, out))
		return rpl_fail("convert: IN and OUT are the same file");
	sr_err_clear(&err);
	if (has_suffix(out, ".sysrec"))
		r = scap_convert_to_sysrec(in, out, !force, &notes, &err);
	else if (has_suffix(out, ".scap"))
		r = scap_convert_to_scap(in, out, !force, &notes, &err);
	else
		return rpl_fail("convert: cannot tell the output format of '%s' (name it "
				"*.sysrec or *.scap)",
				out);
	/* nothing was dropped, but the user must know what changed */
	rpl_note_unpaired(in, notes.unpaired);
	if (notes.cut)
		rpl_warn("%s: %llu events had their largest parameters cut to fit sysdig's "
			 "64 KiB event blocks",
			 out, notes.cut);
	if (r)
		return rpl_fail_err(in, &err);
	r = convert_check_cut(in);
	if (r == RPL_EXIT_OK && has_suffix(out, ".scap"))
		return scap_sidecar(in, out);
	return r;
}
