/* scap_reader.c: the .scap event source (plain or gzip) -> our records.
 *
 * next() delivers records from an output queue; when it is empty it reads
 * one block and turns it into zero or more records: list blocks feed the
 * snapshot, an enter event waits on its thread for the exit, an exit (or a
 * lone event) becomes one record merging both. Damage stops reading: the
 * records already produced are delivered first, then the error names the
 * block number and its byte offset (in the decompressed stream).
 */
#include "scap_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_err.h"
#include "scap.h"
#include "scap_params.h"

/* ---------- one scap event, parsed ---------- */

struct pview {
	unsigned n;
	const uint8_t *p[SCAP_MAX_PARAMS];
	uint32_t len[SCAP_MAX_PARAMS];
};

/* Our parameters being assembled for one record. Only what comes before p
 * is cleared per record: p[i] and len[i] are read only where set[i] is. */
struct oparams {
	unsigned max; /* highest index set + 1 */
	uint8_t set[EVT_MAX_PARAMS];
	/* side values */
	int64_t res;
	int has_res;
	int64_t tid, pid, ptid, vtid, vpid, nr, scid;
	uint32_t uid, gid;
	int has_tid, has_pid, has_ptid, has_uid, has_gid, has_nr, has_scid;
	const uint8_t *comm, *argv0, *argv, *texe, *cwd, *cgroups;
	uint32_t comm_len, argv0_len, argv_len, texe_len, cwd_len, cgroups_len;
	const uint8_t *p[EVT_MAX_PARAMS];
	uint32_t len[EVT_MAX_PARAMS];
	uint8_t tmp[EVT_MAX_PARAMS][72];
};

static struct oparams *oparams_reset(struct scap_src *s)
{
	if (!s->ops_buf)
		s->ops_buf = malloc(sizeof(struct oparams));
	if (s->ops_buf)
		memset(s->ops_buf, 0, offsetof(struct oparams, p));
	return s->ops_buf;
}

static void oset(struct oparams *o, int i, const uint8_t *p, uint32_t len)
{
	if (i < 0 || i >= EVT_MAX_PARAMS)
		return;
	o->set[i] = 1;
	o->p[i] = p;
	o->len[i] = len;
	if ((unsigned)i + 1 > o->max)
		o->max = (unsigned)i + 1;
}

static void oset_num(struct oparams *o, int i, uint64_t v)
{
	if (i < 0 || i >= EVT_MAX_PARAMS)
		return;
	memcpy(o->tmp[i], &v, 8);
	oset(o, i, o->tmp[i], 8);
}

/* Applies one list of scap parameters to o. */
static void apply(struct oparams *o, const struct scap_prm *defs, unsigned ndefs,
		  const struct pview *v)
{
	unsigned n = v->n < ndefs ? v->n : ndefs;

	for (unsigned j = 0; j < n; j++) {
		const struct scap_prm *d = &defs[j];
		const uint8_t *p = v->p[j];
		uint32_t len = v->len[j];
		int64_t num = 0;
		int our = d->our;

		if (scap_wire_width(d->wire))
			num = scap_wire_num(d->wire, p, len);
		switch (d->conv) {
		case SV_RES:
			o->res = num;
			o->has_res = 1;
			continue;
		case SV_TID:
			o->tid = num;
			o->has_tid = 1;
			continue;
		case SV_PID:
			o->pid = num;
			o->has_pid = 1;
			continue;
		case SV_PTID:
			o->ptid = num;
			o->has_ptid = 1;
			continue;
		case SV_VTID:
			o->vtid = num;
			continue;
		case SV_VPID:
			o->vpid = num;
			continue;
		case SV_UID:
			o->uid = (uint32_t)num;
			o->has_uid = 1;
			continue;
		case SV_GID:
			o->gid = (uint32_t)num;
			o->has_gid = 1;
			continue;
		case SV_SCID:
			o->scid = num;
			o->has_scid = 1;
			continue;
		case SV_CGROUPS:
			o->cgroups = p;
			o->cgroups_len = len;
			continue;
		case SV_CWD:
			o->cwd = p;
			o->cwd_len = scap_str_len(p, len);
			continue;
		case SV_COMM:
			o->comm = p;
			o->comm_len = scap_str_len(p, len);
			continue;
		case SV_ARGV0:
			o->argv0 = p;
			o->argv0_len = scap_str_len(p, len);
			continue;
		case SV_ARGV:
			o->argv = p;
			o->argv_len = len;
			continue;
		case SV_TRUSTED_EXE:
			o->texe = p;
			o->texe_len = scap_str_len(p, len);
			continue;
		default:
			break;
		}
		if (our < 0)
			continue;
		switch (d->wire) {
		case SW_STR:
			oset(o, our, p, scap_str_len(p, len));
			break;
		case SW_BUF:
			oset(o, our, p, len);
			break;
		case SW_SA:
			oset(o, our, o->tmp[our], scap_sa_to_ours(p, len, o->tmp[our], 72));
			break;
		case SW_ST:
			if (d->conv == SV_PEER_DST || d->conv == SV_PEER_SRC)
				oset(
				    o, our, o->tmp[our],
				    scap_st_to_sa(p, len, d->conv == SV_PEER_DST, o->tmp[our], 72));
			else
				oset(
				    o, our, o->tmp[our],
				    scap_st_to_ours(p, len, d->conv == SV_ACCEPT, o->tmp[our], 72));
			break;
		case SW_FDL:
		case SW_DYN:
			break;
		default:
			if (len == 0)
				break;
			oset_num(o, our, scap_conv_from_ppm(d->conv, (uint64_t)num));
			break;
		}
	}
}

