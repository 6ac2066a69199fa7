/* tamper: does to a signed .sysrec capture what an attacker with write
 * access (and no signing key, unless said) would, for the tamper tests
 * (tests/e2e/seal_tamper.sh). Every case rewrites the whole file with valid
 * CRCs, a valid 64-bit hash chain, index and trailer, so only the 2.1
 * digest chain and the signed checkpoints can give it away.
 *
 *   tamper CASE IN OUT [ARG]
 *
 * Cases:
 *   edit-crc        flip one byte of an event; fix CRCs and the 64-bit chain
 *   edit-rechain    the same, and recompute the whole digest chain and the
 *                   checkpoints' digest and event fields
 *   delete          remove a middle data chunk, fix the index (seq kept)
 *   delete-rechain  remove it, renumber, recompute every chain
 *   swap            swap two data chunks, fix the index (seq kept)
 *   swap-rechain    swap them, renumber, recompute every chain
 *   truncate        cut back to the first checkpoint, forge index and trailer
 *   tail-drop       cut back to the first checkpoint, no index or trailer
 *   replace-key     put ARG's key (a private key file) in the header and
 *                   re-sign every checkpoint with it
 *   replay-ckpt     replace the first checkpoint by the one of capture ARG
 *                   (same host and key), recompute the chains
 *   reorder-ckpt    swap the first two checkpoints, recompute the chains
 *   resign-later    forward-secure capture, ARG the original key file: the
 *                   attacker holds the key of the last epoch and re-signs an
 *                   edited earlier checkpoint with it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "common/sr_hash.h"
#include "format/evt.h"
#include "format/fmt_chunk.h"
#include "format/fmt_layout.h"
#include "format/fmt_seal.h"

struct chunk {
	uint8_t *hdr; /* hdr_len bytes */
	uint32_t hdr_len;
	uint8_t *payload;
	uint32_t plen;
};

struct cap {
	uint8_t *fhdr;
	uint32_t fhdr_len;
	struct chunk *ch;
	size_t n;
};

static void die(const char *msg)
{
	fprintf(stderr, "tamper: %s\n", msg);
	exit(2);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		die("cannot open input");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read input");
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Chunks found by walking headers from the file header. */
static void load(struct cap *c, const char *path)
{
	size_t len, off;
	uint8_t *b = slurp(path, &len);
	struct fmt_file_hdr fh;

	memcpy(&fh, b, sizeof(fh));
	if (memcmp(fh.magic, FMT_MAGIC, 8) || fh.minor < 1)
		die("not a 2.1 capture");
	c->fhdr_len = fh.hdr_len;
	c->fhdr = malloc(fh.hdr_len);
	memcpy(c->fhdr, b, fh.hdr_len);
	c->n = 0;
	c->ch = NULL;
	for (off = fh.hdr_len; off + sizeof(struct fmt_chunk_hdr) <= len;) {
		struct fmt_chunk_hdr h;
		struct chunk *k;

		memcpy(&h, b + off, sizeof(h));
		if (h.magic != FMT_CHUNK_MAGIC || off + h.hdr_len + h.comp_size > len)
			break;
		c->ch = realloc(c->ch, (c->n + 1) * sizeof(*c->ch));
		k = &c->ch[c->n++];
		k->hdr_len = h.hdr_len;
		k->hdr = malloc(h.hdr_len);
		memcpy(k->hdr, b + off, h.hdr_len);
		k->plen = h.comp_size;
		k->payload = malloc(h.comp_size ? h.comp_size : 1);
		memcpy(k->payload, b + off + h.hdr_len, h.comp_size);
		off += h.hdr_len + h.comp_size;
	}
	free(b);
}

static void drop(struct cap *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->ch[i].hdr);
		free(c->ch[i].payload);
	}
	free(c->ch);
	free(c->fhdr);
	memset(c, 0, sizeof(*c));
}

static int is_ckpt(const struct chunk *k)
{
	uint32_t m;

	if (k->hdr_len < FMT_CHUNK_HDR_CKPT)
		return 0;
	memcpy(&m, k->hdr + FMT_CHUNK_HDR_21, 4);
	return m == FMT_CKPT_MAGIC;
}

