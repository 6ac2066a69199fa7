/* evt_print: stateless text for one event's parameters, in the style of
 * sysdig's %evt.args ("fd=3 name=/etc/passwd flags=524288(O_RDONLY|O_CLOEXEC)
 * mode=0"), and the JSON of the raw values for `events -j`.
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
/* {"fd":3,"name":"/etc/passwd","flags":524288,"mode":0}, the args of
 * `sysreplay events -j`: raw values, so tools need no flag tables.
 *   integers (flags, modes and ids too)   numbers; null when the width is
 *                                         not 1, 2, 4 or 8 bytes (no value)
 *   paths, strings                        strings, text mode (below)
 *   buffers                               strings, bytes mode (below)
 *   string arrays (argv, env)             arrays of strings, bytes mode
 *   socket addresses, tuples              "ip:port", "ip:port->ip:port", a unix
 *                                         socket's path (bytes mode); null
 *                                         when empty or of another family
 * Parameters the record does not carry are left out (records of some events
 * come in shorter variants: syscall with fewer arguments, execve without
 * flags), and so are ones beyond the schema. Always valid JSON. */
size_t evt_print_json_params(const struct evt *ev, char *buf, size_t cap);
/* The n bytes at p as a JSON string, quotes included. Well-formed UTF-8 is
 * copied as is. Text mode (bytes = 0): quote, backslash and control
 * characters are escaped, and so is every byte that is not part of
 * well-formed UTF-8, as \u00XX (its value as a code point), so no byte is
 * lost. Bytes mode (bytes = 1): control characters, DEL and bytes outside
 * UTF-8 become '.', as sysdig prints buffers. */
size_t evt_print_json_string(const void *p, size_t n, int bytes, char *buf, size_t cap);

#endif
