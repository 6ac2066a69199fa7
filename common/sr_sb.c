/* sr_sb: the string builder (see sr_sb.h). */
#include "sr_sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sr_buf.h"
#include "sr_err.h"

void sr_sb_init(struct sr_sb *b, char *buf, size_t cap)
{
	b->p = buf;
	b->len = 0;
	b->cap = cap;
	b->want = 0;
	b->fixed = 1;
	if (cap)
		buf[0] = '\0';
}

void sr_sb_init_at(struct sr_sb *b, char *buf, size_t cap, size_t len)
{
	b->p = buf;
	b->len = b->want = len;
	b->cap = cap;
	b->fixed = 1;
	buf[len] = '\0'; /* buf[0] is text here, not to be cleared */
}

void sr_sb_init_grow(struct sr_sb *b)
{
	memset(b, 0, sizeof(*b));
}

int sr_sb_make_room(struct sr_sb *b, size_t more)
{
	uint8_t *p = (uint8_t *)b->p;

	if (more <= sr_sb_room(b))
		return 0;
	if (b->fixed)
		return SR_ELIMIT;
	if (b->len + more + 1 < b->len || sr_grow(&p, &b->cap, b->len + more + 1, 64))
		return SR_ENOMEM;
	b->p = (char *)p;
	return 0;
}

int sr_sb_put(struct sr_sb *b, const void *s, size_t n)
{
	int rc = sr_sb_reserve(b, n);
	size_t k = n <= sr_sb_room(b) ? n : sr_sb_room(b);

	if (k) {
		memcpy(b->p + b->len, s, k);
		b->len += k;
	}
	if (b->cap)
		b->p[b->len] = '\0';
	b->want += n;
	return rc;
}

int sr_sb_putc(struct sr_sb *b, char c)
{
	return sr_sb_put(b, &c, 1);
}

int sr_sb_puts(struct sr_sb *b, const char *s)
{
	return sr_sb_put(b, s, strlen(s));
}

/* Decimal digits of u ending at tmp[24], sign first when neg; returns where
 * they start. By hand: numbers are the commonest field output and snprintf
 * is slow. */
static size_t digits(char tmp[24], uint64_t u, int neg)
{
	size_t n = 24;

	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		tmp[--n] = '-';
	return n;
}

int sr_sb_put_u64(struct sr_sb *b, uint64_t v)
{
	char tmp[24];
	size_t n = digits(tmp, v, 0);

	return sr_sb_put(b, tmp + n, sizeof(tmp) - n);
}

int sr_sb_put_i64(struct sr_sb *b, int64_t v)
{
	char tmp[24];
	size_t n = digits(tmp, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);

	return sr_sb_put(b, tmp + n, sizeof(tmp) - n);
}

int sr_sb_vprintf(struct sr_sb *b, const char *fmt, va_list ap)
{
	size_t avail = b->cap - b->len; /* vsnprintf counts the NUL in its room */
	size_t stored;
	va_list again;
	int n, rc = 0;

	va_copy(again, ap);
	n = vsnprintf(b->cap ? b->p + b->len : NULL, b->cap ? avail : 0, fmt, ap);
	if (n >= 0 && (size_t)n >= avail && !b->fixed) {
		/* Longer than the room left: grow once to the exact need, then
		 * format again. */
		rc = sr_sb_reserve(b, (size_t)n);
		if (!rc) {
			avail = b->cap - b->len;
			n = vsnprintf(b->p + b->len, avail, fmt, again);
		}
	}
	va_end(again);
	if (n < 0) {
		if (b->cap)
			b->p[b->len] = '\0';
		return SR_EFORMAT;
	}
	stored = !b->cap ? 0 : (size_t)n < avail ? (size_t)n : avail - 1;
	b->len += stored;
	b->want += (size_t)n;
	if (!rc && stored < (size_t)n)
		rc = SR_ELIMIT;
	return rc;
}

int sr_sb_printf(struct sr_sb *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = sr_sb_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void sr_sb_drop(struct sr_sb *b, size_t n)
{
	b->want -= n;
	if (b->len > b->want) {
		b->len = b->want;
		b->p[b->len] = '\0';
	}
}

const char *sr_sb_str(const struct sr_sb *b)
{
	return b->cap ? b->p : "";
}

char *sr_sb_take(struct sr_sb *b)
{
	char *p = b->p;

	sr_sb_init_grow(b);
	return p;
}

void sr_sb_free(struct sr_sb *b)
{
	int fixed = b->fixed;

	if (!fixed)
		free(b->p);
	sr_sb_init(b, NULL, 0);
	b->fixed = fixed;
}
