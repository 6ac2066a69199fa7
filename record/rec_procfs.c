/* rec_procfs.c: the /proc walk behind the recorder's first snapshot (see rec_procfs.h). */
#include "rec_procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../format/evt.h"
#include "../format/evt_snap.h"
#include "rec_procfs_sock.h"

static char proc_root[256] = "/proc";
static char etc_root[256] = "/etc";

void rec_procfs_set_roots(const char *p, const char *e)
{
	if (p)
		snprintf(proc_root, sizeof(proc_root), "%s", p);
	if (e)
		snprintf(etc_root, sizeof(etc_root), "%s", e);
}

/* ---- small readers ---- */

ssize_t rec_procfs_read(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0)
		return -1;
	while (n + 1 < cap) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

static ssize_t link_of(const char *path, char *buf, size_t cap)
{
	ssize_t n = readlink(path, buf, cap - 1);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return n;
}

static uint64_t ns_ino(const char *base, const char *ns)
{
	char p[320], l[64];
	const char *b;

	snprintf(p, sizeof(p), "%s/ns/%s", base, ns);
	link_of(p, l, sizeof(l));
	b = strchr(l, '[');
	return b ? strtoull(b + 1, NULL, 10) : 0;
}

struct task_info {
	uint32_t tid, ppid, uid, euid, gid, egid, vtid, vpid;
	uint32_t tty;
	uint64_t start_ticks;
	char comm[16];
};

/* The last number of a "NSpid:\t10\t1" line: the id in the innermost namespace. */
static uint32_t last_num(const char *s)
{
	const char *end = s + strcspn(s, "\n");
	uint32_t v = 0;

	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	while (end > s && isdigit((unsigned char)end[-1]))
		end--;
	if (isdigit((unsigned char)*end))
		v = (uint32_t)strtoul(end, NULL, 10);
	return v;
}

/* /proc/PID/status, line by line: its Groups line alone can run to
 * hundreds of KiB (a process with many supplementary groups), which would
 * push NStgid and NSpid past any fixed buffer and leave the in-namespace
 * ids unread. */
static int read_status(const char *path, struct task_info *ti)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int seen = 0;

	if (!f)
		return -1;
	ti->vtid = ti->tid;
	while (getline(&line, &cap, f) > 0) {
		seen = 1;
		if (!strncmp(line, "PPid:", 5))
			ti->ppid = (uint32_t)strtoul(line + 5, NULL, 10);
		else if (!strncmp(line, "Uid:", 4))
			sscanf(line + 4, "%u %u", &ti->uid, &ti->euid);
		else if (!strncmp(line, "Gid:", 4))
			sscanf(line + 4, "%u %u", &ti->gid, &ti->egid);
		else if (!strncmp(line, "NSpid:", 6))
			ti->vtid = last_num(line + 6);
		else if (!strncmp(line, "NStgid:", 7))
			ti->vpid = last_num(line + 7);
	}
	free(line);
	fclose(f);
	return seen ? 0 : -1;
}

static int read_task(const char *base, struct task_info *ti)
{
	char path[320], buf[4096], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/status", base);
	if (read_status(path, ti))
		return -1;
	snprintf(path, sizeof(path), "%s/comm", base);
	n = rec_procfs_read(path, buf, sizeof(buf));
	if (n > 0) {
		size_t l = strcspn(buf, "\n");
		if (l >= sizeof(ti->comm))
			l = sizeof(ti->comm) - 1;
		memcpy(ti->comm, buf, l);
		ti->comm[l] = '\0';
	}
	snprintf(path, sizeof(path), "%s/stat", base);
	if (rec_procfs_read(path, buf, sizeof(buf)) > 0 && (p = strrchr(buf, ')'))) {
		/* Fields after "pid (comm)": state ppid pgrp session tty_nr ... field 22 starttime.
		 */
		unsigned long long v[20] = {0};
		char *s = p[1] ? p + 2 : p + 1; /* ')' may end what was read */
		int k = 0;
		while (k < 20 && *s) {
			if (k == 0) { /* state letter */
				s++;
			} else {
				v[k] = strtoull(s, &s, 10);
			}
			while (*s == ' ')
				s++;
			k++;
		}
		ti->tty = (uint32_t)v[4];
		ti->start_ticks = v[19];
	}
	return 0;
}

