/* test_procfs.c: the /proc snapshot (record/rec_procfs.c, record/rec_procfs_sock.c), of this
 * very machine and of fake /proc trees (network namespaces, many sockets). */
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* record/ is not in libsysrec.a: the unit under test is compiled in. */
#include "record/rec_procfs.c"
#include "record/rec_procfs_sock.c"
#include "tests/tap.h"

struct recs {
	uint8_t *buf;
	size_t len, cap, n;
	int first_type, last_type;
	uint64_t procinfos, end_threads, bad;
};

static int collect(void *ctx, const void *rec, size_t len)
{
	struct recs *r = ctx;
	struct evt ev;
	size_t al = (len + 7) & ~(size_t)7;

	if (evt_decode(&ev, rec, len) != 0 || ev.rec->len != len)
		r->bad++;
	if (!r->n)
		r->first_type = ev.rec->type;
	r->last_type = ev.rec->type;
	if (ev.rec->type == EVT_PROCINFO)
		r->procinfos++;
	if (ev.rec->type == EVT_SNAP_END)
		r->end_threads = evt_param_u64(&ev, 0);
	if (r->len + al > r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 1 << 16;
		while (ncap < r->len + al)
			ncap *= 2;
		uint8_t *nb = realloc(r->buf, ncap);
		if (!nb)
			return SR_ENOMEM;
		r->buf = nb;
		r->cap = ncap;
	}
	memcpy(r->buf + r->len, rec, len);
	r->len += al;
	r->n++;
	return 0;
}

static volatile int stop_thread;

static void *idle_thread(void *arg)
{
	(void)arg;
	while (!stop_thread)
		usleep(1000);
	return NULL;
}

/* The first cgroup2 mount point, by a reading of mountinfo of our own. */
static void cg2_mount_of_self(char *out, size_t cap)
{
	char line[4096], m[4096];
	FILE *f = fopen("/proc/self/mountinfo", "r");

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %4095s", m) == 1) {
			snprintf(out, cap, "%s", m);
			break;
		}
	if (f)
		fclose(f);
}

static char tmpl[] = "/tmp/sysrec-procfs-XXXXXX";

