/* rpl_count: rows counted by a text key (see rpl_count.h). */
#include "rpl_count.h"

#include <stdlib.h>
#include <string.h>

#include "common/sr_err.h"

static uint64_t key_hash(const char *s, size_t len, uint32_t id)
{
	uint64_t h = 1469598103934665603ull ^ id;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static struct rpl_count_key *key_at(const struct rpl_count *t, size_t i)
{
	return (struct rpl_count_key *)(void *)rpl_count_row(t, i);
}

void rpl_count_init(struct rpl_count *t, size_t row_size, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->row_size = row_size;
	t->max = max;
}

/* Where (key, id) is or would go. */
static size_t find(const struct rpl_count *t, const char *key, size_t len, uint32_t id)
{
	size_t i = key_hash(key, len, id) & (t->nslot - 1);

	while (t->slot[i]) {
		const struct rpl_count_key *k = key_at(t, t->slot[i] - 1);

		if (k->id == id && !strncmp(k->key, key, len) && !k->key[len])
			break;
		i = (i + 1) & (t->nslot - 1);
	}
	return i;
}

/* Doubles the slots, keeping the table at most half full; rows go back in
 * the old slot order, so the slot order depends only on the keys seen. */
static int rehash(struct rpl_count *t)
{
	size_t n = t->nslot ? t->nslot * 2 : 1024, on = t->nslot;
	uint32_t *old = t->slot;

	t->slot = calloc(n, sizeof(*t->slot));
	if (!t->slot) {
		t->slot = old;
		return SR_ENOMEM;
	}
	t->nslot = n;
	for (size_t i = 0; i < on; i++) {
		const struct rpl_count_key *k;

		if (!old[i])
			continue;
		k = key_at(t, old[i] - 1);
		t->slot[find(t, k->key, strlen(k->key), k->id)] = old[i];
	}
	free(old);
	return 0;
}

int rpl_count_get(struct rpl_count *t, const char *key, size_t len, uint32_t id, void **row)
{
	struct rpl_count_key *k;
	size_t i;

	*row = NULL;
	if ((t->n + 1) * 2 > t->nslot && rehash(t))
		return SR_ENOMEM;
	i = find(t, key, len, id);
	if (t->slot[i]) {
		*row = rpl_count_row(t, t->slot[i] - 1);
		return 0;
	}
	if (t->max && t->n >= t->max) {
		t->left_out++;
		return 1;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		char *nr = realloc(t->rows, ncap * t->row_size);

		if (!nr)
			return SR_ENOMEM;
		t->rows = nr;
		t->cap = ncap;
	}
	k = key_at(t, t->n);
	memset(k, 0, t->row_size);
	k->key = strndup(key, len);
	if (!k->key)
		return SR_ENOMEM;
	k->id = id;
	t->slot[i] = (uint32_t)++t->n;
	*row = k;
	return 0;
}

void rpl_count_slot_order(const struct rpl_count *t, void *out)
{
	char *o = out;

	for (size_t i = 0; i < t->nslot; i++)
		if (t->slot[i]) {
			memcpy(o, rpl_count_row(t, t->slot[i] - 1), t->row_size);
			o += t->row_size;
		}
}

void rpl_count_free(struct rpl_count *t)
{
	for (size_t r = 0; r < t->n; r++)
		free(key_at(t, r)->key);
	free(t->rows);
	free(t->slot);
	rpl_count_init(t, t->row_size, t->max);
}
