/* sysrec.bpf.c: the syscall probe.
 *
 * sys_exit builds one record per syscall, in the evt_abi.h layout, in this
 * CPU's batch buffer, reading the arguments from the saved user registers
 * (x86_64 keeps them intact across a syscall; execve, whose registers are
 * reset, takes what it needs from sched_process_exec). sys_enter only notes
 * the entry time, for the duration, and only when the recorder wants
 * durations (cfg_entry): every attached syscall tracepoint is paid on every
 * syscall of the machine, so the cheapest probe has no sys_enter at all. A batch goes
 * to this CPU's BPF ringbuf in one bpf_ringbuf_output when it holds 16 KiB,
 * or when the recorder runs the flush program on that CPU, so the ringbuf's
 * lock and commit are paid once per batch, not per event; no CPU ever
 * touches another's buffers. (The perf-buffer transport sends each record on
 * its own; kept for comparison, see bench/overhead.sh.)
 * exit/exit_group never return: sched_process_exit emits them (NORET).
 * sched_process_fork/exec/exit give process lifecycle even when a syscall
 * record is lost, and maintain the followed process subtree.
 */
#ifndef __TARGET_ARCH_x86
#error "the probe supports x86_64 only (registers, syscall numbers: format/evt_sysnr.def)"
#endif
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "format/evt_abi.h"
#include "probe/probe_evt.h"
#include "probe/probe_shared.h"
#include "probe/prb_rec.h"
#include "probe/prb_kern.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- load-time knobs, set by the recorder through the skeleton ---- */
const volatile __u32 cfg_self_tgid = 0; /* the recorder: never recorded */
const volatile __u32 cfg_snaplen = 80;	/* I/O bytes kept per read/write */
const volatile __u8 cfg_follow = 0;	/* only tgids in `tracked` */
const volatile __u8 cfg_env = 0;	/* capture execve environment */
const volatile __u8 cfg_transport = PRB_TR_PERF;
const volatile __u8 cfg_comm_on = 0;
const volatile char cfg_comm[16] = {};
const volatile __u64 cfg_cgroup_id = 0;	    /* 0: any cgroup */
const volatile __u32 cfg_cgroup_level = 0;  /* depth of cfg_cgroup_id in the hierarchy */
const volatile __u32 cfg_rb_wake = 1 << 20; /* ringbuf: wake the reader past this many bytes */
const volatile __u32 cfg_batch_flush = PRB_BATCH_MAX; /* ringbuf: batch bytes sent at once */
const volatile __u8 cfg_entry = PRB_ENTRY_SLOT;	      /* enum prb_entry */
/* Benchmarks only: PRB_B_* bits taking parts of the work away. */
const volatile __u32 cfg_bench = 0;

/* Syscall number -> event type; 0 means "not recorded". One lookup both
 * filters and dispatches. */
const volatile __u8 sc_evt[PRB_SC_MAX] = {};
/* The syscalls the probe treats specially, numbered by the recorder from
 * format/evt_sysnr.def; PRB_SC_MAX: not known. */
const volatile __u32 cfg_nr_execve = PRB_SC_MAX;
const volatile __u32 cfg_nr_execveat = PRB_SC_MAX;
const volatile __u32 cfg_nr_exit = PRB_SC_MAX;
const volatile __u32 cfg_nr_exit_group = PRB_SC_MAX;

/* The event type syscall nr is recorded as; 0: not recorded. */
static __always_inline __u8 sc_type(__u64 nr)
{
	return nr < PRB_SC_MAX ? sc_evt[nr] : 0;
}

/* ---- maps ---- */
/* Entry time of a task's pending syscall, when it left the CPU in between. */
struct prb_task {
	__u64 ts; /* entry time; 0 when no syscall is pending */
	__s64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct prb_task);
} tasks SEC(".maps");

/* The last syscall entry on this CPU (PRB_ENTRY_SLOT): nearly every syscall
 * returns on the CPU it entered on without another entry in between, so one
 * slot per CPU serves them at the price of an inlined array lookup. A task
 * switched out in between takes its slot along into task storage
 * (sched_switch), where its exit finds it. */
struct prb_slot {
	__u32 tid; /* 0: empty */
	__u32 nr;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prb_slot);
} slots SEC(".maps");

/* What a successful exec ran with, saved by sched_process_exec: at sys_exit
 * the caller's memory is gone. Read from the kernel's own copies (the
 * filename, the new stack's argv/envp), never from the caller's pointers,
 * whose pages a freshly forked child may not even have mapped. */
struct prb_exec {
	__u32 fname_len, args_len, env_len, flags;
	__u8 fname[PRB_PARAM_MAX];
	__u8 args[2 * PRB_ARGS_BYTES];
	__u8 env[2 * PRB_ENV_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct prb_exec);
} execs SEC(".maps");

/* Record batch and scratch, one slot per CPU (a per-CPU array value is
 * limited to 32 KiB; this is larger). Probe programs run with preemption
 * off, so two of them never share a slot at once; the flush program, run
 * from an IPI, checks the slot's busy flag first. Sized by the recorder. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prb_scratch);
} scratch SEC(".maps");

/* Benchmarks only (PRB_B_FLOOR): where the floor program copies a
 * syscall's registers, apart from the batches other programs build. */
struct prb_floor {
	__u64 nr, arg[6], ret, ts, ts0;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prb_floor);
} floors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PRB_DROP_NR);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* One ringbuf per CPU (transport PRB_TR_RINGBUF); filled by the recorder. */
struct prb_rb {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct prb_rb);
} rbs SEC(".maps");

