/* scap_table.c: every scap event pair we know, in one table.
 *
 * Each row: enter event id, scap's event name, the native syscall (by name,
 * for the generic fallback), our type, flags, then the enter and exit
 * parameters in wire order as a small notation parsed once at first use:
 *
 *     wire[>conv][=ourparam]
 *
 * wire: i8 i16 i32 i64 u8 u16 u32 u64, s (NUL-terminated text), b (bytes),
 *       sa (sockaddr), st (socket tuple), fdl (fd list), dyn (tagged value);
 *       "res" is the return value (i64; "resu" u64, "res32" u32).
 * conv: how the value relates to ours (see enum scap_conv), e.g. ofl for
 *       open flags, peer for "tuple -> remote sockaddr".
 * ourparam: the parameter name in format/evt_schema.def, resolved against
 *       the schema, so a renamed parameter fails loudly in the unit test.
 *       Rows with no type of ours (0) become GENERIC records: "=a0" there puts
 *       the value in the raw argument a0 (the fd of fstat, ioctl, ... so that
 *       fd.* fields resolve on them as sysdig resolves them).
 *
 * Parameter lists follow the public scap event table (falcosecurity/libs
 * driver/event_table.c) as of scap format 1.2; the counts matter for old
 * files whose event blocks carry no parameter count.
 */
#include "scap_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct def_src {
	uint16_t id;
	const char *name;
	const char *sys; /* native syscall name; NULL: same as name; "": none */
	uint16_t our;
	uint8_t flags;
	const char *e, *x;
};

/* Prefixes shared by the clone and execve families. */
#define CLONE_HEAD "res s>argv0 b>argv i64>tid i64>pid i64>ptid s>cwd i64 "
#define VM5	   "u64 u64 u32 u32 u32 "
#define EXEC_HEAD  "res s>argv0=args b>argv=args i64>tid i64>pid i64>ptid s=cwd u64 "

