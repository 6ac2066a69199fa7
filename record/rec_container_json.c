/* rec_container_json.c: docker/podman inspect JSON to CONTAINERINFO. */
#include "rec_container_json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../format/evt_container.h"

#define LIST_MAX (64u << 10) /* bytes of labels or mounts kept */

struct list {
	char buf[LIST_MAX];
	size_t len;
};

static void list_add(struct list *l, const char *s)
{
	size_t n = strlen(s);

	if (l->len + n + 1 > sizeof(l->buf))
		return;
	memcpy(l->buf + l->len, s, n + 1);
	l->len += n + 1;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int true_of(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const cJSON *obj_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsObject(v) ? v : NULL;
}

unsigned long long rec_ctr_json_time(const char *s)
{
	struct tm tm;
	const char *p;
	unsigned long long ns = 0, scale = 100000000ull;
	long off = 0;
	time_t t;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p || tm.tm_year < 71) /* "0001-01-01T00:00:00Z": never started */
		return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			ns += (unsigned long long)(*p - '0') * scale;
			scale /= 10;
		}
	if ((*p == '+' || *p == '-') && strlen(p) >= 6 && p[3] == ':') {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 +
		      ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		if (*p == '-')
			off = -off;
	} else if (*p != 'Z') {
		return 0;
	}
	t = timegm(&tm);
	if (t == (time_t)-1 || t - off < 0)
		return 0;
	return (unsigned long long)(t - off) * 1000000000ull + ns;
}

static void labels_of(const cJSON *m, struct list *l)
{
	const cJSON *e;
	char kv[8192];
	size_t n = 0;

	cJSON_ArrayForEach(e, m)
	{
		if (!e->string || !cJSON_IsString(e) || !e->valuestring ||
		    n++ >= EVT_CTR_MAX_LABELS)
			continue;
		if ((size_t)snprintf(kv, sizeof(kv), "%s=%s", e->string, e->valuestring) <
		    sizeof(kv))
			list_add(l, kv);
	}
}

static void mounts_of(const cJSON *a, struct list *l)
{
	const cJSON *m;
	size_t n = 0;

	cJSON_ArrayForEach(m, a)
	{
		const char *src = str_of(m, "Source"), *dst = str_of(m, "Destination");

		if (!cJSON_IsObject(m) || !dst || n++ >= EVT_CTR_MAX_MOUNTS)
			continue;
		list_add(l, src ? src : "");
		list_add(l, dst);
		list_add(l, true_of(m, "RW") ? "rw" : "ro");
	}
}

int rec_ctr_json_record(const char *json, size_t len, const char *type, const char *want_id,
			const struct evt_rec *hdr, struct evt_builder *b, struct sr_err *err)
{
	static __thread struct list labels, mounts;
	char repo[512], tag[256], digest[256];
	const cJSON *cfg, *hc, *state;
	struct evt_container d;
	const char *name, *mode, *digest_field;
	cJSON *root = cJSON_ParseWithLength(json, len);
	int rc = 0;

	if (!root || !cJSON_IsObject(root)) {
		rc = sr_err_set(err, SR_EFORMAT, "not a JSON object");
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.id = str_of(root, "Id");
	if (!d.id || strlen(d.id) < 12 || (want_id && strncmp(d.id, want_id, strlen(want_id)))) {
		rc = sr_err_set(err, SR_EFORMAT, "no matching container Id");
		goto out;
	}
	cfg = obj_of(root, "Config");
	hc = obj_of(root, "HostConfig");
	state = obj_of(root, "State");
	name = str_of(root, "Name");
	d.name = name && name[0] == '/' ? name + 1 : name;
	/* podman's libpod answer names the image as given; docker's Config.Image */
	d.image = str_of(root, "ImageName");
	if (!d.image && cfg)
		d.image = str_of(cfg, "Image");
	d.image_id = str_of(root, "Image");
	evt_container_split_image(d.image, repo, tag, digest, sizeof(tag));
	d.image_repo = repo;
	d.image_tag = tag;
	digest_field = str_of(root, "ImageDigest");
	d.image_digest = digest[0] ? digest : digest_field;
	d.type = type;
	d.runtime = str_of(root, "OCIRuntime");
	if (!d.runtime && hc)
		d.runtime = str_of(hc, "Runtime");
	if (hc) {
		d.privileged = true_of(hc, "Privileged");
		mode = str_of(hc, "NetworkMode");
		d.host_network = mode && !strcmp(mode, "host");
		mode = str_of(hc, "PidMode");
		d.host_pid = mode && !strcmp(mode, "host");
	}
	if (cfg)
		d.user = str_of(cfg, "User"); /* "": the image's default user */
	if (state)
		d.start_ts = rec_ctr_json_time(str_of(state, "StartedAt"));
	labels.len = mounts.len = 0;
	if (cfg && obj_of(cfg, "Labels"))
		labels_of(obj_of(cfg, "Labels"), &labels);
	mounts_of(cJSON_GetObjectItemCaseSensitive(root, "Mounts"), &mounts);
	d.labels = labels.buf;
	d.labels_len = labels.len;
	d.mounts = mounts.buf;
	d.mounts_len = mounts.len;
	evt_builder_begin(b, EVT_CONTAINERINFO, hdr);
	if (evt_container_add(b, &d))
		rc = sr_err_set(err, SR_ENOMEM, "out of memory");
out:
	cJSON_Delete(root);
	return rc;
}

int rec_ctr_json_ids(const char *json, size_t len, void (*fn)(void *ctx, const char *id), void *ctx)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *e;

	if (!root || !cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return SR_EFORMAT;
	}
	cJSON_ArrayForEach(e, root)
	{
		const char *id = str_of(e, "Id");

		if (cJSON_IsObject(e) && id && strlen(id) >= 12)
			fn(ctx, id);
	}
	cJSON_Delete(root);
	return 0;
}
