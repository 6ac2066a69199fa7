/* rec_cgroup.c: cgroup id -> path, cached, for CGROUPINFO records. */
#include "rec_cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_time.h"
#include "rec_procfs.h"

/* Hierarchy walks are for ids /proc could not name; at most one a second,
 * so a storm of short-lived cgroups cannot turn into a storm of walks. */
#define CG_WALK_EVERY_NS 1000000000ull
#define CG_WALK_DEPTH	 32
#define CG_TRIES	 16

struct rec_cg_ent {
	uint64_t id;  /* 0: free slot */
	char *path;   /* NULL: could not be resolved */
	uint32_t gen; /* file generation it was last announced in */
	/* failed resolutions; while below CG_TRIES the id is asked again on a
	 * later record (its first process may have exited before the record
	 * was read, while a later one still lives in the cgroup) */
	uint8_t tries, retry;
};

int rec_cg_init(struct rec_cg *c, struct sr_err *err)
{
	(void)err;
	memset(c, 0, sizeof(*c));
	rec_procfs_cg2_mount(c->mnt, sizeof(c->mnt));
	c->gen = 1;
	return 0;
}

void rec_cg_free(struct rec_cg *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->tab[i].path);
	free(c->tab);
	c->tab = NULL;
	c->cap = c->n = 0;
}

void rec_cg_new_file(struct rec_cg *c)
{
	c->gen++;
}

static size_t slot_of(const struct rec_cg *c, uint64_t id)
{
	uint64_t h = id * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (c->cap - 1);
}

/* The entry for id, created (unresolved) when absent; NULL when out of memory. */
static struct rec_cg_ent *entry(struct rec_cg *c, uint64_t id)
{
	size_t i;

	if (c->n * 2 >= c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		struct rec_cg_ent *nt = calloc(ncap, sizeof(*nt)), *old = c->tab;
		size_t ocap = c->cap;

		if (!nt)
			return NULL;
		c->tab = nt;
		c->cap = ncap;
		for (size_t k = 0; k < ocap; k++) {
			if (!old[k].id)
				continue;
			for (i = slot_of(c, old[k].id); nt[i].id; i = (i + 1) & (ncap - 1))
				;
			nt[i] = old[k];
		}
		free(old);
	}
	for (i = slot_of(c, id); c->tab[i].id; i = (i + 1) & (c->cap - 1))
		if (c->tab[i].id == id)
			return &c->tab[i];
	c->tab[i].id = id;
	c->n++;
	return &c->tab[i];
}

int rec_cg_first(struct rec_cg *c, uint64_t id)
{
	struct rec_cg_ent *e;

	if (!id || !c->mnt[0])
		return 0;
	e = entry(c, id);
	if (!e || (e->gen == c->gen && !e->retry))
		return 0;
	e->gen = c->gen;
	e->retry = 0;
	return 1;
}

/* pid's cgroup path from its "0::" line into rel; 0 or -1. */
static int pid_cgroup(uint32_t pid, char *rel, size_t cap)
{
	char path[64], buf[8192];
	char *l;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	if (rec_procfs_read(path, buf, sizeof(buf)) <= 0)
		return -1;
	l = strncmp(buf, "0::", 3) == 0 ? buf : strstr(buf, "\n0::");
	if (!l)
		return -1;
	l += l == buf ? 3 : 4;
	l[strcspn(l, "\n")] = '\0';
	if (l[0] != '/' || strlen(l) >= cap)
		return -1;
	snprintf(rel, cap, "%s", l);
	return 0;
}

/* Inode of the cgroup directory rel (relative to the mount), 0 if none. */
static uint64_t rel_ino(const struct rec_cg *c, const char *rel)
{
	char full[PATH_MAX + 4096];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", c->mnt, strcmp(rel, "/") ? rel : "");
	if (stat(full, &st) || !S_ISDIR(st.st_mode))
		return 0;
	return (uint64_t)st.st_ino;
}

uint64_t rec_cg_id_of_pid(struct rec_cg *c, uint32_t pid)
{
	char rel[4096];

	if (!c->mnt[0] || pid_cgroup(pid, rel, sizeof(rel)))
		return 0;
	return rel_ino(c, rel);
}

