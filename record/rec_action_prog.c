/* rec_action_prog.c: the `program` action, run beside the recorder.
 *
 * posix_spawn (vfork-like: no copy of the recorder's memory) starts
 * /bin/sh -c COMMAND with a pipe on stdin; the alert JSON and a newline are
 * written into the pipe at once (an alert fits its 64 KiB, and the write is
 * non-blocking, so a program that never reads cannot stall the consumer)
 * and the pipe is closed. Children are reaped by rec_action_tick, which
 * SIGKILLs those past their timeout; their pids stay theirs until reaped.
 */
#include "../common/sr_time.h"
#include "rec_action.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int rec_action_prog_start(struct rec_action *a, const char *json, size_t len)
{
	const struct rec_action_cfg *cfg = a->cfg;
	size_t max = cfg->program_max ? cfg->program_max : 4;
	char *argv[] = {"sh", "-c", (char *)cfg->program, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	int p[2], rc;
	pid_t pid;

	if (max > sizeof(a->kids) / sizeof(a->kids[0]))
		max = sizeof(a->kids) / sizeof(a->kids[0]);
	rec_action_tick(a);
	if (a->nkids >= max)
		return EAGAIN;
	if (pipe2(p, O_CLOEXEC))
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	/* none of the recorder's descriptors (capture file, BPF maps) */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	/* the recorder blocks nothing, but its handlers must not be inherited */
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	{
		sigset_t def;

		sigemptyset(&def);
		sigaddset(&def, SIGPIPE);
		sigaddset(&def, SIGINT);
		sigaddset(&def, SIGTERM);
		sigaddset(&def, SIGHUP);
		sigaddset(&def, SIGUSR2);
		sigaddset(&def, SIGCHLD);
		posix_spawnattr_setsigdefault(&at, &def);
	}
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[0]);
	if (rc) {
		close(p[1]);
		return rc;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	if (write(p[1], json, len) != (ssize_t)len || write(p[1], "\n", 1) != 1)
		rc = EPIPE; /* started all the same: its input is cut */
	close(p[1]);
	a->kids[a->nkids].pid = pid;
	a->kids[a->nkids].deadline =
	    sr_time_now(CLOCK_MONOTONIC) +
	    (cfg->program_timeout_ns ? cfg->program_timeout_ns : 10000000000ull);
	a->nkids++;
	return rc;
}

void rec_action_tick(struct rec_action *a)
{
	uint64_t now = a->nkids ? sr_time_now(CLOCK_MONOTONIC) : 0;

	for (size_t i = 0; i < a->nkids;) {
		struct rec_action_kid *k = &a->kids[i];
		int ws;

		if (waitpid(k->pid, &ws, WNOHANG) == k->pid) {
			if (!WIFEXITED(ws) || WEXITSTATUS(ws))
				fprintf(stderr, "sysrec: action program (pid %d) %s %d\n",
					(int)k->pid,
					WIFEXITED(ws) ? "exited with status" : "killed by signal",
					WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
			*k = a->kids[--a->nkids];
			continue;
		}
		if (now >= k->deadline && k->deadline) {
			/* still our unreaped child: the pid cannot have been reused */
			kill(k->pid, SIGKILL);
			fprintf(stderr,
				"sysrec: action program (pid %d) past its timeout: killed\n",
				(int)k->pid);
			k->deadline = 0;
		}
		i++;
	}
}
