/* test_flt: the filter language, data-driven (tests/data/filter/):
 *   accept.txt   expression(s) then "=> canonical form"
 *   reject.txt   expression then "=> LINE:COL: exact error"
 *   applied.txt  "%% stream" blocks of events, then expression "=> matching event numbers"
 * plus caret rendering, macro/list resolution, event-type sets, and every
 * condition of Falco's rule files parsing (when $REF has them).
 * Runs against the real field catalog (fields/fld_*) and state (state/).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <yaml.h>

#include "tests/tap.h"
#include "filter/flt.h"
#include "filter/flt_ast.h"
#include "state/st.h"

/* ---- data files ---- */

static char *slurp(const char *rel)
{
	char path[1024];
	const char *root = getenv("SYSREC_ROOT");
	snprintf(path, sizeof(path), "%s/%s", root ? root : ".", rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A case: input lines (joined by \n) up to a line starting "=> ". */
struct tcase {
	char input[4096];
	char expect[4096];
	int line; /* line of the case in the data file */
};

/* Iterates cases; *pos is the cursor. Lines starting with '#' and blank
 * lines between cases are skipped; "%%" lines are returned as a case with
 * input "%%..." and empty expect. Returns 0 at the end. */
static int next_case(char **pos, int *lineno, struct tcase *tc)
{
	char *p = *pos;
	tc->input[0] = tc->expect[0] = '\0';
	size_t in_len = 0;
	while (*p) {
		char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[4096];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (eol ? 1 : 0);
		(*lineno)++;
		if (in_len == 0 && (line[0] == '#' || line[0] == '\0'))
			continue;
		if (in_len == 0)
			tc->line = *lineno;
		if (in_len == 0 && !strncmp(line, "%%", 2)) {
			snprintf(tc->input, sizeof(tc->input), "%s", line);
			*pos = p;
			return 1;
		}
		if (!strncmp(line, "=> ", 3) || !strcmp(line, "=>")) {
			snprintf(tc->expect, sizeof(tc->expect), "%s", line[2] ? line + 3 : "");
			*pos = p;
			return 1;
		}
		in_len += (size_t)snprintf(tc->input + in_len, sizeof(tc->input) - in_len, "%s%s",
					   in_len ? "\n" : "", line);
	}
	*pos = p;
	return in_len ? -1 : 0;
}

/* ---- accept / reject ---- */

TEST(accept_cases)
{
	char *data = slurp("tests/data/filter/accept.txt");
	if (!data) {
		SKIP("tests/data/filter/accept.txt missing");
		return;
	}
	char *pos = data;
	int lineno = 0, n = 0, r;
	struct tcase tc;
	while ((r = next_case(&pos, &lineno, &tc)) > 0) {
		struct flt_arena *a = flt_arena_new();
		struct flt_node *ast;
		struct flt_prog *prog;
		struct sr_err err;
		char buf[8192], again[8192];
		n++;
		if (flt_parse(a, tc.input, &ast, &err) != 0) {
			TAP_FAIL("accept.txt:%d: %s: rejected: %d:%d: %s", tc.line, tc.input,
				 err.line, err.column, err.msg);
		} else {
			flt_node_print(ast, buf, sizeof(buf));
			if (strcmp(buf, tc.expect) != 0)
				TAP_FAIL("accept.txt:%d: %s\n  got      %s\n  expected %s", tc.line,
					 tc.input, buf, tc.expect);
			/* the canonical form parses back to itself */
			struct flt_node *ast2;
			if (flt_parse(a, buf, &ast2, &err) != 0) {
				TAP_FAIL("accept.txt:%d: canonical form rejected: %s", tc.line,
					 err.msg);
			} else {
				flt_node_print(ast2, again, sizeof(again));
				if (strcmp(buf, again) != 0)
					TAP_FAIL("accept.txt:%d: reprint differs: %s", tc.line,
						 again);
			}
			if (flt_compile(a, ast, &prog, &err) != 0)
				TAP_FAIL("accept.txt:%d: %s: compile: %d:%d: %s", tc.line, tc.input,
					 err.line, err.column, err.msg);
		}
		flt_arena_free(a);
	}
	CHECK(r == 0);
	CHECK(n >= 40);
	free(data);
}

TEST(reject_cases)
{
	char *data = slurp("tests/data/filter/reject.txt");
	if (!data) {
		SKIP("tests/data/filter/reject.txt missing");
		return;
	}
	char *pos = data;
	int lineno = 0, n = 0, r;
	struct tcase tc;
	while ((r = next_case(&pos, &lineno, &tc)) > 0) {
		struct flt_arena *a = flt_arena_new();
		struct flt_prog *prog;
		struct sr_err err;
		char got[1024];
		n++;
		int rc = flt_compile_text(a, tc.input, &prog, &err);
		if (rc == 0) {
			TAP_FAIL("reject.txt:%d: %s: accepted", tc.line, tc.input);
		} else {
			snprintf(got, sizeof(got), "%d:%d: %s", err.line, err.column, err.msg);
			if (strcmp(got, tc.expect) != 0)
				TAP_FAIL("reject.txt:%d: %s\n  got      %s\n  expected %s", tc.line,
					 tc.input, got, tc.expect);
			CHECK_EQ_INT(rc, SR_ESYNTAX);
		}
		flt_arena_free(a);
	}
	CHECK(r == 0);
	CHECK(n >= 25);
	free(data);
}

/* ---- applied: a stream of synthetic events ---- */

struct stream {
	struct evt_builder b;
	char *recs[64];
	size_t lens[64];
	int n;
};

static int parse_ip_port(const char *s, uint8_t *fam, uint8_t ip[16], uint16_t *port)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	if (!colon)
		return -1;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	*port = (uint16_t)atoi(colon + 1);
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (inet_pton(AF_INET, host, ip) == 1) {
		*fam = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, host, ip) == 1) {
		*fam = AF_INET6;
		return 0;
	}
	return -1;
}

