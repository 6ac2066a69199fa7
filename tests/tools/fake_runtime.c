/* fake_runtime: a unix socket that misbehaves like a broken container runtime.
 *
 *   fake_runtime hang PATH     accepts connections and never answers
 *   fake_runtime garbage PATH  answers every request with bytes that are not HTTP
 *   fake_runtime badjson PATH  answers 200 with a body that is not JSON
 *
 * Runs until killed; removes nothing (the caller owns PATH). Used by
 * tests/e2e/record_containers.sh to check that sysrec keeps recording. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char garbage[] = "\x01\x02 this is not http \xff\r\n\r\n";
	static const char badjson[] = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"Id\":[1";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ls, held[256], nheld = 0;

	if (argc != 3 || strlen(argv[2]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: fake_runtime hang|garbage|badjson PATH\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	strcpy(sa.sun_path, argv[2]);
	unlink(argv[2]);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 64)) {
		perror("fake_runtime");
		return 1;
	}
	for (;;) {
		char buf[4096];
		int fd = accept(ls, NULL, NULL);

		if (fd < 0)
			continue;
		if (!strcmp(argv[1], "hang")) {
			/* keep it open, unanswered, so the client waits for its deadline */
			if (nheld < 256)
				held[nheld++] = fd;
			else
				close(fd);
			if (nheld == 256)
				while (nheld)
					close(held[--nheld]);
			continue;
		}
		if (read(fd, buf, sizeof(buf)) > 0) {
			const char *a = strcmp(argv[1], "garbage") ? badjson : garbage;

			(void)!write(fd, a, strlen(a));
		}
		close(fd);
	}
}
