/* fld_fd.c: fd.* fields and the paths events name (evt.abspath, fs.path.*). */
#include <stdio.h>
#include <string.h>

#include "fld_int.h"

/* The names of the schema's FT_FDTYPE table (format/evt_flags.c); sysdig
 * has no "other": those show as "unknown". */
const char *fld_fd_typename(enum evt_fdtype t)
{
	size_t n;
	const struct evt_flag_name *names = evt_ftable_get(FT_FDTYPE, &n);

	for (size_t i = 0; t != FDT_OTHER && i < n; i++)
		if (names[i].value == (uint64_t)t)
			return names[i].name;
	return "unknown";
}

char fld_fd_typechar(enum evt_fdtype t)
{
	switch (t) {
	case FDT_FILE:
		return 'f';
	case FDT_DIRECTORY:
		return 'd';
	case FDT_IPV4:
		return '4';
	case FDT_IPV6:
		return '6';
	case FDT_UNIX:
		return 'u';
	case FDT_PIPE:
		return 'p';
	case FDT_EVENT:
		return 'e';
	case FDT_SIGNALFD:
		return 's';
	case FDT_EVENTPOLL:
		return 'l';
	case FDT_INOTIFY:
		return 'i';
	case FDT_TIMERFD:
		return 't';
	case FDT_NETLINK:
		return 'n';
	case FDT_MEMFD:
		return 'm';
	case FDT_BPF:
		return 'b';
	case FDT_USERFAULTFD:
		return 'u';
	case FDT_IOURING:
		return 'r';
	case FDT_UNKNOWN:
	case FDT_OTHER:
		break;
	}
	return 'o';
}

/* ---- paths named by events: the schema's EP_PATH roles ---- */
int fld_event_path_param(unsigned type, int which, int *dirfd_idx)
{
	static const unsigned role[] = {EP_PATH, EP_PATH_SRC, EP_PATH_DST};

	if (which < 0 || which > 2) {
		*dirfd_idx = -1;
		return -1;
	}
	return evt_param_role(type, role[which], dirfd_idx);
}

int fld_event_abspath(struct fld_ctx *c, int which, struct sr_sb *b)
{
	const struct evt *ev = c->ev;
	int dfi, i = fld_event_path_param(ev->rec->type, which, &dfi);
	const char *dir = NULL;
	const struct st_thread *t = fld_thread(c);

	if (i < 0 || !evt_param_present(ev, (unsigned)i))
		return 0;
	if (dfi >= 0 && evt_param_present(ev, (unsigned)dfi)) {
		int64_t dfd = evt_param_s64(ev, (unsigned)dfi);
		if (dfd != -100 && c->st) {
			const struct st_fd *f = st_fd_get(c->st, t->pid, dfd);
			dir = f ? f->name : NULL;
		} else if (dfd == -100) {
			dir = t->cwd;
		}
	} else {
		dir = t->cwd;
	}
	fld_path_join(b, dir, (const char *)ev->p[i], ev->plen[i]);
	return 1;
}

/* ---- fd fields ---- */
static int open_like(unsigned t)
{
	return (evt_type_flags(t) & EF_OPEN) != 0;
}

/* The path of a failed open, for which no fd exists: sysdig still gives it
 * fd.name (so rules can watch failed opens), fd.num -1 and fd.typechar 'f'. */
static int failed_open_name(struct fld_ctx *c, struct fld_value *out)
{
	const struct evt_rec *r = c->ev->rec;
	struct sr_sb b;

	if (!open_like(r->type) || r->res >= 0)
		return 0;
	fld_scratch_begin(&b, c);
	if (!fld_event_abspath(c, 0, &b))
		return 0;
	fld_scratch_commit(&b, c);
	return fld_set_str(out, b.p, b.len);
}

static int is_inet(const struct st_fd *f)
{
	return f && (f->type == FDT_IPV4 || f->type == FDT_IPV6) &&
	       (f->family == 2 || f->family == 10);
}

static int inet_known(const struct st_fd *f)
{
	return is_inet(f) && (f->lport || f->rport);
}

/* Client/server sides: the server is the local end of accepted and
 * listening sockets, the remote end otherwise. */
static int server_is_local(const struct st_fd *f)
{
	return f->is_server == 1;
}

static int put_ip(struct fld_value *out, const struct st_fd *f, int local)
{
	return fld_set_ip(out, f->family, local ? f->lip : f->rip);
}

static int put_port(struct fld_value *out, uint16_t port)
{
	return fld_set_typed_uint(out, FT_V_PORT, port);
}

