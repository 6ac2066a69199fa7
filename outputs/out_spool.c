/* out_spool.c: one output's on-disk spool.
 *
 * DIR/NNNNNNNNNNNNNNNN.seg are append-only segments of frames (u32 length,
 * u32 CRC32 of the payload, payload); DIR/cursor holds the segment and
 * offset of the first undelivered frame, with a CRC. Each frame is one
 * write(2), each cursor move one pwrite(2): a killed process loses nothing
 * that reached them. fsync policy: the segment being written is
 * fdatasync'd by the spool thread at most once a second when it changed, so
 * a machine crash loses at most the last second; the cursor is never
 * synced, so after a machine crash some alerts may be delivered again
 * (at least once; targets that dedupe by uuid see them once).
 * At open a torn last frame (a crash inside a write) is cut off, and
 * writing starts in a new segment. Fully delivered segments are deleted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../common/sr_le.h"
#include "out_int.h"

#define SEG_MAX (4u << 20)

struct out_spool {
	char dir[4096];
	uint64_t max_bytes, bytes; /* cap; size of the segments present */
	uint64_t seg_max;	   /* a segment is closed beyond this size */
	uint64_t first, last;	   /* segment numbers present (first > last: none) */
	uint64_t rseg, roff;	   /* cursor */
	int rfd;		   /* rseg open for reading, or -1 */
	int cfd;		   /* the cursor file, or -1 until first saved */
	uint64_t wseg, woff;
	int wfd, dirty;
	size_t peeked; /* bytes of the records peeked from the cursor on, 0 = none */
};

int out_spool_frame_parse(const uint8_t *buf, size_t len, const uint8_t **payload, size_t *plen)
{
	uint32_t n;

	if (len < OUT_FRAME_HDR)
		return 0;
	n = sr_rd32(buf);
	if (!n || n > OUT_REC_MAX)
		return SR_ECORRUPT; /* a length no writer produces */
	if (len - OUT_FRAME_HDR < n)
		return 0;
	if ((uint32_t)crc32(0, buf + OUT_FRAME_HDR, n) != sr_rd32(buf + 4))
		return SR_ECORRUPT;
	*payload = buf + OUT_FRAME_HDR;
	*plen = n;
	return 1;
}

static void seg_path(const struct out_spool *sp, uint64_t n, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%016" PRIu64 ".seg", sp->dir, n);
}

static void cursor_save(struct out_spool *sp)
{
	uint8_t b[20];
	uint32_t c;

	for (int i = 0; i < 8; i++) {
		b[i] = (uint8_t)(sp->rseg >> (8 * i));
		b[8 + i] = (uint8_t)(sp->roff >> (8 * i));
	}
	c = (uint32_t)crc32(0, b, 16);
	for (int i = 0; i < 4; i++)
		b[16 + i] = (uint8_t)(c >> (8 * i));
	/* kept open: a commit per delivered alert is one pwrite */
	if (sp->cfd < 0) {
		char path[4200];

		snprintf(path, sizeof(path), "%s/cursor", sp->dir);
		sp->cfd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (sp->cfd < 0)
			return;
	}
	if (pwrite(sp->cfd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
		fprintf(stderr, "%s: spool %s: cannot save the cursor\n",
			program_invocation_short_name, sp->dir);
}

static void cursor_load(struct out_spool *sp)
{
	char path[4200];
	uint8_t b[20];
	int fd;

	snprintf(path, sizeof(path), "%s/cursor", sp->dir);
	sp->rseg = sp->first;
	sp->roff = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) &&
	    (uint32_t)crc32(0, b, 16) == sr_rd32(b + 16)) {
		uint64_t s = sr_rd64(b), o = sr_rd64(b + 8);

		if (s >= sp->first && s <= sp->last) {
			sp->rseg = s;
			sp->roff = o;
		}
	}
	close(fd);
}

/* Counts the frames of segment n at offsets from `from` on, adds the
 * segment's valid size to sp->bytes; cuts a torn tail. */
static uint64_t seg_scan(struct out_spool *sp, uint64_t n, uint64_t from)
{
	char path[4200];
	uint8_t hdr[OUT_FRAME_HDR];
	uint64_t count = 0, off = 0;
	struct stat st;
	int fd;

	seg_path(sp, n, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0) {
		uint64_t size = (uint64_t)st.st_size;

		while (off + OUT_FRAME_HDR <= size &&
		       pread(fd, hdr, sizeof(hdr), (off_t)off) == (ssize_t)sizeof(hdr)) {
			uint32_t len = sr_rd32(hdr);

			if (!len || len > OUT_REC_MAX || off + OUT_FRAME_HDR + len > size)
				break;
			if (off >= from)
				count++;
			off += OUT_FRAME_HDR + len;
		}
		if (off < size && ftruncate(fd, (off_t)off) == 0)
			fprintf(stderr, "%s: spool: cut a torn record at the end of %s\n",
				program_invocation_short_name, path);
		sp->bytes += off;
	}
	close(fd);
	return count;
}

