/* rpl_shell_cmd: what each shell line does. A line that is not a .command is
 * a filter: the matching events of the window are listed (paged). */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_shell.h"
#include "rpl_view.h"
#include "rules/rule.h"

#define RPL_TREE_DEPTH 64

static const char help_text[] =
    "  FILTER              list matching events, e.g. evt.type=openat and fd.name contains ssh\n"
    "  .count [FILTER]     count matching events\n"
    "  .top FIELD [N] [FILTER]  most frequent values of FIELD (default N 10)\n"
    "  .seek TIME          listings start at TIME (RFC 3339, epoch ns, +90s, -10s)\n"
    "  .range [FROM [TO]]  show the capture range and window, or set the window;\n"
    "                      .range reset covers the whole capture again\n"
    "  .alerts [RULES...]  run rules files (default set without arguments) over the window\n"
    "  .tree PID           ancestors and descendants of PID, from state at the cursor\n"
    "  .fd PID             open fds of PID, from state at the cursor\n"
    "                      (the cursor is the last event listed, else the window start)\n"
    "  .fields [PREFIX]    list fields\n"
    "  .format [FMT]       set the line format (%%field syntax); .format default resets\n"
    "  .json on|off        print events as JSON\n"
    "  .stats [FILTER]     events per type, process and second over the window\n"
    "  .ps .lsof .netstat [--at T] [-p PID] [--tree]   processes, fds, sockets at T\n"
    "                      (default: the window's end)\n"
    "  .topconns .topfiles .topprocs [-n N] [-f FILTER] ranked over the window\n"
    "  .spy [-f FILTER]    commands run from shells\n"
    "  .follow --fd PID:FD | --conn ADDR:PORT | --evt N [-X]  data on a descriptor\n"
    "  .timeline --pid P | --alert N   a process and its descendants, told in order\n"
    "                      (each view takes -j; sysreplay VIEW --help has the details)\n"
    "  .help               this text\n"
    "  .quit               leave (or Ctrl-D)\n"
    "  Paging: space next page, enter next line, q stop. Ctrl-C stops a listing.\n";

/* Opens the inputs and runs one query over the window. */
static int shell_run(struct rpl_shell *sh, struct rpl_run_opts *ro, struct rpl_run_result *res)
{
	struct rpl_input *in;
	struct sr_err err;
	int r;

	memset(res, 0, sizeof(*res));
	if (rpl_input_open_or_fail(&in, sh->files, sh->nfiles)) {
		sh->failed = 1;
		return RPL_EXIT_BAD;
	}
	sr_err_clear(&err);
	if (ro->since.kind == SR_TIME_NONE)
		ro->since = sh->since;
	if (ro->until.kind == SR_TIME_NONE)
		ro->until = sh->until;
	ro->skip_types = ro->st == NULL;
	r = rpl_run(in, ro, res, &err);
	rpl_input_close(in);
	rpl_flush_stdout();
	if (r) {
		sh->failed = 1;
		return rpl_fail_err(NULL, &err);
	}
	if (res->interrupted)
		printf("(interrupted)\n");
	return 0;
}

/* rpl_filter_compile that counts a bad filter as a failed command. */
static int shell_filter(struct rpl_shell *sh, struct flt_arena *a, const char *text,
			struct flt_prog **prog)
{
	int r = rpl_filter_compile(a, text, "filter", stdout, prog);

	if (r)
		sh->failed = 1;
	return r;
}

struct list_ctx {
	struct rpl_shell *sh;
	struct rpl_out out;
	uint64_t last_ts;
};

static int list_emit(void *ctx, struct fld_ctx *c)
{
	struct list_ctx *l = ctx;
	size_t n = rpl_out_render(&l->out, c);

	if (rpl_pager_line(&l->sh->pager, l->out.buf, n))
		return 1;
	l->last_ts = c->ev->rec->ts;
	return 0;
}

static void cmd_list(struct rpl_shell *sh, const char *filter)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_prog *prog;
	struct list_ctx lc;
	struct rpl_run_opts ro;
	struct rpl_run_result res;

	if (!a)
		return;
	memset(&lc, 0, sizeof(lc));
	if (shell_filter(sh, a, filter, &prog))
		goto out;
	/* .json on shows whole events, whatever .format says */
	if (sh->json ? rpl_out_init(&lc.out, RPL_OUT_JSON, NULL, stdout)
		     : rpl_out_init(&lc.out, RPL_OUT_LINE, sh->format, stdout)) {
		sh->failed = 1;
		goto out;
	}
	lc.sh = sh;
	memset(&ro, 0, sizeof(ro));
	ro.prog = prog;
	ro.emit = list_emit;
	ro.emit_ctx = &lc;
	rpl_pager_begin(&sh->pager, sh->interactive);
	if (!shell_run(sh, &ro, &res)) {
		if (lc.last_ts)
			sh->cursor_ts = lc.last_ts;
		if (!sh->pager.quit && !res.interrupted)
			printf("(%" PRIu64 " event%s)\n", res.matched, res.matched == 1 ? "" : "s");
	}
