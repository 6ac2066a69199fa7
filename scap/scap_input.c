/* scap_input.c: the byte stream under the .scap reader, plain or gzip.
 *
 * zlib's gzread() drops everything it inflated in the same call as a data
 * error, which would lose up to a buffer of good events before gzip damage;
 * this keeps every byte inflated before the damage and reports the error
 * after them. Concatenated gzip members are read one after the other.
 */
#include "scap_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IN_BUF	(256 * 1024)
#define WIN_BUF (256 * 1024) /* a window of many events: one read() each */

int scap_in_open(struct scap_in *in, const char *path)
{
	uint8_t m[2];
	ssize_t n;

	memset(in, 0, sizeof(*in));
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return -1;
	in->win = malloc(WIN_BUF);
	if (!in->win) {
		scap_in_close(in);
		return -1;
	}
	in->cap = WIN_BUF;
	n = pread(in->fd, m, 2, 0);
	in->gzip = n == 2 && m[0] == 0x1f && m[1] == 0x8b;
	if (in->gzip) {
		in->in = malloc(IN_BUF);
		if (!in->in) {
			scap_in_close(in);
			return -1;
		}
		/* 15 + 32: zlib or gzip header, detected */
		if (inflateInit2(&in->z, 15 + 32) != Z_OK) {
			scap_in_close(in);
			return -1;
		}
		in->z_init = 1;
	}
	return 0;
}

void scap_in_close(struct scap_in *in)
{
	if (in->z_init)
		inflateEnd(&in->z);
	if (in->fd >= 0)
		close(in->fd);
	free(in->in);
	free(in->win);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

/* Appends what one read (plain) or one window's worth of inflating (gzip)
 * gives to [len, cap); 0 at the end or on error (in->err set). */
static size_t fill(struct scap_in *in)
{
	size_t room = in->cap - in->len;

	if (in->err || in->eof || !room)
		return 0;
	if (!in->gzip) {
		ssize_t n;
		do
			n = read(in->fd, in->win + in->len, room);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			snprintf(in->msg, sizeof(in->msg), "read error: %s", strerror(errno));
			in->err = 1;
			return 0;
		}
		if (n == 0)
			in->eof = 1;
		in->len += (size_t)n;
		return (size_t)n;
	}
	in->z.next_out = in->win + in->len;
	in->z.avail_out = (uInt)room;
	while (in->z.avail_out) {
		int rc;
		if (in->z.avail_in == 0 && !in->in_eof) {
			ssize_t n;
			do
				n = read(in->fd, in->in, IN_BUF);
			while (n < 0 && errno == EINTR);
			if (n < 0) {
				snprintf(in->msg, sizeof(in->msg), "read error: %s",
					 strerror(errno));
				in->err = 1;
				break;
			}
			if (n == 0)
				in->in_eof = 1;
			in->z.next_in = in->in;
			in->z.avail_in = (uInt)n;
		}
		if (in->z.avail_in == 0 && in->in_eof) {
			if (!in->member_done) {
				snprintf(in->msg, sizeof(in->msg),
					 "gzip data ends early (truncated)");
				in->err = 1;
			} else {
				in->eof = 1;
			}
			break;
		}
		rc = inflate(&in->z, Z_NO_FLUSH);
		in->member_done = 0;
		if (rc == Z_STREAM_END) {
			/* Another member may follow; the file may also just end here. */
			in->member_done = 1;
			inflateReset(&in->z);
			continue;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(in->msg, sizeof(in->msg), "gzip data is damaged: %s",
				 in->z.msg ? in->z.msg : "inflate error");
			in->err = 1;
			break;
		}
	}
	room -= in->z.avail_out;
	in->len += room;
	return room;
}

const uint8_t *scap_in_more(struct scap_in *in, size_t n, size_t *avail)
{
	while (in->len - in->pos < n) {
		size_t have = in->len - in->pos;

		/* the unread tail (less than n bytes) moves to the front */
		if (in->pos) {
			memmove(in->win, in->win + in->pos, have);
			in->len = have;
			in->pos = 0;
		}
		/* full of unread bytes and still short: doubled, so the window
		 * stays within twice the data actually read */
		if (in->len == in->cap) {
			size_t ncap = in->cap * 2;
			uint8_t *nw = ncap > in->cap ? realloc(in->win, ncap) : NULL;

			if (!nw) {
				snprintf(in->msg, sizeof(in->msg), "out of memory");
				in->err = 1;
				break;
			}
			in->win = nw;
			in->cap = ncap;
		}
		if (!fill(in))
			break;
	}
	*avail = in->len - in->pos < n ? in->len - in->pos : n;
	return *avail ? in->win + in->pos : NULL;
}

size_t scap_in_read(struct scap_in *in, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t want = n - got < WIN_BUF ? n - got : WIN_BUF, a;
		const uint8_t *p = scap_in_peek(in, want, &a);

		if (!p)
			break;
		memcpy((uint8_t *)dst + got, p, a);
		scap_in_skip(in, a);
		got += a;
		if (a < want)
			break;
	}
	return got;
}
