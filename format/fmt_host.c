/* fmt_host.c: host metadata of this machine, and its TLV encoding in the
 * file header (layout in FORMAT.md, "File header"). */
#include "fmt_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../common/sr_sb.h"
#include "../common/sr_err.h"
#include "../common/sr_hash.h"
#include "../common/sr_version.h"
#include "../common/sr_time.h"
#include "fmt_chunk.h"

/* Copies at most scap source bytes, up to a NUL (the visible text), cut to
 * fit and always terminated. */
static void copy_str(char *dst, size_t cap, const char *src, size_t scap)
{
	struct sr_sb b;

	sr_sb_init(&b, dst, cap);
	sr_sb_put(&b, src, strnlen(src, scap));
}

void fmt_host_info_local(struct fmt_host_info *h)
{
	struct utsname u;
	uint64_t real, boot;
	long ncpu;

	char name[256] = "unknown";

	memset(h, 0, sizeof(*h));
	if (gethostname(name, sizeof(name) - 1) != 0)
		snprintf(name, sizeof(name), "unknown");
	copy_str(h->hostname, sizeof(h->hostname), name, sizeof(name));
	if (uname(&u) == 0) {
		copy_str(h->kernel, sizeof(h->kernel), u.release, sizeof(u.release));
		copy_str(h->machine, sizeof(h->machine), u.machine, sizeof(u.machine));
	}
	/* The probe stamps records with the boot clock; epoch = boot clock + offset. */
	real = sr_time_now(CLOCK_REALTIME);
	boot = sr_time_now(CLOCK_BOOTTIME);
	h->clock_offset_ns = (int64_t)(real - boot);
	h->boot_ns = real - boot;
	h->start_ns = real;
	copy_str(h->recorder, sizeof(h->recorder), "sysrec " SR_VERSION,
		 sizeof("sysrec " SR_VERSION));
	copy_str(h->source, sizeof(h->source), "live", 5);
	ncpu = sysconf(_SC_NPROCESSORS_CONF);
	h->ncpus = ncpu > 0 ? (uint32_t)ncpu : 0;
}

/* ---- TLV encoding ---- */

static int tlv_put(struct sr_sb *b, uint16_t tag, const void *data, uint32_t len)
{
	static const uint8_t zeros[FMT_REC_ALIGN];
	uint8_t head[8] = {0};

	memcpy(head, &tag, 2);
	memcpy(head + 4, &len, 4);
	return sr_sb_put(b, head, 8) | sr_sb_put(b, data, len) |
	       sr_sb_put(b, zeros, fmt_rec_padded(len) - len);
}

static int tlv_str(struct sr_sb *b, uint16_t tag, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (!n)
		return 0;
	return tlv_put(b, tag, s, (uint32_t)n);
}

int fmt_header_build(const struct fmt_host_info *h, uint8_t **out, size_t *len)
{
	struct sr_sb b = {0};
	struct fmt_file_hdr fh;
	uint32_t crc;
	int rc = 0;

	memset(&fh, 0, sizeof(fh));
	/* The fixed part goes first; it is filled once hdr_len is known. */
	rc |= sr_sb_put(&b, &fh, sizeof(fh));
	rc |= tlv_str(&b, FMT_META_HOSTNAME, h->hostname, sizeof(h->hostname));
	rc |= tlv_str(&b, FMT_META_KERNEL, h->kernel, sizeof(h->kernel));
	rc |= tlv_str(&b, FMT_META_MACHINE, h->machine, sizeof(h->machine));
	rc |= tlv_str(&b, FMT_META_RECORDER, h->recorder, sizeof(h->recorder));
	rc |= tlv_str(&b, FMT_META_OPTIONS, h->options, sizeof(h->options));
	rc |= tlv_str(&b, FMT_META_SOURCE, h->source, sizeof(h->source));
	rc |= tlv_put(&b, FMT_META_BOOT_NS, &h->boot_ns, 8);
	rc |= tlv_put(&b, FMT_META_CLOCK_OFF, &h->clock_offset_ns, 8);
	rc |= tlv_put(&b, FMT_META_START_NS, &h->start_ns, 8);
	rc |= tlv_put(&b, FMT_META_SNAPLEN, &h->snaplen, 4);
	rc |= tlv_put(&b, FMT_META_NCPUS, &h->ncpus, 4);
	if (h->provenance && *h->provenance)
		rc |= tlv_put(&b, FMT_META_PROVENANCE, h->provenance,
			      (uint32_t)strnlen(h->provenance, FMT_HEADER_MAX / 2));
	if (h->has_sign_key)
		rc |= tlv_put(&b, FMT_META_SIGN_KEY, h->sign_pub, sizeof(h->sign_pub));
	rc |= tlv_put(&b, FMT_META_END, NULL, 0);
	rc |= sr_sb_reserve(&b, 4); /* the crc */
	if (rc) {
		sr_sb_free(&b);
		return SR_ENOMEM;
	}
	memcpy(fh.magic, FMT_MAGIC, 8);
	fh.major = FMT_MAJOR;
	fh.minor = FMT_MINOR;
	fh.hdr_len = (uint32_t)(b.len + 4);
	memcpy(b.p, &fh, sizeof(fh));
	crc = sr_crc32c(0, sr_sb_bytes(&b), b.len);
	sr_sb_put(&b, &crc, 4); /* reserved above: cannot fail */
	*len = b.len;
	*out = (uint8_t *)sr_sb_take(&b);
	return 0;
}

