/* fld_proc.c: proc.*, thread.*, user.*, group.*, container.*, k8s.* fields. */
#include <string.h>

#include "fld_int.h"

/* Ancestor walks stop here: a parent loop in a damaged state table must not hang. */
#define MAX_ANCESTORS 64

static const struct st_thread *parent_of(struct fld_ctx *c, const struct st_thread *t)
{
	if (!c->st || !t)
		return NULL;
	return st_thread_parent(c->st, t);
}

/* Ancestor n: 0 is t itself. */
static const struct st_thread *ancestor(struct fld_ctx *c, const struct st_thread *t, int64_t n)
{
	for (int64_t i = 0; i < n && t; i++) {
		if (i >= MAX_ANCESTORS)
			return NULL;
		t = parent_of(c, t);
	}
	return t;
}

static int put_cmdline(struct fld_ctx *c, const struct st_thread *t, const char *head,
		       struct fld_value *out)
{
	struct sr_sb b;

	if (!head)
		return 0;
	fld_scratch_begin(&b, c);
	sr_sb_puts(&b, head);
	if (t->args && t->args_len) {
		sr_sb_putc(&b, ' ');
		fld_put_list(&b, t->args, t->args_len, ' ');
	}
	fld_scratch_commit(&b, c);
	return fld_set_str(out, b.p, b.len);
}

static int put_list(struct fld_ctx *c, const char *list, size_t len, struct fld_value *out)
{
	struct sr_sb b;

	if (!list)
		return fld_set_str(out, "", 0);
	fld_scratch_begin(&b, c);
	fld_put_list(&b, list, len, ' ');
	fld_scratch_commit(&b, c);
	return fld_set_str(out, b.p, b.len);
}

/* proc.env[NAME]: the value of one variable. */
static int env_lookup(const struct st_thread *t, const char *key, struct fld_value *out)
{
	size_t kl = strlen(key), i = 0;

	if (!t->env)
		return 0;
	while (i < t->env_len) {
		const char *item = t->env + i;
		const char *end = memchr(item, 0, t->env_len - i);
		size_t n = end ? (size_t)(end - item) : t->env_len - i;
		if (n > kl && item[kl] == '=' && memcmp(item, key, kl) == 0)
			return fld_set_str(out, item + kl + 1, n - kl - 1);
		i += n + 1;
	}
	return 0;
}

static int is_shell(const char *comm)
{
	static const char *const shells[] = {"ash",  "bash", "csh",  "ksh", "sh",
					     "tcsh", "zsh",  "dash", "fish"};
	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (strcmp(comm, shells[i]) == 0)
			return 1;
	return 0;
}

struct count_ctx {
	uint32_t pid;
	uint64_t n;
};

static int count_threads(void *ctx, const struct st_thread *t)
{
	struct count_ctx *cc = ctx;
	if (t->pid == cc->pid && !t->exited)
		cc->n++;
	return 0;
}

static int count_fds(void *ctx, const struct st_fd *fd)
{
	(void)fd;
	((struct count_ctx *)ctx)->n++;
	return 0;
}

/* The value of an ancestor-indexed field for thread a. */
static int ancestor_value(int id, struct fld_ctx *c, const struct st_thread *a,
			  struct fld_value *out)
{
	switch (id) {
	case FLD_ID_PROC_APID:
		return fld_set_int(out, a->pid);
	case FLD_ID_PROC_ANAME:
		return a->comm[0] ? fld_set_cstr(out, a->comm) : 0;
	case FLD_ID_PROC_AEXE:
		return fld_set_cstr(out, a->exe);
	case FLD_ID_PROC_AEXEPATH:
		return fld_set_cstr(out, a->exepath);
	case FLD_ID_PROC_ACMDLINE:
		return put_cmdline(c, a, a->comm, out);
	}
	return 0;
}

size_t fld_multi_proc(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out,
		      size_t max)
{
	const struct st_thread *t = fld_thread(c);
	size_t n = 0;

	switch (ref->id) {
	case FLD_ID_PROC_APID:
	case FLD_ID_PROC_ANAME:
	case FLD_ID_PROC_AEXE:
	case FLD_ID_PROC_AEXEPATH:
	case FLD_ID_PROC_ACMDLINE:
		/* Without an index: every ancestor, parent first (not the process itself). */
		t = parent_of(c, t);
		for (int depth = 0; t && n < max && depth < MAX_ANCESTORS; depth++) {
			if (ancestor_value(ref->id, c, t, &out[n]))
				n++;
			t = parent_of(c, t);
		}
		return n;
	}
	return (size_t)fld_extract_proc(ref, c, out);
}

static int cgroup_container(const struct st_thread *t, struct fld_value *out, int full)
{
	const char *id = full ? t->container_full_id : t->container_id;
	if (!id)
		id = t->container_id;
	if (!id || !*id)
		return fld_set_str(out, "host", 4);
	return fld_set_cstr(out, id);
}

