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

/* What the public struct tells of a chunk header. */
static void chunk_fill(struct fmt_tail_chunk *c, const struct fmt_chunk_hdr *h)
{
	c->size = (uint64_t)h->hdr_len + h->comp_size;
	c->seq = h->seq;
	c->count = h->count;
	c->snapshot = (h->flags & FMT_CHF_SNAPSHOT) != 0;
	c->first_ts = h->first_ts;
	c->last_ts = h->last_ts;
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
	chunk_fill(c, &h);
	return (uint64_t)sb.st_size >= off + c->size ? FMT_TAIL_CHUNK : FMT_TAIL_NONE;
}

uint64_t fmt_tail_cut_records(int fd, uint64_t off)
{
	struct fmt_chunk_hdr h;

	if (fmt_tail_read(fd, off, &h, sizeof(h)) || h.magic != FMT_CHUNK_MAGIC)
		return 0;
	return h.count;
}

_Static_assert(FMT_TAIL_MAX_CHUNKS == FMT_INDEX_MAX_CHUNKS, "chunk limit");
_Static_assert(FMT_TAIL_HOLE_SIZE == sizeof(struct fmt_chunk_hdr), "hole size");

int fmt_tail_chunk_parse(const void *p, size_t len, uint64_t total, struct fmt_tail_chunk *c)
{
	struct fmt_chunk_hdr h;

	if (len < sizeof(h))
		return SR_EFORMAT;
	memcpy(&h, p, sizeof(h));
	if (h.magic != FMT_CHUNK_MAGIC || h.hdr_len < sizeof(h) ||
	    h.comp_size > FMT_CHUNK_COMP_MAX || h.raw_size > FMT_CHUNK_RAW_MAX ||
	    (h.count && h.first_ts > h.last_ts))
		return SR_EFORMAT;
	if (total && (uint64_t)h.hdr_len + h.comp_size != total)
		return SR_EFORMAT;
	chunk_fill(c, &h);
	return 0;
}

struct fmt_tail_index {
	struct fmt_index_entry *ents;
	uint64_t count, cap;
	uint64_t snap; /* newest snapshot chunk added, FMT_NO_SNAPSHOT */
	struct fmt_trailer t;
};

struct fmt_tail_index *fmt_tail_index_new(void)
{
	struct fmt_tail_index *x = calloc(1, sizeof(*x));

	if (x)
		x->snap = FMT_NO_SNAPSHOT;
	return x;
}

void fmt_tail_index_free(struct fmt_tail_index *x)
{
	if (!x)
		return;
	free(x->ents);
	free(x);
}

/* The next entry, room made for it. */
static struct fmt_index_entry *index_next(struct fmt_tail_index *x, int *rc)
{
	if (x->count >= FMT_INDEX_MAX_CHUNKS) {
		*rc = SR_ELIMIT;
		return NULL;
	}
	if (x->count == x->cap) {
		uint64_t nc = x->cap ? x->cap * 2 : 64;
		struct fmt_index_entry *nv = realloc(x->ents, nc * sizeof(*nv));

		if (!nv) {
			*rc = SR_ENOMEM;
			return NULL;
		}
		x->ents = nv;
		x->cap = nc;
	}
	*rc = 0;
	return &x->ents[x->count++];
}

int fmt_tail_index_hole(struct fmt_tail_index *x, uint64_t off)
{
	int rc;
	struct fmt_index_entry *e = index_next(x, &rc);

	if (!e)
		return rc;
	memset(e, 0, sizeof(*e));
	e->offset = off;
	e->snapshot = FMT_NO_SNAPSHOT;
	return 0;
}

int fmt_tail_index_add(struct fmt_tail_index *x, const void *hdr, size_t len, uint64_t off)
{
	struct fmt_tail_chunk c;
	struct fmt_chunk_hdr h;
	struct fmt_index_entry *e;
	int rc;

	if (fmt_tail_chunk_parse(hdr, len, 0, &c))
		return SR_EFORMAT;
	e = index_next(x, &rc);
	if (!e)
		return rc;
	memcpy(&h, hdr, sizeof(h));
	if (h.flags & FMT_CHF_SNAPSHOT)
		x->snap = h.seq;
	fmt_index_entry_fill(e, &h, off, x->snap);
	x->t.events += h.count;
	x->t.drops_ring += h.drops_ring;
	x->t.drops_backlog += h.drops_backlog;
	x->t.last_hash = h.hash;
	return 0;
}

uint64_t fmt_tail_index_count(const struct fmt_tail_index *x)
{
	return x->count;
}

int fmt_tail_index_write(const struct fmt_tail_index *x, int fd, uint64_t off)
{
	struct fmt_index_hdr ih = {FMT_INDEX_MAGIC, sizeof(struct fmt_index_entry), x->count};
	struct fmt_trailer t = x->t;
	uint64_t n = x->count * sizeof(struct fmt_index_entry);
	uint32_t crc;

	crc = sr_crc32c(0, &ih, sizeof(ih));
	crc = sr_crc32c(crc, x->ents, n);
	t.index_offset = off;
	t.index_size = sizeof(ih) + n + 4;
	t.chunks = x->count;
	t.magic = FMT_TRAILER_MAGIC;
	t.crc = sr_crc32c(0, &t, offsetof(struct fmt_trailer, crc));
	if (pwrite(fd, &ih, sizeof(ih), (off_t)off) != sizeof(ih) ||
	    (n && pwrite(fd, x->ents, n, (off_t)(off + sizeof(ih))) != (ssize_t)n) ||
	    pwrite(fd, &crc, 4, (off_t)(off + sizeof(ih) + n)) != 4 ||
	    pwrite(fd, &t, sizeof(t), (off_t)(off + t.index_size)) != sizeof(t))
		return SR_EIO;
	return 0;
}
