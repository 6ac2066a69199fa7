/* fmt_chunk: helpers shared by the writer, reader and verifier for the
 * parts of the layout that must be computed the same way everywhere:
 * the chunk header seal (hash chain + header crc), the file seed, and
 * record padding inside a chunk payload. Internal to format/. */
#ifndef FMT_CHUNK_H
#define FMT_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_layout.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the capture format is little endian; this build assumes a little-endian host"
#endif

/* No snapshot chunk covers this one (index entry `snapshot`). */
#define FMT_NO_SNAPSHOT UINT64_MAX
/* Records start at multiples of this inside a decompressed payload, so the
 * u64 fields of struct evt_rec can be read in place. */
#define FMT_REC_ALIGN 8u
/* Bytes of a chunk header a reader trusts at most (hdr_len above: damage). */
#define FMT_CHUNK_HDR_MAX 4096u

static inline size_t fmt_rec_padded(size_t len)
{
	return (len + FMT_REC_ALIGN - 1) & ~(size_t)(FMT_REC_ALIGN - 1);
}

/* prev_hash of chunk 0: ties the chain to this file's header. */
uint64_t fmt_chain_seed(uint32_t file_hdr_crc);
/* Fills h->hash (from prev_hash and the bytes before it) and h->hdr_crc. */
void fmt_chunk_seal(struct fmt_chunk_hdr *h);
uint64_t fmt_chunk_hash(const struct fmt_chunk_hdr *h);
uint32_t fmt_chunk_crc(const struct fmt_chunk_hdr *h);

/* The index entry of the chunk whose header is h, at file offset off, with
 * snapshot the newest snapshot chunk at or before it (FMT_NO_SNAPSHOT). */
void fmt_index_entry_fill(struct fmt_index_entry *e, const struct fmt_chunk_hdr *h, uint64_t off,
			  uint64_t snapshot);

/* Type-set helpers on the 256-bit sets of chunk headers and the index. */
static inline void fmt_types_add(uint8_t set[32], unsigned type)
{
	set[(type >> 3) & 31] |= (uint8_t)(1u << (type & 7));
}

static inline int fmt_types_intersect(const uint8_t a[32], const uint8_t b[32])
{
	for (int i = 0; i < 32; i++)
		if (a[i] & b[i])
			return 1;
	return 0;
}

/* File header: struct fmt_file_hdr, metadata TLVs, an END TLV, crc32c.
 * fmt_header_build() returns a malloc'd buffer (caller frees). */
struct fmt_host_info;
struct sr_err;
int fmt_header_build(const struct fmt_host_info *h, uint8_t **out, size_t *len);
/* Parses the TLVs of a header whose fixed part, length and crc were checked:
 * buf holds hdr_len bytes. Unknown tags are skipped (newer minor versions). */
int fmt_header_parse_meta(const uint8_t *buf, size_t len, struct fmt_host_info *h,
			  struct sr_err *err);

#endif
