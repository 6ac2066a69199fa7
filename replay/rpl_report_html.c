/* rpl_report_html: writes the report page: one file, inline CSS, SVG and a
 * few lines of script (none needed to read or print it), no network. Ids
 * the alerts link to: "p-N" a process in the tree, "t-N" a chart column,
 * "a-N" an alert row. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_report.h"
#include "rules/rule.h"

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:2px 6px;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}code,.mono{font:12px monospace;"
    "word-break:break-all}.p0,.p1,.p2{color:#fff;background:#a00}.p3{background:#e33;"
    "color:#fff}.p4{background:#f90}.p5{background:#fd4}.p6,.p7{background:#ddd}"
    ".ok{color:#070}.bad{color:#a00;font-weight:bold}.more{color:#666;font-style:italic}"
    "details{margin-left:1.2em}summary,.leaf{font:12px monospace;margin-left:1.2em}"
    ".leaf{margin-left:2.4em}.alerted{background:#fdd;font-weight:bold}"
    ":target{outline:2px solid #06c}.legend span{display:inline-block;margin-right:1em}"
    ".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}"
    "@media print{button{display:none}details{margin-left:1em}}";

/* Opens the tree where a link points; prints with every branch open. */
static const char script[] =
    "function openTo(id){var e=document.getElementById(id);while(e){if(e.tagName=="
    "'DETAILS')e.open=true;e=e.parentElement;}}"
    "function onHash(){if(location.hash)openTo(location.hash.slice(1));}"
    "window.addEventListener('hashchange',onHash);window.addEventListener('load',onHash);"
    "window.addEventListener('beforeprint',function(){document.querySelectorAll('details')"
    ".forEach(function(d){d.open=true;});});"
    "function all(o){document.querySelectorAll('#tree details').forEach(function(d){d.open=o;});}";

static const char *const cat_color[RPT_NCAT] = {"#999", "#c33", "#36c", "#6a3", "#e80", "#96c",
						"#c3c", "#c90", "#3aa", "#633", "#777", "#000"};
static const char *const prio_color[RPT_NPRIO] = {"#600", "#800", "#a00", "#e33",
						  "#f90", "#db2", "#aaa", "#ccc"};

