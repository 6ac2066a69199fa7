/* nats_tool: a NATS/JetStream peer for the outputs tests (libnats).
 *   nats_tool sub URL SUBJECT OUT COUNT SECONDS
 *       subscribe, print "ready", append each message to OUT (one line),
 *       exit 0 when COUNT arrived, 1 after SECONDS without reaching it
 *   nats_tool stream-add URL NAME SUBJECT REPLICAS   file storage
 *   nats_tool stream-dump URL NAME OUT   every message by sequence to OUT
 *   nats_tool leader URL NAME            the stream leader's server name
 * URL may be a comma-separated list of servers. */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static natsConnection *connect_to(const char *url)
{
	natsConnection *nc = NULL;
	natsOptions *o = NULL;
	natsStatus s = natsOptions_Create(&o);

	char buf[1024], *srv[8], *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", url);
	for (char *t = strtok_r(buf, ",", &save); t && n < 8; t = strtok_r(NULL, ",", &save))
		srv[n++] = t;
	if (s == NATS_OK)
		s = natsOptions_SetServers(o, (const char **)srv, n);
	if (s == NATS_OK)
		s = natsOptions_SetNoRandomize(o, true);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(o, 3000);
	if (s == NATS_OK)
		s = natsConnection_Connect(&nc, o);
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		fprintf(stderr, "nats_tool: connect %s: %s\n", url, natsStatus_GetText(s));
		exit(2);
	}
	return nc;
}

static int cmd_sub(char **a)
{
	natsConnection *nc = connect_to(a[0]);
	natsSubscription *sub = NULL;
	long want = atol(a[3]), got = 0;
	time_t end = time(NULL) + atol(a[4]);
	FILE *out = fopen(a[2], "a");

	if (!out || natsConnection_SubscribeSync(&sub, nc, a[1]) != NATS_OK ||
	    natsConnection_Flush(nc) != NATS_OK)
		return 2;
	printf("ready\n");
	fflush(stdout);
	while (got < want && time(NULL) < end) {
		natsMsg *m = NULL;

		if (natsSubscription_NextMsg(&m, sub, 200) != NATS_OK)
			continue;
		fprintf(out, "%.*s\n", natsMsg_GetDataLength(m), natsMsg_GetData(m));
		fflush(out);
		natsMsg_Destroy(m);
		got++;
	}
	natsSubscription_Destroy(sub);
	natsConnection_Destroy(nc);
	return got >= want ? 0 : 1;
}

static jsCtx *js_of(natsConnection *nc)
{
	jsCtx *js = NULL;

	if (natsConnection_JetStream(&js, nc, NULL) != NATS_OK)
		exit(2);
	return js;
}

static int cmd_stream_add(char **a)
{
	natsConnection *nc = connect_to(a[0]);
	jsCtx *js = js_of(nc);
	const char *subj[1] = {a[2]};
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode je = 0;
	natsStatus s;

	jsStreamConfig_Init(&cfg);
	cfg.Name = a[1];
	cfg.Subjects = subj;
	cfg.SubjectsLen = 1;
	cfg.Storage = js_FileStorage;
	cfg.Replicas = atoi(a[3]);
	s = js_AddStream(&si, js, &cfg, NULL, &je);
	if (s != NATS_OK)
		fprintf(stderr, "nats_tool: add stream: %s (%d) %s\n", natsStatus_GetText(s),
			(int)je, nats_GetLastError(NULL));
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	return s == NATS_OK ? 0 : 1;
}

static int cmd_stream_dump(char **a)
{
	natsConnection *nc = connect_to(a[0]);
	jsCtx *js = js_of(nc);
	jsStreamInfo *si = NULL;
	FILE *out = fopen(a[2], "w");
	jsErrCode je = 0;

	if (!out || js_GetStreamInfo(&si, js, a[1], NULL, &je) != NATS_OK)
		return 2;
	for (uint64_t seq = si->State.FirstSeq; seq && seq <= si->State.LastSeq; seq++) {
		natsMsg *m = NULL;

		if (js_GetMsg(&m, js, a[1], seq, NULL, &je) != NATS_OK)
			continue; /* a deleted sequence */
		fprintf(out, "%.*s\n", natsMsg_GetDataLength(m), natsMsg_GetData(m));
		natsMsg_Destroy(m);
	}
	fclose(out);
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	return 0;
}

static int cmd_leader(char **a)
{
	natsConnection *nc = connect_to(a[0]);
	jsCtx *js = js_of(nc);
	jsStreamInfo *si = NULL;
	jsErrCode je = 0;

	if (js_GetStreamInfo(&si, js, a[1], NULL, &je) != NATS_OK || !si->Cluster ||
	    !si->Cluster->Leader)
		return 1;
	printf("%s\n", si->Cluster->Leader);
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 7 && !strcmp(argv[1], "sub"))
		return cmd_sub(argv + 2);
	if (argc >= 6 && !strcmp(argv[1], "stream-add"))
		return cmd_stream_add(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "stream-dump"))
		return cmd_stream_dump(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "leader"))
		return cmd_leader(argv + 2);
	fprintf(stderr, "usage: see the head of tests/tools/nats_tool.c\n");
	return 2;
}
