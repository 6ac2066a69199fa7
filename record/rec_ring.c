/* rec_ring.c: per-CPU buffer readers and their time-ordered merge. */
#include "rec_ring.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_time.h"
#include "../format/evt_abi.h"
#include "../probe/probe_shared.h"

#define RR_HORIZON_NS (REC_RING_HORIZON_MS * 1000000ull)
#define RR_RB_BUSY    (1u << 31)
#define RR_RB_DISCARD (1u << 30)
#define RR_RB_HDR     8
/* Largest record accepted: the stage and perf wrap buffers hold this much. */
#define RR_REC_MAX (PRB_REC_LIMIT + 64)

struct rr_cpu {
	/* perf buffer: meta page, then data */
	struct perf_event_mmap_page *meta;
	/* BPF ringbuf: consumer page (rw) and producer page + data (ro) */
	unsigned long *cons_pos, *prod_pos;
	uint8_t *data;
	uint64_t size, mask;
	void *map_base; /* ringbuf mappings to undo */
	size_t map_len;
	uint64_t pos, end; /* read position and producer position this drain */
	/* ringbuf: a sample is a batch of 8-aligned records; where we are in it
	 * (kept across drains: the sample is released only when all is read) */
	int in_sample;
	uint64_t sample_pos, sample_adv, spos, send;
	/* the peeked record */
	int has;
	const uint8_t *cur;
	uint32_t cur_len;
	uint64_t cur_ts, cur_adv;
	uint8_t *wrap; /* a perf record split by the buffer end, reassembled */
};

struct rec_ring {
	int transport;
	struct rec_probe *probe;
	int n;
	struct perf_buffer *pb;
	int epfd;
	uint64_t lost, bad;
	uint8_t *stage; /* the copy handed to the callback */
	struct rr_cpu cpu[];
};

static int pb_event_unused(void *ctx, int cpu, struct perf_event_header *ev)
{
	(void)ctx;
	(void)cpu;
	(void)ev;
	return LIBBPF_PERF_EVENT_CONT;
}

static int open_perf(struct rec_ring *r, struct rec_probe *p, uint32_t pages, struct sr_err *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	/* wake the reader at a quarter full, not per event: wakeups are costly */
	attr.watermark = 1;
	attr.wakeup_watermark = (uint32_t)(pages * page / 4);
	r->pb =
	    perf_buffer__new_raw(rec_probe_events_fd(p), pages, &attr, pb_event_unused, NULL, NULL);
	if (!r->pb)
		return sr_err_set(err, SR_EIO, "cannot set up perf buffers (%u pages): %s", pages,
				  strerror(errno));
	r->n = (int)perf_buffer__buffer_cnt(r->pb);
	r->epfd = perf_buffer__epoll_fd(r->pb);
	for (int i = 0; i < r->n; i++) {
		struct rr_cpu *c = &r->cpu[i];
		void *base;
		size_t sz;

		if (perf_buffer__buffer(r->pb, i, &base, &sz))
			return sr_err_set(err, SR_EIO, "perf buffer %d has no mapping", i);
		c->meta = base;
		c->data = (uint8_t *)base + page;
		c->size = sz;
		c->mask = sz - 1;
		c->wrap = malloc(RR_REC_MAX);
		if (!c->wrap)
			return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	return 0;
}

static int open_ringbufs(struct rec_ring *r, struct rec_probe *p, uint32_t pages,
			 struct sr_err *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = (size_t)pages * page;

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		return sr_err_set(err, SR_EIO, "epoll: %s", strerror(errno));
	r->n = p->ncpus;
	for (int i = 0; i < r->n; i++) {
		struct rr_cpu *c = &r->cpu[i];
		/* edge-triggered: a ringbuf polls readable while anything is
		 * unconsumed, and records younger than the horizon stay unconsumed;
		 * level-triggered, the reader would spin and flush every CPU (an IPI
		 * each) thousands of times a second. Only the probe's forced wakeup
		 * (buffer past its threshold) or the timeout ends a wait. */
		struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = (uint32_t)i};
		void *cons, *prod;

		cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, p->rb_fds[i], 0);
		/* data is mapped twice in a row: a record never wraps */
		prod =
		    mmap(NULL, page + 2 * size, PROT_READ, MAP_SHARED, p->rb_fds[i], (off_t)page);
		if (cons == MAP_FAILED || prod == MAP_FAILED)
			return sr_err_set(err, SR_EIO, "ringbuf mmap: %s", strerror(errno));
		c->cons_pos = cons;
		c->prod_pos = prod;
		c->data = (uint8_t *)prod + page;
		c->map_base = prod;
		c->map_len = page + 2 * size;
		c->size = size;
		c->mask = size - 1;
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, p->rb_fds[i], &ev))
			return sr_err_set(err, SR_EIO, "epoll_ctl: %s", strerror(errno));
	}
	return 0;
}

