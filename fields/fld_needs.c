/* fld_needs.c: which fields read the state engine (see fld_needs.h).
 *
 * The list is an allow-list of fields whose extractor reads only the
 * record, the context's hostname and times: every other field (including
 * ones added later) counts as needing state, so a new field can never make
 * a state-free replay silently wrong. */
#include "fld_needs.h"

#include "fld_int.h"

/* strict: process identity (proc.pid, proc.name, thread.tid) counts as state
 * too, for sources whose record headers are not filled by the recorder
 * (.scap: the importer derives them from its own partial thread table). */
static int ref_needs(const struct fld_ref *ref, int strict)
{
	if (!ref || !ref->def)
		return 1;
	switch (ref->id) {
	case FLD_ID_EVT_NUM:
	case FLD_ID_EVT_TIME:
	case FLD_ID_EVT_TIME_S:
	case FLD_ID_EVT_TIME_ISO8601:
	case FLD_ID_EVT_DATETIME:
	case FLD_ID_EVT_DATETIME_S:
	case FLD_ID_EVT_RAWTIME:
	case FLD_ID_EVT_RAWTIME_S:
	case FLD_ID_EVT_RAWTIME_NS:
	case FLD_ID_EVT_RELTIME:
	case FLD_ID_EVT_RELTIME_S:
	case FLD_ID_EVT_RELTIME_NS:
	case FLD_ID_EVT_LATENCY:
	case FLD_ID_EVT_LATENCY_S:
	case FLD_ID_EVT_LATENCY_NS:
	case FLD_ID_EVT_LATENCY_HUMAN:
	case FLD_ID_EVT_DELTATIME:
	case FLD_ID_EVT_DELTATIME_S:
	case FLD_ID_EVT_DELTATIME_NS:
	case FLD_ID_EVT_DIR:
	case FLD_ID_EVT_TYPE:
	case FLD_ID_EVT_TYPE_IS:
	case FLD_ID_SYSCALL_TYPE:
	case FLD_ID_EVT_CATEGORY:
	case FLD_ID_EVT_CPU:
	case FLD_ID_EVT_BUFFER:
	case FLD_ID_EVT_BUFLEN:
	case FLD_ID_EVT_RES:
	case FLD_ID_EVT_RAWRES:
	case FLD_ID_EVT_FAILED:
	case FLD_ID_EVT_IS_IO:
	case FLD_ID_EVT_IS_IO_READ:
	case FLD_ID_EVT_IS_IO_WRITE:
	case FLD_ID_EVT_IO_DIR:
	case FLD_ID_EVT_IS_WAIT:
	case FLD_ID_EVT_COUNT:
	case FLD_ID_EVT_COUNT_EXIT:
	case FLD_ID_EVT_COUNT_ERROR:
	case FLD_ID_EVT_COUNT_ERROR_FILE:
	case FLD_ID_EVT_COUNT_ERROR_NET:
	case FLD_ID_EVT_COUNT_ERROR_MEMORY:
	case FLD_ID_EVT_COUNT_ERROR_OTHER:
	case FLD_ID_EVT_IS_OPEN_READ:
	case FLD_ID_EVT_IS_OPEN_WRITE:
	case FLD_ID_EVT_IS_OPEN_EXEC:
	case FLD_ID_EVT_IS_OPEN_CREATE:
	case FLD_ID_EVT_HOSTNAME:
	case FLD_ID_EVT_SOURCE:
	/* The state refreshes these from every record header it sees, so
	 * they equal the header's values (comm: when the header has one). */
	case FLD_ID_PROC_PID:
	case FLD_ID_PROC_NAME:
	case FLD_ID_THREAD_TID:
		return strict;
	}
	return 1;
}

int fld_ref_needs_state_ex(const struct fld_ref *ref, int strict)
{
	return ref_needs(ref, strict);
}

int fld_ref_needs_state(const struct fld_ref *ref)
{
	return ref_needs(ref, 0);
}

/* Values that depend on the events before this one in the stream, not on
 * the record alone (num_ok: evt.num excepted). Modes of the walks below:
 * 0 and 1 the state tests (strict), 2 and 3 this one (3: num_ok). */
