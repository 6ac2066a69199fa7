/* test_rpl_count: replay's table of rows counted by text key (and id). */
#include "tests/tap.h"

#include "common/sr_err.h"
#include "replay/rpl_count.h"

struct row {
	struct rpl_count_key k;
	uint64_t n;
};

static struct row *get(struct rpl_count *t, const char *key, uint32_t id)
{
	void *r;

	if (rpl_count_get(t, key, strlen(key), id, &r))
		return NULL;
	return r;
}

TEST(keys_and_ids_are_separate_rows)
{
	struct rpl_count t;
	struct row *r;

	rpl_count_init(&t, sizeof(struct row), 0);
	get(&t, "bash", 1)->n++;
	get(&t, "bash", 2)->n++;
	get(&t, "bash", 1)->n++;
	get(&t, "bas", 1)->n++;
	r = get(&t, "bash", 1);
	CHECK_EQ_INT(r->n, 2);
	CHECK_EQ_INT(t.n, 3);
	/* rows keep the order their keys were first seen */
	CHECK_STR(((struct row *)rpl_count_row(&t, 0))->k.key, "bash");
	CHECK_EQ_INT(((struct row *)rpl_count_row(&t, 1))->k.id, 2);
	CHECK_STR(((struct row *)rpl_count_row(&t, 2))->k.key, "bas");
	rpl_count_free(&t);
	CHECK_EQ_INT(t.n, 0);
}

TEST(key_length_is_what_counts)
{
	struct rpl_count t;
	void *a, *b;

	rpl_count_init(&t, sizeof(struct row), 0);
	/* a name cut at 4 bytes is the same key as the 4-byte name */
	CHECK_EQ_INT(rpl_count_get(&t, "abcdef", 4, 0, &a), 0);
	CHECK_EQ_INT(rpl_count_get(&t, "abcd", 4, 0, &b), 0);
	CHECK(a == b);
	CHECK_STR(((struct row *)a)->k.key, "abcd");
	CHECK_EQ_INT(rpl_count_get(&t, "abcde", 5, 0, &b), 0);
	CHECK(a != b);
	CHECK_EQ_INT(t.n, 2);
	rpl_count_free(&t);
}

TEST(growth_keeps_every_count)
{
	struct rpl_count t;
	char key[32];
	int bad = 0;

	rpl_count_init(&t, sizeof(struct row), 0);
	for (int pass = 0; pass < 3; pass++)
		for (int i = 0; i < 5000; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			struct row *r = get(&t, key, (uint32_t)(i % 7));
			if (!r) {
				bad++;
				continue;
			}
			r->n++;
		}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(t.n, 5000);
	CHECK(t.nslot >= 2 * t.n);
	for (size_t i = 0; i < t.n; i++) {
		struct row *r = rpl_count_row(&t, i);
		snprintf(key, sizeof(key), "k%zu", i);
		if (r->n != 3 || strcmp(r->k.key, key) || r->k.id != i % 7)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	rpl_count_free(&t);
}

TEST(bounded_table_counts_what_it_leaves_out)
{
	struct rpl_count t;
	void *r;

	rpl_count_init(&t, sizeof(struct row), 2);
	CHECK_EQ_INT(rpl_count_get(&t, "a", 1, 0, &r), 0);
	CHECK_EQ_INT(rpl_count_get(&t, "b", 1, 0, &r), 0);
	CHECK_EQ_INT(rpl_count_get(&t, "c", 1, 0, &r), 1);
	CHECK(r == NULL);
	CHECK_EQ_INT(rpl_count_get(&t, "d", 1, 0, &r), 1);
	/* keys already held are still found */
	CHECK_EQ_INT(rpl_count_get(&t, "a", 1, 0, &r), 0);
	CHECK(r != NULL);
	CHECK_EQ_INT(t.n, 2);
	CHECK_EQ_INT(t.left_out, 2);
	rpl_count_free(&t);
}