/* ---- emitting ---- */

struct walk {
	struct st_state *st;
	int (*emit)(void *ctx, const void *rec, size_t len);
	void *ctx;
	struct evt_builder b;
	uint64_t ts, boot_ns;
	long hz;
	int rc;
	uint32_t threads;
	struct rec_socks *socks; /* each network namespace's tables, read once */
	char *args;		 /* scratch for cmdline */
	size_t args_cap;
	char cg2[4096]; /* cgroup2 mount point, "" when none (v1-only hosts) */
};

static int put(struct walk *w)
{
	size_t len;
	const void *rec;

	if (w->rc)
		return w->rc;
	rec = evt_builder_finish(&w->b, &len);
	if (!rec)
		return w->rc = SR_ENOMEM;
	w->rc = w->emit(w->ctx, rec, len);
	if (!w->rc && w->st) {
		struct evt ev;
		if (evt_decode(&ev, rec, len) == 0) {
			st_event_begin(w->st, &ev);
			st_event_end(w->st, &ev);
		}
	}
	return w->rc;
}

struct proc_info {
	uint32_t pid;
	char exe[4096], cwd[4096], cgroup[4096];
	size_t args_len, argv0_len;
	uint32_t loginuid;
	uint64_t pidns, mntns, netns, cgroup_id;
	uint32_t flags;
	char cid[65], pod[64];
};

static void read_proc(struct walk *w, const char *base, struct proc_info *pi)
{
	char path[320], buf[256], cgpath[4200];
	ssize_t n;
	struct stat sb;

	snprintf(path, sizeof(path), "%s/exe", base);
	link_of(path, pi->exe, sizeof(pi->exe));
	/* A fileless executable: "/memfd:NAME (deleted)". */
	if (strncmp(pi->exe, "/memfd:", 7) == 0) {
		char *d = strstr(pi->exe, " (deleted)");
		if (d)
			*d = '\0';
		memmove(pi->exe, pi->exe + 1, strlen(pi->exe));
		pi->flags |= EVT_EXEC_FROM_MEMFD;
	}
	snprintf(path, sizeof(path), "%s/cwd", base);
	link_of(path, pi->cwd, sizeof(pi->cwd));
	snprintf(path, sizeof(path), "%s/cmdline", base);
	n = rec_procfs_read(path, w->args, w->args_cap);
	pi->args_len = n > 0 ? (size_t)n : 0;
	pi->argv0_len = strnlen(w->args, pi->args_len);
	snprintf(path, sizeof(path), "%s/loginuid", base);
	pi->loginuid = rec_procfs_read(path, buf, sizeof(buf)) > 0
			   ? (uint32_t)strtoul(buf, NULL, 10)
			   : UINT32_MAX;
	pi->pidns = ns_ino(base, "pid");
	pi->mntns = ns_ino(base, "mnt");
	pi->netns = ns_ino(base, "net");
	snprintf(path, sizeof(path), "%s/cgroup", base);
	pi->cgroup[0] = '\0';
	pi->cgroup_id = 0;
	{
		char cg[8192];
		int v2;

		if (rec_procfs_read(path, cg, sizeof(cg)) <= 0)
			cg[0] = '\0';
		v2 = rec_procfs_cgroup(cg, pi->cgroup, sizeof(pi->cgroup), pi->cid, pi->pod);
		/* The id the probe reports is the inode of the unified-hierarchy
		 * directory; without a cgroup2 mount there is none to give. */
		if (v2 && w->cg2[0] &&
		    (size_t)snprintf(cgpath, sizeof(cgpath), "%s%s", w->cg2,
				     strcmp(pi->cgroup, "/") ? pi->cgroup : "") < sizeof(cgpath)) {
			if (stat(cgpath, &sb) == 0 && S_ISDIR(sb.st_mode))
				pi->cgroup_id = sb.st_ino;
		}
	}
}

