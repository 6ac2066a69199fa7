/* rec_retain.c: finding, counting and deleting the rotated files of a set. */
#include "rec_retain.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* "dir/cap.sysrec" -> dir "dir", stem "cap" (what rec_out_rotated_name puts
 * before the time stamp). */
static void split_path(const char *path, char *dir, size_t dcap, const char **stem, size_t *slen)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash)
		snprintf(dir, dcap, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		snprintf(dir, dcap, ".");
	*stem = slash ? slash + 1 : path;
	n = strlen(*stem);
	if (n > 7 && !strcmp(*stem + n - 7, ".sysrec"))
		n -= 7;
	*slen = n;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

int rec_retain_is_member(const char *path, const char *name)
{
	char dir[4096];
	const char *stem, *p;
	size_t slen, rest;

	split_path(path, dir, sizeof(dir), &stem, &slen);
	if (strncmp(name, stem, slen) || name[slen] != '.')
		return 0;
	p = name + slen + 1;
	/* YYYYmmddTHHMMSSZ */
	if (strlen(p) < 16 + 7 || !all_digits(p, 8) || p[8] != 'T' || !all_digits(p + 9, 6) ||
	    p[15] != 'Z')
		return 0;
	p += 16;
	if (*p == '-') {
		rest = strcspn(p + 1, ".");
		if (!all_digits(p + 1, rest))
			return 0;
		p += 1 + rest;
	}
	return !strcmp(p, ".sysrec");
}

static uint64_t mtime_ns(const struct stat *st)
{
	return (uint64_t)st->st_mtim.tv_sec * 1000000000ull + (uint64_t)st->st_mtim.tv_nsec;
}

static int push(struct rec_out *o, const char *name, const struct stat *st, struct sr_err *err)
{
	struct rec_out_file *grown = realloc(o->rotated, (o->nrotated + 1) * sizeof(*grown));

	if (!grown)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	o->rotated = grown;
	grown[o->nrotated].name = strdup(name);
	if (!grown[o->nrotated].name)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	grown[o->nrotated].bytes = (uint64_t)st->st_size;
	grown[o->nrotated].mtime_ns = mtime_ns(st);
	o->nrotated++;
	o->rotated_bytes += (uint64_t)st->st_size;
	return 0;
}

int rec_retain_add(struct rec_out *o, const char *name, struct sr_err *err)
{
	struct stat st;

	if (lstat(name, &st))
		memset(&st, 0, sizeof(st));
	return push(o, name, &st, err);
}

/* Oldest first: by last write, the name breaking ties (two files of one
 * second: the -N one was written after). */
static int by_age(const void *a, const void *b)
{
	const struct rec_out_file *x = a, *y = b;

	if (x->mtime_ns != y->mtime_ns)
		return x->mtime_ns < y->mtime_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

int rec_retain_scan(struct rec_out *o, struct sr_err *err)
{
	char dir[4096], full[8192];
	const char *stem;
	struct dirent *de;
	size_t slen;
	DIR *d;
	int rc = 0;

	split_path(o->path, dir, sizeof(dir), &stem, &slen);
	d = opendir(dir);
	if (!d)
		return 0; /* the open that follows says what is wrong with dir */
	while (!rc && (de = readdir(d))) {
		struct stat st;

		if (!rec_retain_is_member(o->path, de->d_name))
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
		/* a link or a directory with a set's name is not ours to delete */
		if (lstat(full, &st) || !S_ISREG(st.st_mode))
			continue;
		rc = push(o, full, &st, err);
	}
	closedir(d);
	if (o->nrotated > 1)
		qsort(o->rotated, o->nrotated, sizeof(*o->rotated), by_age);
	return rc;
}

void rec_retain_drop_oldest(struct rec_out *o, int for_space)
{
	struct rec_out_file *f = &o->rotated[0];
	struct stat st;

	/* only a regular file is deleted: whatever replaced it is someone else's */
	if (lstat(f->name, &st) == 0 && S_ISREG(st.st_mode)) {
		if (unlink(f->name) == 0) {
			o->deleted_files++;
			o->deleted_bytes += (uint64_t)st.st_size;
			o->pressure_files += for_space != 0;
		} else if (errno != ENOENT) {
			fprintf(stderr, "sysrec: cannot delete %s: %s\n", f->name, strerror(errno));
		}
	}
	o->rotated_bytes -= o->rotated_bytes >= f->bytes ? f->bytes : o->rotated_bytes;
	free(f->name);
	memmove(o->rotated, o->rotated + 1, (o->nrotated - 1) * sizeof(*o->rotated));
	o->nrotated--;
}

uint64_t rec_retain_free_bytes(const struct rec_out *o)
{
	char dir[4096];
	const char *stem;
	struct statvfs vfs;
	size_t slen;

	split_path(o->path, dir, sizeof(dir), &stem, &slen);
	if (statvfs(dir, &vfs))
		return UINT64_MAX;
	return (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
}

void rec_retain_free(struct rec_out *o)
{
	for (size_t i = 0; i < o->nrotated; i++)
		free(o->rotated[i].name);
	free(o->rotated);
	o->rotated = NULL;
	o->nrotated = 0;
	o->rotated_bytes = 0;
}
