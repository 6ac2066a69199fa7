/* rec_evidence: capture on alert, before and after.
 *
 * When a rule fires (Falco's `capture: true`, or every rule at or above a
 * priority in all_rules mode), an evidence capture covering
 * [alert - pre, alert + post] is written beside the ring:
 * STEM.evidence.YYYYmmddTHHMMSSZ.sysrec (not a rotated name, so retention
 * never deletes it). The pre window is copied from the ring files already
 * on disk (the current chunk is flushed first): the snapshot covering its
 * start opens the file as a snapshot chunk, so the file reads on its own;
 * then every record from the window's start. The post window is appended
 * as it is recorded. An alert inside an open window extends it (one file);
 * max_bytes caps a file, max_per_hour the files started per hour. Each
 * alert is an ALERT record in the file. When the window ends the file is
 * closed and its SHA-256 reported.
 *
 * The decisions run on the consumer thread: when an alert fires, the
 * current chunk is flushed, the file is created and the ring files of the
 * pre window are opened; the copying, compressing and writing are done by
 * the evidence writer thread (rec_evidence_writer.h), so an alert costs
 * the consumer a few file opens, and the post window one copy per record.
 * The pre window's delay (alert event to on disk) is reported: pre_ns.
 */
#ifndef REC_EVIDENCE_H
#define REC_EVIDENCE_H

#include <stdint.h>
#include <stdio.h>

#include "../common/sr_err.h"
#include "../format/evt.h"
#include "../format/fmt_host.h"
#include "../format/fmt_writer.h"

struct rec_out;
struct rule;

enum rec_ev_mode {
	REC_EV_OFF = 0,
	REC_EV_RULES = 1, /* rules with capture: true */
	REC_EV_ALL = 2,	  /* every rule at or above min_priority */
};

struct rec_evidence_opts {
	int mode;	       /* enum rec_ev_mode */
	int min_priority;      /* enum rule_priority; all_rules only */
	uint64_t pre_ns;       /* default 30 s */
	uint64_t post_ns;      /* default 10 s; a rule's capture_duration wins */
	uint64_t max_bytes;    /* per file, 0 = none */
	uint64_t max_per_hour; /* files started per hour, 0 = none */
	size_t queue_max;      /* bytes queued for the writer thread; 0 = REC_EV_QUEUE_MAX */
};

/* What an alert's output says about its evidence. */
struct rec_evidence_ref {
	char path[4200];
	uint64_t evt_num, evt_ts;
};

struct rec_ev_writer;

/* What is queued for the writer thread and not yet written: at most this. */
#define REC_EV_QUEUE_MAX (64u << 20)

struct rec_evidence {
	struct rec_evidence_opts o;
	struct rec_out *out; /* the ring the pre window is read from */
	struct fmt_host_info host;
	int json; /* closing lines as JSON */
	FILE *report;
	struct rec_ev_writer *wr; /* started at the first evidence file */
	int open;		  /* a window is open: its records go to wr */
	char path[4200];
	uint64_t end_ns;
	uint64_t hour_start, hour_files;
	uint64_t files, skipped; /* files started; alerts past max_per_hour */
	/* after rec_evidence_close: the last pre window's delay (alert event
	 * to on disk), and post-window records not kept (queue full) */
	uint64_t pre_ns, lost;
	struct evt_builder b;
};

void rec_evidence_init(struct rec_evidence *e, const struct rec_evidence_opts *o,
		       struct rec_out *out, const struct fmt_host_info *host, int json,
		       FILE *report);
/* Rule r fired on ev (not yet written to the ring) with output text: 1 when
 * the alert has evidence (ref filled), 0 when the rule does not capture or
 * a cap holds, <0 on error (err). */
/* Whether an alert of rule r gets an evidence capture (mode, the rule's
 * capture key, min_priority): asked before the alert is rendered for it. */
int rec_evidence_wants(const struct rec_evidence *e, const struct rule *r);
int rec_evidence_alert(struct rec_evidence *e, const struct rule *r, const struct evt *ev,
		       const char *output, struct rec_evidence_ref *ref, struct sr_err *err);
/* Appends what the alert line says about its evidence to buf (len bytes
 * used, cap in all): text " evidence=FILE evt.num=N evt.time=T"; JSON an
 * "evidence" key inside the object. Returns the new length. */
size_t rec_evidence_annotate(char *buf, size_t len, size_t cap, int json,
			     const struct rec_evidence_ref *ref);
/* Every record after it went to the ring: the post window (a record the
 * full queue refuses is counted lost). */
void rec_evidence_record(struct rec_evidence *e, const void *rec, size_t len);
/* Ends the window once now_ns (epoch) is past it. */
void rec_evidence_tick(struct rec_evidence *e, uint64_t now_ns);
/* Ends what is open and waits until every file is written, closed and
 * reported (at exit); fills pre_ns and lost. */
void rec_evidence_close(struct rec_evidence *e);

#endif
