/* fmt_reader.c: reads .sysrec captures (layout and checks in FORMAT.md).
 *
 * open: header → trailer → index; when the trailer or index is unusable the
 * chunk list is rebuilt by walking chunk headers from the start, stopping at
 * the first one that is damaged or cut short. next: chunks are read with
 * pread, checked, decompressed into one reused buffer, and records handed
 * out as views into it; with worker threads (fmt_pipe.h) the checks that
 * need only the chunk itself, decompression and expansion run ahead on a
 * worker, and the chain checks here, in file order.
 */
#include "fmt_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "../common/sr_buf.h"
#include "../common/sr_hash.h"
#include "fmt_chunk.h"
#include "fmt_pipe.h"
#include "fmt_reader_int.h"
#include "fmt_seal.h"
#include "fmt_tail.h"
#include "fmt_wire.h"

struct fmt_reader {
	int fd;
	uint64_t size;
	uint64_t limit; /* bytes of the file read at most (fmt_reader_open_fd) */
	struct fmt_host_info host;
	struct fmt_file_info info;
	struct fmt_trailer trailer;
	char index_note[160];
	uint64_t data_start;	     /* file header length */
	uint64_t seed;		     /* prev_hash of chunk 0 */
	int sealed;		     /* 2.1 or later: chunk headers carry the digest chain */
	uint8_t is_ev[EVT_TYPE_MAX]; /* is_event_type per type, looked up once */
	int no_digest;		     /* fmt_reader_set_digest_check(r, 0) */
	uint8_t dseed[FMT_DIGEST_LEN];
	size_t dig_idx; /* chunk whose digest is in dig; SIZE_MAX: none */
	uint8_t dig[FMT_DIGEST_LEN];
	const uint8_t *ext; /* the last loaded chunk's whole header */
	size_t ext_len;

	struct fmt_chunk_info *ch;
	/* evt.num counts events, not state records (snapshots, cgroup and drop
	 * notes): nev[i] is how many events chunk i holds, -1 while unknown
	 * (a chunk holding both kinds, not read yet); ebase[i], events before
	 * chunk i, is known for i <= eknown. */
	int64_t *nev;
	uint64_t *ebase;
	size_t eknown;
	uint64_t ecur;	   /* events before the loaded chunk */
	uint32_t ev_i;	   /* events of the loaded chunk read so far */
	uint64_t *maxlast; /* max last_ts over chunks 0..i (monotonic: seek key) */
	size_t nch, cap;

	struct fmt_load own; /* chunks loaded on the reader's thread */
	/* --threads: chunks loaded ahead by workers (NULL: none); pre is the
	 * loaded chunk when a worker expanded its records (2.x) */
	struct fmt_pipe *pipe;
	const struct fmt_load *pre;
	uint8_t *mem; /* 2.x: the payload's records expanded (fmt_wire) */
	size_t mem_cap;
	struct fmt_wire_dec wire;

	/* hash of the last chunk header read, to check the chain on the next */
	size_t hash_idx; /* SIZE_MAX: none */
	uint64_t hash;

	/* cursor */
	size_t next_chunk; /* next chunk to load */
	int have;	   /* a chunk is loaded: its records are at recs */
	size_t cur;
	const uint8_t *recs;
	size_t rec_size; /* 2.x: the loaded chunk's expanded size */
	size_t raw_size, pos;
	uint32_t rec_i, count;
	int ts_filter; /* deliver only ts >= min_ts from the loaded chunk */
	uint64_t min_ts;
	int jump; /* after the loaded snapshot chunk, go to target */
	size_t target;
	uint64_t target_ts;
	int types_on;
	uint8_t types[32];
	/* fmt_reader_set_keep: the test, the records it counted in chunks
	 * read to their end, and the next of the loaded chunk's kept list */
	int (*keep)(void *ctx, const struct evt *ev);
	void *keep_ctx;
	uint64_t counted;
	uint32_t kept_i;
	/* where the chunk scan stopped, to go on when the file grows (live) */
	uint64_t scan_off, scan_prev, scan_snap;
	int scan_end; /* the scan met the index: the writer finished */
	int live;     /* a stop at the tail is a chunk being written, not damage */
	int failed;   /* sticky error code */
	struct sr_err fail_err;
	uint64_t decoded;
};

int fmt_fuzz_skip_checks;

/* Whether a record of this type counts as an event (evt.num), from the
 * table the reader filled once. */
static inline int counts_as_event(const struct fmt_reader *r, unsigned type)
{
	return type < EVT_TYPE_MAX && r->is_ev[type];
}

static int err_at(struct sr_err *err, int code, uint64_t chunk, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A chunk-located error: "chunk 7 at offset 123456: <what>". */
static int err_at(struct sr_err *err, int code, uint64_t chunk, uint64_t off, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sr_err_set(err, code, "chunk %llu at offset %llu: %s", (unsigned long long)chunk,
		   (unsigned long long)off, what);
	err->chunk = (int64_t)chunk;
	err->offset = off;
	return code;
}

/* SR_ECORRUPT when the file ends first (it shrank under us) */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	return fmt_tail_read(fd, off, buf, len);
}

/* Events (what evt.num counts) are records of a known, non-meta type. */
static int is_event_type(unsigned t)
{
	const struct evt_info *ei = evt_info_get(t);

	return ei && ei->category != EC_META;
}

/* A chunk's event count when its type set tells it: all records are events,
 * or none is; -1 when it holds both kinds (counted when it is read). */
static int64_t events_from_types(const struct fmt_chunk_info *ci)
{
	int ev = 0, meta = 0;

	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		if (!(ci->types[t >> 3] >> (t & 7) & 1))
			continue;
		if (is_event_type(t))
			ev = 1;
		else
			meta = 1;
	}
	if (!meta)
		return ci->count;
	return ev ? -1 : 0;
}

static int add_chunk(struct fmt_reader *r, const struct fmt_chunk_info *ci)
{
	if (r->nch == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		void *a = realloc(r->ch, ncap * sizeof(*r->ch));

		if (!a)
			return SR_ENOMEM;
		r->ch = a;
		a = realloc(r->nev, ncap * sizeof(*r->nev));
		if (!a)
			return SR_ENOMEM;
		r->nev = a;
		a = realloc(r->ebase, (ncap + 1) * sizeof(*r->ebase));
		if (!a)
			return SR_ENOMEM;
		r->ebase = a;
		a = realloc(r->maxlast, ncap * sizeof(*r->maxlast));
		if (!a)
			return SR_ENOMEM;
		r->maxlast = a;
		r->cap = ncap;
	}
	r->ch[r->nch] = *ci;
	r->nev[r->nch] = events_from_types(ci);
	r->ebase[0] = 0;
	r->maxlast[r->nch] =
	    r->nch && r->maxlast[r->nch - 1] > ci->last_ts ? r->maxlast[r->nch - 1] : ci->last_ts;
	r->nch++;
	return 0;
}

/* Smallest record in a payload of this major: a 1.x record is a whole
 * struct evt_rec, a 2.x one its wire form. */
static size_t min_payload_rec(unsigned major)
{
	return major == 1 ? EVT_REC_HDR : FMT_WIRE_REC_MIN;
}

/* Checks a chunk header in isolation: what every reader must check before
 * trusting any of its sizes. Returns NULL when fine, else the reason. */
