/* rpl_testspec: the YAML spec of `sysreplay test` (docs/sysreplay-test.md).
 *
 *   struct rpl_spec *s;
 *   rpl_spec_load(&s, "detections.yaml", &err);  // or rpl_spec_parse on text
 *   ... s->cases[i].exps[j] ...
 *   rpl_spec_free(s);
 *
 * The parser checks shape, keys, numbers, priorities and times; it does not
 * touch the file system (captures, globs and rules files are the command's
 * business), so it can be fuzzed on its own. Paths stay as written; dir is
 * the spec's folder, to which they are relative. Everything lives in the
 * spec's arena. Errors: SR_ESYNTAX with line/column in err (msg without the
 * file name; rpl_spec_error_print adds it, the source line and a caret).
 */
#ifndef RPL_TESTSPEC_H
#define RPL_TESTSPEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/sr_arena.h"
#include "common/sr_err.h"
#include "common/sr_time.h"

/* A scalar's place in the spec text: 1-based line/column of its start and
 * its byte range (what --update rewrites). */
struct rpl_spec_pos {
	int line, col;
	size_t off, end;
};

struct rpl_spec_field {
	const char *name, *value;
};

/* One item of a case's `expect:` list. Every check it carries must hold. */
struct rpl_spec_exp {
	struct rpl_spec_pos pos;
	const char *rule; /* NULL: any rule (alert:, total:, no_priority_at_least:) */
	int has_count, has_at_least, has_total, has_first_num, has_first_time, has_alert;
	int no_prio; /* rule_priority + 1 of no_priority_at_least, 0 none */
	uint64_t count, at_least, total, first_num;
	struct sr_time_spec first_time;
	struct rpl_spec_pos count_pos, at_least_pos, total_pos; /* where the numbers are */
	const char *output;					/* alert: substring of output */
	struct rpl_spec_field *fields;				/* alert: output_fields */
	size_t nfields;
};

struct rpl_spec_case {
	struct rpl_spec_pos pos, capture_pos, filter_pos;
	const char *name;
	const char *capture; /* path or glob, relative to the spec's folder */
	const char **rules;  /* NULL: the spec's rules, else the default set */
	size_t nrules;
	int all; /* every matching rule alerts (alerts --all) */
	struct sr_time_spec since, until;
	const char *filter;
	struct rpl_spec_exp *exps;
	size_t nexps;
};

struct rpl_spec {
	struct sr_arena arena;
	const char *path, *dir;
	const char *text;
	size_t len;
	const char **rules; /* top-level rules: default of every case */
	size_t nrules;
	struct rpl_spec_case *cases;
	size_t ncases;
};

/* path names the spec in messages and gives dir. text need not be
 * NUL-terminated; it is copied. */
int rpl_spec_parse(struct rpl_spec **out, const char *path, const char *text, size_t len,
		   struct sr_err *err);
/* Reads and parses path; on error prints the diagnostic (with caret) to
 * diag when not NULL. */
int rpl_spec_load(struct rpl_spec **out, const char *path, FILE *diag, struct sr_err *err);
void rpl_spec_free(struct rpl_spec *s);
/* "FILE:LINE:COL: message", the source line and a caret under the column. */
void rpl_spec_error_print(FILE *f, const char *path, const char *text, size_t len,
			  const struct sr_err *err);

#endif
