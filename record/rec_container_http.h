/* rec_container_http: one HTTP/1.1 GET over a unix socket, with a deadline.
 *
 * Enough of HTTP for container runtime APIs (docker, podman): a status
 * line, headers, and a body sized by Content-Length, chunked encoding, or
 * the end of the connection. Blocking, for the metadata worker thread only.
 */
#ifndef REC_CONTAINER_HTTP_H
#define REC_CONTAINER_HTTP_H

#include <stddef.h>

/* Results besides an HTTP status (100..599). */
#define REC_HTTP_ABSENT	 (-1) /* no socket there, or nothing listening */
#define REC_HTTP_TIMEOUT (-2) /* no complete answer before the deadline */
#define REC_HTTP_BAD	 (-3) /* not an HTTP answer, or larger than the limit */
#define REC_HTTP_NOMEM	 (-4)

#define REC_HTTP_MAX_BODY (4u << 20)

/* GET path from the server on unix socket sock within timeout_ms. Returns
 * the status with the body (NUL-terminated, caller frees) in *body and its
 * length in *len, or a negative REC_HTTP_* (then *body is NULL). */
int rec_http_get(const char *sock, const char *path, int timeout_ms, char **body, size_t *len);

/* Parses a complete answer held in buf (for rec_http_get and the fuzzer):
 * the status, and the body decoded into a new buffer. */
int rec_http_parse(const char *buf, size_t n, char **body, size_t *len);

#endif
