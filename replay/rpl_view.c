/* rpl_view: option parsing, dispatch and the reading helpers the views share,
 * for the subcommands and the shell's .ps, .lsof, ... alike. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_view.h"

static const struct {
	const char *name;
	unsigned opts;
	int (*fn)(struct rpl_view_opts *o);
} views[] = {
    {"ps", RPL_VO_AT | RPL_VO_TREE | RPL_VO_PID, rpl_view_ps},
    {"lsof", RPL_VO_AT | RPL_VO_PID, rpl_view_lsof},
    {"netstat", RPL_VO_AT | RPL_VO_PID, rpl_view_netstat},
    {"topconns", RPL_VO_FILTER | RPL_VO_WINDOW | RPL_VO_LIMIT, rpl_view_topconns},
    {"topfiles", RPL_VO_FILTER | RPL_VO_WINDOW | RPL_VO_LIMIT, rpl_view_topfiles},
    {"topprocs", RPL_VO_FILTER | RPL_VO_WINDOW | RPL_VO_LIMIT, rpl_view_topprocs},
    {"spy", RPL_VO_FILTER | RPL_VO_WINDOW | RPL_VO_LIMIT, rpl_view_spy},
    {"follow", RPL_VO_FILTER | RPL_VO_WINDOW | RPL_VO_LIMIT | RPL_VO_FOLLOW, rpl_view_follow},
    {"timeline", RPL_VO_PID | RPL_VO_ALERT | RPL_VO_FILTER | RPL_VO_WINDOW | RPL_VO_LIMIT,
     rpl_view_timeline},
};
#define NVIEWS (sizeof(views) / sizeof(views[0]))

enum { VO_AT = RPL_OPT_OWN, VO_TREE, VO_FD, VO_CONN, VO_EVT, VO_ALERT, VO_PID };

static const struct option long_opts[] = {
    {"json", no_argument, NULL, 'j'},
    {"filter", required_argument, NULL, 'f'},
    {"limit", required_argument, NULL, 'n'},
    {"hex", no_argument, NULL, 'X'},
    {"at", required_argument, NULL, VO_AT},
    {"tree", no_argument, NULL, VO_TREE},
    {"pid", required_argument, NULL, VO_PID},
    {"fd", required_argument, NULL, VO_FD},
    {"conn", required_argument, NULL, VO_CONN},
    {"evt", required_argument, NULL, VO_EVT},
    {"alert", required_argument, NULL, VO_ALERT},
    RPL_RUN_LONG_OPTS,
    {NULL, 0, NULL, 0},
};

int rpl_view_exists(const char *name)
{
	for (size_t i = 0; i < NVIEWS; i++)
		if (!strcmp(views[i].name, name))
			return 1;
	return 0;
}

static int parse_u32(const char *name, const char *opt, const char *arg, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || v == 0 || v > UINT32_MAX || arg[0] == '-')
		return rpl_usage_error(name, "%s: '%s' is not a pid", opt, arg);
	*out = (uint32_t)v;
	return 0;
}

/* PID:FD */
static int parse_fd(const char *name, const char *arg, struct rpl_view_opts *o)
{
	const char *colon = strchr(arg, ':');
	char pid[16], *end;
	long long fd;

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(pid))
		return rpl_usage_error(name, "--fd: '%s' is not PID:FD", arg);
	memcpy(pid, arg, (size_t)(colon - arg));
	pid[colon - arg] = '\0';
	if (parse_u32(name, "--fd", pid, &o->pid))
		return RPL_EXIT_BAD;
	errno = 0;
	fd = strtoll(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || fd < 0 || fd > INT32_MAX)
		return rpl_usage_error(name, "--fd: '%s' is not PID:FD", arg);
	o->fd = fd;
	return 0;
}

/* Checks that each option given is one this view takes. */
static int view_opt(const char *name, unsigned allowed, int opt, char **argv,
		    struct rpl_view_opts *o, struct rpl_run_opts *ro)
{
	unsigned need = 0;

