/* scap_container.c: sysdig/Falco container JSON events <-> CONTAINERINFO.
 *
 * libsinsp writes what it learnt of a container as an event holding one
 * JSON document, {"container":{"id":..,"name":..,"image":..,"imagerepo":..,
 * "imagetag":..,"imagedigest":..,"imageid":..,"type":N,"privileged":b,
 * "Mounts":[{"Source","Dest","Mode","RW","Propagation"}],"labels":{..},
 * ...}} (CONTAINER_JSON_E, type 272, and CONTAINER_JSON_2_E, 324, with the
 * same document). A placeholder written while its lookup was still running
 * names everything "incomplete": it describes nothing and is dropped.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../format/evt_container.h"
#include "scap_reader.h"

#define LIST_MAX (64u << 10)

/* libsinsp's container type numbers */
static const char *const type_names[] = {
    "docker", "lxc",	    "libvirt-lxc", "mesos", "rkt",    "custom",
    "cri",    "containerd", "cri-o",	   "bpm",   "static", "podman",
};

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static void add(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > LIST_MAX)
		return;
	memcpy(buf + *len, s, n + 1);
	*len += n + 1;
}

static void labels_of(const cJSON *m, char *buf, size_t *len)
{
	const cJSON *e;
	char kv[8192];
	size_t n = 0;

	cJSON_ArrayForEach(e, m)
	{
		if (!cJSON_IsString(e) || !e->string || !e->valuestring ||
		    n++ >= EVT_CTR_MAX_LABELS)
			continue;
		if ((size_t)snprintf(kv, sizeof(kv), "%s=%s", e->string, e->valuestring) <
		    sizeof(kv))
			add(buf, len, kv);
	}
}

int scap_container_json(const char *json, size_t len, const struct evt_rec *hdr,
			struct evt_builder *b)
{
	static __thread char labels[LIST_MAX], mounts[LIST_MAX], pod[LIST_MAX];
	char repo[512], tag[256], digest[256];
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "container"), *t, *m;
	struct evt_container d;
	size_t n = 0;
	int rc = SR_EFORMAT;

	if (!cJSON_IsObject(c))
		goto out;
	memset(&d, 0, sizeof(d));
	d.id = str_of(c, "id");
	d.name = str_of(c, "name");
	if (!d.id || strlen(d.id) < 12 || (d.name && !strcmp(d.name, "incomplete")))
		goto out;
	d.image = str_of(c, "image");
	d.image_repo = str_of(c, "imagerepo");
	d.image_tag = str_of(c, "imagetag");
	d.image_digest = str_of(c, "imagedigest");
	d.image_id = str_of(c, "imageid");
	/* older captures name the image only: split it as a runtime would */
	if (d.image && !d.image_repo) {
		evt_container_split_image(d.image, repo, tag, digest, sizeof(tag));
		d.image_repo = repo;
		d.image_tag = tag;
		if (!d.image_digest && digest[0])
			d.image_digest = digest;
	}
	t = cJSON_GetObjectItemCaseSensitive(c, "type");
	if (cJSON_IsNumber(t) && t->valuedouble >= 0 &&
	    t->valuedouble < (double)(sizeof(type_names) / sizeof(type_names[0])))
		d.type = type_names[(int)t->valuedouble];
	d.privileged = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "privileged"));
	d.host_network = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "host_network"));
	d.host_pid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "host_pid"));
	d.user = str_of(c, "User");
	t = cJSON_GetObjectItemCaseSensitive(c, "created_time");
	if (cJSON_IsNumber(t) && t->valuedouble > 0 && t->valuedouble < 1e10)
		d.start_ts = (uint64_t)t->valuedouble * 1000000000ull;
	d.labels = labels;
	labels_of(cJSON_GetObjectItemCaseSensitive(c, "labels"), labels, &d.labels_len);
	d.pod_labels = pod;
	labels_of(cJSON_GetObjectItemCaseSensitive(c, "pod_sandbox_labels"), pod,
		  &d.pod_labels_len);
	d.mounts = mounts;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "Mounts"))
	{
		const char *src = str_of(m, "Source"), *dst = str_of(m, "Dest");

		if (!dst)
			dst = str_of(m, "Destination");
		if (!cJSON_IsObject(m) || !dst || n++ >= EVT_CTR_MAX_MOUNTS)
			continue;
		add(mounts, &d.mounts_len, src ? src : "");
		add(mounts, &d.mounts_len, dst);
		add(mounts, &d.mounts_len,
		    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "RW")) ? "ro" : "rw");
	}
	evt_builder_begin(b, EVT_CONTAINERINFO, hdr);
	rc = evt_container_add(b, &d) ? SR_ENOMEM : 0;
out:
	cJSON_Delete(root);
	return rc;
}

