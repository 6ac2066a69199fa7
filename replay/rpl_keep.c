/* rpl_keep: a state-free run's filter evaluated by the loading threads.
 *
 * With -J N (N >= 2) chunks are loaded ahead by worker threads
 * (format/fmt_pipe.c). When the run keeps no state and the filter reads
 * only the record itself (fld_needs.h: no state, no evt.num, reltime or
 * deltatime), each worker tests the records of the chunk it loads, as it
 * expands them, and the run's thread walks only the ones that matched; when
 * the run only counts, the workers count and nothing is handed over at all.
 * The run's thread still sees meta records (drop notes for the gaps) and
 * the records past --until (where it stops), so the window, -n and the
 * order of the output are the ones a single thread gives.
 *
 * With state (alerts) every record still goes to the run's thread, in
 * order; the workers only mark the ones the caller's screen rules out
 * (rule_set_may_match: a part of every candidate rule's condition that the
 * record alone decides is false), and the run's thread skips emit for
 * those: the rules are not evaluated there at all. The screen decides
 * the fd fields of opens with an absolute path too (the fd the state adds
 * is the record's), so most opens are screened out as well. A marked
 * record of a type whose parameters the state engine does not read
 * (rpl_keep_args.full) comes header only: the run's thread does not
 * walk its parameters.
 *
 * Output that numbers events (evt.num) stays right with one source: the
 * reader numbers the records it passes over too. A merged set numbers by
 * the events each file handed out so far, which passed-over records skew,
 * so there the test stays on the run's thread unless the output has no
 * evt.num.
 */
#include <stdlib.h>

#include "rpl.h"
#include "fields/fld_needs.h"

struct rpl_keep {
	const struct flt_prog *prog;
	const uint8_t *types, *full, *meta;
	uint64_t since_ns, until_ns;
	int count;
	const char *hostname; /* the source's, for evt.hostname */
	int (*screen)(void *ctx, struct fld_ctx *c);
	void *screen_ctx;
};

/* One extraction context per thread that tests: the workers and, for
 * chunks the run's thread loads itself, that one. Each is reset per
 * record, and the filter reads nothing it carries from record to record
 * (flt_prog_needs_order). */
static __thread struct fld_ctx keep_ctx;

/* With state: every record is delivered (the state engine needs them
 * all), marked when the caller's screen says emit will do nothing with
 * it. The screen reads the record alone; proc.name from a header without
 * a command name is the state's last one, so such records go unmarked.
 * The fd an open with an absolute path makes is the record's too
 * (fld_ctx_fd_from_record), as long as the state engine keeps it: such a
 * record gets mark 2, and the run's thread screens it out only if the
 * state holds that fd. */
static int keep_screen(void *arg, const struct evt *ev)
{
	const struct rpl_keep *k = arg;
	unsigned type = ev->rec->type;
	uint64_t ts = ev->rec->ts;

	if (type >= EVT_TYPE_MAX || k->meta[type] || ts > k->until_ns || ts < k->since_ns ||
	    !(k->types[type >> 3] >> (type & 7) & 1) || !ev->rec->comm[0])
		return FMT_KEEP;
	fld_ctx_reset(&keep_ctx, ev, NULL);
	keep_ctx.hostname = k->hostname;
	if (k->screen(k->screen_ctx, &keep_ctx))
		return FMT_KEEP;
	if (keep_ctx.fd_from_record == 1)
		return FMT_KEEP_MARK2; /* the run's thread checks the state holds that fd */
	return (k->full[type >> 3] >> (type & 7) & 1) ? FMT_KEEP_MARK : FMT_KEEP_MARK_HDR;
}

static int keep_test(void *arg, const struct evt *ev)
{
	const struct rpl_keep *k = arg;
	unsigned type = ev->rec->type;
	uint64_t ts = ev->rec->ts;

	/* what the run's thread acts on itself: meta records (gaps) and the
	 * end of the window */
	if (type >= EVT_TYPE_MAX || k->meta[type] || ts > k->until_ns)
		return FMT_KEEP;
	if (ts < k->since_ns || !(k->types[type >> 3] >> (type & 7) & 1))
		return FMT_KEEP_SKIP;
	if (k->prog) {
		fld_ctx_reset(&keep_ctx, ev, NULL);
		keep_ctx.hostname = k->hostname;
		if (!flt_eval(k->prog, &keep_ctx))
			return FMT_KEEP_SKIP;
	}
	return k->count ? FMT_KEEP_COUNT : FMT_KEEP;
}

int rpl_keep_start(struct rpl_input *in, const struct rpl_run_opts *o,
		   const struct rpl_keep_args *a, struct rpl_keep **out)
{
	size_t n = rpl_input_count(in);
	struct rpl_keep *k;
	int alone = o->emit ? o->emit_alone : 2;

	*out = NULL;
	if (rpl_threads() < 2 || !n)
		return 0;
	if (!a->stateless && !o->screen)
		return 0;
	if (a->stateless && ((!o->prog && o->emit) || flt_prog_needs_order(o->prog) || alone < 1 ||
			     (alone < 2 && n > 1)))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!rpl_input_source(in, i)->ops->set_keep)
			return 0;
	k = calloc(n, sizeof(*k));
	if (!k)
		return SR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct evt_source *s = rpl_input_source(in, i);

		k[i].prog = o->prog;
		k[i].types = a->types;
		k[i].full = a->full;
		k[i].meta = a->meta;
		k[i].since_ns = a->since_ns;
		k[i].until_ns = a->until_ns;
		/* counted in the workers only where no match can stop the run
		 * part way through a chunk: no -n, no --until, nothing shown */
		k[i].count = !o->emit && !o->limit && a->until_ns == UINT64_MAX;
		k[i].hostname = s->host.hostname;
		k[i].screen = o->screen;
		k[i].screen_ctx = o->emit_ctx;
		s->ops->set_keep(s, a->stateless ? keep_test : keep_screen, &k[i]);
	}
	*out = k;
	return 0;
}

uint64_t rpl_keep_stop(struct rpl_input *in, struct rpl_keep *k)
{
	uint64_t counted = 0;

	if (!k)
		return 0;
	for (size_t i = 0; i < rpl_input_count(in); i++) {
		struct evt_source *s = rpl_input_source(in, i);

		counted += s->ops->counted(s);
		s->ops->set_keep(s, NULL, NULL);
	}
	free(k);
	return counted;
}