static void esc(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void esc_s(FILE *f, const char *s)
{
	esc(f, s ? s : "", s ? strlen(s) : 0);
}

static void when(FILE *f, uint64_t ns)
{
	char b[48];

	rpl_view_time(ns, b, sizeof(b));
	fputs(b, f);
}

static void more(FILE *f, uint64_t shown, uint64_t total, uint64_t left_out)
{
	if (total > shown)
		fprintf(f, "<p class=more>%" PRIu64 " more not shown.</p>\n", total - shown);
	if (left_out)
		fprintf(f,
			"<p class=more>%" PRIu64
			" more were not kept (the report keeps %d rows per table).</p>\n",
			left_out, RPT_MAX_ROWS);
}

static void header(const struct rpt *r, FILE *f)
{
	fputs("<h1>sysrec incident report</h1>\n<table id=header>\n<tr><th>host<td>", f);
	esc_s(f, r->host);
	fputs("<tr><th>kernel<td>", f);
	esc_s(f, r->kernel);
	fputs("<tr><th>recorder<td>", f);
	esc_s(f, r->recorder);
	fputs("<tr><th>time range<td>", f);
	when(f, r->first_ts);
	fputs(" &ndash; ", f);
	when(f, r->last_ts);
	fprintf(f, " (%.3f s)", r->last_ts > r->first_ts ? (r->last_ts - r->first_ts) / 1e9 : 0.0);
	fprintf(f,
		"<tr><th>events<td id=events>%" PRIu64 "<tr><th>dropped<td>%" PRIu64
		"<tr><th>alerts<td id=alerts-total>%" PRIu64 "\n",
		r->events, r->drops, r->alerts_total);
	fprintf(f, "<tr><th>integrity<td class=%s>%s<ul>", r->integrity_ok ? "ok" : "bad",
		r->integrity_ok ? "verified" : "problems found");
	for (size_t i = 0; i < r->nfiles; i++) {
		fputs("<li><code>", f);
		esc_s(f, r->files[i].path);
		fputs("</code>: ", f);
		esc_s(f, r->files[i].status);
	}
	fputs("</ul>\n</table>\n", f);
}

static size_t bin_of(const struct rpt *r, uint64_t ts)
{
	uint64_t i = r->bin_ns && ts > r->bin0 ? (ts - r->bin0) / r->bin_ns : 0;

	return i < r->nbins ? (size_t)i : r->nbins ? r->nbins - 1 : 0;
}

static void chart(const struct rpt *r, FILE *f)
{
	const double W = 1000, H = 220, top = 20;
	uint64_t max = 1;
	double bw;

	fprintf(f,
		"<h2 id=timeline>Timeline</h2>\n<p>Events per %.3g s by category; alerts by "
		"priority (dots).</p>\n",
		r->bin_ns / 1e9);
	for (size_t i = 0; i < r->nbins; i++) {
		uint64_t s = 0;

		for (int c = 0; c < RPT_NCAT; c++)
			s += r->bins[i].cat[c];
		if (s > max)
			max = s;
	}
	bw = r->nbins ? W / (double)r->nbins : W;
	fprintf(f,
		"<svg xmlns='http://www.w3.org/2000/svg' width='100%%' viewBox='0 0 %.0f %.0f' "
		"role=img aria-label='events per time'>\n<rect width='%.0f' height='%.0f' "
		"fill='#fafafa'/>\n",
		W, H + top + 20, W, H + top);
	for (size_t i = 0; i < r->nbins; i++) {
		double y = top + H;
		uint64_t s = 0;
		int dots = 0;

		fprintf(f, "<g id='t-%zu'><title>", i);
		when(f, r->bin0 + i * r->bin_ns);
		for (int c = 0; c < RPT_NCAT; c++)
			s += r->bins[i].cat[c];
		fprintf(f, ": %" PRIu64 " events</title>", s);
		for (int c = 0; c < RPT_NCAT; c++) {
			double h = r->bins[i].cat[c] * H / (double)max;

			if (!r->bins[i].cat[c])
				continue;
			y -= h;
			fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='%s'/>",
				i * bw, y, bw > 2 ? bw - 1 : bw, h, cat_color[c]);
		}
		for (int p = 0; p < RPT_NPRIO; p++) {
			if (!r->bins[i].prio[p])
				continue;
			fprintf(f, "<circle cx='%.2f' cy='%d' r='4' fill='%s'/>", i * bw + bw / 2,
				8 + 4 * (dots++ % 3), prio_color[p]);
		}
		fputs("</g>\n", f);
	}
	fprintf(f, "<text x='0' y='%.0f' font-size='12'>", H + top + 15);
	when(f, r->bin0);
	fprintf(f, "</text><text x='%.0f' y='%.0f' font-size='12' text-anchor='end'>", W,
		H + top + 15);
	when(f, r->bin0 + r->nbins * r->bin_ns);
	fprintf(f, "</text></svg>\n<p class=legend>");
	for (int c = 0; c < RPT_NCAT - 1; c++)
		fprintf(f, "<span><i class=sw style='background:%s'></i>%s</span>", cat_color[c],
			evt_category_name((enum evt_category)c));
	fputs("</p>\n", f);
}

/* The newest process entry with this pid (pid reuse: the latest one). */
static long proc_of(const struct rpt *r, uint32_t pid)
{
	size_t i;

	if (!r->npslot)
		return -1;
	i = (pid * 2654435761u) % r->npslot;
	while (r->pslot[i] && r->procs[r->pslot[i] - 1].pid != pid)
		i = (i + 1) % r->npslot;
	return r->pslot[i] ? (long)r->pslot[i] - 1 : -1;
}

