#!/bin/bash
# sysrec -w x -- workload TAG, then `sysreplay events -j`: every syscall the
# workload made shows up with exactly its decoded arguments, only the
# workload's process tree is recorded, and sysrec exits with its status.
# Run twice: with the default entry-time slot (durations) and with
# --entry none (no sys_enter program: everything read at exit).
cd "$(dirname "$0")/../.." || exit 2
. tests/e2e/record_lib.inc
why=$(record_can_run) || { skip record_workload "$why"; exit 0; }
[ -x "$TOOLS/workload" ] || { skip record_workload "$TOOLS/workload not built"; exit 0; }
command -v python3 >/dev/null || { skip record_workload "python3 missing"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# a command that fails to start gives 127, like a shell
"$BIN/sysrec" -q -w "$tmp/n.sysrec" -- /nonexistent/cmd 2>/dev/null
rc=$?
[ "$rc" -eq 127 ] && pass record_command_not_found ||
	fail record_command_not_found "exit $rc, want 127"
"$BIN/sysrec" -q -w "$tmp/f.sysrec" -- sh -c 'exit 7' 2>/dev/null
rc=$?
[ "$rc" -eq 7 ] && pass record_command_status || fail record_command_status "exit $rc, want 7"

run_mode() { # suffix, sysrec options...
	local sfx=$1 tag="wl$$x$RANDOM"
	shift
	"$BIN/sysrec" -q --force "$@" -w "$tmp/w.sysrec" -- "$TOOLS/workload" "$tag" "$tmp" \
		>"$tmp/wl.out" 2>"$tmp/rec.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "record_workload_run$sfx" \
			"sysrec exited $rc: $(tail -3 "$tmp/rec.err" "$tmp/wl.out" | tr '\n' ' ')"
		return
	fi
	pass "record_workload_exit_status$sfx"
	"$BIN/sysreplay" verify "$tmp/w.sysrec" >"$tmp/verify.out" 2>&1 &&
		pass "record_workload_verify$sfx" ||
		fail "record_workload_verify$sfx" "$(head -3 "$tmp/verify.out")"
	"$BIN/sysreplay" events -j "$tmp/w.sysrec" >"$tmp/ev.json" 2>"$tmp/ev.err" ||
		{ fail "record_workload_replay$sfx" "$(head -3 "$tmp/ev.err")"; return; }
	check_events "$tag" "$sfx"
}

check_events() { # tag, suffix
python3 - "$tmp/ev.json" "$tmp/wl.out" "$1" "$tmp" "$2" <<'PY'
import json, os, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
kv = dict(l.strip().split("=", 1) for l in open(sys.argv[2]) if "=" in l)
tag, tmp, sfx = sys.argv[3], sys.argv[4], sys.argv[5]
wpid = int(kv["pid"])
# durations come from sys_enter, absent with --entry none
with_latency = sfx == ""

def check(name, ok, why=""):
    print(("PASS: %s%s" % (name, sfx)) if ok else ("FAIL: %s%s: %s" % (name, sfx, why)))

def find(typ, pid=wpid, want={}):
    """events of typ by pid whose args contain want exactly"""
    out = []
    for e in evs:
        if e.get("type") != typ or (pid is not None and e.get("pid") != pid):
            continue
        a = e.get("args", {})
        if all(a.get(k) == v for k, v in want.items()):
            out.append(e)
    return out

def one(tname, typ, res=None, proc=wpid, **want):
    hits = find(typ, proc, want)
    if res is not None:
        hits = [e for e in hits if e["res"] == res]
    cands = [e.get("args") for e in find(typ, proc)][:3]
    check(tname, len(hits) == 1, "want one %s %s res=%s, got %d; %s seen: %s" %
          (typ, want, res, len(hits), typ, cands))
    return hits[0] if hits else None

d, f, r = kv["dir"], kv["file"], kv["renamed"]
one("rec_mkdir", "mkdir", 0, path=d, mode=0o750)
e = one("rec_openat_create", "openat", None, dirfd=-100, name=f, flags=0o301, mode=0o640)
if e: check("rec_openat_create_res", e["res"] >= 0, "res %s" % e["res"])
one("rec_write_data", "write", len("payload-" + tag), data="payload-" + tag,
    size=len("payload-" + tag))
one("rec_read_data", "read", len("payload-" + tag), data="payload-" + tag, size=128)
one("rec_openat_read", "openat", None, name=f, flags=0)
one("rec_rename", "rename", 0, oldpath=f, newpath=r)
one("rec_unlink", "unlink", 0, path=r)
one("rec_rmdir", "rmdir", 0, path=d)

port, cport = int(kv["tcp_port"]), int(kv["tcp_client_port"])
ls, cs, afd = int(kv["tcp_listen_fd"]), int(kv["tcp_client_fd"]), int(kv["tcp_accept_fd"])
one("rec_socket", "socket", ls, domain=2, type=1, proto=0)
one("rec_bind", "bind", 0, fd=ls, addr="127.0.0.1:0")
one("rec_listen", "listen", 0, fd=ls, backlog=4)
one("rec_connect", "connect", 0, fd=cs, addr="127.0.0.1:%d" % port,
    tuple="127.0.0.1:%d->127.0.0.1:%d" % (cport, port))
one("rec_accept4", "accept4", afd, fd=ls, flags=0,
    tuple="127.0.0.1:%d->127.0.0.1:%d" % (port, cport))
one("rec_sendto", "sendto", len("ping-" + tag), fd=cs, data="ping-" + tag)
one("rec_recvfrom", "recvfrom", len("ping-" + tag), fd=afd, data="ping-" + tag)

p0, p1 = map(int, kv["pipe_fds"].split(","))
s0, s1 = map(int, kv["socketpair_fds"].split(","))
one("rec_pipe2", "pipe2", 0, fd1=p0, fd2=p1, flags=0o2000000)
one("rec_dup2", "dup2", 100, fd=p0, newfd=100)
one("rec_fcntl_dupfd", "fcntl", int(kv["fcntl_fd"]), fd=p1, cmd=1030, arg=200)
one("rec_socketpair", "socketpair", 0, domain=1, type=1, fd1=s0, fd2=s1)
one("rec_memfd_create", "memfd_create", None, name="memfd-" + tag, flags=1)

xp = int(kv["exec_pid"])
e = one("rec_execve", "execve", 0, proc=xp, filename="/bin/true",
        args=["/bin/true", "exec-arg-" + tag])
if e:
    a = e["args"]
    check("rec_execve_exe", a.get("exe") == os.path.realpath("/bin/true"), a.get("exe"))
    check("rec_execve_cwd", a.get("cwd") == os.getcwd(), a.get("cwd"))
    check("rec_execve_ids", a.get("uid") == os.getuid() and a.get("euid") == os.geteuid(),
          str(a))
    check("rec_execve_header", e["comm"] == "true" and e["pid"] == xp and e["tid"] == xp and
          e["ppid"] == wpid, str(e))
one("rec_procexec", "procexec", None, proc=xp, filename="/bin/true")
one("rec_procfork_exec_child", "procfork", None, child_pid=xp, parent_tid=wpid)
one("rec_exit_group_noret", "exit_group", None, proc=xp, status=0)

# fileless exec: the executable is named as the kernel shows it in /proc/PID/exe
mname = "/memfd:payload-%s (deleted)" % tag
mp = int(kv["memfd_exec_pid"])
e = one("rec_memfd_execve", "execve", 0, proc=mp, args=["payload", "memfd-arg-" + tag])
if e:
    a = e["args"]
    check("rec_memfd_execve_exe", a.get("exe") == mname, a.get("exe"))
    check("rec_memfd_execve_flag", isinstance(a.get("flags"), int) and a["flags"] & 1,
          a.get("flags"))
    check("rec_memfd_execve_filename", str(a.get("filename", "")).startswith("/proc/self/fd/"),
          a.get("filename"))
mp = int(kv["memfd_execat_pid"])
e = one("rec_memfd_execveat", "execveat", 0, proc=mp, args=["payload", "memfd-arg-" + tag])
if e:
    a = e["args"]
    check("rec_memfd_execveat_exe", a.get("exe") == mname, a.get("exe"))
    fn = str(a.get("filename", ""))
    check("rec_memfd_execveat_dirfd", fn.startswith("/dev/fd/") and
          a.get("dirfd") == int(fn[len("/dev/fd/"):]) and a.get("at_flags") == 0x1000,
          "dirfd %s at_flags %s filename %s" % (a.get("dirfd"), a.get("at_flags"), fn))

tp = int(kv["ptrace_pid"])
one("rec_ptrace_attach", "ptrace", 0, request=16, pid=tp)
one("rec_kill", "kill", 0, pid=tp, sig=9)

if "ns_pid" in kv:
    np_ = int(kv["ns_pid"])
    one("rec_pidns_procfork", "procfork", None, child_pid=np_, vpid=1, vtid=1)
    one("rec_pidns_child_followed", "openat", -2, proc=np_, name="/nonexistent-ns-" + tag)
    hits = [e for e in find("clone") if e["res"] == np_]
    check("rec_clone_newpid", len(hits) == 1 and hits[0]["args"]["flags"] & 0x20000000,
          str([h["args"] for h in hits]))
if "setuid_pid" in kv:
    one("rec_setuid", "setuid", 0, proc=int(kv["setuid_pid"]), uid=65534)

# only the workload's tree: every pid descends from the workload through procfork
tree = {wpid}
for e in evs:
    if e["type"] == "procfork" and e["args"]["parent_tid"] in tree | {e["pid"]} and e["pid"] in tree:
        tree.add(e["args"]["child_pid"])
stray = sorted({e["pid"] for e in evs if e["pid"] not in tree and e["type"] not in
                ("procinfo", "fdinfo", "userinfo", "groupinfo", "snapbegin", "snapend", "drop")})
check("rec_subtree_only", not stray, "events from pids outside the tree: %s" % stray[:10])

# time order across CPUs
ts = [e["ts"] for e in evs if e["type"] not in ("procinfo", "fdinfo", "userinfo",
      "groupinfo", "snapbegin", "snapend")]
bad = sum(1 for a, b in zip(ts, ts[1:]) if b < a)
check("rec_time_ordered", bad == 0, "%d out-of-order records" % bad)
lat = [e for e in evs if e["type"] == "openat" and e["pid"] == wpid]
if with_latency:
    check("rec_latency_set", lat and all(0 < e["latency"] < 10**10 for e in lat), "latencies")
else:
    check("rec_latency_none", lat and all(e["latency"] == 0 for e in lat), "latencies")
PY
}

run_mode ""
run_mode _noentry --entry none
