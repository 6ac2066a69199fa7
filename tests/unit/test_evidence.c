/* rec_evidence: what an alert line says about its evidence capture. */
#include <cjson/cJSON.h>
#include <string.h>

#include "../../record/rec_evidence.c"
#include "../tap.h"

/* rec_out.c is not linked here: opening files is the e2e test's part
 * (tests/e2e/record_evidence.sh). */
void rec_out_rotated_name(const char *path, uint64_t start_ns, char *buf, size_t cap)
{
	(void)start_ns;
	snprintf(buf, cap, "%s", path);
}

static const struct rec_evidence_ref ref = {
    .path = "/var/lib/sysrec/cap.evidence.20261206T041500Z.sysrec",
    .evt_num = 4242,
    .evt_ts = 1796530281029825966ull,
};

TEST(annotate_text)
{
	char buf[256] = "04:11:21.029825966: Critical shell from server";
	size_t len = rec_evidence_annotate(buf, strlen(buf), sizeof(buf), 0, &ref);

	CHECK_EQ_INT((int)len, (int)strlen(buf));
	CHECK_STR(buf, "04:11:21.029825966: Critical shell from server evidence=/var/lib/sysrec/"
		       "cap.evidence.20261206T041500Z.sysrec evt.num=4242 "
		       "evt.time=2026-12-06T04:11:21.029825966Z");
}

/* Falco's keys stay as they were; one key is added, and the line stays JSON. */
TEST(annotate_json)
{
	char buf[512] = "{\"output\":\"x\",\"priority\":\"Critical\",\"rule\":\"r\"}";
	cJSON *j, *e;

	rec_evidence_annotate(buf, strlen(buf), sizeof(buf), 1, &ref);
	j = cJSON_Parse(buf);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(cJSON_GetObjectItem(j, "rule")->valuestring, "r");
	CHECK_STR(cJSON_GetObjectItem(j, "priority")->valuestring, "Critical");
	e = cJSON_GetObjectItem(j, "evidence");
	CHECK(e && cJSON_IsObject(e));
	if (e) {
		CHECK_STR(cJSON_GetObjectItem(e, "file")->valuestring, ref.path);
		CHECK_EQ_INT((int)cJSON_GetObjectItem(e, "evt.num")->valuedouble, 4242);
		CHECK_STR(cJSON_GetObjectItem(e, "evt.time")->valuestring,
			  "2026-12-06T04:11:21.029825966Z");
	}
	cJSON_Delete(j);
}

/* No room: the line is left as it was, still valid. */
TEST(annotate_no_room)
{
	char buf[64] = "{\"output\":\"x\",\"rule\":\"r\"}";
	char text[64] = "04:11:21.029825966: Critical x";
	size_t len;

	len = rec_evidence_annotate(buf, strlen(buf), sizeof(buf), 1, &ref);
	CHECK_STR(buf, "{\"output\":\"x\",\"rule\":\"r\"}");
	CHECK_EQ_INT((int)len, (int)strlen(buf));
	len = rec_evidence_annotate(text, strlen(text), sizeof(text), 0, &ref);
	CHECK_STR(text, "04:11:21.029825966: Critical x");
	CHECK_EQ_INT((int)len, (int)strlen(text));
}
