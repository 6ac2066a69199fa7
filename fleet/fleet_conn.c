/* fleet_conn: the NATS connection and JetStream context the publisher and
 * the reader share, and `sysrec fleet init` (the stream). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_int.h"

static int nats_fail(struct sr_err *err, natsStatus s, const char *what)
{
	const char *last = nats_GetLastError(NULL);

	return sr_err_set(err, SR_EIO, "nats: %s: %s%s%s", what, natsStatus_GetText(s),
			  last && *last ? ": " : "", last && *last ? last : "");
}

/* With a callback, a connect that fails goes on in the background
 * (NATS_NOT_YET_CONNECTED) instead of retrying inside natsConnection_Connect. */
static void on_connected(natsConnection *nc, void *closure)
{
	(void)nc;
	(void)closure;
}

int fleet_conn_open(struct fleet_conn *c, const char *const *servers, size_t n, const char *creds,
		    int retry_forever, jsOptions *jo, struct sr_err *err)
{
	natsOptions *o = NULL;
	natsStatus s;

	memset(c, 0, sizeof(*c));
	s = natsOptions_Create(&o);
	if (s == NATS_OK)
		s = natsOptions_SetServers(o, (const char **)servers, (int)n);
	/* the publisher rides out a cluster restart; a reader gives up */
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(o, retry_forever ? -1 : 5);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(o, 250);
	if (s == NATS_OK && retry_forever)
		s = natsOptions_SetRetryOnFailedConnect(o, true, on_connected, NULL);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(o, 2000);
	if (s == NATS_OK && creds)
		s = natsOptions_SetUserCredentialsFromFiles(o, creds, NULL);
	if (s != NATS_OK) {
		natsOptions_Destroy(o);
		return nats_fail(err, s, "options");
	}
	s = natsConnection_Connect(&c->nc, o);
	natsOptions_Destroy(o);
	/* with retry-on-failed-connect the connection exists and reconnects */
	if (s == NATS_NOT_YET_CONNECTED)
		s = NATS_OK;
	if (s != NATS_OK)
		return nats_fail(err, s, servers[0]);
	s = natsConnection_JetStream(&c->js, c->nc, jo);
	if (s != NATS_OK) {
		natsConnection_Destroy(c->nc);
		c->nc = NULL;
		return nats_fail(err, s, "jetstream");
	}
	return 0;
}

void fleet_conn_close(struct fleet_conn *c)
{
	if (c->js)
		jsCtx_Destroy(c->js);
	if (c->nc)
		natsConnection_Destroy(c->nc);
	c->js = NULL;
	c->nc = NULL;
}

int fleet_conn_fail(struct sr_err *err, natsStatus s, const char *what)
{
	return nats_fail(err, s, what);
}

const char *fleet_stream_name(const struct fleet_cfg *cfg)
{
	return cfg->stream && *cfg->stream ? cfg->stream : FLEET_DEFAULT_STREAM;
}

int fleet_stream_init(const struct fleet_cfg *cfg, struct sr_err *err)
{
	const char *subjects[] = {"sysrec.>"};
	struct fleet_conn c;
	jsStreamConfig sc;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	int rc;

	rc = fleet_conn_open(&c, cfg->servers, cfg->nservers, cfg->creds, 0, NULL, err);
	if (rc)
		return rc;
	jsStreamConfig_Init(&sc);
	sc.Name = fleet_stream_name(cfg);
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Replicas = cfg->replicas > 0 ? cfg->replicas : 3;
	sc.MaxAge = (int64_t)(cfg->max_age_ns ? cfg->max_age_ns : 7ull * 24 * 3600 * 1000000000ull);
	sc.MaxBytes = cfg->max_bytes > 0 ? cfg->max_bytes : -1;
	/* a recorder that restarts within this window and sends again is deduplicated by
	 * the server; after it, its state file and the stream's last message say where
	 * it stood */
	sc.Duplicates =
	    (int64_t)(cfg->dup_window_ns ? cfg->dup_window_ns : 20ull * 60 * 1000000000ull);
	sc.Discard = js_DiscardOld;
	s = js_AddStream(&si, c.js, &sc, NULL, &jerr);
	if (s != NATS_OK && jerr == JSStreamNameExistErr) {
		s = js_UpdateStream(&si, c.js, &sc, NULL, &jerr);
		if (s == NATS_OK)
			printf(
			    "stream %s updated: subjects sysrec.>, %lld replicas, file storage\n",
			    sc.Name, (long long)sc.Replicas);
	} else if (s == NATS_OK) {
		printf("stream %s created: subjects sysrec.>, %lld replicas, file storage\n",
		       sc.Name, (long long)sc.Replicas);
	}
	if (s != NATS_OK)
		rc = nats_fail(err, s, sc.Name);
	if (si)
		jsStreamInfo_Destroy(si);
	fleet_conn_close(&c);
	return rc;
}

void fleet_subject_host(const char *hostname, char *out, size_t cap)
{
	size_t i = 0;

	for (; hostname[i] && i + 1 < cap; i++) {
		char ch = hostname[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';

		out[i] = ok ? ch : '_';
	}
	out[i] = '\0';
	if (!i && cap > 1)
		snprintf(out, cap, "_");
}
