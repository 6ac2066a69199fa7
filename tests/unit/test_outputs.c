/* test_outputs: the alert outputs' parts (outputs/): spool, records, rate
 * limiter, subjects, configuration, and a set delivering to a file. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/out_dl.h"
#include "outputs/out_int.h"
#include "rules/rule.h"
#include "tests/tap.h"

static char *tmpdir(void)
{
	static char d[64];

	snprintf(d, sizeof(d), "/tmp/test_outputs.XXXXXX");
	return mkdtemp(d);
}

static void rmtree(const char *d)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", d);
}

static uint8_t *mkrec(const char *rule, int prio, const char *text, size_t *len)
{
	struct out_alert a = {rule, prio, "syscall", "h", 1, text, NULL};

	return out_rec_encode(&a, "00000000-0000-4000-8000-000000000000", "{}", 2, len);
}

TEST(spool_keeps_order_across_reopen)
{
	char *d = tmpdir(), sub[128];
	struct out_spool *sp;
	uint64_t pending, corrupt = 0;
	struct sr_err err;
	uint8_t *p;
	size_t len;

	snprintf(sub, sizeof(sub), "%s/s", d);
	CHECK_EQ_INT(out_spool_open(&sp, sub, 1 << 20, &pending, &err), 0);
	CHECK_EQ_INT(pending, 0);
	for (int i = 0; i < 3; i++) {
		char t[16];
		uint8_t *r;

		snprintf(t, sizeof(t), "alert %d", i);
		r = mkrec("R", 4, t, &len);
		CHECK_EQ_INT(out_spool_append(sp, r, len), 0);
		free(r);
	}
	/* one delivered, then the process goes and a new one opens the spool */
	CHECK_EQ_INT(out_spool_peek(sp, &p, &len, &corrupt), 1);
	free(p);
	out_spool_commit(sp);
	out_spool_close(sp);
	CHECK_EQ_INT(out_spool_open(&sp, sub, 1 << 20, &pending, &err), 0);
	CHECK_EQ_INT(pending, 2);
	for (int i = 1; i < 3; i++) {
		struct out_rec *r;
		char want[16];

		CHECK_EQ_INT(out_spool_peek(sp, &p, &len, &corrupt), 1);
		CHECK_EQ_INT(out_rec_decode(p, len, &r), 0);
		snprintf(want, sizeof(want), "alert %d", i);
		CHECK_STR(r->text, want);
		free(r);
		free(p);
		out_spool_commit(sp);
	}
	CHECK_EQ_INT(out_spool_peek(sp, &p, &len, &corrupt), 0);
	CHECK_EQ_INT(corrupt, 0);
	out_spool_close(sp);
	rmtree(d);
}

TEST(spool_refuses_beyond_cap)
{
	char *d = tmpdir();
	struct out_spool *sp;
	uint64_t pending;
	struct sr_err err;
	size_t len;
	uint8_t *r = mkrec("R", 4, "x", &len);
	int n = 0;

	CHECK_EQ_INT(out_spool_open(&sp, d, 8192, &pending, &err), 0);
	while (n < 1000 && out_spool_append(sp, r, len) == 0)
		n++;
	CHECK(n > 10 && n < 1000);
	CHECK_EQ_INT(out_spool_append(sp, r, len), SR_ELIMIT);
	free(r);
	out_spool_close(sp);
	rmtree(d);
}

TEST(record_rejects_bad_lengths)
{
	size_t len;
	uint8_t *r = mkrec("Rule", 4, "text", &len);
	struct out_rec *o;

	CHECK_EQ_INT(out_rec_decode(r, len, &o), 0);
	free(o);
	CHECK_EQ_INT(out_rec_decode(r, len - 1, &o), SR_ECORRUPT);
	r[2] = 200; /* rule length beyond the payload */
	CHECK_EQ_INT(out_rec_decode(r, len, &o), SR_ECORRUPT);
	free(r);
}

static uint64_t summed, summaries;

static void on_sum(void *ctx, const char *rule, int prio, const char *src, uint64_t n, uint64_t w)
{
	(void)ctx;
	(void)prio;
	(void)src;
	(void)w;
	CHECK_STR(rule, "Noisy");
	summed += n;
	summaries++;
}

TEST(rate_limit_counts_and_summarizes)
{
	struct out_rate *rl = out_rate_new(1.0, 2, 60000000000ull);
	struct out_alert a = {"Noisy", 4, "syscall", "h", 0, "t", "{}"};
	struct out_alert b = {"Quiet", 4, "syscall", "h", 0, "t", "{}"};
	int allowed = 0;

	for (int i = 0; i < 10; i++)
		allowed += out_rate_allow(rl, &a, 1000);
	CHECK_EQ_INT(allowed, 2);
	CHECK_EQ_INT(out_rate_allow(rl, &b, 1000), 1); /* per rule */
	/* 1 s later: one more token */
	CHECK_EQ_INT(out_rate_allow(rl, &a, 1000 + 1000000000ull), 1);
	out_rate_sweep(rl, 2000000000ull, 0, on_sum, NULL);
	CHECK_EQ_INT(summaries, 0); /* the window has not ended */
	out_rate_sweep(rl, 61000000000ull, 0, on_sum, NULL);
	CHECK_EQ_INT(summaries, 1);
	CHECK_EQ_INT(summed, 8);
	CHECK_EQ_INT(out_rate_suppressed(rl), 8);
	out_rate_free(rl);
}