out:
	rpl_out_free(&lc.out);
	flt_arena_free(a);
}

static void cmd_count(struct rpl_shell *sh, const char *filter)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_prog *prog;
	struct rpl_run_opts ro;
	struct rpl_run_result res;

	if (!a)
		return;
	if (!shell_filter(sh, a, filter, &prog)) {
		memset(&ro, 0, sizeof(ro));
		ro.prog = prog;
		/* After damage, the count of what could be read (as events -c). */
		shell_run(sh, &ro, &res);
		if (res.reading && !res.interrupted)
			printf("%" PRIu64 "\n", res.matched);
	}
	flt_arena_free(a);
}

/* ---- .top: value counts in a small string hash ---- */
struct top_entry {
	char *key;
	uint64_t n;
};

struct top_ctx {
	struct fld_ref ref;
	struct top_entry *tab;
	size_t cap, used;
	int oom;
};

static uint64_t hash_str(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static struct top_entry *top_slot(struct top_entry *tab, size_t cap, const char *k, size_t len)
{
	size_t i = hash_str(k, len) & (cap - 1);

	while (tab[i].key && (strlen(tab[i].key) != len || memcmp(tab[i].key, k, len)))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int top_emit(void *ctx, struct fld_ctx *c)
{
	struct top_ctx *t = ctx;
	struct fld_value v;
	char buf[1024];
	size_t len;
	struct top_entry *e;

	if (fld_extract(&t->ref, c, &v)) {
		len = fld_value_format(&v, buf, sizeof(buf));
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
	} else {
		len = (size_t)snprintf(buf, sizeof(buf), "<NA>");
	}
	buf[len] = '\0';
	if (t->used * 2 >= t->cap) {
		size_t ncap = t->cap * 2;
		struct top_entry *nt = calloc(ncap, sizeof(*nt));

		if (!nt) {
			t->oom = 1;
			return 1;
		}
		for (size_t i = 0; i < t->cap; i++)
			if (t->tab[i].key)
				*top_slot(nt, ncap, t->tab[i].key, strlen(t->tab[i].key)) =
				    t->tab[i];
		free(t->tab);
		t->tab = nt;
		t->cap = ncap;
	}
	e = top_slot(t->tab, t->cap, buf, len);
	if (!e->key) {
		e->key = strdup(buf);
		if (!e->key) {
			t->oom = 1;
			return 1;
		}
		t->used++;
	}
	e->n++;
	return 0;
}

static int cmp_top(const void *a, const void *b)
{
	const struct top_entry *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

static char *next_word(char **p)
{
	char *s = *p, *w;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	w = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	while (isspace((unsigned char)*s))
		s++;
	*p = s;
	return w;
}

static void cmd_top(struct rpl_shell *sh, char *args)
{
	char *field = next_word(&args), *rest = args, *end;
	unsigned long n = 10;
	struct top_ctx t;
	struct sr_err err;
	struct flt_arena *a;
	struct flt_prog *prog;
	struct rpl_run_opts ro;
	struct rpl_run_result res;

	if (!field) {
		printf("usage: .top FIELD [N] [FILTER]\n");
		sh->failed = 1;
		return;
	}
	if (isdigit((unsigned char)*rest)) {
		n = strtoul(rest, &end, 10);
		if (isspace((unsigned char)*end) || !*end) {
			rest = end;
		} else {
			n = 10;
		}
		if (n == 0)
			n = 10;
	}
	memset(&t, 0, sizeof(t));
	sr_err_clear(&err);
	if (fld_resolve(field, &t.ref, &err)) {
		printf("%s\n", err.msg);
		sh->failed = 1;
		return;
	}
	a = flt_arena_new();
	t.cap = 256;
	t.tab = calloc(t.cap, sizeof(*t.tab));
	if (!a || !t.tab)
		goto out;
	if (shell_filter(sh, a, rest, &prog))
		goto out;
	memset(&ro, 0, sizeof(ro));
	ro.prog = prog;
	ro.emit = top_emit;
	ro.emit_ctx = &t;
	if (shell_run(sh, &ro, &res) || res.interrupted)
		goto out;
	if (t.oom)
		printf("(out of memory: counts are partial)\n");
	{
		struct top_entry *rows = malloc((t.used + 1) * sizeof(*rows));
		size_t k = 0;

		if (!rows)
			goto out;
		for (size_t i = 0; i < t.cap; i++)
			if (t.tab[i].key)
				rows[k++] = t.tab[i];
		qsort(rows, k, sizeof(*rows), cmp_top);
		printf("%12s %6s  %s\n", "COUNT", "%", field);
		for (size_t i = 0; i < k && i < n; i++)
			printf("%12" PRIu64 " %5.1f%%  %s\n", rows[i].n,
			       res.matched ? 100.0 * (double)rows[i].n / (double)res.matched : 0.0,
			       rows[i].key);
		printf("(%zu distinct values in %" PRIu64 " events)\n", k, res.matched);
		free(rows);
	}
out:
	if (t.tab)
		for (size_t i = 0; i < t.cap; i++)
			free(t.tab[i].key);
	free(t.tab);
	flt_arena_free(a);
}

static void print_ts(const char *label, uint64_t ns)
{
	char b[40];

	if (ns && ns != UINT64_MAX)
		sr_time_format_rfc3339(ns, b, sizeof(b));
	else
		snprintf(b, sizeof(b), ns ? "end" : "start");
	printf("%s%s\n", label, b);
}

static int parse_time_arg(struct rpl_shell *sh, const char *arg, struct sr_time_spec *t)
{
	struct sr_err err;

	sr_err_clear(&err);
	if (sr_time_parse(arg, t, &err)) {
		printf("%s\n", err.msg);
		sh->failed = 1;
		return -1;
	}
	return 0;
}

static void show_window(struct rpl_shell *sh)
{
	uint64_t s = sh->since.kind ? sr_time_resolve(&sh->since, sh->first_ts, sh->last_ts) : 0;
	uint64_t u =
	    sh->until.kind ? sr_time_resolve(&sh->until, sh->first_ts, sh->last_ts) : UINT64_MAX;

	print_ts("capture  from ", sh->first_ts);
	print_ts("         to   ", sh->last_ts);
	print_ts("window   from ", s ? s : sh->first_ts);
	print_ts("         to   ", u != UINT64_MAX ? u : sh->last_ts);
}

static void cmd_seek(struct rpl_shell *sh, char *args)
{
	char *w = next_word(&args);
	struct sr_time_spec t;

	if (!w) {
		show_window(sh);
		return;
	}
	if (parse_time_arg(sh, w, &t))
		return;
	sh->since = t;
	sh->cursor_ts = 0;
	print_ts("listings start at ", sr_time_resolve(&t, sh->first_ts, sh->last_ts));
}

static void cmd_range(struct rpl_shell *sh, char *args)
{
	char *from = next_word(&args), *to = next_word(&args);
	struct sr_time_spec f = {SR_TIME_NONE, 0}, t = {SR_TIME_NONE, 0};

	if (!from) {
		show_window(sh);
		return;
	}
	if (!strcmp(from, "reset") || !strcmp(from, "all")) {
		memset(&sh->since, 0, sizeof(sh->since));
		memset(&sh->until, 0, sizeof(sh->until));
		sh->cursor_ts = 0;
		show_window(sh);
		return;
	}
	if (parse_time_arg(sh, from, &f) || (to && parse_time_arg(sh, to, &t)))
		return;
	/* A reversed window is a mistake, not an empty result (as --since/--until). */
	if (to && sr_time_resolve(&f, sh->first_ts, sh->last_ts) >
		      sr_time_resolve(&t, sh->first_ts, sh->last_ts)) {
		printf(".range: FROM %s is after TO %s\n", from, to);
		sh->failed = 1;
		return;
	}
	sh->since = f;
	sh->until = t;
	sh->cursor_ts = 0;
	show_window(sh);
}

static void cmd_alerts(struct rpl_shell *sh, char *args)
{
	char *files[64];
	size_t n = 0;
	char *w;
	struct rule_set *rs;
	struct rpl_alerts *al;
	struct rpl_rule_opts rsel;
	struct rpl_run_opts ro;
	struct rpl_run_result res;

	while ((w = next_word(&args)) && n < 64)
		files[n++] = w;
	memset(&rsel, 0, sizeof(rsel));
	rsel.files = files;
	rsel.nfiles = n;
	if (rpl_alerts_load(&rs, &rsel)) {
		sh->failed = 1;
		return;
	}
	al = rpl_alerts_new(rs, sh->json, stdout);
	if (al) {
		memset(&ro, 0, sizeof(ro));
		ro.emit = rpl_alerts_emit;
		ro.emit_ctx = al;
		if (!shell_run(sh, &ro, &res))
			rpl_alerts_summary(al, stdout);
		rpl_alerts_free(al);
	}
	rule_set_free(rs);
}

/* State as of the cursor: replay the window up to it. */
static struct st_state *state_at_cursor(struct rpl_shell *sh, uint64_t *at)
{
	struct st_state *st = st_new();
	struct rpl_run_opts ro;
	struct rpl_run_result res;

	if (!st)
		return NULL;
	memset(&ro, 0, sizeof(ro));
	ro.st = st;
	if (sh->cursor_ts) {
		ro.until.kind = SR_TIME_ABS;
		ro.until.ns = sh->cursor_ts;
	} else {
		/* No listing yet: state at the window's first event (the snapshot
		 * before it included). */
		ro.limit = 1;
	}
	if (shell_run(sh, &ro, &res) || res.interrupted) {
		st_free(st);
		return NULL;
	}
	*at = sh->cursor_ts ? sh->cursor_ts : res.first_ts;
	return st;
}

static int parse_pid(struct rpl_shell *sh, const char *cmd, char *args, uint32_t *pid)
{
	char *w = next_word(&args), *end;
	unsigned long v;

	if (!w) {
		printf("usage: %s PID\n", cmd);
		sh->failed = 1;
		return -1;
	}
	v = strtoul(w, &end, 10);
	if (*end || v == 0 || v > UINT32_MAX) {
		printf("%s: '%s' is not a pid\n", cmd, w);
		sh->failed = 1;
		return -1;
	}
	*pid = (uint32_t)v;
	return 0;
}

static void print_thread(const struct st_thread *t, int depth, const char *mark)
{
	printf("%*s%s%u %.16s", depth * 2, "", mark, t->pid, t->comm);
	if (t->exepath && *t->exepath)
		printf(" %s", t->exepath);
	if (t->args && t->args_len) {
		fputc(' ', stdout);
		for (size_t i = 0; i < t->args_len && i < 200; i++)
			fputc(t->args[i] ? t->args[i] : ' ', stdout);
	}
	if (t->exit_ts)
		printf(" (exited)");
	fputc('\n', stdout);
}

struct proc_list {
	const struct st_thread **v;
	size_t n, cap;
};

static int collect_leaders(void *ctx, const struct st_thread *t)
{
	struct proc_list *l = ctx;

	if (t->tid != t->pid)
		return 0;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		const struct st_thread **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return 1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = t;
	return 0;
}

static void print_children(const struct proc_list *l, uint32_t pid, int depth)
{
	if (depth > RPL_TREE_DEPTH)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i]->ppid != pid || l->v[i]->pid == pid)
			continue;
		print_thread(l->v[i], depth, "");
		print_children(l, l->v[i]->pid, depth + 1);
	}
}

