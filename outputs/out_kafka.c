/* out_kafka.c: Kafka through librdkafka: an idempotent producer with
 * acks=all, key = hostname. An alert is produced once, then its delivery
 * report is awaited; while it has not come (a broker down: librdkafka keeps
 * retrying it, in order, without duplicates) send returns OUT_PENDING and
 * the same message is awaited again, never produced a second time. Only a
 * failed report (message.timeout.ms passed) produces it again.
 * librdkafka is loaded when the first Kafka output opens (out_dl.h): its
 * header gives the types and constants, every call goes through kf below. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_dl.h"
#include "out_int.h"

static struct {
	rd_kafka_conf_t *(*conf_new)(void);
	void (*conf_destroy)(rd_kafka_conf_t *conf);
	rd_kafka_conf_res_t (*conf_set)(rd_kafka_conf_t *conf, const char *name, const char *value,
					char *errstr, size_t errstr_size);
	void (*conf_set_dr_msg_cb)(rd_kafka_conf_t *conf,
				   void (*cb)(rd_kafka_t *rk, const rd_kafka_message_t *m,
					      void *opaque));
	void (*conf_set_opaque)(rd_kafka_conf_t *conf, void *opaque);
	rd_kafka_t *(*new_)(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr,
			    size_t errstr_size);
	rd_kafka_resp_err_t (*flush)(rd_kafka_t *rk, int timeout_ms);
	void (*destroy)(rd_kafka_t *rk);
	rd_kafka_resp_err_t (*producev)(rd_kafka_t *rk, ...);
	int (*poll)(rd_kafka_t *rk, int timeout_ms);
	const char *(*err2str)(rd_kafka_resp_err_t err);
} kf;

static const char *const kf_sonames[] = {"librdkafka.so.1", "librdkafka.so", NULL};
static const struct out_dl_sym kf_syms[] = {
    {"rd_kafka_conf_new", (void **)&kf.conf_new},
    {"rd_kafka_conf_destroy", (void **)&kf.conf_destroy},
    {"rd_kafka_conf_set", (void **)&kf.conf_set},
    {"rd_kafka_conf_set_dr_msg_cb", (void **)&kf.conf_set_dr_msg_cb},
    {"rd_kafka_conf_set_opaque", (void **)&kf.conf_set_opaque},
    {"rd_kafka_new", (void **)&kf.new_},
    {"rd_kafka_flush", (void **)&kf.flush},
    {"rd_kafka_destroy", (void **)&kf.destroy},
    {"rd_kafka_producev", (void **)&kf.producev},
    {"rd_kafka_poll", (void **)&kf.poll},
    {"rd_kafka_err2str", (void **)&kf.err2str},
    {NULL, NULL},
};
static struct out_dl kf_dl = {
    .what = "librdkafka (Kafka outputs)", .sonames = kf_sonames, .syms = kf_syms};

enum { KF_NONE, KF_WAIT, KF_OK, KF_FAIL };

struct kafka {
	rd_kafka_t *rk;
	char uuid[37]; /* the alert in flight */
	int state;
	char why[256];
};

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kafka *k = opaque;

	(void)rk;
	if (m->_private != (void *)k)
		return;
	if (m->err) {
		k->state = KF_FAIL;
		snprintf(k->why, sizeof(k->why), "%s", kf.err2str(m->err));
	} else {
		k->state = KF_OK;
	}
}

static int kafka_open(struct out_target *t, struct sr_err *err)
{
	const struct out_target_conf *c = t->c;
	struct kafka *k;
	rd_kafka_conf_t *conf;
	char es[512];
	int bad = 0;

	if (out_dl_load(&kf_dl, err))
		return err->code;
	k = calloc(1, sizeof(*k));
	conf = kf.conf_new();
	if (!k || !conf) {
		free(k);
		if (conf)
			kf.conf_destroy(conf);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	bad |= kf.conf_set(conf, "bootstrap.servers", c->address, es, sizeof(es));
	bad |= kf.conf_set(conf, "enable.idempotence", "true", es, sizeof(es));
	bad |= kf.conf_set(conf, "acks", "all", es, sizeof(es));
	bad |= kf.conf_set(conf, "linger.ms", "0", es, sizeof(es));
	/* a broker back from an outage is found again within a second */
	bad |= kf.conf_set(conf, "reconnect.backoff.max.ms", "1000", es, sizeof(es));
	/* options: "name=value" pairs handed to librdkafka as they are */
	for (size_t i = 0; i < c->nheaders && !bad; i++) {
		char name[256];
		const char *eq = strchr(c->headers[i], '=');

		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - c->headers[i]) : 0,
			 c->headers[i]);
		bad |= kf.conf_set(conf, name, eq ? eq + 1 : "", es, sizeof(es));
	}
	if (bad) {
		kf.conf_destroy(conf);
		free(k);
		return sr_err_set(err, SR_ESYNTAX, "kafka: %s", es);
	}
	kf.conf_set_dr_msg_cb(conf, on_dr);
	kf.conf_set_opaque(conf, k);
	k->rk = kf.new_(RD_KAFKA_PRODUCER, conf, es, sizeof(es));
	if (!k->rk) {
		kf.conf_destroy(conf);
		free(k);
		return sr_err_set(err, SR_EIO, "kafka: %s", es);
	}
	t->priv = k;
	return 0;
}

static void kafka_close(struct out_target *t)
{
	struct kafka *k = t->priv;

	if (!k)
		return;
	/* what is in flight either arrives now or is sent again from the spool
	 * (its uuid tells the copies apart) */
	kf.flush(k->rk, 2000);
	kf.destroy(k->rk);
	free(k);
	t->priv = NULL;
}

static int kafka_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		      struct sr_err *err)
{
	struct kafka *k = t->priv;
	uint64_t ms = t->c->timeout_ns ? t->c->timeout_ns / 1000000u : 5000,
		 start = sr_time_now(CLOCK_MONOTONIC);

	if (k->state == KF_NONE || k->state == KF_FAIL || strcmp(k->uuid, r->uuid)) {
		rd_kafka_resp_err_t e = kf.producev(
		    k->rk, RD_KAFKA_V_TOPIC(t->c->subject ? t->c->subject : "sysrec-alerts"),
		    RD_KAFKA_V_KEY(r->hostname, strlen(r->hostname)),
		    RD_KAFKA_V_VALUE((void *)body, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_OPAQUE(k), RD_KAFKA_V_END);

		if (e)
			return sr_err_set(err, SR_EIO, "kafka produce: %s", kf.err2str(e));
		snprintf(k->uuid, sizeof(k->uuid), "%s", r->uuid);
		k->state = KF_WAIT;
	}
	while (k->state == KF_WAIT && sr_time_now(CLOCK_MONOTONIC) - start < ms * 1000000u)
		kf.poll(k->rk, 50);
	if (k->state == KF_OK) {
		k->state = KF_NONE;
		return 0;
	}
	if (k->state == KF_FAIL) {
		sr_err_set(err, SR_EIO, "kafka delivery: %s", k->why);
		return OUT_PENDING; /* produced again on the next attempt */
	}
	sr_err_set(err, SR_EIO, "kafka: no delivery report within %llu ms", (unsigned long long)ms);
	return OUT_PENDING;
}

static int kafka_prepare(struct sr_err *err)
{
	return out_dl_load(&kf_dl, err);
}

const struct out_ops out_ops_kafka = {
    .open = kafka_open, .send = kafka_send, .close = kafka_close, .prepare = kafka_prepare};
