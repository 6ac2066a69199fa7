/* scap_conv.c: scap's portable flag encodings (PPM_*) <-> the native values we record.
 *
 * scap stores several flag sets in its own bit layout so captures read the
 * same on every architecture; our records keep the kernel's values. Each
 * table pairs one scap bit (or value) with the native one.
 */
#include "scap_int.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/ptrace.h>

struct bitmap {
	uint64_t ppm, native;
};

static const struct bitmap open_bits[] = {
    {1 << 2, O_CREAT},	    {1 << 3, O_APPEND},	    {1 << 4, O_DSYNC},	  {1 << 5, O_EXCL},
    {1 << 6, O_NONBLOCK},   {1 << 7, O_SYNC},	    {1 << 8, O_TRUNC},	  {1 << 9, O_DIRECT},
    {1 << 10, O_DIRECTORY}, {1 << 11, O_LARGEFILE}, {1 << 12, O_CLOEXEC}, {1 << 13, O_TMPFILE},
};

static const struct bitmap clone_bits[] = {
    {1 << 0, CLONE_FILES},	   {1 << 1, CLONE_FS},	     {1 << 2, CLONE_IO},
    {1 << 3, CLONE_NEWIPC},	   {1 << 4, CLONE_NEWNET},   {1 << 5, CLONE_NEWNS},
    {1 << 6, CLONE_NEWPID},	   {1 << 7, CLONE_NEWUTS},   {1 << 8, CLONE_PARENT},
    {1 << 9, CLONE_PARENT_SETTID}, {1 << 10, CLONE_PTRACE},  {1 << 11, CLONE_SIGHAND},
    {1 << 12, CLONE_SYSVSEM},	   {1 << 13, CLONE_THREAD},  {1 << 14, CLONE_UNTRACED},
    {1 << 15, CLONE_VM},	   {1 << 20, CLONE_NEWUSER}, {1 << 23, CLONE_CHILD_CLEARTID},
    {1 << 24, CLONE_CHILD_SETTID}, {1 << 25, CLONE_SETTLS},  {1 << 27, CLONE_VFORK},
    {1 << 28, CLONE_NEWCGROUP},
};

static const struct bitmap mmap_bits[] = {
    {1 << 0, MAP_SHARED},     {1 << 1, MAP_PRIVATE},	 {1 << 2, MAP_FIXED},
    {1 << 3, MAP_ANONYMOUS},  {1 << 4, MAP_32BIT},	 {1 << 6, MAP_NORESERVE},
    {1 << 7, MAP_POPULATE},   {1 << 8, MAP_NONBLOCK},	 {1 << 9, MAP_GROWSDOWN},
    {1 << 10, MAP_DENYWRITE}, {1 << 11, MAP_EXECUTABLE}, {1 << 14, MAP_LOCKED},
};

static const struct bitmap exe_bits[] = {
    {1 << 0, EVT_EXEC_WRITABLE},
    {1 << 1, EVT_EXEC_UPPER_LAYER},
    {1 << 2, EVT_EXEC_FROM_MEMFD},
};

/* Values (not bits): PPM code, native code. */
static const struct bitmap fcntl_vals[] = {
    {1, F_DUPFD},
    {2, F_GETFD},
    {3, F_SETFD},
    {4, F_GETFL},
    {5, F_SETFL},
    {6, F_GETLK},
    {8, F_SETLK},
    {9, F_SETLKW},
    {10, F_SETOWN},
    {12, F_GETOWN},
    {13, F_SETSIG},
    {15, F_GETSIG},
    {21, F_SETOWN_EX},
    {22, F_GETOWN_EX},
    {23, F_SETLEASE},
    {24, F_GETLEASE},
    {25, 1029 /* F_CANCELLK */},
    {26, F_DUPFD_CLOEXEC},
    {27, F_NOTIFY},
    {28, F_SETPIPE_SZ},
    {29, F_GETPIPE_SZ},
    {30, F_OFD_GETLK},
    {31, F_OFD_SETLK},
    {32, F_OFD_SETLKW},
};

