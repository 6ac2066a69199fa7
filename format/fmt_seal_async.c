/* fmt_seal_async.c: chunk digests on a helper thread (fmt_seal_async.h). */
#include "fmt_seal_async.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct fmt_seal_async {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pending; /* a job waits for the helper */
	int done;    /* the helper finished it */
	int quit;
	int ready; /* the helper ran fmt_seal_init: init_rc */
	int init_rc;
	const uint8_t *hdr, *payload;
	size_t hdr_len, plen;
	uint8_t d[FMT_DIGEST_LEN];
};

int fmt_seal_async_useful(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	return CPU_COUNT(&set) > 1;
}

static void *helper(void *arg)
{
	struct fmt_seal_async *a = arg;
	int rc = fmt_seal_init(); /* this thread's digest context */

	pthread_mutex_lock(&a->mu);
	a->init_rc = rc;
	a->ready = 1;
	pthread_cond_broadcast(&a->cv);
	for (;;) {
		while (!a->pending && !a->quit && !a->init_rc)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit || a->init_rc)
			break;
		a->pending = 0;
		pthread_mutex_unlock(&a->mu);
		fmt_seal_chunk_digest(a->hdr, a->hdr_len, a->payload, a->plen, a->d);
		pthread_mutex_lock(&a->mu);
		a->done = 1;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

int fmt_seal_async_new(struct fmt_seal_async **out)
{
	struct fmt_seal_async *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a)
		return SR_ENOMEM;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->th, NULL, helper, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a);
		return SR_EIO;
	}
	pthread_mutex_lock(&a->mu);
	while (!a->ready)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	if (a->init_rc) {
		int rc = a->init_rc;

		fmt_seal_async_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void fmt_seal_async_start(struct fmt_seal_async *a, const uint8_t *hdr, size_t hdr_len,
			  const uint8_t *payload, size_t plen)
{
	pthread_mutex_lock(&a->mu);
	a->hdr = hdr;
	a->hdr_len = hdr_len;
	a->payload = payload;
	a->plen = plen;
	a->done = 0;
	a->pending = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

void fmt_seal_async_wait(struct fmt_seal_async *a, uint8_t out[FMT_DIGEST_LEN])
{
	pthread_mutex_lock(&a->mu);
	while (!a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	memcpy(out, a->d, FMT_DIGEST_LEN);
	pthread_mutex_unlock(&a->mu);
}

void fmt_seal_async_free(struct fmt_seal_async *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->quit = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
