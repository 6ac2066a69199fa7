/* prb_rec.h: building one record in the per-CPU scratch (BPF side only).
 *
 * A record is laid out as format/evt_abi.h says: struct evt_rec, then one
 * u16 length per parameter, then the parameter bytes. rec_begin() knows the
 * parameter count of the type, so the data area starts at a fixed offset and
 * each put_*() appends bytes and fills the next length slot.
 *
 * Offsets are masked before every access so the verifier can bound them;
 * the logical checks against PRB_REC_LIMIT keep the masks from ever wrapping.
 */
#ifndef PRB_REC_H
#define PRB_REC_H

#define PRB_LEN_MASK (2 * PRB_PARAM_MAX - 1)
/* The per-CPU batch: records are built back to back (8-aligned) and the
 * batch goes to the ringbuf in one bpf_ringbuf_output once it holds
 * cfg_batch_flush bytes (at most PRB_BATCH_MAX), or when the recorder asks
 * (flush program). A full batch and the largest record fit in half the
 * buffer, the most one output takes. */
#define PRB_BUF_SIZE 262144
#define PRB_BUF_MASK (PRB_BUF_SIZE - 1)
_Static_assert(PRB_BATCH_MAX + PRB_REC_LIMIT <= PRB_BUF_SIZE / 2, "batch buffer too small");

/* v & mask, done in the register the verifier then sees used: clang drops
 * a plain mask it can prove redundant, and the verifier cannot. */
#define prb_bound(v, mask)                                                                         \
	({                                                                                         \
		__u64 __v = (__u64)(v);                                                            \
		asm volatile("%[x] &= %[m]" : [x] "+r"(__v) : [m] "i"(mask));                      \
		__v;                                                                               \
	})

struct prb_scratch {
	__u32 off;   /* next parameter byte, from the record start */
	__u32 np;    /* parameters written */
	__u32 flags; /* EVT_RF_* collected while building */
	__u32 pos;   /* path assembly position in tmp (see put_dpath) */
	__u32 base;  /* start of the record being built: bytes already batched */
	__u32 nrec;  /* records in the batch */
	__u32 busy;  /* a program is building here: the flush program must wait */
	__u32 pad;
	/* The syscall being recorded: its number and raw arguments, read from
	 * the saved user registers at exit. */
	__u64 arg[6];
	__s64 nr;
	/* Batched records, then the one being built; the tail is slack for
	 * masked writes. */
	__u8 rec[PRB_BUF_SIZE + 2 * PRB_PARAM_MAX];
	/* Work area: paths are assembled backwards here, sockaddrs staged. */
	__u8 tmp[2 * PRB_PARAM_MAX];
};

/* Stores at any alignment. Parameters sit at odd offsets (the u16 lens
 * before them), and clang splits a store it cannot prove aligned into byte
 * stores (8 stores and 14 shifts for a u64); x86 stores unaligned words
 * natively and the verifier allows it, so say it in asm. */
#define prb_st64(p, v)                                                                             \
	asm volatile("*(u64 *)(%[a] + 0) = %[x]" ::[a] "r"(p), [x] "r"((__u64)(v)) : "memory")
#define prb_st32(p, v)                                                                             \
	asm volatile("*(u32 *)(%[a] + 0) = %[x]" ::[a] "r"(p), [x] "r"((__u64)(v)) : "memory")
#define prb_st16(p, v)                                                                             \
	asm volatile("*(u16 *)(%[a] + 0) = %[x]" ::[a] "r"(p), [x] "r"((__u64)(v)) : "memory")

/* Address of byte off of the record being built. */
#define REC_PTR(s, off) (&(s)->rec[prb_bound((s)->base + (off), PRB_BUF_MASK)])

static __always_inline void rec_begin(struct prb_scratch *s, __u32 nparams)
{
	s->off = EVT_REC_HDR + 2 * nparams;
	s->np = 0;
	s->flags = 0;
}

