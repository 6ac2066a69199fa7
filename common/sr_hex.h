/* sr_hex.h: one hex digit's value (0..15), or -1 for anything else. */
#ifndef SR_HEX_H
#define SR_HEX_H

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

#endif