TEST(subject_template)
{
	struct out_rec r;
	char buf[128];

	memset(&r, 0, sizeof(r));
	r.priority = 4;
	r.hostname = "web.example.com";
	r.rule = "Read sensitive file";
	out_subject("sysrec.alerts.<priority>.<hostname>", &r, buf, sizeof(buf));
	CHECK_STR(buf, "sysrec.alerts.warning.web_example_com");
	out_subject("a.<rule>", &r, buf, sizeof(buf));
	CHECK_STR(buf, "a.Read_sensitive_file");
}

static int load(const char *text, struct out_conf *c, struct sr_err *err)
{
	char path[] = "/tmp/test_outputs_cfg.XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -100;
	close(fd);
	out_conf_init(c);
	sr_err_clear(err);
	rc = out_config_load(c, path, err);
	unlink(path);
	return rc;
}

TEST(config_keys_and_errors)
{
	struct out_conf c;
	struct sr_err err;

	CHECK_EQ_INT(load("outputs:\n  http:\n    enabled: true\n    url: http://x/\n"
			  "    headers: {X-A: b}\n    timeout: 2s\n  rate_limit: {rate: 5, burst: "
			  "20}\n  spool_max: 2MiB\n",
			  &c, &err),
		     0);
	CHECK_EQ_INT(c.t[OUT_HTTP].enabled, 1);
	CHECK_STR(c.t[OUT_HTTP].headers[0], "X-A: b");
	CHECK_EQ_INT(c.t[OUT_HTTP].timeout_ns, 2000000000ull);
	CHECK_EQ_INT(c.spool_max, 2u << 20);
	CHECK_EQ_INT(c.burst, 20);
	out_conf_free(&c);
	CHECK_EQ_INT(load("outputs:\n  http:\n    enabled: true\n", &c, &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, ":3:5: outputs.http is enabled but has no 'url'") != NULL);
	out_conf_free(&c);
	CHECK_EQ_INT(load("outputs:\n  nats:\n    url: x\n", &c, &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, ":3:5: unknown key 'url' in outputs.nats") != NULL);
	CHECK(strstr(err.msg, "\n        ^") != NULL); /* the caret under the key */
	out_conf_free(&c);
	CHECK_EQ_INT(
	    load("outputs:\n  file: {enabled: true, path: /x, min_priority: loud}\n", &c, &err),
	    SR_ESYNTAX);
	CHECK(strstr(err.msg, "'min_priority' must be a Falco priority") != NULL);
	out_conf_free(&c);
}

TEST(set_to_file_with_uuid_priority_and_summary)
{
	char *d = tmpdir(), path[128], line[4096], spool[128];
	struct out_alert a = {
	    "Noisy", RP_WARNING, "syscall", "h", 1, "text", "{\"rule\":\"Noisy\"}"};
	struct out_alert low = {"Low", RP_DEBUG, "syscall", "h", 1, "low", "{\"rule\":\"Low\"}"};
	struct out_set *s;
	struct out_conf c;
	struct sr_err err;
	int lines = 0, uuids = 0, summary = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/alerts.jsonl", d);
	snprintf(spool, sizeof(spool), "%s/spool", d);
	out_conf_init(&c);
	c.t[OUT_STDOUT].enabled = 0;
	out_conf_flag(&c, OUT_FILE, path, &err);
	c.t[OUT_FILE].json = 1;
	c.t[OUT_FILE].min_priority = RP_NOTICE;
	c.rate = 1;
	c.burst = 3;
	CHECK_EQ_INT(out_set_open(&s, &c, spool, &err), 0);
	for (int i = 0; i < 10; i++)
		if (out_set_admit(s, a.rule, a.priority, a.source))
			out_set_emit(s, &a);
	/* below the file's minimum priority: no output takes it */
	CHECK_EQ_INT(out_set_admit(s, low.rule, low.priority, low.source), 0);
	out_set_emit(s, &low); /* and if emitted all the same, not written */
	out_set_close(s, NULL);
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		lines++;
		uuids += strstr(line, "\"uuid\":\"") != NULL;
		summary += strstr(line, "rule Noisy: 7 more alerts suppressed") != NULL;
		CHECK(strstr(line, "Low") == NULL);
	}
	if (f)
		fclose(f);
	CHECK_EQ_INT(lines, 4); /* 3 in the bucket + the summary at close */
	CHECK_EQ_INT(uuids, 4);
	CHECK_EQ_INT(summary, 1);
	rmtree(d);
}

/* The client libraries of the webhook and Kafka outputs are loaded when
 * such an output opens: a missing library or function is an error that
 * names it, the outcome is kept, and a present one resolves. */
TEST(library_loaded_on_first_use)
{
	static void *fn;
	static const char *const none[] = {"libsysrec-no-such-library.so.9", NULL};
	static const char *const z[] = {"libz.so.1", NULL};
	static const struct out_dl_sym missing_fn[] = {{"sysrec_no_such_function", &fn},
						       {NULL, NULL}};
	static const struct out_dl_sym version[] = {{"zlibVersion", &fn}, {NULL, NULL}};
	struct out_dl absent = {.what = "libnothing", .sonames = none, .syms = version};
	struct out_dl old = {.what = "libz", .sonames = z, .syms = missing_fn};
	struct out_dl ok = {.what = "libz", .sonames = z, .syms = version};
	struct sr_err err;

	CHECK(out_dl_load(&absent, &err) != 0);
	CHECK(strstr(err.msg, "libnothing is not installed") != NULL);
	CHECK(out_dl_load(&absent, &err) != 0); /* the outcome is kept */
	CHECK(out_dl_load(&old, &err) != 0);
	CHECK(strstr(err.msg, "no function sysrec_no_such_function") != NULL);
	fn = NULL;
	CHECK_EQ_INT(out_dl_load(&ok, &err), 0);
	CHECK(fn != NULL && ((const char *(*)(void))fn)()[0] == '1');
}