int out_spool_open(struct out_spool **out, const char *dir, uint64_t max_bytes, uint64_t *pending,
		   struct sr_err *err)
{
	struct out_spool *sp = calloc(1, sizeof(*sp));
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*pending = 0;
	if (!sp)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	snprintf(sp->dir, sizeof(sp->dir), "%s", dir);
	sp->max_bytes = max_bytes;
	/* several segments fit under the cap, so delivered ones can be deleted */
	sp->seg_max = max_bytes / 4 < SEG_MAX ? max_bytes / 4 : SEG_MAX;
	if (sp->seg_max < 4096)
		sp->seg_max = 4096;
	sp->rfd = sp->wfd = sp->cfd = -1;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		free(sp);
		return sr_err_set(err, SR_EIO, "spool directory %s: %s", dir, strerror(errno));
	}
	d = opendir(dir);
	if (!d) {
		free(sp);
		return sr_err_set(err, SR_EIO, "spool directory %s: %s", dir, strerror(errno));
	}
	sp->first = UINT64_MAX;
	while ((de = readdir(d))) {
		char *end;
		unsigned long long n = strtoull(de->d_name, &end, 10);

		if (strlen(de->d_name) != 20 || strcmp(end, ".seg"))
			continue;
		if (n < sp->first)
			sp->first = n;
		if (n > sp->last)
			sp->last = n;
	}
	closedir(d);
	if (sp->first == UINT64_MAX) {
		sp->first = 1;
		sp->last = 0;
	}
	cursor_load(sp);
	for (uint64_t n = sp->first; n <= sp->last; n++) {
		uint64_t c = seg_scan(sp, n, n == sp->rseg ? sp->roff : 0);

		if (n >= sp->rseg)
			*pending += c;
	}
	/* a new segment for this run: never append after what a crash left */
	sp->wseg = sp->last + 1;
	*out = sp;
	return 0;
}

static int seg_open_write(struct out_spool *sp)
{
	char path[4200];

	seg_path(sp, sp->wseg, path, sizeof(path));
	sp->wfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (sp->wfd < 0)
		return SR_EIO;
	sp->woff = 0;
	if (sp->wseg > sp->last)
		sp->last = sp->wseg;
	return 0;
}

int out_spool_append(struct out_spool *sp, const uint8_t *payload, size_t len)
{
	uint8_t *f;
	uint32_t c;
	ssize_t w;

	if (sp->bytes + OUT_FRAME_HDR + len > sp->max_bytes)
		return SR_ELIMIT;
	if (sp->wfd >= 0 && sp->woff + OUT_FRAME_HDR + len > sp->seg_max) {
		if (sp->dirty)
			fdatasync(sp->wfd);
		close(sp->wfd);
		sp->wfd = -1;
		sp->dirty = 0;
		sp->wseg++;
	}
	if (sp->wfd < 0 && seg_open_write(sp))
		return SR_EIO;
	f = malloc(OUT_FRAME_HDR + len);
	if (!f)
		return SR_ENOMEM;
	c = (uint32_t)crc32(0, payload, (uInt)len);
	for (int i = 0; i < 4; i++) {
		f[i] = (uint8_t)(len >> (8 * i));
		f[4 + i] = (uint8_t)(c >> (8 * i));
	}
	memcpy(f + OUT_FRAME_HDR, payload, len);
	w = write(sp->wfd, f, OUT_FRAME_HDR + len);
	free(f);
	if (w != (ssize_t)(OUT_FRAME_HDR + len)) {
		/* a short write would leave a torn frame: cut it, then fail */
		if (w > 0 && ftruncate(sp->wfd, (off_t)sp->woff))
			fprintf(stderr, "%s: spool %s: cannot cut a short write\n",
				program_invocation_short_name, sp->dir);
		return SR_EIO;
	}
	sp->woff += OUT_FRAME_HDR + len;
	sp->bytes += OUT_FRAME_HDR + len;
	sp->dirty = 1;
	return 0;
}

void out_spool_sync(struct out_spool *sp)
{
	if (sp->wfd >= 0 && sp->dirty) {
		fdatasync(sp->wfd);
		sp->dirty = 0;
	}
}

/* The cursor's segment is used up: delete it (never the one being written),
 * go on with the next. Returns 0 when there is no next. */
