/* rec_cmd.c: starting the recorded command; following a process tree. */
#include "rec_cmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rec_procfs.h"

int rec_cmd_user_lookup(const char *user, struct rec_cmd_user *u, struct sr_err *err)
{
	struct passwd *pw = getpwnam(user);
	char *end;

	if (!pw) {
		unsigned long v = strtoul(user, &end, 10);

		if (*user && !*end)
			pw = getpwuid((uid_t)v);
	}
	if (!pw)
		return sr_err_set(err, SR_ESYNTAX, "-u: no such user '%s'", user);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	return 0;
}

/* In the child, before exec: the user's groups, group and user. Leaving
 * uid 0 this way clears the permitted, effective and ambient capabilities
 * (no PR_SET_KEEPCAPS), as strace -u does. */
static int become(const struct rec_cmd_user *u)
{
	if (initgroups(u->name, u->gid) || setgid(u->gid) || setuid(u->uid))
		return -1;
	/* uid 0 itself keeps its capabilities: a -u root changes nothing */
	return 0;
}

int rec_cmd_spawn(char **argv, const struct rec_cmd_user *user, pid_t *pid, int *go_fd,
		  struct sr_err *err)
{
	int p[2];
	pid_t c;

	if (pipe2(p, O_CLOEXEC))
		return sr_err_set(err, SR_EIO, "pipe: %s", strerror(errno));
	c = fork();
	if (c < 0) {
		close(p[0]);
		close(p[1]);
		return sr_err_set(err, SR_EIO, "fork: %s", strerror(errno));
	}
	if (c == 0) {
		char go = 0;
		sigset_t none;

		close(p[1]);
		/* wait until the recorder follows us; EOF means it gave up */
		while (read(p[0], &go, 1) < 0 && errno == EINTR)
			;
		if (go != 1)
			_exit(127);
		close(p[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (user && become(user)) {
			fprintf(stderr, "sysrec: cannot become user %s: %s\n", user->name,
				strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		/* the shell's and env's codes: 127 not found, 126 found but not run */
		int e = errno;

		fprintf(stderr, "sysrec: cannot run %s: %s\n", argv[0], strerror(e));
		_exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
	}
	close(p[0]);
	*pid = c;
	*go_fd = p[1];
	return 0;
}

int rec_cmd_release(int go_fd)
{
	char go = 1;
	ssize_t n = write(go_fd, &go, 1);

	close(go_fd);
	return n == 1 ? 0 : SR_EIO;
}

void rec_cmd_abort(int go_fd, pid_t pid)
{
	close(go_fd);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int rec_cmd_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

static pid_t read_ppid(const char *pid)
{
	char path[64], buf[512], *rp;
	long ppid;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (rec_procfs_read(path, buf, sizeof(buf)) <= 0)
		return -1;
	/* comm may hold spaces and parens: the fields follow the last ')' */
	rp = strrchr(buf, ')');
	if (!rp || sscanf(rp + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

int rec_track_tree(struct rec_probe *p, pid_t root, struct sr_err *err)
{
	pid_t *pids = NULL, *ppids = NULL;
	size_t n = 0, cap = 0;
	char *want;
	struct dirent *de;
	DIR *d;
	int added = 1;

	if (kill(root, 0) && errno == ESRCH)
		return sr_err_set(err, SR_EIO, "-p %d: no such process", (int)root);
	if (rec_probe_track(p, (uint32_t)root))
		return sr_err_set(err, SR_EIO, "cannot follow pid %d", (int)root);
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pp;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		pp = read_ppid(de->d_name);
		if (pp <= 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			pid_t *a = realloc(pids, nc * sizeof(pid_t)), *b;

			if (!a)
				break;
			pids = a;
			b = realloc(ppids, nc * sizeof(pid_t));
			if (!b)
				break;
			ppids = b;
			cap = nc;
		}
		pids[n] = (pid_t)atoi(de->d_name);
		ppids[n] = pp;
		n++;
	}
	closedir(d);
	/* descendants: repeat until no new child of a followed process appears */
	want = calloc(n ? n : 1, 1);
	while (want && added) {
		added = 0;
		for (size_t i = 0; i < n; i++) {
			if (want[i])
				continue;
			if (ppids[i] == root)
				want[i] = 1;
			for (size_t j = 0; j < n && !want[i]; j++)
				if (want[j] && pids[j] == ppids[i])
					want[i] = 1;
			if (want[i]) {
				rec_probe_track(p, (uint32_t)pids[i]);
				added = 1;
			}
		}
	}
	free(want);
	free(pids);
	free(ppids);
	return 0;
}
