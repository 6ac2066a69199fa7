/* rec_action.c: which actions an alert gets, the guard rails, the results. */
#include "rec_action.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_sb.h"
#include "../common/sr_time.h"
#include "../fields/fld.h"
#include "../rules/rule.h"
#include "../state/st.h"

int rec_action_init(struct rec_action *a, const struct rec_action_cfg *cfg, int64_t clock_offset,
		    struct sr_err *err)
{
	pid_t p;

	(void)err;
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->self = getpid();
	a->clock_offset = clock_offset;
	evt_builder_init(&a->eb);
	/* threads and programs started later are back to the normal policy */
	if (cfg->realtime) {
		struct sched_param sp = {.sched_priority = 1};

		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp))
			fprintf(stderr, "sysrec: warning: actions.realtime: %s\n", strerror(errno));
	}
	/* the chain of parents now: a shell, sudo, a service manager */
	p = getppid();
	while (p > 1 && a->nanc < sizeof(a->anc) / sizeof(a->anc[0])) {
		pid_t pp;

		a->anc[a->nanc++] = p;
		if (rec_action_proc_stat(p, NULL, NULL, &pp))
			break;
		p = pp;
	}
	return 0;
}

int rec_action_wait_ms(const struct rec_action_cfg *cfg)
{
	/* epoll counts whole ms: rounded down, poll stays the longest wait */
	uint64_t ms = cfg->poll_ns / 1000000;

	return ms < 1 ? 1 : ms > 100 ? 100 : (int)ms;
}

/* Why pid may not be acted upon, or NULL. */
static const char *protected_pid(const struct rec_action *a, pid_t pid)
{
	const struct rec_action_cfg *cfg = a->cfg;
	int kthread = 0;

	if (pid <= 1)
		return "skipped: pid 1";
	if (pid == a->self)
		return "skipped: the recorder itself";
	for (size_t i = 0; i < a->nanc; i++)
		if (a->anc[i] == pid)
			return "skipped: an ancestor of the recorder";
	for (size_t i = 0; i < cfg->nallow_pid; i++)
		if (cfg->allow_pid[i] == (uint32_t)pid)
			return "skipped: allowlisted pid";
	if (!rec_action_proc_stat(pid, &kthread, NULL, NULL) && kthread)
		return "skipped: kernel thread";
	return NULL;
}

static const char *allowlisted(const struct rec_action *a, const char *comm, const char *exe)
{
	const struct rec_action_cfg *cfg = a->cfg;

	for (size_t i = 0; comm && i < cfg->nallow_comm; i++)
		if (!strcmp(cfg->allow_comm[i], comm))
			return "skipped: allowlisted comm";
	for (size_t i = 0; exe && i < cfg->nallow_exe; i++)
		if (!strcmp(cfg->allow_exe[i], exe))
			return "skipped: allowlisted exe";
	return NULL;
}

/* The comm and exe of a live process, for the allowlist of container
 * actions (state may not know every process of the cgroup). */
static void proc_names(pid_t pid, char *comm, size_t ccap, char *exe, size_t ecap)
{
	char path[64];
	ssize_t n;
	FILE *f;

	comm[0] = exe[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, (int)ccap, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, ecap - 1);
	exe[n > 0 ? n : 0] = '\0';
}

struct cg_check {
	const struct rec_action *a;
	const char *why;
	pid_t pid;
};

static int cg_check_one(void *ctx, pid_t pid)
{
	struct cg_check *k = ctx;
	char comm[64], exe[4096];

	k->why = protected_pid(k->a, pid);
	if (!k->why) {
		proc_names(pid, comm, sizeof(comm), exe, sizeof(exe));
		k->why = allowlisted(k->a, comm, exe[0] ? exe : NULL);
	}
	k->pid = pid;
	return k->why != NULL;
}

static struct rec_action_res *res_new(struct rec_action *a, unsigned kind)
{
	struct rec_action_res *r = &a->res[a->nres++];

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	return r;
}

static void res_set(struct rec_action_res *r, int e, const char *what)
{
	r->err = e;
	if (what)
		snprintf(r->result, sizeof(r->result), "%s", what);
	else if (!e)
		snprintf(r->result, sizeof(r->result), "ok");
	else if (e == ESRCH)
		snprintf(r->result, sizeof(r->result), "gone");
	else
		snprintf(r->result, sizeof(r->result), "failed: %s", strerror(e));
}

static void do_kill_process(struct rec_action *a, struct rec_action_res *r, pid_t pid,
			    uint64_t ev_ts)
{
	/* the offender existed at its event: a later start is a reused pid */
	uint64_t boot = (uint64_t)((int64_t)ev_ts - a->clock_offset);

	snprintf(r->target, sizeof(r->target), "pid %d", (int)pid);
	if (a->cfg->dry_run) {
		res_set(r, 0, "dry_run");
		return;
	}
	res_set(r, rec_action_kill_pid(pid, boot), NULL);
}