/* The path of line (after "ID:CONTROLLERS:") up to the newline, in out. */
static void cg_line_path(const char *line, char *out, size_t cap)
{
	const char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
	size_t n;

	out[0] = '\0';
	if (!b || b > line + strcspn(line, "\n"))
		return;
	b++;
	n = strcspn(b, "\n");
	if (n >= cap)
		return;
	memcpy(out, b, n);
	out[n] = '\0';
}

int rec_procfs_cgroup(const char *text, char *path, size_t cap, char id[65], char pod[64])
{
	const char *v2 = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::");
	char tmp[4096];
	const char *l;

	path[0] = '\0';
	if (v2) {
		cg_line_path(v2 + (v2 == text ? 0 : 1), path, cap);
		if (st_container_from_cgroup(path, id, pod))
			return 1;
	}
	/* v1 hierarchies (all of them on v1-only hosts; beside the unified one
	 * on hybrid hosts, where container engines may use only them): the
	 * first line naming a container gives it. */
	for (l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		if (l == v2 || (v2 && l == v2 + 1))
			continue;
		cg_line_path(l, tmp, sizeof(tmp));
		if (!tmp[0])
			continue;
		if (st_container_from_cgroup(tmp, id, pod)) {
			if (!v2)
				snprintf(path, cap, "%s", tmp);
			return v2 != NULL;
		}
		if (!v2 && !path[0] && strlen(tmp) < cap)
			snprintf(path, cap, "%s", tmp);
	}
	st_container_from_cgroup(v2 ? path : "", id, pod);
	return v2 != NULL;
}

void rec_procfs_cg2_mount(char *out, size_t cap)
{
	char p[320], line[4096];
	FILE *f;

	out[0] = '\0';
	snprintf(p, sizeof(p), "%s/self/mountinfo", proc_root);
	f = fopen(p, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *s = line;
		size_t o = 0;

		if (!strstr(line, " - cgroup2 "))
			continue;
		/* field 5 is the mount point, with octal escapes (\040 for a space) */
		for (int k = 0; k < 4 && s; k++)
			if ((s = strchr(s, ' ')))
				s++;
		if (!s)
			continue;
		while (*s && *s != ' ' && o + 1 < cap) {
			if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
			    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
				out[o++] =
				    (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
				s += 4;
			} else {
				out[o++] = *s++;
			}
		}
		out[o] = '\0';
		break;
	}
	fclose(f);
}

static void header(struct walk *w, struct evt_rec *h, uint32_t pid, const struct task_info *ti,
		   uint64_t cgroup_id)
{
	memset(h, 0, sizeof(*h));
	h->ts = w->ts;
	h->pid = pid;
	h->tid = ti->tid;
	h->ppid = ti->ppid;
	h->uid = ti->uid;
	h->gid = ti->gid;
	h->cgroup_id = cgroup_id;
	memcpy(h->comm, ti->comm, sizeof(h->comm));
}

static void emit_procinfo(struct walk *w, const struct proc_info *pi, const struct task_info *ti)
{
	struct evt_rec h;
	size_t a0 = pi->argv0_len;
	struct evt_procinfo r = {
	    /* kernel threads have no argv: use the comm */
	    .exe = pi->args_len ? (struct evt_bytes){w->args, a0} : evt_str(ti->comm),
	    .exepath = evt_str(pi->exe),
	    .cwd = evt_str(pi->cwd),
	    .tty = ti->tty,
	    .loginuid = pi->loginuid,
	    .euid = ti->euid,
	    .egid = ti->egid,
	    .start_ts = w->boot_ns + ti->start_ticks * (1000000000ull / (uint64_t)w->hz),
	    .cgroup = evt_str(pi->cgroup),
	    .container_id = evt_str(strcmp(pi->cid, "host") ? pi->cid : ""),
	    .pod_uid = evt_str(pi->pod),
	    .vpid = ti->vpid ? ti->vpid : pi->pid,
	    .vtid = ti->vtid ? ti->vtid : ti->tid,
	    .pidns = pi->pidns,
	    .mntns = pi->mntns,
	    .netns = pi->netns,
	    .flags = pi->flags,
	    /* env: not read by default */
	};

	if (pi->args_len > a0 + 1)
		r.args = (struct evt_bytes){w->args + a0 + 1, pi->args_len - a0 - 1};
	header(w, &h, pi->pid, ti, pi->cgroup_id);
	evt_build_procinfo(&w->b, &h, &r);
	put(w);
	w->threads++;
}