	switch (opt) {
	case 'j':
		o->json = 1;
		return 0;
	case 'f':
		need = RPL_VO_FILTER;
		o->filter = optarg;
		break;
	case 'n':
		need = RPL_VO_LIMIT;
		if (rpl_opt_count("-n", optarg, &o->limit))
			return RPL_EXIT_BAD;
		break;
	case 'X':
		need = RPL_VO_FOLLOW;
		o->hex = 1;
		break;
	case VO_AT:
		need = RPL_VO_AT;
		if (rpl_opt_time("--at", optarg, &o->at))
			return RPL_EXIT_BAD;
		break;
	case VO_TREE:
		need = RPL_VO_TREE;
		o->tree = 1;
		break;
	case 'p':
	case VO_PID:
		need = RPL_VO_PID;
		if (parse_u32(name, opt == 'p' ? "-p" : "--pid", optarg, &o->pid))
			return RPL_EXIT_BAD;
		break;
	case VO_FD:
		need = RPL_VO_FOLLOW;
		if (parse_fd(name, optarg, o))
			return RPL_EXIT_BAD;
		break;
	case VO_CONN:
		need = RPL_VO_FOLLOW;
		if (!strchr(optarg, ':'))
			return rpl_usage_error(name, "--conn: '%s' is not ADDR:PORT", optarg);
		o->conn = optarg;
		break;
	case VO_EVT:
		need = RPL_VO_FOLLOW;
		if (rpl_opt_count("--evt", optarg, &o->evt_num))
			return RPL_EXIT_BAD;
		break;
	case VO_ALERT:
		need = RPL_VO_ALERT;
		if (rpl_opt_count("--alert", optarg, &o->alert_num))
			return RPL_EXIT_BAD;
		break;
	case RPL_OPT_SINCE:
	case RPL_OPT_UNTIL:
		need = RPL_VO_WINDOW;
		__attribute__((fallthrough)); /* clang wants it said, not commented */
	default:
		if (rpl_opt_run(name, opt, argv, ro))
			return RPL_EXIT_BAD;
		o->since = ro->since;
		o->until = ro->until;
		break;
	}
	if (need && !(allowed & need))
		return rpl_usage_error(name, "option '%s' does not apply to %s", argv[optind - 1],
				       name);
	return 0;
}

int rpl_view_main(const char *name, int argc, char **argv, char **files, int nfiles,
		  const struct sr_time_spec *since, const struct sr_time_spec *until)
{
	struct rpl_view_opts o;
	struct rpl_run_opts ro;
	size_t v;
	int opt, rc;

	for (v = 0; v < NVIEWS && strcmp(views[v].name, name); v++)
		;
	if (v == NVIEWS)
		return rpl_usage_error(NULL, "unknown command '%s'", name);
	memset(&o, 0, sizeof(o));
	memset(&ro, 0, sizeof(ro));
	o.name = name;
	o.fd = -1;
	o.out = stdout;
	if (since)
		o.since = ro.since = *since;
	if (until)
		o.until = ro.until = *until;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":jf:n:Xp:", long_opts, NULL)) != -1)
		if (view_opt(name, views[v].opts, opt, argv, &o, &ro))
			return RPL_EXIT_BAD;
	if (files) {
		if (optind < argc)
			return rpl_usage_error(name, "unexpected argument '%s'", argv[optind]);
		o.files = files;
		o.nfiles = nfiles;
	} else {
		if (optind >= argc)
			return rpl_usage_error(name, "no capture FILE given");
		o.files = argv + optind;
		o.nfiles = argc - optind;
	}
	if (!strcmp(name, "follow") && (o.fd >= 0) + !!o.conn + !!o.evt_num != 1)
		return rpl_usage_error(name, "give one of --fd PID:FD, --conn ADDR:PORT, --evt N");
	if (!strcmp(name, "timeline") && !!o.pid + !!o.alert_num != 1)
		return rpl_usage_error(name, "give one of --pid PID, --alert N");
	rc = views[v].fn(&o);
	if (fflush(o.out) && errno != EPIPE && !rc)
		rc = rpl_fail("writing output: %s", strerror(errno));
	return rc;
}

int rpl_cmd_view(int argc, char **argv)
{
	return rpl_view_main(argv[0], argc, argv, NULL, 0, NULL, NULL);
}

