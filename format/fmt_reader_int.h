/* fmt_reader_int.h: reader internals shared with fmt_verify.c, so the
 * verifier checks files through exactly the code every reader uses. */
#ifndef FMT_READER_INT_H
#define FMT_READER_INT_H

#include "fmt_layout.h"
#include "fmt_reader.h"

/* Reads, checks and decompresses chunk i (header against the index entry,
 * header crc, hash chain when the previous header was read, payload crc,
 * sizes). On success *raw and *raw_len give the payload, valid until the next
 * load; hdr (if not NULL) receives the on-disk header. */
int fmt_reader_load_chunk(struct fmt_reader *r, size_t i, struct fmt_chunk_hdr *hdr,
			  const uint8_t **raw, size_t *raw_len, struct sr_err *err);
/* The trailer as read (valid only when info->complete). */
const struct fmt_trailer *fmt_reader_trailer(const struct fmt_reader *r);
/* Fuzzing only: when set, checksum and hash mismatches are ignored so the
 * fuzzer reaches the decompression and record parsing behind them. Never
 * set in the tools. */
extern int fmt_fuzz_skip_checks;
/* 2.1: whether chunks carry the digest chain; the file's digest seed. */
int fmt_reader_sealed(const struct fmt_reader *r);
const uint8_t *fmt_reader_file_digest_seed(const struct fmt_reader *r);
/* The whole header (hdr_len bytes) of the chunk loaded last. */
const uint8_t *fmt_reader_chunk_header(const struct fmt_reader *r, size_t *len);
/* The file header's length (where chunk 0 starts). */
uint64_t fmt_reader_data_start(const struct fmt_reader *r);

#endif
