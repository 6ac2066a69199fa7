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
