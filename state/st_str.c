/* st_str.c: refcounted immutable strings.
 *
 * A fork shares a whole process (exe, args, cwd) and a dup shares an fd
 * name: with refcounts that is pointer copies instead of allocations.
 * Strings up to 16 * 16 bytes (header and NUL included) come from size-class
 * pools, longer ones from malloc. Releases never free at once: st.h promises
 * pointers stay valid until st_event_end(). */
#include "st_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct st_str_hdr {
	uint32_t ref;
	uint32_t len;
	char s[];
};

void st_str_release(struct st_state *st, void *hdr);

static inline struct st_str_hdr *hdr_of(const char *s)
{
	return (struct st_str_hdr *)(void *)((char *)(uintptr_t)s - offsetof(struct st_str_hdr, s));
}

/* Pool class of a string of len bytes; 0: too long, malloc'ed. */
static inline unsigned class_of(size_t len)
{
	size_t total = sizeof(struct st_str_hdr) + len + 1;

	return total <= 16 * ST_STR_CLASSES ? (unsigned)((total + 15) >> 4) : 0;
}

const char *st_str_new(struct st_state *st, const char *s, size_t len)
{
	struct st_str_hdr *h;
	unsigned k;

	if (len > UINT32_MAX - 1)
		return NULL;
	k = class_of(len);
	if (k) {
		h = st_pool_get(&st->str_pool[k]);
	} else {
		h = malloc(sizeof(*h) + len + 1);
		if (h)
			st->big_str_bytes += sizeof(*h) + len + 1;
	}
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
		st_garbage_kind(st, h, ST_G_STR);
}

/* Called by the garbage flush for a string whose last reference went. */
void st_str_release(struct st_state *st, void *hdr)
{
	struct st_str_hdr *h = hdr;
	unsigned k = class_of(h->len);

	if (k) {
		st_pool_put(&st->str_pool[k], h);
	} else {
		st->big_str_bytes -= sizeof(*h) + h->len + 1;
		free(h);
	}
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