/* ---------- enters waiting for their exit ---------- */

size_t scap_pend_max_bytes = SCAP_PEND_MAX_BYTES_DEFAULT;
size_t scap_pend_max_entries = SCAP_PEND_MAX_ENTRIES_DEFAULT;

#define PEND_POOL_KEEP (64u << 10) /* bigger buffers are freed, not pooled */

/* A buffer of at least need bytes, from the pool when it has one. */
static uint8_t *pend_buf_get(struct scap_pend *p, size_t need, uint32_t *capp)
{
	unsigned best = SCAP_PEND_POOL;
	uint8_t *b;

	for (unsigned i = 0; i < p->npool; i++)
		if (p->pool_cap[i] >= need &&
		    (best == SCAP_PEND_POOL || p->pool_cap[i] < p->pool_cap[best]))
			best = i;
	if (best == SCAP_PEND_POOL && p->npool)
		best = p->npool - 1; /* too small: grown below */
	if (best < SCAP_PEND_POOL) {
		b = p->pool[best];
		*capp = p->pool_cap[best];
		p->npool--;
		p->pool[best] = p->pool[p->npool];
		p->pool_cap[best] = p->pool_cap[p->npool];
	} else {
		b = NULL;
		*capp = 0;
	}
	if (*capp < need) {
		uint8_t *nb = realloc(b, need);
		if (!nb) {
			free(b);
			return NULL;
		}
		b = nb;
		*capp = (uint32_t)need;
	}
	return b;
}

static void pend_buf_put(struct scap_pend *p, uint8_t *b, uint32_t cap)
{
	if (b && cap <= PEND_POOL_KEEP && p->npool < SCAP_PEND_POOL) {
		p->pool[p->npool] = b;
		p->pool_cap[p->npool++] = cap;
		return;
	}
	free(b);
}

#define PEND_Q_MIN 16 /* ring entries, smallest size */

/* A queue entry is live while its thread still waits on that very enter
 * (a waiting thread is never evicted, so its entry always finds it). */
static struct scap_thr *pend_ref_live(struct scap_src *s, const struct scap_pend_ref *r)
{
	struct scap_thr *t = scap_thr_find(s, r->tid);

	return t && t->pend && t->pend_seq == r->seq ? t : NULL;
}

/* Drops the stale entries (order kept), then resizes the ring to twice the
 * live entries plus PEND_Q_MIN, rounded up to a power of two, when that is
 * smaller: compaction is next due after another PEND_Q_MIN pushes at least. */
static void pend_queue_compact(struct scap_src *s)
{
	struct scap_pend *p = &s->pend;
	size_t k = 0, mask = p->cap - 1, want = PEND_Q_MIN;

	/* in place: entry i moves to k <= i, never over one still unread */
	for (size_t i = 0; i < p->len; i++) {
		struct scap_pend_ref r = p->q[(p->head + i) & mask];
		if (pend_ref_live(s, &r))
			p->q[(p->head + k++) & mask] = r;
	}
	p->len = k;
	while (want < 2 * k + PEND_Q_MIN + 1)
		want *= 2;
	if (want < p->cap) {
		struct scap_pend_ref *nq = malloc(want * sizeof(*nq));

		if (!nq)
			return; /* keeps the bigger ring: still correct */
		for (size_t i = 0; i < k; i++)
			nq[i] = p->q[(p->head + i) & mask];
		free(p->q);
		p->q = nq;
		p->cap = want;
		p->head = 0;
	}
}

/* Takes the waiting enter off t (which must have one); the caller owns the
 * returned buffer (cap in *capp) and gives it back with pend_buf_put. When
 * the waiting enters fall under an eighth of the ring, it is compacted and
 * shrunk: the work is paid for by the enters consumed since the ring last
 * changed size. */
static uint8_t *pend_detach(struct scap_src *s, struct scap_thr *t, uint32_t *capp)
{
	struct scap_pend *p = &s->pend;
	uint8_t *b = t->pend_buf;

	*capp = t->pend_cap;
	/* Usually the enter is the newest queued (its exit came next): its
	 * entry goes now, so the ring stays short and compaction is rare. */
	if (p->len) {
		struct scap_pend_ref *last = &p->q[(p->head + p->len - 1) & (p->cap - 1)];

		if (last->tid == t->tid && last->seq == t->pend_seq)
			p->len--;
	}
	p->n--;
	p->bytes -= t->pend_cap;
	t->pend = 0;
	t->pend_buf = NULL;
	t->pend_cap = 0;
	if (p->cap > 4 * PEND_Q_MIN && p->n * 8 < p->cap)
		pend_queue_compact(s);
	return b;
}

static void pend_drop(struct scap_src *s, struct scap_thr *t)
{
	uint32_t cap;
	uint8_t *b = pend_detach(s, t, &cap);

	pend_buf_put(&s->pend, b, cap);
}

/* Appends to the queue. A full ring is compacted when at least half of it
 * is stale, and doubled only otherwise: it grows only while more than a
 * quarter of it is live. */
static int pend_queue_push(struct scap_src *s, uint64_t tid, uint64_t seq)
{
	struct scap_pend *p = &s->pend;

	if (p->len == p->cap && p->len >= 2 * p->n + PEND_Q_MIN)
		pend_queue_compact(s);
	if (p->len == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : PEND_Q_MIN;
		struct scap_pend_ref *nq = malloc(ncap * sizeof(*nq));

		if (!nq)
			return SR_ENOMEM;
		for (size_t i = 0; i < p->len; i++)
			nq[i] = p->q[(p->head + i) & (p->cap - 1)];
		free(p->q);
		p->q = nq;
		p->cap = ncap;
		p->head = 0;
		if (ncap > p->peak_qcap)
			p->peak_qcap = ncap;
	}
	p->q[(p->head + p->len) & (p->cap - 1)] = (struct scap_pend_ref){tid, seq};
	p->len++;
	return 0;
}

