/* rec_procfs_sock.c: /proc/net socket tables, one set per network namespace
 * (see rec_procfs_sock.h). */
#include "rec_procfs_sock.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/sr_err.h"
#include "../common/sr_hash.h"

/* One namespace's entries, their inode index and the ports listened on. */
struct sock_ns {
	uint64_t netns;
	struct rec_sock *v;
	size_t n, cap;
	uint32_t *by_ino; /* open addressing: entry index + 1, 0 empty */
	size_t ino_mask;
	uint32_t *listen; /* open addressing: l4proto << 16 | port, 0 empty */
	size_t listen_mask;
	int truncated; /* REC_SOCKS_MAX_PER_NS reached */
};

struct rec_socks {
	char proc_root[256];
	struct sock_ns **ns; /* open addressing by netns, NULL empty */
	size_t ns_mask, nns;
	/* Every entry of the namespaces in ns, by inode: the fallback for a
	 * socket held by a process of another namespace. */
	const struct rec_sock **all;
	size_t all_mask, nall;
	int scanned;		 /* every namespace under proc_root has been read */
	struct sock_ns *unknown; /* netns 0: tables of unknown_dir */
	char unknown_dir[320];
	uint64_t ns_reads, entries;
};

/* Spreads sequential inode numbers over the table. */
static size_t mix(uint64_t k)
{
	return (size_t)sr_mix64(k);
}

/* Smallest power of two >= 2 * n (at least 16): load factor at most 1/2. */
static size_t table_size(size_t n)
{
	size_t c = 16;

	while (c < 2 * n)
		c *= 2;
	return c;
}

/* ---- reading the tables ---- */

static struct rec_sock *ent_push(struct sock_ns *t)
{
	if (t->n >= REC_SOCKS_MAX_PER_NS) {
		t->truncated = 1;
		return NULL;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct rec_sock *nv = realloc(t->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		t->v = nv;
		t->cap = ncap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

/* "0100007F:1F90" (IPv4) or 32 hex digits + port (IPv6): each 32-bit group is
 * the kernel's in-memory word printed with %08X, so copying it back native
 * restores network byte order. */
static int parse_ep(const char *s, uint8_t ip[16], uint16_t *port, int v6)
{
	size_t words = v6 ? 4 : 1;
	char *end;
	unsigned long p;

	/* every hex digit is checked before it is read, so a short field stops there */
	for (size_t i = 0; i < words * 8; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -1;
	if (s[words * 8] != ':')
		return -1;
	memset(ip, 0, 16);
	for (size_t i = 0; i < words; i++) {
		char w[9];
		uint32_t v;

		memcpy(w, s + i * 8, 8);
		w[8] = '\0';
		v = (uint32_t)strtoul(w, NULL, 16);
		memcpy(ip + i * 4, &v, 4);
	}
	p = strtoul(s + words * 8 + 1, &end, 16);
	if (end == s + words * 8 + 1 || p > 0xffff)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

/* Longest row taken: kernel rows are shorter than 256 bytes (a unix row with
 * the longest path included); anything longer is not one. */
#define ROW_MAX 4096

/* The next physical line of f in *line (getline's buffer); its length, or -1
 * at the end of the file. A line longer than ROW_MAX comes back as "" (length
 * 0): read in pieces, its tail could pass for a row of its own. */
static ssize_t next_line(FILE *f, char **line, size_t *cap)
{
	ssize_t n = getline(line, cap, f);

	if (n > ROW_MAX) {
		(*line)[0] = '\0';
		n = 0;
	}
	return n;
}

static int read_inet(struct sock_ns *t, const char *path, int v6, uint8_t l4)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f)
		return 0;		   /* no such protocol here (module not loaded, ipv6 off) */
	if (next_line(f, &line, &cap) < 0) /* header */
		goto out;
	while (next_line(f, &line, &cap) >= 0) {
		char la[64], ra[64];
		unsigned st;
		unsigned long long ino;
		struct rec_sock *e;

		if (sscanf(line, "%*s %63s %63s %x %*s %*s %*s %*s %*s %llu", la, ra, &st, &ino) !=
		    4)
			continue;
		if (!ino)
			continue; /* a TIME_WAIT entry owned by no fd */
		if (!(e = ent_push(t))) {
			rc = t->truncated ? 0 : SR_ENOMEM;
			break;
		}
		e->ino = ino;
		e->fd.family = v6 ? AF_INET6 : AF_INET;
		e->fd.l4proto = l4;
		if (parse_ep(la, e->fd.lip, &e->fd.lport, v6) ||
		    parse_ep(ra, e->fd.rip, &e->fd.rport, v6)) {
			t->n--;
			continue;
		}
		/* TCP LISTEN (0x0A); UDP: bound and not connected. */
		e->listening = l4 == 6 ? st == 0x0A : (e->fd.rport == 0 && e->fd.lport != 0);
	}
out:
	free(line);
	fclose(f);
	return rc;
}

static int read_unix(struct sock_ns *t, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (!f)
		return 0;
	if (next_line(f, &line, &cap) < 0)
		goto out;
	while ((len = next_line(f, &line, &cap)) >= 0) {
		unsigned long long ino;
		int off = 0;
		struct rec_sock *e;

		/* Num RefCount Protocol Flags Type St Inode [Path] */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu %n", &ino, &off) < 1 || !ino)
			continue;
		if (!(e = ent_push(t))) {
			rc = t->truncated ? 0 : SR_ENOMEM;
			break;
		}
		e->ino = ino;
		e->fd.family = AF_UNIX;
		if (off > 0 && off < len && line[off]) {
			size_t l = strcspn(line + off, "\n");

			if (l >= sizeof(e->path))
				l = sizeof(e->path) - 1;
			memcpy(e->path, line + off, l);
			e->path[l] = '\0';
		}
	}
out:
	free(line);
	fclose(f);
	return rc;
}

static int read_netlink(struct sock_ns *t, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f)
		return 0;
	if (next_line(f, &line, &cap) < 0)
		goto out;
	while (next_line(f, &line, &cap) >= 0) {
		unsigned long long ino;
		struct rec_sock *e;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &ino) != 1 || !ino)
			continue;
		if (!(e = ent_push(t))) {
			rc = t->truncated ? 0 : SR_ENOMEM;
			break;
		}
		e->ino = ino;
		e->fd.family = 16; /* AF_NETLINK */
	}
out:
	free(line);
	fclose(f);
	return rc;
}

