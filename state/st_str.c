/* st_str.c: refcounted immutable strings.
 *
 * A fork shares a whole process (exe, args, cwd) and a dup shares an fd
 * name: with refcounts that is pointer copies instead of allocations.
 * Strings up to 16 * 16 bytes (header and NUL included) come from size-class
 * pools. Longer ones (argument lists, environments) come from malloc and are
 * interned: every process of a session execs with the same few-KiB
 * environment, and one copy serves them all. Their total is bounded
 * (st->max_big_bytes, enforced with the thread limits). Releases never free
 * at once: st.h promises pointers stay valid until st_event_end(). */
#include "st_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct st_str_hdr {
	uint32_t ref;
	uint32_t len; /* ST_STR_INTERNED flags an entry of st->strs */
	char s[];
};

#define ST_STR_INTERNED 0x80000000u /* lengths stay below: records are at most 16 MiB */
#define ST_STR_LEN(h)	((h)->len & ~ST_STR_INTERNED)

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

/* 64-bit hash of a long string, 8 bytes a step. */
static uint64_t str_hash(const char *s, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	for (; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
	h ^= h >> 29;
	return h;
}

static const char *big_new(struct st_state *st, const char *s, size_t len)
{
	uint64_t key = str_hash(s, len);
	struct st_str_hdr *h = st_map_get(&st->strs, key);
	int oom = 0;

	if (h && ST_STR_LEN(h) == len && memcmp(h->s, s, len) == 0) {
		h->ref++;
		return h->s;
	}
	h = malloc(sizeof(*h) + len + 1);
	if (!h)
		return NULL;
	st->big_str_bytes += sizeof(*h) + len + 1;
	h->ref = 1;
	h->len = (uint32_t)len;
	memcpy(h->s, s, len);
	h->s[len] = '\0';
	/* A hash already taken by a different string: this one stays private. */
	if (!st_map_get(&st->strs, key)) {
		st_map_put(&st->strs, key, h, &oom);
		if (!oom)
			h->len |= ST_STR_INTERNED;
	}
	return h->s;
}

const char *st_str_new(struct st_state *st, const char *s, size_t len)
{
	struct st_str_hdr *h;
	unsigned k;

	if (len >= ST_STR_INTERNED)
		return NULL;
	k = class_of(len);
	if (!k)
		return big_new(st, s, len);
	h = st_pool_get(&st->str_pool[k]);
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
	return s ? ST_STR_LEN(hdr_of(s)) : 0;
}

void st_str_unref(struct st_state *st, const char *s)
{
	struct st_str_hdr *h;

	if (!s)
		return;
	h = hdr_of(s);
	if (--h->ref)
		return;
	if (h->len & ST_STR_INTERNED) {
		/* Out of the intern table now, so nothing can find it again
		 * while its memory waits for the end of the event. */
		uint64_t key = str_hash(h->s, ST_STR_LEN(h));
		if (st_map_get(&st->strs, key) == h)
			st_map_del(&st->strs, key);
	}
	st_garbage_kind(st, h, ST_G_STR);
}

/* Called by the garbage flush for a string whose last reference went. */
void st_str_release(struct st_state *st, void *hdr)
{
	struct st_str_hdr *h = hdr;
	size_t len = ST_STR_LEN(h);
	unsigned k = class_of(len);

	if (k) {
		st_pool_put(&st->str_pool[k], h);
		return;
	}
	st->big_str_bytes -= sizeof(*h) + len + 1;
	free(h);
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