/* The oldest waiting enter's thread (queue entries before it dropped), or NULL. */
static struct scap_thr *pend_oldest(struct scap_src *s)
{
	struct scap_pend *p = &s->pend;

	while (p->len) {
		struct scap_pend_ref r = p->q[p->head];
		struct scap_thr *t;

		p->head = (p->head + 1) & (p->cap - 1);
		p->len--;
		t = pend_ref_live(s, &r);
		if (t)
			return t;
	}
	return NULL;
}

static void load_params(const uint8_t *r, struct pview *v)
{
	const uint8_t *d;

	memcpy(&v->n, r, 4);
	d = r + 4 + 4 * (size_t)v->n;
	for (unsigned i = 0; i < v->n; i++) {
		memcpy(&v->len[i], r + 4 + 4 * i, 4);
		v->p[i] = d;
		d += v->len[i];
	}
}

static inline int want(const struct scap_src *s, unsigned type)
{
	return !s->filter || (s->want[type >> 3] & (1u << (type & 7)));
}

/* set_header_types: a type the caller reads only the header of, and that
 * neither changes the thread table nor may vanish (generic records without
 * a syscall number are dropped): its parameters are never looked at. */
static inline int header_only(const struct scap_src *s, const struct scap_evdef *d)
{
	return s->hdr_only && d->our && !want(s, d->our) &&
	       !(d->flags & (SD_GENERIC | SD_CLONE | SD_EXEC | SD_PROCEXIT));
}

/* PROCINFO for a clone child the process list did not have. */
static int clone_child_procinfo(struct scap_src *s, const struct oparams *o, uint64_t tid,
				uint64_t ts)
{
	struct scap_pl_entry e;

	memset(&e, 0, sizeof(e));
	e.tid = tid;
	e.pid = o->has_pid ? (uint64_t)o->pid : tid;
	e.ptid = o->has_ptid ? (uint64_t)o->ptid : 0;
	e.comm = o->comm ? o->comm : o->argv0;
	e.comm_len = o->comm ? o->comm_len : o->argv0_len;
	e.exe = o->argv0;
	e.exe_len = o->argv0_len;
	e.args = o->argv;
	e.args_len = o->argv_len;
	e.cwd = o->cwd;
	e.cwd_len = o->cwd_len;
	e.cgroups = o->cgroups;
	e.cgroups_len = o->cgroups_len;
	e.uid = o->has_uid ? o->uid : UINT32_MAX;
	e.gid = o->has_gid ? o->gid : UINT32_MAX;
	e.loginuid = UINT32_MAX;
	e.vtid = o->vtid ? o->vtid : (int64_t)tid;
	e.vpid = o->vpid ? o->vpid : (int64_t)e.pid;
	return scap_meta_procinfo(s, &e, ts);
}

