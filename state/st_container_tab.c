/* st_container_tab.c: the container table, filled by CONTAINERINFO records.
 *
 * Keyed by a hash of the first 12 characters of the id (the short id every
 * thread carries), so a thread's container is one map lookup. Each entry is
 * one allocation holding the struct and NUL-terminated copies of its
 * strings. A new description of the same id replaces the old one. At most
 * ST_MAX_CONTAINERS entries: past that the table starts over, as the cgroup
 * map does (the next snapshot or lookup describes the live ones again).
 */
#include "st_int.h"

#include <stdlib.h>
#include <string.h>

#include "../format/evt_container.h"

#define ST_MAX_CONTAINERS 4096
#define SHORT_ID	  12

struct st_ctr {
	struct st_container pub;
	char data[];
};

static uint64_t key_of(const char *id, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	if (n > SHORT_ID)
		n = SHORT_ID;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211ull;
	return h ? h : 1;
}

static void free_cb(void *ctx, uint64_t key, void *val)
{
	(void)ctx;
	(void)key;
	free(val);
}

void st_ctr_free_all(struct st_state *st)
{
	st_map_each(&st->ctrs, free_cb, NULL);
	st_map_free(&st->ctrs);
}

/* Copies parameter i of ev as a NUL-terminated string at *at; NULL when
 * absent or empty. Lists keep their inner NULs; *len gets their length. */
static const char *copy_param(const struct evt *ev, unsigned i, char **at, size_t *len)
{
	char *s = *at;
	size_t n = evt_param_present(ev, i) ? ev->plen[i] : 0;

	if (len)
		*len = n;
	if (!n)
		return NULL;
	memcpy(s, ev->p[i], n);
	s[n] = '\0';
	*at += n + 1;
	return s;
}

const char *st_container_label(const char *list, size_t len, const char *key)
{
	size_t kl = strlen(key);

	for (size_t off = 0; list && off < len;) {
		const char *e = list + off;
		size_t el = strnlen(e, len - off);

		if (el > kl && e[kl] == '=' && memcmp(e, key, kl) == 0)
			return e + kl + 1;
		off += el + 1;
	}
	return NULL;
}

void st_ctr_info(struct st_state *st, const struct evt *ev)
{
	size_t total = 0, idlen = evt_param_present(ev, EVT_CTR_ID) ? ev->plen[EVT_CTR_ID] : 0;
	struct st_ctr *c, *old;
	struct st_container *p;
	char *at;
	uint64_t key;
	int oom = 0;

	/* An id shorter than a short id cannot be matched to threads. */
	if (idlen < SHORT_ID || memchr(ev->p[EVT_CTR_ID], '\0', idlen))
		return;
	for (unsigned i = 0; i < ev->nparams && i < EVT_CTR_NPARAMS; i++)
		total += ev->plen[i] + 1;
	c = calloc(1, sizeof(*c) + total);
	if (!c)
		return;
	p = &c->pub;
	at = c->data;
	p->id = copy_param(ev, EVT_CTR_ID, &at, NULL);
	p->name = copy_param(ev, EVT_CTR_NAME, &at, NULL);
	p->image = copy_param(ev, EVT_CTR_IMAGE, &at, NULL);
	p->image_repo = copy_param(ev, EVT_CTR_IMAGE_REPO, &at, NULL);
	p->image_tag = copy_param(ev, EVT_CTR_IMAGE_TAG, &at, NULL);
	p->image_digest = copy_param(ev, EVT_CTR_IMAGE_DIGEST, &at, NULL);
	p->image_id = copy_param(ev, EVT_CTR_IMAGE_ID, &at, NULL);
	p->type = copy_param(ev, EVT_CTR_TYPE, &at, NULL);
	p->runtime = copy_param(ev, EVT_CTR_RUNTIME, &at, NULL);
	p->privileged = evt_param_u64(ev, EVT_CTR_PRIVILEGED) != 0;
	p->host_network = evt_param_u64(ev, EVT_CTR_HOST_NETWORK) != 0;
	p->host_pid = evt_param_u64(ev, EVT_CTR_HOST_PID) != 0;
	p->user = copy_param(ev, EVT_CTR_USER, &at, NULL);
	p->start_ts = evt_param_u64(ev, EVT_CTR_START_TS);
	p->labels = copy_param(ev, EVT_CTR_LABELS, &at, &p->labels_len);
	p->mounts = copy_param(ev, EVT_CTR_MOUNTS, &at, &p->mounts_len);
	p->pod_labels = copy_param(ev, EVT_CTR_POD_LABELS, &at, &p->pod_labels_len);
	p->pod_name = st_container_label(p->labels, p->labels_len, "io.kubernetes.pod.name");
	p->pod_ns = st_container_label(p->labels, p->labels_len, "io.kubernetes.pod.namespace");
	p->pod_uid = st_container_label(p->labels, p->labels_len, "io.kubernetes.pod.uid");
	p->k8s_container_name =
	    st_container_label(p->labels, p->labels_len, "io.kubernetes.container.name");
	p->described_ts = ev->rec->ts;
	key = key_of(p->id, idlen);
	if (!st_map_get(&st->ctrs, key) && st->ctrs.n >= ST_MAX_CONTAINERS)
		st_ctr_free_all(st);
	old = st_map_put(&st->ctrs, key, c, &oom);
	if (oom) {
		free(c);
		return;
	}
	free(old);
}

