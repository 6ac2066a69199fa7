/* out_natsconn.c: the NATS connection setup (see out_natsconn.h). */
#include "out_natsconn.h"

#include <stdio.h>
#include <string.h>

int out_nats_fail(struct sr_err *err, natsStatus s, const char *what)
{
	const char *last = nats_GetLastError(NULL);

	return sr_err_set(err, SR_EIO, "nats: %s: %s%s%s", what, natsStatus_GetText(s),
			  last && *last ? ": " : "", last && *last ? last : "");
}

size_t out_nats_split(char *list, const char **v, size_t vmax)
{
	char *save = NULL;
	size_t n = 0;

	for (char *t = strtok_r(list, ", ", &save); t && n < vmax; t = strtok_r(NULL, ", ", &save))
		v[n++] = t;
	return n;
}

/* With a callback, a connect that fails goes on in the background
 * (NATS_NOT_YET_CONNECTED) instead of failing natsConnection_Connect. */
static void on_connected(natsConnection *nc, void *closure)
{
	(void)nc;
	(void)closure;
}

static natsStatus set_options(natsOptions *no, const struct out_nats_opts *o)
{
	natsStatus s = natsOptions_SetServers(no, (const char **)o->servers, (int)o->nservers);

	if (s == NATS_OK)
		s = natsOptions_SetName(no, "sysrec");
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(no, o->timeout_ms > 0 ? o->timeout_ms : 2000);
	if (s == NATS_OK && !o->reconnect)
		s = natsOptions_SetAllowReconnect(no, false);
	if (s == NATS_OK && o->reconnect)
		s = natsOptions_SetMaxReconnect(no, o->reconnect < 0 ? -1 : o->reconnect);
	if (s == NATS_OK && o->reconnect)
		s = natsOptions_SetReconnectWait(no, 250);
	if (s == NATS_OK && o->reconnect < 0)
		s = natsOptions_SetRetryOnFailedConnect(no, true, on_connected, NULL);
	if (s == NATS_OK && (o->ca || o->cert))
		s = natsOptions_SetSecure(no, true);
	if (s == NATS_OK && o->ca)
		s = natsOptions_LoadCATrustedCertificates(no, o->ca);
	if (s == NATS_OK && o->cert)
		s = natsOptions_LoadCertificatesChain(no, o->cert, o->key ? o->key : o->cert);
	if (s == NATS_OK && o->creds)
		s = natsOptions_SetUserCredentialsFromFiles(no, o->creds, NULL);
	return s;
}

int out_nats_open(struct out_nats_conn *c, const struct out_nats_opts *o, struct sr_err *err)
{
	natsOptions *no = NULL;
	natsStatus s;

	memset(c, 0, sizeof(*c));
	if (!o->nservers)
		return sr_err_set(err, SR_ESYNTAX, "nats: no server");
	s = natsOptions_Create(&no);
	if (s == NATS_OK)
		s = set_options(no, o);
	if (s != NATS_OK) {
		natsOptions_Destroy(no);
		return out_nats_fail(err, s, "options");
	}
	s = natsConnection_Connect(&c->nc, no);
	natsOptions_Destroy(no);
	/* with retry-on-failed-connect the connection exists and reconnects */
	if (s == NATS_NOT_YET_CONNECTED && o->reconnect < 0)
		s = NATS_OK;
	if (s != NATS_OK) {
		natsConnection_Destroy(c->nc);
		c->nc = NULL;
		return out_nats_fail(err, s, o->servers[0]);
	}
	if (o->jetstream) {
		s = natsConnection_JetStream(&c->js, c->nc, (jsOptions *)o->jo);
		if (s != NATS_OK) {
			out_nats_close(c);
			return out_nats_fail(err, s, "jetstream");
		}
	}
	return 0;
}

int out_nats_async_wait(struct out_nats_conn *c, int64_t ms)
{
	jsPubOptions po;
	natsMsgList pending = {0};

	jsPubOptions_Init(&po);
	po.MaxWait = ms;
	if (js_PublishAsyncComplete(c->js, &po) == NATS_OK)
		return 0;
	if (js_PublishAsyncGetPendingList(&pending, c->js) == NATS_OK)
		natsMsgList_Destroy(&pending);
	return -1;
}

void out_nats_close(struct out_nats_conn *c)
{
	if (c->js)
		jsCtx_Destroy(c->js);
	if (c->nc)
		natsConnection_Destroy(c->nc);
	c->js = NULL;
	c->nc = NULL;
}
