/* fuzz_fleet_hdr: what the fleet reader takes from a message read from the
 * stream (fleet/fleet_msg.c): the subject, the Sysrec-* headers, and the
 * chunk header at the start of a chunk's bytes (format/fmt_tail.c).
 *
 * Input: up to nine lines separated by '\n': the subject, then the values
 * of Sysrec-Kind, -File, -Seq, -Part, -Count, -First-Ts, -Last-Ts, -Name; a line
 * that is a single '~' is an absent header. What follows a 0x00 byte is the
 * chunk's bytes (parsed with the chunk length from its own header and with
 * the joined length taken as the bytes present).
 *
 * Beyond "no crash": an accepted message has a host and file id that are
 * plain names (no '/', not starting with '.', NUL-terminated inside their
 * buffers), an evidence message's file id is its subject's last token and
 * its name (when given) has no '/', parts with part < nparts, and a chunk header accepted for a
 * length has that length as its header plus payload. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* fleet/ is not in libsysrec.a (it needs libnats); its pure part is. */
#include "fleet/fleet_msg.c"
#include "format/fmt_tail.h"

static void check_name(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	assert(n < cap);
	assert(!strchr(s, '/'));
	assert(n == 0 || s[0] != '.');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *zero = memchr(data, 0, size);
	size_t tlen = zero ? (size_t)(zero - data) : size;
	char *text = malloc(tlen + 1), *lines[9] = {0}, *p;
	struct fleet_msg_hdrs h;
	struct fleet_msg m;
	struct fmt_tail_chunk ch;
	int n = 0;

	if (!text)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = 0;
	for (p = text; n < 9;) {
		char *nl = strchr(p, '\n');

		lines[n++] = strcmp(p, "~") && (!nl || nl - p != 1 || *p != '~') ? p : NULL;
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	h.kind = lines[1];
	h.file = lines[2];
	h.seq = lines[3];
	h.part = lines[4];
	h.count = lines[5];
	h.first = lines[6];
	h.last = lines[7];
	h.name = lines[8];
	if (fleet_msg_parse(lines[0], &h, &m) == 0) {
		check_name(m.host, sizeof(m.host));
		assert(m.host[0]);
		if (m.kind != FLEET_KIND_ALERT) {
			check_name(m.fid, sizeof(m.fid));
			assert(m.fid[0]);
		}
		if (m.evidence) {
			const char *last = strrchr(lines[0], '.');

			assert(last && !strcmp(last + 1, m.fid));
			assert(!h.name || !strchr(h.name, '/'));
		}
		assert(m.nparts >= 1 && m.part < m.nparts);
	}
	if (zero) {
		const uint8_t *b = zero + 1;
		size_t blen = size - tlen - 1;

		if (fmt_tail_chunk_parse(b, blen, blen, &ch) == 0)
			assert(ch.size == blen);
		if (fmt_tail_chunk_parse(b, blen, 0, &ch) == 0)
			assert(ch.size >= FMT_TAIL_HOLE_SIZE &&
			       (!ch.count || ch.first_ts <= ch.last_ts));
	}
	free(text);
	return 0;
}
