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
/* Ringbuf transport: a CPU's records go out in batches of at most this many
 * bytes, fewer with a small ringbuf (the recorder sets the size). Each
 * output costs about the same however large: 16 KiB batches cost a record
 * 25 ns of the probe's time, 64 KiB ones 14 ns (bench/probe_parts.sh). */
#define PRB_BATCH_MAX 65536
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

/* Where a syscall's entry time (its duration) comes from. Arguments are
 * always read at exit, from the saved user registers. */
enum prb_entry {
	PRB_ENTRY_NONE = 0, /* no sys_enter program: latency 0, cheapest */
	PRB_ENTRY_SLOT = 1, /* per-CPU slot, moved to task storage on a context switch */
	PRB_ENTRY_TASK = 2, /* task storage on every entry */
};

/* Benchmarks only (cfg_bench bits): take parts of the work away to see what
 * each costs. */
#define PRB_B_EMPTY  0x1  /* syscall programs return at once (the platform's floor) */
#define PRB_B_NOEMIT 0x2  /* build records, then throw them away (transport cost) */
#define PRB_B_NOHDR  0x4  /* no record header fields from the task */
#define PRB_B_RAWTP  0x8  /* with EMPTY: raw_tp programs instead of tp_btf */
#define PRB_B_NOEXIT 0x10 /* with EMPTY: no sys_exit program (sys_enter alone) */
/* The least a recorder does: sys_exit copies the syscall's number, arguments
 * and result into per-CPU scratch and records nothing; sys_enter, when
 * durations are on, returns at once. */
#define PRB_B_FLOOR 0x20
/* with FLOOR: the timestamps too, as a recorder takes them: the exit's time,
 * and with durations on the entry's (sys_enter's per-CPU slot, read back at
 * exit) */
#define PRB_B_CLOCK 0x40

/* Same values as EVT_EXEC_* in format/evt.h (checked by the recorder). */
#define PRB_EXEC_FROM_MEMFD 0x1

#endif
