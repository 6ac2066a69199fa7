/* sysreplay shell: the read-eval loop.
 *
 * On a terminal, lines come from libedit (history in ~/.sysreplay_history,
 * tab completion); otherwise from stdin line by line, without prompt, so the
 * shell can be scripted (`printf '.count\n' | sysreplay shell cap.sysrec`).
 * Every query reopens the inputs: a capture is read through its index, so
 * reopening costs little and each query starts from a clean state.
 *
 * Ctrl-C: the SIGINT handler only sets rpl_interrupted; a running listing
 * stops at the next event, and at the prompt the current line is dropped.
 */
#include <editline/readline.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpl_shell.h"

#define RPL_HISTORY_MAX 1000

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.sysreplay_history", home) < 0)
		return NULL;
	return p;
}

static char *read_line_tty(void)
{
	for (;;) {
		char *l;

		rpl_interrupted = 0;
		l = readline("sysreplay> ");
		if (l || !rpl_interrupted)
			return l;
		/* Ctrl-C at the prompt: drop the line, prompt again. */
		fputc('\n', stdout);
	}
}

static char *read_line_pipe(void)
{
	char *l = NULL;
	size_t cap = 0;
	ssize_t n = getline(&l, &cap, stdin);

	if (n < 0) {
		free(l);
		return NULL;
	}
	if (n && l[n - 1] == '\n')
		l[n - 1] = '\0';
	return l;
}

static int shell_probe(struct rpl_shell *sh)
{
	struct rpl_input *in;

	if (rpl_input_open_or_fail(&in, sh->files, sh->nfiles))
		return RPL_EXIT_BAD;
	sh->first_ts = rpl_input_first_ts(in);
	sh->last_ts = rpl_input_last_ts(in);
	snprintf(sh->hostname, sizeof(sh->hostname), "%s", rpl_input_hostname(in));
	rpl_input_close(in);
	return 0;
}

int rpl_cmd_shell(int argc, char **argv)
{
	struct rpl_shell sh;
	char *hist = NULL, *line;
	int failed = 0;

	int first = 1;

	/* --keep-going, --live and --host H, in any order, before the files */
	for (; argc > first; first++) {
		if (!strcmp(argv[first], "--keep-going"))
			rpl_keep_going = 1;
		else if (!strcmp(argv[first], "--live"))
			rpl_live = 1; /* listings follow the capture until Ctrl-C */
		else if (!strncmp(argv[first], "--host=", 7)) {
			if (rpl_fleet_opt_host(argv[first] + 7))
				return RPL_EXIT_BAD;
		} else if (!strcmp(argv[first], "--host")) {
			if (argc <= first + 1)
				return rpl_usage_error("shell", "option '--host' needs a value");
			if (rpl_fleet_opt_host(argv[++first]))
				return RPL_EXIT_BAD;
		} else
			break;
	}
	if (argc <= first)
		return rpl_usage_error("shell", "no capture FILE given");
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return rpl_usage_error("shell", "unknown option '%s'", argv[i]);
	memset(&sh, 0, sizeof(sh));
	sh.files = argv + first;
	sh.nfiles = argc - first;
	sh.interactive = isatty(STDIN_FILENO);
	/* Fail at once on a missing or bad file, not at the first query. */
	if (shell_probe(&sh))
		return RPL_EXIT_BAD;
	rpl_sigint_catch(1);
	if (sh.interactive) {
		/* Listings are interactive too: line buffering shows them as they come. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		rpl_shell_complete_init();
		hist = history_path();
		stifle_history(RPL_HISTORY_MAX);
		if (hist)
			read_history(hist);
		printf("sysreplay shell: %d file%s on %s. Type a filter to list events, .help for "
		       "commands, Ctrl-D to quit.\n",
		       sh.nfiles, sh.nfiles == 1 ? "" : "s", sh.hostname[0] ? sh.hostname : "?");
	}
	while (!sh.quit && (line = sh.interactive ? read_line_tty() : read_line_pipe())) {
		char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && sh.interactive) {
			add_history(p);
			if (hist)
				write_history(hist);
		}
		if (*p && *p != '#' && rpl_shell_exec(&sh, p))
			failed = 1;
		rpl_flush_stdout();
		free(line);
		rpl_interrupted = 0;
	}
	if (sh.interactive && !sh.quit)
		fputc('\n', stdout);
	free(sh.format);
	free(hist);
	rpl_sigint_catch(0);
	/* Like `sqlite3 -bail` without the bail: a script goes on past a failed
	 * command, and its status tells that one failed. */
	return failed && !sh.interactive ? RPL_EXIT_FINDING : RPL_EXIT_OK;
}
