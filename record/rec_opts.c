/* rec_opts.c: parsing and --help for sysrec. */
#include "rec_opts.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_sb.h"
#include "../common/sr_time.h"
#include "../common/sr_version.h"
#include "../probe/probe_shared.h"
#include "../rules/rule.h"
#include "rec_config.h"

void rec_usage(FILE *f)
{
	fputs(
	    "NAME\n"
	    "    sysrec - record system calls of this machine into a .sysrec capture\n"
	    "\n"
	    "SYNOPSIS\n"
	    "    sysrec -w FILE [-M SECONDS] [-n EVENTS] [-C MB] [-G SECONDS] [-W COUNT]\n"
	    "           [--max-bytes SIZE] [--max-age DURATION] [--min-free SIZE]\n"
	    "           [--metrics HOST:PORT] [--capture-on-alert rules|all_rules]\n"
	    "           [-s SNAPLEN] [--syscalls LIST] [-p PID] [--cgroup PATH] [--comm NAME]\n"
	    "           [-r RULES.yaml ...] [-E] [--fsync] [-q] [-v] [-u USER] [--force]\n"
	    "           [--container-socket TYPE=PATH] [--container-timeout DURATION]\n"
	    "           [--no-containers]\n"
	    "           [-- COMMAND [ARGS...]]\n"
	    "    sysrec -c CONFIG.yaml [OPTIONS...] [--show-config]\n"
	    "    sysrec keygen -o KEY\n"
	    "\n"
	    "DESCRIPTION\n"
	    "    An eBPF probe records every system call (one record when it returns, with\n"
	    "    its arguments, result and duration) and process fork/exec/exit, and sysrec\n"
	    "    writes them to FILE: compressed chunks, a /proc snapshot first and state\n"
	    "    snapshots every 30 s, an index at the end. A killed sysrec leaves a file\n"
	    "    whose flushed chunks (at most a second old) are all readable.\n"
	    "    FILE holds up to SNAPLEN bytes of every read and write (passwords, tokens):\n"
	    "    it is created mode 0600 (whatever the umask), never through a symbolic link.\n"
	    "    Needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF.\n"
	    "\n"
	    "OPTIONS\n"
	    "    -c, --config FILE  read settings from this YAML file (sysrec.yaml(5));\n"
	    "                   options given on the command line win over it\n"
	    "    --show-config  print the settings in effect, in the config's syntax, and exit\n"
	    "    -w FILE        write the capture to FILE (required, here or in the config);\n"
	    "                   an existing FILE is refused unless --force is given\n"
	    "    --force        replace an existing FILE (never a symbolic link)\n"
	    "    -M SECONDS     stop after this long (also 90s, 5m, 1h)\n"
	    "    -n EVENTS      stop after this many events\n"
	    "    -C MB          rotate when the file reaches MB megabytes (10^6 bytes)\n"
	    "    -G SECONDS     rotate every SECONDS\n"
	    "    -W COUNT       keep at most COUNT files (the oldest rotated file is deleted)\n"
	    "    --max-bytes SIZE  retention: keep the set (rotated files and FILE) under\n"
	    "                   SIZE (500MB, 2GiB), deleting the oldest rotated files\n"
	    "    --max-age DURATION  retention: delete rotated files last written longer\n"
	    "                   ago than DURATION (90m, 24h)\n"
	    "    --min-free SIZE  keep SIZE free on FILE's file system, deleting the oldest\n"
	    "                   rotated files when it runs lower\n"
	    "    --metrics HOST:PORT  serve Prometheus metrics at http://HOST:PORT/metrics and\n"
	    "                   a health check at /healthz (e.g. 127.0.0.1:8765; off by default)\n"
	    "    --capture-on-alert rules|all_rules  write an evidence capture around each\n"
	    "                   alert (rules: those with Falco's capture: true; all_rules:\n"
	    "                   every rule at --capture-min-priority or above), from the\n"
	    "                   ring: FILE's stem.evidence.TIME.sysrec, named in the alert\n"
	    "    --capture-pre DURATION, --capture-post DURATION  the window around the\n"
	    "                   alert (30s and 10s; a rule's capture_duration sets post)\n"
	    "    --capture-min-priority P  with all_rules: only rules at P or above\n"
	    "    --capture-max-bytes SIZE, --capture-max-per-hour N  caps per evidence\n"
	    "                   file and per hour (counted when reached)\n"
	    "    -s SNAPLEN     bytes of read/write/send/recv data kept (default 80, 0 = none,\n"
	    "                   at most 4096)\n"
	    "    --syscalls LIST  record only these syscalls (comma separated names, e.g.\n"
	    "                   openat,execve,connect); process fork/exec/exit always recorded\n"
	    "    -p PID         record only process PID and the children it starts afterwards\n"
	    "    --cgroup PATH  record only tasks in this cgroup v2 directory or below it\n"
	    "    --comm NAME    record only threads whose command name is NAME\n"
	    "    -r RULES.yaml  evaluate these Falco rules live; alerts go to stdout in\n"
	    "                   Falco's text format (one file per -r; repeat -r for more);\n"
	    "                   a rule's actions: (kill_process, freeze_container, ...) are\n"
	    "                   taken only with actions.enabled in the -c FILE\n"
	    "    --alert-file PATH      also append alerts to PATH (reopened on SIGUSR1)\n"
	    "    --alert-program CMD    also write alerts to the stdin of CMD (sh -c; started\n"
	    "                   again when it dies)\n"
	    "    --alert-syslog ADDR    also send alerts as RFC 5424 syslog to ADDR (/dev/log,\n"
	    "                   udp://HOST:PORT)\n"
	    "    --alert-http URL       also POST each alert (Falco JSON + uuid) to URL\n"
	    "    --alert-nats URLS      also publish alerts to NATS (subject\n"
	    "                   sysrec.alerts.<priority>.<hostname>)\n"
	    "    --alert-kafka BROKERS  also produce alerts to Kafka topic sysrec-alerts\n"
	    "    --alert-spool DIR      spool of undelivered alerts (default FILE.spool)\n"
	    "                   Outputs other than stdout deliver at least once, in order,\n"
	    "                   through an on-disk spool; see sysrec.yaml(5), outputs:\n"
	    "    -E             record the environment of execve\n"
	    "    --fsync        sync the file to disk once a second (from a thread of its own,\n"
	    "                   so recording never waits for the disk): a machine crash\n"
	    "                   loses at most the last two seconds\n"
	    "    --container-socket TYPE=PATH  ask this docker or podman API socket for\n"
	    "                   container names, images, labels (default docker=\n"
	    "                   " REC_CTR_DOCKER_SOCK ", podman=" REC_CTR_PODMAN_SOCK ";\n"
	    "                   TYPE= turns one off; absent sockets are skipped)\n"
	    "    --container-timeout DURATION  give up on a runtime API answer after this\n"
	    "                   long (default 2s; counted and reported at exit)\n"
	    "    --no-containers  ask no container runtime (ids still from cgroup paths)\n"
	    "    --no-latency   do not measure syscall durations (evt.latency is 0): no\n"
	    "                   sys_enter probe, which roughly halves the recording cost\n"
	    "                   per syscall\n"
	    "    --sign-key KEY sign the capture: Ed25519 checkpoints over the SHA-256 digest\n"
	    "                   chain (KEY from `sysrec keygen -o KEY` or `sysreplay keygen\n"
	    "                   -o KEY`: KEY mode 0600 and KEY.pub);\n"
	    "                   `sysreplay verify --key KEY.pub` proves what was recorded\n"
	    "    --checkpoint-chunks N  sign every N chunks (default 16)\n"
	    "    --checkpoint-every SECONDS  ... or when the last checkpoint is this old\n"
	    "                   (default 5 s); a final checkpoint is written at close, so a\n"
	    "                   killed sysrec leaves a signed prefix and an unsigned tail\n"
	    "    --forward-secure  a new signing key per checkpoint, the old one forgotten:\n"
	    "                   whoever takes the host later cannot re-sign what was sealed\n"
	    "                   (remove KEY from the host once sysrec runs; see FORMAT.md).\n"
	    "                   Not with -C or -G; SIGUSR2 does not rotate\n"
	    "    --hostname NAME  the host name written in the capture (and the fleet's\n"
	    "                   subjects) instead of this machine's\n"
	    "    --fleet-server URL  publish every chunk to NATS JetStream at URL\n"
	    "                   (nats://HOST:PORT; repeat for a cluster), read back from\n"
	    "                   the files on disk so recording never waits (docs/fleet.md);\n"
	    "                   evidence captures go too, and alerts on sysrec.HOST.alerts\n"
	    "                   unless outputs.nats is configured or fleet.alerts is false\n"
	    "    --fleet-stream NAME  the JetStream stream (default SYSREC)\n"
	    "    -q             quiet: no status line, no summary (drops are still reported)\n"
	    "    -v             verbose: libbpf messages; -vv adds its debug log\n"
	    "    -h, --help     this text\n"
	    "    --version      sysrec's version and the capture format version it writes\n"
	    "    -u USER        run COMMAND as USER (name or uid), with USER's groups and no\n"
	    "                   capabilities; without -u, COMMAND runs with sysrec's own\n"
	    "                   user and privileges (as root when sysrec was started by root)\n"
	    "    -- COMMAND     run COMMAND (as a child, stopped until recording has started)\n"
	    "                   and record it and all its descendants until it exits; sysrec\n"
	    "                   then exits with COMMAND's status. Only what follows -- is a\n"
	    "                   command: any other argument is refused. sysrec has no event\n"
	    "                   filter argument: select with --comm, -p, --syscalls, --cgroup\n"
	    "                   and filter on replay (sysreplay events -f)\n"
	    "\n"
	    "ROTATION\n"
	    "    With -C, -G or on SIGUSR2, the file being written is always FILE; at rotation\n"
	    "    it is closed and renamed after its start time (UTC):\n"
	    "        cap.sysrec -> cap.20261129T134501Z.sysrec   (a trailing .sysrec of FILE\n"
	    "    is replaced; -N is appended when that name exists, whatever is there), and\n"
	    "    a new FILE starts (mode 0600) with a state snapshot. `sysreplay` reads the\n"
	    "    set in time order.\n"
	    "\n"
	    "FLIGHT RECORDER\n"
	    "    With -W, --max-bytes, --max-age or --min-free, FILE and its rotated files\n"
	    "    form a ring: the oldest rotated files are deleted first, never FILE nor a\n"
	    "    file of another name (evidence). Without -C/-G, retention rotates at a\n"
	    "    tenth of --max-bytes (100 MB with --min-free alone) and of --max-age.\n"
	    "    A restart continues the set: a FILE left by the previous run is renamed\n"
	    "    into it (after its last write), never overwritten. When the disk fills,\n"
	    "    the file is closed after its last complete chunk, older files are deleted\n"
	    "    and recording goes on in a new FILE (counted in the summary).\n"
	    "\n"
	    "SIGNALS\n"
	    "    SIGINT, SIGTERM  stop: the file is finished (index and trailer) and closed\n"
	    "    SIGHUP           reload the -r rules files (also done by itself when one\n"
	    "                     of them changes); a file that fails to load is reported\n"
	    "                     and the rules in force stay; recording goes on\n"
	    "    SIGUSR2          rotate now (before this version: SIGHUP)\n"
	    "    SIGUSR1          reopen the alert file (--alert-file), after logrotate\n"
	    "\n"
	    "EXIT STATUS\n"
	    "    0 done; 1 the capture could not be completed: the disk filled (at start no\n"
	    "    file is left; later the file is closed and everything before is kept, the\n"
	    "    message says whether its index was written); 2 bad usage or environment\n"
	    "    (not root, no BTF, missing tracepoint, unwritable or existing FILE).\n"
	    "    With -- COMMAND: COMMAND's exit status (128 + signal when it was killed),\n"
	    "    127 when it cannot be found, 126 when it cannot be run, and 125 for any\n"
	    "    failure of sysrec itself (the message says which), as env and timeout do.\n",
	    f);
}

