/* scap_sysnr.c: native syscall names and numbers, and scap's own syscall codes.
 *
 * Native numbers come from the kernel headers of the build machine
 * (<asm/unistd.h>), so the table is right for the architecture we run on;
 * a name missing there is simply absent. scap's generic events carry both
 * its own code (PPM_SC_*, architecture independent) and, in files from
 * 2014 on, the native number; the code list below maps the former to names.
 */
#include "scap.h"
#include "scap_int.h"

#include <asm/unistd.h>
#include <pthread.h>
#include <string.h>

struct nr_name {
	const char *name;
	int nr;
};

#define S(n) { #n, __NR_##n },
static const struct nr_name natives[] = {
#ifdef __NR_read
	S(read) S(write) S(close) S(lseek) S(mmap) S(mprotect) S(munmap) S(brk)
	S(rt_sigaction) S(rt_sigprocmask) S(rt_sigreturn) S(ioctl) S(pread64) S(pwrite64)
	S(readv) S(writev) S(sched_yield) S(mremap) S(msync) S(mincore) S(madvise) S(shmget)
	S(shmat) S(shmctl) S(dup) S(nanosleep) S(getitimer) S(setitimer) S(getpid) S(sendfile)
	S(socket) S(connect) S(accept) S(sendto) S(recvfrom) S(sendmsg) S(recvmsg) S(shutdown)
	S(bind) S(listen) S(getsockname) S(getpeername) S(socketpair) S(setsockopt)
	S(getsockopt) S(clone) S(execve) S(exit) S(wait4) S(kill) S(uname) S(semget) S(semop)
	S(semctl) S(shmdt) S(msgget) S(msgsnd) S(msgrcv) S(msgctl) S(fcntl) S(flock) S(fsync)
	S(fdatasync) S(truncate) S(ftruncate) S(getcwd) S(chdir) S(fchdir) S(fchmod) S(fchown)
	S(umask) S(gettimeofday) S(getrlimit) S(getrusage) S(sysinfo) S(times) S(ptrace)
	S(getuid) S(syslog) S(getgid) S(setuid) S(setgid) S(geteuid) S(getegid) S(setpgid)
	S(getppid) S(setsid) S(setreuid) S(setregid) S(getgroups) S(setgroups) S(setresuid)
	S(getresuid) S(setresgid) S(getresgid) S(getpgid) S(setfsuid) S(setfsgid) S(getsid)
	S(capget) S(capset) S(rt_sigpending) S(rt_sigtimedwait) S(rt_sigqueueinfo)
	S(rt_sigsuspend) S(sigaltstack) S(personality) S(statfs) S(fstatfs) S(getpriority)
	S(setpriority) S(sched_setparam) S(sched_getparam) S(sched_setscheduler)
	S(sched_getscheduler) S(mlock) S(munlock) S(mlockall) S(munlockall) S(vhangup)
	S(pivot_root) S(prctl) S(adjtimex) S(setrlimit) S(chroot) S(sync) S(acct)
	S(settimeofday) S(mount) S(umount2) S(swapon) S(swapoff) S(reboot) S(sethostname)
	S(setdomainname) S(init_module) S(delete_module) S(quotactl) S(gettid) S(readahead)
	S(setxattr) S(lsetxattr) S(fsetxattr) S(getxattr) S(lgetxattr) S(fgetxattr)
	S(listxattr) S(llistxattr) S(flistxattr) S(removexattr) S(lremovexattr)
	S(fremovexattr) S(tkill) S(futex) S(sched_setaffinity) S(sched_getaffinity)
	S(io_setup) S(io_destroy) S(io_getevents) S(io_submit) S(io_cancel) S(getdents64)
	S(set_tid_address) S(restart_syscall) S(semtimedop) S(fadvise64) S(timer_create)
	S(timer_settime) S(timer_gettime) S(timer_getoverrun) S(timer_delete)
	S(clock_settime) S(clock_gettime) S(clock_getres) S(clock_nanosleep) S(exit_group)
	S(epoll_ctl) S(tgkill) S(mbind) S(set_mempolicy) S(get_mempolicy) S(mq_open)
	S(mq_unlink) S(mq_timedsend) S(mq_timedreceive) S(mq_notify) S(mq_getsetattr)
	S(kexec_load) S(waitid) S(add_key) S(request_key) S(keyctl) S(ioprio_set)
	S(ioprio_get) S(inotify_add_watch) S(inotify_rm_watch) S(openat) S(mkdirat)
	S(mknodat) S(fchownat) S(newfstatat) S(unlinkat) S(renameat) S(linkat) S(symlinkat)
	S(readlinkat) S(fchmodat) S(faccessat) S(pselect6) S(ppoll) S(unshare)
	S(set_robust_list) S(get_robust_list) S(splice) S(tee) S(sync_file_range) S(vmsplice)
	S(utimensat) S(epoll_pwait) S(timerfd_create) S(fallocate) S(timerfd_settime)
	S(timerfd_gettime) S(accept4) S(signalfd4) S(eventfd2) S(epoll_create1) S(dup3)
	S(pipe2) S(inotify_init1) S(preadv) S(pwritev) S(rt_tgsigqueueinfo)
	S(perf_event_open) S(recvmmsg) S(fanotify_init) S(fanotify_mark) S(prlimit64)
	S(name_to_handle_at) S(open_by_handle_at) S(clock_adjtime) S(syncfs) S(sendmmsg)
	S(setns) S(getcpu) S(process_vm_readv) S(process_vm_writev) S(kcmp)
	S(finit_module) S(sched_setattr) S(sched_getattr) S(renameat2) S(seccomp)
	S(getrandom) S(memfd_create) S(bpf) S(execveat) S(userfaultfd) S(membarrier)
	S(mlock2) S(copy_file_range) S(preadv2) S(pwritev2) S(pkey_mprotect)
	S(statx) S(io_uring_setup) S(io_uring_enter) S(io_uring_register) S(open_tree)
	S(move_mount) S(fsopen) S(fsconfig) S(fsmount) S(fspick) S(pidfd_open) S(clone3)
	S(openat2) S(pidfd_getfd) S(pidfd_send_signal)
#endif
	/* Older calls that newer architectures (arm64) lack. */
#ifdef __NR_open
	S(open) S(stat) S(fstat) S(lstat) S(poll) S(access) S(pipe) S(select) S(dup2)
	S(pause) S(alarm) S(fork) S(vfork) S(getdents) S(rename) S(mkdir) S(rmdir) S(creat)
	S(link) S(unlink) S(symlink) S(readlink) S(chmod) S(chown) S(lchown) S(getpgrp)
	S(utime) S(mknod) S(uselib) S(ustat) S(sysfs) S(time) S(futimesat) S(epoll_create)
	S(epoll_wait) S(inotify_init) S(signalfd) S(eventfd) S(utimes) S(arch_prctl)
#endif
#ifdef __NR_fstat
	S(fstat)
#endif
};
#undef S

