/* st_fdtab.c: per-process fd tables and socket tuples/names. */
#include "st_int.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct st_fdent *st_fd_find(const struct st_proc *p, int64_t fd)
{
	return st_map_get(&p->fds, (uint64_t)fd);
}

static void fdent_free(struct st_state *st, struct st_fdent *e)
{
	st_str_unref(st, e->pub.name);
	st_garbage(st, e);
	st->nfds--;
	st->reaped_fds++;
}

static struct st_fdent *fd_insert(struct st_state *st, struct st_proc *p, int64_t fd,
				  struct st_fdent *e)
{
	struct st_fdent *old;
	int oom = 0;

	if (p->fds.n >= st->max_fds && !st_fd_find(p, fd)) {
		free(e);
		return NULL;
	}
	old = st_map_put(&p->fds, (uint64_t)fd, e, &oom);
	if (oom) {
		st_str_unref(st, e->pub.name);
		free(e);
		return NULL;
	}
	st->nfds++;
	if (old)
		fdent_free(st, old); /* a close we never saw */
	return e;
}

struct st_fdent *st_fd_add(struct st_state *st, struct st_proc *p, int64_t fd,
			   enum evt_fdtype type, const char *name, size_t name_len)
{
	struct st_fdent *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->pub.fd = fd;
	e->pub.type = type;
	e->pub.is_server = 2;
	e->pub.name = st_str_new(st, name ? name : "", name ? name_len : 0);
	if (!e->pub.name) {
		free(e);
		return NULL;
	}
	e->snap_gen = st->snap_gen;
	return fd_insert(st, p, fd, e);
}

struct st_fdent *st_fd_dup(struct st_state *st, struct st_proc *p, const struct st_fdent *src,
			   int64_t newfd)
{
	struct st_fdent *e = malloc(sizeof(*e));

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
	struct st_fdent *e = st_map_del(&p->fds, (uint64_t)fd);

	if (e)
		fdent_free(st, e);
}

void st_fd_clear(struct st_state *st, struct st_proc *p)
{
	for (uint32_t i = 0; i < p->fds.cap; i++) {
		struct st_slot *s = &p->fds.slots[i];
		if (s->val) {
			fdent_free(st, s->val);
			s->val = NULL;
			s->key = 0;
		}
	}
	p->fds.n = 0;
}

void st_fd_drop_cloexec(struct st_state *st, struct st_proc *p)
{
	int64_t small[64], *v = small;
	size_t n = 0, cap = 64;

	/* Collect first: deleting while scanning would shift unvisited slots. */
	for (uint32_t i = 0; i < p->fds.cap; i++) {
		const struct st_fdent *e = p->fds.slots[i].val;
		if (!e || !(e->pub.flags & O_CLOEXEC))
			continue;
		if (n == cap) {
			int64_t *nv = malloc(2 * cap * sizeof(*nv));
			if (!nv)
				break;
			memcpy(nv, v, n * sizeof(*nv));
			if (v != small)
				free(v);
			v = nv;
			cap *= 2;
		}
		v[n++] = e->pub.fd;
	}
	for (size_t i = 0; i < n; i++)
		st_fd_remove(st, p, v[i]);
	if (v != small)
		free(v);
}

int st_fd_copy_table(struct st_state *st, struct st_proc *dst, const struct st_proc *src)
{
	for (uint32_t i = 0; i < src->fds.cap; i++) {
		const struct st_fdent *e = src->fds.slots[i].val;
		if (e && !st_fd_dup(st, dst, e, e->pub.fd))
			return -1;
	}
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

int st_fd_set_tuple(struct st_state *st, struct st_fd *fd, const uint8_t *p, uint32_t len)
{
	(void)st;
	if (!p || len < 1)
		return -1;
	switch (p[0]) {
	case AF_INET:
		/* family, saddr[4], sport, daddr[4], dport, [l4] */
		if (len < 13)
			return -1;
		fd->family = AF_INET;
		memset(fd->lip, 0, 16);
		memset(fd->rip, 0, 16);
		memcpy(fd->lip, p + 1, 4);
		fd->lport = rd16(p + 5);
		memcpy(fd->rip, p + 7, 4);
		fd->rport = rd16(p + 11);
		if (len >= 14 && p[13])
			fd->l4proto = p[13];
		return 0;
	case AF_INET6:
		if (len < 37)
			return -1;
		fd->family = AF_INET6;
		memcpy(fd->lip, p + 1, 16);
		fd->lport = rd16(p + 17);
		memcpy(fd->rip, p + 19, 16);
		fd->rport = rd16(p + 35);
		if (len >= 38 && p[37])
			fd->l4proto = p[37];
		return 0;
	case AF_UNIX:
		if (len < 17)
			return -1;
		fd->family = AF_UNIX;
		fd->ino = rd64(p + 1);
		return 0;
	}
	return -1;
}

static size_t fmt_ep(char *out, size_t cap, uint8_t family, const uint8_t *ip, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, ip, a, sizeof(a)))
		a[0] = '\0';
	n = snprintf(out, cap, "%s:%u", a, port);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}

static int ip_zero(const uint8_t *ip)
{
	static const uint8_t z[16];
	return memcmp(ip, z, 16) == 0;
}

size_t st_fd_sockname(const struct st_fd *fd, char *out, size_t cap)
{
	size_t n;

	if (!cap)
		return 0;
	out[0] = '\0';
	if (fd->family != AF_INET && fd->family != AF_INET6)
		return 0;
	/* Not connected: bound or listening, only the local endpoint means anything. */
	if (fd->rport == 0 && ip_zero(fd->rip))
		return fmt_ep(out, cap, fd->family, fd->lip, fd->lport);
	if (fd->is_server == 1) {
		n = fmt_ep(out, cap, fd->family, fd->rip, fd->rport);
		n += (size_t)snprintf(out + n, cap - n, "->");
		if (n >= cap)
			return cap - 1;
		return n + fmt_ep(out + n, cap - n, fd->family, fd->lip, fd->lport);
	}
	n = fmt_ep(out, cap, fd->family, fd->lip, fd->lport);
	n += (size_t)snprintf(out + n, cap - n, "->");
	if (n >= cap)
		return cap - 1;
	return n + fmt_ep(out + n, cap - n, fd->family, fd->rip, fd->rport);
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