enum {
	OPT_SYSCALLS = 256,
	OPT_CGROUP,
	OPT_COMM,
	OPT_BUFPAGES,
	OPT_TRANSPORT,
	OPT_LEVEL,
	OPT_SNAPEVERY,
	OPT_BENCHEMPTY,
	OPT_BENCHPROBE,
	OPT_ENTRY,
	OPT_NOLATENCY,
	OPT_FORCE,
	OPT_VERSION,
	OPT_SHOWCONFIG,
	OPT_FSYNC,
	OPT_SIGNKEY,
	OPT_CKPTCHUNKS,
	OPT_CKPTEVERY,
	OPT_FWDSECURE,
	OPT_HOSTNAME,
	OPT_FLEETSERVER,
	OPT_FLEETSTREAM,
	OPT_ALERT_FILE, /* one per enum out_kind from OUT_FILE on, in its order */
	OPT_ALERT_PROGRAM,
	OPT_ALERT_SYSLOG,
	OPT_ALERT_HTTP,
	OPT_ALERT_NATS,
	OPT_ALERT_KAFKA,
	OPT_ALERT_SPOOL,
	OPT_MAXBYTES,
	OPT_MAXAGE,
	OPT_MINFREE,
	OPT_METRICS,
	OPT_COA,
	OPT_COA_PRE,
	OPT_COA_POST,
	OPT_COA_PRIO,
	OPT_COA_BYTES,
	OPT_COA_HOUR,
	OPT_CTRSOCK,
	OPT_CTRTIMEOUT,
	OPT_NOCTR,
};

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* Seconds as a number, or a duration with units (90s, 5m). */
static int parse_secs(const char *s, uint64_t *ns, struct sr_err *err)
{
	if (sr_duration_parse(s, ns, err))
		return -1;
	return *ns ? 0 : -1;
}

