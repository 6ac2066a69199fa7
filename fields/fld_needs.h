/* fld_needs: which fields read the state engine.
 *
 * A replay that only counts or prints fields the record header carries
 * (evt.type, proc.name, thread.tid, evt.time...) gives the same answers
 * with or without the state engine, and running state is most of the cost
 * of a scan. These functions tell the caller whether it can skip state.
 *
 * "Header-only" assumes the record header is filled as the recorder fills
 * it: comm is never empty (with state, proc.name of an empty-comm record
 * would be the last comm the thread had). Callers use it for .sysrec input
 * only; .scap imports rebuild the header from sysdig's tables.
 */
#ifndef FLD_NEEDS_H
#define FLD_NEEDS_H

#include "fld.h"

/* 1 when extracting ref may read the state (threads, fds, users, groups,
 * rendered fd names); 0 when the record alone decides its value. An
 * unresolved or unknown ref counts as needing state. */
int fld_ref_needs_state(const struct fld_ref *ref);
/* strict: also count process identity fields (proc.pid, proc.name,
 * thread.tid) as state, for sources whose headers are not recorder-filled. */
int fld_ref_needs_state_ex(const struct fld_ref *ref, int strict);
/* Any field of the format needs state. */
int fld_format_needs_state(const struct fld_format *f);
/* The same with strict as in fld_ref_needs_state_ex(). Whether a compiled
 * filter needs state or order is the filter's question: flt_prog_needs_state()
 * and flt_prog_needs_order() (filter/flt.h). */
int fld_format_needs_state_ex(const struct fld_format *f, int strict);
/* 1 when a value may depend on the events before the one extracted, in
 * the order the run meets them (evt.num, evt.reltime, evt.deltatime), or
 * needs state: 0 means each event can be evaluated alone, on any thread,
 * in any order (a replay's worker threads do, chunk by chunk). num_ok:
 * evt.num does not count (a reader numbers what it passes over too). */
int fld_format_needs_order(const struct fld_format *f, int num_ok);
/* 1 when a value may depend on the state's fd tables (fd.*, rendered fd
 * arguments, proc.cwd, proc.exepath...): 0 means the state engine may run
 * without them (st_set_fd_tables) and still give this field right. */
int fld_format_needs_fds(const struct fld_format *f);
/* 1 for the fd fields of an open-like event a context without state gets
 * right once fld_ctx_fd_from_record says the record decides them: fd.num,
 * fd.type, fd.typechar, fd.name, fd.nameraw, fd.directory, fd.filename. */
int fld_ref_fd_from_record(const struct fld_ref *ref);
/* Modes of fld_ref_needs_mode beyond 0 state, 1 state strict, 2 order, 3
 * order with evt.num allowed: */
#define FLD_NEEDS_ORDER_OPEN_FD 4 /* order, the fields of fld_ref_fd_from_record allowed */
#define FLD_NEEDS_FDS		5 /* the fd tables */
/* The one test behind the functions above, by mode (for the filter's walk,
 * filter/flt_needs.c). */
int fld_ref_needs_mode(const struct fld_ref *ref, int mode);

#endif
