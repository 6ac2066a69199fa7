/* sr_hex.h: hex digits both ways. */
#ifndef SR_HEX_H
#define SR_HEX_H

#include <stddef.h>
#include <stdint.h>

/* One hex digit's value (0..15), or -1 for anything else. */
static inline int sr_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* bin[0..len) as lowercase hex into out, which holds 2 * len + 1 bytes
 * (NUL-terminated). */
static inline void sr_hex_encode(const uint8_t *bin, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

#endif
