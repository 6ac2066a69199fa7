/* rpl_shell_page: a minimal "more" for listings on a terminal.
 * After each screenful: space shows the next page, enter one more line,
 * q (or Ctrl-C) stops the listing. Keys are read with canonical mode and echo
 * off but signals on, so Ctrl-C still reaches the shell's handler. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "rpl_shell.h"

void rpl_pager_begin(struct rpl_pager *p, int want)
{
	struct winsize ws;

	memset(p, 0, sizeof(*p));
	p->key_fd = -1;
	if (!want || !isatty(STDOUT_FILENO))
		return;
	p->rows = 24;
	p->cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2) {
		p->rows = ws.ws_row;
		p->cols = ws.ws_col ? ws.ws_col : 80;
	}
	p->key_fd = isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
	p->on = p->key_fd >= 0;
}

/* Returns the key, or -1 on interrupt/EOF. */
static int read_key(int fd)
{
	struct termios old, raw;
	unsigned char c;
	ssize_t n;

	if (tcgetattr(fd, &old))
		return -1;
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSANOW, &raw);
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR && !rpl_interrupted);
	tcsetattr(fd, TCSANOW, &old);
	return n == 1 ? c : -1;
}

int rpl_pager_line(struct rpl_pager *p, const char *line, size_t len)
{
	int need;

	if (p->quit || rpl_interrupted)
		return 1;
	if (!p->on) {
		fwrite(line, 1, len, stdout);
		fputc('\n', stdout);
		return 0;
	}
	need = 1 + (int)(len ? (len - 1) / (size_t)p->cols : 0);
	if (p->used + need > p->rows - 1) {
		int k;

		fputs("\033[7m--More--\033[0m", stdout);
		rpl_flush_stdout();
		k = read_key(p->key_fd);
		fputs("\r\033[K", stdout);
		if (k < 0 || k == 'q' || k == 'Q' || k == 3) {
			p->quit = 1;
			return 1;
		}
		/* enter: one more line; anything else: a new page */
		p->used = (k == '\n' || k == '\r') ? p->rows - 1 - need : 0;
		if (p->used < 0)
			p->used = 0;
	}
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	p->used += need;
	return 0;
}
