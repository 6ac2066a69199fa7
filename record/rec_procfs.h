/* rec_procfs: the recorder's first state snapshot, read from /proc.
 *
 * rec_procfs_snapshot() walks every process and thread of this machine and
 * emits SNAP_BEGIN, PROCINFO (one per thread, leader first), FDINFO (per open
 * fd, after its process), USERINFO (/etc/passwd), GROUPINFO (/etc/group) and
 * SNAP_END records through emit, each a whole record (struct evt_rec first,
 * ts = ts_ns). When st is not NULL every record is also applied to it
 * (st_event_begin/end), so the recorder's state engine starts primed.
 *
 * Processes that vanish mid-walk are skipped silently. Environments are not
 * read. Sockets are matched by inode against the tcp, tcp6, udp, udp6, unix
 * and netlink tables of the process's own network namespace, each
 * namespace's read once (rec_procfs_sock.h).
 * self is the recorder's pid; it is included like every other process.
 * Returns 0, the first non-zero value emit returned, or a negative SR_E*
 * code with err filled.
 */
#ifndef REC_PROCFS_H
#define REC_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/sr_err.h"
#include "../state/st.h"

int rec_procfs_snapshot(struct st_state *st, uint64_t ts_ns,
			int (*emit)(void *ctx, const void *rec, size_t len), void *ctx, pid_t self,
			struct sr_err *err);

/* A /proc/PID/cgroup text's cgroup: path gets the unified (v2, "0::")
 * path, or on v1-only hosts the path of the first hierarchy naming a
 * container (else the first one); id/pod as st_container_from_cgroup, from
 * the v2 path or, failing that, the first v1 line naming a container (hybrid
 * hosts). Returns 1 when path is a v2 path (its directory's inode is then
 * the cgroup id), 0 otherwise. */
int rec_procfs_cgroup(const char *text, char *path, size_t cap, char id[65], char pod[64]);

/* Reads a whole small file (a /proc entry) into buf, at most cap - 1 bytes,
 * always NUL-terminated; returns the bytes read or -1 if it cannot be opened. */
ssize_t rec_procfs_read(const char *path, char *buf, size_t cap);

/* Mount point of the cgroup2 (unified) hierarchy from mountinfo, octal
 * escapes decoded: /sys/fs/cgroup on v2 hosts, /sys/fs/cgroup/unified on
 * hybrid ones; "" when there is none. */
void rec_procfs_cg2_mount(char *out, size_t cap);

/* Where to read from (default "/proc" and "/etc"): tests and containers. */
void rec_procfs_set_roots(const char *proc_root, const char *etc_root);

#endif
