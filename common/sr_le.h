/* sr_le: little-endian integers from unaligned bytes (capture records,
 * socket addresses, .scap blocks). The caller has checked the length. */
#ifndef SR_LE_H
#define SR_LE_H

#include <stdint.h>

static inline uint16_t sr_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t sr_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t sr_rd64(const uint8_t *p)
{
	return (uint64_t)sr_rd32(p) | (uint64_t)sr_rd32(p + 4) << 32;
}

#endif
