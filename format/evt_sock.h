/* evt_sock: the one decoder of socket-address (PT_SOCKADDR) and socket-tuple
 * (PT_SOCKTUPLE) parameters, laid out as format/evt_abi.h says. The
 * printers, the field extractors and the state engine render or apply the
 * decoded form; none reads the bytes itself. */
#ifndef EVT_SOCK_H
#define EVT_SOCK_H

#include <stddef.h>
#include <stdint.h>

struct evt_sock {
	uint8_t family; /* the first byte (AF_INET 2, AF_INET6 10, AF_UNIX 1); 0 if empty */
	uint8_t alen;	/* address bytes: 4 or 16 (INET families) */
	uint8_t lip[16], rip[16]; /* addresses, network order; a sockaddr fills l* */
	uint16_t lport, rport;
	uint8_t l4;	     /* a tuple's trailing protocol byte (6 tcp, 17 udp); 0 none */
	uint64_t lino, rino; /* AF_UNIX tuple: local and peer inode */
	const uint8_t *path; /* AF_UNIX: path bytes as stored (abstract ones start */
	size_t path_len;     /* with a NUL); may run to the parameter's end */
};

/* Decode a PT_SOCKADDR (one end, into the l* fields) or a PT_SOCKTUPLE.
 * 0, or -1 when empty, shorter than its family needs or of a family
 * without a layout here; s->family is set either way. */
int evt_sockaddr_decode(const uint8_t *p, size_t n, struct evt_sock *s);
int evt_socktuple_decode(const uint8_t *p, size_t n, struct evt_sock *s);

#endif
