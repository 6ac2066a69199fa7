/* rec_sctab: which event type the probe records each syscall as. */
#ifndef REC_SCTAB_H
#define REC_SCTAB_H

#include <stdint.h>

#include "../common/sr_err.h"
#include "../probe/probe_shared.h"

/* Fills table: every known syscall -> its decoded type or EVT_GENERIC. */
void rec_sc_table_all(uint8_t table[PRB_SC_MAX]);
/* Parses "openat,execve,connect" into table (others 0); SR_ESYNTAX names
 * the unknown syscall. */
int rec_sc_table_parse(const char *list, uint8_t table[PRB_SC_MAX], struct sr_err *err);

#endif
