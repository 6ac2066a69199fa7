/* fld_param.c: event parameters rendered as sysdig renders them (evt.arg.*, evt.args).
 *
 * sysdig shows each parameter as value plus, where it knows one, a resolved
 * form in parentheses: "fd=3(<f>/etc/passwd)", "flags=4097(O_RDONLY|O_CLOEXEC)",
 * "res=-2(ENOENT)". evt.arg.X yields the resolved form when there is one (so
 * rules can say `evt.arg.flags contains O_CREAT`), evt.rawarg.X the value.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../format/evt_print.h"
#include "../format/evt_sock.h"
#include "fld_int.h"

/* ---- errno names ---- */
#define E(x) [x] = #x
static const char *const errno_names[] = {
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(EBADF),
    E(ECHILD),
    E(EAGAIN),
    E(ENOMEM),
    E(EACCES),
    E(EFAULT),
    E(ENOTBLK),
    E(EBUSY),
    E(EEXIST),
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EPIPE),
    E(EDOM),
    E(ERANGE),
    E(EDEADLK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(ENOMSG),
    E(EIDRM),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(EREMOTE),
    E(ENOLINK),
    E(EPROTO),
    E(EMULTIHOP),
    E(EBADMSG),
    E(EOVERFLOW),
    E(EILSEQ),
    E(EUSERS),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(EOPNOTSUPP),
    E(EPFNOSUPPORT),
    E(EAFNOSUPPORT),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(ENETDOWN),
    E(ENETUNREACH),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ECONNRESET),
    E(ENOBUFS),
    E(EISCONN),
    E(ENOTCONN),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTDOWN),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ESTALE),
    E(EDQUOT),
    E(ECANCELED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
    E(EHWPOISON),
    [512] = "ERESTARTSYS",
    [513] = "ERESTARTNOINTR",
    [514] = "ERESTARTNOHAND",
    [515] = "ENOIOCTLCMD",
    [516] = "ERESTART_RESTARTBLOCK",
};
#undef E

const char *fld_errno_name(int64_t res)
{
	int64_t e = -res;

	if (e <= 0 || e >= (int64_t)(sizeof(errno_names) / sizeof(errno_names[0])))
		return NULL;
	return errno_names[e];
}

/* ---- capabilities ---- */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

void fld_caps_render(struct sr_sb *b, uint64_t caps)
{
	int first = 1;

	for (unsigned i = 0; i < 64; i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (!first)
			sr_sb_putc(b, ' ');
		if (i < sizeof(cap_names) / sizeof(cap_names[0]))
			sr_sb_puts(b, cap_names[i]);
		else
			sr_sb_printf(b, "CAP_%u", i);
		first = 0;
	}
}

/* ---- parameter names: resolved once to ids, then a [type][id] table ---- */
#define MAX_PNAMES 160
static const char *pnames[MAX_PNAMES];
static int npnames;
static int8_t pindex[EVT_TYPE_MAX][MAX_PNAMES];
static pthread_once_t pnames_once = PTHREAD_ONCE_INIT;
static int pnames_ready;    /* set (release) once the tables are built */
static int fd_name_id = -1; /* id of the parameter name "fd" */
static int8_t known_index[EVT_TYPE_MAX][FLD_PK_COUNT];
static const char *const known_names[FLD_PK_COUNT] = {
    [FLD_PK_DATA] = "data",
    [FLD_PK_FLAGS] = "flags",
    [FLD_PK_MODE] = "mode",
};

static void pnames_build(void)
{
	memset(pindex, -1, sizeof(pindex));
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++)
		for (int k = 0; k < FLD_PK_COUNT; k++)
			known_index[t][k] = (int8_t)evt_param_index(t, known_names[k]);
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *info = evt_info_get(t);
		if (!info)
			continue;
		for (unsigned i = 0; i < info->nparams && i < EVT_MAX_PARAMS; i++) {
			int id;
			for (id = 0; id < npnames; id++)
				if (strcmp(pnames[id], info->params[i].name) == 0)
					break;
			if (id == npnames) {
				if (npnames == MAX_PNAMES)
					continue;
				pnames[npnames++] = info->params[i].name;
			}
			if (pindex[t][id] < 0)
				pindex[t][id] = (int8_t)i;
		}
	}
	for (int id = 0; id < npnames; id++)
		if (strcmp(pnames[id], "fd") == 0)
			fd_name_id = id;
	__atomic_store_n(&pnames_ready, 1, __ATOMIC_RELEASE);
}

/* pthread_once on every lookup is measurable on the per-event path. */
static inline void pnames_init(void)
{
	if (!__atomic_load_n(&pnames_ready, __ATOMIC_ACQUIRE))
		pthread_once(&pnames_once, pnames_build);
}

/* "res" is not a parameter (it lives in the header) but sysdig names it. */
#define PNAME_RES (-2)

