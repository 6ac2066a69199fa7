/* fmt_key.c: Ed25519 key files for signed captures, and the whole-file
 * SHA-256 given with every hand-over. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt_seal.h"
#include "../common/sr_hex.h"

#define SECRET_TAG "sysrec-ed25519-secret "
#define PUBLIC_TAG "sysrec-ed25519 "
#define KEYGEN_HELP                                                                                \
	"    writes an Ed25519 key pair for signed captures: KEY (the private seed,\n"             \
	"    mode 0600, never replaced, never through a symbolic link) and KEY.pub\n"              \
	"    (one line: what verify --key and others who verify take)\n"

static int write_line(const char *path, int mode, const char *line, struct sr_err *err)
{
	size_t len = strlen(line), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			unlink(path);
			return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(e));
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

void fmt_key_public_text(const uint8_t pub[FMT_PUB_LEN], char out[100])
{
	char hex[2 * FMT_PUB_LEN + 1];

	sr_hex_encode(pub, FMT_PUB_LEN, hex);
	snprintf(out, 100, PUBLIC_TAG "%s", hex);
}

int fmt_key_generate(const char *path, struct fmt_sign_key *out, struct sr_err *err)
{
	char hex[2 * FMT_SEED_LEN + 1], line[160], pubpath[4096];
	uint8_t seed[FMT_SEED_LEN];
	int rc;

	if (fmt_seal_init())
		return sr_err_set(err, SR_EIO, "libcrypto cannot start");
	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >= (int)sizeof(pubpath))
		return sr_err_set(err, SR_ELIMIT, "%s: path too long", path);
	if (RAND_priv_bytes(seed, sizeof(seed)) != 1)
		return sr_err_set(err, SR_EIO, "no random bytes for a key (libcrypto RAND)");
	rc = fmt_sign_key_from_seed(out, seed);
	if (rc) {
		fmt_seal_wipe(seed, sizeof(seed));
		return sr_err_set(err, rc, "Ed25519 key generation failed (libcrypto)");
	}
	sr_hex_encode(seed, sizeof(seed), hex);
	snprintf(line, sizeof(line), SECRET_TAG "%s\n", hex);
	fmt_seal_wipe(seed, sizeof(seed));
	fmt_seal_wipe(hex, sizeof(hex));
	rc = write_line(path, 0600, line, err);
	fmt_seal_wipe(line, sizeof(line));
	if (rc)
		return rc;
	fmt_key_public_text(out->pub, line);
	strcat(line, "\n");
	rc = write_line(pubpath, 0644, line, err);
	if (rc)
		unlink(path);
	return rc;
}

int fmt_key_cmd(const char *prog, int argc, char **argv)
{
	static const struct option lo[] = {{"output", required_argument, NULL, 'o'},
					   {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	struct fmt_sign_key k;
	const char *out = NULL, *why = NULL;
	char line[100], id[2 * FMT_KEYID_LEN + 1];
	struct sr_err err;
	int opt;

	optind = 1;
	opterr = 0;
	while (!why && (opt = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'h')
			return printf("usage: %s keygen -o KEY\n" KEYGEN_HELP, prog) < 0;
		else
			why = "unknown option or missing value";
	}
	if (!why && (!out || optind < argc))
		why = out ? "one -o KEY and nothing else" : "-o KEY is required";
	if (why) {
		fprintf(stderr, "%s keygen: %s (usage: %s keygen -o KEY)\n", prog, why, prog);
		return 2;
	}
	sr_err_clear(&err);
	if (fmt_key_generate(out, &k, &err)) {
		fprintf(stderr, "%s keygen: %s\n", prog, err.msg[0] ? err.msg : "failed");
		return 2;
	}
	fmt_key_public_text(k.pub, line);
	fmt_seal_key_id_hex(k.pub, id);
	fmt_seal_wipe(&k, sizeof(k));
	printf("private key: %s (mode 0600: keep it on the recording host only)\n"
	       "public key:  %s.pub (key id %s)\n%s\n",
	       out, out, id, line);
	return 0;
}

/* Reads a small text file whole (at most cap - 1 bytes) into buf. */
static int read_small(const char *path, char *buf, size_t cap, int secret, struct sr_err *err)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sr_err_set(err, SR_EFORMAT, "%s: not a regular file", path);
	}
	/* A private key others can read is no longer private. */
	if (secret && (st.st_mode & 077)) {
		close(fd);
		return sr_err_set(err, SR_EFORMAT,
				  "%s: private key readable by others (mode %o): "
				  "chmod 600 it",
				  path, (unsigned)(st.st_mode & 0777));
	}
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	buf[n] = '\0';
	return 0;
}