static void do_container(struct rec_action *a, struct rec_action_res *r, pid_t pid,
			 const struct st_thread *t)
{
	struct cg_check k = {.a = a};
	char dir[4096];
	int v2 = 0, e;

	snprintf(r->target, sizeof(r->target), "pid %d", (int)pid);
	/* a host process has no container to act on: its cgroup may be a
	 * user session or a system service, never to be frozen wholesale */
	if (!t || !t->container_id || !strcmp(t->container_id, "host") || !t->container_id[0]) {
		res_set(r, 0, "skipped: not in a container");
		return;
	}
	e = rec_action_cgroup_dir(pid, t->cgroup, dir, sizeof(dir), &v2);
	if (e) {
		res_set(r, e, e == ENOENT ? "skipped: no cgroup to act on" : NULL);
		return;
	}
	snprintf(r->target, sizeof(r->target), "%s", dir);
	/* the recorder, its ancestors, PID 1 or an allowlisted process in the
	 * cgroup: the whole cgroup is left alone */
	e = rec_action_cgroup_procs(dir, cg_check_one, &k);
	if (k.why) {
		snprintf(r->result, sizeof(r->result), "%s (pid %d in the cgroup)", k.why,
			 (int)k.pid);
		return;
	}
	if (e) {
		res_set(r, e, NULL);
		return;
	}
	if (a->cfg->dry_run) {
		res_set(r, 0, "dry_run");
		return;
	}
	if (r->kind == RA_FREEZE_CONTAINER)
		res_set(r, rec_action_cgroup_freeze(dir, v2, 1), NULL);
	else
		res_set(r, rec_action_cgroup_kill(dir, v2), NULL);
}

static void do_program(struct rec_action *a, struct rec_action_res *r, const struct rule *rule,
		       struct fld_ctx *c)
{
	char json[16384];
	int e;

	snprintf(r->target, sizeof(r->target), "%s", a->cfg->program ? a->cfg->program : "");
	if (!a->cfg->program) {
		res_set(r, 0, "skipped: no actions.program.command");
		return;
	}
	if (a->cfg->dry_run) {
		res_set(r, 0, "dry_run");
		return;
	}
	/* the program sees the alert with what was done before it */
	rule_alert_json(rule, c, json, sizeof(json));
	a->nres--; /* not its own, still unknown */
	rec_action_annotate(a, json, sizeof(json), 1);
	a->nres++;
	e = rec_action_prog_start(a, json, strlen(json));
	if (e == EAGAIN)
		res_set(r, e, "skipped: too many programs running");
	else
		res_set(r, e, e ? NULL : "started");
}

/* The kinds this alert gets: the rule's own actions and every matching
 * mapping of the configuration. */
static unsigned wanted(const struct rec_action_cfg *cfg, const struct rule *r)
{
	const char *const *names, *const *tags;
	size_t n = rule_actions(r, &names), nt = rule_tags(r, &tags);
	unsigned set = 0;

	for (size_t i = 0; cfg->rule_keys && i < n; i++)
		set |= rec_action_from_name(names[i]);
	for (size_t i = 0; i < cfg->nmap; i++) {
		const struct rec_action_map *m = &cfg->map[i];
		int tag_ok = !m->ntags;

		if (m->rule && strcmp(m->rule, rule_name(r)))
			continue;
		if (m->min_prio >= 0 && (int)rule_priority(r) > m->min_prio)
			continue;
		for (size_t j = 0; j < m->ntags && !tag_ok; j++)
			for (size_t k = 0; k < nt && !tag_ok; k++)
				tag_ok = !strcmp(m->tags[j], tags[k]);
		if (tag_ok)
			set |= m->actions;
	}
	return set;
}

static void log_result(const struct rec_action *a, const struct rec_action_res *r)
{
	fprintf(stderr, "sysrec: action %s%s on %s (alert of %s, pid %u) for rule '%s': %s\n",
		a->cfg->dry_run ? "(dry run) " : "", rec_action_name(r->kind), r->target, a->comm,
		a->pid, a->rule, r->result);
}

