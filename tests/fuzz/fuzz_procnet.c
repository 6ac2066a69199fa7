/* fuzz_procnet: the /proc/PID/net socket tables (record/rec_procfs_sock.c).
 *
 * Input: one config byte, then up to twelve files separated by the byte 0x01
 * (never in a kernel table): tcp, tcp6, udp, udp6, unix, netlink of process 1,
 * then the same six of process 2. A file past the end of the input is absent;
 * an empty piece is an empty file. They are written into a fake /proc tree
 * under a temp dir of this process, and the input's decimal numbers (the
 * first 62, plus 0 and UINT64_MAX) are looked up as socket inodes from
 * process 1's namespace, from process 2's and as the unknown namespace
 * (netns 0).
 *
 * Config bits: 1 both processes share one namespace; 2 process 1's ns/net link
 * is missing (so the scan skips it); 4 process 2 asks first; 8 the unknown
 * namespace is also asked from process 2 for the first few inodes (its tables
 * are dropped and re-read); 16 processes 3 to 12 show up too, each in a
 * namespace of its own (netns 1003...) with one fixed listener, inode
 * 90003..., so the first miss reads a dozen namespaces and the tables grow.
 *
 * Beyond "no crash", checked on the reader's own tables (the .c is compiled
 * in): every entry's inode finds the first entry of that inode; roles follow
 * the listeners of the namespace; no entry comes from a row that is not one
 * physical line of a file; the cross-namespace index holds every entry's
 * inode; the stats add up; a lookup that succeeds in one namespace succeeds in
 * every namespace once all are read, and gives the holder's own entry. */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* record/ is not in libsysrec.a: the unit under test is compiled in. */
#include "record/rec_procfs_sock.c"
#include "tests/fuzz/fuzz_tree.h"

#define SEP	    0x01
#define NFILES	    12
#define MAX_LOOKUPS 64
#define EXTRA_FIRST 3 /* processes 3..12 of config bit 16 */
#define EXTRA_LAST  12

static const char *const tab_names[6] = {"tcp", "tcp6", "udp", "udp6", "unix", "netlink"};
static char dir1[300], dir2[300];

/* The tree's folders, once per process. */
static int tree_init(void)
{
	char p[320];

	if (root[0])
		return 0;
	/* memory-backed when there is one: each run rewrites a dozen files */
	snprintf(root, sizeof(root), "%s/fuzz_procnet-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root)) {
		root[0] = '\0';
		return -1;
	}
	atexit(cleanup);
	for (int pid = 1; pid <= EXTRA_LAST; pid++) {
		snprintf(p, sizeof(p), "%s/%d", root, pid);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%d/net", root, pid);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%d/ns", root, pid);
		mkdir(p, 0755);
		if (pid >= EXTRA_FIRST) {
			char row[256];
			int n = snprintf(
			    row, sizeof(row),
			    "header\n   0: 00000000:%04X 00000000:0000 0A 00000000:00000000"
			    " 00:00000000 00000000     0        0 %d 1\n",
			    pid, 90000 + pid);

			snprintf(p, sizeof(p), "%s/%d/net/tcp", root, pid);
			put_file(p, (const uint8_t *)row, (size_t)n);
		}
	}
	snprintf(dir1, sizeof(dir1), "%s/1", root);
	snprintf(dir2, sizeof(dir2), "%s/2", root);
	return 0;
}

static void put_ns_link(int pid, uint64_t netns)
{
	char p[320], t[64];

	snprintf(p, sizeof(p), "%s/%d/ns/net", root, pid);
	unlink(p);
	if (!netns)
		return;
	snprintf(t, sizeof(t), "net:[%llu]", (unsigned long long)netns);
	if (symlink(t, p))
		abort();
}

/* Physical lines of a file as fgets would see them if it had no size limit. */
static size_t count_lines(const uint8_t *d, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += d[i] == '\n';
	return k + (n && d[n - 1] != '\n');
}

struct ino_idx {
	uint64_t ino;
	size_t idx;
};

