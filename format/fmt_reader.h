/* fmt_reader: reads a .sysrec capture.
 *
 * fmt_reader_open() validates the header and loads the index from the
 * trailer; when the trailer is missing or bad (recorder killed) it rebuilds
 * the index by scanning chunk headers, stopping at the first damaged one.
 * fmt_reader_next() then yields records in file order. Views it returns are
 * valid until the next call on the same reader. Not thread safe.
 *
 * Damage: next() returns SR_ECORRUPT with err->chunk and err->offset naming
 * the damaged chunk after delivering every record before it.
 */
#ifndef FMT_READER_H
#define FMT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "evt.h"
#include "fmt_host.h"

struct fmt_reader;

struct fmt_chunk_info {
	uint64_t seq;
	uint64_t offset;
	uint32_t comp_size, raw_size, count, flags;
	uint64_t first_ts, last_ts;
	uint64_t snapshot;        /* seq of the snapshot chunk that covers this one */
	uint64_t drops_ring, drops_backlog;  /* 0 when only the index was read */
	uint8_t types[32];
};

struct fmt_file_info {
	uint16_t major, minor;
	int complete;             /* trailer and index present and valid */
	int damaged;              /* scanning stopped at a damaged chunk */
	uint64_t damage_chunk, damage_offset;
	char damage_msg[256];
	uint64_t file_bytes;
	uint64_t chunks, events, raw_bytes;
	uint64_t first_ts, last_ts;
	uint64_t drops_ring, drops_backlog;
	/* Added: the last chunk is cut short (writer stopped mid-write). Not damage:
	 * next() ends cleanly; damage_chunk/offset/msg say where the cut is. */
	int truncated;
};

int fmt_reader_open(struct fmt_reader **out, const char *path, struct sr_err *err);
void fmt_reader_close(struct fmt_reader *r);
const struct fmt_host_info *fmt_reader_host(const struct fmt_reader *r);
const struct fmt_file_info *fmt_reader_info(const struct fmt_reader *r);
size_t fmt_reader_chunk_count(const struct fmt_reader *r);
const struct fmt_chunk_info *fmt_reader_chunk(const struct fmt_reader *r, size_t i);

/* 1: ev holds a record; 0: clean end; <0: error (err says chunk and offset). */
int fmt_reader_next(struct fmt_reader *r, struct evt *ev, struct sr_err *err);

/* Positions so the next records are: the covering snapshot chunk's records
 * (state for what follows), then the first record with ts >= ts_ns. Decodes
 * at most those two chunks. */
int fmt_reader_seek_time(struct fmt_reader *r, uint64_t ts_ns, struct sr_err *err);
/* Chunks whose type set has none of set's bits are skipped unread (snapshot
 * chunks always read). NULL clears. Records of other types in read chunks
 * are still returned: callers filter. */
void fmt_reader_set_types(struct fmt_reader *r, const uint8_t set[32]);
/* For a capture being written (sysreplay --live): looks for chunks appended
 * since the last scan, which next() then delivers. 1: new chunks; 0: none
 * yet; 2: the file is finished (its index is there), nothing more will come;
 * <0 error. Once called, a chunk cut short or unreadable at the end of the
 * file is taken for one being written: next() ends there cleanly instead of
 * reporting damage. */
int fmt_reader_refresh(struct fmt_reader *r, struct sr_err *err);
/* Counters for tests and benchmarks. */
uint64_t fmt_reader_chunks_decoded(const struct fmt_reader *r);

/* verify: reads everything, checking checksums, hash chain, index agreement
 * and every record's framing. Returns 0 intact, 1 problems (each reported
 * through report(msg)), SR_EFORMAT when not a capture. */
int fmt_verify(const char *path, void (*report)(void *ctx, const char *msg), void *ctx,
	       struct sr_err *err);

#endif
