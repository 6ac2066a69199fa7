/* test_rec_action: response actions — the rules key, the guard rails (PID 1,
 * the recorder, kernel threads, allowlists, hosts without a container),
 * dry_run, a real kill through a pidfd and the pid-reuse check, the alert
 * annotations and the ACTION record. The recorder's sources are not in
 * libsysrec.a, so they are built in here. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../record/rec_action.c"
#include "../../record/rec_action_name.c"
#include "../../record/rec_action_proc.c"
#include "../../record/rec_action_prog.c"
#include "../tap.h"

static const char *rules_yaml = "- rule: R\n"
				"  desc: d\n"
				"  condition: evt.type=openat\n"
				"  output: o %proc.name\n"
				"  priority: critical\n"
				"  tags: [t1]\n"
				"  actions: [kill_process, freeze_container]\n"
				"- rule: Plain\n"
				"  desc: d\n"
				"  condition: evt.type=openat\n"
				"  output: o\n"
				"  priority: notice\n";

struct fix {
	struct rule_set *rs;
	struct st_state *st;
	struct fld_ctx fc;
	struct evt_builder b;
	struct evt ev;
	struct rec_action_cfg cfg;
	struct rec_action a;
};

static int fix_init(struct fix *f)
{
	struct sr_err err;

	memset(f, 0, sizeof(*f));
	f->rs = rule_set_new();
	if (rule_set_load_string(f->rs, "t.yaml", rules_yaml, &err) ||
	    rule_set_finalize(f->rs, &err)) {
		printf("# %s\n", err.msg);
		return -1;
	}
	f->st = st_new();
	evt_builder_init(&f->b);
	f->cfg.enabled = 1;
	f->cfg.rule_keys = 1;
	return rec_action_init(&f->a, &f->cfg, 0, &err);
}

/* One openat by pid, comm; ts in epoch ns (clock_offset 0: boottime). */
static void fix_event(struct fix *f, uint32_t pid, const char *comm, uint64_t ts)
{
	struct evt_rec h;
	const void *rec;
	size_t len;

	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.pid = h.tid = pid;
	snprintf(h.comm, sizeof(h.comm), "%s", comm);
	evt_builder_begin(&f->b, EVT_OPENAT, &h);
	evt_builder_add_s64(&f->b, -100);
	evt_builder_add_str(&f->b, "/etc/shadow");
	evt_builder_add_u64(&f->b, 0);
	evt_builder_add_u64(&f->b, 0);
	rec = evt_builder_finish(&f->b, &len);
	evt_decode(&f->ev, rec, len);
	st_event_begin(f->st, &f->ev);
	fld_ctx_reset(&f->fc, &f->ev, f->st);
}

static const char *fix_result(struct fix *f, const char *rule, unsigned kind)
{
	rec_action_alert(&f->a, rule_set_find(f->rs, rule), &f->fc);
	for (size_t i = 0; i < f->a.nres; i++)
		if (f->a.res[i].kind == kind)
			return f->a.res[i].result;
	return "(none)";
}

static void fix_free(struct fix *f)
{
	rec_action_free(&f->a);
	evt_builder_free(&f->b);
	st_free(f->st);
	rule_set_free(f->rs);
}

