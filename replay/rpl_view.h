/* rpl_view: the responder's views (ps, lsof, netstat, topconns, topfiles,
 * topprocs, spy, follow, timeline), shared by their subcommands and the
 * shell's .ps, .lsof, ... (replay/ only).
 *
 * A view is one function over struct rpl_view_opts: the options every view
 * parses the same way (rpl_view.c), the files and the window. It reads the
 * capture through rpl_run (rpl_view_scan) or asks for the state at a moment
 * (rpl_view_state_at), and prints text or JSON lines to o->out. It returns
 * RPL_EXIT_OK or RPL_EXIT_BAD after printing a one-line message.
 */
#ifndef RPL_VIEW_H
#define RPL_VIEW_H

#include "rpl.h"

/* Which options a view takes (its row in rpl_view.c's table). */
#define RPL_VO_AT     0x01 /* --at T */
#define RPL_VO_TREE   0x02 /* --tree */
#define RPL_VO_PID    0x04 /* -p PID / --pid PID */
#define RPL_VO_FILTER 0x08 /* -f FILTER */
#define RPL_VO_WINDOW 0x10 /* --since/--until */
#define RPL_VO_LIMIT  0x20 /* -n N */
#define RPL_VO_FOLLOW 0x40 /* --fd, --conn, --evt, -X */
#define RPL_VO_ALERT  0x80 /* --alert N */

struct rpl_view_opts {
	const char *name; /* "ps" */
	char **files;
	int nfiles;
	int json, tree, hex;
	const char *filter;
	struct sr_time_spec since, until, at;
	uint32_t pid; /* 0: none */
	uint64_t limit;
	uint64_t evt_num, alert_num; /* 0: none */
	int64_t fd;		     /* -1: none */
	const char *conn;	     /* --conn ADDR:PORT */
	FILE *out;
	struct st_state *st; /* NULL: each scan builds its own state */
};

/* Runs view name with argv (argv[0] is the view's name). files/nfiles and the
 * window, when given, are the shell's; otherwise FILE arguments are required. */
int rpl_view_main(const char *name, int argc, char **argv, char **files, int nfiles,
		  const struct sr_time_spec *since, const struct sr_time_spec *until);
/* 1 when name is a view. */
int rpl_view_exists(const char *name);
/* The shell's ".ps ARGS": splits ARGS (quotes group words) and runs the view
 * over the shell's files and window. */
void rpl_view_shell(const char *name, const char *args, char **files, int nfiles,
		    const struct sr_time_spec *since, const struct sr_time_spec *until);

/* Runs the window of o through state, o->filter and emit (state always on). */
int rpl_view_scan(const struct rpl_view_opts *o, int (*emit)(void *ctx, struct fld_ctx *c),
		  void *ctx, struct rpl_run_result *res);
/* The state as of o->at (the end of the window when not given); *at_ns gets
 * the moment it describes. Caller frees with st_free. */
int rpl_view_state_at(const struct rpl_view_opts *o, struct st_state **st, uint64_t *at_ns);

/* Calls cb for each fd of each live process (only pid's when pid is not 0). */
void rpl_view_fds(const struct st_state *st, uint32_t pid,
		  int (*cb)(void *ctx, const struct st_thread *t, const struct st_fd *fd),
		  void *ctx);

/* ---- printing helpers ---- */
/* "2026-11-29T13:37:53.123456789Z" into buf (cap >= 40). */
void rpl_view_time(uint64_t ns, char *buf, size_t cap);
/* The command line of t: exe then args, NUL separators as spaces. */
void rpl_view_cmdline(const struct st_thread *t, char *buf, size_t cap);
/* User name of uid, or the number. */
const char *rpl_view_user(const struct st_state *st, uint32_t uid, char *buf, size_t cap);
/* Bytes as text: printable ASCII, \n and \t kept (nl 1) or escaped (nl 0),
 * the rest as \xNN. */
void rpl_view_escape(FILE *f, const uint8_t *p, size_t n, int nl);
/* Resolves field names into refs once (names are catalog names). */
void rpl_view_refs(struct fld_ref *refs, const char *const *names, size_t n);
/* One field's value as text (""/0 when absent). */
const char *rpl_view_str(const struct fld_ref *ref, struct fld_ctx *c, size_t *len);
int64_t rpl_view_int(const struct fld_ref *ref, struct fld_ctx *c);
/* A JSON string literal (quotes included) of n bytes. */
void rpl_view_json_str(FILE *f, const char *s, size_t n);
/* 1 when comm names a shell (sh, bash, dash, zsh, ...). */
int rpl_view_is_shell(const char *comm);
const char *rpl_view_fdtype(enum evt_fdtype t);
/* A procexit wait status as the shell shows it: the code, or 128 + signal. */
int rpl_view_exit_code(int64_t status);

/* A set of pids (timeline's process and descendants). */
struct rpl_pidset {
	uint32_t *v; /* open addressing, 0 free */
	size_t cap, used;
};
/* 0, or -1 out of memory. */
int rpl_pidset_add(struct rpl_pidset *s, uint32_t pid);
int rpl_pidset_has(const struct rpl_pidset *s, uint32_t pid);
void rpl_pidset_free(struct rpl_pidset *s);

/* spy's collector, shared with the report (rpl_view_spy.c). */
struct rpl_spy;
struct rpl_spy_cmd {
	uint64_t ts, end_ts; /* end_ts 0: still running at the end */
	uint32_t pid, shell_pid, uid, tty;
	int exited, code;
	char *user, *cmd, *stdin_name;
};
struct rpl_spy *rpl_spy_new(void);
int rpl_spy_emit(void *ctx, struct fld_ctx *c); /* an emit callback */
int rpl_spy_failed(const struct rpl_spy *s);	/* ran out of memory */
size_t rpl_spy_count(const struct rpl_spy *s);
const struct rpl_spy_cmd *rpl_spy_get(const struct rpl_spy *s, size_t i);
void rpl_spy_free(struct rpl_spy *s);
/* "pts/3", "tty2", "MAJOR:MINOR", or "" without a terminal. */
void rpl_spy_tty(uint32_t tty, char *buf, size_t cap);

/* The views (one file each). */
int rpl_view_ps(struct rpl_view_opts *o);
int rpl_view_lsof(struct rpl_view_opts *o);
int rpl_view_netstat(struct rpl_view_opts *o);
int rpl_view_topconns(struct rpl_view_opts *o);
int rpl_view_topfiles(struct rpl_view_opts *o);
int rpl_view_topprocs(struct rpl_view_opts *o);
int rpl_view_spy(struct rpl_view_opts *o);
int rpl_view_follow(struct rpl_view_opts *o);
int rpl_view_timeline(struct rpl_view_opts *o);

/* Prints view name's --help; 0 when name is no view (rpl_view_usage.c). */
int rpl_view_usage(FILE *f, const char *name);

/* Subcommand entry points (rpl_main.c's table). */
int rpl_cmd_view(int argc, char **argv);
int rpl_cmd_report(int argc, char **argv); /* rpl_cmd_report.c */

#endif
