/* scap_src.c: what the .scap source's parts share: the output buffers
 * records are emitted into, and the thread table (lookup, growth, eviction
 * within scap_thr_max). scap_reader.c (events) and scap_meta.c (process,
 * fd and user lists) both build on it; neither calls the other's helpers
 * through here.
 */
#include "scap_reader.h"

#include <stdlib.h>
#include <string.h>

#include "../common/sr_err.h"
#include "../common/sr_hash.h"

/* ---------- small helpers ---------- */

int scap_emit(struct scap_src *s, struct sr_sb *to)
{
	size_t len;
	const void *rec = evt_builder_finish(&s->b, &len);

	static const uint8_t zeros[8];

	if (!rec)
		return SR_ENOMEM;
	/* Records stay 8-byte aligned in our buffers: readers use struct evt_rec
	 * fields directly. The padding is skipped when delivering. */
	if (sr_sb_put(to, rec, len) || sr_sb_put(to, zeros, SCAP_ALIGN8(len) - len))
		return SR_ENOMEM;
	return 0;
}

int scap_emit_rec(struct sr_sb *to, struct evt_rec *h, unsigned n, const uint8_t *const *p,
		  const uint32_t *len)
{
	size_t data = 0, total, lw = 2;
	uint8_t *w;

	if (n > EVT_MAX_PARAMS)
		return SR_ELIMIT;
	for (unsigned i = 0; i < n; i++) {
		data += len[i];
		if (len[i] > 0xffff)
			lw = 4;
	}
	total = EVT_REC_HDR + n * lw + data;
	if (total > EVT_REC_MAX)
		return SR_ELIMIT;
	if (sr_sb_reserve(to, SCAP_ALIGN8(total)))
		return SR_ENOMEM;
	h->len = (uint32_t)total;
	h->nparams = (uint16_t)n;
	h->flags = (uint16_t)((h->flags & ~EVT_RF_LARGE) | (lw == 4 ? EVT_RF_LARGE : 0));
	w = sr_sb_bytes(to) + to->len;
	memcpy(w, h, EVT_REC_HDR);
	w += EVT_REC_HDR;
	for (unsigned i = 0; i < n; i++, w += lw) {
		if (lw == 4) {
			memcpy(w, &len[i], 4);
		} else {
			uint16_t l = (uint16_t)len[i];
			memcpy(w, &l, 2);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		if (len[i])
			memcpy(w, p[i], len[i]);
		w += len[i];
	}
	/* the padding to 8 is zero: no stale bytes in what is delivered */
	memset(w, 0, SCAP_ALIGN8(total) - total);
	sr_sb_setlen(to, to->len + SCAP_ALIGN8(total));
	return 0;
}

/* ---------- the thread table ---------- */

size_t scap_thr_max = SCAP_THR_MAX_DEFAULT;

#define THR_CAP_MIN 16 /* slots in a new table */
#define THR_SAMPLE  8  /* eviction candidates compared per eviction */

/* Every bit of the tid reaches the slot bits: a file's ids that differ only
 * in high bits (a plain multiplication leaves their low product bits equal)
 * would otherwise all share one probe run, and each lookup would walk it. */
static size_t thr_slot(uint64_t tid, size_t cap)
{
	return (size_t)sr_mix64(tid) & (cap - 1);
}

static int thr_grow(struct scap_src *s)
{
	size_t ncap = s->thr_cap ? s->thr_cap * 2 : THR_CAP_MIN;
	struct scap_thr *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return SR_ENOMEM;
	for (size_t i = 0; i < s->thr_cap; i++) {
		size_t j;
		if (!s->thr[i].used)
			continue;
		j = thr_slot(s->thr[i].tid, ncap);
		while (nt[j].used)
			j = (j + 1) & (ncap - 1);
		nt[j] = s->thr[i];
	}
	free(s->thr);
	s->thr = nt;
	s->thr_cap = ncap;
	return 0;
}

/* Lookup without side effects on the table (the pending queue's liveness
 * checks). The slot last found is tried first: an exit follows its enter,
 * and a thread's events come in runs. The hint needs no invalidation: the
 * slot is taken only while it holds this very tid. */
struct scap_thr *scap_thr_find(struct scap_src *s, uint64_t tid)
{
	size_t j = s->thr_hint;

	if (j < s->thr_cap && s->thr[j].used && s->thr[j].tid == tid)
		return &s->thr[j];
	if (!s->thr_cap)
		return NULL;
	j = thr_slot(tid, s->thr_cap);
	while (s->thr[j].used) {
		if (s->thr[j].tid == tid) {
			s->thr_hint = j;
			return &s->thr[j];
		}
		j = (j + 1) & (s->thr_cap - 1);
	}
	return NULL;
}

/* Empties slot i. Linear probing has no tombstones here: each entry after
 * the hole in its run moves back into it unless its home slot lies between
 * the hole and where it sits, so every lookup still finds every entry. */
static void thr_remove(struct scap_src *s, size_t i)
{
	size_t mask = s->thr_cap - 1, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!s->thr[j].used)
			break;
		home = thr_slot(s->thr[j].tid, s->thr_cap);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			s->thr[i] = s->thr[j];
			i = j;
		}
	}
	memset(&s->thr[i], 0, sizeof(s->thr[i]));
	s->thr_n--;
}