/* Builds and queues our record for one syscall (enter e and/or exit x). */
static int build(struct scap_src *s, const struct scap_evdef *d, uint64_t tid, uint16_t cpu,
		 const struct pview *e, uint64_t ets, const struct pview *x, uint64_t xts,
		 unsigned rflags)
{
	struct oparams *o;
	struct evt_rec h;
	struct scap_thr *t;
	unsigned type = d->our;
	int rc = 0;
	int hdr = header_only(s, d);

	/* no thread creation while building this record (the clone child
	 * below, say) may evict the thread it is built for */
	s->thr_pin = tid;
	o = oparams_reset(s);
	if (!o)
		return SR_ENOMEM;
	if (hdr) {
		t = scap_thr_get(s, tid, 1);
		if (!t)
			return SR_ENOMEM;
		goto header;
	}
	if (e)
		apply(o, d->e, d->ne, e);
	if (x)
		apply(o, d->x, d->nx, x);

	if ((d->flags & SD_GENERIC) || type == 0) {
		int nr = d->nr;
		if (d->flags & SD_GENERIC) {
			nr = -1;
			if (o->set[0] && o->len[0] == 8)
				nr = (int)sr_rd64(o->p[0]);
			else if (o->has_scid)
				nr = scap_sc_to_nr((unsigned)o->scid);
		}
		if (nr < 0)
			goto out; /* no native syscall to name it by: skipped */
		/* keep the raw arguments the table mapped (a0..a5), drop the rest */
		for (unsigned i = 7; i < EVT_MAX_PARAMS; i++)
			o->set[i] = 0;
		if (o->max > 7)
			o->max = 7;
		type = EVT_GENERIC;
		oset_num(o, 0, (uint64_t)(int64_t)nr);
	}
	/* A child we meet first at its own clone exit (the capture began after
	 * its parent forked it, or the parent's side was not recorded): the
	 * event describes it fully, as the process list would. */
	if ((d->flags & SD_CLONE) && x && o->has_res && o->res == 0) {
		t = scap_thr_get(s, tid, 0);
		if (!t || !t->comm[0]) {
			rc = clone_child_procinfo(s, o, tid, xts);
			if (rc)
				goto out;
		}
	}
	t = scap_thr_get(s, tid, 1);
	if (!t) {
		rc = SR_ENOMEM;
		goto out;
	}
	/* Thread table updates the event carries. */
	if ((d->flags & SD_CLONE) && o->has_res && o->res == 0) {
		if (o->has_pid)
			t->pid = (uint64_t)o->pid;
		if (o->has_ptid)
			t->ptid = (uint64_t)o->ptid;
		if (o->has_uid)
			t->uid = o->uid;
		if (o->has_gid)
			t->gid = o->gid;
		if (o->comm)
			scap_comm_set(t->comm, o->comm, o->comm_len);
	} else if ((d->flags & SD_CLONE) && o->has_res && o->res > 0) {
		struct scap_thr *c = scap_thr_get(s, (uint64_t)o->res, 1);
		int thread =
		    o->set[0] && o->len[0] == 8 && (sr_rd64(o->p[0]) & 0x10000 /* CLONE_THREAD */);
		t = scap_thr_get(s, tid, 0);
		if (c && t && !c->comm[0]) {
			c->pid = thread ? t->pid : (uint64_t)o->res;
			c->ptid = thread ? t->ptid : tid;
			c->uid = t->uid;
			c->gid = t->gid;
			memcpy(c->comm, t->comm, EVT_COMM_LEN);
		}
		if (!t) {
			rc = SR_ENOMEM;
			goto out;
		}
	}
	if ((d->flags & SD_EXEC) && o->has_res && o->res == 0) {
		if (o->has_pid)
			t->pid = (uint64_t)o->pid;
		if (o->has_ptid)
			t->ptid = (uint64_t)o->ptid;
		if (o->comm) {
			scap_comm_set(t->comm, o->comm, o->comm_len);
		} else if (o->argv0) {
			/* Old captures lack comm: the executable's base name stands in. */
			const uint8_t *sl = o->argv0, *q;
			for (q = o->argv0; q < o->argv0 + o->argv0_len; q++)
				if (*q == '/')
					sl = q + 1;
			scap_comm_set(t->comm, sl, (uint32_t)(o->argv0 + o->argv0_len - sl));
		}
	}
	if (d->flags & SD_EXEC) {
		int ia = evt_param_index(type, "args"), ie = evt_param_index(type, "exe");
		int iu = evt_param_index(type, "uid"), ig = evt_param_index(type, "gid");
		int iv = evt_param_index(type, "euid"), fi = evt_param_index(type, "filename");

		sr_sb_setlen(&s->scratch, 0);
		if (o->argv0 || o->argv) {
			rc |= sr_sb_put(&s->scratch, o->argv0, o->argv0_len);
			rc |= sr_sb_put(&s->scratch, "", 1);
			if (o->argv_len) {
				rc |= sr_sb_put(&s->scratch, o->argv, o->argv_len);
				if (o->argv[o->argv_len - 1] != 0)
					rc |= sr_sb_put(&s->scratch, "", 1);
			}
			if (rc)
				goto out;
			oset(o, ia, sr_sb_bytes(&s->scratch), (uint32_t)s->scratch.len);
		}
		if (o->texe && o->texe_len)
			oset(o, ie, o->texe, o->texe_len);
		else if (fi >= 0 && o->set[fi])
			oset(o, ie, o->p[fi], o->len[fi]);
		else if (o->argv0)
			oset(o, ie, o->argv0, o->argv0_len);
		oset_num(o, iu, o->has_uid ? o->uid : t->uid);
		oset_num(o, ig, t->gid);
		oset_num(o, iv, o->has_uid ? o->uid : t->uid);
	}
	if (d->flags & SD_PROCEXIT)
		oset_num(o, 1, t->tid == t->pid);

	if (!want(s, type)) {
		if (!s->hdr_only)
			goto out;
		hdr = 1; /* generic, or a type kept for its thread table work */
		o->max = 0;
	}
header:
	memset(&h, 0, sizeof(h));
	h.ts = x ? xts : ets;
	h.latency = (x && e && xts >= ets) ? xts - ets : 0;
	h.res = o->has_res ? o->res : 0;
	h.tid = (uint32_t)tid;
	h.pid = (uint32_t)t->pid;
	h.ppid = (uint32_t)t->ptid;
	h.uid = t->uid;
	h.gid = t->gid;
	h.cpu = cpu;
	h.flags = (uint16_t)rflags;
	/* an exit event without a result (scap's generic events carry none) */
	if (x && !o->has_res && !hdr && !(d->flags & (SD_SINGLE | SD_PROCEXIT)))
		h.flags |= EVT_RF_NORES;
	memcpy(h.comm, t->comm, EVT_COMM_LEN);
	h.type = (uint16_t)type;
	{
		static const int64_t no_fd = -1;
		const struct evt_info *info = evt_info_get(type);

		/* parameters the event left out: an fd reads as -1, the rest empty */
		for (unsigned i = 0; i < o->max; i++) {
			if (o->set[i])
				continue;
			if (info && i < info->nparams && info->params[i].type == PT_FD) {
				o->p[i] = (const uint8_t *)&no_fd;
				o->len[i] = 8;
			} else {
				o->p[i] = NULL;
				o->len[i] = 0;
			}
		}
	}
	{
		uint64_t at[2] = {s->q.len, s->cur_num};

		if (sr_sb_reserve(&s->qnum, sizeof(at))) {
			rc = SR_ENOMEM;
		} else {
			memcpy(s->qnum.p + s->qnum.len, at, sizeof(at));
			sr_sb_setlen(&s->qnum, s->qnum.len + sizeof(at));
			rc = scap_emit_rec(&s->q, &h, o->max, o->p, o->len);
		}
	}
out:
	return rc;
}

/* Emits a waiting enter whose exit never came. */
static int flush_pending(struct scap_src *s, struct scap_thr *t)
{
	const struct scap_evdef *d;
	struct pview v;
	uint64_t tid = t->tid, ts = t->pend_ts;
	uint16_t cpu = t->pend_cpu;
	uint32_t cap;
	uint8_t *b;
	int rc = 0;

	if (!t->pend)
		return 0;
	d = scap_evdef_get(t->pend_type);
	b = pend_detach(s, t, &cap);
	if (d) {
		load_params(b, &v);
		s->cur_num = t->pend_num;
		/* build() may grow the thread table: t is not used after this */
		rc = build(s, d, tid, cpu, &v, ts, NULL, 0, EVT_RF_ENTER_ONLY);
	}
	pend_buf_put(&s->pend, b, cap);
	return rc;
}

