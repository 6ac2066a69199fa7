/* probe_evt.h: event type ids and parameter counts for the BPF side.
 *
 * Expands format/evt_schema.def into the same enum userspace sees (evt.h),
 * plus EVT_NP_<ID>, the parameter count of each type, so the probe lays out
 * the lens array exactly as the schema says. Includes nothing but the .def.
 */
#ifndef PROBE_EVT_H
#define PROBE_EVT_H

enum evt_type {
	EVT_UNKNOWN = 0,
#define PRM(n, t, f, pf)
#define EVT(id, num, name, cat, ef, params) EVT_##id = num,
#include "../format/evt_schema.def"
#undef EVT
#undef PRM
};

/* Each PRM adds one: EVT_NP_OPENAT = 0 + 1 + 1 + 1 + 1. */
enum evt_nparams {
#define PRM(n, t, f, pf)		    +1
#define EVT(id, num, name, cat, ef, params) EVT_NP_##id = 0 params,
#include "../format/evt_schema.def"
#undef EVT
#undef PRM
};

#endif