static void join_cmdline(struct rec_opts *o, int argc, char **argv)
{
	struct sr_sb b;

	sr_sb_init(&b, o->cmdline, sizeof(o->cmdline));
	for (int i = 0; i < argc && b.len + 2 < sizeof(o->cmdline); i++)
		sr_sb_printf(&b, "%s%s", i ? " " : "", argv[i]);
}

/* A sysdig-style filter expression: a field (proc.name) or a comparison. */
static int looks_like_filter(const char *a)
{
	static const char *const classes[] = {"evt.",	 "proc.",      "fd.", "user.", "group.",
					      "thread.", "container.", "fs.", "k8s."};

	if (strpbrk(a, "=<>!") || !strcmp(a, "and") || !strcmp(a, "or") || !strcmp(a, "not"))
		return 1;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strncmp(a, classes[i], strlen(classes[i])))
			return 1;
	return 0;
}

/* An argument that is no option's value and not after "--": never run as a
 * command (a glob after -r leaves its second file here). */
static int stray_argument(const char *a, int last_opt, struct sr_err *err)
{
	if (looks_like_filter(a))
		return sr_err_set(err, SR_ESYNTAX,
				  "unexpected argument '%s': sysrec has no event filter argument; "
				  "record selectively with --comm, -p, --syscalls or --cgroup and "
				  "filter on replay (sysreplay events -f)",
				  a);
	if (last_opt == 'r')
		return sr_err_set(err, SR_ESYNTAX,
				  "unexpected argument '%s': -r takes one rules file, use -r for "
				  "each rules file (a command to record goes after --)",
				  a);
	return sr_err_set(err, SR_ESYNTAX,
			  "unexpected argument '%s': a command to record goes after -- "
			  "(sysrec -w FILE -- COMMAND [ARGS...])",
			  a);
}