/* Forgets one thread to make room: of the next few threads in slot order
 * (hash order, so a fair sample) that have no enter waiting and are not
 * being built, the one seen longest ago. What that costs: the thread's
 * later events carry only what they themselves say. pid falls back to the
 * tid, ppid, uid and gid to unknown ((uint32_t)-1), comm to empty,
 * until a clone or execve exit of that thread describes it again; a clone exit (child side) then
 * emits a new PROCINFO for it. A PROCEXIT of a forgotten non-main thread
 * says it was the main thread. Records are never dropped or reordered.
 * Progress: at most half the limit can have enters waiting (the pending
 * limit is clamped so) and one is pinned, so candidates always exist. */
static int thr_evict(struct scap_src *s)
{
	size_t best = SIZE_MAX, mask = s->thr_cap - 1;
	uint32_t best_age = 0;
	unsigned cand = 0;

	for (size_t k = 0; k < s->thr_cap && cand < THR_SAMPLE; k++) {
		size_t j = s->thr_hand;
		const struct scap_thr *t = &s->thr[j];
		uint32_t age;

		s->thr_hand = (j + 1) & mask;
		if (!t->used || t->pend || t->tid == s->thr_pin)
			continue;
		cand++;
		/* an age past 2^32 events wraps: only the choice gets worse */
		age = s->thr_clock - t->seen;
		if (best == SIZE_MAX || age > best_age) {
			best = j;
			best_age = age;
		}
	}
	if (best == SIZE_MAX)
		return -1;
	thr_remove(s, best);
	s->thr_evicted++;
	return 0;
}

struct scap_thr *scap_thr_get(struct scap_src *s, uint64_t tid, int create)
{
	struct scap_thr *t = scap_thr_find(s, tid);
	size_t j;

	if (t) {
		t->seen = s->thr_clock;
		return t;
	}
	if (!create)
		return NULL;
	/* At the limit, forget one first; if none can go (cannot happen with
	 * the clamped pending limit) the table grows rather than lose data. */
	if (s->thr_n >= s->thr_max && s->thr_cap)
		(void)thr_evict(s);
	if ((s->thr_n + 1) * 2 > s->thr_cap && thr_grow(s))
		return NULL;
	j = thr_slot(tid, s->thr_cap);
	while (s->thr[j].used)
		j = (j + 1) & (s->thr_cap - 1);
	t = &s->thr[j];
	memset(t, 0, sizeof(*t));
	t->used = 1;
	t->tid = tid;
	t->pid = tid;
	/* Not known until an event or the process list says: (uint32_t)-1, as
	 * sysdig shows it, rather than 0, which would claim root; the parent
	 * likewise (-1, as sysdig's proc.ppid shows it; 0 is the kernel's). */
	t->uid = t->gid = UINT32_MAX;
	t->ptid = UINT64_MAX;
	t->seen = s->thr_clock;
	s->thr_n++;
	if (s->thr_n > s->thr_peak)
		s->thr_peak = s->thr_n;
	return t;
}