static int put_dir_or_base(struct fld_ctx *c, const struct st_fd *f, int base,
			   struct fld_value *out)
{
	struct fld_value nm;
	const char *b;
	size_t dl, bl;

	if (f) {
		if (!f->name)
			return 0;
		if (f->type == FDT_DIRECTORY)
			return base ? 0 : fld_set_cstr(out, f->name);
		if (f->type != FDT_FILE)
			return 0;
		nm.s = f->name;
		nm.len = strlen(f->name);
	} else if (!failed_open_name(c, &nm)) {
		return 0;
	}
	fld_path_split(nm.s, nm.len, &dl, &b, &bl);
	if (base)
		return fld_set_str(out, b, bl);
	return fld_set_str(out, nm.s, dl);
}

size_t fld_multi_fd(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out, size_t max)
{
	const struct st_fd *f = fld_fd(c);
	size_t n = 0;

	switch (ref->id) {
	case FLD_ID_FD_IP:
	case FLD_ID_FD_NET:
		if (!inet_known(f))
			return 0;
		put_ip(&out[n++], f, !server_is_local(f));
		if (n < max)
			put_ip(&out[n++], f, server_is_local(f));
		return n;
	case FLD_ID_FD_PORT:
		if (!inet_known(f))
			return 0;
		put_port(&out[n++], server_is_local(f) ? f->rport : f->lport);
		if (n < max)
			put_port(&out[n++], server_is_local(f) ? f->lport : f->rport);
		return n;
	case FLD_ID_FD_TYPES: {
		/* Distinct types of the process's open fds, in fd order. */
		uint32_t seen = 0;
		const struct st_thread *t = fld_thread(c);
		if (!c->st)
			return 0;
		for (int64_t fd = 0; fd < 1024 && n < max; fd++) {
			const struct st_fd *x = st_fd_get(c->st, t->pid, fd);
			if (!x || (seen & (1u << (x->type & 31))))
				continue;
			seen |= 1u << (x->type & 31);
			fld_set_cstr(&out[n++], fld_fd_typename(x->type));
		}
		return n;
	}
	}
	return (size_t)fld_extract_fd(ref, c, out);
}

