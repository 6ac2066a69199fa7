/* evt_flags.c: names for flag and enum values (evt_ftable_get), Linux UAPI
 * values for x86-64. Values are written as numbers, not taken from the build
 * machine's headers, because they are part of the capture format: a file
 * recorded on x86-64 must print the same everywhere.
 *
 * Order matters for bit sets: the printer takes entries first to last and
 * consumes the bits of each match, so multi-bit names (O_TMPFILE, O_SYNC,
 * MS_MGC_VAL) come before the single bits they contain. Tables with a type
 * field in their low bits (open access mode, socket type, mmap type) list
 * the field values first; evt_print.c knows each field's mask.
 */
#include "evt.h"

/* The tables read best packed, several names a line. */
/* clang-format off */
#define N(v, name) { (uint64_t)(v), name }

static const struct evt_flag_name ft_open[] = {
	/* access mode field (mask 3) */
	N(0, "O_RDONLY"), N(01, "O_WRONLY"), N(02, "O_RDWR"),
	N(020200000, "O_TMPFILE"), N(04010000, "O_SYNC"),
	N(0100, "O_CREAT"), N(0200, "O_EXCL"), N(0400, "O_NOCTTY"), N(01000, "O_TRUNC"),
	N(02000, "O_APPEND"), N(04000, "O_NONBLOCK"), N(010000, "O_DSYNC"), N(020000, "FASYNC"),
	N(040000, "O_DIRECT"), N(0100000, "O_LARGEFILE"), N(0200000, "O_DIRECTORY"),
	N(0400000, "O_NOFOLLOW"), N(01000000, "O_NOATIME"), N(02000000, "O_CLOEXEC"),
	N(010000000, "O_PATH"),
};

static const struct evt_flag_name ft_clone[] = {
	/* the low byte of clone() flags is the exit signal: not named */
	N(0x100, "CLONE_VM"), N(0x200, "CLONE_FS"), N(0x400, "CLONE_FILES"),
	N(0x800, "CLONE_SIGHAND"), N(0x1000, "CLONE_PIDFD"), N(0x2000, "CLONE_PTRACE"),
	N(0x4000, "CLONE_VFORK"), N(0x8000, "CLONE_PARENT"), N(0x10000, "CLONE_THREAD"),
	N(0x20000, "CLONE_NEWNS"), N(0x40000, "CLONE_SYSVSEM"), N(0x80000, "CLONE_SETTLS"),
	N(0x100000, "CLONE_PARENT_SETTID"), N(0x200000, "CLONE_CHILD_CLEARTID"),
	N(0x400000, "CLONE_DETACHED"), N(0x800000, "CLONE_UNTRACED"),
	N(0x1000000, "CLONE_CHILD_SETTID"), N(0x2000000, "CLONE_NEWCGROUP"),
	N(0x4000000, "CLONE_NEWUTS"), N(0x8000000, "CLONE_NEWIPC"), N(0x10000000, "CLONE_NEWUSER"),
	N(0x20000000, "CLONE_NEWPID"), N(0x40000000, "CLONE_NEWNET"), N(0x80000000, "CLONE_IO"),
	N(0x100000000ull, "CLONE_CLEAR_SIGHAND"), N(0x200000000ull, "CLONE_INTO_CGROUP"),
};

static const struct evt_flag_name ft_at[] = {
	N(0x100, "AT_SYMLINK_NOFOLLOW"), N(0x200, "AT_REMOVEDIR"), N(0x400, "AT_SYMLINK_FOLLOW"),
	N(0x800, "AT_NO_AUTOMOUNT"), N(0x1000, "AT_EMPTY_PATH"), N(0x2000, "AT_STATX_FORCE_SYNC"),
	N(0x4000, "AT_STATX_DONT_SYNC"), N(0x8000, "AT_RECURSIVE"),
};

static const struct evt_flag_name ft_exec[] = {
	N(EVT_EXEC_FROM_MEMFD, "EXE_FROM_MEMFD"), N(EVT_EXEC_UPPER_LAYER, "EXE_UPPER_LAYER"),
	N(EVT_EXEC_WRITABLE, "EXE_WRITABLE"),
};

