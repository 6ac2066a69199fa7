/* rec_sctab: x86_64 syscall names and which event type records each. */
#ifndef REC_SCTAB_H
#define REC_SCTAB_H

#include <stdint.h>

#include "../common/sr_err.h"
#include "../probe/probe_shared.h"

/* Syscall number by name ("openat"), or -1. */
int rec_sc_by_name(const char *name);
const char *rec_sc_name(unsigned nr);
/* Fills table: every known syscall -> its decoded type or EVT_GENERIC. */
void rec_sc_table_all(uint8_t table[PRB_SC_MAX]);
/* Parses "openat,execve,connect" into table (others 0); SR_ESYNTAX names
 * the unknown syscall. */
int rec_sc_table_parse(const char *list, uint8_t table[PRB_SC_MAX], struct sr_err *err);

#endif
