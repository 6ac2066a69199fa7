/* fld_text.c: bounded text building in scratch space, and path helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fld_int.h"

void fld_buf_init(struct fld_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
}

void fld_buf_put(struct fld_buf *b, const char *s, size_t n)
{
	size_t room = b->cap - b->len;

	if (n > room)
		n = room;
	if (n) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}

void fld_buf_puts(struct fld_buf *b, const char *s)
{
	fld_buf_put(b, s, strlen(s));
}

void fld_buf_putc(struct fld_buf *b, char ch)
{
	if (b->len < b->cap)
		b->p[b->len++] = ch;
}

void fld_buf_printf(struct fld_buf *b, const char *fmt, ...)
{
	size_t room = b->cap - b->len;
	va_list ap;
	int n;

	if (!room)
		return;
	/* vsnprintf needs room for its NUL: format into the tail, keep the text. */
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n < room ? (size_t)n : room - 1;
}

void fld_buf_put_u64(struct fld_buf *b, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fld_buf_put(b, tmp + n, sizeof(tmp) - n);
}

void fld_buf_put_i64(struct fld_buf *b, int64_t v)
{
	if (v < 0) {
		fld_buf_putc(b, '-');
		fld_buf_put_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		fld_buf_put_u64(b, (uint64_t)v);
	}
}

void fld_buf_put_list(struct fld_buf *b, const char *list, size_t len, char sep)
{
	size_t i = 0;
	int first = 1;

	while (len && list[len - 1] == 0)
		len--;
	while (i < len) {
		const char *item = list + i;
		const char *end = memchr(item, 0, len - i);
		size_t n = end ? (size_t)(end - item) : len - i;
		if (!first)
			fld_buf_putc(b, sep);
		fld_buf_put(b, item, n);
		first = 0;
		i += n + 1;
	}
}

void fld_buf_scratch(struct fld_buf *b, struct fld_ctx *c)
{
	size_t half = FLD_SCRATCH_HALF, used = c->scratch_used;
	size_t base = used >= half ? half : 0;

	/* Less than a quarter left: start the other half rather than cut text. */
	if (base + half - used < half / 4) {
		used = base ? 0 : half;
		base = used;
	}
	fld_buf_init(b, c->scratch + used, base + half - used);
	c->scratch_used = used;
}

void fld_buf_commit(struct fld_buf *b, struct fld_ctx *c)
{
	c->scratch_used = (size_t)(b->p - c->scratch) + b->len;
}

void fld_path_join(struct fld_buf *b, const char *dir, const char *path, size_t plen)
{
	size_t start = b->len;
	const char *srcs[2];
	size_t lens[2];
	int nsrc = 0;

	if (plen && path[0] == '/') {
		srcs[nsrc] = path;
		lens[nsrc++] = plen;
	} else {
		if (dir) {
			srcs[nsrc] = dir;
			lens[nsrc++] = strlen(dir);
		}
		srcs[nsrc] = path;
		lens[nsrc++] = plen;
	}
	if (srcs[0][0] != '/' || lens[0] == 0) {
		/* Relative to an unknown directory: keep it as written. */
		fld_buf_put(b, path, plen);
		return;
	}
	/* Walk components of both parts, resolving "." and ".." lexically. */
	fld_buf_putc(b, '/');
	for (int s = 0; s < nsrc; s++) {
		const char *p = srcs[s];
		size_t n = lens[s], i = 0;
		while (i < n) {
			size_t j = i;
			while (j < n && p[j] != '/')
				j++;
			size_t cl = j - i;
			if (cl == 0 || (cl == 1 && p[i] == '.')) {
				/* skip */
			} else if (cl == 2 && p[i] == '.' && p[i + 1] == '.') {
				/* Drop the last component, never above the root. */
				while (b->len > start + 1 && b->p[b->len - 1] != '/')
					b->len--;
				if (b->len > start + 1)
					b->len--;
			} else {
				if (b->len > start + 1)
					fld_buf_putc(b, '/');
				fld_buf_put(b, p + i, cl);
			}
			i = j + 1;
		}
	}
}

void fld_path_split(const char *path, size_t len, size_t *dirlen, const char **base,
		    size_t *baselen)
{
	size_t i = len;

	/* A trailing slash belongs to no component ("/tmp/" -> "/tmp", ""). */
	while (i > 0 && path[i - 1] != '/')
		i--;
	*base = path + i;
	*baselen = len - i;
	if (i == 0) {
		*dirlen = 0;
	} else if (i == 1) {
		*dirlen = 1; /* the root */
	} else {
		*dirlen = i - 1;
	}
}