static const struct evt_flag_name ft_fcntl[] = {
	N(0, "F_DUPFD"), N(1, "F_GETFD"), N(2, "F_SETFD"), N(3, "F_GETFL"), N(4, "F_SETFL"),
	N(5, "F_GETLK"), N(6, "F_SETLK"), N(7, "F_SETLKW"), N(8, "F_SETOWN"), N(9, "F_GETOWN"),
	N(10, "F_SETSIG"), N(11, "F_GETSIG"), N(15, "F_SETOWN_EX"), N(16, "F_GETOWN_EX"),
	N(36, "F_OFD_GETLK"), N(37, "F_OFD_SETLK"), N(38, "F_OFD_SETLKW"), N(1024, "F_SETLEASE"),
	N(1025, "F_GETLEASE"), N(1026, "F_NOTIFY"), N(1030, "F_DUPFD_CLOEXEC"),
	N(1031, "F_SETPIPE_SZ"), N(1032, "F_GETPIPE_SZ"), N(1033, "F_ADD_SEALS"),
	N(1034, "F_GET_SEALS"),
};

static const struct evt_flag_name ft_af[] = {
	N(0, "AF_UNSPEC"), N(1, "AF_LOCAL"), N(2, "AF_INET"), N(3, "AF_AX25"), N(4, "AF_IPX"),
	N(5, "AF_APPLETALK"), N(6, "AF_NETROM"), N(7, "AF_BRIDGE"), N(8, "AF_ATMPVC"),
	N(9, "AF_X25"), N(10, "AF_INET6"), N(11, "AF_ROSE"), N(12, "AF_DECnet"),
	N(13, "AF_NETBEUI"), N(14, "AF_SECURITY"), N(15, "AF_KEY"), N(16, "AF_NETLINK"),
	N(17, "AF_PACKET"), N(18, "AF_ASH"), N(19, "AF_ECONET"), N(20, "AF_ATMSVC"),
	N(21, "AF_RDS"), N(22, "AF_SNA"), N(23, "AF_IRDA"), N(24, "AF_PPPOX"), N(25, "AF_WANPIPE"),
	N(26, "AF_LLC"), N(27, "AF_IB"), N(28, "AF_MPLS"), N(29, "AF_CAN"), N(30, "AF_TIPC"),
	N(31, "AF_BLUETOOTH"), N(32, "AF_IUCV"), N(33, "AF_RXRPC"), N(34, "AF_ISDN"),
	N(35, "AF_PHONET"), N(36, "AF_IEEE802154"), N(37, "AF_CAIF"), N(38, "AF_ALG"),
	N(39, "AF_NFC"), N(40, "AF_VSOCK"), N(41, "AF_KCM"), N(42, "AF_QIPCRTR"), N(43, "AF_SMC"),
	N(44, "AF_XDP"), N(45, "AF_MCTP"),
};

static const struct evt_flag_name ft_socktype[] = {
	/* type field (mask 0xf) */
	N(1, "SOCK_STREAM"), N(2, "SOCK_DGRAM"), N(3, "SOCK_RAW"), N(4, "SOCK_RDM"),
	N(5, "SOCK_SEQPACKET"), N(6, "SOCK_DCCP"), N(10, "SOCK_PACKET"),
	N(04000, "SOCK_NONBLOCK"), N(02000000, "SOCK_CLOEXEC"),
};

static const struct evt_flag_name ft_rename[] = {
	N(1, "RENAME_NOREPLACE"), N(2, "RENAME_EXCHANGE"), N(4, "RENAME_WHITEOUT"),
};

static const struct evt_flag_name ft_mount[] = {
	N(0xC0ED0000, "MS_MGC_VAL"), /* old magic in the high half: consumed first */
	N(1, "MS_RDONLY"), N(2, "MS_NOSUID"), N(4, "MS_NODEV"), N(8, "MS_NOEXEC"),
	N(16, "MS_SYNCHRONOUS"), N(32, "MS_REMOUNT"), N(64, "MS_MANDLOCK"), N(128, "MS_DIRSYNC"),
	N(256, "MS_NOSYMFOLLOW"), N(1024, "MS_NOATIME"), N(2048, "MS_NODIRATIME"),
	N(4096, "MS_BIND"), N(8192, "MS_MOVE"), N(16384, "MS_REC"), N(32768, "MS_SILENT"),
	N(1 << 16, "MS_POSIXACL"), N(1 << 17, "MS_UNBINDABLE"), N(1 << 18, "MS_PRIVATE"),
	N(1 << 19, "MS_SLAVE"), N(1 << 20, "MS_SHARED"), N(1 << 21, "MS_RELATIME"),
	N(1 << 22, "MS_KERNMOUNT"), N(1 << 23, "MS_I_VERSION"), N(1 << 24, "MS_STRICTATIME"),
	N(1 << 25, "MS_LAZYTIME"),
};

