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
#define FLEET_H_NAME  "Sysrec-Name" /* evidence header: the file's name on disk */

struct fleet_conn {
	natsConnection *nc;
	jsCtx *js;
};

int fleet_conn_open(struct fleet_conn *c, const char *const *servers, size_t n, const char *creds,
		    int retry_forever, jsOptions *jo, struct sr_err *err);
void fleet_conn_close(struct fleet_conn *c);
int fleet_conn_fail(struct sr_err *err, natsStatus s, const char *what);
const char *fleet_stream_name(const struct fleet_cfg *cfg);

#endif
