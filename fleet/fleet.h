/* fleet: captures published to, and read back from, NATS JetStream.
 *
 * Subjects (docs/fleet.md): sysrec.<host>.files carries each capture file's
 * header (one message per file), sysrec.<host>.chunks each sealed chunk as
 * written (header and compressed payload, bytes unchanged), split in parts
 * when larger than the server's max payload. Message ids are
 * "<host>.<file id>.<seq>[.<part>]", so a retried publish is dropped by the
 * stream's duplicate window. The file id is the file's start time and header
 * crc ("<start ns>-<crc hex>"): unique per file, the same on every retry.
 *
 * Publisher (fleet_pub_*): one thread reads the capture files back from disk
 * (the rotated set of the -w path, oldest first) and publishes each chunk
 * once it is complete on disk; recording never waits for it. Progress is
 * kept in "<path>.fleet" (file id and next chunk), written after the acks,
 * so a restarted publisher resumes where the stream left off.
 *
 * Reader (fleet_fetch_*): downloads the header and chunks of every host (or
 * the chosen ones) and writes each capture file back, byte for byte, into a
 * temporary folder; the normal reader then checks CRCs and the digest chain
 * as for any file. A chunk absent from the stream is reported as a gap.
 *
 * Ownership: arguments are borrowed; results are owned by the caller and
 * freed with the matching *_free / *_stop. Not thread safe unless said.
 */
#ifndef FLEET_H
#define FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"

#define FLEET_MAX_SERVERS    8
#define FLEET_DEFAULT_STREAM "SYSREC"

struct fleet_cfg {
	const char *servers[FLEET_MAX_SERVERS]; /* nats://host:port */
	size_t nservers;
	const char *stream; /* NULL: FLEET_DEFAULT_STREAM */
	const char *creds;  /* NATS credentials file, or NULL */
	/* fleet init: stream limits (0: the defaults in docs/fleet.md) */
	int replicas;
	uint64_t max_age_ns;
	int64_t max_bytes;
	uint64_t dup_window_ns;
	/* publisher */
	uint64_t drain_ns; /* at stop, how long to go on sending; 0 = 10 s */
};

/* Creates (or updates to these limits) the stream: subjects sysrec.>,
 * file storage, cfg->replicas (default 3). Prints what it did to stdout. */
int fleet_stream_init(const struct fleet_cfg *cfg, struct sr_err *err);

struct fleet_pub_stats {
	uint64_t chunks, bytes, files; /* acknowledged by the stream */
	uint64_t events;	       /* records in those chunks */
	uint64_t retries;	       /* batches sent again after a failure */
	uint64_t lost_files;	       /* removed (rotation, -W) before they were sent */
	uint64_t behind_chunks;	       /* at stop: complete on disk, not acknowledged */
	int connected;
};

struct fleet_pub;
/* Starts the publisher thread for the capture set written at path, hostname
 * naming the subjects (characters outside [A-Za-z0-9_-] become '_'). */
int fleet_pub_start(struct fleet_pub **out, const struct fleet_cfg *cfg, const char *path,
		    const char *hostname, struct sr_err *err);
/* The recorder has closed its last file: send what remains (cfg->drain_ns
 * at most), stop, free. st gets the totals (may be NULL). */
void fleet_pub_stop(struct fleet_pub *p, struct fleet_pub_stats *st);
/* Totals so far (thread safe). */
void fleet_pub_stats(struct fleet_pub *p, struct fleet_pub_stats *st);
/* Publishes the capture set at path as it is now and returns when all of
 * it is acknowledged (sysrec fleet push): 0, or an error. */
int fleet_push(const struct fleet_cfg *cfg, const char *path, const char *hostname,
	       struct fleet_pub_stats *st, struct sr_err *err);

/* A source "nats://HOST:PORT/STREAM": 1 when s is one, else 0. */
int fleet_is_url(const char *s);

struct fleet_fetch_opts {
	const char **hosts; /* NULL/0: every host */
	size_t nhosts;
	/* A window (absolute epoch ns, 0: open): chunks published before
	 * since_ns - lookback_ns (0: 40 s) are not downloaded unless the
	 * window's covering snapshot is among them, and the fetch stops once
	 * every file's chunks start after until_ns (docs/fleet.md). */
	uint64_t since_ns, until_ns;
	uint64_t lookback_ns;
	int quiet;
};

struct fleet_host_info {
	char name[256];
	uint64_t files, chunks, bytes, events; /* bytes: 0 from fleet_hosts */
	uint64_t first_ts, last_ts;	       /* event time range (epoch ns) */
	uint64_t alerts;		       /* messages on sysrec.<host>.alerts */
	uint64_t last_seen_ns;		       /* newest message's stream time */
	uint64_t gaps;			       /* chunks missing inside the range */
	uint64_t dups;			       /* messages the stream holds twice (0 expected) */
};

struct fleet_fetch {
	char dir[4096]; /* temporary folder holding the files */
	char **paths;	/* reassembled capture files */
	size_t npaths;
	unsigned char *partial; /* per path: a window's (holes before, cut after) */
	struct fleet_host_info *hosts;
	size_t nhosts;
	uint64_t gaps; /* chunks missing, summed over hosts */
	/* what was downloaded (messages, payload bytes) and what the stream
	 * holds over all its subjects */
	uint64_t fetched_msgs, fetched_bytes, stream_msgs, stream_bytes;
};

/* Downloads url's captures into a fresh temporary folder. Gaps are
 * reported on stderr (and counted); they are not an error here: the reader
 * stops at the broken chain of that file and says where. */
int fleet_fetch(const char *url, const struct fleet_fetch_opts *o, struct fleet_fetch **out,
		struct sr_err *err);
/* Only the per-host summary (no file written, o's window unused):
 * sysreplay hosts. */
int fleet_hosts(const char *url, const struct fleet_fetch_opts *o, struct fleet_fetch **out,
		struct sr_err *err);
/* Removes the temporary files and frees. */
void fleet_fetch_free(struct fleet_fetch *f);

#endif