static const struct bitmap ptrace_vals[] = {
    {1, PTRACE_TRACEME},
    {2, PTRACE_PEEKTEXT},
    {3, PTRACE_PEEKDATA},
    {4, PTRACE_PEEKUSER},
    {5, PTRACE_POKETEXT},
    {6, PTRACE_POKEDATA},
    {7, PTRACE_POKEUSER},
    {8, PTRACE_CONT},
    {9, PTRACE_KILL},
    {10, PTRACE_SINGLESTEP},
    {11, PTRACE_ATTACH},
    {12, PTRACE_DETACH},
    {13, PTRACE_SYSCALL},
    {14, PTRACE_SETOPTIONS},
    {15, PTRACE_GETEVENTMSG},
    {16, PTRACE_GETSIGINFO},
    {17, PTRACE_SETSIGINFO},
    {18, PTRACE_GETREGSET},
    {19, PTRACE_SETREGSET},
    {20, PTRACE_SEIZE},
    {21, PTRACE_INTERRUPT},
    {22, PTRACE_LISTEN},
    {23, PTRACE_PEEKSIGINFO},
    {24, PTRACE_GETSIGMASK},
    {25, PTRACE_SETSIGMASK},
    {26, PTRACE_GETREGS},
    {27, PTRACE_SETREGS},
    {28, PTRACE_GETFPREGS},
    {29, PTRACE_SETFPREGS},
    {32, 21 /* OLDSETOPTIONS */},
    {33, PTRACE_GET_THREAD_AREA},
    {34, PTRACE_SET_THREAD_AREA},
    {35, PTRACE_ARCH_PRCTL},
    {36, PTRACE_SYSEMU},
    {37, PTRACE_SYSEMU_SINGLESTEP},
    {38, PTRACE_SINGLEBLOCK},
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static uint64_t bits(const struct bitmap *m, size_t n, uint64_t v, int to_native)
{
	uint64_t out = 0;

	for (size_t i = 0; i < n; i++)
		if (v & (to_native ? m[i].ppm : m[i].native))
			out |= to_native ? m[i].native : m[i].ppm;
	return out;
}

static uint64_t value(const struct bitmap *m, size_t n, uint64_t v, int to_native)
{
	for (size_t i = 0; i < n; i++)
		if (v == (to_native ? m[i].ppm : m[i].native))
			return to_native ? m[i].native : m[i].ppm;
	return to_native ? v : 0;
}

/* scap marks read and write access with one bit each; native O_RDONLY is 0. */
static uint64_t open_from_ppm(uint64_t v)
{
	uint64_t out = bits(open_bits, N(open_bits), v, 1);

	switch (v & 3) {
	case 2:
		out |= O_WRONLY;
		break;
	case 3:
		out |= O_RDWR;
		break;
	default:
		break;
	}
	/* O_TMPFILE includes O_DIRECTORY natively; keep what scap said. */
	if (!(v & (1 << 10)) && (v & (1 << 13)))
		out |= O_DIRECTORY;
	return out;
}

static uint64_t open_to_ppm(uint64_t v)
{
	uint64_t out = bits(open_bits, N(open_bits), v, 0);

	switch (v & O_ACCMODE) {
	case O_WRONLY:
		out |= 2;
		break;
	case O_RDWR:
		out |= 3;
		break;
	default:
		out |= 1;
		break;
	}
	if ((v & O_TMPFILE) == O_TMPFILE)
		out &= ~(uint64_t)(1 << 10);
	else
		out &= ~(uint64_t)(1 << 13);
	if ((v & O_SYNC) != O_SYNC)
		out &= ~(uint64_t)(1 << 7);
	return out;
}

static uint64_t convert(unsigned conv, uint64_t v, int to_native)
{
	switch (conv) {
	case SV_OFLAGS:
		return to_native ? open_from_ppm(v) : open_to_ppm(v);
	case SV_CLONE:
		return bits(clone_bits, N(clone_bits), v, to_native);
	case SV_MMAP:
		return bits(mmap_bits, N(mmap_bits), v, to_native);
	case SV_EXEFL:
		return bits(exe_bits, N(exe_bits), v, to_native);
	case SV_FCNTL:
		return value(fcntl_vals, N(fcntl_vals), v, to_native);
	case SV_PTRACE:
		return value(ptrace_vals, N(ptrace_vals), v, to_native);
	default:
		return v;
	}
}

uint64_t scap_conv_from_ppm(unsigned conv, uint64_t v)
{
	return convert(conv, v, 1);
}

uint64_t scap_conv_to_ppm(unsigned conv, uint64_t v)
{
	return convert(conv, v, 0);
}

unsigned scap_fdtype_to_ours(unsigned t)
{
	switch (t) {
	case SCAP_FD_FILE:
	case SCAP_FD_FILE_V2:
		return FDT_FILE;
	case SCAP_FD_DIRECTORY:
		return FDT_DIRECTORY;
	case SCAP_FD_IPV4_SOCK:
	case SCAP_FD_IPV4_SERVSOCK:
		return FDT_IPV4;
	case SCAP_FD_IPV6_SOCK:
	case SCAP_FD_IPV6_SERVSOCK:
		return FDT_IPV6;
	case SCAP_FD_FIFO:
		return FDT_PIPE;
	case SCAP_FD_UNIX_SOCK:
		return FDT_UNIX;
	case SCAP_FD_EVENT:
		return FDT_EVENT;
	case SCAP_FD_SIGNALFD:
		return FDT_SIGNALFD;
	case SCAP_FD_EVENTPOLL:
		return FDT_EVENTPOLL;
	case SCAP_FD_INOTIFY:
		return FDT_INOTIFY;
	case SCAP_FD_TIMERFD:
		return FDT_TIMERFD;
	case SCAP_FD_NETLINK:
		return FDT_NETLINK;
	case SCAP_FD_BPF:
		return FDT_BPF;
	case SCAP_FD_USERFAULTFD:
		return FDT_USERFAULTFD;
	case SCAP_FD_IOURING:
		return FDT_IOURING;
	case SCAP_FD_MEMFD:
		return FDT_MEMFD;
	case SCAP_FD_UNSUPPORTED:
	case SCAP_FD_PIDFD:
		return FDT_OTHER;
	default:
		return FDT_UNKNOWN;
	}
}

unsigned scap_fdtype_from_ours(unsigned t, unsigned server)
{
	switch (t) {
	case FDT_FILE:
		return SCAP_FD_FILE_V2;
	case FDT_DIRECTORY:
		return SCAP_FD_DIRECTORY;
	case FDT_IPV4:
		return server ? SCAP_FD_IPV4_SERVSOCK : SCAP_FD_IPV4_SOCK;
	case FDT_IPV6:
		return server ? SCAP_FD_IPV6_SERVSOCK : SCAP_FD_IPV6_SOCK;
	case FDT_UNIX:
		return SCAP_FD_UNIX_SOCK;
	case FDT_PIPE:
		return SCAP_FD_FIFO;
	case FDT_EVENT:
		return SCAP_FD_EVENT;
	case FDT_SIGNALFD:
		return SCAP_FD_SIGNALFD;
	case FDT_EVENTPOLL:
		return SCAP_FD_EVENTPOLL;
	case FDT_INOTIFY:
		return SCAP_FD_INOTIFY;
	case FDT_TIMERFD:
		return SCAP_FD_TIMERFD;
	case FDT_NETLINK:
		return SCAP_FD_NETLINK;
	case FDT_BPF:
		return SCAP_FD_BPF;
	case FDT_USERFAULTFD:
		return SCAP_FD_USERFAULTFD;
	case FDT_IOURING:
		return SCAP_FD_IOURING;
	case FDT_MEMFD:
		return SCAP_FD_MEMFD;
	default:
		return SCAP_FD_UNSUPPORTED;
	}
}
