/* st_fdtab.c: per-process fd tables and socket tuples/names.
 *
 * A forked process shares its parent's table (st_fd_copy_table) until either
 * side adds, removes or changes an fd: then the writer copies it
 * (st_fdtab_w). Most children exec or exit after a handful of events, so the
 * per-fork copy of every fd entry (and the refcount traffic on their names)
 * mostly never happens; exec copies only the fds that survive O_CLOEXEC. */
#include "st_int.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- tables (copy on write) and entries ---- */

static struct st_fdent *fdent_new(struct st_state *st)
{
	struct st_fdent *e = st_pool_get(&st->fd_pool);

	if (e)
		st->nfd_ents++;
	return e;
}

/* An entry that never made it into a table. */
static void fdent_drop(struct st_state *st, struct st_fdent *e)
{
	st_str_unref(st, e->pub.name);
	st->nfd_ents--;
	st_garbage_kind(st, e, ST_G_FD);
}

static void fdent_free(struct st_state *st, struct st_fdent *e)
{
	fdent_drop(st, e);
	st->reaped_fds++;
}

/* Drops p's reference to its table; the last one frees the entries (their
 * memory at event end). */
static void tab_put(struct st_state *st, struct st_map *m)
{
	if (m->slots && !st_map_shared(m))
		for (uint32_t i = 0; i < m->cap; i++)
			if (m->slots[i].val)
				fdent_free(st, m->slots[i].val);
	st_map_free(m);
}

/* Gives m (sharing its slots) private slots with private copies of the
 * entries, slot for slot. */
static int tab_unshare(struct st_state *st, struct st_map *m)
{
	struct st_map c;

	if (st_map_clone(&c, m))
		return -1;
	for (uint32_t i = 0; i < c.cap; i++) {
		const struct st_fdent *e = c.slots[i].val;
		struct st_fdent *n;

		if (!e)
			continue;
		n = fdent_new(st);
		if (!n) {
			/* Undo: the copies made so far go, the shared table stays. */
			for (uint32_t k = 0; k < i; k++)
				if (c.slots[k].val)
					fdent_drop(st, c.slots[k].val);
			st_map_free(&c);
			return -1;
		}
		*n = *e;
		st_str_ref(n->pub.name);
		c.slots[i].val = n;
	}
	st_map_free(m); /* drops the shared reference only */
	*m = c;
	return 0;
}

int st_fdtab_w(struct st_state *st, struct st_proc *p)
{
	return st_map_shared(&p->fds) ? tab_unshare(st, &p->fds) : 0;
}

struct st_fdent *st_fd_find_w(struct st_state *st, struct st_proc *p, int64_t fd)
{
	if (!st_fd_find(p, fd) || st_fdtab_w(st, p))
		return NULL;
	return st_fd_find(p, fd);
}

static struct st_fdent *fd_insert(struct st_state *st, struct st_proc *p, int64_t fd,
				  struct st_fdent *e)
{
	struct st_fdent *old;
	int oom = 0;

	if ((st_fd_count(p) >= st->max_fds && !st_fd_find(p, fd)) || st_fdtab_w(st, p)) {
		fdent_drop(st, e);
		return NULL;
	}
	old = st_map_put(&p->fds, (uint64_t)fd, e, &oom);
	if (oom) {
		fdent_drop(st, e);
		return NULL;
	}
	if (old)
		fdent_free(st, old); /* a close we never saw */
	else
		st->nfds++;
	return e;
}

struct st_fdent *st_fd_add(struct st_state *st, struct st_proc *p, int64_t fd, enum evt_fdtype type,
			   const char *name, size_t name_len)
{
	struct st_fdent *e = fdent_new(st);

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->pub.fd = fd;
	e->pub.type = type;
	e->pub.is_server = 2;
	e->pub.name = st_str_new(st, name ? name : "", name ? name_len : 0);
	if (!e->pub.name) {
		fdent_drop(st, e);
		return NULL;
	}
	e->snap_gen = st->snap_gen;
	return fd_insert(st, p, fd, e);
}