static const char *chunk_hdr_problem(const struct fmt_chunk_hdr *h, unsigned major)
{
	if (h->magic != FMT_CHUNK_MAGIC)
		return "bad chunk magic";
	if (fmt_chunk_crc(h) != h->hdr_crc && !fmt_fuzz_skip_checks)
		return "chunk header checksum mismatch";
	/* pad sits after the crc: a flip there would otherwise go unnoticed */
	if (h->pad || (major == 1 && h->rec_size))
		return "reserved chunk header field not zero";
	if (h->hdr_len < sizeof(*h) || h->hdr_len > FMT_CHUNK_HDR_MAX)
		return "chunk header length out of range";
	if (h->hash != fmt_chunk_hash(h) && !fmt_fuzz_skip_checks)
		return "chunk hash does not match its header";
	if (h->comp_size > FMT_CHUNK_COMP_MAX)
		return "compressed size beyond the format limit";
	if (h->raw_size > FMT_CHUNK_RAW_MAX)
		return "raw size beyond the format limit";
	if (h->count > h->raw_size / min_payload_rec(major))
		return "record count larger than the payload can hold";
	/* Expanded, every record is at least a header long, padded to 8. */
	if (major > 1 && (h->rec_size > FMT_CHUNK_RAW_MAX || h->rec_size % FMT_REC_ALIGN ||
			  h->count > h->rec_size / EVT_REC_HDR || (!h->count != !h->rec_size)))
		return "expanded record size out of range";
	if (h->count && h->first_ts > h->last_ts)
		return "time range reversed";
	return NULL;
}

static void info_from_hdr(struct fmt_chunk_info *ci, const struct fmt_chunk_hdr *h, uint64_t off,
			  uint64_t snapshot)
{
	memset(ci, 0, sizeof(*ci));
	ci->seq = h->seq;
	ci->offset = off;
	ci->comp_size = h->comp_size;
	ci->raw_size = h->raw_size;
	ci->count = h->count;
	ci->flags = h->flags;
	ci->first_ts = h->first_ts;
	ci->last_ts = h->last_ts;
	ci->snapshot = snapshot;
	ci->drops_ring = h->drops_ring;
	ci->drops_backlog = h->drops_backlog;
	memcpy(ci->types, h->types, sizeof(ci->types));
}

