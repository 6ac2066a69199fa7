/* st_evfd.c: events that create, copy, describe or close file descriptors. */
#include "st_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
#define ST_AT_FDCWD	   (-100)
#define ST_EINPROGRESS	   115
#define ST_F_DUPFD	   0
#define ST_F_SETFD	   2
#define ST_F_DUPFD_CLOEXEC 1030
#define ST_MFD_CLOEXEC	   1u

const char *st_resolve_path(struct st_state *st, struct st_proc *p, int64_t dirfd,
			    const uint8_t *path, uint32_t len, size_t *out_len)
{
	const char *base = NULL;
	int n;

	*out_len = 0;
	if (!path)
		return NULL;
	if (len && path[0] != '/') {
		if (dirfd != ST_AT_FDCWD && dirfd >= 0) {
			struct st_fdent *e = st_fd_find(p, dirfd);
			if (e && e->pub.name && e->pub.name[0] == '/')
				base = e->pub.name;
		} else if (p->cwd && p->cwd[0] == '/') {
			base = p->cwd;
		}
		/* Unknown base: keep the path as the caller wrote it rather than
		 * invent a wrong absolute one. */
		if (!base) {
			*out_len = len;
			return (const char *)path;
		}
	}
	n = st_path_join(base, (const char *)path, len, st->path_buf, sizeof(st->path_buf));
	if (n < 0) {
		*out_len = len;
		return (const char *)path;
	}
	*out_len = (size_t)n;
	return st->path_buf;
}

static void set_cur(struct st_state *st, struct st_fdent *e, int64_t fd)
{
	st->curfd = e;
	st->curfd_num = fd;
}

/* The open flags of an open-like event: creat() has none, it is
 * open(O_CREAT|O_WRONLY|O_TRUNC). */
static uint32_t open_flags(const struct evt *ev, int flags_index)
{
	if (flags_index < 0)
		return O_CREAT | O_WRONLY | O_TRUNC;
	return (uint32_t)evt_param_u64(ev, (unsigned)flags_index);
}

static enum evt_fdtype open_fd_type(uint32_t flags)
{
	return (flags & O_DIRECTORY) ? FDT_DIRECTORY : FDT_FILE;
}

static void open_event(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	unsigned type = ev->rec->type;
	int64_t res = ev->rec->res;
	int64_t dirfd = ST_AT_FDCWD;
	int dfi = st->dirfd_param[type], ni = st->path_param[type], fi = st->flags_param[type];
	int has_name = ni >= 0 && (unsigned)ni < ev->nparams;
	uint32_t flags;
	const char *name;
	size_t n;
	struct st_fdent *e;

	if (dfi >= 0)
		dirfd = evt_param_s64(ev, (unsigned)dfi);
	if (res < 0) {
		st->curfd_num = -1;
		return;
	}
	flags = open_flags(ev, fi);
	name = st_resolve_path(st, p, dirfd, has_name ? ev->p[ni] : NULL,
			       has_name ? ev->plen[ni] : 0, &n);
	e = st_fd_add(st, p, res, open_fd_type(flags), name, n);
	if (e)
		e->pub.flags = flags;
	set_cur(st, e, res);
}

/* Per type, resolved once from the schema: the path parameter of the
 * events st_event_begin hands to open_event whose failure leaves no fd the
 * event's fd parameter names (-1 for other types), and the flags one. */
static struct {
	pthread_once_t once;
	int8_t path[EVT_TYPE_MAX], flags[EVT_TYPE_MAX];
} ofr = {PTHREAD_ONCE_INIT, {0}, {0}};

static void ofr_init(void)
{
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		unsigned f = evt_type_flags(t);
		int ni = evt_param_role(t, EP_PATH, NULL);

		ofr.flags[t] = (int8_t)evt_param_index(t, "flags");
		ofr.path[t] = -1;
		if ((f & EF_OPEN) && (f & EF_FD_TABLE) && !(f & ST_TF_LIFE) && ni >= 0 &&
		    evt_param_role(t, EP_FD, NULL) < 0)
			ofr.path[t] = (int8_t)ni;
	}
}

