/* fld_text.c: text built in scratch space, and path helpers. */
#include <string.h>

#include "fld_int.h"

void fld_put_list(struct sr_sb *b, const char *list, size_t len, char sep)
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
			sr_sb_putc(b, sep);
		sr_sb_put(b, item, n);
		first = 0;
		i += n + 1;
	}
}

void fld_scratch_begin(struct sr_sb *b, struct fld_ctx *c)
{
	size_t half = FLD_SCRATCH_HALF, used = c->scratch_used;
	size_t base = used >= half ? half : 0;

	/* Less than a quarter left: start the other half rather than cut text. */
	if (base + half - used < half / 4) {
		used = base ? 0 : half;
		base = used;
	}
	sr_sb_init(b, c->scratch + used, base + half - used);
	c->scratch_used = used;
}

void fld_scratch_commit(struct sr_sb *b, struct fld_ctx *c)
{
	c->scratch_used = (size_t)(b->p - c->scratch) + b->len;
}

void fld_path_join(struct sr_sb *b, const char *dir, const char *path, size_t plen)
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
		sr_sb_put(b, path, plen);
		return;
	}
	/* Walk components of both parts, resolving "." and ".." lexically. */
	sr_sb_putc(b, '/');
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
				size_t keep = b->len;

				while (keep > start + 1 && b->p[keep - 1] != '/')
					keep--;
				if (keep > start + 1)
					keep--;
				sr_sb_setlen(b, keep);
			} else {
				if (b->len > start + 1)
					sr_sb_putc(b, '/');
				sr_sb_put(b, p + i, cl);
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
