/* fleet_conn: the fleet's connection policy over outputs/out_natsconn (the
 * publisher and the reader share it), and `sysrec fleet init` (the stream). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_int.h"

int fleet_conn_open(struct out_nats_conn *c, const char *const *servers, size_t n,
		    const char *creds, int retry_forever, const jsOptions *jo, struct sr_err *err)
{
	struct out_nats_opts o = {0};

	o.servers = servers;
	o.nservers = n;
	o.creds = creds;
	o.reconnect = retry_forever ? -1 : 5;
	o.jetstream = 1;
	o.jo = jo;
	return out_nats_open(c, &o, err);
}

const char *fleet_stream_name(const struct fleet_cfg *cfg)
{
	return cfg->stream && *cfg->stream ? cfg->stream : FLEET_DEFAULT_STREAM;
}

int fleet_stream_init(const struct fleet_cfg *cfg, struct sr_err *err)
{
	const char *subjects[] = {"sysrec.>"};
	struct out_nats_conn c;
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
		rc = out_nats_fail(err, s, sc.Name);
	if (si)
		jsStreamInfo_Destroy(si);
	out_nats_close(&c);
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