/* Emits waiting enters, oldest first, until none is left or the output
 * queue holds a good batch (the rest on the next call). */
static int flush_all_pending(struct scap_src *s)
{
	struct scap_thr *t;

	while (s->q.len < (1u << 20) && (t = pend_oldest(s)))
		if (flush_pending(s, t))
			return SR_ENOMEM;
	return 0;
}

/* Makes the enter in v wait on t for its exit. Past the limits the oldest
 * waiting enters (never this one) are emitted alone: memory stays bounded by
 * the limits plus one event. t is not valid after the call. */
static int pend_store(struct scap_src *s, struct scap_thr *t, const struct pview *v, uint16_t type,
		      uint64_t ts, uint16_t cpu)
{
	struct scap_pend *p = &s->pend;
	size_t need = 4 + 4 * (size_t)v->n;
	uint8_t *w;

	for (unsigned i = 0; i < v->n; i++)
		need += v->len[i];
	/* need <= 4 + 8 * 64 + one block (SCAP_BLOCK_MAX): fits the u32 below */
	t->pend_buf = pend_buf_get(p, need, &t->pend_cap);
	if (!t->pend_buf)
		return SR_ENOMEM;
	w = t->pend_buf;
	memcpy(w, &v->n, 4);
	w += 4;
	for (unsigned i = 0; i < v->n; i++, w += 4)
		memcpy(w, &v->len[i], 4);
	for (unsigned i = 0; i < v->n; i++) {
		if (v->len[i])
			memcpy(w, v->p[i], v->len[i]);
		w += v->len[i];
	}
	t->pend = 1;
	t->pend_type = type;
	t->pend_ts = ts;
	t->pend_cpu = cpu;
	t->pend_num = s->evno;
	t->pend_seq = p->next_seq++;
	p->n++;
	p->bytes += t->pend_cap;
	if (pend_queue_push(s, t->tid, t->pend_seq)) {
		pend_drop(s, t);
		return SR_ENOMEM;
	}
	while ((p->n > p->max_n || p->bytes > p->max_bytes) && p->n > 1) {
		struct scap_thr *old = pend_oldest(s);

		if (!old)
			break;
		p->evicted++;
		s->base.unpaired++;
		if (flush_pending(s, old))
			return SR_ENOMEM;
	}
	/* what stays held between events */
	if (p->n > p->peak_n)
		p->peak_n = p->n;
	if (p->bytes > p->peak_bytes)
		p->peak_bytes = p->bytes;
	return 0;
}

/* Splits an event's parameters; old blocks carry no count, so it is found
 * by trying the table's count and fewer until the lengths add up exactly. */
static int container_event(struct scap_src *s, const uint8_t *ev, uint32_t evlen, unsigned hdr,
			   int large, int v2, uint64_t ts, struct sr_err *err);

static int split_params(const uint8_t *ev, uint32_t evlen, unsigned hdr, int large, int has_n,
			unsigned maxn, struct pview *v)
{
	unsigned lw = large ? 4 : 2;
	uint32_t n;

	if (has_n) {
		n = sr_rd32(ev + 22);
		if (n > SCAP_MAX_PARAMS || (uint64_t)hdr + (uint64_t)n * lw > evlen)
			return -1;
	} else {
		/* The largest k <= maxn whose k lengths (u16: old blocks are never
		 * large) and their bytes fill the event exactly. The sum for the
		 * largest k that fits is taken once, then shrunk one length at a
		 * time: linear in maxn, and the usual first try is the answer. */
		uint32_t k = (evlen - hdr) / 2 < maxn ? (evlen - hdr) / 2 : maxn;
		uint64_t data = 0;

		for (uint32_t i = 0; i < k; i++)
			data += sr_rd16(ev + hdr + 2 * i);
		while ((uint64_t)hdr + 2 * (uint64_t)k + data != evlen) {
			if (!k)
				return -1;
			k--;
			data -= sr_rd16(ev + hdr + 2 * k);
		}
		n = k;
	}
	v->n = n;
	{
		uint64_t off = (uint64_t)hdr + (uint64_t)n * lw;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t l = large ? sr_rd32(ev + hdr + 4 * i) : sr_rd16(ev + hdr + 2 * i);
			/* Each parameter must lie inside the event. */
			if (l > evlen - off)
				return -1;
			v->p[i] = ev + off;
			v->len[i] = l;
			off += l;
		}
	}
	return 0;
}

/* The part of an event that makes a record: parameters split, enters held
 * for their exit, records built. Out of line: most events never get here,
 * and the front below stays small. */
static __attribute__((noinline)) int event_record(struct scap_src *s, const struct scap_evdef *d,
						  const uint8_t *ev, uint32_t evlen, unsigned hdr,
						  int large, int v2, uint16_t cpu,
						  struct sr_err *err)
{
	uint64_t ts = sr_rd64(ev), tid = sr_rd64(ev + 8);
	uint16_t type = sr_rd16(ev + 20);
	struct pview v;
	struct scap_thr *t;