/* ---- indexing one namespace ---- */

static uint32_t listen_key(const struct rec_sock *e)
{
	return (uint32_t)e->fd.l4proto << 16 | e->fd.lport; /* never 0: l4proto is 6 or 17 */
}

static int listen_has(const struct sock_ns *t, uint32_t key)
{
	size_t i;

	if (!t->listen)
		return 0;
	for (i = mix(key) & t->listen_mask; t->listen[i]; i = (i + 1) & t->listen_mask)
		if (t->listen[i] == key)
			return 1;
	return 0;
}

static int is_inet(const struct rec_sock *e)
{
	return e->fd.family == AF_INET || e->fd.family == AF_INET6;
}

/* Roles in two linear passes: the set of (protocol, port) listened on in this
 * namespace, then each connected socket looked up in it. */
static int ns_roles(struct sock_ns *t)
{
	size_t nlisten = 0;

	for (size_t i = 0; i < t->n; i++)
		nlisten += is_inet(&t->v[i]) && t->v[i].listening;
	if (nlisten) {
		size_t cap = table_size(nlisten);

		t->listen = calloc(cap, sizeof(*t->listen));
		if (!t->listen)
			return SR_ENOMEM;
		t->listen_mask = cap - 1;
		for (size_t i = 0; i < t->n; i++) {
			uint32_t key = listen_key(&t->v[i]);
			size_t k;

			if (!is_inet(&t->v[i]) || !t->v[i].listening)
				continue;
			for (k = mix(key) & t->listen_mask; t->listen[k] && t->listen[k] != key;
			     k = (k + 1) & t->listen_mask)
				;
			t->listen[k] = key;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		struct rec_sock *e = &t->v[i];

		if (!is_inet(e))
			continue;
		if (e->listening)
			e->fd.is_server = 1;
		else if (e->fd.rport == 0)
			e->fd.is_server = 2;
		else
			e->fd.is_server = listen_has(t, listen_key(e)) ? 1 : 0;
	}
	return 0;
}

/* Inode index; the first entry of a repeated inode wins. Socket inodes are
 * unique, so a repeat means a forged row: the kernel prints a unix socket's
 * path byte for byte, and a path holding a newline and a made-up row could
 * name another socket. That socket's path is then not to be trusted: it is
 * dropped (the fd reads as an unnamed unix socket) rather than guessed. */
static int ns_index(struct sock_ns *t)
{
	size_t cap = table_size(t->n);

	t->by_ino = calloc(cap, sizeof(*t->by_ino));
	if (!t->by_ino)
		return SR_ENOMEM;
	t->ino_mask = cap - 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t k;

		for (k = mix(t->v[i].ino) & t->ino_mask; t->by_ino[k]; k = (k + 1) & t->ino_mask)
			if (t->v[t->by_ino[k] - 1].ino == t->v[i].ino)
				break;
		if (!t->by_ino[k])
			t->by_ino[k] = (uint32_t)(i + 1); /* i < REC_SOCKS_MAX_PER_NS */
		else if (t->v[i].fd.family == AF_UNIX ||
			 t->v[t->by_ino[k] - 1].fd.family == AF_UNIX)
			t->v[t->by_ino[k] - 1].path[0] = '\0';
	}
	return 0;
}

