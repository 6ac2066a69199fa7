/* rec_probe.c: checks, load-time knobs, load and attach of the BPF probe. */
#include "rec_probe.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../format/evt_sysnr.h"
#include "sysrec.skel.h"

static int probe_verbose;

/* A syscall the probe treats specially, by number; PRB_SC_MAX when the
 * table lacks it (the probe then never matches it). */
static uint32_t sc_nr(const char *name)
{
	int nr = evt_sysnr_by_name(name);

	return nr >= 0 && nr < PRB_SC_MAX ? (uint32_t)nr : PRB_SC_MAX;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings explain load failures; its chatter only with -v */
	if (level == LIBBPF_DEBUG && probe_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && !probe_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Root, or CAP_BPF with CAP_PERFMON, or CAP_SYS_ADMIN in the effective set. */
static int have_bpf_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	uint64_t eff;

	if (geteuid() == 0)
		return 1;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return 0;
	eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	if (eff & (1ull << 21))
		return 1;
	return (eff & (1ull << 39)) && (eff & (1ull << 38));
}

static int tp_exists(const struct btf *vmlinux, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF) > 0;
}

/* Switches off programs whose tracepoint this kernel lacks; the syscall
 * exit tracepoint is the probe itself, so its absence is fatal. Without
 * sched_switch, entry times live in task storage (PRB_ENTRY_TASK). */
static int check_tracepoints(struct sysrec_bpf *skel, int *entry, struct sr_err *err)
{
	static const char recorded[] = "its events are not recorded";
	const struct {
		const char *tp;
		struct bpf_program *prog;
		int required;
		const char *without; /* what is lost without it */
	} tps[] = {
	    {"sys_enter", skel->progs.sys_enter, 1, NULL},
	    {"sys_exit", skel->progs.sys_exit, 1, NULL},
	    {"sched_process_fork", skel->progs.sched_fork, 0, recorded},
	    {"sched_process_exec", skel->progs.sched_exec, 0, recorded},
	    {"sched_process_exit", skel->progs.sched_exit, 0, recorded},
	    {"sched_switch", skel->progs.sched_switch, 0, NULL},
	    {"cgroup_mkdir", skel->progs.cgroup_mkdir, 0,
	     "containers gone before their first records are read stay unnamed"},
	};
	struct btf *vm = btf__load_vmlinux_btf();

	if (!vm)
		return sr_err_set(err, SR_ENOTSUP, "cannot read kernel BTF: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
		if (tp_exists(vm, tps[i].tp))
			continue;
		if (tps[i].required) {
			btf__free(vm);
			return sr_err_set(err, SR_ENOTSUP, "tracepoint %s missing in this kernel",
					  tps[i].tp);
		}
		if (tps[i].prog == skel->progs.sched_switch) {
			if (*entry == PRB_ENTRY_SLOT)
				*entry = PRB_ENTRY_TASK;
		} else {
			fprintf(stderr, "sysrec: tracepoint %s missing: %s\n", tps[i].tp,
				tps[i].without);
		}
		bpf_program__set_autoload(tps[i].prog, false);
	}
	btf__free(vm);
	return 0;
}

/* Loads only the programs this configuration runs: each attached syscall
 * tracepoint costs every syscall of the machine, even doing nothing. */
static void choose_programs(struct sysrec_bpf *skel, int entry, uint32_t bench)
{
	int rawtp = (bench & PRB_B_EMPTY) && (bench & PRB_B_RAWTP);

	if (entry == PRB_ENTRY_NONE)
		bpf_program__set_autoload(skel->progs.sys_enter, false);
	if (entry != PRB_ENTRY_SLOT || (bench & PRB_B_EMPTY))
		bpf_program__set_autoload(skel->progs.sched_switch, false);
	if (rawtp) {
		bpf_program__set_autoload(skel->progs.sys_enter, false);
		bpf_program__set_autoload(skel->progs.sys_exit, false);
	} else {
		bpf_program__set_autoload(skel->progs.sys_enter_raw, false);
		bpf_program__set_autoload(skel->progs.sys_exit_raw, false);
	}
	if ((bench & PRB_B_EMPTY) && (bench & PRB_B_NOEXIT)) {
		bpf_program__set_autoload(skel->progs.sys_exit, false);
		bpf_program__set_autoload(skel->progs.sys_exit_raw, false);
	}
}

