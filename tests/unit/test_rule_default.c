/* test_rule_default: each rule of rules/default/ fires on its behaviour and
 * stays silent on a benign counterpart, with synthetic events run through
 * the real state engine and field extractors. Also the alert text and JSON
 * renderings, and the rule index (first match vs all). */
#include "tests/tap.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "fields/fld.h"
#include "rules/rule.h"
#include "state/st.h"

static struct rule_set *rs;
static struct st_state *st;
static struct evt_builder eb;
static struct fld_ctx *ctx;
static uint64_t now = 1764423473123456789ull; /* 2025-11-29T13:37:53.123456789Z */

#define CID    "0123456789ab" /* a container id */
#define MAXHIT 8

static const char *hits[MAXHIT];
static size_t nhits;
static char last_text[4096], last_json[8192];

static void on_match(void *c, const struct rule *r, struct fld_ctx *fc)
{
	(void)c;
	if (nhits < MAXHIT)
		hits[nhits++] = rule_name(r);
	rule_alert_text(r, fc, last_text, sizeof(last_text));
	rule_alert_json(r, fc, last_json, sizeof(last_json));
}

static int setup(void)
{
	struct sr_err err;
	const char *dir = getenv("SYSREC_RULES_DIR");
	char path[1024];

	if (rs)
		return 1;
	/* tests run from the repository root (tests/run.sh cds there) */
	snprintf(path, sizeof(path), "%s", dir && *dir ? dir : "rules/default");
	if (access(path, R_OK) != 0)
		return 0;
	rs = rule_set_new();
	rule_set_match_mode(rs, RULE_MATCH_ALL);
	if (rule_set_load_file(rs, path, &err) || rule_set_finalize(rs, &err)) {
		rule_set_error_print(rs, stdout, &err);
		TAP_FAIL("default rules do not load: %s", err.msg);
		return 0;
	}
	st = st_new();
	ctx = calloc(1, sizeof(*ctx));
	evt_builder_init(&eb);
	return 1;
}

__attribute__((destructor)) static void teardown(void)
{
	rule_set_free(rs);
	st_free(st);
	free(ctx);
	evt_builder_free(&eb);
}

static void begin(unsigned type, uint32_t pid, uint32_t ppid, uint32_t uid, const char *comm,
		  int64_t res)
{
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = (now += 1000);
	h.pid = h.tid = pid;
	h.ppid = ppid;
	h.uid = uid;
	h.res = res;
	snprintf(h.comm, sizeof(h.comm), "%s", comm);
	evt_builder_begin(&eb, type, &h);
}

static void u64(uint64_t v)
{
	evt_builder_add_u64(&eb, v);
}

static void str(const char *s)
{
	evt_builder_add_str(&eb, s);
}

static void raw(const void *p, size_t n)
{
	evt_builder_add(&eb, p, n);
}

/* Runs the built record through state and the rules; returns hits. */
static size_t run(void)
{
	size_t len;
	const void *rec = evt_builder_finish(&eb, &len);
	struct evt ev;

	nhits = 0;
	last_text[0] = last_json[0] = '\0';
	if (!rec || evt_decode(&ev, rec, len) != 0) {
		TAP_FAIL("cannot build the event");
		return 0;
	}
	st_event_begin(st, &ev);
	fld_ctx_reset(ctx, &ev, st);
	ctx->hostname = "testhost";
	rule_set_match(rs, ctx, on_match, NULL);
	st_event_end(st, &ev);
	return nhits;
}

static int fired(const char *rule)
{
	for (size_t i = 0; i < nhits; i++)
		if (strcmp(hits[i], rule) == 0)
			return 1;
	return 0;
}

/* A process known from a snapshot record. cid NULL: on the host. */
static void proc(uint32_t pid, uint32_t ppid, uint32_t uid, uint32_t loginuid, const char *comm,
		 const char *exepath, const char *cid)
{
	begin(EVT_PROCINFO, pid, ppid, uid, comm, 0);
	str(comm);    /* exe (argv[0]) */
	str(exepath); /* exepath */
	raw("-v", 3); /* args after argv[0] */
	str("/");     /* cwd */
	u64(0);	      /* tty */
	u64(loginuid);
	u64(uid);		  /* euid */
	u64(0);			  /* egid */
	u64(now - 1000000000ull); /* start_ts */
	str("");		  /* cgroup */
	str(cid);		  /* container_id */
	str("");		  /* pod_uid */
	u64(pid);
	u64(pid);
	u64(0);
	u64(0);
	u64(0);
	u64(0);	   /* flags */
	str(NULL); /* env */
	run();
}

