/* out_nats.c: NATS through libnats. Core: publish to the subject (from its
 * template) then a flush (PING/PONG), so a 0 means the server has it.
 * JetStream: js_Publish waits for the stream's acknowledgement, with
 * Nats-Msg-Id = the alert's uuid, so a retry after a lost ack is dropped by
 * the stream's duplicate window instead of stored twice. libnats' own
 * reconnect is off: a failed send closes the connection and the next
 * attempt connects again to one of the servers, behind the spool. The
 * connection itself is out_natsconn's, shared with fleet/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_int.h"
#include "out_natsconn.h"

static int nats_open(struct out_target *t, struct sr_err *err)
{
	const struct out_target_conf *c = t->c;
	struct out_nats_conn *n = calloc(1, sizeof(*n));
	struct out_nats_opts o = {0};
	const char *srv[OUT_NATS_MAX_SERVERS];
	char buf[4096];
	int rc;

	if (!n)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	snprintf(buf, sizeof(buf), "%s", c->address);
	o.servers = srv;
	o.nservers = out_nats_split(buf, srv, OUT_NATS_MAX_SERVERS);
	o.timeout_ms = c->timeout_ns ? (int64_t)(c->timeout_ns / 1000000u) : 5000;
	o.ca = c->ca;
	o.cert = c->cert;
	o.key = c->key;
	o.creds = c->credentials;
	o.jetstream = c->jetstream;
	rc = out_nats_open(n, &o, err);
	if (rc) {
		free(n);
		return rc;
	}
	t->priv = n;
	return 0;
}

static void nats_close(struct out_target *t)
{
	struct out_nats_conn *n = t->priv;

	if (!n)
		return;
	out_nats_close(n);
	free(n);
	t->priv = NULL;
}

static int nats_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		     struct sr_err *err)
{
	struct out_nats_conn *n = t->priv;
	int64_t ms = t->c->timeout_ns ? (int64_t)(t->c->timeout_ns / 1000000u) : 5000;
	char subj[512];
	natsStatus s;

	out_subject(t->c->subject ? t->c->subject : "sysrec.alerts.<priority>.<hostname>", r, subj,
		    sizeof(subj));
	if (n->js) {
		jsPubOptions po;
		jsPubAck *ack = NULL;
		jsErrCode je = 0;

		jsPubOptions_Init(&po);
		po.MsgId = r->uuid;
		po.MaxWait = ms;
		s = js_Publish(&ack, n->js, subj, body, (int)len, &po, &je);
		jsPubAck_Destroy(ack);
		return s == NATS_OK ? 0 : out_nats_fail(err, s, "JetStream publish");
	}
	s = natsConnection_Publish(n->nc, subj, body, (int)len);
	if (s == NATS_OK)
		s = natsConnection_FlushTimeout(n->nc, ms);
	return s == NATS_OK ? 0 : out_nats_fail(err, s, "publish");
}

const struct out_ops out_ops_nats = {nats_open, nats_send, nats_close};
