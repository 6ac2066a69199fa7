/* out_rec.c: an alert as one self-contained byte string, the unit of the
 * memory queue and of the spool. */
#include <stdlib.h>
#include <string.h>

#include "../common/sr_err.h"
#include "out_int.h"

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint8_t *out_rec_encode(const struct out_alert *a, const char *uuid, const char *json,
			uint64_t emit_ns, size_t *len)
{
	size_t lr = strlen(a->rule), lh = strlen(a->hostname), lt = a->text ? strlen(a->text) : 0;
	size_t lj = json ? strlen(json) : 0, n = OUT_REC_HDR + lr + lh + lt + lj;
	uint8_t *p;

	if (lr > 0xffff || lh > 0xffff || n > OUT_REC_MAX)
		return NULL;
	p = malloc(n);
	if (!p)
		return NULL;
	p[0] = 1;
	p[1] = (uint8_t)a->priority;
	put16(p + 2, (uint32_t)lr);
	put16(p + 4, (uint32_t)lh);
	put16(p + 6, 0);
	put32(p + 8, (uint32_t)lt);
	put32(p + 12, (uint32_t)lj);
	put64(p + 16, a->ts_ns);
	put64(p + 24, emit_ns);
	memcpy(p + 32, uuid, 36);
	p += OUT_REC_HDR;
	memcpy(p, a->rule, lr);
	memcpy(p + lr, a->hostname, lh);
	memcpy(p + lr + lh, a->text, lt);
	memcpy(p + lr + lh + lt, json, lj);
	*len = n;
	return p - OUT_REC_HDR;
}

int out_rec_decode(const uint8_t *p, size_t len, struct out_rec **out)
{
	size_t lr, lh, lt, lj;
	struct out_rec *r;
	char *s;

	*out = NULL;
	/* every length is checked against the bytes present before use */
	if (len < OUT_REC_HDR || len > OUT_REC_MAX || p[0] != 1 || p[1] > 7 || get16(p + 6))
		return SR_ECORRUPT;
	lr = get16(p + 2);
	lh = get16(p + 4);
	lt = get32(p + 8);
	lj = get32(p + 12);
	if (lt > OUT_REC_MAX || lj > OUT_REC_MAX || OUT_REC_HDR + lr + lh + lt + lj != len)
		return SR_ECORRUPT;
	if (memchr(p + OUT_REC_HDR, 0, len - OUT_REC_HDR))
		return SR_ECORRUPT; /* the strings are handed on as C strings */
	r = malloc(sizeof(*r) + len - OUT_REC_HDR + 4);
	if (!r)
		return SR_ENOMEM;
	r->priority = p[1];
	r->ts_ns = get64(p + 16);
	r->emit_ns = get64(p + 24);
	memcpy(r->uuid, p + 32, 36);
	r->uuid[36] = '\0';
	s = (char *)(r + 1);
	p += OUT_REC_HDR;
	r->rule = s;
	memcpy(s, p, lr);
	s[lr] = '\0';
	r->hostname = s += lr + 1;
	memcpy(s, p + lr, lh);
	s[lh] = '\0';
	r->text = s += lh + 1;
	memcpy(s, p + lr + lh, lt);
	s[lt] = '\0';
	r->json = s += lt + 1;
	memcpy(s, p + lr + lh + lt, lj);
	s[lj] = '\0';
	r->text_len = lt;
	r->json_len = lj;
	*out = r;
	return 0;
}
