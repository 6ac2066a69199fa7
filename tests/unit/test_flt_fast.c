/* test_flt_fast: the evaluation shortcuts of filter/flt_* give the same
 * answers as the general path they replace.
 *
 *  - star-only globs (prefix/suffix/segments) against the backtracking matcher
 *  - evt.arg.NAME on flag and enum parameters decided on the number, against
 *    the same comparison on the rendered names
 *  - hashed `in` lists, cost ordering of and/or operands
 *  - sub-conditions shared between rules (macros) remembered per event, and
 *    extracted values kept per event, never leaking into the next event
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "filter/flt.h"
#include "filter/flt_int.h"
#include "rules/rule.h"
#include "state/st.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- globs ---- */

TEST(glob_fast_form_matches_backtracking)
{
	static const char alpha[] = "ab/.*";
	static const char salpha[] = "abAB/.";
	struct flt_arena *a = flt_arena_new();
	size_t compared = 0;

	for (int i = 0; i < 20000; i++) {
		char pat[12], low[12], s[16];
		size_t pl = rnd() % 10, sl = rnd() % 14;
		for (size_t k = 0; k < pl; k++)
			pat[k] = alpha[rnd() % 5];
		for (size_t k = 0; k < sl; k++)
			s[k] = salpha[rnd() % 6];
		for (size_t k = 0; k < pl; k++)
			low[k] = (char)(pat[k] >= 'A' && pat[k] <= 'Z' ? pat[k] + 32 : pat[k]);
		const struct flt_glob_fast *g = flt_glob_fast_compile(a, pat, pl);
		const struct flt_glob_fast *gl = flt_glob_fast_compile(a, low, pl);
		if (!g || !gl) {
			CHECK(0);
			break;
		}
		for (int icase = 0; icase < 2; icase++) {
			int want = flt_glob_match(pat, pl, s, sl, icase);
			int got = flt_glob_fast_match(icase ? gl : g, s, sl, icase);
			if (want != got) {
				TAP_FAIL("glob '%.*s' on '%.*s' (icase %d): fast %d, slow %d",
					 (int)pl, pat, (int)sl, s, icase, got, want);
				flt_arena_free(a);
				return;
			}
			compared++;
		}
	}
	CHECK(compared == 40000);
	/* patterns the fast form does not take */
	CHECK(flt_glob_fast_compile(a, "a?b", 3) == NULL);
	CHECK(flt_glob_fast_compile(a, "[ab]*", 5) == NULL);
	CHECK(flt_glob_fast_compile(a, "a\\*", 3) == NULL);
	flt_arena_free(a);
}

/* ---- events ---- */

static struct evt_builder eb;
static struct evt ev;
static struct fld_ctx *ctx;

static void build(unsigned type, int64_t res, const uint64_t *u, size_t n, const char *path)
{
	struct evt_rec h;
	size_t len;

	memset(&h, 0, sizeof(h));
	h.pid = h.tid = 42;
	h.ppid = 1;
	h.res = res;
	h.ts = 1700000000000000000ull;
	snprintf(h.comm, sizeof(h.comm), "test");
	evt_builder_begin(&eb, type, &h);
	for (size_t i = 0; i < n; i++) {
		if (path && type == EVT_OPENAT && i == 1)
			evt_builder_add_str(&eb, path);
		else
			evt_builder_add_u64(&eb, u[i]);
	}
	const void *rec = evt_builder_finish(&eb, &len);
	if (!rec || evt_decode(&ev, rec, len) != 0)
		TAP_FAIL("cannot build event type %u", type);
	fld_ctx_reset(ctx, &ev, NULL);
}

/* An openat of path from the cwd (flags and mode 0) under header h,
 * decoded into out. */
static void build_open_as(const struct evt_rec *h, const char *path, struct evt *out)
{
	size_t len;

	evt_builder_begin(&eb, EVT_OPENAT, h);
	evt_builder_add_u64(&eb, (uint64_t)-100);
	evt_builder_add_str(&eb, path);
	evt_builder_add_u64(&eb, 0);
	evt_builder_add_u64(&eb, 0);
	const void *rec = evt_builder_finish(&eb, &len);
	if (!rec || evt_decode(out, rec, len) != 0)
		TAP_FAIL("cannot build an open of %s", path);
}

