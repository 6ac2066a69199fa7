/* rec_sync: --fsync, done by a thread of its own.
 *
 * The capture being written is fdatasync'ed once a second by this thread,
 * not by the thread that reads the kernel's buffers: measured at 500k
 * events/s (bench/overhead.sh rate), an fdatasync after every chunk in the
 * reader stalled it long enough to drop 2-4% of the events, while the
 * reader never waits for the disk this way. A machine crash loses at most
 * what was written since the last sync: the last second or two.
 *
 *   rec_sync_start(&s, &err);
 *   rec_sync_file(&s, fd);   // each new file: the thread syncs a dup of fd
 *   rec_sync_stop(&s);       // joins; the writer's close syncs the end
 */
#ifndef REC_SYNC_H
#define REC_SYNC_H

#include <pthread.h>
#include <stdint.h>

#include "../common/sr_err.h"

struct rec_sync {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, stop;
	int cur;	/* the thread's fd: only it uses and closes this one */
	int next;	/* handed over, not yet taken by the thread; -1 none */
	uint64_t syncs; /* fdatasync calls made */
	int err;	/* errno of the first failed sync, 0 = none */
};

int rec_sync_start(struct rec_sync *s, struct sr_err *err);
/* From now on the thread syncs the file open as fd (a dup is taken). */
int rec_sync_file(struct rec_sync *s, int fd);
/* errno of the first failed sync (once; 0 when none or already told). */
int rec_sync_error(struct rec_sync *s);
void rec_sync_stop(struct rec_sync *s);

#endif
