/* fmt_wire.c: compact record encoding of version-2 payloads (see fmt_wire.h
 * and FORMAT.md "Record encoding"). */
#include "fmt_wire.h"

#include <stdlib.h>
#include <string.h>

#include "../common/sr_buf.h"
#include "../common/sr_err.h"
#include "fmt_chunk.h"

/* The whole-word loads of parse_one read the wire's little-endian values
 * as host integers; elsewhere the byte-by-byte path serves. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FMT_WIRE_LOAD_LE 1
#else
#define FMT_WIRE_LOAD_LE 0
#endif

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t x)
{
	return (int64_t)((x >> 1) ^ (0 - (x & 1)));
}

/* Bytes needed for v (0 for 0, up to 8). */
static inline unsigned int_bytes(uint64_t v)
{
	return v ? 8 - (unsigned)(__builtin_clzll(v) >> 3) : 0;
}

/* Reads a little-endian integer of len (0..8) bytes at q, with avail bytes
 * readable there (avail >= len). One 8-byte load and a mask when it can. */
static inline uint64_t get_le(const uint8_t *q, unsigned len, size_t avail)
{
	uint64_t v = 0;

	if (avail >= 8) {
		memcpy(&v, q, 8);
		return len == 8 ? v : v & ((1ull << (len * 8)) - 1);
	}
	for (unsigned i = 0; i < len; i++)
		v |= (uint64_t)q[i] << (8 * i);
	return v;
}

int fmt_wire_enc_init(struct fmt_wire_enc *e)
{
	memset(e, 0, sizeof(*e));
	e->slot = calloc(FMT_WIRE_SLOTS, sizeof(*e->slot));
	if (!e->slot)
		return SR_ENOMEM;
	e->gen = 1;
	return 0;
}

void fmt_wire_enc_free(struct fmt_wire_enc *e)
{
	free(e->slot);
	e->slot = NULL;
}

void fmt_wire_enc_reset(struct fmt_wire_enc *e)
{
	/* Bumping the generation empties every slot without touching them. */
	if (++e->gen == 0) {
		memset(e->slot, 0, FMT_WIRE_SLOTS * sizeof(*e->slot));
		e->gen = 1;
	}
	e->nctx = 0;
	e->prev_ts = 0;
}

/* The context bytes of a record, in wire order (pid tid ppid uid gid are
 * adjacent in struct evt_rec, as are cgroup_id and comm). */
static void ctx_of(const struct evt_rec *r, uint8_t ctx[FMT_WIRE_CTX])
{
	memcpy(ctx, &r->pid, 20);
	memcpy(ctx + 20, &r->cgroup_id, 24);
}

/* Number of the record's context in this chunk, or -1 when it must be
 * written out (new thread, or its context changed: exec, setuid...). */
static int64_t ctx_lookup(struct fmt_wire_enc *e, uint32_t tid, const uint8_t ctx[FMT_WIRE_CTX])
{
	uint32_t mask = FMT_WIRE_SLOTS - 1;
	uint32_t i = (tid * 0x9E3779B1u) >> 19 & mask;
	struct fmt_wire_slot *s;

	for (;; i = (i + 1) & mask) {
		s = &e->slot[i];
		if (s->gen != e->gen || s->tid == tid)
			break;
	}
	if (s->gen == e->gen) {
		if (memcmp(s->ctx, ctx, FMT_WIRE_CTX) == 0)
			return s->num;
	} else if (e->nctx >= FMT_WIRE_SLOTS / 2) {
		/* Table half full (thousands of threads in one chunk): keep
		 * probing short and just write this context out again. */
		e->nctx++;
		return -1;
	}
	s->gen = e->gen;
	s->tid = tid;
	s->num = e->nctx++;
	memcpy(s->ctx, ctx, FMT_WIRE_CTX);
	return -1;
}