static int make_ringbufs(struct rec_probe *p, uint32_t bytes, struct sr_err *err)
{
	int outer = bpf_map__fd(p->skel->maps.rbs);

	p->rb_fds = calloc((size_t)p->ncpus, sizeof(int));
	if (!p->rb_fds)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	for (int cpu = 0; cpu < p->ncpus; cpu++) {
		__u32 key = (__u32)cpu;
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sysrec_rb", 0, 0, bytes, NULL);

		if (fd < 0 || bpf_map_update_elem(outer, &key, &fd, BPF_ANY))
			return sr_err_set(err, SR_EIO, "cannot create ring buffer for CPU %d: %s",
					  cpu, strerror(errno));
		p->rb_fds[cpu] = fd;
	}
	return 0;
}

int rec_probe_open(struct rec_probe *p, const struct rec_probe_cfg *cfg, struct sr_err *err)
{
	struct sysrec_bpf *skel;
	uint32_t rb_bytes = cfg->ring_pages * (uint32_t)sysconf(_SC_PAGESIZE);
	int rc, tmpl = -1, entry;

	memset(p, 0, sizeof(*p));
	probe_verbose = cfg->verbose;
	libbpf_set_print(libbpf_log);
	if (!have_bpf_caps())
		return sr_err_set(err, SR_EIO, "needs root (or CAP_BPF and CAP_PERFMON)");
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return sr_err_set(
		    err, SR_ENOTSUP,
		    "no kernel BTF (/sys/kernel/btf/vmlinux): needs CONFIG_DEBUG_INFO_BTF");
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0)
		return sr_err_set(err, SR_EIO, "cannot count CPUs");

	skel = sysrec_bpf__open();
	if (!skel)
		return sr_err_set(err, SR_EIO, "cannot open BPF object: %s", strerror(errno));
	p->skel = skel;
	entry = cfg->entry;
	rc = check_tracepoints(skel, &entry, err);
	if (rc)
		goto fail;
	choose_programs(skel, entry, cfg->bench);
	/* run on demand by rec_probe_flush(), never attached */
	bpf_program__set_autoattach(skel->progs.flush, false);

	memcpy((void *)skel->rodata->sc_evt, cfg->sc_evt, PRB_SC_MAX);
	skel->rodata->cfg_nr_execve = sc_nr("execve");
	skel->rodata->cfg_nr_execveat = sc_nr("execveat");
	skel->rodata->cfg_nr_exit = sc_nr("exit");
	skel->rodata->cfg_nr_exit_group = sc_nr("exit_group");
	skel->rodata->cfg_self_tgid = (__u32)cfg->self;
	skel->rodata->cfg_bench = cfg->bench;
	skel->rodata->cfg_entry = (__u8)entry;
	skel->rodata->cfg_snaplen = cfg->snaplen > PRB_SNAPLEN_MAX ? PRB_SNAPLEN_MAX : cfg->snaplen;
	skel->rodata->cfg_follow = cfg->follow ? 1 : 0;
	skel->rodata->cfg_env = cfg->env ? 1 : 0;
	skel->rodata->cfg_transport = (__u8)cfg->transport;
	skel->rodata->cfg_cgroup_id = cfg->cgroup_id;
	skel->rodata->cfg_cgroup_level = cfg->cgroup_level;
	if (cfg->comm[0]) {
		skel->rodata->cfg_comm_on = 1;
		memcpy((void *)skel->rodata->cfg_comm, cfg->comm, 16);
	}
	/* wake the reader at a quarter full: few wakeups, room to spare */
	skel->rodata->cfg_rb_wake = rb_bytes / 4;
	/* batches as large as they pay, an eighth of the ringbuf at most */
	skel->rodata->cfg_batch_flush = rb_bytes / 8 < PRB_BATCH_MAX ? rb_bytes / 8 : PRB_BATCH_MAX;
	bpf_map__set_max_entries(skel->maps.scratch, (__u32)p->ncpus);
	if (cfg->transport == PRB_TR_RINGBUF) {
		/* the inner map template must have the size of the real ringbufs */
		tmpl = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sysrec_rbt", 0, 0, rb_bytes, NULL);
		if (tmpl < 0 || bpf_map__set_inner_map_fd(skel->maps.rbs, tmpl)) {
			rc = sr_err_set(err, SR_EIO, "cannot create ring buffer: %s",
					strerror(errno));
			goto fail;
		}
		bpf_map__set_max_entries(skel->maps.rbs, (__u32)p->ncpus);
	}

	rc = sysrec_bpf__load(skel);
	if (rc) {
		rc = sr_err_set(err, SR_EIO, "cannot load BPF probe: %s%s", strerror(-rc),
				cfg->verbose ? "" : " (run with -v for the verifier log)");
		goto fail;
	}
	if (tmpl >= 0)
		close(tmpl);
	tmpl = -1;
	if (cfg->transport == PRB_TR_RINGBUF) {
		rc = make_ringbufs(p, rb_bytes, err);
		if (rc)
			goto fail;
	}
	return 0;
