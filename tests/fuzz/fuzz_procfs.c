/* fuzz_procfs: the recorder's /proc snapshot (record/rec_procfs.c) over a fake
 * /proc tree whose files come from the input.
 *
 * Input: pieces separated by the byte 0x01 (a NUL is data: cmdline needs
 * it), in this order; a piece past the end of the input is absent, a link
 * piece is cut at its first NUL and absent when empty:
 *   0 10/status   1 10/comm    2 10/stat     3 10/cmdline  4 10/loginuid
 *   5 10/cgroup   6 10/exe ->  7 10/cwd ->   8 10/ns/net -> 9 10/ns/pid ->
 *  10 10/fd/3 -> 11 10/fdinfo/3  12 10/fd/4 -> 13 10/fdinfo/4
 *  14 10/task/11/status  15 10/task/11/stat  16 10/net/tcp  17 10/net/unix
 *  18 self/mountinfo  19 passwd (the etc root is the same tree)  20 group
 * Process 20 is fixed: a status, netns [7] and fd 3 -> socket:[5000], so a
 * socket lookup from another namespace scans the tree.
 *
 * Checked: the snapshot returns 0; every record it emits decodes, its length
 * is the record's; SNAP_BEGIN first, SNAP_END last counting the PROCINFOs;
 * process 10 has a PROCINFO per readable status (leader, thread 11) and one
 * FDINFO per fd link, with a known fd type; every record goes through the
 * state engine; at most one USERINFO per passwd line and one GROUPINFO per
 * group line. rec_procfs_cgroup on the cgroup piece, with a roomy and a
 * tiny buffer, leaves terminated strings within their buffers. */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* record/ is not in libsysrec.a: the units under test are compiled in. */
#include "record/rec_procfs.c"
#include "record/rec_procfs_sock.c"
#include "tests/fuzz/fuzz_tree.h"

#define SEP 0x01

enum { F_REG, F_LINK };

static const struct {
	const char *rel;
	int kind;
} pieces[] = {
    {"10/status", F_REG},	{"10/comm", F_REG},	{"10/stat", F_REG},
    {"10/cmdline", F_REG},	{"10/loginuid", F_REG}, {"10/cgroup", F_REG},
    {"10/exe", F_LINK},		{"10/cwd", F_LINK},	{"10/ns/net", F_LINK},
    {"10/ns/pid", F_LINK},	{"10/fd/3", F_LINK},	{"10/fdinfo/3", F_REG},
    {"10/fd/4", F_LINK},	{"10/fdinfo/4", F_REG}, {"10/task/11/status", F_REG},
    {"10/task/11/stat", F_REG}, {"10/net/tcp", F_REG},	{"10/net/unix", F_REG},
    {"self/mountinfo", F_REG},	{"passwd", F_REG},	{"group", F_REG},
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static void put_link(const char *path, const char *target)
{
	unlink(path);
	if (target[0] && symlink(target, path))
		abort();
}

/* The tree's folders and process 20, once per process. */
static int tree_init(void)
{
	static const char *const dirs[] = {
	    "10",     "10/ns", "10/fd", "10/fdinfo", "10/task", "10/task/10", "10/task/11",
	    "10/net", "self",  "20",	"20/ns",     "20/fd",	"20/net"};
	static const char st20[] = "Name:\tfixed\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
	static const char tcp20[] =
	    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
	    "   uid  timeout inode\n"
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
	    "     0        0 5000 1 0000000000000000 100 0 0 10 0\n";
	char p[320];

	if (root[0])
		return 0;
	/* memory-backed when there is one: each run rewrites twenty files */
	snprintf(root, sizeof(root), "%s/fuzz_procfs-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root)) {
		root[0] = '\0';
		return -1;
	}
	atexit(cleanup);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		if (mkdir(p, 0755))
			abort();
	}
	snprintf(p, sizeof(p), "%s/20/status", root);
	put_file(p, st20, strlen(st20));
	snprintf(p, sizeof(p), "%s/20/net/tcp", root);
	put_file(p, tcp20, strlen(tcp20));
	snprintf(p, sizeof(p), "%s/20/ns/net", root);
	put_link(p, "net:[7]");
	snprintf(p, sizeof(p), "%s/20/fd/3", root);
	put_link(p, "socket:[5000]");
	return 0;
}

struct seen {
	uint64_t records, procinfos, procinfos10, fdinfos10, end_threads, bad, users, groups;
	int first_type, last_type;
	struct st_state *st;
};

