/* kafka_mock: librdkafka's mock cluster as the Kafka peer of the outputs
 * tests (no broker package exists here).
 *   kafka_mock TOPIC
 * Starts 3 mock brokers, creates TOPIC (1 partition, replication 3, leader
 * broker 1), prints the bootstrap servers on the first line, then reads
 * commands on stdin, answering each with one line:
 *   down N / up N                  broker N unavailable / back ("ok")
 *   consume COUNT SECONDS OUT      a consumer group reads TOPIC from the
 *                                  start, values to OUT ("consumed N")
 * End of input stops it. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *topic;

static long consume(const char *boot, long want, long secs, const char *path)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tl;
	char es[512];
	rd_kafka_t *rk;
	time_t end = time(NULL) + secs;
	FILE *out = fopen(path, "w");
	long got = 0;

	rd_kafka_conf_set(c, "bootstrap.servers", boot, es, sizeof(es));
	rd_kafka_conf_set(c, "group.id", "sysrec-test", es, sizeof(es));
	rd_kafka_conf_set(c, "auto.offset.reset", "earliest", es, sizeof(es));
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, es, sizeof(es));
	if (!rk || !out)
		return -1;
	rd_kafka_poll_set_consumer(rk);
	tl = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(tl, topic, RD_KAFKA_PARTITION_UA);
	rd_kafka_subscribe(rk, tl);
	rd_kafka_topic_partition_list_destroy(tl);
	while (got < want && time(NULL) < end) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);

		if (!m)
			continue;
		if (!m->err) {
			fprintf(out, "%.*s\n", (int)m->len, (const char *)m->payload);
			got++;
		}
		rd_kafka_message_destroy(m);
	}
	/* on until the topic is quiet for a second: a repeat counted among the
	 * expected ones must not hide the message after it */
	for (int quiet = 0; quiet < 10 && time(NULL) < end + 5;) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);

		quiet = m ? 0 : quiet + 1;
		if (m && !m->err)
			fprintf(out, "%.*s\n", (int)m->len, (const char *)m->payload);
		if (m)
			rd_kafka_message_destroy(m);
	}
	fclose(out);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return got;
}

int main(int argc, char **argv)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_mock_cluster_t *mc;
	char es[512], line[1024];
	const char *boot;
	rd_kafka_t *rk;

	if (argc < 2) {
		fprintf(stderr, "usage: kafka_mock TOPIC\n");
		return 2;
	}
	topic = argv[1];
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, es, sizeof(es));
	mc = rk ? rd_kafka_mock_cluster_new(rk, 3) : NULL;
	if (!mc) {
		fprintf(stderr, "kafka_mock: no mock cluster: %s\n", es);
		return 2;
	}
	rd_kafka_mock_topic_create(mc, topic, 1, 3);
	rd_kafka_mock_partition_set_leader(mc, topic, 0, 1);
	boot = rd_kafka_mock_cluster_bootstraps(mc);
	printf("%s\n", boot);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		char cmd[32], path[900];
		long a = 0, b = 0;

		if (sscanf(line, "%31s %ld", cmd, &a) < 1)
			continue;
		if (!strcmp(cmd, "down"))
			printf("%s\n",
			       rd_kafka_mock_broker_set_down(mc, (int32_t)a) ? "error" : "ok");
		else if (!strcmp(cmd, "up"))
			printf("%s\n",
			       rd_kafka_mock_broker_set_up(mc, (int32_t)a) ? "error" : "ok");
		else if (sscanf(line, "consume %ld %ld %899s", &a, &b, path) == 3)
			printf("consumed %ld\n", consume(boot, a, b, path));
		else
			printf("unknown command\n");
		fflush(stdout);
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
