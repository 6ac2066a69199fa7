/* rec_out: the capture file(s) sysrec writes, with rotation.
 *
 * The file being written is always the -w path; rotation closes it, renames
 * it after its start time (see rec_usage; never onto an existing name) and
 * starts a new one, created as the first was (wopts.exclusive, mode 0600,
 * never through a link). Totals survive rotation for the final summary.
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

struct rec_out {
	char path[4096];
	struct fmt_writer *w;
	struct fmt_host_info host;
	struct fmt_writer_opts wopts;
	uint64_t file_start_ns; /* epoch ns the current file was opened */
	unsigned keep;		/* -W: files kept in all, 0 = no limit */
	char **rotated;		/* rotated names, oldest first */
	size_t nrotated;
	size_t files;		      /* files started */
	struct fmt_writer_stats done; /* sums over closed files */
	int last_indexed;	      /* the last file closed got its index and trailer */
	size_t deleted_files;	      /* rotated files deleted by -W, and their bytes */
	uint64_t deleted_bytes;
	/* CGROUPINFO: set by the caller after rec_out_open (NULL: none written) */
	struct rec_cg *cg;
	struct evt_builder cgb;
	uint64_t cgroupinfo;   /* CGROUPINFO records written */
	struct rec_sync *sync; /* --fsync: set by rec_out_set_sync, NULL: none */
	uint8_t *fix;	       /* copy of a snapshot record being corrected */
	size_t fix_cap;
};

int rec_out_open(struct rec_out *o, const char *path, const struct fmt_host_info *host,
		 const struct fmt_writer_opts *wopts, unsigned keep, struct sr_err *err);
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
/* Current totals, closed files included. */
void rec_out_stats(const struct rec_out *o, struct fmt_writer_stats *st);
int rec_out_close(struct rec_out *o, struct sr_err *err);
/* "cap.sysrec" started at ns -> "cap.20261129T134501Z.sysrec" (into buf). */
void rec_out_rotated_name(const char *path, uint64_t start_ns, char *buf, size_t cap);

#endif