static uint64_t boot_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static pid_t sleeper(void)
{
	pid_t p = fork();

	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

TEST(rule_key_stored_and_checked)
{
	struct rule_set *rs = rule_set_new();
	const char *const *names;
	struct sr_err err;
	int rc;

	CHECK(!rule_set_load_string(rs, "t.yaml", rules_yaml, &err));
	CHECK(!rule_set_finalize(rs, &err));
	CHECK_EQ_INT(rule_actions(rule_set_find(rs, "R"), &names), 2);
	CHECK_STR(names[0], "kill_process");
	CHECK_STR(names[1], "freeze_container");
	CHECK_EQ_INT(rule_actions(rule_set_find(rs, "Plain"), &names), 0);
	/* no "unknown key" warning for it */
	CHECK_EQ_INT(rule_set_warnings(rs, &names), 0);
	rule_set_free(rs);

	rs = rule_set_new();
	rc = rule_set_load_string(rs, "bad.yaml",
				  "- rule: B\n  desc: d\n  condition: evt.type=openat\n"
				  "  output: o\n  priority: notice\n  actions: [kill_proces]\n",
				  &err);
	CHECK(rc != 0);
	CHECK(strstr(err.msg, "unknown action 'kill_proces'") != NULL);
	CHECK_EQ_INT(err.line, 6);
	CHECK_EQ_INT(err.column, 13);
	rule_set_free(rs);

	/* override: append adds, replace replaces */
	rs = rule_set_new();
	CHECK(!rule_set_load_string(rs, "t.yaml", rules_yaml, &err));
	CHECK(!rule_set_load_string(rs, "o.yaml",
				    "- rule: R\n  actions: [program, kill_process]\n"
				    "  override: {actions: append}\n"
				    "- rule: Plain\n  actions: [kill_container]\n"
				    "  override: {actions: replace}\n",
				    &err));
	CHECK(!rule_set_finalize(rs, &err));
	CHECK_EQ_INT(rule_actions(rule_set_find(rs, "R"), &names), 3);
	CHECK_STR(names[2], "program");
	CHECK_EQ_INT(rule_actions(rule_set_find(rs, "Plain"), &names), 1);
	CHECK_STR(names[0], "kill_container");
	rule_set_free(rs);
}

TEST(poll_wait)
{
	struct rec_action_cfg c;

	memset(&c, 0, sizeof(c));
	c.poll_ns = REC_ACTION_POLL_NS;
	CHECK_EQ_INT(rec_action_wait_ms(&c), 5);
	c.poll_ns = 1500000; /* rounded down: never longer than asked */
	CHECK_EQ_INT(rec_action_wait_ms(&c), 1);
	c.poll_ns = 0;
	CHECK_EQ_INT(rec_action_wait_ms(&c), 1);
	c.poll_ns = 5000000000ull;
	CHECK_EQ_INT(rec_action_wait_ms(&c), 100);
}

TEST(off_unless_enabled)
{
	struct fix f;

	CHECK(!fix_init(&f));
	f.cfg.enabled = 0;
	fix_event(&f, 4242, "x", 1);
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "(none)");
	/* the rules' own actions can be turned off, mappings stay */
	f.cfg.enabled = 1;
	f.cfg.rule_keys = 0;
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "(none)");
	fix_free(&f);
}

TEST(guard_rails)
{
	static const char *const comms[] = {"victim"};
	static const char *const exes[] = {"/usr/bin/victim"};
	uint32_t pids[1];
	struct fix f;
	pid_t kid;

	CHECK(!fix_init(&f));
	fix_event(&f, 1, "init", 1);
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "skipped: pid 1");
	fix_event(&f, (uint32_t)getpid(), "sysrec", 1);
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "skipped: the recorder itself");
	if (getppid() > 1) {
		fix_event(&f, (uint32_t)getppid(), "sh", 1);
		CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS),
			  "skipped: an ancestor of the recorder");
	}
	/* kthreadd, when this kernel shows it as pid 2 */
	{
		int kt = 0;

		if (!rec_action_proc_stat(2, &kt, NULL, NULL) && kt) {
			fix_event(&f, 2, "kthreadd", 1);
			CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "skipped: kernel thread");
		}
	}
	kid = sleeper();
	CHECK(kid > 0);
	f.cfg.allow_comm = comms;
	f.cfg.nallow_comm = 1;
	fix_event(&f, (uint32_t)kid, "victim", boot_now());
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "skipped: allowlisted comm");
	f.cfg.nallow_comm = 0;
	pids[0] = (uint32_t)kid;
	f.cfg.allow_pid = pids;
	f.cfg.nallow_pid = 1;
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "skipped: allowlisted pid");
	f.cfg.nallow_pid = 0;
	f.cfg.allow_exe = exes;
	f.cfg.nallow_exe = 1;
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "ok"); /* its exe is not that */
	f.cfg.nallow_exe = 0;
	/* a host process: no container to freeze */
	CHECK_STR(fix_result(&f, "R", RA_FREEZE_CONTAINER), "skipped: not in a container");
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	fix_free(&f);
}

