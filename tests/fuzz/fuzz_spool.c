/* fuzz_spool: the alert spool's record reader (outputs/out_spool.c framing,
 * outputs/out_rec.c payloads).
 *
 * Input: the bytes of a spool segment. Checked:
 * 1. out_spool_frame_parse walked over the input never reads past it; each
 *    frame it accepts decodes or is refused by out_rec_decode, and a
 *    decoded record encodes back to exactly its payload.
 * 2. The same bytes as a segment file in a temp spool directory: opening
 *    counts the records; peeking and committing them all gives at most that
 *    many records plus damaged ones skipped, and ends (no loop). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs/out_int.h"

static void check_frames(const uint8_t *d, size_t n)
{
	size_t off = 0;

	while (off < n) {
		const uint8_t *pl;
		size_t plen;
		int rc = out_spool_frame_parse(d + off, n - off, &pl, &plen);
		struct out_rec *r;

		if (rc != 1)
			break;
		if (pl < d || pl + plen > d + n)
			abort();
		if (!out_rec_decode(pl, plen, &r)) {
			struct out_alert a = {r->rule,	r->priority, NULL, r->hostname,
					      r->ts_ns, r->text,     NULL};
			size_t len;
			uint8_t *again = out_rec_encode(&a, r->uuid, r->json, r->emit_ns, &len);

			if (!again || len != plen || memcmp(again, pl, plen))
				abort(); /* a record reads back as it was written */
			free(again);
			free(r);
		}
		off += OUT_FRAME_HDR + plen;
	}
}

static void check_spool(const uint8_t *d, size_t n)
{
	char dir[] = "/tmp/fuzz_spool.XXXXXX", path[64];
	struct out_spool *sp;
	uint64_t pending, corrupt = 0, got = 0;
	struct sr_err err;
	FILE *f;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/0000000000000001.seg", dir);
	f = fopen(path, "wb");
	if (f) {
		fwrite(d, 1, n, f);
		fclose(f);
	}
	if (!out_spool_open(&sp, dir, 1u << 30, &pending, &err)) {
		uint8_t *p;
		size_t len;

		while (out_spool_peek(sp, &p, &len, &corrupt) == 1) {
			free(p);
			out_spool_commit(sp);
			if (++got > pending + corrupt + 1)
				abort(); /* more records than the scan counted */
		}
		out_spool_close(sp);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/cursor", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	check_frames(d, n);
	check_spool(d, n);
	return 0;
}
