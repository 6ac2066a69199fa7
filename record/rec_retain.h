/* rec_retain: the file ring of rec_out (its rotated files on disk).
 *
 * Internal to rec_out.c; the bounds are struct rec_out_ring (rec_out.h).
 */
#ifndef REC_RETAIN_H
#define REC_RETAIN_H

#include "rec_out.h"

/* Whether name (a directory entry) is a rotated name of the set written
 * for path: STEM.YYYYmmddTHHMMSSZ.sysrec or STEM.YYYYmmddTHHMMSSZ-N.sysrec. */
int rec_retain_is_member(const char *path, const char *name);
/* Takes the set's rotated files found on disk into o->rotated, oldest
 * (least recently written) first. */
int rec_retain_scan(struct rec_out *o, struct sr_err *err);
/* Appends name (just renamed into the set) to o->rotated. */
int rec_retain_add(struct rec_out *o, const char *name, struct sr_err *err);
/* Deletes o->rotated[0]; for_space counts it as a disk-pressure deletion. */
void rec_retain_drop_oldest(struct rec_out *o, int for_space);
/* Free bytes for an unprivileged writer on path's file system; UINT64_MAX
 * when unknown. */
uint64_t rec_retain_free_bytes(const struct rec_out *o);
void rec_retain_free(struct rec_out *o);

#endif