/* .tree and .fd: the state at the cursor and the thread PID names. Prints
 * why not and returns NULL when there is none. */
static struct st_state *thread_at_cursor(struct rpl_shell *sh, const char *cmd, char *args,
					 const struct st_thread **t)
{
	struct st_state *st;
	uint32_t pid;
	uint64_t at;

	if (parse_pid(sh, cmd, args, &pid))
		return NULL;
	st = state_at_cursor(sh, &at);
	if (!st)
		return NULL;
	print_ts("state at ", at);
	*t = st_thread_get(st, pid);
	if (!*t) {
		printf("pid %u is not known at that time (not started yet, or exited)\n", pid);
		st_free(st);
		return NULL;
	}
	return st;
}

static void cmd_tree(struct rpl_shell *sh, char *args)
{
	const struct st_thread *chain[RPL_TREE_DEPTH], *t;
	struct proc_list l = {0};
	struct st_state *st = thread_at_cursor(sh, ".tree", args, &t);
	int n = 0;

	if (!st)
		return;
	if (t->tid != t->pid) {
		const struct st_thread *leader = st_thread_get(st, t->pid);

		printf("(%u is a thread of process %u)\n", t->tid, t->pid);
		if (leader)
			t = leader;
	}
	/* Ancestors, oldest first; the depth cap also guards against a ppid loop. */
	for (const struct st_thread *p = st_thread_parent(st, t); p && n < RPL_TREE_DEPTH;
	     p = st_thread_parent(st, p))
		chain[n++] = p;
	for (int i = n - 1; i >= 0; i--)
		print_thread(chain[i], n - 1 - i, "");
	print_thread(t, n, "* ");
	st_thread_foreach(st, collect_leaders, &l);
	print_children(&l, t->pid, n + 1);
	free(l.v);
	st_free(st);
}