static size_t ev_execve(uint32_t pid, uint32_t ppid, uint32_t uid, const char *path,
			const char *argv0, uint64_t flags)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char args[256];
	size_t n = (size_t)snprintf(args, sizeof(args), "%s%c-c%cid", argv0, 0, 0) + 1;

	begin(EVT_EXECVE, pid, ppid, uid, base, 0);
	str(path);
	raw(args, n);
	str(path);
	str("/");
	u64(0);
	u64(UINT32_MAX);
	u64(uid);
	u64(0);
	u64(uid);
	str(NULL);
	u64(flags);
	u64(0);
	return run();
}

static size_t ev_openat(uint32_t pid, const char *comm, const char *path, uint64_t flags,
			int64_t fd)
{
	begin(EVT_OPENAT, pid, 1, 0, comm, fd);
	u64((uint64_t)-100);
	str(path);
	u64(flags);
	u64(0644);
	return run();
}

static void inet_fd(uint32_t pid, const char *comm, int64_t fd, const uint8_t rip[4],
		    uint16_t rport)
{
	uint8_t tup[1 + 4 + 2 + 4 + 2 + 1] = {2, 10, 0, 0, 2};
	char name[64];

	snprintf(name, sizeof(name), "10.0.0.2:46044->%u.%u.%u.%u:%u", rip[0], rip[1], rip[2],
		 rip[3], rport);
	tup[5] = 0x9c;
	tup[6] = 0xb3; /* local port 46044 */
	memcpy(tup + 7, rip, 4);
	memcpy(tup + 11, &rport, 2);
	tup[13] = 6;
	begin(EVT_FDINFO, pid, 1, 0, comm, 0);
	u64((uint64_t)fd);
	u64(FDT_IPV4);
	str(name);
	raw(tup, sizeof(tup));
	u64(O_RDWR);
	u64(0);
	run();
}

static size_t connect_inet(uint32_t pid, const char *comm, const uint8_t rip[4], uint16_t port)
{
	uint8_t addr[7] = {2}, tup[14] = {2, 10, 0, 0, 2, 0x9c, 0xb3};

	begin(EVT_SOCKET, pid, 1, 0, comm, 3);
	u64(2);
	u64(1);
	u64(0);
	run();
	memcpy(addr + 1, rip, 4);
	memcpy(addr + 5, &port, 2);
	memcpy(tup + 7, rip, 4);
	memcpy(tup + 11, &port, 2);
	tup[13] = 6;
	begin(EVT_CONNECT, pid, 1, 0, comm, 0);
	u64(3);
	raw(addr, sizeof(addr));
	raw(tup, sizeof(tup));
	return run();
}

#define NEED_SETUP()                                                                               \
	do {                                                                                       \
		if (!setup()) {                                                                    \
			if (!tap_failed_now)                                                       \
				SKIP("rules/default not found");                                   \
			return;                                                                    \
		}                                                                                  \
	} while (0)

TEST(default_rules_load_cleanly)
{
	const char *const *w;
	size_t nw;

	NEED_SETUP();
	nw = rule_set_warnings(rs, &w);
	for (size_t i = 0; i < nw; i++)
		printf("# %s\n", w[i]);
	CHECK_EQ_INT(nw, 0);
	CHECK(rule_set_count(rs) >= 18);
}

TEST(shell_in_container)
{
	NEED_SETUP();
	proc(1000, 1, 0, UINT32_MAX, "runc", "/usr/bin/runc", CID);
	proc(1001, 1000, 0, UINT32_MAX, "runc", "/usr/bin/runc", CID);
	ev_execve(1001, 1000, 0, "/bin/bash", "bash", 0);
	CHECK(fired("Shell spawned in a container"));
	CHECK(strstr(last_text, "container=" CID) != NULL);
	/* benign: the same on the host */
	proc(1010, 1, 0, UINT32_MAX, "runc", "/usr/bin/runc", NULL);
	proc(1011, 1010, 0, UINT32_MAX, "runc", "/usr/bin/runc", NULL);
	ev_execve(1011, 1010, 0, "/bin/bash", "bash", 0);
	CHECK(!fired("Shell spawned in a container"));
	/* benign: a shell script starting a sub-shell in the container */
	proc(1020, 1, 0, UINT32_MAX, "bash", "/bin/bash", CID);
	proc(1021, 1020, 0, UINT32_MAX, "bash", "/bin/bash", CID);
	ev_execve(1021, 1020, 0, "/bin/sh", "sh", 0);
	CHECK(!fired("Shell spawned in a container"));
}

