/* rec_watch: notices changes to the rules files (inotify) for a live reload.
 *
 *   rec_watch_open(&w, paths, n, &err);       // after the rules are loaded
 *   each loop turn: if (rec_watch_due(&w, now_mono_ns)) reload;
 *   rec_watch_close(&w);
 *
 * A file is watched through its directory, by name, so editors that save by
 * writing a new file and renaming it over the old one are seen; a directory
 * of rules is watched for its *.yaml files. A change is reported once the
 * files have been quiet for REC_WATCH_SETTLE_NS, so a reload does not read a
 * file half written.
 */
#ifndef REC_WATCH_H
#define REC_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"

#define REC_WATCH_SETTLE_NS 300000000ull
#define REC_WATCH_MAX	    32

struct rec_watch {
	int fd; /* inotify, -1 when nothing is watched */
	size_t n;
	struct {
		int wd;
		char name[256]; /* file name in that directory; "" for a whole directory */
	} w[REC_WATCH_MAX];
	uint64_t due_ns; /* monotonic time the pending change settles; 0 = none */
};

int rec_watch_open(struct rec_watch *w, const char *const *paths, size_t n, struct sr_err *err);
/* Reads pending notifications; 1 once a change has settled (then cleared). */
int rec_watch_due(struct rec_watch *w, uint64_t now_ns);
void rec_watch_close(struct rec_watch *w);

#endif