TEST(snapshot_of_this_machine)
{
	struct st_state *st = st_new();
	struct recs r = {0};
	struct sr_err err;
	char exe[4096], cwd[4096];
	int tmpfd, lfd, cfd, afd, pfd[2], mfd, efd;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	uint16_t lport, cport;
	pthread_t th;
	pid_t me = getpid(), tid = 0;
	const struct st_thread *t;
	const struct st_fd *f;
	char want[128];
	struct stat sb;

	tmpfd = mkstemp(tmpl);
	CHECK(tmpfd >= 0);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(lfd, 4) == 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	lport = ntohs(sa.sin_port);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	afd = accept(lfd, NULL, NULL);
	sl = sizeof(sa);
	getsockname(cfd, (struct sockaddr *)&sa, &sl);
	cport = ntohs(sa.sin_port);
	CHECK(pipe(pfd) == 0);
	mfd = memfd_create("sysrec-test", MFD_CLOEXEC);
	efd = eventfd(0, 0);
	pthread_create(&th, NULL, idle_thread, NULL);
	usleep(20000);

	CHECK_EQ_INT(rec_procfs_snapshot(st, 1234, collect, &r, me, &err), 0);
	CHECK_EQ_INT(r.bad, 0);
	CHECK_EQ_INT(r.first_type, EVT_SNAP_BEGIN);
	CHECK_EQ_INT(r.last_type, EVT_SNAP_END);
	CHECK_EQ_INT(r.end_threads, r.procinfos);

	t = st_thread_get(st, (uint32_t)me);
	CHECK(t != NULL);
	if (!t)
		goto out;
	{
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
	}
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_STR(t->exepath, exe);
	CHECK_STR(t->cwd, cwd);
	{
		/* argv[0] and the rest, as the kernel shows them. */
		char cmd[4096];
		ssize_t n = rec_procfs_read("/proc/self/cmdline", cmd, sizeof(cmd));
		size_t a0 = strlen(cmd);
		CHECK_STR(t->exe, cmd);
		CHECK_EQ_INT(t->args_len, n > (ssize_t)a0 + 1 ? (size_t)n - a0 - 2 : 0);
	}
	CHECK_EQ_INT(t->ppid, getppid());
	CHECK_EQ_INT(t->uid, getuid());
	CHECK(t->start_ts > 1000000000ull * 1000000000ull); /* after 2001, in epoch ns */
	CHECK(t->pidns != 0 && t->mntns != 0 && t->netns != 0);
	CHECK(t->container_id != NULL);
	/* The cgroup id is the inode of our directory in the unified hierarchy,
	 * wherever it is mounted (/sys/fs/cgroup/unified on hybrid hosts). */
	{
		char mnt[4096], full[8192];
		struct stat cs;

		cg2_mount_of_self(mnt, sizeof(mnt));
		if (!mnt[0]) {
			CHECK_EQ_INT(t->cgroup_id, 0);
		} else {
			snprintf(full, sizeof(full), "%s%s", mnt,
				 strcmp(t->cgroup, "/") ? t->cgroup : "");
			CHECK(stat(full, &cs) == 0);
			CHECK_EQ_INT(t->cgroup_id, cs.st_ino);
			CHECK(t->cgroup_id != 0);
		}
	}
	/* The other thread of this process. */
	{
		size_t n;
		uint32_t *tids = list_ids("/proc/self/task", &n);
		for (size_t i = 0; i < n; i++)
			if (tids[i] != (uint32_t)me)
				tid = (pid_t)tids[i];
		free(tids);
	}
	CHECK(tid != 0 && st_thread_get(st, (uint32_t)tid) != NULL);
	if (tid)
		CHECK_EQ_INT(st_thread_get(st, (uint32_t)tid)->pid, me);

	f = st_fd_get(st, (uint32_t)me, tmpfd);
	CHECK(f && f->type == FDT_FILE && strcmp(f->name, tmpl) == 0);
	CHECK(f && (f->flags & O_RDWR));
	f = st_fd_get(st, (uint32_t)me, lfd);
	snprintf(want, sizeof(want), "127.0.0.1:%u", lport);
	CHECK(f && f->type == FDT_IPV4 && f->l4proto == 6 && f->is_server == 1);
	CHECK(f && strcmp(f->name, want) == 0);
	CHECK(f && f->lport == lport && f->lip[0] == 127);
	snprintf(want, sizeof(want), "127.0.0.1:%u->127.0.0.1:%u", cport, lport);
	f = st_fd_get(st, (uint32_t)me, cfd);
	CHECK(f && f->is_server == 0 && strcmp(f->name, want) == 0);
	f = st_fd_get(st, (uint32_t)me, afd);
	CHECK(f && f->is_server == 1 && strcmp(f->name, want) == 0);
	f = st_fd_get(st, (uint32_t)me, pfd[0]);
	fstat(pfd[0], &sb);
	CHECK(f && f->type == FDT_PIPE && f->ino == sb.st_ino);
	snprintf(want, sizeof(want), "pipe:[%llu]", (unsigned long long)sb.st_ino);
	CHECK(f && strcmp(f->name, want) == 0);
	f = st_fd_get(st, (uint32_t)me, mfd);
	CHECK(f && f->type == FDT_MEMFD && strcmp(f->name, "memfd:sysrec-test") == 0);
	CHECK(f && (f->flags & O_CLOEXEC));
	f = st_fd_get(st, (uint32_t)me, efd);
	CHECK(f && f->type == FDT_EVENT);
	CHECK(st_user_name(st, 0) && strcmp(st_user_name(st, 0), "root") == 0);
	CHECK(st_group_name(st, 0) != NULL);
	/* pid 1 is visible here */
	CHECK(st_thread_get(st, 1) != NULL);

	/* The records rebuild the same table in a fresh state. */
	{
		struct st_state *b = st_new();
		struct st_stats sa_, sb_;
		size_t off = 0;
		while (off < r.len) {
			struct evt ev;
			if (evt_decode(&ev, r.buf + off, r.len - off))
				break;
			st_event_begin(b, &ev);
			st_event_end(b, &ev);
			off += (ev.rec->len + 7) & ~(uint32_t)7;
		}
		st_get_stats(st, &sa_);
		st_get_stats(b, &sb_);
		CHECK_EQ_INT(sb_.threads, sa_.threads);
		CHECK_EQ_INT(sb_.fds, sa_.fds);
		CHECK_STR(st_thread_get(b, (uint32_t)me)->cwd, cwd);
		st_free(b);
	}
out:
	stop_thread = 1;
	pthread_join(th, NULL);
	unlink(tmpl);
	close(tmpfd);
	close(lfd);
	close(cfd);
	close(afd);
	close(pfd[0]);
	close(pfd[1]);
	close(mfd);
	close(efd);
	free(r.buf);
	st_free(st);
}

static int fail_after(void *ctx, const void *rec, size_t len)
{
	int *n = ctx;

	(void)rec;
	(void)len;
	return --*n == 0 ? SR_ENOSPC : 0;
}

TEST(emit_error_stops_walk)
{
	int n = 3;
	struct sr_err err;

	CHECK_EQ_INT(rec_procfs_snapshot(NULL, 1, fail_after, &n, getpid(), &err), SR_ENOSPC);
	CHECK_EQ_INT(n, 0);
}

