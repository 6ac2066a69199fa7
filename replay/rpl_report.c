/* rpl_report: the data of `sysreplay report`, collected in one pass through
 * rpl_run with the state engine, the rules `alerts` runs and spy's
 * collector (see rpl_report.h for what is kept and its bounds). */
#include <stdlib.h>
#include <string.h>

#include "rpl_report.h"
#include "common/sr_sb.h"
#include "format/fmt_reader.h"
#include "rules/rule.h"

enum { RF_WRITE, RF_NAME, RF_SRC, RF_DST, RF_FDNAME, RF_IO, RF_NREFS };

struct rpt_run {
	struct rpt *r;
	struct fld_ref refs[RF_NREFS];
	const struct st_state *st;
};

/* The row of key, made when missing; NULL when the table is full. */
static struct rpt_row *table_get(struct rpt *r, struct rpl_count *t, const char *key)
{
	void *row;

	if (rpl_count_get(t, key, strlen(key), 0, &row) < 0)
		r->oom = 1;
	return row;
}

static void row_touch(struct rpt_row *w, uint64_t ts, const struct st_thread *t)
{
	w->events++;
	if (!w->first) {
		w->first = ts;
		if (t) {
			w->pid = t->pid;
			memcpy(w->comm, t->comm, sizeof(w->comm));
		}
	}
	w->last = ts;
}

/* Bins merge pairwise when time runs past the last one: the chart keeps
 * at most RPT_BINS columns whatever the capture's length. */
static struct rpt_bin *bin_at(struct rpt *r, uint64_t ts)
{
	uint64_t i;

	if (!r->bin_ns) {
		r->bin_ns = 1000000000ull;
		r->bin0 = ts - ts % r->bin_ns;
	}
	if (ts < r->bin0)
		return &r->bins[0]; /* slightly out of order across CPUs */
	while ((i = (ts - r->bin0) / r->bin_ns) >= RPT_BINS) {
		for (size_t k = 0; k < RPT_BINS / 2; k++) {
			struct rpt_bin m = r->bins[2 * k];

			for (int c = 0; c < RPT_NCAT; c++)
				m.cat[c] += r->bins[2 * k + 1].cat[c];
			for (int p = 0; p < RPT_NPRIO; p++)
				m.prio[p] += r->bins[2 * k + 1].prio[p];
			r->bins[k] = m;
		}
		memset(&r->bins[RPT_BINS / 2], 0, sizeof(r->bins) / 2);
		r->bin_ns *= 2;
		r->nbins = (r->nbins + 1) / 2;
	}
	if (i + 1 > r->nbins)
		r->nbins = i + 1;
	return &r->bins[i];
}

/* Chart bins of a round width (1, 2 or 5 times a power of ten, from 1 ms)
 * that fit the capture in RPT_BINS columns, when its range is known ahead;
 * otherwise bin_at starts at 1 s and widens as time goes. */
static void bin_width(struct rpt *r, uint64_t first, uint64_t last)
{
	uint64_t w = 1000000, need;

	if (!first || last <= first)
		return;
	need = (last - first) / (RPT_BINS / 2) + 1;
	for (int k = 0; w < need; k = (k + 1) % 3)
		w = k == 1 ? w / 2 * 5 : w * 2;
	r->bin_ns = w;
	r->bin0 = first - first % w;
}

static char *dup_or_oom(struct rpt *r, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		r->oom = 1;
	return d;
}

/* The entry of t's process: a new one when the pid is new or was reused. */
static struct rpt_proc *proc_touch(struct rpt *r, const struct st_state *st,
				   const struct st_thread *t)
{
	struct rpt_proc *p;
	char cmd[512], ubuf[16];
	size_t i;

	if (!r->npslot) {
		r->npslot = 2 * RPT_MAX_PROCS;
		r->pslot = calloc(r->npslot, sizeof(*r->pslot));
		r->procs = calloc(RPT_MAX_PROCS, sizeof(*r->procs));
		if (!r->pslot || !r->procs) {
			r->oom = 1;
			r->npslot = 0;
			return NULL;
		}
	}
	i = (t->pid * 2654435761u) % r->npslot;
	while (r->pslot[i] && r->procs[r->pslot[i] - 1].pid != t->pid)
		i = (i + 1) % r->npslot;
	if (r->pslot[i]) {
		p = &r->procs[r->pslot[i] - 1];
		if (!p->exited || t->start_ts == p->start)
			return p;
	}
	if (r->nprocs >= RPT_MAX_PROCS) {
		r->procs_left_out++;
		return NULL;
	}
	p = &r->procs[r->nprocs];
	p->pid = t->pid;
	p->ppid = t->ppid;
	p->uid = t->uid;
	p->start = t->start_ts;
	memcpy(p->comm, t->comm, sizeof(p->comm));
	rpl_view_cmdline(t, cmd, sizeof(cmd));
	p->cmd = dup_or_oom(r, cmd);
	p->container = dup_or_oom(r, t->container_id ? t->container_id : "host");
	p->user = dup_or_oom(r, rpl_view_user(st, t->uid, ubuf, sizeof(ubuf)));
	r->pslot[i] = (uint32_t)++r->nprocs;
	if (strcmp(p->container, "host")) {
		struct rpt_row *w = table_get(r, &r->containers, p->container);

		if (w)
			w->procs++;
	}
	return p;
}