TEST(shell_by_server)
{
	NEED_SETUP();
	proc(1100, 1, 33, UINT32_MAX, "nginx", "/usr/sbin/nginx", NULL);
	proc(1101, 1100, 33, UINT32_MAX, "nginx", "/usr/sbin/nginx", NULL);
	ev_execve(1101, 1100, 33, "/bin/sh", "sh", 0);
	CHECK(fired("Shell spawned by a server process"));
	proc(1110, 1, 0, UINT32_MAX, "sshd", "/usr/sbin/sshd", NULL);
	proc(1111, 1110, 0, UINT32_MAX, "sshd", "/usr/sbin/sshd", NULL);
	ev_execve(1111, 1110, 0, "/bin/bash", "bash", 0);
	CHECK(!fired("Shell spawned by a server process"));
}

TEST(exec_from_temp_and_memfd)
{
	NEED_SETUP();
	proc(1200, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	ev_execve(1200, 1, 1000, "/dev/shm/.x/payload", "payload", 0);
	CHECK(fired("Program run from a temporary directory"));
	proc(1201, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	ev_execve(1201, 1, 1000, "/tmp/kworker", "kworker", 0);
	CHECK(fired("Program run from a temporary directory"));
	proc(1202, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	ev_execve(1202, 1, 1000, "/usr/bin/ls", "ls", 0);
	CHECK(!fired("Program run from a temporary directory"));
	proc(1203, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	ev_execve(1203, 1, 1000, "/tmpfoo/ls", "ls", 0);
	CHECK(!fired("Program run from a temporary directory"));

	proc(1210, 1, 0, UINT32_MAX, "python3", "/usr/bin/python3", NULL);
	ev_execve(1210, 1, 0, "/memfd:x (deleted)", "x", EVT_EXEC_FROM_MEMFD);
	CHECK(fired("Fileless execution from memory"));
	proc(1211, 1, 0, UINT32_MAX, "python3", "/usr/bin/python3", NULL);
	ev_execve(1211, 1, 0, "/usr/bin/id", "id", 0);
	CHECK(!fired("Fileless execution from memory"));
}

TEST(reverse_shell_dup)
{
	static const uint8_t ip[4] = {203, 0, 113, 7};

	NEED_SETUP();
	proc(1300, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	inet_fd(1300, "bash", 3, ip, 4444);
	begin(EVT_DUP2, 1300, 1, 1000, "bash", 0);
	u64(3);
	u64(0);
	run();
	CHECK(fired("Network socket redirected to standard input or output"));
	/* benign: a pipe onto stdout */
	begin(EVT_PIPE, 1300, 1, 1000, "bash", 0);
	u64(5);
	u64(6);
	run();
	begin(EVT_DUP2, 1300, 1, 1000, "bash", 1);
	u64(6);
	u64(1);
	run();
	CHECK(!fired("Network socket redirected to standard input or output"));
	/* benign: a socket duplicated onto a high descriptor */
	begin(EVT_DUP2, 1300, 1, 1000, "bash", 10);
	u64(3);
	u64(10);
	run();
	CHECK(!fired("Network socket redirected to standard input or output"));
}

/* fd of pid as a pipe, from a snapshot record */
static void pipe_fd(uint32_t pid, const char *comm, int64_t fd)
{
	begin(EVT_FDINFO, pid, 1, 0, comm, 0);
	u64((uint64_t)fd);
	u64(FDT_PIPE);
	str("pipe:[4242]");
	raw(NULL, 0);
	u64(O_RDWR);
	u64(4242);
	run();
}

TEST(reverse_shell_exec)
{
	static const uint8_t ip[4] = {198, 51, 100, 23};
	static const char *rule = "Network socket redirected to standard input or output";

	NEED_SETUP();
	/* nc -e /bin/sh: the shell starts with the socket on fds 0 and 1 */
	proc(1320, 1, 1000, 1000, "nc", "/usr/bin/nc", NULL);
	inet_fd(1320, "nc", 0, ip, 4444);
	inet_fd(1320, "nc", 1, ip, 4444);
	pipe_fd(1320, "nc", 2);
	ev_execve(1320, 1, 1000, "/bin/sh", "sh", 0);
	CHECK(fired(rule));
	CHECK(strstr(last_text, "stdin=") != NULL);
	CHECK(strstr(last_text, "198.51.100.23:4444") != NULL);
	/* only stdout on the socket is enough */
	proc(1321, 1, 1000, 1000, "python3", "/usr/bin/python3", NULL);
	pipe_fd(1321, "python3", 0);
	inet_fd(1321, "python3", 1, ip, 4444);
	ev_execve(1321, 1, 1000, "/bin/bash", "bash", 0);
	CHECK(fired(rule));
	/* benign: a shell started from a pipeline (pipes on 0 and 1) */
	proc(1322, 1, 1000, 1000, "make", "/usr/bin/make", NULL);
	pipe_fd(1322, "make", 0);
	pipe_fd(1322, "make", 1);
	ev_execve(1322, 1, 1000, "/bin/sh", "sh", 0);
	CHECK(!fired(rule));
	/* benign: a socket on stdin of a program that is not a shell (inetd style) */
	proc(1323, 1, 0, UINT32_MAX, "xinetd", "/usr/sbin/xinetd", NULL);
	inet_fd(1323, "xinetd", 0, ip, 4444);
	inet_fd(1323, "xinetd", 1, ip, 4444);
	ev_execve(1323, 1, 0, "/usr/sbin/in.ftpd", "in.ftpd", 0);
	CHECK(!fired(rule));
	/* benign: the socket is on fd 3 only */
	proc(1324, 1, 1000, 1000, "nc", "/usr/bin/nc", NULL);
	pipe_fd(1324, "nc", 0);
	pipe_fd(1324, "nc", 1);
	inet_fd(1324, "nc", 3, ip, 4444);
	ev_execve(1324, 1, 1000, "/bin/sh", "sh", 0);
	CHECK(!fired(rule));
}

static size_t ptrace_req(uint32_t pid, const char *comm, uint64_t req)
{
	begin(EVT_PTRACE, pid, 1, 0, comm, 0);
	u64(req);
	u64(4242);
	u64(0);
	u64(0);
	return run();
}

TEST(ptrace_attach)
{
	NEED_SETUP();
	proc(1400, 1, 0, UINT32_MAX, "injector", "/opt/injector", NULL);
	ptrace_req(1400, "injector", 16 /* PTRACE_ATTACH */);
	CHECK(fired("Process attached to another with ptrace"));
	ptrace_req(1400, "injector", 5 /* PTRACE_POKEDATA */);
	CHECK(fired("Process attached to another with ptrace"));
	ptrace_req(1400, "injector", 0 /* PTRACE_TRACEME */);
	CHECK(!fired("Process attached to another with ptrace"));
	proc(1401, 1, 0, UINT32_MAX, "gdb", "/usr/bin/gdb", NULL);
	ptrace_req(1401, "gdb", 16);
	CHECK(!fired("Process attached to another with ptrace"));
}

TEST(privilege_changes)
{
	NEED_SETUP();
	proc(1500, 1, 1000, 1000, "exploit", "/home/u/exploit", NULL);
	begin(EVT_SETUID, 1500, 1, 0, "exploit", 0);
	u64(0);
	run();
	CHECK(fired("User process changed its user id to root"));
	/* nobody (65534), no login session, refused with EPERM */
	proc(1503, 1, 65534, UINT32_MAX, "exploit", "/tmp/exploit", NULL);
	begin(EVT_SETUID, 1503, 1, 65534, "exploit", -1 /* EPERM */);
	u64(0);
	run();
	CHECK(fired("User process changed its user id to root"));
	CHECK(strstr(last_text, "result=EPERM") != NULL);
	/* nobody, and the call succeeds (a capability or a saved uid of 0) */
	proc(1504, 1, 65534, UINT32_MAX, "exploit", "/tmp/exploit", NULL);
	begin(EVT_SETUID, 1504, 1, 0, "exploit", 0);
	u64(0);
	run();
	CHECK(fired("User process changed its user id to root"));
	CHECK(strstr(last_text, "result=SUCCESS") != NULL);
	/* benign: nobody setting its own uid, and failing for another reason */
	proc(1505, 1, 65534, UINT32_MAX, "worker", "/usr/bin/worker", NULL);
	begin(EVT_SETUID, 1505, 1, 65534, "worker", 0);
	u64(65534);
	run();
	CHECK(!fired("User process changed its user id to root"));
	begin(EVT_SETUID, 1505, 1, 65534, "worker", -22 /* EINVAL */);
	u64(0);
	run();
	CHECK(!fired("User process changed its user id to root"));
	/* benign: root (no login session) setting uid 0 */
	proc(1506, 1, 0, UINT32_MAX, "daemon", "/usr/sbin/daemon", NULL);
	begin(EVT_SETUID, 1506, 1, 0, "daemon", 0);
	u64(0);
	run();
	CHECK(!fired("User process changed its user id to root"));
	proc(1501, 1, 1000, 1000, "sudo", "/usr/bin/sudo", NULL);
	begin(EVT_SETUID, 1501, 1, 0, "sudo", 0);
	u64(0);
	run();
	CHECK(!fired("User process changed its user id to root"));
	/* a root daemon without a login session */
	proc(1502, 1, 0, UINT32_MAX, "cron", "/usr/sbin/cron", NULL);
	begin(EVT_SETRESUID, 1502, 1, 0, "crond2", 0);
	u64(0);
	u64(0);
	u64(0);
	run();
	CHECK(!fired("User process changed its user id to root"));

	proc(1510, 1, 0, UINT32_MAX, "app", "/app/server", CID);
	begin(EVT_CAPSET, 1510, 1, 0, "app", 0);
	u64(0x3fffffffffull);
	u64(0x3fffffffffull);
	u64(0);
	run();
	CHECK(fired("Capabilities changed by a user process"));
	proc(1511, 1, 0, UINT32_MAX, "chronyd", "/usr/sbin/chronyd", NULL);
	begin(EVT_CAPSET, 1511, 1, 0, "chronyd", 0);
	u64(0x2000000ull);
	u64(0x2000000ull);
	u64(0);
	run();
	CHECK(!fired("Capabilities changed by a user process"));
}

TEST(sensitive_file_reads)
{
	NEED_SETUP();
	proc(1600, 1, 0, 1000, "cat", "/usr/bin/cat", NULL);
	ev_openat(1600, "cat", "/etc/shadow", O_RDONLY, 3);
	CHECK(fired("Account secrets read by an untrusted program"));
	CHECK(strstr(last_text, "fd=/etc/shadow") != NULL);
	proc(1601, 1, 0, UINT32_MAX, "sshd", "/usr/sbin/sshd", NULL);
	ev_openat(1601, "sshd", "/etc/shadow", O_RDONLY, 3);
	CHECK(!fired("Account secrets read by an untrusted program"));
	ev_openat(1600, "cat", "/etc/passwd", O_RDONLY, 4);
	CHECK(!fired("Account secrets read by an untrusted program"));
	ev_openat(1600, "cat", "/etc/sudoers.d/admins", O_RDONLY, 5);
	CHECK(fired("Account secrets read by an untrusted program"));
	/* a failed open reads nothing */
	ev_openat(1600, "cat", "/etc/shadow", O_RDONLY, -13);
	CHECK(!fired("Account secrets read by an untrusted program"));

	proc(1610, 1, 1000, 1000, "python3", "/usr/bin/python3", NULL);
	ev_openat(1610, "python3", "/home/alice/.ssh/id_ed25519", O_RDONLY, 3);
	CHECK(fired("SSH private key read by an untrusted program"));
	ev_openat(1610, "python3", "/home/alice/.ssh/id_ed25519.pub", O_RDONLY, 4);
	CHECK(!fired("SSH private key read by an untrusted program"));
	proc(1611, 1, 1000, 1000, "ssh", "/usr/bin/ssh", NULL);
	ev_openat(1611, "ssh", "/home/alice/.ssh/id_ed25519", O_RDONLY, 3);
	CHECK(!fired("SSH private key read by an untrusted program"));

	proc(1620, 1, 0, UINT32_MAX, "curl", "/usr/bin/curl", CID);
	ev_openat(1620, "curl", "/root/.aws/credentials", O_RDONLY, 3);
	CHECK(fired("Cloud credentials read by an untrusted program"));
	proc(1621, 1, 0, UINT32_MAX, "aws", "/usr/local/bin/aws", NULL);
	ev_openat(1621, "aws", "/root/.aws/credentials", O_RDONLY, 3);
	CHECK(!fired("Cloud credentials read by an untrusted program"));
}

TEST(writes_below_etc_and_bin)
{
	NEED_SETUP();
	proc(1700, 1, 0, 0, "vim", "/usr/bin/vim", NULL);
	ev_openat(1700, "vim", "/etc/crontab", O_WRONLY | O_CREAT | O_TRUNC, 3);
	CHECK(fired("Write below /etc"));
	ev_openat(1700, "vim", "/etc/crontab", O_RDONLY, 4);
	CHECK(!fired("Write below /etc"));
	proc(1701, 1, 0, UINT32_MAX, "dpkg", "/usr/bin/dpkg", NULL);
	ev_openat(1701, "dpkg", "/etc/crontab", O_WRONLY | O_CREAT, 3);
	CHECK(!fired("Write below /etc"));

	proc(1710, 1, 0, UINT32_MAX, "curl", "/usr/bin/curl", NULL);
	ev_openat(1710, "curl", "/usr/local/bin/kubectl", O_WRONLY | O_CREAT, 3);
	CHECK(fired("Write below a binary directory"));
	ev_openat(1710, "curl", "/usr/binaries/x", O_WRONLY | O_CREAT, 4);
	CHECK(!fired("Write below a binary directory"));
	ev_openat(1701, "dpkg", "/usr/bin/ls.dpkg-new", O_WRONLY | O_CREAT, 4);
	CHECK(!fired("Write below a binary directory"));
}

TEST(log_tampering)
{
	NEED_SETUP();
	proc(1800, 1, 0, 1000, "bash", "/bin/bash", NULL);
	ev_openat(1800, "bash", "/var/log/auth.log", O_WRONLY | O_TRUNC, 3);
	CHECK(fired("Log file truncated or deleted"));
	ev_openat(1800, "bash", "/var/log/auth.log", O_WRONLY | O_APPEND, 4);
	CHECK(!fired("Log file truncated or deleted"));
	begin(EVT_UNLINKAT, 1800, 1, 0, "rm", 0);
	u64((uint64_t)-100);
	str("/var/log/wtmp");
	u64(0);
	run();
	CHECK(fired("Log file truncated or deleted"));
	begin(EVT_UNLINKAT, 1800, 1, 0, "rm", 0);
	u64((uint64_t)-100);
	str("/var/tmp/scratch");
	u64(0);
	run();
	CHECK(!fired("Log file truncated or deleted"));
	proc(1801, 1, 0, UINT32_MAX, "logrotate", "/usr/sbin/logrotate", NULL);
	ev_openat(1801, "logrotate", "/var/log/syslog", O_WRONLY | O_TRUNC, 3);
	CHECK(!fired("Log file truncated or deleted"));
}

TEST(outbound_connections)
{
	static const uint8_t out_ip[4] = {203, 0, 113, 9}, lo[4] = {127, 0, 0, 1};

	NEED_SETUP();
	proc(1900, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	connect_inet(1900, "bash", out_ip, 443);
	CHECK(fired("Outbound connection by an unexpected program"));
	CHECK(strstr(last_text, "203.0.113.9") != NULL);
	proc(1901, 1, 1000, 1000, "bash", "/bin/bash", NULL);
	connect_inet(1901, "bash", lo, 8080);
	CHECK(!fired("Outbound connection by an unexpected program"));
	proc(1902, 1, 1000, 1000, "curl", "/usr/bin/curl", NULL);
	connect_inet(1902, "curl", out_ip, 443);
	CHECK(!fired("Outbound connection by an unexpected program"));
}

TEST(kernel_memory_and_container_escape)
{
	static const char dsock[] = "\001/var/run/docker.sock";
	uint8_t tup[1 + 16 + 21];

	NEED_SETUP();
	proc(2000, 1, 0, 1000, "insmod", "/usr/sbin/insmod", NULL);
	begin(EVT_FINIT_MODULE, 2000, 1, 0, "insmod", 0);
	u64(3);
	str("");
	u64(0);
	run();
	CHECK(fired("Kernel module loaded"));
	/* A refused attempt is reported too: the alert carries the result. */
	begin(EVT_FINIT_MODULE, 2000, 1, 0, "insmod", -1);
	u64(3);
	str("");
	u64(0);
	run();
	CHECK(fired("Kernel module loaded"));
	/* Benign counterpart: other kernel-facing calls stay quiet. */
	begin(EVT_DELETE_MODULE, 2000, 1, 0, "rmmod", 0);
	str("dummy");
	u64(0);
	run();
	CHECK(!fired("Kernel module loaded"));

	proc(2010, 1, 1000, 1000, "loader", "/home/u/loader", NULL);
	begin(EVT_MMAP, 2010, 1, 1000, "loader", 0x7f0000000000ll);
	u64(0);
	u64(4096);
	u64(7); /* PROT_READ|PROT_WRITE|PROT_EXEC */
	u64(0x22);
	u64((uint64_t)-1);
	u64(0);
	run();
	CHECK(fired("Writable and executable memory"));
	begin(EVT_MPROTECT, 2010, 1, 1000, "loader", 0);
	u64(0x7f0000000000ull);
	u64(4096);
	u64(5); /* PROT_READ|PROT_EXEC */
	run();
	CHECK(!fired("Writable and executable memory"));
	proc(2011, 1, 1000, 1000, "java", "/usr/bin/java", NULL);
	begin(EVT_MPROTECT, 2011, 1, 1000, "java", 0);
	u64(0x7f0000000000ull);
	u64(4096);
	u64(7);
	run();
	CHECK(!fired("Writable and executable memory"));

	proc(2020, 1, 0, UINT32_MAX, "app", "/app/run", CID);
	begin(EVT_MOUNT, 2020, 1, 0, "app", 0);
	str("/dev/sda1");
	str("/mnt/host");
	str("ext4");
	u64(0);
	run();
	CHECK(fired("Mount inside a container"));
	proc(2021, 1, 0, UINT32_MAX, "mount", "/usr/bin/mount", NULL);
	begin(EVT_MOUNT, 2021, 1, 0, "mount", 0);
	str("/dev/sda1");
	str("/mnt/data");
	str("ext4");
	u64(0);
	run();
	CHECK(!fired("Mount inside a container"));

	begin(EVT_SETNS, 2020, 1, 0, "app", 0);
	u64(5);
	u64(0x20000);
	run();
	CHECK(fired("Namespace change inside a container"));
	proc(2022, 1, 0, UINT32_MAX, "runc", "/usr/bin/runc", CID);
	begin(EVT_UNSHARE, 2022, 1, 0, "runc", 0);
	u64(0x20000);
	run();
	CHECK(!fired("Namespace change inside a container"));

	memset(tup, 0, sizeof(tup));
	tup[0] = 1;
	memcpy(tup + 17, "/var/run/docker.sock", 20);
	begin(EVT_SOCKET, 2020, 1, 0, "app", 7);
	u64(1);
	u64(1);
	u64(0);
	run();
	begin(EVT_CONNECT, 2020, 1, 0, "app", 0);
	u64(7);
	raw(dsock, sizeof(dsock) - 1);
	raw(tup, 37);
	run();
	CHECK(fired("Container runtime socket used from a container"));
	proc(2030, 1, 0, 1000, "docker", "/usr/bin/docker", NULL);
	begin(EVT_SOCKET, 2030, 1, 0, "docker", 7);
	u64(1);
	u64(1);
	u64(0);
	run();
	begin(EVT_CONNECT, 2030, 1, 0, "docker", 0);
	u64(7);
	raw(dsock, sizeof(dsock) - 1);
	raw(tup, 37);
	run();
	CHECK(!fired("Container runtime socket used from a container"));
}

TEST(alert_text_and_json)
{
	cJSON *o, *f, *t;
	char want[64];
	struct tm tm;
	time_t sec;

	NEED_SETUP();
	proc(2100, 1, 0, 1000, "cat", "/usr/bin/cat", NULL);
	ev_openat(2100, "cat", "/etc/shadow", O_RDONLY, 3);
	CHECK(fired("Account secrets read by an untrusted program"));
	/* text: local time of the event, capitalised priority, rendered output */
	sec = (time_t)(now / 1000000000u);
	localtime_r(&sec, &tm);
	snprintf(want, sizeof(want), "%02d:%02d:%02d.%09u: Warning Account secrets /etc/shadow",
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(now % 1000000000u));
	if (strncmp(last_text, want, strlen(want)) != 0)
		TAP_FAIL("text alert '%s' does not start with '%s'", last_text, want);
	CHECK(strstr(last_text, "proc=cat cmdline=cat -v ") != NULL);
	CHECK(strchr(last_text, '\n') == NULL);

	if (getenv("SHOW_ALERTS"))
		printf("# %s\n# %s\n", last_text, last_json);
	o = cJSON_Parse(last_json);
	CHECK(o != NULL);
	if (!o)
		return;
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "hostname")), "testhost");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "output")), last_text);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "priority")), "Warning");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "rule")),
		  "Account secrets read by an untrusted program");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "source")), "syscall");
	{
		const char *tv = cJSON_GetStringValue(cJSON_GetObjectItem(o, "time"));
		struct tm g;
		char wt[64];

		gmtime_r(&sec, &g);
		snprintf(wt, sizeof(wt), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", g.tm_year + 1900,
			 g.tm_mon + 1, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec,
			 (unsigned)(now % 1000000000u));
		CHECK_STR(tv, wt);
	}
	t = cJSON_GetObjectItem(o, "tags");
	CHECK(cJSON_IsArray(t) && cJSON_GetArraySize(t) >= 3);
	/* Falco's tags come sorted */
	for (int i = 1; t && i < cJSON_GetArraySize(t); i++)
		CHECK(strcmp(cJSON_GetArrayItem(t, i - 1)->valuestring,
			     cJSON_GetArrayItem(t, i)->valuestring) < 0);
	f = cJSON_GetObjectItem(o, "output_fields");
	CHECK(cJSON_IsObject(f));
	if (f) {
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(f, "proc.name")), "cat");
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(f, "fd.name")), "/etc/shadow");
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(f, "container.id")), "host");
		CHECK(cJSON_IsNumber(cJSON_GetObjectItem(f, "user.uid")));
		CHECK(cJSON_IsNumber(cJSON_GetObjectItem(f, "evt.time")));
		/* the raw integer survives exactly in the text */
		snprintf(want, sizeof(want), "\"evt.time\":%llu", (unsigned long long)now);
		CHECK(strstr(last_json, want) != NULL);
	}
	/* output_fields keys sorted, as Falco's */
	for (cJSON *it = f ? f->child : NULL; it && it->next; it = it->next)
		CHECK(strcmp(it->string, it->next->string) < 0);
	/* the key order is Falco's (alphabetical) */
	{
		const char *keys[] = {"hostname", "output", "output_fields", "priority",
				      "rule",	  "source", "tags",	     "time"};
		cJSON *it = o->child;

		for (size_t i = 0; i < 8; i++, it = it ? it->next : NULL)
			CHECK(it && strcmp(it->string, keys[i]) == 0);
		CHECK(it == NULL);
	}
	cJSON_Delete(o);
}