size_t fmt_wire_encode(struct fmt_wire_enc *e, const struct evt_rec *r, uint8_t *out)
{
	uint8_t ctx[FMT_WIRE_CTX];
	size_t o = FMT_WIRE_FIXED, body = r->len - EVT_REC_HDR;
	uint64_t v[4];
	unsigned len[4];
	uint16_t sizes;
	int64_t num;

	ctx_of(r, ctx);
	num = ctx_lookup(e, r->tid, ctx);
	v[0] = zigzag(r->res);
	v[1] = r->latency;
	v[2] = zigzag((int64_t)(r->ts - e->prev_ts));
	v[3] = num < 0 ? 0 : (uint64_t)num;
	e->prev_ts = r->ts;
	for (int i = 0; i < 4; i++)
		len[i] = int_bytes(v[i]);
	sizes = (uint16_t)(len[0] | len[1] << 4 | len[2] << 8 |
			   (num < 0 ? FMT_WIRE_CTX_NEW : len[3]) << 12);
	memcpy(out, &r->type, 2);
	out[2] = (uint8_t)r->nparams;
	memcpy(out + 3, &r->flags, 2);
	memcpy(out + 5, &r->cpu, 2);
	memcpy(out + 7, &sizes, 2);
	for (int i = 0; i < 4; i++) {
		memcpy(out + o, &v[i], 8); /* room: FMT_WIRE_MAX */
		o += len[i];
	}
	if (num < 0) {
		memcpy(out + o, ctx, FMT_WIRE_CTX);
		o += FMT_WIRE_CTX;
	}
	memcpy(out + o, (const uint8_t *)r + EVT_REC_HDR, body);
	return o + body;
}

void fmt_wire_dec_free(struct fmt_wire_dec *d)
{
	free(d->ctx);
	free(d->rec);
	memset(d, 0, sizeof(*d));
}

void fmt_wire_dec_start(struct fmt_wire_dec *d, const uint8_t *in, size_t n)
{
	d->in = in;
	d->n = n;
	d->p = 0;
	d->ts = 0;
	d->nctx = 0;
	d->expanded = 0;
	d->i = 0;
}

static int fault(struct fmt_wire_fault *f, uint32_t rec, size_t off, const char *why)
{
	f->rec = rec;
	f->off = off;
	f->why = why;
	return SR_ECORRUPT;
}

/* Sums the np parameter lengths (width 2 or 4 bytes each) at lens. With ev,
 * also points ev's parameters at params, where they will lie once expanded:
 * the pointers are used only after the caller has checked the sum. */
static inline __attribute__((always_inline)) uint64_t
sum_lens(const uint8_t *lens, unsigned np, unsigned width, struct evt *ev, const uint8_t *params)
{
	uint64_t sum = 0;

	for (unsigned k = 0; k < np; k++) {
		uint32_t l;

		if (width == 4) {
			memcpy(&l, lens + 4 * k, 4);
		} else {
			uint16_t s;

			memcpy(&s, lens + 2 * k, 2);
			l = s;
		}
		if (ev) {
			ev->p[k] = params + sum;
			ev->plen[k] = l;
		}
		sum += l;
	}
	return sum;
}

/* One wire record, parsed and checked, not yet expanded. */
struct wire_rec {
	size_t start;	     /* offset of its fixed part */
	const uint8_t *ctx;  /* its thread context */
	const uint8_t *body; /* lens then parameter bytes */
	size_t total;	     /* expanded length, header included */
	uint64_t ts;
	uint64_t v[3]; /* res (zigzag), latency, ts delta (zigzag) */
	unsigned np;
	uint16_t flags;
};

/* Parses the record at d->p: every size is checked against the payload and
 * the format limits before use. Advances the cursor (position, ts, context
 * table). With ev, also fills it as evt_decode would for the record expanded
 * at out (in the same walk over the lengths). */
static int parse_one(struct fmt_wire_dec *d, struct wire_rec *w, struct fmt_wire_fault *f,
		     struct evt *ev, uint8_t *out)
{
	const uint8_t *in = d->in;
	size_t n = d->n, p = d->p, lsz;
	const uint8_t *params = NULL;
	uint64_t num = 0, sum;
	uint16_t sizes;
	unsigned cl;