TEST(dry_run_does_nothing)
{
	struct fix f;
	pid_t kid = sleeper();
	int ws = 0;

	CHECK(!fix_init(&f));
	f.cfg.dry_run = 1;
	fix_event(&f, (uint32_t)kid, "victim", boot_now());
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "dry_run");
	usleep(50000);
	CHECK_EQ_INT(waitpid(kid, &ws, WNOHANG), 0); /* still running */
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	fix_free(&f);
}

TEST(kill_and_pid_reuse_check)
{
	struct fix f;
	pid_t kid = sleeper();
	int ws = 0;

	CHECK(!fix_init(&f));
	usleep(30000);
	/* an event from before the process started: another process's pid */
	fix_event(&f, (uint32_t)kid, "victim", boot_now() - 5000000000ull);
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "gone");
	CHECK_EQ_INT(waitpid(kid, &ws, WNOHANG), 0);
	fix_event(&f, (uint32_t)kid, "victim", boot_now());
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "ok");
	CHECK_EQ_INT(waitpid(kid, &ws, 0), kid);
	CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	fix_free(&f);
}

static int emit_cb(void *ctx, const void *rec, size_t len)
{
	struct evt *out = ctx;
	static uint8_t copy[4096];

	if (len > sizeof(copy))
		return -1;
	memcpy(copy, rec, len);
	return evt_decode(out, copy, len);
}

TEST(annotations_and_record)
{
	struct fix f;
	struct evt got;
	char text[512] = "12:00:00.000000000: Critical o x";
	char json[512] = "{\"rule\":\"R\"}";

	CHECK(!fix_init(&f));
	f.cfg.dry_run = 1;
	fix_event(&f, 4242, "x\"y", 1);
	fix_result(&f, "R", RA_KILL_PROCESS);
	rec_action_annotate(&f.a, text, sizeof(text), 0);
	CHECK_STR(text, "12:00:00.000000000: Critical o x (action: kill_process, result: dry_run; "
			"action: freeze_container, result: skipped: not in a container)");
	rec_action_annotate(&f.a, json, sizeof(json), 1);
	CHECK_STR(json, "{\"rule\":\"R\",\"actions\":[{\"action\":\"kill_process\",\"result\":"
			"\"dry_run\"},{\"action\":\"freeze_container\",\"result\":\"skipped: not "
			"in a container\"}]}");
	/* one ACTION record per action, header naming the alert's process */
	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(rec_action_flush(&f.a, emit_cb, &got), 0);
	CHECK_EQ_INT(got.rec->type, EVT_ACTION);
	CHECK_EQ_INT(got.rec->pid, 4242);
	CHECK_EQ_INT(got.nparams, 4);
	CHECK(got.plen[0] >= 14 && !memcmp(got.p[0], "freeze_container", 14));
	CHECK_EQ_INT(f.a.pend_len, 0);
	/* nothing to add when no action was taken */
	f.a.nres = 0;
	strcpy(text, "line");
	rec_action_annotate(&f.a, text, sizeof(text), 0);
	CHECK_STR(text, "line");
	fix_free(&f);
}