const struct st_container *st_container_get(const struct st_state *st, const char *id)
{
	size_t n = id ? strnlen(id, SHORT_ID + 1) : 0;
	const struct st_ctr *c;

	if (n < SHORT_ID || !st->ctrs.n)
		return NULL;
	c = st_map_get(&st->ctrs, key_of(id, n));
	if (!c)
		return NULL;
	n = strlen(id);
	if (strlen(c->pub.id) < n)
		n = strlen(c->pub.id);
	if (strncmp(c->pub.id, id, n))
		return NULL;
	return &c->pub;
}

struct pod_find {
	const struct st_container *self, *found;
};

static int is_sandbox(const struct st_container *c)
{
	const char *t = st_container_label(c->labels, c->labels_len, "io.kubernetes.docker.type");
	const char *n = c->k8s_container_name;

	return (t && !strcmp(t, "podsandbox")) || (n && !strcmp(n, "POD"));
}

static int pod_find_cb(void *ctx, const struct st_container *c)
{
	struct pod_find *f = ctx;

	if (c != f->self && c->pod_uid && !strcmp(c->pod_uid, f->self->pod_uid) && is_sandbox(c)) {
		f->found = c;
		return 1;
	}
	return 0;
}

const char *st_container_pod_labels(const struct st_state *st, const struct st_container *c,
				    size_t *len)
{
	struct pod_find f = {.self = c};

	*len = 0;
	if (!c)
		return NULL;
	if (c->pod_labels_len) {
		*len = c->pod_labels_len;
		return c->pod_labels;
	}
	if (!c->pod_uid)
		return NULL;
	if (is_sandbox(c))
		f.found = c;
	else
		st_container_foreach(st, pod_find_cb, &f);
	if (!f.found)
		return NULL;
	*len = f.found->labels_len;
	return f.found->labels;
}

void st_container_foreach(const struct st_state *st,
			  int (*cb)(void *ctx, const struct st_container *c), void *ctx)
{
	size_t n;
	void **v = st_map_sorted(&st->ctrs, &n);

	for (size_t i = 0; v && i < n; i++)
		if (cb(ctx, &((struct st_ctr *)v[i])->pub))
			break;
	free(v);
}

size_t st_container_count(const struct st_state *st)
{
	return st->ctrs.n;
}

struct live_ctx {
	const struct st_state *st;
	struct st_map ids, pods; /* keys of containers with a thread; their pods' uids */
	int oom;
	int (*cb)(void *ctx, const struct st_container *c);
	void *ctx;
};

static void live_thr_cb(void *ctx, uint64_t key, void *val)
{
	struct live_ctx *l = ctx;
	const struct st_thr *t = val;
	const char *id = t->proc ? t->proc->container_id : NULL;
	const struct st_container *c;

	(void)key;
	if (t->pub.exited || !id || strnlen(id, SHORT_ID) < SHORT_ID)
		return;
	st_map_put(&l->ids, key_of(id, SHORT_ID), (void *)1, &l->oom);
	c = st_container_get(l->st, id);
	if (c && c->pod_uid)
		st_map_put(&l->pods, key_of(c->pod_uid, strlen(c->pod_uid)), (void *)1, &l->oom);
}

static int live_emit_cb(void *ctx, const struct st_container *c)
{
	struct live_ctx *l = ctx;
	int live = st_map_get(&l->ids, key_of(c->id, SHORT_ID)) != NULL;

	/* a pod's sandbox goes with its containers: it holds the pod labels */
	if (!live && c->pod_uid && is_sandbox(c))
		live = st_map_get(&l->pods, key_of(c->pod_uid, strlen(c->pod_uid))) != NULL;
	return live ? l->cb(l->ctx, c) : 0;
}

void st_container_foreach_live(const struct st_state *st,
			       int (*cb)(void *ctx, const struct st_container *c), void *ctx)
{
	struct live_ctx l = {.st = st, .cb = cb, .ctx = ctx};

	if (!st->ctrs.n)
		return;
	st_map_each(&st->thr, live_thr_cb, &l);
	/* out of memory: every container rather than a wrong few */
	st_container_foreach(st, l.oom ? cb : live_emit_cb, l.oom ? ctx : (void *)&l);
	st_map_free(&l.ids);
	st_map_free(&l.pods);
}
