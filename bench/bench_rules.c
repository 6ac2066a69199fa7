/* bench_rules: events/s per core through state + a Falco rule set.
 *
 *   bench_rules [-n EVENTS] [-k REPEATS] [-r RULES.yaml ...]
 *
 * Default rules: Falco's stable set ($REF/falco-rules/falco_rules.yaml) and
 * sysrec's rules/default, each measured in its own rows. Events come from
 * tests/tools/gen_events.h (a synthetic busy-server mix), generated into
 * memory first so no I/O or generation cost is timed. Three passes over the
 * same events, each with a fresh state, one core:
 *   decode        evt_decode only
 *   decode+state  + st_event_begin/end
 *   full          + fld_ctx_reset + rule_set_match (Falco's first-match)
 * State cost = (decode+state) - decode; rule cost = full - (decode+state).
 * Times are this thread's CPU time, the fastest of REPEATS runs (default 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fields/fld.h"
#include "rules/rule.h"
#include "state/st.h"
/* gen_events.h is header-only: not every helper in it is used here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tests/tools/gen_events.h"
#pragma GCC diagnostic pop

struct stream {
	uint8_t *buf;
	size_t len, cap, n;
};

/* CPU time of this thread: on a shared machine, time spent descheduled
 * would otherwise count as work. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int gen_stream(struct stream *s, size_t n)
{
	struct gen g;

	gen_init(&g, 42, 1764423473000000000ull, 2000);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const void *rec = gen_next(&g, &len);

		if (!rec)
			return -1;
		if (s->len + len > s->cap) {
			size_t ncap = s->cap ? s->cap * 2 : (64u << 20);
			uint8_t *nb = realloc(s->buf, ncap);

			if (!nb)
				return -1;
			s->buf = nb;
			s->cap = ncap;
		}
		memcpy(s->buf + s->len, rec, len);
		s->len += len;
		s->n++;
	}
	gen_free(&g);
	return 0;
}

static size_t alerts;

static void on_alert(void *c, const struct rule *r, struct fld_ctx *fc)
{
	(void)c;
	(void)r;
	(void)fc;
	alerts++;
}

static int repeats = 3;

/* mode 0 decode, 1 + state, 2 + rules. Returns seconds. */
static double pass1(const struct stream *s, int mode, const struct rule_set *rs,
		    struct fld_ctx *ctx)
{
	struct st_state *st = st_new();
	size_t off = 0;
	double t0 = now_s();

	while (off < s->len) {
		struct evt ev;

		if (evt_decode(&ev, s->buf + off, s->len - off) != 0)
			break;
		off += ev.rec->len;
		if (mode == 0)
			continue;
		st_event_begin(st, &ev);
		if (mode == 2) {
			fld_ctx_reset(ctx, &ev, st);
			rule_set_match(rs, ctx, on_alert, NULL);
		}
		st_event_end(st, &ev);
	}
	t0 = now_s() - t0;
	st_free(st);
	return t0;
}

/* The fastest of `repeats` runs: noise only ever adds time. */
static double pass(const struct stream *s, int mode, const struct rule_set *rs, struct fld_ctx *ctx)
{
	double best = 0;

	for (int i = 0; i < repeats; i++) {
		size_t a0 = alerts;
		double t = pass1(s, mode, rs, ctx);

		if (i == 0 || t < best)
			best = t;
		if (i + 1 < repeats)
			alerts = a0; /* count the alerts of one run */
	}
	return best;
}

static struct rule_set *load(const char *const *files, size_t n, const char *label)
{
	struct rule_set *rs = rule_set_new();
	struct sr_err err;

	for (size_t i = 0; i < n; i++) {
		if (rule_set_load_file(rs, files[i], &err) != 0) {
			fprintf(stderr, "bench_rules: %s: %s\n", label, err.msg);
			rule_set_free(rs);
			return NULL;
		}
	}
	if (rule_set_finalize(rs, &err) != 0) {
		fprintf(stderr, "bench_rules: %s: %s\n", label, err.msg);
		rule_set_free(rs);
		return NULL;
	}
	return rs;
}