/* Followed processes (tgid -> 1): the command's subtree or -p PID. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

/* ---- helpers ---- */
static __always_inline void count_drops(__u32 reason, __u32 n)
{
	__u64 *c = bpf_map_lookup_elem(&drops, &reason);

	if (c)
		*c += n;
}

#define count_drop(reason) count_drops(reason, 1)

static __always_inline int want(__u32 tgid)
{
	if (tgid == cfg_self_tgid)
		return 0;
	if (cfg_follow && !bpf_map_lookup_elem(&tracked, &tgid))
		return 0;
	if (cfg_cgroup_id && bpf_get_current_ancestor_cgroup_id(cfg_cgroup_level) != cfg_cgroup_id)
		return 0;
	if (cfg_comm_on) {
		char c[16] = {};

		bpf_get_current_comm(c, sizeof(c));
		for (int i = 0; i < 16; i++) {
			if (c[i] != cfg_comm[i])
				return 0;
			if (!c[i])
				break;
		}
	}
	return 1;
}

static __always_inline struct prb_scratch *scratch_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

/* A program starts a record: until rec_emit() the flush program keeps off
 * this CPU's batch (it may run from an interrupt in between). */
static __always_inline struct prb_scratch *scratch_begin(void)
{
	struct prb_scratch *s = scratch_get();

	if (s)
		s->busy = 1;
	return s;
}

/* Header fields come from plain loads through the task pointer: helper calls
 * (comm, cgroup id, probe reads) cost several times more on this path. */
static __always_inline void rec_header(struct prb_scratch *s, struct task_struct *t, __u16 type,
				       __u16 np, __u64 ts, __u64 lat, __s64 res)
{
	struct evt_rec *h = (struct evt_rec *)REC_PTR(s, 0);
	const struct cred *cr = t->cred;

	h->len = s->off;
	h->type = type;
	h->nparams = np;
	h->ts = ts;
	h->latency = lat;
	h->res = res;
	h->pid = t->tgid;
	h->tid = t->pid;
	h->ppid = t->real_parent->tgid;
	/* effective ids: the identity the syscall acts with (sysdig's user.uid) */
	h->uid = cr->euid.val;
	h->gid = cr->egid.val;
	h->cpu = (__u16)bpf_get_smp_processor_id();
	h->flags = (__u16)s->flags;
	h->cgroup_id = t->cgroups->dfl_cgrp->kn->id;
	__builtin_memcpy(h->comm, t->comm, sizeof(h->comm));
}

/* Hands the batch to this CPU's ringbuf; a failure loses all its records.
 * The reader is woken when the ringbuf is past its threshold, or with wake. */
static __always_inline void batch_flush(struct prb_scratch *s, int wake)
{
	__u32 cpu = bpf_get_smp_processor_id(), n = s->base;
	void *rb;
	__u64 fl = BPF_RB_NO_WAKEUP;

	if (!n)
		return;
	rb = bpf_map_lookup_elem(&rbs, &cpu);
	if (!rb || n > PRB_BUF_SIZE / 2) {
		count_drops(PRB_DROP_OTHER, s->nrec);
	} else {
		if (wake || bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= cfg_rb_wake)
			fl = BPF_RB_FORCE_WAKEUP;
		if (bpf_ringbuf_output(rb, s->rec, n, fl))
			count_drops(PRB_DROP_RING, s->nrec);
	}
	s->base = 0;
	s->nrec = 0;
}

/* The record is complete: batch it (ringbuf) or send it (perf). With now,
 * the batch goes at once and wakes the reader (ringbuf). */
static __always_inline void rec_emit_as(void *ctx, struct prb_scratch *s, int now)
{
	__u32 len = s->off;

	if (len > PRB_REC_LIMIT || len < EVT_REC_HDR) {
		count_drops(PRB_DROP_OTHER, 1);
	} else if (cfg_transport == PRB_TR_RINGBUF) {
		s->base += (len + 7) & ~7u;
		s->nrec++;
		if (now || s->base >= cfg_batch_flush)
			batch_flush(s, now);
	} else if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, s->rec, len)) {
		count_drops(PRB_DROP_RING, 1);
	}
	s->busy = 0;
}

static __always_inline void rec_emit(void *ctx, struct prb_scratch *s)
{
	rec_emit_as(ctx, s, 0);
}

/* NUL-terminated user strings from a NULL-terminated pointer array,
 * concatenated (PT_STRARRAY). buf holds 2 * cap bytes. */
static __always_inline __u32 read_strarray(__u8 *buf, const char *const *arr, __u32 cap,
					   __u32 *flags)
{
	__u32 off = 0;

	if (!arr)
		return 0;
	for (int i = 0; i < PRB_ARGS_MAX; i++) {
		const char *p = NULL;
		long n;

		if (bpf_probe_read_user(&p, sizeof(p), &arr[i]) || !p)
			return off;
		if (off >= cap) {
			*flags |= EVT_RF_TRUNC;
			return off;
		}
		/* a constant size keeps the verifier's bounds simple; the slack
		 * half of buf absorbs a string running past cap */
		n = bpf_probe_read_user_str(&buf[prb_bound(off, cap - 1)], cap, p);
		if (n <= 0)
			return off;
		off += (__u32)n;
		if (off > cap) {
			buf[(cap - 1) & (cap - 1)] = 0;
			*flags |= EVT_RF_TRUNC;
			return cap;
		}
	}
	*flags |= EVT_RF_TRUNC;
	return off;
}