static void alerts(const struct rpt *r, FILE *f, const long *at)
{
	fprintf(f, "<h2 id=alerts>Alerts (%" PRIu64 ")</h2>\n", r->alerts_total);
	if (!r->alerts_total) {
		fputs("<p>No rule matched.</p>\n", f);
		return;
	}
	fputs("<table id=alert-table><tr><th>time<th>priority<th>rule<th>process<th>container"
	      "<th>output<th>links\n",
	      f);
	for (size_t i = 0; i < r->nalerts; i++) {
		const struct rpt_alert *a = &r->alerts[i];
		int p = a->prio >= 0 && a->prio < RPT_NPRIO ? a->prio : 7;

		fprintf(f, "<tr class=alert id=a-%zu><td>", i + 1);
		when(f, a->ts);
		fprintf(f, "<td class=p%d>%s<td>", p, rule_priority_name((enum rule_priority)p));
		esc_s(f, a->rule);
		fprintf(f, "<td>%u ", a->pid);
		esc(f, a->comm, sizeof(a->comm));
		fputs("<td>", f);
		esc_s(f, a->container);
		fputs("<td class=mono>", f);
		esc_s(f, a->output);
		fprintf(f, "<td><a href='#t-%zu'>timeline</a>", bin_of(r, a->ts));
		if (at[i] >= 0 && r->procs[at[i]].show)
			fprintf(f, " <a href='#p-%ld'>process</a>", at[i]);
		fputc('\n', f);
	}
	fputs("</table>\n", f);
	more(f, r->nalerts, r->alerts_total, 0);
}

struct tree {
	const struct rpt *r;
	long *parent, *child, *next;
	unsigned char *hot; /* alerted, or above one */
};

static void node(struct tree *t, FILE *f, long i, int depth)
{
	const struct rpt_proc *p = &t->r->procs[i];
	int kids = 0;

	for (long c = t->child[i]; c >= 0; c = t->next[c])
		kids += t->r->procs[c].show;
	if (kids && depth < 64)
		fprintf(f, "<details id=p-%ld%s><summary%s>", i, t->hot[i] ? " open" : "",
			p->alerts ? " class=alerted" : "");
	else
		fprintf(f, "<div id=p-%ld class='leaf%s'>", i, p->alerts ? " alerted" : "");
	fprintf(f, "%u ", p->pid);
	esc(f, p->comm, sizeof(p->comm));
	fputs(" &middot; ", f);
	/* long command lines (environments passed as arguments) are cut */
	esc(f, p->cmd, 200);
	if (strlen(p->cmd) > 200)
		fputs("&hellip;", f);
	fputs(" &middot; ", f);
	esc_s(f, p->user);
	if (strcmp(p->container, "host")) {
		fputs(" &middot; container ", f);
		esc_s(f, p->container);
	}
	if (p->alerts)
		fprintf(f, " &middot; %u alert%s", p->alerts, p->alerts > 1 ? "s" : "");
	if (p->exited)
		fprintf(f, " &middot; exit %d", p->code);
	if (!kids || depth >= 64) {
		fputs("</div>\n", f);
		return;
	}
	fputs("</summary>\n", f);
	for (long c = t->child[i]; c >= 0; c = t->next[c])
		if (t->r->procs[c].show)
			node(t, f, c, depth + 1);
	fputs("</details>\n", f);
}

/* Which processes the tree draws: alerted ones and their ancestors first,
 * then the rest in order of appearance, up to RPT_SHOW_PROCS. */
