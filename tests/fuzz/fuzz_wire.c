/* fuzz_wire: any bytes as a 2.x chunk payload (wire records), straight into
 * fmt_wire's decoder, without the zstd frame and checksums in front that
 * make a whole-file fuzzer rarely reach it.
 *
 * Input: u32 count, u32 rec_size (capped), then the payload. Both decoding
 * ways run (whole payload; record by record). When the payload decodes, its
 * records are encoded again and must decode to the same bytes: the encoder
 * and decoder agree on everything the decoder accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/sr_buf.h"
#include "format/evt_print.h"
#include "format/fmt_chunk.h"
#include "format/fmt_wire.h"

#define REC_SIZE_CAP (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reencode(const uint8_t *recs, size_t rec_size, uint32_t count)
{
	struct fmt_wire_enc enc;
	struct fmt_wire_dec d = {0};
	struct fmt_wire_fault f;
	uint8_t *wire = NULL, *back = NULL;
	size_t n = 0, cap = 0, o = 0;

	if (fmt_wire_enc_init(&enc))
		return;
	for (uint32_t i = 0; i < count; i++) {
		struct evt ev;

		if (evt_decode(&ev, recs + o, rec_size - o) != 0)
			abort(); /* the decoder produced a malformed record */
		if (sr_grow(&wire, &cap, n + FMT_WIRE_MAX(ev.rec->len), 4096))
			goto out;
		n += fmt_wire_encode(&enc, ev.rec, wire + n);
		o += fmt_rec_padded(ev.rec->len);
	}
	back = malloc(rec_size ? rec_size : 1);
	if (!back)
		goto out;
	if (fmt_wire_decode(&d, wire, n, count, back, rec_size, &f) != 0 ||
	    memcmp(back, recs, rec_size) != 0)
		abort(); /* encoder and decoder disagree */
out:
	fmt_wire_enc_free(&enc);
	fmt_wire_dec_free(&d);
	free(wire);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[8192];
	/* One decoder for every input, as a reader keeps one for every chunk
	 * (its record buffer is sized once for the largest record). */
	static struct fmt_wire_dec d;
	struct fmt_wire_fault f;
	uint32_t count, rec_size;
	uint8_t *out;

	if (size < 8)
		return 0;
	memcpy(&count, data, 4);
	memcpy(&rec_size, data + 4, 4);
	rec_size %= REC_SIZE_CAP;
	data += 8;
	size -= 8;

	out = malloc(rec_size ? rec_size : 1);
	if (!out)
		return 0;
	if (fmt_wire_decode(&d, data, size, count, out, rec_size, &f) == 0)
		reencode(out, rec_size, count);
	free(out);

	fmt_wire_dec_start(&d, data, size);
	for (uint32_t i = 0; i < count; i++) {
		struct evt ev;

		if (fmt_wire_dec_next(&d, &ev, &f) != 0)
			break;
		/* printing walks every parameter: part of what must be safe */
		evt_print_args(&ev, NULL, text, sizeof(text));
	}
	fmt_wire_dec_finish(&d, rec_size, &f);
	return 0;
}