static void on_alert(void *ctx, const struct rule *rl, struct fld_ctx *c)
{
	struct rpt_run *run = ctx;
	struct rpt *r = run->r;
	const struct st_thread *t = st_event_thread(c->st);
	struct rpt_alert *a;
	struct rpt_proc *p;
	char buf[2048];
	int prio = (int)rule_priority(rl);

	r->alerts_total++;
	if (prio >= 0 && prio < RPT_NPRIO)
		bin_at(r, c->ev->rec->ts)->prio[prio]++;
	p = t ? proc_touch(r, c->st, t) : NULL;
	if (p)
		p->alerts++;
	if (r->nalerts >= RPT_MAX_ALERTS)
		return;
	a = &r->alerts[r->nalerts++];
	memset(a, 0, sizeof(*a));
	a->ts = c->ev->rec->ts;
	a->num = c->ev->num;
	a->prio = prio;
	a->rule = rule_name(rl);
	a->pid = t ? t->pid : c->ev->rec->pid;
	memcpy(a->comm, t ? t->comm : c->ev->rec->comm, sizeof(a->comm));
	a->container = dup_or_oom(r, t && t->container_id ? t->container_id : "host");
	rule_alert_text(rl, c, buf, sizeof(buf));
	a->output = dup_or_oom(r, buf);
}

static void file_change(struct rpt_run *run, const char *what, const char *path, size_t len,
			uint64_t ts, const struct st_thread *t)
{
	char key[4200];
	struct rpt_row *w;

	if (!len)
		return;
	snprintf(key, sizeof(key), "%s %.*s", what, (int)(len > 4000 ? 4000 : len), path);
	w = table_get(run->r, &run->r->changes, key);
	if (w)
		row_touch(w, ts, t);
}

static void track(struct rpt_run *run, struct fld_ctx *c, const struct st_thread *t)
{
	const struct evt_rec *rec = c->ev->rec;
	const struct st_fd *fd = st_event_fd(c->st);
	struct rpt *r = run->r;
	struct rpt_proc *p = t ? proc_touch(r, c->st, t) : NULL;
	struct rpt_row *w;
	const char *s, *d;
	size_t n, m;
	char buf[8300];
	struct sr_sb b;

	switch (rec->type) {
	case EVT_EXECVE:
	case EVT_EXECVEAT:
		if (p && rec->res == 0 && t) {
			char cmd[512];

			rpl_view_cmdline(t, cmd, sizeof(cmd));
			free(p->cmd);
			p->cmd = dup_or_oom(r, cmd);
			memcpy(p->comm, t->comm, sizeof(p->comm));
		}
		return;
	case EVT_PROC_EXIT:
		if (p && evt_param_u64(c->ev, 1)) {
			int64_t stv = evt_param_s64(c->ev, 0);

			p->exited = 1;
			p->end = rec->ts;
			p->code = rpl_view_exit_code(stv);
		}
		return;
	case EVT_UNLINK:
	case EVT_UNLINKAT:
	case EVT_CHMOD:
	case EVT_FCHMODAT:
	case EVT_FCHMOD:
		if (rec->res != 0)
			return;
		s = rpl_view_str(&run->refs[RF_NAME], c, &n);
		if (!n)
			s = rpl_view_str(&run->refs[RF_FDNAME], c, &n);
		file_change(
		    run, rec->type == EVT_UNLINK || rec->type == EVT_UNLINKAT ? "delete" : "chmod",
		    s, n, rec->ts, t);
		return;
	case EVT_RENAME:
	case EVT_RENAMEAT:
	case EVT_RENAMEAT2:
		if (rec->res != 0)
			return;
		s = rpl_view_str(&run->refs[RF_SRC], c, &n);
		d = rpl_view_str(&run->refs[RF_DST], c, &m);
		sr_sb_init(&b, buf, sizeof(buf));
		sr_sb_printf(&b, "%.*s -> %.*s", (int)(n > 4000 ? 4000 : n), s,
			     (int)(m > 4000 ? 4000 : m), d);
		file_change(run, "rename", buf, b.len, rec->ts, t);
		return;
	default:
		break;
	}
	if (fd && (fd->type == FDT_IPV4 || fd->type == FDT_IPV6) && fd->name && *fd->name &&
	    (rec->res >= 0 || rec->res == -115)) {
		w = table_get(r, &r->conns, fd->name);
		if (w) {
			row_touch(w, rec->ts, t);
			if (rec->res > 0 && rpl_view_int(&run->refs[RF_IO], c))
				w->bytes += (uint64_t)rec->res;
		}
		return;
	}
	if (rec->res >= 0 && rpl_view_int(&run->refs[RF_WRITE], c)) {
		s = rpl_view_str(&run->refs[RF_FDNAME], c, &n);
		file_change(run, "write", s, n, rec->ts, t);
	}
}

