/* st_cgroup.c: cgroup ids (record headers) to cgroup paths and containers.
 *
 * Record headers carry the task's cgroup id; CGROUPINFO records (and the
 * PROCINFO records of a snapshot) say which path an id is. A process that
 * started or moved into a container after the snapshot is known by its
 * header only, so when a header names an id other than the one its
 * process's container fields were derived for, they are looked up here.
 * The map is bounded: past ST_MAX_CGROUPS ids it starts over (processes keep
 * what they already took from it).
 */
#include "st_int.h"

#include <stdlib.h>
#include <string.h>

/* *slot takes a reference to s (an st_str). */
static void put_ref(struct st_state *st, const char **slot, const char *s)
{
	if (*slot == s)
		return;
	st_str_ref(s);
	st_str_unref(st, *slot);
	*slot = s;
}

static void apply(struct st_state *st, struct st_proc *p, const struct st_cg *c)
{
	put_ref(st, &p->cgroup, c->path);
	put_ref(st, &p->container_full_id, c->full_id);
	put_ref(st, &p->container_id, c->short_id);
	put_ref(st, &p->pod_uid, c->pod);
	st_views_stale(st);
}

void st_cg_header(struct st_state *st, struct st_proc *p, uint64_t id)
{
	const struct st_cg *c = st_map_get(&st->cgroups, id);

	p->cg_id = id;
	if (c)
		apply(st, p, c);
	else
		st->cg_missed = 1; /* a later CGROUPINFO for it must reach p */
}

static void cg_release(struct st_state *st, struct st_cg *c)
{
	st_str_unref(st, c->path);
	st_str_unref(st, c->full_id);
	st_str_unref(st, c->short_id);
	st_str_unref(st, c->pod);
	free(c);
}

static void free_cb(void *ctx, uint64_t key, void *val)
{
	(void)key;
	cg_release(ctx, val);
}

void st_cg_free_all(struct st_state *st)
{
	st_map_each(&st->cgroups, free_cb, st);
	st_map_free(&st->cgroups);
}

/* The entry for id with path[0..len); NULL when out of memory. *changed:
 * 1 new, 2 it named another path before (inode numbers, hence cgroup ids,
 * are reused after a cgroup is removed), 0 neither. */
static struct st_cg *cg_set(struct st_state *st, uint64_t id, const char *path, size_t len,
			    int *changed)
{
	struct st_cg *c = st_map_get(&st->cgroups, id);
	char full[65], pod[64], buf[4096];
	int oom = 0;

	*changed = 0;
	if (len >= sizeof(buf))
		return NULL; /* no container path is that long */
	if (c && st_str_len(c->path) == len && memcmp(c->path, path, len) == 0)
		return c;
	if (!c) {
		if (st->cgroups.n >= ST_MAX_CGROUPS)
			st_cg_free_all(st);
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		st_map_put(&st->cgroups, id, c, &oom);
		if (oom) {
			free(c);
			return NULL;
		}
	}
	*changed = c->path ? 2 : 1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	st_container_from_cgroup(buf, full, pod);
	st_str_set(st, &c->path, path, len);
	st_str_set(st, &c->full_id, full, strlen(full));
	st_str_set(st, &c->short_id, full, strcmp(full, "host") ? 12 : 4);
	st_str_set(st, &c->pod, pod, strlen(pod));
	if (!c->path || !c->full_id || !c->short_id || !c->pod) {
		st_map_del(&st->cgroups, id);
		cg_release(st, c);
		return NULL;
	}
	return c;
}

struct fix_ctx {
	struct st_state *st;
	uint64_t id;
	const struct st_cg *c;
};

static void fix_cb(void *ctx, uint64_t key, void *val)
{
	struct fix_ctx *f = ctx;
	struct st_thr *t = val;

	(void)key;
	if (t->proc->cg_id == f->id)
		apply(f->st, t->proc, f->c);
}

void st_cg_info(struct st_state *st, const struct evt *ev)
{
	uint64_t id = evt_param_u64(ev, 0);
	uint32_t len;
	const char *path = st_param_str(ev, 1, &len);
	const struct st_cg *c;
	int changed;

	while (len && path[len - 1] == '\0')
		len--;
	if (!id || !path || !len)
		return;
	c = cg_set(st, id, path, len, &changed);
	/* Processes already tied to id took nothing (a header before its
	 * CGROUPINFO: a lost record) or an old path: bring them up to date.
	 * Rare, so a walk of the table is fine. */
	if (c && (changed == 2 || (changed == 1 && st->cg_missed))) {
		struct fix_ctx f = {st, id, c};

		st_map_each(&st->thr, fix_cb, &f);
	}
}

void st_cg_learn(struct st_state *st, const struct st_proc *p, uint64_t id)
{
	int changed;

	if (!id || !p->cgroup || !p->cgroup[0] || st_map_get(&st->cgroups, id))
		return;
	cg_set(st, id, p->cgroup, st_str_len(p->cgroup), &changed);
}
