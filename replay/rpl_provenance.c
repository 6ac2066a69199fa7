/* rpl_provenance: where an extract (or a converted file) came from, as one
 * JSON object: each source's name, SHA-256 and signature status (checked
 * through fmt_verify_sealed, against a trusted key when one is given), the
 * selection, the tool and the time. Stored in the extract's header
 * (FMT_META_PROVENANCE) or beside a .scap file. */
#include <cjson/cJSON.h>
#include <string.h>
#include <time.h>

#include "rpl.h"
#include "common/sr_time.h"
#include "common/sr_version.h"
#include "format/fmt_reader.h"
#include "format/fmt_seal.h"

static void ignore(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

/* One source: sysrec files are verified; others have no integrity data. */
static cJSON *source_json(const char *path, const uint8_t *key)
{
	cJSON *o = cJSON_CreateObject();
	struct fmt_seal_report rep;
	struct sr_err err;
	char sha[65];
	const char *status;
	int r;

	cJSON_AddStringToObject(o, "path", path);
	sr_err_clear(&err);
	if (fmt_file_sha256(path, sha, &err) == 0)
		cJSON_AddStringToObject(o, "sha256", sha);
	if (rpl_sniff_sysrec(path, &err) != 1) {
		cJSON_AddStringToObject(o, "signature", "none (not a sysrec capture)");
		return o;
	}
	r = fmt_verify_sealed(path, key, &rep, ignore, NULL, &err);
	if (r < 0)
		status = "unreadable";
	else if (!rep.signed_file)
		status = r ? "unsigned, damaged" : "unsigned";
	else if (rep.authenticated)
		status = "authenticated";
	else if (r)
		status = "signed, verification FAILED";
	else
		status = "signed, signatures valid (authenticity not checked)";
	cJSON_AddStringToObject(o, "signature", status);
	if (rep.signed_file)
		cJSON_AddStringToObject(o, "key_id", rep.key_id);
	cJSON_AddBoolToObject(o, "digest_chain_intact", r == 0 && rep.sealed);
	fmt_seal_report_free(&rep);
	return o;
}

char *rpl_provenance_build(char *const *paths, size_t n, const uint8_t *key, const char *action,
			   const struct rpl_selection *sel)
{
	cJSON *o = cJSON_CreateObject(), *arr, *s;
	char t[48];
	char *text;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "action", action);
	cJSON_AddStringToObject(o, "tool", "sysreplay " SR_VERSION);
	sr_time_format_rfc3339(sr_time_now(CLOCK_REALTIME), t, sizeof(t));
	cJSON_AddStringToObject(o, "time", t);
	arr = cJSON_AddArrayToObject(o, "sources");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, source_json(paths[i], key));
	if (sel) {
		s = cJSON_AddObjectToObject(o, "selection");
		if (sel->since)
			cJSON_AddStringToObject(s, "since", sel->since);
		if (sel->until)
			cJSON_AddStringToObject(s, "until", sel->until);
		if (sel->filter)
			cJSON_AddStringToObject(s, "filter", sel->filter);
		if (sel->pid) {
			cJSON_AddNumberToObject(s, "pid", sel->pid);
			cJSON_AddBoolToObject(s, "descendants", sel->descendants);
		}
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

int rpl_provenance_sidecar(const char *out, const char *json, char *name, size_t cap,
			   struct sr_err *err)
{
	FILE *f;

	snprintf(name, cap, "%s.provenance.json", out);
	f = fopen(name, "w");
	if (!f)
		return sr_err_set(err, SR_EIO, "%s: cannot create", name);
	fprintf(f, "%s\n", json);
	if (fclose(f))
		return sr_err_set(err, SR_EIO, "%s: write failed", name);
	return 0;
}
