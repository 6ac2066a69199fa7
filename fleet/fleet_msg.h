/* fleet_msg: what a message read from the stream says about itself, parsed
 * without the NATS client (pure functions: the fuzz target calls them).
 *
 * A message is the subject "sysrec.<host>.<what>" (or an evidence capture's
 * "sysrec.<host>.evidence.<file id>") and the Sysrec-* headers
 * (docs/fleet.md). Anything that is not exactly what a sysrec publisher
 * sends is not ours: other publishers may share the subjects, and a name
 * that would climb out of the rebuild folder is refused.
 */
#ifndef FLEET_MSG_H
#define FLEET_MSG_H

#include <stddef.h>
#include <stdint.h>

enum fleet_kind { FLEET_KIND_HEADER, FLEET_KIND_CHUNK, FLEET_KIND_END, FLEET_KIND_ALERT };

/* Header values as strings, NULL when absent (borrowed). */
struct fleet_msg_hdrs {
	const char *kind, *file, *seq, *part, *count, *first, *last;
	const char *name; /* Sysrec-Name: an evidence file's name on disk */
};

struct fleet_msg {
	char host[256];
	char fid[64];
	enum fleet_kind kind;
	uint64_t seq; /* chunk number; for "end": the file's chunk count */
	unsigned part, nparts;
	uint32_t count;
	uint64_t first_ts, last_ts;
	int evidence; /* on sysrec.<host>.evidence.<fid> */
};

/* 0 and *out filled when the message is a sysrec one (alerts: only host and
 * kind); SR_EFORMAT when it is not (the caller passes over it). An evidence
 * message's Sysrec-File is its subject's file id; h->name, when there, is
 * checked to be a printable file name the caller may keep (it is not
 * copied into *out: only an evidence header carries it). */
int fleet_msg_parse(const char *subject, const struct fleet_msg_hdrs *h, struct fleet_msg *out);

#endif