static int cmp_ino_idx(const void *a, const void *b)
{
	const struct ino_idx *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One namespace's entries, index and roles against a plain recomputation. */
static void check_ns(const struct rec_socks *s, const struct sock_ns *t, size_t max_rows,
		     int in_all)
{
	struct ino_idx *v;
	uint32_t *keys;
	size_t nk = 0;

	if (t->n > t->cap || t->n > max_rows)
		abort(); /* more entries than rows: a row made up from a line's tail */
	if (!t->n)
		return;
	v = malloc(t->n * sizeof(*v));
	keys = malloc(t->n * sizeof(*keys));
	if (!v || !keys)
		abort();
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_sock *e = &t->v[i];

		v[i].ino = e->ino;
		v[i].idx = i;
		if (!e->ino || !memchr(e->path, 0, sizeof(e->path)) || e->listening > 1)
			abort();
		if (is_inet(e) && e->listening)
			keys[nk++] = listen_key(e);
	}
	qsort(v, t->n, sizeof(*v), cmp_ino_idx);
	qsort(keys, nk, sizeof(*keys), cmp_u32);
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_sock *e = &t->v[v[i].idx], *f = ns_find(t, e->ino);
		size_t first = i;

		while (first && v[first - 1].ino == e->ino)
			first--;
		/* the first entry of a repeated inode wins */
		if (f != &t->v[v[first].idx])
			abort();
		if (in_all) {
			const struct rec_sock *a = s->all[all_slot(s->all, s->all_mask, e->ino)];

			if (!a || a->ino != e->ino)
				abort();
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_sock *e = &t->v[i];

		if (e->fd.family == AF_INET || e->fd.family == AF_INET6) {
			uint32_t key = listen_key(e);
			int listened = bsearch(&key, keys, nk, sizeof(*keys), cmp_u32) != NULL;
			int want;

			if (e->fd.l4proto != 6 && e->fd.l4proto != 17)
				abort();
			if (e->fd.l4proto == 17 &&
			    e->listening != (e->fd.rport == 0 && e->fd.lport))
				abort();
			want = e->listening ? 1 : e->fd.rport == 0 ? 2 : listened;
			if (e->fd.is_server != want)
				abort();
		} else if (e->fd.family == AF_UNIX || e->fd.family == 16) {
			if (e->fd.l4proto || e->fd.is_server || e->listening ||
			    (e->fd.family == 16 && e->path[0]))
				abort();
		} else {
			abort();
		}
	}
	free(v);
	free(keys);
}

static int is_extra(uint64_t netns)
{
	return netns >= 1000 + EXTRA_FIRST && netns <= 1000 + EXTRA_LAST;
}

/* The whole reader's state after a run. */
static void check_socks(const struct rec_socks *s, const size_t rows[2], uint64_t ns1, uint64_t ns2)
{
	struct rec_socks_stats st;
	uint64_t entries = 0;
	size_t nns = 0, nall = 0;

	for (size_t i = 0; i <= s->ns_mask; i++) {
		const struct sock_ns *t = s->ns[i];

		if (!t)
			continue;
		nns++;
		entries += t->n;
		if (t->netns != ns1 && t->netns != ns2 && !is_extra(t->netns))
			abort();
		if (ns_slot(s->ns, s->ns_mask, t->netns) != i)
			abort();
		/* a shared namespace is read from whichever process asked first */
		check_ns(s, t, is_extra(t->netns) ? 1 : rows[0] > rows[1] ? rows[0] : rows[1], 1);
	}
	if (s->unknown) {
		entries += s->unknown->n;
		check_ns(s, s->unknown, rows[0] > rows[1] ? rows[0] : rows[1], 0);
	}
	for (size_t i = 0; i <= s->all_mask; i++)
		nall += s->all[i] != NULL;
	rec_socks_get_stats(s, &st);
	if (nns != s->nns || nall != s->nall || st.entries != entries ||
	    st.namespaces != nns + (s->unknown != NULL) || nns > 2 + EXTRA_LAST - EXTRA_FIRST + 1 ||
	    2 * nns > s->ns_mask + 1 || 2 * nall > s->all_mask + 1)
		abort();
}

/* Same socket as seen by the recorder (padding and the unused name left out). */
static int same_sock(const struct rec_sock *a, const struct rec_sock *b)
{
	return a->ino == b->ino && a->fd.family == b->fd.family && a->fd.l4proto == b->fd.l4proto &&
	       a->fd.lport == b->fd.lport && a->fd.rport == b->fd.rport &&
	       a->fd.is_server == b->fd.is_server && !memcmp(a->fd.lip, b->fd.lip, 16) &&
	       !memcmp(a->fd.rip, b->fd.rip, 16) && !strcmp(a->path, b->path) &&
	       a->listening == b->listening;
}

static void check_entry(int rc, const struct rec_sock *e, uint64_t ino)
{
	if (rc < 0 || rc > 1 || (rc == 1) != (e != NULL) || (e && e->ino != ino))
		abort();
}

