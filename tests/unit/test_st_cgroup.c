/* test_st_cgroup: container ids from CGROUPINFO records and header cgroup ids. */
#include <stdio.h>
#include <string.h>

#include "tests/tap.h"
#include "test_st_helpers.h"

#define CID  "3f4e9d1c2b5a69788796a5b4c3d2e1f001122334455667788990aabbccddeeff"
#define CID2 "aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44"

static void cgroupinfo(struct st_state *st, uint32_t pid, uint64_t id, const char *path)
{
	tcg = id;
	ev_begin(EVT_CGROUPINFO, pid, pid, 1, 0);
	ev_u(id);
	ev_str(path);
	ev_run(st);
}

/* A read by (pid, tid) with header cgroup id cg. */
static void ev_read(struct st_state *st, uint32_t pid, uint32_t tid, uint64_t cg)
{
	tcg = cg;
	ev_begin(EVT_READ, pid, tid, 1, 0);
	ev_s(0);
	ev_u(0);
	ev_bytes("", 0);
	ev_run(st);
}

static const char *cid_of(struct st_state *st, uint32_t tid)
{
	const struct st_thread *t = st_thread_get(st, tid);

	return t ? t->container_id : "(none)";
}

static void snapshot_host(struct st_state *st)
{
	tcg = 10;
	ev_begin(EVT_SNAP_BEGIN, 0, 0, 0, 0);
	ev_u(1);
	ev_run(st);
	ev_procinfo(st, 50, 50, 1, "bash", "/usr/bin/bash", "", 0, "/",
		    "/user.slice/session-1.scope");
	ev_begin(EVT_SNAP_END, 0, 0, 0, 0);
	ev_u(1);
	ev_run(st);
}

TEST(new_process_named_by_cgroupinfo)
{
	struct st_state *st = st_new();
	const struct st_thread *t;

	snapshot_host(st);
	CHECK_STR(cid_of(st, 50), "host");
	/* pid 60 started after the snapshot in a docker cgroup. */
	cgroupinfo(st, 60, 20, "/system.slice/docker-" CID ".scope");
	ev_read(st, 60, 60, 20);
	t = st_thread_get(st, 60);
	CHECK(t != NULL);
	if (t) {
		CHECK_STR(t->container_id, "3f4e9d1c2b5a");
		CHECK_STR(t->container_full_id, CID);
		CHECK_STR(t->cgroup, "/system.slice/docker-" CID ".scope");
		CHECK_EQ_INT((int)t->cgroup_id, 20);
	}
	/* A thread of it met later, and a child it forks, keep it. */
	ev_read(st, 60, 61, 20);
	CHECK_STR(cid_of(st, 61), "3f4e9d1c2b5a");
	/* another process in the same cgroup, no CGROUPINFO again (one per file) */
	ev_read(st, 62, 62, 20);
	CHECK_STR(cid_of(st, 62), "3f4e9d1c2b5a");
	/* The host process is untouched. */
	ev_read(st, 50, 50, 10);
	CHECK_STR(cid_of(st, 50), "host");
	st_free(st);
}

TEST(process_moving_into_container)
{
	struct st_state *st = st_new();
	const struct st_thread *t;

	snapshot_host(st);
	ev_read(st, 50, 50, 10);
	CHECK_STR(cid_of(st, 50), "host");
	cgroupinfo(
	    st, 50, 30,
	    "/kubepods.slice/kubepods-besteffort.slice/"
	    "kubepods-besteffort-pod1b2c3d4e_0000_1111_2222_333344445555.slice/cri-containerd-" CID2
	    ".scope");
	ev_read(st, 50, 50, 30);
	t = st_thread_get(st, 50);
	CHECK(t != NULL);
	if (t) {
		CHECK_STR(t->container_id, "aa11bb22cc33");
		CHECK_STR(t->pod_uid, "1b2c3d4e-0000-1111-2222-333344445555");
		CHECK(strstr(t->cgroup, "cri-containerd-") != NULL);
	}
	/* Back to the cgroup the snapshot named: host again (the PROCINFO
	 * taught the id its path). */
	ev_read(st, 50, 50, 10);
	t = st_thread_get(st, 50);
	CHECK_STR(t ? t->container_id : "", "host");
	CHECK_STR(t ? t->cgroup : "", "/user.slice/session-1.scope");
	CHECK_STR(t ? t->pod_uid : "x", "");
	st_free(st);
}

TEST(host_stays_host)
{
	struct st_state *st = st_new();
	const struct st_thread *t;

	snapshot_host(st);
	/* a new host process in the snapshot's cgroup, another in a named
	 * host cgroup, another in a cgroup nobody named */
	ev_read(st, 70, 70, 10);
	cgroupinfo(st, 71, 11, "/system.slice/cron.service");
	ev_read(st, 71, 71, 11);
	ev_read(st, 72, 72, 99);
	CHECK_STR(cid_of(st, 70), "host");
	CHECK_STR(cid_of(st, 71), "host");
	CHECK_STR(cid_of(st, 72), "host");
	t = st_thread_get(st, 71);
	CHECK_STR(t ? t->cgroup : "", "/system.slice/cron.service");
	CHECK_STR(t ? t->container_full_id : "", "host");
	st_free(st);
}

TEST(snapshot_container_kept_when_ids_unknown)
{
	/* cgroup v1 hosts: the snapshot names the container from a v1 path
	 * with no cgroup id, and headers carry an id nothing names. */
	struct st_state *st = st_new();

	tcg = 0;
	ev_procinfo(st, 80, 80, 1, "nginx", "/usr/sbin/nginx", "", 0, "/", "/docker/" CID);
	CHECK_STR(cid_of(st, 80), "3f4e9d1c2b5a");
	ev_read(st, 80, 80, 1);
	ev_read(st, 80, 80, 1);
	CHECK_STR(cid_of(st, 80), "3f4e9d1c2b5a");
	st_free(st);
}

TEST(late_cgroupinfo_reaches_process)
{
	/* A header named the id before its CGROUPINFO (a lost record, or
	 * files merged out of order): the CGROUPINFO still reaches it. */
	struct st_state *st = st_new();

	ev_read(st, 90, 90, 40);
	CHECK_STR(cid_of(st, 90), "host");
	cgroupinfo(st, 91, 40, "/docker/" CID2);
	CHECK_STR(cid_of(st, 90), "aa11bb22cc33");
	CHECK_STR(cid_of(st, 91), "aa11bb22cc33");
	/* the id reused for another cgroup (inode reuse) */
	cgroupinfo(st, 91, 40, "/docker/" CID);
	CHECK_STR(cid_of(st, 90), "3f4e9d1c2b5a");
	st_free(st);
}

TEST(cgroup_map_bounded)
{
	struct st_state *st = st_new();
	struct st_stats a, b;
	char path[128];

	for (unsigned i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/docker/%064x", i + 1);
		cgroupinfo(st, 100, 1000 + i, path);
	}
	st_get_stats(st, &a);
	for (unsigned i = 100; i < 20000; i++) {
		snprintf(path, sizeof(path), "/docker/%064x", i + 1);
		cgroupinfo(st, 100, 1000 + i, path);
	}
	st_get_stats(st, &b);
	/* 20000 ids held at most 4096 entries (about 100 bytes each) */
	CHECK(b.mem_bytes - a.mem_bytes < 4096 * 400);
	/* the latest still resolves */
	ev_read(st, 101, 101, 1000 + 19999);
	snprintf(path, sizeof(path), "%064x", 20000);
	CHECK(strncmp(cid_of(st, 101), path, 12) == 0);
	st_free(st);
}
