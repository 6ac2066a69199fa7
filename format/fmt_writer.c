/* fmt_writer.c: writes .sysrec captures (layout in FORMAT.md).
 *
 * Records accumulate in a raw buffer; a full (or old) chunk is compressed as
 * one zstd frame behind its header and written with a single positioned
 * write. end_off always marks the end of the last complete chunk, which is
 * where a failed write is cut back to and where the index goes at close.
 */
#include "fmt_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* for ZSTD_c_literalCompressionMode (an advanced parameter; see fmt_writer_open) */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "../common/sr_buf.h"
#include "../common/sr_file.h"
#include "../common/sr_hash.h"
#include "../common/sr_time.h"
#include "evt.h"
#include "fmt_chunk.h"
#include "fmt_seal.h"
#include "fmt_wire.h"

#define DEFAULT_CHUNK_RAW   (1u << 20)
#define DEFAULT_CHUNK_NS    1000000000ull
#define DEFAULT_LEVEL	    3
#define DEFAULT_CKPT_CHUNKS 16
#define DEFAULT_CKPT_NS	    5000000000ull

struct fmt_writer {
	int fd;
	int failed; /* an error left the writer unusable: only close */
	int ended;  /* fmt_writer_end ran: the final chunk, checkpoint and index were tried */
	int end_rc; /* fmt_writer_end's outcome once the index is written (a failed fsync) */
	struct fmt_writer_opts o;
	ZSTD_CCtx *cctx;

	uint8_t *raw; /* records of the open chunk in wire form (fmt_wire.h) */
	size_t raw_len, raw_cap;
	size_t rec_len; /* the same records expanded and padded: the chunk size bound */
	struct fmt_wire_enc enc;
	uint8_t *out; /* chunk header + compressed payload */
	size_t out_cap;

	/* the open chunk */
	uint32_t count;
	uint32_t count_events; /* of count: not snapshot or meta records */
	uint64_t first_ts, last_ts, open_ts;
	uint8_t types[32];
	uint64_t drops_ring, drops_backlog;
	int in_snapshot;

	/* the file so far */
	uint64_t seq;
	uint64_t prev_hash;
	uint64_t end_off; /* end of the last complete chunk */
	uint64_t last_snapshot;
	struct fmt_index_entry *idx;
	size_t nidx, idx_cap;
	struct fmt_writer_stats st;
	uint64_t total_records;

	/* 2.1 digest chain and checkpoints */
	uint8_t seed_digest[FMT_DIGEST_LEN]; /* the file's digest seed */
	uint8_t prev_digest[FMT_DIGEST_LEN]; /* digest of the last chunk written */
	int signing;
	struct fmt_sign_key key; /* the current key (ratcheted: this epoch's) */
	uint8_t root_pub[FMT_PUB_LEN];
	uint64_t ckpt_seq;  /* w->seq after the last checkpoint */
	uint64_t ckpt_time; /* epoch ns of the last checkpoint (or the open) */
	char hostname[64];
};

/* Writes all of buf at off; returns 0 or the errno of the failing write. */
static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int errno_code(int e)
{
	/* A size limit is the same situation as a full disk for the caller. */
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return SR_ENOSPC;
	return SR_EIO;
}