/* Bytes of an iovec array, concatenated, up to want bytes, as one parameter. */
static __always_inline void put_uiov(struct prb_scratch *s, const struct iovec *iov, __u64 cnt,
				     __u64 want)
{
	__u32 start = s->off, got = 0;

	if (want > PRB_SNAPLEN_MAX)
		want = PRB_SNAPLEN_MAX;
	want = rec_room(s, (__u32)want);
	for (int i = 0; i < 8; i++) {
		struct iovec v = {};
		__u32 n;

		if (i >= cnt || got >= want)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), &iov[i]))
			break;
		n = v.iov_len < want - got ? (__u32)v.iov_len : (__u32)want - got;
		n = (__u32)prb_bound(n, PRB_SNAPLEN_MAX * 2 - 1);
		if (n && bpf_probe_read_user(REC_PTR(s, start + got), n, v.iov_base))
			break;
		got += n;
	}
	rec_commit(s, got & PRB_LEN_MASK);
}

static __always_inline __u32 snap(__s64 n)
{
	if (n <= 0)
		return 0;
	return n < cfg_snaplen ? (__u32)n : cfg_snaplen;
}

static __always_inline void put_ufd_pair(struct prb_scratch *s, const int *ufds, __s64 ret)
{
	int fds[2] = {-1, -1};

	if (ret == 0 && ufds)
		bpf_probe_read_user(fds, sizeof(fds), ufds);
	put_u32(s, (__u32)fds[0]);
	put_u32(s, (__u32)fds[1]);
}

/* A u32/u64 field at byte offset off of a user struct (clone_args, open_how...). */
static __always_inline __u64 ufield_u64(__u64 uptr, __u32 off)
{
	__u64 v = 0;

	if (uptr)
		bpf_probe_read_user(&v, sizeof(v), (const void *)(uptr + off));
	return v;
}

static __always_inline __u32 ufield_u32(__u64 uptr, __u32 off)
{
	__u32 v = 0;

	if (uptr)
		bpf_probe_read_user(&v, sizeof(v), (const void *)(uptr + off));
	return v;
}

/* Heavy parameter builders are global functions: the verifier checks each
 * once on its own instead of once per call site and path, which keeps the
 * sys_exit program far below its complexity limit. They take scalars only
 * and find this CPU's scratch themselves. */
__noinline int prb_dpath(__u64 dentry, __u64 vfsmount)
{
	struct prb_scratch *s = scratch_get();

	if (s)
		put_dpath(s, (struct dentry *)dentry, (struct vfsmount *)vfsmount);
	return 0;
}

__noinline int prb_tuple(__s64 fd)
{
	struct prb_scratch *s = scratch_get();

	if (s)
		put_tuple_fd(s, bpf_get_current_task_btf(), fd);
	return 0;
}

__noinline int prb_sockaddr(__u64 uaddr, __u64 alen)
{
	struct prb_scratch *s = scratch_get();

	if (s)
		put_usockaddr(s, (const void *)uaddr, alen);
	return 0;
}

__noinline int prb_iov(__u64 iov, __u64 cnt, __u64 want)
{
	struct prb_scratch *s = scratch_get();

	if (s)
		put_uiov(s, (const struct iovec *)iov, cnt, want);
	return 0;
}

/* exe (mm->exe_file) and cwd of the current task. */
static __always_inline void put_exe(struct prb_scratch *s, struct task_struct *t)
{
	struct file *f = BPF_CORE_READ(t, mm, exe_file);

	if (!f) {
		rec_commit(s, 0);
		return;
	}
	prb_dpath((__u64)BPF_CORE_READ(f, f_path.dentry), (__u64)BPF_CORE_READ(f, f_path.mnt));
}

static __always_inline void put_cwd(struct prb_scratch *s, struct task_struct *t)
{
	struct fs_struct *fs = BPF_CORE_READ(t, fs);

	if (!fs) {
		rec_commit(s, 0);
		return;
	}
	prb_dpath((__u64)BPF_CORE_READ(fs, pwd.dentry), (__u64)BPF_CORE_READ(fs, pwd.mnt));
}

/* execve/execveat record, at exit (in the new image on success). */
/* A successful execveat's registers are gone by its exit; the kernel names
 * a file opened relative to dirfd "/dev/fd/N/path" (or "/dev/fd/N" for
 * AT_EMPTY_PATH), which gives both back. */
static __always_inline void exec_at_args(struct prb_exec *ex, __s64 *dirfd, __u32 *flags)
{
	__u32 i, n = 0, len = ex->fname_len;

	*dirfd = -100; /* AT_FDCWD */
	*flags = 0;
	/* "/dev/fd/" as a little-endian u64 */
	if (len < 9 || *(__u64 *)ex->fname != 0x2f64662f7665642full)
		return;
	for (i = 8; i < 18; i++) {
		__u8 c = ex->fname[i];

		if (c < '0' || c > '9')
			break;
		n = n * 10 + (c - '0');
	}
	if (i == 8)
		return;
	*dirfd = n;
	if (i >= len)
		*flags = 0x1000; /* AT_EMPTY_PATH */
}