static int tree_build(struct rpt *r, struct tree *t)
{
	size_t n = r->nprocs, shown = 0;

	t->r = r;
	t->parent = malloc((n + 1) * sizeof(long));
	t->child = malloc((n + 1) * sizeof(long));
	t->next = malloc((n + 1) * sizeof(long));
	t->hot = calloc(n + 1, 1);
	if (!t->parent || !t->child || !t->next || !t->hot)
		return -1;
	for (size_t i = 0; i < n; i++) {
		t->child[i] = t->next[i] = -1;
		t->parent[i] = -1;
	}
	for (size_t i = 0; i < n; i++) {
		long p = proc_of(r, r->procs[i].ppid);
		int d = 0;

		/* no cycles: a parent must not descend from the child */
		for (long a = p; a >= 0 && d < 64; a = t->parent[a], d++)
			if (a == (long)i)
				p = -1;
		if (p >= 0 && p != (long)i && r->procs[i].ppid != r->procs[i].pid)
			t->parent[i] = p;
	}
	for (long i = (long)n - 1; i >= 0; i--) {
		if (t->parent[i] < 0)
			continue;
		t->next[i] = t->child[t->parent[i]];
		t->child[t->parent[i]] = i;
	}
	for (size_t i = 0; i < n; i++) {
		if (!r->procs[i].alerts)
			continue;
		for (long a = (long)i, d = 0; a >= 0 && d < 64; a = t->parent[a], d++) {
			if (!r->procs[a].show)
				shown++;
			r->procs[a].show = 1;
			t->hot[a] = 1;
		}
	}
	for (size_t i = 0; i < n && shown < RPT_SHOW_PROCS; i++) {
		/* a process is drawn only under a drawn parent (or as a root) */
		for (long a = (long)i, d = 0; a >= 0 && d < 64 && shown < RPT_SHOW_PROCS;
		     a = t->parent[a], d++) {
			if (r->procs[a].show)
				break;
			r->procs[a].show = 1;
			shown++;
		}
	}
	return 0;
}

static void tree(struct tree *t, FILE *f)
{
	const struct rpt *r = t->r;
	size_t shown = 0;

	for (size_t i = 0; i < r->nprocs; i++)
		shown += r->procs[i].show;
	fprintf(f,
		"<h2 id=processes>Processes (%zu)</h2>\n<p><button onclick='all(true)'>expand "
		"all</button> <button onclick='all(false)'>collapse all</button> Alerted "
		"processes are marked and their ancestry open.</p>\n<div id=tree>\n",
		r->nprocs);
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].show && t->parent[i] < 0)
			node(t, f, (long)i, 0);
	/* drawn processes whose parent is hidden (the cap) start their own root */
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].show && t->parent[i] >= 0 && !r->procs[t->parent[i]].show)
			node(t, f, (long)i, 0);
	fputs("</div>\n", f);
	more(f, shown, r->nprocs, r->procs_left_out);
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct rpt_row *x = *(const struct rpt_row *const *)a;
	const struct rpt_row *y = *(const struct rpt_row *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->events < y->events ? 1 : x->events > y->events ? -1 : 0;
}