/* Index block + trailer at end_off. Best effort after a failure. */
static int write_index(struct fmt_writer *w)
{
	struct fmt_index_hdr ih = {FMT_INDEX_MAGIC, sizeof(struct fmt_index_entry), w->nidx};
	size_t ents = w->nidx * sizeof(struct fmt_index_entry);
	size_t isz = sizeof(ih) + ents + 4;
	size_t total = isz + sizeof(struct fmt_trailer);
	struct fmt_trailer t;
	uint8_t *buf = malloc(total);
	uint32_t crc;
	int e;

	if (!buf)
		return SR_ENOMEM;
	memcpy(buf, &ih, sizeof(ih));
	if (ents)
		memcpy(buf + sizeof(ih), w->idx, ents);
	crc = sr_crc32c(0, buf, sizeof(ih) + ents);
	memcpy(buf + sizeof(ih) + ents, &crc, 4);

	memset(&t, 0, sizeof(t));
	t.index_offset = w->end_off;
	t.index_size = isz;
	t.chunks = w->seq;
	t.events = w->total_records;
	t.drops_ring = w->st.drops_ring;
	t.drops_backlog = w->st.drops_backlog;
	t.last_hash = w->prev_hash;
	t.crc = sr_crc32c(0, &t, offsetof(struct fmt_trailer, crc));
	t.magic = FMT_TRAILER_MAGIC;
	memcpy(buf + isz, &t, sizeof(t));

	e = write_all(w->fd, buf, total, w->end_off);
	free(buf);
	if (e) {
		/* no half index: the file ends after its last chunk, as a
		 * killed recorder's does, and its size is what st.bytes says */
		if (ftruncate(w->fd, (off_t)w->end_off) != 0)
			w->st.bytes = w->end_off + total;
		errno = e;
		return errno_code(e);
	}
	w->st.bytes = w->end_off + total;
	w->st.indexed = 1;
	return 0;
}

/* The open chunk will never reach the file. */
static void lose_chunk(struct fmt_writer *w)
{
	w->st.events_lost += w->count_events;
}

/* After a failed chunk write: cut the partial chunk, try to close the file
 * properly, and leave the writer in the failed state. */
static int fail_write(struct fmt_writer *w, int e, struct sr_err *err)
{
	int code = errno_code(e);

	w->failed = code;
	lose_chunk(w);
	if (ftruncate(w->fd, (off_t)w->end_off) == 0)
		write_index(w);
	sr_err_set(err, code, "writing chunk %llu at offset %llu: %s", (unsigned long long)w->seq,
		   (unsigned long long)w->end_off, strerror(e));
	if (err) {
		err->chunk = (int64_t)w->seq;
		err->offset = w->end_off;
	}
	return code;
}

static void reset_chunk(struct fmt_writer *w)
{
	w->raw_len = 0;
	w->rec_len = 0;
	fmt_wire_enc_reset(&w->enc);
	w->count = 0;
	w->count_events = 0;
	w->first_ts = w->last_ts = w->open_ts = 0;
	memset(w->types, 0, sizeof(w->types));
	w->drops_ring = w->drops_backlog = 0;
}

/* Writes the open chunk, or (ck set, no records open) a checkpoint chunk
 * whose header carries ck. */
