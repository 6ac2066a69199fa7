/* test_container: runtime answers -> CONTAINERINFO -> state -> container/k8s fields,
 * the HTTP client against a socket that answers, hangs or talks garbage, and
 * snapshots carrying the container table. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fields/fld.h"
#include "tests/tap.h"
#include "test_st_helpers.h"

#include "../../record/rec_container_http.c"
#include "../../record/rec_container_json.c"

#define CID	"c6affd2104049b0ee05eb7fc301c55956604d0b4e9f6e2209b70e98f1749852e"
#define SANDBOX "aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44"
#define PODUID	"11111111-2222-3333-4444-555555555555"

static const char inspect[] =
    "{\"Id\":\"" CID "\",\"Name\":\"/web\",\"Image\":\"sha256:5c9c8ff5\","
    "\"State\":{\"StartedAt\":\"2026-12-06T04:01:08.5Z\"},"
    "\"HostConfig\":{\"Privileged\":true,\"NetworkMode\":\"host\",\"PidMode\":\"private\","
    "\"Runtime\":\"runc\"},"
    "\"Mounts\":[{\"Source\":\"/etc\",\"Destination\":\"/host/etc\",\"RW\":false},"
    "{\"Source\":\"/var/data\",\"Destination\":\"/data\",\"RW\":true}],"
    "\"Config\":{\"User\":\"1000\",\"Image\":\"registry:5000/team/nginx:1.25@sha256:abcd\","
    "\"Labels\":{\"app\":\"shop\",\"io.kubernetes.pod.name\":\"web-1\","
    "\"io.kubernetes.pod.namespace\":\"prod\",\"io.kubernetes.pod.uid\":\"" PODUID "\","
    "\"io.kubernetes.container.name\":\"nginx\"}}}";

static const char sandbox[] =
    "{\"Id\":\"" SANDBOX "\",\"Name\":\"/k8s_POD_web-1\","
    "\"Config\":{\"Image\":\"pause:3.9\",\"Labels\":{\"tier\":\"front\","
    "\"io.kubernetes.docker.type\":\"podsandbox\",\"io.kubernetes.pod.uid\":\"" PODUID "\"}}}";

/* Runs the CONTAINERINFO record built from json through st. */
static int describe(struct st_state *st, const char *json)
{
	struct evt_rec h;
	struct sr_err err;
	int rc;

	memset(&h, 0, sizeof(h));
	h.ts = (tts += 1000);
	rc = rec_ctr_json_record(json, strlen(json), "docker", NULL, &h, &tb, &err);
	if (!rc)
		ev_run(st);
	return rc;
}

/* A read by pid 20 whose cgroup is the container's, then field name of it. */
static struct fld_ctx fc;
static char val[1024];

static const char *field(struct st_state *st, const char *name)
{
	struct fld_ref ref;
	struct fld_value v;
	struct sr_err err;

	tcg = 77;
	ev_begin(EVT_READ, 20, 20, 1, 0);
	ev_s(0);
	ev_u(0);
	ev_bytes("", 0);
	const struct evt *ev = ev_done();
	st_event_begin(st, ev);
	if (fld_resolve(name, &ref, &err))
		snprintf(val, sizeof(val), "unresolved");
	else {
		fld_ctx_reset(&fc, ev, st);
		if (fld_extract(&ref, &fc, &v))
			fld_value_format(&v, val, sizeof(val));
		else
			snprintf(val, sizeof(val), "<NA>");
	}
	st_event_end(st, ev);
	return val;
}

static struct st_state *container_state(void)
{
	struct st_state *st = st_new();

	tcg = 77;
	ev_begin(EVT_CGROUPINFO, 20, 20, 1, 0);
	ev_u(77);
	ev_str("/docker/" CID);
	ev_run(st);
	return st;
}

