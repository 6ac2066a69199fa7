/* sr_file: creating the files our tools write (captures, converted files).
 *
 * A capture holds up to snaplen bytes of every read and write (password
 * hashes, tokens), so every file is created new, mode 0600 whatever the
 * umask, owned by the caller, and never through a symbolic link: the final
 * component is opened with O_CREAT|O_EXCL (which does not follow a link),
 * so a link planted at the path, dangling or not, makes the open fail
 * rather than write to its target.
 */
#ifndef SR_FILE_H
#define SR_FILE_H

#include "sr_err.h"

/* sr_file_create flags */
#define SR_FILE_REPLACE 1u /* an existing regular file is removed and created anew */

/* Creates path for writing (O_WRONLY|O_CLOEXEC); returns the fd or a negative
 * code. Refused, with a message naming path: a symbolic link or anything but
 * a regular file at path, and an existing file without SR_FILE_REPLACE (the
 * message then ends "(use --force to overwrite it)"). */
int sr_file_create(const char *path, unsigned flags, struct sr_err *err);
/* Closes fd and removes path if path still names fd's file: undoes a
 * creation that could not be completed (nothing half-made is left). */
void sr_file_discard(int fd, const char *path);
/* Renames from to to, never replacing what is at to (EEXIST then, with
 * errno set); returns 0 or -1 with errno. */
int sr_file_rename_new(const char *from, const char *to);

#endif
