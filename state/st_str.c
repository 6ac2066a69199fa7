/* st_str.c: refcounted immutable strings and the end-of-event garbage list.
 *
 * A fork copies a whole process (exe, args, cwd, every fd name): with
 * refcounts that is pointer copies instead of allocations. Releases never
 * free at once: st.h promises pointers stay valid until st_event_end(). */
#include "st_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct st_str_hdr {
	uint32_t ref;
	uint32_t len;
	char s[];
};

static inline struct st_str_hdr *hdr_of(const char *s)
{
	return (struct st_str_hdr *)(void *)((char *)(uintptr_t)s - offsetof(struct st_str_hdr, s));
}

const char *st_str_new(struct st_state *st, const char *s, size_t len)
{
	struct st_str_hdr *h;

	(void)st;
	if (len > UINT32_MAX - 1)
		return NULL;
	h = malloc(sizeof(*h) + len + 1);
	if (!h)
		return NULL;
	h->ref = 1;
	h->len = (uint32_t)len;
	if (len)
		memcpy(h->s, s, len);
	h->s[len] = '\0';
	return h->s;
}

const char *st_str_ref(const char *s)
{
	if (s)
		hdr_of(s)->ref++;
	return s;
}

size_t st_str_len(const char *s)
{
	return s ? hdr_of(s)->len : 0;
}

void st_str_unref(struct st_state *st, const char *s)
{
	struct st_str_hdr *h;

	if (!s)
		return;
	h = hdr_of(s);
	if (--h->ref == 0)
		st_garbage(st, h);
}

void st_str_set(struct st_state *st, const char **slot, const char *s, size_t len)
{
	const char *n;

	if (!s)
		len = 0;
	if (*slot && st_str_len(*slot) == len && (len == 0 || memcmp(*slot, s, len) == 0))
		return;
	n = st_str_new(st, s, len);
	if (!n)
		return; /* out of memory: keep the old value rather than lose it */
	st_str_unref(st, *slot);
	*slot = n;
}

void st_garbage(struct st_state *st, void *p)
{
	if (!p)
		return;
	if (st->ngarbage == st->garbage_cap) {
		size_t ncap = st->garbage_cap ? st->garbage_cap * 2 : 64;
		void **ng = realloc(st->garbage, ncap * sizeof(*ng));
		if (!ng) {
			/* Cannot defer: freeing now risks a stale pointer in the caller,
			 * leaking risks nothing but memory. Leak. */
			return;
		}
		st->garbage = ng;
		st->garbage_cap = ncap;
	}
	st->garbage[st->ngarbage++] = p;
}

void st_garbage_flush(struct st_state *st)
{
	for (size_t i = 0; i < st->ngarbage; i++)
		free(st->garbage[i]);
	st->ngarbage = 0;
	/* A burst (reaping a huge process) should not pin its array forever. */
	if (st->garbage_cap > 4096) {
		free(st->garbage);
		st->garbage = NULL;
		st->garbage_cap = 0;
	}
}