static void set_defaults(struct rec_opts *o)
{
	memset(o, 0, offsetof(struct rec_opts, cmdline));
	o->snaplen = 80;
	/* 16 MiB per CPU: ~300 ms of a 500k events/s storm while the reader is
	 * kept off the CPU */
	o->buffer_pages = 4096;
	/* measured: a BPF ringbuf per CPU costs ~230 ns less per event than
	 * perf buffers here (bench/overhead.sh, README of the report) */
	o->transport = PRB_TR_RINGBUF;
	o->entry = PRB_ENTRY_SLOT;
	o->level = 1;
	o->snap_ns = 30ull * 1000000000ull;
	out_conf_init(&o->outs);
	o->coa.pre_ns = 30ull * 1000000000ull;
	o->coa.post_ns = 10ull * 1000000000ull;
	o->coa.min_priority = RP_DEBUG;
	o->ctr_socks[0] = (struct rec_ctr_sock){"docker", REC_CTR_DOCKER_SOCK};
	o->ctr_socks[1] = (struct rec_ctr_sock){"podman", REC_CTR_PODMAN_SOCK};
	o->ctr_timeout_ms = 2000;
}

int rec_opts_ctr_socket(struct rec_opts *o, const char *spec)
{
	static const char *const types[REC_CTR_NSOCK_OPTS] = {"docker", "podman"};

	for (int i = 0; i < REC_CTR_NSOCK_OPTS; i++) {
		size_t n = strlen(types[i]);

		if (!strncmp(spec, types[i], n) && spec[n] == '=') {
			o->ctr_socks[i].path = spec + n + 1;
			return 0;
		}
	}
	return -1;
}

