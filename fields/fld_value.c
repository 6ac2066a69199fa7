/* fld_value.c: a value printed as sysdig prints it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fld_int.h"

void fld_value_put(const struct fld_value *v, struct sr_sb *b)
{
	if (!v->present) {
		sr_sb_put(b, "<NA>", 4);
		return;
	}
	switch (v->type) {
	case FT_V_STR:
	case FT_V_STRLIST:
		sr_sb_put(b, v->s ? v->s : "", v->s ? v->len : 0);
		return;
	case FT_V_BYTES:
		/* Binary buffers: printable ASCII kept, the rest shown as '.'. */
		for (size_t i = 0; i < v->len && sr_sb_room(b); i++) {
			uint8_t ch = (uint8_t)v->s[i];
			sr_sb_putc(b, (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.');
		}
		return;
	case FT_V_INT:
		sr_sb_put_i64(b, v->i);
		return;
	case FT_V_UINT:
	case FT_V_PORT:
	case FT_V_TIME:
	case FT_V_RELTIME:
		sr_sb_put_u64(b, v->u);
		return;
	case FT_V_BOOL:
		sr_sb_puts(b, v->u ? "true" : "false");
		return;
	case FT_V_IP:
	case FT_V_NET:
		fld_ip_put(b, v->family, v->ip);
		return;
	case FT_V_NONE:
		break;
	}
	sr_sb_put(b, "<NA>", 4);
}

size_t fld_value_format(const struct fld_value *v, char *buf, size_t cap)
{
	struct sr_sb b;

	sr_sb_init(&b, buf, cap);
	fld_value_put(v, &b);
	return b.len;
}