static void mark_stop(struct fmt_reader *r, int damaged, uint64_t seq, uint64_t off,
		      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void mark_damage(struct fmt_reader *r, uint64_t seq, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void mark_cut(struct fmt_reader *r, uint64_t seq, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void mark_damage(struct fmt_reader *r, uint64_t seq, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_stop(r, 1, seq, off, fmt, ap);
	va_end(ap);
}

/* A chunk cut short at the end of the file: the writer stopped mid-write.
 * Not damage: what is there is delivered and reading ends cleanly. */
static void mark_cut(struct fmt_reader *r, uint64_t seq, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_stop(r, 0, seq, off, fmt, ap);
	va_end(ap);
}

static void mark_stop(struct fmt_reader *r, int damaged, uint64_t seq, uint64_t off,
		      const char *fmt, va_list ap)
{
	char what[200];

	vsnprintf(what, sizeof(what), fmt, ap);
	r->info.damaged = damaged;
	r->info.truncated = !damaged;
	r->info.damage_chunk = seq;
	r->info.damage_offset = off;
	snprintf(r->info.damage_msg, sizeof(r->info.damage_msg), "chunk %llu at offset %llu: %s",
		 (unsigned long long)seq, (unsigned long long)off, what);
}

/* Walks chunk headers from where the last scan stopped (the first chunk on
 * open: no trailer, or a bad one), adding each to the chunk list. */
static int scan_chunks(struct fmt_reader *r)
{
	uint64_t off = r->scan_off, prev = r->scan_prev, seq = r->nch, snap = r->scan_snap;

	while (off < r->size) {
		uint64_t rem = r->size - off;
		struct fmt_chunk_hdr h;
		struct fmt_chunk_info ci;
		const char *why;

		if (seq >= FMT_INDEX_MAX_CHUNKS) {
			mark_damage(r, seq, off, "more chunks than the format allows");
			break;
		}
		/* One read: the header, or as much of it as the file holds. */
		memset(&h, 0, sizeof(h));
		if (read_at(r->fd, &h, rem < sizeof(h) ? (size_t)rem : sizeof(h), off))
			return SR_EIO;
		/* An index block means the writer got that far; its trailer was bad. */
		if (rem >= 4 && h.magic == FMT_INDEX_MAGIC) {
			r->scan_end = 1;
			break;
		}
		if (rem < sizeof(h)) {
			mark_cut(r, seq, off, "chunk header cut short (%llu of %zu bytes present)",
				 (unsigned long long)rem, sizeof(h));
			break;
		}
		why = chunk_hdr_problem(&h, r->info.major);
		if (why) {
			mark_damage(r, seq, off, "%s", why);
			break;
		}
		if (h.seq != seq) {
			mark_damage(r, seq, off, "chunk out of sequence (says %llu)",
				    (unsigned long long)h.seq);
			break;
		}
		if (h.prev_hash != prev && !fmt_fuzz_skip_checks) {
			mark_damage(r, seq, off, "hash chain broken (chunk missing or reordered)");
			break;
		}
		if (h.hdr_len + (uint64_t)h.comp_size > rem) {
			mark_cut(r, seq, off, "chunk cut short (%llu bytes needed, %llu present)",
				 (unsigned long long)h.hdr_len + h.comp_size,
				 (unsigned long long)rem);
			break;
		}
		if (h.flags & FMT_CHF_SNAPSHOT)
			snap = seq;
		info_from_hdr(&ci, &h, off, snap);
		if (add_chunk(r, &ci))
			return SR_ENOMEM;
		prev = h.hash;
		off += h.hdr_len + (uint64_t)h.comp_size;
		seq++;
	}
	r->scan_off = off;
	r->scan_prev = prev;
	r->scan_snap = snap;
	return 0;
}

/* Loads the index named by a valid trailer. Returns 0 when usable, 1 when
 * the file must be scanned instead (reason in index_note), <0 on errors. */
static int load_index(struct fmt_reader *r)
{
	struct fmt_trailer *t = &r->trailer;
	struct fmt_index_hdr ih;
	uint8_t *buf;
	uint64_t events = 0, prev_end = r->data_start;
	uint32_t crc;
	int rc = 1;

#define NOTE(...) (snprintf(r->index_note, sizeof(r->index_note), __VA_ARGS__), 1)
	if (r->size < r->data_start + sizeof(ih) + 4 + sizeof(*t))
		return NOTE("no trailer (file too short)");
	if (read_at(r->fd, t, sizeof(*t), r->size - sizeof(*t)))
		return SR_EIO;
	if (t->magic != FMT_TRAILER_MAGIC)
		return NOTE("no trailer (recorder stopped before closing the file)");
	if (sr_crc32c(0, t, offsetof(struct fmt_trailer, crc)) != t->crc && !fmt_fuzz_skip_checks)
		return NOTE("trailer checksum mismatch");
	/* The index must sit exactly between the last chunk and the trailer. */
	if (t->index_offset < r->data_start || t->index_size < sizeof(ih) + 4 ||
	    t->index_size > r->size - sizeof(*t) - r->data_start ||
	    t->index_offset != r->size - sizeof(*t) - t->index_size)
		return NOTE("trailer points outside the file");
	if (read_at(r->fd, &ih, sizeof(ih), t->index_offset))
		return SR_EIO;
	if (ih.magic != FMT_INDEX_MAGIC)
		return NOTE("bad index magic");
	if (ih.entry_size < sizeof(struct fmt_index_entry) || ih.entry_size > 4096)
		return NOTE("index entry size %u out of range", ih.entry_size);
	/* Count checked before it is multiplied. */
	if (ih.count > FMT_INDEX_MAX_CHUNKS ||
	    sizeof(ih) + ih.count * ih.entry_size + 4 != t->index_size)
		return NOTE("index size disagrees with its entry count");
	if (ih.count != t->chunks)
		return NOTE("trailer chunk count disagrees with the index");
	buf = malloc(t->index_size);
	if (!buf)
		return SR_ENOMEM;
	if (read_at(r->fd, buf, t->index_size, t->index_offset)) {
		free(buf);
		return SR_EIO;
	}
	memcpy(&crc, buf + t->index_size - 4, 4);
	if (sr_crc32c(0, buf, t->index_size - 4) != crc && !fmt_fuzz_skip_checks) {
		rc = NOTE("index checksum mismatch");
		goto out;
	}
	r->nch = 0;
	for (uint64_t i = 0; i < ih.count; i++) {
		struct fmt_index_entry e;
		struct fmt_chunk_info ci;

		memcpy(&e, buf + sizeof(ih) + i * ih.entry_size, sizeof(e));
		/* Chunks are contiguous, in order, and end before the index. */
		if (e.offset < prev_end || e.offset > t->index_offset ||
		    e.comp_size > FMT_CHUNK_COMP_MAX || e.raw_size > FMT_CHUNK_RAW_MAX ||
		    t->index_offset - e.offset <
			sizeof(struct fmt_chunk_hdr) + (uint64_t)e.comp_size ||
		    e.count > e.raw_size / min_payload_rec(r->info.major)) {
			rc = NOTE("index entry %llu is inconsistent", (unsigned long long)i);
			goto out;
		}
		/* A snapshot chunk covers itself; others name an earlier snapshot. */
		if ((e.flags & FMT_CHF_SNAPSHOT)
			? e.snapshot != i
			: e.snapshot != FMT_NO_SNAPSHOT &&
			      (e.snapshot >= i || !(r->ch[e.snapshot].flags & FMT_CHF_SNAPSHOT))) {
			rc = NOTE("index entry %llu names a bad snapshot chunk",
				  (unsigned long long)i);
			goto out;
		}
		memset(&ci, 0, sizeof(ci));
		ci.seq = i;
		ci.offset = e.offset;
		ci.comp_size = e.comp_size;
		ci.raw_size = e.raw_size;
		ci.count = e.count;
		ci.flags = e.flags;
		ci.first_ts = e.first_ts;
		ci.last_ts = e.last_ts;
		ci.snapshot = e.snapshot;
		memcpy(ci.types, e.types, sizeof(ci.types));
		if (add_chunk(r, &ci)) {
			rc = SR_ENOMEM;
			goto out;
		}
		events += e.count;
		prev_end = e.offset + sizeof(struct fmt_chunk_hdr) + e.comp_size;
	}
	if (events != t->events) {
		rc = NOTE("trailer event count disagrees with the index");
		goto out;
	}
	rc = 0;
out:
	free(buf);
	if (rc)
		r->nch = 0;
	return rc;
#undef NOTE
}

static int open_header(struct fmt_reader *r, const char *path, struct sr_err *err)
{
	struct fmt_file_hdr fh;
	uint8_t *buf;
	uint32_t crc;
	int rc;

	if (r->size < sizeof(fh)) {
		return sr_err_set(err, SR_EFORMAT, "%s: not a sysrec capture (only %llu bytes)",
				  path, (unsigned long long)r->size);
	}
	if (read_at(r->fd, &fh, sizeof(fh), 0))
		return sr_err_set(err, SR_EIO, "%s: read: %s", path, strerror(errno));
	if (memcmp(fh.magic, FMT_MAGIC, 8) != 0)
		return sr_err_set(err, SR_EFORMAT, "%s: not a sysrec capture (bad magic)", path);
	r->info.major = fh.major;
	r->info.minor = fh.minor;
	/* Another major version may lay everything out differently: refuse. */
	if (fh.major > FMT_MAJOR || fh.major < FMT_MAJOR_OLDEST)
		return sr_err_set(err, SR_EFORMAT, "%s: unsupported format version %u.%u", path,
				  fh.major, fh.minor);
	if (fh.hdr_len < sizeof(fh) + 4 || fh.hdr_len > FMT_HEADER_MAX)
		return sr_err_set(err, SR_ECORRUPT, "%s: file header length %u out of range", path,
				  fh.hdr_len);
	if (fh.hdr_len > r->size)
		return sr_err_set(err, SR_ECORRUPT,
				  "%s: file header cut short (%u bytes, file has %llu)", path,
				  fh.hdr_len, (unsigned long long)r->size);
	buf = malloc(fh.hdr_len);
	if (!buf)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (read_at(r->fd, buf, fh.hdr_len, 0)) {
		free(buf);
		return sr_err_set(err, SR_EIO, "%s: read: %s", path, strerror(errno));
	}
	memcpy(&crc, buf + fh.hdr_len - 4, 4);
	if (sr_crc32c(0, buf, fh.hdr_len - 4) != crc && !fmt_fuzz_skip_checks) {
		free(buf);
		return sr_err_set(err, SR_ECORRUPT, "%s: file header checksum mismatch", path);
	}
	if (fh.flags != 0) {
		free(buf);
		return sr_err_set(err, SR_ECORRUPT, "%s: file header: reserved flags set", path);
	}
	rc = fmt_header_parse_meta(buf, fh.hdr_len, &r->host, err);
	if (rc) {
		free((void *)r->host.provenance);
		r->host.provenance = NULL;
		free(buf);
		return rc;
	}
	r->data_start = fh.hdr_len;
	r->seed = fmt_chain_seed(crc);
	r->sealed = fh.major == 2 && fh.minor >= 1;
	/* This thread's digest context, allocated once here. */
	if (r->sealed && fmt_seal_init()) {
		free(buf);
		return sr_err_set(err, SR_ENOMEM, "%s: libcrypto has no SHA-256", path);
	}
	if (r->sealed)
		fmt_seal_file_seed(buf, fh.hdr_len, r->dseed);
	free(buf);
	return 0;
}

int fmt_reader_open(struct fmt_reader **out, const char *path, struct sr_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*out = NULL;
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	}
	return fmt_reader_open_fd(out, fd, path, UINT64_MAX, err);
}

int fmt_reader_open_fd(struct fmt_reader **out, int fd, const char *path, uint64_t limit,
		       struct sr_err *err)
{
	struct fmt_reader *r;
	struct stat st;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	r->fd = fd;
	r->limit = limit;
	r->hash_idx = SIZE_MAX;
	r->dig_idx = SIZE_MAX;
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++)
		r->is_ev[t] = (uint8_t)is_event_type(t);
	if (fstat(r->fd, &st) != 0) {
		rc = sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = sr_err_set(err, SR_EFORMAT, "%s: not a regular file", path);
		goto fail;
	}
	r->size = (uint64_t)st.st_size < limit ? (uint64_t)st.st_size : limit;
	r->info.file_bytes = r->size;
	rc = open_header(r, path, err);
	if (rc)
		goto fail;
	rc = load_index(r);
	if (rc < 0) {
		rc = sr_err_set(err, rc, "%s: reading the index: %s", path, sr_code_name(rc));
		goto fail;
	}
	if (rc == 0) {
		r->info.complete = 1;
		r->info.drops_ring = r->trailer.drops_ring;
		r->info.drops_backlog = r->trailer.drops_backlog;
	} else {
		r->nch = 0;
		r->scan_off = r->data_start;
		r->scan_prev = r->seed;
		r->scan_snap = FMT_NO_SNAPSHOT;
		rc = scan_chunks(r);
		if (rc) {
			rc = sr_err_set(err, rc, "%s: scanning chunks: %s", path, sr_code_name(rc));
			goto fail;
		}
		for (size_t i = 0; i < r->nch; i++) {
			r->info.drops_ring += r->ch[i].drops_ring;
			r->info.drops_backlog += r->ch[i].drops_backlog;
		}
	}
	r->info.chunks = r->nch;
	for (size_t i = 0; i < r->nch; i++) {
		const struct fmt_chunk_info *ci = &r->ch[i];

		r->info.events += ci->count;
		r->info.raw_bytes += ci->raw_size;
		if (!ci->count)
			continue;
		if (!r->info.first_ts || ci->first_ts < r->info.first_ts)
			r->info.first_ts = ci->first_ts;
		if (ci->last_ts > r->info.last_ts)
			r->info.last_ts = ci->last_ts;
	}
	*out = r;
	return 0;
fail:
	fmt_reader_close(r);
	return rc;
}

void fmt_reader_close(struct fmt_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free((void *)r->host.provenance);
	fmt_pipe_free(r->pipe);
	fmt_load_release(&r->own);
	free(r->ch);
	free(r->nev);
	free(r->ebase);
	free(r->maxlast);
	free(r->mem);
	fmt_wire_dec_free(&r->wire);
	free(r);
}

const struct fmt_host_info *fmt_reader_host(const struct fmt_reader *r)
{
	return &r->host;
}

const struct fmt_file_info *fmt_reader_info(const struct fmt_reader *r)
{
	return &r->info;
}

size_t fmt_reader_chunk_count(const struct fmt_reader *r)
{
	return r->nch;
}

const struct fmt_chunk_info *fmt_reader_chunk(const struct fmt_reader *r, size_t i)
{
	return i < r->nch ? &r->ch[i] : NULL;
}

uint64_t fmt_reader_chunks_decoded(const struct fmt_reader *r)
{
	return r->decoded;
}

const struct fmt_trailer *fmt_reader_trailer(const struct fmt_reader *r)
{
	return &r->trailer;
}

const char *fmt_reader_index_note(const struct fmt_reader *r)
{
	return r->index_note;
}

uint64_t fmt_reader_data_start(const struct fmt_reader *r)
{
	return r->data_start;
}

/* 2.1: the chunk's digest over its header and payload (its link to the
 * previous chunk's digest is checked by link_digest). A recomputed CRC or
 * 64-bit hash does not get past this; a recomputed digest chain does not get
 * past a signed checkpoint (fmt_verify). */
static int check_digest(const struct fmt_reader *r, struct fmt_load *l, const uint8_t *payload,
			size_t plen)
{
	const struct fmt_chunk_info *ci = &r->ch[l->idx];
	const uint8_t *stored = l->comp + sizeof(struct fmt_chunk_hdr) + FMT_DIGEST_LEN;
	uint8_t d[FMT_DIGEST_LEN];

	fmt_seal_chunk_digest(l->comp, l->h.hdr_len, payload, plen, d);
	if (memcmp(d, stored, FMT_DIGEST_LEN) != 0)
		return err_at(&l->err, SR_ECORRUPT, ci->seq, ci->offset,
			      "digest mismatch (chunk contents changed)");
	return 0;
}

/* The digest chain: chunk i names the digest of chunk i - 1 (the file's
 * seed for chunk 0). Needs the chunk read before, so it runs in file order
 * on the reader's thread. */
static int link_digest(struct fmt_reader *r, const struct fmt_load *l, struct sr_err *err)
{
	const struct fmt_chunk_info *ci = &r->ch[l->idx];
	const uint8_t *prev = l->comp + sizeof(struct fmt_chunk_hdr);
	size_t i = l->idx;

	if (r->no_digest || fmt_fuzz_skip_checks)
		return 0;
	if (i == 0 && memcmp(prev, r->dseed, FMT_DIGEST_LEN) != 0)
		return err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
			      "digest chain broken (chunk 0 does not follow this file's header)");
	if (i > 0 && r->dig_idx == i - 1 && memcmp(prev, r->dig, FMT_DIGEST_LEN) != 0)
		return err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
			      "digest chain broken (a chunk before it was removed, replaced or "
			      "reordered)");
	r->dig_idx = i;
	memcpy(r->dig, prev + FMT_DIGEST_LEN, FMT_DIGEST_LEN);
	return 0;
}

