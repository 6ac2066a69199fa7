/* fmt_wire: the compact record encoding inside version-2 chunk payloads
 * (FORMAT.md "Record encoding").
 *
 * In memory, and in version-1 payloads, a record is struct evt_rec (80
 * bytes) + lengths + parameters, padded to 8. Most of those 80 bytes repeat
 * from one record of a thread to the next (pid, ppid, uid, gid, cgroup,
 * comm) and the rest are small numbers stored 8 bytes wide; zstd decodes
 * that as many short matches, and decompression time follows the number of
 * matches. On the wire each thread's context is written once per chunk and
 * then referred to by number, and res/latency/ts (ts as a delta) are stored
 * in as few bytes as they need, so a record's varying bytes sit together:
 * about half the matches and 40% fewer bytes to decompress
 * (bench/bench_format.c).
 *
 * Chunks stay independent: the context table starts empty in every chunk.
 * The reader expands a whole payload back to the in-memory layout at load
 * time, so nothing past the reader sees the wire form.
 */
#ifndef FMT_WIRE_H
#define FMT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "evt.h"

/* Fixed part of a wire record: type u16, nparams u8, flags u16, cpu u16, sizes u16.
 * sizes: bits 0-3, 4-7, 8-11: bytes (0..8) of res (zigzag), latency and the
 * ts delta (zigzag) that follow; bits 12-15: bytes (0..4) of the context
 * number that follows them, or FMT_WIRE_CTX_NEW: a new context follows. */
#define FMT_WIRE_FIXED 9u
/* A thread context: pid tid ppid uid gid (u32 each), cgroup_id u64, comm[16]. */
#define FMT_WIRE_CTX 44u
/* Smallest wire record: the fixed part alone (all values 0, context 0). */
#define FMT_WIRE_REC_MIN FMT_WIRE_FIXED
/* sizes bits 12-15 value: a new context follows (and gets the next number). */
#define FMT_WIRE_CTX_NEW 0xfu
/* Room fmt_wire_encode needs for an in-memory record of len bytes: the wire
 * form is at most fixed 9 + values 24 + context 44 = 77 bytes where the
 * header had 80, plus 8 bytes the encoder may write past its end. */
#define FMT_WIRE_MAX(len) ((len) + 8u)

/* Writer side: which thread contexts the open chunk has defined. */
#define FMT_WIRE_SLOTS 8192u /* power of two; at most half are used */
struct fmt_wire_enc {
	uint32_t gen;	  /* chunk generation: slots of older ones are empty */
	uint32_t nctx;	  /* contexts defined in this chunk */
	uint64_t prev_ts; /* ts of the previous record of this chunk */
	struct fmt_wire_slot {
		uint32_t gen, tid, num;
		uint8_t ctx[FMT_WIRE_CTX];
	} * slot;
};

int fmt_wire_enc_init(struct fmt_wire_enc *e);
void fmt_wire_enc_free(struct fmt_wire_enc *e);
/* A new chunk: no contexts defined, ts deltas from 0. */
void fmt_wire_enc_reset(struct fmt_wire_enc *e);
/* Encodes one well-formed in-memory record (evt_decode accepted it) into
 * out, which has room for FMT_WIRE_MAX(rec->len); returns the bytes written. */
size_t fmt_wire_encode(struct fmt_wire_enc *e, const struct evt_rec *rec, uint8_t *out);

/* Reader side: a cursor over one chunk's payload. */
struct fmt_wire_dec {
	const uint8_t *in;   /* the decompressed payload */
	size_t n, p;	     /* its size; the next record's offset */
	uint64_t ts;	     /* ts of the previous record */
	size_t expanded;     /* padded in-memory bytes of the records so far */
	uint32_t i;	     /* records parsed */
	const uint8_t **ctx; /* contexts defined so far (into in) */
	size_t nctx, ctx_cap;
	uint8_t *rec; /* the record fmt_wire_dec_next expanded */
	size_t rec_cap;
};

struct fmt_wire_fault {
	uint32_t rec; /* record number in the chunk */
	size_t off;   /* byte offset in the decompressed payload */
	const char *why;
};

void fmt_wire_dec_free(struct fmt_wire_dec *d);
/* Starts on a payload (in stays valid until the chunk is done). */
void fmt_wire_dec_start(struct fmt_wire_dec *d, const uint8_t *in, size_t n);
/* Expands the next record into the cursor's own buffer and fills ev as
 * evt_decode would (valid until the next call). 0, SR_ENOMEM, or
 * SR_ECORRUPT with *f saying which record, where and why. Never reads out of
 * bounds. The caller counts records (the chunk header says how many). */
int fmt_wire_dec_next(struct fmt_wire_dec *d, struct evt *ev, struct fmt_wire_fault *f);
/* The same record by record, expanded at *buf + *off instead (the buffer
 * grows as needed; *off advances by the padded record): the checks and
 * faults of fmt_wire_dec_next, without the copy. With ev, fills it for the
 * record at its new place (valid until the buffer grows). */
int fmt_wire_dec_next_to(struct fmt_wire_dec *d, uint8_t **buf, size_t *cap, size_t *off,
			 struct evt *ev, struct fmt_wire_fault *f);
/* After the last record: the payload must be used up exactly and expand to
 * rec_size bytes (the chunk header's). 0 or SR_ECORRUPT. */
int fmt_wire_dec_finish(const struct fmt_wire_dec *d, size_t rec_size, struct fmt_wire_fault *f);
/* The whole payload of exactly count records expanded into out (cap bytes:
 * the chunk header's rec_size), for verification and tools. */
int fmt_wire_decode(struct fmt_wire_dec *d, const uint8_t *in, size_t n, uint32_t count,
		    uint8_t *out, size_t cap, struct fmt_wire_fault *f);

#endif
