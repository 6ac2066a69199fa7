/* rpl_containers.c: container descriptions known from the start of a replay.
 *
 * The recorder writes a container's CONTAINERINFO when its runtime has
 * answered, some milliseconds after the container's first events (its
 * init process, the first exec). Read in file order, those first events
 * would have only the id. Before the run, each .sysrec input is read once
 * for its CONTAINERINFO records alone (the index lets the reader skip
 * every chunk without one; snapshot chunks are read) and they go into the
 * state, so every event of a described container has its name, image and
 * pod. A .scap carries its container events before the container's own
 * events, and is left to the normal pass.
 */
#include <string.h>

#include "../format/evt_source.h"
#include "../state/st.h"
#include "rpl.h"

void rpl_containers_preload(struct rpl_input *in, struct st_state *st)
{
	uint8_t types[32] = {0};

	if (!st)
		return;
	types[EVT_CONTAINERINFO >> 3] |= (uint8_t)(1u << (EVT_CONTAINERINFO & 7));
	for (size_t i = 0; i < rpl_input_count(in); i++) {
		const struct evt_source *src = rpl_input_source(in, i);
		struct evt_source *s;
		struct sr_err err;
		struct evt ev;

		if (!src || src->kind != SRC_SYSREC || evt_source_open_sysrec(src->path, &s, &err))
			continue;
		if (s->ops->set_types)
			s->ops->set_types(s, types);
		/* damage ends the preload quietly: the main pass reports it */
		while (evt_source_next(s, &ev, &err) == 1) {
			if (ev.rec->type != EVT_CONTAINERINFO)
				continue;
			st_event_begin(st, &ev);
			st_event_end(st, &ev);
		}
		evt_source_close(s);
	}
}