void fmt_reader_set_digest_check(struct fmt_reader *r, int on)
{
	r->no_digest = !on;
}

int fmt_reader_sealed(const struct fmt_reader *r)
{
	return r->sealed;
}

const uint8_t *fmt_reader_file_digest_seed(const struct fmt_reader *r)
{
	return r->dseed;
}

const uint8_t *fmt_reader_chunk_header(const struct fmt_reader *r, size_t *len)
{
	*len = r->ext_len;
	return r->ext;
}

static void load_fail(struct fmt_load *l, enum fmt_load_stage stage, int rc)
{
	l->stage = stage;
	l->rc = rc;
}

/* Reads, checks and decompresses chunk l->idx into l: everything about a
 * chunk that needs no other chunk, so it runs on a worker thread too (it
 * only reads r). l->stage says where it stopped (fmt_pipe.h). The payload
 * as stored (1.x: expanded records; 2.x: wire records) ends at l->raw. */
static void load_data(const struct fmt_reader *r, struct fmt_load *l)
{
	const struct fmt_chunk_info *ci;
	struct fmt_chunk_hdr *hp = &l->h, h;
	const char *why;
	const uint8_t *payload;
	unsigned long long fcs;
	size_t n, guess, i = l->idx;
	struct sr_err *err = &l->err;
	int one_read, verify;

	l->stage = FMT_LOAD_OK;
	l->rc = 0;
	l->have_ext = 0;
	l->expanded = 0;
	sr_err_clear(err);
	if (i >= r->nch)
		return load_fail(l, FMT_LOAD_EHDR, sr_err_set(err, SR_ELIMIT, "no chunk %zu", i));
	ci = &r->ch[i];
	if (!l->dctx && !(l->dctx = ZSTD_createDCtx()))
		return load_fail(l, FMT_LOAD_EHDR, sr_err_set(err, SR_ENOMEM, "out of memory"));
	/* One pread for header and payload when the header has the length this
	 * version writes (the common case); otherwise, or when that read falls
	 * short, header and payload are read apart so errors say which. */
	guess = r->sealed ? FMT_CHUNK_HDR_21 : sizeof(h);
	if (sr_grow(&l->comp, &l->comp_cap, guess + (size_t)ci->comp_size, 16 * 1024))
		return load_fail(l, FMT_LOAD_EHDR, sr_err_set(err, SR_ENOMEM, "out of memory"));
	one_read = read_at(r->fd, l->comp, guess + (size_t)ci->comp_size, ci->offset) == 0;
	if (one_read)
		memcpy(&h, l->comp, sizeof(h));
	else if (read_at(r->fd, &h, sizeof(h), ci->offset))
		return load_fail(
		    l, FMT_LOAD_EHDR,
		    err_at(err, SR_ECORRUPT, ci->seq, ci->offset, "chunk header unreadable"));
	why = chunk_hdr_problem(&h, r->info.major);
	if (why)
		return load_fail(l, FMT_LOAD_EHDR,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset, "%s", why));
	if (r->sealed && h.hdr_len < FMT_CHUNK_HDR_21)
		return load_fail(l, FMT_LOAD_EHDR,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					"chunk header has no digest (%u bytes, 2.1 needs %u)",
					h.hdr_len, FMT_CHUNK_HDR_21));
	/* A chunk removed (or moved) with the index rewritten to match. */
	if (h.seq != ci->seq)
		return load_fail(
		    l, FMT_LOAD_EHDR,
		    err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
			   "chunk sequence gap: the header says chunk %llu (a chunk was removed, "
			   "moved or inserted)",
			   (unsigned long long)h.seq));
	/* The index (or the scan) vouched for these; the header must agree. */
	if (h.comp_size != ci->comp_size || h.raw_size != ci->raw_size || h.count != ci->count ||
	    h.flags != ci->flags || h.first_ts != ci->first_ts || h.last_ts != ci->last_ts ||
	    memcmp(h.types, ci->types, sizeof(h.types)) != 0)
		return load_fail(l, FMT_LOAD_EHDR,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					"chunk header disagrees with the index"));
	if (ci->offset + h.hdr_len + (uint64_t)h.comp_size > r->size)
		return load_fail(l, FMT_LOAD_EHDR,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					"chunk extends past end of file"));
	*hp = h;
	/* From here on, errors come after the hash chain check (link_data). */
	if (sr_grow(&l->raw, &l->raw_cap, h.raw_size ? h.raw_size : 1, 16 * 1024))
		return load_fail(l, FMT_LOAD_EDATA, sr_err_set(err, SR_ENOMEM, "out of memory"));
	if (!one_read || h.hdr_len != guess) {
		/* hdr_len ≤ FMT_CHUNK_HDR_MAX (checked): the whole header and
		 * the payload, in one buffer, as the digest covers both. */
		if (sr_grow(&l->comp, &l->comp_cap, h.hdr_len + (size_t)h.comp_size, 16 * 1024))
			return load_fail(l, FMT_LOAD_EDATA,
					 sr_err_set(err, SR_ENOMEM, "out of memory"));
		if (read_at(r->fd, l->comp, h.hdr_len + (size_t)h.comp_size, ci->offset))
			return load_fail(
			    l, FMT_LOAD_EDATA,
			    err_at(err, SR_ECORRUPT, ci->seq, ci->offset, "payload unreadable"));
	}
	payload = l->comp + h.hdr_len;
	l->have_ext = 1;
	/* A checked digest covers the payload and its crc: the crc is then
	 * computed only when the digest fails, so that accidental damage is
	 * named as such, and a verified read hashes each byte once. Either way
	 * a crc or digest failure is reported before any decompression error. */
	verify = r->sealed && !r->no_digest && !fmt_fuzz_skip_checks;
	if (verify) {
		/* this thread's digest context (a worker's first digest) */
		if (fmt_seal_init())
			return load_fail(l, FMT_LOAD_EDATA,
					 sr_err_set(err, SR_ENOMEM, "libcrypto has no SHA-256"));
		if (check_digest(r, l, payload, h.comp_size)) {
			if (sr_crc32c(0, payload, h.comp_size) != h.payload_crc)
				return load_fail(l, FMT_LOAD_EDATA,
						 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
							"payload checksum mismatch"));
			return load_fail(l, FMT_LOAD_EDIGEST, l->err.code);
		}
	} else if (sr_crc32c(0, payload, h.comp_size) != h.payload_crc && !fmt_fuzz_skip_checks) {
		return load_fail(
		    l, FMT_LOAD_EDATA,
		    err_at(err, SR_ECORRUPT, ci->seq, ci->offset, "payload checksum mismatch"));
	}
	fcs = ZSTD_getFrameContentSize(payload, h.comp_size);
	if (fcs != h.raw_size)
		return load_fail(l, FMT_LOAD_ELATE,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					"payload frame size disagrees with the header"));
	n = ZSTD_decompressDCtx(l->dctx, l->raw, l->raw_cap, payload, h.comp_size);
	if (ZSTD_isError(n))
		return load_fail(l, FMT_LOAD_ELATE,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					"payload does not decompress: %s", ZSTD_getErrorName(n)));
	if (n != h.raw_size)
		return load_fail(l, FMT_LOAD_ELATE,
				 err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					"payload decompresses to %zu bytes, header says %u", n,
					h.raw_size));
	l->raw_len = n;
}