static int write_chunk(struct fmt_writer *w, const struct fmt_ckpt *ck, struct sr_err *err)
{
	size_t hl = ck ? FMT_CHUNK_HDR_CKPT : FMT_CHUNK_HDR_21;
	struct fmt_chunk_hdr h;
	struct fmt_index_entry *ie;
	size_t comp, need;
	int e;

	/* A reader refuses an index longer than the format's limit: the file
	 * is full. Close it properly with what it holds. */
	if (w->nidx + (w->signing && !(ck && (ck->flags & FMT_CKPT_FINAL))) >= w->o.max_chunks) {
		w->failed = SR_ELIMIT;
		lose_chunk(w);
		write_index(w);
		sr_err_set(err, SR_ELIMIT,
			   "capture holds %llu chunks, the most a file may: "
			   "the records of chunk %llu were not written",
			   (unsigned long long)w->nidx, (unsigned long long)w->seq);
		return SR_ELIMIT;
	}
	if (w->nidx == w->idx_cap) {
		size_t ncap = w->idx_cap ? w->idx_cap * 2 : 256;
		void *np = realloc(w->idx, ncap * sizeof(*w->idx));

		if (!np)
			return sr_err_set(err, SR_ENOMEM, "out of memory for the chunk index");
		w->idx = np;
		w->idx_cap = ncap;
	}
	need = hl + ZSTD_compressBound(w->raw_len);
	if (sr_grow(&w->out, &w->out_cap, need, 64 * 1024))
		return sr_err_set(err, SR_ENOMEM, "out of memory for a %zu-byte chunk", need);
	comp = ZSTD_compress2(w->cctx, w->out + hl, w->out_cap - hl, w->raw, w->raw_len);
	if (ZSTD_isError(comp))
		return sr_err_set(err, SR_EIO, "compressing chunk %llu: %s",
				  (unsigned long long)w->seq, ZSTD_getErrorName(comp));

	memset(&h, 0, sizeof(h));
	h.magic = FMT_CHUNK_MAGIC;
	h.hdr_len = (uint32_t)hl;
	h.seq = w->seq;
	h.comp_size = (uint32_t)comp;
	h.raw_size = (uint32_t)w->raw_len;
	h.rec_size = (uint32_t)w->rec_len;
	h.count = w->count;
	h.flags = w->in_snapshot && !ck ? FMT_CHF_SNAPSHOT : 0;
	h.first_ts = w->first_ts;
	h.last_ts = w->last_ts;
	h.drops_ring = w->drops_ring;
	h.drops_backlog = w->drops_backlog;
	memcpy(h.types, w->types, sizeof(h.types));
	h.payload_crc = sr_crc32c(0, w->out + hl, comp);
	h.prev_hash = w->prev_hash;
	fmt_chunk_seal(&h);
	memcpy(w->out, &h, sizeof(h));
	/* 2.1: the digest chain after the base header, then the checkpoint. */
	memcpy(w->out + sizeof(h), w->prev_digest, FMT_DIGEST_LEN);
	if (ck)
		memcpy(w->out + FMT_CHUNK_HDR_21, ck, sizeof(*ck));
	fmt_seal_chunk_digest(w->out, hl, w->out + hl, comp, w->out + sizeof(h) + FMT_DIGEST_LEN);

	e = write_all(w->fd, w->out, hl + comp, w->end_off);
	if (e)
		return fail_write(w, e, err);
	if (w->o.fsync_chunks && fdatasync(w->fd) != 0)
		return fail_write(w, errno, err);

	if (h.flags & FMT_CHF_SNAPSHOT)
		w->last_snapshot = h.seq;
	ie = &w->idx[w->nidx++];
	fmt_index_entry_fill(ie, &h, w->end_off, w->last_snapshot);

	w->prev_hash = h.hash;
	memcpy(w->prev_digest, w->out + sizeof(h) + FMT_DIGEST_LEN, FMT_DIGEST_LEN);
	w->seq++;
	w->end_off += hl + comp;
	w->total_records += h.count;
	w->st.chunks = w->seq;
	w->st.bytes = w->end_off;
	reset_chunk(w);
	return 0;
}

/* Signs the chain head (the digest of the last chunk written) into a
 * checkpoint chunk. With the ratchet the checkpoint names the next key,
 * and the current one is forgotten once the checkpoint is on disk. */
static int write_checkpoint(struct fmt_writer *w, int final, struct sr_err *err)
{
	struct fmt_ckpt c;
	struct fmt_sign_key next;
	int rc;

	memset(&c, 0, sizeof(c));
	c.magic = FMT_CKPT_MAGIC;
	c.flags = (final ? FMT_CKPT_FINAL : 0) | (w->o.ratchet ? FMT_CKPT_RATCHET : 0);
	c.number = w->st.checkpoints;
	c.chunks = w->seq;
	c.events = w->total_records;
	c.time_ns = sr_time_now(CLOCK_REALTIME);
	memcpy(c.file_seed, w->seed_digest, FMT_DIGEST_LEN);
	memcpy(c.digest, w->prev_digest, FMT_DIGEST_LEN);
	fmt_seal_key_id(w->root_pub, c.key_id);
	memcpy(c.pub, w->key.pub, FMT_PUB_LEN);
	next = w->key;
	if (w->o.ratchet && !final) {
		uint8_t s[FMT_SEED_LEN];

		fmt_seal_ratchet(w->key.seed, s);
		rc = fmt_sign_key_from_seed(&next, s);
		fmt_seal_wipe(s, sizeof(s));
		if (rc) {
			fmt_seal_wipe(&next, sizeof(next));
			return sr_err_set(err, rc, "deriving checkpoint key %llu failed",
					  (unsigned long long)c.number + 1);
		}
	}
	memcpy(c.next_pub, next.pub, FMT_PUB_LEN);
	memcpy(c.host, w->hostname, sizeof(c.host));
	if (fmt_ckpt_sign(&c, w->key.seed)) {
		fmt_seal_wipe(&next, sizeof(next));
		return sr_err_set(err, SR_EIO, "signing checkpoint %llu failed",
				  (unsigned long long)c.number);
	}
	rc = write_chunk(w, &c, err);
	if (!rc) {
		w->key = next;
		w->st.checkpoints++;
		w->ckpt_seq = w->seq;
		w->ckpt_time = c.time_ns;
	}
	fmt_seal_wipe(&next, sizeof(next));
	return rc;
}