TEST(missing_proc_is_an_error)
{
	struct sr_err err;
	struct recs r = {0};

	rec_procfs_set_roots("/nonexistent-proc", NULL);
	CHECK_EQ_INT(rec_procfs_snapshot(NULL, 1, collect, &r, getpid(), &err), SR_EIO);
	CHECK(strstr(err.msg, "/nonexistent-proc") != NULL);
	rec_procfs_set_roots("/proc", NULL);
	free(r.buf);
}

#define CID "3f4e9d1c2b5a69788796a5b4c3d2e1f001122334455667788990aabbccddeeff"

TEST(cgroup_lines)
{
	char path[256], id[65], pod[64];

	/* pure v2 */
	CHECK_EQ_INT(rec_procfs_cgroup("0::/system.slice/docker-" CID ".scope\n", path,
				       sizeof(path), id, pod),
		     1);
	CHECK_STR(path, "/system.slice/docker-" CID ".scope");
	CHECK_STR(id, CID);
	CHECK_EQ_INT(
	    rec_procfs_cgroup("0::/user.slice/session-2.scope\n", path, sizeof(path), id, pod), 1);
	CHECK_STR(path, "/user.slice/session-2.scope");
	CHECK_STR(id, "host");
	/* hybrid: the unified path is kept, the container comes from v1 */
	CHECK_EQ_INT(rec_procfs_cgroup("12:pids:/docker/" CID "\n4:memory:/docker/" CID
				       "\n1:name=systemd:/docker/" CID "\n0::/\n",
				       path, sizeof(path), id, pod),
		     1);
	CHECK_STR(path, "/");
	CHECK_STR(id, CID);
	CHECK_EQ_INT(rec_procfs_cgroup("9:name=systemd:/\n4:memory:/process_api/1c8c\n0::/\n", path,
				       sizeof(path), id, pod),
		     1);
	CHECK_STR(path, "/");
	CHECK_STR(id, "host");
	/* v1 only: the first line naming a container, else the first line */
	CHECK_EQ_INT(rec_procfs_cgroup("11:cpuset:/\n5:memory:/kubepods/burstable/pod1b2c3d4e-0000-"
				       "1111-2222-333344445555/" CID "\n1:name=systemd:/\n",
				       path, sizeof(path), id, pod),
		     0);
	CHECK_STR(id, CID);
	CHECK_STR(pod, "1b2c3d4e-0000-1111-2222-333344445555");
	CHECK(strstr(path, "/kubepods/burstable/") == path);
	CHECK_EQ_INT(
	    rec_procfs_cgroup("11:cpuset:/a\n1:name=systemd:/b\n", path, sizeof(path), id, pod), 0);
	CHECK_STR(path, "/a");
	CHECK_STR(id, "host");
	/* nothing usable */
	CHECK_EQ_INT(rec_procfs_cgroup("", path, sizeof(path), id, pod), 0);
	CHECK_STR(path, "");
	CHECK_STR(id, "host");
	CHECK_EQ_INT(rec_procfs_cgroup("garbage", path, sizeof(path), id, pod), 0);
	CHECK_STR(path, "");
}

/* ---- fake /proc trees ---- */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes text to root/rel, creating the folders on the way. */
static int put_file(const char *root, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int put_link(const char *root, const char *rel, const char *target)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	return symlink(target, path);
}

/* A process: status, comm, the net namespace link (netns 0: none) and one
 * socket fd per inode in inos (fds 3, 4, ...). */
static int fake_proc(const char *root, unsigned pid, uint64_t netns, const uint64_t *inos, size_t n)
{
	char rel[128], text[256];
	int rc = 0;

	snprintf(rel, sizeof(rel), "%u/status", pid);
	snprintf(text, sizeof(text),
		 "Name:\tfake%u\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n", pid);
	rc |= put_file(root, rel, text);
	snprintf(rel, sizeof(rel), "%u/comm", pid);
	snprintf(text, sizeof(text), "fake%u\n", pid);
	rc |= put_file(root, rel, text);
	if (netns) {
		snprintf(rel, sizeof(rel), "%u/ns/net", pid);
		snprintf(text, sizeof(text), "net:[%llu]", (unsigned long long)netns);
		rc |= put_link(root, rel, text);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%u/fd/%zu", pid, i + 3);
		snprintf(text, sizeof(text), "socket:[%llu]", (unsigned long long)inos[i]);
		rc |= put_link(root, rel, text);
	}
	return rc;
}

/* /proc/net/tcp and unix as the kernel prints them */
#define TCP_HDR                                                                                    \
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"        \
	"  timeout inode\n"