static __always_inline void build_exec(struct prb_scratch *s, struct task_struct *t, __u8 type,
				       __s64 ret)
{
	struct prb_exec *ex = ret == 0 ? bpf_task_storage_get(&execs, t, 0, 0) : NULL;
	const struct cred *cr = BPF_CORE_READ(t, cred);
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	int at = type == EVT_EXECVEAT;
	__u32 n, fl = 0, atflags = (__u32)s->arg[4];
	__s64 dirfd = (__s64)s->arg[0];
	__u64 cap = 0;

	if (at) {
		if (ex)
			exec_at_args(ex, &dirfd, &atflags);
		rec_begin(s, EVT_NP_EXECVEAT);
		put_u32(s, (__u32)dirfd);
	} else {
		rec_begin(s, EVT_NP_EXECVE);
	}
	if (ex) {
		put_kbytes(s, ex->fname, ex->fname_len & (PRB_PARAM_MAX - 1));
		put_kbytes(s, ex->args, ex->args_len & (2 * PRB_ARGS_BYTES - 1));
		s->flags |= ex->flags;
	} else {
		/* failed: the old image is still there, and the kernel has
		 * touched the strings it copied */
		put_ustr(s, (const void *)s->arg[at], PRB_PARAM_MAX);
		n = read_strarray(s->tmp, (const char *const *)s->arg[at + 1], PRB_ARGS_BYTES, &fl);
		put_kbytes(s, s->tmp, n);
		s->flags |= fl;
	}
	put_exe(s, t);
	put_cwd(s, t);
	put_u32(s, task_tty(t));
	put_u32(s, BPF_CORE_READ(t, loginuid.val));
	put_u32(s, BPF_CORE_READ(cr, uid.val));
	put_u32(s, BPF_CORE_READ(cr, gid.val));
	put_u32(s, BPF_CORE_READ(cr, euid.val));
	if (ex && ex->env_len)
		put_kbytes(s, ex->env, ex->env_len & (2 * PRB_ENV_BYTES - 1));
	else
		put_empty(s);
	put_u32(s, file_exec_flags(exe));
	bpf_probe_read_kernel(&cap, sizeof(cap), &cr->cap_effective);
	put_u64(s, cap);
	if (at)
		put_u32(s, atflags);
	if (ex)
		bpf_task_storage_delete(&execs, t);
}

