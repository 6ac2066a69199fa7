/* fleet_msg: what a message read from the stream says about itself, parsed
 * without the NATS client (pure functions: the fuzz target calls them).
 *
 * A message is the subject "sysrec.<host>.<what>" and the Sysrec-* headers
 * (docs/fleet.md). Anything that is not exactly what a sysrec publisher
 * sends is not ours: other publishers may share the subjects, and a name
 * that would climb out of the rebuild folder is refused.
 */
#ifndef FLEET_MSG_H
#define FLEET_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "../format/fmt_layout.h"

enum fleet_kind { FLEET_KIND_HEADER, FLEET_KIND_CHUNK, FLEET_KIND_END, FLEET_KIND_ALERT };

/* Header values as strings, NULL when absent (borrowed). */
struct fleet_msg_hdrs {
	const char *kind, *file, *seq, *part, *count, *first, *last;
};

struct fleet_msg {
	char host[256];
	char fid[64];
	enum fleet_kind kind;
	uint64_t seq; /* chunk number; for "end": the file's chunk count */
	unsigned part, nparts;
	uint32_t count;
	uint64_t first_ts, last_ts;
};

/* 0 and *out filled when the message is a sysrec one (alerts: only host and
 * kind); SR_EFORMAT when it is not (the caller passes over it). */
int fleet_msg_parse(const char *subject, const struct fleet_msg_hdrs *h, struct fleet_msg *out);

/* The chunk header at the start of a chunk's bytes (the first part of a
 * split one): 0 when p holds a whole, plausible header whose payload
 * length agrees with total (the chunk's joined length; 0: not checked),
 * else SR_EFORMAT. */
int fleet_chunk_hdr(const uint8_t *p, size_t len, size_t total, struct fmt_chunk_hdr *out);

#endif
