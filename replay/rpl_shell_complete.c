/* rpl_shell_complete: tab completion of commands, field names and operators.
 * '.' is not a word break, so "proc.na<TAB>" completes the whole field name;
 * a leading '.' in the first word completes shell commands. */
#include <editline/readline.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_shell.h"

static const char *const commands[] = {
    ".alerts", ".count", ".fd",	  ".fields", ".format", ".help", ".json",
    ".quit",   ".range", ".seek", ".stats",  ".top",	".tree", NULL,
};

static const char *const operators[] = {
    "and",	  "or",		 "not",	     "contains", "icontains",  "bcontains",
    "startswith", "bstartswith", "endswith", "in",	 "intersects", "pmatch",
    "exists",	  "glob",	 "iglob",    "regex",	 NULL,
};

static int want_commands;

static char *gen(const char *text, int state)
{
	static size_t i, phase, nfields;
	static const struct fld_def *fields;
	size_t len = strlen(text);

	if (!state) {
		i = 0;
		phase = want_commands ? 0 : 1;
		fields = fld_catalog(&nfields);
	}
	if (phase == 0) {
		while (commands[i]) {
			const char *c = commands[i++];

			if (!strncmp(c, text, len))
				return strdup(c);
		}
		return NULL;
	}
	if (phase == 1) {
		while (i < nfields) {
			const char *c = fields[i++].name;

			if (c && !strncmp(c, text, len))
				return strdup(c);
		}
		phase = 2;
		i = 0;
	}
	while (operators[i]) {
		const char *c = operators[i++];

		if (!strncmp(c, text, len))
			return strdup(c);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	int s = 0;

	(void)end;
	while (s < start && (rl_line_buffer[s] == ' ' || rl_line_buffer[s] == '\t'))
		s++;
	want_commands = s == start && text[0] == '.';
	/* No fallback to file names: they are never what a filter wants. */
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, gen);
}

void rpl_shell_complete_init(void)
{
	static char breaks[] = " \t\n\"'()=<>!,";

	rl_readline_name = "sysreplay";
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = breaks;
	rl_basic_word_break_characters = breaks;
}
