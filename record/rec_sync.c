/* rec_sync.c: the --fsync thread. */
#include "rec_sync.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SYNC_EVERY_NS 1000000000ll

static void *sync_main(void *arg)
{
	struct rec_sync *s = arg;
	struct timespec due;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		int fd;

		clock_gettime(CLOCK_MONOTONIC, &due);
		due.tv_sec += SYNC_EVERY_NS / 1000000000ll;
		while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &due) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		if (s->next >= 0) {
			if (s->cur >= 0)
				close(s->cur);
			s->cur = s->next;
			s->next = -1;
		}
		fd = s->cur;
		pthread_mutex_unlock(&s->mu);
		if (fd >= 0) {
			int rc = fdatasync(fd), e = errno;

			pthread_mutex_lock(&s->mu);
			s->syncs++;
			if (rc && !s->err)
				s->err = e;
		} else {
			pthread_mutex_lock(&s->mu);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int rec_sync_start(struct rec_sync *s, struct sr_err *err)
{
	pthread_condattr_t ca;
	int rc;

	memset(s, 0, sizeof(*s));
	s->cur = s->next = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&s->th, NULL, sync_main, s);
	if (rc)
		return sr_err_set(err, SR_EIO, "cannot start the --fsync thread: %s", strerror(rc));
	s->started = 1;
	return 0;
}

int rec_sync_file(struct rec_sync *s, int fd)
{
	int d;

	if (!s->started)
		return 0;
	d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d < 0)
		return SR_EIO;
	pthread_mutex_lock(&s->mu);
	if (s->next >= 0)
		close(s->next); /* never taken: the thread has not woken since */
	s->next = d;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int rec_sync_error(struct rec_sync *s)
{
	int e;

	if (!s->started)
		return 0;
	pthread_mutex_lock(&s->mu);
	e = s->err > 0 ? s->err : 0;
	if (e)
		s->err = -1; /* told once */
	pthread_mutex_unlock(&s->mu);
	return e;
}

void rec_sync_stop(struct rec_sync *s)
{
	if (!s->started)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	if (s->cur >= 0)
		close(s->cur);
	if (s->next >= 0)
		close(s->next);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	s->started = 0;
}
