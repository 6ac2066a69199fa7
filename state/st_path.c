/* st_path.c: lexical path resolution for fd names and cwd (no file system access:
 * a replayed capture describes another machine). */
#include "st_int.h"

#include <string.h>

/* Appends the components of s[0..n) to out (which holds an absolute path of
 * length *len, "/" at least). Returns -1 when out would overflow. */
static int add_components(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, clen;

		while (i < n && s[i] == '/')
			i++;
		start = i;
		while (i < n && s[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && s[start] == '.'))
			continue;
		if (clen == 2 && s[start] == '.' && s[start + 1] == '.') {
			/* ".." never climbs above the root, as the kernel resolves it. */
			while (*len > 1 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 1)
				(*len)--;
			continue;
		}
		if (*len + (*len > 1) + clen + 1 > cap)
			return -1;
		if (*len > 1)
			out[(*len)++] = '/';
		memcpy(out + *len, s + start, clen);
		*len += clen;
	}
	return 0;
}

/* 1 when s[0..n) is already normal: no empty, "." or ".." component and no
 * trailing '/' ("/" alone is normal). Most paths are: they are copied as is. */
static int is_normal(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 1 && s[0] == '/')
		return 1;
	if (n == 0 || s[n - 1] == '/')
		return 0;
	if (s[0] == '/')
		i = 1;
	for (;;) {
		/* s[i] starts a component. */
		if (s[i] == '/')
			return 0;
		if (s[i] == '.' && (i + 1 == n || s[i + 1] == '/' ||
				    (s[i + 1] == '.' && (i + 2 == n || s[i + 2] == '/'))))
			return 0;
		while (i < n && s[i] != '/')
			i++;
		if (i == n)
			return 1;
		i++;
	}
}

int st_path_join(const char *base, const char *path, size_t path_len, char *out, size_t cap)
{
	size_t len = 1;

	if (cap < 2)
		return -1;
	if (path_len && path[0] == '/') {
		if (path_len < cap && is_normal(path, path_len)) {
			memcpy(out, path, path_len);
			out[path_len] = '\0';
			return (int)path_len;
		}
	} else if (base && base[0] == '/' && is_normal(path, path_len)) {
		size_t bl = strlen(base);

		if (bl + 1 + path_len < cap && is_normal(base, bl)) {
			memcpy(out, base, bl);
			if (bl > 1)
				out[bl++] = '/';
			memcpy(out + bl, path, path_len);
			out[bl + path_len] = '\0';
			return (int)(bl + path_len);
		}
	}
	out[0] = '/';
	if (!(path_len && path[0] == '/') && base && base[0])
		if (add_components(out, cap, &len, base, strlen(base)))
			return -1;
	if (add_components(out, cap, &len, path, path_len))
		return -1;
	out[len] = '\0';
	return (int)len;
}