TEST(fields_from_inspect)
{
	struct st_state *st = container_state();

	/* before the description: the id only */
	CHECK_STR(field(st, "container.id"), "c6affd210404");
	CHECK_STR(field(st, "container.name"), "<NA>");
	CHECK_STR(field(st, "k8s.pod.name"), "<NA>");
	CHECK_EQ_INT(describe(st, inspect), 0);
	CHECK_STR(field(st, "container.name"), "web");
	CHECK_STR(field(st, "container.image"), "registry:5000/team/nginx:1.25@sha256:abcd");
	CHECK_STR(field(st, "container.image.repository"), "registry:5000/team/nginx");
	CHECK_STR(field(st, "container.image.tag"), "1.25");
	CHECK_STR(field(st, "container.image.digest"), "sha256:abcd");
	CHECK_STR(field(st, "container.image.id"), "sha256:5c9c8ff5");
	CHECK_STR(field(st, "container.type"), "docker");
	CHECK_STR(field(st, "container.privileged"), "true");
	CHECK_STR(field(st, "container.host_network"), "true");
	CHECK_STR(field(st, "container.host_pid"), "false");
	CHECK_STR(field(st, "container.start_ts"), "1796529668500000000");
	CHECK_STR(field(st, "container.label[app]"), "shop");
	CHECK_STR(field(st, "container.label.app"), "shop");
	CHECK_STR(field(st, "container.label[nope]"), "<NA>");
	CHECK(strstr(field(st, "container.labels"), "app:shop") != NULL);
	CHECK_STR(field(st, "container.mounts"),
		  "/etc:/host/etc:ro:false:,/var/data:/data:rw:true:");
	CHECK_STR(field(st, "container.mount.dest[/etc]"), "/host/etc");
	CHECK_STR(field(st, "container.mount.source[/data]"), "/var/data");
	CHECK_STR(field(st, "container.mount.source[1]"), "/var/data");
	CHECK_STR(field(st, "container.mount.rdwr[/host/*]"), "false");
	CHECK_STR(field(st, "container.mount[0]"), "/etc:/host/etc:ro:false:");
	CHECK_STR(field(st, "k8s.pod.name"), "web-1");
	CHECK_STR(field(st, "k8s.ns.name"), "prod");
	CHECK_STR(field(st, "k8s.pod.uid"), PODUID);
	CHECK_STR(field(st, "container.info"),
		  "container_id=c6affd210404 container_name=web container_image="
		  "registry:5000/team/nginx:1.25@sha256:abcd k8s_ns=prod k8s_pod=web-1");
	/* pod labels come from the pod's sandbox container, kubelet's keys left out */
	CHECK_STR(field(st, "k8s.pod.label[tier]"), "<NA>");
	CHECK_EQ_INT(describe(st, sandbox), 0);
	CHECK_STR(field(st, "k8s.pod.label[tier]"), "front");
	CHECK_STR(field(st, "k8s.pod.labels"), "tier:front");
	st_free(st);
}

TEST(host_thread)
{
	struct st_state *st = st_new();

	CHECK_EQ_INT(describe(st, inspect), 0);
	tcg = 0;
	ev_begin(EVT_READ, 30, 30, 1, 0);
	ev_s(0);
	ev_u(0);
	ev_bytes("", 0);
	ev_run(st);
	tcg = 0;
	/* field() puts the read in cgroup 77, which this state never named: host */
	CHECK_STR(field(st, "container.id"), "host");
	CHECK_STR(field(st, "container.name"), "host");
	CHECK_STR(field(st, "container.image"), "<NA>");
	CHECK_STR(field(st, "container.privileged"), "<NA>");
	CHECK_STR(field(st, "k8s.ns.name"), "<NA>");
	st_free(st);
}

TEST(bad_answers_refused)
{
	struct st_state *st = st_new();

	CHECK(describe(st, "") != 0);
	CHECK(describe(st, "[1,2]") != 0);
	CHECK(describe(st, "{\"Id\":\"short\"}") != 0);
	CHECK(describe(st, "{\"Id\":\"" CID "\",\"Config\":\"x\",\"Mounts\":5}") == 0);
	CHECK_EQ_INT((int)st_container_count(st), 1);
	st_free(st);
}