TEST(config_mappings)
{
	static const char *const tags[] = {"t1"};
	struct rec_action_map m[2];
	struct fix f;

	CHECK(!fix_init(&f));
	f.cfg.dry_run = 1;
	f.cfg.rule_keys = 0;
	memset(m, 0, sizeof(m));
	m[0].min_prio = -1;
	m[0].tags = tags;
	m[0].ntags = 1;
	m[0].actions = RA_KILL_CONTAINER;
	m[1].min_prio = RP_WARNING;
	m[1].actions = RA_KILL_PROCESS;
	f.cfg.map = m;
	f.cfg.nmap = 2;
	fix_event(&f, 4242, "x", 1);
	/* R: tag t1 and critical (at least warning): both */
	CHECK_STR(fix_result(&f, "R", RA_KILL_CONTAINER), "skipped: not in a container");
	CHECK_STR(fix_result(&f, "R", RA_KILL_PROCESS), "dry_run");
	/* Plain: notice, no tag: none */
	CHECK_STR(fix_result(&f, "Plain", RA_KILL_PROCESS), "(none)");
	m[1].rule = "Plain";
	m[1].min_prio = -1;
	CHECK_STR(fix_result(&f, "Plain", RA_KILL_PROCESS), "dry_run");
	fix_free(&f);
}

static int collect(void *ctx, pid_t pid)
{
	long *sum = ctx;

	*sum += pid;
	return 0;
}

static int protected_cb(void *ctx, pid_t pid)
{
	struct cg_check *k = ctx;

	return cg_check_one(k, pid);
}

/* A freeze or kill takes the cgroup's subtree: its processes are checked. */
TEST(cgroup_subtree_checked)
{
	char dir[] = "/tmp/test_rec_action.XXXXXX", path[128];
	struct fix f;
	struct cg_check k;
	long sum = 0;
	FILE *fp;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fp = fopen(path, "w");
	fputs("4194000\n", fp); /* no such process */
	fclose(fp);
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sub/cgroup.procs", dir);
	fp = fopen(path, "w");
	fputs("1\n", fp);
	fclose(fp);
	CHECK_EQ_INT(rec_action_cgroup_procs(dir, collect, &sum), 0);
	CHECK_EQ_INT(sum, 4194001);
	CHECK(!fix_init(&f));
	memset(&k, 0, sizeof(k));
	k.a = &f.a;
	CHECK_EQ_INT(rec_action_cgroup_procs(dir, protected_cb, &k), 1);
	CHECK_STR(k.why, "skipped: pid 1");
	fix_free(&f);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ_INT(system(path), 0);
}

static int read_file(const char *dir, const char *name, char *buf, size_t cap)
{
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return 0;
}

static void touch(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* cgroup v1 (no cgroup.freeze, no cgroup.kill): freezer.state, and a kill
 * of each process listed, on a stand-in directory. */
TEST(cgroup_v1_freeze_and_kill)
{
	char dir[] = "/tmp/test_rec_action.XXXXXX", buf[64], pids[32], cmd[64];
	pid_t kid = sleeper();
	int ws = 0;

	CHECK(mkdtemp(dir) != NULL);
	touch(dir, "freezer.state", "THAWED\n");
	CHECK_EQ_INT(rec_action_cgroup_freeze(dir, 0, 1), 0);
	CHECK(!read_file(dir, "freezer.state", buf, sizeof(buf)));
	CHECK(!strncmp(buf, "FROZEN", 6)); /* no O_TRUNC: cgroup files need none */
	CHECK_EQ_INT(rec_action_cgroup_freeze(dir, 0, 0), 0);
	CHECK(!read_file(dir, "freezer.state", buf, sizeof(buf)));
	CHECK(!strncmp(buf, "THAWED", 6));
	/* v2 asked, but no cgroup.kill: the list is walked */
	snprintf(pids, sizeof(pids), "%d\n", (int)kid);
	touch(dir, "cgroup.procs", pids);
	CHECK_EQ_INT(rec_action_cgroup_kill(dir, 1), 0);
	CHECK_EQ_INT(waitpid(kid, &ws, 0), kid);
	CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ_INT(system(cmd), 0);
}