struct st_fdent *st_fd_dup(struct st_state *st, struct st_proc *p, const struct st_fdent *src,
			   int64_t newfd)
{
	struct st_fdent *e = fdent_new(st);

	if (!e)
		return NULL;
	*e = *src;
	e->pub.fd = newfd;
	e->pub.name = st_str_ref(src->pub.name);
	e->snap_gen = st->snap_gen;
	return fd_insert(st, p, newfd, e);
}

void st_fd_remove(struct st_state *st, struct st_proc *p, int64_t fd)
{
	struct st_fdent *e;

	if (!st_fd_find(p, fd) || st_fdtab_w(st, p))
		return;
	e = st_map_del(&p->fds, (uint64_t)fd);
	if (e) {
		fdent_free(st, e);
		st->nfds--;
	}
}

void st_fd_clear(struct st_state *st, struct st_proc *p)
{
	st->nfds -= p->fds.n;
	tab_put(st, &p->fds);
}

static int is_cloexec(const struct st_fdent *e)
{
	return (e->pub.flags & O_CLOEXEC) != 0;
}

/* A shared table loses its O_CLOEXEC fds (the usual fork then exec): a new
 * private table gets copies of the survivors only. -1: out of memory. */
static int drop_cloexec_shared(struct st_state *st, struct st_proc *p, uint32_t ndrop)
{
	struct st_map nm = {0};

	if (st_map_reserve(&nm, p->fds.n - ndrop))
		return -1;

	for (uint32_t i = 0; i < p->fds.cap; i++) {
		const struct st_fdent *e = p->fds.slots[i].val;
		struct st_fdent *c;
		int oom = 0;

		if (!e || is_cloexec(e))
			continue;
		c = fdent_new(st);
		if (c) {
			*c = *e;
			st_str_ref(c->pub.name);
			st_map_put(&nm, p->fds.slots[i].key, c, &oom);
		}
		if (!c || oom) {
			if (c)
				fdent_drop(st, c);
			tab_put(st, &nm);
			return -1;
		}
	}
	st_map_free(&p->fds); /* the shared reference only */
	p->fds = nm;
	st->nfds -= ndrop;
	st->reaped_fds += ndrop;
	return 0;
}

void st_fd_drop_cloexec(struct st_state *st, struct st_proc *p)
{
	int64_t small[64], *v = small;
	size_t k = 0, cap = 64;

	if (st_map_shared(&p->fds)) {
		uint32_t n = 0;
		for (uint32_t i = 0; i < p->fds.cap; i++) {
			const struct st_fdent *e = p->fds.slots[i].val;
			n += e && is_cloexec(e);
		}
		/* Nothing to drop leaves a shared table shared. */
		if (!n || !drop_cloexec_shared(st, p, n))
			return;
	}
	/* Collect first: deleting while scanning would shift unvisited slots. */
	for (uint32_t i = 0; i < p->fds.cap; i++) {
		const struct st_fdent *e = p->fds.slots[i].val;
		if (!e || !is_cloexec(e))
			continue;
		if (k == cap) {
			int64_t *nv = malloc(2 * cap * sizeof(*nv));
			if (!nv)
				break;
			memcpy(nv, v, k * sizeof(*nv));
			if (v != small)
				free(v);
			v = nv;
			cap *= 2;
		}
		v[k++] = e->pub.fd;
	}
	for (size_t i = 0; i < k; i++)
		st_fd_remove(st, p, v[i]);
	if (v != small)
		free(v);
}

int st_fd_copy_table(struct st_state *st, struct st_proc *dst, const struct st_proc *src)
{
	if (!src->fds.n || dst->fds.slots == src->fds.slots)
		return 0;
	if (!dst->fds.n) {
		/* The common case (fork): share until one side changes it. */
		st_fd_clear(st, dst);
		st_map_share(&dst->fds, &src->fds);
		st->nfds += src->fds.n;
		return 0;
	}
	for (uint32_t i = 0; i < src->fds.cap; i++) {
		const struct st_fdent *e = src->fds.slots[i].val;
		if (e && !st_fd_dup(st, dst, e, e->pub.fd))
			return -1;
	}
	return 0;
}

