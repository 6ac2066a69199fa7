/* rec_out: the capture file(s) sysrec writes, with rotation.
 *
 * The file being written is always the -w path; rotation closes it, renames
 * it after its start time (see rec_usage; never onto an existing name) and
 * starts a new one, created as the first was (wopts.exclusive, mode 0600,
 * never through a link). Totals survive rotation for the final summary.
 *
 * A file ring (-W, or any retention limit: struct rec_out_ring) makes FILE
 * and its rotated siblings one set that rec_retain.c keeps bounded: the
 * oldest rotated files are deleted first, never FILE itself nor anything
 * whose name is not a rotated name of the set (evidence files). Opening a
 * ring continues the set found on disk: its rotated files count against
 * the limits, and a FILE left by an earlier run is renamed into the set.
 */
#ifndef REC_OUT_H
#define REC_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "../format/evt.h"
#include "../format/fmt_host.h"
#include "../format/fmt_writer.h"
#include "rec_cgroup.h"
#include "rec_sync.h"

/* The bounds of a file ring; all 0: no ring (FILE alone, or rotated files
 * kept for ever). */
struct rec_out_ring {
	unsigned keep;	     /* -W: files kept in all, the current one included */
	uint64_t max_bytes;  /* --max-bytes: the set's bytes, the current file included */
	uint64_t max_age_ns; /* --max-age: a rotated file last written longer ago goes */
	uint64_t min_free;   /* --min-free: free bytes kept on the file system */
};

/* A rotated file of the set. */
struct rec_out_file {
	char *name;
	uint64_t bytes;
	uint64_t mtime_ns;
};

struct rec_out {
	char path[4096];
	struct fmt_writer *w;
	struct fmt_host_info host;
	struct fmt_writer_opts wopts;
	uint64_t file_start_ns; /* epoch ns the current file was opened */
	struct rec_out_ring ring;
	struct rec_out_file *rotated; /* oldest first */
	size_t nrotated;
	uint64_t rotated_bytes;	      /* their sizes' sum */
	int current;		      /* the file at path is this run's, not yet renamed */
	size_t files;		      /* files started */
	struct fmt_writer_stats done; /* sums over closed files */
	int last_indexed;	      /* the last file closed got its index and trailer */
	size_t unindexed;	      /* files closed without (the disk stayed full) */
	size_t deleted_files;	      /* rotated files deleted by the ring, and their bytes */
	uint64_t deleted_bytes;
	size_t pressure_files; /* of those, deleted for disk space (min_free, ENOSPC) */
	size_t disk_full;      /* ENOSPC recovered from by rec_out_recover */
	size_t adopted;	       /* files of an earlier run taken into the set */
	/* CGROUPINFO: set by the caller after rec_out_open (NULL: none written) */
	struct rec_cg *cg;
	struct evt_builder cgb;
	uint64_t cgroupinfo;   /* CGROUPINFO records written */
	struct rec_sync *sync; /* --fsync: set by rec_out_set_sync, NULL: none */
	uint8_t *fix;	       /* copy of a snapshot record being corrected */
	size_t fix_cap;
};

/* ring: NULL or all 0 for no ring (see struct rec_out_ring). */
int rec_out_open(struct rec_out *o, const char *path, const struct fmt_host_info *host,
		 const struct fmt_writer_opts *wopts, const struct rec_out_ring *ring,
		 struct sr_err *err);
/* --fsync: the sync thread s syncs the current file and each one after it;
 * the directory is synced whenever a file is created. */
int rec_out_set_sync(struct rec_out *o, struct rec_sync *s, struct sr_err *err);
/* Appends a record; before it, a CGROUPINFO record when its header names a
 * cgroup id not yet described in this file. */
int rec_out_append(struct rec_out *o, const void *rec, size_t len, struct sr_err *err);
/* Only the CGROUPINFO part of rec_out_append: called before the record
 * goes through the live rules, so they see its cgroup (and container) as
 * a reader of the file will; rec_out_append then writes no second one.
 * *info (when info is not NULL) is the CGROUPINFO record written, valid
 * until the next call, or NULL when none was. */
int rec_out_announce(struct rec_out *o, const void *rec, size_t len, const void **info,
		     size_t *info_len, struct sr_err *err);
/* Records emitted between begin and end form a snapshot chunk. */
int rec_out_snapshot_begin(struct rec_out *o, struct sr_err *err);
int rec_out_snapshot_end(struct rec_out *o, struct sr_err *err);
/* Emit callback for rec_procfs_snapshot / st_snapshot_emit (ctx: struct rec_out_emit). */
struct rec_out_emit {
	struct rec_out *o;
	struct sr_err *err;
	uint64_t records;
	/* /proc snapshot: set each PROCINFO/FDINFO header's cgroup id from the
	 * process's unified-hierarchy cgroup (what the probe reports) */
	int fix_cgroup;
	uint32_t last_pid;
	uint64_t last_id;
};
int rec_out_emit_cb(void *ctx, const void *rec, size_t len);
/* Closes the current file, renames it, opens a fresh one at path. */
int rec_out_rotate(struct rec_out *o, struct sr_err *err);
/* A write failed with SR_ENOSPC: with a ring holding older files, closes
 * the current file (the writer already cut it after its last complete
 * chunk), renames it into the set, deletes the oldest files until there is
 * room, and opens a new FILE (0). Otherwise <0: the recording cannot go on. */
int rec_out_recover(struct rec_out *o, struct sr_err *err);
/* The ring's limits at now_ns (epoch): deletes what falls outside them. */
void rec_out_trim(struct rec_out *o, uint64_t now_ns);
/* Files of the set on disk (rotated and current) and their bytes. */
void rec_out_ring_usage(const struct rec_out *o, uint64_t *files, uint64_t *bytes);
/* Current totals, closed files included. */
void rec_out_stats(const struct rec_out *o, struct fmt_writer_stats *st);
/* Ends the recording's file. A full disk here is absorbed as while
 * recording: when a ring's older files made room for the index, the file is
 * whole, 0 is returned and disk_full counts it (its last chunk, refused, is
 * in the writer's events_lost); otherwise the error. */
int rec_out_close(struct rec_out *o, struct sr_err *err);
/* "cap.sysrec" started at ns -> "cap.20261129T134501Z.sysrec" (into buf). */
void rec_out_rotated_name(const char *path, uint64_t start_ns, char *buf, size_t cap);

#endif
