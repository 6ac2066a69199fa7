/* out_syslog.c: RFC 5424 messages to a syslog socket: a unix datagram
 * socket (default /dev/log, as syslog(3) uses) or udp://HOST:PORT.
 * "<PRI>1 TIMESTAMP HOSTNAME sysrec PID - [sysrec@32473 uuid=".." rule=".."] MSG"
 * with PRI = facility * 8 + severity, Falco's priorities being syslog's
 * severities (emergency 0 ... debug 7). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "out_int.h"

static int sl_open(struct out_target *t, struct sr_err *err)
{
	const char *a = t->c->address ? t->c->address : "/dev/log";
	int fd;

	if (!strncmp(a, "udp://", 6)) {
		struct addrinfo hints, *ai = NULL;
		char host[256], *colon;
		int rc;

		snprintf(host, sizeof(host), "%s", a + 6);
		colon = strrchr(host, ':');
		if (colon)
			*colon = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_DGRAM;
		rc = getaddrinfo(host, colon ? colon + 1 : "514", &hints, &ai);
		if (rc)
			return sr_err_set(err, SR_EIO, "syslog %s: %s", a, gai_strerror(rc));
		fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
	} else {
		struct sockaddr_un un;

		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		snprintf(un.sun_path, sizeof(un.sun_path), "%s",
			 strncmp(a, "unix://", 7) ? a : a + 7);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof(un))) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		return sr_err_set(err, SR_EIO, "syslog %s: %s", a, strerror(errno));
	t->priv = (void *)(intptr_t)(fd + 1);
	return 0;
}

static void sl_close(struct out_target *t)
{
	if (t->priv)
		close((int)(intptr_t)t->priv - 1);
	t->priv = NULL;
}

/* An SD-PARAM value: '"', '\' and ']' escaped (RFC 5424 6.3.3). */
static size_t sd_value(char *o, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 2 < cap; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			o[n++] = '\\';
		o[n++] = *s;
	}
	o[n] = '\0';
	return n;
}

static int sl_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		   struct sr_err *err)
{
	char hdr[1024], rule[512], ts[64];
	time_t sec = (time_t)(r->ts_ns / 1000000000u);
	struct tm tm;
	struct iovec iov[2];
	struct msghdr mh;
	int n;

	gmtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	sd_value(rule, sizeof(rule), r->rule);
	n = snprintf(hdr, sizeof(hdr),
		     "<%d>1 %s.%06uZ %.255s sysrec %d - [sysrec@32473 uuid=\"%s\" rule=\"%s\"] ",
		     t->c->facility * 8 + r->priority, ts,
		     (unsigned)(r->ts_ns % 1000000000u / 1000u), r->hostname[0] ? r->hostname : "-",
		     (int)getpid(), r->uuid, rule);
	if (n < 0 || (size_t)n >= sizeof(hdr))
		n = (int)strlen(hdr);
	iov[0] = (struct iovec){hdr, (size_t)n};
	iov[1] = (struct iovec){(void *)body, len};
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if (sendmsg((int)(intptr_t)t->priv - 1, &mh, MSG_NOSIGNAL) < 0)
		return sr_err_set(err, SR_EIO, "syslog: %s", strerror(errno));
	return 0;
}

const struct out_ops out_ops_syslog = {.open = sl_open, .send = sl_send, .close = sl_close};
