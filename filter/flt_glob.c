/* flt_glob: shell-style wildcard matching over counted strings.
 *
 * Falco's `glob` is fnmatch() without FNM_PATHNAME: `*` also crosses '/'.
 * Values are not NUL-terminated (they point into events), so fnmatch itself
 * cannot be used without a copy. Supports * ? [abc] [a-z] [!x] [^x] and
 * backslash escapes. The single-star backtracking below is linear in
 * practice and never worse than O(len(pat) * len(s)).
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "flt_int.h"

/* ASCII folding, as Falco's iglob. */
static int fold(int c, int icase)
{
	c = (unsigned char)c;
	return icase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Matches one bracket expression starting at pat[*pi] == '['. Returns 1/0
 * for match, -1 when the bracket is not closed (then '[' is literal). */
static int match_class(const char *pat, size_t plen, size_t *pi, int c, int icase)
{
	size_t i = *pi + 1;
	int neg = 0, hit = 0;
	if (i < plen && (pat[i] == '!' || pat[i] == '^')) {
		neg = 1;
		i++;
	}
	size_t first = i;
	for (; i < plen; i++) {
		if (pat[i] == ']' && i > first)
			break;
		int lo = (unsigned char)pat[i];
		if (pat[i] == '\\' && i + 1 < plen)
			lo = (unsigned char)pat[++i];
		int hi = lo;
		if (i + 2 < plen && pat[i + 1] == '-' && pat[i + 2] != ']') {
			i += 2;
			hi = (unsigned char)pat[i];
			if (pat[i] == '\\' && i + 1 < plen)
				hi = (unsigned char)pat[++i];
		}
		if (icase) {
			int lc = fold(c, 1), uc = lc >= 'a' && lc <= 'z' ? lc - 32 : lc;
			if ((lc >= lo && lc <= hi) || (uc >= lo && uc <= hi))
				hit = 1;
		} else if (c >= lo && c <= hi) {
			hit = 1;
		}
	}
	if (i >= plen)
		return -1;
	*pi = i + 1;
	return hit != neg;
}

int flt_glob_match(const char *pat, size_t plen, const char *s, size_t slen, int icase)
{
	size_t pi = 0, si = 0;
	size_t star_p = (size_t)-1, star_s = 0;

	while (si < slen) {
		if (pi < plen) {
			char pc = pat[pi];
			if (pc == '*') {
				while (pi < plen && pat[pi] == '*')
					pi++;
				star_p = pi;
				star_s = si;
				continue;
			}
			if (pc == '?') {
				pi++;
				si++;
				continue;
			}
			if (pc == '[') {
				size_t np = pi;
				int m = match_class(pat, plen, &np, (unsigned char)s[si], icase);
				if (m == 1) {
					pi = np;
					si++;
					continue;
				}
				if (m == 0)
					goto backtrack;
				/* unclosed: literal '[' */
			}
			if (pc == '\\' && pi + 1 < plen)
				pc = pat[++pi];
			if (fold(pc, icase) == fold(s[si], icase)) {
				pi++;
				si++;
				continue;
			}
		}
	backtrack:
		if (star_p == (size_t)-1)
			return 0;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < plen && pat[pi] == '*')
		pi++;
	return pi == plen;
}

/* ---- the fast form: literal segments between stars ---- */

const struct flt_glob_fast *flt_glob_fast_compile(struct flt_arena *a, const char *pat, size_t plen)
{
	size_t nstar = 0;
	for (size_t i = 0; i < plen; i++) {
		if (pat[i] == '?' || pat[i] == '[' || pat[i] == '\\')
			return NULL;
		nstar += pat[i] == '*';
	}
	struct flt_glob_fast *g = flt_arena_alloc(a, sizeof(*g));
	if (!g)
		return NULL;
	if (!nstar) {
		g->prefix = pat;
		g->plen = plen;
		g->minlen = plen;
		return g;
	}
	const char **mid = flt_arena_alloc(a, (nstar + 1) * sizeof(*mid));
	size_t *mlen = flt_arena_alloc(a, (nstar + 1) * sizeof(*mlen));
	if (!mid || !mlen)
		return NULL;
	size_t first = (size_t)((const char *)memchr(pat, '*', plen) - pat);
	size_t last = (size_t)((const char *)memrchr(pat, '*', plen) - pat);
	g->has_star = 1;
	g->prefix = pat;
	g->plen = first;
	g->suffix = pat + last + 1;
	g->slen = plen - last - 1;
	g->minlen = g->plen + g->slen;
	/* segments strictly between the first and last star, empty ones dropped */
	for (size_t i = first; i < last;) {
		size_t j = i + 1;
		while (j < last && pat[j] != '*')
			j++;
		if (j > i + 1) {
			mid[g->nmid] = pat + i + 1;
			mlen[g->nmid] = j - i - 1;
			g->minlen += j - i - 1;
			g->nmid++;
		}
		i = j;
	}
	g->mid = mid;
	g->mlen = mlen;
	return g;
}

static int seg_eq(const char *s, const char *p, size_t n, int icase)
{
	if (!icase)
		return memcmp(s, p, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (fold(s[i], 1) != (unsigned char)p[i])
			return 0;
	return 1;
}

/* First occurrence of n in h (n non-empty), or NULL. */
static const char *seg_find(const char *h, size_t hl, const char *n, size_t nl, int icase)
{
	if (nl > hl)
		return NULL;
	const char *end = h + hl - nl + 1;
	if (!icase) {
		for (const char *p = h; p < end && (p = memchr(p, n[0], (size_t)(end - p))); p++)
			if (memcmp(p + 1, n + 1, nl - 1) == 0)
				return p;
		return NULL;
	}
	for (const char *p = h; p < end; p++)
		if (fold(*p, 1) == (unsigned char)n[0] && seg_eq(p + 1, n + 1, nl - 1, 1))
			return p;
	return NULL;
}

/* With only '*' wildcards, leftmost matching of each middle segment is
 * exact: any match can be shifted to use the earliest occurrences. */
int flt_glob_fast_match(const struct flt_glob_fast *g, const char *s, size_t slen, int icase)
{
	if (slen < g->minlen)
		return 0;
	if (!g->has_star)
		return slen == g->plen && seg_eq(s, g->prefix, slen, icase);
	if (!seg_eq(s, g->prefix, g->plen, icase) ||
	    !seg_eq(s + slen - g->slen, g->suffix, g->slen, icase))
		return 0;
	const char *p = s + g->plen, *end = s + slen - g->slen;
	for (size_t i = 0; i < g->nmid; i++) {
		const char *f = seg_find(p, (size_t)(end - p), g->mid[i], g->mlen[i], icase);
		if (!f)
			return 0;
		p = f + g->mlen[i];
	}
	return 1;
}
