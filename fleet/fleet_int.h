/* fleet_int.h: what the fleet/ files share (not for other folders). */
#ifndef FLEET_INT_H
#define FLEET_INT_H

#include <nats/nats.h>

#include "fleet.h"

/* NATS headers on every message (docs/fleet.md) */
#define FLEET_H_KIND  "Sysrec-Kind" /* "header", "chunk" or "end" */
#define FLEET_H_FILE  "Sysrec-File" /* file id */
#define FLEET_H_SEQ   "Sysrec-Seq"  /* chunk seq; for "end": the chunk count */
#define FLEET_H_PART  "Sysrec-Part" /* "k/n" when a chunk is split */
#define FLEET_H_COUNT "Sysrec-Count"
#define FLEET_H_FIRST "Sysrec-First-Ts"
#define FLEET_H_LAST  "Sysrec-Last-Ts"

/* Reading a window (fleet_fetch.c): chunks are fetched from the stream
 * time since - FLEET_LOOKBACK_NS (the recorder's default snapshot interval,
 * 30 s, and 10 s for clocks apart), further back when the covering snapshot
 * is not among them; a file is done once a chunk starts FLEET_SLACK_NS
 * after until. Messages are fetched FLEET_WINDOW_BATCH at a time, so that
 * stopping wastes little. */
#define FLEET_LOOKBACK_NS  40000000000ull
#define FLEET_SLACK_NS	   1000000000ull
#define FLEET_WINDOW_BATCH 8

struct fleet_conn {
	natsConnection *nc;
	jsCtx *js;
};

int fleet_conn_open(struct fleet_conn *c, const char *const *servers, size_t n, const char *creds,
		    int retry_forever, jsOptions *jo, struct sr_err *err);
void fleet_conn_close(struct fleet_conn *c);
int fleet_conn_fail(struct sr_err *err, natsStatus s, const char *what);
const char *fleet_stream_name(const struct fleet_cfg *cfg);
/* hostname as a subject token: [A-Za-z0-9_-], others '_' */
void fleet_subject_host(const char *hostname, char *out, size_t cap);

#endif
