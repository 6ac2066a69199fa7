/* sr_buf: growable byte buffers (capacity doubling, contents kept). */
#ifndef SR_BUF_H
#define SR_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Grows a buffer to hold need bytes: capacity doubles from first (or from
 * *cap when set). Contents are kept. Returns 0 or SR_ENOMEM. */
int sr_grow(uint8_t **p, size_t *cap, size_t need, size_t first);

#endif