/* Evaluates p on the current event with and without the flag shortcut. */
static int both_ways(struct flt_prog *prog, int *fast, int *slow)
{
	struct flt_pnode *root = prog->root;
	const struct flt_flagm *m = root->flagm;
	*fast = flt_eval(prog, ctx);
	root->flagm = NULL;
	fld_ctx_reset(ctx, &ev, NULL); /* drop cached values */
	*slow = flt_eval(prog, ctx);
	root->flagm = m;
	return *fast == *slow;
}

static uint64_t value_for(size_t i)
{
	if (i < 64)
		return 1ull << i;
	if (i < 128)
		return (1ull << (i - 64)) | (rnd() & 3);
	if (i == 128)
		return 0;
	return rnd() & (rnd() | 0xfffff);
}

TEST(flag_and_enum_tests_match_rendering)
{
	static const char *const conds[] = {
	    "evt.arg.flags contains O_TRUNC",
	    "evt.arg.flags contains O_RDONLY",
	    "evt.arg.flags contains O_WRONLY",
	    "evt.arg.flags contains O_RDWR",
	    "evt.arg.flags contains O_CREAT",
	    "evt.arg.flags icontains o_cloexec",
	    "evt.arg.flags contains O_DSYNC",
	    "evt.arg.flags contains O_SYNC",
	    "evt.arg.flags contains MAP_SHARED",
	    "evt.arg.flags contains MAP_PRIVATE",
	    "evt.arg.flags contains MAP_ANON",
	    "evt.arg.prot contains PROT_WRITE",
	    "evt.arg.prot contains PROT_EXEC",
	    "evt.arg.prot contains PROT_NONE",
	    "evt.arg.request in (PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_POKEDATA)",
	    "evt.arg.request contains POKE",
	    "evt.arg.request = PTRACE_TRACEME",
	    "evt.arg.request != PTRACE_TRACEME",
	    "evt.arg.request startswith PTRACE_GET",
	};
	struct flt_arena *a = flt_arena_new();
	size_t fast_nodes = 0, compared = 0;

	ctx = calloc(1, sizeof(*ctx));
	evt_builder_init(&eb);
	for (size_t ci = 0; ci < sizeof(conds) / sizeof(conds[0]); ci++) {
		struct flt_prog *p;
		struct sr_err err;
		if (flt_compile_text(a, conds[ci], &p, &err) != 0) {
			TAP_FAIL("%s: %s", conds[ci], err.msg);
			continue;
		}
		fast_nodes += p->root->flagm != NULL;
		for (size_t i = 0; i < 400; i++) {
			uint64_t v = value_for(i);
			uint64_t op[4] = {(uint64_t)-100, 0, v, 0644};
			uint64_t pi[3] = {5, 6, v};
			uint64_t mm[6] = {0, 4096, v, v, (uint64_t)-1, 0};
			uint64_t pt[4] = {v % 0x4210, 4242, 0, 0};
			int f, s;
			build(EVT_OPENAT, 3, op, 4, "/x");
			compared++;
			if (!both_ways(p, &f, &s))
				TAP_FAIL("%s, openat flags %#llx: fast %d, rendered %d", conds[ci],
					 (unsigned long long)v, f, s);
			build(EVT_PIPE2, 0, pi, 3, NULL);
			compared++;
			if (!both_ways(p, &f, &s))
				TAP_FAIL("%s, pipe2 flags %#llx: fast %d, rendered %d", conds[ci],
					 (unsigned long long)v, f, s);
			build(EVT_MMAP, 0, mm, 6, NULL);
			compared++;
			if (!both_ways(p, &f, &s))
				TAP_FAIL("%s, mmap %#llx: fast %d, rendered %d", conds[ci],
					 (unsigned long long)v, f, s);
			build(EVT_PTRACE, 0, pt, 4, NULL);
			compared++;
			if (!both_ways(p, &f, &s))
				TAP_FAIL("%s, ptrace %#llx: fast %d, rendered %d", conds[ci],
					 (unsigned long long)pt[0], f, s);
		}
	}
	/* every condition above takes the numeric path (none falls back) */
	CHECK_EQ_INT(fast_nodes, sizeof(conds) / sizeof(conds[0]));
	CHECK(compared > 10000);
	/* a spot check of meaning, not just agreement */
	{
		struct flt_prog *p;
		struct sr_err err;
		uint64_t op[4] = {(uint64_t)-100, 0, 01 | 01000 /* O_WRONLY|O_TRUNC */, 0};
		CHECK_EQ_INT(flt_compile_text(a, "evt.arg.flags contains O_TRUNC", &p, &err), 0);
		build(EVT_OPENAT, 3, op, 4, "/var/log/x");
		CHECK_EQ_INT(flt_eval(p, ctx), 1);
		op[2] = 01;
		build(EVT_OPENAT, 3, op, 4, "/var/log/x");
		CHECK_EQ_INT(flt_eval(p, ctx), 0);
	}
	flt_arena_free(a);
	evt_builder_free(&eb);
	free(ctx);
	ctx = NULL;
}