static enum evt_fdtype anon_type(const char *l)
{
	static const struct {
		const char *name;
		enum evt_fdtype t;
	} tab[] = {
	    {"anon_inode:[eventfd]", FDT_EVENT},
	    {"anon_inode:[eventpoll]", FDT_EVENTPOLL},
	    {"anon_inode:[signalfd]", FDT_SIGNALFD},
	    {"anon_inode:[timerfd]", FDT_TIMERFD},
	    {"anon_inode:inotify", FDT_INOTIFY},
	    {"anon_inode:bpf", FDT_BPF},
	    {"anon_inode:btf", FDT_BPF},
	    {"anon_inode:[userfaultfd]", FDT_USERFAULTFD},
	    {"anon_inode:[io_uring]", FDT_IOURING},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strncmp(l, tab[i].name, strlen(tab[i].name)) == 0)
			return tab[i].t;
	return FDT_OTHER;
}

static void emit_fd(struct walk *w, const struct proc_info *pi, const struct task_info *ti,
		    const char *base, int64_t fdnum)
{
	char path[320], link[4200], info[1024], *p;
	struct st_fd fd;
	struct evt_rec h;
	uint8_t tuple[64];
	size_t tlen = 0;
	struct stat sb;

	snprintf(path, sizeof(path), "%s/fd/%lld", base, (long long)fdnum);
	if (link_of(path, link, sizeof(link)) <= 0)
		return; /* closed meanwhile */
	memset(&fd, 0, sizeof(fd));
	fd.fd = fdnum;
	fd.is_server = 2;
	fd.name = link;
	snprintf(path, sizeof(path), "%s/fdinfo/%lld", base, (long long)fdnum);
	if (rec_procfs_read(path, info, sizeof(info)) > 0) {
		if ((p = strstr(info, "flags:")))
			fd.flags = (uint32_t)strtoul(p + 6, NULL, 8);
		if ((p = strstr(info, "ino:")))
			fd.ino = strtoull(p + 4, NULL, 10);
	}
	if (link[0] == '/') {
		if (strncmp(link, "/memfd:", 7) == 0) {
			char *d = strstr(link, " (deleted)");
			if (d)
				*d = '\0';
			memmove(link, link + 1, strlen(link));
			fd.type = FDT_MEMFD;
		} else {
			snprintf(path, sizeof(path), "%s/fd/%lld", base, (long long)fdnum);
			fd.type =
			    stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? FDT_DIRECTORY : FDT_FILE;
			if (!fd.ino && fd.type == FDT_DIRECTORY)
				fd.ino = sb.st_ino;
		}
	} else if (strncmp(link, "socket:[", 8) == 0) {
		uint64_t ino = strtoull(link + 8, NULL, 10);
		const struct rec_sock *s = NULL;
		char name[160];
		int r = rec_socks_find(w->socks, pi->netns, base, ino, &s);

		if (r < 0) {
			w->rc = r;
			return;
		}
		fd.ino = ino;
		fd.type = FDT_OTHER;
		if (s) {
			fd.family = s->fd.family;
			fd.l4proto = s->fd.l4proto;
			fd.is_server = s->fd.is_server;
			memcpy(fd.lip, s->fd.lip, 16);
			memcpy(fd.rip, s->fd.rip, 16);
			fd.lport = s->fd.lport;
			fd.rport = s->fd.rport;
			if (s->fd.family == AF_INET || s->fd.family == AF_INET6) {
				fd.type = s->fd.family == AF_INET ? FDT_IPV4 : FDT_IPV6;
				st_fd_sockname(&fd, name, sizeof(name));
				snprintf(link, sizeof(link), "%s", name);
			} else if (s->fd.family == AF_UNIX) {
				fd.type = FDT_UNIX;
				snprintf(link, sizeof(link), "%s", s->path);
			} else {
				fd.type = FDT_NETLINK;
				fd.family = 0; /* no tuple for netlink */
			}
		}
		tlen = st_fd_tuple_encode(&fd, tuple, sizeof(tuple));
	} else if (strncmp(link, "pipe:[", 6) == 0) {
		fd.type = FDT_PIPE;
		fd.ino = strtoull(link + 6, NULL, 10);
	} else if (strncmp(link, "anon_inode:", 11) == 0) {
		fd.type = anon_type(link);
	} else {
		fd.type = FDT_OTHER;
	}
	header(w, &h, pi->pid, ti, pi->cgroup_id);
	evt_build_fdinfo(&w->b, &h,
			 &(struct evt_fdinfo){.fd = fdnum,
					      .type = fd.type,
					      .name = evt_str(link),
					      .tuple = {tuple, tlen},
					      .flags = fd.flags,
					      .ino = fd.ino});
	put(w);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Numeric entries of a directory, sorted; NULL when unreadable. */
static uint32_t *list_ids(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	uint32_t *v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char *end;
		unsigned long id = strtoul(de->d_name, &end, 10);
		if (!isdigit((unsigned char)de->d_name[0]) || *end || id > UINT32_MAX)
			continue;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			uint32_t *nv = realloc(v, ncap * sizeof(*nv));
			if (!nv)
				break;
			v = nv;
			cap = ncap;
		}
		v[(*n)++] = (uint32_t)id;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), cmp_u32);
	return v;
}