static const struct evt_flag_name ft_umount[] = {
	N(1, "MNT_FORCE"), N(2, "MNT_DETACH"), N(4, "MNT_EXPIRE"), N(8, "UMOUNT_NOFOLLOW"),
};

static const struct evt_flag_name ft_prctl[] = {
	N(1, "PR_SET_PDEATHSIG"), N(2, "PR_GET_PDEATHSIG"), N(3, "PR_GET_DUMPABLE"),
	N(4, "PR_SET_DUMPABLE"), N(5, "PR_GET_UNALIGN"), N(6, "PR_SET_UNALIGN"),
	N(7, "PR_GET_KEEPCAPS"), N(8, "PR_SET_KEEPCAPS"), N(9, "PR_GET_FPEMU"),
	N(10, "PR_SET_FPEMU"), N(11, "PR_GET_FPEXC"), N(12, "PR_SET_FPEXC"),
	N(13, "PR_GET_TIMING"), N(14, "PR_SET_TIMING"), N(15, "PR_SET_NAME"), N(16, "PR_GET_NAME"),
	N(19, "PR_GET_ENDIAN"), N(20, "PR_SET_ENDIAN"), N(21, "PR_GET_SECCOMP"),
	N(22, "PR_SET_SECCOMP"), N(23, "PR_CAPBSET_READ"), N(24, "PR_CAPBSET_DROP"),
	N(25, "PR_GET_TSC"), N(26, "PR_SET_TSC"), N(27, "PR_GET_SECUREBITS"),
	N(28, "PR_SET_SECUREBITS"), N(29, "PR_SET_TIMERSLACK"), N(30, "PR_GET_TIMERSLACK"),
	N(31, "PR_TASK_PERF_EVENTS_DISABLE"), N(32, "PR_TASK_PERF_EVENTS_ENABLE"),
	N(33, "PR_MCE_KILL"), N(34, "PR_MCE_KILL_GET"), N(35, "PR_SET_MM"),
	N(36, "PR_SET_CHILD_SUBREAPER"), N(37, "PR_GET_CHILD_SUBREAPER"),
	N(38, "PR_SET_NO_NEW_PRIVS"), N(39, "PR_GET_NO_NEW_PRIVS"), N(40, "PR_GET_TID_ADDRESS"),
	N(41, "PR_SET_THP_DISABLE"), N(42, "PR_GET_THP_DISABLE"), N(45, "PR_SET_FP_MODE"),
	N(46, "PR_GET_FP_MODE"), N(47, "PR_CAP_AMBIENT"), N(50, "PR_SVE_SET_VL"),
	N(51, "PR_SVE_GET_VL"), N(52, "PR_GET_SPECULATION_CTRL"), N(53, "PR_SET_SPECULATION_CTRL"),
	N(54, "PR_PAC_RESET_KEYS"), N(55, "PR_SET_TAGGED_ADDR_CTRL"),
	N(56, "PR_GET_TAGGED_ADDR_CTRL"), N(57, "PR_SET_IO_FLUSHER"), N(58, "PR_GET_IO_FLUSHER"),
	N(59, "PR_SET_SYSCALL_USER_DISPATCH"), N(62, "PR_SCHED_CORE"), N(65, "PR_SET_MDWE"),
	N(66, "PR_GET_MDWE"), N(0x53564d41, "PR_SET_VMA"), N(0x59616d61, "PR_SET_PTRACER"),
};

