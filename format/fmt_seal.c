/* fmt_seal.c: digests and checkpoint signatures of 2.1 captures (FORMAT.md). */
#include "fmt_seal.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

#include "fmt_layout.h"

/* Context strings keep a digest or signature of one kind from passing for
 * another (a chunk digest for a file seed, a checkpoint for anything else). */
static const char seed_ctx[] = "sysrec file seed 2.1";
static const char ckpt_ctx[] = "sysrec checkpoint 1";
static const char ratchet_ctx[] = "sysrec key ratchet 1";

int fmt_seal_init(void)
{
	return sodium_init() < 0 ? SR_ENOMEM : 0;
}

void fmt_seal_file_seed(const uint8_t *hdr, size_t len, uint8_t out[FMT_DIGEST_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, FMT_DIGEST_LEN);
	crypto_generichash_update(&st, (const uint8_t *)seed_ctx, sizeof(seed_ctx));
	crypto_generichash_update(&st, hdr, len);
	crypto_generichash_final(&st, out, FMT_DIGEST_LEN);
}

void fmt_seal_chunk_digest(const uint8_t *hdr, size_t hdr_len, const uint8_t *payload, size_t plen,
			   uint8_t out[FMT_DIGEST_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, FMT_DIGEST_LEN);
	crypto_generichash_update(&st, hdr, FMT_CHUNK_HDR_21 - FMT_DIGEST_LEN);
	if (hdr_len > FMT_CHUNK_HDR_21)
		crypto_generichash_update(&st, hdr + FMT_CHUNK_HDR_21, hdr_len - FMT_CHUNK_HDR_21);
	crypto_generichash_update(&st, payload, plen);
	crypto_generichash_final(&st, out, FMT_DIGEST_LEN);
}

void fmt_seal_key_id(const uint8_t pub[FMT_PUB_LEN], uint8_t id[FMT_KEYID_LEN])
{
	uint8_t d[FMT_DIGEST_LEN];

	crypto_generichash(d, sizeof(d), pub, FMT_PUB_LEN, NULL, 0);
	memcpy(id, d, FMT_KEYID_LEN);
}

void fmt_seal_key_id_hex(const uint8_t pub[FMT_PUB_LEN], char out[2 * FMT_KEYID_LEN + 1])
{
	uint8_t id[FMT_KEYID_LEN];

	fmt_seal_key_id(pub, id);
	sodium_bin2hex(out, 2 * FMT_KEYID_LEN + 1, id, sizeof(id));
}

static void ckpt_message(const struct fmt_ckpt *c, uint8_t *msg, size_t *len)
{
	memcpy(msg, ckpt_ctx, sizeof(ckpt_ctx));
	memcpy(msg + sizeof(ckpt_ctx), c, offsetof(struct fmt_ckpt, sig));
	*len = sizeof(ckpt_ctx) + offsetof(struct fmt_ckpt, sig);
}

void fmt_sign_key_from_seed(struct fmt_sign_key *k, const uint8_t seed[FMT_SEED_LEN])
{
	uint8_t sk[crypto_sign_SECRETKEYBYTES];

	memcpy(k->seed, seed, FMT_SEED_LEN);
	crypto_sign_seed_keypair(k->pub, sk, seed);
	sodium_memzero(sk, sizeof(sk));
}

int fmt_ckpt_sign(struct fmt_ckpt *c, const uint8_t seed[FMT_SEED_LEN])
{
	uint8_t sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t msg[sizeof(ckpt_ctx) + sizeof(*c)];
	size_t len;
	int rc;

	crypto_sign_seed_keypair(pk, sk, seed);
	ckpt_message(c, msg, &len);
	rc = crypto_sign_detached(c->sig, NULL, msg, len, sk);
	sodium_memzero(sk, sizeof(sk));
	return rc ? SR_EIO : 0;
}

int fmt_ckpt_check_sig(const struct fmt_ckpt *c)
{
	uint8_t msg[sizeof(ckpt_ctx) + sizeof(*c)];
	size_t len;

	ckpt_message(c, msg, &len);
	return crypto_sign_verify_detached(c->sig, msg, len, c->pub) ? SR_ECORRUPT : 0;
}

void fmt_seal_ratchet(const uint8_t seed[FMT_SEED_LEN], uint8_t next[FMT_SEED_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, FMT_SEED_LEN);
	crypto_generichash_update(&st, (const uint8_t *)ratchet_ctx, sizeof(ratchet_ctx));
	crypto_generichash_update(&st, seed, FMT_SEED_LEN);
	crypto_generichash_final(&st, next, FMT_SEED_LEN);
}