#define TCP_ROW(sl, la, ra, st, ino)                                                               \
	"   " #sl ": " la " " ra " " st " 00000000:00000000 00:00000000 00000000     0"            \
	"        0 " #ino " 1 0000000000000000 100 0 0 10 0\n"
#define UNIX_HDR "Num       RefCount Protocol Flags    Type St Inode Path\n"
#define UNIX_ROW(ino, path)                                                                        \
	"0000000000000000: 00000002 00000000 00010000 0001 01 " #ino " " path "\n"

/* Tables of the fake tree's namespaces (A: 4026531001, B: 4026531002).
 * A and B both hold inode 5000 and 7000, and the same tuple
 * 127.0.0.1:8080 <-> 10.0.0.9:5555; only A listens on 8080. */
static const char tcp_a[] =
    TCP_HDR TCP_ROW(0, "0100007F:0050", "00000000:0000", "0A", 5000) /* listen 127.0.0.1:80 */
    TCP_ROW(1, "00000000:1F90", "00000000:0000", "0A", 5001)	     /* listen *:8080 */
    TCP_ROW(2, "0100007F:1F90", "0900000A:15B3", "01", 5002)	     /* accepted on 8080 */
    /* damaged rows: short address, bad hex, port beyond 16 bits, no inode */
    "   3: 0100:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5003 1\n"
    "   4: 01zz007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5004 1\n"
    "   5: 0100007F:10050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5005 1\n"
    "   6: 0100007F:0050\n";
static const char tcp_b[] =
    TCP_HDR TCP_ROW(0, "0100007F:9C40", "0100007F:01BB", "01", 5000) /* client 40000 -> 443 */
    TCP_ROW(1, "0100007F:1F90", "0900000A:15B3", "01", 6001)	     /* client from port 8080 */
    TCP_ROW(2, "0100007F:0050", "0100007F:A000", "01", 6002);	     /* client from port 80 */
static const char unix_a[] = UNIX_HDR UNIX_ROW(7000, "/run/a.sock");
static const char unix_b[] = UNIX_HDR UNIX_ROW(7000, "/run/b.sock");

static int fake_netns_tree(const char *root)
{
	static const uint64_t p100[] = {5000, 5002, 7000, 5001};
	static const uint64_t p101[] = {5001, 5003};
	static const uint64_t p200[] = {5000, 6001, 7000, 6002, 5002};
	static const uint64_t p300[] = {9000};
	static const uint64_t p400[] = {9500};
	static const uint64_t p500[] = {9500};
	int rc = 0;

	/* 100 and 101 share namespace A; only 100 has net/ tables, so 101's
	 * sockets resolve only if A's tables are kept and shared. */
	rc |= fake_proc(root, 100, 4026531001ull, p100, 4);
	rc |= put_file(root, "100/net/tcp", tcp_a);
	rc |= put_file(root, "100/net/unix", unix_a);
	rc |= fake_proc(root, 101, 4026531001ull, p101, 2);
	/* 200 in B; its fd 7 is A's socket 5002 (created in A, then passed) */
	rc |= fake_proc(root, 200, 4026531002ull, p200, 5);
	rc |= put_file(root, "200/net/tcp", tcp_b);
	rc |= put_file(root, "200/net/unix", unix_b);
	/* 300: the namespace link unreadable: its own tables only */
	rc |= fake_proc(root, 300, 0, p300, 1);
	rc |= put_file(root, "300/net/tcp",
		       TCP_HDR TCP_ROW(0, "00000000:0016", "00000000:0000", "0A", 9000));
	/* 400 in C holds a socket of D, whose only process (500) comes later */
	rc |= fake_proc(root, 400, 4026531003ull, p400, 1);
	rc |= put_file(root, "400/net/tcp", TCP_HDR);
	rc |= fake_proc(root, 500, 4026531004ull, p500, 1);
	rc |= put_file(root, "500/net/tcp6",
		       TCP_HDR TCP_ROW(0, "00000000000000000000000001000000:270F",
				       "00000000000000000000000000000000:0000", "0A", 9500));
	return rc;
}

/* The recorder's FDINFO record of pid's fd: its role shows in the name,
 * client end first (the state engine re-derives roles at SNAP_END). */
