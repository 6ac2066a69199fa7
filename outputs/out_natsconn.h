/* out_natsconn: one NATS connection setup for everything that talks to NATS
 * (the nats alert output here, the fleet publisher and reader in fleet/).
 *
 * It lives in outputs/ because outputs/ is in the library every binary and
 * test links (libsysrec.a) and fleet/ is linked into sysrec and sysreplay
 * only: fleet/ may use outputs/, not the reverse. It knows nothing of
 * alerts or captures: servers, credentials, TLS files, reconnect policy,
 * the JetStream context and the error text.
 *
 * Call order: fill a struct out_nats_opts (zero = defaults), out_nats_open,
 * use c->nc / c->js, out_nats_close. Strings are borrowed for the call.
 */
#ifndef OUT_NATSCONN_H
#define OUT_NATSCONN_H

#include <nats/nats.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"

#define OUT_NATS_MAX_SERVERS 32

struct out_nats_opts {
	const char *const *servers; /* nats://HOST:PORT or tls://HOST:PORT */
	size_t nservers;
	const char *creds;	     /* NATS credentials file, or NULL */
	const char *ca, *cert, *key; /* TLS files, or NULL (key NULL: in cert) */
	int64_t timeout_ms;	     /* connect timeout; 0: 2000 */
	/* 0: no reconnect (a failed send closes, the caller connects again);
	 * > 0: that many reconnect attempts; < 0: reconnect forever, and a
	 * first connect that fails goes on in the background */
	int reconnect;
	int jetstream;	     /* make c->js too */
	const jsOptions *jo; /* its options, or NULL for libnats' */
};

struct out_nats_conn {
	natsConnection *nc;
	jsCtx *js;
};

/* 0, or SR_EIO with "nats: SERVER: status: detail" in err. */
int out_nats_open(struct out_nats_conn *c, const struct out_nats_opts *o, struct sr_err *err);
void out_nats_close(struct out_nats_conn *c);
/* err gets "nats: WHAT: STATUS[: libnats' last error]"; returns SR_EIO. */
int out_nats_fail(struct sr_err *err, natsStatus s, const char *what);
/* Waits up to ms for the acknowledgements of every js_Publish*Async sent
 * on c: 0 when all came, else -1 and the unacknowledged are dropped here
 * (the caller sends them again from its durable copy). Failures the server
 * reports come through the context's PublishAsync.ErrHandler, not here. */
int out_nats_async_wait(struct out_nats_conn *c, int64_t ms);
/* A comma/space separated server list cut in place into v (at most vmax):
 * libnats' SetURL with a list does not fall back to the next server when
 * the first is down, SetServers does. Returns how many. */
size_t out_nats_split(char *list, const char **v, size_t vmax);

#endif
