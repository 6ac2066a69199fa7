/* sysreplay timeline: the story of one process and its descendants (--pid
 * P, or the process of the Nth alert of the default rules, --alert N):
 * execs, files opened for writing, deleted, renamed or chmod-ed, network
 * connections, children, alerts and exits, in time order. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_view.h"
#include "rules/rule.h"

struct tl_ctx {
	const struct rpl_view_opts *o;
	struct rpl_pidset set;
	struct rule_set *rs;
	struct fld_ref refs[3]; /* evt.is_open_write, fd.name, evt.args */
	struct fld_ctx *c;
	uint64_t lines, alerts, want;
	uint32_t alert_pid;
	int oom;
};

static void tl_line(struct tl_ctx *tl, const struct st_thread *t, const char *what,
		    const char *detail, size_t dlen)
{
	const struct rpl_view_opts *o = tl->o;
	const struct evt_rec *r = tl->c->ev->rec;
	char when[48];
	uint32_t pid = t ? t->pid : r->pid;
	const char *comm = t ? t->comm : r->comm;

	tl->lines++;
	if (o->json) {
		fprintf(o->out, "{\"num\":%" PRIu64 ",\"ts\":%" PRIu64 ",\"pid\":%u,\"comm\":",
			tl->c->ev->num, (uint64_t)r->ts, pid);
		rpl_view_json_str(o->out, comm, strnlen(comm, 16));
		fprintf(o->out, ",\"what\":\"%s\",\"detail\":", what);
		rpl_view_json_str(o->out, detail, dlen);
		fputs("}\n", o->out);
		return;
	}
	rpl_view_time(r->ts, when, sizeof(when));
	fprintf(o->out, "%s %7u %-16.16s %-10s ", when, pid, comm, what);
	rpl_view_escape(o->out, (const uint8_t *)detail, dlen, 0);
	fputc('\n', o->out);
}