/* Encodes one parameter from its spec text by schema type. */
static int add_param(struct evt_builder *b, const struct evt_param_info *pi, const char *val)
{
	uint8_t buf[512];
	size_t n = 0;
	if (!val) {
		switch (pi->type) {
		case PT_PATH:
		case PT_STR:
		case PT_BYTES:
		case PT_STRARRAY:
		case PT_SOCKADDR:
		case PT_SOCKTUPLE:
			return evt_builder_add(b, "", 0);
		default:
			return evt_builder_add_u64(b, 0);
		}
	}
	switch (pi->type) {
	case PT_PATH:
	case PT_STR:
	case PT_BYTES:
		return evt_builder_add_str(b, val);
	case PT_STRARRAY: /* a,b,c -> "a\0b\0c\0" */
		for (const char *p = val; *p && n < sizeof(buf) - 1; p++)
			buf[n++] = *p == ',' ? '\0' : (uint8_t)*p;
		buf[n++] = '\0';
		return evt_builder_add(b, buf, n);
	case PT_SOCKADDR: {
		uint8_t fam, ip[16];
		uint16_t port;
		if (parse_ip_port(val, &fam, ip, &port))
			return -1;
		buf[n++] = fam;
		memcpy(buf + n, ip, fam == AF_INET ? 4 : 16);
		n += fam == AF_INET ? 4 : 16;
		memcpy(buf + n, &port, 2);
		n += 2;
		return evt_builder_add(b, buf, n);
	}
	case PT_SOCKTUPLE: { /* local->remote */
		char l[128];
		const char *arrow = strstr(val, "->");
		uint8_t f1, f2, ip1[16], ip2[16];
		uint16_t p1, p2;
		if (!arrow)
			return -1;
		snprintf(l, sizeof(l), "%.*s", (int)(arrow - val), val);
		if (parse_ip_port(l, &f1, ip1, &p1) || parse_ip_port(arrow + 2, &f2, ip2, &p2))
			return -1;
		size_t al = f1 == AF_INET ? 4 : 16;
		buf[n++] = f1;
		memcpy(buf + n, ip1, al);
		n += al;
		memcpy(buf + n, &p1, 2);
		n += 2;
		memcpy(buf + n, ip2, al);
		n += al;
		memcpy(buf + n, &p2, 2);
		n += 2;
		buf[n++] = 6;
		return evt_builder_add(b, buf, n);
	}
	default:
		return evt_builder_add_s64(b, strtoll(val, NULL, 0));
	}
}

