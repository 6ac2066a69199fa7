/* evt_snap: typed builders of the state-snapshot records PROCINFO and FDINFO.
 *
 * The recorder's /proc walk, the state engine's periodic snapshot and the
 * .scap importer each describe a thread or an open fd; these builders put
 * the fields in the schema's parameter order (format/evt_schema.def), so no
 * caller lists the parameters by hand.
 */
#ifndef EVT_SNAP_H
#define EVT_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "evt.h"

/* A parameter's bytes: text without a NUL, or NUL-terminated strings for
 * string arrays. p may be NULL when len is 0. */
struct evt_bytes {
	const void *p;
	size_t len;
};

/* s as text (NULL: empty). */
struct evt_bytes evt_str(const char *s);

/* PROCINFO: one thread at snapshot time (the header carries pid, tid,
 * ppid, uid, gid, comm, cgroup_id). */
struct evt_procinfo {
	struct evt_bytes exe;	  /* argv[0] */
	struct evt_bytes exepath; /* the executable's full path */
	struct evt_bytes args;	  /* arguments after argv[0], each NUL-terminated */
	struct evt_bytes cwd;
	uint64_t tty, loginuid, euid, egid;
	uint64_t start_ts; /* ns since the epoch; 0 unknown */
	struct evt_bytes cgroup, container_id, pod_uid;
	int64_t vpid, vtid; /* in the thread's own pid namespace */
	uint64_t pidns, mntns, netns;
	uint64_t flags;	      /* EVT_EXEC_* */
	struct evt_bytes env; /* NUL-terminated strings; empty when not read */
};

/* FDINFO: one open fd of the header's process. */
struct evt_fdinfo {
	int64_t fd;
	enum evt_fdtype type;
	struct evt_bytes name;
	struct evt_bytes tuple; /* PT_SOCKTUPLE encoding (evt_abi.h); empty if none */
	uint64_t flags;		/* O_ flags */
	uint64_t ino;
};

/* Begin a record with hdr and add every parameter; evt_builder_finish()
 * completes it. 0, or the first error of evt_builder_add(). */
int evt_build_procinfo(struct evt_builder *b, const struct evt_rec *hdr,
		       const struct evt_procinfo *pi);
int evt_build_fdinfo(struct evt_builder *b, const struct evt_rec *hdr, const struct evt_fdinfo *fi);

#endif
