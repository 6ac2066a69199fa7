/* probe_shared.h: constants both the probe and the recorder read.
 *
 * Includes nothing: the BPF side and userspace see the same numbers.
 */
#ifndef PROBE_SHARED_H
#define PROBE_SHARED_H

/* Syscall numbers below this are looked up in sc_evt[]; above are ignored. */
#define PRB_SC_MAX 512

/* Largest record the probe emits. A perf sample's size is a u16, so stay
 * well below 64 KiB; parameters are cut (EVT_RF_TRUNC) to fit. */
#define PRB_REC_LIMIT 32768
/* Largest single variable-length parameter (paths are PATH_MAX). */
#define PRB_PARAM_MAX 4096
/* Largest snaplen the probe honours for I/O buffers. */
#define PRB_SNAPLEN_MAX 4096
/* argv/env: at most this many strings, and this many bytes in all. */
#define PRB_ARGS_MAX   64
#define PRB_ARGS_BYTES 4096
#define PRB_ENV_BYTES  2048

/* Per-CPU drop counters (map "drops"), by reason. */
enum prb_drop {
	PRB_DROP_RING = 0,  /* perf/ring buffer full: record not written */
	PRB_DROP_NOMEM = 1, /* per-task scratch could not be created */
	PRB_DROP_OTHER = 2, /* record too large or probe read failure */
	PRB_DROP_NR = 3,
};

/* Transport: how records leave the kernel. */
enum prb_transport {
	PRB_TR_PERF = 0,    /* per-CPU perf buffers, batched wakeups */
	PRB_TR_RINGBUF = 1, /* one BPF ringbuf per CPU, wakeup past a fill threshold */
};

/* Same values as EVT_EXEC_* in format/evt.h (checked by the recorder). */
#define PRB_EXEC_FROM_MEMFD 0x1

#endif
