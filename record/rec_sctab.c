/* rec_sctab.c: the probe's sc_evt[] (syscall -> event type), from format/evt_sysnr. */
#include "rec_sctab.h"

#include <stdlib.h>
#include <string.h>

#include "../format/evt_sysnr.h"

_Static_assert(EVT_SYSNR_MAX == PRB_SC_MAX, "the probe has a slot for every syscall number");

void rec_sc_table_all(uint8_t table[PRB_SC_MAX])
{
	memset(table, 0, PRB_SC_MAX);
	for (unsigned nr = 0; nr < PRB_SC_MAX; nr++) {
		const char *name = evt_sysnr_name(nr);
		if (name)
			table[nr] = (uint8_t)evt_sysnr_type(name);
	}
}

int rec_sc_table_parse(const char *list, uint8_t table[PRB_SC_MAX], struct sr_err *err)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int n = 0;

	if (!copy)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	memset(table, 0, PRB_SC_MAX);
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int nr = evt_sysnr_by_name(tok);

		if (nr < 0 || nr >= PRB_SC_MAX) {
			sr_err_set(err, SR_ESYNTAX, "unknown syscall '%s' in --syscalls", tok);
			free(copy);
			return SR_ESYNTAX;
		}
		table[nr] = (uint8_t)evt_sysnr_type(tok);
		n++;
	}
	free(copy);
	if (!n)
		return sr_err_set(err, SR_ESYNTAX, "--syscalls needs at least one syscall name");
	return 0;
}
