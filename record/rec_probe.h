/* rec_probe: loading the BPF probe and talking to its maps.
 *
 * rec_probe_open() checks privileges and BTF, sets the load-time knobs and
 * loads; the reader (rec_ring) is set up next, so the per-CPU buffers exist
 * before rec_probe_attach() lets events flow (no event finds a CPU without
 * a buffer). Errors come back as one-line messages (the recorder prints
 * them and exits 2).
 */
#ifndef REC_PROBE_H
#define REC_PROBE_H

#include <stdint.h>
#include <sys/types.h>

#include "../common/sr_err.h"
#include "../probe/probe_shared.h"

struct sysrec_bpf;

struct rec_probe_cfg {
	uint8_t sc_evt[PRB_SC_MAX]; /* syscall nr -> event type, 0 = off */
	uint32_t snaplen;
	pid_t self;	    /* excluded tgid */
	int follow;	    /* only tgids added with rec_probe_track() */
	int env;	    /* execve environment */
	uint64_t cgroup_id; /* 0: any */
	uint32_t cgroup_level;
	char comm[16];	     /* "" : any */
	int transport;	     /* enum prb_transport */
	uint32_t ring_pages; /* per-CPU buffer, pages (power of two) */
	int verbose;
	int entry;	/* enum prb_entry: where durations come from */
	uint32_t bench; /* benchmarks: PRB_B_* bits */
};

struct rec_probe {
	struct sysrec_bpf *skel;
	int ncpus;   /* possible CPUs */
	int *rb_fds; /* PRB_TR_RINGBUF: one ringbuf per CPU */
};

int rec_probe_open(struct rec_probe *p, const struct rec_probe_cfg *cfg, struct sr_err *err);
int rec_probe_attach(struct rec_probe *p, struct sr_err *err);
/* Ringbuf transport: pushes every CPU's partial batch to its ringbuf.
 * Returns how many CPUs stayed busy (their batch waits for the next call). */
int rec_probe_flush(struct rec_probe *p);
/* Adds tgid to the followed set (cfg.follow). */
/* 0 when the drop counters read and the flush program runs with the
 * current privileges (used to see whether capabilities can go). */
int rec_probe_check(struct rec_probe *p);
int rec_probe_track(struct rec_probe *p, uint32_t tgid);
/* Sums of the per-CPU drop counters, by enum prb_drop. */
int rec_probe_drops(struct rec_probe *p, uint64_t out[PRB_DROP_NR]);
/* The per-CPU counters: percpu[reason * ncpus + cpu]. */
int rec_probe_drops_cpu(struct rec_probe *p, uint64_t *percpu);
int rec_probe_events_fd(const struct rec_probe *p);
void rec_probe_close(struct rec_probe *p);

#endif