static int flush_chunk(struct fmt_writer *w, struct sr_err *err)
{
	int rc;

	if (w->failed)
		return w->failed;
	/* An empty chunk is written only to carry drop counts. */
	if (!w->count && !w->drops_ring && !w->drops_backlog)
		return 0;
	rc = write_chunk(w, NULL, err);
	if (rc || !w->signing)
		return rc;
	if (w->seq - w->ckpt_seq >= w->o.ckpt_chunks ||
	    sr_time_now(CLOCK_REALTIME) - w->ckpt_time >= w->o.ckpt_ns)
		return write_checkpoint(w, 0, err);
	return 0;
}

int fmt_writer_open(struct fmt_writer **out, const char *path, const struct fmt_host_info *host,
		    const struct fmt_writer_opts *opts, struct sr_err *err)
{
	struct fmt_writer *w;
	struct fmt_host_info local;
	uint8_t *hdr = NULL;
	size_t hlen;
	uint32_t hcrc;
	int e;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	if (opts)
		w->o = *opts;
	if (!w->o.chunk_raw)
		w->o.chunk_raw = DEFAULT_CHUNK_RAW;
	if (w->o.chunk_raw > FMT_CHUNK_RAW_MAX)
		w->o.chunk_raw = FMT_CHUNK_RAW_MAX;
	if (!w->o.chunk_ns)
		w->o.chunk_ns = DEFAULT_CHUNK_NS;
	if (!w->o.level)
		w->o.level = DEFAULT_LEVEL;
	if (!w->o.max_chunks || w->o.max_chunks > FMT_INDEX_MAX_CHUNKS)
		w->o.max_chunks = FMT_INDEX_MAX_CHUNKS;
	if (!w->o.ckpt_chunks)
		w->o.ckpt_chunks = DEFAULT_CKPT_CHUNKS;
	if (!w->o.ckpt_ns)
		w->o.ckpt_ns = DEFAULT_CKPT_NS;
	w->signing = w->o.sign != NULL;
	if (w->signing) {
		w->key = *w->o.sign;
		memcpy(w->root_pub, w->key.pub, FMT_PUB_LEN);
		w->o.sign = NULL; /* the copy is ours; the caller may wipe theirs */
	}
	w->last_snapshot = FMT_NO_SNAPSHOT;
	w->fd = -1;

	w->cctx = ZSTD_createCCtx();
	if (!w->cctx || fmt_wire_enc_init(&w->enc) ||
	    sr_grow(&w->raw, &w->raw_cap, w->o.chunk_raw, 64 * 1024)) {
		fmt_writer_close(w, NULL);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->o.level);
	/* The chunk header already carries a crc of the payload. */
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 0);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1);
	/* Raw (not Huffman-coded) literals: reading is bound by decompression,
	 * and this measured 15-30% faster to decompress for ~2% more bytes
	 * (bench/bench_format.c). A zstd that lacks the parameter refuses it
	 * and the default applies; frames are standard either way. */
	if (ZSTD_versionNumber() >= 10400)
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_literalCompressionMode, ZSTD_ps_disable);

	if (!host) {
		fmt_host_info_local(&local);
		host = &local;
	}
	/* The header names a key exactly when this writer signs (a host copied
	 * from a signed capture must not claim a key nobody signs with). */
	if (w->signing || host->has_sign_key) {
		if (host != &local)
			local = *host;
		local.has_sign_key = w->signing;
		memcpy(local.sign_pub, w->root_pub, FMT_PUB_LEN);
		host = &local;
	}
	memcpy(w->hostname, host->hostname, sizeof(w->hostname) - 1);
	if (fmt_seal_init() || fmt_header_build(host, &hdr, &hlen)) {
		fmt_writer_close(w, NULL);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	memcpy(&hcrc, hdr + hlen - 4, 4);
	w->prev_hash = fmt_chain_seed(hcrc);
	fmt_seal_file_seed(hdr, hlen, w->seed_digest);
	memcpy(w->prev_digest, w->seed_digest, FMT_DIGEST_LEN);
	w->ckpt_time = sr_time_now(CLOCK_REALTIME);

	w->fd = sr_file_create(path, w->o.exclusive ? 0 : SR_FILE_REPLACE, err);
	if (w->fd < 0) {
		int rc = w->fd;

		free(hdr);
		w->fd = -1;
		fmt_writer_close(w, NULL);
		return rc;
	}
	/* The header goes out at once so even an empty capture is recognisable;
	 * a file without one (disk full) is not left behind. */
	e = write_all(w->fd, hdr, hlen, 0);
	free(hdr);
	if (e) {
		sr_file_discard(w->fd, path);
		w->fd = -1;
		fmt_writer_close(w, NULL);
		return sr_err_set(err, errno_code(e), "%s: writing the file header: %s", path,
				  strerror(e));
	}
	w->end_off = hlen;
	w->st.bytes = hlen;
	*out = w;
	return 0;
}