static void check_sock(const struct recs *r, uint32_t pid, int64_t fd, int type, const char *name,
		       int line)
{
	size_t off = 0;

	while (off < r->len) {
		struct evt ev;
		size_t nl;

		if (evt_decode(&ev, r->buf + off, r->len - off))
			break;
		off += (ev.rec->len + 7) & ~(uint32_t)7;
		if (ev.rec->type != EVT_FDINFO || ev.rec->pid != pid || evt_param_s64(&ev, 0) != fd)
			continue;
		nl = ev.plen[2];
		while (nl && ev.p[2][nl - 1] == '\0')
			nl--;
		if ((int)evt_param_u64(&ev, 1) != type || nl != strlen(name) ||
		    memcmp(ev.p[2], name, nl) != 0)
			TAP_FAIL(
			    "line %d: pid %u fd %lld: type %d name \"%.*s\", expected %d \"%s\"",
			    line, pid, (long long)fd, (int)evt_param_u64(&ev, 1), (int)nl,
			    (const char *)ev.p[2], type, name);
		return;
	}
	TAP_FAIL("line %d: pid %u fd %lld: no fdinfo record", line, pid, (long long)fd);
}
#define CHECK_SOCK(r, pid, fd, type, name) check_sock(r, pid, fd, type, name, __LINE__)

TEST(snapshot_per_network_namespace)
{
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX";
	struct st_state *st = st_new();
	struct recs r = {0};
	struct sr_err err;

	CHECK(mkdtemp(root) != NULL);
	CHECK_EQ_INT(fake_netns_tree(root), 0);
	rec_procfs_set_roots(root, root);
	CHECK_EQ_INT(rec_procfs_snapshot(st, 1, collect, &r, getpid(), &err), 0);
	rec_procfs_set_roots("/proc", "/etc");
	CHECK_EQ_INT(r.bad, 0);
	CHECK_EQ_INT(r.procinfos, 6);
	CHECK(st_thread_get(st, 200) && st_thread_get(st, 200)->netns == 4026531002ull);

	/* A: inode 5000 is the listener on 80; 5002 the accepted side of 8080 */
	CHECK_SOCK(&r, 100, 3, FDT_IPV4, "127.0.0.1:80");
	CHECK_SOCK(&r, 100, 4, FDT_IPV4, "10.0.0.9:5555->127.0.0.1:8080");
	CHECK_SOCK(&r, 100, 5, FDT_UNIX, "/run/a.sock");
	CHECK_SOCK(&r, 100, 6, FDT_IPV4, "0.0.0.0:8080");
	/* 101 shares A's tables; 5003 was a damaged row: unknown socket */
	CHECK_SOCK(&r, 101, 3, FDT_IPV4, "0.0.0.0:8080");
	CHECK_SOCK(&r, 101, 4, FDT_OTHER, "socket:[5003]");
	/* B: the same inode and tuple are clients there: nothing in B listens
	 * on 8080 or 80, whatever A does */
	CHECK_SOCK(&r, 200, 3, FDT_IPV4, "127.0.0.1:40000->127.0.0.1:443");
	CHECK_SOCK(&r, 200, 4, FDT_IPV4, "127.0.0.1:8080->10.0.0.9:5555");
	CHECK_SOCK(&r, 200, 5, FDT_UNIX, "/run/b.sock");
	CHECK_SOCK(&r, 200, 6, FDT_IPV4, "127.0.0.1:80->127.0.0.1:40960");
	/* A's socket held in B keeps A's entry and role */
	CHECK_SOCK(&r, 200, 7, FDT_IPV4, "10.0.0.9:5555->127.0.0.1:8080");
	/* unknown namespace: its own tables */
	CHECK_SOCK(&r, 300, 3, FDT_IPV4, "0.0.0.0:22");
	/* a socket of a namespace whose process comes later in the walk */
	CHECK_SOCK(&r, 400, 3, FDT_IPV6, "::1:9999");

	rm_tree(root);
	free(r.buf);
	st_free(st);
}

