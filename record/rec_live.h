/* rec_live: the recorder's own state engine and live rules.
 *
 * Every recorded event goes through st_event_begin/end, so periodic and
 * post-rotation snapshots describe the processes of the moment; with -r the
 * rules are matched between the two calls and alerts printed as Falco text.
 */
#ifndef REC_LIVE_H
#define REC_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "../format/evt.h"

struct st_state;
struct rule_set;
struct fld_ctx;
struct rec_action;
struct out_set;
struct rec_metrics;
struct rec_evidence;

struct rec_live {
	struct st_state *st;
	struct rule_set *rs; /* NULL without -r */
	struct fld_ctx *fc;
	char hostname[256];
	uint64_t alerts;
	int json;	      /* alerts as Falco JSON lines, not text */
	int quiet;	      /* alerts counted, not printed */
	struct out_set *outs; /* when set: every alert goes there (stdout included) */
	uint64_t reloads, reload_failures;
	struct rec_action *act;	       /* response actions on alerts; NULL: none */
	struct rec_metrics *metrics;   /* NULL, or counts matches per rule */
	struct rec_evidence *evidence; /* NULL, or captures around alerts */
};

int rec_live_init(struct rec_live *l, const char *const *rules, size_t nrules, const char *hostname,
		  struct sr_err *err);
/* Loads the rules files again into a new set and, when it loads and
 * compiles, puts it in place of the current one; otherwise the current set
 * stays and the error (with its caret) is printed on stderr. Between two
 * events, so no event is matched against a half-loaded set. Nothing to do
 * when the recorder runs without rules. */
int rec_live_reload(struct rec_live *l, const char *const *rules, size_t nrules);
void rec_live_event(struct rec_live *l, const struct evt *ev);
void rec_live_free(struct rec_live *l);

#endif