int fmt_writer_append(struct fmt_writer *w, const void *rec, size_t len, struct sr_err *err)
{
	struct evt ev;
	const struct evt_rec *r = rec;
	size_t plen;
	size_t limit;

	if (w->failed)
		return sr_err_set(err, w->failed, "writer already failed");
	/* Never write a record a reader would reject. */
	if (len < EVT_REC_HDR || r->len != len || evt_decode(&ev, rec, len) != 0)
		return sr_err_set(err, SR_ECORRUPT, "append: malformed record (%zu bytes)", len);
	if (r->type >= EVT_TYPE_MAX)
		return sr_err_set(err, SR_ELIMIT, "append: event type %u beyond %u", r->type,
				  EVT_TYPE_MAX - 1);
	plen = fmt_rec_padded(len);
	/* A snapshot must stay one chunk; it may grow to the format's limit.
	 * Both the expanded size (what a reader allocates) and the wire size
	 * stay within it. */
	limit = w->in_snapshot ? FMT_CHUNK_RAW_MAX : w->o.chunk_raw;
	if (w->count &&
	    (w->rec_len + plen > limit || w->raw_len + FMT_WIRE_MAX(len) > FMT_CHUNK_RAW_MAX)) {
		if (w->in_snapshot)
			return sr_err_set(err, SR_ELIMIT, "snapshot larger than %u bytes",
					  FMT_CHUNK_RAW_MAX);
		int rc = flush_chunk(w, err);
		if (rc)
			return rc;
	}
	if (sr_grow(&w->raw, &w->raw_cap, w->raw_len + FMT_WIRE_MAX(len), 64 * 1024))
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	w->raw_len += fmt_wire_encode(&w->enc, r, w->raw + w->raw_len);
	w->rec_len += plen;

	if (!w->count) {
		w->first_ts = w->last_ts = w->open_ts = r->ts;
	} else {
		if (r->ts < w->first_ts)
			w->first_ts = r->ts;
		if (r->ts > w->last_ts)
			w->last_ts = r->ts;
	}
	w->count++;
	fmt_types_add(w->types, r->type);
	w->st.records++;
	if (!w->in_snapshot)
		w->st.events++;
	if (!w->in_snapshot && evt_info_get(r->type) && evt_info_get(r->type)->category != EC_META)
		w->count_events++;
	w->st.raw_bytes += len;
	return 0;
}