static int report_emit(void *ctx, struct fld_ctx *c)
{
	struct rpt_run *run = ctx;
	struct rpt *r = run->r;
	const struct evt_rec *rec = c->ev->rec;
	const struct evt_info *ei = evt_info_get(rec->type);
	const struct st_thread *t = st_event_thread(c->st);

	r->events++;
	if (!r->first_ts || rec->ts < r->first_ts)
		r->first_ts = rec->ts;
	if (rec->ts > r->last_ts)
		r->last_ts = rec->ts;
	bin_at(r, rec->ts)->cat[ei ? ei->category : EC_OTHER]++;
	if (t && t->container_id && strcmp(t->container_id, "host")) {
		struct rpt_row *w = table_get(r, &r->containers, t->container_id);

		if (w)
			row_touch(w, rec->ts, t);
	}
	track(run, c, t);
	rpl_spy_emit(r->spy, c);
	rule_set_match(r->rs, c, on_alert, run);
	return r->oom || rpl_spy_failed(r->spy);
}

struct vfy {
	unsigned problems;
	char *msg;
	size_t cap;
};

static void vfy_report(void *ctx, const char *msg)
{
	struct vfy *v = ctx;

	if (!v->problems++)
		snprintf(v->msg, v->cap, "damaged: %s", msg);
}

/* verify's check of one .sysrec: 0 intact, else status says why. A 2.1
 * capture's digest chain and signed checkpoints are checked too, against
 * the key the file names (the report takes no trusted key: it says so). */
static int report_verify(const char *path, char *status, size_t cap)
{
	struct vfy v = {0, status, cap};
	struct fmt_seal_report s;
	struct sr_err err;
	char sig[200];
	int r;

	sr_err_clear(&err);
	r = fmt_verify_sealed(path, NULL, &s, vfy_report, &v, &err);
	if (r < 0) {
		snprintf(status, cap, "unreadable: %.200s", err.msg);
		return -1;
	}
	if (!s.sealed)
		snprintf(sig, sizeof(sig), "no digest chain or signature (format before 2.1)");
	else if (!s.signed_file)
		snprintf(sig, sizeof(sig), "BLAKE2b digest chain; not signed");
	else
		snprintf(sig, sizeof(sig),
			 "signed by key %s%s: %zu checkpoints, unsigned tail %llu chunks%s; "
			 "authenticity not checked here (sysreplay verify --key)",
			 s.key_id, s.ratchet ? " (forward-secure)" : "", s.nranges,
			 (unsigned long long)s.tail_chunks,
			 s.final_seen ? ", final checkpoint present" : ", no final checkpoint");
	fmt_seal_report_free(&s);
	if (r > 0 || v.problems) {
		if (!v.problems)
			snprintf(status, cap, "damaged; %s", sig);
		return 1;
	}
	snprintf(status, cap, "intact: checksums, hash chain and index verified; %s", sig);
	return 0;
}

/* Integrity and drops per file: verify's reader for .sysrec; .scap files
 * carry no checksums. */