int st_open_from_record(const struct evt *ev, struct st_fd *out, char *buf, size_t cap)
{
	unsigned type = ev->rec->type;
	int ni, n;
	const uint8_t *path;
	uint32_t len;

	pthread_once(&ofr.once, ofr_init);
	if (type >= EVT_TYPE_MAX || (ni = ofr.path[type]) < 0 || (unsigned)ni >= ev->nparams)
		return 0;
	path = ev->p[ni];
	len = ev->plen[ni];
	if (!len || path[0] != '/' || len >= cap)
		return 0;
	if (ev->rec->res < 0)
		return 2;
	n = st_path_join(NULL, (const char *)path, len, buf, cap);
	if (n < 0)
		return 0;
	memset(out, 0, sizeof(*out));
	out->fd = ev->rec->res;
	out->flags = open_flags(ev, ofr.flags[type]);
	out->type = open_fd_type(out->flags);
	out->is_server = 2;
	out->name = buf;
	return 1;
}

static enum evt_fdtype sock_type(uint64_t domain)
{
	switch (domain) {
	case AF_INET:
		return FDT_IPV4;
	case AF_INET6:
		return FDT_IPV6;
	case AF_UNIX:
		return FDT_UNIX;
	case AF_NETLINK:
		return FDT_NETLINK;
	}
	return FDT_OTHER;
}

static uint8_t sock_l4(uint64_t domain, uint64_t type, uint64_t proto)
{
	if (domain != AF_INET && domain != AF_INET6)
		return 0;
	switch (type & 0xf) {
	case SOCK_STREAM:
		return 6;
	case SOCK_DGRAM:
		return 17;
	case SOCK_RAW:
		return (uint8_t)proto;
	}
	return 0;
}

static void sock_init(struct st_fdent *e, uint64_t domain, uint64_t type, uint64_t proto)
{
	e->pub.family = (uint8_t)(domain < 256 ? domain : 0);
	e->pub.l4proto = sock_l4(domain, type, proto);
	/* SOCK_CLOEXEC and SOCK_NONBLOCK share O_CLOEXEC's and O_NONBLOCK's values. */
	e->pub.flags = (uint32_t)type & (O_CLOEXEC | O_NONBLOCK);
	e->pub.flags |= O_RDWR;
}

static void socket_event(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	int64_t res = ev->rec->res;
	uint64_t domain = evt_param_u64(ev, 0), type = evt_param_u64(ev, 1);
	struct st_fdent *e;

	if (res < 0)
		return;
	e = st_fd_add(st, p, res, sock_type(domain), "", 0);
	if (e)
		sock_init(e, domain, type, evt_param_u64(ev, 2));
	set_cur(st, e, res);
}

static void pair_event(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	unsigned type = ev->rec->type;
	unsigned base = type == EVT_SOCKETPAIR ? 3 : 0;
	uint64_t domain = evt_param_u64(ev, 0), stype = evt_param_u64(ev, 1);
	uint32_t flags = 0;

	if (ev->rec->res != 0 || !evt_param_present(ev, base + 1))
		return;
	if (type == EVT_PIPE2)
		flags = (uint32_t)evt_param_u64(ev, 2);
	for (unsigned k = 0; k < 2; k++) {
		int64_t fd = evt_param_s64(ev, base + k);
		struct st_fdent *e;

		if (fd < 0)
			continue;
		if (type == EVT_SOCKETPAIR) {
			e = st_fd_add(st, p, fd, sock_type(domain), "", 0);
			if (e)
				sock_init(e, domain, stype, evt_param_u64(ev, 2));
		} else {
			e = st_fd_add(st, p, fd, FDT_PIPE, "", 0);
			if (e)
				e->pub.flags = (flags & (O_CLOEXEC | O_NONBLOCK)) |
					       (k == 0 ? O_RDONLY : O_WRONLY);
		}
	}
}

/* bind/connect address parameter (PT_SOCKADDR) into the local or remote end. */
static void apply_sockaddr(struct st_state *st, struct st_fd *fd, const uint8_t *a, uint32_t len,
			   int local)
{
	struct evt_sock s;

	if (evt_sockaddr_decode(a, len, &s))
		return;
	if (s.family != AF_UNIX) {
		fd->family = s.family;
		memcpy(local ? fd->lip : fd->rip, s.lip, 16);
		*(local ? &fd->lport : &fd->rport) = s.lport;
	} else {
		size_t n = s.path_len;
		const uint8_t *path = s.path;
		/* Abstract names start with NUL; show them with '@' as ss does. */
		char buf[128];
		if (n && path[0] == '\0') {
			size_t k = n - 1 < sizeof(buf) - 2 ? n - 1 : sizeof(buf) - 2;
			buf[0] = '@';
			memcpy(buf + 1, path + 1, k);
			st_str_set(st, &fd->name, buf, k + 1);
		} else {
			const uint8_t *z = memchr(path, '\0', n);
			st_str_set(st, &fd->name, (const char *)path, z ? (size_t)(z - path) : n);
		}
	}
}