/* The checks of a loaded chunk that need the one before it, in the order a
 * single-threaded load makes them: header problems, hash chain, payload,
 * own digest, digest chain, decompression. 0 or the first error (in err). */
static int load_link(struct fmt_reader *r, struct fmt_load *l, struct sr_err *err)
{
	const struct fmt_chunk_info *ci;
	size_t i = l->idx;
	int rc;

	if (l->stage == FMT_LOAD_EHDR)
		goto failed;
	ci = &r->ch[i];
	if (i == 0 && l->h.prev_hash != r->seed && !fmt_fuzz_skip_checks)
		return err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
			      "hash chain broken (chunk 0 is not from this file)");
	if (i > 0 && r->hash_idx == i - 1 && l->h.prev_hash != r->hash && !fmt_fuzz_skip_checks)
		return err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
			      "hash chain broken (chunk missing or reordered)");
	r->hash_idx = i;
	r->hash = l->h.hash;
	if (l->have_ext) {
		r->ext = l->comp;
		r->ext_len = l->h.hdr_len;
	}
	if (l->stage == FMT_LOAD_EDATA || l->stage == FMT_LOAD_EDIGEST)
		goto failed;
	if (r->sealed) {
		rc = link_digest(r, l, err);
		if (rc)
			return rc;
	}
	if (l->stage == FMT_LOAD_ELATE)
		goto failed;
	r->decoded++;
	return 0;
failed:
	if (err)
		*err = l->err;
	return l->rc;
}

/* Chunk i loaded on this thread into the reader's own buffers. */
static int load_payload(struct fmt_reader *r, size_t i, struct fmt_chunk_hdr *hdrp,
			const uint8_t **raw, size_t *raw_len, struct sr_err *err)
{
	int rc;

	r->own.idx = i;
	load_data(r, &r->own);
	rc = load_link(r, &r->own, err);
	if (rc)
		return rc;
	*hdrp = r->own.h;
	*raw = r->own.raw;
	*raw_len = r->own.raw_len;
	return 0;
}

static int wire_err(const struct fmt_reader *r, size_t i, int rc, const struct fmt_wire_fault *wf,
		    struct sr_err *err)
{
	if (rc == SR_ENOMEM)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	return err_at(err, SR_ECORRUPT, r->ch[i].seq, r->ch[i].offset,
		      "record %u at payload byte %zu: %s", wf->rec, wf->off, wf->why);
}

int fmt_reader_load_chunk(struct fmt_reader *r, size_t i, struct fmt_chunk_hdr *hdr,
			  const uint8_t **raw, size_t *raw_len, struct sr_err *err)
{
	struct fmt_chunk_hdr h;
	struct fmt_wire_fault wf;
	int rc = load_payload(r, i, &h, raw, raw_len, err);

	if (rc)
		return rc;
	if (hdr)
		*hdr = h;
	if (r->info.major == 1)
		return 0;
	/* 2.x: the whole payload expanded to the in-memory layout. */
	if (sr_grow(&r->mem, &r->mem_cap, h.rec_size ? h.rec_size : 1, 64 * 1024))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	rc = fmt_wire_decode(&r->wire, *raw, *raw_len, h.count, r->mem, h.rec_size, &wf);
	if (rc)
		return wire_err(r, i, rc, &wf, err);
	*raw = r->mem;
	*raw_len = h.rec_size;
	return 0;
}

static int fail(struct fmt_reader *r, int code, struct sr_err *err)
{
	r->failed = code;
	if (err)
		r->fail_err = *err;
	else
		sr_err_clear(&r->fail_err);
	return code;
}

/* Counts the events of chunk i by expanding it (a chunk mixing events and
 * state records), and their time range (first > last when none). Uses the
 * buffers of the loaded chunk: called only before loading another. Not
 * counted in fmt_reader_chunks_decoded. */