TEST(hashed_lists_and_operand_order)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_prog *p;
	struct sr_err err;
	uint64_t op[4] = {(uint64_t)-100, 0, 0, 0};

	ctx = calloc(1, sizeof(*ctx));
	evt_builder_init(&eb);
	CHECK_EQ_INT(flt_compile_text(a,
				      "fd.name in (/a, /b, /c, /etc/shadow, /d) and "
				      "proc.cmdline contains x or evt.type = openat",
				      &p, &err),
		     0);
	build(EVT_OPENAT, -2, op, 4, "/etc/shadow");
	CHECK_EQ_INT(flt_eval(p, ctx), 1);
	/* or: the evt.type test (cheapest) is tried first */
	CHECK_EQ_INT(p->root->kind, FLT_N_OR);
	CHECK(p->root->kids[0]->by_type);
	/* and: the rendered cmdline after the fd.name list */
	const struct flt_pnode *and = p->root->kids[1];
	CHECK_EQ_INT(and->kind, FLT_N_AND);
	CHECK(and->kids[0]->hslots != NULL);
	CHECK_EQ_INT(and->kids[1]->cost, FLT_COST_EXPENSIVE);
	CHECK_EQ_INT(flt_compile_text(a, "fd.name in (/a, /b, /c, /etc/shadow, /d)", &p, &err), 0);
	build(EVT_OPENAT, -2, op, 4, "/etc/shadow");
	CHECK_EQ_INT(flt_eval(p, ctx), 1);
	build(EVT_OPENAT, -2, op, 4, "/etc/shado");
	CHECK_EQ_INT(flt_eval(p, ctx), 0);
	build(EVT_OPENAT, -2, op, 4, "/d");
	CHECK_EQ_INT(flt_eval(p, ctx), 1);
	flt_arena_free(a);
	evt_builder_free(&eb);
	free(ctx);
	ctx = NULL;
}

/* ---- rules sharing macros; values kept per event ---- */

static size_t nhits;
static char hitnames[4][64];

static void on_hit(void *c, const struct rule *r, struct fld_ctx *fc)
{
	(void)c;
	(void)fc;
	if (nhits < 4)
		snprintf(hitnames[nhits], sizeof(hitnames[0]), "%s", rule_name(r));
	nhits++;
}

