/* rpl_merge: several sources read as one stream in time order.
 *
 * A binary min-heap over the sources keyed by (ts, source order) holds each
 * source's pending event. The event handed out stays a view into its source,
 * so that source is advanced only on the following call: views stay valid
 * until the next rpl_input_next(), as the source contract promises.
 *
 * Numbering: with one source, evt.num is the source's own. With several, the
 * merged number of an event is the sum over sources of the events each has
 * handed out, itself included, kept as a running total. Sources number
 * their events (state records carry the number of the event before them),
 * so a source with a pending event counts that number less one (less
 * nothing when the pending record is a state record), a finished one the
 * number of its last record. Sources that number absolutely after a seek
 * therefore give absolute merged numbers too.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"
#include "scap/scap.h"

struct rpl_src {
	struct evt_source *s;
	struct evt ev; /* pending event when has */
	int has, done;
	uint64_t base; /* this source's share of the running total */
};

struct rpl_input {
	struct rpl_src *src;
	size_t n;
	size_t *heap, hn;
	int primed;
	long last;	/* source that delivered the previous event, or -1 */
	uint64_t total; /* running total for numbering */
	int err_code;
	struct sr_err first_err;
	int err_reported;
	uint64_t skipped; /* --keep-going: damaged parts and files passed over */
	/* hosts: sources whose headers name the same host share a number */
	size_t *host_of, nhosts;
};

static int before(const struct rpl_input *in, size_t a, size_t b)
{
	uint64_t ta = in->src[a].ev.rec->ts, tb = in->src[b].ev.rec->ts;

	return ta < tb || (ta == tb && a < b);
}

static void heap_push(struct rpl_input *in, size_t s)
{
	size_t i = in->hn++;

	in->heap[i] = s;
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!before(in, in->heap[i], in->heap[p]))
			break;
		size_t t = in->heap[i];

		in->heap[i] = in->heap[p];
		in->heap[p] = t;
		i = p;
	}
}

static size_t heap_pop(struct rpl_input *in)
{
	size_t top = in->heap[0], i = 0;

	in->heap[0] = in->heap[--in->hn];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < in->hn && before(in, in->heap[l], in->heap[m]))
			m = l;
		if (r < in->hn && before(in, in->heap[r], in->heap[m]))
			m = r;
		if (m == i)
			break;
		size_t t = in->heap[i];

		in->heap[i] = in->heap[m];
		in->heap[m] = t;
		i = m;
	}
	return top;
}

static void note_error(struct rpl_input *in, const struct sr_err *e, int code)
{
	if (in->err_code)
		return;
	in->err_code = code;
	in->first_err = *e;
	in->first_err.code = code;
}

/* Prefixes err's message with the file name unless it holds it already. */
static void name_file(const char *path, struct sr_err *err)
{
	char msg[sizeof(err->msg)];

	if (strstr(err->msg, path))
		return;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	sr_err_set(err, err->code, "%s: %s", path, msg);
}

/* Errors --keep-going passes over: damage and unreadable files, not a
 * lack of memory. */
static int skippable(int code)
{
	return code == SR_ECORRUPT || code == SR_EFORMAT || code == SR_EIO;
}

/* evt_source_next that turns a cut-short end into an error and names the
 * records lost to damage (rpl_loss.c). With --keep-going the loss is said
 * on stderr and reading goes on past a damaged chunk where the source can,
 * else the source ends there. */
static int source_next(struct rpl_input *in, struct evt_source *s, struct evt *ev,
		       struct sr_err *err)
{
	for (;;) {
		int r = evt_source_next(s, ev, err), cut = 0;

		if (r == 0 && rpl_loss_cut(s, err)) {
			r = SR_ECORRUPT;
			cut = 1;
		} else if (r < 0) {
			name_file(s->path, err);
			rpl_loss_damage(s, err, rpl_keep_going);
		}
		if (r >= 0 || !rpl_keep_going || !skippable(r))
			return r;
		in->skipped++;
		rpl_fail("skipped %s", err->msg);
		if (cut || !s->ops->skip_damage || s->ops->skip_damage(s))
			return 0;
	}
}

/* The end of every source: after --keep-going skipped something, the run
 * still fails (exit 2), once, after everything readable was delivered. */
static int input_end(struct rpl_input *in, struct sr_err *err)
{
	if (in->err_code && !in->err_reported) {
		in->err_reported = 1;
		if (err)
			*err = in->first_err;
		return in->err_code;
	}
	if (in->skipped && !in->err_reported) {
		in->err_reported = 1;
		return sr_err_set(err, SR_ECORRUPT,
				  "--keep-going: %" PRIu64 " damaged part%s skipped (said above)",
				  in->skipped, in->skipped == 1 ? "" : "s");
	}
	return 0;
}

