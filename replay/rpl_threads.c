/* rpl_threads: -J/--threads, how many threads a run may use.
 *
 * N = 1 starts no worker: every chunk is loaded on the run's thread.
 * N >= 2 starts N - 1 workers that load chunks ahead (format/fmt_pipe.c
 * says what they do and what stays on the run's thread), shared by every
 * file of the run, and the run's thread loads too whenever the chunk it
 * needs next is not ready (fmt_pipe_take): N threads in all, one per core,
 * whether the run's thread does little (a count, a filter on record
 * fields: it mostly loads) or much (rules: the workers run ahead as far as
 * the depth allows). The default is the CPUs this process may run on
 * (sched_getaffinity), or SYSREPLAY_THREADS when set (tests run whole
 * suites at a given count that way).
 */
#include <sched.h>
#include <stdlib.h>

#include "rpl.h"

#define RPL_THREADS_MAX 256

static unsigned threads_opt; /* 0: not given */

static int parse_threads(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > RPL_THREADS_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int rpl_opt_threads(const char *cmd, const char *arg)
{
	if (parse_threads(arg, &threads_opt))
		return rpl_usage_error(cmd, "--threads needs a count from 1 to %d, not '%s'",
				       RPL_THREADS_MAX, arg);
	return 0;
}

unsigned rpl_threads(void)
{
	cpu_set_t set;
	unsigned n;
	int c;

	if (threads_opt)
		return threads_opt;
	if (!parse_threads(getenv("SYSREPLAY_THREADS"), &n))
		return n;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	c = CPU_COUNT(&set);
	return c < 1 ? 1 : c > RPL_THREADS_MAX ? RPL_THREADS_MAX : (unsigned)c;
}

void rpl_threads_apply(size_t nsources)
{
	unsigned n = rpl_threads(), workers = n > 1 ? n - 1 : 0;
	unsigned depth = 2 * n + 2;

	/* Loads in flight, split between the files read at once: memory grows
	 * with the depth, not with the number of files. */
	if (depth > 32)
		depth = 32;
	if (nsources > 1)
		depth = depth / nsources ? depth / nsources : 1;
	evt_source_set_threads(workers, depth);
}
