/* evt_sock.c: socket address and tuple parameters (see evt_sock.h). */
#include "evt_sock.h"

#include <string.h>

#include "../common/sr_le.h"

enum { F_UNIX = 1, F_INET = 2, F_INET6 = 10 };

/* Clears s and reads the family byte; the address length of an INET
 * family (4, 16) or 0, or -1 when there are no bytes. */
static int start(const uint8_t *p, size_t n, struct evt_sock *s)
{
	memset(s, 0, sizeof(*s));
	if (!p || !n)
		return -1;
	s->family = p[0];
	return p[0] == F_INET ? 4 : p[0] == F_INET6 ? 16 : 0;
}

/* One end: address then port, at p. */
static void end(const uint8_t *p, unsigned al, uint8_t *ip, uint16_t *port)
{
	memcpy(ip, p, al);
	*port = sr_rd16(p + al);
}

int evt_sockaddr_decode(const uint8_t *p, size_t n, struct evt_sock *s)
{
	int al = start(p, n, s);

	if (al < 0)
		return -1;
	if (s->family == F_UNIX) {
		s->path = p + 1;
		s->path_len = n - 1;
		return 0;
	}
	if (!al || n < 1 + (size_t)al + 2)
		return -1;
	s->alen = (uint8_t)al;
	end(p + 1, (unsigned)al, s->lip, &s->lport);
	return 0;
}

int evt_socktuple_decode(const uint8_t *p, size_t n, struct evt_sock *s)
{
	int al = start(p, n, s);
	size_t need;

	if (al < 0)
		return -1;
	if (s->family == F_UNIX) {
		if (n < 17)
			return -1;
		s->lino = sr_rd64(p + 1);
		s->rino = sr_rd64(p + 9);
		s->path = p + 17;
		s->path_len = n - 17;
		return 0;
	}
	need = 1 + 2 * ((size_t)al + 2);
	if (!al || n < need)
		return -1;
	s->alen = (uint8_t)al;
	end(p + 1, (unsigned)al, s->lip, &s->lport);
	end(p + 3 + al, (unsigned)al, s->rip, &s->rport);
	if (n > need)
		s->l4 = p[need];
	return 0;
}