/* "openat pid=1 comm=cat res=3 | dirfd=-100 name=/etc/x flags=1" */
static int build_event(struct stream *s, const char *spec, char *why, size_t whycap)
{
	char text[2048], *save = NULL;
	snprintf(text, sizeof(text), "%s", spec);
	char *tok = strtok_r(text, " ", &save);
	int type = tok ? evt_type_by_name(tok) : -1;
	const struct evt_info *info = type > 0 ? evt_info_get((unsigned)type) : NULL;
	if (!info) {
		snprintf(why, whycap, "unknown event type '%s'", tok ? tok : "");
		return -1;
	}
	struct evt_rec hdr = {0};
	const char *pv[EVT_MAX_PARAMS] = {0};
	hdr.ts = 1700000000000000000ull + (uint64_t)s->n * 1000;
	hdr.pid = hdr.tid = 100;
	hdr.ppid = 1;
	snprintf(hdr.comm, sizeof(hdr.comm), "test");
	int in_params = 0;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		if (!strcmp(tok, "|")) {
			in_params = 1;
			continue;
		}
		char *eq = strchr(tok, '=');
		if (!eq) {
			snprintf(why, whycap, "bad token '%s'", tok);
			return -1;
		}
		*eq++ = '\0';
		if (in_params) {
			int i = evt_param_index((unsigned)type, tok);
			if (i < 0) {
				snprintf(why, whycap, "%s has no parameter '%s'", info->name, tok);
				return -1;
			}
			pv[i] = eq;
		} else if (!strcmp(tok, "pid")) {
			hdr.pid = (uint32_t)atoi(eq);
			hdr.tid = hdr.pid;
		} else if (!strcmp(tok, "tid")) {
			hdr.tid = (uint32_t)atoi(eq);
		} else if (!strcmp(tok, "ppid")) {
			hdr.ppid = (uint32_t)atoi(eq);
		} else if (!strcmp(tok, "uid")) {
			hdr.uid = (uint32_t)atoi(eq);
		} else if (!strcmp(tok, "gid")) {
			hdr.gid = (uint32_t)atoi(eq);
		} else if (!strcmp(tok, "res")) {
			hdr.res = strtoll(eq, NULL, 0);
		} else if (!strcmp(tok, "latency")) {
			hdr.latency = strtoull(eq, NULL, 0);
		} else if (!strcmp(tok, "comm")) {
			snprintf(hdr.comm, sizeof(hdr.comm), "%s", eq);
		} else {
			snprintf(why, whycap, "unknown header field '%s'", tok);
			return -1;
		}
	}
	evt_builder_begin(&s->b, (unsigned)type, &hdr);
	for (unsigned i = 0; i < info->nparams; i++)
		if (add_param(&s->b, &info->params[i], pv[i]) != 0) {
			snprintf(why, whycap, "bad value for %s", info->params[i].name);
			return -1;
		}
	size_t len;
	const void *rec = evt_builder_finish(&s->b, &len);
	if (!rec || s->n >= 64)
		return -1;
	s->recs[s->n] = malloc(len);
	memcpy(s->recs[s->n], rec, len);
	s->lens[s->n++] = len;
	return 0;
}

static void stream_free(struct stream *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->recs[i]);
	s->n = 0;
}

/* Runs prog over the stream (fresh state each time); writes "1 3 ..." */
static void run_stream(const struct stream *s, const struct flt_prog *prog, char *out, size_t cap)
{
	struct st_state *st = st_new();
	static struct fld_ctx c;
	size_t n = 0;
	memset(&c, 0, sizeof(c));
	c.hostname = "testhost";
	out[0] = '\0';
	for (int i = 0; i < s->n; i++) {
		struct evt ev;
		if (evt_decode(&ev, s->recs[i], s->lens[i]) != 0)
			continue;
		ev.num = (uint64_t)i + 1;
		st_event_begin(st, &ev);
		fld_ctx_reset(&c, &ev, st);
		if (flt_eval(prog, &c))
			n += (size_t)snprintf(out + n, cap - n, "%s%d", n ? " " : "", i + 1);
		st_event_end(st, &ev);
	}
	if (!n)
		snprintf(out, cap, "none");
	st_free(st);
}

