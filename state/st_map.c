/* st_map.c: u64-keyed open-addressing hash map used for threads, fds, users, groups.
 *
 * Linear probing keeps lookups to one or two cache lines for the small dense
 * keys we see (tids, fd numbers); deletion shifts later entries back instead
 * of leaving tombstones, so long-running tables never degrade. Lookups are
 * inline (st_int.h). */
#include "st_int.h"

#include <stdlib.h>
#include <string.h>

/* Freed 8-slot arrays, kept for reuse: every new process's first fd (and
 * every exec that copies a shared table) allocates one, and malloc's free
 * lists made that the most expensive step of a fork/exec/exit. Per thread,
 * as engines are (one st_state per thread); at most ST_MAP_CACHE kept. */
#define ST_MAP_SMALL 8
#define ST_MAP_CACHE 1024
static __thread struct st_map_hdr *small_free;
static __thread unsigned small_nfree;

static size_t slots_bytes(uint32_t cap)
{
	return sizeof(struct st_map_hdr) + (size_t)cap * sizeof(struct st_slot);
}

static struct st_slot *slots_new(uint32_t cap)
{
	struct st_map_hdr *h;

	if (cap == ST_MAP_SMALL && small_free) {
		h = small_free;
		small_free = h->next_free;
		small_nfree--;
		memset(h, 0, slots_bytes(cap));
	} else {
		h = calloc(1, slots_bytes(cap));
	}

	if (!h)
		return NULL;
	h->ref = 1;
	return (struct st_slot *)(void *)(h + 1);
}

/* Only on unshared maps (callers unshare before writing). */
static int resize(struct st_map *m, uint32_t ncap)
{
	struct st_map nm;

	memset(&nm, 0, sizeof(nm));
	nm.slots = slots_new(ncap);
	if (!nm.slots)
		return -1;
	nm.cap = ncap;
	nm.bits = (unsigned)__builtin_ctz(ncap);
	for (uint32_t i = 0; i < m->cap; i++) {
		struct st_slot *s = &m->slots[i];
		uint32_t j;

		if (!s->val)
			continue;
		for (j = st_map_home(&nm, s->key); nm.slots[j].val; j = (j + 1) & (ncap - 1))
			;
		nm.slots[j] = *s;
	}
	nm.n = m->n;
	st_map_free(m);
	*m = nm;
	return 0;
}

int st_map_reserve(struct st_map *m, uint32_t n)
{
	uint32_t cap = 8;

	if (m->cap || n > (1u << 30))
		return m->cap ? 0 : -1;
	while (cap < 2 * n)
		cap *= 2;
	return resize(m, cap);
}

void *st_map_put(struct st_map *m, uint64_t key, void *val, int *oom)
{
	uint32_t mask, i;

	/* Load factor at most 1/2: probes stay short with linear probing. */
	if ((uint64_t)(m->n + 1) * 2 > m->cap &&
	    (m->cap >= (1u << 31) || resize(m, m->cap ? m->cap * 2 : 8))) {
		if (oom)
			*oom = 1;
		return NULL;
	}
	mask = m->cap - 1;
	for (i = st_map_home(m, key);; i = (i + 1) & mask) {
		struct st_slot *s = &m->slots[i];
		if (!s->val) {
			s->key = key;
			s->val = val;
			m->n++;
			return NULL;
		}
		if (s->key == key) {
			void *old = s->val;
			s->val = val;
			return old;
		}
	}
}

void *st_map_del(struct st_map *m, uint64_t key)
{
	uint32_t mask, i, j;
	void *old;

	if (!m->cap)
		return NULL;
	mask = m->cap - 1;
	for (i = st_map_home(m, key);; i = (i + 1) & mask) {
		if (!m->slots[i].val)
			return NULL;
		if (m->slots[i].key == key)
			break;
	}
	old = m->slots[i].val;
	/* Backward shift: move later entries of the cluster into the hole when
	 * their home slot does not lie (cyclically) between the hole and them. */
	for (j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
		uint32_t home = st_map_home(m, m->slots[j].key);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->slots[i].key = 0;
	m->n--;
	/* Shrink when at most 1/8 full (growth is at 1/2: no thrashing), so a
	 * table that once held a burst does not keep its size forever. A failed
	 * shrink leaves the map as it was. */
	if (m->cap > 16 && (uint64_t)m->n * 8 <= m->cap)
		resize(m, m->cap / 2);
	return old;
}

static void slots_free(struct st_map_hdr *h, uint32_t cap)
{
	if (cap == ST_MAP_SMALL && small_nfree < ST_MAP_CACHE) {
		h->next_free = small_free;
		small_free = h;
		small_nfree++;
		return;
	}
	free(h);
}

void st_map_cache_release(void)
{
	while (small_free) {
		struct st_map_hdr *h = small_free;
		small_free = h->next_free;
		free(h);
	}
	small_nfree = 0;
}

void st_map_free(struct st_map *m)
{
	if (m->slots && --st_map_hdr(m)->ref == 0)
		slots_free(st_map_hdr(m), m->cap);
	memset(m, 0, sizeof(*m));
}

void st_map_share(struct st_map *dst, const struct st_map *src)
{
	*dst = *src;
	if (dst->slots)
		st_map_hdr(dst)->ref++;
}

int st_map_clone(struct st_map *dst, const struct st_map *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->cap)
		return 0;
	dst->slots = slots_new(src->cap);
	if (!dst->slots)
		return -1;
	memcpy(dst->slots, src->slots, (size_t)src->cap * sizeof(struct st_slot));
	dst->cap = src->cap;
	dst->n = src->n;
	dst->bits = src->bits;
	return 0;
}

void st_map_each(const struct st_map *m, void (*cb)(void *ctx, uint64_t key, void *val), void *ctx)
{
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->slots[i].val)
			cb(ctx, m->slots[i].key, m->slots[i].val);
}

static int cmp_slot(const void *a, const void *b)
{
	const struct st_slot *x = a, *y = b;

	return (int64_t)x->key < (int64_t)y->key ? -1 : (int64_t)x->key > (int64_t)y->key;
}

void **st_map_sorted(const struct st_map *m, size_t *n)
{
	struct st_slot *tmp;
	void **out;
	size_t k = 0;

	*n = 0;
	if (!m->n)
		return NULL;
	tmp = malloc(sizeof(*tmp) * m->n);
	out = malloc(sizeof(*out) * m->n);
	if (!tmp || !out) {
		free(tmp);
		free(out);
		return NULL;
	}
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->slots[i].val)
			tmp[k++] = m->slots[i];
	/* Keys sort as signed so fd numbers read naturally; tids are < 2^31. */
	qsort(tmp, k, sizeof(*tmp), cmp_slot);
	for (size_t i = 0; i < k; i++)
		out[i] = tmp[i].val;
	free(tmp);
	*n = k;
	return out;
}