/* Records the length of the parameter just written and moves on. */
static __always_inline void rec_commit(struct prb_scratch *s, __u32 len)
{
	__u32 np = s->np;

	prb_st16(REC_PTR(s, EVT_REC_HDR + 2 * (np & 31)), len);
	s->np = np + 1;
	s->off += len;
}

/* Bytes left for a parameter that wants `want`; 0 and TRUNC when full. */
static __always_inline __u32 rec_room(struct prb_scratch *s, __u32 want)
{
	__u32 off = s->off;

	if (off >= PRB_REC_LIMIT) {
		s->flags |= EVT_RF_TRUNC;
		return 0;
	}
	if (want > PRB_REC_LIMIT - off) {
		s->flags |= EVT_RF_TRUNC;
		return PRB_REC_LIMIT - off;
	}
	return want;
}

static __always_inline void put_empty(struct prb_scratch *s)
{
	rec_commit(s, 0);
}

static __always_inline void put_u64(struct prb_scratch *s, __u64 v)
{
	__u32 off = s->off;

	if (off > PRB_REC_LIMIT - 8) {
		s->flags |= EVT_RF_TRUNC;
		rec_commit(s, 0);
		return;
	}
	prb_st64(REC_PTR(s, off), v);
	rec_commit(s, 8);
}

static __always_inline void put_u32(struct prb_scratch *s, __u32 v)
{
	__u32 off = s->off;

	if (off > PRB_REC_LIMIT - 4) {
		s->flags |= EVT_RF_TRUNC;
		rec_commit(s, 0);
		return;
	}
	prb_st32(REC_PTR(s, off), v);
	rec_commit(s, 4);
}

/* A string without its NUL, from user memory or the kernel's; cap bounds
 * the bytes read. user is a constant at every call: one helper is kept. */
static __always_inline void put_str(struct prb_scratch *s, const void *ptr, __u32 cap, int user)
{
	__u32 room = rec_room(s, cap);
	long n;

	if (!ptr || room < 2) {
		rec_commit(s, 0);
		return;
	}
	if (user)
		n = bpf_probe_read_user_str(REC_PTR(s, s->off), prb_bound(room, PRB_LEN_MASK), ptr);
	else
		n = bpf_probe_read_kernel_str(REC_PTR(s, s->off), prb_bound(room, PRB_LEN_MASK),
					      ptr);
	if (n <= 0) {
		rec_commit(s, 0);
		return;
	}
	if ((__u32)n >= room)
		s->flags |= EVT_RF_TRUNC;
	rec_commit(s, (__u32)(n - 1) & PRB_LEN_MASK);
}

#define put_ustr(s, uptr, cap) put_str(s, uptr, cap, 1)
#define put_kstr(s, kptr, cap) put_str(s, kptr, cap, 0)

/* len user bytes (already cut to what the caller wants). */
static __always_inline void put_ubytes(struct prb_scratch *s, const void *uptr, __u64 len)
{
	__u32 room;

	if (len > PRB_PARAM_MAX) {
		len = PRB_PARAM_MAX;
		s->flags |= EVT_RF_TRUNC;
	}
	room = rec_room(s, (__u32)len);
	if (!uptr || !room) {
		rec_commit(s, 0);
		return;
	}
	if (bpf_probe_read_user(REC_PTR(s, s->off), prb_bound(room, PRB_LEN_MASK), uptr)) {
		s->flags |= EVT_RF_TRUNC;
		rec_commit(s, 0);
		return;
	}
	rec_commit(s, prb_bound(room, PRB_LEN_MASK));
}

/* len bytes from a kernel/map buffer (exec capture, staged path). */
static __always_inline void put_kbytes(struct prb_scratch *s, const void *kptr, __u32 len)
{
	__u32 room;

	if (len > PRB_PARAM_MAX)
		len = PRB_PARAM_MAX;
	room = rec_room(s, len);
	if (!room) {
		rec_commit(s, 0);
		return;
	}
	if (bpf_probe_read_kernel(REC_PTR(s, s->off), prb_bound(room, PRB_LEN_MASK), kptr)) {
		rec_commit(s, 0);
		return;
	}
	rec_commit(s, prb_bound(room, PRB_LEN_MASK));
}

#endif
