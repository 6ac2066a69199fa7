/* test_natsconn: the NATS connection setup shared by the nats output and
 * fleet/ (outputs/out_natsconn.c): server lists, the reconnect policies and
 * the error text. No server is needed: nothing listens on port 1. */
#include <string.h>

#include "outputs/out_natsconn.h"
#include "tests/tap.h"

TEST(split_list)
{
	char list[] = "nats://a:1, nats://b:2,nats://c:3";
	const char *v[4];

	CHECK_EQ_INT(out_nats_split(list, v, 4), 3);
	CHECK_STR(v[0], "nats://a:1");
	CHECK_STR(v[1], "nats://b:2");
	CHECK_STR(v[2], "nats://c:3");
}

TEST(split_cap)
{
	char list[] = "a,b,c";
	const char *v[2];

	CHECK_EQ_INT(out_nats_split(list, v, 2), 2);
}

TEST(no_server)
{
	struct out_nats_opts o = {0};
	struct out_nats_conn c;
	struct sr_err err;

	sr_err_clear(&err);
	CHECK_EQ_INT(out_nats_open(&c, &o, &err), SR_ESYNTAX);
	CHECK(c.nc == NULL && c.js == NULL);
}

/* the nats output and a reader: a server that does not answer is an error
 * naming it */
TEST(unreachable_fails)
{
	const char *srv[] = {"nats://127.0.0.1:1"};
	struct out_nats_opts o = {.servers = srv, .nservers = 1, .timeout_ms = 300};
	struct out_nats_conn c;
	struct sr_err err;

	sr_err_clear(&err);
	CHECK_EQ_INT(out_nats_open(&c, &o, &err), SR_EIO);
	CHECK(!strncmp(err.msg, "nats: nats://127.0.0.1:1: ", 26));
	CHECK(c.nc == NULL);
}

/* the fleet publisher: it starts with nothing answering and connects in
 * the background, JetStream context ready */
TEST(unreachable_forever)
{
	const char *srv[] = {"nats://127.0.0.1:1"};
	struct out_nats_opts o = {
	    .servers = srv, .nservers = 1, .timeout_ms = 300, .reconnect = -1, .jetstream = 1};
	struct out_nats_conn c;
	struct sr_err err;

	sr_err_clear(&err);
	CHECK_EQ_INT(out_nats_open(&c, &o, &err), 0);
	CHECK(c.nc != NULL && c.js != NULL);
	CHECK(c.nc && natsConnection_Status(c.nc) != NATS_CONN_STATUS_CONNECTED);
	out_nats_close(&c);
	CHECK(c.nc == NULL && c.js == NULL);
}

/* TLS files are loaded: a CA file that is not there fails at the options */
TEST(tls_files_used)
{
	const char *srv[] = {"nats://127.0.0.1:1"};
	struct out_nats_opts o = {.servers = srv, .nservers = 1, .ca = "/nonexistent/ca.pem"};
	struct out_nats_conn c;
	struct sr_err err;

	sr_err_clear(&err);
	CHECK_EQ_INT(out_nats_open(&c, &o, &err), SR_EIO);
	CHECK(!strncmp(err.msg, "nats: options: ", 15));
}