int fld_extract_fd(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out)
{
	const struct st_fd *f = fld_fd(c);
	const struct evt_rec *r = c->ev->rec;
	int sl;

	switch (ref->id) {
	case FLD_ID_FD_NUM:
		if (f)
			return fld_set_int(out, f->fd);
		if (open_like(r->type) && r->res < 0)
			return fld_set_int(out, -1);
		if (c->st) {
			/* fds are 32-bit in the kernel; some writers zero-extend -1 */
			int64_t fd = st_event_fdnum(c->st);
			if (fd >= 0x80000000LL && fd <= 0xffffffffLL)
				fd = (int32_t)(uint32_t)fd;
			if (fd >= 0)
				return fld_set_int(out, fd);
		}
		return 0;
	case FLD_ID_FD_TYPE:
		return f ? fld_set_cstr(out, fld_fd_typename(f->type)) : 0;
	case FLD_ID_FD_TYPECHAR:
		if (f) {
			/* every type char lives in this string: no scratch needed */
			static const char chars[] = "fd46upeslitnmbro";
			const char *p = memchr(chars, fld_fd_typechar(f->type), sizeof(chars) - 1);
			return p ? fld_set_str(out, p, 1) : 0;
		}
		if (open_like(r->type) && r->res < 0)
			return fld_set_str(out, "f", 1);
		return 0;
	case FLD_ID_FD_NAME:
		if (f)
			return fld_set_cstr(out, f->name ? f->name : "");
		return failed_open_name(c, out);
	case FLD_ID_FD_NAMERAW: {
		int dfi, i = fld_event_path_param(r->type, 0, &dfi);
		if (open_like(r->type) && i >= 0 && evt_param_present(c->ev, (unsigned)i))
			return fld_set_str(out, (const char *)c->ev->p[i], c->ev->plen[i]);
		if (f)
			return fld_set_cstr(out, f->name ? f->name : "");
		return 0;
	}
	case FLD_ID_FD_DIRECTORY:
		return put_dir_or_base(c, f, 0, out);
	case FLD_ID_FD_FILENAME:
		return put_dir_or_base(c, f, 1, out);
	case FLD_ID_FD_INO:
		return f && f->ino ? fld_set_uint(out, f->ino) : 0;
	case FLD_ID_FD_IP:
	case FLD_ID_FD_NET:
	case FLD_ID_FD_CIP:
	case FLD_ID_FD_CNET:
		if (!inet_known(f))
			return 0;
		return put_ip(out, f, !server_is_local(f));
	case FLD_ID_FD_SIP:
	case FLD_ID_FD_SNET:
		if (!inet_known(f))
			return 0;
		return put_ip(out, f, server_is_local(f));
	case FLD_ID_FD_LIP:
	case FLD_ID_FD_LNET:
		return inet_known(f) ? put_ip(out, f, 1) : 0;
	case FLD_ID_FD_RIP:
	case FLD_ID_FD_RNET:
		return inet_known(f) ? put_ip(out, f, 0) : 0;
	case FLD_ID_FD_PORT:
	case FLD_ID_FD_CPORT:
		if (!inet_known(f))
			return 0;
		return put_port(out, server_is_local(f) ? f->rport : f->lport);
	case FLD_ID_FD_SPORT:
		if (!inet_known(f))
			return 0;
		return put_port(out, server_is_local(f) ? f->lport : f->rport);
	case FLD_ID_FD_LPORT:
		return inet_known(f) ? put_port(out, f->lport) : 0;
	case FLD_ID_FD_RPORT:
		return inet_known(f) ? put_port(out, f->rport) : 0;
	case FLD_ID_FD_L4PROTO:
		if (!is_inet(f))
			return 0;
		switch (f->l4proto) {
		case 6:
			return fld_set_str(out, "tcp", 3);
		case 17:
			return fld_set_str(out, "udp", 3);
		case 1:
		case 58:
			return fld_set_str(out, "icmp", 4);
		case 255:
			return fld_set_str(out, "raw", 3);
		}
		/* accepted connections are stream sockets: over IP, TCP (the
		 * accept event does not repeat the listening socket's protocol) */
		if (f->is_server == 1 && f->rport)
			return fld_set_str(out, "tcp", 3);
		return 0;
	case FLD_ID_FD_SOCKFAMILY:
		if (is_inet(f))
			return fld_set_str(out, "ip", 2);
		if (f && f->type == FDT_UNIX)
			return fld_set_str(out, "unix", 4);
		return 0;
	case FLD_ID_FD_IS_SERVER:
		return f ? fld_set_bool(out, f->is_server == 1) : 0;
	case FLD_ID_FD_UID: {
		/* sysdig's: the thread id and the fd number written one after the other. */
		char *p = fld_scratch_alloc(c, 48);
		int64_t fd = f ? f->fd : (c->st ? st_event_fdnum(c->st) : -1);
		if (fd < 0 || !p)
			return 0;
		sl = snprintf(p, 48, "%u%lld", fld_thread(c)->tid, (long long)fd);
		return fld_set_str(out, p, sl > 0 ? (size_t)sl : 0);
	}
	case FLD_ID_FD_CONTAINERNAME:
	case FLD_ID_FD_CONTAINERDIRECTORY: {
		struct fld_value id, nm;
		struct fld_ref r2 = {0};
		struct sr_sb b;
		int ok;
		if (ref->id == FLD_ID_FD_CONTAINERNAME)
			ok = f ? fld_set_cstr(&nm, f->name ? f->name : "")
			       : failed_open_name(c, &nm);
		else
			ok = put_dir_or_base(c, f, 0, &nm);
		if (!ok)
			return 0;
		r2.id = FLD_ID_CONTAINER_ID;
		fld_extract_proc(&r2, c, &id);
		fld_scratch_begin(&b, c);
		sr_sb_put(&b, id.s, id.len);
		sr_sb_putc(&b, ':');
		sr_sb_put(&b, nm.s, nm.len);
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	}
	case FLD_ID_FD_CONNECTED:
		return fld_set_bool(out, inet_known(f) && f->rport != 0);
	case FLD_ID_FD_NAME_CHANGED:
		return fld_set_bool(out,
				    f && r->res >= 0 && (evt_type_flags(r->type) & EF_SOCK_NAME));
	case FLD_ID_FD_TYPES: {
		const struct st_fd *x;
		if (ref->arg_index < 0)
			return fld_multi_fd(ref, c, out, 1) ? 1 : 0;
		if (!c->st)
			return 0;
		x = st_fd_get(c->st, fld_thread(c)->pid, ref->arg_index);
		return x ? fld_set_cstr(out, fld_fd_typename(x->type)) : 0;
	}
	}
	return 0;
}
