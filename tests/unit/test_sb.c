/* test_sb: the string builder (common/sr_sb) over fixed and growable buffers. */
#include "tests/tap.h"

#include "common/sr_err.h"
#include "common/sr_sb.h"

/* A fixed buffer inside a larger one, so writes past the bound show up. */
struct guarded {
	char buf[16];
	char after[16];
};

static int guard_intact(const struct guarded *g)
{
	for (size_t i = 0; i < sizeof(g->after); i++)
		if (g->after[i] != '#')
			return 0;
	return 1;
}

TEST(fixed_appends_fit)
{
	char buf[40];
	struct sr_sb b;

	sr_sb_init(&b, buf, sizeof(buf));
	CHECK_STR(sr_sb_str(&b), "");
	CHECK_EQ_INT(sr_sb_puts(&b, "pid="), 0);
	CHECK_EQ_INT(sr_sb_printf(&b, "%d", 4242), 0);
	CHECK_EQ_INT(sr_sb_putc(&b, ' '), 0);
	CHECK_EQ_INT(sr_sb_put(&b, "abcdef", 3), 0);
	CHECK_EQ_INT(sr_sb_put_u64(&b, 18446744073709551615u), 0);
	CHECK_STR(buf, "pid=4242 abc18446744073709551615");
	CHECK_EQ_INT(b.len, 32);
	CHECK(!sr_sb_cut(&b));
}

TEST(fixed_cut_at_bound)
{
	struct guarded g;
	struct sr_sb b;

	memset(&g, '#', sizeof(g));
	sr_sb_init(&b, g.buf, sizeof(g.buf));
	CHECK_EQ_INT(sr_sb_puts(&b, "0123456789"), 0);
	/* 5 bytes of room left (one is the NUL): "abcdefgh" is cut to "abcde" */
	CHECK_EQ_INT(sr_sb_puts(&b, "abcdefgh"), SR_ELIMIT);
	CHECK_STR(g.buf, "0123456789abcde");
	CHECK_EQ_INT(b.len, 15);
	CHECK_EQ_INT(b.want, 18);
	CHECK(sr_sb_cut(&b));
	CHECK_EQ_INT(sr_sb_putc(&b, 'x'), SR_ELIMIT);
	CHECK_EQ_INT(b.want, 19);
	CHECK_STR(g.buf, "0123456789abcde");
	CHECK(guard_intact(&g));
}

TEST(fixed_printf_longer_than_room)
{
	struct guarded g;
	struct sr_sb b;

	memset(&g, '#', sizeof(g));
	sr_sb_init(&b, g.buf, sizeof(g.buf));
	sr_sb_puts(&b, "ab");
	CHECK_EQ_INT(sr_sb_printf(&b, "%s-%d", "a-long-word", 123456), SR_ELIMIT);
	CHECK_STR(g.buf, "aba-long-word-1");
	CHECK_EQ_INT(b.len, 15);
	/* want is what the text would have needed: callers size a retry by it */
	CHECK_EQ_INT(b.want, 2 + 18);
	CHECK(guard_intact(&g));
	/* a later printf into a full buffer stores nothing and still counts */
	CHECK_EQ_INT(sr_sb_printf(&b, "%d", 7), SR_ELIMIT);
	CHECK_EQ_INT(b.want, 21);
	CHECK(guard_intact(&g));
}

TEST(fixed_zero_capacity_counts)
{
	struct sr_sb b;

	sr_sb_init(&b, NULL, 0);
	CHECK_EQ_INT(sr_sb_puts(&b, "abc"), SR_ELIMIT);
	CHECK_EQ_INT(sr_sb_printf(&b, "%05d", 1), SR_ELIMIT);
	CHECK_EQ_INT(b.len, 0);
	CHECK_EQ_INT(b.want, 8);
	CHECK_STR(sr_sb_str(&b), "");
}

TEST(fixed_one_byte_holds_only_nul)
{
	char one = 'z';
	struct sr_sb b;

	sr_sb_init(&b, &one, 1);
	CHECK_EQ_INT(one, '\0');
	CHECK_EQ_INT(sr_sb_putc(&b, 'a'), SR_ELIMIT);
	CHECK_EQ_INT(sr_sb_printf(&b, "x"), SR_ELIMIT);
	CHECK_EQ_INT(one, '\0');
	CHECK_EQ_INT(b.len, 0);
}

TEST(init_at_appends_after_existing_text)
{
	struct guarded g;
	struct sr_sb b;

	memset(&g, '#', sizeof(g));
	strcpy(g.buf, "error: x");
	sr_sb_init_at(&b, g.buf, sizeof(g.buf), strlen(g.buf));
	CHECK_STR(sr_sb_str(&b), "error: x");
	CHECK_EQ_INT(sr_sb_printf(&b, "; %d lost", 12345), SR_ELIMIT);
	CHECK_STR(g.buf, "error: x; 12345");
	CHECK(guard_intact(&g));
}