TEST(json_absent_field_is_null)
{
	struct rule_set *r2 = rule_set_new();
	struct sr_err err;
	cJSON *o;

	NEED_SETUP();
	CHECK_EQ_INT(rule_set_load_string(r2, "t",
					  "- rule: open\n  desc: d\n  condition: evt.type=openat\n"
					  "  output: open %fd.name cport=%fd.cport\n"
					  "  priority: INFO\n",
					  &err),
		     0);
	CHECK_EQ_INT(rule_set_finalize(r2, &err), 0);
	{
		struct rule_set *saved = rs;

		rs = r2;
		proc(2200, 1, 0, 1000, "cat", "/usr/bin/cat", NULL);
		ev_openat(2200, "cat", "/dev/null", O_RDONLY, 3);
		rs = saved;
	}
	CHECK(strstr(last_text, "Informational open /dev/null cport=<NA>") != NULL);
	o = cJSON_Parse(last_json);
	CHECK(o && cJSON_IsNull(
		       cJSON_GetObjectItem(cJSON_GetObjectItem(o, "output_fields"), "fd.cport")));
	CHECK(o && cJSON_GetArraySize(cJSON_GetObjectItem(o, "tags")) == 0);
	cJSON_Delete(o);
	rule_set_free(r2);
}

/* Text from a capture may hold bytes that are not UTF-8 (a comm, a file
 * name): the JSON alert escapes them instead of passing them through. */