static int scan_events(struct fmt_reader *r, size_t i, int64_t *out, uint64_t *first,
		       uint64_t *last)
{
	struct fmt_chunk_hdr h;
	struct sr_err e;
	const uint8_t *p;
	size_t len, pos = 0;
	uint64_t decoded = r->decoded;
	int64_t n = 0;
	struct evt ev;
	int rc = fmt_reader_load_chunk(r, i, &h, &p, &len, &e);

	r->decoded = decoded;
	if (rc)
		return rc;
	*first = UINT64_MAX;
	*last = 0;
	for (uint32_t k = 0; k < h.count; k++) {
		if (evt_decode(&ev, p + pos, len - pos))
			return SR_ECORRUPT;
		if (is_event_type(ev.rec->type)) {
			n++;
			if (ev.rec->ts < *first)
				*first = ev.rec->ts;
			if (ev.rec->ts > *last)
				*last = ev.rec->ts;
		}
		pos += fmt_rec_padded(ev.rec->len);
		if (pos > len)
			return SR_ECORRUPT;
	}
	*out = n;
	return 0;
}

static int count_events(struct fmt_reader *r, size_t i, int64_t *out)
{
	uint64_t first, last;

	return scan_events(r, i, out, &first, &last);
}

void fmt_reader_event_range(struct fmt_reader *r, uint64_t *events, uint64_t *first_ts,
			    uint64_t *last_ts)
{
	*events = *first_ts = *last_ts = 0;
	for (size_t i = 0; i < r->nch; i++) {
		const struct fmt_chunk_info *ci = &r->ch[i];
		uint64_t first = ci->first_ts, last = ci->last_ts;
		int64_t n = r->nev[i];

		if (n == 0)
			continue;
		/* Unless all its records are events (then the chunk's range is
		 * theirs), the chunk is read; one that cannot be read counts
		 * all its records, as numbering does. */
		if (n != (int64_t)ci->count) {
			if (scan_events(r, i, &n, &first, &last)) {
				n = ci->count;
				first = ci->first_ts;
				last = ci->last_ts;
			}
			r->nev[i] = n;
			if (!n)
				continue;
		}
		if (!*events || first < *first_ts)
			*first_ts = first;
		*events += (uint64_t)n;
		if (last > *last_ts)
			*last_ts = last;
	}
}

/* Events before chunk i, counting the chunks before it whose count is not
 * known yet (after a seek or chunks skipped by type). A chunk that cannot
 * be read counts all its records: numbers past damage stay ordered. */
static uint64_t events_before(struct fmt_reader *r, size_t i)
{
	while (r->eknown < i) {
		size_t k = r->eknown;

		if (r->nev[k] < 0 && count_events(r, k, &r->nev[k]))
			r->nev[k] = r->ch[k].count;
		r->ebase[k + 1] = r->ebase[k] + (uint64_t)r->nev[k];
		r->eknown++;
	}
	return r->ebase[i];
}

static int wanted(const struct fmt_reader *r, size_t i);

/* A kept record's event count with the keep test's mark in its top bits:
 * marked, "header only" (keep's 4), mark 2 (keep's 5) (a chunk holds fewer
 * than 2^29 records: FMT_CHUNK_RAW_MAX). */
#define KEPT_MARK  0x80000000u
#define KEPT_HDR   0x40000000u
#define KEPT_MARK2 0x20000000u
#define KEPT_BITS  (KEPT_MARK | KEPT_HDR | KEPT_MARK2)

struct keep_test {
	int (*fn)(void *ctx, const struct evt *ev);
	void *ctx;
};

/* What pipe_keep leaves of the record it tested, in l->mem. */
enum kept_room { KEPT_WHOLE, KEPT_HEADER, KEPT_NONE };
_Static_assert(EVT_REC_HDR % FMT_REC_ALIGN == 0,
	       "a record kept header only keeps the next aligned");

/* The keep test on the record just expanded at l->mem + at (a worker's
 * side of fmt_reader_set_keep): listed when delivered, else counted or
 * passed over. The room the record still needs: all of it, its header only
 * (delivered header only), or none (not delivered); -1 when the list
 * cannot grow. */
static int pipe_keep(const struct fmt_reader *r, const struct keep_test *t, struct fmt_load *l,
		     size_t at, const struct evt *ev)
{
	int k;

	l->nevents += counts_as_event(r, ev->rec->type);
	k = t->fn(t->ctx, ev);
	if (k == FMT_KEEP_COUNT)
		l->ncounted++;
	if (k == FMT_KEEP_SKIP || k == FMT_KEEP_COUNT)
		return KEPT_NONE;
	if (2 * (size_t)l->nkept + 2 > l->kept_cap) {
		size_t cap = l->kept_cap ? 2 * l->kept_cap : 1024;
		uint32_t *n = realloc(l->kept, cap * sizeof(*n));

		if (!n)
			return -1;
		l->kept = n;
		l->kept_cap = cap;
	}
	l->kept[2 * l->nkept] = (uint32_t)at;
	l->kept[2 * l->nkept + 1] = l->nevents | (k == FMT_KEEP_MARK	   ? KEPT_MARK
						  : k == FMT_KEEP_MARK_HDR ? KEPT_MARK | KEPT_HDR
						  : k == FMT_KEEP_MARK2	   ? KEPT_MARK | KEPT_MARK2
									   : 0);
	l->nkept++;
	return k == FMT_KEEP_MARK_HDR ? KEPT_HEADER : KEPT_WHOLE;
}

/* Expands the loaded chunk's records into l->mem, each tested with t when
 * given. Records the test does not deliver whole keep only what is
 * delivered of them: the reader's thread reads fewer bytes another core
 * wrote. -1 when the kept list cannot grow (nothing is then valid). */
static int expand(const struct fmt_reader *r, const struct keep_test *t, struct fmt_load *l)
{
	struct evt ev;
	size_t o = 0;

	l->nexp = 0;
	l->exp_rc = 0;
	l->exp_at_finish = 0;
	l->tested = t != NULL;
	l->nkept = l->nevents = 0;
	l->ncounted = 0;
	fmt_wire_dec_start(&l->wire, l->raw, l->raw_len);
	for (uint32_t k = 0; k < l->h.count; k++) {
		size_t at = o;
		int room;

		l->exp_rc = fmt_wire_dec_next_to(&l->wire, &l->mem, &l->mem_cap, &o, t ? &ev : NULL,
						 &l->exp_f);
		if (l->exp_rc)
			break;
		l->nexp++;
		if (!t)
			continue;
		room = pipe_keep(r, t, l, at, &ev);
		if (room < 0)
			return -1;
		if (room == KEPT_HEADER)
			o = at + EVT_REC_HDR;
		else if (room == KEPT_NONE)
			o = at;
	}
	if (!l->exp_rc && fmt_wire_dec_finish(&l->wire, l->h.rec_size, &l->exp_f)) {
		l->exp_rc = SR_ECORRUPT;
		l->exp_at_finish = 1;
	}
	l->exp_len = o;
	return 0;
}

/* The pipeline's worker side: chunk l->idx loaded, and on 2.x its records
 * expanded, the way next_wire would one at a time, into l->mem; with a keep
 * test, each record tested as it is expanded (still in cache). */
static void pipe_work(void *ctx, struct fmt_load *l)
{
	const struct fmt_reader *r = ctx;
	/* read once: the reader's thread writes the fields around them for
	 * every record it hands out */
	const struct keep_test t = {r->keep, r->keep_ctx};

	load_data(r, l);
	if (l->stage != FMT_LOAD_OK || r->info.major == 1)
		return;
	l->expanded = 1;
	/* no room for the kept list: expanded whole, and walked as if no
	 * test had run */
	if (expand(r, r->keep ? &t : NULL, l))
		expand(r, NULL, l);
}