static int check_files(struct rpt *r, const struct rpl_view_opts *o)
{
	char **paths;
	size_t n;
	struct sr_err err;

	sr_err_clear(&err);
	if (rpl_paths_expand(o->files, o->nfiles, &paths, &n, &err))
		return rpl_fail_err(NULL, &err);
	r->files = calloc(n ? n : 1, sizeof(*r->files));
	if (!r->files) {
		rpl_paths_free(paths, n);
		return rpl_fail("out of memory");
	}
	r->integrity_ok = 1;
	for (size_t i = 0; i < n; i++) {
		struct rpt_file *f = &r->files[r->nfiles++];
		struct fmt_reader *fr;

		f->path = dup_or_oom(r, paths[i]);
		if (rpl_sniff_sysrec(paths[i], &err) != 1) {
			f->ok = 1;
			snprintf(f->status, sizeof(f->status),
				 "sysdig capture: no checksums to verify");
			continue;
		}
		if (fmt_reader_open(&fr, paths[i], &err) == 0) {
			const struct fmt_file_info *fi = fmt_reader_info(fr);

			f->drops = fi->drops_ring + fi->drops_backlog;
			r->drops += f->drops;
			fmt_reader_close(fr);
		}
		if (rpl_fleet_partial(paths[i])) {
			f->ok = 1;
			snprintf(f->status, sizeof(f->status),
				 "a window of the stream: chunks before it not downloaded, "
				 "each read checked; verify the stream without a window");
			continue;
		}
		f->ok = report_verify(paths[i], f->status, sizeof(f->status)) == 0;
		if (!f->ok)
			r->integrity_ok = 0;
	}
	rpl_paths_free(paths, n);
	return 0;
}

static int add_live(void *ctx, const struct st_thread *t)
{
	struct rpt_run *run = ctx;

	if (t->tid == t->pid && !t->exited)
		proc_touch(run->r, run->st, t);
	return run->r->oom;
}

int rpl_report_collect(struct rpt *r, const struct rpl_view_opts *o, char *const *rules,
		       size_t nrules)
{
	static const char *const names[RF_NREFS] = {"evt.is_open_write", "fs.path.name",
						    "fs.path.source",	 "fs.path.target",
						    "fd.name",		 "evt.is_io"};
	struct rpl_rule_opts ropts;
	struct rule_set *rs = NULL;
	struct rpt_run run = {.r = r};
	struct rpl_run_result res;
	struct rpl_view_opts scan;
	struct rpl_input *in;
	int rc;

	rpl_count_init(&r->conns, sizeof(struct rpt_row), RPT_MAX_ROWS);
	rpl_count_init(&r->changes, sizeof(struct rpt_row), RPT_MAX_ROWS);
	rpl_count_init(&r->containers, sizeof(struct rpt_row), RPT_MAX_ROWS);
	rpl_view_refs(run.refs, names, RF_NREFS);
	if (check_files(r, o))
		return RPL_EXIT_BAD;
	if (rpl_input_open_or_fail(&in, o->files, o->nfiles))
		return RPL_EXIT_BAD;
	snprintf(r->host, sizeof(r->host), "%s",
		 rpl_input_hostname(in) ? rpl_input_hostname(in) : "");
	if (rpl_input_count(in)) {
		const struct evt_source *s = rpl_input_source(in, 0);

		snprintf(r->kernel, sizeof(r->kernel), "%.80s %.40s", s->host.kernel,
			 s->host.machine);
		snprintf(r->recorder, sizeof(r->recorder), "%s", s->host.recorder);
	}
	bin_width(r, rpl_input_first_ts(in), rpl_input_last_ts(in));
	rpl_input_close(in);
	memset(&ropts, 0, sizeof(ropts));
	ropts.files = rules;
	ropts.nfiles = nrules;
	if (rpl_alerts_load(&rs, &ropts))
		return RPL_EXIT_BAD;
	r->rs = rs;
	r->alerts = calloc(RPT_MAX_ALERTS, sizeof(*r->alerts));
	r->spy = rpl_spy_new();
	if (!r->alerts || !r->spy)
		return rpl_fail("out of memory");
	scan = *o;
	scan.st = st_new();
	if (!scan.st)
		return rpl_fail("out of memory");
	rc = rpl_view_scan(&scan, report_emit, &run, &res);
	/* processes alive at the end that did nothing in the window still
	 * belong in the tree (ps lists them) */
	if (!rc) {
		run.st = scan.st;
		st_thread_foreach(scan.st, add_live, &run);
	}
	st_free(scan.st);
	if (!rc && (r->oom || rpl_spy_failed(r->spy)))
		rc = rpl_fail("out of memory");
	return rc;
}

void rpl_report_free(struct rpt *r)
{
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	for (size_t i = 0; i < r->nalerts; i++) {
		free(r->alerts[i].container);
		free(r->alerts[i].output);
	}
	free(r->alerts);
	for (size_t i = 0; i < r->nprocs; i++) {
		free(r->procs[i].cmd);
		free(r->procs[i].container);
		free(r->procs[i].user);
	}
	free(r->procs);
	free(r->pslot);
	rpl_count_free(&r->conns);
	rpl_count_free(&r->changes);
	rpl_count_free(&r->containers);
	rpl_spy_free(r->spy);
	rule_set_free(r->rs);
}