TEST(applied_cases)
{
	char *data = slurp("tests/data/filter/applied.txt");
	if (!data) {
		SKIP("tests/data/filter/applied.txt missing");
		return;
	}
	struct stream s = {0};
	evt_builder_init(&s.b);
	char *pos = data;
	int lineno = 0, n = 0, r, in_stream = 0;
	struct tcase tc;
	char *lines = NULL;
	while (1) {
		/* stream blocks: "%% stream" then one event per line until "%%" */
		if (in_stream) {
			char *eol = strchr(pos, '\n');
			if (!eol)
				break;
			*eol = '\0';
			lineno++;
			char *l = pos;
			pos = eol + 1;
			if (!strncmp(l, "%%", 2)) {
				in_stream = 0;
				continue;
			}
			if (!l[0] || l[0] == '#')
				continue;
			char why[256];
			if (build_event(&s, l, why, sizeof(why)) != 0)
				TAP_FAIL("applied.txt:%d: %s", lineno, why);
			continue;
		}
		if ((r = next_case(&pos, &lineno, &tc)) <= 0)
			break;
		if (!strncmp(tc.input, "%% stream", 9)) {
			stream_free(&s);
			in_stream = 1;
			continue;
		}
		n++;
		struct flt_arena *a = flt_arena_new();
		struct flt_prog *prog;
		struct sr_err err;
		char got[512];
		if (flt_compile_text(a, tc.input, &prog, &err) != 0) {
			TAP_FAIL("applied.txt:%d: %s: %d:%d: %s", tc.line, tc.input, err.line,
				 err.column, err.msg);
		} else {
			run_stream(&s, prog, got, sizeof(got));
			if (strcmp(got, tc.expect) != 0)
				TAP_FAIL("applied.txt:%d: %s\n  got      %s\n  expected %s",
					 tc.line, tc.input, got, tc.expect);
		}
		flt_arena_free(a);
	}
	free(lines);
	stream_free(&s);
	evt_builder_free(&s.b);
	CHECK(n >= 40);
	free(data);
}

/* ---- error rendering ---- */

TEST(caret_rendering)
{
	const char *src = "proc.name = cat and\n  (fd.name contains /etc or\n\tfd.name = )";
	struct flt_arena *a = flt_arena_new();
	struct flt_node *ast;
	struct sr_err err;
	CHECK_EQ_INT(flt_parse(a, src, &ast, &err), SR_ESYNTAX);
	CHECK_EQ_INT(err.line, 3);
	CHECK_EQ_INT(err.column, 12);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	flt_error_print(f, "rules.yaml", src, &err);
	fclose(f);
	CHECK_STR(buf, "rules.yaml:3:12: expected a value, found ')'\n"
		       "\tfd.name = )\n"
		       "\t          ^\n");
	free(buf);
	flt_arena_free(a);
}

TEST(caret_crlf_and_end)
{
	const char *src = "proc.name = cat and\r\nnot";
	struct flt_arena *a = flt_arena_new();
	struct flt_node *ast;
	struct sr_err err;
	CHECK_EQ_INT(flt_parse(a, src, &ast, &err), SR_ESYNTAX);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	flt_error_print(f, NULL, src, &err);
	fclose(f);
	CHECK_STR(buf, "filter:2:1: expected a condition, found 'not'\nnot\n^\n");
	free(buf);
	flt_arena_free(a);
}

/* ---- macros and lists ---- */

struct res_ctx {
	struct flt_arena *a;
	int macro_calls;
};

static const struct flt_node *test_macro(void *ctx, const char *name, struct sr_err *err)
{
	struct res_ctx *rc = ctx;
	struct flt_node *n = NULL;
	rc->macro_calls++;
	if (!strcmp(name, "open_write"))
		flt_parse(rc->a, "evt.type in (open, openat) and evt.is_open_write = true", &n,
			  err);
	else if (!strcmp(name, "shell_procs"))
		flt_parse(rc->a, "proc.name in (bash, sh)", &n, err);
	else if (!strcmp(name, "broken"))
		sr_err_set(err, SR_ESYNTAX, "macro loop: broken -> broken");
	return n;
}

static const char *const shells[] = {"bash", "sh", "zsh"};
static const char *const empty_items[] = {NULL};

static const char *const *test_list(void *ctx, const char *name, size_t *n)
{
	(void)ctx;
	if (!strcmp(name, "shell_binaries")) {
		*n = 3;
		return shells;
	}
	if (!strcmp(name, "empty_list")) {
		*n = 0;
		return empty_items;
	}
	return NULL;
}

