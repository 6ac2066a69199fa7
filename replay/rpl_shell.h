/* rpl_shell: the interactive shell's internals (rpl_shell*.c only). */
#ifndef RPL_SHELL_H
#define RPL_SHELL_H

#include "rpl.h"

/* Pages output on a terminal: "--More--" after each screenful. */
struct rpl_pager {
	int on; /* stdout is a terminal and paging is wanted */
	int rows, cols;
	int used;   /* rows used on this page */
	int quit;   /* the user asked to stop this listing */
	int key_fd; /* where keys are read from */
};
void rpl_pager_begin(struct rpl_pager *p, int want);
/* Prints one line (without its newline); returns 1 when the listing must stop
 * (q at the prompt, Ctrl-C). */
int rpl_pager_line(struct rpl_pager *p, const char *line, size_t len);

struct rpl_shell {
	char **files;
	int nfiles;
	struct sr_time_spec since, until; /* the window listings cover */
	uint64_t cursor_ts;		  /* last event shown; 0 before any listing */
	char *format;			  /* NULL: the default line */
	int json;
	int interactive; /* stdin is a terminal */
	struct rpl_pager pager;
	uint64_t first_ts, last_ts; /* capture bounds (0 when unknown) */
	char hostname[256];
	int quit;
	int failed; /* some command failed: the shell's exit status says so */
};

/* Runs one input line (a filter or a .command). Returns 0, or -1 when the
 * command failed (bad filter or argument, unreadable or damaged capture);
 * errors are printed and the shell goes on either way. */
int rpl_shell_exec(struct rpl_shell *sh, char *line);

/* Tab completion (rpl_shell_complete.c): installs libedit's readline hooks. */
void rpl_shell_complete_init(void);

#endif