static void walk_process(struct walk *w, uint32_t pid)
{
	char base[300], tdir[320], tbase[340];
	struct proc_info *pi = calloc(1, sizeof(*pi));
	struct task_info leader = {0};
	uint32_t *tids, *fds;
	size_t ntids, nfds;

	if (!pi)
		return;
	pi->pid = pid;
	snprintf(base, sizeof(base), "%s/%u", proc_root, pid);
	leader.tid = pid;
	if (read_task(base, &leader)) {
		free(pi);
		return; /* gone */
	}
	read_proc(w, base, pi);
	emit_procinfo(w, pi, &leader);
	snprintf(tdir, sizeof(tdir), "%s/task", base);
	tids = list_ids(tdir, &ntids);
	for (size_t i = 0; i < ntids && !w->rc; i++) {
		struct task_info ti = {0};
		if (tids[i] == pid)
			continue;
		ti.tid = tids[i];
		snprintf(tbase, sizeof(tbase), "%s/%u", tdir, tids[i]);
		if (read_task(tbase, &ti))
			continue;
		emit_procinfo(w, pi, &ti);
	}
	free(tids);
	snprintf(tdir, sizeof(tdir), "%s/fd", base);
	fds = list_ids(tdir, &nfds);
	for (size_t i = 0; i < nfds && !w->rc; i++)
		emit_fd(w, pi, &leader, base, fds[i]);
	free(fds);
	free(pi);
}

/* Whole lines (getline), however long: a group may list many members, and
 * a piece of a long line read in parts could pass for an entry of its own. */
