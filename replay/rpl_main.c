/* sysreplay: the analyzer's entry point; dispatches to one file per command. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rpl.h"
#include "rpl_view.h"
#include "common/sr_version.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
    {"events", rpl_cmd_events},
    {"alerts", rpl_cmd_alerts},
    {"shell", rpl_cmd_shell},
    {"info", rpl_cmd_info},
    {"hosts", rpl_cmd_hosts},
    {"fetch", rpl_cmd_fetch},
    {"verify", rpl_cmd_verify},
    {"stats", rpl_cmd_stats},
    {"convert", rpl_cmd_convert},
    {"fields", rpl_cmd_fields},
    {"test", rpl_cmd_test},
    {"rules", rpl_cmd_rules},
    {"diff-rules", rpl_cmd_diff_rules},
    {"keygen", rpl_cmd_keygen},
    {"extract", rpl_cmd_extract},
    /* the responder's views (rpl_view*.c) */
    {"ps", rpl_cmd_view},
    {"lsof", rpl_cmd_view},
    {"netstat", rpl_cmd_view},
    {"topconns", rpl_cmd_view},
    {"topfiles", rpl_cmd_view},
    {"topprocs", rpl_cmd_view},
    {"spy", rpl_cmd_view},
    {"follow", rpl_cmd_view},
    {"timeline", rpl_cmd_view},
    {"report", rpl_cmd_report},
};

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	/* Listings go to files and pipes in bulk; a bigger buffer saves write calls. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!cmd)
		return rpl_usage_error(NULL, "no command given: usage: sysreplay COMMAND [OPTIONS] "
					     "FILE...");
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		rpl_usage(stdout, argc > 2 ? argv[2] : NULL);
		return rpl_stdout_finish(RPL_EXIT_OK);
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("sysreplay " SR_VERSION " (capture format " SR_FORMAT_VERSION ")\n");
		return rpl_stdout_finish(RPL_EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, cmd))
			continue;
		for (int a = 2; a < argc; a++) {
			if (!strcmp(argv[a], "--"))
				break;
			if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
				rpl_usage(stdout, cmd);
				return rpl_stdout_finish(RPL_EXIT_OK);
			}
		}
		/* Every command's output is checked here, once. */
		return rpl_stdout_finish(cmds[i].fn(argc - 1, argv + 1));
	}
	return rpl_usage_error(NULL, "unknown command '%s'", cmd);
}
