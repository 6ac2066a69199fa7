/* scap_mkbig: builds a large .scap for benchmarks by repeating a capture's events.
 *   scap_mkbig IN.scap OUT.scap MIN_EVENTS
 * Copies IN's header and list blocks, then its event blocks again and again,
 * each round shifted later in time by the capture's span, until OUT holds at
 * least MIN_EVENTS scap events. Prints the number written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scap/scap_input.h"
#include "scap/scap_int.h"

static int is_event(uint32_t bt)
{
	return bt == SCAP_BT_EV || bt == SCAP_BT_EV_V2 || bt == SCAP_BT_EVF ||
	       bt == SCAP_BT_EVF_V2 || bt == SCAP_BT_EV_V2_LARGE || bt == SCAP_BT_EVF_V2_LARGE;
}

static unsigned ts_off(uint32_t bt)
{
	return 8 +
	       (bt == SCAP_BT_EVF || bt == SCAP_BT_EVF_V2 || bt == SCAP_BT_EVF_V2_LARGE ? 6 : 2);
}

int main(int argc, char **argv)
{
	struct scap_in in;
	uint8_t *evs = NULL, hdr[8];
	size_t evlen = 0, evcap = 0, nev = 0;
	uint64_t first = 0, last = 0, want, written = 0;
	FILE *out;

	if (argc != 4 || scap_in_open(&in, argv[1]) || !(out = fopen(argv[2], "wb"))) {
		fprintf(stderr, "usage: scap_mkbig IN.scap OUT.scap MIN_EVENTS\n");
		return 2;
	}
	want = strtoull(argv[3], NULL, 10);
	while (scap_in_read(&in, hdr, 8) == 8) {
		uint32_t bt = sr_rd32(hdr), tl = sr_rd32(hdr + 4);
		uint8_t *b;

		if (tl < 12 || tl > SCAP_BLOCK_MAX || !(b = malloc(tl)))
			return 2;
		memcpy(b, hdr, 8);
		if (scap_in_read(&in, b + 8, tl - 8) != tl - 8)
			return 2;
		if (is_event(bt)) {
			uint64_t ts;
			/* the timestamp (and the trailer) must lie inside the block */
			if (tl < ts_off(bt) + 8 + 4)
				return 2;
			ts = sr_rd64(b + ts_off(bt));
			if (!nev++)
				first = ts;
			last = ts > last ? ts : last;
			if (evlen + tl > evcap) {
				evcap = (evlen + tl) * 2;
				evs = realloc(evs, evcap);
				if (!evs)
					return 2;
			}
			memcpy(evs + evlen, b, tl);
			evlen += tl;
		} else if (!nev) {
			fwrite(b, tl, 1, out); /* header and lists, once */
		}
		free(b);
	}
	for (uint64_t round = 0; nev && written < want; round++) {
		uint64_t shift = round * (last - first + 1000);
		for (size_t off = 0; off < evlen;) {
			uint32_t bt = sr_rd32(evs + off), tl = sr_rd32(evs + off + 4);
			uint64_t ts = sr_rd64(evs + off + ts_off(bt)) + shift;
			fwrite(evs + off, ts_off(bt), 1, out);
			fwrite(&ts, 8, 1, out);
			fwrite(evs + off + ts_off(bt) + 8, tl - ts_off(bt) - 8, 1, out);
			off += tl;
			written++;
		}
	}
	fclose(out);
	scap_in_close(&in);
	printf("%llu\n", (unsigned long long)written);
	return 0;
}