TEST(setlen_drops_tail_and_cut)
{
	char buf[8];
	struct sr_sb b;

	sr_sb_init(&b, buf, sizeof(buf));
	sr_sb_puts(&b, "/a/b/cdefgh");
	CHECK(sr_sb_cut(&b));
	sr_sb_setlen(&b, 4);
	CHECK_STR(buf, "/a/b");
	CHECK(!sr_sb_cut(&b));
	CHECK_EQ_INT(sr_sb_puts(&b, "/x"), 0);
	CHECK_STR(buf, "/a/b/x");
}

TEST(drop_takes_back_stored_or_cut_bytes)
{
	char buf[5];
	struct sr_sb b;

	sr_sb_init(&b, buf, sizeof(buf));
	sr_sb_puts(&b, "12(");
	sr_sb_drop(&b, 1);
	CHECK_STR(buf, "12");
	CHECK_EQ_INT(b.want, 2);
	/* "1234(": the '(' was cut; dropping it leaves the count exact */
	sr_sb_puts(&b, "34(");
	CHECK(sr_sb_cut(&b));
	sr_sb_drop(&b, 1);
	CHECK_STR(buf, "1234");
	CHECK(!sr_sb_cut(&b));
	/* dropping more than was stored shortens the text too */
	sr_sb_puts(&b, "5678");
	CHECK_EQ_INT(b.want, 8);
	sr_sb_drop(&b, 4);
	CHECK_STR(buf, "1234");
	sr_sb_drop(&b, 2);
	CHECK_STR(buf, "12");
	CHECK_EQ_INT(b.len, 2);
}

TEST(reserve_then_fill)
{
	char buf[8];
	struct sr_sb b;

	sr_sb_init(&b, buf, sizeof(buf));
	CHECK_EQ_INT(sr_sb_reserve(&b, 7), 0);
	CHECK_EQ_INT(sr_sb_reserve(&b, 8), SR_ELIMIT);
	memcpy(b.p + b.len, "xyz", 3);
	sr_sb_setlen(&b, b.len + 3);
	CHECK_STR(buf, "xyz");

	sr_sb_init_grow(&b);
	CHECK_EQ_INT(sr_sb_reserve(&b, 1000), 0);
	CHECK(b.cap >= 1001);
	memset(b.p, 'q', 1000);
	sr_sb_setlen(&b, 1000);
	CHECK_EQ_INT(strlen(sr_sb_str(&b)), 1000);
	sr_sb_free(&b);
}

TEST(grow_keeps_everything)
{
	struct sr_sb b;
	size_t caps = 0, last = 0;

	sr_sb_init_grow(&b);
	CHECK_STR(sr_sb_str(&b), "");
	for (int i = 0; i < 10000; i++) {
		CHECK_EQ_INT(sr_sb_putc(&b, (char)('a' + i % 26)), 0);
		if (b.cap != last) {
			caps++;
			last = b.cap;
		}
	}
	CHECK_EQ_INT(b.len, 10000);
	CHECK(!sr_sb_cut(&b));
	CHECK_EQ_INT(b.p[9999], 'a' + 9999 % 26);
	CHECK_EQ_INT(b.p[10000], '\0');
	/* doubling: a handful of reallocations, not one per append */
	CHECK(caps <= 10);
	sr_sb_free(&b);
	CHECK_EQ_INT(b.len, 0);
	CHECK(!b.fixed);
}

TEST(zeroed_builder_grows)
{
	struct sr_sb b = {0};

	CHECK_EQ_INT(sr_sb_printf(&b, "%s=%d", "answer", 42), 0);
	CHECK_STR(sr_sb_str(&b), "answer=42");
	sr_sb_free(&b);
}

TEST(grow_printf_longer_than_room)
{
	struct sr_sb b;
	char big[300];
	char *s;

	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sr_sb_init_grow(&b);
	CHECK_EQ_INT(sr_sb_puts(&b, "x"), 0);
	size_t cap0 = b.cap;
	CHECK_EQ_INT(sr_sb_printf(&b, "[%s]%d", big, 12), 0);
	CHECK(b.cap > cap0);
	CHECK_EQ_INT(b.len, 1 + 1 + 299 + 1 + 2);
	CHECK_EQ_INT(b.p[1], '[');
	CHECK_STR(b.p + 301, "]12");
	CHECK(!sr_sb_cut(&b));
	/* binary bytes, NULs included, are kept as given */
	CHECK_EQ_INT(sr_sb_put(&b, "a\0b", 3), 0);
	CHECK_EQ_INT(b.len, 307);
	CHECK(memcmp(b.p + 304, "a\0b", 4) == 0);
	s = sr_sb_take(&b);
	CHECK(s != NULL);
	CHECK_EQ_INT(s[0], 'x');
	CHECK(b.p == NULL && b.len == 0 && !b.fixed);
	free(s);
}