/* A "k=v" list as a JSON object into parent[key]. */
static void put_labels(cJSON *parent, const char *key, const struct evt *ev, unsigned i)
{
	cJSON *o = cJSON_AddObjectToObject(parent, key);
	const char *p = evt_param_present(ev, i) ? (const char *)ev->p[i] : NULL;
	size_t len = p ? ev->plen[i] : 0;
	char k[1024];

	for (size_t off = 0; o && off < len;) {
		const char *e = p + off, *eq;
		size_t el = strnlen(e, len - off);
		char *v;

		off += el + 1;
		eq = memchr(e, '=', el);
		if (!eq || (size_t)(eq - e) >= sizeof(k))
			continue;
		memcpy(k, e, (size_t)(eq - e));
		k[eq - e] = '\0';
		v = strndup(eq + 1, el - (size_t)(eq - e) - 1);
		if (v)
			cJSON_AddStringToObject(o, k, v);
		free(v);
	}
}

static void put_str(cJSON *o, const char *key, const struct evt *ev, unsigned i)
{
	char *s;

	if (!evt_param_present(ev, i) || !ev->plen[i])
		return;
	s = strndup((const char *)ev->p[i], ev->plen[i]);
	if (s)
		cJSON_AddStringToObject(o, key, s);
	free(s);
}

size_t scap_container_to_json(const struct evt *ev, char *out, size_t cap)
{
	cJSON *root = cJSON_CreateObject(), *c = cJSON_AddObjectToObject(root, "container"), *ms;
	const char *m =
	    evt_param_present(ev, EVT_CTR_MOUNTS) ? (const char *)ev->p[EVT_CTR_MOUNTS] : NULL;
	size_t mlen = m ? ev->plen[EVT_CTR_MOUNTS] : 0, n = 0;
	char *text, *type = NULL;
	int t = 5; /* custom */

	if (!c) {
		cJSON_Delete(root);
		return 0;
	}
	put_str(c, "id", ev, EVT_CTR_ID);
	put_str(c, "name", ev, EVT_CTR_NAME);
	put_str(c, "image", ev, EVT_CTR_IMAGE);
	put_str(c, "imagerepo", ev, EVT_CTR_IMAGE_REPO);
	put_str(c, "imagetag", ev, EVT_CTR_IMAGE_TAG);
	put_str(c, "imagedigest", ev, EVT_CTR_IMAGE_DIGEST);
	put_str(c, "imageid", ev, EVT_CTR_IMAGE_ID);
	put_str(c, "User", ev, EVT_CTR_USER);
	if (evt_param_present(ev, EVT_CTR_TYPE))
		type = strndup((const char *)ev->p[EVT_CTR_TYPE], ev->plen[EVT_CTR_TYPE]);
	for (size_t i = 0; type && i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(type, type_names[i]))
			t = (int)i;
	free(type);
	cJSON_AddNumberToObject(c, "type", t);
	cJSON_AddBoolToObject(c, "privileged", evt_param_u64(ev, EVT_CTR_PRIVILEGED) != 0);
	cJSON_AddBoolToObject(c, "host_network", evt_param_u64(ev, EVT_CTR_HOST_NETWORK) != 0);
	cJSON_AddBoolToObject(c, "host_pid", evt_param_u64(ev, EVT_CTR_HOST_PID) != 0);
	if (evt_param_u64(ev, EVT_CTR_START_TS))
		cJSON_AddNumberToObject(
		    c, "created_time",
		    (double)(evt_param_u64(ev, EVT_CTR_START_TS) / 1000000000ull));
	put_labels(c, "labels", ev, EVT_CTR_LABELS);
	put_labels(c, "pod_sandbox_labels", ev, EVT_CTR_POD_LABELS);
	cJSON_AddBoolToObject(c, "is_pod_sandbox", 0);
	ms = cJSON_AddArrayToObject(c, "Mounts");
	for (size_t off = 0; ms && off < mlen;) {
		const char *f[3];
		cJSON *o;

		for (int j = 0; j < 3; j++) {
			f[j] = off < mlen ? m + off : "";
			off += off < mlen ? strnlen(f[j], mlen - off) + 1 : 0;
		}
		o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddStringToObject(o, "Source", f[0]);
		cJSON_AddStringToObject(o, "Dest", f[1]);
		cJSON_AddStringToObject(o, "Mode", "");
		cJSON_AddBoolToObject(o, "RW", strcmp(f[2], "ro") != 0);
		cJSON_AddStringToObject(o, "Propagation", "");
		cJSON_AddItemToArray(ms, o);
	}
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text || !cap)
		return 0;
	n = strlen(text);
	if (n >= cap)
		n = 0; /* cut JSON is no JSON */
	memcpy(out, text, n);
	out[n] = '\0';
	cJSON_free(text);
	return n;
}
