/* fmt_chunk.c: chunk header sealing and buffer growth shared by writer and reader. */
#include "fmt_chunk.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_err.h"
#include "../common/sr_hash.h"

uint64_t fmt_chain_seed(uint32_t file_hdr_crc)
{
	/* Seeding with the header crc means a chunk copied from another file
	 * breaks the chain at once. */
	return sr_hash64(FMT_CHUNK_MAGIC, &file_hdr_crc, sizeof(file_hdr_crc));
}

uint64_t fmt_chunk_hash(const struct fmt_chunk_hdr *h)
{
	return sr_hash64(h->prev_hash, h, offsetof(struct fmt_chunk_hdr, hash));
}

uint32_t fmt_chunk_crc(const struct fmt_chunk_hdr *h)
{
	return sr_crc32c(0, h, offsetof(struct fmt_chunk_hdr, hdr_crc));
}

void fmt_chunk_seal(struct fmt_chunk_hdr *h)
{
	h->hash = fmt_chunk_hash(h);
	h->hdr_crc = fmt_chunk_crc(h);
}

void fmt_index_entry_fill(struct fmt_index_entry *e, const struct fmt_chunk_hdr *h, uint64_t off,
			  uint64_t snapshot)
{
	memset(e, 0, sizeof(*e));
	e->offset = off;
	e->comp_size = h->comp_size;
	e->raw_size = h->raw_size;
	e->first_ts = h->first_ts;
	e->last_ts = h->last_ts;
	e->count = h->count;
	e->flags = h->flags;
	e->snapshot = snapshot;
	memcpy(e->types, h->types, sizeof(e->types));
}
