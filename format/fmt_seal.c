/* fmt_seal.c: digests and checkpoint signatures of 2.1 captures (FORMAT.md). */
#include "fmt_seal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/sr_hex.h"
#include "fmt_layout.h"

/* Context strings keep a digest or signature of one kind from passing for
 * another (a chunk digest for a file seed, a checkpoint for anything else). */
static const char seed_ctx[] = "sysrec file seed 2.1";
static const char ckpt_ctx[] = "sysrec checkpoint 1";
static const char ratchet_ctx[] = "sysrec key ratchet 1";

/* SHA-256 fetched once: an explicit fetch spares OpenSSL 3 a provider
 * look-up on every digest init. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
/* One digest context per thread, reused for every digest it computes. */
static _Thread_local EVP_MD_CTX *tl_ctx;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int fmt_seal_init(void)
{
	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md)
		return SR_ENOMEM;
	if (!tl_ctx)
		tl_ctx = EVP_MD_CTX_new();
	return tl_ctx ? 0 : SR_ENOMEM;
}

void fmt_seal_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

/* The digests below cannot fail once fmt_seal_init succeeded on this thread
 * (SHA-256 is always in the default provider); a caller that skipped it and
 * whose late init fails has no digest to return, so that ends the process. */
static EVP_MD_CTX *sha_begin(void)
{
	if (fmt_seal_init() || EVP_DigestInit_ex(tl_ctx, sha256_md, NULL) != 1) {
		fputs("sysrec: SHA-256 unavailable from libcrypto\n", stderr);
		abort();
	}
	return tl_ctx;
}

static void sha_end(EVP_MD_CTX *c, uint8_t out[FMT_DIGEST_LEN])
{
	unsigned int n = 0;

	EVP_DigestFinal_ex(c, out, &n);
}

void fmt_seal_file_seed(const uint8_t *hdr, size_t len, uint8_t out[FMT_DIGEST_LEN])
{
	EVP_MD_CTX *c = sha_begin();

	EVP_DigestUpdate(c, seed_ctx, sizeof(seed_ctx));
	EVP_DigestUpdate(c, hdr, len);
	sha_end(c, out);
}

void fmt_seal_chunk_digest(const uint8_t *hdr, size_t hdr_len, const uint8_t *payload, size_t plen,
			   uint8_t out[FMT_DIGEST_LEN])
{
	EVP_MD_CTX *c = sha_begin();

	EVP_DigestUpdate(c, hdr, FMT_CHUNK_HDR_21 - FMT_DIGEST_LEN);
	if (hdr_len > FMT_CHUNK_HDR_21)
		EVP_DigestUpdate(c, hdr + FMT_CHUNK_HDR_21, hdr_len - FMT_CHUNK_HDR_21);
	EVP_DigestUpdate(c, payload, plen);
	sha_end(c, out);
}

void fmt_seal_key_id(const uint8_t pub[FMT_PUB_LEN], uint8_t id[FMT_KEYID_LEN])
{
	EVP_MD_CTX *c = sha_begin();
	uint8_t d[FMT_DIGEST_LEN];

	EVP_DigestUpdate(c, pub, FMT_PUB_LEN);
	sha_end(c, d);
	memcpy(id, d, FMT_KEYID_LEN);
}

void fmt_seal_key_id_hex(const uint8_t pub[FMT_PUB_LEN], char out[2 * FMT_KEYID_LEN + 1])
{
	uint8_t id[FMT_KEYID_LEN];

	fmt_seal_key_id(pub, id);
	sr_hex_encode(id, sizeof(id), out);
}

static void ckpt_message(const struct fmt_ckpt *c, uint8_t *msg, size_t *len)
{
	memcpy(msg, ckpt_ctx, sizeof(ckpt_ctx));
	memcpy(msg + sizeof(ckpt_ctx), c, offsetof(struct fmt_ckpt, sig));
	*len = sizeof(ckpt_ctx) + offsetof(struct fmt_ckpt, sig);
}

int fmt_sign_key_from_seed(struct fmt_sign_key *k, const uint8_t seed[FMT_SEED_LEN])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, FMT_SEED_LEN);
	size_t n = FMT_PUB_LEN;
	int ok;

	if (!pk)
		return SR_ENOMEM;
	ok = EVP_PKEY_get_raw_public_key(pk, k->pub, &n) == 1 && n == FMT_PUB_LEN;
	EVP_PKEY_free(pk);
	if (!ok)
		return SR_EIO;
	memcpy(k->seed, seed, FMT_SEED_LEN);
	return 0;
}

int fmt_ckpt_sign(struct fmt_ckpt *c, const uint8_t seed[FMT_SEED_LEN])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, FMT_SEED_LEN);
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	uint8_t msg[sizeof(ckpt_ctx) + sizeof(*c)];
	size_t len, slen = FMT_SIG_LEN;
	int ok = 0;

	ckpt_message(c, msg, &len);
	/* Ed25519 signs the message itself (no pre-hash): no digest named. */
	if (pk && mc && EVP_DigestSignInit(mc, NULL, NULL, NULL, pk) == 1)
		ok = EVP_DigestSign(mc, c->sig, &slen, msg, len) == 1 && slen == FMT_SIG_LEN;
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(pk);
	return ok ? 0 : SR_EIO;
}

int fmt_ckpt_check_sig(const struct fmt_ckpt *c)
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, c->pub, FMT_PUB_LEN);
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	uint8_t msg[sizeof(ckpt_ctx) + sizeof(*c)];
	size_t len;
	int rc = SR_ECORRUPT;

	ckpt_message(c, msg, &len);
	if (!pk || !mc)
		rc = SR_ENOMEM;
	else if (EVP_DigestVerifyInit(mc, NULL, NULL, NULL, pk) == 1 &&
		 EVP_DigestVerify(mc, c->sig, FMT_SIG_LEN, msg, len) == 1)
		rc = 0;
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(pk);
	return rc;
}

void fmt_seal_ratchet(const uint8_t seed[FMT_SEED_LEN], uint8_t next[FMT_SEED_LEN])
{
	EVP_MD_CTX *c = sha_begin();

	EVP_DigestUpdate(c, ratchet_ctx, sizeof(ratchet_ctx));
	EVP_DigestUpdate(c, seed, FMT_SEED_LEN);
	sha_end(c, next);
}
