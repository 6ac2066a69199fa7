/* out_rate.c: a token bucket per rule. A suppressed alert is counted, and
 * every summary period a rule with suppressed alerts gets one summary
 * alert, so a flood is thinned, never silently cut. */
#include <stdlib.h>
#include <string.h>

#include "out_int.h"

struct bucket {
	char *rule, *source;
	int priority;
	double tokens;
	uint64_t last_ns, window_ns; /* last refill; start of the summary window */
	uint64_t suppressed;
};

struct out_rate {
	double rate;
	double burst;
	uint64_t summary_ns;
	struct bucket *b;
	size_t n, cap;
	uint64_t total;
};

struct out_rate *out_rate_new(double rate, uint32_t burst, uint64_t summary_ns)
{
	struct out_rate *rl = calloc(1, sizeof(*rl));

	if (!rl)
		return NULL;
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
	rl->summary_ns = summary_ns ? summary_ns : 60000000000ull;
	return rl;
}

/* Rules are few (hundreds): a linear search by name is enough, and the
 * table only grows. */
static struct bucket *find(struct out_rate *rl, const struct out_alert *a, uint64_t now)
{
	struct bucket *b;

	for (size_t i = 0; i < rl->n; i++)
		if (!strcmp(rl->b[i].rule, a->rule))
			return &rl->b[i];
	if (rl->n == rl->cap) {
		size_t nc = rl->cap ? rl->cap * 2 : 16;
		struct bucket *nb = realloc(rl->b, nc * sizeof(*nb));

		if (!nb)
			return NULL;
		rl->b = nb;
		rl->cap = nc;
	}
	b = &rl->b[rl->n];
	memset(b, 0, sizeof(*b));
	b->rule = strdup(a->rule);
	b->source = strdup(a->source ? a->source : "syscall");
	if (!b->rule || !b->source) {
		free(b->rule);
		free(b->source);
		return NULL;
	}
	b->priority = a->priority;
	b->tokens = rl->burst;
	b->last_ns = b->window_ns = now;
	rl->n++;
	return b;
}

int out_rate_allow(struct out_rate *rl, const struct out_alert *a, uint64_t now)
{
	struct bucket *b = find(rl, a, now);

	if (!b)
		return 1; /* no memory for the bookkeeping: let it through */
	b->tokens += (double)(now - b->last_ns) / 1e9 * rl->rate;
	if (b->tokens > rl->burst)
		b->tokens = rl->burst;
	b->last_ns = now;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 1;
	}
	if (!b->suppressed)
		b->window_ns = now;
	b->suppressed++;
	rl->total++;
	return 0;
}

void out_rate_sweep(struct out_rate *rl, uint64_t now, int force,
		    void (*cb)(void *ctx, const char *rule, int priority, const char *source,
			       uint64_t n, uint64_t window_ns),
		    void *ctx)
{
	for (size_t i = 0; i < rl->n; i++) {
		struct bucket *b = &rl->b[i];

		if (!b->suppressed || (!force && now - b->window_ns < rl->summary_ns))
			continue;
		cb(ctx, b->rule, b->priority, b->source, b->suppressed,
		   force ? now - b->window_ns : rl->summary_ns);
		b->suppressed = 0;
		b->window_ns = now;
	}
}

uint64_t out_rate_suppressed(const struct out_rate *rl)
{
	return rl->total;
}

void out_rate_free(struct out_rate *rl)
{
	if (!rl)
		return;
	for (size_t i = 0; i < rl->n; i++) {
		free(rl->b[i].rule);
		free(rl->b[i].source);
	}
	free(rl->b);
	free(rl);
}