/* scap's PPM_SC_* codes, in order from 0 (public scap ABI, driver/ppm_events_public.h). */
static const char sc_names[] =
	"unknown restart_syscall exit read write open close creat link unlink chdir time mknod "
	"chmod stat lseek getpid mount ptrace alarm fstat pause utime access sync kill rename "
	"mkdir rmdir dup pipe times brk acct ioctl fcntl setpgid umask chroot ustat dup2 "
	"getppid getpgrp setsid sethostname setrlimit getrusage gettimeofday settimeofday "
	"symlink lstat readlink uselib swapon reboot mmap munmap truncate ftruncate fchmod "
	"getpriority setpriority statfs fstatfs syslog setitimer getitimer uname vhangup wait4 "
	"swapoff sysinfo fsync setdomainname adjtimex mprotect init_module delete_module "
	"quotactl getpgid fchdir sysfs personality getdents select flock msync readv writev "
	"getsid fdatasync mlock munlock mlockall munlockall sched_setparam sched_getparam "
	"sched_setscheduler sched_getscheduler sched_yield sched_get_priority_max "
	"sched_get_priority_min sched_rr_get_interval nanosleep mremap poll prctl "
	"rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait rt_sigqueueinfo "
	"rt_sigsuspend getcwd capget capset sendfile getrlimit lchown getuid getgid geteuid "
	"getegid setreuid setregid getgroups setgroups fchown setresuid getresuid setresgid "
	"getresgid chown setuid setgid setfsuid setfsgid pivot_root mincore madvise gettid "
	"setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr "
	"flistxattr removexattr lremovexattr fremovexattr tkill futex sched_setaffinity "
	"sched_getaffinity set_thread_area get_thread_area io_setup io_destroy io_getevents "
	"io_submit io_cancel exit_group epoll_create epoll_ctl epoll_wait remap_file_pages "
	"set_tid_address timer_create timer_settime timer_gettime timer_getoverrun "
	"timer_delete clock_settime clock_gettime clock_getres clock_nanosleep tgkill utimes "
	"mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify mq_getsetattr kexec_load "
	"waitid add_key request_key keyctl ioprio_set ioprio_get inotify_init "
	"inotify_add_watch inotify_rm_watch openat mkdirat mknodat fchownat futimesat "
	"unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll "
	"unshare set_robust_list get_robust_list splice tee vmsplice getcpu epoll_pwait "
	"utimensat signalfd timerfd_create eventfd timerfd_settime timerfd_gettime signalfd4 "
	"eventfd2 epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev rt_tgsigqueueinfo "
	"perf_event_open fanotify_init prlimit64 clock_adjtime syncfs setns getdents64 socket "
	"bind connect listen accept getsockname getpeername socketpair sendto recvfrom "
	"shutdown setsockopt getsockopt sendmsg sendmmsg recvmsg recvmmsg accept4 semop "
	"semget semctl msgsnd msgrcv msgget msgctl shmdt shmget shmctl statfs64 fstatfs64 "
	"fstatat64 sendfile64 ugetrlimit bdflush sigprocmask ipc socketcall stat64 lstat64 "
	"fstat64 fcntl64 mmap2 _newselect sgetmask ssetmask sigpending olduname umount "
	"signal nice stime _llseek waitpid pread64 pwrite64 arch_prctl shmat sigreturn "
	"fallocate newfstatat process_vm_readv process_vm_writev fork vfork setuid32 getuid32 "
	"setgid32 geteuid32 getgid32 setresuid32 setresgid32 getresuid32 getresgid32 "
	"finit_module bpf seccomp sigaltstack getrandom fadvise64 renameat2 userfaultfd "
	"openat2 umount2 execve execveat copy_file_range clone clone3 open_by_handle_at "
	"io_uring_setup io_uring_enter io_uring_register";