static void connect_event(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	int64_t res = ev->rec->res;
	struct st_fdent *e;

	if (res != 0 && res != -ST_EINPROGRESS)
		return;
	e = st_fd_find_w(st, p, evt_param_s64(ev, 0));
	if (!e)
		return;
	e->pub.is_server = 0;
	if (st_param_has(ev, 2) && st_fd_set_tuple(st, &e->pub, ev->p[2], ev->plen[2]) == 0) {
		if (e->pub.family == AF_UNIX) {
			/* The path of a unix tuple follows the two inodes. */
			if (ev->plen[2] > 17)
				st_str_set(st, &e->pub.name, (const char *)ev->p[2] + 17,
					   ev->plen[2] - 17);
		}
	} else if (evt_param_present(ev, 1)) {
		apply_sockaddr(st, &e->pub, ev->p[1], ev->plen[1], 0);
	}
	st_fd_rename_socket(st, &e->pub);
}

static void accept_event(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	int64_t res = ev->rec->res;
	struct st_fdent *ls = st_fd_find(p, evt_param_s64(ev, 0));
	struct st_fdent *e;
	enum evt_fdtype t = ls ? ls->pub.type : FDT_UNKNOWN;

	if (res < 0)
		return;
	if (evt_param_present(ev, 1) && ev->plen[1] >= 1)
		t = sock_type(ev->p[1][0]);
	e = st_fd_add(st, p, res, t, "", 0);
	if (!e) {
		set_cur(st, NULL, res);
		return;
	}
	if (ls) {
		e->pub.family = ls->pub.family;
		e->pub.l4proto = ls->pub.l4proto;
		if (ls->pub.family == AF_UNIX && ls->pub.name)
			st_str_set(st, &e->pub.name, ls->pub.name, st_str_len(ls->pub.name));
	}
	e->pub.is_server = 1;
	e->pub.flags = O_RDWR;
	if (ev->rec->type == EVT_ACCEPT4)
		e->pub.flags |= (uint32_t)evt_param_u64(ev, 2) & (O_CLOEXEC | O_NONBLOCK);
	if (evt_param_present(ev, 1))
		st_fd_set_tuple(st, &e->pub, ev->p[1], ev->plen[1]);
	st_fd_rename_socket(st, &e->pub);
	set_cur(st, e, res);
}

static void dup_event(struct st_state *st, struct st_proc *p, const struct evt *ev)
{
	unsigned type = ev->rec->type;
	int64_t res = ev->rec->res, old = evt_param_s64(ev, 0);
	struct st_fdent *src, *e;
	int cloexec = 0;

	if (type == EVT_FCNTL) {
		uint64_t cmd = evt_param_u64(ev, 1);
		if (cmd == ST_F_SETFD && res == 0) {
			e = st_fd_find_w(st, p, old);
			if (e) {
				if (evt_param_u64(ev, 2) & 1) /* FD_CLOEXEC */
					e->pub.flags |= O_CLOEXEC;
				else
					e->pub.flags &= ~(uint32_t)O_CLOEXEC;
			}
			return;
		}
		if (cmd != ST_F_DUPFD && cmd != ST_F_DUPFD_CLOEXEC)
			return;
		cloexec = cmd == ST_F_DUPFD_CLOEXEC;
	} else if (type == EVT_DUP3) {
		cloexec = (evt_param_u64(ev, 2) & O_CLOEXEC) != 0;
	}
	if (res < 0 || res == old)
		return;
	src = st_fd_find(p, old);
	if (!src)
		return;
	e = st_fd_dup(st, p, src, res);
	if (e) {
		/* The close-on-exec flag belongs to the descriptor, not the file. */
		e->pub.flags &= ~(uint32_t)O_CLOEXEC;
		if (cloexec)
			e->pub.flags |= O_CLOEXEC;
	}
	set_cur(st, e, res);
}

static void anon_event(struct st_state *st, struct st_proc *p, int64_t res, enum evt_fdtype t,
		       const char *name, uint32_t flags)
{
	struct st_fdent *e;

	if (res < 0)
		return;
	e = st_fd_add(st, p, res, t, name, strlen(name));
	if (e)
		e->pub.flags = flags | O_RDWR;
	set_cur(st, e, res);
}