static int print_fd(void *ctx, const struct st_fd *fd)
{
	(void)ctx;
	printf("%6" PRId64 "  %-10s %s\n", fd->fd, rpl_view_fdtype(fd->type),
	       fd->name ? fd->name : "");
	return 0;
}

static void cmd_fd(struct rpl_shell *sh, char *args)
{
	const struct st_thread *t;
	struct st_state *st = thread_at_cursor(sh, ".fd", args, &t);

	if (!st)
		return;
	printf("%6s  %-10s %s\n", "FD", "TYPE", "NAME");
	st_fd_foreach(st, t->pid, print_fd, NULL);
	st_free(st);
}

static void cmd_format(struct rpl_shell *sh, char *args)
{
	struct rpl_out o;

	if (!*args) {
		printf("%s\n", sh->format ? sh->format : RPL_DEFAULT_FORMAT);
		return;
	}
	if (!strcmp(args, "default")) {
		free(sh->format);
		sh->format = NULL;
		return;
	}
	/* Compile once to reject a bad format now rather than at every listing. */
	if (rpl_out_init(&o, RPL_OUT_LINE, args, stdout)) {
		sh->failed = 1;
		return;
	}
	rpl_out_free(&o);
	free(sh->format);
	sh->format = strdup(args);
	sh->json = 0;
}

