/* sr_time: time parsing and printing (see sr_time.h). */
#include "sr_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000ull

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), without
 * timegm(): that one depends on the C library's range and TZ handling. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads exactly n digits; returns -1 when they are not all there. */
static int64_t read_digits(const char **p, int n)
{
	int64_t v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return 0;
	(*p)++;
	return 1;
}

static int parse_rfc3339(const char *text, uint64_t *out, struct sr_err *err)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = text;
	int64_t y, mo, d, h, mi, s, frac = 0, off = 0, secs;
	int fdigits = 0;

	y = read_digits(&p, 4);
	if (y < 0 || !expect(&p, '-'))
		goto bad;
	mo = read_digits(&p, 2);
	if (mo < 0 || !expect(&p, '-'))
		goto bad;
	d = read_digits(&p, 2);
	if (d < 0)
		goto bad;
	if (*p != 'T' && *p != 't' && *p != ' ')
		goto bad;
	p++;
	h = read_digits(&p, 2);
	if (h < 0 || !expect(&p, ':'))
		goto bad;
	mi = read_digits(&p, 2);
	if (mi < 0 || !expect(&p, ':'))
		goto bad;
	s = read_digits(&p, 2);
	if (s < 0)
		goto bad;
	if (*p == '.' || *p == ',') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		/* Digits past nanoseconds are accepted and dropped: a time typed with
		 * more precision than the capture has still names the same ns. */
		for (; isdigit((unsigned char)*p); p++, fdigits++)
			if (fdigits < 9)
				frac = frac * 10 + (*p - '0');
		for (int i = fdigits; i < 9; i++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		int64_t oh, om;

		p++;
		oh = read_digits(&p, 2);
		if (oh < 0 || !expect(&p, ':'))
			goto bad;
		om = read_digits(&p, 2);
		if (om < 0 || oh > 23 || om > 59)
			goto bad;
		off = sign * (oh * 3600 + om * 60);
	} else if (*p == '\0') {
		return sr_err_set(err, SR_ESYNTAX,
				  "time '%s' has no time zone (add Z for UTC or +HH:MM)", text);
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)) || h > 23 ||
	    mi > 59 || s > 60)
		return sr_err_set(err, SR_ESYNTAX, "time '%s' is not a valid date and time", text);
	secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s - off;
	if (secs < 0 || (uint64_t)secs > UINT64_MAX / NS_PER_S - 1)
		return sr_err_set(err, SR_ESYNTAX, "time '%s' is outside the range 1970..2554",
				  text);
	*out = (uint64_t)secs * NS_PER_S + (uint64_t)frac;
	return 0;
bad:
	return sr_err_set(err, SR_ESYNTAX,
			  "cannot read time '%s' (expected RFC 3339 like 2026-11-29T13:37:53.5Z, "
			  "ns since the epoch, or an offset like +90s)",
			  text);
}

struct unit {
	const char *name;
	uint64_t ns;
};

static const struct unit units[] = {
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000000},
    {"s", NS_PER_S},
    {"m", 60 * NS_PER_S},
    {"min", 60 * NS_PER_S},
    {"h", 3600 * NS_PER_S},
    {"d", 86400 * NS_PER_S},
};

int sr_duration_parse(const char *text, uint64_t *ns, struct sr_err *err)
{
	const char *p = text;
	uint64_t total = 0;

	if (!*p)
		return sr_err_set(err, SR_ESYNTAX, "empty duration");
	while (*p) {
		uint64_t ip = 0, fnum = 0, fden = 1, mul = NS_PER_S, part;
		const char *u;
		size_t ulen;
		int digits = 0, found = 0;

		for (; isdigit((unsigned char)*p); p++, digits++) {
			if (ip > (UINT64_MAX - 9) / 10)
				goto overflow;
			ip = ip * 10 + (uint64_t)(*p - '0');
		}
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return sr_err_set(err, SR_ESYNTAX, "cannot read duration '%s'",
						  text);
			for (; isdigit((unsigned char)*p); p++, digits++) {
				/* Beyond 18 digits the fraction cannot change a ns count. */
				if (fden < 1000000000000000000ull) {
					fnum = fnum * 10 + (uint64_t)(*p - '0');
					fden *= 10;
				}
			}
		}
		if (!digits)
			return sr_err_set(
			    err, SR_ESYNTAX,
			    "cannot read duration '%s' (expected like 90s, 1m30s, 500ms)", text);
		u = p;
		while (isalpha((unsigned char)*p))
			p++;
		ulen = (size_t)(p - u);
		if (ulen) {
			for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
				if (strlen(units[i].name) == ulen &&
				    !strncmp(units[i].name, u, ulen)) {
					mul = units[i].ns;
					found = 1;
				}
			}
			if (!found)
				return sr_err_set(
				    err, SR_ESYNTAX,
				    "unknown unit '%.*s' in duration '%s' (use ns, us, "
				    "ms, s, m, h, d)",
				    (int)ulen, u, text);
		} else if (*p || u != text + strlen(text) || total) {
			/* A bare number is seconds only when it is the whole duration:
			 * "1m30" would otherwise be a silent guess. */
			return sr_err_set(err, SR_ESYNTAX,
					  "duration '%s' needs a unit after each number", text);
		}
		if (ip > UINT64_MAX / mul)
			goto overflow;
		part = ip * mul;
		/* fnum < fden <= 1e18 and mul <= 8.64e13: the product needs 128 bits. */
		part += (uint64_t)((unsigned __int128)fnum * mul / fden);
		if (part < ip * mul || total > UINT64_MAX - part)
			goto overflow;
		total += part;
	}
	*ns = total;
	return 0;