static void row(const char *what, const char *rules, size_t n, double sec, double base)
{
	printf("%-14s %-26s %10zu %8.3f %12.0f %9.1f %9.1f\n", what, rules, n, sec, (double)n / sec,
	       sec * 1e9 / (double)n, base >= 0 ? (sec - base) * 1e9 / (double)n : 0.0);
}

int main(int argc, char **argv)
{
	const char *files[32];
	size_t nfiles = 0, nev = 2000000;
	struct stream s = {0};
	struct fld_ctx *ctx = calloc(1, sizeof(*ctx));
	char stock[1024];
	const char *ref = getenv("REF");
	double t_dec, t_st;
	int opt;

	while ((opt = getopt(argc, argv, "n:k:r:")) != -1) {
		if (opt == 'n')
			nev = strtoull(optarg, NULL, 10);
		else if (opt == 'k' && atoi(optarg) > 0)
			repeats = atoi(optarg);
		else if (opt == 'r' && nfiles < 32)
			files[nfiles++] = optarg;
		else {
			fprintf(
			    stderr,
			    "usage: bench_rules [-n EVENTS] [-k REPEATS] [-r RULES.yaml ...]\n");
			return 2;
		}
	}
	if (!ctx || gen_stream(&s, nev) != 0) {
		fprintf(stderr, "bench_rules: cannot generate events\n");
		return 1;
	}
	printf("bench_rules: %zu synthetic events (%.1f MB), one core\n", s.n, s.len / 1e6);
	printf("%-14s %-26s %10s %8s %12s %9s %9s\n", "pass", "rules", "events", "seconds",
	       "events/s", "ns/event", "ns added");
	t_dec = pass(&s, 0, NULL, ctx);
	row("decode", "-", s.n, t_dec, -1);
	t_st = pass(&s, 1, NULL, ctx);
	row("decode+state", "-", s.n, t_st, t_dec);

	if (nfiles == 0) {
		snprintf(stock, sizeof(stock), "%s/falco-rules/falco_rules.yaml",
			 ref && *ref ? ref : "../shared/reference");
		if (access(stock, R_OK) == 0) {
			const char *f[1] = {stock};
			struct rule_set *rs = load(f, 1, "falco_rules.yaml");

			if (rs) {
				char label[64];
				double t;

				alerts = 0;
				t = pass(&s, 2, rs, ctx);
				snprintf(label, sizeof(label), "falco_rules (%zu rules)",
					 rule_set_count(rs));
				row("full", label, s.n, t, t_st);
				printf("%-14s %zu alerts\n", "", alerts);
				rule_set_free(rs);
			}
		} else {
			printf("(no %s: Falco stable rules row skipped)\n", stock);
		}
		{
			const char *f[1] = {"rules/default"};
			struct rule_set *rs =
			    access(f[0], R_OK) == 0 ? load(f, 1, "default") : NULL;

			if (rs) {
				char label[64];
				double t;

				alerts = 0;
				t = pass(&s, 2, rs, ctx);
				snprintf(label, sizeof(label), "sysrec default (%zu rules)",
					 rule_set_count(rs));
				row("full", label, s.n, t, t_st);
				printf("%-14s %zu alerts\n", "", alerts);
				rule_set_free(rs);
			}
		}
	} else {
		struct rule_set *rs = load(files, nfiles, "rules");

		if (rs) {
			char label[64];
			double t;

			alerts = 0;
			t = pass(&s, 2, rs, ctx);
			snprintf(label, sizeof(label), "given (%zu rules)", rule_set_count(rs));
			row("full", label, s.n, t, t_st);
			printf("%-14s %zu alerts\n", "", alerts);
			rule_set_free(rs);
		}
	}
	free(s.buf);
	free(ctx);
	return 0;
}
