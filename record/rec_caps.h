/* rec_caps: least privilege once the recorder runs.
 *
 * Loading and attaching the probe, creating its maps and taking the /proc
 * snapshot need CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH (or all of root's). Once they are done, the running
 * recorder works with the descriptors it holds (ring buffers, maps, the
 * flush program, the capture file) and its own user's file permissions:
 * rec_caps_drop() gives up every capability, effective, permitted,
 * inheritable, ambient and the bounding set, so neither sysrec nor anything
 * it could ever start gets them back. Recording, rotation, -W deletion, rule
 * reloads and the final close keep working (tests/e2e/record_caps.sh).
 * Whether this kernel lets map reads and the flush program run without
 * CAP_BPF is tried first with the effective set off (rec_probe_check);
 * where it does not, the capabilities are kept and sysrec says so.
 */
#ifndef REC_CAPS_H
#define REC_CAPS_H

#include <stdint.h>

#include "../common/sr_err.h"

/* Turns the effective set off (1) or back to the permitted set (0): to try
 * what works without capabilities while they can still be had back. */
int rec_caps_effective_off(int off);
/* Gives up every capability for good. */
int rec_caps_drop(struct sr_err *err);
/* The same, but the capabilities in keep (bit N = capability N) stay
 * permitted and effective: CAP_KILL for response actions, which signal
 * other users' processes. */
int rec_caps_drop_except(uint64_t keep, struct sr_err *err);
/* The effective capability mask of this process (for -v and tests). */
uint64_t rec_caps_effective(void);

#endif
