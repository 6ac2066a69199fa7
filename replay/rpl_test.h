/* rpl_test: what `sysreplay test` shares between its files.
 *   rpl_testspec.c  the spec (rpl_testspec.h)
 *   rpl_cmd_test.c  the command: specs → units → one read per capture
 *   rpl_testeval.c  expectations checked against a sink's alerts
 *   rpl_testout.c   TAP, JSON lines and JUnit XML
 *   rpl_testupd.c   --update: numbers rewritten in the spec text
 */
#ifndef RPL_TEST_H
#define RPL_TEST_H

#include "rpl_multi.h"
#include "rpl_testspec.h"

/* One case on one capture (a case whose capture is a glob gives several). */
struct rpl_unit {
	const struct rpl_spec *spec;
	const struct rpl_spec_case *c;
	char *path; /* the capture, as opened */
	char *key;  /* its real path: units with the same key share a read */
	char *name; /* case name, "[file]" appended for a glob */
	struct rpl_sink *sink;
	/* results */
	int done, ok, input_error;
	char *msg;	  /* failures, one per line (malloc'd) */
	uint64_t *actual; /* per expectation: the count --update would write */
	int *actual_set;  /* 1 when actual[] is meaningful */
	int *failed;	  /* per expectation: 1 when it did not hold */
	uint64_t events, alerts;
	double secs;
};

/* Checks every expectation of u->c against u->sink's alerts; sets ok, msg,
 * actual[]. first_ts/last_ts: the capture's bounds (relative first_time). */
int rpl_test_eval(struct rpl_unit *u, uint64_t first_ts, uint64_t last_ts);

/* Output of the results, in unit order. */
void rpl_test_tap(FILE *f, struct rpl_unit *const *u, size_t n);
void rpl_test_json(FILE *f, struct rpl_unit *const *u, size_t n);
int rpl_test_junit(const char *path, struct rpl_unit *const *u, size_t n);

/* Rewrites the numbers of spec from the units' actual values. Prints what it
 * changed and what it could not to diag. Returns 0, or 2 when the file could
 * not be written. */
int rpl_test_update(const struct rpl_spec *spec, struct rpl_unit *const *u, size_t n, FILE *diag);

#endif
