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
#define OUT_BUF (256 * 1024)

int scap_in_open(struct scap_in *in, const char *path)
{
	uint8_t m[2];
	ssize_t n;

	memset(in, 0, sizeof(*in));
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return -1;
	in->in = malloc(IN_BUF);
	in->out = malloc(OUT_BUF);
	if (!in->in || !in->out) {
		scap_in_close(in);
		return -1;
	}
	n = pread(in->fd, m, 2, 0);
	in->gzip = n == 2 && m[0] == 0x1f && m[1] == 0x8b;
	if (in->gzip) {
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
	free(in->out);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

/* Refills the output window; 0 at the end or on error (in->err set). */
static size_t fill(struct scap_in *in)
{
	in->out_pos = in->out_len = 0;
	if (in->err || in->eof)
		return 0;
	if (!in->gzip) {
		ssize_t n;
		do
			n = read(in->fd, in->out, OUT_BUF);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			snprintf(in->msg, sizeof(in->msg), "read error: %s", strerror(errno));
			in->err = 1;
			return 0;
		}
		if (n == 0)
			in->eof = 1;
		in->out_len = (size_t)n;
		return in->out_len;
	}
	in->z.next_out = in->out;
	in->z.avail_out = OUT_BUF;
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
	in->out_len = OUT_BUF - in->z.avail_out;
	return in->out_len;
}

size_t scap_in_read(struct scap_in *in, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t avail = in->out_len - in->out_pos, take;
		if (!avail && !fill(in))
			break;
		avail = in->out_len - in->out_pos;
		take = avail < n - got ? avail : n - got;
		memcpy((uint8_t *)dst + got, in->out + in->out_pos, take);
		in->out_pos += take;
		got += take;
	}
	return got;
}
