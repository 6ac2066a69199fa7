/* rec_cmd: the recorded command (-- COMMAND) and -p process trees.
 *
 * rec_cmd_spawn() forks a child that waits on a pipe before exec, so the
 * recorder can add its pid to the followed set and start recording first;
 * rec_cmd_release() lets it exec. If the recorder fails before release,
 * rec_cmd_abort() makes the child exit 127 without running anything.
 */
#ifndef REC_CMD_H
#define REC_CMD_H

#include <sys/types.h>

#include "../common/sr_err.h"
#include "rec_probe.h"

/* -u USER: the command runs as this user, its groups and no capabilities. */
struct rec_cmd_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};
/* The user by name or number, into u. */
int rec_cmd_user_lookup(const char *user, struct rec_cmd_user *u, struct sr_err *err);
/* user: NULL to run the command with sysrec's own credentials. */
int rec_cmd_spawn(char **argv, const struct rec_cmd_user *user, pid_t *pid, int *go_fd,
		  struct sr_err *err);
int rec_cmd_release(int go_fd);
void rec_cmd_abort(int go_fd, pid_t pid);
/* Shell-style status: the exit code, or 128 + signal. */
int rec_cmd_status(int wstatus);
/* Adds pid and its current descendants (from /proc) to the followed set. */
int rec_track_tree(struct rec_probe *p, pid_t pid, struct sr_err *err);

#endif
