/* rec_container: container descriptions from the runtimes, off the hot path.
 *
 *   rec_ctr_start()  at start: a worker thread lists the running containers
 *                    of every configured socket and describes each;
 *   rec_ctr_note()   per record, consumer thread: a cgroup id not seen
 *                    before whose path names a container not yet asked
 *                    about queues a lookup (never blocks; a full queue is
 *                    counted and the id retried on a later record);
 *   rec_ctr_take()   consumer thread, each loop turn: hands over the
 *                    CONTAINERINFO records the worker has finished
 *                    (rec_ctr_wake_fd() is readable while some wait, so
 *                    the consumer's wait ends when one is ready);
 *   rec_ctr_stop()   joins the worker; the counters stay readable.
 *
 * The worker asks each socket in turn (the one the cgroup path suggests
 * first): docker's GET /containers/ID/json, podman's libpod endpoint then
 * its docker-compatible one. An absent socket is skipped silently; one
 * that does not answer within the timeout is counted and left alone for
 * REC_CTR_BACKOFF_S seconds; a garbage answer is counted.
 */
#ifndef REC_CONTAINER_H
#define REC_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "rec_cgroup.h"

#define REC_CTR_MAX_SOCKS 4
#define REC_CTR_QUEUE	  256
#define REC_CTR_BACKOFF_S 30

struct rec_ctr_sock {
	const char *type; /* "docker" or "podman" */
	const char *path;
};

struct rec_ctr_stats {
	uint64_t queued, described, not_found, timeouts, bad_answers, queue_full;
	uint64_t skipped; /* lookups that skipped a socket in backoff after a timeout */
	/* time from the first record of a container to its description being
	 * handed over, for the containers first seen in events (ns) */
	uint64_t lat_n, lat_sum, lat_max;
	uint64_t lat_ns[1024]; /* the first 1024 of them, for percentiles */
};

struct rec_ctr;

int rec_ctr_start(struct rec_ctr **out, const struct rec_ctr_sock *socks, size_t n, int timeout_ms,
		  struct rec_cg *cg, struct sr_err *err);
/* Consumer thread, per record: cgroup id and pid from its header. */
void rec_ctr_note(struct rec_ctr *c, uint64_t cgroup_id, uint32_t pid);
/* Consumer thread: fn gets each finished record (a private copy it may
 * keep only during the call); returns how many. */
size_t rec_ctr_take(struct rec_ctr *c, int (*fn)(void *ctx, const void *rec, size_t len),
		    void *ctx);
/* An fd to poll for reading: readable while finished records wait for
 * rec_ctr_take (which clears it); -1 when there is none. */
int rec_ctr_wake_fd(const struct rec_ctr *c);
void rec_ctr_stop(struct rec_ctr *c);
void rec_ctr_get_stats(const struct rec_ctr *c, struct rec_ctr_stats *out);
/* The counters on stderr at exit: always when something failed, with
 * the time-to-description percentiles when verbose. */
void rec_ctr_report(const struct rec_ctr *c, int verbose);
void rec_ctr_free(struct rec_ctr *c);

#endif
