/* fuzz_rules: rules YAML text → load, finalize, and one match + alert
 * rendering on a fixed event. Any input must give 0 or an error with a
 * message, never a crash, leak or overread. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fields/fld.h"
#include "../../rules/rule.h"
#include "../../state/st.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_match(void *c, const struct rule *r, struct fld_ctx *fc)
{
	char buf[2048];

	(void)c;
	rule_alert_text(r, fc, buf, sizeof(buf));
	rule_alert_json(r, fc, buf, sizeof(buf));
}

static void match_one(const struct rule_set *rs)
{
	static struct fld_ctx ctx;
	struct evt_builder b;
	struct evt_rec h;
	struct st_state *st = st_new();
	const void *rec;
	size_t len;
	struct evt ev;

	if (!st)
		return;
	evt_builder_init(&b);
	memset(&h, 0, sizeof(h));
	h.ts = 1764423473123456789ull;
	h.pid = h.tid = 77;
	h.ppid = 1;
	h.res = 3;
	memcpy(h.comm, "cat", 4);
	evt_builder_begin(&b, EVT_OPENAT, &h);
	evt_builder_add_s64(&b, -100);
	evt_builder_add_str(&b, "/etc/shadow");
	evt_builder_add_u64(&b, 0);
	evt_builder_add_u64(&b, 0);
	rec = evt_builder_finish(&b, &len);
	if (rec && evt_decode(&ev, rec, len) == 0) {
		st_event_begin(st, &ev);
		fld_ctx_reset(&ctx, &ev, st);
		rule_set_match(rs, &ctx, on_match, NULL);
		st_event_end(st, &ev);
	}
	evt_builder_free(&b);
	st_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule_set *rs;
	struct sr_err err;
	char *text;
	FILE *devnull;

	if (size > 256 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rs = rule_set_new();
	if (!rs) {
		free(text);
		return 0;
	}
	rule_set_match_mode(rs, RULE_MATCH_ALL);
	if (rule_set_load_string(rs, "fuzz.yaml", text, &err) == 0 &&
	    rule_set_finalize(rs, &err) == 0) {
		match_one(rs);
	} else if ((devnull = fopen("/dev/null", "w"))) {
		rule_set_error_print(rs, devnull, &err);
		fclose(devnull);
	}
	rule_set_free(rs);
	/* Validation mode (rules --validate) goes on after each error: every
	 * item is loaded and compiled whatever failed before it. */
	rs = rule_set_new();
	if (rs) {
		const char *const *errs;

		rule_set_collect_errors(rs, 1);
		if (rule_set_load_string(rs, "fuzz.yaml", text, &err) == 0 ||
		    rule_set_errors(rs, &errs) > 0)
			rule_set_finalize(rs, &err);
		rule_set_free(rs);
	}
	free(text);
	return 0;
}
