/* scap_params.c: one parameter's bytes, scap wire encoding <-> our encoding.
 *
 * Numbers: scap stores each in its declared width; we store 8 bytes.
 * Text: scap ends it with NUL; ours carries no NUL. Socket addresses and
 * tuples: same layouts except the NUL of unix paths, our optional trailing
 * l4 protocol byte, and the side order of accepted connections.
 */
#include "scap_params.h"

#include <string.h>

int64_t scap_wire_num(unsigned wire, const uint8_t *p, uint32_t len)
{
	int is_signed = wire == SW_I8 || wire == SW_I16 || wire == SW_I32 || wire == SW_I64;

	switch (len) {
	case 1:
		return is_signed ? (int64_t)(int8_t)p[0] : (int64_t)p[0];
	case 2:
		return is_signed ? (int64_t)(int16_t)sr_rd16(p) : (int64_t)sr_rd16(p);
	case 4:
		return is_signed ? (int64_t)(int32_t)sr_rd32(p) : (int64_t)sr_rd32(p);
	case 8:
		return (int64_t)sr_rd64(p);
	default:
		return 0;
	}
}

unsigned scap_wire_width(unsigned wire)
{
	switch (wire) {
	case SW_I8:
	case SW_U8:
		return 1;
	case SW_I16:
	case SW_U16:
		return 2;
	case SW_I32:
	case SW_U32:
		return 4;
	case SW_I64:
	case SW_U64:
		return 8;
	default:
		return 0;
	}
}

uint32_t scap_str_len(const uint8_t *p, uint32_t len)
{
	const uint8_t *z = memchr(p, 0, len);

	return z ? (uint32_t)(z - p) : len;
}

/* Unix paths: scap keeps a NUL terminator; an abstract name starts with NUL. */
static uint32_t unix_path_len(const uint8_t *p, uint32_t len)
{
	if (len && p[0] == 0) {
		uint32_t n = 1 + scap_str_len(p + 1, len - 1);
		return n == 1 ? 0 : n;
	}
	return scap_str_len(p, len);
}

uint32_t scap_sa_to_ours(const uint8_t *p, uint32_t len, uint8_t *out, uint32_t cap)
{
	uint32_t n;

	if (len == 0 || cap < 1)
		return 0;
	if (p[0] == 1) { /* AF_UNIX */
		n = unix_path_len(p + 1, len - 1);
		if (n + 1 > cap)
			n = cap - 1;
		out[0] = 1;
		memcpy(out + 1, p + 1, n);
		return n + 1;
	}
	n = len < cap ? len : cap;
	memcpy(out, p, n);
	return n;
}

uint32_t scap_st_to_ours(const uint8_t *p, uint32_t len, int swap, uint8_t *out, uint32_t cap)
{
	if (len == 0 || cap < 64)
		return 0;
	out[0] = p[0];
	if (p[0] == 2 && len >= 13) {
		const uint8_t *s = p + 1, *d = p + 7;
		memcpy(out + 1, swap ? d : s, 6);
		memcpy(out + 7, swap ? s : d, 6);
		return 13;
	}
	if (p[0] == 10 && len >= 37) {
		const uint8_t *s = p + 1, *d = p + 19;
		memcpy(out + 1, swap ? d : s, 18);
		memcpy(out + 19, swap ? s : d, 18);
		return 37;
	}
	if (p[0] == 1 && len >= 17) {
		uint32_t n = unix_path_len(p + 17, len - 17);
		if (n > cap - 17)
			n = cap - 17;
		memcpy(out + 1, p + (swap ? 9 : 1), 8);
		memcpy(out + 9, p + (swap ? 1 : 9), 8);
		memcpy(out + 17, p + 17, n);
		return 17 + n;
	}
	/* Unknown family: keep the bytes as they are. */
	if (len > cap)
		len = cap;
	memcpy(out, p, len);
	return len;
}

uint32_t scap_st_to_sa(const uint8_t *p, uint32_t len, int dst, uint8_t *out, uint32_t cap)
{
	if (len == 0 || cap < 64)
		return 0;
	out[0] = p[0];
	if (p[0] == 2 && len >= 13) {
		memcpy(out + 1, p + (dst ? 7 : 1), 6);
		return 7;
	}
	if (p[0] == 10 && len >= 37) {
		memcpy(out + 1, p + (dst ? 19 : 1), 18);
		return 19;
	}
	if (p[0] == 1 && len >= 17) {
		uint32_t n = unix_path_len(p + 17, len - 17);
		if (n > cap - 1)
			n = cap - 1;
		memcpy(out + 1, p + 17, n);
		return 1 + n;
	}
	return 1;
}

uint32_t scap_sa_from_ours(const uint8_t *p, uint32_t len, uint8_t *out, uint32_t cap)
{
	if (len == 0 || cap < 2) {
		if (cap)
			out[0] = 0;
		return cap ? 1 : 0;
	}
	if (p[0] == 1) {
		uint32_t n = len - 1 < cap - 2 ? len - 1 : cap - 2;
		out[0] = 1;
		memcpy(out + 1, p + 1, n);
		out[1 + n] = 0;
		return n + 2;
	}
	if (p[0] == 2 && len >= 7) {
		memcpy(out, p, 7);
		return 7;
	}
	if (p[0] == 10 && len >= 19) {
		memcpy(out, p, 19);
		return 19;
	}
	len = len < cap ? len : cap;
	memcpy(out, p, len);
	return len;
}

uint32_t scap_st_from_ours(const uint8_t *p, uint32_t len, int swap, uint8_t *out, uint32_t cap)
{
	if (cap < 64)
		return 0;
	if (len == 0) {
		out[0] = 0;
		return 1;
	}
	/* Swapping is its own inverse; the trailing l4 byte is dropped. */
	if ((p[0] == 2 && len >= 13) || (p[0] == 10 && len >= 37))
		return scap_st_to_ours(p, p[0] == 2 ? 13 : 37, swap, out, cap);
	if (p[0] == 1 && len >= 17) {
		uint32_t n = len - 17 < cap - 18 ? len - 17 : cap - 18;
		out[0] = 1;
		memcpy(out + 1, p + (swap ? 9 : 1), 8);
		memcpy(out + 9, p + (swap ? 1 : 9), 8);
		memcpy(out + 17, p + 17, n);
		out[17 + n] = 0;
		return 18 + n;
	}
	len = len < cap ? len : cap;
	memcpy(out, p, len);
	return len;
}

uint32_t scap_sa_to_st(const uint8_t *p, uint32_t len, int dst, uint8_t *out, uint32_t cap)
{
	if (cap < 64)
		return 0;
	memset(out, 0, 64);
	if (len == 0)
		return 1;
	out[0] = p[0];
	if (p[0] == 2 && len >= 7) {
		memcpy(out + (dst ? 7 : 1), p + 1, 6);
		return 13;
	}
	if (p[0] == 10 && len >= 19) {
		memcpy(out + (dst ? 19 : 1), p + 1, 18);
		return 37;
	}
	if (p[0] == 1) {
		uint32_t n = len - 1 < cap - 18 ? len - 1 : cap - 18;
		memcpy(out + 17, p + 1, n);
		out[17 + n] = 0;
		return 18 + n;
	}
	return 1;
}