fail:
	if (tmpl >= 0)
		close(tmpl);
	rec_probe_close(p);
	return rc;
}

int rec_probe_attach(struct rec_probe *p, struct sr_err *err)
{
	int rc = sysrec_bpf__attach(p->skel);

	if (rc)
		return sr_err_set(err, SR_EIO, "cannot attach BPF programs: %s", strerror(-rc));
	return 0;
}

int rec_probe_flush(struct rec_probe *p)
{
	int fd = bpf_program__fd(p->skel->progs.flush), pending = 0;

	for (int cpu = 0; cpu < p->ncpus; cpu++) {
		/* busy: a program is mid-record there; it ends within microseconds */
		for (int tries = 0; tries < 20; tries++) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .flags = BPF_F_TEST_RUN_ON_CPU,
				    .cpu = (__u32)cpu);

			if (bpf_prog_test_run_opts(fd, &o))
				break; /* CPU offline */
			if (!o.retval)
				break;
			if (tries == 19)
				pending++;
		}
	}
	return pending;
}

int rec_probe_check(struct rec_probe *p)
{
	uint64_t *vals = calloc((size_t)p->ncpus, sizeof(uint64_t));
	__u32 k = 0;
	int rc = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o);

	if (!vals)
		return SR_ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.drops), &k, vals))
		rc = SR_EIO;
	free(vals);
	/* the flush program, on whichever CPU this runs */
	if (!rc && bpf_prog_test_run_opts(bpf_program__fd(p->skel->progs.flush), &o))
		rc = SR_EIO;
	return rc;
}

int rec_probe_track(struct rec_probe *p, uint32_t tgid)
{
	__u8 one = 1;

	return bpf_map_update_elem(bpf_map__fd(p->skel->maps.tracked), &tgid, &one, BPF_ANY)
		   ? SR_EIO
		   : 0;
}

int rec_probe_drops_cpu(struct rec_probe *p, uint64_t *percpu)
{
	int fd = bpf_map__fd(p->skel->maps.drops);

	for (__u32 k = 0; k < PRB_DROP_NR; k++)
		if (bpf_map_lookup_elem(fd, &k, percpu + (size_t)k * (size_t)p->ncpus))
			memset(percpu + (size_t)k * (size_t)p->ncpus, 0,
			       (size_t)p->ncpus * sizeof(uint64_t));
	return 0;
}

int rec_probe_drops(struct rec_probe *p, uint64_t out[PRB_DROP_NR])
{
	uint64_t *vals = calloc((size_t)p->ncpus * PRB_DROP_NR, sizeof(uint64_t));

	if (!vals)
		return SR_ENOMEM;
	rec_probe_drops_cpu(p, vals);
	for (int k = 0; k < PRB_DROP_NR; k++) {
		out[k] = 0;
		for (int c = 0; c < p->ncpus; c++)
			out[k] += vals[k * p->ncpus + c];
	}
	free(vals);
	return 0;
}

int rec_probe_events_fd(const struct rec_probe *p)
{
	return bpf_map__fd(p->skel->maps.events);
}

void rec_probe_close(struct rec_probe *p)
{
	if (p->skel)
		sysrec_bpf__destroy(p->skel);
	if (p->rb_fds) {
		for (int i = 0; i < p->ncpus; i++)
			if (p->rb_fds[i] > 0)
				close(p->rb_fds[i]);
		free(p->rb_fds);
	}
	memset(p, 0, sizeof(*p));
}
