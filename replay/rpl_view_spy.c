/* sysreplay spy: the commands run from shells, as sysdig's spy_users chisel
 * shows them: every successful exec by a process that is a shell, was one
 * before this exec (the last command of `sh -c`), or descends from one.
 * Each command gets its session's shell (the oldest shell above it, like
 * sysdig's proc.loginshellid), the user, the terminal (or, without one, what
 * the process's stdin is: a reverse shell shows its socket here), the exit
 * code and the duration once its process exits. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_view.h"

#define SPY_DEPTH 64

struct spy_pid {
	uint32_t pid; /* 0: free */
	uint8_t shell;
	int64_t open; /* index of its command still running, -1 none */
};

struct rpl_spy {
	struct rpl_spy_cmd *v;
	size_t n, cap;
	struct spy_pid *pids;
	size_t pcap, pused;
	int oom;
};

static struct spy_pid *spy_pid(struct rpl_spy *s, uint32_t pid, int add)
{
	size_t i;

	if (add && (s->pused + 1) * 2 > s->pcap) {
		size_t ncap = s->pcap ? s->pcap * 2 : 1024;
		struct spy_pid *n = calloc(ncap, sizeof(*n));

		if (!n)
			return NULL;
		for (size_t j = 0; j < s->pcap; j++) {
			if (!s->pids[j].pid)
				continue;
			i = (s->pids[j].pid * 2654435761u) & (ncap - 1);
			while (n[i].pid)
				i = (i + 1) & (ncap - 1);
			n[i] = s->pids[j];
		}
		free(s->pids);
		s->pids = n;
		s->pcap = ncap;
	}
	if (!s->pcap)
		return NULL;
	i = (pid * 2654435761u) & (s->pcap - 1);
	while (s->pids[i].pid && s->pids[i].pid != pid)
		i = (i + 1) & (s->pcap - 1);
	if (!s->pids[i].pid) {
		if (!add)
			return NULL;
		s->pids[i].pid = pid;
		s->pids[i].open = -1;
		s->pused++;
	}
	return &s->pids[i];
}

static void spy_exit(struct rpl_spy *s, struct fld_ctx *c)
{
	const struct evt *ev = c->ev;
	struct spy_pid *p = spy_pid(s, ev->rec->pid, 0);

	if (!p || p->open < 0 || !evt_param_u64(ev, 1))
		return;
	s->v[p->open].exited = 1;
	s->v[p->open].code = rpl_view_exit_code(evt_param_s64(ev, 0));
	s->v[p->open].end_ts = ev->rec->ts;
	p->open = -1;
}

static void spy_exec(struct rpl_spy *s, struct fld_ctx *c)
{
	const struct st_thread *t = st_event_thread(c->st), *a;
	struct spy_pid *p;
	struct rpl_spy_cmd *e;
	uint32_t shell = 0;
	const struct st_fd *in;
	char ubuf[16], cmd[4096];
	int was_shell, d = 0;

	if (!t)
		return;
	p = spy_pid(s, t->pid, 1);
	if (!p) {
		s->oom = 1;
		return;
	}
	was_shell = p->shell;
	p->shell = (uint8_t)rpl_view_is_shell(t->comm);
	if (p->shell || was_shell)
		shell = t->pid;
	for (a = st_thread_parent(c->st, t); a && d < SPY_DEPTH;
	     a = st_thread_parent(c->st, a), d++)
		if (rpl_view_is_shell(a->comm))
			shell = a->pid;
	if (!shell)
		return;
	if (p->open >= 0) /* exec again without exiting: the earlier command became this */
		s->v[p->open].end_ts = c->ev->rec->ts;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct rpl_spy_cmd *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv) {
			s->oom = 1;
			return;
		}
		s->v = nv;
		s->cap = ncap;
	}
	e = &s->v[s->n];
	memset(e, 0, sizeof(*e));
	e->ts = c->ev->rec->ts;
	e->pid = t->pid;
	e->shell_pid = shell;
	e->uid = t->uid;
	e->tty = t->tty;
	rpl_view_cmdline(t, cmd, sizeof(cmd));
	e->cmd = strdup(cmd);
	e->user = strdup(rpl_view_user(c->st, t->uid, ubuf, sizeof(ubuf)));
	in = st_fd_get(c->st, t->pid, 0);
	e->stdin_name = strdup(in && in->name ? in->name : "");
	if (!e->cmd || !e->user || !e->stdin_name) {
		free(e->cmd);
		free(e->user);
		free(e->stdin_name);
		s->oom = 1;
		return;
	}
	p->open = (int64_t)s->n++;
}

