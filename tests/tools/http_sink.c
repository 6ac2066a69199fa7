/* http_sink: a webhook receiver for the outputs tests (libmicrohttpd).
 *   http_sink PORT OUT.jsonl [STATUS]
 * Appends each POST body as one line to OUT.jsonl (flushed before the
 * answer, so what was acknowledged is on disk) and answers STATUS (default
 * 200). Runs until killed. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct body {
	char *p;
	size_t n;
};

static FILE *out;
static unsigned status = 200;

static enum MHD_Result on_req(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *size, void **state)
{
	struct body *b = *state;
	struct MHD_Response *r;
	enum MHD_Result rc;

	(void)cls;
	(void)url;
	(void)version;
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return MHD_NO;
		*state = b;
		return MHD_YES;
	}
	if (*size) {
		char *np = realloc(b->p, b->n + *size + 1);

		if (!np)
			return MHD_NO;
		b->p = np;
		memcpy(b->p + b->n, data, *size);
		b->n += *size;
		*size = 0;
		return MHD_YES;
	}
	if (!strcmp(method, "POST") && status / 100 == 2) {
		fwrite(b->p ? b->p : "", 1, b->n, out);
		fputc('\n', out);
		fflush(out);
	}
	r = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static void on_done(void *cls, struct MHD_Connection *c, void **state,
		    enum MHD_RequestTerminationCode t)
{
	struct body *b = *state;

	(void)cls;
	(void)c;
	(void)t;
	if (b) {
		free(b->p);
		free(b);
	}
	*state = NULL;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;

	if (argc < 3) {
		fprintf(stderr, "usage: http_sink PORT OUT.jsonl [STATUS]\n");
		return 2;
	}
	if (argc > 3)
		status = (unsigned)atoi(argv[3]);
	out = fopen(argv[2], "a");
	if (!out) {
		perror(argv[2]);
		return 2;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
			     (uint16_t)atoi(argv[1]), NULL, NULL, on_req, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "http_sink: cannot listen on port %s\n", argv[1]);
		return 2;
	}
	for (;;)
		pause();
}