#define A(i)  (s->arg[i])
#define UP(i) ((const void *)s->arg[i])
#define BEGIN(ID)                                                                                  \
	case EVT_##ID:                                                                             \
		rec_begin(s, EVT_NP_##ID);                                                         \
		np = EVT_NP_##ID;
/* Another type recorded exactly like the BEGIN() case after it (same
 * parameters from the same registers); each pairing is checked below. */
#define ALSO(ID) case EVT_##ID:

_Static_assert(EVT_NP_RMDIR == EVT_NP_UNLINK, "RMDIR shares UNLINK's decoder");
_Static_assert(EVT_NP_VFORK == EVT_NP_FORK, "VFORK shares FORK's record");
_Static_assert(EVT_NP_EXIT_GROUP == EVT_NP_EXIT, "EXIT_GROUP shares EXIT's record");
_Static_assert(EVT_NP_CHDIR == EVT_NP_UNLINK, "CHDIR shares UNLINK's decoder");
_Static_assert(EVT_NP_CHROOT == EVT_NP_UNLINK, "CHROOT shares UNLINK's decoder");
_Static_assert(EVT_NP_LINK == EVT_NP_RENAME, "LINK shares RENAME's decoder");
_Static_assert(EVT_NP_SYMLINK == EVT_NP_RENAME, "SYMLINK shares RENAME's decoder");
_Static_assert(EVT_NP_MKDIRAT == EVT_NP_UNLINKAT, "MKDIRAT shares UNLINKAT's decoder");
_Static_assert(EVT_NP_FCHMODAT == EVT_NP_UNLINKAT, "FCHMODAT shares UNLINKAT's decoder");
_Static_assert(EVT_NP_LINKAT == EVT_NP_RENAMEAT2, "LINKAT shares RENAMEAT2's decoder");
_Static_assert(EVT_NP_MKDIR == EVT_NP_CREAT, "MKDIR shares CREAT's decoder");
_Static_assert(EVT_NP_CHMOD == EVT_NP_CREAT, "CHMOD shares CREAT's decoder");
_Static_assert(EVT_NP_UMOUNT2 == EVT_NP_CREAT, "UMOUNT2 shares CREAT's decoder");
_Static_assert(EVT_NP_LISTEN == EVT_NP_DUP2, "LISTEN shares DUP2's decoder");
_Static_assert(EVT_NP_FCHMOD == EVT_NP_DUP2, "FCHMOD shares DUP2's decoder");
_Static_assert(EVT_NP_SETNS == EVT_NP_DUP2, "SETNS shares DUP2's decoder");
_Static_assert(EVT_NP_KILL == EVT_NP_DUP2, "KILL shares DUP2's decoder");
_Static_assert(EVT_NP_TKILL == EVT_NP_DUP2, "TKILL shares DUP2's decoder");
_Static_assert(EVT_NP_SETREUID == EVT_NP_DUP2, "SETREUID shares DUP2's decoder");
_Static_assert(EVT_NP_SETREGID == EVT_NP_DUP2, "SETREGID shares DUP2's decoder");
_Static_assert(EVT_NP_SOCKET == EVT_NP_DUP3, "SOCKET shares DUP3's decoder");
_Static_assert(EVT_NP_FCHOWN == EVT_NP_DUP3, "FCHOWN shares DUP3's decoder");
_Static_assert(EVT_NP_TGKILL == EVT_NP_DUP3, "TGKILL shares DUP3's decoder");
_Static_assert(EVT_NP_SETRESUID == EVT_NP_DUP3, "SETRESUID shares DUP3's decoder");
_Static_assert(EVT_NP_SETRESGID == EVT_NP_DUP3, "SETRESGID shares DUP3's decoder");
_Static_assert(EVT_NP_DUP == EVT_NP_CLOSE, "DUP shares CLOSE's decoder");
_Static_assert(EVT_NP_FCHDIR == EVT_NP_CLOSE, "FCHDIR shares CLOSE's decoder");
_Static_assert(EVT_NP_BPF == EVT_NP_CLOSE, "BPF shares CLOSE's decoder");
_Static_assert(EVT_NP_UNSHARE == EVT_NP_CLOSE, "UNSHARE shares CLOSE's decoder");
_Static_assert(EVT_NP_USERFAULTFD == EVT_NP_CLOSE, "USERFAULTFD shares CLOSE's decoder");
_Static_assert(EVT_NP_SETUID == EVT_NP_CLOSE, "SETUID shares CLOSE's decoder");
_Static_assert(EVT_NP_SETGID == EVT_NP_CLOSE, "SETGID shares CLOSE's decoder");

/* Fills the parameters of one syscall record; returns the param count. */
static __always_inline __u32 build_params(struct prb_scratch *s, struct task_struct *t, __u8 type,
					  __s64 ret)
{
	__u32 np = 0;

	switch (type) {
		BEGIN(READ)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(2));
		put_ubytes(s, UP(1), snap(ret));
		break;
		BEGIN(WRITE)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(2));
		put_ubytes(s, UP(1), snap(ret > 0 ? ret : (__s64)A(2)));
		break;
		BEGIN(PREAD64)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(2));
		put_u64(s, A(3));
		put_ubytes(s, UP(1), snap(ret));
		break;
		BEGIN(PWRITE64)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(2));
		put_u64(s, A(3));
		put_ubytes(s, UP(1), snap(ret > 0 ? ret : (__s64)A(2)));
		break;
		BEGIN(READV)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(2));
		prb_iov(A(1), A(2), snap(ret));
		break;
		BEGIN(WRITEV)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(2));
		prb_iov(A(1), A(2), snap(ret > 0 ? ret : PRB_SNAPLEN_MAX));
		break;
		BEGIN(OPEN)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(1));
		put_u32(s, (__u32)A(2));
		break;
		BEGIN(OPENAT)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(2));
		put_u32(s, (__u32)A(3));
		break;
		BEGIN(OPENAT2)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_u32(s, (__u32)ufield_u64(A(2), 0));
		put_u32(s, (__u32)ufield_u64(A(2), 8));
		put_u64(s, ufield_u64(A(2), 16));
		break;
		ALSO(MKDIR)
		ALSO(CHMOD)
		ALSO(UMOUNT2)
		BEGIN(CREAT)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(1));
		break;
		ALSO(DUP)
		ALSO(FCHDIR)
		ALSO(BPF)
		ALSO(UNSHARE)
		ALSO(USERFAULTFD)
		ALSO(SETUID)
		ALSO(SETGID)
		BEGIN(CLOSE)
		put_u32(s, (__u32)A(0));
		break;
		ALSO(LISTEN)
		ALSO(FCHMOD)
		ALSO(SETNS)
		ALSO(KILL)
		ALSO(TKILL)
		ALSO(SETREUID)
		ALSO(SETREGID)
		BEGIN(DUP2)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(1));
		break;
		ALSO(SOCKET)
		ALSO(FCHOWN)
		ALSO(TGKILL)
		ALSO(SETRESUID)
		ALSO(SETRESGID)
		BEGIN(DUP3)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(1));
		put_u32(s, (__u32)A(2));
		break;
		BEGIN(FCNTL)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(1));
		put_u64(s, A(2));
		break;
		BEGIN(SOCKETPAIR)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(1));
		put_u32(s, (__u32)A(2));
		put_ufd_pair(s, UP(3), ret);
		break;
		BEGIN(CONNECT)
		put_u32(s, (__u32)A(0));
		prb_sockaddr(A(1), A(2));
		prb_tuple((__s32)A(0));
		break;
		BEGIN(ACCEPT)
		put_u32(s, (__u32)A(0));
		prb_tuple(ret);
		break;
		BEGIN(ACCEPT4)
		put_u32(s, (__u32)A(0));
		prb_tuple(ret);
		put_u32(s, (__u32)A(3));
		break;
		BEGIN(BIND)
		put_u32(s, (__u32)A(0));
		prb_sockaddr(A(1), A(2));
		break;
		BEGIN(SENDTO)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(2));
		prb_sockaddr(A(4), A(5));
		put_ubytes(s, UP(1), snap(ret > 0 ? ret : (__s64)A(2)));
		break;
		BEGIN(RECVFROM)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(2));
		prb_sockaddr(A(4), A(5) ? ufield_u32(A(5), 0) : 0);
		put_ubytes(s, UP(1), snap(ret));
		break;
	case EVT_SENDMSG:
	case EVT_RECVMSG: {
		/* struct user_msghdr: name, namelen, iov, iovlen */
		__u64 name = ufield_u64(A(1), 0), iov = ufield_u64(A(1), 16);
		__u64 iovlen = ufield_u64(A(1), 24);
		__u32 namelen = ufield_u32(A(1), 8);

		rec_begin(s, EVT_NP_SENDMSG);
		np = EVT_NP_SENDMSG;
		put_u32(s, (__u32)A(0));
		put_u64(s, ret > 0 ? (__u64)ret : 0);
		prb_sockaddr(name, namelen);
		prb_iov(iov, iovlen, snap(ret));
		break;
	}
		BEGIN(PIPE)
		put_ufd_pair(s, UP(0), ret);
		break;
		BEGIN(PIPE2)
		put_ufd_pair(s, UP(0), ret);
		put_u32(s, (__u32)A(1));
		break;
		ALSO(RMDIR)
		ALSO(CHDIR)
		ALSO(CHROOT)
		BEGIN(UNLINK)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		break;
		ALSO(MKDIRAT)
		ALSO(FCHMODAT)
		BEGIN(UNLINKAT)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(2));
		break;
		ALSO(LINK)
		ALSO(SYMLINK)
		BEGIN(RENAME)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		break;
		BEGIN(RENAMEAT)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(2));
		put_ustr(s, UP(3), PRB_PARAM_MAX);
		break;
		ALSO(LINKAT)
		BEGIN(RENAMEAT2)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(2));
		put_ustr(s, UP(3), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(4));
		break;
		BEGIN(SYMLINKAT)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(1));
		put_ustr(s, UP(2), PRB_PARAM_MAX);
		break;
	case EVT_CHOWN:
	case EVT_LCHOWN:
		rec_begin(s, EVT_NP_CHOWN);
		np = EVT_NP_CHOWN;
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(1));
		put_u32(s, (__u32)A(2));
		break;
		BEGIN(FCHOWNAT)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_u32(s, (__u32)A(2));
		put_u32(s, (__u32)A(3));
		put_u32(s, (__u32)A(4));
		break;
		BEGIN(TRUNCATE)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_u64(s, A(1));
		break;
		BEGIN(FTRUNCATE)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(1));
		break;
		BEGIN(MOUNT)
		put_ustr(s, UP(0), PRB_PARAM_MAX);
		put_ustr(s, UP(1), PRB_PARAM_MAX);
		put_ustr(s, UP(2), 256);
		put_u32(s, (__u32)A(3));
		break;
		BEGIN(CAPSET)
		{
			/* two struct __user_cap_data_struct {effective, permitted, inheritable} */
			__u32 d[6] = {};

			if (A(1))
				bpf_probe_read_user(d, sizeof(d), UP(1));
			put_u64(s, d[0] | ((__u64)d[3] << 32));
			put_u64(s, d[1] | ((__u64)d[4] << 32));
			put_u64(s, d[2] | ((__u64)d[5] << 32));
			break;
		}
		BEGIN(PRCTL)
		put_u32(s, (__u32)A(0));
		put_u64(s, A(1));
		if (A(0) == 15) /* PR_SET_NAME */
			put_ustr(s, UP(1), 16);
		else
			put_empty(s);
		break;
		BEGIN(PTRACE)
		put_u32(s, (__u32)A(0));
		put_u32(s, (__u32)A(1));
		put_u64(s, A(2));
		put_u64(s, A(3));
		break;
		BEGIN(MMAP)
		put_u64(s, A(0));
		put_u64(s, A(1));
		put_u32(s, (__u32)A(2));
		put_u32(s, (__u32)A(3));
		put_u32(s, (__u32)A(4));
		put_u64(s, A(5));
		break;
		BEGIN(MPROTECT)
		put_u64(s, A(0));
		put_u64(s, A(1));
		put_u32(s, (__u32)A(2));
		break;
		BEGIN(MEMFD_CREATE)
		put_ustr(s, UP(0), 256);
		put_u32(s, (__u32)A(1));
		break;
		BEGIN(INIT_MODULE)
		put_u64(s, A(1));
		put_ustr(s, UP(2), 256);
		break;
		BEGIN(FINIT_MODULE)
		put_u32(s, (__u32)A(0));
		put_ustr(s, UP(1), 256);
		put_u32(s, (__u32)A(2));
		break;
		BEGIN(DELETE_MODULE)
		put_ustr(s, UP(0), 64);
		put_u32(s, (__u32)A(1));
		break;
		BEGIN(IO_URING_SETUP)
		put_u32(s, (__u32)A(0));
		put_u32(s, ufield_u32(A(1), 8));
		break;
		BEGIN(CLONE)
		put_u64(s, A(0));
		break;
		BEGIN(CLONE3)
		put_u64(s, ufield_u64(A(0), 0));
		break;
	case EVT_FORK:
	case EVT_VFORK:
		rec_begin(s, EVT_NP_FORK);
		np = EVT_NP_FORK;
		break;
	case EVT_EXECVE:
	case EVT_EXECVEAT:
		build_exec(s, t, type, ret);
		np = type == EVT_EXECVE ? EVT_NP_EXECVE : EVT_NP_EXECVEAT;
		break;
	default:
		rec_begin(s, EVT_NP_GENERIC);
		np = EVT_NP_GENERIC;
		put_u32(s, (__u32)s->nr);
		put_u64(s, A(0));
		put_u64(s, A(1));
		put_u64(s, A(2));
		put_u64(s, A(3));
		put_u64(s, A(4));
		put_u64(s, A(5));
		type = EVT_GENERIC;
		break;
	}
	return np | ((__u32)type << 16);
}