/* Pulls the next pending event of source i; keeps the numbering total. */
static void advance(struct rpl_input *in, size_t i)
{
	struct rpl_src *s = &in->src[i];
	struct sr_err e;
	uint64_t nb;
	int r;

	/* The record pending until now has just been delivered: once the
	 * source ends, its share of the total is that record's number. */
	uint64_t delivered = s->has ? s->ev.num : s->base;

	sr_err_clear(&e);
	r = source_next(in, s->s, &s->ev, &e);
	if (r == 1) {
		s->has = 1;
		nb = s->ev.num - !rpl_is_meta(&s->ev);
	} else {
		if (r < 0)
			note_error(in, &e, r);
		s->has = 0;
		s->done = 1;
		nb = delivered;
	}
	in->total += nb - s->base;
	s->base = nb;
	if (s->has)
		heap_push(in, i);
}

static int named_before(char *const *files, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(files[j], files[i]))
			return 1;
	return 0;
}

int rpl_live;

/* --live: one capture or directory, followed as it grows (rpl_live.c). */
static int input_open_live(struct rpl_input **out, char *const *paths, int npaths,
			   struct sr_err *err)
{
	struct rpl_input *in;
	int r;

	if (npaths != 1)
		return sr_err_set(err, SR_ESYNTAX,
				  "--live follows one capture or one directory, not %d", npaths);
	in = calloc(1, sizeof(*in));
	if (!in || !(in->src = calloc(1, sizeof(*in->src))) ||
	    !(in->heap = calloc(1, sizeof(*in->heap)))) {
		rpl_input_close(in);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	in->last = -1;
	rpl_threads_apply(1); /* -J: chunks appended are loaded ahead too */
	r = rpl_live_open(paths[0], &in->src[0].s, err);
	if (r) {
		rpl_input_close(in);
		return r;
	}
	in->n = 1;
	*out = in;
	return 0;
}

/* Numbers the hosts of the sources in order of first appearance: pids are
 * per host, and a run keeps one process table per host (rpl_run.c). */
static int number_hosts(struct rpl_input *in, struct sr_err *err)
{
	in->host_of = calloc(in->n ? in->n : 1, sizeof(*in->host_of));
	if (!in->host_of)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	in->nhosts = in->n ? 1 : 0;
	for (size_t i = 1; i < in->n; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(in->src[i].s->host.hostname, in->src[j].s->host.hostname))
				break;
		in->host_of[i] = j < i ? in->host_of[j] : in->nhosts++;
	}
	return 0;
}

int rpl_input_open(struct rpl_input **out, char *const *paths, int npaths, struct sr_err *err)
{
	struct rpl_input *in;
	char **files;
	size_t n;
	int r;

	if (rpl_live)
		return input_open_live(out, paths, npaths, err);
	r = rpl_paths_expand(paths, npaths, &files, &n, err);
	if (r)
		return r;
	in = calloc(1, sizeof(*in));
	if (in) {
		in->src = calloc(n, sizeof(*in->src));
		in->heap = calloc(n, sizeof(*in->heap));
	}
	if (!in || !in->src || !in->heap) {
		rpl_paths_free(files, n);
		if (in) {
			free(in->src);
			free(in->heap);
			free(in);
		}
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	in->last = -1;
	rpl_threads_apply(n);
	for (size_t i = 0; i < n; i++) {
		/* A file named twice (cap.sysrec, which brings its rotated
		 * siblings, and a glob of them) would double its events. */
		if (named_before(files, i))
			continue;
		r = scap_source_open_any(files[i], &in->src[in->n].s, err);
		if (r) {
			name_file(files[i], err);
			if (!rpl_keep_going || !skippable(r))
				break;
			rpl_fail("skipped %s", err->msg);
			in->skipped++;
			r = 0;
			continue;
		}
		in->n++;
	}
	if (!r && !in->n)
		r = sr_err_set(err, SR_EFORMAT, "--keep-going: no readable capture file");
	if (!r)
		r = number_hosts(in, err);
	rpl_paths_free(files, n);
	if (r) {
		rpl_input_close(in);
		return r;
	}
	*out = in;
	return 0;
}

void rpl_note_unpaired(const char *path, uint64_t n)
{
	/* nothing was dropped, but enter/exit pairs were split: say so */
	if (n)
		rpl_warn("%s: %" PRIu64 " enter events read without their exit (more waited at "
			 "once than the reader holds; their exits came alone)",
			 path, n);
}

void rpl_input_close(struct rpl_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++) {
		struct evt_source *s = in->src[i].s;

		rpl_note_unpaired(s->path, s->unpaired);
		evt_source_close(s);
	}
	free(in->src);
	free(in->heap);
	free(in->host_of);
	free(in);
}

