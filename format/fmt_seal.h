/* fmt_seal: the cryptographic side of a 2.1 capture (FORMAT.md, "Digest
 * chain and checkpoints"): the SHA-256 chain over chunk headers and
 * payloads, and the Ed25519-signed checkpoints that seal its head.
 *
 * OpenSSL's libcrypto is the one crypto library used: its SHA-256 runs on
 * the CPU's SHA extensions (about 1.7 times libsodium's BLAKE2b on the machine
 * measured, FORMAT.md version log), and it signs Ed25519 from the same raw
 * 32-byte seeds and public keys.
 *
 * Threads: call fmt_seal_init on each thread before its first digest (each
 * thread has its own digest context); the rest is then safe to call from
 * any thread.
 */
#ifndef FMT_SEAL_H
#define FMT_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/sr_err.h"

#define FMT_DIGEST_LEN 32
#define FMT_PUB_LEN    32
#define FMT_SEED_LEN   32
#define FMT_SIG_LEN    64
#define FMT_KEYID_LEN  8

/* Bytes a 2.1 chunk header adds after the 128-byte base: prev_digest, digest. */
#define FMT_CHUNK_HDR_21 192u
#define FMT_CKPT_MAGIC	 0x31504b43u /* "CKP1" */
#define FMT_CKPT_FINAL	 0x1u	     /* written at close: nothing follows */
#define FMT_CKPT_RATCHET 0x2u	     /* each checkpoint's key is certified by the previous one */

/* A checkpoint, at chunk header offset 192 of a checkpoint chunk. */
struct fmt_ckpt {
	uint32_t magic;
	uint32_t flags;
	uint64_t number;		   /* 0 for the first checkpoint of the file, then +1 */
	uint64_t chunks;		   /* chunks sealed: [0, chunks); equals this chunk's seq */
	uint64_t events;		   /* records in those chunks */
	uint64_t time_ns;		   /* when it was signed, epoch ns */
	uint8_t file_seed[FMT_DIGEST_LEN]; /* the capture's digest seed */
	uint8_t digest[FMT_DIGEST_LEN];	   /* digest of chunk chunks-1 (the seed when 0) */
	uint8_t key_id[FMT_KEYID_LEN];	   /* of the file's root public key */
	uint8_t pub[FMT_PUB_LEN];	   /* the key that signs this checkpoint */
	uint8_t next_pub[FMT_PUB_LEN];	   /* the key that signs the next one */
	char host[64];			   /* hostname, NUL padded */
	uint8_t sig[FMT_SIG_LEN];	   /* Ed25519 over the context and bytes [0, sig) */
};
_Static_assert(sizeof(struct fmt_ckpt) == 304, "checkpoint layout");
#define FMT_CHUNK_HDR_CKPT (FMT_CHUNK_HDR_21 + (unsigned)sizeof(struct fmt_ckpt))

/* A signing key: the 32-byte Ed25519 seed and its public key. */
struct fmt_sign_key {
	uint8_t seed[FMT_SEED_LEN];
	uint8_t pub[FMT_PUB_LEN];
};

/* 0, or SR_ENOMEM when libcrypto has no SHA-256 or no memory for this
 * thread's digest context. */
int fmt_seal_init(void);
/* Erases secrets (the compiler may not drop it as a dead store). */
void fmt_seal_wipe(void *p, size_t len);

/* The digest seed of a capture: SHA-256 over the context string and the
 * whole file header (fixed part, metadata, crc). */
void fmt_seal_file_seed(const uint8_t *hdr, size_t len, uint8_t out[FMT_DIGEST_LEN]);
/* A chunk's digest: SHA-256 over header bytes [0, 160) (prev_digest
 * included), header bytes [192, hdr_len) and the payload. */
void fmt_seal_chunk_digest(const uint8_t *hdr, size_t hdr_len, const uint8_t *payload, size_t plen,
			   uint8_t out[FMT_DIGEST_LEN]);
/* First 8 bytes of SHA-256 of a public key. */
void fmt_seal_key_id(const uint8_t pub[FMT_PUB_LEN], uint8_t id[FMT_KEYID_LEN]);
void fmt_seal_key_id_hex(const uint8_t pub[FMT_PUB_LEN], char out[2 * FMT_KEYID_LEN + 1]);

/* Signs c (fills c->sig) with the key seed. */
int fmt_ckpt_sign(struct fmt_ckpt *c, const uint8_t seed[FMT_SEED_LEN]);
/* 0 when c->sig is c->pub's signature over c. */
int fmt_ckpt_check_sig(const struct fmt_ckpt *c);
/* The next seed of the ratchet: SHA-256 of a context and the seed (next may
 * be seed). */
void fmt_seal_ratchet(const uint8_t seed[FMT_SEED_LEN], uint8_t next[FMT_SEED_LEN]);
/* The Ed25519 key pair of a seed; SR_ENOMEM or SR_EIO when libcrypto fails. */
int fmt_sign_key_from_seed(struct fmt_sign_key *k, const uint8_t seed[FMT_SEED_LEN]);

/* Key files. The private file is one line "sysrec-ed25519-secret <64 hex>",
 * the public text one line "sysrec-ed25519 <64 hex>". keygen creates
 * path (mode 0600, O_EXCL|O_NOFOLLOW) and path.pub. */
int fmt_key_generate(const char *path, struct fmt_sign_key *out, struct sr_err *err);
/* The keygen command of both tools (`sysrec keygen`, `sysreplay keygen`):
 * argv[0] is "keygen", then -o KEY. Prints the files, the key id and the
 * pasteable public line; errors are one line "PROG keygen: ..." on stderr.
 * Returns the exit status: 0, or 2 (bad usage, key not written). */
int fmt_key_cmd(const char *prog, int argc, char **argv);
int fmt_key_load_private(const char *path, struct fmt_sign_key *out, struct sr_err *err);
/* Accepts a file holding the public line, or the line itself. */
int fmt_key_load_public(const char *arg, uint8_t pub[FMT_PUB_LEN], struct sr_err *err);
void fmt_key_public_text(const uint8_t pub[FMT_PUB_LEN], char out[100]);

/* SHA-256 of a whole file, as 64 hex digits (the hand-over hash). */
int fmt_file_sha256(const char *path, char out[65], struct sr_err *err);

#endif
