/* evt_print: stateless text for one event's parameters, in the style of
 * sysdig's %evt.args ("fd=3 name=/etc/passwd flags=524288(O_RDONLY|O_CLOEXEC)
 * mode=0"), and a JSON object of the raw values for `events -j`.
 *
 * Stateless: an fd prints as its number (sysdig adds "(<f>/path)" from its
 * fd table; a caller with state can do the same), a uid as its number.
 * The return value (res) travels in the record header and is the caller's.
 *
 * All functions write at most cap bytes including the terminating NUL
 * (always written when cap > 0) and return the length the full text needs,
 * like snprintf: a return >= cap means the text was cut.
 */
#ifndef EVT_PRINT_H
#define EVT_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "evt.h"

struct evt_print_opts {
	/* Strings and buffers longer than this are cut and end in "..."; 0 = no limit. */
	size_t max_str;
};

/* "name=value" for every parameter, separated by single spaces. o may be NULL. */
size_t evt_print_args(const struct evt *ev, const struct evt_print_opts *o, char *buf, size_t cap);
/* The value of parameter i alone (empty when absent). */
size_t evt_print_param(const struct evt *ev, unsigned i, const struct evt_print_opts *o, char *buf,
		       size_t cap);
/* A flag or enum value as sysdig shows it: "4097(O_WRONLY|O_CREAT)", "9(SIGKILL)",
 * or the bare number when no name applies. is_enum: exact match (PT_ENUM). */
size_t evt_print_flags(enum evt_ftable t, int is_enum, uint64_t v, char *buf, size_t cap);
/* Only the names ("O_WRONLY|O_CREAT"); "" when none applies. Bits without a
 * name are left out. */
size_t evt_print_flag_names(enum evt_ftable t, int is_enum, uint64_t v, char *buf, size_t cap);
/* {"fd":3,"name":"/etc/passwd","flags":524288,"mode":0}: integers as numbers,
 * text as JSON strings (bytes outside printable ASCII as \u00XX), string
 * arrays as arrays, socket addresses and tuples as their text form, absent
 * or malformed integers as null. */
size_t evt_print_json_params(const struct evt *ev, char *buf, size_t cap);

#endif
