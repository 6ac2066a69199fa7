/* fld_value.c: a value printed as sysdig prints it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fld_int.h"

static size_t put(char *buf, size_t cap, const char *s, size_t n)
{
	if (!cap)
		return 0;
	if (n > cap - 1)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	return n;
}

static size_t put_num(char *buf, size_t cap, int neg, uint64_t u)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	/* Hand-rolled: numbers are the commonest output and snprintf is slow. */
	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		tmp[--n] = '-';
	return put(buf, cap, tmp + n, sizeof(tmp) - n);
}

size_t fld_value_format(const struct fld_value *v, char *buf, size_t cap)
{
	size_t n;

	if (!v->present)
		return put(buf, cap, "<NA>", 4);
	switch (v->type) {
	case FT_V_STR:
	case FT_V_STRLIST:
		return put(buf, cap, v->s ? v->s : "", v->s ? v->len : 0);
	case FT_V_BYTES:
		/* Binary buffers: printable ASCII kept, the rest shown as '.'. */
		if (!cap)
			return 0;
		n = v->len < cap - 1 ? v->len : cap - 1;
		for (size_t i = 0; i < n; i++) {
			uint8_t ch = (uint8_t)v->s[i];
			buf[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
		}
		buf[n] = 0;
		return n;
	case FT_V_INT:
		return put_num(buf, cap, v->i < 0,
			       v->i < 0 ? (uint64_t)0 - (uint64_t)v->i : (uint64_t)v->i);
	case FT_V_UINT:
	case FT_V_PORT:
	case FT_V_TIME:
	case FT_V_RELTIME:
		return put_num(buf, cap, 0, v->u);
	case FT_V_BOOL:
		return v->u ? put(buf, cap, "true", 4) : put(buf, cap, "false", 5);
	case FT_V_IP:
	case FT_V_NET:
		return cap ? fld_ip_text(v->family, v->ip, buf, cap) : 0;
	case FT_V_NONE:
		break;
	}
	return put(buf, cap, "<NA>", 4);
}
