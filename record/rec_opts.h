/* rec_opts: the sysrec command line. */
#ifndef REC_OPTS_H
#define REC_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../common/sr_err.h"
#include "../fleet/fleet.h"
#include "../outputs/out.h"
#include "rec_container.h"
#include "rec_evidence.h"

struct rec_action_cfg;

#define REC_MAX_RULES	    32
#define REC_CTR_NSOCK_OPTS  2
#define REC_CTR_DOCKER_SOCK "/var/run/docker.sock"
#define REC_CTR_PODMAN_SOCK "/run/podman/podman.sock"

struct rec_opts {
	const char *path;	      /* -w */
	uint64_t max_ns;	      /* -M, 0 = until stopped */
	uint64_t max_events;	      /* -n */
	uint64_t rot_bytes;	      /* -C MB */
	uint64_t rot_ns;	      /* -G */
	unsigned ring_count;	      /* -W */
	uint64_t max_bytes;	      /* --max-bytes: retention by the set's total size */
	uint64_t max_age_ns;	      /* --max-age: retention by age */
	uint64_t min_free;	      /* --min-free: free space kept on the file system */
	const char *metrics;	      /* --metrics HOST:PORT: serve /metrics and /healthz */
	struct rec_evidence_opts coa; /* --capture-on-alert and its settings */
	uint32_t snaplen;	      /* -s */
	const char *syscalls;	      /* --syscalls */
	pid_t pid;		      /* -p */
	const char *cgroup;	      /* --cgroup */
	const char *comm;	      /* --comm */
	const char *rules[REC_MAX_RULES];
	size_t nrules;
	int quiet, verbose, env;
	int fsync;		 /* --fsync */
	int alert_json;		 /* config outputs.json: alerts as Falco JSON */
	int alert_quiet;	 /* config outputs.stdout.enabled: false */
	struct out_conf outs;	 /* config outputs: and the --alert-* flags */
	const char *alert_spool; /* --alert-spool DIR */
	const char *config;	 /* -c FILE */
	struct rec_config *cfg;	 /* owns the strings taken from -c FILE */
	int rules_from_config;	 /* rules[] came from the config: a -r replaces them */
	int show_config;	 /* --show-config */
	int force;		 /* --force: replace an existing FILE */
	const char *user;	 /* -u USER: run COMMAND as this user */
	char **cmd;		 /* after --, NULL-terminated */
	/* container runtime APIs: [0] docker, [1] podman; a NULL or "" path is
	 * not asked (--container-socket, config containers:) */
	struct rec_ctr_sock ctr_socks[REC_CTR_NSOCK_OPTS];
	int ctr_off;	    /* --no-containers */
	int ctr_timeout_ms; /* --container-timeout */
	/* hidden, for tests and benchmarks */
	uint32_t buffer_pages; /* --buffer-pages: per-CPU buffer size */
	int transport;	       /* --transport perf|ringbuf */
	int level;	       /* --zstd-level */
	uint64_t snap_ns;      /* --snapshot-every */
	int entry;	       /* --entry none|slot|task (enum prb_entry) */
	uint32_t bench;	       /* --bench-probe BITS, --bench-empty-probe (PRB_B_*) */
	/* fleet (docs/fleet.md): publish the capture to NATS JetStream when
	 * fleet.nservers > 0 (--fleet-server, or config fleet.servers) */
	struct fleet_cfg fleet;
	const char *hostname; /* --hostname: the name written in the header */
	char cmdline[1024];   /* recorded in the file header */
	/* signed captures (FORMAT.md, checkpoints) */
	const char *sign_key; /* --sign-key: private key file */
	uint32_t ckpt_chunks; /* --checkpoint-chunks */
	uint64_t ckpt_ns;     /* --checkpoint-every */
	int forward_secure;   /* --forward-secure: a new key per checkpoint */

	/* config actions: (rec_action.h), owned by cfg; NULL: none */
	const struct rec_action_cfg *actions;
};

/* Exit status of sysrec's own failures when a COMMAND was given (its own
 * status is passed through then), as env(1) and timeout(1) do. */
#define REC_EXIT_CMD_FAILED 125

/* 0: run; 1: --help, --version or --show-config was printed (exit 0); <0:
 * bad usage or a bad -c FILE (err says why; o->cmd is set when a "--" was
 * seen, for the exit status). With -c FILE, the file's settings are read
 * first and the command line applies over them. */
int rec_opts_parse(struct rec_opts *o, int argc, char **argv, struct sr_err *err);
void rec_usage(FILE *f);
/* --container-socket TYPE=PATH (and the config's containers: keys): 0, or
 * -1 for an unknown TYPE. spec is kept by reference. */
int rec_opts_ctr_socket(struct rec_opts *o, const char *spec);

#endif