static void emit_users(struct walk *w)
{
	char path[300], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/passwd", etc_root);
	if ((f = fopen(path, "r"))) {
		while (!w->rc && getline(&line, &cap, f) >= 0) {
			/* name:pw:uid:gid:gecos:home:shell */
			char *fld[7] = {0}, *s = line;
			int k = 0;
			line[strcspn(line, "\n")] = '\0';
			while (k < 7 && s) {
				fld[k++] = s;
				s = strchr(s, ':');
				if (s)
					*s++ = '\0';
			}
			if (k < 7 || !isdigit((unsigned char)fld[2][0]))
				continue;
			struct evt_rec h = {.ts = w->ts};
			evt_builder_begin(&w->b, EVT_USERINFO, &h);
			evt_builder_add_u64(&w->b, strtoul(fld[2], NULL, 10));
			evt_builder_add_u64(&w->b, strtoul(fld[3], NULL, 10));
			evt_builder_add_str(&w->b, fld[0]);
			evt_builder_add_str(&w->b, fld[5]);
			evt_builder_add_str(&w->b, fld[6]);
			put(w);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/group", etc_root);
	if ((f = fopen(path, "r"))) {
		while (!w->rc && getline(&line, &cap, f) >= 0) {
			char *c1 = strchr(line, ':'), *c2, *c3;
			if (!c1 || !(c2 = strchr(c1 + 1, ':')) || !isdigit((unsigned char)c2[1]))
				continue;
			c3 = strchr(c2 + 1, ':');
			if (c3)
				*c3 = '\0';
			*c1 = '\0';
			struct evt_rec h = {.ts = w->ts};
			evt_builder_begin(&w->b, EVT_GROUPINFO, &h);
			evt_builder_add_u64(&w->b, strtoul(c2 + 1, NULL, 10));
			evt_builder_add_str(&w->b, line);
			put(w);
		}
		fclose(f);
	}
	free(line);
}

static uint64_t boot_epoch_ns(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return ((uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec) -
	       ((uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec);
}

int rec_procfs_snapshot(struct st_state *st, uint64_t ts_ns,
			int (*emit)(void *ctx, const void *rec, size_t len), void *ctx, pid_t self,
			struct sr_err *err)
{
	struct walk w = {.st = st, .emit = emit, .ctx = ctx, .ts = ts_ns};
	uint32_t *pids;
	size_t npids, estimate = 0;
	char p[320];

	(void)self; /* included like everything else: the recorder filters its own events */
	w.hz = sysconf(_SC_CLK_TCK);
	if (w.hz <= 0)
		w.hz = 100;
	w.boot_ns = boot_epoch_ns();
	rec_procfs_cg2_mount(w.cg2, sizeof(w.cg2));
	w.args_cap = 1 << 17; /* the kernel shows at most this much of a cmdline here */
	w.args = malloc(w.args_cap);
	pids = list_ids(proc_root, &npids);
	if (!pids || !w.args) {
		free(pids);
		free(w.args);
		return sr_err_set(err, pids ? SR_ENOMEM : SR_EIO, "cannot list %s", proc_root);
	}
	/* A namespace's tables are read when its first process with a socket shows up. */
	w.socks = rec_socks_new(proc_root);
	if (!w.socks) {
		free(pids);
		free(w.args);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	evt_builder_init(&w.b);
	for (size_t i = 0; i < npids; i++) {
		snprintf(p, sizeof(p), "%s/%u/task", proc_root, pids[i]);
		size_t nt;
		uint32_t *t = list_ids(p, &nt);
		estimate += nt;
		free(t);
	}
	{
		struct evt_rec h = {.ts = ts_ns};
		evt_builder_begin(&w.b, EVT_SNAP_BEGIN, &h);
		evt_builder_add_u64(&w.b, estimate);
		put(&w);
	}
	for (size_t i = 0; i < npids && !w.rc; i++)
		walk_process(&w, pids[i]);
	if (!w.rc)
		emit_users(&w);
	if (!w.rc) {
		struct evt_rec h = {.ts = ts_ns};
		evt_builder_begin(&w.b, EVT_SNAP_END, &h);
		evt_builder_add_u64(&w.b, w.threads);
		put(&w);
	}
	free(pids);
	free(w.args);
	rec_socks_free(w.socks);
	evt_builder_free(&w.b);
	if (w.rc < 0)
		sr_err_set(err, w.rc, "snapshot record not written: %s", sr_code_name(w.rc));
	return w.rc;
}