static int pipe_wanted(void *ctx, size_t i)
{
	return wanted(ctx, i);
}

static size_t pipe_cost(void *ctx, size_t i)
{
	const struct fmt_reader *r = ctx;
	const struct fmt_chunk_info *ci = &r->ch[i];

	/* expanded records take about twice the wire form */
	return (size_t)ci->comp_size + ci->raw_size * (r->info.major > 1 ? 3u : 1u);
}

static const struct fmt_pipe_ops pipe_ops = {pipe_work, pipe_wanted, pipe_cost};

/* Chunk i from the pipeline (fmt_pipe_configure turned it on), or loaded
 * here. *raw: records to walk (expanded when r->pre is set). */
static int load_next_chunk(struct fmt_reader *r, size_t i, struct fmt_chunk_hdr *h,
			   const uint8_t **raw, size_t *len, struct sr_err *err)
{
	struct fmt_load *l;
	int rc;

	r->pre = NULL;
	if (!r->pipe && fmt_pipe_workers())
		r->pipe = fmt_pipe_new(&pipe_ops, r, r->nch);
	if (!r->pipe)
		return load_payload(r, i, h, raw, len, err);
	l = fmt_pipe_take(r->pipe, i);
	rc = load_link(r, l, err);
	if (rc)
		return rc;
	*h = l->h;
	*raw = l->raw;
	*len = l->raw_len;
	if (l->expanded) {
		r->pre = l;
		*raw = l->mem;
		*len = l->exp_len;
	}
	return 0;
}

static int load_for_next(struct fmt_reader *r, size_t i, struct sr_err *err)
{
	struct fmt_chunk_hdr h;
	const uint8_t *raw;
	size_t len;
	int rc;

	r->ecur = events_before(r, i);
	r->ev_i = 0;
	r->kept_i = 0;
	rc = load_next_chunk(r, i, &h, &raw, &len, err);
	if (rc)
		return fail(r, rc, err);
	/* 2.x records are expanded one at a time as they are read (unless a
	 * worker did it already). */
	if (r->info.major > 1 && !r->pre)
		fmt_wire_dec_start(&r->wire, raw, len);
	r->rec_size = h.rec_size;
	r->have = 1;
	r->cur = i;
	r->recs = raw;
	r->raw_size = len;
	r->pos = 0;
	r->rec_i = 0;
	r->count = r->ch[i].count;
	r->next_chunk = i + 1;
	return 0;
}

static int wanted(const struct fmt_reader *r, size_t i)
{
	if (!r->types_on || (r->ch[i].flags & FMT_CHF_SNAPSHOT))
		return 1;
	return fmt_types_intersect(r->types, r->ch[i].types);
}

/* The keep test on the reader's thread (chunks no worker tested): 1 when
 * the record is delivered. */
static int keep_here(struct fmt_reader *r, struct evt *ev)
{
	int k;

	ev->mark = 0;
	if (!r->keep)
		return 1;
	k = r->keep(r->keep_ctx, ev);
	r->counted += k == FMT_KEEP_COUNT;
	ev->mark = k == FMT_KEEP_MARK2 ? 2 : k >= FMT_KEEP_MARK;
	return k != FMT_KEEP_SKIP && k != FMT_KEEP_COUNT;
}

/* The next wanted record of the loaded 1.x chunk (records stored expanded):
 * 1, 0 at the chunk's end, or an error. */
static int next_expanded(struct fmt_reader *r, struct evt *ev, struct sr_err *err)
{
	while (r->pos < r->raw_size) {
		const struct fmt_chunk_info *ci = &r->ch[r->cur];
		const struct evt_rec *rec;
		size_t plen;

		/* Record framing is checked against what the payload holds. */
		if (evt_decode(ev, r->recs + r->pos, r->raw_size - r->pos) != 0)
			return fail(r,
				    err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					   "record %u at payload byte %zu: bad framing", r->rec_i,
					   r->pos),
				    err);
		rec = ev->rec;
		plen = fmt_rec_padded(rec->len);
		if (plen > r->raw_size - r->pos || r->rec_i >= r->count)
			return fail(r,
				    err_at(err, SR_ECORRUPT, ci->seq, ci->offset,
					   "record %u at payload byte %zu: past the chunk's "
					   "records",
					   r->rec_i, r->pos),
				    err);
		r->pos += plen;
		r->rec_i++;
		r->ev_i += counts_as_event(r, rec->type);
		if (!keep_here(r, ev))
			continue;
		if (r->ts_filter && rec->ts < r->min_ts)
			continue;
		ev->num = r->ecur + r->ev_i;
		return 1;
	}
	if (r->nev[r->cur] < 0)
		r->nev[r->cur] = r->ev_i;
	if (r->rec_i != r->count)
		return fail(r,
			    err_at(err, SR_ECORRUPT, r->ch[r->cur].seq, r->ch[r->cur].offset,
				   "payload holds %u records, header says %u", r->rec_i, r->count),
			    err);
	return 0;
}

/* Counts the record just read (a 2.x chunk's); 1 when it is delivered. */
static int took(struct fmt_reader *r, struct evt *ev)
{
	r->rec_i++;
	r->ev_i += counts_as_event(r, ev->rec->type);
	if (!keep_here(r, ev))
		return 0;
	if (r->ts_filter && ev->rec->ts < r->min_ts)
		return 0;
	ev->num = r->ecur + r->ev_i;
	return 1;
}

/* A 2.x chunk a worker expanded: its records, then the fault that stopped
 * the expansion where next_wire would have met it. */
static int next_pre(struct fmt_reader *r, struct evt *ev, struct sr_err *err)
{
	const struct fmt_load *l = r->pre;

	/* Tested by the worker: only the kept records are walked, and the
	 * chunk's end is reached as if every record had been read. */
	if (l->tested) {
		while (r->kept_i < l->nkept) {
			const uint32_t *k = &l->kept[2 * r->kept_i++];

			r->pos = k[0];
			/* header only: the worker decoded it already (well-formed),
			 * and the consumer reads no parameter of it */
			if (k[1] & KEPT_HDR) {
				ev->rec = (const struct evt_rec *)(r->recs + r->pos);
				ev->nparams = 0;
			} else if (evt_decode(ev, r->recs + r->pos, r->raw_size - r->pos) != 0)
				return fail(r,
					    err_at(err, SR_ECORRUPT, r->ch[r->cur].seq,
						   r->ch[r->cur].offset, "record %u: bad expansion",
						   r->kept_i),
					    err);
			r->ev_i = k[1] & ~KEPT_BITS;
			ev->mark = (k[1] & KEPT_MARK2) ? 2 : !!(k[1] & KEPT_MARK);
			if (r->ts_filter && ev->rec->ts < r->min_ts)
				continue;
			ev->num = r->ecur + r->ev_i;
			return 1;
		}
		r->rec_i = l->nexp;
		r->ev_i = l->nevents;
		r->pos = l->exp_len;
		r->counted += l->ncounted;
	}
	while (r->rec_i < l->nexp) {
		/* expanded by fmt_wire: well-formed unless memory is corrupt */
		if (evt_decode(ev, r->recs + r->pos, r->raw_size - r->pos) != 0)
			return fail(r,
				    err_at(err, SR_ECORRUPT, r->ch[r->cur].seq,
					   r->ch[r->cur].offset, "record %u: bad expansion",
					   r->rec_i),
				    err);
		r->pos += fmt_rec_padded(ev->rec->len);
		if (took(r, ev))
			return 1;
	}
	if (l->exp_rc && !l->exp_at_finish)
		return fail(r, wire_err(r, r->cur, l->exp_rc, &l->exp_f, err), err);
	if (r->nev[r->cur] < 0)
		r->nev[r->cur] = r->ev_i;
	if (l->exp_rc)
		return fail(r, wire_err(r, r->cur, SR_ECORRUPT, &l->exp_f, err), err);
	return 0;
}

