/* evt_snap.c: PROCINFO and FDINFO records from typed fields (evt_snap.h). */
#include "evt_snap.h"

#include <string.h>

struct evt_bytes evt_str(const char *s)
{
	struct evt_bytes v = {s, s ? strlen(s) : 0};

	return v;
}

/* Adds v, remembering the first failure in *rc. */
static void add(struct evt_builder *b, int *rc, struct evt_bytes v)
{
	int r = evt_builder_add(b, v.p ? v.p : "", v.p ? v.len : 0);

	if (r && !*rc)
		*rc = r;
}

static void add_u64(struct evt_builder *b, int *rc, uint64_t v)
{
	struct evt_bytes x = {&v, 8};

	add(b, rc, x);
}

int evt_build_procinfo(struct evt_builder *b, const struct evt_rec *hdr,
		       const struct evt_procinfo *pi)
{
	int rc = 0;

	evt_builder_begin(b, EVT_PROCINFO, hdr);
	add(b, &rc, pi->exe);
	add(b, &rc, pi->exepath);
	add(b, &rc, pi->args);
	add(b, &rc, pi->cwd);
	add_u64(b, &rc, pi->tty);
	add_u64(b, &rc, pi->loginuid);
	add_u64(b, &rc, pi->euid);
	add_u64(b, &rc, pi->egid);
	add_u64(b, &rc, pi->start_ts);
	add(b, &rc, pi->cgroup);
	add(b, &rc, pi->container_id);
	add(b, &rc, pi->pod_uid);
	add_u64(b, &rc, (uint64_t)pi->vpid);
	add_u64(b, &rc, (uint64_t)pi->vtid);
	add_u64(b, &rc, pi->pidns);
	add_u64(b, &rc, pi->mntns);
	add_u64(b, &rc, pi->netns);
	add_u64(b, &rc, pi->flags);
	add(b, &rc, pi->env);
	return rc;
}

int evt_build_fdinfo(struct evt_builder *b, const struct evt_rec *hdr, const struct evt_fdinfo *fi)
{
	int rc = 0;

	evt_builder_begin(b, EVT_FDINFO, hdr);
	add_u64(b, &rc, (uint64_t)fi->fd);
	add_u64(b, &rc, (uint64_t)fi->type);
	add(b, &rc, fi->name);
	add(b, &rc, fi->tuple);
	add_u64(b, &rc, fi->flags);
	add_u64(b, &rc, fi->ino);
	return rc;
}
