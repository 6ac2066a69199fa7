/* rpl_input: turns FILE arguments into the list of capture files to read.
 *
 *   a file            itself
 *   a directory       its *.sysrec / *.scap / *.scap.gz files, sorted by name
 *                     (rotated names carry a timestamp, so name order is time order;
 *                     the merge sorts by time anyway)
 *   a file that is the live file of a rotated set (`sysrec -w cap.sysrec -C ..`)
 *                     its rotated siblings cap.<UTC start>.sysrec, oldest first,
 *                     then itself: the name given to -w reads the whole set
 *   a missing FILE    the rotated set written for `sysrec -w FILE`: FILE.* and
 *                     STEM.*.EXT siblings; or FILE as a glob pattern
 * The list keeps a file named twice (info and verify report it twice); the
 * merged input (rpl_merge.c) reads it once.
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fleet/fleet.h"
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

static int plist_has(const struct plist *l, const char *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], p))
			return 1;
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

/* 1 when name (a file name without folder) is STEM.YYYYMMDDTHHMMSSZ.sysrec
 * or STEM.YYYYMMDDTHHMMSSZ-N.sysrec: the name sysrec gives a rotated file
 * (rec_out_rotated_name). */
static int is_rotated_of(const char *name, const char *stem, size_t stem_len)
{
	const char *p = name + stem_len;

	if (strncmp(name, stem, stem_len) || *p++ != '.')
		return 0;
	for (int i = 0; i < 15; i++, p++) {
		if (i == 8 ? *p != 'T' : !(*p >= '0' && *p <= '9'))
			return 0;
	}
	if (*p++ != 'Z')
		return 0;
	if (*p == '-') {
		if (!(p[1] >= '0' && p[1] <= '9'))
			return 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	return !strcmp(p, ".sysrec");
}

static int cmp_rotated(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);

	/* Same stamp: "-N" files came later than the plain one (and -10 after -9). */
	return lx != ly && !strncmp(x, y, (lx < ly ? lx : ly) - 7) ? (lx < ly ? -1 : 1)
								   : strcmp(x, y);
}

/* The rotated files of the set whose live file is path, in time order
 * (nothing when it has no siblings). */
static int add_rotated(struct plist *l, const char *path, struct sr_err *err)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char dir[4096], stem[1024];
	size_t blen = strlen(base), before = l->n;
	struct dirent *de;
	DIR *d;
	int r = 0;

	/* sysrec drops a trailing .sysrec of the -w name before the stamp */
	if (blen > 7 && has_suffix(base, ".sysrec"))
		blen -= 7;
	if (!blen || blen >= sizeof(stem))
		return 0;
	snprintf(stem, sizeof(stem), "%.*s", (int)blen, base);
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + (slash == path)), path);
	else
		snprintf(dir, sizeof(dir), ".");
	d = opendir(dir);
	if (!d)
		return 0; /* the file itself opens or fails later with a better message */
	while ((de = readdir(d))) {
		char p[4096];
		struct stat st;

		if (!is_rotated_of(de->d_name, stem, blen))
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%.*s%s", slash ? (int)(slash - path + 1) : 0,
				     path, de->d_name) >= sizeof(p))
			continue;
		if (stat(p, &st) || !S_ISREG(st.st_mode) || plist_has(l, p))
			continue;
		r = plist_add(l, p);
		if (r)
			break;
	}
	closedir(d);
	if (r)
		return sr_err_set(err, r, "out of memory");
	qsort(l->v + before, l->n - before, sizeof(char *), cmp_rotated);
	return 0;
}

/* A missing FILE such as "evt.type=openat" or "proc.name contains x" was
 * most likely meant as a filter (sysdig takes it as a trailing argument). */
static int looks_like_filter(const char *s)
{
	return strpbrk(s, "=<>!( ") || strstr(s, " and ") || strstr(s, " contains ");
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
	return sr_err_set(err, SR_EIO, "cannot open '%s': %s%s", path, strerror(ENOENT),
			  looks_like_filter(path) ? " (did you mean -f?)" : "");
}

int rpl_paths_expand(char *const *paths, int npaths, char ***out, size_t *n, struct sr_err *err)
{
	struct plist l = {0};
	int r = 0;

	for (int i = 0; i < npaths && !r; i++) {
		struct stat st;

		if (fleet_is_url(paths[i])) {
			char **fp;
			size_t fn;

			r = rpl_fleet_fetch(paths[i], &fp, &fn, err);
			for (size_t k = 0; !r && k < fn; k++)
				if ((r = plist_add(&l, fp[k])))
					sr_err_set(err, r, "out of memory");
		} else if (stat(paths[i], &st)) {
			if (errno == ENOENT)
				r = add_missing(&l, paths[i], err);
			else
				r = sr_err_set(err, SR_EIO, "cannot open '%s': %s", paths[i],
					       strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			r = add_dir(&l, paths[i], err);
		} else {
			r = add_rotated(&l, paths[i], err);
			if (!r && (r = plist_add(&l, paths[i])))
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
	int kind, rc = evt_source_sniff_path(path, &kind, err);

	return rc ? rc : kind == SRC_SYSREC;
}
