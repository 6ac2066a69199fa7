/* sr_buf: growable byte buffers. */
#include "sr_buf.h"

#include <stdint.h>
#include <stdlib.h>

#include "sr_err.h"

int sr_grow(uint8_t **p, size_t *cap, size_t need, size_t first)
{
	size_t ncap;
	uint8_t *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : first;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return SR_ENOMEM;
		ncap *= 2;
	}
	np = realloc(*p, ncap);
	if (!np)
		return SR_ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}