#define SC_MAX 400
static int16_t sc_to_nr[SC_MAX];
static int16_t nr_to_sc[1024];
static unsigned sc_count;
static pthread_once_t sc_once = PTHREAD_ONCE_INIT;

int scap_sysnr_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (strcmp(natives[i].name, name) == 0)
			return natives[i].nr;
	return -1;
}

const char *scap_sysnr_name(int nr)
{
	for (size_t i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (natives[i].nr == nr)
			return natives[i].name;
	return NULL;
}

/* By number, for per-event lookups (evt.type of generic records). */
#define NR_TAB 1024
static const char *nr_tab[NR_TAB];
static pthread_once_t nr_once = PTHREAD_ONCE_INIT;

static void nr_init(void)
{
	for (size_t i = sizeof(natives) / sizeof(natives[0]); i-- > 0;)
		if (natives[i].nr >= 0 && natives[i].nr < NR_TAB)
			nr_tab[natives[i].nr] = natives[i].name; /* first listed name wins */
}

const char *scap_syscall_name(uint64_t nr)
{
	pthread_once(&nr_once, nr_init);
	return nr < NR_TAB ? nr_tab[nr] : NULL;
}

int scap_syscall_nr(const char *name)
{
	return name ? scap_sysnr_by_name(name) : -1;
}

static void sc_init(void)
{
	const char *p = sc_names;
	char name[64];

	for (size_t i = 0; i < sizeof(nr_to_sc) / sizeof(nr_to_sc[0]); i++)
		nr_to_sc[i] = -1;
	while (*p && sc_count < SC_MAX) {
		size_t len = strcspn(p, " ");
		int nr = -1;

		if (len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = 0;
			nr = scap_sysnr_by_name(name);
		}
		sc_to_nr[sc_count] = (int16_t)nr;
		if (nr >= 0 && nr < 1024 && nr_to_sc[nr] < 0)
			nr_to_sc[nr] = (int16_t)sc_count;
		sc_count++;
		p += len;
		while (*p == ' ')
			p++;
	}
}

int scap_sc_to_nr(unsigned sc)
{
	pthread_once(&sc_once, sc_init);
	return sc < sc_count ? sc_to_nr[sc] : -1;
}

int scap_nr_to_sc(int nr)
{
	pthread_once(&sc_once, sc_init);
	return nr >= 0 && nr < 1024 ? nr_to_sc[nr] : -1;
}
