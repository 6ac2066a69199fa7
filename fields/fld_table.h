/* fld_table.h: the field catalog, one row per field (X-macro).
 *
 *   FLD(ID, "name", value type, FLD_F_* flags, "one-line description")
 *
 * The row order is the order `sysreplay fields` prints. ID becomes FLD_ID_<ID>,
 * the integer fld_extract() switches on. Descriptions are ours; semantics
 * follow sysdig/Falco so that rules written for them mean the same here.
 * Fields marked U (FLD_F_UNAVAILABLE) are known to Falco but cannot be derived
 * from what sysrec records (container runtime metadata, Kubernetes API data,
 * memory counters...): they resolve, so rules using them load, and extract as
 * absent ("<NA>" in outputs; comparisons on them are false).
 */
#ifndef FLD_TABLE_H
#define FLD_TABLE_H

/* Flags are written with two-letter names (FX, FK, FU, FO, FM, FR): the one
 * expansion that reads them, in fld_catalog.c, defines them around it. */
#define FLD_TABLE(FLD)                                                                             \
	/* ---- evt: every event ---- */                                                           \
	FLD(EVT_NUM, "evt.num", FT_V_UINT, 0,                                                      \
	    "event number from 1, state records not counted; .scap: sysdig's (a syscall: its "     \
	    "exit's)")                                                                             \
	FLD(EVT_TIME, "evt.time", FT_V_STR, 0, "event time as local HH:MM:SS.nnnnnnnnn")           \
	FLD(EVT_TIME_S, "evt.time.s", FT_V_STR, 0, "event time as local HH:MM:SS, whole seconds")  \
	FLD(EVT_TIME_ISO8601, "evt.time.iso8601", FT_V_STR, 0,                                     \
	    "event time in ISO 8601 with nanoseconds, UTC (+0000)")                                \
	FLD(EVT_DATETIME, "evt.datetime", FT_V_STR, 0,                                             \
	    "event local date and time, YYYY-MM-DD HH:MM:SS.nnnnnnnnn")                            \
	FLD(EVT_DATETIME_S, "evt.datetime.s", FT_V_STR, 0,                                         \
	    "event local date and time, whole seconds")                                            \
	FLD(EVT_RAWTIME, "evt.rawtime", FT_V_TIME, 0, "event time in nanoseconds since the epoch") \
	FLD(EVT_RAWTIME_S, "evt.rawtime.s", FT_V_TIME, 0, "whole seconds part of evt.rawtime")     \
	FLD(EVT_RAWTIME_NS, "evt.rawtime.ns", FT_V_TIME, 0,                                        \
	    "nanoseconds part of evt.rawtime (0-999999999)")                                       \
	FLD(EVT_RELTIME, "evt.reltime", FT_V_RELTIME, 0,                                           \
	    "nanoseconds since the first event of the stream")                                     \
	FLD(EVT_RELTIME_S, "evt.reltime.s", FT_V_RELTIME, 0, "whole seconds part of evt.reltime")  \
	FLD(EVT_RELTIME_NS, "evt.reltime.ns", FT_V_RELTIME, 0, "nanoseconds part of evt.reltime")  \
	FLD(EVT_LATENCY, "evt.latency", FT_V_RELTIME, 0,                                           \
	    "time the syscall took, entry to return, in nanoseconds")                              \
	FLD(EVT_LATENCY_S, "evt.latency.s", FT_V_RELTIME, 0, "whole seconds part of evt.latency")  \
	FLD(EVT_LATENCY_NS, "evt.latency.ns", FT_V_RELTIME, 0, "nanoseconds part of evt.latency")  \
	FLD(EVT_LATENCY_HUMAN, "evt.latency.human", FT_V_STR, 0,                                   \
	    "evt.latency in a readable unit, e.g. 3.12us")                                         \
	FLD(EVT_DELTATIME, "evt.deltatime", FT_V_RELTIME, 0,                                       \
	    "nanoseconds since the previous event read through this context")                      \
	FLD(EVT_DELTATIME_S, "evt.deltatime.s", FT_V_RELTIME, 0,                                   \
	    "whole seconds part of evt.deltatime")                                                 \
	FLD(EVT_DELTATIME_NS, "evt.deltatime.ns", FT_V_RELTIME, 0,                                 \
	    "nanoseconds part of evt.deltatime")                                                   \
	FLD(EVT_DIR, "evt.dir", FT_V_STR, FM,                                                      \
	    "direction: a syscall record is its enter and exit at once, so it equals both '>' "    \
	    "and '<' (printed '<'); '>' only for procexit and calls that never returned")          \
	FLD(EVT_TYPE, "evt.type", FT_V_STR, 0, "event name, e.g. openat, execve, procexit")        \
	FLD(EVT_TYPE_IS, "evt.type.is", FT_V_UINT, FK | FR,                                        \
	    "1 when the event is of the type named after the dot (evt.type.is.open), else 0")      \
	FLD(SYSCALL_TYPE, "syscall.type", FT_V_STR, 0,                                             \
	    "syscall name; absent for records that are not syscalls (scheduler, snapshot)")        \
	FLD(EVT_CATEGORY, "evt.category", FT_V_STR, 0,                                             \
	    "event category: file, io, net, process, memory, signal, ...")                         \
	FLD(EVT_CPU, "evt.cpu", FT_V_INT, 0, "CPU the event was recorded on")                      \
	FLD(EVT_ARGS, "evt.args", FT_V_STR, 0,                                                     \
	    "all arguments as one name=value string, as sysdig prints them")                       \
	FLD(EVT_ARG, "evt.arg", FT_V_STR, FX | FK | FR,                                            \
	    "one argument, rendered, by name (evt.arg.fd, evt.arg[fd]) or position (evt.arg[0])")  \
	FLD(EVT_RAWARG, "evt.rawarg", FT_V_STR, FX | FK | FR,                                      \
	    "one argument, raw (numbers as numbers), by name (evt.rawarg.flags) or position")      \
	FLD(EVT_INFO, "evt.info", FT_V_STR, 0, "summary of the event; the same as evt.args here")  \
	FLD(EVT_BUFFER, "evt.buffer", FT_V_BYTES, 0,                                               \
	    "the I/O data buffer of read/write/send/recv events (possibly cut at snaplen)")        \
	FLD(EVT_BUFLEN, "evt.buflen", FT_V_UINT, 0,                                                \
	    "length of the I/O data transferred by read/write/send/recv events")                   \
	FLD(EVT_RES, "evt.res", FT_V_STR, 0,                                                       \
	    "return value: SUCCESS, or the error name (ENOENT) on failure")                        \
	FLD(EVT_RAWRES, "evt.rawres", FT_V_INT, 0, "return value as a number (e.g. -2)")           \
	FLD(EVT_FAILED, "evt.failed", FT_V_BOOL, 0, "true when the syscall returned an error")     \
	FLD(EVT_IS_IO, "evt.is_io", FT_V_BOOL, 0,                                                  \
	    "true for events that read or write an fd (read, write, send, recv...)")               \
	FLD(EVT_IS_IO_READ, "evt.is_io_read", FT_V_BOOL, 0,                                        \
	    "true for events that read from an fd")                                                \
	FLD(EVT_IS_IO_WRITE, "evt.is_io_write", FT_V_BOOL, 0,                                      \
	    "true for events that write to an fd")                                                 \
	FLD(EVT_IO_DIR, "evt.io_dir", FT_V_STR, 0,                                                 \
	    "'r' for reads, 'w' for writes; absent for other events")                              \
	FLD(EVT_IS_WAIT, "evt.is_wait", FT_V_BOOL, 0,                                              \
	    "true for events that make the thread wait (none are recorded: always false)")         \
	FLD(EVT_WAIT_LATENCY, "evt.wait_latency", FT_V_RELTIME, FU,                                \
	    "time spent waiting (sleep/poll events are not recorded)")                             \
	FLD(EVT_IS_SYSLOG, "evt.is_syslog", FT_V_BOOL, 0, "true for writes to /dev/log")           \
	FLD(EVT_COUNT, "evt.count", FT_V_UINT, 0, "always 1 (for counting)")                       \
	FLD(EVT_COUNT_ERROR, "evt.count.error", FT_V_UINT, 0, "1 when the event failed, else 0")   \
	FLD(EVT_COUNT_ERROR_FILE, "evt.count.error.file", FT_V_UINT, 0,                            \
	    "1 when a file event failed, else 0")                                                  \
	FLD(EVT_COUNT_ERROR_NET, "evt.count.error.net", FT_V_UINT, 0,                              \
	    "1 when a network event failed, else 0")                                               \
	FLD(EVT_COUNT_ERROR_MEMORY, "evt.count.error.memory", FT_V_UINT, 0,                        \
	    "1 when a memory event failed, else 0")                                                \
	FLD(EVT_COUNT_ERROR_OTHER, "evt.count.error.other", FT_V_UINT, 0,                          \
	    "1 when an event of another category failed, else 0")                                  \
	FLD(EVT_COUNT_EXIT, "evt.count.exit", FT_V_UINT, 0,                                        \
	    "1 for exit (return) events: always 1 here")                                           \
	FLD(EVT_AROUND, "evt.around", FT_V_UINT, FU | FO | FX,                                     \
	    "sysdig's time window filter; not supported (use --since/--until)")                    \
	FLD(EVT_ABSPATH, "evt.abspath", FT_V_STR, 0,                                               \
	    "absolute path named by the event, dirfd/cwd applied (openat, mkdirat, unlinkat...)")  \
	FLD(EVT_ABSPATH_SRC, "evt.abspath.src", FT_V_STR, 0,                                       \
	    "absolute source path of rename/link/symlink events")                                  \
	FLD(EVT_ABSPATH_DST, "evt.abspath.dst", FT_V_STR, 0,                                       \
	    "absolute destination path of rename/link/symlink events")                             \
	FLD(EVT_IS_OPEN_READ, "evt.is_open_read", FT_V_BOOL, 0,                                    \
	    "true for open/openat/openat2 opening the path for reading")                           \
	FLD(EVT_IS_OPEN_WRITE, "evt.is_open_write", FT_V_BOOL, 0,                                  \
	    "true for open/openat/openat2 opening the path for writing")                           \
	FLD(EVT_IS_OPEN_EXEC, "evt.is_open_exec", FT_V_BOOL, 0,                                    \
	    "true for open-family or creat events creating a file with an execute bit")            \
	FLD(EVT_IS_OPEN_CREATE, "evt.is_open_create", FT_V_BOOL, 0,                                \
	    "true for open-family events with O_CREAT, and creat")                                 \
	FLD(EVT_HOSTNAME, "evt.hostname", FT_V_STR, 0,                                             \
	    "name of the host the capture was recorded on")                                        \
	FLD(EVT_SOURCE, "evt.source", FT_V_STR, 0, "event source: always syscall")                 \
	FLD(EVT_PLUGINNAME, "evt.pluginname", FT_V_STR, FU,                                        \
	    "plugin that produced the event (plugins are not supported)")                          \
	FLD(EVT_PLUGININFO, "evt.plugininfo", FT_V_STR, FU,                                        \
	    "plugin summary of the event (plugins are not supported)")                             \
	/* ---- fs.path: the path an event acts on ---- */                                         \
	FLD(FS_PATH_NAME, "fs.path.name", FT_V_STR, 0,                                             \
	    "absolute path created, opened or removed by a file system event")                     \
	FLD(FS_PATH_NAMERAW, "fs.path.nameraw", FT_V_STR, 0, "that path as passed to the syscall") \
	FLD(FS_PATH_SOURCE, "fs.path.source", FT_V_STR, 0,                                         \
	    "absolute source path of rename/link/symlink")                                         \
	FLD(FS_PATH_SOURCERAW, "fs.path.sourceraw", FT_V_STR, 0,                                   \
	    "source path as passed to the syscall")                                                \
	FLD(FS_PATH_TARGET, "fs.path.target", FT_V_STR, 0,                                         \
	    "absolute target path of rename/link/symlink")                                         \
	FLD(FS_PATH_TARGETRAW, "fs.path.targetraw", FT_V_STR, 0,                                   \
	    "target path as passed to the syscall")                                                \
	/* ---- proc / thread ---- */                                                              \
	FLD(PROC_PID, "proc.pid", FT_V_INT, 0, "process id (thread group id) of the thread")       \
	FLD(PROC_EXE, "proc.exe", FT_V_STR, 0,                                                     \
	    "first command line argument (argv[0]), usually the executable as invoked")            \
	FLD(PROC_NAME, "proc.name", FT_V_STR, 0,                                                   \
	    "process name: the kernel comm, at most 15 characters")                                \
	FLD(PROC_ARGS, "proc.args", FT_V_STR, 0,                                                   \
	    "command line arguments after argv[0], space separated")                               \
	FLD(PROC_ENV, "proc.env", FT_V_STR, FK,                                                    \
	    "environment (space separated), or one variable's value with proc.env[NAME]")          \
	FLD(PROC_CMDLINE, "proc.cmdline", FT_V_STR, 0, "proc.name followed by proc.args")          \
	FLD(PROC_EXELINE, "proc.exeline", FT_V_STR, 0, "proc.exe followed by proc.args")           \
	FLD(PROC_CWD, "proc.cwd", FT_V_STR, 0, "current working directory")                        \
	FLD(PROC_NTHREADS, "proc.nthreads", FT_V_UINT, 0,                                          \
	    "number of live threads of the process, main thread included")                         \
	FLD(PROC_NCHILDS, "proc.nchilds", FT_V_UINT, 0,                                            \
	    "number of live threads of the process besides the main one")                          \
	FLD(PROC_PPID, "proc.ppid", FT_V_INT, 0, "process id of the parent")                       \
	FLD(PROC_PNAME, "proc.pname", FT_V_STR, 0, "name (comm) of the parent")                    \
	FLD(PROC_PCMDLINE, "proc.pcmdline", FT_V_STR, 0,                                           \
	    "command line (name and args) of the parent")                                          \
	FLD(PROC_PEXE, "proc.pexe", FT_V_STR, 0, "argv[0] of the parent")                          \
	FLD(PROC_PEXEPATH, "proc.pexepath", FT_V_STR, 0, "full executable path of the parent")     \
	FLD(PROC_APID, "proc.apid", FT_V_INT, FX | FM,                                             \
	    "pid of an ancestor: [0] self, [1] parent, [2] grandparent...; no index: any "         \
	    "ancestor")                                                                            \
	FLD(PROC_ANAME, "proc.aname", FT_V_STR, FX | FM,                                           \
	    "name of an ancestor: [0] self, [1] parent...; no index: any ancestor")                \
	FLD(PROC_AEXE, "proc.aexe", FT_V_STR, FX | FM,                                             \
	    "argv[0] of an ancestor, indexed as proc.aname")                                       \
	FLD(PROC_AEXEPATH, "proc.aexepath", FT_V_STR, FX | FM,                                     \
	    "executable path of an ancestor, indexed as proc.aname")                               \
	FLD(PROC_ACMDLINE, "proc.acmdline", FT_V_STR, FX | FM,                                     \
	    "command line of an ancestor, indexed as proc.aname")                                  \
	FLD(PROC_LOGINSHELLID, "proc.loginshellid", FT_V_INT, 0,                                   \
	    "pid of the eldest shell among the ancestors (and self)")                              \
	FLD(PROC_DURATION, "proc.duration", FT_V_RELTIME, 0,                                       \
	    "nanoseconds since the process started")                                               \
	FLD(PROC_PPID_DURATION, "proc.ppid.duration", FT_V_RELTIME, 0,                             \
	    "nanoseconds since the parent started")                                                \
	FLD(PROC_PID_TS, "proc.pid.ts", FT_V_TIME, 0,                                              \
	    "start time of the process, ns since the epoch")                                       \
	FLD(PROC_PPID_TS, "proc.ppid.ts", FT_V_TIME, 0,                                            \
	    "start time of the parent, ns since the epoch")                                        \
	FLD(PROC_FDOPENCOUNT, "proc.fdopencount", FT_V_UINT, 0,                                    \
	    "number of fds the process has open")                                                  \
	FLD(PROC_FDLIMIT, "proc.fdlimit", FT_V_INT, FU, "fd limit of the process (not recorded)")  \
	FLD(PROC_FDUSAGE, "proc.fdusage", FT_V_UINT, FU,                                           \
	    "open fds over the fd limit (not recorded)")                                           \
	FLD(PROC_VMSIZE, "proc.vmsize", FT_V_UINT, FU, "virtual memory size in kB (not recorded)") \
	FLD(PROC_VMRSS, "proc.vmrss", FT_V_UINT, FU, "resident memory in kB (not recorded)")       \
	FLD(PROC_VMSWAP, "proc.vmswap", FT_V_UINT, FU, "swapped memory in kB (not recorded)")      \
	FLD(PROC_SID, "proc.sid", FT_V_INT, FU, "session id (not in the state tables yet)")        \
	FLD(PROC_SNAME, "proc.sname", FT_V_STR, FU,                                                \
	    "name of the session leader (not in the state tables yet)")                            \
	FLD(PROC_IS_SID_LEADER, "proc.is_sid_leader", FT_V_BOOL, FU,                               \
	    "true when the process leads its session (not in the state tables yet)")               \
	FLD(PROC_VPGID, "proc.vpgid", FT_V_INT, FU,                                                \
	    "process group id in the pid namespace (not in the state tables yet)")                 \
	FLD(PROC_VPGID_NAME, "proc.vpgid.name", FT_V_STR, FU,                                      \
	    "name of the process group leader (not in the state tables yet)")                      \
	FLD(PROC_VPGID_EXE, "proc.vpgid.exe", FT_V_STR, FU,                                        \
	    "argv[0] of the process group leader (not in the state tables yet)")                   \
	FLD(PROC_VPGID_EXEPATH, "proc.vpgid.exepath", FT_V_STR, FU,                                \
	    "executable path of the process group leader (not in the state tables yet)")           \
	FLD(PROC_IS_VPGID_LEADER, "proc.is_vpgid_leader", FT_V_BOOL, FU,                           \
	    "true when the process leads its process group (not in the state tables yet)")         \
	FLD(PROC_TTY, "proc.tty", FT_V_INT, 0, "controlling terminal device number, 0 when none")  \
	FLD(PROC_EXEPATH, "proc.exepath", FT_V_STR, 0, "full path of the executable file")         \
	FLD(PROC_VPID, "proc.vpid", FT_V_INT, 0,                                                   \
	    "process id as seen in the process's own pid namespace")                               \
	FLD(PROC_PVPID, "proc.pvpid", FT_V_INT, 0,                                                 \
	    "parent's process id as seen in the parent's pid namespace")                           \
	FLD(PROC_IS_EXE_WRITABLE, "proc.is_exe_writable", FT_V_BOOL, 0,                            \
	    "true when the executable is writable by the user that ran it")                        \
	FLD(PROC_IS_EXE_UPPER_LAYER, "proc.is_exe_upper_layer", FT_V_BOOL, 0,                      \
	    "true when the executable lives in an overlayfs upper layer (added to a container)")   \
	FLD(PROC_IS_EXE_FROM_MEMFD, "proc.is_exe_from_memfd", FT_V_BOOL, 0,                        \
	    "true when the executable is a memfd (fileless execution)")                            \
	FLD(PROC_EXE_INO, "proc.exe_ino", FT_V_UINT, 0,                                            \
	    "inode of the executable (on procexec events)")                                        \
	FLD(PROC_EXE_INO_CTIME, "proc.exe_ino.ctime", FT_V_TIME, FU,                               \
	    "ctime of the executable's inode (not recorded)")                                      \
	FLD(PROC_EXE_INO_MTIME, "proc.exe_ino.mtime", FT_V_TIME, FU,                               \
	    "mtime of the executable's inode (not recorded)")                                      \
	FLD(PROC_EXE_INO_CTIME_DPS, "proc.exe_ino.ctime_duration_proc_start", FT_V_RELTIME, FU,    \
	    "process start minus executable ctime (not recorded)")                                 \
	FLD(PROC_EXE_INO_CTIME_DNS, "proc.exe_ino.ctime_duration_pidns_start", FT_V_RELTIME, FU,   \
	    "pid namespace start minus executable ctime (not recorded)")                           \
	FLD(PROC_PIDNS_INIT_START_TS, "proc.pidns_init_start_ts", FT_V_TIME, FU,                   \
	    "start time of the pid namespace's init (not recorded)")                               \
	FLD(PROC_IS_CONTAINER_HEALTHCHECK, "proc.is_container_healthcheck", FT_V_BOOL, 0,          \
	    "true for a container health check process (never detected: false)")                   \
	FLD(PROC_IS_CONTAINER_LIVENESS, "proc.is_container_liveness_probe", FT_V_BOOL, 0,          \
	    "true for a Kubernetes liveness probe (never detected: false)")                        \
	FLD(PROC_IS_CONTAINER_READINESS, "proc.is_container_readiness_probe", FT_V_BOOL, 0,        \
	    "true for a Kubernetes readiness probe (never detected: false)")                       \
	FLD(PROC_STDIN_TYPE, "proc.stdin.type", FT_V_STR, 0,                                       \
	    "type of the process's fd 0 (standard input), as fd.type: file, pipe, ipv4, unix...")  \
	FLD(PROC_STDOUT_TYPE, "proc.stdout.type", FT_V_STR, 0,                                     \
	    "type of the process's fd 1 (standard output), as fd.type")                            \
	FLD(PROC_STDERR_TYPE, "proc.stderr.type", FT_V_STR, 0,                                     \
	    "type of the process's fd 2 (standard error), as fd.type")                             \
	FLD(PROC_STDIN_NAME, "proc.stdin.name", FT_V_STR, 0,                                       \
	    "name of the process's fd 0 (standard input), as fd.name: a path, a socket tuple, "    \
	    "pipe:[ino]...")                                                                       \
	FLD(PROC_STDOUT_NAME, "proc.stdout.name", FT_V_STR, 0,                                     \
	    "name of the process's fd 1 (standard output), as fd.name")                            \
	FLD(PROC_STDERR_NAME, "proc.stderr.name", FT_V_STR, 0,                                     \
	    "name of the process's fd 2 (standard error), as fd.name")                             \
	FLD(THREAD_TID, "thread.tid", FT_V_INT, 0, "thread id")                                    \
	FLD(THREAD_VTID, "thread.vtid", FT_V_INT, 0,                                               \
	    "thread id as seen in the thread's own pid namespace")                                 \
	FLD(THREAD_ISMAIN, "thread.ismain", FT_V_BOOL, 0,                                          \
	    "true for the main thread of the process (tid = pid)")                                 \
	FLD(THREAD_CGROUPS, "thread.cgroups", FT_V_STR, 0, "the cgroup(s) of the thread")          \
	FLD(THREAD_CGROUP, "thread.cgroup", FT_V_STR, FK,                                          \
	    "cgroup path of the thread (thread.cgroup.SUBSYS: the same path under cgroup v2)")     \
	FLD(THREAD_CAP_EFFECTIVE, "thread.cap_effective", FT_V_STR, 0,                             \
	    "effective capabilities, space separated (from the execve record)")                    \
	FLD(THREAD_CAP_PERMITTED, "thread.cap_permitted", FT_V_STR, FU,                            \
	    "permitted capabilities (not recorded)")                                               \
	FLD(THREAD_CAP_INHERITABLE, "thread.cap_inheritable", FT_V_STR, FU,                        \
	    "inheritable capabilities (not recorded)")                                             \
	FLD(THREAD_EXECTIME, "thread.exectime", FT_V_RELTIME, FU,                                  \
	    "CPU time of the last scheduling slice (scheduler switches not recorded)")             \
	FLD(THREAD_TOTEXECTIME, "thread.totexectime", FT_V_RELTIME, FU,                            \
	    "total CPU time (scheduler switches not recorded)")                                    \
	FLD(THREAD_PFMAJOR, "thread.pfmajor", FT_V_UINT, FU, "major page faults (not recorded)")   \
	FLD(THREAD_PFMINOR, "thread.pfminor", FT_V_UINT, FU, "minor page faults (not recorded)")   \
	FLD(THREAD_VMSIZE, "thread.vmsize", FT_V_UINT, FU, "virtual memory in kB (not recorded)")  \
	FLD(THREAD_VMRSS, "thread.vmrss", FT_V_UINT, FU, "resident memory in kB (not recorded)")   \
	/* ---- user / group ---- */                                                               \
	FLD(USER_UID, "user.uid", FT_V_UINT, 0, "user id of the thread")                           \
	FLD(USER_NAME, "user.name", FT_V_STR, 0,                                                   \
	    "user name of the thread's uid (from the recorded user table)")                        \
	FLD(USER_HOMEDIR, "user.homedir", FT_V_STR, 0, "home directory of the user")               \
	FLD(USER_SHELL, "user.shell", FT_V_STR, 0, "login shell of the user")                      \
	FLD(USER_LOGINUID, "user.loginuid", FT_V_INT, 0, "audit login uid (-1 when not set)")      \
	FLD(USER_LOGINNAME, "user.loginname", FT_V_STR, 0, "user name of the audit login uid")     \
	FLD(GROUP_GID, "group.gid", FT_V_UINT, 0, "group id of the thread")                        \
	FLD(GROUP_NAME, "group.name", FT_V_STR, 0, "group name of the thread's gid")               \
	/* ---- container: the id from the cgroup path, the rest from CONTAINERINFO records ----   \
	 */                                                                                        \
	FLD(CONTAINER_ID, "container.id", FT_V_STR, 0,                                             \
	    "container id (12 hex digits) from the cgroup path, 'host' outside containers")        \
	FLD(CONTAINER_FULL_ID, "container.full_id", FT_V_STR, 0,                                   \
	    "container id as found in the cgroup path (may be 64 hex digits), 'host' outside")     \
	FLD(CONTAINER_NAME, "container.name", FT_V_STR, 0,                                         \
	    "container name from the runtime at record time (CONTAINERINFO); 'host' outside "      \
	    "containers")                                                                          \
	FLD(CONTAINER_IMAGE, "container.image", FT_V_STR, 0,                                       \
	    "image as the container was started with, e.g. nginx:1.25 from the runtime at record " \
	    "time (CONTAINERINFO)")                                                                \
	FLD(CONTAINER_IMAGE_ID, "container.image.id", FT_V_STR, 0,                                 \
	    "image id (sha256:...) from the runtime at record time (CONTAINERINFO)")               \
	FLD(CONTAINER_IMAGE_REPOSITORY, "container.image.repository", FT_V_STR, 0,                 \
	    "image repository, e.g. docker.io/library/nginx from the runtime at record time "      \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_IMAGE_TAG, "container.image.tag", FT_V_STR, 0,                               \
	    "image tag, e.g. 1.25 from the runtime at record time (CONTAINERINFO)")                \
	FLD(CONTAINER_IMAGE_DIGEST, "container.image.digest", FT_V_STR, 0,                         \
	    "image digest (sha256:...) from the runtime at record time (CONTAINERINFO)")           \
	FLD(CONTAINER_TYPE, "container.type", FT_V_STR, 0,                                         \
	    "container engine: docker, podman, containerd, cri-o from the runtime at record time " \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_PRIVILEGED, "container.privileged", FT_V_BOOL, 0,                            \
	    "true for a privileged container from the runtime at record time (CONTAINERINFO)")     \
	FLD(CONTAINER_MOUNTS, "container.mounts", FT_V_STR, 0,                                     \
	    "mounts as source:dest:mode:rdwr:propagation, comma separated, from the runtime at "   \
	    "record time (CONTAINERINFO)")                                                         \
	FLD(CONTAINER_MOUNT, "container.mount", FT_V_STR, FX | FK,                                 \
	    "one mount by index ([0]) or source glob, as in container.mounts")                     \
	FLD(CONTAINER_MOUNT_SOURCE, "container.mount.source", FT_V_STR, FX | FK,                   \
	    "mount source by index or destination glob from the runtime at record time "           \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_MOUNT_DEST, "container.mount.dest", FT_V_STR, FX | FK,                       \
	    "mount destination by index or source glob from the runtime at record time "           \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_MOUNT_MODE, "container.mount.mode", FT_V_STR, FX | FK,                       \
	    "mount mode (rw, ro) by index or destination glob from the runtime at record time "    \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_MOUNT_RDWR, "container.mount.rdwr", FT_V_STR, FX | FK,                       \
	    "true for a writable mount, by index or destination glob from the runtime at record "  \
	    "time (CONTAINERINFO)")                                                                \
	FLD(CONTAINER_MOUNT_PROPAGATION, "container.mount.propagation", FT_V_STR, FU | FX | FK,    \
	    "mount propagation (not recorded)")                                                    \
	FLD(CONTAINER_HEALTHCHECK, "container.healthcheck", FT_V_STR, FU,                          \
	    "container health check command (not recorded)")                                       \
	FLD(CONTAINER_LIVENESS_PROBE, "container.liveness_probe", FT_V_STR, FU,                    \
	    "container liveness probe command (not recorded)")                                     \
	FLD(CONTAINER_READINESS_PROBE, "container.readiness_probe", FT_V_STR, FU,                  \
	    "container readiness probe command (not recorded)")                                    \
	FLD(CONTAINER_START_TS, "container.start_ts", FT_V_TIME, 0,                                \
	    "container start time, ns since the epoch, from the runtime at record time "           \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_DURATION, "container.duration", FT_V_RELTIME, 0,                             \
	    "nanoseconds since the container started from the runtime at record time "             \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_IP, "container.ip", FT_V_STR, FU, "container IP address (not recorded)")     \
	FLD(CONTAINER_CNIRESULT, "container.cni.json", FT_V_STR, FU,                               \
	    "container CNI result (not recorded)")                                                 \
	FLD(CONTAINER_HOST_PID, "container.host_pid", FT_V_BOOL, 0,                                \
	    "true when the container shares the host pid namespace from the runtime at record "    \
	    "time (CONTAINERINFO)")                                                                \
	FLD(CONTAINER_HOST_NETWORK, "container.host_network", FT_V_BOOL, 0,                        \
	    "true when the container shares the host network from the runtime at record time "     \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_HOST_IPC, "container.host_ipc", FT_V_BOOL, FU,                               \
	    "true when the container shares the host IPC namespace (not recorded)")                \
	FLD(CONTAINER_LABEL, "container.label", FT_V_STR, FK,                                      \
	    "a container label by key (container.label[app]) from the runtime at record time "     \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_LABELS, "container.labels", FT_V_STR, 0,                                     \
	    "container labels as key:value, comma separated, from the runtime at record time "     \
	    "(CONTAINERINFO)")                                                                     \
	FLD(CONTAINER_INFO, "container.info", FT_V_STR, 0,                                         \
	    "Falco's output shorthand: container_id=%container.id container_name=%container.name " \
	    "in -p/outputs; as a value it adds container_image, k8s_ns and k8s_pod when known")    \
	/* ---- k8s: from the CRI labels of pod containers; the rest needs the API server ---- */  \
	FLD(K8S_POD_ID, "k8s.pod.id", FT_V_STR, 0,                                                 \
	    "pod uid: the io.kubernetes.pod.uid label (CONTAINERINFO), else from the kubepods "    \
	    "cgroup path")                                                                         \
	FLD(K8S_POD_UID, "k8s.pod.uid", FT_V_STR, 0,                                               \
	    "pod uid: the io.kubernetes.pod.uid label (CONTAINERINFO), else from the kubepods "    \
	    "cgroup path")                                                                         \
	FLD(K8S_POD_NAME, "k8s.pod.name", FT_V_STR, 0,                                             \
	    "pod name from the io.kubernetes.pod.name label kubelet sets (CONTAINERINFO)")         \
	FLD(K8S_POD_LABEL, "k8s.pod.label", FT_V_STR, FK,                                          \
	    "pod label by key, from the pod's sandbox container or CRI pod labels "                \
	    "(CONTAINERINFO)")                                                                     \
	FLD(K8S_POD_LABELS, "k8s.pod.labels", FT_V_STR, 0,                                         \
	    "pod labels as key:value, comma separated (see k8s.pod.label)")                        \
	FLD(K8S_POD_IP, "k8s.pod.ip", FT_V_STR, FU, "pod IP (not recorded)")                       \
	FLD(K8S_POD_CNIJSON, "k8s.pod.cni.json", FT_V_STR, FU, "pod CNI result (not recorded)")    \
	FLD(K8S_POD_SANDBOX_ID, "k8s.pod.sandbox_id", FT_V_STR, FU,                                \
	    "pod sandbox id (not recorded)")                                                       \
	FLD(K8S_POD_FULL_SANDBOX_ID, "k8s.pod.full_sandbox_id", FT_V_STR, FU,                      \
	    "full pod sandbox id (not recorded)")                                                  \
	FLD(K8S_NS_NAME, "k8s.ns.name", FT_V_STR, 0,                                               \
	    "Kubernetes namespace from the io.kubernetes.pod.namespace label (CONTAINERINFO)")     \
	FLD(K8S_NS_ID, "k8s.ns.id", FT_V_STR, FU, "Kubernetes namespace id (not recorded)")        \
	FLD(K8S_NS_LABEL, "k8s.ns.label", FT_V_STR, FU | FK,                                       \
	    "namespace label by key (not recorded)")                                               \
	FLD(K8S_NS_LABELS, "k8s.ns.labels", FT_V_STR, FU, "namespace labels (not recorded)")       \
	FLD(K8S_RC_NAME, "k8s.rc.name", FT_V_STR, FU,                                              \
	    "replication controller name (not recorded)")                                          \
	FLD(K8S_RC_ID, "k8s.rc.id", FT_V_STR, FU, "replication controller id (not recorded)")      \
	FLD(K8S_RC_LABEL, "k8s.rc.label", FT_V_STR, FU | FK,                                       \
	    "replication controller label (not recorded)")                                         \
	FLD(K8S_RC_LABELS, "k8s.rc.labels", FT_V_STR, FU,                                          \
	    "replication controller labels (not recorded)")                                        \
	FLD(K8S_SVC_NAME, "k8s.svc.name", FT_V_STR, FU, "service name (not recorded)")             \
	FLD(K8S_SVC_ID, "k8s.svc.id", FT_V_STR, FU, "service id (not recorded)")                   \
	FLD(K8S_SVC_LABEL, "k8s.svc.label", FT_V_STR, FU | FK, "service label (not recorded)")     \
	FLD(K8S_SVC_LABELS, "k8s.svc.labels", FT_V_STR, FU, "service labels (not recorded)")       \
	FLD(K8S_RS_NAME, "k8s.rs.name", FT_V_STR, FU, "replica set name (not recorded)")           \
	FLD(K8S_RS_ID, "k8s.rs.id", FT_V_STR, FU, "replica set id (not recorded)")                 \
	FLD(K8S_RS_LABEL, "k8s.rs.label", FT_V_STR, FU | FK, "replica set label (not recorded)")   \
	FLD(K8S_RS_LABELS, "k8s.rs.labels", FT_V_STR, FU, "replica set labels (not recorded)")     \
	FLD(K8S_DEPLOYMENT_NAME, "k8s.deployment.name", FT_V_STR, FU,                              \
	    "deployment name (not recorded)")                                                      \
	FLD(K8S_DEPLOYMENT_ID, "k8s.deployment.id", FT_V_STR, FU, "deployment id (not recorded)")  \
	FLD(K8S_DEPLOYMENT_LABEL, "k8s.deployment.label", FT_V_STR, FU | FK,                       \
	    "deployment label (not recorded)")                                                     \
	FLD(K8S_DEPLOYMENT_LABELS, "k8s.deployment.labels", FT_V_STR, FU,                          \
	    "deployment labels (not recorded)")                                                    \
	/* ---- fd: the file descriptor the event operates on ---- */                              \
	FLD(FD_NUM, "fd.num", FT_V_INT, 0, "fd number (-1 for a failed open)")                     \
	FLD(FD_TYPE, "fd.type", FT_V_STR, 0,                                                       \
	    "fd type: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, "       \
	    "inotify, timerfd, netlink, memfd, bpf, userfaultfd, io_uring")                        \
	FLD(FD_TYPECHAR, "fd.typechar", FT_V_STR, 0,                                               \
	    "fd type as one letter: f 4 6 u p e s l i t n m b o")                                  \
	FLD(FD_NAME, "fd.name", FT_V_STR, 0,                                                       \
	    "fd name: absolute path for files, tuple 'cip:cport->sip:sport' for sockets")          \
	FLD(FD_NAMERAW, "fd.nameraw", FT_V_STR, 0,                                                 \
	    "fd name as passed to the syscall (path not made absolute)")                           \
	FLD(FD_DIRECTORY, "fd.directory", FT_V_STR, 0,                                             \
	    "directory part of fd.name for files and directories")                                 \
	FLD(FD_FILENAME, "fd.filename", FT_V_STR, 0,                                               \
	    "last component of fd.name for files and directories")                                 \
	FLD(FD_INO, "fd.ino", FT_V_UINT, 0, "inode number of the fd's file")                       \
	FLD(FD_DEV, "fd.dev", FT_V_UINT, FU, "device number of the file (not recorded)")           \
	FLD(FD_DEV_MAJOR, "fd.dev.major", FT_V_UINT, FU, "major device number (not recorded)")     \
	FLD(FD_DEV_MINOR, "fd.dev.minor", FT_V_UINT, FU, "minor device number (not recorded)")     \
	FLD(FD_IP, "fd.ip", FT_V_IP, FO | FM,                                                      \
	    "client or server address of the socket (matches either)")                             \
	FLD(FD_CIP, "fd.cip", FT_V_IP, 0, "client address of the socket")                          \
	FLD(FD_SIP, "fd.sip", FT_V_IP, 0, "server address of the socket")                          \
	FLD(FD_LIP, "fd.lip", FT_V_IP, 0, "local address of the socket")                           \
	FLD(FD_RIP, "fd.rip", FT_V_IP, 0, "remote address of the socket")                          \
	FLD(FD_PORT, "fd.port", FT_V_PORT, FO | FM,                                                \
	    "client or server port of the socket (matches either)")                                \
	FLD(FD_CPORT, "fd.cport", FT_V_PORT, 0, "client port of a TCP/UDP socket")                 \
	FLD(FD_SPORT, "fd.sport", FT_V_PORT, 0, "server port of a TCP/UDP socket")                 \
	FLD(FD_LPORT, "fd.lport", FT_V_PORT, 0, "local port of a TCP/UDP socket")                  \
	FLD(FD_RPORT, "fd.rport", FT_V_PORT, 0, "remote port of a TCP/UDP socket")                 \
	FLD(FD_PROTO, "fd.proto", FT_V_STR, FO | FM | FU,                                          \
	    "client or server protocol name (port names are not resolved)")                        \
	FLD(FD_CPROTO, "fd.cproto", FT_V_STR, FU,                                                  \
	    "client protocol name (port names are not resolved)")                                  \
	FLD(FD_SPROTO, "fd.sproto", FT_V_STR, FU,                                                  \
	    "server protocol name (port names are not resolved)")                                  \
	FLD(FD_LPROTO, "fd.lproto", FT_V_STR, FU,                                                  \
	    "local protocol name (port names are not resolved)")                                   \
	FLD(FD_RPROTO, "fd.rproto", FT_V_STR, FU,                                                  \
	    "remote protocol name (port names are not resolved)")                                  \
	FLD(FD_NET, "fd.net", FT_V_NET, FO | FM,                                                   \
	    "client or server address, compared with a CIDR network (matches either)")             \
	FLD(FD_CNET, "fd.cnet", FT_V_NET, FO, "client address compared with a CIDR network")       \
	FLD(FD_SNET, "fd.snet", FT_V_NET, FO, "server address compared with a CIDR network")       \
	FLD(FD_LNET, "fd.lnet", FT_V_NET, FO, "local address compared with a CIDR network")        \
	FLD(FD_RNET, "fd.rnet", FT_V_NET, FO, "remote address compared with a CIDR network")       \
	FLD(FD_L4PROTO, "fd.l4proto", FT_V_STR, 0,                                                 \
	    "IP protocol of the socket: tcp, udp, icmp or raw")                                    \
	FLD(FD_SOCKFAMILY, "fd.sockfamily", FT_V_STR, 0, "socket family: ip or unix")              \
	FLD(FD_IS_SERVER, "fd.is_server", FT_V_BOOL, 0,                                            \
	    "true when this process is the server end of the socket")                              \
	FLD(FD_UID, "fd.uid", FT_V_STR, 0,                                                         \
	    "identifier of the fd unique in the capture: tid then fd number")                      \
	FLD(FD_CONTAINERNAME, "fd.containername", FT_V_STR, 0, "container id, ':' and fd.name")    \
	FLD(FD_CONTAINERDIRECTORY, "fd.containerdirectory", FT_V_STR, 0,                           \
	    "container id, ':' and fd.directory")                                                  \
	FLD(FD_CONNECTED, "fd.connected", FT_V_BOOL, 0,                                            \
	    "true when the TCP/UDP socket is connected")                                           \
	FLD(FD_NAME_CHANGED, "fd.name_changed", FT_V_BOOL, 0,                                      \
	    "true when this event changed the name of its fd (connect, bind, accept...)")          \
	FLD(FD_CIP_NAME, "fd.cip.name", FT_V_STR, FU,                                              \
	    "domain name of the client address (DNS is not recorded)")                             \
	FLD(FD_SIP_NAME, "fd.sip.name", FT_V_STR, FU,                                              \
	    "domain name of the server address (DNS is not recorded)")                             \
	FLD(FD_LIP_NAME, "fd.lip.name", FT_V_STR, FU,                                              \
	    "domain name of the local address (DNS is not recorded)")                              \
	FLD(FD_RIP_NAME, "fd.rip.name", FT_V_STR, FU,                                              \
	    "domain name of the remote address (DNS is not recorded)")                             \
	FLD(FD_TYPES, "fd.types", FT_V_STR, FX | FM,                                               \
	    "fd types in use by the process; fd.types[N]: type of fd N")                           \
	FLD(FDLIST_NUMS, "fdlist.nums", FT_V_STR, FU,                                              \
	    "fd numbers of a poll event (poll is not recorded)")                                   \
	FLD(FDLIST_NAMES, "fdlist.names", FT_V_STR, FU,                                            \
	    "fd names of a poll event (poll is not recorded)")

#endif
