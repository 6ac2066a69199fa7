/* fmt_reader: reads a .sysrec capture.
 *
 * fmt_reader_open() validates the header and loads the index from the
 * trailer; when the trailer is missing or bad (recorder killed) it rebuilds
 * the index by scanning chunk headers, stopping at the first damaged one.
 * fmt_reader_next() then yields records in file order. Views it returns are
 * valid until the next call on the same reader. One thread per reader;
 * with evt_source_set_threads() the reader hands chunk loads to worker
 * threads itself (fmt_pipe.h), and records come out the same.
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
#include "evt_source.h"
#include "fmt_host.h"

struct fmt_reader;

struct fmt_chunk_info {
	uint64_t seq;
	uint64_t offset;
	uint32_t comp_size, raw_size, count, flags;
	uint64_t first_ts, last_ts;
	uint64_t snapshot;		    /* seq of the snapshot chunk that covers this one */
	uint64_t drops_ring, drops_backlog; /* 0 when only the index was read */
	uint8_t types[32];
};

struct fmt_file_info {
	uint16_t major, minor;
	int complete; /* trailer and index present and valid */
	int damaged;  /* scanning stopped at a damaged chunk */
	uint64_t damage_chunk, damage_offset;
	char damage_msg[256];
	uint64_t file_bytes;
	uint64_t chunks, events, raw_bytes;
	uint64_t first_ts, last_ts;
	uint64_t drops_ring, drops_backlog;
	/* The last chunk is cut short (writer stopped mid-write). Not damage:
	 * next() ends cleanly; damage_chunk/offset/msg say where the cut is. */
	int truncated;
};

int fmt_reader_open(struct fmt_reader **out, const char *path, struct sr_err *err);
/* The same over an open descriptor (taken over: closed by fmt_reader_close,
 * or here when the open fails), of which only the first limit bytes are
 * read, also by fmt_reader_refresh: a file being written, as it was when
 * its size was taken (UINT64_MAX: all of it). path names it in messages. */
int fmt_reader_open_fd(struct fmt_reader **out, int fd, const char *path, uint64_t limit,
		       struct sr_err *err);
void fmt_reader_close(struct fmt_reader *r);
const struct fmt_host_info *fmt_reader_host(const struct fmt_reader *r);
const struct fmt_file_info *fmt_reader_info(const struct fmt_reader *r);
size_t fmt_reader_chunk_count(const struct fmt_reader *r);
const struct fmt_chunk_info *fmt_reader_chunk(const struct fmt_reader *r, size_t i);
/* Whether the chunk opens with a full state snapshot. */
int fmt_chunk_is_snapshot(const struct fmt_chunk_info *ci);
/* Why the trailer/index was not used, or "" when it was. */
const char *fmt_reader_index_note(const struct fmt_reader *r);

/* 1: ev holds a record; 0: clean end; <0: error (err says chunk and offset). */
int fmt_reader_next(struct fmt_reader *r, struct evt *ev, struct sr_err *err);

/* After next() failed on a damaged chunk: go on with the chunk after it
 * (sysreplay --keep-going). 0, or -1 when nothing follows that the index
 * knows (a rebuilt index ends at the damage). */
int fmt_reader_skip_damage(struct fmt_reader *r);

/* Positions so the next records are: the covering snapshot chunk's records
 * (state for what follows), then the first record with ts >= ts_ns. Decodes
 * at most those two chunks. */
int fmt_reader_seek_time(struct fmt_reader *r, uint64_t ts_ns, struct sr_err *err);
/* Chunks whose type set has none of set's bits are skipped unread (snapshot
 * chunks always read). NULL clears. Records of other types in read chunks
 * are still returned: callers filter. */
void fmt_reader_set_types(struct fmt_reader *r, const uint8_t set[32]);
/* The events (the records evt.num counts: not snapshot, cgroup or drop
 * records) and their time range (0 when none). From the index where a
 * chunk's type set tells its records are all events or none; chunks mixing
 * both are read (one that cannot be read counts all its records). Call
 * before next(): it uses the read buffers. */
