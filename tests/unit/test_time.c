/* Unit tests for common/sr_time.c: every accepted form, rejections, round trips. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/sr_time.h"
#include "tests/tap.h"

/* tap.h's TEST(name) expands its parameter inside ".name =", so any test not
 * literally called "name" fails to compile; this local copy renames the
 * parameter. Harmless once tap.h is fixed. */
#undef TEST
#define TEST(tname)                                                                                \
	static void tname(void);                                                                   \
	__attribute__((constructor)) static void tap_reg_##tname(void)                             \
	{                                                                                          \
		tap_cases[tap_ncases].name = #tname;                                               \
		tap_cases[tap_ncases++].fn = tname;                                                \
	}                                                                                          \
	static void tname(void)

static uint64_t parse_abs(const char *s)
{
	struct sr_time_spec t = {0};
	struct sr_err err;

	sr_err_clear(&err);
	if (sr_time_parse(s, &t, &err) != 0 || t.kind != SR_TIME_ABS)
		return UINT64_MAX;
	return t.ns;
}

static int rejects(const char *s)
{
	struct sr_time_spec t;
	struct sr_err err;

	sr_err_clear(&err);
	return sr_time_parse(s, &t, &err) == SR_ESYNTAX && err.msg[0] != '\0';
}

TEST(rfc3339_utc)
{
	/* 2026-11-29T13:37:53Z: 20786 days after the epoch (checked with date -d). */
	uint64_t base = (20786ull * 86400 + 13 * 3600 + 37 * 60 + 53) * 1000000000ull;

	CHECK_EQ_INT(parse_abs("1970-01-01T00:00:00Z"), 0);
	CHECK_EQ_INT(parse_abs("2026-11-29T13:37:53Z"), base);
	CHECK_EQ_INT(parse_abs("2026-11-29T13:37:53.5Z"), base + 500000000);
	CHECK_EQ_INT(parse_abs("2026-11-29t13:37:53.000000001z"), base + 1);
	CHECK_EQ_INT(parse_abs("2026-11-29 13:37:53.123456789Z"), base + 123456789);
	/* digits beyond ns are dropped, not rounded */
	CHECK_EQ_INT(parse_abs("2026-11-29T13:37:53.1234567899Z"), base + 123456789);
}

TEST(rfc3339_offsets)
{
	uint64_t utc = parse_abs("2026-11-29T12:37:53Z");

	CHECK_EQ_INT(parse_abs("2026-11-29T13:37:53+01:00"), utc);
	CHECK_EQ_INT(parse_abs("2026-11-29T07:07:53-05:30"), utc);
	CHECK_EQ_INT(parse_abs("2026-11-29T12:37:53+00:00"), utc);
}

TEST(rfc3339_calendar)
{
	CHECK_EQ_INT(parse_abs("2024-02-29T00:00:00Z"), 1709164800ull * 1000000000ull);
	CHECK_EQ_INT(parse_abs("2000-03-01T00:00:00Z"), 951868800ull * 1000000000ull);
	CHECK(rejects("2023-02-29T00:00:00Z"));
	CHECK(rejects("2100-02-29T00:00:00Z"));
	CHECK(rejects("2026-13-01T00:00:00Z"));
	CHECK(rejects("2026-04-31T00:00:00Z"));
	CHECK(rejects("2026-01-01T24:00:00Z"));
	CHECK(rejects("2026-01-01T00:60:00Z"));
	CHECK(rejects("1969-12-31T23:59:59Z"));
}

TEST(rfc3339_rejects)
{
	struct sr_time_spec t;
	struct sr_err err;

	CHECK(rejects(""));
	CHECK(rejects("yesterday"));
	CHECK(rejects("2026-11-29"));
	CHECK(rejects("2026-11-29T13:37Z"));
	CHECK(rejects("2026-11-29T13:37:53.Z"));
	CHECK(rejects("2026-11-29T13:37:53Zjunk"));
	CHECK(rejects("2026-11-29T13:37:53+1:00"));
	sr_err_clear(&err);
	CHECK_EQ_INT(sr_time_parse("2026-11-29T13:37:53", &t, &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "time zone") != NULL);
}

TEST(epoch_ns)
{
	CHECK_EQ_INT(parse_abs("0"), 0);
	CHECK_EQ_INT(parse_abs("1764423473500000000"), 1764423473500000000ull);
	CHECK(rejects("99999999999999999999999"));
	CHECK(rejects("12a"));
}

TEST(offsets)
{
	struct sr_time_spec t;
	struct sr_err err;

	CHECK_EQ_INT(sr_time_parse("+90s", &t, &err), 0);
	CHECK_EQ_INT(t.kind, SR_TIME_START);
	CHECK_EQ_INT(t.ns, 90000000000ull);
	CHECK_EQ_INT(sr_time_parse("+1m30s", &t, &err), 0);
	CHECK_EQ_INT(t.ns, 90000000000ull);
	CHECK_EQ_INT(sr_time_parse("+500ms", &t, &err), 0);
	CHECK_EQ_INT(t.ns, 500000000ull);
	CHECK_EQ_INT(sr_time_parse("+1.5s", &t, &err), 0);
	CHECK_EQ_INT(t.ns, 1500000000ull);
	CHECK_EQ_INT(sr_time_parse("+90", &t, &err), 0);
	CHECK_EQ_INT(t.ns, 90000000000ull);
	CHECK_EQ_INT(sr_time_parse("-10s", &t, &err), 0);
	CHECK_EQ_INT(t.kind, SR_TIME_END);
	CHECK_EQ_INT(t.ns, 10000000000ull);
	CHECK_EQ_INT(sr_time_parse("+1h2m3s4ms5us6ns", &t, &err), 0);
	CHECK_EQ_INT(t.ns, 3723004005006ull);
	CHECK(rejects("+"));
	CHECK(rejects("+10x"));
	CHECK(rejects("+s"));
	CHECK(rejects("+1.s5"));
	CHECK(rejects("+99999999999999999999s"));
	CHECK(rejects("+300000d"));
}

