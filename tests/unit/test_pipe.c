/* test_pipe: the chunk pipeline (format/fmt_pipe.c). Loads come back in the
 * order they are asked for, and a take whose chunk is not ready loads on
 * the caller's thread instead of leaving it idle: with the pool's one
 * worker held, the caller still gets every chunk. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "format/fmt_pipe.h"
#include "tests/tap.h"

#define ITEMS 12

struct ctx {
	pthread_t caller;
	atomic_int on_caller; /* loads done on the caller's thread */
	atomic_int on_worker;
	atomic_int held;    /* 1: the worker is to hold its first load; 2: it did */
	atomic_int gave_up; /* the worker stopped waiting (the caller never helped) */
	int release_after;  /* caller loads that let the worker go */
};

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

static void work(void *arg, struct fmt_load *l)
{
	struct ctx *c = arg;

	if (pthread_equal(pthread_self(), c->caller)) {
		/* the first load on the caller waits (5 s at most) for the
		 * worker to hold one, so the worker is surely held meanwhile */
		for (int ms = 0; atomic_load(&c->held) == 1 && ms < 5000; ms++)
			sleep_ms(1);
		atomic_fetch_add(&c->on_caller, 1);
	} else {
		/* The worker holds its first load until the caller's thread
		 * has done release_after loads itself (10 s at most). */
		if (atomic_exchange(&c->held, 2) == 1) {
			for (int ms = 0; atomic_load(&c->on_caller) < c->release_after; ms++) {
				if (ms > 10000) {
					atomic_store(&c->gave_up, 1);
					break;
				}
				sleep_ms(1);
			}
		}
		atomic_fetch_add(&c->on_worker, 1);
	}
	l->raw_len = l->idx + 1; /* what this load made of its item */
	l->stage = FMT_LOAD_OK;
}

static int wanted(void *arg, size_t i)
{
	(void)arg;
	(void)i;
	return 1;
}

static size_t cost(void *arg, size_t i)
{
	(void)arg;
	(void)i;
	return 1024;
}

static const struct fmt_pipe_ops ops = {work, wanted, cost};

TEST(caller_loads_while_its_chunk_is_not_ready)
{
	struct ctx c = {.caller = pthread_self(), .held = 1, .release_after = 3};
	struct fmt_pipe *p;

	fmt_pipe_configure(1, 6);
	p = fmt_pipe_new(&ops, &c, ITEMS);
	CHECK(p != NULL);
	if (!p)
		return;
	for (size_t i = 0; i < ITEMS; i++) {
		struct fmt_load *l = fmt_pipe_take(p, i);

		CHECK_EQ_INT(l->idx, i);
		CHECK_EQ_INT(l->raw_len, i + 1);
	}
	fmt_pipe_free(p);
	/* the worker was let go only because the caller loaded chunks */
	CHECK_EQ_INT(atomic_load(&c.gave_up), 0);
	CHECK(atomic_load(&c.on_caller) >= c.release_after);
	CHECK(atomic_load(&c.on_worker) >= 1);
}

TEST(a_seek_restarts_the_prediction)
{
	struct ctx c = {.caller = pthread_self(), .held = 0};
	struct fmt_pipe *p;
	size_t order[] = {0, 1, 7, 8, 2, 11};

	fmt_pipe_configure(1, 4);
	p = fmt_pipe_new(&ops, &c, ITEMS);
	CHECK(p != NULL);
	if (!p)
		return;
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		struct fmt_load *l = fmt_pipe_take(p, order[k]);

		CHECK_EQ_INT(l->idx, order[k]);
		CHECK_EQ_INT(l->raw_len, order[k] + 1);
	}
	fmt_pipe_free(p);
}