static void set_path(struct rec_cg *c, uint64_t id, const char *rel)
{
	struct rec_cg_ent *e = entry(c, id);

	if (e && !e->path)
		e->path = strdup(rel);
}

void rec_cg_learn(struct rec_cg *c, uint64_t id, const char *path)
{
	struct rec_cg_ent *e;
	uint64_t ino;
	char *dup;

	if (!id || !c->mnt[0] || path[0] != '/')
		return;
	ino = rel_ino(c, path);
	if (ino && ino != id)
		return;
	e = entry(c, id);
	if (!e || (e->path && !strcmp(e->path, path)) || !(dup = strdup(path)))
		return;
	free(e->path);
	e->path = dup;
	e->tries = 0;
	e->retry = 0;
}

/* Records every directory of the hierarchy below dir (rel) in the cache. */
static void walk(struct rec_cg *c, const char *rel, int depth)
{
	char full[PATH_MAX + 4096];
	DIR *d;
	struct dirent *de;

	snprintf(full, sizeof(full), "%s%s", c->mnt, strcmp(rel, "/") ? rel : "");
	d = opendir(full);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[4096];
		struct stat st;
		int w;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		w = snprintf(sub, sizeof(sub), "%s/%s", strcmp(rel, "/") ? rel : "", de->d_name);
		if (w < 0 || (size_t)w >= sizeof(sub))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		set_path(c, (uint64_t)st.st_ino, sub);
		if (depth < CG_WALK_DEPTH)
			walk(c, sub, depth + 1);
	}
	closedir(d);
}

const char *rec_cg_path(struct rec_cg *c, uint64_t id, uint32_t pid)
{
	struct rec_cg_ent *e;
	char rel[4096];
	uint64_t now;

	if (!id || !c->mnt[0])
		return NULL;
	e = entry(c, id);
	if (!e)
		return NULL;
	if (e->path)
		return e->path;
	/* the process in the record is most likely still in that cgroup */
	if (pid && !pid_cgroup(pid, rel, sizeof(rel)) && rel_ino(c, rel) == id) {
		set_path(c, id, rel);
		return entry(c, id)->path;
	}
	now = sr_time_now(CLOCK_MONOTONIC);
	if (c->walks && now - c->last_walk < CG_WALK_EVERY_NS)
		goto miss;
	c->last_walk = now;
	c->walks++;
	set_path(c, rel_ino(c, "/"), "/");
	walk(c, "/", 0);
	e = entry(c, id);
	if (e && !e->path)
		goto miss;
	return e ? e->path : NULL;
miss:
	if (e->tries < CG_TRIES)
		e->tries++;
	e->retry = e->tries < CG_TRIES;
	return NULL;
}

int rec_cg_retry(struct rec_cg *c, uint64_t id)
{
	struct rec_cg_ent *e = id && c->mnt[0] ? entry(c, id) : NULL;

	return e && !e->path && e->tries < CG_TRIES;
}

/* cgroup v2: the id BPF reports is the directory's inode number; the
 * level is its depth below the cgroup2 mount point. */
int rec_cgroup_resolve(const char *path, uint64_t *id, uint32_t *level, struct sr_err *err)
{
	char real[PATH_MAX], mnt[4096];
	struct stat st;
	size_t ml;
	uint32_t lv = 0;

	if (!realpath(path, real) || stat(real, &st) || !S_ISDIR(st.st_mode))
		return sr_err_set(err, SR_EIO, "--cgroup %s: not a cgroup directory", path);
	rec_procfs_cg2_mount(mnt, sizeof(mnt));
	ml = strlen(mnt);
	if (!ml || strncmp(real, mnt, ml) || (real[ml] && real[ml] != '/'))
		return sr_err_set(err, SR_EIO, "--cgroup %s: not under the cgroup2 mount", path);
	for (const char *c = real + ml; *c; c++)
		if (*c == '/' && c[1] && c[1] != '/')
			lv++;
	*id = st.st_ino;
	*level = lv;
	return 0;
}