int rpl_input_seek_time(struct rpl_input *in, uint64_t ts_ns, struct sr_err *err)
{
	for (size_t i = 0; i < in->n; i++) {
		struct evt_source *s = in->src[i].s;
		int r;

		if (!s->ops->seek_time)
			continue;
		/* A capture that ends before T has nothing to give; its reader may
		 * report that as an error, which is not one here. */
		if (s->last_ts && s->last_ts < ts_ns) {
			in->src[i].done = 1;
			continue;
		}
		r = s->ops->seek_time(s, ts_ns, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void rpl_input_set_types(struct rpl_input *in, const uint8_t set[32])
{
	for (size_t i = 0; i < in->n; i++)
		if (in->src[i].s->ops->set_types)
			in->src[i].s->ops->set_types(in->src[i].s, set);
}

void rpl_input_set_header_types(struct rpl_input *in, const uint8_t set[32])
{
	for (size_t i = 0; i < in->n; i++)
		if (in->src[i].s->ops->set_header_types)
			in->src[i].s->ops->set_header_types(in->src[i].s, set);
}

int rpl_input_next(struct rpl_input *in, struct evt *ev, struct sr_err *err)
{
	size_t i;

	if (in->n == 1) {
		/* One source: no heap, no renumbering. */
		int r = in->src[0].done ? 0 : source_next(in, in->src[0].s, ev, err);

		if (r <= 0)
			in->src[0].done = 1;
		if (r < 0)
			in->err_reported = 1;
		return r ? r : input_end(in, err);
	}
	if (!in->primed) {
		in->primed = 1;
		for (i = 0; i < in->n; i++)
			if (!in->src[i].done)
				advance(in, i);
	} else if (in->last >= 0) {
		advance(in, (size_t)in->last);
		in->last = -1;
	}
	if (in->hn == 0)
		return input_end(in, err);
	i = heap_pop(in);
	in->last = (long)i;
	*ev = in->src[i].ev;
	ev->num = in->total + !rpl_is_meta(ev);
	return 1;
}

size_t rpl_input_count(const struct rpl_input *in)
{
	return in->n;
}

struct evt_source *rpl_input_source(const struct rpl_input *in, size_t i)
{
	return i < in->n ? in->src[i].s : NULL;
}

int rpl_input_learn_bounds(struct rpl_input *in, int need_last, struct sr_err *err)
{
	for (size_t i = 0; i < in->n; i++) {
		struct evt_source *s = in->src[i].s, *rd;
		uint64_t first = 0, last = 0;
		struct evt ev;
		int r;

		if (s->first_ts && (s->last_ts || !need_last))
			continue;
		/* A second reader: the run's own must stay at its start. */
		r = scap_source_open_any(s->path, &rd, err);
		if (r)
			return r;
		while ((r = evt_source_next(rd, &ev, err)) == 1) {
			if (rpl_is_meta(&ev))
				continue;
			if (!first || ev.rec->ts < first)
				first = ev.rec->ts;
			if (ev.rec->ts > last)
				last = ev.rec->ts;
			if (!need_last)
				break;
		}
		evt_source_close(rd);
		/* Damage is reported by the run itself, after what precedes it. */
		(void)r;
		if (!s->first_ts)
			s->first_ts = first;
		if (need_last && !s->last_ts)
			s->last_ts = last;
	}
	return 0;
}

uint64_t rpl_input_first_ts(const struct rpl_input *in)
{
	uint64_t v = 0;

	for (size_t i = 0; i < in->n; i++) {
		uint64_t t = in->src[i].s->first_ts;

		if (t && (!v || t < v))
			v = t;
	}
	return v;
}

uint64_t rpl_input_last_ts(const struct rpl_input *in)
{
	uint64_t v = 0;

	for (size_t i = 0; i < in->n; i++)
		if (in->src[i].s->last_ts > v)
			v = in->src[i].s->last_ts;
	return v;
}

const char *rpl_input_hostname(const struct rpl_input *in)
{
	return in->n ? in->src[0].s->host.hostname : "";
}

const char *rpl_input_event_hostname(const struct rpl_input *in)
{
	if (in->n > 1 && in->last >= 0)
		return in->src[in->last].s->host.hostname;
	return rpl_input_hostname(in);
}

size_t rpl_input_host_count(const struct rpl_input *in)
{
	return in->nhosts ? in->nhosts : 1;
}

size_t rpl_input_event_host(const struct rpl_input *in)
{
	return in->host_of && in->last >= 0 ? in->host_of[in->last] : 0;
}