static int ref_needs_order(const struct fld_ref *ref, int num_ok)
{
	if (ref_needs(ref, 0))
		return 1;
	switch (ref->id) {
	case FLD_ID_EVT_NUM:
		return !num_ok;
	case FLD_ID_EVT_RELTIME:
	case FLD_ID_EVT_RELTIME_S:
	case FLD_ID_EVT_RELTIME_NS:
	case FLD_ID_EVT_DELTATIME:
	case FLD_ID_EVT_DELTATIME_S:
	case FLD_ID_EVT_DELTATIME_NS:
		return 1;
	}
	return 0;
}

/* Values that may read the fd tables, or what events apply through them
 * (proc.cwd after fchdir, proc.exepath after an exec through a dirfd). An
 * allow-list again: the record-only fields and the process, thread and
 * user fields below, which the tables never feed; any other field (a new
 * one too) counts as reading them. */
static int ref_needs_fds(const struct fld_ref *ref)
{
	if (!ref_needs(ref, 0))
		return 0;
	switch (ref->id) {
	case FLD_ID_PROC_PID:
	case FLD_ID_PROC_NAME:
	case FLD_ID_PROC_ARGS:
	case FLD_ID_PROC_ENV:
	case FLD_ID_PROC_CMDLINE:
	case FLD_ID_PROC_NTHREADS:
	case FLD_ID_PROC_NCHILDS:
	case FLD_ID_PROC_PPID:
	case FLD_ID_PROC_PNAME:
	case FLD_ID_PROC_PCMDLINE:
	case FLD_ID_PROC_APID:
	case FLD_ID_PROC_ANAME:
	case FLD_ID_PROC_LOGINSHELLID:
	case FLD_ID_PROC_DURATION:
	case FLD_ID_PROC_PPID_DURATION:
	case FLD_ID_PROC_PID_TS:
	case FLD_ID_PROC_PPID_TS:
	case FLD_ID_PROC_TTY:
	case FLD_ID_PROC_VPID:
	case FLD_ID_PROC_PVPID:
	case FLD_ID_THREAD_TID:
	case FLD_ID_THREAD_VTID:
	case FLD_ID_THREAD_ISMAIN:
	case FLD_ID_USER_UID:
	case FLD_ID_USER_NAME:
	case FLD_ID_USER_HOMEDIR:
	case FLD_ID_USER_SHELL:
	case FLD_ID_USER_LOGINUID:
	case FLD_ID_USER_LOGINNAME:
	case FLD_ID_GROUP_GID:
	case FLD_ID_GROUP_NAME:
		return 0;
	}
	return 1;
}

int fld_ref_fd_from_record(const struct fld_ref *ref)
{
	switch (ref ? ref->id : -1) {
	case FLD_ID_FD_NUM:
	case FLD_ID_FD_TYPE:
	case FLD_ID_FD_TYPECHAR:
	case FLD_ID_FD_NAME:
	case FLD_ID_FD_NAMERAW: /* an open's path parameter, as written */
	case FLD_ID_FD_DIRECTORY:
	case FLD_ID_FD_FILENAME:
		return ref->def && !(ref->def->flags & FLD_F_UNAVAILABLE);
	}
	return 0;
}

int fld_ref_needs_mode(const struct fld_ref *ref, int mode)
{
	if (mode == FLD_NEEDS_FDS)
		return ref_needs_fds(ref);
	if (mode == FLD_NEEDS_ORDER_OPEN_FD)
		return !fld_ref_fd_from_record(ref) && ref_needs_order(ref, 0);
	return mode >= 2 ? ref_needs_order(ref, mode == 3) : ref_needs(ref, mode);
}

static int format_needs(const struct fld_format *f, int mode)
{
	const struct fld_ref *refs[64];
	size_t n;

	if (!f)
		return 0;
	n = fld_format_fields(f, refs, 64);
	if (n > 64)
		return 1; /* more than we looked at: stay safe */
	for (size_t i = 0; i < n; i++)
		if (fld_ref_needs_mode(refs[i], mode))
			return 1;
	return 0;
}

int fld_format_needs_state_ex(const struct fld_format *f, int strict)
{
	return format_needs(f, strict);
}

int fld_format_needs_order(const struct fld_format *f, int num_ok)
{
	return format_needs(f, num_ok ? 3 : 2);
}

int fld_format_needs_state(const struct fld_format *f)
{
	return fld_format_needs_state_ex(f, 0);
}

int fld_format_needs_fds(const struct fld_format *f)
{
	return format_needs(f, FLD_NEEDS_FDS);
}
