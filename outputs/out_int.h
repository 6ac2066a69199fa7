/* out_int: what the outputs module's files share (not for other modules). */
#ifndef OUT_INT_H
#define OUT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "out.h"
#include "../common/sr_time.h"

/* ---- an alert as stored in the memory queue and the spool (out_rec.c) ----
 * Payload layout, little-endian: u8 version (1), u8 priority, u16 rule
 * length, u16 hostname length, u16 reserved (0), u32 text length, u32 json
 * length, u64 event time ns, u64 emit time ns (CLOCK_REALTIME), 36 bytes
 * uuid, then rule, hostname, text, json bytes (no NUL). */
#define OUT_REC_HDR 68
#define OUT_REC_MAX (1u << 20)

struct out_rec {
	int priority;
	uint64_t ts_ns, emit_ns;
	char uuid[37];
	const char *rule, *hostname, *text, *json; /* NUL-terminated, inside the rec */
	size_t text_len, json_len;
};

/* Encodes into a malloc'd buffer (*len bytes); NULL when out of memory or
 * over OUT_REC_MAX. */
uint8_t *out_rec_encode(const struct out_alert *a, const char *uuid, const char *json,
			uint64_t emit_ns, size_t *len);
/* Decodes a payload into a malloc'd out_rec whose strings follow it; 0, or
 * SR_ECORRUPT when the payload is not a valid record. */
int out_rec_decode(const uint8_t *p, size_t len, struct out_rec **out);

/* ---- spool framing (out_spool.c): u32 payload length, u32 CRC32 of the
 * payload, payload. out_spool_frame_parse looks at buf[0..len): returns 1
 * and the payload when a whole valid frame is there, 0 when more bytes are
 * needed (a torn tail), SR_ECORRUPT when the frame is bad. */
#define OUT_FRAME_HDR 8
int out_spool_frame_parse(const uint8_t *buf, size_t len, const uint8_t **payload, size_t *plen);

struct out_spool;
/* Opens (creating) dir, finds the segments and the cursor left by an
 * earlier run; *pending gets the number of records not yet delivered. */
int out_spool_open(struct out_spool **out, const char *dir, uint64_t max_bytes, uint64_t *pending,
		   struct sr_err *err);
/* Appends one record; SR_ELIMIT at the cap (nothing written). */
int out_spool_append(struct out_spool *sp, const uint8_t *payload, size_t len);
/* fdatasync of the segment being written when it changed since the last. */
void out_spool_sync(struct out_spool *sp);
/* The oldest undelivered record (malloc'd payload) or 0 when none;
 * corrupt records are skipped and counted in *corrupt. */
int out_spool_peek(struct out_spool *sp, uint8_t **payload, size_t *len, uint64_t *corrupt);
/* After a peek: the next record in the same segment, read ahead of the
 * cursor (malloc'd payload): 1, or 0 when there is none yet (end of the
 * segment or of what is written, or a frame the next peek must judge). */
int out_spool_peek_more(struct out_spool *sp, uint8_t **payload, size_t *len);
/* Moves the cursor past the records peeked (persisted in the cursor file). */
void out_spool_commit(struct out_spool *sp);
void out_spool_close(struct out_spool *sp);

/* ---- one target: connection and delivery, called from its sender thread ----
 * open: connect/create (0, or negative: retried later). send: 0 when the
 * target has the alert (acknowledged where it acknowledges), negative to
 * retry the same alert later (after close and open), OUT_PENDING to retry
 * it later on the same connection (the target may still deliver it). */
#define OUT_PENDING 1
/* Targets that pipeline (nats) have flush, and send may return OUT_QUEUED:
 * the alert is on its way, not yet acknowledged. The worker then sends the
 * next spooled alerts (up to a window) and calls flush: 0 when every alert
 * in flight is acknowledged (the cursor moves past them all), negative when
 * not (all of them are sent again from the spool, after close and open). */
#define OUT_QUEUED 2
struct out_target;
struct out_ops {
	int (*open)(struct out_target *t, struct sr_err *err);
	int (*send)(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		    struct sr_err *err);
	void (*close)(struct out_target *t);
	int (*flush)(struct out_target *t, struct sr_err *err); /* NULL: not pipelined */
	/* Optional, once when the output is set up: what the target needs
	 * before any alert (a client library, out_dl.h); failing refuses the
	 * output at start rather than retrying forever. */
	int (*prepare)(struct sr_err *err);
};

struct out_target {
	const struct out_target_conf *c;
	enum out_kind kind;
	int json;
	void *priv;	     /* the output's own state, made by open, freed by close */
	volatile int reopen; /* file: SIGUSR1 asked for a new descriptor */
};

extern const struct out_ops out_ops_file, out_ops_program, out_ops_syslog, out_ops_http,
    out_ops_nats, out_ops_kafka;

/* stdout, in the emitter's thread. */
void out_stdout_write(const char *line);

/* ---- per-output worker (out_worker.c) ---- */
struct out_worker;
int out_worker_start(struct out_worker **out, struct out_target *t, const struct out_conf *conf,
		     const char *spool_dir, struct sr_err *err);
/* Never blocks: queue the record (ownership passes) or count a drop. */
void out_worker_push(struct out_worker *w, uint8_t *rec, size_t len);
void out_worker_stats(struct out_worker *w, struct out_stats *st);
/* Drains up to drain_ns, stops, fills *final, frees. */
void out_worker_stop(struct out_worker *w, uint64_t drain_ns, struct out_stats *final);

/* ---- rate limiter (out_rate.c) ---- */
struct out_rate;
struct out_rate *out_rate_new(double rate, uint32_t burst, uint64_t summary_ns);
/* 1: let the alert through; 0: suppressed (counted). */
int out_rate_allow(struct out_rate *rl, const struct out_alert *a, uint64_t now_ns);
/* Calls cb for each rule whose suppressed count is due for a summary (all
 * with force), then starts its window again. */
void out_rate_sweep(struct out_rate *rl, uint64_t now_ns, int force,
		    void (*cb)(void *ctx, const char *rule, int priority, const char *source,
			       uint64_t n, uint64_t window_ns),
		    void *ctx);
uint64_t out_rate_suppressed(const struct out_rate *rl);
void out_rate_free(struct out_rate *rl);

/* ---- helpers ---- */
void out_uuid_new(char out[37]);
/* "sysrec.alerts.<priority>.<hostname>" → with the alert's values
 * (<rule> too; characters that NATS subjects do not allow become '_'). */
void out_subject(const char *tmpl, const struct out_rec *r, char *buf, size_t cap);

#endif