static const struct evt_flag_name ft_ptrace[] = {
	N(0, "PTRACE_TRACEME"), N(1, "PTRACE_PEEKTEXT"), N(2, "PTRACE_PEEKDATA"),
	N(3, "PTRACE_PEEKUSR"), N(4, "PTRACE_POKETEXT"), N(5, "PTRACE_POKEDATA"),
	N(6, "PTRACE_POKEUSR"), N(7, "PTRACE_CONT"), N(8, "PTRACE_KILL"),
	N(9, "PTRACE_SINGLESTEP"), N(12, "PTRACE_GETREGS"), N(13, "PTRACE_SETREGS"),
	N(14, "PTRACE_GETFPREGS"), N(15, "PTRACE_SETFPREGS"), N(16, "PTRACE_ATTACH"),
	N(17, "PTRACE_DETACH"), N(18, "PTRACE_GETFPXREGS"), N(19, "PTRACE_SETFPXREGS"),
	N(24, "PTRACE_SYSCALL"), N(25, "PTRACE_GET_THREAD_AREA"), N(26, "PTRACE_SET_THREAD_AREA"),
	N(30, "PTRACE_ARCH_PRCTL"), N(31, "PTRACE_SYSEMU"), N(32, "PTRACE_SYSEMU_SINGLESTEP"),
	N(33, "PTRACE_SINGLEBLOCK"), N(0x4200, "PTRACE_SETOPTIONS"), N(0x4201, "PTRACE_GETEVENTMSG"),
	N(0x4202, "PTRACE_GETSIGINFO"), N(0x4203, "PTRACE_SETSIGINFO"),
	N(0x4204, "PTRACE_GETREGSET"), N(0x4205, "PTRACE_SETREGSET"), N(0x4206, "PTRACE_SEIZE"),
	N(0x4207, "PTRACE_INTERRUPT"), N(0x4208, "PTRACE_LISTEN"), N(0x4209, "PTRACE_PEEKSIGINFO"),
	N(0x420a, "PTRACE_GETSIGMASK"), N(0x420b, "PTRACE_SETSIGMASK"),
	N(0x420c, "PTRACE_SECCOMP_GET_FILTER"), N(0x420d, "PTRACE_SECCOMP_GET_METADATA"),
	N(0x420e, "PTRACE_GET_SYSCALL_INFO"), N(0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"),
};

static const struct evt_flag_name ft_signal[] = {
	N(1, "SIGHUP"), N(2, "SIGINT"), N(3, "SIGQUIT"), N(4, "SIGILL"), N(5, "SIGTRAP"),
	N(6, "SIGABRT"), N(7, "SIGBUS"), N(8, "SIGFPE"), N(9, "SIGKILL"), N(10, "SIGUSR1"),
	N(11, "SIGSEGV"), N(12, "SIGUSR2"), N(13, "SIGPIPE"), N(14, "SIGALRM"), N(15, "SIGTERM"),
	N(16, "SIGSTKFLT"), N(17, "SIGCHLD"), N(18, "SIGCONT"), N(19, "SIGSTOP"), N(20, "SIGTSTP"),
	N(21, "SIGTTIN"), N(22, "SIGTTOU"), N(23, "SIGURG"), N(24, "SIGXCPU"), N(25, "SIGXFSZ"),
	N(26, "SIGVTALRM"), N(27, "SIGPROF"), N(28, "SIGWINCH"), N(29, "SIGIO"), N(30, "SIGPWR"),
	N(31, "SIGSYS"),
};

static const struct evt_flag_name ft_prot[] = {
	N(0, "PROT_NONE"), N(1, "PROT_READ"), N(2, "PROT_WRITE"), N(4, "PROT_EXEC"),
	N(8, "PROT_SEM"), N(0x01000000, "PROT_GROWSDOWN"), N(0x02000000, "PROT_GROWSUP"),
};

static const struct evt_flag_name ft_mmap[] = {
	/* type field (mask 3) */
	N(1, "MAP_SHARED"), N(2, "MAP_PRIVATE"), N(3, "MAP_SHARED_VALIDATE"),
	N(0x10, "MAP_FIXED"), N(0x20, "MAP_ANONYMOUS"), N(0x40, "MAP_32BIT"),
	N(0x100, "MAP_GROWSDOWN"), N(0x800, "MAP_DENYWRITE"), N(0x1000, "MAP_EXECUTABLE"),
	N(0x2000, "MAP_LOCKED"), N(0x4000, "MAP_NORESERVE"), N(0x8000, "MAP_POPULATE"),
	N(0x10000, "MAP_NONBLOCK"), N(0x20000, "MAP_STACK"), N(0x40000, "MAP_HUGETLB"),
	N(0x80000, "MAP_SYNC"), N(0x100000, "MAP_FIXED_NOREPLACE"),
};

static const struct evt_flag_name ft_memfd[] = {
	N(1, "MFD_CLOEXEC"), N(2, "MFD_ALLOW_SEALING"), N(4, "MFD_HUGETLB"),
	N(8, "MFD_NOEXEC_SEAL"), N(0x10, "MFD_EXEC"),
};

static const struct evt_flag_name ft_bpfcmd[] = {
	N(0, "BPF_MAP_CREATE"), N(1, "BPF_MAP_LOOKUP_ELEM"), N(2, "BPF_MAP_UPDATE_ELEM"),
	N(3, "BPF_MAP_DELETE_ELEM"), N(4, "BPF_MAP_GET_NEXT_KEY"), N(5, "BPF_PROG_LOAD"),
	N(6, "BPF_OBJ_PIN"), N(7, "BPF_OBJ_GET"), N(8, "BPF_PROG_ATTACH"), N(9, "BPF_PROG_DETACH"),
	N(10, "BPF_PROG_TEST_RUN"), N(11, "BPF_PROG_GET_NEXT_ID"), N(12, "BPF_MAP_GET_NEXT_ID"),
	N(13, "BPF_PROG_GET_FD_BY_ID"), N(14, "BPF_MAP_GET_FD_BY_ID"),
	N(15, "BPF_OBJ_GET_INFO_BY_FD"), N(16, "BPF_PROG_QUERY"), N(17, "BPF_RAW_TRACEPOINT_OPEN"),
	N(18, "BPF_BTF_LOAD"), N(19, "BPF_BTF_GET_FD_BY_ID"), N(20, "BPF_TASK_FD_QUERY"),
	N(21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"), N(22, "BPF_MAP_FREEZE"),
	N(23, "BPF_BTF_GET_NEXT_ID"), N(24, "BPF_MAP_LOOKUP_BATCH"),
	N(25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"), N(26, "BPF_MAP_UPDATE_BATCH"),
	N(27, "BPF_MAP_DELETE_BATCH"), N(28, "BPF_LINK_CREATE"), N(29, "BPF_LINK_UPDATE"),
	N(30, "BPF_LINK_GET_FD_BY_ID"), N(31, "BPF_LINK_GET_NEXT_ID"), N(32, "BPF_ENABLE_STATS"),
	N(33, "BPF_ITER_CREATE"), N(34, "BPF_LINK_DETACH"), N(35, "BPF_PROG_BIND_MAP"),
	N(36, "BPF_TOKEN_CREATE"),
};

/* Names as sysdig's fd.type shows them. */
static const struct evt_flag_name ft_fdtype[] = {
	N(FDT_UNKNOWN, "unknown"), N(FDT_FILE, "file"), N(FDT_DIRECTORY, "directory"),
	N(FDT_IPV4, "ipv4"), N(FDT_IPV6, "ipv6"), N(FDT_UNIX, "unix"), N(FDT_PIPE, "pipe"),
	N(FDT_EVENT, "event"), N(FDT_SIGNALFD, "signalfd"), N(FDT_EVENTPOLL, "eventpoll"),
	N(FDT_INOTIFY, "inotify"), N(FDT_TIMERFD, "timerfd"), N(FDT_NETLINK, "netlink"),
	N(FDT_MEMFD, "memfd"), N(FDT_BPF, "bpf"), N(FDT_USERFAULTFD, "userfaultfd"),
	N(FDT_IOURING, "io_uring"), N(FDT_OTHER, "other"),
};

#define T(x) { x, sizeof(x) / sizeof(x[0]) }
static const struct {
	const struct evt_flag_name *names;
	size_t n;
} tables[FT_COUNT] = {
	[FT_OPEN] = T(ft_open),       [FT_CLONE] = T(ft_clone),   [FT_AT] = T(ft_at),
	[FT_EXEC] = T(ft_exec),       [FT_FCNTL] = T(ft_fcntl),   [FT_AF] = T(ft_af),
	[FT_SOCKTYPE] = T(ft_socktype), [FT_RENAME] = T(ft_rename), [FT_MOUNT] = T(ft_mount),
	[FT_UMOUNT] = T(ft_umount),   [FT_PRCTL] = T(ft_prctl),   [FT_PTRACE] = T(ft_ptrace),
	[FT_SIGNAL] = T(ft_signal),   [FT_PROT] = T(ft_prot),     [FT_MMAP] = T(ft_mmap),
	[FT_MEMFD] = T(ft_memfd),     [FT_BPFCMD] = T(ft_bpfcmd), [FT_FDTYPE] = T(ft_fdtype),
};
/* clang-format on */

const struct evt_flag_name *evt_ftable_get(enum evt_ftable t, size_t *n)
{
	if ((unsigned)t >= FT_COUNT || !tables[t].names) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = tables[t].n;
	return tables[t].names;
}
