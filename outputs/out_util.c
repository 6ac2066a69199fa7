/* out_util.c: alert uuids, clocks and NATS subjects for the outputs. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../rules/rule.h"
#include "out_int.h"

/* The one place alert uuids are made: version 4 (random), from the
 * kernel's generator, read 4 KiB at a time. */
void out_uuid_new(char out[37])
{
	static uint8_t pool[4096];
	static size_t used = sizeof(pool);
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	uint8_t b[16];

	pthread_mutex_lock(&lock);
	if (used + 16 > sizeof(pool)) {
		size_t got = 0;

		while (got < sizeof(pool)) {
			ssize_t n = getrandom(pool + got, sizeof(pool) - got, 0);

			if (n > 0)
				got += (size_t)n;
		}
		used = 0;
	}
	memcpy(b, pool + used, 16);
	used += 16;
	pthread_mutex_unlock(&lock);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

/* A token in a subject: '.', '*', '>' and white space would change the
 * subject's shape, so they become '_'. */
static size_t token(char *o, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		o[n++] = strchr(". *>\t\r\n", *s) ? '_' : *s;
	o[n] = '\0';
	return n;
}

void out_subject(const char *tmpl, const struct out_rec *r, char *buf, size_t cap)
{
	size_t n = 0;

	while (*tmpl && n + 1 < cap) {
		const char *v = NULL;
		size_t skip = 0;

		char lower[32];

		if (!strncmp(tmpl, "<priority>", 10)) {
			snprintf(lower, sizeof(lower), "%s",
				 rule_priority_name((enum rule_priority)r->priority));
			for (char *c = lower; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			v = lower;
			skip = 10;
		} else if (!strncmp(tmpl, "<hostname>", 10)) {
			v = r->hostname;
			skip = 10;
		} else if (!strncmp(tmpl, "<rule>", 6)) {
			v = r->rule;
			skip = 6;
		}
		if (v) {
			n += token(buf + n, cap - n, v[0] ? v : "_");
			tmpl += skip;
		} else {
			buf[n++] = *tmpl++;
		}
	}
	buf[n] = '\0';
}
