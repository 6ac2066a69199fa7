/* rpl_progress: a one-line progress bar on stderr for long runs.
 *
 * Drawn only when stderr is a terminal (never into pipes or logs), at most
 * five times a second, and erased at the end so output that follows starts
 * on a clean line. Progress is measured in capture time, which the index
 * gives without reading: (ts - first) / (last - first).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_time.h"
#include "rpl.h"

#define RPL_PROGRESS_PERIOD_NS 200000000ull
#define RPL_PROGRESS_DELAY_NS  500000000ull /* quick runs never show a bar */
#define RPL_BAR_WIDTH	       30

void rpl_progress_start(struct rpl_progress *p, int want, uint64_t first_ts, uint64_t last_ts)
{
	memset(p, 0, sizeof(*p));
	p->on = want && isatty(STDERR_FILENO) && last_ts > first_ts;
	p->first = first_ts;
	p->last = last_ts;
	p->next_draw_ns = sr_time_now(CLOCK_MONOTONIC) + RPL_PROGRESS_DELAY_NS;
}

void rpl_progress_update(struct rpl_progress *p, uint64_t ts, uint64_t events)
{
	char bar[RPL_BAR_WIDTH + 1];
	uint64_t now;
	double frac;
	int fill;

	if (!p->on)
		return;
	now = sr_time_now(CLOCK_MONOTONIC);
	if (now < p->next_draw_ns)
		return;
	p->next_draw_ns = now + RPL_PROGRESS_PERIOD_NS;
	frac = ts <= p->first  ? 0
	       : ts >= p->last ? 1
			       : (double)(ts - p->first) / (double)(p->last - p->first);
	fill = (int)(frac * RPL_BAR_WIDTH);
	for (int i = 0; i < RPL_BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[RPL_BAR_WIDTH] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %.1fM records", bar, (int)(frac * 100), events / 1e6);
	fflush(stderr);
	p->drawn = 1;
}

void rpl_progress_end(struct rpl_progress *p)
{
	if (p->on && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = 0;
}
