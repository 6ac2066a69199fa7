/* fld_container.c: container.* and k8s.* fields from the container table.
 *
 * The id comes from the thread's cgroup path (fld_proc.c); everything else
 * from the CONTAINERINFO record that described that id (state/st.h): the
 * runtime's API at record time, or a .scap container event. Kubernetes
 * names come from the CRI labels kubelet puts on pod containers; pod labels
 * from the pod's sandbox container. A thread outside containers has
 * container.name "host" and no other container value; a container not
 * described (no runtime reachable) has its id only.
 */
#include <fnmatch.h>
#include <string.h>

#include "../state/st.h"
#include "fld_int.h"

static const struct st_container *thread_container(struct fld_ctx *c, const struct st_thread *t)
{
	const char *id = t->container_full_id ? t->container_full_id : t->container_id;

	if (!c->st || !id || !*id || !strcmp(id, "host"))
		return NULL;
	return st_container_get(c->st, id);
}

static int is_host(const struct st_thread *t)
{
	return !t->container_id || !*t->container_id || !strcmp(t->container_id, "host");
}

/* "k1:v1, k2:v2" from a "k=v" list, as Falco prints label maps. Keys
 * prefixed with skip (may be NULL) are left out. */
static int put_labels(struct fld_ctx *c, const char *list, size_t len, const char *skip,
		      struct fld_value *out)
{
	struct sr_sb b;
	int n = 0;

	if (!list)
		return 0;
	fld_scratch_begin(&b, c);
	for (size_t off = 0; off < len;) {
		const char *e = list + off, *eq;
		size_t el = strnlen(e, len - off);

		off += el + 1;
		if (skip && !strncmp(e, skip, strlen(skip)))
			continue;
		eq = memchr(e, '=', el);
		if (n++)
			sr_sb_puts(&b, ", ");
		if (!eq) {
			sr_sb_put(&b, e, el);
			continue;
		}
		sr_sb_put(&b, e, (size_t)(eq - e));
		sr_sb_putc(&b, ':');
		sr_sb_put(&b, eq + 1, el - (size_t)(eq - e) - 1);
	}
	fld_scratch_commit(&b, c);
	return fld_set_str(out, b.p, b.len);
}

struct mount {
	const char *src, *dst, *mode;
};

/* Mount i of the container (0-based); 0 when there is none. */
static int mount_at(const struct st_container *k, size_t i, struct mount *m)
{
	const char *f[3];
	size_t off = 0, idx = 0;

	while (off < k->mounts_len) {
		for (int j = 0; j < 3; j++) {
			f[j] = off < k->mounts_len ? k->mounts + off : "";
			off += off < k->mounts_len ? strnlen(f[j], k->mounts_len - off) + 1 : 0;
		}
		if (idx++ == i) {
			m->src = f[0];
			m->dst = f[1];
			m->mode = f[2];
			return 1;
		}
	}
	return 0;
}

static void put_mount(struct sr_sb *b, const struct mount *m)
{
	/* Falco's layout: source:dest:mode:rdwr:propagation */
	sr_sb_puts(b, m->src);
	sr_sb_putc(b, ':');
	sr_sb_puts(b, m->dst);
	sr_sb_putc(b, ':');
	sr_sb_puts(b, m->mode);
	sr_sb_puts(b, strcmp(m->mode, "ro") ? ":true:" : ":false:");
}

/* The mount a container.mount* field selects: by index ([0]), or by a glob
 * over the source (container.mount, .dest) or the destination (the others),
 * as Falco does. */
static int mount_select(const struct fld_ref *ref, const struct st_container *k, struct mount *m)
{
	int by_dst = ref->id != FLD_ID_CONTAINER_MOUNT && ref->id != FLD_ID_CONTAINER_MOUNT_DEST;

	if (ref->arg_index >= 0)
		return mount_at(k, (size_t)ref->arg_index, m);
	if (!ref->arg_key[0])
		return 0;
	for (size_t i = 0; mount_at(k, i, m); i++)
		if (!fnmatch(ref->arg_key, by_dst ? m->dst : m->src, 0))
			return 1;
	return 0;
}

static int mount_field(const struct fld_ref *ref, struct fld_ctx *c, const struct st_container *k,
		       struct fld_value *out)
{
	struct mount m;
	struct sr_sb b;

	if (ref->id == FLD_ID_CONTAINER_MOUNTS) {
		if (!k->mounts_len)
			return 0;
		fld_scratch_begin(&b, c);
		for (size_t i = 0; mount_at(k, i, &m); i++) {
			if (i)
				sr_sb_putc(&b, ',');
			put_mount(&b, &m);
		}
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	}
	if (!mount_select(ref, k, &m))
		return 0;
	switch (ref->id) {
	case FLD_ID_CONTAINER_MOUNT:
		fld_scratch_begin(&b, c);
		put_mount(&b, &m);
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	case FLD_ID_CONTAINER_MOUNT_SOURCE:
		return fld_set_cstr(out, m.src);
	case FLD_ID_CONTAINER_MOUNT_DEST:
		return fld_set_cstr(out, m.dst);
	case FLD_ID_CONTAINER_MOUNT_MODE:
		return fld_set_cstr(out, m.mode);
	case FLD_ID_CONTAINER_MOUNT_RDWR:
		return fld_set_cstr(out, strcmp(m.mode, "ro") ? "true" : "false");
	case FLD_ID_CONTAINER_MOUNT_PROPAGATION:
		return 0;
	}
	return 0;
}