TEST(json_escapes_bytes_outside_utf8)
{
	struct rule_set *r2 = rule_set_new();
	struct sr_err err;
	cJSON *o;

	NEED_SETUP();
	CHECK_EQ_INT(rule_set_load_string(r2, "t",
					  "- rule: open\n  desc: d\n  condition: evt.type=openat\n"
					  "  output: open %fd.name by %proc.name\n"
					  "  priority: INFO\n",
					  &err),
		     0);
	CHECK_EQ_INT(rule_set_finalize(r2, &err), 0);
	{
		struct rule_set *saved = rs;

		rs = r2;
		proc(2300, 1, 0, 1000, "c\xff\xfe", "/usr/bin/cat", NULL);
		ev_openat(2300, "c\xff\xfe", "/tmp/\xc3(x\x01", O_RDONLY, 3);
		rs = saved;
	}
	CHECK(last_json[0] == '{');
	CHECK(strchr(last_json, '\xff') == NULL && strchr(last_json, '\xc3') == NULL);
	CHECK(strstr(last_json, "\\u00ff\\u00fe") != NULL);
	CHECK(strstr(last_json, "/tmp/\\u00c3(x\\u0001") != NULL);
	o = cJSON_Parse(last_json);
	CHECK(o != NULL);
	cJSON_Delete(o);
	rule_set_free(r2);
}

