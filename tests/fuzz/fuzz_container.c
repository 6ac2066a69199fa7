/* fuzz_container: container runtime API answers (record/rec_container_json.c,
 * record/rec_container_http.c) and the CONTAINERINFO record they become.
 *
 * Input: one mode byte, then the bytes under test.
 *   mode % 3 == 0: a docker/podman inspect JSON body; a record built from it
 *                  must decode, fill the state's container table and give
 *                  back its id and the fields the fields engine reads; the
 *                  same bytes as a sysdig container JSON event
 *                  (format/scap_container.c), whose record written back as
 *                  JSON must read again;
 *   mode % 3 == 1: a raw HTTP answer (status line, headers, body), whose
 *                  body, when one is parsed, goes through the JSON path too;
 *   mode % 3 == 2: a GET /containers/json list and an image reference split.
 * Beyond "no crash": a record that was built decodes, and the container it
 * describes is found by its id, with labels that read back. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/evt_container.h"
#include "../../scap/scap_reader.h"
#include "../../record/rec_container_http.c"
#include "../../record/rec_container_json.c"
#include "../../state/st.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_id(void *ctx, const char *id)
{
	size_t *n = ctx;

	assert(strlen(id) >= 12);
	(*n)++;
}

static void json_path(const char *json, size_t len)
{
	struct evt_builder b;
	struct evt_rec hdr;
	struct sr_err err;
	struct evt ev;
	const void *rec;
	size_t rlen;

	memset(&hdr, 0, sizeof(hdr));
	hdr.ts = 1;
	evt_builder_init(&b);
	if (!rec_ctr_json_record(json, len, "docker", NULL, &hdr, &b, &err) &&
	    (rec = evt_builder_finish(&b, &rlen))) {
		struct st_state *st = st_new();
		const struct st_container *c;
		char id[16];

		assert(!evt_decode(&ev, rec, rlen));
		assert(ev.rec->type == EVT_CONTAINERINFO);
		st_event_begin(st, &ev);
		st_event_end(st, &ev);
		memcpy(id, ev.p[EVT_CTR_ID], 12);
		id[12] = '\0';
		c = st_container_get(st, id);
		/* an id with a NUL inside is refused; any other is kept */
		if (!memchr(ev.p[EVT_CTR_ID], '\0', ev.plen[EVT_CTR_ID])) {
			assert(c && !strncmp(c->id, id, 12));
			if (c->pod_name)
				assert(st_container_label(c->labels, c->labels_len,
							  "io.kubernetes.pod.name") == c->pod_name);
		}
		st_free(st);
	}
	/* the same bytes as a sysdig container JSON event, and back to JSON */
	if (!scap_container_json(json, len, &hdr, &b) && (rec = evt_builder_finish(&b, &rlen))) {
		static char back[65536];

		assert(!evt_decode(&ev, rec, rlen));
		if (scap_container_to_json(&ev, back, sizeof(back)))
			assert(!scap_container_json(back, strlen(back), &hdr, &b));
	}
	evt_builder_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *body, repo[64], tag[64], digest[64];
	size_t len, n = 0;
	int rc;

	if (size < 1)
		return 0;
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		json_path(buf, size - 1);
		break;
	case 1:
		rc = rec_http_parse(buf, size - 1, &body, &len);
		assert((rc >= 100) == (body != NULL));
		if (body) {
			assert(len <= size && body[len] == '\0');
			json_path(body, len);
			free(body);
		}
		break;
	case 2:
		rec_ctr_json_ids(buf, size - 1, count_id, &n);
		evt_container_split_image(buf, repo, tag, digest, sizeof(repo));
		assert(strlen(repo) < sizeof(repo) && strlen(tag) < sizeof(tag));
		(void)rec_ctr_json_time(buf);
		break;
	}
	free(buf);
	return 0;
}