overflow:
	return sr_err_set(err, SR_ESYNTAX, "duration '%s' is too large", text);
}

/* HH:MM[:SS[.frac]], nothing after: the time of day an alert line shows. */
static int parse_clock(const char *text, const char *p, struct sr_time_spec *out,
		       struct sr_err *err)
{
	unsigned h = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0'), m, sec = 0;
	uint64_t frac = 0, scale = NS_PER_S;

	p += 3;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		goto bad;
	m = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
	p += 2;
	if (*p == ':') {
		if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
			goto bad;
		sec = (unsigned)(p[1] - '0') * 10 + (unsigned)(p[2] - '0');
		p += 3;
		if (*p == '.') {
			if (!isdigit((unsigned char)p[1]))
				goto bad;
			for (p++; isdigit((unsigned char)*p); p++) {
				if (scale > 1) {
					scale /= 10;
					frac += (uint64_t)(*p - '0') * scale;
				}
			}
		}
	}
	if (*p || h > 23 || m > 59 || sec > 60)
		goto bad;
	out->kind = SR_TIME_CLOCK;
	out->ns = ((uint64_t)h * 3600 + m * 60 + sec) * NS_PER_S + frac;
	return 0;
bad:
	return sr_err_set(err, SR_ESYNTAX,
			  "cannot read time of day '%s' (expected HH:MM[:SS[.fraction]])", text);
}

int sr_time_parse(const char *text, struct sr_time_spec *out, struct sr_err *err)
{
	const char *p = text;
	int r;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return sr_err_set(err, SR_ESYNTAX, "empty time");
	if (*p == '+' || *p == '-') {
		struct sr_err derr;

		out->kind = *p == '+' ? SR_TIME_START : SR_TIME_END;
		r = sr_duration_parse(p + 1, &out->ns, &derr);
		if (r)
			return sr_err_set(err, r, "cannot read time offset '%s': %s", text,
					  derr.msg);
		return 0;
	}
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && p[2] == ':')
		return parse_clock(text, p, out, err);
	if (strspn(p, "0123456789") == strlen(p)) {
		uint64_t v = 0;

		for (; *p; p++) {
			if (v > (UINT64_MAX - 9) / 10)
				return sr_err_set(err, SR_ESYNTAX, "time '%s' is too large", text);
			v = v * 10 + (uint64_t)(*p - '0');
		}
		out->kind = SR_TIME_ABS;
		out->ns = v;
		return 0;
	}
	out->kind = SR_TIME_ABS;
	return parse_rfc3339(p, &out->ns, err);
}

/* The epoch ns of time-of-day tod (ns after local midnight) on the local day
 * holding ns. */
static uint64_t clock_on_day(uint64_t ns, uint64_t tod)
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;
	time_t at;
	uint64_t s = tod / NS_PER_S;

	if (!localtime_r(&secs, &tm))
		return 0;
	tm.tm_hour = (int)(s / 3600);
	tm.tm_min = (int)(s / 60 % 60);
	tm.tm_sec = (int)(s % 60);
	tm.tm_isdst = -1;
	at = mktime(&tm);
	if (at < 0)
		return 0;
	return (uint64_t)at * NS_PER_S + tod % NS_PER_S;
}

