/* scap_input.h: plain-or-gzip byte stream for the .scap reader (scap_input.c).
 *
 * The reader looks at blocks where they lie: scap_in_peek() makes the next n
 * bytes contiguous in the stream's window and returns a pointer to them,
 * valid until the next peek or read; scap_in_skip() then consumes them. The
 * window grows only while it is full of unread bytes, so its size follows
 * the data present, never a length the file claims. */
#ifndef SCAP_INPUT_H
#define SCAP_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

struct scap_in {
	int fd, gzip, z_init;
	z_stream z;
	uint8_t *in;  /* compressed bytes (gzip) */
	uint8_t *win; /* decompressed bytes; [pos, len) not consumed yet */
	size_t cap, len, pos;
	int in_eof, eof, err, member_done;
	char msg[160]; /* set when err */
};

/* 0 or -1 (errno set by open). */
int scap_in_open(struct scap_in *in, const char *path);
void scap_in_close(struct scap_in *in);
/* scap_in_peek's way when the window holds fewer than n unread bytes. */
const uint8_t *scap_in_more(struct scap_in *in, size_t n, size_t *avail);

/* The next n bytes, contiguous, without consuming them; *avail says how many
 * are there (fewer than n: the end, or an error when in->err is set). NULL
 * only when none are. Inline: most blocks are in the window already. */
static inline const uint8_t *scap_in_peek(struct scap_in *in, size_t n, size_t *avail)
{
	if (in->len - in->pos >= n) {
		*avail = n;
		return in->win + in->pos;
	}
	return scap_in_more(in, n, avail);
}

/* Consumes n bytes of those the last peek made available. */
static inline void scap_in_skip(struct scap_in *in, size_t n)
{
	in->pos += n <= in->len - in->pos ? n : in->len - in->pos;
}
/* Copies up to n bytes out; fewer means the end, or an error when in->err is set. */
size_t scap_in_read(struct scap_in *in, void *dst, size_t n);

#endif
