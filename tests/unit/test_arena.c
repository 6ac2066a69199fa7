/* test_arena: the common bump allocator (common/sr_arena.c) that the filter
 * compiler and the rules loader share. */
#include <stdalign.h>
#include <stdint.h>

#include "common/sr_arena.h"
#include "common/sr_err.h"
#include "tests/tap.h"

/* Under ASan a malloc that cannot succeed must return NULL like libc's does,
 * instead of aborting: the failure path is what
 * test_arena_overflow_and_malloc_failure checks. Unused in builds without ASan. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static int aligned(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	return v % SR_ARENA_ALIGN == 0 && v % alignof(max_align_t) == 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

TEST(test_arena_alignment_and_zeroing)
{
	struct sr_arena a = {0};
	unsigned char *blk[200];
	size_t len[200];
	int bad_align = 0, bad_zero = 0, bad_fill = 0;

	/* every size from 1 to 200: each block aligned, zeroed, and not
	 * overlapping its neighbours (each keeps the pattern written into it) */
	for (size_t i = 0; i < 200; i++) {
		len[i] = i + 1;
		blk[i] = sr_arena_alloc(&a, len[i]);
		CHECK(blk[i] != NULL);
		if (!blk[i])
			break;
		bad_align += !aligned(blk[i]);
		bad_zero += !all_zero(blk[i], len[i]);
		memset(blk[i], (int)(i & 0x7f) + 1, len[i]);
	}
	for (size_t i = 0; i < 200 && blk[i]; i++)
		for (size_t k = 0; k < len[i]; k++)
			bad_fill += blk[i][k] != (unsigned char)((i & 0x7f) + 1);
	CHECK_EQ_INT(bad_align, 0);
	CHECK_EQ_INT(bad_zero, 0);
	CHECK_EQ_INT(bad_fill, 0);
	sr_arena_reset(&a);
}

TEST(test_arena_size_zero_is_unique)
{
	struct sr_arena a = {0};
	void *p = sr_arena_alloc(&a, 0), *q = sr_arena_alloc(&a, 0);

	CHECK(p && q && p != q);
	CHECK(aligned(p) && aligned(q));
	sr_arena_reset(&a);
}

TEST(test_arena_many_small)
{
	struct sr_arena a = {0};
	const size_t n = 200000, sz = 24;
	size_t rounded = (sz + SR_ARENA_ALIGN - 1) / SR_ARENA_ALIGN * SR_ARENA_ALIGN;
	uint32_t **v = malloc(n * sizeof(*v));
	size_t bad = 0;

	CHECK(v != NULL);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		v[i] = sr_arena_alloc(&a, sz);
		if (!v[i]) {
			CHECK(v[i] != NULL);
			free(v);
			sr_arena_reset(&a);
			return;
		}
		v[i][0] = (uint32_t)i;
		v[i][5] = (uint32_t)~i; /* last word of the 24 bytes */
	}
	for (size_t i = 0; i < n; i++)
		bad += v[i][0] != (uint32_t)i || v[i][5] != (uint32_t)~i;
	CHECK_EQ_INT(bad, 0);
	/* small blocks pack into chunks: the held bytes stay within one chunk
	 * of what was asked for (after rounding) */
	CHECK(sr_arena_bytes(&a) >= n * rounded);
	CHECK(sr_arena_bytes(&a) <= n * rounded + n * rounded / 100 + SR_ARENA_CHUNK);
	free(v);
	sr_arena_reset(&a);
	CHECK_EQ_INT(sr_arena_bytes(&a), 0);
}

TEST(test_arena_huge_alloc_keeps_current_chunk)
{
	struct sr_arena a = {0};
	unsigned char *s1 = sr_arena_alloc(&a, 16);
	size_t before = sr_arena_bytes(&a);
	size_t huge = 8u << 20;
	unsigned char *big = sr_arena_alloc(&a, huge);
	unsigned char *s2 = sr_arena_alloc(&a, 16);

	CHECK(s1 && big && s2);
	if (!s1 || !big || !s2) {
		sr_arena_reset(&a);
		return;
	}
	CHECK(aligned(big));
	CHECK(all_zero(big, huge));
	memset(big, 0xab, huge);
	/* the big block got a chunk of its own, sized to it ... */
	CHECK_EQ_INT(sr_arena_bytes(&a) - before, huge);
	/* ... and small requests go on filling the chunk they were using */
	CHECK(s2 == s1 + 16);
	CHECK(big[huge - 1] == 0xab && all_zero(s2, 16));
	sr_arena_reset(&a);
}

TEST(test_arena_overflow_and_malloc_failure)
{
	struct sr_arena a = {0};
	char *s;

	/* sizes whose rounding or chunk header would wrap */
	CHECK(sr_arena_alloc(&a, SIZE_MAX) == NULL);
	CHECK(sr_arena_alloc(&a, SIZE_MAX - 8) == NULL);
	CHECK(sr_arena_alloc(&a, SIZE_MAX / 2) == NULL);
	CHECK(sr_arena_alloc(&a, PTRDIFF_MAX - 8) == NULL);
	CHECK(sr_arena_strndup(&a, "x", SIZE_MAX) == NULL);
	/* a valid size but more than this machine has: malloc fails */
	CHECK(sr_arena_alloc(&a, (size_t)1 << 46) == NULL);
	CHECK_EQ_INT(sr_arena_bytes(&a), 0);
	/* the arena stays usable after a failure */
	s = sr_arena_strdup(&a, "still here");
	CHECK_STR(s, "still here");
	sr_arena_reset(&a);
}

TEST(test_arena_strings)
{
	struct sr_arena a = {0};
	const char src[] = "hello, world";
	char *p = sr_arena_strndup(&a, src, 5);
	char *q = sr_arena_strdup(&a, src);
	char *e = sr_arena_strndup(&a, src, 0);

	CHECK_STR(p, "hello");
	CHECK_STR(q, src);
	CHECK(q != src);
	CHECK_STR(e, "");
	sr_arena_reset(&a);
}

static int order[8], norder;

static void note(void *p)
{
	if (norder < 8)
		order[norder++] = *(int *)p;
}

TEST(test_arena_defer_and_reset)
{
	struct sr_arena a;
	int *x;

	sr_arena_init(&a);
	for (int i = 1; i <= 3; i++) {
		/* the value lives in the arena: defers run before chunks go */
		x = sr_arena_alloc(&a, sizeof(*x));
		CHECK(x != NULL);
		if (!x)
			return;
		*x = i;
		CHECK_EQ_INT(sr_arena_defer(&a, note, x), 0);
	}
	norder = 0;
	sr_arena_reset(&a);
	CHECK_EQ_INT(norder, 3);
	CHECK(order[0] == 3 && order[1] == 2 && order[2] == 1); /* newest first */
	CHECK(a.head == NULL && a.defers == NULL);
	CHECK_EQ_INT(sr_arena_bytes(&a), 0);
	/* reusable, and a second reset runs nothing again */
	CHECK(sr_arena_alloc(&a, 100) != NULL);
	norder = 0;
	sr_arena_reset(&a);
	CHECK_EQ_INT(norder, 0);
	sr_arena_reset(&a); /* empty: harmless */
}