	/* A record that will carry its header only: the parameters are not
	 * split, and an enter waits with none. */
	if (header_only(s, d))
		v.n = 0;
	else if (split_params(ev, evlen, hdr, large, v2,
			      (d->flags & SD_SINGLE) || type == d->id ? d->ne : d->nx, &v))
		return sr_err_set(err, SR_ECORRUPT, "event (type %u) parameter lengths are damaged",
				  type);
	if (d->flags & SD_SINGLE) {
		s->cur_num = s->evno;
		return build(s, d, tid, cpu, &v, ts, NULL, 0, 0) ? sr_err_set(err, SR_ENOMEM, "oom")
								 : 0;
	}
	t = scap_thr_get(s, tid, 1);
	if (!t)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (type == d->id) {
		/* An enter: a previous one still waiting never saw its exit. */
		if (t->pend && flush_pending(s, t))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
		t = scap_thr_get(s, tid, 1); /* flushing may have moved it */
		if (!t || pend_store(s, t, &v, type, ts, cpu))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
		return 0;
	}
	if (t->pend && t->pend_type == d->id) {
		struct pview e;
		uint64_t ets = t->pend_ts;
		uint32_t cap;
		uint8_t *b = pend_detach(s, t, &cap);
		int rc;

		load_params(b, &e);
		s->cur_num = s->evno;
		rc = build(s, d, tid, cpu, &e, ets, &v, ts, 0);
		pend_buf_put(&s->pend, b, cap);
		return rc ? sr_err_set(err, rc, "out of memory") : 0;
	}
	if (t->pend && flush_pending(s, t))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	s->cur_num = s->evno;
	return build(s, d, tid, cpu, NULL, 0, &v, ts, 0) ? sr_err_set(err, SR_ENOMEM, "oom") : 0;
}

/* What an event block type says about its layout (s->ev_bt's, kept). */
static void event_layout(struct scap_src *s, uint32_t bt)
{
	int has_flags = bt == SCAP_BT_EVF || bt == SCAP_BT_EVF_V2 || bt == SCAP_BT_EVF_V2_LARGE;

	s->ev_bt = bt;
	s->ev_v2 = bt == SCAP_BT_EV_V2 || bt == SCAP_BT_EVF_V2 || bt == SCAP_BT_EV_V2_LARGE ||
		   bt == SCAP_BT_EVF_V2_LARGE;
	s->ev_large = bt == SCAP_BT_EV_V2_LARGE || bt == SCAP_BT_EVF_V2_LARGE;
	s->ev_pre = has_flags ? 6 : 2;
	s->ev_hdr = s->ev_v2 ? SCAP_EVT_HDR_V2 : SCAP_EVT_HDR_V1;
}