int fld_param_name_id(const char *name)
{
	pthread_once(&pnames_once, pnames_build);
	if (strcmp(name, "res") == 0)
		return PNAME_RES;
	for (int id = 0; id < npnames; id++)
		if (strcmp(pnames[id], name) == 0)
			return id;
	return -1;
}

int fld_param_known(unsigned type, enum fld_pknown k)
{
	pnames_init();
	if (type >= EVT_TYPE_MAX)
		return -1;
	return known_index[type][k];
}

int fld_param_index_by_id(unsigned type, int name_id)
{
	if (type >= EVT_TYPE_MAX || name_id < 0 || name_id >= npnames)
		return -1;
	return pindex[type][name_id];
}

/* ---- flag tables (format/evt_flags.c, through evt_print) ---- */
int fld_flags_available(void)
{
	size_t n = 0;
	return evt_ftable_get(FT_OPEN, &n) != NULL && n > 0;
}

static void flags_render(struct sr_sb *r, enum evt_ftable ft, enum evt_ptype pt, uint64_t v)
{
	char tmp[512];
	size_t n = evt_print_flag_names(ft, pt == PT_ENUM, v, tmp, sizeof(tmp));

	sr_sb_put(r, tmp, n < sizeof(tmp) ? n : sizeof(tmp) - 1);
}

static void mode_render(struct sr_sb *r, uint64_t m)
{
	static const struct {
		unsigned bit;
		const char *name;
	} bits[] = {
	    {01, "S_IXOTH"},   {02, "S_IWOTH"},	   {04, "S_IROTH"},    {010, "S_IXGRP"},
	    {020, "S_IWGRP"},  {040, "S_IRGRP"},   {0100, "S_IXUSR"},  {0200, "S_IWUSR"},
	    {0400, "S_IRUSR"}, {01000, "S_ISVTX"}, {02000, "S_ISGID"}, {04000, "S_ISUID"},
	};
	int first = 1;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (m & bits[i].bit) {
			if (!first)
				sr_sb_putc(r, '|');
			sr_sb_puts(r, bits[i].name);
			first = 0;
		}
}

/* ---- values ---- */

void fld_ip_put(struct sr_sb *b, uint8_t family, const uint8_t *a)
{
	if (family == 2) {
		sr_sb_printf(b, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	/* IPv4-mapped IPv6 reads as IPv4, as sysdig shows it. */
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a, mapped, 12) == 0) {
		sr_sb_printf(b, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	/* RFC 5952 text: longest run of zero groups (2+) compressed. */
	uint16_t g[8];
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sr_sb_puts(b, "::");
			i += bestlen - 1;
			continue;
		}
		sr_sb_printf(b, "%s%x", (i && i != best + bestlen) ? ":" : "", g[i]);
	}
}

static void sockaddr_render(struct sr_sb *b, const uint8_t *p, uint32_t len)
{
	struct evt_sock s;

	if (evt_sockaddr_decode(p, len, &s)) {
		sr_sb_puts(b, "NULL");
	} else if (s.family == 1) {
		/* Abstract unix names start with NUL; sysdig shows '@'. */
		if (s.path_len && s.path[0] == 0) {
			sr_sb_putc(b, '@');
			sr_sb_put(b, (const char *)s.path + 1, s.path_len - 1);
		} else {
			sr_sb_put(b, (const char *)s.path, s.path_len);
		}
	} else {
		fld_ip_put(b, s.family, s.lip);
		sr_sb_printf(b, ":%u", s.lport);
	}
}

/* remote_first: the tuple is shown sender->receiver (accept, recvfrom). */
static void tuple_render(struct sr_sb *b, const uint8_t *p, uint32_t len, int remote_first)
{
	struct evt_sock s;

	if (evt_socktuple_decode(p, len, &s)) {
		sr_sb_puts(b, "NULL");
	} else if (s.family == 1) {
		sr_sb_printf(b, "%llx->%llx ", (unsigned long long)s.lino,
			     (unsigned long long)s.rino);
		sr_sb_put(b, (const char *)s.path, s.path_len);
	} else {
		const uint8_t *a = remote_first ? s.rip : s.lip, *z = remote_first ? s.lip : s.rip;

		fld_ip_put(b, s.family, a);
		sr_sb_printf(b, ":%u->", remote_first ? s.rport : s.lport);
		fld_ip_put(b, s.family, z);
		sr_sb_printf(b, ":%u", remote_first ? s.lport : s.rport);
	}
}

/* Printable bytes as is, others as '.', at most max bytes (sysdig's view). */
static void bytes_render(struct sr_sb *b, const uint8_t *p, size_t len, size_t max)
{
	if (len > max)
		len = max;
	if (len > sr_sb_room(b))
		len = sr_sb_room(b);
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = p[i];
		b->p[b->len + i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
	}
	sr_sb_setlen(b, b->len + len);
}