void rec_action_alert(struct rec_action *a, const struct rule *rule, struct fld_ctx *c)
{
	const struct evt_rec *h = c->ev->rec;
	const struct st_thread *t = c->st ? st_event_thread(c->st) : NULL;
	unsigned set;
	pid_t pid = (pid_t)h->pid;

	a->nres = 0;
	if (!a->cfg || !a->cfg->enabled)
		return;
	set = wanted(a->cfg, rule);
	if (!set)
		return;
	a->pid = h->pid;
	a->tid = h->tid;
	memcpy(a->comm, h->comm, sizeof(a->comm));
	a->comm[sizeof(a->comm) - 1] = '\0';
	a->rule = rule_name(rule);
	/* fastest first: the kill is what races the offender */
	for (unsigned kind = RA_KILL_PROCESS; kind <= RA_PROGRAM; kind <<= 1) {
		struct rec_action_res *r;
		const char *why;

		if (!(set & kind))
			continue;
		r = res_new(a, kind);
		why = kind == RA_PROGRAM ? NULL : protected_pid(a, pid);
		if (!why && kind != RA_PROGRAM)
			why = allowlisted(a, a->comm,
					  t ? (t->exepath && t->exepath[0] ? t->exepath : t->exe)
					    : NULL);
		if (why) {
			snprintf(r->target, sizeof(r->target), "pid %d", (int)pid);
			res_set(r, 0, why);
		} else if (kind == RA_KILL_PROCESS) {
			do_kill_process(a, r, pid, h->ts);
		} else if (kind == RA_PROGRAM) {
			do_program(a, r, rule, c);
		} else {
			do_container(a, r, pid, t);
		}
		if (!strcmp(r->result, "ok") || !strcmp(r->result, "started"))
			a->taken++;
		else if (!strcmp(r->result, "dry_run"))
			a->dry++;
		else if (r->err)
			a->failed++;
		else
			a->skipped++;
		log_result(a, r);
	}
	/* done: a process SIGKILLed runs no more user code from here on */
	a->ts = sr_time_now(CLOCK_REALTIME);
	/* the records follow the triggering event into the file */
	for (size_t i = 0; i < a->nres; i++) {
		struct rec_action_res *r = &a->res[i];
		struct evt_rec hdr;
		const void *rec;
		size_t len;

		memset(&hdr, 0, sizeof(hdr));
		hdr.ts = a->ts;
		hdr.pid = a->pid;
		hdr.tid = a->tid;
		hdr.res = r->err ? -r->err : 0;
		memcpy(hdr.comm, a->comm, sizeof(hdr.comm));
		evt_builder_begin(&a->eb, EVT_ACTION, &hdr);
		evt_builder_add_str(&a->eb, rec_action_name(r->kind));
		evt_builder_add_str(&a->eb, r->result);
		evt_builder_add_str(&a->eb, a->rule);
		evt_builder_add_str(&a->eb, r->target);
		rec = evt_builder_finish(&a->eb, &len);
		if (!rec)
			continue;
		if (a->pend_len + len + 8 > a->pend_cap) {
			size_t cap = (a->pend_cap + len + 8) * 2;
			uint8_t *p = realloc(a->pend, cap);

			if (!p)
				continue;
			a->pend = p;
			a->pend_cap = cap;
		}
		memcpy(a->pend + a->pend_len, rec, len);
		a->pend_len += (len + 7) & ~(size_t)7;
	}
}

/* JSON string body of s into b (quotes and control bytes escaped); stops
 * before an escape could be cut. */
static void json_esc(struct sr_sb *b, const char *s)
{
	for (; *s && sr_sb_room(b) > 6; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			sr_sb_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			sr_sb_printf(b, "\\u%04x", ch);
		else
			sr_sb_putc(b, (char)ch);
	}
}

void rec_action_annotate(const struct rec_action *a, char *buf, size_t cap, int json)
{
	size_t len = strlen(buf);
	char add[2048], res[256];
	struct sr_sb b, r;

	if (!a->nres)
		return;
	sr_sb_init(&b, add, sizeof(add));
	if (json) {
		/* Falco's object ends with '}': the array goes before it */
		if (!len || buf[len - 1] != '}')
			return;
		sr_sb_puts(&b, ",\"actions\":[");
		for (size_t i = 0; i < a->nres; i++) {
			sr_sb_init(&r, res, sizeof(res));
			json_esc(&r, a->res[i].result);
			sr_sb_printf(&b, "%s{\"action\":\"%s\",\"result\":\"%s\"}", i ? "," : "",
				     rec_action_name(a->res[i].kind), res);
		}
		/* all or nothing: a cut array would not be JSON */
		if (b.want + 3 > sizeof(add) || len + b.len + 2 > cap)
			return;
		memcpy(buf + len - 1, add, b.len);
		memcpy(buf + len - 1 + b.len, "]}", 3);
		return;
	}
	sr_sb_puts(&b, " (");
	for (size_t i = 0; i < a->nres; i++)
		sr_sb_printf(&b, "%saction: %s, result: %s", i ? "; " : "",
			     rec_action_name(a->res[i].kind), a->res[i].result);
	if (b.want + 2 > sizeof(add) || len + b.len + 2 > cap)
		return;
	memcpy(buf + len, add, b.len);
	memcpy(buf + len + b.len, ")", 2);
}

int rec_action_flush(struct rec_action *a, int (*emit)(void *ctx, const void *rec, size_t len),
		     void *ctx)
{
	size_t off = 0;
	int rc = 0;

	while (!rc && off < a->pend_len) {
		const struct evt_rec *h = (const void *)(a->pend + off);

		rc = emit(ctx, h, h->len);
		off += (h->len + 7) & ~(size_t)7;
	}
	a->pend_len = 0;
	return rc;
}

void rec_action_free(struct rec_action *a)
{
	rec_action_tick(a);
	if (a->cfg && (a->taken || a->skipped || a->failed || a->dry))
		fprintf(stderr,
			"sysrec: actions: %llu taken, %llu dry run, %llu skipped by guard rails, "
			"%llu failed\n",
			(unsigned long long)a->taken, (unsigned long long)a->dry,
			(unsigned long long)a->skipped, (unsigned long long)a->failed);
	free(a->pend);
	evt_builder_free(&a->eb);
	memset(a, 0, sizeof(*a));
}