static struct fmt_ckpt *ckpt_of(struct chunk *k)
{
	return (struct fmt_ckpt *)(void *)(k->hdr + FMT_CHUNK_HDR_21);
}

/* Index of the nth checkpoint chunk, or of the nth data chunk with records. */
static size_t nth(const struct cap *c, int ckpt, size_t n)
{
	for (size_t i = 0; i < c->n; i++) {
		struct fmt_chunk_hdr h;

		memcpy(&h, c->ch[i].hdr, sizeof(h));
		if (ckpt ? is_ckpt(&c->ch[i]) : (!is_ckpt(&c->ch[i]) && h.count && !h.flags))
			if (n-- == 0)
				return i;
	}
	die("capture has too few chunks of that kind");
	return 0;
}

struct opts {
	int renumber; /* seq = position */
	int redigest; /* recompute the digest chain */
	int fix_ckpt; /* ... and the checkpoints' digest, seed and event fields */
	const struct fmt_sign_key *resign;
};

/* Writes header, chunks, index and trailer with every CRC and the 64-bit
 * chain recomputed (and, per opts, the rest). index 0: no index/trailer. */
static void save(struct cap *c, const char *path, const struct opts *o, int index)
{
	FILE *f = fopen(path, "wb");
	uint8_t seed[FMT_DIGEST_LEN], head[FMT_DIGEST_LEN];
	struct fmt_index_entry *ie = calloc(c->n + 1, sizeof(*ie));
	uint64_t off, prev, events = 0, snap = UINT64_MAX, dr = 0, db = 0;
	uint32_t crc;

	if (!f || !ie)
		die("cannot write output");
	crc = sr_crc32c(0, c->fhdr, c->fhdr_len - 4);
	memcpy(c->fhdr + c->fhdr_len - 4, &crc, 4);
	prev = fmt_chain_seed(crc);
	fmt_seal_file_seed(c->fhdr, c->fhdr_len, seed);
	memcpy(head, seed, sizeof(head));
	fwrite(c->fhdr, 1, c->fhdr_len, f);
	off = c->fhdr_len;
	for (size_t i = 0; i < c->n; i++) {
		struct chunk *k = &c->ch[i];
		struct fmt_chunk_hdr h;

		memcpy(&h, k->hdr, sizeof(h));
		if (o->renumber)
			h.seq = i;
		h.comp_size = k->plen;
		h.payload_crc = sr_crc32c(0, k->payload, k->plen);
		h.prev_hash = prev;
		fmt_chunk_seal(&h);
		prev = h.hash;
		memcpy(k->hdr, &h, sizeof(h));
		if (o->redigest) {
			if (is_ckpt(k) && o->fix_ckpt) {
				struct fmt_ckpt *ck = ckpt_of(k);

				memcpy(ck->digest, head, sizeof(head));
				memcpy(ck->file_seed, seed, sizeof(seed));
				ck->events = events;
				if (o->resign) {
					memcpy(ck->pub, o->resign->pub, FMT_PUB_LEN);
					memcpy(ck->next_pub, o->resign->pub, FMT_PUB_LEN);
					fmt_seal_key_id(o->resign->pub, ck->key_id);
					fmt_ckpt_sign(ck, o->resign->seed);
				}
			}
			memcpy(k->hdr + sizeof(h), head, sizeof(head));
			fmt_seal_chunk_digest(k->hdr, k->hdr_len, k->payload, k->plen,
					      k->hdr + sizeof(h) + FMT_DIGEST_LEN);
			memcpy(head, k->hdr + sizeof(h) + FMT_DIGEST_LEN, sizeof(head));
		}
		if (h.flags & FMT_CHF_SNAPSHOT)
			snap = i;
		ie[i].offset = off;
		ie[i].comp_size = h.comp_size;
		ie[i].raw_size = h.raw_size;
		ie[i].first_ts = h.first_ts;
		ie[i].last_ts = h.last_ts;
		ie[i].count = h.count;
		ie[i].flags = h.flags;
		ie[i].snapshot = snap;
		memcpy(ie[i].types, h.types, sizeof(h.types));
		events += h.count;
		dr += h.drops_ring;
		db += h.drops_backlog;
		fwrite(k->hdr, 1, k->hdr_len, f);
		fwrite(k->payload, 1, k->plen, f);
		off += k->hdr_len + k->plen;
	}
	if (index) {
		struct fmt_index_hdr ih = {FMT_INDEX_MAGIC, sizeof(struct fmt_index_entry), c->n};
		struct fmt_trailer t;
		uint32_t icrc;

		icrc = sr_crc32c(0, &ih, sizeof(ih));
		icrc = sr_crc32c(icrc, ie, c->n * sizeof(*ie));
		fwrite(&ih, 1, sizeof(ih), f);
		fwrite(ie, sizeof(*ie), c->n, f);
		fwrite(&icrc, 1, 4, f);
		memset(&t, 0, sizeof(t));
		t.index_offset = off;
		t.index_size = sizeof(ih) + c->n * sizeof(*ie) + 4;
		t.chunks = c->n;
		t.events = events;
		t.drops_ring = dr;
		t.drops_backlog = db;
		t.last_hash = prev;
		t.crc = sr_crc32c(0, &t, offsetof(struct fmt_trailer, crc));
		t.magic = FMT_TRAILER_MAGIC;
		fwrite(&t, 1, sizeof(t), f);
	}
	free(ie);
	if (fclose(f))
		die("cannot write output");
}