/* Splits args into words; '...' and "..." group (no escapes inside). */
void rpl_view_shell(const char *name, const char *args, char **files, int nfiles,
		    const struct sr_time_spec *since, const struct sr_time_spec *until)
{
	char *copy = strdup(args ? args : ""), *p = copy, *argv[64];
	int argc = 0;

	if (!copy)
		return;
	argv[argc++] = (char *)name;
	while (*p && argc < 63) {
		char *w, q = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (*p == '\'' || *p == '"')
			q = *p++;
		w = p;
		while (*p && (q ? *p != q : !isspace((unsigned char)*p)))
			p++;
		if (*p)
			*p++ = '\0';
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	rpl_view_main(name, argc, argv, files, nfiles, since, until);
	fflush(stdout);
	free(copy);
}

int rpl_view_scan(const struct rpl_view_opts *o, int (*emit)(void *ctx, struct fld_ctx *c),
		  void *ctx, struct rpl_run_result *res)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_prog *prog = NULL;
	struct rpl_input *in = NULL;
	struct rpl_run_opts ro;
	struct sr_err err;
	int rc = RPL_EXIT_OK;

	if (!a)
		return rpl_fail("out of memory");
	if (rpl_filter_compile(a, o->filter, "filter", stderr, &prog)) {
		flt_arena_free(a);
		return RPL_EXIT_BAD;
	}
	if (rpl_input_open_or_fail(&in, o->files, o->nfiles)) {
		flt_arena_free(a);
		return RPL_EXIT_BAD;
	}
	memset(&ro, 0, sizeof(ro));
	ro.prog = prog;
	ro.since = o->since;
	ro.until = o->until;
	ro.emit = emit;
	ro.emit_ctx = ctx;
	ro.st = o->st;
	sr_err_clear(&err);
	if (rpl_run(in, &ro, res, &err))
		rc = rpl_fail_err(NULL, &err);
	rpl_input_close(in);
	flt_arena_free(a);
	return rc;
}

int rpl_view_state_at(const struct rpl_view_opts *o, struct st_state **out, uint64_t *at_ns)
{
	struct rpl_input *in = NULL;
	struct rpl_run_opts ro;
	struct rpl_run_result res;
	struct st_state *st;
	struct sr_err err;
	uint64_t since, until;

	if (rpl_input_open_or_fail(&in, o->files, o->nfiles))
		return RPL_EXIT_BAD;
	st = st_new();
	if (!st) {
		rpl_input_close(in);
		return rpl_fail("out of memory");
	}
	memset(&ro, 0, sizeof(ro));
	ro.st = st;
	/* The moment: --at, else the window's end (the shell's range), else
	 * the end of the capture. Everything before it feeds the state. */
	ro.until = o->at.kind != SR_TIME_NONE ? o->at : o->until;
	sr_err_clear(&err);
	if (rpl_window(in, NULL, &ro.until, &since, &until, &err) || rpl_run(in, &ro, &res, &err)) {
		st_free(st);
		rpl_input_close(in);
		return rpl_fail_err(NULL, &err);
	}
	rpl_input_close(in);
	*at_ns = until != UINT64_MAX ? until : res.last_ts;
	*out = st;
	return 0;
}

void rpl_view_time(uint64_t ns, char *buf, size_t cap)
{
	if (!ns)
		snprintf(buf, cap, "-");
	else
		sr_time_format_rfc3339(ns, buf, cap);
}