static int snap_n, snap_ctr;
static struct st_state *snap_into;

static int snap_cb(void *ctx, const void *rec, size_t len)
{
	struct evt ev;

	(void)ctx;
	if (evt_decode(&ev, rec, len))
		return -1;
	snap_n++;
	snap_ctr += ev.rec->type == EVT_CONTAINERINFO;
	st_event_begin(snap_into, &ev);
	st_event_end(snap_into, &ev);
	return 0;
}

TEST(snapshot_carries_containers)
{
	struct st_state *st = container_state(), *st2 = container_state();

	describe(st, inspect);
	describe(st, sandbox);
	/* a container no thread is in: described, not carried on */
	describe(st, "{\"Id\":\"ddeeff00112233445566778899aabbccddeeff00112233445566778899aabbcc\","
		     "\"Name\":\"/gone\"}");
	CHECK_EQ_INT((int)st_container_count(st), 3);
	snap_into = st2;
	CHECK_EQ_INT(st_snapshot_emit(st, 5, snap_cb, NULL), 0);
	CHECK_EQ_INT(snap_ctr, 2);
	/* a reader starting at that snapshot knows the containers */
	CHECK_STR(field(st2, "container.name"), "web");
	CHECK_STR(field(st2, "k8s.pod.label[tier]"), "front");
	CHECK_STR(field(st2, "container.mount.dest[/etc]"), "/host/etc");
	st_free(st);
	st_free(st2);
}

TEST(rfc3339_times)
{
	CHECK(rec_ctr_json_time("2026-12-06T04:01:08.659221093Z") == 1796529668659221093ull);
	CHECK(rec_ctr_json_time("2026-12-06T05:01:08+01:00") == 1796529668000000000ull);
	CHECK(rec_ctr_json_time("0001-01-01T00:00:00Z") == 0);
	CHECK(rec_ctr_json_time("yesterday") == 0);
}

/* ---- the HTTP client against a local server ---- */

static char sock_path[108];
static const char *answer; /* NULL: accept and never answer */

static void *serve(void *arg)
{
	int ls = *(int *)arg, fd = accept(ls, NULL, NULL);
	char buf[4096];

	if (fd < 0)
		return NULL;
	if (read(fd, buf, sizeof(buf)) > 0 && answer)
		(void)!write(fd, answer, strlen(answer));
	if (!answer)
		usleep(400000);
	close(fd);
	return NULL;
}

static int http(const char *ans, char **body, size_t *len, int timeout_ms)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	pthread_t th;
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), rc;

	snprintf(sock_path, sizeof(sock_path), "/tmp/test_container.%d.sock", (int)getpid());
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4))
		return -100;
	answer = ans;
	pthread_create(&th, NULL, serve, &ls);
	rc = rec_http_get(sock_path, "/containers/x/json", timeout_ms, body, len);
	pthread_join(th, NULL);
	close(ls);
	unlink(sock_path);
	return rc;
}

TEST(http_client)
{
	char *body;
	size_t len;

	CHECK_EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", &body, &len, 2000),
		     200);
	CHECK(body && len == 5 && !strcmp(body, "hello"));
	free(body);
	CHECK_EQ_INT(http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			  "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
			  &body, &len, 2000),
		     200);
	CHECK(body && !strcmp(body, "abcde"));
	free(body);
	CHECK_EQ_INT(http("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", &body, &len, 2000),
		     404);
	free(body);
	/* a server that accepts and never answers: the deadline */
	CHECK_EQ_INT(http(NULL, &body, &len, 100), REC_HTTP_TIMEOUT);
	CHECK(body == NULL);
	CHECK_EQ_INT(http("garbage garbage\r\n\r\n", &body, &len, 2000), REC_HTTP_BAD);
	CHECK_EQ_INT(rec_http_get("/nonexistent/dir/x.sock", "/x", 100, &body, &len),
		     REC_HTTP_ABSENT);
}