/* Flips one byte inside the first record's parameters of chunk i and
 * recompresses its payload. */
static void edit_event(struct chunk *k)
{
	struct fmt_chunk_hdr h;
	unsigned long long n;
	uint8_t *raw;
	size_t cap, clen;

	memcpy(&h, k->hdr, sizeof(h));
	n = ZSTD_getFrameContentSize(k->payload, k->plen);
	if (n != h.raw_size || !n)
		die("unexpected payload");
	raw = malloc(n);
	if (ZSTD_decompress(raw, n, k->payload, k->plen) != n)
		die("payload does not decompress");
	raw[n - 1] ^= 0x01; /* the last byte: a parameter byte of the last record */
	cap = ZSTD_compressBound(n);
	free(k->payload);
	k->payload = malloc(cap);
	clen = ZSTD_compress(k->payload, cap, raw, n, 3);
	if (ZSTD_isError(clen))
		die("recompression failed");
	k->plen = (uint32_t)clen;
	free(raw);
}

static void remove_chunk(struct cap *c, size_t i)
{
	free(c->ch[i].hdr);
	free(c->ch[i].payload);
	memmove(&c->ch[i], &c->ch[i + 1], (c->n - i - 1) * sizeof(*c->ch));
	c->n--;
}

static void swap_chunks(struct cap *c, size_t a, size_t b)
{
	struct chunk t = c->ch[a];

	c->ch[a] = c->ch[b];
	c->ch[b] = t;
}

