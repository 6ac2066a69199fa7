/* evt_sysnr: the one syscall table (evt_sysnr.def): native numbers and names
 * of the architecture the probe supports, the event type that records each,
 * and the name of the syscall a record stands for.
 *
 * Used by the recorder (which calls the probe decodes, the numbers it
 * special-cases), the printers, the field extractors, the filter compiler
 * and the .scap importer and exporter.
 */
#ifndef EVT_SYSNR_H
#define EVT_SYSNR_H

#include <stdint.h>

#include "evt.h"

/* Syscall numbers are below this (the probe's table has as many slots). */
#define EVT_SYSNR_MAX 512

/* Per-syscall flags (evt_sysnr.def). */
enum evt_scflag {
	SCF_FD = 1u << 0, /* the first argument is an fd */
};

/* Name by number ("openat"), or NULL when the table lacks the number. */
const char *evt_sysnr_name(uint64_t nr);
/* Number by name, or -1. NULL reads as unknown. */
int evt_sysnr_by_name(const char *name);
/* The SCF_ flags of a syscall; 0 when unknown. */
unsigned evt_sysnr_flags(uint64_t nr);
/* The event type the probe records a syscall as: its decoder's type (schema
 * names are the syscall names, except pread/pwrite and fchmodat2, recorded
 * as fchmodat) or EVT_GENERIC. */
unsigned evt_sysnr_type(const char *name);
/* The name of what the record stands for: the syscall's name for a generic
 * record whose number the table knows ("getxattr"), the schema's name
 * otherwise ("openat", "syscall"); NULL for ids the schema lacks. */
const char *evt_name(const struct evt *ev);

#endif