uint64_t sr_time_resolve(const struct sr_time_spec *t, uint64_t first_ns, uint64_t last_ns)
{
	switch (t->kind) {
	case SR_TIME_ABS:
		return t->ns;
	case SR_TIME_START:
		return first_ns > UINT64_MAX - t->ns ? UINT64_MAX : first_ns + t->ns;
	case SR_TIME_END:
		return last_ns < t->ns ? 0 : last_ns - t->ns;
	case SR_TIME_CLOCK:
		return clock_on_day(first_ns, t->ns);
	case SR_TIME_NONE:
		break;
	}
	return 0;
}

/* Local midnight of the day holding ns, as epoch seconds (mktime copes with
 * daylight saving changes). */
static int64_t local_midnight(uint64_t ns)
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;

	if (!localtime_r(&secs, &tm))
		return 0;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* The local midnight after midnight m (36 h later lands inside the next day
 * whatever daylight saving does). */
static int64_t next_midnight(int64_t m)
{
	return local_midnight((uint64_t)(m + 36 * 3600) * NS_PER_S);
}

static size_t format_day(int64_t midnight, char *buf, size_t cap)
{
	time_t secs = (time_t)midnight;
	struct tm tm;

	if (!localtime_r(&secs, &tm))
		return (size_t)snprintf(buf, cap, "?");
	return strftime(buf, cap, "%Y-%m-%d", &tm);
}

int sr_time_resolve_day(const struct sr_time_spec *t, uint64_t first_ns, uint64_t last_ns,
			uint64_t *out, struct sr_err *err)
{
	int64_t day, last_day;
	uint64_t hit = 0;
	int hits = 0;
	char a[16], b[16];

	if (t->kind != SR_TIME_CLOCK) {
		*out = sr_time_resolve(t, first_ns, last_ns);
		return 0;
	}
	if (!first_ns || !last_ns)
		return sr_err_set(err, SR_ESYNTAX,
				  "a time of day needs the capture's date, which is not known");
	day = local_midnight(first_ns);
	last_day = local_midnight(last_ns);
	if (day == last_day) {
		*out = clock_on_day(first_ns, t->ns);
		return 0;
	}
	/* Several days: the one where that time of day is inside the capture. */
	for (int64_t d = day, nd; d > 0; d = nd) {
		uint64_t c = clock_on_day((uint64_t)d * NS_PER_S, t->ns);

		if (c >= first_ns && c <= last_ns) {
			hit = c;
			hits++;
		}
		nd = next_midnight(d);
		if (d >= last_day || nd <= d)
			break; /* (nd <= d: the clock library failed; never loop) */
	}
	if (hits == 1) {
		*out = hit;
		return 0;
	}
	format_day(day, a, sizeof(a));
	format_day(last_day, b, sizeof(b));
	return sr_err_set(err, SR_ESYNTAX,
			  "time of day: the capture spans %s .. %s and that time is %s; give the "
			  "date too (e.g. %sT...+00:00)",
			  a, b, hits ? "on more than one of those days" : "on none of them", a);
}

size_t sr_time_format_rfc3339(uint64_t ns, char *buf, size_t cap)
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;
	int n;

	if (!cap)
		return 0;
	if (!gmtime_r(&secs, &tm)) {
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (unsigned long long)(ns % NS_PER_S));
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

size_t sr_time_format_clock(uint64_t ns, char *buf, size_t cap)
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;
	int n;

	if (!cap)
		return 0;
	if (!localtime_r(&secs, &tm)) {
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, cap, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (unsigned long long)(ns % NS_PER_S));
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

size_t sr_duration_format(uint64_t ns, char *buf, size_t cap)
{
	uint64_t s = ns / NS_PER_S, sub = ns % NS_PER_S;
	int n;

	if (!cap)
		return 0;
	if (ns < 1000)
		n = snprintf(buf, cap, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		n = snprintf(buf, cap, "%.3gus", (double)ns / 1e3);
	else if (ns < NS_PER_S)
		n = snprintf(buf, cap, "%.3gms", (double)ns / 1e6);
	else if (s < 60)
		n = snprintf(buf, cap, "%llu.%03llus", (unsigned long long)s,
			     (unsigned long long)(sub / 1000000));
	else if (s < 3600)
		n = snprintf(buf, cap, "%llum%llu.%03llus", (unsigned long long)(s / 60),
			     (unsigned long long)(s % 60), (unsigned long long)(sub / 1000000));
	else
		n = snprintf(buf, cap, "%lluh%llum%llus", (unsigned long long)(s / 3600),
			     (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

uint64_t sr_time_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