static int is_exec_type(unsigned t)
{
	return (evt_type_flags(t) & EF_EXEC) != 0;
}

/* Types whose O_ flags print "0" as O_RDONLY, sysdig's habit for opens (and
 * the fd snapshot, whose flags are an open's); elsewhere 0 means no flags. */
int fld_param_open_like(unsigned t)
{
	return (evt_type_flags(t) & EF_OPEN) || t == EVT_FDINFO;
}

static void strarray_render(struct sr_sb *b, unsigned type, const char *name, const uint8_t *p,
			    size_t len)
{
	size_t i = 0;

	/* sysdig's execve "args" omit argv[0]; ours carry the whole argv. */
	if (is_exec_type(type) && strcmp(name, "args") == 0) {
		const uint8_t *z = memchr(p, 0, len);
		i = z ? (size_t)(z - p) + 1 : len;
	}
	if (i > len)
		i = len;
	len -= i;
	p += i;
	if (len > sr_sb_room(b))
		len = sr_sb_room(b);
	for (i = 0; i < len; i++)
		b->p[b->len + i] = p[i] ? (char)p[i] : '.';
	sr_sb_setlen(b, b->len + len);
}

/* "<f>/etc/passwd" for a known fd of the event's process. */
static void fd_resolved(struct fld_ctx *c, int64_t fd, struct sr_sb *r)
{
	const struct st_fd *f;

	if (fd == -100) {
		sr_sb_puts(r, "AT_FDCWD");
		return;
	}
	/* A negative fd argument (mmap's -1) is an input, not an error code:
	 * results are annotated with errno names where they are rendered. */
	if (fd < 0 || !c->st)
		return;
	f = st_fd_get(c->st, fld_thread(c)->pid, fd);
	if (!f)
		return;
	sr_sb_putc(r, '<');
	sr_sb_putc(r, fld_fd_typechar(f->type));
	if (f->type == FDT_IPV4 || f->type == FDT_IPV6)
		sr_sb_putc(r, f->l4proto == 17 ? 'u' : f->l4proto == 6 ? 't' : 'r');
	sr_sb_putc(r, '>');
	if (f->name)
		sr_sb_puts(r, f->name);
}

#define ARG_DATA_MAX 80

void fld_param_render(struct fld_ctx *c, unsigned i, struct sr_sb *b, struct sr_sb *r)
{
	const struct evt *ev = c->ev;
	const struct evt_info *info = evt_info_get(ev->rec->type);
	const struct evt_param_info *pi;
	const uint8_t *p;
	uint32_t len;
	int64_t sv;
	uint64_t uv;

	if (!info || i >= info->nparams || i >= ev->nparams)
		return;
	pi = &info->params[i];
	p = ev->p[i];
	len = ev->plen[i];
	sv = evt_param_s64(ev, i);
	uv = evt_param_u64(ev, i);
	switch (pi->type) {
	case PT_NONE:
		break;
	case PT_INT:
		sr_sb_put_i64(b, sv);
		break;
	case PT_UINT:
	case PT_ABSTIME:
	case PT_SYSCALLNR:
		sr_sb_put_u64(b, uv);
		break;
	case PT_HEX:
		sr_sb_printf(b, "%llX", (unsigned long long)uv);
		break;
	case PT_FD:
		/* fds are 32-bit in the kernel; some writers zero-extend -1. */
		if (sv >= 0x80000000LL && sv <= 0xffffffffLL)
			sv = (int32_t)(uint32_t)sv;
		sr_sb_put_i64(b, sv);
		if (r)
			fd_resolved(c, sv, r);
		break;
	case PT_PID:
		sr_sb_put_i64(b, sv);
		if (r && c->st && sv > 0) {
			const struct st_thread *t = st_thread_get(c->st, (uint32_t)sv);
			if (t)
				sr_sb_puts(r, t->comm);
		}
		break;
	case PT_UID:
	case PT_GID:
		sr_sb_put_i64(b, sv);
		if (r && c->st && len) {
			const char *nm = pi->type == PT_UID ? st_user_name(c->st, (uint32_t)uv)
							    : st_group_name(c->st, (uint32_t)uv);
			if (nm)
				sr_sb_puts(r, nm);
		}
		break;
	case PT_MODE:
		sr_sb_printf(b, uv ? "0%llo" : "%llo", (unsigned long long)uv);
		if (r)
			mode_render(r, uv);
		break;
	case PT_FLAGS:
	case PT_ENUM:
		sr_sb_put_u64(b, uv);
		/* O_* flags reused for pipe2/dup3/accept4 have no access mode:
		 * 0 there is "no flags", not O_RDONLY. */
		if (r && !(pi->ftable == FT_OPEN && uv == 0 && !fld_param_open_like(ev->rec->type)))
			flags_render(r, pi->ftable, pi->type, uv);
		break;
	case PT_PATH:
	case PT_STR:
		sr_sb_put(b, (const char *)p, len);
		break;
	case PT_BYTES:
		bytes_render(b, p, len, ARG_DATA_MAX);
		break;
	case PT_STRARRAY:
		strarray_render(b, ev->rec->type, pi->name, p, len);
		break;
	case PT_SOCKADDR:
		sockaddr_render(b, p, len);
		break;
	case PT_SOCKTUPLE:
		tuple_render(b, p, len, (pi->flags & EP_REMOTE) != 0);
		break;
	}
}