static const struct rec_sock *ns_find(const struct sock_ns *t, uint64_t ino)
{
	for (size_t k = mix(ino) & t->ino_mask; t->by_ino[k]; k = (k + 1) & t->ino_mask)
		if (t->v[t->by_ino[k] - 1].ino == ino)
			return &t->v[t->by_ino[k] - 1];
	return NULL;
}

static void ns_free(struct sock_ns *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->by_ino);
	free(t->listen);
	free(t);
}

/* Reads and indexes pid_dir's tables; NULL when out of memory. */
static struct sock_ns *ns_load(struct rec_socks *s, uint64_t netns, const char *pid_dir)
{
	static const struct {
		const char *name;
		int kind; /* 0 inet4, 1 inet6, 2 unix, 3 netlink */
		uint8_t l4;
	} tabs[] = {
	    {"tcp", 0, 6},   {"tcp6", 1, 6}, {"udp", 0, 17},
	    {"udp6", 1, 17}, {"unix", 2, 0}, {"netlink", 3, 0},
	};
	struct sock_ns *t = calloc(1, sizeof(*t));
	char p[512];
	int rc = 0;

	if (!t)
		return NULL;
	t->netns = netns;
	for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]) && !rc; i++) {
		snprintf(p, sizeof(p), "%s/net/%s", pid_dir, tabs[i].name);
		if (tabs[i].kind <= 1)
			rc = read_inet(t, p, tabs[i].kind, tabs[i].l4);
		else if (tabs[i].kind == 2)
			rc = read_unix(t, p);
		else
			rc = read_netlink(t, p);
	}
	if (!rc)
		rc = ns_roles(t);
	if (!rc)
		rc = ns_index(t);
	if (rc) {
		ns_free(t);
		return NULL;
	}
	s->ns_reads++;
	s->entries += t->n;
	return t;
}

/* ---- the namespace table ---- */

struct rec_socks *rec_socks_new(const char *root)
{
	struct rec_socks *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	snprintf(s->proc_root, sizeof(s->proc_root), "%s", root);
	s->ns = calloc(16, sizeof(*s->ns));
	s->all = calloc(16, sizeof(*s->all));
	if (!s->ns || !s->all) {
		free(s->ns);
		free(s->all);
		free(s);
		return NULL;
	}
	s->ns_mask = 15;
	s->all_mask = 15;
	return s;
}

void rec_socks_free(struct rec_socks *s)
{
	if (!s)
		return;
	for (size_t i = 0; i <= s->ns_mask; i++)
		ns_free(s->ns[i]);
	ns_free(s->unknown);
	free(s->ns);
	free(s->all);
	free(s);
}

static size_t ns_slot(struct sock_ns **tab, size_t mask, uint64_t netns)
{
	size_t k;

	for (k = mix(netns) & mask; tab[k] && tab[k]->netns != netns; k = (k + 1) & mask)
		;
	return k;
}

/* Keeps the load factor at most 1/2 before one more namespace goes in. */
static int ns_grow(struct rec_socks *s)
{
	size_t cap = s->ns_mask + 1, ncap = cap * 2;
	struct sock_ns **nt;

	if (2 * (s->nns + 1) <= cap)
		return 0;
	nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return SR_ENOMEM;
	for (size_t i = 0; i < cap; i++)
		if (s->ns[i])
			nt[ns_slot(nt, ncap - 1, s->ns[i]->netns)] = s->ns[i];
	free(s->ns);
	s->ns = nt;
	s->ns_mask = ncap - 1;
	return 0;
}

