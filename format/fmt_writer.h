/* fmt_writer: writes a .sysrec capture.
 *
 * Call order: fmt_writer_open → (fmt_writer_append | fmt_writer_snapshot_begin
 * … append … fmt_writer_snapshot_end | fmt_writer_tick | fmt_writer_add_drops)* →
 * fmt_writer_close. Not thread safe: one writer per thread.
 *
 * Records are appended whole (struct evt_rec header first, ts in epoch ns) and
 * copied; the caller keeps its buffer. A chunk is compressed and written when
 * it holds chunk_raw bytes, or when fmt_writer_tick() sees it older than
 * chunk_ns, so a killed recorder loses at most the last unflushed interval.
 *
 * Disk full: the failing call returns SR_ENOSPC; the writer cuts the partial
 * chunk (its events counted in events_lost) and tries to finish index and
 * trailer (indexed says whether it could; if not, the file ends after its
 * last complete chunk); every earlier chunk stays readable either way. A file holding max_chunks
 * chunks is full the same way (SR_ELIMIT; the caller rotates to a new file). After an error only
 * fmt_writer_close() is valid.
 */
#ifndef FMT_WRITER_H
#define FMT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "fmt_host.h"
#include "fmt_seal.h"

struct fmt_writer;

struct fmt_writer_opts {
	size_t chunk_raw;    /* raw bytes per chunk; 0 = default (1 MiB) */
	uint64_t chunk_ns;   /* max chunk age before tick flushes; 0 = default (1 s) */
	int level;	     /* zstd level; 0 = default (3) */
	int fsync_chunks;    /* fdatasync after every chunk (slower, survives power loss) */
	uint64_t max_chunks; /* 0 or above the format's limit: FMT_INDEX_MAX_CHUNKS */
	int exclusive;	     /* refuse an existing file (else a regular file is replaced) */
	/* Signing (2.1 checkpoints, FORMAT.md): NULL writes an unsigned capture
	 * (the digest chain is always written). The key is copied. */
	const struct fmt_sign_key *sign;
	int ratchet;	      /* a new key per checkpoint, the old one forgotten */
	uint32_t ckpt_chunks; /* checkpoint every N chunks; 0 = default (16) */
	uint64_t ckpt_ns;     /* ... or when the last is this old; 0 = default (5 s) */
};

struct fmt_writer_stats {
	uint64_t events;  /* records appended, snapshots excluded */
	uint64_t records; /* all records */
	uint64_t chunks;
	uint64_t bytes;	    /* file size so far */
	uint64_t raw_bytes; /* uncompressed record bytes */
	uint64_t drops_ring, drops_backlog;
	/* syscall and process events (not snapshot or meta records) of chunks
	 * that could not be written: counted in events, absent from the file */
	uint64_t events_lost;
	int indexed;	      /* index and trailer are on disk (known after close) */
	uint64_t checkpoints; /* signed checkpoints written */
};

/* Creates path through sr_file_create (mode 0600, never through a symbolic
 * link) and writes the file header; when that fails, no file is left. */
int fmt_writer_open(struct fmt_writer **out, const char *path, const struct fmt_host_info *host,
		    const struct fmt_writer_opts *opts, struct sr_err *err);
/* Appends one record (len bytes, a struct evt_rec first). */
int fmt_writer_append(struct fmt_writer *w, const void *rec, size_t len, struct sr_err *err);
/* Flushes the current chunk; the records until snapshot_end form a snapshot chunk. */
int fmt_writer_snapshot_begin(struct fmt_writer *w, struct sr_err *err);
int fmt_writer_snapshot_end(struct fmt_writer *w, struct sr_err *err);
/* Counts lost events into the open chunk (and the trailer totals). */
void fmt_writer_add_drops(struct fmt_writer *w, uint64_t ring_full, uint64_t backlog);
/* Flushes the open chunk if its first record is older than chunk_ns at now_ns
 * (epoch ns), or unconditionally when now_ns is 0. */
int fmt_writer_tick(struct fmt_writer *w, uint64_t now_ns, struct sr_err *err);
void fmt_writer_get_stats(const struct fmt_writer *w, struct fmt_writer_stats *st);
/* The file's descriptor, for a caller that syncs it from another thread
 * (borrowed: valid until fmt_writer_close; dup it to keep it). */
int fmt_writer_fd(const struct fmt_writer *w);
/* After SR_ENOSPC, once room was made elsewhere: writes the index and
 * trailer that the failure could not (0 when they are on disk). The writer
 * stays failed: only close is valid afterwards. */
int fmt_writer_index_again(struct fmt_writer *w);
/* Ends the file: flushes the open chunk, writes the final checkpoint
 * (signing), index and trailer, and syncs; w stays allocated and open. On
 * SR_ENOSPC the writer is failed and the file ends after its last complete
 * chunk: fmt_writer_index_again writes the index once room is made. Only
 * fmt_writer_index_again, fmt_writer_get_stats and fmt_writer_finish are
 * valid afterwards; a second call returns the first one's outcome. */
int fmt_writer_end(struct fmt_writer *w, struct sr_err *err);
/* Ends the file (fmt_writer_end, unless done), closes it and frees w, even on error. */
int fmt_writer_close(struct fmt_writer *w, struct sr_err *err);
/* The same, and fills st (when not NULL) with the final numbers: bytes is
 * then the size of the file on disk. */
int fmt_writer_finish(struct fmt_writer *w, struct fmt_writer_stats *st, struct sr_err *err);

#endif
