/* sr_err: the error record every fallible function fills.
 *
 * Convention across the tree: functions return 0 (or a positive count) on
 * success and a negative SR_E* code on failure; the human-readable message,
 * and where it applies the file offset or line:column, go into a
 * caller-supplied struct sr_err. A NULL err is allowed and discards details.
 */
#ifndef SR_ERR_H
#define SR_ERR_H

#include <stdint.h>

enum sr_code {
	SR_OK = 0,
	SR_EIO = -1,	  /* the OS refused: open/read/write failed */
	SR_EFORMAT = -2,  /* input is not what it claims to be (bad magic, version) */
	SR_ECORRUPT = -3, /* input is damaged: checksum, bad length, truncation */
	SR_ENOMEM = -4,
	SR_ESYNTAX = -5, /* bad filter, rules file or argument text */
	SR_ELIMIT = -6,	 /* a count or size beyond a documented limit */
	SR_ENOTSUP = -7,
	SR_ENOSPC = -8, /* disk full: output closed cleanly up to here */
};

struct sr_err {
	int code;
	uint64_t offset;  /* byte offset in the input, when meaningful */
	int64_t chunk;	  /* chunk number, or -1 */
	int line, column; /* 1-based source position, or 0 */
	char msg[512];
};

void sr_err_clear(struct sr_err *err);
/* Sets code and a printf-style message; returns code so callers can write
 * `return sr_err_set(err, SR_ECORRUPT, "...")`. */
int sr_err_set(struct sr_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *sr_code_name(int code);

#endif
