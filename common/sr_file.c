/* sr_file.c: private, exclusive creation of output files (see sr_file.h). */
#include "sr_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An existing path: say what it is and whether we may take its place. */
static int refuse_existing(const char *path, unsigned flags, struct sr_err *err)
{
	struct stat st;

	if (lstat(path, &st))
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return sr_err_set(err, SR_EIO,
				  "%s is a symbolic link: refusing to write through it", path);
	if (!S_ISREG(st.st_mode))
		return sr_err_set(err, SR_EIO, "%s exists and is not a regular file", path);
	if (!(flags & SR_FILE_REPLACE))
		return sr_err_set(err, SR_EIO, "%s exists (use --force to overwrite it)", path);
	/* Removed, not truncated: a file of ours is always a fresh inode with
	 * our mode and owner, and another hard link to the old one keeps it. */
	if (unlink(path) && errno != ENOENT)
		return sr_err_set(err, SR_EIO, "cannot replace %s: %s", path, strerror(errno));
	return 0;
}

int sr_file_create(const char *path, unsigned flags, struct sr_err *err)
{
	/* Two tries: a second EEXIST means someone put a file there between
	 * our unlink and our create; that is not ours to remove again. */
	for (int i = 0; i < 2; i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		int rc;

		if (fd >= 0) {
			/* the umask may have taken bits from 0600; and no more than it */
			if (fchmod(fd, 0600)) {
				int e = errno;

				sr_file_discard(fd, path);
				return sr_err_set(err, SR_EIO, "%s: chmod: %s", path, strerror(e));
			}
			return fd;
		}
		if (errno != EEXIST)
			return sr_err_set(err,
					  errno == ENOSPC || errno == EDQUOT ? SR_ENOSPC : SR_EIO,
					  "%s: %s", path, strerror(errno));
		if (i)
			break;
		rc = refuse_existing(path, flags, err);
		if (rc)
			return rc;
	}
	return sr_err_set(err, SR_EIO, "%s: created by someone else meanwhile", path);
}

void sr_file_discard(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		unlink(path);
	close(fd);
}

int sr_file_rename_new(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* a file system without RENAME_NOREPLACE: link() never replaces either */
	if (link(from, to))
		return -1;
	if (unlink(from)) {
		int e = errno;

		unlink(to);
		errno = e;
		return -1;
	}
	return 0;
}
