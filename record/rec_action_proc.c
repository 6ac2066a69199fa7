/* rec_action_proc.c: killing a process and freezing or killing a cgroup.
 *
 * A pid names a process only until it exits and is reused: the kill goes
 * through a pidfd (pidfd_open, then pidfd_send_signal), which pins one
 * process, and the process the pidfd names is checked to have started no
 * later than the offending event (/proc/PID/stat start time, in clock
 * ticks: a pid reused within the same tick cannot be told apart).
 *
 * Cgroups: this machine kind has hybrid cgroups (v1 controllers, cgroup2 at
 * /sys/fs/cgroup/unified); a pure v2 host has cgroup2 at /sys/fs/cgroup.
 * v2 is preferred: cgroup.freeze and cgroup.kill act on the whole subtree in
 * one write; the v1 freezer's freezer.state takes FROZEN/THAWED, and a v1
 * kill signals each process listed in cgroup.procs.
 */
#include "rec_action.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PF_KTHREAD_FLAG 0x00200000u

int rec_action_proc_stat(pid_t pid, int *kthread, uint64_t *start_ticks, pid_t *ppid)
{
	char path[64], buf[1024], *p;
	unsigned long long v[20];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ESRCH;
	buf[n] = '\0';
	/* the comm may hold spaces and parentheses: fields follow the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return EINVAL;
	p += 2;
	/* state (3), then fields 4..22: ppid ... flags (9) ... starttime (22) */
	if (*p)
		p++;
	for (int i = 0; i < 19; i++) {
		char *end;

		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return EINVAL;
		p = end;
	}
	if (ppid)
		*ppid = (pid_t)v[0];
	if (kthread)
		*kthread = (v[5] & PF_KTHREAD_FLAG) != 0;
	if (start_ticks)
		*start_ticks = v[18];
	return 0;
}

int rec_action_kill_pid(pid_t pid, uint64_t not_after_ns)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), rc = 0;
	uint64_t start;

	if (fd < 0)
		return errno;
	/* the pidfd holds one process now: make sure it is the offender */
	if (not_after_ns) {
		long hz = sysconf(_SC_CLK_TCK);

		rc = rec_action_proc_stat(pid, NULL, &start, NULL);
		if (!rc && hz > 0 && start > not_after_ns / (1000000000ull / (uint64_t)hz))
			rc = ESRCH;
	}
	if (!rc && syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0))
		rc = errno;
	close(fd);
	return rc;
}

/* The cgroup2 mount: /sys/fs/cgroup/unified on a hybrid host. */
static const char *cg2_root(void)
{
	struct stat st;

	if (!stat("/sys/fs/cgroup/unified/cgroup.procs", &st))
		return "/sys/fs/cgroup/unified";
	return "/sys/fs/cgroup";
}

int rec_action_cgroup_dir(pid_t pid, const char *known_v2, char *dir, size_t cap, int *v2)
{
	char path[64], line[4096], v2p[4096] = "", frz[4096] = "";
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		size_t n;

		if (!c2)
			continue;
		n = strlen(c2 + 1);
		if (n && c2[n] == '\n')
			c2[n] = '\0';
		*c2 = '\0';
		if (!strcmp(line, "0") && c1[1] == '\0')
			snprintf(v2p, sizeof(v2p), "%s", c2 + 1);
		else if (strstr(c1 + 1, "freezer"))
			snprintf(frz, sizeof(frz), "%s", c2 + 1);
	}
	if (f)
		fclose(f);
	/* the offender has exited (a short command): its cgroup as recorded */
	if (!v2p[0] && known_v2)
		snprintf(v2p, sizeof(v2p), "%s", known_v2);
	if (v2p[0] && strcmp(v2p, "/")) {
		snprintf(dir, cap, "%s%s", cg2_root(), v2p);
		snprintf(line, sizeof(line), "%s/cgroup.freeze", dir);
		if (!stat(line, &st)) {
			*v2 = 1;
			return 0;
		}
		/* v1 names the same path on a hybrid host */
		if (!frz[0] && !f)
			snprintf(frz, sizeof(frz), "%s", v2p);
	}
	if (frz[0] && strcmp(frz, "/")) {
		snprintf(dir, cap, "/sys/fs/cgroup/freezer%s", frz);
		snprintf(line, sizeof(line), "%s/freezer.state", dir);
		if (!stat(line, &st)) {
			*v2 = 0;
			return 0;
		}
	}
	return ENOENT;
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[4200];
	size_t n = strlen(val);
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, val, n) != (ssize_t)n)
		rc = errno ? errno : EIO;
	close(fd);
	return rc;
}

int rec_action_cgroup_freeze(const char *dir, int v2, int freeze)
{
	if (v2)
		return write_file(dir, "cgroup.freeze", freeze ? "1" : "0");
	return write_file(dir, "freezer.state", freeze ? "FROZEN" : "THAWED");
}

static int procs_walk(const char *dir, int depth, int (*cb)(void *ctx, pid_t pid), void *ctx)
{
	char path[4200];
	struct dirent *d;
	DIR *dd;
	FILE *f;
	int pid, rc = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return errno;
	while (!rc && fscanf(f, "%d", &pid) == 1)
		rc = cb(ctx, (pid_t)pid);
	fclose(f);
	/* a freeze or kill takes the whole subtree: its cgroups count too */
	dd = depth < 32 ? opendir(dir) : NULL;
	while (!rc && dd && (d = readdir(dd))) {
		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		rc = procs_walk(path, depth + 1, cb, ctx);
	}
	if (dd)
		closedir(dd);
	return rc;
}

int rec_action_cgroup_procs(const char *dir, int (*cb)(void *ctx, pid_t pid), void *ctx)
{
	return procs_walk(dir, 0, cb, ctx);
}

static int kill_one(void *ctx, pid_t pid)
{
	int *first = ctx, e = rec_action_kill_pid(pid, 0);

	if (e && e != ESRCH && !*first)
		*first = e;
	return 0;
}

int rec_action_cgroup_kill(const char *dir, int v2)
{
	int first = 0, rc;

	/* cgroup.kill (Linux 5.14) kills the whole subtree, forks included */
	if (v2) {
		rc = write_file(dir, "cgroup.kill", "1");
		if (rc != ENOENT)
			return rc;
	}
	/* v1: each process of the list (one that forks meanwhile can escape:
	 * freeze first where that matters) */
	rc = rec_action_cgroup_procs(dir, kill_one, &first);
	return rc ? rc : first;
}