static int check_rec(void *ctx, const void *rec, size_t len)
{
	struct seen *s = ctx;
	struct evt ev;

	if (evt_decode(&ev, rec, len) != 0 || ev.rec->len != len) {
		s->bad++;
		return 0;
	}
	if (!s->records++)
		s->first_type = ev.rec->type;
	s->last_type = ev.rec->type;
	switch (ev.rec->type) {
	case EVT_PROCINFO:
		s->procinfos++;
		s->procinfos10 += ev.rec->pid == 10;
		break;
	case EVT_FDINFO:
		if (ev.rec->pid == 10)
			s->fdinfos10++;
		if (evt_param_u64(&ev, 1) > FDT_OTHER)
			s->bad++;
		break;
	case EVT_SNAP_END:
		s->end_threads = evt_param_u64(&ev, 0);
		break;
	case EVT_USERINFO:
		s->users++;
		break;
	case EVT_GROUPINFO:
		s->groups++;
		break;
	default:
		break;
	}
	return 0;
}

static int touch_fd(void *ctx, const struct st_fd *f)
{
	volatile size_t *sink = ctx;

	*sink += f->name ? strlen(f->name) : 0;
	return 0;
}

/* rec_procfs_cgroup's strings stay inside their buffers. */
static void check_cgroup(const uint8_t *d, size_t n)
{
	char *text = malloc(n + 1), path[4096], small[8], id[65], pod[64];

	if (!text)
		return;
	memcpy(text, d, n);
	text[n] = '\0';
	rec_procfs_cgroup(text, path, sizeof(path), id, pod);
	if (!memchr(path, 0, sizeof(path)) || !memchr(id, 0, sizeof(id)) ||
	    !memchr(pod, 0, sizeof(pod)))
		abort();
	rec_procfs_cgroup(text, small, sizeof(small), id, pod);
	if (!memchr(small, 0, sizeof(small)))
		abort();
	free(text);
}

/* Physical lines of a piece (a last line without a newline counts). */
static uint64_t count_lines(const uint8_t *d, size_t n)
{
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += d[i] == '\n';
	return k + (n && d[n - 1] != '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	const uint8_t *piece[NPIECES];
	size_t plen[NPIECES];
	int have[NPIECES];
	struct seen s = {0};
	struct sr_err err;
	volatile size_t sink = 0;
	unsigned nfd = 0;

	if (tree_init())
		return 0;
	for (size_t i = 0; i < NPIECES; i++) {
		char path[320];

		snprintf(path, sizeof(path), "%s/%s", root, pieces[i].rel);
		have[i] = p <= end;
		if (!have[i]) {
			unlink(path);
			continue;
		}
		{
			const uint8_t *q = memchr(p, SEP, (size_t)(end - p));

			piece[i] = p;
			plen[i] = (size_t)((q ? q : end) - p);
			p = (q ? q : end) + 1;
		}
		if (pieces[i].kind == F_REG) {
			put_file(path, piece[i], plen[i]);
		} else {
			char target[4096];
			size_t l = strnlen((const char *)piece[i], plen[i]);

			if (l >= sizeof(target))
				l = sizeof(target) - 1;
			memcpy(target, piece[i], l);
			target[l] = '\0';
			put_link(path, target);
			have[i] = l > 0;
			if (have[i] && (i == 10 || i == 12))
				nfd++;
		}
	}

	s.st = st_new();
	if (!s.st)
		return 0;
	rec_procfs_set_roots(root, root);
	if (rec_procfs_snapshot(s.st, 1, check_rec, &s, 1, &err) != 0)
		abort();
	if (s.bad || s.first_type != EVT_SNAP_BEGIN || s.last_type != EVT_SNAP_END ||
	    s.end_threads != s.procinfos)
		abort();
	/* process 10 exists when its status has a byte; thread 11 beside it */
	{
		int leader = have[0] && plen[0] > 0;
		uint64_t want = leader ? 1 + (have[14] && plen[14] > 0) : 0;

		if (s.procinfos10 != want || s.fdinfos10 != (leader ? nfd : 0))
			abort();
		if (leader && !st_thread_get(s.st, 10))
			abort();
	}
	/* one user or group per line at most: a piece of a long line is none */
	if (s.users > (have[19] ? count_lines(piece[19], plen[19]) : 0) ||
	    s.groups > (have[20] ? count_lines(piece[20], plen[20]) : 0))
		abort();
	st_fd_foreach(s.st, 10, touch_fd, (void *)&sink);
	st_fd_foreach(s.st, 20, touch_fd, (void *)&sink);
	st_free(s.st);
	if (have[5])
		check_cgroup(piece[5], plen[5]);
	return 0;
}
