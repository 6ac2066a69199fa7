/* test_procfs.c: the /proc snapshot of this very machine (record/rec_procfs.c). */
#include <arpa/inet.h>
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
	struct recs r = { 0 };
	struct sr_err err;
	char exe[4096], cwd[4096];
	int tmpfd, lfd, cfd, afd, pfd[2], mfd, efd;
	struct sockaddr_in sa = { .sin_family = AF_INET };
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
		ssize_t n = slurp("/proc/self/cmdline", cmd, sizeof(cmd));
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
	struct recs r = { 0 };

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
				       sizeof(path), id, pod), 1);
	CHECK_STR(path, "/system.slice/docker-" CID ".scope");
	CHECK_STR(id, CID);
	CHECK_EQ_INT(rec_procfs_cgroup("0::/user.slice/session-2.scope\n", path, sizeof(path), id,
				       pod), 1);
	CHECK_STR(path, "/user.slice/session-2.scope");
	CHECK_STR(id, "host");
	/* hybrid: the unified path is kept, the container comes from v1 */
	CHECK_EQ_INT(rec_procfs_cgroup("12:pids:/docker/" CID "\n4:memory:/docker/" CID
				       "\n1:name=systemd:/docker/" CID "\n0::/\n",
				       path, sizeof(path), id, pod), 1);
	CHECK_STR(path, "/");
	CHECK_STR(id, CID);
	CHECK_EQ_INT(rec_procfs_cgroup("9:name=systemd:/\n4:memory:/process_api/1c8c\n0::/\n",
				       path, sizeof(path), id, pod), 1);
	CHECK_STR(path, "/");
	CHECK_STR(id, "host");
	/* v1 only: the first line naming a container, else the first line */
	CHECK_EQ_INT(rec_procfs_cgroup("11:cpuset:/\n5:memory:/kubepods/burstable/pod1b2c3d4e-0000-"
				       "1111-2222-333344445555/" CID "\n1:name=systemd:/\n",
				       path, sizeof(path), id, pod), 0);
	CHECK_STR(id, CID);
	CHECK_STR(pod, "1b2c3d4e-0000-1111-2222-333344445555");
	CHECK(strstr(path, "/kubepods/burstable/") == path);
	CHECK_EQ_INT(rec_procfs_cgroup("11:cpuset:/a\n1:name=systemd:/b\n", path, sizeof(path),
				       id, pod), 0);
	CHECK_STR(path, "/a");
	CHECK_STR(id, "host");
	/* nothing usable */
	CHECK_EQ_INT(rec_procfs_cgroup("", path, sizeof(path), id, pod), 0);
	CHECK_STR(path, "");
	CHECK_STR(id, "host");
	CHECK_EQ_INT(rec_procfs_cgroup("garbage", path, sizeof(path), id, pod), 0);
	CHECK_STR(path, "");
}