static int parse_res(struct flt_arena *a, const char *text, char *out, size_t cap,
		     struct sr_err *err)
{
	struct res_ctx rc = {.a = a};
	struct flt_resolver res = {&rc, test_macro, test_list};
	struct flt_node *ast;
	int r = flt_parse_ex(a, text, &res, &ast, err);
	if (r == 0)
		flt_node_print(ast, out, cap);
	return r;
}

TEST(resolver_macros_and_lists)
{
	struct flt_arena *a = flt_arena_new();
	struct sr_err err;
	char buf[1024];
	CHECK_EQ_INT(parse_res(a, "open_write and not shell_procs", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "((evt.type in (open, openat) and evt.is_open_write = true) and "
		       "(not proc.name in (bash, sh)))");
	CHECK_EQ_INT(parse_res(a, "proc.name in (shell_binaries, ksh)", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "proc.name in (bash, sh, zsh, ksh)");
	CHECK_EQ_INT(parse_res(a, "proc.name in shell_binaries", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "proc.name in (bash, sh, zsh)");
	CHECK_EQ_INT(parse_res(a, "proc.name pmatch (empty_list)", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "proc.name pmatch ()");
	/* a quoted identifier is a value, never a list */
	CHECK_EQ_INT(parse_res(a, "proc.name in ('shell_binaries')", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "proc.name in (shell_binaries)");
	CHECK_EQ_INT(parse_res(a, "proc.name = x or\n  nosuch", buf, sizeof(buf), &err),
		     SR_ESYNTAX);
	CHECK_STR(err.msg, "undefined macro 'nosuch'");
	CHECK_EQ_INT(err.line, 2);
	CHECK_EQ_INT(err.column, 3);
	CHECK_EQ_INT(parse_res(a, "proc.name in nolist", buf, sizeof(buf), &err), SR_ESYNTAX);
	CHECK_STR(err.msg, "undefined list 'nolist'");
	CHECK_EQ_INT(err.column, 14);
	/* the resolver's own error (a loop) comes through, placed at the use */
	CHECK_EQ_INT(parse_res(a, "proc.name = a and broken", buf, sizeof(buf), &err), SR_ESYNTAX);
	CHECK_STR(err.msg, "macro loop: broken -> broken");
	CHECK_EQ_INT(err.column, 19);
	flt_arena_free(a);
}

TEST(constructors)
{
	struct flt_arena *a = flt_arena_new();
	const char *vals[] = {"/usr/bin/sudo", "it's"};
	struct flt_node *k[2];
	k[0] = flt_node_new_cmp(a, flt_expr_new_field(a, "proc.exepath"), FLT_OP_IN, vals, 2);
	k[1] = flt_node_new_not(
	    a, flt_node_new_cmp(a, flt_expr_new_field(a, "fd.name"), FLT_OP_EXISTS, NULL, 0));
	struct flt_node *n = flt_node_new_logic(a, FLT_N_OR, k, 2);
	char buf[256];
	flt_node_print(n, buf, sizeof(buf));
	CHECK_STR(buf, "(proc.exepath in (/usr/bin/sudo, \"it's\") or (not fd.name exists))");
	CHECK(flt_node_new_cmp(a, flt_expr_new_field(a, "fd.name"), FLT_OP_EQ, vals, 2) == NULL);
	struct flt_prog *p;
	struct sr_err err;
	CHECK_EQ_INT(flt_compile(a, n, &p, &err), 0);
	CHECK_EQ_INT(flt_compile(a, flt_node_new_bool(a, 0), &p, &err), 0);
	flt_arena_free(a);
}

/* ---- event-type sets ---- */

static int type_in(const uint8_t set[32], const char *name)
{
	int t = evt_type_by_name(name);
	return t >= 0 && (set[t / 8] >> (t % 8)) & 1;
}

static int type_count(const uint8_t set[32])
{
	int n = 0;
	for (int t = 0; t < 256; t++)
		n += (set[t / 8] >> (t % 8)) & 1;
	return n;
}

TEST(event_type_sets)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_prog *p;
	struct sr_err err;
	uint8_t set[32];

	CHECK_EQ_INT(flt_compile_text(a, "evt.type = openat and proc.name = cat", &p, &err), 0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 1);
	CHECK(type_in(set, "openat"));

	CHECK_EQ_INT(
	    flt_compile_text(a, "evt.type in (open, openat) or evt.type = execve", &p, &err), 0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 3);
	CHECK(type_in(set, "open") && type_in(set, "openat") && type_in(set, "execve"));

	/* unconstrained: every bit */
	CHECK_EQ_INT(flt_compile_text(a, "proc.name = cat or evt.type = openat", &p, &err), 0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 256);

	/* != and not: complement */
	CHECK_EQ_INT(flt_compile_text(a, "evt.type != openat", &p, &err), 0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 255);
	CHECK(!type_in(set, "openat"));
	CHECK_EQ_INT(flt_compile_text(a,
				      "not (evt.type = openat or evt.type = open) and "
				      "not proc.name = x",
				      &p, &err),
		     0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 254);

	/* not (A and B): true wherever A or B can be false */
	CHECK_EQ_INT(flt_compile_text(a,
				      "evt.type = openat and not (evt.type = openat and "
				      "proc.name = cat)",
				      &p, &err),
		     0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 1);
	/* contradiction: empty */
	CHECK_EQ_INT(flt_compile_text(a, "evt.type = openat and evt.type = execve", &p, &err), 0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 0);
	/* a transformer hides the constraint: stay conservative */
	CHECK_EQ_INT(flt_compile_text(a, "toupper(evt.type) = OPENAT", &p, &err), 0);
	flt_prog_types(p, set);
	CHECK_EQ_INT(type_count(set), 256);
	flt_arena_free(a);
}

TEST(dump_ir)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_prog *p;
	struct sr_err err;
	char big[2048] = "evt.type = openat and fd.name in (";
	for (int i = 0; i < 20; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s/f%d", i ? "," : "", i);
	strcat(big, ") and fd.sip = 10.0.0.0/8 and proc.name regex 'c.t'");
	CHECK_EQ_INT(flt_compile_text(a, big, &p, &err), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	flt_prog_dump(p, f);
	fclose(f);
	CHECK(strstr(buf, "types: openat\n") != NULL);
	CHECK(strstr(buf, "fd.name (string) in [20 values, sorted]") != NULL);
	CHECK(strstr(buf, "10.0.0.0/8") != NULL);
	CHECK(strstr(buf, "(regex, anchored)") != NULL);
	free(buf);
	flt_arena_free(a);
}

/* ---- limits ---- */

TEST(deep_nesting_is_an_error_not_a_crash)
{
	static char text[100000];
	size_t n = 0;
	for (int i = 0; i < 20000; i++)
		text[n++] = '(';
	strcpy(text + n, "proc.name = x");
	struct flt_arena *a = flt_arena_new();
	struct flt_node *ast;
	struct sr_err err;
	CHECK_EQ_INT(flt_parse(a, text, &ast, &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "nested too deeply") != NULL);
	n = 0;
	for (int i = 0; i < 20000; i++)
		n += (size_t)sprintf(text + n, "not ");
	strcpy(text + n, "proc.name = x");
	CHECK_EQ_INT(flt_parse(a, text, &ast, &err), SR_ESYNTAX);
	flt_arena_free(a);
}

TEST(large_list_uses_sorted_lookup)
{
	/* 500 items, as Falco lists grow: compiled to a sorted array */
	struct flt_arena *a = flt_arena_new();
	size_t cap = 500 * 16 + 64, n = 0;
	char *text = malloc(cap);
	n += (size_t)snprintf(text, cap, "proc.name in (");
	for (int i = 0; i < 500; i++)
		n += (size_t)snprintf(text + n, cap - n, "%sname%d", i ? "," : "", i * 7);
	snprintf(text + n, cap - n, ", cat)");
	struct flt_prog *p;
	struct sr_err err;
	CHECK_EQ_INT(flt_compile_text(a, text, &p, &err), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	flt_prog_dump(p, f);
	fclose(f);
	CHECK(strstr(buf, "proc.name (string) in [501 values, sorted]") != NULL);
	free(buf);
	free(text);
	flt_arena_free(a);
}

/* ---- Falco's rule files: every condition parses (and compiles) ---- */

struct falco_names {
	char **lists;
	size_t nlists;
	struct flt_arena *a;
	const struct flt_node *stub;
};

static const struct flt_node *stub_macro(void *ctx, const char *name, struct sr_err *err)
{
	struct falco_names *fn = ctx;
	(void)name;
	(void)err;
	return fn->stub;
}

static const char *const *stub_list(void *ctx, const char *name, size_t *n)
{
	struct falco_names *fn = ctx;
	for (size_t i = 0; i < fn->nlists; i++)
		if (!strcmp(fn->lists[i], name)) {
			*n = 0;
			return empty_items;
		}
	return NULL;
}

/* Collects (kind, name, condition) from a Falco rules YAML document. */
struct yitem {
	char kind[8];
	char name[256];
	char *cond;
	int line;
};

static size_t load_falco_items(const char *path, struct yitem **out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	size_t n = 0, cap = 0;
	struct yitem *items = NULL;
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		fclose(f);
		return 0;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = root->data.sequence.items.start;
		     it < root->data.sequence.items.top; it++) {
			yaml_node_t *m = yaml_document_get_node(&doc, *it);
			if (!m || m->type != YAML_MAPPING_NODE)
				continue;
			struct yitem y = {0};
			y.line = (int)m->start_mark.line + 1;
			for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
			     pr < m->data.mapping.pairs.top; pr++) {
				yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
				yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
				if (!k || !v || k->type != YAML_SCALAR_NODE)
					continue;
				const char *key = (const char *)k->data.scalar.value;
				if (v->type == YAML_SCALAR_NODE &&
				    (!strcmp(key, "rule") || !strcmp(key, "macro") ||
				     !strcmp(key, "list"))) {
					snprintf(y.kind, sizeof(y.kind), "%s", key);
					snprintf(y.name, sizeof(y.name), "%s",
						 (const char *)v->data.scalar.value);
				} else if (v->type == YAML_SCALAR_NODE &&
					   !strcmp(key, "condition")) {
					y.cond = strdup((const char *)v->data.scalar.value);
				}
			}
			if (!y.kind[0]) {
				free(y.cond);
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				items = realloc(items, cap * sizeof(*items));
			}
			items[n++] = y;
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	fclose(f);
	*out = items;
	return n;
}

static void falco_file(const char *file, int compile)
{
	char path[1024];
	const char *ref = getenv("REF");
	snprintf(path, sizeof(path), "%s/falco-rules/%s", ref ? ref : "../shared/reference", file);
	struct yitem *items = NULL;
	size_t n = load_falco_items(path, &items);
	if (n == 0) {
		SKIP("Falco rule file not found under $REF/falco-rules");
		return;
	}
	struct falco_names fn = {0};
	fn.a = flt_arena_new();
	struct flt_node *stub;
	struct sr_err err;
	flt_parse(fn.a, "evt.num > 0", &stub, &err);
	fn.stub = stub;
	fn.lists = calloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].kind, "list"))
			fn.lists[fn.nlists++] = items[i].name;
	struct flt_resolver res = {&fn, stub_macro, stub_list};
	int conds = 0, bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (!items[i].cond)
			continue;
		conds++;
		struct flt_node *ast;
		struct flt_prog *prog;
		int r = flt_parse_ex(fn.a, items[i].cond, &res, &ast, &err);
		if (r == 0 && compile)
			r = flt_compile(fn.a, ast, &prog, &err);
		if (r != 0 && bad++ < 10)
			TAP_FAIL("%s:%d: %s '%s': %d:%d: %s", file, items[i].line, items[i].kind,
				 items[i].name, err.line, err.column, err.msg);
	}
	CHECK(conds > 10);
	if (bad)
		TAP_FAIL("%s: %d of %d conditions failed", file, bad, conds);
	for (size_t i = 0; i < n; i++)
		free(items[i].cond);
	free(items);
	free(fn.lists);
	flt_arena_free(fn.a);
}

TEST(falco_rules_parse)
{
	falco_file("falco_rules.yaml", 0);
}
TEST(falco_incubating_rules_parse)
{
	falco_file("falco-incubating_rules.yaml", 0);
}
TEST(falco_sandbox_rules_parse)
{
	falco_file("falco-sandbox_rules.yaml", 0);
}
TEST(falco_rules_compile)
{
	falco_file("falco_rules.yaml", 1);
}
TEST(falco_incubating_rules_compile)
{
	falco_file("falco-incubating_rules.yaml", 1);
}
TEST(falco_sandbox_rules_compile)
{
	falco_file("falco-sandbox_rules.yaml", 1);
}
