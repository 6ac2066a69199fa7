/* scap_reader.h: the .scap event source's private state, shared by
 * scap_reader.c (blocks, events, enter/exit pairing) and scap_meta.c
 * (machine, process, fd and user lists -> snapshot records). */
#ifndef SCAP_READER_H
#define SCAP_READER_H

#include "../format/evt_source.h"
#include "scap_input.h"
#include "scap_int.h"

struct oparams;

/* One thread we know: from the process list, clone and execve events. It
 * also holds the enter event waiting for its exit. */
struct scap_thr {
	uint64_t tid, pid, ptid;
	uint32_t uid, gid;
	char comm[EVT_COMM_LEN];
	uint8_t used;
	/* pending enter: type, ts, cpu and its parameters ([n][lens u32][bytes]);
	 * pend_buf is held only while pend is set (see struct scap_pend) */
	uint8_t pend;
	uint16_t pend_type, pend_cpu;
	uint64_t pend_ts;
	uint64_t pend_seq; /* its place in the pending queue */
	uint64_t pend_num; /* its event number (scap_src.evno) */
	uint8_t *pend_buf;
	uint32_t seen; /* s->thr_clock when last looked up (eviction age) */
	uint32_t pend_cap;
};

/* Limit on the thread table. Each distinct thread id in a file costs a slot
 * (88 bytes, the table kept at most half full), so a damaged or hostile file
 * naming millions of ids would otherwise grow it without bound (~180 MB per
 * million). sysdig caps its own table at 131072 threads; so do we: at most
 * ~23 MB. When full, the thread least recently seen (approximately: the
 * oldest of a few sampled) that has no enter waiting is forgotten. Nothing
 * is dropped: its later events decode as those of a thread first met in the
 * middle of the file (see thr_evict in scap_reader.c for what that costs).
 * Read when a source opens (never below SCAP_THR_MIN); tests lower it. */
#define SCAP_THR_MAX_DEFAULT (1u << 17)
#define SCAP_THR_MIN	     8
extern size_t scap_thr_max;

/* Limits on the enter events waiting for their exit, across all threads.
 * A real capture has at most one per thread in a syscall at once: a few
 * thousand entries and a few MiB. A damaged or hostile file can open enters
 * on millions of thread ids and never exit them; past either limit the
 * oldest waiting enter is delivered alone (EVT_RF_ENTER_ONLY, as at the end
 * of the file) instead of being held. Read when a source opens; tests lower
 * them. The entry limit is also held to half the thread limit: a waiting
 * enter pins its thread in the table, and the other half keeps room to
 * evict from. */
#define SCAP_PEND_MAX_BYTES_DEFAULT   (64u << 20)
#define SCAP_PEND_MAX_ENTRIES_DEFAULT (SCAP_THR_MAX_DEFAULT / 2)
extern size_t scap_pend_max_bytes;
extern size_t scap_pend_max_entries;

/* The waiting enters, oldest first: a queue of (tid, seq) where an entry is
 * stale once its thread's pend_seq moved on or its pend cleared (removed
 * lazily, and the queue compacted when stale entries dominate). The ring
 * (a power of two) follows the live entries both ways: it grows only when
 * at least a quarter of it is live and shrinks when under an eighth is, so
 * it stays within 8 entries (128 bytes) per waiting enter plus a few
 * hundred bytes. Buffers of consumed enters go to a small free pool, so the
 * steady state allocates nothing and no buffer outlives its enter beyond
 * the pool. */
struct scap_pend_ref {
	uint64_t tid, seq;
};
#define SCAP_PEND_POOL 8
struct scap_pend {
	struct scap_pend_ref *q;
	size_t head, len, cap; /* ring: entries [head, head + len) mod cap */
	uint64_t next_seq;
	size_t n;		   /* enters waiting */
	size_t bytes;		   /* their buffers' capacity, summed */
	size_t max_bytes, max_n;   /* limits for this source */
	size_t peak_bytes, peak_n; /* high-water marks (tests, stats) */
	size_t peak_qcap;	   /* the ring's largest size, in entries */
	uint64_t evicted;	   /* enters delivered alone because of the limits */
	uint8_t *pool[SCAP_PEND_POOL];
	uint32_t pool_cap[SCAP_PEND_POOL];
	unsigned npool;
};

/* The event types of sysdig 0.29.3 (our reference; its libscap is of
 * 2022-03) end at capset's exit: it skips later types (useradded, 354, on)
 * without numbering them. */
#define SCAP_NUM_TYPE_END 354

#define SCAP_ALIGN8(n) (((n) + 7) & ~(size_t)7)

struct scap_src {
	struct evt_source base; /* first: the evt_source handed out */
	struct scap_in in;
	int in_open;
	uint64_t off;	  /* (decompressed) offset of the next block */
	uint64_t blockno; /* 0-based number of the next block */
	uint64_t cur_off, cur_block;
	int eof, failed, saw_shb;
	uint32_t ev_bt;	     /* the event block type seen last (0: none yet) */
	int ev_v2, ev_large; /* its layout (event_layout in scap_reader.c) */
	unsigned ev_pre, ev_hdr;
	struct sr_err pending_err;
	uint16_t major, minor;
	/* evt.num as sysdig gives it: sysdig numbers the event blocks of the
	 * file from 1, enter and exit apart. A record merging an enter with its
	 * exit takes the exit's number, an enter left alone its own; snapshot
	 * records take the number of the event record before them. Event types
	 * sysdig does not know are skipped unnumbered (SCAP_NUM_TYPE_END). */
	uint64_t evno;	   /* event blocks numbered so far */
	uint64_t cur_num;  /* number of the record build() makes */
	uint64_t last_num; /* number of the last event record delivered */
	struct sr_sb qnum; /* (offset in q, number) of each event record in q */
	size_t qnum_pos;