static int parse_args(struct rec_opts *o, int argc, char **argv, struct sr_err *err)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"config", required_argument, NULL, 'c'},
	    {"show-config", no_argument, NULL, OPT_SHOWCONFIG},
	    {"fsync", no_argument, NULL, OPT_FSYNC},
	    {"max-bytes", required_argument, NULL, OPT_MAXBYTES},
	    {"max-age", required_argument, NULL, OPT_MAXAGE},
	    {"min-free", required_argument, NULL, OPT_MINFREE},
	    {"metrics", required_argument, NULL, OPT_METRICS},
	    {"capture-on-alert", required_argument, NULL, OPT_COA},
	    {"capture-pre", required_argument, NULL, OPT_COA_PRE},
	    {"capture-post", required_argument, NULL, OPT_COA_POST},
	    {"capture-min-priority", required_argument, NULL, OPT_COA_PRIO},
	    {"capture-max-bytes", required_argument, NULL, OPT_COA_BYTES},
	    {"capture-max-per-hour", required_argument, NULL, OPT_COA_HOUR},
	    {"container-socket", required_argument, NULL, OPT_CTRSOCK},
	    {"container-timeout", required_argument, NULL, OPT_CTRTIMEOUT},
	    {"no-containers", no_argument, NULL, OPT_NOCTR},
	    {"syscalls", required_argument, NULL, OPT_SYSCALLS},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {"comm", required_argument, NULL, OPT_COMM},
	    {"buffer-pages", required_argument, NULL, OPT_BUFPAGES},
	    {"transport", required_argument, NULL, OPT_TRANSPORT},
	    {"zstd-level", required_argument, NULL, OPT_LEVEL},
	    {"snapshot-every", required_argument, NULL, OPT_SNAPEVERY},
	    {"bench-empty-probe", no_argument, NULL, OPT_BENCHEMPTY},
	    {"bench-probe", required_argument, NULL, OPT_BENCHPROBE},
	    {"entry", required_argument, NULL, OPT_ENTRY},
	    {"no-latency", no_argument, NULL, OPT_NOLATENCY},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"sign-key", required_argument, NULL, OPT_SIGNKEY},
	    {"checkpoint-chunks", required_argument, NULL, OPT_CKPTCHUNKS},
	    {"checkpoint-every", required_argument, NULL, OPT_CKPTEVERY},
	    {"forward-secure", no_argument, NULL, OPT_FWDSECURE},
	    {"hostname", required_argument, NULL, OPT_HOSTNAME},
	    {"fleet-server", required_argument, NULL, OPT_FLEETSERVER},
	    {"fleet-stream", required_argument, NULL, OPT_FLEETSTREAM},
	    {"alert-file", required_argument, NULL, OPT_ALERT_FILE},
	    {"alert-program", required_argument, NULL, OPT_ALERT_PROGRAM},
	    {"alert-syslog", required_argument, NULL, OPT_ALERT_SYSLOG},
	    {"alert-http", required_argument, NULL, OPT_ALERT_HTTP},
	    {"alert-nats", required_argument, NULL, OPT_ALERT_NATS},
	    {"alert-kafka", required_argument, NULL, OPT_ALERT_KAFKA},
	    {"alert-spool", required_argument, NULL, OPT_ALERT_SPOOL},
	    {NULL, 0, NULL, 0},
	};
	const char *last_arg = NULL;
	uint64_t v;
	int c, last_opt = 0;

	/* 0: getopt starts over (this runs twice with -c FILE) */
	optind = 0;
	opterr = 0;
	/* '+': stop at the first non-option, so COMMAND's own options are its own */
	while ((c = getopt_long(argc, argv, "+w:M:n:C:G:W:s:p:r:c:u:Eqvh", longopts, NULL)) != -1) {
		last_opt = c;
		last_arg = optarg;
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_SHOWCONFIG:
			o->show_config = 1;
			break;
		case 'u':
			o->user = optarg;
			break;
		case OPT_FSYNC:
			o->fsync = 1;
			break;
		case OPT_MAXBYTES:
			if (rec_size_parse(optarg, &o->max_bytes) || !o->max_bytes)
				return sr_err_set(err, SR_ESYNTAX,
						  "--max-bytes: bad size '%s' (e.g. 500MB, 2GiB)",
						  optarg);
			break;
		case OPT_MAXAGE:
			if (parse_secs(optarg, &o->max_age_ns, err))
				return sr_err_set(err, SR_ESYNTAX, "--max-age: bad duration '%s'",
						  optarg);
			break;
		case OPT_COA:
			if (!strcmp(optarg, "rules"))
				o->coa.mode = REC_EV_RULES;
			else if (!strcmp(optarg, "all_rules"))
				o->coa.mode = REC_EV_ALL;
			else if (!strcmp(optarg, "off"))
				o->coa.mode = REC_EV_OFF;
			else
				return sr_err_set(err, SR_ESYNTAX,
						  "--capture-on-alert: rules, all_rules or off");
			break;
		case OPT_COA_PRE:
		case OPT_COA_POST:
			if (parse_secs(optarg, c == OPT_COA_PRE ? &o->coa.pre_ns : &o->coa.post_ns,
				       err))
				return sr_err_set(err, SR_ESYNTAX,
						  "--capture-%s: bad duration '%s'",
						  c == OPT_COA_PRE ? "pre" : "post", optarg);
			break;
		case OPT_COA_PRIO: {
			int p = rule_priority_parse(optarg);

			if (p < 0)
				return sr_err_set(err, SR_ESYNTAX,
						  "--capture-min-priority: a Falco priority "
						  "(emergency ... debug)");
			o->coa.min_priority = p;
			break;
		}
		case OPT_COA_BYTES:
			if (rec_size_parse(optarg, &o->coa.max_bytes))
				return sr_err_set(err, SR_ESYNTAX,
						  "--capture-max-bytes: bad size '%s'", optarg);
			break;
		case OPT_COA_HOUR:
			if (parse_u64(optarg, &o->coa.max_per_hour) || !o->coa.max_per_hour)
				return sr_err_set(err, SR_ESYNTAX,
						  "--capture-max-per-hour: a count above 0");
			break;
		case OPT_METRICS:
			if (!strchr(optarg, ':'))
				return sr_err_set(
				    err, SR_ESYNTAX,
				    "--metrics: HOST:PORT expected, e.g. 127.0.0.1:8765");
			o->metrics = optarg;
			break;
		case OPT_MINFREE:
			if (rec_size_parse(optarg, &o->min_free))
				return sr_err_set(err, SR_ESYNTAX,
						  "--min-free: bad size '%s' (e.g. 1GiB)", optarg);
			break;
		case OPT_CTRSOCK:
			if (rec_opts_ctr_socket(o, optarg))
				return sr_err_set(err, SR_ESYNTAX,
						  "--container-socket: expected docker=PATH or "
						  "podman=PATH, not '%s'",
						  optarg);
			break;
		case OPT_CTRTIMEOUT:
			if (parse_secs(optarg, &v, err) || v < 1000000 || v > 60000000000ull)
				return sr_err_set(
				    err, SR_ESYNTAX,
				    "--container-timeout: bad duration '%s' (1ms..60s)", optarg);
			o->ctr_timeout_ms = (int)(v / 1000000);
			break;
		case OPT_NOCTR:
			o->ctr_off = 1;
			break;
		case 'w':
			o->path = optarg;
			break;
		case 'M':
			if (parse_secs(optarg, &o->max_ns, err))
				return sr_err_set(err, SR_ESYNTAX, "-M: bad duration '%s'", optarg);
			break;
		case 'n':
			if (parse_u64(optarg, &o->max_events) || !o->max_events)
				return sr_err_set(err, SR_ESYNTAX, "-n: bad event count '%s'",
						  optarg);
			break;
		case 'C':
			if (parse_u64(optarg, &v) || !v || v > 1000000)
				return sr_err_set(err, SR_ESYNTAX, "-C: bad size '%s' (MB)",
						  optarg);
			o->rot_bytes = v * 1000000ull;
			break;
		case 'G':
			if (parse_secs(optarg, &o->rot_ns, err))
				return sr_err_set(err, SR_ESYNTAX, "-G: bad duration '%s'", optarg);
			break;
		case 'W':
			if (parse_u64(optarg, &v) || !v || v > 100000)
				return sr_err_set(err, SR_ESYNTAX, "-W: bad file count '%s'",
						  optarg);
			o->ring_count = (unsigned)v;
			break;
		case 's':
			if (parse_u64(optarg, &v) || v > PRB_SNAPLEN_MAX)
				return sr_err_set(err, SR_ESYNTAX, "-s: snaplen must be 0..%d",
						  PRB_SNAPLEN_MAX);
			o->snaplen = (uint32_t)v;
			break;
		case 'p':
			if (parse_u64(optarg, &v) || !v || v > INT_MAX)
				return sr_err_set(err, SR_ESYNTAX, "-p: bad pid '%s'", optarg);
			o->pid = (pid_t)v;
			break;
		case 'r':
			/* the command line's rules replace the config's */
			if (o->rules_from_config) {
				o->nrules = 0;
				o->rules_from_config = 0;
			}
			if (o->nrules >= REC_MAX_RULES)
				return sr_err_set(err, SR_ESYNTAX, "too many -r files (max %d)",
						  REC_MAX_RULES);
			o->rules[o->nrules++] = optarg;
			break;
		case 'E':
			o->env = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			rec_usage(stdout);
			return 1;
		case OPT_VERSION:
			printf("sysrec " SR_VERSION " (capture format " SR_FORMAT_VERSION ")\n");
			return 1;
		case OPT_FORCE:
			o->force = 1;
			break;
		case OPT_SYSCALLS:
			o->syscalls = optarg;
			break;
		case OPT_CGROUP:
			o->cgroup = optarg;
			break;
		case OPT_COMM:
			if (!*optarg || strlen(optarg) > 15)
				return sr_err_set(err, SR_ESYNTAX, "--comm: 1 to 15 characters");
			o->comm = optarg;
			break;
		case OPT_BUFPAGES:
			if (parse_u64(optarg, &v) || !v || (v & (v - 1)) || v > (1u << 20))
				return sr_err_set(err, SR_ESYNTAX,
						  "--buffer-pages: a power of two, not '%s'",
						  optarg);
			o->buffer_pages = (uint32_t)v;
			break;
		case OPT_TRANSPORT:
			if (!strcmp(optarg, "perf"))
				o->transport = PRB_TR_PERF;
			else if (!strcmp(optarg, "ringbuf"))
				o->transport = PRB_TR_RINGBUF;
			else
				return sr_err_set(err, SR_ESYNTAX, "--transport: perf or ringbuf");
			break;
		case OPT_LEVEL:
			if (parse_u64(optarg, &v) || !v || v > 19)
				return sr_err_set(err, SR_ESYNTAX, "--zstd-level: 1..19");
			o->level = (int)v;
			break;
		case OPT_SNAPEVERY:
			if (parse_secs(optarg, &o->snap_ns, err))
				return sr_err_set(err, SR_ESYNTAX,
						  "--snapshot-every: bad duration");
			break;
		case OPT_BENCHEMPTY:
			o->bench |= PRB_B_EMPTY;
			break;
		case OPT_BENCHPROBE:
			if (parse_u64(optarg, &v) || v > 0xff)
				return sr_err_set(err, SR_ESYNTAX, "--bench-probe: bits 0..255");
			o->bench |= (uint32_t)v;
			break;
		case OPT_NOLATENCY:
			o->entry = PRB_ENTRY_NONE;
			break;
		case OPT_SIGNKEY:
			o->sign_key = optarg;
			break;
		case OPT_CKPTCHUNKS:
			if (parse_u64(optarg, &v) || !v || v > 1000000)
				return sr_err_set(err, SR_ESYNTAX,
						  "--checkpoint-chunks: 1..1000000, not '%s'",
						  optarg);
			o->ckpt_chunks = (uint32_t)v;
			break;
		case OPT_CKPTEVERY:
			if (parse_secs(optarg, &o->ckpt_ns, err))
				return sr_err_set(err, SR_ESYNTAX,
						  "--checkpoint-every: bad duration '%s'", optarg);
			break;
		case OPT_FWDSECURE:
			o->forward_secure = 1;
			break;
		case OPT_HOSTNAME:
			if (!*optarg || strlen(optarg) > 255)
				return sr_err_set(err, SR_ESYNTAX,
						  "--hostname: 1 to 255 characters");
			o->hostname = optarg;
			break;
		case OPT_FLEETSERVER:
			if (strncmp(optarg, "nats://", 7) && strncmp(optarg, "tls://", 6))
				return sr_err_set(err, SR_ESYNTAX,
						  "--fleet-server: nats://HOST:PORT, not '%s'",
						  optarg);
			if (o->fleet.nservers == FLEET_MAX_SERVERS)
				return sr_err_set(err, SR_ELIMIT, "--fleet-server: at most %d",
						  FLEET_MAX_SERVERS);
			o->fleet.servers[o->fleet.nservers++] = optarg;
			break;
		case OPT_FLEETSTREAM:
			o->fleet.stream = optarg;
			break;
		case OPT_ALERT_FILE:
		case OPT_ALERT_PROGRAM:
		case OPT_ALERT_SYSLOG:
		case OPT_ALERT_HTTP:
		case OPT_ALERT_NATS:
		case OPT_ALERT_KAFKA:
			if (out_conf_flag(&o->outs, (enum out_kind)(OUT_FILE + c - OPT_ALERT_FILE),
					  optarg, err))
				return SR_ESYNTAX;
			break;
		case OPT_ALERT_SPOOL:
			o->outs.spool_dir = optarg;
			break;
		case OPT_ENTRY:
			if (!strcmp(optarg, "none"))
				o->entry = PRB_ENTRY_NONE;
			else if (!strcmp(optarg, "slot"))
				o->entry = PRB_ENTRY_SLOT;
			else if (!strcmp(optarg, "task"))
				o->entry = PRB_ENTRY_TASK;
			else
				return sr_err_set(err, SR_ESYNTAX, "--entry: none, slot or task");
			break;
		default:
			if (optopt && optopt < 256)
				return sr_err_set(err, SR_ESYNTAX,
						  "bad option or missing value: -%c", optopt);
			return sr_err_set(err, SR_ESYNTAX, "bad option '%s'", argv[optind - 1]);
		}
	}
	/* getopt consumed a "--" (not as an option's value): a command follows */
	if (optind > 1 && !strcmp(argv[optind - 1], "--") && argv[optind - 1] != last_arg) {
		if (optind == argc)
			return sr_err_set(err, SR_ESYNTAX, "-- must be followed by a COMMAND");
		o->cmd = &argv[optind];
	} else if (optind < argc) {
		return stray_argument(argv[optind], last_opt, err);
	}
	return 0;
}