/* Each namespace's tables are read once, however many processes ask. */
TEST(socks_read_once_per_namespace)
{
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX", dir[300];
	struct rec_socks *s;
	struct rec_socks_stats sst;
	const struct rec_sock *e;

	CHECK(mkdtemp(root) != NULL);
	CHECK_EQ_INT(fake_netns_tree(root), 0);
	s = rec_socks_new(root);
	CHECK(s != NULL);
	if (!s)
		goto out;
	snprintf(dir, sizeof(dir), "%s/100", root);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 5000, &e), 1);
		CHECK(e && e->listening && e->fd.lport == 80);
	}
	snprintf(dir, sizeof(dir), "%s/101", root);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 5002, &e), 1);
	CHECK(e && e->fd.is_server == 1 && e->fd.rport == 5555);
	rec_socks_get_stats(s, &sst);
	CHECK_EQ_INT(sst.ns_reads, 1);
	CHECK_EQ_INT(sst.namespaces, 1);
	CHECK_EQ_INT(sst.entries, 4); /* 3 tcp + 1 unix: the damaged rows are left out */
	snprintf(dir, sizeof(dir), "%s/200", root);
	CHECK_EQ_INT(rec_socks_find(s, 4026531002ull, dir, 5000, &e), 1);
	CHECK(e && !e->listening && e->fd.is_server == 0 && e->fd.lport == 40000);
	CHECK_EQ_INT(rec_socks_find(s, 4026531002ull, dir, 7000, &e), 1);
	CHECK(e && strcmp(e->path, "/run/b.sock") == 0);
	rec_socks_get_stats(s, &sst);
	CHECK_EQ_INT(sst.ns_reads, 2);
	/* a miss scans every namespace once (C and D here), never again */
	CHECK_EQ_INT(rec_socks_find(s, 4026531002ull, dir, 123456, &e), 0);
	CHECK(e == NULL);
	rec_socks_get_stats(s, &sst);
	CHECK_EQ_INT(sst.ns_reads, 4);
	CHECK_EQ_INT(rec_socks_find(s, 4026531002ull, dir, 123457, &e), 0);
	rec_socks_get_stats(s, &sst);
	CHECK_EQ_INT(sst.ns_reads, 4);
	CHECK_EQ_INT(sst.namespaces, 4);
	/* unknown namespace: read per directory, kept while the same one asks */
	snprintf(dir, sizeof(dir), "%s/300", root);
	CHECK_EQ_INT(rec_socks_find(s, 0, dir, 9000, &e), 1);
	CHECK_EQ_INT(rec_socks_find(s, 0, dir, 9000, &e), 1);
	rec_socks_get_stats(s, &sst);
	CHECK_EQ_INT(sst.ns_reads, 5);
	rec_socks_free(s);
out:
	rm_tree(root);
}

/* 20000 sockets in one namespace (10000 listeners, 10000 connected, half of
 * them on a listened port) and one process holding 2000 of them: every role
 * right. The old pass compared every connected socket with every entry. */
TEST(many_sockets_complete)
{
	enum { NL = 10000, NC = 10000, NFD = 2000 };
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX", path[300];
	struct rec_socks *s = NULL;
	struct st_state *st = st_new();
	struct recs r = {0};
	struct sr_err err;
	const struct rec_sock *e;
	uint64_t *inos = calloc(NFD, sizeof(*inos));
	FILE *f;
	int bad = 0;

	CHECK(mkdtemp(root) != NULL && inos != NULL);
	if (!inos)
		goto out;
	snprintf(path, sizeof(path), "%s/1/net", root);
	CHECK_EQ_INT(put_file(root, "1/net/tcp", TCP_HDR), 0);
	snprintf(path, sizeof(path), "%s/1/net/tcp", root);
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (!f)
		goto out;
	for (unsigned i = 0; i < NL; i++)
		fprintf(f,
			"%5u: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 "
			"00000000     0        0 %u 1\n",
			i, 10000 + i, 100000 + i);
	/* connected i: local port 10000 + i (listened on) when i is even, else 40000 + i / 2 */
	for (unsigned i = 0; i < NC; i++)
		fprintf(f,
			"%5u: 0100007F:%04X 0200000A:%04X 01 00000000:00000000 00:00000000 "
			"00000000     0        0 %u 1\n",
			NL + i, i % 2 ? 40000 + i / 2 : 10000 + i, 1024 + i, 200000 + i);
	fclose(f);
	for (unsigned i = 0; i < NFD; i++)
		inos[i] = i % 2 ? 200000 + i * 5 : 100000 + i * 5;
	CHECK_EQ_INT(fake_proc(root, 1, 4026531001ull, inos, NFD), 0);

	s = rec_socks_new(root);
	CHECK(s != NULL);
	if (!s)
		goto out;
	snprintf(path, sizeof(path), "%s/1", root);
	for (unsigned i = 0; i < NL + NC; i++) {
		uint64_t ino = i < NL ? 100000 + i : 200000 + (i - NL);
		unsigned c = i - NL;
		int want = i < NL ? 1 : c % 2 == 0;

		if (rec_socks_find(s, 4026531001ull, path, ino, &e) != 1 || e->ino != ino ||
		    e->fd.is_server != want)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);

	/* The whole snapshot over the same tree. */
	rec_procfs_set_roots(root, root);
	CHECK_EQ_INT(rec_procfs_snapshot(st, 1, collect, &r, getpid(), &err), 0);
	rec_procfs_set_roots("/proc", "/etc");
	bad = 0;
	for (unsigned i = 0; i < NFD; i++) {
		const struct st_fd *fd = st_fd_get(st, 1, i + 3);
		int want = i % 2 ? (i * 5) % 2 == 0 : 1;

		if (!fd || fd->type != FDT_IPV4 || fd->is_server != want)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
out:
	rec_socks_free(s);
	rm_tree(root);
	free(inos);
	free(r.buf);
	st_free(st);
}

/* Found by fuzz_procnet: a line longer than the reader's buffer (512 bytes
 * for tcp) was read in pieces, and a piece that looked like a row (here the
 * tail, after spaces) became an entry with an inode of its own. One line is
 * one row at most; a line longer than any kernel row (4 KiB) is none; the
 * rows around them still count. */
TEST(socks_overlong_line_is_no_row)
{
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX", dir[300], pad[700];
	char *text = malloc(8192);
	struct rec_socks *s = NULL;
	struct rec_socks_stats sst;
	const struct rec_sock *e;
	static const uint64_t inos[] = {5000, 5001, 5002, 7001, 7002};

	CHECK(mkdtemp(root) != NULL && text != NULL);
	if (!text)
		goto out;
	memset(pad, ' ', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	snprintf(text, 8192, "%s%.*s%s%s%s", TCP_HDR,
		 (int)strlen(TCP_ROW(0, "0100007F:0050", "00000000:0000", "0A", 5000)) - 1,
		 TCP_ROW(0, "0100007F:0050", "00000000:0000", "0A", 5000), pad,
		 TCP_ROW(1, "0100007F:0051", "00000000:0000", "0A", 5001),
		 TCP_ROW(2, "0100007F:0052", "00000000:0000", "0A", 5002));
	CHECK_EQ_INT(put_file(root, "1/net/tcp", text), 0);
	/* unix: a 5000-byte path, then a row of its own */
	memset(text, 'p', 5000);
	text[5000] = '\0';
	{
		char *u = malloc(16384);

		CHECK(u != NULL);
		if (!u)
			goto out;
		snprintf(u, 16384, "%s%s%s", UNIX_HDR,
			 "0000000000000000: 00000002 00000000 "
			 "00010000 0001 01 7001 /",
			 text);
		snprintf(u + strlen(u), 16384 - strlen(u), "\n%s", UNIX_ROW(7002, "/run/c.sock"));
		CHECK_EQ_INT(put_file(root, "1/net/unix", u), 0);
		free(u);
	}
	CHECK_EQ_INT(fake_proc(root, 1, 4026531001ull, inos, 5), 0);
	s = rec_socks_new(root);
	CHECK(s != NULL);
	if (!s)
		goto out;
	snprintf(dir, sizeof(dir), "%s/1", root);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 5000, &e), 1);
	CHECK(e && e->listening && e->fd.lport == 0x50);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 5001, &e), 0);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 5002, &e), 1);
	CHECK(e && e->listening && e->fd.lport == 0x52);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 7001, &e), 0);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 7002, &e), 1);
	CHECK(e && strcmp(e->path, "/run/c.sock") == 0);
	rec_socks_get_stats(s, &sst);
	CHECK_EQ_INT(sst.entries, 3);
