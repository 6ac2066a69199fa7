/* rec_storm: syscall workloads for the recorder benchmarks.
 *
 *   rec_storm read N          N read()s of 64 bytes from /dev/zero
 *   rec_storm open N          N openat()+close() of one file
 *   rec_storm forkexec N      N fork + execve(/bin/true) + wait
 *   rec_storm rate R SECS [T] about R syscalls per second (read of 64 B) for
 *                             SECS seconds, paced in 1 ms slices, on T threads
 *
 * Prints one line: "mode=... n=... wall_ns=... cpu_ns=... ns_per_call=...
 * cpu_ns_per_call=..."; cpu is user+system time of this process (and its
 * children for forkexec), the figure that stays honest on a busy machine.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000ull +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000ull;
}

static void storm_read(long n)
{
	char buf[64];
	int fd = open("/dev/zero", O_RDONLY);

	if (fd < 0) {
		perror("/dev/zero");
		exit(1);
	}
	for (long i = 0; i < n; i++)
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			exit(1);
	close(fd);
}

static void storm_open(long n)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/rec_storm.%d", getpid());
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		exit(1);
	close(fd);
	for (long i = 0; i < n; i++) {
		fd = openat(AT_FDCWD, path, O_RDONLY);
		if (fd < 0)
			exit(1);
		close(fd);
	}
	unlink(path);
}

static void storm_forkexec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		int st;

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (c < 0 || waitpid(c, &st, 0) != c)
			exit(1);
	}
}

struct rate_arg {
	double per_thread;
	double secs;
	long done;
};

static void *rate_thread(void *p)
{
	struct rate_arg *a = p;
	uint64_t start = mono_ns(), end = start + (uint64_t)(a->secs * 1e9);
	char buf[64];
	int fd = open("/dev/zero", O_RDONLY);

	/* each 1 ms slice owes per_thread/1000 calls since the start */
	for (;;) {
		uint64_t now = mono_ns();
		long owed = (long)((double)(now - start) * a->per_thread / 1e9);

		if (now >= end)
			break;
		while (a->done < owed) {
			if (read(fd, buf, sizeof(buf)) != sizeof(buf))
				break;
			a->done++;
		}
		if (mono_ns() - now < 1000000) {
			struct timespec ts = {0, 200000};

			nanosleep(&ts, NULL);
		}
	}
	close(fd);
	return NULL;
}

static long storm_rate(double rate, double secs, int threads)
{
	pthread_t th[64];
	struct rate_arg args[64];
	long total = 0;

	if (threads < 1 || threads > 64)
		threads = 1;
	for (int i = 0; i < threads; i++) {
		args[i] = (struct rate_arg){.per_thread = rate / threads, .secs = secs};
		pthread_create(&th[i], NULL, rate_thread, &args[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		total += args[i].done;
	}
	return total;
}

int main(int argc, char **argv)
{
	uint64_t w0, c0, w, c;
	long n;

	if (argc < 3) {
		fprintf(stderr, "usage: rec_storm read|open|forkexec N | rate R SECS [THREADS]\n");
		return 2;
	}
	n = atol(argv[2]);
	w0 = mono_ns();
	c0 = cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN);
	if (!strcmp(argv[1], "read"))
		storm_read(n);
	else if (!strcmp(argv[1], "open"))
		storm_open(n);
	else if (!strcmp(argv[1], "forkexec"))
		storm_forkexec(n);
	else if (!strcmp(argv[1], "rate") && argc >= 4)
		n = storm_rate(atof(argv[2]), atof(argv[3]), argc > 4 ? atoi(argv[4]) : 1);
	else
		return 2;
	w = mono_ns() - w0;
	c = cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN) - c0;
	printf("mode=%s n=%ld wall_ns=%llu cpu_ns=%llu ns_per_call=%.1f cpu_ns_per_call=%.1f\n",
	       argv[1], n, (unsigned long long)w, (unsigned long long)c,
	       n ? (double)w / (double)n : 0.0, n ? (double)c / (double)n : 0.0);
	return 0;
}