/* bpf(2) commands that return a new fd, and what the fd refers to. */
static const char *bpf_fd_name(uint64_t cmd)
{
	switch (cmd) {
	case 0:
		return "anon_inode:bpf-map"; /* BPF_MAP_CREATE */
	case 5:
		return "anon_inode:bpf-prog"; /* BPF_PROG_LOAD */
	case 7:
		return "anon_inode:bpf"; /* BPF_OBJ_GET */
	case 13:
		return "anon_inode:bpf-prog"; /* BPF_PROG_GET_FD_BY_ID */
	case 14:
		return "anon_inode:bpf-map"; /* BPF_MAP_GET_FD_BY_ID */
	case 17:
		return "anon_inode:bpf_link"; /* BPF_RAW_TRACEPOINT_OPEN */
	case 18:
		return "anon_inode:btf"; /* BPF_BTF_LOAD */
	case 19:
		return "anon_inode:btf"; /* BPF_BTF_GET_FD_BY_ID */
	case 28:
		return "anon_inode:bpf_link"; /* BPF_LINK_CREATE */
	case 30:
		return "anon_inode:bpf_link"; /* BPF_LINK_GET_FD_BY_ID */
	case 33:
		return "anon_inode:bpf_iter"; /* BPF_ITER_CREATE */
	}
	return NULL;
}

/* The types st_apply_fd_begin() acts on: the schema's EF_FD_TABLE. st_new()
 * turns this into a table so other events skip the call. */
int st_is_fd_event(unsigned type)
{
	return (evt_type_flags(type) & EF_FD_TABLE) != 0;
}

void st_apply_fd_begin(struct st_state *st, const struct evt *ev)
{
	struct st_proc *p = st->cur->proc;
	const struct evt_rec *r = ev->rec;
	unsigned f = st->tflags[r->type];
	int fdi = st->fd_param[r->type];

	if (f & EF_OPEN) {
		open_event(st, p, ev);
		return;
	}
	if (f & EF_CLOSE) {
		st->close_fd = fdi >= 0 ? evt_param_s64(ev, (unsigned)fdi) : -1;
		return;
	}
	if (f & EF_DUP) {
		dup_event(st, p, ev);
		return;
	}
	/* The rest each build or describe their fds in a way of their own
	 * (address family, pipe ends, anonymous inode names): one case each. */
	switch (r->type) {
	case EVT_SOCKET:
		socket_event(st, p, ev);
		break;
	case EVT_SOCKETPAIR:
	case EVT_PIPE:
	case EVT_PIPE2:
		pair_event(st, p, ev);
		break;
	case EVT_CONNECT:
		connect_event(st, p, ev);
		break;
	case EVT_ACCEPT:
	case EVT_ACCEPT4:
		accept_event(st, p, ev);
		break;
	case EVT_BIND:
		if (r->res == 0 && evt_param_present(ev, 1)) {
			struct st_fdent *e = st_fd_find_w(st, p, evt_param_s64(ev, 0));
			if (e) {
				apply_sockaddr(st, &e->pub, ev->p[1], ev->plen[1], 1);
				e->pub.is_server = 1;
				st_fd_rename_socket(st, &e->pub);
			}
		}
		break;
	case EVT_LISTEN:
		if (r->res == 0) {
			struct st_fdent *e = st_fd_find_w(st, p, evt_param_s64(ev, 0));
			if (e) {
				e->pub.is_server = 1;
				st_fd_rename_socket(st, &e->pub);
			}
		}
		break;
	case EVT_MEMFD_CREATE:
		if (r->res >= 0) {
			char buf[300];
			uint32_t len;
			const char *s = st_param_str(ev, 0, &len);
			size_t n = len < sizeof(buf) - 7 ? len : sizeof(buf) - 7;
			memcpy(buf, "memfd:", 6);
			if (n)
				memcpy(buf + 6, s, n);
			buf[6 + n] = '\0';
			anon_event(st, p, r->res, FDT_MEMFD, buf,
				   (evt_param_u64(ev, 1) & ST_MFD_CLOEXEC) ? O_CLOEXEC : 0);
		}
		break;
	case EVT_USERFAULTFD:
		anon_event(st, p, r->res, FDT_USERFAULTFD, "anon_inode:[userfaultfd]",
			   (uint32_t)evt_param_u64(ev, 0) & O_CLOEXEC);
		break;
	case EVT_IO_URING_SETUP:
		anon_event(st, p, r->res, FDT_IOURING, "anon_inode:[io_uring]", 0);
		break;
	case EVT_BPF: {
		const char *n = bpf_fd_name(evt_param_u64(ev, 0));
		if (n)
			anon_event(st, p, r->res, FDT_BPF, n, O_CLOEXEC);
		break;
	}
	default:
		break;
	}
}
