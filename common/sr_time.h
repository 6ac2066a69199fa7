/* sr_time: the times users type (--since/--until, .seek) and the times we print.
 *
 * Accepted input forms (sr_time_parse):
 *   RFC 3339       2026-11-29T13:37:53.5Z, 2026-11-29 13:37:53+01:00 (a zone is required:
 *                  a capture's clock is UTC and a guessed zone would silently shift results)
 *   epoch ns       1764423473500000000 (digits only)
 *   start offset   +90s, +1m30s, +500ms, +1.5s, +2h, +90 (bare number: seconds)
 *   end offset     -10s: that long before the capture's last event
 *   time of day    02:07:29.553, 02:07 (local time, as alert lines print it): on the
 *                  capture's day, which must be unambiguous (sr_time_resolve_day)
 * Relative forms need the capture's bounds, so parsing and resolving are two
 * steps: parse at option time (bad text → exit 2 before any file is read),
 * resolve once the inputs are open.
 *
 * Durations (sr_duration_parse) use units ns, us, ms, s, m, h, d and may chain
 * them ("1m30s", "1h2m3.5s"). A number without a unit means seconds.
 *
 * Printing: RFC 3339 in UTC with nanoseconds, and durations in a short form.
 * All functions are thread safe, and all but sr_time_now are pure.
 */
#ifndef SR_TIME_H
#define SR_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sr_err.h"

enum sr_time_kind {
	SR_TIME_NONE,  /* not given */
	SR_TIME_ABS,   /* ns since the epoch */
	SR_TIME_START, /* ns after the capture's first event */
	SR_TIME_END,   /* ns before the capture's last event */
	SR_TIME_CLOCK, /* ns after local midnight, on the capture's day */
};

struct sr_time_spec {
	enum sr_time_kind kind;
	uint64_t ns;
};

/* Returns 0, or SR_ESYNTAX with a message naming what is wrong. */
int sr_time_parse(const char *text, struct sr_time_spec *out, struct sr_err *err);
/* The epoch ns a spec stands for, given the capture bounds; clamps at 0 and
 * at UINT64_MAX instead of wrapping. */
uint64_t sr_time_resolve(const struct sr_time_spec *t, uint64_t first_ns, uint64_t last_ns);

/* Resolves any kind, a time of day included: on the single local day the
 * capture covers, or, for a capture over several days, on the one day where
 * that time falls inside [first_ns, last_ns]. SR_ESYNTAX with a message
 * naming the days when that day is not unique (or bounds are unknown). */
int sr_time_resolve_day(const struct sr_time_spec *t, uint64_t first_ns, uint64_t last_ns,
			uint64_t *out, struct sr_err *err);

/* Duration text to ns; SR_ESYNTAX on empty text, unknown unit or overflow. */
int sr_duration_parse(const char *text, uint64_t *ns, struct sr_err *err);

/* "2026-11-29T13:37:53.500000000Z" (UTC). Returns the length written
 * (always NUL-terminated when cap > 0). */
size_t sr_time_format_rfc3339(uint64_t ns, char *buf, size_t cap);
/* Local wall clock "13:37:53.500000000", as sysdig's evt.time. */
size_t sr_time_format_clock(uint64_t ns, char *buf, size_t cap);
/* "1h2m3.500s", "250ms", "12us", "0s": for spans in summaries. */
size_t sr_duration_format(uint64_t ns, char *buf, size_t cap);

/* The clock's reading in ns (CLOCK_REALTIME: since the epoch). */
uint64_t sr_time_now(clockid_t id);

#endif
