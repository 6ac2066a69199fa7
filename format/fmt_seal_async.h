/* fmt_seal_async: a chunk digest computed on a helper thread while the
 * caller decompresses the same chunk, so that a verified read costs no
 * more wall time than an unverified one when a second CPU is free.
 *
 * Call order: fmt_seal_async_new once (NULL result: run digests inline),
 * then per chunk fmt_seal_async_start and fmt_seal_async_wait, and
 * fmt_seal_async_free. The buffers given to start are borrowed until wait
 * returns. One caller thread per object.
 */
#ifndef FMT_SEAL_ASYNC_H
#define FMT_SEAL_ASYNC_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_seal.h"

struct fmt_seal_async;

/* 1 when this process may run on more than one CPU (its affinity mask). */
int fmt_seal_async_useful(void);
/* 0 and *out set, or SR_ENOMEM / SR_EIO (no thread) with *out NULL. */
int fmt_seal_async_new(struct fmt_seal_async **out);
/* Starts fmt_seal_chunk_digest(hdr, hdr_len, payload, plen) on the helper. */
void fmt_seal_async_start(struct fmt_seal_async *a, const uint8_t *hdr, size_t hdr_len,
			  const uint8_t *payload, size_t plen);
/* Waits for the digest started last. */
void fmt_seal_async_wait(struct fmt_seal_async *a, uint8_t out[FMT_DIGEST_LEN]);
void fmt_seal_async_free(struct fmt_seal_async *a);

#endif
