/* sysreplay ps: the processes alive at a moment, from the state engine:
 * pid, ppid, user, start, exe, command line, container; --tree indents
 * children under their parents. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_view.h"

#define PS_DEPTH 64

struct ps_list {
	const struct st_thread **v; /* NULL while counting */
	size_t n;
};

/* Live process leaders: counted on a first walk, stored on the second. */
static int collect(void *ctx, const struct st_thread *t)
{
	struct ps_list *l = ctx;

	if (t->tid != t->pid || t->exited)
		return 0;
	if (l->v)
		l->v[l->n] = t;
	l->n++;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct st_thread *x = *(const struct st_thread *const *)a;
	const struct st_thread *y = *(const struct st_thread *const *)b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void ps_row(const struct rpl_view_opts *o, const struct st_state *st,
		   const struct st_thread *t, int depth)
{
	char user[16], start[48], cmd[1024];
	const char *u = rpl_view_user(st, t->uid, user, sizeof(user));
	const char *exe = t->exepath && *t->exepath ? t->exepath : t->exe ? t->exe : "";
	const char *ctr = t->container_id ? t->container_id : "host";

	rpl_view_time(t->start_ts, start, sizeof(start));
	rpl_view_cmdline(t, cmd, sizeof(cmd));
	if (o->json) {
		fprintf(o->out, "{\"pid\":%u,\"ppid\":%u,\"uid\":%u,\"user\":", t->pid, t->ppid,
			t->uid);
		rpl_view_json_str(o->out, u, strlen(u));
		fprintf(o->out, ",\"start\":%" PRIu64 ",\"comm\":", t->start_ts);
		rpl_view_json_str(o->out, t->comm, strnlen(t->comm, sizeof(t->comm)));
		fputs(",\"exe\":", o->out);
		rpl_view_json_str(o->out, exe, strlen(exe));
		fputs(",\"cmdline\":", o->out);
		rpl_view_json_str(o->out, cmd, strlen(cmd));
		fputs(",\"container\":", o->out);
		rpl_view_json_str(o->out, ctr, strlen(ctr));
		fprintf(o->out, ",\"depth\":%d}\n", depth);
		return;
	}
	/* the table stays readable: -j has the whole command line */
	fprintf(o->out, "%7u %7u %-10s %-30s %-12s %*s%.200s\n", t->pid, t->ppid, u, start, ctr,
		depth * 2, "", cmd);
}

static int known(const struct ps_list *l, uint32_t pid)
{
	const struct st_thread key = {.pid = pid}, *k = &key;

	return bsearch(&k, l->v, l->n, sizeof(*l->v), cmp_pid) != NULL;
}

static void ps_children(const struct rpl_view_opts *o, const struct st_state *st,
			const struct ps_list *l, uint32_t pid, int depth)
{
	if (depth > PS_DEPTH)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i]->ppid != pid || l->v[i]->pid == pid)
			continue;
		ps_row(o, st, l->v[i], depth);
		ps_children(o, st, l, l->v[i]->pid, depth + 1);
	}
}

int rpl_view_ps(struct rpl_view_opts *o)
{
	struct ps_list l = {0};
	struct st_state *st;
	uint64_t at;
	char when[48];

	if (rpl_view_state_at(o, &st, &at))
		return RPL_EXIT_BAD;
	st_thread_foreach(st, collect, &l);
	l.v = malloc((l.n + 1) * sizeof(*l.v));
	if (!l.v) {
		st_free(st);
		return rpl_fail("out of memory");
	}
	l.n = 0;
	st_thread_foreach(st, collect, &l);
	qsort(l.v, l.n, sizeof(*l.v), cmp_pid);
	if (!o->json) {
		rpl_view_time(at, when, sizeof(when));
		fprintf(o->out, "# processes at %s\n%7s %7s %-10s %-30s %-12s %s\n", when, "PID",
			"PPID", "USER", "START", "CONTAINER", "COMMAND");
	}
	if (o->tree && o->pid) {
		const struct st_thread key = {.pid = o->pid}, *k = &key, **p;

		p = bsearch(&k, l.v, l.n, sizeof(*l.v), cmp_pid);
		if (p) {
			ps_row(o, st, *p, 0);
			ps_children(o, st, &l, (*p)->pid, 1);
		}
	}
	for (size_t i = 0; i < l.n && !(o->tree && o->pid); i++) {
		const struct st_thread *t = l.v[i];

		if (!o->tree) {
			/* -p: the process and its children */
			if (!o->pid || t->pid == o->pid || t->ppid == o->pid)
				ps_row(o, st, t, 0);
		} else if (!known(&l, t->ppid) || t->ppid == t->pid) {
			/* roots: processes whose parent is not in the table */
			ps_row(o, st, t, 0);
			ps_children(o, st, &l, t->pid, 1);
		}
	}
	free(l.v);
	st_free(st);
	return RPL_EXIT_OK;
}