static const struct def_src defs[] = {
    {0, "syscall", "", EVT_GENERIC, SD_GENERIC, "u16>scid u16=nr", "u16>scid"},
    {2, "open", NULL, EVT_OPEN, SD_WRITE, "s=name u32>ofl=flags u32=mode",
     "res s=name u32>ofl=flags u32=mode u32"},
    {4, "close", NULL, EVT_CLOSE, SD_WRITE, "i64=fd", "res"},
    {6, "read", NULL, EVT_READ, SD_WRITE, "i64=fd u32=size", "res b=data"},
    {8, "write", NULL, EVT_WRITE, SD_WRITE, "i64=fd u32=size", "res b=data"},
    {10, "brk", NULL, 0, 0, "u32", "resu"},
    {12, "execve", NULL, EVT_EXECVE, SD_EXEC, "", EXEC_HEAD},
    {14, "clone", NULL, EVT_CLONE, SD_CLONE, "", CLONE_HEAD "u32>cl=flags u32>uid u32>gid"},
    {16, "procexit", "", EVT_PROC_EXIT, SD_SINGLE | SD_PROCEXIT, "", ""},
    {18, "socket", NULL, EVT_SOCKET, SD_WRITE, "u32=domain u32=type u32=proto", "res"},
    {20, "bind", NULL, EVT_BIND, SD_WRITE, "i64=fd", "res sa=addr"},
    {22, "connect", NULL, EVT_CONNECT, SD_WRITE, "i64=fd sa=addr", "res st=tuple i64"},
    {24, "listen", NULL, EVT_LISTEN, SD_WRITE, "i64=fd u32=backlog", "res"},
    {26, "accept", NULL, EVT_ACCEPT, 0, "", "res st>accept=tuple u8"},
    {28, "send", "sendto", EVT_SENDTO, 0, "i64=fd u32=size", "res b=data"},
    {30, "sendto", NULL, EVT_SENDTO, SD_WRITE, "i64=fd u32=size st>peer=addr", "res b=data"},
    {32, "recv", "recvfrom", EVT_RECVFROM, 0, "i64=fd u32=size", "res b=data"},
    {34, "recvfrom", NULL, EVT_RECVFROM, SD_WRITE, "i64=fd u32=size", "res b=data st>peersrc=addr"},
    {36, "shutdown", NULL, 0, 0, "i64=a0 u8=a1", "res"},
    {38, "getsockname", NULL, 0, 0, "", ""},
    {40, "getpeername", NULL, 0, 0, "", ""},
    {42, "socketpair", NULL, EVT_SOCKETPAIR, SD_WRITE, "u32=domain u32=type u32=proto",
     "res i64=fd1 i64=fd2 u64 u64"},
    {44, "setsockopt", NULL, 0, 0, "", "res i64=a0 u8 u8 dyn u32"},
    {46, "getsockopt", NULL, 0, 0, "", "res i64=a0 u8 u8 dyn u32"},
    {48, "sendmsg", NULL, EVT_SENDMSG, SD_WRITE, "i64=fd u32=size st>peer=addr", "res b=data"},
    {50, "sendmmsg", NULL, 0, 0, "", ""},
    {52, "recvmsg", NULL, EVT_RECVMSG, SD_WRITE, "i64=fd", "res u32=size b=data st>peersrc=addr"},
    {54, "recvmmsg", NULL, 0, 0, "", ""},
    {56, "accept", "accept4", EVT_ACCEPT4, 0, "i32=flags", "res st>accept=tuple u8"},
    {58, "creat", NULL, EVT_CREAT, SD_WRITE, "s=name u32=mode", "res s=name u32=mode u32"},
    {60, "pipe", NULL, EVT_PIPE, SD_WRITE, "", "res i64=fd1 i64=fd2 u64"},
    {62, "eventfd", NULL, 0, 0, "u64 u32", "res"},
    {64, "futex", NULL, 0, 0, "u64 u16 u64", "res"},
    {66, "stat", NULL, 0, 0, "", "res s"},
    {68, "lstat", NULL, 0, 0, "", "res s"},
    {70, "fstat", NULL, 0, 0, "i64=a0", "res"},
    {72, "stat64", NULL, 0, 0, "", "res s"},
    {74, "lstat64", NULL, 0, 0, "", "res s"},
    {76, "fstat64", NULL, 0, 0, "i64=a0", "res"},
    {78, "epoll_wait", NULL, 0, 0, "i64=a0", "res"},
    {80, "poll", NULL, 0, 0, "fdl i64", "res fdl"},
    {82, "select", NULL, 0, 0, "", "res"},
    {84, "select", "select", 0, 0, "", "res"},
    {86, "lseek", NULL, 0, 0, "i64=a0 u64=a1 u8=a2", "res"},
    {88, "llseek", NULL, 0, 0, "i64=a0 u64 u8", "res"},
    {90, "ioctl", NULL, 0, 0, "i64=a0 u64=a1", "res"},
    {92, "getcwd", NULL, 0, 0, "", "res s"},
    {94, "chdir", NULL, EVT_CHDIR, SD_WRITE, "", "res s=path"},
    {96, "fchdir", NULL, EVT_FCHDIR, SD_WRITE, "i64=fd", "res"},
    {98, "mkdir", NULL, EVT_MKDIR, 0, "s=path u32=mode", "res"},
    {100, "rmdir", NULL, EVT_RMDIR, 0, "s=path", "res"},
    {102, "openat", NULL, EVT_OPENAT, 0, "i64=dirfd s=name u32>ofl=flags u32=mode", "res"},
    {104, "link", NULL, EVT_LINK, 0, "s=oldpath s=newpath", "res"},
    {106, "linkat", NULL, EVT_LINKAT, 0, "i64=olddir s=oldpath i64=newdir s=newpath", "res"},
    {108, "unlink", NULL, EVT_UNLINK, 0, "s=path", "res"},
    {110, "unlinkat", NULL, EVT_UNLINKAT, 0, "i64=dirfd s=name", "res"},
    {112, "pread", "pread64", EVT_PREAD64, SD_WRITE, "i64=fd u32=size u64=pos", "res b=data"},
    {114, "pwrite", "pwrite64", EVT_PWRITE64, SD_WRITE, "i64=fd u32=size u64=pos", "res b=data"},
    {116, "readv", NULL, EVT_READV, SD_WRITE, "i64=fd", "res u32 b=data"},
    {118, "writev", NULL, EVT_WRITEV, SD_WRITE, "i64=fd u32", "res b=data"},
    {120, "preadv", NULL, 0, 0, "i64=a0 u64", "res u32 b"},
    {122, "pwritev", NULL, 0, 0, "i64=a0 u32 u64", "res b"},
    {124, "dup", NULL, EVT_DUP, SD_WRITE, "i64=fd", "res"},
    {126, "signalfd", NULL, 0, 0, "i64=a0 u32 u8", "res"},
    {128, "kill", NULL, EVT_KILL, SD_WRITE, "i64=pid u8=sig", "res"},
    {130, "tkill", NULL, EVT_TKILL, SD_WRITE, "i64=tid u8=sig", "res"},
    {132, "tgkill", NULL, EVT_TGKILL, SD_WRITE, "i64=pid i64=tid u8=sig", "res"},
    {134, "nanosleep", NULL, 0, 0, "u64", "res"},
    {136, "timerfd_create", NULL, 0, 0, "u8 u8", "res"},
    {138, "inotify_init", NULL, 0, 0, "u8", "res"},
    {140, "getrlimit", NULL, 0, 0, "u8", "res i64 i64"},
    {142, "setrlimit", NULL, 0, 0, "u8", "res i64 i64"},
    {144, "prlimit", "prlimit64", 0, 0, "i64 u8", "res i64 i64 i64 i64"},
    {146, "switch", "", 0, SD_SINGLE | SD_SKIP, "i64", ""},
    {148, "drop", "", 0, SD_SINGLE | SD_SKIP, "u32", ""},
    {149, "drop", "", 0, SD_SINGLE | SD_SKIP, "u32", ""},
    {150, "fcntl", NULL, EVT_FCNTL, SD_WRITE, "i64=fd u8>fcntl=cmd", "res"},
    {152, "switch", "", 0, SD_SINGLE | SD_SKIP, "i64 u64 u64 u32 u32 u32", ""},
    {154, "execve", NULL, EVT_EXECVE, SD_EXEC, "", EXEC_HEAD VM5},
    {156, "clone", NULL, EVT_CLONE, SD_CLONE, "", CLONE_HEAD VM5 "u32>cl=flags u32>uid u32>gid"},
    {158, "brk", NULL, 0, 0, "u64", "resu u32 u32 u32"},
    {160, "mmap", NULL, EVT_MMAP, SD_WRITE,
     "u64=addr u64=length u32=prot u32>mmap=flags i64=fd u64=offset", "resu u32 u32 u32"},
    {162, "mmap2", "", EVT_MMAP, 0, "u64=addr u64=length u32=prot u32>mmap=flags i64=fd u64",
     "resu u32 u32 u32"},
    {164, "munmap", NULL, 0, 0, "u64 u64", "res u32 u32 u32"},
    {166, "splice", NULL, 0, 0, "i64=a0 i64 u64 u32", "res"},
    {168, "ptrace", NULL, EVT_PTRACE, SD_WRITE, "u16>ptrace=request i64=pid", "res dyn dyn"},
    {170, "ioctl", NULL, 0, 0, "i64=a0 u64=a1 u64=a2", "res"},
    {172, "execve", NULL, EVT_EXECVE, SD_EXEC, "", EXEC_HEAD VM5 "b=env"},
    {174, "rename", NULL, EVT_RENAME, SD_WRITE, "", "res s=oldpath s=newpath"},
    {176, "renameat", NULL, EVT_RENAMEAT, SD_WRITE, "",
     "res i64=olddirfd s=oldpath i64=newdirfd s=newpath"},
    {178, "symlink", NULL, EVT_SYMLINK, SD_WRITE, "", "res s=target s=linkpath"},
    {180, "symlinkat", NULL, EVT_SYMLINKAT, SD_WRITE, "", "res s=target i64=linkdirfd s=linkpath"},
    {182, "fork", NULL, EVT_FORK, SD_CLONE, "", CLONE_HEAD VM5 "u32>cl u32>uid u32>gid"},
    {184, "vfork", NULL, EVT_VFORK, SD_CLONE, "", CLONE_HEAD VM5 "u32>cl u32>uid u32>gid"},
    {186, "procexit", "", EVT_PROC_EXIT, SD_SINGLE | SD_PROCEXIT | SD_WRITE, "i64=status i64 u8 u8",
     ""},
    {188, "sendfile", NULL, 0, 0, "i64=a0 i64=a1 u64 u64", "res u64"},
    {190, "quotactl", NULL, 0, 0, "u16 u8 u32 u8",
     "res s s u64 u64 u64 u64 u64 u64 u64 u64 u64 u8 u8"},
    {192, "setresuid", NULL, EVT_SETRESUID, SD_WRITE, "u32=ruid u32=euid u32=suid", "res"},
    {194, "setresgid", NULL, EVT_SETRESGID, SD_WRITE, "u32=rgid u32=egid u32=sgid", "res"},
    {196, "scapevent", "", 0, SD_SINGLE | SD_SKIP, "u32 u64", ""},
    {198, "setuid", NULL, EVT_SETUID, SD_WRITE, "u32=uid", "res"},
    {200, "setgid", NULL, EVT_SETGID, SD_WRITE, "u32=gid", "res"},
    {202, "getuid", NULL, 0, 0, "", "res32"},
    {204, "geteuid", NULL, 0, 0, "", "res32"},
    {206, "getgid", NULL, 0, 0, "", "res32"},
    {208, "getegid", NULL, 0, 0, "", "res32"},
    {210, "getresuid", NULL, 0, 0, "", "res u32 u32 u32"},
    {212, "getresgid", NULL, 0, 0, "", "res u32 u32 u32"},
    {214, "execve", NULL, EVT_EXECVE, SD_EXEC, "", EXEC_HEAD VM5 "s>comm b=env"},
    {216, "clone", NULL, EVT_CLONE, SD_CLONE, "",
     CLONE_HEAD VM5 "s>comm u32>cl=flags u32>uid u32>gid"},
    {218, "fork", NULL, EVT_FORK, SD_CLONE, "", CLONE_HEAD VM5 "s>comm u32>cl u32>uid u32>gid"},
    {220, "vfork", NULL, EVT_VFORK, SD_CLONE, "", CLONE_HEAD VM5 "s>comm u32>cl u32>uid u32>gid"},
    {222, "clone", NULL, EVT_CLONE, SD_CLONE | SD_WRITE, "",
     CLONE_HEAD VM5 "s>comm b>cgroups u32>cl=flags u32>uid u32>gid i64>vtid i64>vpid"},
    {224, "fork", NULL, EVT_FORK, SD_CLONE | SD_WRITE, "",
     CLONE_HEAD VM5 "s>comm b>cgroups u32>cl u32>uid u32>gid i64>vtid i64>vpid"},
    {226, "vfork", NULL, EVT_VFORK, SD_CLONE | SD_WRITE, "",
     CLONE_HEAD VM5 "s>comm b>cgroups u32>cl u32>uid u32>gid i64>vtid i64>vpid"},
    {228, "container", "", 0, SD_SINGLE | SD_SKIP, "s u32 s s", ""},
    {230, "execve", NULL, EVT_EXECVE, SD_EXEC, "", EXEC_HEAD VM5 "s>comm b>cgroups b=env"},
    {232, "signaldeliver", "", 0, SD_SINGLE | SD_SKIP, "i64 i64 u8", ""},
    {234, "procinfo", "", 0, SD_SINGLE | SD_SKIP, "u64 u64", ""},
    {236, "getdents", NULL, 0, 0, "i64=a0", "res"},
    {238, "getdents64", NULL, 0, 0, "i64=a0", "res"},
    {240, "setns", NULL, EVT_SETNS, SD_WRITE, "i64=fd u32>cl=nstype", "res"},
    {242, "flock", NULL, 0, 0, "i64=a0 u32=a1", "res"},
    {244, "cpu_hotplug", "", 0, SD_SINGLE | SD_SKIP, "u32 u32", ""},
    {246, "accept", NULL, EVT_ACCEPT, SD_WRITE, "", "res st>accept=tuple u8 u32 u32"},
    {248, "accept", "accept4", EVT_ACCEPT4, SD_WRITE, "i32=flags",
     "res st>accept=tuple u8 u32 u32"},
    {250, "semop", NULL, 0, 0, "i32", "res u32 u16 i16 u16 u16 i16 u16"},
    {252, "semctl", NULL, 0, 0, "i32 i32 u16 i32", "res"},
    {254, "ppoll", NULL, 0, 0, "fdl u64 u32", "res fdl"},
    {256, "mount", NULL, EVT_MOUNT, SD_WRITE, "u32=flags", "res s=dev s=dir s=type"},
    {258, "umount", "umount2", EVT_UMOUNT2, SD_WRITE, "u32=flags", "res s=name"},
    {260, "k8s", "", 0, SD_SINGLE | SD_SKIP, "s", ""},
    {262, "semget", NULL, 0, 0, "i32 i32 u32", "res"},
    {264, "access", NULL, 0, 0, "u32", "res s"},
    {266, "chroot", NULL, EVT_CHROOT, SD_WRITE, "", "res s=path"},
    {268, "tracer", "", 0, SD_SKIP, "i64 dyn dyn", "i64 dyn dyn"},
    {270, "mesos", "", 0, SD_SINGLE | SD_SKIP, "s", ""},
    {272, "container", "", 0, SD_SINGLE | SD_SKIP, "s", ""},
    {274, "setsid", NULL, 0, 0, "", "res"},
    {276, "mkdir", NULL, EVT_MKDIR, SD_WRITE, "u32=mode", "res s=path"},
    {278, "rmdir", NULL, EVT_RMDIR, SD_WRITE, "", "res s=path"},
    {280, "notification", "", 0, SD_SINGLE | SD_SKIP, "s s", ""},
    {282, "execve", NULL, EVT_EXECVE, SD_EXEC, "", EXEC_HEAD VM5 "s>comm b>cgroups b=env i32=tty"},
    {284, "unshare", NULL, EVT_UNSHARE, SD_WRITE, "u32>cl=flags", "res"},
    {286, "infra", "", 0, SD_SINGLE | SD_SKIP, "s s s s", ""},
    {288, "execve", NULL, EVT_EXECVE, SD_EXEC, "s=filename",
     EXEC_HEAD VM5 "s>comm b>cgroups b=env i32=tty"},
    {290, "page_fault", "", 0, SD_SINGLE | SD_SKIP, "u64 u64 u32", ""},
    {292, "execve", NULL, EVT_EXECVE, SD_EXEC | SD_WRITE, "s=filename",
     EXEC_HEAD VM5 "s>comm b>cgroups b=env i32=tty i64 u32=loginuid u32>exefl=flags "
		   "u64 u64 u64>capeff=cap_eff u64 u64 u64 u32>uid s>texe=exe"},
    {294, "setpgid", NULL, 0, 0, "i64 i64", "res"},
    {296, "bpf", NULL, EVT_BPF, SD_WRITE, "i64=cmd", "dyn"},
    {298, "seccomp", NULL, 0, 0, "u64 u64", "res"},
    {300, "unlink", NULL, EVT_UNLINK, SD_WRITE, "", "res s=path"},
    {302, "unlinkat", NULL, EVT_UNLINKAT, SD_WRITE, "", "res i64=dirfd s=name u32=flags"},
    {304, "mkdirat", NULL, EVT_MKDIRAT, SD_WRITE, "", "res i64=dirfd s=path u32=mode"},
    {306, "openat", NULL, EVT_OPENAT, SD_WRITE, "i64=dirfd s=name u32>ofl=flags u32=mode",
     "res i64=dirfd s=name u32>ofl=flags u32=mode u32"},
    {308, "link", NULL, EVT_LINK, SD_WRITE, "", "res s=oldpath s=newpath"},
    {310, "linkat", NULL, EVT_LINKAT, SD_WRITE, "",
     "res i64=olddir s=oldpath i64=newdir s=newpath u32=flags"},
    {312, "fchmodat", NULL, EVT_FCHMODAT, SD_WRITE, "", "res i64=dirfd s=filename u32=mode"},
    {314, "chmod", NULL, EVT_CHMOD, SD_WRITE, "", "res s=filename u32=mode"},
    {316, "fchmod", NULL, EVT_FCHMOD, SD_WRITE, "", "res i64=fd u32=mode"},
    {318, "renameat2", NULL, EVT_RENAMEAT2, SD_WRITE, "",
     "res i64=olddirfd s=oldpath i64=newdirfd s=newpath u32=flags"},
    {320, "userfaultfd", NULL, EVT_USERFAULTFD, SD_WRITE, "", "res u32>ofl=flags"},
    {322, "pluginevent", "", 0, SD_SINGLE | SD_SKIP, "u32 b", ""},
    {324, "container", "", 0, SD_SINGLE | SD_SKIP, "s", ""},
    {326, "openat2", NULL, EVT_OPENAT2, SD_WRITE,
     "i64=dirfd s=name u32>ofl=flags u32=mode u32=resolve",
     "res i64=dirfd s=name u32>ofl=flags u32=mode u32=resolve"},
    {328, "mprotect", NULL, EVT_MPROTECT, SD_WRITE, "u64=addr u64=length u32=prot", "res"},
    {330, "execveat", NULL, EVT_EXECVEAT, SD_EXEC | SD_WRITE, "i64=dirfd s=filename u32=at_flags",
     EXEC_HEAD VM5 "s>comm b>cgroups b=env i32=tty i64 u32=loginuid u32>exefl=flags "
		   "u64 u64 u64>capeff=cap_eff u64 u64 u64 u32>uid s>texe=exe"},
    {332, "copy_file_range", NULL, 0, 0, "i64=a0 u64 u64", "res i64 u64"},
    {334, "clone3", NULL, EVT_CLONE3, SD_CLONE | SD_WRITE, "",
     CLONE_HEAD VM5 "s>comm b>cgroups u32>cl=flags u32>uid u32>gid i64>vtid i64>vpid"},
    {336, "open_by_handle_at", NULL, 0, 0, "", "res i64 u32 s"},
    {338, "io_uring_setup", NULL, EVT_IO_URING_SETUP, SD_WRITE, "",
     "res u32=entries u32 u32 u32=flags u32 u32 u32"},
    {340, "io_uring_enter", NULL, 0, 0, "", "res i64 u32 u32 u32 u32"},
    {342, "io_uring_register", NULL, 0, 0, "", "res i64 u16 u64 u32"},
    {344, "mlock", NULL, 0, 0, "", "res u64 u64"},
    {346, "munlock", NULL, 0, 0, "", "res u64 u64"},
    {348, "mlockall", NULL, 0, 0, "", "res u32"},
    {350, "munlockall", NULL, 0, 0, "", "res"},
    /* Newer events (scap 1.2 files carry parameter counts, so tails may be partial). */
    {352, "capset", NULL, EVT_CAPSET, 0, "",
     "res u64=cap_inheritable u64=cap_permitted u64=cap_effective"},
    {354, "useradded", "", 0, SD_SINGLE | SD_SKIP, "u32 u32 s s s s", ""},
    {356, "userdeleted", "", 0, SD_SINGLE | SD_SKIP, "u32 u32 s s s s", ""},
    {358, "groupadded", "", 0, SD_SINGLE | SD_SKIP, "u32 s s", ""},
    {360, "groupdeleted", "", 0, SD_SINGLE | SD_SKIP, "u32 s s", ""},
    {362, "dup2", NULL, EVT_DUP2, 0, "i64", "res i64=fd i64=newfd"},
    {364, "dup3", NULL, EVT_DUP3, 0, "i64", "res i64=fd i64=newfd u32>ofl=flags"},
    {366, "dup", NULL, EVT_DUP, 0, "i64", "res i64=fd"},
    {368, "bpf", NULL, EVT_BPF, 0, "i64=cmd", "res"},
    {370, "mlock2", NULL, 0, 0, "", "res"},
    {372, "fsconfig", NULL, 0, 0, "", "res"},
    {374, "epoll_create", NULL, 0, 0, "i32", "res"},
    {376, "epoll_create1", NULL, 0, 0, "u32", "res"},
    {378, "chown", NULL, EVT_CHOWN, 0, "", "res s=path u32=uid u32=gid"},
    {380, "lchown", NULL, EVT_LCHOWN, 0, "", "res s=path u32=uid u32=gid"},
    {382, "fchown", NULL, EVT_FCHOWN, 0, "", "res i64=fd u32=uid u32=gid"},
    {384, "fchownat", NULL, EVT_FCHOWNAT, 0, "",
     "res i64=dirfd s=pathname u32=uid u32=gid u32=flags"},
    {386, "umount", "umount2", EVT_UMOUNT2, 0, "", "res s=name"},
    {388, "accept4", NULL, EVT_ACCEPT4, 0, "i32=flags", "res st>accept=tuple u8 u32 u32"},
    {390, "umount2", NULL, EVT_UMOUNT2, 0, "u32=flags", "res s=name"},
    {392, "pipe2", NULL, EVT_PIPE2, 0, "", "res i64=fd1 i64=fd2 u64 u32>ofl=flags"},
    {394, "inotify_init1", NULL, 0, 0, "", "res"},
    {396, "eventfd2", NULL, 0, 0, "u64", "res"},
    {398, "signalfd4", NULL, 0, 0, "i64=a0 u32", "res"},
    {400, "prctl", NULL, EVT_PRCTL, 0, "", "res u32=option s=arg2_str u64=arg2"},
    {402, "asyncevent", "", 0, SD_SINGLE | SD_SKIP, "", ""},
    {404, "memfd_create", NULL, EVT_MEMFD_CREATE, 0, "", "res s=name u32=flags"},
    {406, "pidfd_getfd", NULL, 0, 0, "", "res"},
    {408, "pidfd_open", NULL, 0, 0, "", "res"},
    {410, "init_module", NULL, EVT_INIT_MODULE, 0, "", "res b u64=length s=uargs"},
    {412, "finit_module", NULL, EVT_FINIT_MODULE, 0, "", "res i64=fd s=uargs u32=flags"},
    {414, "mknod", NULL, 0, 0, "", "res"},
    {416, "mknodat", NULL, 0, 0, "", "res"},
    {418, "newfstatat", NULL, 0, 0, "", "res"},
    {420, "process_vm_readv", NULL, 0, 0, "", "res"},
    {422, "process_vm_writev", NULL, 0, 0, "", "res"},
    {424, "delete_module", NULL, EVT_DELETE_MODULE, 0, "", "res s=name u32=flags"},
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static struct scap_evdef table[NDEFS];
static int16_t by_id[SCAP_EVT_ID_MAX]; /* index into table + 1 */
static int16_t by_type[EVT_TYPE_MAX];  /* index into table + 1 */
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static int table_errors;

static const struct {
	const char *name;
	uint8_t wire, conv;
} wires[] = {
    {"i8", SW_I8, SV_COPY},   {"i16", SW_I16, SV_COPY},	 {"i32", SW_I32, SV_COPY},
    {"i64", SW_I64, SV_COPY}, {"u8", SW_U8, SV_COPY},	 {"u16", SW_U16, SV_COPY},
    {"u32", SW_U32, SV_COPY}, {"u64", SW_U64, SV_COPY},	 {"s", SW_STR, SV_COPY},
    {"b", SW_BUF, SV_COPY},   {"sa", SW_SA, SV_COPY},	 {"st", SW_ST, SV_COPY},
    {"fdl", SW_FDL, SV_COPY}, {"dyn", SW_DYN, SV_COPY},	 {"res", SW_I64, SV_RES},
    {"resu", SW_U64, SV_RES}, {"res32", SW_U32, SV_RES},
};

static const struct {
	const char *name;
	uint8_t conv;
} convs[] = {
    {"ofl", SV_OFLAGS},	      {"cl", SV_CLONE},		{"fcntl", SV_FCNTL},
    {"ptrace", SV_PTRACE},    {"mmap", SV_MMAP},	{"exefl", SV_EXEFL},
    {"peer", SV_PEER_DST},    {"peersrc", SV_PEER_SRC}, {"accept", SV_ACCEPT},
    {"argv0", SV_ARGV0},      {"argv", SV_ARGV},	{"tid", SV_TID},
    {"pid", SV_PID},	      {"ptid", SV_PTID},	{"comm", SV_COMM},
    {"uid", SV_UID},	      {"gid", SV_GID},		{"vtid", SV_VTID},
    {"vpid", SV_VPID},	      {"cgroups", SV_CGROUPS},	{"scid", SV_SCID},
    {"texe", SV_TRUSTED_EXE}, {"capeff", SV_CAPEFF},	{"cwd", SV_CWD},
};

/* Parses one parameter list; a malformed table is a programming error
 * caught by the unit test, so it is reported on stderr and truncated. */
static unsigned parse_list(const char *src, unsigned our_type, struct scap_prm *out, unsigned max,
			   const char *what)
{
	char tok[64];
	unsigned n = 0;
	const char *p = src;

	while (*p) {
		size_t len;
		char *conv, *name;
		unsigned w;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (len >= sizeof(tok) || n >= max) {
			fprintf(stderr, "scap_table: bad list for %s\n", what);
			table_errors++;
			break;
		}
		memcpy(tok, p, len);
		tok[len] = 0;
		p += len;
		name = strchr(tok, '=');
		if (name)
			*name++ = 0;
		conv = strchr(tok, '>');
		if (conv)
			*conv++ = 0;
		for (w = 0; w < sizeof(wires) / sizeof(wires[0]); w++)
			if (strcmp(wires[w].name, tok) == 0)
				break;
		if (w == sizeof(wires) / sizeof(wires[0])) {
			fprintf(stderr, "scap_table: %s: unknown wire type '%s'\n", what, tok);
			table_errors++;
			w = 0;
		}
		out[n].wire = wires[w].wire;
		out[n].conv = wires[w].conv;
		out[n].our = -1;
		if (conv) {
			unsigned c;
			for (c = 0; c < sizeof(convs) / sizeof(convs[0]); c++)
				if (strcmp(convs[c].name, conv) == 0)
					break;
			if (c == sizeof(convs) / sizeof(convs[0])) {
				fprintf(stderr, "scap_table: %s: unknown conversion '%s'\n", what,
					conv);
				table_errors++;
			} else {
				out[n].conv = convs[c].conv;
			}
		}
		if (name) {
			int idx = evt_param_index(our_type, name);
			if (idx < 0) {
				fprintf(stderr,
					"scap_table: %s: no parameter '%s' in our type %u\n", what,
					name, our_type);
				table_errors++;
			}
			out[n].our = (int8_t)idx;
		}
		n++;
	}
	return n;
}

static void table_init(void)
{
	for (unsigned i = 0; i < NDEFS; i++) {
		const struct def_src *d = &defs[i];
		struct scap_evdef *t = &table[i];
		const char *sys = d->sys ? d->sys : d->name;

		t->id = d->id;
		t->name = d->name;
		t->nr = (int16_t)(sys[0] ? evt_sysnr_by_name(sys) : -1);
		t->our = d->our;
		t->flags = d->flags;
		/* rows without a type of ours become GENERIC records: their
		 * "=aN" parameters name GENERIC's raw arguments */
		t->ne = (uint8_t)parse_list(d->e, d->our ? d->our : EVT_GENERIC, t->e, 8, d->name);
		t->nx = (uint8_t)parse_list(d->x, d->our ? d->our : EVT_GENERIC, t->x, 32, d->name);
		if (d->id < SCAP_EVT_ID_MAX) {
			by_id[d->id] = (int16_t)(i + 1);
			if (!(d->flags & SD_SINGLE) && d->id + 1 < SCAP_EVT_ID_MAX)
				by_id[d->id + 1] = (int16_t)(i + 1);
		}
		if ((d->flags & SD_WRITE) && d->our < EVT_TYPE_MAX)
			by_type[d->our] = (int16_t)(i + 1);
	}
}

const struct scap_evdef *scap_evdef_get(unsigned id)
{
	pthread_once(&table_once, table_init);
	if (id >= SCAP_EVT_ID_MAX || !by_id[id])
		return NULL;
	return &table[by_id[id] - 1];
}

const struct scap_evdef *scap_evdef_for_type(unsigned our_type)
{
	pthread_once(&table_once, table_init);
	if (our_type >= EVT_TYPE_MAX || !by_type[our_type])
		return NULL;
	return &table[by_type[our_type] - 1];
}

int scap_table_errors(void)
{
	pthread_once(&table_once, table_init);
	return table_errors;
}