	struct sr_sb q; /* records ready to deliver, back to back */
	size_t q_pos;
	struct sr_sb snap; /* snapshot records gathered from list blocks */
	unsigned snap_threads;

	struct scap_thr *thr;
	size_t thr_cap, thr_n;
	size_t thr_max;	      /* limit for this source (scap_thr_max at open) */
	size_t thr_peak;      /* most threads held at once (tests, stats) */
	uint64_t thr_evicted; /* threads forgotten to stay within thr_max */
	uint32_t thr_clock;   /* counts events: the age of a thread's seen */
	size_t thr_hand;      /* where the next eviction sample starts */
	size_t thr_hint;      /* the slot scap_thr_find found last */
	uint64_t thr_pin;     /* the thread being built: never evicted */
	struct scap_pend pend;

	const struct scap_evdef *evd[SCAP_EVT_ID_MAX]; /* scap_evdef_get, looked up once */
	struct evt_builder b;
	struct sr_sb scratch;	 /* argv assembly */
	struct oparams *ops_buf; /* per-record assembly space (scap_reader.c) */
	uint8_t want[32];
	/* with filter: unwanted types come header-only instead of not at all */
	int hdr_only;
	int filter;
};

/* The thread table (scap_src.c). The thread tid, or NULL; with create, a
 * new entry when it is unknown. Creating may move every entry (growth, or
 * an eviction's backward shift): pointers from earlier calls are stale
 * after a call with create. */
struct scap_thr *scap_thr_get(struct scap_src *s, uint64_t tid, int create);
/* The thread tid if the table holds it (never creates), or NULL. */
struct scap_thr *scap_thr_find(struct scap_src *s, uint64_t tid);

/* List blocks (scap_meta.c): body is the block without header/trailer. */
int scap_meta_machine(struct scap_src *s, const uint8_t *body, size_t len, struct sr_err *err);
int scap_meta_proclist(struct scap_src *s, uint32_t bt, const uint8_t *body, size_t len,
		       struct sr_err *err);
int scap_meta_fdlist(struct scap_src *s, uint32_t bt, const uint8_t *body, size_t len,
		     struct sr_err *err);
int scap_meta_userlist(struct scap_src *s, uint32_t bt, const uint8_t *body, size_t len,
		       struct sr_err *err);
/* A process as the process list (or a clone event) describes it. */
struct scap_pl_entry {
	uint64_t tid, pid, ptid;
	const uint8_t *comm, *exe, *exepath, *args, *cwd, *env, *cgroups;
	uint32_t comm_len, exe_len, exepath_len, args_len, cwd_len, env_len, cgroups_len;
	uint32_t flags, uid, gid, tty, loginuid;
	int64_t vtid, vpid;
	uint64_t cap_eff;
	uint8_t exe_writable, exe_upper, exe_memfd;
};

/* Queues a PROCINFO record for a thread first met in the middle of the
 * capture (its clone event describes it), header time ts. */
int scap_meta_procinfo(struct scap_src *s, const struct scap_pl_entry *e, uint64_t ts);
/* Moves gathered snapshot records into the output queue between SNAP_BEGIN/END. */
int scap_meta_flush(struct scap_src *s, uint64_t ts);

/* A comm (EVT_COMM_LEN bytes) from n bytes of text: cut as the kernel cuts
 * it (15), the rest zero so records carry no stale bytes (scap_meta.c). */
void scap_comm_set(char *dst, const uint8_t *p, uint32_t n);

/* Appends a finished record (builder output) to a buffer (scap_src.c). */
int scap_emit(struct scap_src *s, struct sr_sb *to);
/* Appends a record straight from its header h (type and the rest set; len,
 * nparams and the EVT_RF_LARGE flag are filled in) and n parameters, padded
 * to 8 bytes: what the builder and scap_emit do, without their copies.
 * n may be fewer than the schema declares, which evt_builder_finish would
 * refuse: none for a header-only record (set_header_types), the arguments
 * scap had for a generic one, and older scap event versions lack trailing
 * parameters. Readers take the parameters a record has (an added empty one
 * would read as 0). */
int scap_emit_rec(struct sr_sb *to, struct evt_rec *h, unsigned n, const uint8_t *const *p,
		  const uint32_t *len);

/* Container JSON events (libsinsp's CONTAINER_JSON_E and _2_E). */
#define SCAP_CONTAINER_JSON   272
#define SCAP_CONTAINER_JSON_2 324
/* scap_container.c: a container JSON document into a CONTAINERINFO record
 * begun with hdr in b; SR_EFORMAT when it describes no container. */
int scap_container_json(const char *json, size_t len, const struct evt_rec *hdr,
			struct evt_builder *b);
/* The JSON document for a CONTAINERINFO record ev into out (NUL-terminated,
 * cut at cap); returns its length. */
size_t scap_container_to_json(const struct evt *ev, char *out, size_t cap);

#endif