/* ---- programs ---- */
/* Entry time and number of the syscall now returning on this task (the
 * number at entry: a successful execveat returns as execve); ts 0 and nr
 * -1 when unknown (recording started in between, or cfg_entry is NONE). */
static __always_inline __u64 entry_time(struct task_struct *task, __s64 *enr)
{
	struct prb_task *tc;
	__u64 ts = 0;

	*enr = -1;
	if (cfg_entry == PRB_ENTRY_SLOT) {
		__u32 zero = 0;
		struct prb_slot *sl = bpf_map_lookup_elem(&slots, &zero);

		if (sl && sl->tid == (__u32)task->pid) {
			*enr = sl->nr;
			ts = sl->ts;
			sl->tid = 0;
			return ts;
		}
	} else if (cfg_entry != PRB_ENTRY_TASK) {
		return 0;
	}
	tc = bpf_task_storage_get(&tasks, task, 0, 0);
	if (tc && tc->ts) {
		*enr = tc->nr;
		ts = tc->ts;
		tc->ts = 0;
	}
	return ts;
}

/* A successful execveat comes back with execve's number in its registers:
 * the entry's number tells, or, without entry data, the kernel's name for
 * a file opened relative to a descriptor ("/dev/fd/N..."). */
static __always_inline int was_execveat(struct task_struct *task, __s64 enr)
{
	struct prb_exec *ex;

	if (enr >= 0)
		return enr == (__s64)cfg_nr_execveat;
	ex = bpf_task_storage_get(&execs, task, 0, 0);
	return ex && ex->fname_len > 8 && *(__u64 *)ex->fname == 0x2f64662f7665642full;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	if ((__u64)id >= PRB_SC_MAX || !sc_evt[id] || (cfg_bench & PRB_B_EMPTY))
		return 0;
	if ((cfg_bench & PRB_B_FLOOR) && !(cfg_bench & PRB_B_CLOCK))
		return 0;
	if (cfg_entry == PRB_ENTRY_TASK) {
		struct prb_task *tc = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
							   BPF_LOCAL_STORAGE_GET_F_CREATE);

		if (tc) {
			tc->nr = id;
			tc->ts = bpf_ktime_get_boot_ns();
		}
	} else {
		__u32 zero = 0;
		struct prb_slot *sl = bpf_map_lookup_elem(&slots, &zero);

		if (sl) {
			sl->tid = (__u32)bpf_get_current_pid_tgid();
			sl->nr = (__u32)id;
			sl->ts = bpf_ktime_get_boot_ns();
		}
	}
	return 0;
}