TEST(time_of_day)
{
	struct sr_time_spec t;
	struct sr_err err;
	uint64_t out = 0;
	/* 2025-11-30T23:58:20Z .. 2025-12-01T00:01:40Z, TZ=UTC (set in main) */
	uint64_t first = 1764547100000000000ull, last = first + 200000000000ull;

	CHECK_EQ_INT(sr_time_parse("02:07:29.553", &t, &err), 0);
	CHECK_EQ_INT(t.kind, SR_TIME_CLOCK);
	CHECK_EQ_INT(t.ns, (2 * 3600 + 7 * 60 + 29) * 1000000000ull + 553000000ull);
	CHECK_EQ_INT(sr_time_parse("23:59", &t, &err), 0);
	CHECK_EQ_INT(t.ns, (23 * 3600 + 59 * 60) * 1000000000ull);
	CHECK(rejects("24:00"));
	CHECK(rejects("12:60"));
	CHECK(rejects("12:5"));
	CHECK(rejects("12:00:00."));
	CHECK(rejects("12:00:00Z"));
	/* one day: that day */
	CHECK_EQ_INT(sr_time_parse("23:59:00", &t, &err), 0);
	CHECK_EQ_INT(sr_time_resolve_day(&t, first, first + 10000000000ull, &out, &err), 0);
	CHECK_EQ_INT(out, 1764547140000000000ull);
	/* two days: the one where it falls inside the capture */
	CHECK_EQ_INT(sr_time_resolve_day(&t, first, last, &out, &err), 0);
	CHECK_EQ_INT(out, 1764547140000000000ull);
	CHECK_EQ_INT(sr_time_parse("00:00:30", &t, &err), 0);
	CHECK_EQ_INT(sr_time_resolve_day(&t, first, last, &out, &err), 0);
	CHECK_EQ_INT(out, 1764547230000000000ull);
	/* on neither day inside the capture: refused with the days named */
	CHECK_EQ_INT(sr_time_parse("12:00", &t, &err), 0);
	CHECK_EQ_INT(sr_time_resolve_day(&t, first, last, &out, &err), SR_ESYNTAX);
	CHECK(strstr(err.msg, "2025-11-30 .. 2025-12-01") != NULL);
	/* inside on two days of a longer capture: refused too */
	CHECK_EQ_INT(sr_time_resolve_day(&t, first, first + 3 * 86400000000000ull, &out, &err),
		     SR_ESYNTAX);
	CHECK(strstr(err.msg, "more than one") != NULL);
}

TEST(resolve)
{
	struct sr_time_spec t = {SR_TIME_START, 5};

	CHECK_EQ_INT(sr_time_resolve(&t, 100, 200), 105);
	t.kind = SR_TIME_END;
	CHECK_EQ_INT(sr_time_resolve(&t, 100, 200), 195);
	t.ns = 300;
	CHECK_EQ_INT(sr_time_resolve(&t, 100, 200), 0);
	t.kind = SR_TIME_START;
	t.ns = UINT64_MAX - 10;
	CHECK(sr_time_resolve(&t, 100, 200) == UINT64_MAX);
	t.kind = SR_TIME_ABS;
	t.ns = 42;
	CHECK_EQ_INT(sr_time_resolve(&t, 100, 200), 42);
}

TEST(format_roundtrip)
{
	/* Printing then parsing gives back the same ns, over a spread of values. */
	uint64_t v = 1;
	char buf[64];

	for (int i = 0; i < 2000; i++) {
		v = v * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t ns = v % (4102444800ull * 1000000000ull); /* before 2100 */

		sr_time_format_rfc3339(ns, buf, sizeof(buf));
		if (parse_abs(buf) != ns) {
			CHECK_EQ_INT(parse_abs(buf), ns);
			break;
		}
	}
	sr_time_format_rfc3339(1764423473500000000ull, buf, sizeof(buf));
	CHECK_STR(buf, "2025-11-29T13:37:53.500000000Z");
	/* A too-small buffer is cut, still terminated. */
	CHECK_EQ_INT(sr_time_format_rfc3339(0, buf, 5), 4);
	CHECK_STR(buf, "1970");
}

TEST(format_clock)
{
	char buf[64];

	setenv("TZ", "UTC", 1);
	tzset();
	sr_time_format_clock(1764423473000000042ull, buf, sizeof(buf));
	CHECK_STR(buf, "13:37:53.000000042");
}

TEST(duration_format)
{
	char buf[64];

	sr_duration_format(0, buf, sizeof(buf));
	CHECK_STR(buf, "0ns");
	sr_duration_format(250000000, buf, sizeof(buf));
	CHECK_STR(buf, "250ms");
	sr_duration_format(1500000000, buf, sizeof(buf));
	CHECK_STR(buf, "1.500s");
	sr_duration_format(90500000000ull, buf, sizeof(buf));
	CHECK_STR(buf, "1m30.500s");
	sr_duration_format(3723000000000ull, buf, sizeof(buf));
	CHECK_STR(buf, "1h2m3s");
}