int rpl_spy_emit(void *ctx, struct fld_ctx *c)
{
	struct rpl_spy *s = ctx;
	const struct evt_rec *r = c->ev->rec;

	if (r->type == EVT_PROC_EXIT)
		spy_exit(s, c);
	else if ((r->type == EVT_EXECVE || r->type == EVT_EXECVEAT) && r->res == 0 &&
		 !(r->flags & EVT_RF_ENTER_ONLY))
		spy_exec(s, c);
	return s->oom;
}

/* "pts/3" for pseudo-terminals (majors 136-143), "tty2" for consoles, else
 * the device number; "" without a terminal. */
void rpl_spy_tty(uint32_t tty, char *buf, size_t cap)
{
	unsigned major = (tty >> 20) ? (tty >> 20) : (tty >> 8) & 0xfff;
	unsigned minor = (tty >> 20) ? (tty & 0xfffff) : (tty & 0xff);

	if (!tty)
		snprintf(buf, cap, "%s", "");
	else if (major >= 136 && major <= 143)
		snprintf(buf, cap, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4)
		snprintf(buf, cap, "tty%u", minor);
	else
		snprintf(buf, cap, "%u:%u", major, minor);
}

static void spy_print(const struct rpl_view_opts *o, const struct rpl_spy_cmd *e)
{
	char when[48], tty[80], dur[32], code[16];

	rpl_view_time(e->ts, when, sizeof(when));
	rpl_spy_tty(e->tty, tty, sizeof(tty));
	if (o->json) {
		fprintf(o->out, "{\"ts\":%" PRIu64 ",\"user\":", e->ts);
		rpl_view_json_str(o->out, e->user, strlen(e->user));
		fprintf(o->out, ",\"uid\":%u,\"tty\":", e->uid);
		rpl_view_json_str(o->out, tty, strlen(tty));
		fputs(",\"stdin\":", o->out);
		rpl_view_json_str(o->out, e->stdin_name, strlen(e->stdin_name));
		fprintf(o->out, ",\"shell_pid\":%u,\"pid\":%u,\"cmdline\":", e->shell_pid, e->pid);
		rpl_view_json_str(o->out, e->cmd, strlen(e->cmd));
		if (e->exited)
			fprintf(o->out, ",\"exit\":%d", e->code);
		else
			fputs(",\"exit\":null", o->out);
		if (e->end_ts)
			fprintf(o->out, ",\"duration_ns\":%" PRIu64 "}\n", e->end_ts - e->ts);
		else
			fputs(",\"duration_ns\":null}\n", o->out);
		return;
	}
	if (e->end_ts)
		snprintf(dur, sizeof(dur), "%.3fs", (e->end_ts - e->ts) / 1e9);
	else
		snprintf(dur, sizeof(dur), "-");
	if (e->exited)
		snprintf(code, sizeof(code), "%d", e->code);
	else
		snprintf(code, sizeof(code), "-");
	if (!*tty)
		snprintf(tty, sizeof(tty), "%.79s", *e->stdin_name ? e->stdin_name : "-");
	fprintf(o->out, "%s %-10s %-22s %7u %7u %4s %9s  %s\n", when, e->user, tty, e->shell_pid,
		e->pid, code, dur, e->cmd);
}

struct rpl_spy *rpl_spy_new(void)
{
	return calloc(1, sizeof(struct rpl_spy));
}

size_t rpl_spy_count(const struct rpl_spy *s)
{
	return s->n;
}

const struct rpl_spy_cmd *rpl_spy_get(const struct rpl_spy *s, size_t i)
{
	return i < s->n ? &s->v[i] : NULL;
}

int rpl_spy_failed(const struct rpl_spy *s)
{
	return s->oom;
}

void rpl_spy_free(struct rpl_spy *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].cmd);
		free(s->v[i].user);
		free(s->v[i].stdin_name);
	}
	free(s->v);
	free(s->pids);
	free(s);
}

int rpl_view_spy(struct rpl_view_opts *o)
{
	struct rpl_spy *s = rpl_spy_new();
	struct rpl_run_result res;
	int rc;

	if (!s)
		return rpl_fail("out of memory");
	rc = rpl_view_scan(o, rpl_spy_emit, s, &res);
	if (!rc && s->oom)
		rc = rpl_fail("out of memory");
	if (!rc && !o->json)
		fprintf(o->out, "%-30s %-10s %-22s %7s %7s %4s %9s  %s\n", "TIME", "USER",
			"TTY/STDIN", "SHELL", "PID", "EXIT", "DURATION", "COMMAND");
	for (size_t i = 0; !rc && i < s->n && (!o->limit || i < o->limit); i++)
		spy_print(o, &s->v[i]);
	rpl_spy_free(s);
	return rc;
}