/* A task leaves the CPU inside a syscall: its entry slot goes with it. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 zero = 0;
	struct prb_slot *sl = bpf_map_lookup_elem(&slots, &zero);
	struct prb_task *tc;

	if (!sl || !sl->tid || sl->tid != (__u32)prev->pid)
		return 0;
	tc = bpf_task_storage_get(&tasks, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (tc) {
		tc->nr = sl->nr;
		tc->ts = sl->ts;
	}
	sl->tid = 0;
	return 0;
}

/* The syscall's six arguments, from the user registers saved at entry. */
static __always_inline void syscall_args(__u64 arg[6], const struct pt_regs *regs)
{
	arg[0] = regs->di;
	arg[1] = regs->si;
	arg[2] = regs->dx;
	arg[3] = regs->r10;
	arg[4] = regs->r8;
	arg[5] = regs->r9;
}

/* The benchmark floor (PRB_B_FLOOR, PRB_B_CLOCK): what recording this
 * syscall cannot do without, and nothing else. */
static __always_inline int floor_exit(struct pt_regs *regs, __u64 nr, long ret)
{
	__u32 zero = 0;
	struct prb_floor *f = bpf_map_lookup_elem(&floors, &zero);
	__s64 enr;

	if (!f)
		return 0;
	f->nr = nr;
	syscall_args(f->arg, regs);
	f->ret = (__u64)ret;
	if (cfg_bench & PRB_B_CLOCK) {
		f->ts = bpf_ktime_get_boot_ns();
		f->ts0 = entry_time(bpf_get_current_task_btf(), &enr);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task;
	struct prb_scratch *s;
	__u64 nr = regs->orig_ax, now, ts0;
	__s64 enr;
	__u32 r;
	__u8 type;

	if (nr >= PRB_SC_MAX)
		return 0;
	type = sc_evt[nr];
	if (!type || (cfg_bench & PRB_B_EMPTY))
		return 0;
	if (cfg_bench & PRB_B_FLOOR)
		return floor_exit(regs, nr, ret);
	task = bpf_get_current_task_btf();
	ts0 = entry_time(task, &enr);
	if (!want(task->tgid))
		return 0;
	if (type == EVT_EXECVE && ret == 0 && sc_type(cfg_nr_execveat) && was_execveat(task, enr)) {
		type = sc_type(cfg_nr_execveat);
		nr = cfg_nr_execveat;
	}
	/* another syscall's entry (the slot of one whose exit was not seen) */
	if (enr != (__s64)nr)
		ts0 = 0;
	/* a new task's first return is from fork/clone, with 0: the parent's
	 * record already tells (and PROC_FORK) */
	if (ret == 0 &&
	    (type == EVT_CLONE || type == EVT_CLONE3 || type == EVT_FORK || type == EVT_VFORK))
		return 0;
	now = bpf_ktime_get_boot_ns();
	s = scratch_begin();
	if (!s)
		return 0;
	s->nr = (__s64)nr;
	syscall_args(s->arg, regs);
	r = build_params(s, task, type, ret);
	if (cfg_bench & PRB_B_NOHDR) {
		struct evt_rec *h = (struct evt_rec *)REC_PTR(s, 0);

		h->len = s->off;
		h->type = (__u16)(r >> 16);
		h->nparams = (__u16)(r & 0xffff);
		h->ts = now;
	} else {
		rec_header(s, task, (__u16)(r >> 16), (__u16)(r & 0xffff), now, ts0 ? now - ts0 : 0,
			   ret);
	}
	if (cfg_bench & PRB_B_NOEMIT) {
		s->busy = 0;
		return 0;
	}
	rec_emit(ctx, s);
	return 0;
}

/* Benchmarks only (PRB_B_RAWTP): untyped raw tracepoints, to compare their
 * attach cost with tp_btf. */
SEC("raw_tp/sys_enter")
int sys_enter_raw(void *ctx)
{
	return 0;
}

SEC("raw_tp/sys_exit")
int sys_exit_raw(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct task_struct *task = bpf_get_current_task_btf();
	struct prb_scratch *s;
	__u8 one = 1;

	/* the followed subtree grows here, before the child can run */
	if (cfg_follow && ctgid != ptgid && bpf_map_lookup_elem(&tracked, &ptgid))
		bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY);
	if (!want(ptgid) || !(s = scratch_begin()))
		return 0;
	rec_begin(s, EVT_NP_PROC_FORK);
	put_u32(s, parent->pid);
	put_u32(s, child->pid);
	put_u32(s, ctgid);
	put_u32(s, ctgid == ptgid ? 0x00010000 /* CLONE_THREAD */ : 0);
	put_u32(s, pid_vnr(BPF_CORE_READ(child, thread_pid)));
	put_u32(s, pid_vnr(BPF_CORE_READ(child, group_leader, thread_pid)));
	rec_header(s, task, EVT_PROC_FORK, EVT_NP_PROC_FORK, bpf_ktime_get_boot_ns(), 0, 0);
	rec_emit(ctx, s);
	return 0;
}