out:
	rec_socks_free(s);
	rm_tree(root);
	free(text);
}

/* Found by fuzz_procfs: /etc/passwd and /etc/group were read in 2 KiB pieces,
 * so the rest of a long line (a group with many members, a long gecos)
 * could pass for an entry of its own, and a long group line lost nothing
 * only by luck. Each line is one entry, whatever its length. */
TEST(users_long_lines_one_entry_each)
{
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX";
	char *pw = malloc(8192), *gr = malloc(8192);
	struct st_state *st = st_new();
	struct recs r = {0};
	struct sr_err err;
	size_t off = 0;
	int users = 0, groups = 0;

	CHECK(mkdtemp(root) != NULL && pw && gr);
	if (!pw || !gr)
		goto out;
	/* the gecos runs past 2 KiB; what follows it looks like root's line */
	snprintf(pw, 8192,
		 "u:x:1000:1000:%0*dname:pw:0:0:gecos:/root:/bin/sh\n"
		 "v:x:1001:1001::/home/v:/bin/sh\n",
		 2100, 0);
	/* members past 2 KiB, then text that looks like another group */
	snprintf(gr, 8192, "big:x:5:");
	for (int i = 0; i < 700; i++)
		strcat(gr, "mem,");
	strcat(gr, ":x:0:\nsmall:x:6:\n");
	CHECK_EQ_INT(put_file(root, "passwd", pw), 0);
	CHECK_EQ_INT(put_file(root, "group", gr), 0);
	CHECK_EQ_INT(fake_proc(root, 1, 0, NULL, 0), 0);
	rec_procfs_set_roots(root, root);
	CHECK_EQ_INT(rec_procfs_snapshot(st, 1, collect, &r, getpid(), &err), 0);
	rec_procfs_set_roots("/proc", "/etc");
	while (off < r.len) {
		struct evt ev;

		if (evt_decode(&ev, r.buf + off, r.len - off))
			break;
		off += (ev.rec->len + 7) & ~(uint32_t)7;
		users += ev.rec->type == EVT_USERINFO;
		groups += ev.rec->type == EVT_GROUPINFO;
	}
	CHECK_EQ_INT(users, 2);
	CHECK_EQ_INT(groups, 2);
	CHECK(st_user_name(st, 0) == NULL);
	CHECK(st_user_name(st, 1000) && strcmp(st_user_name(st, 1000), "u") == 0);
	CHECK(st_group_name(st, 5) && strcmp(st_group_name(st, 5), "big") == 0);
	CHECK(st_group_name(st, 0) == NULL);
	CHECK(st_group_name(st, 6) && strcmp(st_group_name(st, 6), "small") == 0);
out:
	rm_tree(root);
	free(pw);
	free(gr);
	free(r.buf);
	st_free(st);
}