int fld_extract_proc(const struct fld_ref *ref, struct fld_ctx *c, struct fld_value *out)
{
	const struct st_thread *t = fld_thread(c), *p;
	uint64_t ts = c->ev->rec->ts;

	switch (ref->id) {
	case FLD_ID_PROC_PID:
		return fld_set_int(out, t->pid);
	case FLD_ID_PROC_EXE:
		return fld_set_cstr(out, t->exe);
	case FLD_ID_PROC_NAME:
		return t->comm[0] ? fld_set_cstr(out, t->comm) : 0;
	case FLD_ID_PROC_ARGS:
		return put_list(c, t->args, t->args_len, out);
	case FLD_ID_PROC_ENV:
		if (ref->arg_key[0])
			return env_lookup(t, ref->arg_key, out);
		if (!t->env)
			return 0;
		return put_list(c, t->env, t->env_len, out);
	case FLD_ID_PROC_CMDLINE:
		return t->comm[0] ? put_cmdline(c, t, t->comm, out) : 0;
	case FLD_ID_PROC_EXELINE:
		return put_cmdline(c, t, t->exe, out);
	case FLD_ID_PROC_CWD: {
		/* sysdig keeps a directory with its trailing '/' ("/root/"), and
		 * Falco rules are written for it (proc.cwd startswith "/dev/shm/") */
		size_t n = t->cwd ? strlen(t->cwd) : 0;
		struct sr_sb b;
		if (!n || t->cwd[n - 1] == '/')
			return fld_set_cstr(out, t->cwd);
		fld_scratch_begin(&b, c);
		sr_sb_put(&b, t->cwd, n);
		sr_sb_putc(&b, '/');
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	}
	case FLD_ID_PROC_NTHREADS:
	case FLD_ID_PROC_NCHILDS: {
		struct count_ctx cc = {t->pid, 0};
		if (!c->st)
			return 0;
		/* A table walk: fine for a shell or an output, costly in a hot filter. */
		st_thread_foreach(c->st, count_threads, &cc);
		if (ref->id == FLD_ID_PROC_NCHILDS && cc.n)
			cc.n--;
		return fld_set_uint(out, cc.n);
	}
	case FLD_ID_PROC_PPID:
		/* (uint32_t)-1 is an unknown parent: -1, as sysdig prints it
		 * (pids stay below 2^22, so the cast loses nothing). */
		return fld_set_int(out, (int32_t)t->ppid);
	case FLD_ID_PROC_PNAME:
		p = parent_of(c, t);
		return p && p->comm[0] ? fld_set_cstr(out, p->comm) : 0;
	case FLD_ID_PROC_PCMDLINE:
		p = parent_of(c, t);
		return p ? put_cmdline(c, p, p->comm, out) : 0;
	case FLD_ID_PROC_PEXE:
		p = parent_of(c, t);
		return p ? fld_set_cstr(out, p->exe) : 0;
	case FLD_ID_PROC_PEXEPATH:
		p = parent_of(c, t);
		return p ? fld_set_cstr(out, p->exepath) : 0;
	case FLD_ID_PROC_APID:
	case FLD_ID_PROC_ANAME:
	case FLD_ID_PROC_AEXE:
	case FLD_ID_PROC_AEXEPATH:
	case FLD_ID_PROC_ACMDLINE:
		/* No index: the first of the values (the parent), as outputs show. */
		p = ancestor(c, t, ref->arg_index >= 0 ? ref->arg_index : 1);
		return p ? ancestor_value(ref->id, c, p, out) : 0;
	case FLD_ID_PROC_LOGINSHELLID: {
		const struct st_thread *a = t;
		int64_t found = -1;
		for (int d = 0; a && d < MAX_ANCESTORS; d++, a = parent_of(c, a))
			if (is_shell(a->comm))
				found = a->pid;
		return found >= 0 ? fld_set_int(out, found) : 0;
	}
	case FLD_ID_PROC_DURATION:
		if (!t->start_ts || t->start_ts > ts)
			return 0;
		return fld_set_typed_uint(out, FT_V_RELTIME, ts - t->start_ts);
	case FLD_ID_PROC_PPID_DURATION:
		p = parent_of(c, t);
		if (!p || !p->start_ts || p->start_ts > ts)
			return 0;
		return fld_set_typed_uint(out, FT_V_RELTIME, ts - p->start_ts);
	case FLD_ID_PROC_PID_TS:
		return t->start_ts ? fld_set_typed_uint(out, FT_V_TIME, t->start_ts) : 0;
	case FLD_ID_PROC_PPID_TS:
		p = parent_of(c, t);
		return p && p->start_ts ? fld_set_typed_uint(out, FT_V_TIME, p->start_ts) : 0;
	case FLD_ID_PROC_FDOPENCOUNT: {
		struct count_ctx cc = {t->pid, 0};
		if (!c->st)
			return 0;
		st_fd_foreach(c->st, t->pid, count_fds, &cc);
		return fld_set_uint(out, cc.n);
	}
	case FLD_ID_PROC_TTY:
		return fld_set_int(out, t->tty);
	case FLD_ID_PROC_EXEPATH:
		return fld_set_cstr(out, t->exepath);
	case FLD_ID_PROC_VPID:
		return t->vpid ? fld_set_int(out, t->vpid) : 0;
	case FLD_ID_PROC_PVPID:
		p = parent_of(c, t);
		return p && p->vpid ? fld_set_int(out, p->vpid) : 0;
	case FLD_ID_PROC_IS_EXE_WRITABLE:
		return fld_set_bool(out, t->flags & EVT_EXEC_WRITABLE);
	case FLD_ID_PROC_IS_EXE_UPPER_LAYER:
		return fld_set_bool(out, t->flags & EVT_EXEC_UPPER_LAYER);
	case FLD_ID_PROC_IS_EXE_FROM_MEMFD:
		return fld_set_bool(out, t->flags & EVT_EXEC_FROM_MEMFD);
	case FLD_ID_PROC_EXE_INO:
		return t->exe_ino ? fld_set_uint(out, t->exe_ino) : 0;
	case FLD_ID_PROC_IS_CONTAINER_HEALTHCHECK:
	case FLD_ID_PROC_IS_CONTAINER_LIVENESS:
	case FLD_ID_PROC_IS_CONTAINER_READINESS:
		return fld_set_bool(out, false);
	case FLD_ID_PROC_STDIN_TYPE:
	case FLD_ID_PROC_STDOUT_TYPE:
	case FLD_ID_PROC_STDERR_TYPE:
	case FLD_ID_PROC_STDIN_NAME:
	case FLD_ID_PROC_STDOUT_NAME:
	case FLD_ID_PROC_STDERR_NAME: {
		/* fds 0/1/2 as the state has them now: for an execve, the table
		 * the new program starts with (a reverse shell's socket). */
		int name = ref->id >= FLD_ID_PROC_STDIN_NAME;
		int64_t fd = ref->id - (name ? FLD_ID_PROC_STDIN_NAME : FLD_ID_PROC_STDIN_TYPE);
		const struct st_fd *f = c->st ? st_fd_get(c->st, t->pid, fd) : NULL;
		if (!f)
			return 0;
		if (name)
			return fld_set_cstr(out, f->name ? f->name : "");
		return fld_set_cstr(out, fld_fd_typename(f->type));
	}
	case FLD_ID_THREAD_TID:
		return fld_set_int(out, t->tid);
	case FLD_ID_THREAD_VTID:
		return t->vtid ? fld_set_int(out, t->vtid) : 0;
	case FLD_ID_THREAD_ISMAIN:
		return fld_set_bool(out, t->tid == t->pid);
	case FLD_ID_THREAD_CGROUPS:
	case FLD_ID_THREAD_CGROUP:
		if (!t->cgroup || !*t->cgroup)
			return 0;
		{
			/* A /proc/PID/cgroup line ("0::/path") names the path after "::". */
			const char *path = strstr(t->cgroup, "::");
			return fld_set_cstr(out, path ? path + 2 : t->cgroup);
		}
	case FLD_ID_THREAD_CAP_EFFECTIVE: {
		struct sr_sb b;
		if (!t->cap_eff)
			return 0;
		fld_scratch_begin(&b, c);
		fld_caps_render(&b, t->cap_eff);
		fld_scratch_commit(&b, c);
		return fld_set_str(out, b.p, b.len);
	}
	case FLD_ID_USER_UID:
		return fld_set_uint(out, t->uid);
	case FLD_ID_USER_NAME:
		return c->st ? fld_set_cstr(out, st_user_name(c->st, t->uid)) : 0;
	case FLD_ID_USER_HOMEDIR:
		return c->st ? fld_set_cstr(out, st_user_home(c->st, t->uid)) : 0;
	case FLD_ID_USER_SHELL:
		return c->st ? fld_set_cstr(out, st_user_shell(c->st, t->uid)) : 0;
	case FLD_ID_USER_LOGINUID:
		return fld_set_int(out, (int32_t)t->loginuid);
	case FLD_ID_USER_LOGINNAME:
		if (!c->st || t->loginuid == UINT32_MAX)
			return 0;
		return fld_set_cstr(out, st_user_name(c->st, t->loginuid));
	case FLD_ID_GROUP_GID:
		return fld_set_uint(out, t->gid);
	case FLD_ID_GROUP_NAME:
		return c->st ? fld_set_cstr(out, st_group_name(c->st, t->gid)) : 0;
	case FLD_ID_CONTAINER_ID:
		return cgroup_container(t, out, 0);
	case FLD_ID_CONTAINER_FULL_ID:
		return cgroup_container(t, out, 1);
	default:
		if (ref->id >= FLD_ID_CONTAINER_NAME && ref->id <= FLD_ID_K8S_DEPLOYMENT_LABELS)
			return fld_extract_container(ref, c, out);
		break;
	}
	return 0;
}
