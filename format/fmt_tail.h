/* fmt_tail: the stored pieces of a .sysrec capture, read as they lie on
 * disk while a recorder may still be writing the file: the file header's
 * bytes, and each chunk's extent and summary, checked but not decompressed.
 * For shipping a capture chunk by chunk as it grows (fleet/) and for
 * telling what a cut chunk held (replay/); events are read through
 * fmt_reader.h. The layout stays format/'s own (fmt_layout.h is private).
 *
 * Call order: fmt_tail_header() at offset 0, then fmt_tail_chunk() at
 * header length, then at each offset + size it gives, until it says
 * FMT_TAIL_INDEX (the file is finished) or FMT_TAIL_NONE (not written yet:
 * ask again later). Functions take a file descriptor the caller owns.
 */
#ifndef FMT_TAIL_H
#define FMT_TAIL_H

#include <stddef.h>
#include <stdint.h>

/* len bytes at off into buf: 0, SR_EIO, or SR_ECORRUPT when the file
 * ends first. */
int fmt_tail_read(int fd, uint64_t off, void *buf, size_t len);

struct fmt_host_info;

/* The file header as stored (the bytes a reader of a copy needs first):
 * *hdr malloc'd by the callee, *len bytes, *crc its checksum, and what it
 * says in *hi (the caller frees hi->provenance). 0, or -1 when it is not
 * complete yet or not a valid header (magic, size, crc, metadata). */
int fmt_tail_header(int fd, uint8_t **hdr, uint32_t *len, uint32_t *crc, struct fmt_host_info *hi);

/* One chunk as stored. */
struct fmt_tail_chunk {
	uint64_t size;	   /* header and payload bytes: the next chunk is at off + size */
	uint64_t seq;	   /* chunk number, from 0 */
	uint32_t count;	   /* records */
	int snapshot;	   /* the chunk opens with a full state snapshot */
	uint64_t first_ts; /* smallest record time, epoch ns */
	uint64_t last_ts;  /* largest */
};
#define FMT_TAIL_NONE  0 /* no complete chunk at off (yet) */
#define FMT_TAIL_CHUNK 1 /* a complete chunk, its header checked (crc, sizes) */
#define FMT_TAIL_INDEX 2 /* the index: no chunk follows */
int fmt_tail_chunk(int fd, uint64_t off, struct fmt_tail_chunk *c);

/* The records the chunk header at off announces, whether or not the
 * chunk's payload is all there (a file cut while a chunk was written);
 * 0 when the header itself is cut or is not a chunk header. */
uint64_t fmt_tail_cut_records(int fd, uint64_t off);

/* A chunk's stored bytes held in memory (a copy shipped elsewhere): the
 * chunk header at p, len bytes of it there. 0 and *c filled when it is a
 * chunk header whose sizes and times an index may hold and, when total is
 * not 0, whose header plus payload are total bytes; SR_EFORMAT when not.
 * The crcs are not checked here: the reader of the rebuilt file does. */
int fmt_tail_chunk_parse(const void *p, size_t len, uint64_t total, struct fmt_tail_chunk *c);

/* An index and trailer for a capture rebuilt from stored chunks, some of
 * which may be missing (holes: left unwritten in the file). Chunks are
 * added in order, one per chunk number from 0: fmt_tail_index_add() for a
 * chunk written at off, fmt_tail_index_hole() for one that is not there
 * (no events, no time range: a reader that seeks never reads it). */
#define FMT_TAIL_MAX_CHUNKS (1u << 24) /* the format's limit on chunks in a file */
#define FMT_TAIL_HOLE_SIZE  128u       /* bytes a missing chunk takes: its header's */
struct fmt_tail_index;
struct fmt_tail_index *fmt_tail_index_new(void);
void fmt_tail_index_free(struct fmt_tail_index *x);
/* 0, SR_ENOMEM, or SR_ELIMIT past FMT_TAIL_MAX_CHUNKS. */
int fmt_tail_index_hole(struct fmt_tail_index *x, uint64_t off);
/* hdr: the chunk's stored header bytes (len of them, as given to
 * fmt_tail_chunk_parse()); 0, SR_EFORMAT, SR_ENOMEM or SR_ELIMIT. */
int fmt_tail_index_add(struct fmt_tail_index *x, const void *hdr, size_t len, uint64_t off);
/* Chunks (and holes) added so far. */
uint64_t fmt_tail_index_count(const struct fmt_tail_index *x);
/* The index and then the trailer, at off in fd (after the last chunk's
 * end): 0 or SR_EIO. */
int fmt_tail_index_write(const struct fmt_tail_index *x, int fd, uint64_t off);

#endif