/* Region [start, end) of the new image's stack strings, as STRARRAY bytes. */
static __always_inline __u32 read_mm_strings(__u8 *buf, __u64 start, __u64 end, __u32 cap,
					     __u32 *flags)
{
	__u64 len = end > start ? end - start : 0;

	if (len > cap) {
		len = cap;
		*flags |= EVT_RF_TRUNC;
	}
	if (!len || bpf_probe_read_user(buf, prb_bound(len, 2 * cap - 1), (const void *)start))
		return 0;
	return (__u32)len;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct prb_scratch *s;
	struct prb_exec *ex;
	struct file *f;
	__u64 as, ae;
	long n;

	if (!want(p->tgid) || !(s = scratch_begin()))
		return 0;
	f = BPF_CORE_READ(bprm, file);
	as = BPF_CORE_READ(p, mm, arg_start);
	ae = BPF_CORE_READ(p, mm, arg_end);
	/* for the execve record at sys_exit; not kept when no such record
	 * will consume it */
	ex = NULL;
	if (sc_type(cfg_nr_execve) || sc_type(cfg_nr_execveat))
		ex = bpf_task_storage_get(&execs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ex) {
		ex->flags = 0;
		n = bpf_probe_read_kernel_str(ex->fname, sizeof(ex->fname),
					      BPF_CORE_READ(bprm, filename));
		ex->fname_len = n > 0 ? (__u32)n - 1 : 0;
		ex->args_len = read_mm_strings(ex->args, as, ae, PRB_ARGS_BYTES, &ex->flags);
		ex->env_len = 0;
		if (cfg_env)
			ex->env_len = read_mm_strings(ex->env, BPF_CORE_READ(p, mm, env_start),
						      BPF_CORE_READ(p, mm, env_end), PRB_ENV_BYTES,
						      &ex->flags);
	} else if (sc_type(cfg_nr_execve) || sc_type(cfg_nr_execveat)) {
		count_drop(PRB_DROP_NOMEM);
	}
	rec_begin(s, EVT_NP_PROC_EXEC);
	put_kstr(s, BPF_CORE_READ(bprm, filename), PRB_PARAM_MAX);
	put_u32(s, (__u32)old_pid);
	put_ubytes(s, (const void *)as, ae > as ? ae - as : 0);
	put_u64(s, BPF_CORE_READ(f, f_inode, i_ino));
	put_u32(s, file_exec_flags(f));
	rec_header(s, p, EVT_PROC_EXEC, EVT_NP_PROC_EXEC, bpf_ktime_get_boot_ns(), 0, 0);
	rec_emit(ctx, s);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	struct prb_scratch *s;

	if (!want(tgid))
		goto out;
	/* exit/exit_group never return to sys_exit: their record is made here,
	 * while the task's saved registers still hold the call */
	{
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
		__u64 nr = regs ? regs->orig_ax : ~0ull;

		if ((nr == cfg_nr_exit || nr == cfg_nr_exit_group) && sc_type(nr) &&
		    (s = scratch_begin())) {
			rec_begin(s, EVT_NP_EXIT);
			put_u32(s, (__u32)regs->di);
			s->flags |= EVT_RF_NORET;
			rec_header(s, p, nr == cfg_nr_exit ? EVT_EXIT : EVT_EXIT_GROUP, EVT_NP_EXIT,
				   bpf_ktime_get_boot_ns(), 0, 0);
			rec_emit(ctx, s);
		}
	}
	if ((s = scratch_begin())) {
		rec_begin(s, EVT_NP_PROC_EXIT);
		put_u32(s, (__u32)p->exit_code);
		put_u32(s, p->pid == tgid);
		rec_header(s, p, EVT_PROC_EXIT, EVT_NP_PROC_EXIT, bpf_ktime_get_boot_ns(), 0, 0);
		rec_emit(ctx, s);
	}
out:
	/* the last thread of a followed process is gone: forget its tgid */
	if (cfg_follow && BPF_CORE_READ(p, signal, live.counter) == 0)
		bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

/* A cgroup of the unified hierarchy is made: its id and path, for the
 * recorder, which keeps the path and asks the runtimes about the container
 * it names while it still exists: a container can be gone, cgroup and all,
 * before the records of its processes are read. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct prb_scratch *s;

	/* cgroup v1 hierarchies number their directories apart */
	if (cgrp->root != task->cgroups->dfl_cgrp->root || !want(task->tgid) ||
	    !(s = scratch_begin()))
		return 0;
	rec_begin(s, EVT_NP_CGROUPINFO);
	put_u64(s, cgrp->kn->id);
	put_kstr(s, path, PRB_PARAM_MAX);
	rec_header(s, task, EVT_CGROUPINFO, EVT_NP_CGROUPINFO, bpf_ktime_get_boot_ns(), 0, 0);
	rec_emit_as(ctx, s, 1);
	return 0;
}

/* Run by the recorder on each CPU (BPF_PROG_TEST_RUN, BPF_F_TEST_RUN_ON_CPU)
 * so a quiet CPU's batch does not wait: returns 1 when a program was
 * building on this CPU at that moment (the recorder tries again). */
SEC("raw_tp")
int flush(void *ctx)
{
	struct prb_scratch *s = scratch_get();

	if (!s)
		return 0;
	if (s->busy)
		return 1;
	batch_flush(s, 0);
	return 0;
}
