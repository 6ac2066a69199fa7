/* out_nats.c: NATS through libnats. Core: publish to the subject (from its
 * template) then a flush (PING/PONG), so a 0 means the server has it.
 * JetStream: js_Publish waits for the stream's acknowledgement, with
 * Nats-Msg-Id = the alert's uuid, so a retry after a lost ack is dropped by
 * the stream's duplicate window instead of stored twice. libnats' own
 * reconnect is off: a failed send closes the connection and the next
 * attempt connects again to one of the servers, behind the spool. */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_int.h"

struct natsout {
	natsConnection *nc;
	jsCtx *js;
};

static int nats_fail(struct sr_err *err, const char *what, natsStatus s)
{
	return sr_err_set(err, SR_EIO, "nats %s: %s", what, natsStatus_GetText(s));
}

/* The comma-separated list as libnats' server pool (SetURL with a list
 * does not fall back to the next server when the first is down). */
static natsStatus set_servers(natsOptions *o, const char *list)
{
	char buf[4096], *srv[32], *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ", ", &save); t && n < 32; t = strtok_r(NULL, ", ", &save))
		srv[n++] = t;
	return natsOptions_SetServers(o, (const char **)srv, n);
}

static int nats_open(struct out_target *t, struct sr_err *err)
{
	const struct out_target_conf *c = t->c;
	int64_t ms = c->timeout_ns ? (int64_t)(c->timeout_ns / 1000000u) : 5000;
	struct natsout *n = calloc(1, sizeof(*n));
	natsOptions *o = NULL;
	natsStatus s;

	if (!n)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	s = natsOptions_Create(&o);
	if (s == NATS_OK)
		s = set_servers(o, c->address);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(o, ms);
	if (s == NATS_OK)
		s = natsOptions_SetAllowReconnect(o, false);
	if (s == NATS_OK)
		s = natsOptions_SetName(o, "sysrec");
	if (s == NATS_OK && (c->ca || c->cert))
		s = natsOptions_SetSecure(o, true);
	if (s == NATS_OK && c->ca)
		s = natsOptions_LoadCATrustedCertificates(o, c->ca);
	if (s == NATS_OK && c->cert)
		s = natsOptions_LoadCertificatesChain(o, c->cert, c->key ? c->key : c->cert);
	if (s == NATS_OK && c->credentials)
		s = natsOptions_SetUserCredentialsFromFiles(o, c->credentials, NULL);
	if (s == NATS_OK)
		s = natsConnection_Connect(&n->nc, o);
	if (s == NATS_OK && c->jetstream)
		s = natsConnection_JetStream(&n->js, n->nc, NULL);
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		if (n->nc)
			natsConnection_Destroy(n->nc);
		free(n);
		return nats_fail(err, c->address, s);
	}
	t->priv = n;
	return 0;
}

static void nats_close(struct out_target *t)
{
	struct natsout *n = t->priv;

	if (!n)
		return;
	if (n->js)
		jsCtx_Destroy(n->js);
	natsConnection_Destroy(n->nc);
	free(n);
	t->priv = NULL;
}

static int nats_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		     struct sr_err *err)
{
	struct natsout *n = t->priv;
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
		return s == NATS_OK ? 0 : nats_fail(err, "JetStream publish", s);
	}
	s = natsConnection_Publish(n->nc, subj, body, (int)len);
	if (s == NATS_OK)
		s = natsConnection_FlushTimeout(n->nc, ms);
	return s == NATS_OK ? 0 : nats_fail(err, "publish", s);
}

const struct out_ops out_ops_nats = {.open = nats_open, .send = nats_send, .close = nats_close};