void fmt_reader_event_range(struct fmt_reader *r, uint64_t *events, uint64_t *first_ts,
			    uint64_t *last_ts);
/* A test on every record before next() delivers it: keep(ctx, ev) returns
 * an enum fmt_keep (the count fmt_reader_counted gives covers chunks read
 * to their end). With worker
 * threads (evt_source_set_threads) the workers run it on each chunk they
 * load, several chunks at once, so keep may only read shared data; records
 * then reach the reader's thread already chosen (what a state-free filter
 * needs: nothing else walks the rest). ev->num is not set when it runs,
 * and it runs before a seek's time cut. NULL: every record (the default).
 * Loads in flight are dropped and redone, so set it before reading. */
void fmt_reader_set_keep(struct fmt_reader *r, int (*keep)(void *ctx, const struct evt *ev),
			 void *ctx);
uint64_t fmt_reader_counted(const struct fmt_reader *r);
/* 2.1 captures: check each chunk's digest and the digest chain (on by
 * default; off only to measure what it costs). */
void fmt_reader_set_digest_check(struct fmt_reader *r, int on);
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

/* 2.1 captures: what the digest chain and the signed checkpoints prove. */
struct fmt_seal_range {
	uint64_t number;		 /* checkpoint number */
	uint64_t chunk;			 /* the checkpoint chunk's seq */
	uint64_t first_chunk, end_chunk; /* chunks [first_chunk, end_chunk) it seals anew */
	uint64_t events;		 /* records in them */
	uint64_t first_ts, last_ts;	 /* their time range (0 when none) */
	uint64_t time_ns;		 /* when it was signed */
	int final, ok;			 /* ok: every check of the checkpoint passed */
	char key_id[17];		 /* of the key that signed it (hex) */
};

struct fmt_seal_report {
	int sealed;	    /* 2.1 or later: SHA-256 digest chain present */
	int chain_ok;	    /* no problem found in the chain or the file */
	int signed_file;    /* the header names a signing key */
	char key_id[17];    /* the header key's id (hex), "" when none */
	char pub_text[100]; /* the header key, as a public key line */
	int ratchet;	    /* checkpoints use an evolving key */
	int key_checked;    /* a trusted key was given */
	int key_match;	    /* ... and it is the file's key */
	int final_seen;	    /* a valid final checkpoint closes the capture */
	uint64_t chunks, events;
	uint64_t tail_chunks, tail_events; /* after the last valid checkpoint */
	int authenticated;		   /* key given and matching, every chunk sealed by a valid
					    * checkpoint, final checkpoint present, no problems */
	struct fmt_seal_range *ranges;
	size_t nranges;
	char *provenance; /* an extract's provenance (JSON), or NULL */
};

/* fmt_verify, and on 2.1 captures the checkpoints too. key: the trusted
 * public key, or NULL (integrity only; rep->key_checked 0). rep may be
 * NULL; else free it with fmt_seal_report_free. Returns as fmt_verify; a
 * problem with the signatures counts as a problem. */
int fmt_verify_sealed(const char *path, const uint8_t *key, struct fmt_seal_report *rep,
		      void (*report)(void *ctx, const char *msg), void *ctx, struct sr_err *err);
void fmt_seal_report_free(struct fmt_seal_report *rep);

/* A quick look at the seal state for info: reads only the checkpoint
 * chunks (no payload is decompressed, no digest recomputed except theirs),
 * and checks their signatures against the key the file names. Not a
 * verification: the data chunks are not checked. */
struct fmt_seal_glance {
	int sealed, signed_file, ratchet;
	char key_id[17];
	uint64_t checkpoints, bad_checkpoints;
	int final_seen;
	uint64_t tail_chunks; /* chunks after the last checkpoint */
};
void fmt_seal_glance(struct fmt_reader *r, struct fmt_seal_glance *g);

#endif