/* The same for a 2.x chunk: each record expanded from its wire form as it
 * is asked for. */
static int next_wire(struct fmt_reader *r, struct evt *ev, struct sr_err *err)
{
	struct fmt_wire_fault wf;
	int rc;

	while (r->rec_i < r->count) {
		rc = fmt_wire_dec_next(&r->wire, ev, &wf);
		if (rc)
			return fail(r, wire_err(r, r->cur, rc, &wf, err), err);
		if (took(r, ev))
			return 1;
	}
	if (r->nev[r->cur] < 0)
		r->nev[r->cur] = r->ev_i;
	if (fmt_wire_dec_finish(&r->wire, r->rec_size, &wf))
		return fail(r, wire_err(r, r->cur, SR_ECORRUPT, &wf, err), err);
	return 0;
}

int fmt_reader_next(struct fmt_reader *r, struct evt *ev, struct sr_err *err)
{
	int rc;

	if (r->failed) {
		if (err)
			*err = r->fail_err;
		return r->failed;
	}
	for (;;) {
		if (r->have) {
			rc = r->pre		 ? next_pre(r, ev, err)
			     : r->info.major > 1 ? next_wire(r, ev, err)
						 : next_expanded(r, ev, err);
			if (rc)
				return rc;
			r->have = 0;
			r->ts_filter = 0;
			if (r->jump) {
				/* The covering snapshot is out; now the seek target. */
				r->jump = 0;
				r->next_chunk = r->target;
				r->ts_filter = 1;
				r->min_ts = r->target_ts;
				if (r->target < r->nch && wanted(r, r->target)) {
					rc = load_for_next(r, r->target, err);
					if (rc)
						return rc;
					r->ts_filter = !(r->ch[r->target].flags & FMT_CHF_SNAPSHOT);
					continue;
				}
				r->ts_filter = 0;
				r->next_chunk = r->target + 1;
			}
		}
		while (r->next_chunk < r->nch && !wanted(r, r->next_chunk))
			r->next_chunk++;
		if (r->next_chunk >= r->nch)
			break;
		rc = load_for_next(r, r->next_chunk, err);
		if (rc)
			return rc;
	}
	if (r->info.damaged && !r->live) {
		/* Everything before the damage was delivered; now say where it is. */
		sr_err_set(err, SR_ECORRUPT, "%s", r->info.damage_msg);
		if (err) {
			err->chunk = (int64_t)r->info.damage_chunk;
			err->offset = r->info.damage_offset;
		}
		return fail(r, SR_ECORRUPT, err);
	}
	return 0;
}

int fmt_reader_seek_time(struct fmt_reader *r, uint64_t ts_ns, struct sr_err *err)
{
	size_t lo = 0, hi = r->nch, k;
	uint64_t s;
	int rc;

	/* A seek starts a fresh read: an earlier chunk's damage does not stick. */
	r->failed = 0;
	r->have = 0;
	r->jump = 0;
	r->ts_filter = 0;
	/* First chunk whose running max of last_ts reaches ts_ns. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->maxlast[mid] >= ts_ns)
			hi = mid;
		else
			lo = mid + 1;
	}
	k = lo;
	r->next_chunk = k;
	if (k >= r->nch)
		return 0;
	s = r->ch[k].snapshot;
	if (s != FMT_NO_SNAPSHOT && s < k) {
		rc = load_for_next(r, (size_t)s, err);
		if (rc)
			return rc;
		r->jump = 1;
		r->target = k;
		r->target_ts = ts_ns;
		return 0;
	}
	if (!wanted(r, k)) {
		r->next_chunk = k + 1;
		return 0;
	}
	rc = load_for_next(r, k, err);
	if (rc)
		return rc;
	/* A snapshot chunk is state: all of it is delivered. */
	r->ts_filter = !(r->ch[k].flags & FMT_CHF_SNAPSHOT);
	r->min_ts = ts_ns;
	return 0;
}

void fmt_reader_set_types(struct fmt_reader *r, const uint8_t set[32])
{
	if (!set) {
		r->types_on = 0;
		return;
	}
	r->types_on = 1;
	memcpy(r->types, set, sizeof(r->types));
}

int fmt_reader_skip_damage(struct fmt_reader *r)
{
	int64_t c = r->fail_err.chunk;

	if (!r->failed || c < 0)
		return -1;
	for (size_t i = 0; i < r->nch; i++) {
		if (r->ch[i].seq != (uint64_t)c)
			continue;
		/* The hash chain check of chunk i + 1 still runs when chunk i's
		 * header was sound (hash_idx == i); otherwise it is skipped. */
		r->failed = 0;
		r->have = 0;
		r->jump = 0;
		r->ts_filter = 0;
		r->next_chunk = i + 1;
		return 0;
	}
	return -1; /* damage past the last listed chunk: nothing follows it */
}

int fmt_chunk_is_snapshot(const struct fmt_chunk_info *ci)
{
	return (ci->flags & FMT_CHF_SNAPSHOT) != 0;
}

int fmt_reader_refresh(struct fmt_reader *r, struct sr_err *err)
{
	struct stat st;
	size_t before = r->nch;
	int rc;

	r->live = 1;
	if (r->info.complete)
		return 2;
	if (fstat(r->fd, &st) != 0)
		return sr_err_set(err, SR_EIO, "%s", strerror(errno));
	if ((uint64_t)st.st_size > r->limit)
		st.st_size = (off_t)r->limit;
	if ((uint64_t)st.st_size > r->size) {
		/* Workers read the chunk list and the size: none may run while
		 * they change (the chunk being walked is kept). */
		fmt_pipe_reset(r->pipe, r->nch);
		/* what stopped the last scan may be a chunk written since */
		r->size = (uint64_t)st.st_size;
		r->info.file_bytes = r->size;
		r->info.damaged = 0;
		r->info.truncated = 0;
		rc = scan_chunks(r);
		/* the pipeline predicts over the chunks listed now */
		fmt_pipe_reset(r->pipe, r->nch);
		if (rc)
			return sr_err_set(err, rc, "scanning chunks: %s", sr_code_name(rc));
	}
	for (size_t i = before; i < r->nch; i++) {
		const struct fmt_chunk_info *ci = &r->ch[i];

		r->info.chunks++;
		r->info.events += ci->count;
		r->info.raw_bytes += ci->raw_size;
		if (ci->count && (!r->info.first_ts || ci->first_ts < r->info.first_ts))
			r->info.first_ts = ci->first_ts;
		if (ci->last_ts > r->info.last_ts)
			r->info.last_ts = ci->last_ts;
	}
	if (r->nch > before)
		return 1;
	return r->scan_end ? 2 : 0;
}

void fmt_reader_set_keep(struct fmt_reader *r, int (*keep)(void *ctx, const struct evt *ev),
			 void *ctx)
{
	/* Loads in flight were made without the test: dropped, so no worker
	 * reads the test while it changes (the held one is tested here). */
	fmt_pipe_reset(r->pipe, r->nch);
	r->keep = keep;
	r->keep_ctx = ctx;
}

uint64_t fmt_reader_counted(const struct fmt_reader *r)
{
	return r->counted;
}