/* One event block of type s->ev_bt. */
static int do_event(struct scap_src *s, const uint8_t *body, size_t len, struct sr_err *err)
{
	int v2 = s->ev_v2, large = s->ev_large;
	unsigned pre = s->ev_pre, hdr = s->ev_hdr;
	const uint8_t *ev;
	uint64_t ts, tid;
	uint32_t evlen;
	uint16_t type, cpu;
	const struct scap_evdef *d;
	struct scap_thr *t;

	if (len < pre + hdr)
		return sr_err_set(err, SR_ECORRUPT, "event block too short (%zu bytes)", len);
	cpu = sr_rd16(body);
	ev = body + pre;
	ts = sr_rd64(ev);
	tid = sr_rd64(ev + 8);
	evlen = sr_rd32(ev + 16);
	type = sr_rd16(ev + 20);
	/* The event must fit in its block (the block may carry padding). */
	if (evlen < hdr || evlen > len - pre)
		return sr_err_set(err, SR_ECORRUPT, "event length %u does not fit its block",
				  evlen);
	s->thr_clock++;
	if (type < SCAP_NUM_TYPE_END)
		s->evno++;
	if (s->snap.len || s->snap_threads) {
		if (scap_meta_flush(s, ts))
			return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	d = type < SCAP_EVT_ID_MAX ? s->evd[type] : NULL;
	if (d && (type == SCAP_CONTAINER_JSON || type == SCAP_CONTAINER_JSON_2))
		return container_event(s, ev, evlen, hdr, large, v2, ts, err);
	if (!d || (d->flags & SD_SKIP))
		return 0; /* unknown or internal: skipped by length */
	if (s->filter && !s->hdr_only && !want(s, d->our ? d->our : EVT_GENERIC) &&
	    !(d->flags & (SD_CLONE | SD_EXEC | SD_PROCEXIT))) {
		/* Not wanted and no effect on the thread table: only the pairing
		 * state moves (a waiting enter of a wanted type still gets out). */
		t = scap_thr_get(s, tid, 0);
		if (t && t->pend) {
			if (type == d->id + 1 && t->pend_type == d->id)
				pend_drop(s, t); /* the exit of an unwanted pair */
			else if (flush_pending(s, t))
				return sr_err_set(err, SR_ENOMEM, "out of memory");
		}
		return 0;
	}
	return event_record(s, d, ev, evlen, hdr, large, v2, cpu, err);
}

/* A container JSON event: a CONTAINERINFO record (state keeps the table,
 * so .scap replay and conversion know the container's name and image).
 * A document that is not a container description is skipped. */
static int container_event(struct scap_src *s, const uint8_t *ev, uint32_t evlen, unsigned hdr,
			   int large, int v2, uint64_t ts, struct sr_err *err)
{
	struct pview v;
	struct evt_rec h;
	uint64_t at[2];

	if (split_params(ev, evlen, hdr, large, v2, 1, &v) || v.n < 1 || !v.len[0])
		return 0;
	memset(&h, 0, sizeof(h));
	h.ts = ts;
	if (scap_container_json((const char *)v.p[0], v.len[0], &h, &s->b))
		return 0;
	s->cur_num = s->evno;
	at[0] = s->q.len;
	at[1] = s->cur_num;
	if (sr_sb_put(&s->qnum, at, sizeof(at)) || scap_emit(s, &s->q))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	return 0;
}

/* ---------- blocks ---------- */

/* The next n bytes of the stream, in place (valid until the next block is
 * read); *got says how many there are, fewer at the end. NULL with why set
 * on a stream error. */
static inline const uint8_t *peek_n(struct scap_src *s, size_t n, size_t *got, struct sr_err *why)
{
	const uint8_t *p = scap_in_peek(&s->in, n, got);

	if (*got < n && s->in.err) {
		sr_err_set(why, SR_ECORRUPT, "%s", s->in.msg);
		return NULL;
	}
	return p;
}

/* Keeps why, placed at the current block, for the reader to report after
 * the events before it; the source ends there. */
static void fail(struct scap_src *s, const struct sr_err *why)
{
	char msg[sizeof(why->msg)];

	snprintf(msg, sizeof(msg), "%s", why->msg);
	sr_err_set(&s->pending_err, why->code ? why->code : SR_ECORRUPT,
		   "%s: block %llu at byte %llu: %s", s->base.path,
		   (unsigned long long)s->cur_block, (unsigned long long)s->cur_off, msg);
	s->pending_err.offset = s->cur_off;
	s->pending_err.chunk = (int64_t)s->cur_block;
	s->failed = 1;
}

static inline int is_event_block(uint32_t bt)
{
	return bt == SCAP_BT_EV || bt == SCAP_BT_EV_INT || bt == SCAP_BT_EV_V2 ||
	       bt == SCAP_BT_EV_V2_LARGE || bt == SCAP_BT_EVF || bt == SCAP_BT_EVF_V2 ||
	       bt == SCAP_BT_EVF_V2_LARGE;
}

/* Reads and handles one block; sets eof or failed when done. */
static void read_block(struct scap_src *s)
{
	struct sr_err why;
	uint32_t bt, tl, trail;
	size_t got;
	const uint8_t *p, *body;
	size_t blen;
	int rc = 0;

	why.code = 0; /* the rest is set with the code (fail reads only those) */
	s->cur_off = s->off;
	s->cur_block = s->blockno;
	p = peek_n(s, 8, &got, &why);
	if (!p && why.code) {
		fail(s, &why);
		return;
	}
	if (got == 0) {
		s->eof = 1;
		return;
	}
	if (got < 8) {
		sr_err_set(&why, SR_ECORRUPT, "truncated block header (%zu of 8 bytes)", got);
		fail(s, &why);
		return;
	}
	bt = sr_rd32(p);
	tl = sr_rd32(p + 4);
	if (!s->saw_shb && bt != SCAP_BT_SHB) {
		sr_err_set(&why, SR_EFORMAT, "not a scap capture (first block type 0x%x)", bt);
		fail(s, &why);
		return;
	}
	/* Header, trailer and at least nothing in between; 4-byte aligned; sane. */
	if (tl < 12 || tl > SCAP_BLOCK_MAX) {
		sr_err_set(&why, SR_ECORRUPT, "block length %u is impossible", tl);
		fail(s, &why);
		return;
	}
	p = peek_n(s, tl, &got, &why);
	if (!p) {
		fail(s, &why);
		return;
	}
	if (got < tl) {
		sr_err_set(&why, SR_ECORRUPT,
			   "truncated: block (type 0x%x) claims %u bytes, only %zu remain", bt, tl,
			   got);
		fail(s, &why);
		return;
	}
	trail = sr_rd32(p + tl - 4);
	if (trail != tl) {
		sr_err_set(&why, SR_ECORRUPT, "block length %u disagrees with its trailer %u", tl,
			   trail);
		fail(s, &why);
		return;
	}
	/* consumed now; the bytes stay where they are until the next block */
	scap_in_skip(&s->in, tl);
	s->off += tl;
	s->blockno++;
	body = p + 8;
	blen = tl - 12;

	/* Event blocks first: nearly every block is one, of one type per file. */
	if (bt == s->ev_bt || is_event_block(bt)) {
		if (bt != s->ev_bt)
			event_layout(s, bt);
		if (do_event(s, body, blen, &why))
			fail(s, &why);
		return;
	}
	switch (bt) {
	case SCAP_BT_SHB:
		if (blen < 16 || sr_rd32(body) != SCAP_SHB_MAGIC) {
			sr_err_set(&why, SR_EFORMAT, "bad section header (byte order magic)");
			rc = -1;
			break;
		}
		s->major = sr_rd16(body + 4);
		s->minor = sr_rd16(body + 6);
		if (s->major != 1) {
			sr_err_set(&why, SR_EFORMAT, "scap format version %u.%u is not supported",
				   s->major, s->minor);
			rc = -1;
			break;
		}
		s->saw_shb = 1;
		snprintf(s->base.host.recorder, sizeof(s->base.host.recorder), "scap %u.%u",
			 s->major, s->minor);
		break;
	case SCAP_BT_MI:
	case SCAP_BT_MI_INT:
		rc = scap_meta_machine(s, body, blen, &why);
		break;
	case SCAP_BT_PL_V1:
	case SCAP_BT_PL_V1_INT:
	case SCAP_BT_PL_V2:
	case SCAP_BT_PL_V2_INT:
	case SCAP_BT_PL_V3:
	case SCAP_BT_PL_V3_INT:
	case SCAP_BT_PL_V4:
	case SCAP_BT_PL_V5:
	case SCAP_BT_PL_V6:
	case SCAP_BT_PL_V7:
	case SCAP_BT_PL_V8:
	case SCAP_BT_PL_V9:
		rc = scap_meta_proclist(s, bt, body, blen, &why);
		break;
	case SCAP_BT_FDL:
	case SCAP_BT_FDL_INT:
	case SCAP_BT_FDL_V2:
		rc = scap_meta_fdlist(s, bt, body, blen, &why);
		break;
	case SCAP_BT_UL:
	case SCAP_BT_UL_INT:
	case SCAP_BT_UL_V2:
		rc = scap_meta_userlist(s, bt, body, blen, &why);
		break;
	default:
		break; /* interface lists and unknown blocks: skipped by length */
	}
	if (rc)
		fail(s, &why);
}

/* ---------- evt_source ops ---------- */

static int src_next(struct evt_source *base, struct evt *ev, struct sr_err *err)
{
	struct scap_src *s = (struct scap_src *)base;

	for (;;) {
		if (s->q_pos < s->q.len) {
			const uint8_t *r = sr_sb_bytes(&s->q) + s->q_pos;
			uint32_t l;

			memcpy(&l, r, 4);
			if (evt_decode(ev, r, s->q.len - s->q_pos))
				return sr_err_set(err, SR_ECORRUPT, "internal: bad record");
			/* event records have their number listed; state records
			 * keep the last one */
			if (s->qnum_pos < s->qnum.len) {
				uint64_t at[2];

				memcpy(at, s->qnum.p + s->qnum_pos, sizeof(at));
				if (at[0] == s->q_pos) {
					s->last_num = at[1];
					s->qnum_pos += sizeof(at);
				}
			}
			s->q_pos += SCAP_ALIGN8(l);
			ev->num = s->last_num;
			return 1;
		}
		sr_sb_setlen(&s->q, 0);
		s->q_pos = 0;
		sr_sb_setlen(&s->qnum, 0);
		s->qnum_pos = 0;
		if (s->failed || s->eof) {
			/* Whatever was gathered still counts before the end or the error. */
			if (s->snap.len || s->snap_threads) {
				if (scap_meta_flush(s, 0))
					return sr_err_set(err, SR_ENOMEM, "out of memory");
				continue;
			}
			if (s->pend.n && flush_all_pending(s) == 0 && s->q.len)
				continue;
			if (s->failed) {
				if (err)
					*err = s->pending_err;
				return s->pending_err.code ? s->pending_err.code : SR_ECORRUPT;
			}
			return 0;
		}
		read_block(s);
	}
}

static void src_set_types(struct evt_source *base, const uint8_t set[32])
{
	struct scap_src *s = (struct scap_src *)base;

	if (!set) {
		s->filter = 0;
		return;
	}
	memcpy(s->want, set, 32);
	s->filter = 1;
	s->hdr_only = 0;
}

static void src_set_header_types(struct evt_source *base, const uint8_t set[32])
{
	struct scap_src *s = (struct scap_src *)base;

	src_set_types(base, set);
	s->hdr_only = set != NULL;
}

static void src_close(struct evt_source *base)
{
	struct scap_src *s = (struct scap_src *)base;

	if (!s)
		return;
	if (s->in_open)
		scap_in_close(&s->in);
	for (size_t i = 0; i < s->thr_cap; i++)
		free(s->thr[i].pend_buf);
	for (unsigned i = 0; i < s->pend.npool; i++)
		free(s->pend.pool[i]);
	free(s->pend.q);
	free(s->thr);
	sr_sb_free(&s->q);
	sr_sb_free(&s->qnum);
	sr_sb_free(&s->snap);
	sr_sb_free(&s->scratch);
	free(s->ops_buf);
	evt_builder_free(&s->b);
	free(s);
}

static const struct evt_source_ops scap_ops = {
    .next = src_next,
    .seek_time = NULL,
    .set_types = src_set_types,
    .set_header_types = src_set_header_types,
    .close = src_close,
};

int scap_source_open(const char *path, struct evt_source **out, struct sr_err *err)
{
	struct scap_src *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	s->base.ops = &scap_ops;
	s->base.kind = SRC_SCAP;
	snprintf(s->base.path, sizeof(s->base.path), "%s", path);
	snprintf(s->base.host.source, sizeof(s->base.host.source), "scap:%s", path);
	evt_builder_init(&s->b);
	s->thr_max = scap_thr_max > SCAP_THR_MIN ? scap_thr_max : SCAP_THR_MIN;
	s->thr_pin = UINT64_MAX;
	/* a real event block type: ev_bt never matches an unknown block */
	event_layout(s, SCAP_BT_EV);
	for (unsigned i = 0; i < SCAP_EVT_ID_MAX; i++)
		s->evd[i] = scap_evdef_get(i);
	s->pend.max_bytes = scap_pend_max_bytes;
	s->pend.max_n = scap_pend_max_entries ? scap_pend_max_entries : 1;
	if (s->pend.max_n > s->thr_max / 2)
		s->pend.max_n = s->thr_max / 2;
	if (scap_in_open(&s->in, path)) {
		int e = errno;
		src_close(&s->base);
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(e));
	}
	s->in_open = 1;
	/* The section header must be there before anyone trusts the file. */
	read_block(s);
	if (s->failed || s->eof || !s->saw_shb) {
		int code = s->failed ? s->pending_err.code : SR_EFORMAT;
		if (s->failed && err)
			*err = s->pending_err;
		else
			sr_err_set(err, SR_EFORMAT, "%s: empty file, not a scap capture", path);
		src_close(&s->base);
		return code;
	}
	/* The lists before the first event fill the host info and the snapshot;
	 * reading them now lets callers see the host before the first record. */
	while (!s->failed && !s->eof && s->q.len == 0 && s->blockno < 1000000)
		read_block(s);
	*out = &s->base;
	return 0;
}