static size_t all_slot(const struct rec_sock **tab, size_t mask, uint64_t ino)
{
	size_t k;

	for (k = mix(ino) & mask; tab[k] && tab[k]->ino != ino; k = (k + 1) & mask)
		;
	return k;
}

/* Adds t's entries to the all-namespace index (the first of an inode wins). */
static int all_add(struct rec_socks *s, const struct sock_ns *t)
{
	size_t cap = s->all_mask + 1;

	if (2 * (s->nall + t->n) > cap) {
		size_t ncap = table_size(s->nall + t->n);
		const struct rec_sock **nt = calloc(ncap, sizeof(*nt));

		if (!nt)
			return SR_ENOMEM;
		for (size_t i = 0; i < cap; i++)
			if (s->all[i])
				nt[all_slot(nt, ncap - 1, s->all[i]->ino)] = s->all[i];
		free(s->all);
		s->all = nt;
		s->all_mask = ncap - 1;
	}
	for (size_t i = 0; i < t->n; i++) {
		size_t k = all_slot(s->all, s->all_mask, t->v[i].ino);

		if (!s->all[k]) {
			s->all[k] = &t->v[i];
			s->nall++;
		}
	}
	return 0;
}

/* The namespace netns, read from pid_dir the first time it is asked for. */
static int ns_get(struct rec_socks *s, uint64_t netns, const char *pid_dir, struct sock_ns **out)
{
	size_t k = ns_slot(s->ns, s->ns_mask, netns);

	if (!s->ns[k]) {
		struct sock_ns *t;

		if (ns_grow(s))
			return SR_ENOMEM;
		if (!(t = ns_load(s, netns, pid_dir)))
			return SR_ENOMEM;
		if (all_add(s, t)) {
			ns_free(t);
			return SR_ENOMEM;
		}
		k = ns_slot(s->ns, s->ns_mask, netns);
		s->ns[k] = t;
		s->nns++;
	}
	*out = s->ns[k];
	return 0;
}

/* Reads every namespace not read yet, from the first process found in each:
 * a socket lives in the namespace it was created in, which need not be its
 * holder's (unshare(CLONE_NEWNET) after socket(), an fd passed over a unix
 * socket), and that namespace's processes may come later in the walk. Done
 * once, on the first miss. */
static int ns_scan(struct rec_socks *s)
{
	DIR *d = opendir(s->proc_root);
	struct dirent *de;
	int rc = 0;

	s->scanned = 1;
	if (!d)
		return 0;
	while (!rc && (de = readdir(d))) {
		char dir[sizeof(s->proc_root) + 260], p[sizeof(dir) + 8], l[64];
		const char *b;
		ssize_t n;
		uint64_t netns;
		struct sock_ns *t;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", s->proc_root, de->d_name);
		snprintf(p, sizeof(p), "%s/ns/net", dir);
		n = readlink(p, l, sizeof(l) - 1);
		if (n <= 0)
			continue;
		l[n] = '\0';
		b = strchr(l, '[');
		netns = b ? strtoull(b + 1, NULL, 10) : 0;
		if (netns)
			rc = ns_get(s, netns, dir, &t);
	}
	closedir(d);
	return rc;
}

int rec_socks_find(struct rec_socks *s, uint64_t netns, const char *pid_dir, uint64_t ino,
		   const struct rec_sock **out)
{
	struct sock_ns *t;
	int rc;

	*out = NULL;
	if (!netns) {
		if (!s->unknown || strcmp(s->unknown_dir, pid_dir) != 0) {
			if (s->unknown)
				s->entries -= s->unknown->n;
			ns_free(s->unknown);
			s->unknown = ns_load(s, 0, pid_dir);
			if (!s->unknown)
				return SR_ENOMEM;
			snprintf(s->unknown_dir, sizeof(s->unknown_dir), "%s", pid_dir);
		}
		t = s->unknown;
	} else if ((rc = ns_get(s, netns, pid_dir, &t))) {
		return rc;
	}
	/* The holder's own namespace first: it alone decides when an inode
	 * number shows up in several namespaces' tables. */
	if ((*out = ns_find(t, ino)))
		return 1;
	if (!s->scanned && (rc = ns_scan(s)))
		return rc;
	*out = s->all[all_slot(s->all, s->all_mask, ino)];
	return *out != NULL;
}

void rec_socks_get_stats(const struct rec_socks *s, struct rec_socks_stats *out)
{
	out->ns_reads = s->ns_reads;
	out->entries = s->entries;
	out->namespaces = s->nns + (s->unknown != NULL);
}
