/* rec_action_name.c: the response actions' names (config, rules, records).
 * On its own so the config parser's tests and fuzz target need nothing else. */
#include <string.h>

#include "rec_action.h"

static const struct {
	unsigned kind;
	const char *name;
} kinds[] = {
    {RA_KILL_PROCESS, "kill_process"},
    {RA_FREEZE_CONTAINER, "freeze_container"},
    {RA_KILL_CONTAINER, "kill_container"},
    {RA_PROGRAM, "program"},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

unsigned rec_action_from_name(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return kinds[i].kind;
	return 0;
}

const char *rec_action_name(unsigned kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return "?";
}