	w->start = p;
	if (n - p < FMT_WIRE_FIXED)
		return fault(f, d->i, p, "record cut short");
	w->np = in[p + 2];
	memcpy(&w->flags, in + p + 3, 2);
	memcpy(&sizes, in + p + 7, 2);
	if (w->np > EVT_MAX_PARAMS)
		return fault(f, d->i, w->start, "too many parameters");
	p += FMT_WIRE_FIXED;
	cl = sizes >> 12;
	if ((sizes & 0xf) > 8 || (sizes >> 4 & 0xf) > 8 || (sizes >> 8 & 0xf) > 8 ||
	    (cl > 4 && cl != FMT_WIRE_CTX_NEW))
		return fault(f, d->i, w->start, "bad field sizes");
	if (FMT_WIRE_LOAD_LE && n - p >= 24 + 8) {
		/* All three fit with room for 8-byte loads (the usual case):
		 * no per-value bounds check or branch. The loads read the wire's
		 * little-endian values as host integers: little-endian hosts only. */
		static const uint64_t mask[9] = {0,
						 0xffull,
						 0xffffull,
						 0xffffffull,
						 0xffffffffull,
						 0xffffffffffull,
						 0xffffffffffffull,
						 0xffffffffffffffull,
						 ~0ull};
		unsigned l0 = sizes & 0xf, l1 = sizes >> 4 & 0xf, l2 = sizes >> 8 & 0xf;
		uint64_t x;

		memcpy(&x, in + p, 8);
		w->v[0] = x & mask[l0];
		p += l0;
		memcpy(&x, in + p, 8);
		w->v[1] = x & mask[l1];
		p += l1;
		memcpy(&x, in + p, 8);
		w->v[2] = x & mask[l2];
		p += l2;
	} else {
		for (int k = 0; k < 3; k++) {
			unsigned len = sizes >> (4 * k) & 0xf;

			if (n - p < len)
				return fault(f, d->i, w->start, "record cut short");
			w->v[k] = get_le(in + p, len, n - p);
			p += len;
		}
	}
	if (cl == FMT_WIRE_CTX_NEW) {
		if (n - p < FMT_WIRE_CTX)
			return fault(f, d->i, w->start, "record cut short");
		if (d->nctx == d->ctx_cap) {
			size_t ncap = d->ctx_cap ? d->ctx_cap * 2 : 256;
			void *grown = realloc(d->ctx, ncap * sizeof(*d->ctx));

			if (!grown)
				return SR_ENOMEM;
			d->ctx = grown;
			d->ctx_cap = ncap;
		}
		w->ctx = in + p;
		d->ctx[d->nctx++] = w->ctx;
		p += FMT_WIRE_CTX;
	} else {
		if (n - p < cl)
			return fault(f, d->i, w->start, "record cut short");
		num = get_le(in + p, cl, n - p);
		p += cl;
		if (num >= d->nctx)
			return fault(f, d->i, w->start, "thread context not defined in this chunk");
		w->ctx = d->ctx[num];
	}
	lsz = (size_t)w->np * (w->flags & EVT_RF_LARGE ? 4 : 2);
	if (n - p < lsz)
		return fault(f, d->i, w->start, "record cut short");
	if (ev) {
		ev->rec = (const struct evt_rec *)out;
		ev->nparams = w->np;
		params = out + EVT_REC_HDR + lsz;
	}
	/* The width is a constant in each call, so each gets its own tight loop. */
	sum = w->flags & EVT_RF_LARGE ? sum_lens(in + p, w->np, 4, ev, params)
				      : sum_lens(in + p, w->np, 2, ev, params);
	if (sum > EVT_REC_MAX || n - p - lsz < sum)
		return fault(f, d->i, w->start, "parameters run past the payload");
	w->total = EVT_REC_HDR + lsz + (size_t)sum;
	if (w->total > EVT_REC_MAX)
		return fault(f, d->i, w->start, "record larger than the format allows");
	w->body = in + p;
	d->p = p + lsz + (size_t)sum;
	d->ts += (uint64_t)unzigzag(w->v[2]);
	w->ts = d->ts;
	d->expanded += fmt_rec_padded(w->total);
	d->i++;
	return 0;
}

