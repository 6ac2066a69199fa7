/* rec_cgroup: cgroup ids (as the probe reports them) to cgroup paths.
 *
 * The probe puts the task's cgroup id in every record header: the inode
 * number of its directory in the unified (v2) hierarchy, mounted at
 * /sys/fs/cgroup on pure-v2 machines and /sys/fs/cgroup/unified on hybrid
 * ones. The recorder writes a CGROUPINFO record (id, path relative to that
 * mount, as /proc/PID/cgroup's "0::" line shows it) the first time each id
 * appears in a file, so readers can name the container of a process that
 * moved into its cgroup after the /proc snapshot.
 *
 * Resolving: the path the probe reported when the cgroup was made (a
 * cgroup can be gone before the first record of its processes is read);
 * else /proc/PID/cgroup of a process seen in that cgroup, checked by the
 * directory's inode; else a walk of the hierarchy. Results (misses too)
 * are cached, so an id costs one lookup after the first.
 */
#ifndef REC_CGROUP_H
#define REC_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"

struct rec_cg_ent;

struct rec_cg {
	char mnt[4096]; /* cgroup2 mount point; "" when there is none */
	struct rec_cg_ent *tab;
	size_t cap, n;
	uint32_t gen;	    /* file generation: an id is announced once per file */
	uint64_t last_walk; /* CLOCK_MONOTONIC ns of the last hierarchy walk */
	uint64_t walks;	    /* for tests and -v */
};

/* Finds the cgroup2 mount (from /proc/self/mountinfo). Never fails: without
 * cgroup2, ids resolve to nothing and no CGROUPINFO is written. */
int rec_cg_init(struct rec_cg *c, struct sr_err *err);
void rec_cg_free(struct rec_cg *c);
/* A new file starts: every id is announced again. */
void rec_cg_new_file(struct rec_cg *c);
/* 1 when id (nonzero) has not been announced in this file yet, or its
 * last announcement found no path and it may still be found (at most
 * 16 tries), and marks it; 0 otherwise. */
int rec_cg_first(struct rec_cg *c, uint64_t id);
/* Path of cgroup id (relative to the cgroup2 mount, "/" for the root), using
 * pid as a hint; NULL when it cannot be found (the cgroup is gone). */
const char *rec_cg_path(struct rec_cg *c, uint64_t id, uint32_t pid);
/* The probe saw cgroup id made at path (from the hierarchy's root): kept,
 * so the id resolves after the cgroup is gone. Not kept when the directory
 * at that path is another cgroup (the recorder sees another root). */
void rec_cg_learn(struct rec_cg *c, uint64_t id, const char *path);
/* 1 when id has no path yet but is worth asking again (fewer than 16
 * failed tries). */
int rec_cg_retry(struct rec_cg *c, uint64_t id);
/* The id of pid's cgroup now (0 if unknown). */
uint64_t rec_cg_id_of_pid(struct rec_cg *c, uint32_t pid);

/* Resolves --cgroup PATH (a cgroup v2 directory) to its id and depth. */
int rec_cgroup_resolve(const char *path, uint64_t *id, uint32_t *level, struct sr_err *err);

#endif