TEST(first_match_versus_all)
{
	struct rule_set *r2 = rule_set_new();
	struct sr_err err;

	NEED_SETUP();
	CHECK_EQ_INT(
	    rule_set_load_string(r2, "t",
				 "- rule: dev_null_open\n  desc: d\n"
				 "  condition: evt.type=openat and fd.name=/dev/null\n"
				 "  output: o\n  priority: INFO\n"
				 "- rule: any_dev_null\n  desc: d\n  condition: fd.name=/dev/null\n"
				 "  output: o\n  priority: INFO\n  warn_evttypes: false\n"
				 "- rule: exec_only\n  desc: d\n  condition: evt.type=execve\n"
				 "  output: o\n  priority: INFO\n",
				 &err),
	    0);
	CHECK_EQ_INT(rule_set_finalize(r2, &err), 0);
	{
		struct rule_set *saved = rs;

		rs = r2;
		proc(2300, 1, 0, 1000, "cat", "/usr/bin/cat", NULL);
		ev_openat(2300, "cat", "/dev/null", O_RDONLY, 3);
		CHECK_EQ_INT(nhits, 1); /* first match only, in file order */
		CHECK(fired("dev_null_open"));
		rule_set_match_mode(r2, RULE_MATCH_ALL);
		ev_openat(2300, "cat", "/dev/null", O_RDONLY, 4);
		CHECK_EQ_INT(nhits, 2);
		CHECK(fired("any_dev_null"));
		rs = saved;
	}
	rule_set_free(r2);
}