void rpl_view_cmdline(const struct st_thread *t, char *buf, size_t cap)
{
	size_t n = 0;
	const char *exe = t->exe && *t->exe ? t->exe : t->comm;

	n = (size_t)snprintf(buf, cap, "%s", exe);
	for (size_t i = 0; t->args && i < t->args_len && n + 1 < cap; i++) {
		if (i == 0)
			buf[n++] = ' ';
		buf[n++] = t->args[i] ? t->args[i] : ' ';
	}
	if (n >= cap)
		n = cap - 1;
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

const char *rpl_view_user(const struct st_state *st, uint32_t uid, char *buf, size_t cap)
{
	const char *u = st ? st_user_name(st, uid) : NULL;

	if (u)
		return u;
	snprintf(buf, cap, "%u", uid);
	return buf;
}

void rpl_view_escape(FILE *f, const uint8_t *p, size_t n, int nl)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (nl && (c == '\n' || c == '\t'))
			fputc(c, f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

void rpl_view_json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			/* bytes, not UTF-8 text: each one as its own code point
			 * so the value stays valid JSON and reversible */
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void rpl_view_refs(struct fld_ref *refs, const char *const *names, size_t n)
{
	struct sr_err err;

	for (size_t i = 0; i < n; i++) {
		/* Names are catalog entries; a failure is a programmer mistake,
		 * and the ref then extracts as absent. */
		if (fld_resolve(names[i], &refs[i], &err))
			memset(&refs[i], 0, sizeof(refs[i]));
	}
}

const char *rpl_view_str(const struct fld_ref *ref, struct fld_ctx *c, size_t *len)
{
	struct fld_value v;

	*len = 0;
	if (!ref->def || !fld_extract(ref, c, &v) || !v.present)
		return "";
	if (v.type == FT_V_STR || v.type == FT_V_BYTES) {
		*len = v.len;
		return v.s ? v.s : "";
	}
	{
		char *b = fld_scratch_alloc(c, 128);

		if (!b)
			return "";
		*len = fld_value_format(&v, b, 128);
		return b;
	}
}

int64_t rpl_view_int(const struct fld_ref *ref, struct fld_ctx *c)
{
	struct fld_value v;

	if (!ref->def || !fld_extract(ref, c, &v) || !v.present)
		return 0;
	return v.type == FT_V_INT ? v.i : (int64_t)v.u;
}

int rpl_view_is_shell(const char *comm)
{
	static const char *const shells[] = {"sh",  "bash", "dash", "zsh", "ksh",     "mksh",
					     "ash", "fish", "tcsh", "csh", "busybox", "rbash"};
	const char *base = strrchr(comm, '/');

	base = base ? base + 1 : comm;
	if (*base == '-') /* login shells: argv[0] "-bash" */
		base++;
	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (!strcmp(base, shells[i]))
			return 1;
	return 0;
}

const char *rpl_view_fdtype(enum evt_fdtype t)
{
	size_t n;
	const struct evt_flag_name *tab = evt_ftable_get(FT_FDTYPE, &n);

	for (size_t i = 0; tab && i < n; i++)
		if (tab[i].value == (uint64_t)t)
			return tab[i].name;
	return "?";
}

static size_t pidset_slot(const uint32_t *v, size_t cap, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (cap - 1);

	while (v[i] && v[i] != pid)
		i = (i + 1) & (cap - 1);
	return i;
}

int rpl_pidset_add(struct rpl_pidset *s, uint32_t pid)
{
	if ((s->used + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		uint32_t *n = calloc(ncap, sizeof(*n));

		if (!n)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				n[pidset_slot(n, ncap, s->v[i])] = s->v[i];
		free(s->v);
		s->v = n;
		s->cap = ncap;
	}
	if (pid && !s->v[pidset_slot(s->v, s->cap, pid)]) {
		s->v[pidset_slot(s->v, s->cap, pid)] = pid;
		s->used++;
	}
	return 0;
}

int rpl_pidset_has(const struct rpl_pidset *s, uint32_t pid)
{
	return s->cap && pid && s->v[pidset_slot(s->v, s->cap, pid)] == pid;
}

void rpl_pidset_free(struct rpl_pidset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct fds_walk {
	const struct st_state *st;
	uint32_t pid;
	const struct st_thread *t;
	int (*cb)(void *ctx, const struct st_thread *t, const struct st_fd *fd);
	void *ctx;
};

static int fds_walk_fd(void *ctx, const struct st_fd *fd)
{
	struct fds_walk *w = ctx;

	return w->cb(w->ctx, w->t, fd);
}

static int fds_walk_proc(void *ctx, const struct st_thread *t)
{
	struct fds_walk *w = ctx;

	if (t->tid != t->pid || t->exited || (w->pid && t->pid != w->pid))
		return 0;
	w->t = t;
	st_fd_foreach(w->st, t->pid, fds_walk_fd, w);
	return 0;
}

void rpl_view_fds(const struct st_state *st, uint32_t pid,
		  int (*cb)(void *ctx, const struct st_thread *t, const struct st_fd *fd),
		  void *ctx)
{
	struct fds_walk w = {.st = st, .pid = pid, .cb = cb, .ctx = ctx};

	st_thread_foreach(st, fds_walk_proc, &w);
}

int rpl_view_exit_code(int64_t status)
{
	if ((status & 0x7f) == 0)
		return (int)((status >> 8) & 0xff);
	return 128 + (int)(status & 0x7f);
}