int fld_extract_container(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out)
{
	const struct st_thread *t = fld_thread(c);
	const struct st_container *k = thread_container(c, t);
	const char *s;
	size_t len;

	switch (ref->id) {
	case FLD_ID_CONTAINER_NAME:
		if (is_host(t))
			return fld_set_str(out, "host", 4);
		return k ? fld_set_cstr(out, k->name) : 0;
	case FLD_ID_CONTAINER_INFO: {
		struct sr_sb b;
		const char *id = is_host(t) ? "host" : t->container_id;

		fld_scratch_begin(&b, c);
		sr_sb_puts(&b, "container_id=");
		sr_sb_puts(&b, id);
		sr_sb_puts(&b, " container_name=");
		sr_sb_puts(&b, is_host(t) ? "host" : k && k->name ? k->name : "<NA>");
		if (k && k->image) {
			sr_sb_puts(&b, " container_image=");
			sr_sb_puts(&b, k->image);
		}
		if (k && k->pod_name) {
			sr_sb_puts(&b, " k8s_ns=");
			sr_sb_puts(&b, k->pod_ns ? k->pod_ns : "<NA>");
			sr_sb_puts(&b, " k8s_pod=");
			sr_sb_puts(&b, k->pod_name);
		}
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	}
	case FLD_ID_K8S_POD_ID:
	case FLD_ID_K8S_POD_UID:
		if (k && k->pod_uid)
			return fld_set_cstr(out, k->pod_uid);
		return t->pod_uid && *t->pod_uid ? fld_set_cstr(out, t->pod_uid) : 0;
	}
	if (!k)
		return 0;
	switch (ref->id) {
	case FLD_ID_CONTAINER_IMAGE:
		return fld_set_cstr(out, k->image);
	case FLD_ID_CONTAINER_IMAGE_ID:
		return fld_set_cstr(out, k->image_id);
	case FLD_ID_CONTAINER_IMAGE_REPOSITORY:
		return fld_set_cstr(out, k->image_repo);
	case FLD_ID_CONTAINER_IMAGE_TAG:
		return fld_set_cstr(out, k->image_tag);
	case FLD_ID_CONTAINER_IMAGE_DIGEST:
		return fld_set_cstr(out, k->image_digest);
	case FLD_ID_CONTAINER_TYPE:
		return fld_set_cstr(out, k->type);
	case FLD_ID_CONTAINER_PRIVILEGED:
		return fld_set_bool(out, k->privileged);
	case FLD_ID_CONTAINER_HOST_PID:
		return fld_set_bool(out, k->host_pid);
	case FLD_ID_CONTAINER_HOST_NETWORK:
		return fld_set_bool(out, k->host_network);
	case FLD_ID_CONTAINER_START_TS:
		return k->start_ts ? fld_set_typed_uint(out, FT_V_TIME, k->start_ts) : 0;
	case FLD_ID_CONTAINER_DURATION:
		if (!k->start_ts || c->ev->rec->ts < k->start_ts)
			return 0;
		return fld_set_typed_uint(out, FT_V_RELTIME, c->ev->rec->ts - k->start_ts);
	case FLD_ID_CONTAINER_LABEL:
		return fld_set_cstr(out,
				    st_container_label(k->labels, k->labels_len, ref->arg_key));
	case FLD_ID_CONTAINER_LABELS:
		return put_labels(c, k->labels, k->labels_len, NULL, out);
	case FLD_ID_CONTAINER_MOUNTS:
	case FLD_ID_CONTAINER_MOUNT:
	case FLD_ID_CONTAINER_MOUNT_SOURCE:
	case FLD_ID_CONTAINER_MOUNT_DEST:
	case FLD_ID_CONTAINER_MOUNT_MODE:
	case FLD_ID_CONTAINER_MOUNT_RDWR:
	case FLD_ID_CONTAINER_MOUNT_PROPAGATION:
		return mount_field(ref, c, k, out);
	case FLD_ID_K8S_POD_NAME:
		return fld_set_cstr(out, k->pod_name);
	case FLD_ID_K8S_NS_NAME:
		return fld_set_cstr(out, k->pod_ns);
	case FLD_ID_K8S_POD_LABEL:
		s = st_container_pod_labels(c->st, k, &len);
		return fld_set_cstr(out, st_container_label(s, len, ref->arg_key));
	case FLD_ID_K8S_POD_LABELS:
		s = st_container_pod_labels(c->st, k, &len);
		return put_labels(c, s, len, "io.kubernetes.", out);
	}
	return 0;
}