/* Writes the expanded record (header, lens, params, zero padding to 8) at
 * out, which has room for it padded. */
static void emit_one(const struct fmt_wire_dec *d, const struct wire_rec *w, uint8_t *out)
{
	size_t padded = fmt_rec_padded(w->total);
	struct evt_rec *h = (struct evt_rec *)out;

	/* The last 8-byte word first: it holds the padding, and what the
	 * header and body write over it stays. */
	memset(out + padded - 8, 0, 8);
	h->len = (uint32_t)w->total;
	memcpy(&h->type, d->in + w->start, 2);
	h->nparams = (uint16_t)w->np;
	h->ts = w->ts;
	h->latency = w->v[1];
	h->res = unzigzag(w->v[0]);
	memcpy(&h->pid, w->ctx, 20);
	memcpy(&h->cpu, d->in + w->start + 5, 2);
	h->flags = w->flags;
	memcpy(&h->cgroup_id, w->ctx + 20, 24);
	memcpy(out + EVT_REC_HDR, w->body, w->total - EVT_REC_HDR);
}

int fmt_wire_dec_next(struct fmt_wire_dec *d, struct evt *ev, struct fmt_wire_fault *f)
{
	struct wire_rec w;
	int rc;

	/* One record at a time into a buffer that stays in cache: the consumer
	 * reads it at once. It is sized once for the largest record (pages
	 * never written cost nothing), so ev can point into it while the
	 * record is parsed. */
	if (d->rec_cap < EVT_REC_MAX + FMT_REC_ALIGN &&
	    sr_grow(&d->rec, &d->rec_cap, EVT_REC_MAX + FMT_REC_ALIGN, EVT_REC_MAX + FMT_REC_ALIGN))
		return SR_ENOMEM;
	rc = parse_one(d, &w, f, ev, d->rec);
	if (rc)
		return rc;
	emit_one(d, &w, d->rec);
	return 0;
}

int fmt_wire_dec_next_to(struct fmt_wire_dec *d, uint8_t **buf, size_t *cap, size_t *off,
			 struct evt *ev, struct fmt_wire_fault *f)
{
	/* Room for any record the rest of the payload can hold (expanded, a
	 * record is its wire form less the fixed part, plus the header and
	 * padding), so ev can point at its place before it is parsed. */
	size_t room = EVT_REC_HDR + (d->n - d->p) + FMT_REC_ALIGN;
	struct wire_rec w;
	int rc;

	if (*cap - *off < room && sr_grow(buf, cap, *off + room, 64 * 1024))
		return SR_ENOMEM;
	rc = parse_one(d, &w, f, ev, *buf + *off);
	if (rc)
		return rc;
	emit_one(d, &w, *buf + *off);
	*off += fmt_rec_padded(w.total);
	return 0;
}

int fmt_wire_dec_finish(const struct fmt_wire_dec *d, size_t rec_size, struct fmt_wire_fault *f)
{
	if (d->p != d->n)
		return fault(f, d->i, d->p, "bytes left after the chunk's records");
	if (d->expanded != rec_size)
		return fault(f, d->i, d->p, "expanded records differ from the chunk header's size");
	return 0;
}

int fmt_wire_decode(struct fmt_wire_dec *d, const uint8_t *in, size_t n, uint32_t count,
		    uint8_t *out, size_t cap, struct fmt_wire_fault *f)
{
	size_t o = 0;

	fmt_wire_dec_start(d, in, n);
	for (uint32_t i = 0; i < count; i++) {
		struct wire_rec w;
		int rc = parse_one(d, &w, f, NULL, NULL);

		if (rc)
			return rc;
		if (cap - o < fmt_rec_padded(w.total))
			return fault(f, i, w.start, "records larger than the chunk header says");
		emit_one(d, &w, out + o);
		o += fmt_rec_padded(w.total);
	}
	return fmt_wire_dec_finish(d, cap, f);
}
