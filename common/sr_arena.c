/* sr_arena.c: the project's one bump allocator (see sr_arena.h). */
#include "sr_arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sr_err.h"

struct sr_arena_chunk {
	struct sr_arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct sr_arena_defer {
	struct sr_arena_defer *next;
	void (*fn)(void *);
	void *ptr;
};

/* Sizes round up to a multiple of both SR_ARENA_ALIGN and the chunk data's
 * alignment (powers of two: the larger one), so every block starts aligned. */
#define ROUND (SR_ARENA_ALIGN > alignof(max_align_t) ? SR_ARENA_ALIGN : alignof(max_align_t))

void sr_arena_init(struct sr_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void *sr_arena_alloc(struct sr_arena *a, size_t size)
{
	struct sr_arena_chunk *c = a->head;
	size_t need;
	void *p;

	/* no object can exceed PTRDIFF_MAX; this also keeps the rounding and
	 * the chunk header below from wrapping */
	if (size > PTRDIFF_MAX - ROUND - sizeof(*c))
		return NULL;
	need = size ? (size + ROUND - 1) & ~(ROUND - 1) : ROUND;
	if (!c || c->cap - c->used < need) {
		int big = need > SR_ARENA_CHUNK / 4;
		size_t cap = big ? need : SR_ARENA_CHUNK;
		struct sr_arena_chunk *n = malloc(sizeof(*n) + cap);

		if (!n)
			return NULL;
		n->used = 0;
		n->cap = cap;
		if (c && big) {
			/* a one-off block: the current chunk's free space stays in use */
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			a->head = n;
		}
		a->total += cap;
		c = n;
	}
	p = (unsigned char *)c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = sr_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *sr_arena_strdup(struct sr_arena *a, const char *s)
{
	return sr_arena_strndup(a, s, strlen(s));
}

int sr_arena_defer(struct sr_arena *a, void (*fn)(void *), void *ptr)
{
	/* The record lives in the arena itself: reset runs the list before it
	 * releases any chunk. */
	struct sr_arena_defer *d = sr_arena_alloc(a, sizeof(*d));

	if (!d)
		return SR_ENOMEM;
	d->fn = fn;
	d->ptr = ptr;
	d->next = a->defers;
	a->defers = d;
	return 0;
}

void sr_arena_reset(struct sr_arena *a)
{
	struct sr_arena_chunk *c = a->head;

	for (struct sr_arena_defer *d = a->defers; d; d = d->next)
		d->fn(d->ptr);
	while (c) {
		struct sr_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	sr_arena_init(a);
}

size_t sr_arena_bytes(const struct sr_arena *a)
{
	return a->total;
}