static int seg_advance(struct out_spool *sp)
{
	char path[4200];
	struct stat st;

	if (sp->rseg >= sp->wseg && sp->wfd >= 0)
		return 0;
	if (sp->rseg >= sp->last)
		return 0;
	if (sp->rfd >= 0)
		close(sp->rfd);
	sp->rfd = -1;
	seg_path(sp, sp->rseg, path, sizeof(path));
	if (stat(path, &st) == 0) {
		sp->bytes -= (uint64_t)st.st_size < sp->bytes ? (uint64_t)st.st_size : sp->bytes;
		unlink(path);
	}
	sp->rseg++;
	sp->roff = 0;
	sp->first = sp->rseg;
	cursor_save(sp);
	return 1;
}

int out_spool_peek(struct out_spool *sp, uint8_t **payload, size_t *len, uint64_t *corrupt)
{
	for (;;) {
		uint8_t hdr[OUT_FRAME_HDR], *buf;
		const uint8_t *pl;
		size_t pn;
		uint32_t n;
		ssize_t got;
		int rc;

		if (sp->rfd < 0) {
			char path[4200];

			seg_path(sp, sp->rseg, path, sizeof(path));
			sp->rfd = open(path, O_RDONLY | O_CLOEXEC);
			if (sp->rfd < 0) {
				if (seg_advance(sp))
					continue;
				return 0;
			}
		}
		got = pread(sp->rfd, hdr, sizeof(hdr), (off_t)sp->roff);
		if (got < (ssize_t)sizeof(hdr)) {
			if (seg_advance(sp))
				continue;
			return 0;
		}
		n = sr_rd32(hdr);
		if (!n || n > OUT_REC_MAX) {
			/* a length no writer produces: the rest of the segment is lost */
			(*corrupt)++;
			if (seg_advance(sp))
				continue;
			return 0;
		}
		buf = malloc(OUT_FRAME_HDR + n);
		if (!buf)
			return SR_ENOMEM;
		memcpy(buf, hdr, sizeof(hdr));
		got = pread(sp->rfd, buf + OUT_FRAME_HDR, n, (off_t)(sp->roff + OUT_FRAME_HDR));
		if (got < (ssize_t)n) {
			free(buf);
			if (seg_advance(sp))
				continue;
			return 0;
		}
		rc = out_spool_frame_parse(buf, OUT_FRAME_HDR + n, &pl, &pn);
		if (rc != 1) {
			free(buf);
			(*corrupt)++;
			sp->roff += OUT_FRAME_HDR + n; /* the length is sound: skip this one */
			cursor_save(sp);
			continue;
		}
		memmove(buf, buf + OUT_FRAME_HDR, n);
		*payload = buf;
		*len = n;
		sp->peeked = OUT_FRAME_HDR + n;
		return 1;
	}
}

int out_spool_peek_more(struct out_spool *sp, uint8_t **payload, size_t *len)
{
	uint64_t off = sp->roff + sp->peeked;
	uint8_t hdr[OUT_FRAME_HDR], *buf;
	const uint8_t *pl;
	size_t pn;
	uint32_t n;

	if (sp->rfd < 0 || !sp->peeked)
		return 0;
	if (pread(sp->rfd, hdr, sizeof(hdr), (off_t)off) != (ssize_t)sizeof(hdr))
		return 0;
	n = sr_rd32(hdr);
	if (!n || n > OUT_REC_MAX)
		return 0;
	buf = malloc(OUT_FRAME_HDR + n);
	if (!buf)
		return 0;
	memcpy(buf, hdr, sizeof(hdr));
	if (pread(sp->rfd, buf + OUT_FRAME_HDR, n, (off_t)(off + OUT_FRAME_HDR)) != (ssize_t)n ||
	    out_spool_frame_parse(buf, OUT_FRAME_HDR + n, &pl, &pn) != 1) {
		free(buf);
		return 0;
	}
	memmove(buf, buf + OUT_FRAME_HDR, n);
	*payload = buf;
	*len = n;
	sp->peeked += OUT_FRAME_HDR + n;
	return 1;
}

void out_spool_commit(struct out_spool *sp)
{
	sp->roff += sp->peeked;
	sp->peeked = 0;
	cursor_save(sp);
}

void out_spool_close(struct out_spool *sp)
{
	if (!sp)
		return;
	out_spool_sync(sp);
	if (sp->wfd >= 0)
		close(sp->wfd);
	if (sp->rfd >= 0)
		close(sp->rfd);
	if (sp->cfd >= 0)
		close(sp->cfd);
	free(sp);
}
