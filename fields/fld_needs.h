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
#include "flt.h"

/* 1 when extracting ref may read the state (threads, fds, users, groups,
 * rendered fd names); 0 when the record alone decides its value. An
 * unresolved or unknown ref counts as needing state. */
int fld_ref_needs_state(const struct fld_ref *ref);
/* Any field of the format needs state. */
int fld_format_needs_state(const struct fld_format *f);
/* Any field the compiled filter reads needs state (NULL: 0). */
int flt_prog_needs_state(const struct flt_prog *p);
/* strict: also count process identity fields (proc.pid, proc.name,
 * thread.tid) as state, for sources whose headers are not recorder-filled. */
int fld_format_needs_state_ex(const struct fld_format *f, int strict);
int flt_prog_needs_state_ex(const struct flt_prog *p, int strict);
/* 1 when a value may depend on the events before the one extracted, in
 * the order the run meets them (evt.num, evt.reltime, evt.deltatime), or
 * needs state: 0 means each event can be evaluated alone, on any thread,
 * in any order (a replay's worker threads do, chunk by chunk). num_ok:
 * evt.num does not count (a reader numbers what it passes over too). */
int fld_format_needs_order(const struct fld_format *f, int num_ok);
int flt_prog_needs_order(const struct flt_prog *p);
/* Parts of p's condition that must all hold for it to hold (the operands
 * of its top-level `and`, nested ones flattened) and that read neither
 * state nor earlier events: one of them false (flt_eval_part) rules the
 * whole condition out, on any thread. Up to max of them; how many. */
size_t flt_prog_free_parts(const struct flt_prog *p, const struct flt_pnode **out, size_t max);

#endif