int st_fd_set_tuple(struct st_state *st, struct st_fd *fd, const uint8_t *p, uint32_t len)
{
	struct evt_sock s;

	(void)st;
	if (evt_socktuple_decode(p, len, &s))
		return -1;
	fd->family = s.family;
	if (s.family == AF_UNIX) {
		fd->ino = s.lino;
		return 0;
	}
	memcpy(fd->lip, s.lip, 16);
	memcpy(fd->rip, s.rip, 16);
	fd->lport = s.lport;
	fd->rport = s.rport;
	if (s.l4)
		fd->l4proto = s.l4;
	return 0;
}

/* ip:port at out (room for 64 bytes); returns the length. IPv4 by hand:
 * every connect and accept renames its socket, and snprintf would be a tenth of the
 * engine's time on socket-heavy streams. */
static size_t fmt_ep(char *out, uint8_t family, const uint8_t *ip, uint16_t port)
{
	char *o = out, tmp[8];
	size_t k = 0;

	if (family == AF_INET6) {
		if (inet_ntop(AF_INET6, ip, out, 48))
			o += strlen(out);
	} else {
		for (int i = 0; i < 4; i++) {
			unsigned b = ip[i];
			if (b >= 100)
				*o++ = (char)('0' + b / 100);
			if (b >= 10)
				*o++ = (char)('0' + b / 10 % 10);
			*o++ = (char)('0' + b % 10);
			if (i < 3)
				*o++ = '.';
		}
	}
	*o++ = ':';
	do {
		tmp[k++] = (char)('0' + port % 10);
		port /= 10;
	} while (port);
	while (k)
		*o++ = tmp[--k];
	*o = '\0';
	return (size_t)(o - out);
}

static int ip_zero(const uint8_t *ip)
{
	static const uint8_t z[16];
	return memcmp(ip, z, 16) == 0;
}

size_t st_fd_sockname(const struct st_fd *fd, char *out, size_t cap)
{
	char buf[160];
	size_t n;

	if (!cap)
		return 0;
	out[0] = '\0';
	if (fd->family != AF_INET && fd->family != AF_INET6)
		return 0;
	if (fd->rport == 0 && ip_zero(fd->rip)) {
		/* Not connected: bound or listening, only the local endpoint means anything. */
		n = fmt_ep(buf, fd->family, fd->lip, fd->lport);
	} else {
		/* Client first: the remote end of an accepted (server) socket. */
		int srv = fd->is_server == 1;
		n = fmt_ep(buf, fd->family, srv ? fd->rip : fd->lip, srv ? fd->rport : fd->lport);
		buf[n++] = '-';
		buf[n++] = '>';
		n += fmt_ep(buf + n, fd->family, srv ? fd->lip : fd->rip,
			    srv ? fd->lport : fd->rport);
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	return n;
}

void st_fd_rename_socket(struct st_state *st, struct st_fd *fd)
{
	char buf[128];
	size_t n = st_fd_sockname(fd, buf, sizeof(buf));

	if (n)
		st_str_set(st, &fd->name, buf, n);
}

size_t st_fd_tuple_encode(const struct st_fd *f, uint8_t *buf, size_t cap)
{
	size_t n = 0;

	if (cap < 64)
		return 0;
	if (f->family == AF_INET || f->family == AF_INET6) {
		size_t al = f->family == AF_INET ? 4 : 16;
		buf[n++] = f->family;
		memcpy(buf + n, f->lip, al);
		n += al;
		buf[n++] = (uint8_t)f->lport;
		buf[n++] = (uint8_t)(f->lport >> 8);
		memcpy(buf + n, f->rip, al);
		n += al;
		buf[n++] = (uint8_t)f->rport;
		buf[n++] = (uint8_t)(f->rport >> 8);
		buf[n++] = f->l4proto;
	} else if (f->family == AF_UNIX) {
		/* The peer inode is not tracked: 0 reads as unknown. */
		uint64_t peer = 0;
		buf[n++] = AF_UNIX;
		memcpy(buf + n, &f->ino, 8);
		n += 8;
		memcpy(buf + n, &peer, 8);
		n += 8;
	}
	return n;
}
