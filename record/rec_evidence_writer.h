/* rec_evidence_writer: the thread that writes evidence captures, so an
 * alert never holds up the ring consumer.
 *
 * The consumer hands over, in order: a new file (its writer, already
 * created, and descriptors of the ring files its pre window comes from,
 * opened when the alert fired so later rotation or retention cannot take
 * them away), the records of its post window and its ALERT records, and its
 * end. The thread reads the ring files (a file still being written only as
 * far as it was when the alert fired: later records come queued), copies
 * the pre window (the covering snapshot first), then the queued records,
 * then closes the file, hashes it and reports it. Reading a ring file's
 * index or chunk headers takes time that grows with the file: none of it
 * is spent on the consumer's thread.
 *
 * Bounds: what the consumer queued and the thread has not taken yet is at
 * most `cap` bytes; a record past that is not queued and counted lost (the
 * file's closing line says how many). Begin and end messages always go.
 */
#ifndef REC_EVIDENCE_WRITER_H
#define REC_EVIDENCE_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/sr_err.h"
#include "../format/fmt_writer.h"

struct rec_ev_writer;

/* A ring file a pre window comes from: a read-only descriptor and the bytes
 * of it to read (UINT64_MAX: all). */
struct rec_ev_src {
	int fd;
	uint64_t size;
};

/* Starts the thread; closing lines go to report (NULL: none), as JSON
 * objects when json is set. */
int rec_ev_writer_start(struct rec_ev_writer **out, size_t cap, FILE *report, int json,
			struct sr_err *err);
/* A new file at path, written by w (taken over): the records of the ring
 * files src[0..n) (array and descriptors taken over, oldest file first) from
 * start_ns on, the first readable file giving the snapshot that covers
 * start_ns. The pre window's delay is measured from the file's first ALERT
 * record. */
void rec_ev_writer_begin(struct rec_ev_writer *x, struct fmt_writer *w, const char *path,
			 struct rec_ev_src *src, size_t n, uint64_t start_ns);
/* A record for the open file (copied). 0, or SR_ELIMIT when the queue is
 * full and the record was counted lost instead. With size: the open file's
 * size on disk so far plus its records not yet written, what a size cap
 * compares (this file's only). */
int rec_ev_writer_put(struct rec_ev_writer *x, const void *rec, size_t len, uint64_t *size);
/* Ends the open file; to_ns is its window's end (for the closing line). */
void rec_ev_writer_end(struct rec_ev_writer *x, uint64_t to_ns);
/* Writes out everything queued, stops the thread and frees x; the last
 * pre window's delay and the records lost go to *pre_ns and *lost. */
void rec_ev_writer_stop(struct rec_ev_writer *x, uint64_t *pre_ns, uint64_t *lost);

#endif
