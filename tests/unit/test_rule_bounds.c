/* test_rule_bounds: hostile rule files load in bounded time and memory, or
 * are refused with a message naming the file, line and column.
 *
 * Each file is generated here (a few hundred bytes to a few hundred KiB
 * that once expanded to gigabytes or ran for minutes), then loaded and
 * finalized in a child process: the child reports its result through a
 * pipe, its peak RSS comes from wait4's rusage, an alarm ends it if it runs
 * away, and an address-space limit keeps a regression from swapping the
 * machine. Bound: < 1 s and < 64 MiB (sanitizer builds: time and memory
 * not asserted, their shadow memory and slowdown are not ours). */
#include "tests/tap.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rules/rule.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define MAX_SECONDS 1.0
#define MAX_RSS_KIB (64 * 1024)

/* A growable text buffer for the generators. */
struct gbuf {
	char *p;
	size_t len, cap;
};

static void gput(struct gbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gput(struct gbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
}

static void grule(struct gbuf *b, const char *name, const char *cond)
{
	gput(b, "- rule: %s\n  desc: d\n  condition: %s\n  output: o\n  priority: INFO\n", name,
	     cond);
}

/* count items fmt(i) (fmt takes one number), joined by sep. */
static void grepeat(struct gbuf *b, const char *fmt, const char *sep, int count, int fixed)
{
	for (int i = 0; i < count; i++) {
		gput(b, "%s", i ? sep : "");
		gput(b, fmt, fixed < 0 ? i : fixed);
	}
}

/* Rule "r" whose condition is fmt with one number. */
static void grule_in(struct gbuf *b, const char *fmt, int n)
{
	char cond[128];

	snprintf(cond, sizeof(cond), fmt, n);
	grule(b, "r", cond);
}

/* Lists referencing lists: l0 has 10 items, each next level names the
 * previous one 10 times (10^levels items once written out). */
static char *gen_nested_lists(int levels)
{
	struct gbuf b = {0};

	gput(&b, "- list: l0\n  items: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9]\n");
	for (int i = 1; i <= levels; i++) {
		gput(&b, "- list: l%d\n  items: [", i);
		grepeat(&b, "l%d", ", ", 10, i - 1);
		gput(&b, "]\n");
	}
	grule_in(&b, "proc.name in (l%d)", levels);
	return b.p;
}

/* An anchored node of `count` items (head, item, sep, mid), then n - 1
 * items that reuse it (reuse). */
struct alias_gen {
	const char *head, *item, *sep, *mid, *reuse;
};

/* One condition of `count` comparisons reused by n rules. */
static const struct alias_gen cond_alias = {
    "- rule: r0\n  desc: d\n  condition: &c \"", "proc.name=n%d", " or ",
    "\"\n  output: o\n  priority: INFO\n",
    "- rule: r%d\n  desc: d\n  condition: *c\n  output: o\n  priority: INFO\n"};
/* One list of `count` items reused as n lists (the first used by a rule). */
static const struct alias_gen list_alias = {
    "- list: l0\n  items: &i [", "i%d", ",",
    "]\n- rule: r\n  desc: d\n  condition: proc.name in (l0)\n  output: o\n  priority: INFO\n",
    "- list: k%d\n  items: *i\n"};

static char *gen_alias(const struct alias_gen *g, int count, int n)
{
	struct gbuf b = {0};

	gput(&b, "%s", g->head);
	grepeat(&b, g->item, g->sep, count, -1);
	gput(&b, "%s", g->mid);
	grepeat(&b, g->reuse, "", n - 1, -1);
	return b.p;
}

/* Macros doubling per level: eN: (eN-1 or eN-1). */
static char *gen_macro_doubling(int levels)
{
	struct gbuf b = {0};

	gput(&b, "- macro: e0\n  condition: proc.name=x\n");
	for (int i = 1; i <= levels; i++)
		gput(&b, "- macro: e%d\n  condition: (e%d or e%d)\n", i, i - 1, i - 1);
	grule_in(&b, "evt.type=open and e%d", levels);
	return b.p;
}

/* n rules, each its own condition of `terms` comparisons using a shared
 * list and macro: a big but honest file. */
static char *gen_many_rules(int n, int terms)
{
	struct gbuf b = {0};

	gput(&b, "- list: shells\n  items: [sh, bash, zsh, dash]\n");
	gput(&b, "- macro: spawned\n  condition: (evt.type=execve and evt.dir=<)\n");
	for (int i = 0; i < n; i++) {
		gput(&b, "- rule: r%d\n  desc: d\n  condition: spawned and proc.name in (shells)",
		     i);
		for (int k = 0; k < terms; k++)
			gput(&b, " and fd.name!=/f%d/%d", i, k);
		gput(&b, "\n  output: o\n  priority: INFO\n");
	}
	return b.p;
}

struct outcome {
	int rc;		/* load or finalize result */
	int crashed;	/* killed by a signal (alarm: ran away) */
	double seconds; /* load + finalize, in the child */
	long rss_kib;	/* the child's peak */
	char msg[512];
};

/* Loads yaml as `name` in a child; as_extra_mib > 0 limits the child's
 * address space to what it uses now plus that much (out-of-memory tests). */
static void run_child(const char *name, const char *yaml, long as_extra_mib, struct outcome *o)
{
	int fd[2];
	pid_t pid;
	struct rusage ru;
	int status;

	memset(o, 0, sizeof(*o));
	if (pipe(fd) != 0)
		abort();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct sr_err err;
		struct rule_set *rs;
		struct timespec t0, t1;
		struct outcome r = {0};
		struct rlimit rl;

		close(fd[0]);
		alarm(20);
		if (!SANITIZED) {
			rl.rlim_cur = rl.rlim_max = (rlim_t)1 << 30; /* 1 GiB */
			if (as_extra_mib > 0) {
				FILE *f = fopen("/proc/self/statm", "r");
				unsigned long pages = 0;

				if (f && fscanf(f, "%lu", &pages) == 1)
					rl.rlim_cur = rl.rlim_max =
					    (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) +
					    ((rlim_t)as_extra_mib << 20);
				if (f)
					fclose(f);
			}
			setrlimit(RLIMIT_AS, &rl);
		}
		sr_err_clear(&err);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rs = rule_set_new();
		r.rc = rs ? rule_set_load_string(rs, name, yaml, &err) : -1;
		if (rs && !r.rc)
			r.rc = rule_set_finalize(rs, &err);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		r.seconds =
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		snprintf(r.msg, sizeof(r.msg), "%s", r.rc ? err.msg : "");
		if (write(fd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(3);
		_exit(0);
	}
	close(fd[1]);
	if (pid < 0 || read(fd[0], o, sizeof(*o)) != (ssize_t)sizeof(*o))
		o->crashed = 1;
	close(fd[0]);
	if (pid > 0 && wait4(pid, &status, 0, &ru) == pid) {
		o->rss_kib = ru.ru_maxrss;
		if (WIFSIGNALED(status))
			o->crashed = 1;
	}
}

static void check_bounded(const struct outcome *o)
{
	CHECK(!o->crashed);
	if (SANITIZED)
		return;
	if (o->seconds >= MAX_SECONDS)
		TAP_FAIL("took %.2f s (bound %.1f s)", o->seconds, MAX_SECONDS);
	if (o->rss_kib >= MAX_RSS_KIB)
		TAP_FAIL("peak RSS %ld KiB (bound %d KiB)", o->rss_kib, MAX_RSS_KIB);
}

/* Refused, with "NAME:LINE:COL: " in front and `want` in the message. */
static void check_refused(const struct outcome *o, const char *name, int line, const char *want)
{
	char prefix[128];

	check_bounded(o);
	CHECK(o->rc != 0);
	snprintf(prefix, sizeof(prefix), "%s:%d:", name, line);
	if (strncmp(o->msg, prefix, strlen(prefix)) != 0 || !strstr(o->msg, want))
		TAP_FAIL("message '%s', expected '%s...%s'", o->msg, prefix, want);
}

/* Generated file y (freed here) loads within the bounds. */
static void expect_loads(const char *name, char *y)
{
	struct outcome o;

	run_child(name, y, 0, &o);
	check_bounded(&o);
	CHECK_EQ_INT(o.rc, 0);
	if (o.rc)
		TAP_FAIL("refused: %s", o.msg);
	free(y);
}

/* Generated file y (freed here) is refused within the bounds. */
static void expect_refused(const char *name, char *y, int line, const char *want)
{
	struct outcome o;

	run_child(name, y, 0, &o);
	check_refused(&o, name, line, want);
	free(y);
}

TEST(nested_lists_refused)
{
	char *y = gen_nested_lists(9);
	struct outcome o;

	CHECK(strlen(y) < 700);
	run_child("lists9.yaml", y, 0, &o);
	/* l6 (10^7 items) is the first past the bound; its item starts line 13 */
	check_refused(&o, "lists9.yaml", 13, "list 'l6'");
	CHECK(strstr(o.msg, "expand") && strstr(o.msg, "items"));
	free(y);
}

TEST(nested_lists_within_bound_load)
{
	expect_loads("lists4.yaml", gen_nested_lists(4)); /* 10^4 items: fine */
}

TEST(condition_alias_refused)
{
	expect_refused("cond_alias.yaml", gen_alias(&cond_alias, 10000, 2000), 118,
		       "YAML aliases repeat more than"); /* ~150 KB condition, 2000 rules */
}

TEST(list_alias_refused)
{
	expect_refused("list_alias.yaml", gen_alias(&list_alias, 100000, 5000), 15,
		       "YAML aliases repeat more than");
}

TEST(alias_laughs_refused)
{
	/* "billion laughs": each anchor names the previous one 10 times */
	struct gbuf b = {0};
	struct outcome o;

	gput(&b, "- list: l0\n  items: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++) {
		gput(&b, "- list: l%d\n  items: &a%d [", i, i);
		grepeat(&b, "*a%d", ", ", 10, i - 1);
		gput(&b, "]\n");
	}
	CHECK(b.len < 1000);
	run_child("laughs.yaml", b.p, 0, &o);
	check_refused(&o, "laughs.yaml", 12, "YAML aliases repeat more than");
	free(b.p);
}

TEST(small_aliases_load)
{
	expect_loads("small_alias.yaml",
		     gen_alias(&list_alias, 100, 50)); /* 50 aliases of 100 items */
}

TEST(alias_inside_its_anchor_refused)
{
	struct outcome o;

	run_child("self.yaml", "- list: &a [x, *a]\n", 0, &o);
	check_refused(&o, "self.yaml", 1, "inside its own anchor");
}

TEST(macro_doubling_refused)
{
	static const int levels[] = {28, 40};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		char *y = gen_macro_doubling(levels[i]);
		struct outcome o;

		run_child("macros.yaml", y, 0, &o);
		/* the rule's condition: two lines per macro, then "- rule:" */
		check_refused(&o, "macros.yaml", 2 + 2 * levels[i] + 3,
			      "condition expands to more than");
		free(y);
	}
}

TEST(macro_doubling_within_bound_loads)
{
	expect_loads("macros16.yaml",
		     gen_macro_doubling(16)); /* 2^17 terms written out, 17 macros */
}

TEST(many_rules_linear)
{
	expect_loads("many.yaml", gen_many_rules(2000, 20)); /* ~1 MB of honest rules */
}

TEST(out_of_memory_is_reported)
{
	/* Address-space limits from tight to loose: the allocation that fails
	 * moves through YAML reading, loading and compiling; every failure
	 * must say "out of memory" (it once said "ok"). */
	char *y = gen_alias(&list_alias, 100000, 1);
	int failures = 0, loaded = 0;

	if (SANITIZED) {
		SKIP("address-space limits do not apply under sanitizers");
		free(y);
		return;
	}
	for (long mib = 1; mib <= 48 && !loaded; mib++) {
		struct outcome o;

		run_child("oom.yaml", y, mib, &o);
		CHECK(!o.crashed);
		if (o.rc == 0) {
			loaded = 1;
			continue;
		}
		failures++;
		if (!strstr(o.msg, "out of memory")) {
			TAP_FAIL("with %ld MiB: message '%s', expected an out-of-memory message",
				 mib, o.msg);
			break;
		}
	}
	CHECK(failures > 0);
	CHECK(loaded);
	free(y);
}
