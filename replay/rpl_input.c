/* rpl_input: turns FILE arguments into the list of capture files to read.
 *
 *   a file            itself
 *   a directory       its *.sysrec / *.scap / *.scap.gz files, sorted by name
 *                     (rotated names carry a timestamp, so name order is time order;
 *                     the merge sorts by time anyway)
 *   a missing FILE    the rotated set written for `sysrec -w FILE`: FILE.* and
 *                     STEM.*.EXT siblings; or FILE as a glob pattern
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rpl.h"

struct plist {
	char **v;
	size_t n, cap;
};

static int plist_add(struct plist *l, const char *p)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return SR_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n] = strdup(p);
	if (!l->v[l->n])
		return SR_ENOMEM;
	l->n++;
	return 0;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static int is_capture_name(const char *name)
{
	return has_suffix(name, ".sysrec") || has_suffix(name, ".scap") ||
	       has_suffix(name, ".scap.gz");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(struct plist *l, const char *dir, struct sr_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t before = l->n;
	int r = 0;

	if (!d)
		return sr_err_set(err, SR_EIO, "cannot read directory '%s': %s", dir,
				  strerror(errno));
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.' || !is_capture_name(de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		r = plist_add(l, path);
		if (r)
			break;
	}
	closedir(d);
	if (r)
		return sr_err_set(err, r, "out of memory");
	if (l->n == before)
		return sr_err_set(err, SR_EFORMAT,
				  "directory '%s' holds no capture files (*.sysrec, *.scap)", dir);
	qsort(l->v + before, l->n - before, sizeof(char *), cmp_str);
	return 0;
}

/* Adds every capture file matching pattern; returns how many. */
static int add_glob(struct plist *l, const char *pattern, int any_name)
{
	glob_t g;
	int added = 0;

	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;

		if (!any_name && !is_capture_name(g.gl_pathv[i]))
			continue;
		if (stat(g.gl_pathv[i], &st) || !S_ISREG(st.st_mode))
			continue;
		if (plist_add(l, g.gl_pathv[i]) == 0)
			added++;
	}
	globfree(&g);
	return added;
}

static int add_missing(struct plist *l, const char *path, struct sr_err *err)
{
	char pat[4200];
	const char *dot, *slash;

	if (strpbrk(path, "*?[") && add_glob(l, path, 1))
		return 0;
	snprintf(pat, sizeof(pat), "%s.*", path);
	if (add_glob(l, pat, 0))
		return 0;
	/* cap.sysrec → cap.*.sysrec */
	dot = strrchr(path, '.');
	slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash)) {
		snprintf(pat, sizeof(pat), "%.*s.*%s", (int)(dot - path), path, dot);
		if (add_glob(l, pat, 0))
			return 0;
	}
	return sr_err_set(err, SR_EIO, "cannot open '%s': %s", path, strerror(ENOENT));
}

int rpl_paths_expand(char *const *paths, int npaths, char ***out, size_t *n, struct sr_err *err)
{
	struct plist l = {0};
	int r = 0;

	for (int i = 0; i < npaths && !r; i++) {
		struct stat st;

		if (stat(paths[i], &st)) {
			if (errno == ENOENT)
				r = add_missing(&l, paths[i], err);
			else
				r = sr_err_set(err, SR_EIO, "cannot open '%s': %s", paths[i],
					       strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			r = add_dir(&l, paths[i], err);
		} else {
			r = plist_add(&l, paths[i]);
			if (r)
				sr_err_set(err, r, "out of memory");
		}
	}
	if (r) {
		rpl_paths_free(l.v, l.n);
		return r;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

void rpl_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int rpl_sniff_sysrec(const char *path, struct sr_err *err)
{
	char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return sr_err_set(err, SR_EIO, "cannot open '%s': %s", path, strerror(errno));
	n = read(fd, magic, sizeof(magic));
	if (n < 0) {
		int e = errno;

		close(fd);
		return sr_err_set(err, SR_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	close(fd);
	return evt_source_sniff(magic, (size_t)n) == SRC_SYSREC;
}