static int cmp_first(const void *a, const void *b)
{
	const struct rpt_row *x = *(const struct rpt_row *const *)a;
	const struct rpt_row *y = *(const struct rpt_row *const *)b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* A table's rows sorted by cmp, at most RPT_SHOW_ROWS. */
static void rows(const struct rpl_count *t, FILE *f, const char *id, const char *head,
		 int (*cmp)(const void *, const void *), int kind)
{
	const struct rpt_row **v = malloc((t->n + 1) * sizeof(*v));
	size_t k;

	if (!v)
		return;
	for (size_t i = 0; i < t->n; i++)
		v[i] = rpl_count_row(t, i);
	qsort(v, t->n, sizeof(*v), cmp);
	fprintf(f, "<table id=%s><tr>%s\n", id, head);
	for (k = 0; k < t->n && k < RPT_SHOW_ROWS; k++) {
		const struct rpt_row *w = v[k];
		const char *sp = strchr(w->k.key, ' ');

		fputs("<tr><td>", f);
		if (kind == 1 && sp) { /* file change: "ACTION PATH" */
			esc(f, w->k.key, (size_t)(sp - w->k.key));
			fputs("<td class=mono>", f);
			esc_s(f, sp + 1);
		} else {
			fputs(kind == 2 ? "" : "<code>", f);
			esc_s(f, w->k.key);
			fputs(kind == 2 ? "" : "</code>", f);
		}
		if (kind == 0)
			fprintf(f, "<td class=n>%" PRIu64, w->bytes);
		if (kind == 2)
			fprintf(f, "<td class=n>%u", w->procs);
		fprintf(f, "<td class=n>%" PRIu64 "<td>%u ", w->events, w->pid);
		esc(f, w->comm, sizeof(w->comm));
		fputs("<td>", f);
		when(f, w->first);
		fputc('\n', f);
	}
	fputs("</table>\n", f);
	more(f, k, t->n, t->left_out);
	free(v);
}

static void sessions(const struct rpt *r, FILE *f)
{
	size_t n = rpl_spy_count(r->spy), k;

	fprintf(f,
		"<h2 id=shells>Shell sessions: commands (%zu)</h2>\n<table id=spy><tr><th>time"
		"<th>user<th>tty / stdin<th>shell<th>pid<th>exit<th>command\n",
		n);
	for (k = 0; k < n && k < RPT_SHOW_ROWS; k++) {
		const struct rpl_spy_cmd *c = rpl_spy_get(r->spy, k);
		char tty[32];

		rpl_spy_tty(c->tty, tty, sizeof(tty));
		fputs("<tr><td>", f);
		when(f, c->ts);
		fputs("<td>", f);
		esc_s(f, c->user);
		fputs("<td><code>", f);
		esc_s(f, *tty ? tty : c->stdin_name);
		fprintf(f, "</code><td>%u<td>%u<td>", c->shell_pid, c->pid);
		if (c->exited)
			fprintf(f, "%d", c->code);
		fputs("<td class=mono>", f);
		esc_s(f, c->cmd);
		fputc('\n', f);
	}
	fputs("</table>\n", f);
	more(f, k, n, 0);
}

int rpl_report_html(const struct rpt *r, FILE *f)
{
	struct tree t = {0};
	long *at = malloc((r->nalerts + 1) * sizeof(long));
	int rc = 0;

	if (!at || tree_build((struct rpt *)r, &t)) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->nalerts; i++)
		at[i] = proc_of(r, r->alerts[i].pid);
	fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
		   "<meta name=viewport content='width=device-width'>\n<title>sysrec report: ");
	esc_s(f, r->host);
	fprintf(f, "</title>\n<style>%s</style>\n<script>%s</script>\n</head><body>\n", css,
		script);
	header(r, f);
	fputs("<p>Sections: <a href='#alerts'>alerts</a> &middot; <a href='#timeline'>timeline"
	      "</a> &middot; <a href='#processes'>processes</a> &middot; <a href='#network'>"
	      "network</a> &middot; <a href='#files'>files</a> &middot; <a href='#shells'>shell "
	      "sessions</a> &middot; <a href='#containers'>containers</a></p>\n",
	      f);
	alerts(r, f, at);
	chart(r, f);
	tree(&t, f);
	fprintf(f, "<h2 id=network>Network connections (%zu)</h2>\n", r->conns.n);
	rows(&r->conns, f, "conns",
	     "<th>connection<th>bytes<th>events<th>first process<th>first seen", cmp_bytes, 0);
	fprintf(f, "<h2 id=files>Files written, deleted, renamed, chmod-ed (%zu)</h2>\n",
		r->changes.n);
	rows(&r->changes, f, "changes",
	     "<th>change<th>path<th>events<th>first process<th>first seen", cmp_first, 1);
	sessions(r, f);
	fprintf(f, "<h2 id=containers>Containers (%zu)</h2>\n", r->containers.n);
	rows(&r->containers, f, "ctrs",
	     "<th>container<th>processes<th>events<th>first process"
	     "<th>first seen",
	     cmp_first, 2);
	fputs("<p class=more>Written by sysreplay report.</p>\n</body></html>\n", f);
	if (ferror(f))
		rc = -EIO;
out:
	free(at);
	free(t.parent);
	free(t.child);
	free(t.next);
	free(t.hot);
	return rc;
}
