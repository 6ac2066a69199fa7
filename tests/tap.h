/* tap.h: the unit-test harness. Each tests/unit/test_*.c is one program:
 *
 *   #include "tests/tap.h"
 *   TEST(name) { CHECK(x == 1); CHECK_EQ_INT(a, b); CHECK_STR(s, "x"); }
 *   (main is provided here; define TAP_NO_MAIN to supply your own)
 *
 * Output, one line per test, read by tests/run.sh:
 *   PASS: file/name      FAIL: file/name: where and why      SKIP: file/name: reason
 */
#ifndef TAP_H
#define TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*tap_fn)(void);
struct tap_case {
	const char *name;
	tap_fn fn;
};
static struct tap_case tap_cases[512];
static int tap_ncases;
static int tap_failed_now;
static const char *tap_skip_reason;
static const char *tap_file;

#define TEST(tname)                                                                                \
	static void tname(void);                                                                   \
	__attribute__((constructor)) static void tap_reg_##tname(void)                             \
	{                                                                                          \
		tap_cases[tap_ncases].name = #tname;                                               \
		tap_cases[tap_ncases++].fn = tname;                                                \
	}                                                                                          \
	static void tname(void)

#define TAP_FAIL(...)                                                                              \
	do {                                                                                       \
		if (!tap_failed_now)                                                               \
			printf("FAIL: %s/%s: %s:%d: ", tap_file, tap_cur, __FILE__, __LINE__);     \
		else                                                                               \
			printf("      also %s:%d: ", __FILE__, __LINE__);                          \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		tap_failed_now = 1;                                                                \
	} while (0)

static const char *tap_cur;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			TAP_FAIL("check failed: %s", #c);                                          \
	} while (0)
#define CHECK_EQ_INT(a, b)                                                                         \
	do {                                                                                       \
		long long tap_a = (long long)(a), tap_b = (long long)(b);                          \
		if (tap_a != tap_b)                                                                \
			TAP_FAIL("%s == %lld, expected %s == %lld", #a, tap_a, #b, tap_b);         \
	} while (0)
#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *tap_sa = (a), *tap_sb = (b);                                           \
		if (!tap_sa || !tap_sb || strcmp(tap_sa, tap_sb) != 0)                             \
			TAP_FAIL("%s is \"%s\", expected \"%s\"", #a, tap_sa ? tap_sa : "(null)",  \
				 tap_sb ? tap_sb : "(null)");                                      \
	} while (0)
/* Marks the running test skipped (return right after). */
#define SKIP(reason) (tap_skip_reason = (reason))

#ifndef TAP_NO_MAIN
int main(int argc, char **argv)
{
	int failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	tap_file = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < tap_ncases; i++) {
		if (only && strcmp(only, tap_cases[i].name) != 0)
			continue;
		tap_cur = tap_cases[i].name;
		tap_failed_now = 0;
		tap_skip_reason = NULL;
		tap_cases[i].fn();
		if (tap_failed_now)
			failed++;
		else if (tap_skip_reason)
			printf("SKIP: %s/%s: %s\n", tap_file, tap_cur, tap_skip_reason);
		else
			printf("PASS: %s/%s\n", tap_file, tap_cur);
	}
	return failed ? 1 : 0;
}
#endif

#endif
