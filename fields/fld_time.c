/* fld_time.c: evt.time and friends, printed as sysdig prints them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fld_int.h"

/* localtime_r takes a lock and reads the zone; events come in bursts within
 * the same second, so remember the last second converted (per thread). */
static const struct tm *tm_for(time_t s, int utc)
{
	static __thread time_t last_s[2] = {-1, -1};
	static __thread struct tm last_tm[2];

	if (last_s[utc] != s) {
		if (utc)
			gmtime_r(&s, &last_tm[utc]);
		else
			localtime_r(&s, &last_tm[utc]);
		last_s[utc] = s;
	}
	return &last_tm[utc];
}

/* Fixed-width decimal digits: snprintf costs more than the rest together. */
static char *digits(char *p, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static char *put_date(char *p, const struct tm *t)
{
	p = digits(p, (unsigned)(t->tm_year + 1900), 4);
	*p++ = '-';
	p = digits(p, (unsigned)t->tm_mon + 1, 2);
	*p++ = '-';
	return digits(p, (unsigned)t->tm_mday, 2);
}

static char *put_clock(char *p, const struct tm *t)
{
	p = digits(p, (unsigned)t->tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned)t->tm_min, 2);
	*p++ = ':';
	return digits(p, (unsigned)t->tm_sec, 2);
}

size_t fld_time_render(int id, uint64_t ts, char *buf, size_t cap)
{
	time_t s = (time_t)(ts / 1000000000ull);
	unsigned ns = (unsigned)(ts % 1000000000ull);
	char tmp[64], *p = tmp;
	size_t n;

	switch (id) {
	case FLD_ID_EVT_TIME:
	case FLD_ID_EVT_TIME_S:
		p = put_clock(p, tm_for(s, 0));
		break;
	case FLD_ID_EVT_TIME_ISO8601:
		p = put_date(p, tm_for(s, 1));
		*p++ = 'T';
		p = put_clock(p, tm_for(s, 1));
		break;
	case FLD_ID_EVT_DATETIME:
	case FLD_ID_EVT_DATETIME_S:
		p = put_date(p, tm_for(s, 0));
		*p++ = ' ';
		p = put_clock(p, tm_for(s, 0));
		break;
	default:
		return 0;
	}
	if (id == FLD_ID_EVT_TIME || id == FLD_ID_EVT_TIME_ISO8601 || id == FLD_ID_EVT_DATETIME) {
		*p++ = '.';
		p = digits(p, ns, 9);
	}
	if (id == FLD_ID_EVT_TIME_ISO8601) {
		memcpy(p, "+0000", 5);
		p += 5;
	}
	n = (size_t)(p - tmp);
	if (!cap)
		return 0;
	if (n > cap - 1)
		n = cap - 1;
	memcpy(buf, tmp, n);
	buf[n] = 0;
	return n;
}

size_t fld_latency_human(uint64_t ns, char *buf, size_t cap)
{
	/* sysdig's style: truncated, not rounded; two decimals below 10 of a
	 * unit ("1.62us" for 1628 ns), whole units from 10 on ("13us"). */
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = {{1000000000ull, "s"}, {1000000ull, "ms"}, {1000ull, "us"}};
	unsigned long long whole, frac;
	int n = -1;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns < units[i].div)
			continue;
		whole = ns / units[i].div;
		frac = (ns % units[i].div) / (units[i].div / 100);
		if (whole < 10)
			n = snprintf(buf, cap, "%llu.%02llu%s", whole, frac, units[i].unit);
		else
			n = snprintf(buf, cap, "%llu%s", whole, units[i].unit);
		break;
	}
	if (n < 0)
		n = snprintf(buf, cap, "%lluns", (unsigned long long)ns);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}
