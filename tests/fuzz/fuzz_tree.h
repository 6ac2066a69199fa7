/* fuzz_tree.h: a fake /proc tree for the fuzz harnesses of the recorder's
 * /proc parsers (fuzz_procnet.c, fuzz_procfs.c): the folder it lives in,
 * writing one file of it, and removing it at exit. Header only: each
 * harness is one .c file in the Makefile. */
#ifndef FUZZ_TREE_H
#define FUZZ_TREE_H

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256]; /* the tree's folder; "" until made */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const uint8_t *p = data;

	if (fd < 0)
		abort(); /* the harness itself is broken: say so loudly */
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w <= 0)
			abort();
		p += w;
		len -= (size_t)w;
	}
	close(fd);
}

#endif