int rec_opts_parse(struct rec_opts *o, int argc, char **argv, struct sr_err *err)
{
	int rc;

	set_defaults(o);
	join_cmdline(o, argc, argv);
	rc = parse_args(o, argc, argv, err);
	if (rc)
		return rc;
	if (o->config) {
		const char *config = o->config;

		/* the file first, then the command line over it */
		set_defaults(o);
		rc = rec_config_load(&o->cfg, config, o, err);
		if (rc)
			return rc;
		rc = parse_args(o, argc, argv, err);
		if (rc)
			return rc;
	}
	if (o->show_config) {
		rec_config_print(o, stdout);
		return 1;
	}
	if (!o->path)
		return sr_err_set(err, SR_ESYNTAX, "-w FILE is required (see --help)");
	if (o->cmd && o->pid)
		return sr_err_set(err, SR_ESYNTAX, "-p and -- COMMAND exclude each other");
	if (o->user && !o->cmd)
		return sr_err_set(err, SR_ESYNTAX, "-u USER needs -- COMMAND");
	/* retention needs a set of files to delete from: rotate at a tenth of
	 * each limit unless told otherwise, so the set keeps ~90% of it */
	if ((o->max_bytes || o->min_free) && !o->rot_bytes && !o->rot_ns)
		o->rot_bytes = o->max_bytes / 10 > 1000000 ? o->max_bytes / 10
			       : o->max_bytes		   ? 1000000
							   : 100000000;
	if (o->max_age_ns && !o->rot_ns)
		o->rot_ns = o->max_age_ns / 10 > 1000000000ull ? o->max_age_ns / 10 : 1000000000ull;
	if (o->ring_count && !o->rot_bytes && !o->rot_ns)
		return sr_err_set(err, SR_ESYNTAX, "-W needs -C or -G");
	if ((o->ckpt_chunks || o->ckpt_ns || o->forward_secure) && !o->sign_key)
		return sr_err_set(
		    err, SR_ESYNTAX,
		    "checkpoint options need --sign-key (or signing.key in the config)");
	/* A new file must be signed by the key verify trusts, which the
	 * forward-secure recorder no longer holds. */
	if (o->forward_secure && (o->rot_bytes || o->rot_ns))
		return sr_err_set(err, SR_ESYNTAX,
				  "--forward-secure (signing.forward_secure) excludes -C and -G "
				  "(capture.rotate)");
	return 0;
}
