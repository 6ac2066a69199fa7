/* rec_container_http.c: HTTP/1.1 GET over AF_UNIX (container runtime APIs). */
#include "rec_container_http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_time.h"

static long long mono_ms(void)
{
	return (long long)(sr_time_now(CLOCK_MONOTONIC) / 1000000);
}

/* Waits for fd to be ready for ev until deadline: 1 ready, 0 timed out. */
static int wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		long long left = deadline - mono_ms();
		struct pollfd p = {.fd = fd, .events = ev};
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
	}
}

/* The value of header name in the header block hdr[0..n), or NULL. */
static const char *header(const char *hdr, size_t n, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);

	for (const char *l = memchr(hdr, '\n', n); l && l + 1 < hdr + n;) {
		const char *s = l + 1, *e = memchr(s, '\n', (size_t)(hdr + n - s));

		if (!e)
			e = hdr + n;
		if ((size_t)(e - s) > nl && s[nl] == ':' && !strncasecmp(s, name, nl)) {
			const char *v = s + nl + 1;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(e - v);
			while (*vlen && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' '))
				(*vlen)--;
			return v;
		}
		l = e < hdr + n ? e : NULL;
	}
	return NULL;
}

/* Chunked body at b[0..n) into out; 0, or REC_HTTP_BAD when incomplete or
 * malformed. */
static int dechunk(const char *b, size_t n, char *out, size_t *olen)
{
	size_t i = 0, o = 0;

	for (;;) {
		size_t sz = 0, digits = 0;

		while (i < n && b[i] != '\r' && b[i] != '\n' && b[i] != ';') {
			char c = b[i++];
			int d = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10
						       : -1;
			if (d < 0 || ++digits > 8)
				return REC_HTTP_BAD;
			sz = sz * 16 + (size_t)d;
		}
		while (i < n && b[i] != '\n')
			i++;
		if (i >= n || !digits)
			return REC_HTTP_BAD;
		i++;
		if (!sz)
			break;
		if (sz > n - i || o + sz > REC_HTTP_MAX_BODY)
			return REC_HTTP_BAD;
		memcpy(out + o, b + i, sz);
		o += sz;
		i += sz;
		if (i < n && b[i] == '\r')
			i++;
		if (i < n && b[i] == '\n')
			i++;
	}
	*olen = o;
	return 0;
}

int rec_http_parse(const char *buf, size_t n, char **body, size_t *len)
{
	const char *end = NULL, *v, *b;
	size_t hlen, vlen, blen;
	int status, rc;
	char *out;

	*body = NULL;
	*len = 0;
	for (size_t i = 0; i + 3 < n; i++)
		if (!memcmp(buf + i, "\r\n\r\n", 4)) {
			end = buf + i + 4;
			break;
		}
	if (!end || n < 12 || memcmp(buf, "HTTP/1.", 7) || buf[8] != ' ')
		return REC_HTTP_BAD;
	if (buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' || buf[11] < '0' ||
	    buf[11] > '9')
		return REC_HTTP_BAD;
	status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	hlen = (size_t)(end - buf);
	b = end;
	blen = n - hlen;
	out = malloc(blen + 1);
	if (!out)
		return REC_HTTP_NOMEM;
	v = header(buf, hlen, "Transfer-Encoding", &vlen);
	if (v && vlen >= 7 && !strncasecmp(v, "chunked", 7)) {
		rc = dechunk(b, blen, out, len);
		if (rc) {
			free(out);
			return rc;
		}
	} else {
		v = header(buf, hlen, "Content-Length", &vlen);
		if (v) {
			unsigned long long cl = 0;

			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9' || cl > REC_HTTP_MAX_BODY) {
					free(out);
					return REC_HTTP_BAD;
				}
				cl = cl * 10 + (unsigned)(v[i] - '0');
			}
			if (cl > blen) {
				free(out);
				return REC_HTTP_BAD; /* cut short */
			}
			blen = (size_t)cl;
		}
		memcpy(out, b, blen);
		*len = blen;
	}
	out[*len] = '\0';
	*body = out;
	return status;
}

/* 1 when buf[0..n) holds a whole answer (so reading can stop early on a
 * kept-alive connection); 0 when more may come. */
static int complete(const char *buf, size_t n)
{
	char *body;
	size_t len;
	int rc = rec_http_parse(buf, n, &body, &len);
	const char *v;
	size_t vlen;

	free(body);
	if (rc < 0)
		return 0;
	/* without a length or chunking, only the end of the connection ends it */
	v = strstr(buf, "\r\n\r\n");
	return v && (header(buf, (size_t)(v - buf) + 2, "Content-Length", &vlen) ||
		     header(buf, (size_t)(v - buf) + 2, "Transfer-Encoding", &vlen));
}

int rec_http_get(const char *sock, const char *path, int timeout_ms, char **body, size_t *len)
{
	long long deadline = mono_ms() + timeout_ms;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char req[1024], *buf = NULL;
	size_t n = 0, cap = 0, off = 0;
	int fd, rc = REC_HTTP_TIMEOUT, reqlen;

	*body = NULL;
	*len = 0;
	if (strlen(sock) >= sizeof(sa.sun_path))
		return REC_HTTP_ABSENT;
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return REC_HTTP_ABSENT;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    (errno != EINPROGRESS && errno != EAGAIN)) {
		close(fd);
		return REC_HTTP_ABSENT;
	}
	reqlen = snprintf(req, sizeof(req),
			  "GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sysrec\r\n"
			  "Accept: application/json\r\nConnection: close\r\n\r\n",
			  path);
	if (reqlen < 0 || (size_t)reqlen >= sizeof(req)) {
		close(fd);
		return REC_HTTP_BAD;
	}
	while (off < (size_t)reqlen) {
		ssize_t w;

		if (!wait_fd(fd, POLLOUT, deadline))
			goto out;
		w = send(fd, req + off, (size_t)reqlen - off, MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			rc = REC_HTTP_ABSENT;
			goto out;
		}
		if (w > 0)
			off += (size_t)w;
	}
	for (;;) {
		ssize_t r;

		if (cap - n < 4096) {
			char *nb;

			if (cap > REC_HTTP_MAX_BODY + 65536) {
				rc = REC_HTTP_BAD;
				goto out;
			}
			nb = realloc(buf, cap ? cap * 2 : 16384);
			if (!nb) {
				rc = REC_HTTP_NOMEM;
				goto out;
			}
			buf = nb;
			cap = cap ? cap * 2 : 16384;
		}
		if (!wait_fd(fd, POLLIN, deadline))
			goto out;
		r = recv(fd, buf + n, cap - n - 1, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (complete(buf, n))
			break;
	}
	rc = buf ? rec_http_parse(buf, n, body, len) : REC_HTTP_BAD;
out:
	free(buf);
	close(fd);
	return rc;
}