/* A process with many supplementary groups: its status file's Groups line
 * runs to tens of KiB, and the namespace ids after it must still be read. */
TEST(status_long_groups_line_keeps_namespace_ids)
{
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX";
	size_t cap = 64 * 1024, off = 0;
	char *status = malloc(cap);
	struct st_state *st = st_new();
	struct recs r = {0};
	struct sr_err err;
	int seen = 0;

	CHECK(mkdtemp(root) != NULL && status);
	if (!status)
		goto out;
	CHECK_EQ_INT(fake_proc(root, 1, 0, NULL, 0), 0);
	off = (size_t)snprintf(status, cap,
			       "Name:\tfake1\nPPid:\t0\nUid:\t5\t6\t6\t6\n"
			       "Gid:\t7\t8\t8\t8\nGroups:");
	for (int g = 0; g < 4000; g++)
		off += (size_t)snprintf(status + off, cap - off, " %d", 100000 + g);
	snprintf(status + off, cap - off, "\nNStgid:\t1\t42\nNSpid:\t1\t42\n");
	CHECK_EQ_INT(put_file(root, "1/status", status), 0);
	rec_procfs_set_roots(root, root);
	CHECK_EQ_INT(rec_procfs_snapshot(st, 1, collect, &r, getpid(), &err), 0);
	rec_procfs_set_roots("/proc", "/etc");
	for (size_t o = 0; o < r.len;) {
		struct evt ev;

		if (evt_decode(&ev, r.buf + o, r.len - o))
			break;
		o += (ev.rec->len + 7) & ~(uint32_t)7;
		if (ev.rec->type != EVT_PROCINFO || ev.rec->tid != 1)
			continue;
		seen = 1;
		CHECK_EQ_INT(ev.rec->uid, 5);
		CHECK_EQ_INT(evt_param_u64(&ev, 6), 6);	  /* euid */
		CHECK_EQ_INT(evt_param_u64(&ev, 12), 42); /* vpid */
		CHECK_EQ_INT(evt_param_u64(&ev, 13), 42); /* vtid */
	}
	CHECK(seen);
out:
	rm_tree(root);
	free(status);
	free(r.buf);
	st_free(st);
}

/* A unix socket path may hold a newline: a local user can bind one that
 * ends in a made-up row naming another socket's inode. When the real row of
 * that inode comes later, the forged path must not be believed. */
TEST(socks_forged_unix_row_path_dropped)
{
	char root[] = "/tmp/sysrec-fakeproc-XXXXXX", dir[300];
	struct rec_socks *s = NULL;
	const struct rec_sock *e;
	static const uint64_t inos[] = {9000, 8000, 8100};

	CHECK(mkdtemp(root) != NULL);
	CHECK_EQ_INT(put_file(root, "1/net/unix",
			      UNIX_HDR UNIX_ROW(9000, "/tmp/evil") /* its path goes on: */
			      UNIX_ROW(8000, "/run/forged.sock") UNIX_ROW(8000, "/run/real.sock")
				  UNIX_ROW(8100, "/run/other.sock")),
		     0);
	CHECK_EQ_INT(fake_proc(root, 1, 4026531001ull, inos, 3), 0);
	s = rec_socks_new(root);
	CHECK(s != NULL);
	if (!s)
		goto out;
	snprintf(dir, sizeof(dir), "%s/1", root);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 8000, &e), 1);
	CHECK(e && e->fd.family == AF_UNIX && e->path[0] == '\0');
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 9000, &e), 1);
	CHECK(e && strcmp(e->path, "/tmp/evil") == 0);
	CHECK_EQ_INT(rec_socks_find(s, 4026531001ull, dir, 8100, &e), 1);
	CHECK(e && strcmp(e->path, "/run/other.sock") == 0);
out:
	rec_socks_free(s);
	rm_tree(root);
}
