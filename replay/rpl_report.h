/* rpl_report: `sysreplay report`, one self-contained HTML file about a
 * capture (replay/ only).
 *
 * rpl_report.c collects in one pass through rpl_run (the state engine and
 * the rule engine `alerts` uses, plus spy's collector): header facts,
 * events and alerts per time bin, alerts, processes, connections, file
 * changes, containers. Everything kept is bounded (RPT_MAX_*): what does not
 * fit is counted, and the page says how much was left out, so the report of
 * a huge capture stays small. rpl_report_html.c writes the page.
 */
#ifndef RPL_REPORT_H
#define RPL_REPORT_H

#include "rpl_count.h"
#include "rpl_view.h"

#define RPT_BINS       512 /* chart columns at most; bins merge pairwise beyond */
#define RPT_NCAT       (EC_META + 1)
#define RPT_NPRIO      8
#define RPT_MAX_ALERTS 2000  /* alert rows kept */
#define RPT_MAX_PROCS  20000 /* processes kept */
#define RPT_MAX_ROWS   20000 /* connections, file changes, containers kept */
#define RPT_SHOW_PROCS 3000  /* processes drawn in the tree */
#define RPT_SHOW_ROWS  300   /* rows drawn per table */

struct rpt_bin {
	uint32_t cat[RPT_NCAT];
	uint32_t prio[RPT_NPRIO];
};

struct rpt_alert {
	uint64_t ts, num;
	int prio;
	const char *rule; /* owned by the rule set */
	uint32_t pid;
	char comm[16];
	char *container, *output;
};

struct rpt_proc {
	uint32_t pid, ppid, uid;
	uint64_t start, end;
	char comm[16];
	char *cmd, *container, *user;
	uint32_t alerts;
	int exited, code;
	int show; /* drawn in the tree */
};

/* A row keyed by text: a connection (tuple), a file change ("write
 * /etc/x"), a container (id). */
struct rpt_row {
	struct rpl_count_key k;
	uint64_t bytes, events, first, last;
	uint32_t pid;
	char comm[16];
	uint32_t procs;
};

struct rpt_file {
	char *path;
	int ok; /* verify found it intact */
	char status[300];
	uint64_t drops;
};

struct rpt {
	/* header */
	char host[256], kernel[128], recorder[128];
	struct rpt_file *files;
	size_t nfiles;
	uint64_t events, first_ts, last_ts, drops;
	int integrity_ok;
	/* chart */
	struct rpt_bin bins[RPT_BINS];
	uint64_t bin_ns, bin0; /* width of a bin; start of bin 0 */
	size_t nbins;
	/* alerts */
	struct rpt_alert *alerts;
	size_t nalerts;
	uint64_t alerts_total;
	/* processes: pid -> newest entry */
	struct rpt_proc *procs;
	size_t nprocs;
	uint64_t procs_left_out;
	uint32_t *pslot; /* open addressing over pids: index + 1 */
	size_t npslot;
	struct rpl_count conns, changes, containers; /* struct rpt_row; at most RPT_MAX_ROWS */
	struct rpl_spy *spy;
	struct rule_set *rs;
	int oom;
};

/* Collects over the window (o: files, since/until, filter). rules: -r files
 * (none: the default set). 0 or RPL_EXIT_BAD (message printed). */
int rpl_report_collect(struct rpt *r, const struct rpl_view_opts *o, char *const *rules,
		       size_t nrules);
void rpl_report_free(struct rpt *r);
/* Writes the page to f; 0 or -errno. */
int rpl_report_html(const struct rpt *r, FILE *f);

#endif