/* Replaces the SIGN_KEY TLV value in the file header. */
static void replace_header_key(struct cap *c, const uint8_t pub[FMT_PUB_LEN])
{
	size_t off = sizeof(struct fmt_file_hdr);

	while (off + 8 <= c->fhdr_len - 4) {
		uint16_t tag;
		uint32_t l;

		memcpy(&tag, c->fhdr + off, 2);
		memcpy(&l, c->fhdr + off + 4, 4);
		if (tag == FMT_META_SIGN_KEY && l == FMT_PUB_LEN) {
			memcpy(c->fhdr + off + 8, pub, FMT_PUB_LEN);
			return;
		}
		if (tag == FMT_META_END)
			break;
		off += 8 + fmt_rec_padded(l);
	}
	die("no signing key in the header");
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct cap c, other;
	struct fmt_sign_key key;
	struct sr_err err;
	const char *kase;
	size_t i, j;

	if (argc < 4)
		die("usage: tamper CASE IN OUT [ARG]");
	if (fmt_seal_init())
		die("libcrypto");
	kase = argv[1];
	load(&c, argv[2]);
	if (!strcmp(kase, "edit-crc") || !strcmp(kase, "edit-rechain")) {
		edit_event(&c.ch[nth(&c, 0, 2)]);
		o.redigest = o.fix_ckpt = !strcmp(kase, "edit-rechain");
	} else if (!strcmp(kase, "delete") || !strcmp(kase, "delete-rechain")) {
		remove_chunk(&c, nth(&c, 0, 2));
		o.renumber = o.redigest = o.fix_ckpt = !strcmp(kase, "delete-rechain");
	} else if (!strcmp(kase, "swap") || !strcmp(kase, "swap-rechain")) {
		swap_chunks(&c, nth(&c, 0, 1), nth(&c, 0, 2));
		o.renumber = o.redigest = o.fix_ckpt = !strcmp(kase, "swap-rechain");
	} else if (!strcmp(kase, "truncate") || !strcmp(kase, "tail-drop")) {
		i = nth(&c, 1, 0);
		while (c.n > i + 1)
			remove_chunk(&c, c.n - 1);
		save(&c, argv[3], &o, !strcmp(kase, "truncate"));
		drop(&c);
		return 0;
	} else if (!strcmp(kase, "replace-key")) {
		if (argc < 5 || fmt_key_load_private(argv[4], &key, &err))
			die("replace-key needs a private key file");
		replace_header_key(&c, key.pub);
		o.redigest = o.fix_ckpt = 1;
		o.resign = &key;
	} else if (!strcmp(kase, "replay-ckpt")) {
		if (argc < 5)
			die("replay-ckpt needs the other capture");
		load(&other, argv[4]);
		i = nth(&c, 1, 0);
		j = nth(&other, 1, 0);
		free(c.ch[i].hdr);
		c.ch[i].hdr = other.ch[j].hdr;
		c.ch[i].hdr_len = other.ch[j].hdr_len;
		other.ch[j].hdr = NULL;
		drop(&other);

	} else if (!strcmp(kase, "reorder-ckpt")) {
		i = nth(&c, 1, 0);
		j = nth(&c, 1, 1);
		struct fmt_ckpt t = *ckpt_of(&c.ch[i]);
		*ckpt_of(&c.ch[i]) = *ckpt_of(&c.ch[j]);
		*ckpt_of(&c.ch[j]) = t;
	} else if (!strcmp(kase, "resign-later")) {
		uint8_t s[FMT_SEED_LEN];
		size_t last;

		if (argc < 5 || fmt_key_load_private(argv[4], &key, &err))
			die("resign-later needs the original private key file");
		/* the attacker's key: the seed of the last checkpoint's epoch */
		last = 0;
		for (i = 0; i < c.n; i++)
			if (is_ckpt(&c.ch[i]))
				last = ckpt_of(&c.ch[i])->number;
		memcpy(s, key.seed, sizeof(s));
		for (uint64_t e = 0; e < last; e++)
			fmt_seal_ratchet(s, s);
		if (fmt_sign_key_from_seed(&key, s))
			die("key");
		/* edit data sealed by checkpoint 1 and re-sign it with the later key */
		edit_event(&c.ch[nth(&c, 1, 0) + 1]);
		o.redigest = o.fix_ckpt = 1;
		save(&c, argv[3], &o, 1);
		drop(&c);
		load(&c, argv[3]);
		i = nth(&c, 1, 1);
		memcpy(ckpt_of(&c.ch[i])->pub, key.pub, FMT_PUB_LEN);
		fmt_ckpt_sign(ckpt_of(&c.ch[i]), key.seed);
		o.fix_ckpt = 0;
	} else {
		die("unknown case");
	}
	/* The chain recomputed over the moved checkpoints; their signed fields
	 * stay as signed. */
	if (!strcmp(kase, "replay-ckpt") || !strcmp(kase, "reorder-ckpt"))
		o.redigest = 1;
	save(&c, argv[3], &o, 1);
	drop(&c);
	return 0;
}
