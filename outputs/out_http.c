/* out_http.c: an HTTP(S) webhook through libcurl: one POST per alert with
 * Falco's JSON (and its "uuid"), as falcosidekick accepts it. Any 2xx is
 * delivered; anything else (or no answer within the timeout) is retried.
 * The handle is kept between alerts (connection reuse). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "out_int.h"

struct http {
	CURL *h;
	struct curl_slist *hdrs;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t discard(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

static int http_open(struct out_target *t, struct sr_err *err)
{
	const struct out_target_conf *c = t->c;
	struct http *h = calloc(1, sizeof(*h));
	long ms = c->timeout_ns ? (long)(c->timeout_ns / 1000000u) : 5000;

	pthread_once(&curl_once, curl_init_once);
	if (!h || !(h->h = curl_easy_init())) {
		free(h);
		return sr_err_set(err, SR_ENOMEM, "cannot make a curl handle");
	}
	h->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	for (size_t i = 0; i < c->nheaders; i++)
		h->hdrs = curl_slist_append(h->hdrs, c->headers[i]);
	curl_easy_setopt(h->h, CURLOPT_URL, c->address);
	curl_easy_setopt(h->h, CURLOPT_HTTPHEADER, h->hdrs);
	curl_easy_setopt(h->h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h->h, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(h->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h->h, CURLOPT_USERAGENT, "sysrec");
	if (c->ca)
		curl_easy_setopt(h->h, CURLOPT_CAINFO, c->ca);
	if (c->cert)
		curl_easy_setopt(h->h, CURLOPT_SSLCERT, c->cert);
	if (c->key)
		curl_easy_setopt(h->h, CURLOPT_SSLKEY, c->key);
	if (c->insecure) {
		curl_easy_setopt(h->h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h->h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	t->priv = h;
	return 0;
}

static void http_close(struct out_target *t)
{
	struct http *h = t->priv;

	if (!h)
		return;
	curl_easy_cleanup(h->h);
	curl_slist_free_all(h->hdrs);
	free(h);
	t->priv = NULL;
}

static int http_send(struct out_target *t, const struct out_rec *r, const char *body, size_t len,
		     struct sr_err *err)
{
	struct http *h = t->priv;
	long code = 0;
	CURLcode rc;

	(void)body;
	(void)len;
	/* always JSON: the webhook contract, whatever the format setting */
	curl_easy_setopt(h->h, CURLOPT_POSTFIELDS, r->json);
	curl_easy_setopt(h->h, CURLOPT_POSTFIELDSIZE, (long)r->json_len);
	rc = curl_easy_perform(h->h);
	if (rc != CURLE_OK)
		return sr_err_set(err, SR_EIO, "POST %s: %s", t->c->address,
				  curl_easy_strerror(rc));
	curl_easy_getinfo(h->h, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299)
		return sr_err_set(err, SR_EIO, "POST %s: HTTP status %ld", t->c->address, code);
	return 0;
}

const struct out_ops out_ops_http = {http_open, http_send, http_close, NULL};
