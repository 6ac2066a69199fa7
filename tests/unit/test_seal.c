/* The 2.1 integrity primitives: key files, checkpoint signatures, the key
 * ratchet, and the digest chain as the writer lays it and the reader checks
 * it. The tamper cases on whole files are in tests/e2e/seal_tamper.sh. */
#include <sys/stat.h>

#include "format/fmt_reader.h"
#include "format/fmt_seal.h"
#include "format/fmt_writer.h"
#include "tests/tap.h"
#include "tests/unit/test_format_util.h"

static void write_text(const char *path, const char *text, int mode)
{
	tfu_write_file(path, text, strlen(text));
	chmod(path, (mode_t)mode);
}

TEST(public_key_text_is_strict)
{
	const char *p = tfu_path("pub");
	uint8_t pub[32];
	struct sr_err err;
	char line[100];
	static const char *bad[] = {
	    "sysrec-ed25519 00",
	    "sysrec-ed25519 "
	    "0000000000000000000000000000000000000000000000000000000000000000x",
	    "sysrec-ed25519-secret "
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "ssh-ed25519 0000000000000000000000000000000000000000000000000000000000000000",
	    "sysrec-ed25519 000000000000000000000000000000000000000000000000000000000000000\n",
	    "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(p, bad[i], 0644);
		CHECK_EQ_INT(fmt_key_load_public(p, pub, &err), SR_EFORMAT);
	}
	memset(pub, 0xab, sizeof(pub));
	fmt_key_public_text(pub, line);
	memset(pub, 0, sizeof(pub));
	CHECK_EQ_INT(fmt_key_load_public(line, pub, &err), 0);
	CHECK_EQ_INT(pub[0], 0xab);
	CHECK_EQ_INT(pub[31], 0xab);
}