TEST(shared_macros_are_per_event)
{
	static const char yaml[] = "- macro: etc_open\n"
				   "  condition: evt.type = openat and fd.name startswith /etc/\n"
				   "- macro: is_cat\n"
				   "  condition: proc.cmdline startswith \"cat \"\n"
				   "- rule: a\n"
				   "  desc: a\n"
				   "  condition: etc_open and is_cat\n"
				   "  output: a %fd.name %proc.cmdline\n"
				   "  priority: WARNING\n"
				   "- rule: b\n"
				   "  desc: b\n"
				   "  condition: etc_open and not is_cat\n"
				   "  output: b %fd.name\n"
				   "  priority: WARNING\n";
	struct rule_set *rs = rule_set_new();
	struct st_state *st = st_new();
	struct sr_err err;
	static const struct {
		const char *comm, *path;
		const char *want;
	} steps[] = {
	    {"cat", "/etc/passwd", "a"}, {"vi", "/etc/passwd", "b"},  {"cat", "/tmp/x", NULL},
	    {"cat", "/etc/hosts", "a"},	 {"less", "/etc/hosts", "b"}, {"cat", "/etc/hosts", "a"},
	};

	ctx = calloc(1, sizeof(*ctx));
	evt_builder_init(&eb);
	rule_set_match_mode(rs, RULE_MATCH_ALL);
	if (rule_set_load_string(rs, "t.yaml", yaml, &err) || rule_set_finalize(rs, &err)) {
		TAP_FAIL("rules: %s", err.msg);
		goto out;
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct evt_rec h;
		size_t len;
		char args[32];
		size_t an = (size_t)snprintf(args, sizeof(args), "%s%cfile", steps[i].comm, 0) + 1;
		uint32_t pid = 500 + (uint32_t)i;

		/* the process: exec'd with its command line */
		memset(&h, 0, sizeof(h));
		h.pid = h.tid = pid;
		h.ppid = 1;
		h.ts = 1700000000000000000ull + i * 10;
		snprintf(h.comm, sizeof(h.comm), "%s", steps[i].comm);
		evt_builder_begin(&eb, EVT_EXECVE, &h);
		evt_builder_add_str(&eb, "/bin/x");
		evt_builder_add(&eb, args, an);
		evt_builder_add_str(&eb, "/bin/x");
		evt_builder_add_str(&eb, "/"); /* cwd */
		for (int k = 0; k < 5; k++)    /* tty, loginuid, uid, gid, euid */
			evt_builder_add_u64(&eb, 0);
		evt_builder_add(&eb, NULL, 0); /* env */
		evt_builder_add_u64(&eb, 0);   /* flags */
		evt_builder_add_u64(&eb, 0);   /* cap_eff */
		const void *rec = evt_builder_finish(&eb, &len);
		CHECK(rec && evt_decode(&ev, rec, len) == 0);
		st_event_begin(st, &ev);
		st_event_end(st, &ev);
		/* the open, through the rules */
		h.ts++;
		h.res = 3;
		build_open_as(&h, steps[i].path, &ev);
		st_event_begin(st, &ev);
		fld_ctx_reset(ctx, &ev, st);
		nhits = 0;
		rule_set_match(rs, ctx, on_hit, NULL);
		if (steps[i].want) {
			CHECK_EQ_INT(nhits, 1);
			CHECK_STR(hitnames[0], steps[i].want);
		} else {
			CHECK_EQ_INT(nhits, 0);
		}
		/* values seen by the rules are this event's */
		{
			struct fld_ref r;
			struct fld_value v;
			CHECK_EQ_INT(fld_resolve("proc.cmdline", &r, &err), 0);
			CHECK_EQ_INT(fld_extract(&r, ctx, &v), 1);
			CHECK(v.len > strlen(steps[i].comm) &&
			      memcmp(v.s, steps[i].comm, strlen(steps[i].comm)) == 0);
			CHECK_EQ_INT(fld_resolve("fd.name", &r, &err), 0);
			CHECK_EQ_INT(fld_extract(&r, ctx, &v), 1);
			CHECK(v.len == strlen(steps[i].path) && !memcmp(v.s, steps[i].path, v.len));
		}
		st_event_end(st, &ev);
	}
out:
	rule_set_free(rs);
	st_free(st);
	evt_builder_free(&eb);
	free(ctx);
	ctx = NULL;
}

/* ---- where shared results are kept ---- */

/* p compiled into set sh twice, so its root is a shared node with a slot. */
static struct flt_prog *shared_twice(struct flt_arena *a, struct flt_shared *sh, const char *text)
{
	struct flt_node *ast;
	struct flt_prog *p = NULL;
	struct sr_err err;

	for (int i = 0; i < 2; i++)
		if (flt_parse(a, text, &ast, &err) || flt_compile_shared(a, sh, ast, &p, &err))
			return NULL;
	return p;
}

/* Each set keeps its own results: two sets evaluated on one event (replay's
 * diff-rules and per-window sinks do) do not read each other's slots, and
 * one set evaluated over two contexts does not take one context's event for
 * the other's. */
