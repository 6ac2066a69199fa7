/* out_http.c: an HTTP(S) webhook through libcurl: one POST per alert with
 * Falco's JSON (and its "uuid"), as falcosidekick accepts it. Any 2xx is
 * delivered; anything else (or no answer within the timeout) is retried.
 * The handle is kept between alerts (connection reuse). libcurl is loaded
 * when the first webhook opens (out_dl.h), so its header gives the types
 * and constants only; every call goes through the table below. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "out_dl.h"
#include "out_int.h"

static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);
	void (*easy_cleanup)(CURL *h);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
} cu;

static const char *const curl_sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so",
					   NULL};
static const struct out_dl_sym curl_syms[] = {
    {"curl_global_init", (void **)&cu.global_init},
    {"curl_easy_init", (void **)&cu.easy_init},
    {"curl_easy_setopt", (void **)&cu.easy_setopt},
    {"curl_easy_perform", (void **)&cu.easy_perform},
    {"curl_easy_getinfo", (void **)&cu.easy_getinfo},
    {"curl_easy_strerror", (void **)&cu.easy_strerror},
    {"curl_easy_cleanup", (void **)&cu.easy_cleanup},
    {"curl_slist_append", (void **)&cu.slist_append},
    {"curl_slist_free_all", (void **)&cu.slist_free_all},
    {NULL, NULL},
};
static struct out_dl curl_dl = {
    .what = "libcurl (webhook outputs)", .sonames = curl_sonames, .syms = curl_syms};

struct http {
	CURL *h;
	struct curl_slist *hdrs;
};

/* libcurl loaded and initialised once for the process */
static int curl_ready(struct sr_err *err)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static int inited;
	int rc = out_dl_load(&curl_dl, err);

	pthread_mutex_lock(&mu);
	if (!rc && !inited) {
		cu.global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	pthread_mutex_unlock(&mu);
	return rc;
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
	struct http *h;
	long ms = c->timeout_ns ? (long)(c->timeout_ns / 1000000u) : 5000;

	if (curl_ready(err))
		return err->code;
	h = calloc(1, sizeof(*h));
	if (!h || !(h->h = cu.easy_init())) {
		free(h);
		return sr_err_set(err, SR_ENOMEM, "cannot make a curl handle");
	}
	h->hdrs = cu.slist_append(NULL, "Content-Type: application/json");
	for (size_t i = 0; i < c->nheaders; i++)
		h->hdrs = cu.slist_append(h->hdrs, c->headers[i]);
	cu.easy_setopt(h->h, CURLOPT_URL, c->address);
	cu.easy_setopt(h->h, CURLOPT_HTTPHEADER, h->hdrs);
	cu.easy_setopt(h->h, CURLOPT_TIMEOUT_MS, ms);
	cu.easy_setopt(h->h, CURLOPT_CONNECTTIMEOUT_MS, ms);
	cu.easy_setopt(h->h, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(h->h, CURLOPT_WRITEFUNCTION, discard);
	cu.easy_setopt(h->h, CURLOPT_USERAGENT, "sysrec");
	if (c->ca)
		cu.easy_setopt(h->h, CURLOPT_CAINFO, c->ca);
	if (c->cert)
		cu.easy_setopt(h->h, CURLOPT_SSLCERT, c->cert);
	if (c->key)
		cu.easy_setopt(h->h, CURLOPT_SSLKEY, c->key);
	if (c->insecure) {
		cu.easy_setopt(h->h, CURLOPT_SSL_VERIFYPEER, 0L);
		cu.easy_setopt(h->h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	t->priv = h;
	return 0;
}

static void http_close(struct out_target *t)
{
	struct http *h = t->priv;

	if (!h)
		return;
	cu.easy_cleanup(h->h);
	cu.slist_free_all(h->hdrs);
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
	cu.easy_setopt(h->h, CURLOPT_POSTFIELDS, r->json);
	cu.easy_setopt(h->h, CURLOPT_POSTFIELDSIZE, (long)r->json_len);
	rc = cu.easy_perform(h->h);
	if (rc != CURLE_OK)
		return sr_err_set(err, SR_EIO, "POST %s: %s", t->c->address, cu.easy_strerror(rc));
	cu.easy_getinfo(h->h, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299)
		return sr_err_set(err, SR_EIO, "POST %s: HTTP status %ld", t->c->address, code);
	return 0;
}

const struct out_ops out_ops_http = {
    .open = http_open, .send = http_send, .close = http_close, .prepare = curl_ready};