TEST(keygen_pair_and_private_mode)
{
	const char *k = tfu_path("key");
	char pubpath[300];
	struct fmt_sign_key a, b;
	uint8_t pub[32];
	struct sr_err err;
	struct stat st;

	CHECK_EQ_INT(fmt_key_generate(k, &a, &err), 0);
	CHECK_EQ_INT(stat(k, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	/* never replaced */
	CHECK_EQ_INT(fmt_key_generate(k, &b, &err), SR_EIO);
	CHECK_EQ_INT(fmt_key_load_private(k, &b, &err), 0);
	CHECK(memcmp(a.pub, b.pub, 32) == 0);
	snprintf(pubpath, sizeof(pubpath), "%s.pub", k);
	CHECK_EQ_INT(fmt_key_load_public(pubpath, pub, &err), 0);
	CHECK(memcmp(a.pub, pub, 32) == 0);
	chmod(k, 0640);
	CHECK_EQ_INT(fmt_key_load_private(k, &b, &err), SR_EFORMAT);
}

static void unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

/* The primitives are the standard ones (FORMAT.md: plain SHA-256, RFC 8032
 * Ed25519), so any tool can recompute them: known answers. */
TEST(primitives_are_standard)
{
	uint8_t zero[32] = {0}, seed[32], want[32], d[32], hdr[202], ratchet[32] = {1};
	struct fmt_sign_key k;
	char id[17];

	CHECK_EQ_INT(fmt_seal_init(), 0);
	/* key id: SHA-256 of 32 zero bytes, first 8 */
	fmt_seal_key_id_hex(zero, id);
	CHECK_STR(id, "66687aadf862bd77");
	/* RFC 8032, 7.1 test 1: seed to public key */
	unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", seed, 32);
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", want, 32);
	CHECK_EQ_INT(fmt_sign_key_from_seed(&k, seed), 0);
	CHECK(memcmp(k.pub, want, 32) == 0);
	/* ratchet: SHA-256("sysrec key ratchet 1\0" || seed) */
	fmt_seal_ratchet(ratchet, d);
	unhex("f72a95047a5a57e7cc3b0611b8f652d2c1803fd7366d5e3847eca5423af3e82a", want, 32);
	CHECK(memcmp(d, want, 32) == 0);
	/* chunk digest: header [0, 160), header [192, hdr_len), payload */
	for (int i = 0; i < 160; i++)
		hdr[i] = (uint8_t)i;
	memset(hdr + 160, 0xee, 32); /* the digest field itself is not covered */
	for (int i = 0; i < 10; i++)
		hdr[192 + i] = (uint8_t)(100 + i);
	fmt_seal_chunk_digest(hdr, sizeof(hdr), (const uint8_t *)"payload bytes", 13, d);
	unhex("a64f1caec9c9828d423cfbfd92028037b19461d79e4c701f9d7dbd14708655f0", want, 32);
	CHECK(memcmp(d, want, 32) == 0);
}

/* Any field of a signed checkpoint changed: the signature fails. */
TEST(checkpoint_signature_covers_every_field)
{
	struct fmt_sign_key k;
	uint8_t seed[32] = {42};
	struct fmt_ckpt c, t;

	CHECK_EQ_INT(fmt_seal_init(), 0);
	CHECK_EQ_INT(fmt_sign_key_from_seed(&k, seed), 0);
	memset(&c, 0, sizeof(c));
	c.magic = FMT_CKPT_MAGIC;
	c.number = 3;
	c.chunks = 40;
	memcpy(c.pub, k.pub, 32);
	memcpy(c.next_pub, k.pub, 32);
	CHECK_EQ_INT(fmt_ckpt_sign(&c, k.seed), 0);
	CHECK_EQ_INT(fmt_ckpt_check_sig(&c), 0);
	for (size_t off = 0; off < offsetof(struct fmt_ckpt, sig); off++) {
		t = c;
		((uint8_t *)&t)[off] ^= 0x01;
		/* (flipping pub makes it another key: also a failure) */
		if (fmt_ckpt_check_sig(&t) == 0) {
			CHECK_EQ_INT((int)off, -1);
			break;
		}
	}
}

/* The ratchet is one-way and deterministic: each step a new key. */
TEST(ratchet_steps)
{
	uint8_t s0[32] = {1}, s1[32], s1b[32], s2[32];
	struct fmt_sign_key k0, k1, k2;

	fmt_seal_ratchet(s0, s1);
	fmt_seal_ratchet(s0, s1b);
	fmt_seal_ratchet(s1, s2);
	CHECK(memcmp(s1, s1b, 32) == 0);
	CHECK(memcmp(s0, s1, 32) != 0 && memcmp(s1, s2, 32) != 0);
	CHECK_EQ_INT(fmt_sign_key_from_seed(&k0, s0), 0);
	CHECK_EQ_INT(fmt_sign_key_from_seed(&k1, s1), 0);
	CHECK_EQ_INT(fmt_sign_key_from_seed(&k2, s2), 0);
	CHECK(memcmp(k0.pub, k1.pub, 32) != 0 && memcmp(k1.pub, k2.pub, 32) != 0);
}

/* A signed, ratcheted capture: authenticated with the first key, closed by
 * a final checkpoint, each checkpoint signed by a key of its own. */
TEST(writer_checkpoints_chain_keys)
{
	const char *path = tfu_path("signed.sysrec");
	struct fmt_writer_opts o = {.chunk_raw = 4096, .ratchet = 1, .ckpt_chunks = 2};
	struct fmt_seal_report rep;
	struct fmt_sign_key k;
	uint8_t seed[32] = {9};
	struct evt_builder b;
	struct fmt_writer *w;
	struct sr_err err;
	size_t len;

	CHECK_EQ_INT(fmt_sign_key_from_seed(&k, seed), 0);
	o.sign = &k;
	evt_builder_init(&b);
	CHECK_EQ_INT(fmt_writer_open(&w, path, NULL, &o, &err), 0);
	for (int i = 0; i < 400; i++) {
		const void *r = tfu_simple(&b, EVT_OPENAT, 1000 + (uint64_t)i, 7, &len);

		CHECK_EQ_INT(fmt_writer_append(w, r, len, &err), 0);
	}
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	evt_builder_free(&b);
	CHECK_EQ_INT(fmt_verify_sealed(path, k.pub, &rep, NULL, NULL, &err), 0);
	CHECK(rep.nranges >= 3);
	CHECK(rep.ratchet);
	CHECK(rep.authenticated);
	CHECK(rep.final_seen);
	/* each checkpoint after the first signed by a different (evolved) key */
	for (size_t i = 1; i < rep.nranges; i++)
		CHECK(strcmp(rep.ranges[i].key_id, rep.ranges[i - 1].key_id) != 0);
	fmt_seal_report_free(&rep);
}