int fmt_writer_snapshot_begin(struct fmt_writer *w, struct sr_err *err)
{
	int rc;

	if (w->failed)
		return sr_err_set(err, w->failed, "writer already failed");
	if (w->in_snapshot)
		return 0;
	rc = flush_chunk(w, err);
	if (rc)
		return rc;
	w->in_snapshot = 1;
	return 0;
}

int fmt_writer_snapshot_end(struct fmt_writer *w, struct sr_err *err)
{
	int rc;

	if (w->failed)
		return sr_err_set(err, w->failed, "writer already failed");
	if (!w->in_snapshot)
		return 0;
	rc = flush_chunk(w, err);
	w->in_snapshot = 0;
	return rc;
}

void fmt_writer_add_drops(struct fmt_writer *w, uint64_t ring_full, uint64_t backlog)
{
	w->drops_ring += ring_full;
	w->drops_backlog += backlog;
	w->st.drops_ring += ring_full;
	w->st.drops_backlog += backlog;
}

int fmt_writer_tick(struct fmt_writer *w, uint64_t now_ns, struct sr_err *err)
{
	if (w->failed)
		return sr_err_set(err, w->failed, "writer already failed");
	/* A snapshot is flushed by snapshot_end only: it must stay one chunk. */
	if (w->in_snapshot)
		return 0;
	if (now_ns && (!w->count || now_ns < w->open_ts || now_ns - w->open_ts < w->o.chunk_ns))
		return 0;
	return flush_chunk(w, err);
}

void fmt_writer_get_stats(const struct fmt_writer *w, struct fmt_writer_stats *st)
{
	*st = w->st;
}

int fmt_writer_fd(const struct fmt_writer *w)
{
	return w->fd;
}

int fmt_writer_index_again(struct fmt_writer *w)
{
	if (!w->failed || w->st.indexed)
		return w->st.indexed ? 0 : w->failed;
	if (ftruncate(w->fd, (off_t)w->end_off) != 0)
		return SR_EIO;
	return write_index(w);
}

int fmt_writer_end(struct fmt_writer *w, struct sr_err *err)
{
	int rc;

	if (w->ended)
		return w->st.indexed ? w->end_rc
				     : sr_err_set(err, w->failed, "the index could not be written");
	if (w->fd < 0)
		return 0;
	if (w->failed)
		return sr_err_set(err, w->failed, "capture was cut short by an earlier error");
	w->ended = 1;
	rc = flush_chunk(w, err);
	if (rc && !w->failed)
		lose_chunk(w); /* not written (out of memory, compression) */
	else if (!rc && w->signing)
		rc = write_checkpoint(w, 1, err);
	if (rc) {
		/* a failed write tried the index already; anything else (the
		 * last chunk not made, signing) leaves the chunks before it
		 * whole, so they get it now */
		if (!w->failed) {
			w->failed = rc;
			write_index(w);
		}
		return rc;
	}
	rc = write_index(w);
	if (rc) {
		w->failed = rc;
		return sr_err_set(err, rc, "writing the index at offset %llu: %s",
				  (unsigned long long)w->end_off, strerror(errno));
	}
	if (fsync(w->fd) != 0) {
		w->end_rc = SR_EIO;
		return sr_err_set(err, SR_EIO, "fsync: %s", strerror(errno));
	}
	return 0;
}

int fmt_writer_close(struct fmt_writer *w, struct sr_err *err)
{
	return fmt_writer_finish(w, NULL, err);
}

int fmt_writer_finish(struct fmt_writer *w, struct fmt_writer_stats *st, struct sr_err *err)
{
	int rc;

	if (!w)
		return 0;
	rc = fmt_writer_end(w, err);
	if (st)
		*st = w->st;
	if (w->fd >= 0 && close(w->fd) != 0 && !rc)
		rc = sr_err_set(err, SR_EIO, "close: %s", strerror(errno));
	ZSTD_freeCCtx(w->cctx);
	fmt_wire_enc_free(&w->enc);
	free(w->raw);
	free(w->out);
	free(w->idx);
	fmt_seal_wipe(&w->key, sizeof(w->key));
	free(w);
	return rc;
}
