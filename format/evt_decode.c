/* evt_decode.c: the bounds-checked decoder from record bytes to struct evt. */
#include "evt.h"

#include <string.h>

#include "../common/sr_err.h"

int evt_decode(struct evt *ev, const void *buf, size_t avail)
{
	const uint8_t *base = buf;
	const struct evt_rec *r = buf;
	size_t lens_size, off;
	unsigned n;
	int large;

	/* The header must fit before any field of it is trusted. */
	if (avail < EVT_REC_HDR)
		return SR_ECORRUPT;
	if (r->len < EVT_REC_HDR || r->len > avail || r->len > EVT_REC_MAX)
		return SR_ECORRUPT;
	n = r->nparams;
	if (n > EVT_MAX_PARAMS)
		return SR_ECORRUPT;
	large = (r->flags & EVT_RF_LARGE) != 0;
	lens_size = (size_t)n * (large ? 4 : 2);
	if (EVT_REC_HDR + lens_size > r->len)
		return SR_ECORRUPT;

	ev->rec = r;
	ev->nparams = n;
	off = EVT_REC_HDR + lens_size;
	for (unsigned i = 0; i < n; i++) {
		uint32_t l;
		if (large) {
			memcpy(&l, base + EVT_REC_HDR + 4 * i, 4);
		} else {
			uint16_t s;
			memcpy(&s, base + EVT_REC_HDR + 2 * i, 2);
			l = s;
		}
		/* Each parameter must lie inside the record. */
		if (l > r->len - off)
			return SR_ECORRUPT;
		ev->p[i] = base + off;
		ev->plen[i] = l;
		off += l;
	}
	return 0;
}
