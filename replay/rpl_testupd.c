/* rpl_testupd: `sysreplay test --update`. The spec text is edited at the
 * byte ranges of the numbers libyaml reported (count, total, and an
 * at_least that no longer holds), so comments, order, quoting elsewhere
 * and layout stay as they were. What a number cannot say is listed instead:
 * `never: true` of a rule that now fires, a glob case whose captures
 * disagree, and checks that are not counts (alert, first_*, priority). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpl_test.h"

struct edit {
	const struct rpl_spec_exp *e;
	const struct rpl_spec_pos *pos;
	uint64_t value;
	int conflict, needed;
	size_t off, end; /* bytes */
};

struct upd {
	struct edit *v;
	size_t n, cap;
};

static struct edit *edit_get(struct upd *u, const struct rpl_spec_exp *e,
			     const struct rpl_spec_pos *pos)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].pos == pos)
			return &u->v[i];
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 32;
		struct edit *n = realloc(u->v, cap * sizeof(*n));

		if (!n)
			return NULL;
		u->v = n;
		u->cap = cap;
	}
	memset(&u->v[u->n], 0, sizeof(u->v[0]));
	u->v[u->n].e = e;
	u->v[u->n].pos = pos;
	return &u->v[u->n++];
}

static void want(struct upd *u, const struct rpl_spec_exp *e, const struct rpl_spec_pos *pos,
		 uint64_t value)
{
	struct edit *ed = edit_get(u, e, pos);

	if (!ed)
		return;
	if (ed->needed && ed->value != value)
		ed->conflict = 1;
	ed->value = value;
	ed->needed = 1;
}

/* libyaml counts marks in characters; the text is UTF-8. */
static size_t byte_of_char(const char *t, size_t len, size_t idx)
{
	size_t b = 0, c = 0;

	while (b < len && c < idx) {
		b++;
		while (b < len && ((unsigned char)t[b] & 0xc0) == 0x80)
			b++;
		c++;
	}
	return b;
}

static int cmp_off(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->off < y->off ? 1 : x->off > y->off ? -1 : 0;
}

static int write_text(const char *path, const char *text, size_t len)
{
	size_t pl = strlen(path);
	char *tmp = malloc(pl + 16);
	FILE *f;
	int ok;

	if (!tmp)
		return rpl_fail("out of memory");
	snprintf(tmp, pl + 16, "%s.update", path);
	f = fopen(tmp, "w");
	if (!f) {
		int e = errno;

		free(tmp);
		return rpl_fail("--update %s: %s", path, strerror(e));
	}
	ok = fwrite(text, 1, len, f) == len;
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		free(tmp);
		return rpl_fail("--update %s: %s", path, strerror(e));
	}
	free(tmp);
	return 0;
}

int rpl_test_update(const struct rpl_spec *spec, struct rpl_unit *const *units, size_t n,
		    FILE *diag)
{
	struct upd u = {0};
	size_t changed = 0, kept = 0, outlen;
	char *out;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		const struct rpl_unit *x = units[i];

		if (x->spec != spec || !x->done || x->input_error)
			continue;
		for (size_t k = 0; k < x->c->nexps; k++) {
			const struct rpl_spec_exp *e = &x->c->exps[k];
			uint64_t a = x->actual[k];

			if (!x->actual_set[k])
				continue;
			if (e->has_count)
				want(&u, e, &e->count_pos, a);
			if (e->has_total && !e->rule)
				want(&u, e, &e->total_pos, a);
			if (e->has_at_least && a < e->at_least)
				want(&u, e, &e->at_least_pos, a);
		}
	}
	for (size_t i = 0; i < u.n; i++) {
		struct edit *ed = &u.v[i];
		const char *at;

		ed->off = byte_of_char(spec->text, spec->len, ed->pos->off);
		ed->end = byte_of_char(spec->text, spec->len, ed->pos->end);
		at = spec->text + ed->off;
		if (ed->conflict) {
			fprintf(diag,
				"sysreplay: %s:%d:%d: not updated: the captures of this case "
				"give different counts\n",
				spec->path, ed->pos->line, ed->pos->col);
			kept++;
			ed->needed = 0;
		} else if (ed->end <= ed->off || ed->end > spec->len || *at < '0' || *at > '9') {
			/* `never: true`, or a number reached through an alias */
			if (ed->value != 0) {
				fprintf(
				    diag,
				    "sysreplay: %s:%d:%d: not updated: 'never' but the rule fired "
				    "%" PRIu64 " times; write count: %" PRIu64 " by hand\n",
				    spec->path, ed->pos->line, ed->pos->col, ed->value, ed->value);
				kept++;
			}
			ed->needed = 0;
		} else {
			char now[32];

			snprintf(now, sizeof(now), "%" PRIu64, ed->value);
			if ((size_t)(ed->end - ed->off) == strlen(now) &&
			    !memcmp(at, now, strlen(now)))
				ed->needed = 0;
		}
	}
	qsort(u.v, u.n, sizeof(*u.v), cmp_off);
	out = malloc(spec->len + u.n * 24 + 1);
	if (!out) {
		free(u.v);
		return rpl_fail("out of memory");
	}
	memcpy(out, spec->text, spec->len);
	outlen = spec->len;
	for (size_t i = 0; i < u.n; i++) {
		struct edit *ed = &u.v[i];
		char num[32];
		size_t nl;

		if (!ed->needed)
			continue;
		nl = (size_t)snprintf(num, sizeof(num), "%" PRIu64, ed->value);
		memmove(out + ed->off + nl, out + ed->end, outlen - ed->end);
		memcpy(out + ed->off, num, nl);
		outlen = outlen - (ed->end - ed->off) + nl;
		changed++;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rpl_unit *x = units[i];

		if (x->spec != spec || !x->done)
			continue;
		for (size_t k = 0; k < x->c->nexps; k++) {
			const struct rpl_spec_exp *e = &x->c->exps[k];

			if (x->failed[k] &&
			    (e->has_alert || e->has_first_num || e->has_first_time || e->no_prio))
				fprintf(diag,
					"sysreplay: %s:%d:%d: not updated: only counts are "
					"rewritten (case '%s' may still fail here)\n",
					spec->path, e->pos.line, e->pos.col, x->name);
		}
	}
	if (changed)
		rc = write_text(spec->path, out, outlen);
	if (!rc)
		fprintf(diag, "sysreplay: %s: %zu number%s updated, %zu left as written\n",
			spec->path, changed, changed == 1 ? "" : "s", kept);
	free(out);
	free(u.v);
	return rc;
}
