/* rpl_count: rows counted by a text key (and a number beside it, such as a
 * pid; 0 when unused): the table behind stats' processes, the top views and
 * the report's connections, file changes and containers.
 *
 * A row is the caller's struct, beginning with struct rpl_count_key; its
 * other fields are zero when the row is made. Rows stay in the order their
 * keys were first seen; a pointer to one is valid until the next
 * rpl_count_get() (rows move when the table grows). The table owns the key
 * copies. */
#ifndef RPL_COUNT_H
#define RPL_COUNT_H

#include <stddef.h>
#include <stdint.h>

struct rpl_count_key {
	char *key; /* NUL-terminated copy, owned by the table */
	uint32_t id;
};

struct rpl_count {
	size_t row_size; /* sizeof the caller's row */
	size_t max;	 /* rows kept at most; 0: no bound */
	char *rows;	 /* n rows, first seen first */
	size_t n, cap;
	uint32_t *slot;	   /* open addressing: row index + 1, 0 free */
	size_t nslot;	   /* a power of two, at least twice n */
	uint64_t left_out; /* new keys refused: max rows were kept already */
};

void rpl_count_init(struct rpl_count *t, size_t row_size, size_t max);
/* The row of (key[0..len), id) in *row, made when missing. Returns 0, 1 when
 * the key is new and the table holds max rows (counted in left_out, *row
 * NULL), or SR_ENOMEM. */
int rpl_count_get(struct rpl_count *t, const char *key, size_t len, uint32_t id, void **row);
static inline void *rpl_count_row(const struct rpl_count *t, size_t i)
{
	return t->rows + i * t->row_size;
}
/* Copies the n rows into out in the table's slot order: fixed by the keys
 * seen, unrelated to the counts (the top views rank from it, so equal rows
 * keep the order they have always had). */
void rpl_count_slot_order(const struct rpl_count *t, void *out);
void rpl_count_free(struct rpl_count *t);

#endif