TEST(shared_results_belong_to_their_set)
{
	struct flt_arena *a = flt_arena_new();
	struct flt_shared *sa = flt_shared_new(a), *sb = flt_shared_new(a);
	struct flt_prog *pa = shared_twice(a, sa, "proc.name = test");
	struct flt_prog *pb = shared_twice(a, sb, "proc.name = other");
	struct fld_ctx *c2 = calloc(1, sizeof(*c2));
	struct evt ev2;
	uint64_t op[4] = {(uint64_t)-100, 0, 0, 0};

	ctx = calloc(1, sizeof(*ctx));
	evt_builder_init(&eb);
	if (!pa || !pb || !c2) {
		TAP_FAIL("cannot compile the shared programs");
		goto out;
	}
	/* both roots remembered, in the first slot of their set */
	CHECK_EQ_INT(pa->root->memo, 1);
	CHECK_EQ_INT(pb->root->memo, 1);
	build(EVT_OPENAT, 3, op, 4, "/etc/hosts"); /* comm "test" */
	CHECK_EQ_INT(flt_eval(pa, ctx), 1);
	CHECK_EQ_INT(flt_eval(pb, ctx), 0);
	CHECK_EQ_INT(flt_eval(pa, ctx), 1);
	/* a second context, new like the first, holding another process's event */
	ev2 = ev;
	{
		struct evt_rec h = *ev.rec;

		snprintf(h.comm, sizeof(h.comm), "other");
		build_open_as(&h, "/etc/hosts", &ev2);
	}
	fld_ctx_reset(c2, &ev2, NULL);
	CHECK_EQ_INT(flt_eval(pa, c2), 0);
	CHECK_EQ_INT(flt_eval(pb, c2), 1);
out:
	flt_arena_free(a);
	evt_builder_free(&eb);
	free(c2);
	free(ctx);
	ctx = NULL;
}

/* The loading workers' screen (rule_set_may_match without state) decides
 * the parts reading the fd an open makes where the record decides that fd
 * (an absolute path; a failed open), and leaves them to the rules where it
 * does not (a relative path). With state it answers as from the free parts. */
TEST(may_match_reads_the_fd_an_open_makes)
{
	static const char yaml[] =
	    "- rule: etc\n"
	    "  desc: etc\n"
	    "  condition: evt.type = openat and fd.name startswith /etc/ and "
	    "fd.typechar = f and proc.pname exists\n"
	    "  output: etc %fd.name\n"
	    "  priority: WARNING\n";
	static const struct {
		const char *path;
		int64_t res;
		int may, decided;
	} c[] = {
	    {"/tmp/x", 3, 0, 1}, {"/etc/passwd", 3, 1, 1}, {"/srv/../etc/x", 3, 1, 1},
	    {"/etc", 3, 0, 1},	 {"/tmp/x", -2, 0, 2},	   {"/etc/shadow", -13, 1, 2},
	    {"tmp/x", 3, 1, 0},	 {"../tmp/x", -2, 1, 0},
	};
	struct rule_set *rs = rule_set_new();
	struct st_state *st = st_new();
	struct sr_err err;

	ctx = calloc(1, sizeof(*ctx));
	evt_builder_init(&eb);
	CHECK_EQ_INT(rule_set_load_string(rs, "t.yaml", yaml, &err), 0);
	CHECK_EQ_INT(rule_set_finalize(rs, &err), 0);
	for (size_t i = 0; ctx && i < sizeof(c) / sizeof(c[0]); i++) {
		struct evt_rec h;

		memset(&h, 0, sizeof(h));
		h.pid = h.tid = 600;
		h.ppid = 1;
		h.ts = 1700000000000000000ull + i;
		h.res = c[i].res;
		snprintf(h.comm, sizeof(h.comm), "cat");
		build_open_as(&h, c[i].path, &ev);
		fld_ctx_reset(ctx, &ev, NULL);
		CHECK_EQ_INT(rule_set_may_match(rs, ctx), c[i].may);
		CHECK_EQ_INT(ctx->fd_from_record, c[i].decided);
		/* with state: the free parts alone (evt.type) */
		st_event_begin(st, &ev);
		fld_ctx_reset(ctx, &ev, st);
		CHECK_EQ_INT(rule_set_may_match(rs, ctx), 1);
		CHECK_EQ_INT(ctx->fd_from_record, 0);
		st_event_end(st, &ev);
	}
	rule_set_free(rs);
	st_free(st);
	evt_builder_free(&eb);
	free(ctx);
	ctx = NULL;
}