/* "<tag><64 hex>" with an optional line end (LF or CR LF: a key pasted
 * from another system) and nothing else. */
static int parse_hex_line(const char *text, const char *tag, uint8_t out[32])
{
	size_t tl = strlen(tag);
	const char *end = text + tl;

	if (strncmp(text, tag, tl) != 0)
		return -1;
	for (int i = 0; i < 32; i++, end += 2) {
		int hi = sr_hex_digit(end[0]), lo = hi < 0 ? -1 : sr_hex_digit(end[1]);

		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (end[0] == '\r')
		end++;
	if (end[0] == '\n')
		end++;
	return end[0] ? -1 : 0;
}

int fmt_key_load_private(const char *path, struct fmt_sign_key *out, struct sr_err *err)
{
	char buf[256];
	uint8_t seed[FMT_SEED_LEN];
	int rc;

	if (fmt_seal_init())
		return sr_err_set(err, SR_EIO, "libcrypto cannot start");
	rc = read_small(path, buf, sizeof(buf), 1, err);
	if (rc)
		return rc;
	rc = parse_hex_line(buf, SECRET_TAG, seed);
	fmt_seal_wipe(buf, sizeof(buf));
	if (rc)
		return sr_err_set(err, SR_EFORMAT,
				  "%s:1:1: not a sysrec private key "
				  "(expected \"" SECRET_TAG "<64 hex digits>\")",
				  path);
	rc = fmt_sign_key_from_seed(out, seed);
	fmt_seal_wipe(seed, sizeof(seed));
	if (rc)
		return sr_err_set(err, rc, "%s: not a usable Ed25519 seed (libcrypto)", path);
	return 0;
}

int fmt_key_load_public(const char *arg, uint8_t pub[FMT_PUB_LEN], struct sr_err *err)
{
	char buf[256];
	int rc;

	if (fmt_seal_init())
		return sr_err_set(err, SR_EIO, "libcrypto cannot start");
	if (strncmp(arg, PUBLIC_TAG, strlen(PUBLIC_TAG)) == 0) {
		snprintf(buf, sizeof(buf), "%s", arg);
	} else {
		rc = read_small(arg, buf, sizeof(buf), 0, err);
		if (rc)
			return rc;
	}
	if (parse_hex_line(buf, PUBLIC_TAG, pub))
		return sr_err_set(err, SR_EFORMAT,
				  "%s: not a sysrec public key "
				  "(expected \"" PUBLIC_TAG "<64 hex digits>\")",
				  arg);
	return 0;
}

int fmt_file_sha256(const char *path, char out[65], struct sr_err *err)
{
	uint8_t buf[1 << 16], d[32];
	unsigned int dlen = 0;
	ssize_t n;
	EVP_MD_CTX *st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	st = EVP_MD_CTX_new();
	if (!st || EVP_DigestInit_ex(st, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(st);
		close(fd);
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			EVP_MD_CTX_free(st);
			return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(e));
		}
		EVP_DigestUpdate(st, buf, (size_t)n);
	}
	close(fd);
	EVP_DigestFinal_ex(st, d, &dlen);
	EVP_MD_CTX_free(st);
	sr_hex_encode(d, sizeof(d), out);
	return 0;
}