static void tl_alert(void *ctx, const struct rule *r, struct fld_ctx *c)
{
	struct tl_ctx *tl = ctx;
	char buf[2048];
	int n;

	tl->alerts++;
	if (tl->want) {
		/* --alert N, first pass: only find the Nth alert's process */
		if (tl->alerts == tl->want) {
			const struct st_thread *t = st_event_thread(c->st);

			tl->alert_pid = t ? t->pid : c->ev->rec->pid;
		}
		return;
	}
	n = snprintf(buf, sizeof(buf), "%s %s", rule_priority_name(rule_priority(r)), rule_name(r));
	tl_line(tl, st_event_thread(c->st), "ALERT", buf,
		n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int tl_find_emit(void *ctx, struct fld_ctx *c)
{
	struct tl_ctx *tl = ctx;

	rule_set_match(tl->rs, c, tl_alert, tl);
	return tl->alert_pid != 0;
}

static int tl_emit(void *ctx, struct fld_ctx *c)
{
	struct tl_ctx *tl = ctx;
	const struct evt_rec *r = c->ev->rec;
	const struct st_thread *t = st_event_thread(c->st);
	char buf[4200];
	const char *s;
	size_t len;
	uint32_t pid = t ? t->pid : r->pid;

	tl->c = c;
	if (!rpl_pidset_has(&tl->set, pid)) {
		if (!t || !rpl_pidset_has(&tl->set, t->ppid))
			return 0;
		/* a child first seen: it joins the story */
		if (rpl_pidset_add(&tl->set, pid)) {
			tl->oom = 1;
			return 1;
		}
		len = (size_t)snprintf(buf, sizeof(buf), "child of %u", t->ppid);
		tl_line(tl, t, "start", buf, len);
	}
	switch (r->type) {
	case EVT_EXECVE:
	case EVT_EXECVEAT:
		if (r->res != 0 || !t)
			break;
		rpl_view_cmdline(t, buf, sizeof(buf));
		tl_line(tl, t, "exec", buf, strlen(buf));
		break;
	case EVT_PROC_FORK:
		if (evt_param_u64(c->ev, 2) == pid || !evt_param_u64(c->ev, 2))
			break; /* a thread, not a process */
		if (rpl_pidset_add(&tl->set, (uint32_t)evt_param_u64(c->ev, 2))) {
			tl->oom = 1;
			return 1;
		}
		len = (size_t)snprintf(buf, sizeof(buf), "child %u",
				       (uint32_t)evt_param_u64(c->ev, 2));
		tl_line(tl, t, "fork", buf, len);
		break;
	case EVT_CONNECT:
	case EVT_ACCEPT:
	case EVT_ACCEPT4:
	case EVT_LISTEN:
		if (r->res < 0 && r->res != -115) /* EINPROGRESS: a connection under way */
			break;
		s = rpl_view_str(&tl->refs[1], c, &len);
		tl_line(tl, t, evt_info_get(r->type)->name, s, len);
		break;
	case EVT_UNLINK:
	case EVT_UNLINKAT:
	case EVT_RENAME:
	case EVT_RENAMEAT:
	case EVT_RENAMEAT2:
	case EVT_CHMOD:
	case EVT_FCHMOD:
	case EVT_FCHMODAT:
		if (r->res != 0)
			break;
		s = rpl_view_str(&tl->refs[2], c, &len);
		tl_line(tl, t, evt_info_get(r->type)->name, s, len);
		break;
	case EVT_PROC_EXIT:
		if (!evt_param_u64(c->ev, 1))
			break;
		len = (size_t)snprintf(buf, sizeof(buf), "code %d",
				       rpl_view_exit_code(evt_param_s64(c->ev, 0)));
		tl_line(tl, t, "exit", buf, len);
		break;
	default:
		if (r->res >= 0 && rpl_view_int(&tl->refs[0], c)) {
			s = rpl_view_str(&tl->refs[1], c, &len);
			tl_line(tl, t, "open-write", s, len);
		}
		break;
	}
	if (tl->rs)
		rule_set_match(tl->rs, c, tl_alert, tl);
	return tl->oom || (tl->o->limit && tl->lines >= tl->o->limit);
}

int rpl_view_timeline(struct rpl_view_opts *o)
{
	static const char *const names[] = {"evt.is_open_write", "fd.name", "evt.args"};
	struct tl_ctx tl = {.o = o};
	struct rpl_rule_opts ropts;
	struct rpl_run_result res;
	uint32_t pid = o->pid;
	int rc;

	rpl_view_refs(tl.refs, names, 3);
	memset(&ropts, 0, sizeof(ropts));
	if (rpl_alerts_load(&tl.rs, &ropts))
		return RPL_EXIT_BAD;
	if (o->alert_num) {
		struct rpl_view_opts first = *o;

		first.filter = NULL;
		tl.want = o->alert_num;
		rc = rpl_view_scan(&first, tl_find_emit, &tl, &res);
		if (!rc && !tl.alert_pid)
			rc = rpl_fail("timeline: there are %" PRIu64
				      " alerts of the default rules in the window, not %" PRIu64,
				      tl.alerts, o->alert_num);
		if (rc) {
			rule_set_free(tl.rs);
			return rc;
		}
		pid = tl.alert_pid;
		tl.want = 0;
		tl.alerts = 0;
	}
	if (rpl_pidset_add(&tl.set, pid)) {
		rule_set_free(tl.rs);
		return rpl_fail("out of memory");
	}
	if (!o->json)
		fprintf(o->out, "# timeline of pid %u and its descendants\n", pid);
	rc = rpl_view_scan(o, tl_emit, &tl, &res);
	if (!rc && tl.oom)
		rc = rpl_fail("out of memory");
	if (!rc && !o->json)
		fprintf(o->out, "# %" PRIu64 " entries, %" PRIu64 " alerts\n", tl.lines, tl.alerts);
	rpl_pidset_free(&tl.set);
	rule_set_free(tl.rs);
	return rc;
}