/* Decimal numbers of the input: the inodes worth asking for. */
static size_t inodes_of(const uint8_t *d, size_t n, uint64_t *out, size_t cap)
{
	size_t k = 0;

	out[k++] = 0;
	out[k++] = UINT64_MAX;
	for (size_t i = 0; i < n && k < cap;) {
		uint64_t v = 0;

		if (d[i] < '0' || d[i] > '9') {
			i++;
			continue;
		}
		while (i < n && d[i] >= '0' && d[i] <= '9')
			v = v * 10 + (uint64_t)(d[i++] - '0');
		out[k++] = v;
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t inos[MAX_LOOKUPS];
	uint8_t cfg;
	const uint8_t *p, *end = data + size;
	size_t rows[2] = {0, 0}, ninos;
	uint64_t ns1 = 4026531001ull, ns2;
	struct rec_socks *s;

	if (size < 1 || tree_init())
		return 0;
	cfg = data[0];
	ns2 = cfg & 1 ? ns1 : 4026531002ull;
	put_ns_link(1, cfg & 2 ? 0 : ns1);
	put_ns_link(2, ns2);
	for (int pid = EXTRA_FIRST; pid <= EXTRA_LAST; pid++)
		put_ns_link(pid, cfg & 16 ? 1000u + (unsigned)pid : 0);
	p = data + 1;
	for (int i = 0; i < NFILES; i++) {
		char path[320];

		snprintf(path, sizeof(path), "%s/%d/net/%s", root, 1 + i / 6, tab_names[i % 6]);
		if (p > end) {
			unlink(path);
			continue;
		}
		{
			const uint8_t *q = memchr(p, SEP, (size_t)(end - p));
			size_t len = (size_t)((q ? q : end) - p);

			put_file(path, p, len);
			/* rows: every line but the header */
			if (count_lines(p, len))
				rows[i / 6] += count_lines(p, len) - 1;
			p = (q ? q : end) + 1;
		}
	}
	ninos = inodes_of(data + 1, size - 1, inos, MAX_LOOKUPS - 2);
	inos[ninos++] = 90000 + EXTRA_FIRST;
	inos[ninos++] = 90000 + EXTRA_LAST;

	s = rec_socks_new(root);
	if (!s)
		return 0;
	for (size_t i = 0; i < ninos; i++) {
		const struct rec_sock *e1 = NULL, *e2 = NULL, *eu = NULL;
		struct rec_sock c1 = {0}, c2 = {0};
		int r1, r2, ru;

		if (cfg & 4) {
			r2 = rec_socks_find(s, ns2, dir2, inos[i], &e2);
			check_entry(r2, e2, inos[i]);
			if (e2)
				c2 = *e2;
			r1 = rec_socks_find(s, cfg & 2 ? 0 : ns1, dir1, inos[i], &e1);
			check_entry(r1, e1, inos[i]);
			if (e1)
				c1 = *e1;
		} else {
			r1 = rec_socks_find(s, cfg & 2 ? 0 : ns1, dir1, inos[i], &e1);
			check_entry(r1, e1, inos[i]);
			if (e1)
				c1 = *e1;
			r2 = rec_socks_find(s, ns2, dir2, inos[i], &e2);
			check_entry(r2, e2, inos[i]);
			if (e2)
				c2 = *e2;
		}
		ru = rec_socks_find(s, 0, dir1, inos[i], &eu);
		check_entry(ru, eu, inos[i]);
		/* Process 1's tables seen as namespace ns1 or as the unknown one:
		 * the same own entry first, the same fallback after (unless the
		 * shared namespace was read from process 2). */
		if (!(cfg & 2) && !((cfg & 1) && (cfg & 4)) &&
		    (r1 != ru || (eu && !same_sock(&c1, eu))))
			abort();
		/* With both links readable every namespace has been read after
		 * the first miss, so an inode found anywhere is found everywhere. */
		if (!(cfg & 2) && r1 != r2)
			abort();
		if (r1 == 1 && r2 == 1 && (cfg & 1) && !(cfg & 2) && !same_sock(&c1, &c2))
			abort(); /* one namespace: one answer */
		if ((cfg & 8) && i < 4) {
			const struct rec_sock *e = NULL;
			int r = rec_socks_find(s, 0, dir2, inos[i], &e);

			check_entry(r, e, inos[i]);
		}
	}
	check_socks(s, rows, ns1, ns2);
	rec_socks_free(s);
	return 0;
}
