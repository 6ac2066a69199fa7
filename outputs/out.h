/* out: alert outputs shared by sysrec and sysreplay.
 *
 * Call order: fill a struct out_conf (out_conf_init, then the YAML section
 * through out_config_parse and/or the command-line flags through
 * out_conf_flag) → out_set_open(&set, &conf, spool_root, &err) → for each
 * alert out_set_emit(set, &alert) from ONE thread (the ring consumer or the
 * replay loop) → out_set_close(set), which waits up to drain_timeout for the
 * targets and prints the delivery counters on stderr.
 *
 * Delivery: stdout is written in the caller's thread. Every other
 * output has a bounded memory queue, a spool thread that appends each alert
 * to an on-disk spool (append-only segment files, length + CRC32 per
 * record: outputs/out_spool.c), and a sender thread that delivers from the
 * spool in order and moves a cursor past each delivered alert. A target that
 * is down keeps its alerts in the spool (also across a restart: the spool is
 * read when the set opens); out_set_emit never waits for a target or the
 * disk. Alerts are dropped only when an output's spool is at its cap or its
 * memory queue is full, and each drop is counted and logged.
 *
 * The uuid of an alert is made here, once, by out_uuid_new (out_uuid.c); the
 * JSON sent carries it as the key "uuid".
 *
 * Thread safety: out_set_admit, out_set_emit and out_set_tick from one thread;
 * out_set_stats and out_set_reopen from any thread.
 */
#ifndef OUT_H
#define OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/sr_arena.h"
#include "../common/sr_err.h"

enum out_kind {
	OUT_STDOUT,
	OUT_FILE,
	OUT_PROGRAM,
	OUT_SYSLOG,
	OUT_HTTP,
	OUT_NATS,
	OUT_KAFKA,
	OUT_NKINDS,
};

#define OUT_MAX_HEADERS 16

/* One output's settings; strings borrowed (from the config's arena or argv). */
struct out_target_conf {
	int enabled;
	int json;		     /* 1 JSON, 0 text; -1 = the section's default */
	int min_priority;	     /* enum rule_priority: alerts at most this number go out */
	const char *path;	     /* file */
	const char *command;	     /* program: run by /bin/sh -c */
	const char *address;	     /* syslog: unix path or udp://HOST:PORT; http url;
				      * nats servers (comma list); kafka brokers */
	const char *subject;	     /* nats subject template; kafka topic */
	int facility;		     /* syslog */
	int jetstream;		     /* nats */
	const char *ca, *cert, *key; /* TLS files (http, nats) */
	int insecure;		     /* http: no certificate check */
	const char *credentials;     /* nats .creds file */
	const char *headers[OUT_MAX_HEADERS]; /* http: "Name: value" */
	size_t nheaders;
	uint64_t timeout_ns; /* per delivery attempt */
};

struct out_conf {
	struct out_target_conf t[OUT_NKINDS];
	int json;	       /* outputs.json: default format of stdout, file, program, syslog */
	const char *spool_dir; /* NULL: beside the capture (sysrec) or ./sysreplay.spool */
	uint64_t spool_max;    /* bytes per output */
	uint32_t queue_len;    /* memory queue entries per output */
	uint64_t drain_ns;     /* at close, how long to wait for targets */
	double rate;	       /* per rule, alerts per second; 0 = no limit */
	uint32_t burst;	       /* bucket size */
	uint64_t summary_ns;   /* suppressed-alerts summary period */
	struct sr_arena arena; /* strings made by the parsers */
};

void out_conf_init(struct out_conf *c);
void out_conf_free(struct out_conf *c);
/* 1 when an output other than stdout is enabled. */
int out_conf_any(const struct out_conf *c);
const char *out_kind_name(enum out_kind k);

/* A command-line flag for one output: the value goes into its main key
 * (file: path, program: command, http: url, nats: servers, kafka: brokers,
 * syslog: address) and enables it. */
int out_conf_flag(struct out_conf *c, enum out_kind k, const char *value, struct sr_err *err);

/* The `outputs:` map of a YAML file (node and source from rules/rule_yaml.h):
 * every key checked, errors "FILE:LINE:COL: what" with a caret. */
struct rule_ynode;
struct rule_src;
int out_config_parse(struct out_conf *c, const struct rule_ynode *m, const struct rule_src *src,
		     struct sr_err *err);
/* A whole YAML file of which only `outputs:` is read (sysreplay --outputs;
 * a sysrec.yaml works: its other sections are ignored). */
int out_config_load(struct out_conf *c, const char *path, struct sr_err *err);
/* The outputs section in the config's syntax (sysrec --show-config). */
void out_conf_print(const struct out_conf *c, FILE *f);

/* An alert as rule_alert_text/json render it; borrowed for the call. */
struct out_alert {
	const char *rule;
	int priority; /* enum rule_priority */
	const char *source;
	const char *hostname;
	uint64_t ts_ns; /* the event's time */
	const char *text;
	const char *json; /* Falco's object, without uuid (added here) */
};

/* Delivery counters of one output, since the set opened. */
struct out_stats {
	const char *name;
	uint64_t accepted;  /* alerts given to the output (after priority) */
	uint64_t sent;	    /* delivered (acknowledged where the target acks) */
	uint64_t retried;   /* failed attempts, each retried later */
	uint64_t spooled;   /* waiting in the spool now */
	uint64_t dropped;   /* lost: spool at cap or memory queue full */
	uint64_t lat_count; /* deliveries measured, emit to acknowledgement */
	uint64_t lat_sum_ns, lat_max_ns;
};

struct out_set;

/* spool_root: the directory under which each output's spool lives
 * (spool_root/<output>/), used when conf->spool_dir is NULL. */
int out_set_open(struct out_set **out, const struct out_conf *conf, const char *spool_root,
		 struct sr_err *err);
/* Formats the set needs rendered (to skip JSON work when nothing wants it). */
int out_set_wants_json(const struct out_set *s);
int out_set_wants_text(const struct out_set *s);
/* 1 when some output takes an alert of this priority and the rule's rate
 * limit lets it through (a suppressed alert is counted for the rule's
 * summary): only then is the alert worth rendering and emitting. */
int out_set_admit(struct out_set *s, const char *rule, int priority, const char *source);
/* Hands an admitted alert to every output that takes its priority. */
void out_set_emit(struct out_set *s, const struct out_alert *a);
/* Emits the rate limiter's due summaries; out_set_emit does it too. */
void out_set_tick(struct out_set *s);
/* Reopen the file output (logrotate's SIGUSR1); async-signal-safe. */
void out_set_reopen(struct out_set *s);
/* Metrics: copies at most cap outputs' counters into st, returns how many
 * outputs there are. Safe from any thread while the set is open (the
 * /metrics endpoint calls it); st[i].name stays valid until close. */
size_t out_set_stats(struct out_set *s, struct out_stats *st, size_t cap);
/* Alerts the rate limiter held back, all rules. */
uint64_t out_set_suppressed(const struct out_set *s);
/* Drains (up to drain_timeout), stops the threads, prints the counters on
 * f (NULL: nothing), frees. Undelivered alerts stay in the spools. */
void out_set_close(struct out_set *s, FILE *f);

#endif
