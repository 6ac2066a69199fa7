/* fmt_pipe: chunks of a .sysrec capture loaded ahead by a pool of worker
 * threads, handed back in the order the reader asks for them.
 *
 * How to use (fmt_reader.c does; nothing else needs to):
 *   fmt_pipe_configure(workers, depth) once, before readers open (process
 *   wide; 0 workers: no pipeline, readers load chunks themselves);
 *   p = fmt_pipe_new(&ops, ctx, nitems) per reader (NULL when off);
 *   l = fmt_pipe_take(p, i) for each chunk the reader wants, in its order:
 *   the pipe predicts the order with ops->wanted and keeps up to depth chunks
 *   in flight; a take that breaks the prediction (a seek) restarts it there.
 *   l stays valid until the next take or fmt_pipe_free;
 *   fmt_pipe_reset(p, nitems) before the items change under the workers.
 * Threads: take and free run on the reader's thread; ops->work on a worker,
 * or on the thread of a take waiting for its chunk, for any pipe of the
 * pool (either way it may read the reader but not write it, and it reads
 * what it needs of the reader once per load: the reader's thread writes its
 * cursor for every record); ops->wanted and ops->cost on the reader's
 * thread.
 */
#ifndef FMT_PIPE_H
#define FMT_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"
#include "fmt_layout.h"
#include "fmt_wire.h"

/* One chunk's load: buffers a worker fills and what became of it. The
 * stage an error happened in lets the reader run the checks that need the
 * chunks before this one (hash and digest chains) in the same order a
 * single-threaded load runs them, so errors do not depend on threads. */
enum fmt_load_stage {
	FMT_LOAD_OK,
	FMT_LOAD_EHDR,	  /* header read and checks, before the hash chain */
	FMT_LOAD_EDATA,	  /* payload read, its crc */
	FMT_LOAD_EDIGEST, /* the chunk's own digest */
	FMT_LOAD_ELATE,	  /* frame size, decompression */
};

struct fmt_load {
	size_t idx; /* chunk index */
	void *dctx; /* ZSTD_DCtx */
	uint8_t *comp, *raw, *mem;
	size_t comp_cap, raw_cap, mem_cap;
	struct fmt_chunk_hdr h;
	size_t raw_len;
	int have_ext; /* comp holds the whole header (h.hdr_len bytes) */
	enum fmt_load_stage stage;
	int rc;
	struct sr_err err;
	/* 2.x, expanded by the worker: the first nexp records at mem (exp_len
	 * bytes), then exp_rc/exp_f: the fault that stopped expansion (from
	 * the record cursor, or at_finish: from fmt_wire_dec_finish). */
	int expanded;
	uint32_t nexp;
	size_t exp_len;
	int exp_rc, exp_at_finish;
	struct fmt_wire_fault exp_f;
	struct fmt_wire_dec wire;
	/* With a keep test (fmt_reader_set_keep), run by the worker on each
	 * expanded record: kept[2k] is the offset at mem of the k-th record to
	 * deliver, kept[2k + 1] the chunk's events up to it, itself included
	 * (evt.num), with the test's marks in the top bits; nevents the events among the nexp
	 * records, ncounted the records the test counted instead of delivering. */
	int tested;
	uint32_t *kept;
	size_t kept_cap;
	uint32_t nkept, nevents;
	uint64_t ncounted;
	/* pipe bookkeeping */
	int state;
	uint64_t order;
	size_t cost;
	struct fmt_pipe *owner;
};

struct fmt_pipe_ops {
	void (*work)(void *ctx, struct fmt_load *l);
	int (*wanted)(void *ctx, size_t i);
	size_t (*cost)(void *ctx, size_t i); /* bytes a load of i holds */
};

struct fmt_pipe;

/* workers: threads of the shared pool (0: off); depth: chunks in flight
 * per reader (also capped by FMT_PIPE_BUDGET bytes). */
void fmt_pipe_configure(unsigned workers, unsigned depth);
unsigned fmt_pipe_workers(void);
/* Bytes of chunk loads one reader keeps in flight at most (beyond one). */
#define FMT_PIPE_BUDGET (24u << 20)

struct fmt_pipe *fmt_pipe_new(const struct fmt_pipe_ops *ops, void *ctx, size_t nitems);
struct fmt_load *fmt_pipe_take(struct fmt_pipe *p, size_t i);
/* Drops every load in flight (waiting for the running ones), keeps the one
 * the reader holds (the last taken), and sets the item count. Call before
 * changing anything ops->work reads (a chunk list that grows: live reading)
 * and again after, when the count changed. NULL p: nothing. */
void fmt_pipe_reset(struct fmt_pipe *p, size_t nitems);
void fmt_pipe_free(struct fmt_pipe *p);
/* Frees a load's buffers (the reader's own load uses the same struct). */
void fmt_load_release(struct fmt_load *l);

#endif