/* ---- evt.args ---- */

/* How sysdig names and shows the return value of an event: from the
 * schema's EF_RES_ flags; records that are not syscalls have none. */
enum res_kind { RES_PLAIN, RES_FD, RES_FDNAMED, RES_PID, RES_HEX, RES_NONE };

static enum res_kind res_kind(unsigned t)
{
	unsigned f = evt_type_flags(t);

	if (!evt_type_is_syscall(t))
		return RES_NONE;
	if (f & EF_RES_FD)
		return (f & EF_RES_NAMED) ? RES_FDNAMED : RES_FD;
	if (f & EF_RES_PID)
		return RES_PID;
	if (f & EF_RES_ADDR)
		return RES_HEX;
	return RES_PLAIN;
}

int fld_param_is_res(unsigned type, int name_id)
{
	pnames_init();
	return name_id >= 0 && name_id == fd_name_id && res_kind(type) == RES_FDNAMED;
}

void fld_param_res_fd_render(struct fld_ctx *c, struct sr_sb *b, struct sr_sb *r)
{
	int64_t res = c->ev->rec->res;
	const char *e;

	sr_sb_put_i64(b, res);
	if (!r)
		return;
	if (res < 0 && (e = fld_errno_name(res)))
		sr_sb_puts(r, e);
	else
		fd_resolved(c, res, r);
}

/* Parameters sysdig shows only on the enter event (EP_HIDDEN: the fd and
 * sizes of I/O calls, the fd of close/bind/connect/accept) and ones it shows
 * only when the call reported them (EP_HIDE_EMPTY: the peer address of
 * send/recv). */
static int hidden_in_args(const struct evt_param_info *pi, uint32_t len)
{
	return (pi->flags & EP_HIDDEN) || ((pi->flags & EP_HIDE_EMPTY) && len == 0);
}

static void res_render(struct fld_ctx *c, struct sr_sb *b)
{
	const struct evt_rec *rec = c->ev->rec;
	enum res_kind k = res_kind(rec->type);
	int64_t res = rec->res;
	const char *e;

	if (k == RES_NONE || (rec->flags & (EVT_RF_ENTER_ONLY | EVT_RF_NORES)))
		return;
	sr_sb_puts(b, k == RES_FDNAMED ? "fd=" : "res=");
	if (k == RES_HEX && res >= 0)
		sr_sb_printf(b, "%llX", (unsigned long long)res);
	else
		sr_sb_put_i64(b, res);
	if (res < 0 && (e = fld_errno_name(res))) {
		sr_sb_printf(b, "(%s)", e);
	} else if (res >= 0 && (k == RES_FD || k == RES_FDNAMED)) {
		struct sr_sb r;
		char tmp[512];
		sr_sb_init(&r, tmp, sizeof(tmp));
		fd_resolved(c, res, &r);
		if (r.len) {
			sr_sb_putc(b, '(');
			sr_sb_put(b, tmp, r.len);
			sr_sb_putc(b, ')');
		}
	} else if (res > 0 && k == RES_PID && c->st) {
		const struct st_thread *t = st_thread_get(c->st, (uint32_t)res);
		if (t)
			sr_sb_printf(b, "(%s)", t->comm);
	}
	sr_sb_putc(b, ' ');
}

void fld_args_render(struct fld_ctx *c, struct sr_sb *b)
{
	const struct evt *ev = c->ev;
	const struct evt_info *info = evt_info_get(ev->rec->type);
	char tmp[1024];

	if (!info)
		return;
	res_render(c, b);
	for (unsigned i = 0; i < info->nparams && i < ev->nparams; i++) {
		const char *name = info->params[i].name;
		struct sr_sb r;
		if (hidden_in_args(&info->params[i], ev->plen[i]))
			continue;
		sr_sb_init(&r, tmp, sizeof(tmp));
		sr_sb_puts(b, name);
		sr_sb_putc(b, '=');
		fld_param_render(c, i, b, &r);
		if (r.len) {
			sr_sb_putc(b, '(');
			sr_sb_put(b, tmp, r.len);
			sr_sb_putc(b, ')');
		}
		sr_sb_putc(b, ' ');
	}
}
