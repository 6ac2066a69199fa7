/* fmt_tail.c: a capture's header and chunks read raw (see fmt_tail.h). */
#include "fmt_tail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/sr_err.h"
#include "../common/sr_hash.h"
#include "fmt_chunk.h"
#include "fmt_host.h"
#include "fmt_layout.h"

int fmt_tail_read(int fd, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SR_EIO;
		if (n == 0)
			return SR_ECORRUPT;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int fmt_tail_header(int fd, uint8_t **hdr, uint32_t *len, uint32_t *crc, struct fmt_host_info *hi)
{
	struct fmt_file_hdr h;
	struct sr_err e;
	uint8_t *b;

	*hdr = NULL;
	if (fmt_tail_read(fd, 0, &h, sizeof(h)) || memcmp(h.magic, FMT_MAGIC, 8) != 0 ||
	    h.hdr_len < sizeof(h) + 4 || h.hdr_len > FMT_HEADER_MAX)
		return -1;
	b = malloc(h.hdr_len);
	if (!b || fmt_tail_read(fd, 0, b, h.hdr_len)) {
		free(b);
		return -1;
	}
	/* the header ends with the crc32c of the bytes before it */
	memcpy(crc, b + h.hdr_len - 4, 4);
	if (sr_crc32c(0, b, h.hdr_len - 4) != *crc || fmt_header_parse_meta(b, h.hdr_len, hi, &e)) {
		free(b);
		return -1;
	}
	*hdr = b;
	*len = h.hdr_len;
	return 0;
}

int fmt_tail_chunk(int fd, uint64_t off, struct fmt_tail_chunk *c)
{
	struct fmt_chunk_hdr h;
	struct stat sb;
	uint32_t magic;

	if (fstat(fd, &sb) || (uint64_t)sb.st_size < off + 4)
		return FMT_TAIL_NONE;
	if (fmt_tail_read(fd, off, &magic, 4))
		return FMT_TAIL_NONE;
	if (magic == FMT_INDEX_MAGIC)
		return FMT_TAIL_INDEX;
	if ((uint64_t)sb.st_size < off + sizeof(h) || fmt_tail_read(fd, off, &h, sizeof(h)))
		return FMT_TAIL_NONE;
	/* a header being written, or damage: not a chunk to hand on */
	if (h.magic != FMT_CHUNK_MAGIC ||
	    sr_crc32c(0, &h, offsetof(struct fmt_chunk_hdr, hdr_crc)) != h.hdr_crc ||
	    h.hdr_len < sizeof(h) || h.hdr_len > 4096 || h.comp_size > FMT_CHUNK_COMP_MAX)
		return FMT_TAIL_NONE;
	c->size = (uint64_t)h.hdr_len + h.comp_size;
	c->count = h.count;
	c->first_ts = h.first_ts;
	c->last_ts = h.last_ts;
	return (uint64_t)sb.st_size >= off + c->size ? FMT_TAIL_CHUNK : FMT_TAIL_NONE;
}

uint64_t fmt_tail_cut_records(int fd, uint64_t off)
{
	struct fmt_chunk_hdr h;

	if (fmt_tail_read(fd, off, &h, sizeof(h)) || h.magic != FMT_CHUNK_MAGIC)
		return 0;
	return h.count;
}
