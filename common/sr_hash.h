/* Checksums and hashes used by the capture format (see format/FORMAT.md).
 * crc32c: Castagnoli polynomial, hardware-accelerated on x86-64 with SSE4.2,
 * portable table fallback elsewhere. Both give identical results.
 * sr_hash64: a 64-bit mixing hash for the chunk hash chain. */
#ifndef SR_HASH_H
#define SR_HASH_H

#include <stddef.h>
#include <stdint.h>

uint32_t sr_crc32c(uint32_t crc, const void *buf, size_t len);
uint64_t sr_hash64(uint64_t seed, const void *buf, size_t len);

/* The finalizer of sr_hash64: spreads the bits of x over the whole word
 * (hash tables keyed by sequential numbers such as inodes use it too). */
static inline uint64_t sr_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

#endif
