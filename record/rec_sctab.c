/* rec_sctab.c: the syscall table the probe's sc_evt[] is filled from. */
#include "rec_sctab.h"

#include <stdlib.h>
#include <string.h>

#include "../format/evt.h"

struct sc_row {
	unsigned nr;
	const char *name;
};

static const struct sc_row sc_rows[] = {
#define SC(nr, name) {nr, #name},
#include "rec_sctab.def"
#undef SC
};

#define SC_ROWS (sizeof(sc_rows) / sizeof(sc_rows[0]))

int rec_sc_by_name(const char *name)
{
	for (size_t i = 0; i < SC_ROWS; i++)
		if (!strcmp(sc_rows[i].name, name))
			return (int)sc_rows[i].nr;
	return -1;
}

const char *rec_sc_name(unsigned nr)
{
	for (size_t i = 0; i < SC_ROWS; i++)
		if (sc_rows[i].nr == nr)
			return sc_rows[i].name;
	return NULL;
}

/* The event type the probe decodes a syscall into. Schema names are the
 * syscall names except where the kernel suffixes them. */
static uint8_t sc_type(const char *name)
{
	static const struct {
		const char *sc, *evt;
	} alias[] = {
	    {"pread64", "pread"},
	    {"pwrite64", "pwrite"},
	    {"fchmodat2", "fchmodat"},
	};
	int t;

	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(name, alias[i].sc))
			name = alias[i].evt;
	t = evt_type_by_name(name);
	/* only syscall categories: sched/meta ids are not syscalls */
	if (t > EVT_GENERIC && t < EVT_PROC_FORK)
		return (uint8_t)t;
	return EVT_GENERIC;
}

void rec_sc_table_all(uint8_t table[PRB_SC_MAX])
{
	memset(table, 0, PRB_SC_MAX);
	for (size_t i = 0; i < SC_ROWS; i++)
		if (sc_rows[i].nr < PRB_SC_MAX)
			table[sc_rows[i].nr] = sc_type(sc_rows[i].name);
}

int rec_sc_table_parse(const char *list, uint8_t table[PRB_SC_MAX], struct sr_err *err)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int n = 0;

	if (!copy)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	memset(table, 0, PRB_SC_MAX);
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int nr = rec_sc_by_name(tok);

		if (nr < 0 || nr >= PRB_SC_MAX) {
			sr_err_set(err, SR_ESYNTAX, "unknown syscall '%s' in --syscalls", tok);
			free(copy);
			return SR_ESYNTAX;
		}
		table[nr] = sc_type(tok);
		n++;
	}
	free(copy);
	if (!n)
		return sr_err_set(err, SR_ESYNTAX, "--syscalls needs at least one syscall name");
	return 0;
}