static void cmd_stats(struct rpl_shell *sh, char *args)
{
	struct flt_arena *a = flt_arena_new();
	struct rpl_stats *s = rpl_stats_new();
	struct flt_prog *prog;
	struct rpl_run_opts ro;
	struct rpl_run_result res;

	if (a && s && !shell_filter(sh, a, args, &prog)) {
		memset(&ro, 0, sizeof(ro));
		ro.prog = prog;
		ro.emit = rpl_stats_emit;
		ro.emit_ctx = s;
		if (!shell_run(sh, &ro, &res) && !res.interrupted)
			rpl_stats_print(s, NULL, stdout);
	}
	rpl_stats_free(s);
	flt_arena_free(a);
}

int rpl_shell_exec(struct rpl_shell *sh, char *line)
{
	char *args = line, *cmd;
	size_t len = strlen(line);

	while (len && isspace((unsigned char)line[len - 1]))
		line[--len] = '\0';
	sh->failed = 0;
	if (line[0] != '.') {
		cmd_list(sh, line);
		return sh->failed ? -1 : 0;
	}
	cmd = next_word(&args);
	if (!strcmp(cmd, ".quit") || !strcmp(cmd, ".exit") || !strcmp(cmd, ".q"))
		sh->quit = 1;
	else if (!strcmp(cmd, ".help") || !strcmp(cmd, ".h") || !strcmp(cmd, ".?"))
		printf(help_text);
	else if (!strcmp(cmd, ".count"))
		cmd_count(sh, args);
	else if (!strcmp(cmd, ".top"))
		cmd_top(sh, args);
	else if (!strcmp(cmd, ".seek"))
		cmd_seek(sh, args);
	else if (!strcmp(cmd, ".range"))
		cmd_range(sh, args);
	else if (!strcmp(cmd, ".alerts"))
		cmd_alerts(sh, args);
	else if (!strcmp(cmd, ".tree"))
		cmd_tree(sh, args);
	else if (!strcmp(cmd, ".fd"))
		cmd_fd(sh, args);
	else if (!strcmp(cmd, ".fields")) {
		if (!rpl_fields_print(stdout, *args ? args : NULL))
			printf("no field starts with '%s'\n", args);
	} else if (!strcmp(cmd, ".format"))
		cmd_format(sh, args);
	else if (!strcmp(cmd, ".json")) {
		if (!strcmp(args, "on"))
			sh->json = 1;
		else if (!strcmp(args, "off"))
			sh->json = 0;
		else {
			printf("usage: .json on|off (now %s)\n", sh->json ? "on" : "off");
			sh->failed = 1;
		}
	} else if (!strcmp(cmd, ".stats"))
		cmd_stats(sh, args);
	else if (rpl_view_exists(cmd + 1))
		rpl_view_shell(cmd + 1, args, sh->files, sh->nfiles, &sh->since, &sh->until);
	else {
		printf("unknown command '%s' (.help lists them)\n", cmd);
		sh->failed = 1;
	}
	return sh->failed ? -1 : 0;
}
