/* out_nats.c: NATS through libnats. Core: publish to the subject (from its
 * template) then a flush (PING/PONG), so a 0 means the server has it.
 * JetStream: asynchronous publishes with Nats-Msg-Id = the alert's uuid,
 * a window of them (out_worker.c) acknowledged at flush before the spool's
 * cursor moves, so a retry after a lost ack is dropped by the stream's
 * duplicate window instead of stored twice. libnats' own
 * reconnect is off: a failed send closes the connection and the next
 * attempt connects again to one of the servers, behind the spool. The
 * connection itself is out_natsconn's, shared with fleet/. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_int.h"
#include "out_natsconn.h"

struct natsout {
	struct out_nats_conn c;
	atomic_int failed; /* the server refused a JetStream publish */
	int64_t ms;	   /* per delivery attempt */
};

static void on_pub_err(jsCtx *js, jsPubAckErr *pae, void *closure)
{
	struct natsout *n = closure;

	(void)js;
	(void)pae;
	atomic_store(&n->failed, 1);
}

static int nats_open(struct out_target *t, struct sr_err *err)
{
	const struct out_target_conf *c = t->c;
	struct natsout *n = calloc(1, sizeof(*n));
	struct out_nats_opts o = {0};
	const char *srv[OUT_NATS_MAX_SERVERS];
	char buf[4096];
	jsOptions jo;
	int rc;

	if (!n)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	n->ms = c->timeout_ns ? (int64_t)(c->timeout_ns / 1000000u) : 5000;
	snprintf(buf, sizeof(buf), "%s", c->address);
	o.servers = srv;
	o.nservers = out_nats_split(buf, srv, OUT_NATS_MAX_SERVERS);
	o.timeout_ms = n->ms;
	o.ca = c->ca;
	o.cert = c->cert;
	o.key = c->key;
	o.creds = c->credentials;
	o.jetstream = c->jetstream;
	/* the worker's window of alerts in flight, and room to spare */
	jsOptions_Init(&jo);
	jo.Wait = n->ms;
	jo.PublishAsync.MaxPending = 1024;
	jo.PublishAsync.ErrHandler = on_pub_err;
	jo.PublishAsync.ErrHandlerClosure = n;
	o.jo = &jo;
	rc = out_nats_open(&n->c, &o, err);
	if (rc) {
		free(n);
		return rc;
	}
	t->priv = n;
	return 0;
}

static void nats_close(struct out_target *t)
{
	struct natsout *n = t->priv;

	if (!n)
		return;
	out_nats_close(&n->c);
	free(n);
	t->priv = NULL;
}

/* On its way, acknowledged at flush: JetStream publishes asynchronously
 * with Nats-Msg-Id = the uuid (an alert sent again after a failed window is
 * dropped by the stream's duplicate window); core publishes are buffered
 * and confirmed by the flush's PING/PONG. */
static int nats_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		     struct sr_err *err)
{
	struct natsout *n = t->priv;
	char subj[512];
	natsStatus s;

	out_subject(t->c->subject ? t->c->subject : "sysrec.alerts.<priority>.<hostname>", r, subj,
		    sizeof(subj));
	if (n->c.js) {
		jsPubOptions po;

		jsPubOptions_Init(&po);
		po.MsgId = r->uuid;
		po.MaxWait = n->ms;
		s = js_PublishAsync(n->c.js, subj, body, (int)len, &po);
		return s == NATS_OK ? OUT_QUEUED : out_nats_fail(err, s, "JetStream publish");
	}
	s = natsConnection_Publish(n->c.nc, subj, body, (int)len);
	return s == NATS_OK ? OUT_QUEUED : out_nats_fail(err, s, "publish");
}

static int nats_flush(struct out_target *t, struct sr_err *err)
{
	struct natsout *n = t->priv;
	natsStatus s;

	if (n->c.js) {
		if (out_nats_async_wait(&n->c, n->ms))
			return sr_err_set(err, SR_EIO, "nats: JetStream: acknowledgements missing");
		if (atomic_exchange(&n->failed, 0))
			return sr_err_set(err, SR_EIO, "nats: JetStream: a publish was refused");
		return 0;
	}
	s = natsConnection_FlushTimeout(n->c.nc, n->ms);
	return s == NATS_OK ? 0 : out_nats_fail(err, s, "flush");
}

const struct out_ops out_ops_nats = {
    .open = nats_open, .send = nats_send, .close = nats_close, .flush = nats_flush};