int rec_ring_open(struct rec_ring **out, struct rec_probe *p, int transport, uint32_t pages,
		  struct sr_err *err)
{
	struct rec_ring *r;
	int rc;

	if (!pages || (pages & (pages - 1)))
		return sr_err_set(err, SR_ESYNTAX, "buffer pages must be a power of two, not %u",
				  pages);
	r = calloc(1, sizeof(*r) + (size_t)p->ncpus * sizeof(struct rr_cpu));
	if (!r)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	r->transport = transport;
	r->probe = p;
	r->epfd = -1;
	r->stage = malloc(RR_REC_MAX);
	if (!r->stage) {
		free(r);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	rc = transport == PRB_TR_RINGBUF ? open_ringbufs(r, p, pages, err)
					 : open_perf(r, p, pages, err);
	if (rc) {
		rec_ring_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int rec_ring_watch(struct rec_ring *r, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};

	if (fd < 0)
		return 0;
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) ? SR_EIO : 0;
}

int rec_ring_wait(struct rec_ring *r, int timeout_ms)
{
	struct epoll_event evs[64];
	int n = epoll_wait(r->epfd, evs, 64, timeout_ms);

	if (n < 0 && errno != EINTR)
		return SR_EIO;
	return n > 0;
}

/* Takes the record at p (avail bytes readable) if its header is sane; the
 * caller counts a refused one (once, with whatever it drops with it). */
static int take(struct rr_cpu *c, const uint8_t *p, uint64_t avail, uint64_t adv)
{
	const struct evt_rec *h = (const void *)p;

	/* a record must hold its header, fit what the kernel says it wrote and
	 * fit the stage it is copied to (a ringbuf batch is larger than that) */
	if (avail < EVT_REC_HDR || h->len < EVT_REC_HDR || h->len > avail || h->len > RR_REC_MAX)
		return 0;
	c->has = 1;
	c->cur = p;
	c->cur_len = h->len;
	c->cur_ts = h->ts;
	c->cur_adv = adv;
	return 1;
}

static void peek_perf(struct rec_ring *r, struct rr_cpu *c)
{
	while (!c->has && c->pos < c->end) {
		uint64_t off = c->pos & c->mask;
		const struct perf_event_header *eh = (const void *)(c->data + off);
		const uint8_t *rp = (const uint8_t *)eh;
		uint32_t raw;

		/* headers are 8-aligned and never split; sizes are checked before use
		 * (a size not a multiple of 8 would misalign the next header) */
		if (eh->size < sizeof(*eh) || (eh->size & 7) || eh->size > c->size ||
		    eh->size > c->end - c->pos || eh->size > RR_REC_MAX) {
			r->bad++;
			c->pos = c->end;
			return;
		}
		if (off + eh->size > c->size) {
			size_t first = c->size - off;

			memcpy(c->wrap, c->data + off, first);
			memcpy(c->wrap + first, c->data, eh->size - first);
			rp = c->wrap;
		}
		if (eh->type == PERF_RECORD_SAMPLE && eh->size >= sizeof(*eh) + 4) {
			memcpy(&raw, rp + sizeof(*eh), 4);
			if (raw > eh->size - sizeof(*eh) - 4) {
				r->bad++;
				c->pos += eh->size;
				continue;
			}
			if (!take(c, rp + sizeof(*eh) + 4, raw, eh->size)) {
				r->bad++;
				c->pos += eh->size;
			}
		} else {
			if (eh->type == PERF_RECORD_LOST && eh->size >= sizeof(*eh) + 16) {
				uint64_t lost;

				memcpy(&lost, rp + sizeof(*eh) + 8, 8);
				r->lost += lost;
			}
			c->pos += eh->size;
		}
	}
}

static void peek_rb(struct rec_ring *r, struct rr_cpu *c)
{
	while (!c->has) {
		if (c->in_sample) {
			const uint8_t *base = c->data + (c->sample_pos & c->mask) + RR_RB_HDR;
			const struct evt_rec *h = (const void *)(base + c->spos);

			if (c->spos + EVT_REC_HDR <= c->send &&
			    take(c, base + c->spos, c->send - c->spos, (h->len + 7ull) & ~7ull))
				return;
			if (c->spos < c->send)
				r->bad++; /* damaged batch: drop its rest */
			c->pos = c->sample_pos + c->sample_adv;
			c->in_sample = 0;
			continue;
		}
		if (c->pos >= c->end)
			return;
		{
			const uint8_t *hp = c->data + (c->pos & c->mask);
			uint32_t len = __atomic_load_n((const uint32_t *)hp, __ATOMIC_ACQUIRE),
				 dlen;
			uint64_t adv;

			/* not committed yet: everything after it waits too */
			if (len & RR_RB_BUSY) {
				c->end = c->pos;
				return;
			}
			dlen = len & ~(RR_RB_BUSY | RR_RB_DISCARD);
			adv = (dlen + RR_RB_HDR + 7) & ~7ull;
			/* past what the producer committed, or the double mapping */
			if (adv > c->size || adv > c->end - c->pos) {
				r->bad++;
				c->pos = c->end;
				return;
			}
			if (len & RR_RB_DISCARD) {
				c->pos += adv;
				continue;
			}
			c->in_sample = 1;
			c->sample_pos = c->pos;
			c->sample_adv = adv;
			c->spos = 0;
			c->send = dlen;
		}
	}
}

static void peek(struct rec_ring *r, struct rr_cpu *c)
{
	if (r->transport == PRB_TR_RINGBUF)
		peek_rb(r, c);
	else
		peek_perf(r, c);
}

int rec_ring_drain(struct rec_ring *r, int final, rec_ring_fn fn, void *ctx)
{
	uint64_t horizon = final ? UINT64_MAX : sr_time_now(CLOCK_BOOTTIME) - RR_HORIZON_NS;
	int rc = 0;

	/* records older than the horizon may still sit in a CPU's batch */
	if (r->transport == PRB_TR_RINGBUF)
		rec_probe_flush(r->probe);
	for (int i = 0; i < r->n; i++) {
		struct rr_cpu *c = &r->cpu[i];

		if (r->transport == PRB_TR_RINGBUF) {
			c->pos = __atomic_load_n(c->cons_pos, __ATOMIC_ACQUIRE);
			c->end = __atomic_load_n(c->prod_pos, __ATOMIC_ACQUIRE);
			if (c->in_sample && c->sample_pos != c->pos)
				c->in_sample = 0;
		} else {
			c->pos = c->meta->data_tail;
			c->end = __atomic_load_n(&c->meta->data_head, __ATOMIC_ACQUIRE);
		}
		c->has = 0;
		peek(r, c);
	}
	while (!rc) {
		struct rr_cpu *best = NULL;
		uint64_t next = UINT64_MAX; /* the oldest record of any other CPU */

		for (int i = 0; i < r->n; i++) {
			struct rr_cpu *c = &r->cpu[i];

			if (!c->has)
				continue;
			if (!best || c->cur_ts < best->cur_ts) {
				if (best)
					next = best->cur_ts;
				best = c;
			} else if (c->cur_ts < next) {
				next = c->cur_ts;
			}
		}
		if (!best || best->cur_ts > horizon)
			break;
		/* stay on this CPU while its records come strictly first: one
		 * scan of all CPUs per run of records, not per record (on a tie
		 * the scan decides, as a scan per record would) */
		do {
			memcpy(r->stage, best->cur, best->cur_len);
			rc = fn(ctx, r->stage, best->cur_len);
			if (r->transport == PRB_TR_RINGBUF)
				best->spos += best->cur_adv;
			else
				best->pos += best->cur_adv;
			best->has = 0;
			if (rc)
				break;
			peek(r, best);
		} while (best->has && best->cur_ts < next && best->cur_ts <= horizon);
	}
	/* give the consumed space back to the producers */
	for (int i = 0; i < r->n; i++) {
		struct rr_cpu *c = &r->cpu[i];

		if (r->transport == PRB_TR_RINGBUF)
			__atomic_store_n(c->cons_pos, c->pos, __ATOMIC_RELEASE);
		else
			__atomic_store_n(&c->meta->data_tail, c->pos, __ATOMIC_RELEASE);
	}
	return rc;
}

uint64_t rec_ring_fill_ppm(const struct rec_ring *r, int cpu)
{
	const struct rr_cpu *c;
	uint64_t used;

	if (!r || cpu < 0 || cpu >= r->n)
		return 0;
	c = &r->cpu[cpu];
	if (!c->size)
		return 0;
	if (r->transport == PRB_TR_RINGBUF)
		used = __atomic_load_n(c->prod_pos, __ATOMIC_ACQUIRE) -
		       __atomic_load_n(c->cons_pos, __ATOMIC_ACQUIRE);
	else
		used = __atomic_load_n(&c->meta->data_head, __ATOMIC_ACQUIRE) - c->meta->data_tail;
	return used >= c->size ? 1000000 : used * 1000000 / c->size;
}

int rec_ring_ncpus(const struct rec_ring *r)
{
	return r ? r->n : 0;
}

uint64_t rec_ring_lost(const struct rec_ring *r)
{
	return r->lost;
}

uint64_t rec_ring_bad(const struct rec_ring *r)
{
	return r->bad;
}

void rec_ring_close(struct rec_ring *r)
{
	if (!r)
		return;
	if (r->pb)
		perf_buffer__free(r->pb);
	for (int i = 0; i < r->n; i++) {
		struct rr_cpu *c = &r->cpu[i];

		free(c->wrap);
		if (c->cons_pos)
			munmap(c->cons_pos, (size_t)sysconf(_SC_PAGESIZE));
		if (c->map_base)
			munmap(c->map_base, c->map_len);
	}
	if (r->transport == PRB_TR_RINGBUF && r->epfd >= 0)
		close(r->epfd);
	free(r->stage);
	free(r);
}