int fmt_header_parse_meta(const uint8_t *buf, size_t len, struct fmt_host_info *h,
			  struct sr_err *err)
{
	size_t off = sizeof(struct fmt_file_hdr);
	size_t end = len - 4; /* the crc */

	memset(h, 0, sizeof(*h));
	while (off < end) {
		uint16_t tag;
		uint32_t l;
		const uint8_t *v;

		/* A TLV header must fit before its length is trusted. */
		if (end - off < 8)
			return sr_err_set(err, SR_ECORRUPT,
					  "file header: truncated metadata at offset %zu", off);
		memcpy(&tag, buf + off, 2);
		memcpy(&l, buf + off + 4, 4);
		if (fmt_rec_padded(l) > end - off - 8)
			return sr_err_set(
			    err, SR_ECORRUPT,
			    "file header: metadata tag %u at offset %zu: length %u exceeds header",
			    tag, off, l);
		v = buf + off + 8;
		off += 8 + fmt_rec_padded(l);
		switch (tag) {
		case FMT_META_END:
			return 0;
		case FMT_META_HOSTNAME:
			copy_str(h->hostname, sizeof(h->hostname), (const char *)v, l);
			break;
		case FMT_META_KERNEL:
			copy_str(h->kernel, sizeof(h->kernel), (const char *)v, l);
			break;
		case FMT_META_MACHINE:
			copy_str(h->machine, sizeof(h->machine), (const char *)v, l);
			break;
		case FMT_META_RECORDER:
			copy_str(h->recorder, sizeof(h->recorder), (const char *)v, l);
			break;
		case FMT_META_OPTIONS:
			copy_str(h->options, sizeof(h->options), (const char *)v, l);
			break;
		case FMT_META_SOURCE:
			copy_str(h->source, sizeof(h->source), (const char *)v, l);
			break;
		/* Integers of a wrong size are ignored rather than misread. */
		case FMT_META_BOOT_NS:
			if (l == 8)
				memcpy(&h->boot_ns, v, 8);
			break;
		case FMT_META_CLOCK_OFF:
			if (l == 8)
				memcpy(&h->clock_offset_ns, v, 8);
			break;
		case FMT_META_START_NS:
			if (l == 8)
				memcpy(&h->start_ns, v, 8);
			break;
		case FMT_META_SNAPLEN:
			if (l == 4)
				memcpy(&h->snaplen, v, 4);
			break;
		case FMT_META_NCPUS:
			if (l == 4)
				memcpy(&h->ncpus, v, 4);
			break;
		case FMT_META_PROVENANCE:
			if (!h->provenance) {
				char *p = malloc((size_t)l + 1);

				if (!p)
					return sr_err_set(err, SR_ENOMEM, "out of memory");
				memcpy(p, (const char *)v, l);
				p[l] = '\0';
				h->provenance = p;
			}
			break;
		/* A key of the wrong length is not a key: the capture reads as
		 * unsigned and its checkpoints fail to verify. */
		case FMT_META_SIGN_KEY:
			if (l == sizeof(h->sign_pub)) {
				memcpy(h->sign_pub, (const char *)v, l);
				h->has_sign_key = 1;
			}
			break;
		default:
			break; /* unknown tag: a newer minor version; skip by length */
		}
	}
	/* No END tag: tolerated, the crc already vouched for the bytes. */
	return 0;
}
