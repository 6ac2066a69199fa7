/* rec_ring: reading the probe's per-CPU buffers in time order.
 *
 * Each CPU's buffer is in time order by itself (a record's ts is taken
 * right before it is written, with preemption off), so a k-way merge over
 * the CPUs yields one ordered stream. Records younger than a short horizon
 * stay in their buffer until the next drain, so one written a moment late
 * on another CPU still lands in order.
 *
 * Ringbuf transport (default): each ringbuf sample is a batch of 8-aligned
 * records; a drain first runs the probe's flush program on every CPU so no
 * record older than the horizon waits in a partial batch. Perf transport:
 * one record per sample, wrapped samples reassembled.
 *
 * Records are read in place from the mmap'ed buffers and handed to the
 * callback as a private copy it may modify.
 */
#ifndef REC_RING_H
#define REC_RING_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "rec_probe.h"

struct rec_ring;

/* Returns 0 to go on, <0 to stop draining (the error is returned). */
typedef int (*rec_ring_fn)(void *ctx, void *rec, size_t len);

int rec_ring_open(struct rec_ring **out, struct rec_probe *p, int transport, uint32_t pages,
		  struct sr_err *err);
/* A drain leaves the records younger than this (ms) for the next one. */
#define REC_RING_HORIZON_MS 2
/* Waits up to timeout_ms for a wakeup: 1 woken, 0 not (timeout, EINTR),
 * <0 on error. */
int rec_ring_wait(struct rec_ring *r, int timeout_ms);
/* fd (level-triggered, readable: something waits for the caller) also
 * ends rec_ring_wait; the caller clears it. 0, or SR_EIO. */
int rec_ring_watch(struct rec_ring *r, int fd);
/* Hands over, oldest first, every record older than now - horizon; all of
 * them when final. Returns the callback's error if it stopped. */
int rec_ring_drain(struct rec_ring *r, int final, rec_ring_fn fn, void *ctx);
/* Samples the kernel reported lost (perf LOST records) and malformed ones. */
uint64_t rec_ring_lost(const struct rec_ring *r);
uint64_t rec_ring_bad(const struct rec_ring *r);
/* How full CPU cpu's buffer is, in parts per million (for metrics). */
uint64_t rec_ring_fill_ppm(const struct rec_ring *r, int cpu);
int rec_ring_ncpus(const struct rec_ring *r);
void rec_ring_close(struct rec_ring *r);

#endif
