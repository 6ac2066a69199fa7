/* st_map.c: u64-keyed open-addressing hash map used for threads, fds, users, groups.
 *
 * Linear probing keeps lookups to one or two cache lines for the small dense
 * keys we see (tids, fd numbers); deletion shifts later entries back instead
 * of leaving tombstones, so long-running tables never degrade. */
#include "st_int.h"

#include <stdlib.h>
#include <string.h>

static inline uint32_t slot_of(const struct st_map *m, uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - m->bits));
}

void *st_map_get(const struct st_map *m, uint64_t key)
{
	uint32_t mask, i;

	if (!m->cap)
		return NULL;
	mask = m->cap - 1;
	for (i = slot_of(m, key);; i = (i + 1) & mask) {
		const struct st_slot *s = &m->slots[i];
		if (!s->val)
			return NULL;
		if (s->key == key)
			return s->val;
	}
}

static int grow(struct st_map *m)
{
	struct st_map nm;
	uint32_t ncap = m->cap ? m->cap * 2 : 8;

	if (ncap < m->cap) /* the table cannot double any more */
		return -1;
	memset(&nm, 0, sizeof(nm));
	nm.slots = calloc(ncap, sizeof(*nm.slots));
	if (!nm.slots)
		return -1;
	nm.cap = ncap;
	nm.bits = (unsigned)__builtin_ctz(ncap);
	for (uint32_t i = 0; i < m->cap; i++) {
		struct st_slot *s = &m->slots[i];
		uint32_t j;

		if (!s->val)
			continue;
		for (j = slot_of(&nm, s->key); nm.slots[j].val; j = (j + 1) & (ncap - 1))
			;
		nm.slots[j] = *s;
	}
	nm.n = m->n;
	free(m->slots);
	*m = nm;
	return 0;
}

void *st_map_put(struct st_map *m, uint64_t key, void *val, int *oom)
{
	uint32_t mask, i;

	/* Load factor at most 1/2: probes stay short with linear probing. */
	if ((m->n + 1) * 2 > m->cap && grow(m)) {
		if (oom)
			*oom = 1;
		return NULL;
	}
	mask = m->cap - 1;
	for (i = slot_of(m, key);; i = (i + 1) & mask) {
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
	for (i = slot_of(m, key);; i = (i + 1) & mask) {
		if (!m->slots[i].val)
			return NULL;
		if (m->slots[i].key == key)
			break;
	}
	old = m->slots[i].val;
	/* Backward shift: move later entries of the cluster into the hole when
	 * their home slot does not lie (cyclically) between the hole and them. */
	for (j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
		uint32_t home = slot_of(m, m->slots[j].key);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->slots[i].key = 0;
	m->n--;
	return old;
}

void st_map_free(struct st_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

void st_map_each(const struct st_map *m, void (*cb)(void *ctx, uint64_t key, void *val),
		 void *ctx)
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
