/* evt_print.c: sysdig-style rendering of event parameters (see evt_print.h). */
#include "evt_print.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../common/sr_sb.h"
#include "evt_sock.h"
#include "evt_sysnr.h"

/* Low bits that hold a number rather than flags, per table. */
static uint64_t field_mask(enum evt_ftable t)
{
	switch (t) {
	case FT_OPEN:
		return 03; /* access mode: O_RDONLY is 0 */
	case FT_SOCKTYPE:
		return 0xf; /* SOCK_STREAM, SOCK_DGRAM ... */
	case FT_MMAP:
		return 03; /* MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE */
	case FT_CLONE:
		return 0xff; /* exit signal of clone(): no name */
	default:
		return 0;
	}
}

static void flag_names(struct sr_sb *b, enum evt_ftable t, int is_enum, uint64_t v)
{
	size_t n;
	const struct evt_flag_name *tab = evt_ftable_get(t, &n);
	uint64_t mask = field_mask(t), rest;
	int first = 1;

	if (!tab)
		return;
	if (is_enum) {
		for (size_t i = 0; i < n; i++)
			if (tab[i].value == v) {
				sr_sb_puts(b, tab[i].name);
				return;
			}
		return;
	}
	if (mask) {
		for (size_t i = 0; i < n; i++)
			if ((tab[i].value & ~mask) == 0 && tab[i].value == (v & mask)) {
				sr_sb_puts(b, tab[i].name);
				first = 0;
				break;
			}
		rest = v & ~mask;
	} else {
		rest = v;
	}
	for (size_t i = 0; i < n && rest; i++) {
		uint64_t f = tab[i].value;

		if (!f || (f & mask))
			continue;
		/* consume the bits so a multi-bit name does not repeat its parts */
		if ((rest & f) == f) {
			if (!first)
				sr_sb_putc(b, '|');
			sr_sb_puts(b, tab[i].name);
			first = 0;
			rest &= ~f;
		}
	}
	if (first && v == 0 && !mask)
		for (size_t i = 0; i < n; i++)
			if (tab[i].value == 0) {
				sr_sb_puts(b, tab[i].name);
				break;
			}
}

size_t evt_print_flag_names(enum evt_ftable t, int is_enum, uint64_t v, char *buf, size_t cap)
{
	struct sr_sb b;

	sr_sb_init(&b, buf, cap);
	flag_names(&b, t, is_enum, v);
	return b.want; /* what it needs, so callers learn the size */
}

static void flags_value(struct sr_sb *b, enum evt_ftable t, int is_enum, uint64_t v)
{
	size_t mark;

	sr_sb_printf(b, "%" PRIu64, v);
	sr_sb_putc(b, '(');
	mark = b->want;
	flag_names(b, t, is_enum, v);
	if (b->want == mark)
		sr_sb_drop(b, 1); /* no name: the bare number, as sysdig prints sig=0 */
	else
		sr_sb_putc(b, ')');
}

size_t evt_print_flags(enum evt_ftable t, int is_enum, uint64_t v, char *buf, size_t cap)
{
	struct sr_sb b;

	sr_sb_init(&b, buf, cap);
	flags_value(&b, t, is_enum, v);
	return b.want; /* what it needs, so callers learn the size */
}

/* Text: control characters become '.'; when bytes_mode, anything outside
 * printable ASCII does (sysdig's rendering of buffers and argv/env). */
static void text(struct sr_sb *b, const uint8_t *p, size_t n, int bytes_mode, size_t max)
{
	size_t lim = max && n > max ? max : n;

	for (size_t i = 0; i < lim; i++) {
		uint8_t c = p[i];

		if (c < 0x20 || c == 0x7f || (bytes_mode && c >= 0x80))
			c = '.';
		sr_sb_putc(b, (char)c);
	}
	if (lim < n)
		sr_sb_puts(b, "...");
}

static void ip_port(struct sr_sb *b, int fam, const uint8_t *addr, uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(fam, addr, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	sr_sb_printf(b, "%s:%u", s, port);
}

static void unix_path(struct sr_sb *b, const uint8_t *p, size_t n)
{
	/* abstract sockets start with a NUL: shown as '@', like ss and netstat */
	if (n && p[0] == 0) {
		sr_sb_putc(b, '@');
		p++;
		n--;
	}
	text(b, p, strnlen((const char *)p, n), 0, 0);
}

static void family_name(struct sr_sb *b, uint8_t fam)
{
	char name[32];

	if (evt_print_flag_names(FT_AF, 1, fam, name, sizeof(name)) && name[0])
		sr_sb_puts(b, name);
	else
		sr_sb_printf(b, "family %u", fam);
}

static void sockaddr_text(struct sr_sb *b, const uint8_t *p, size_t n)
{
	struct evt_sock s;

	if (!n)
		sr_sb_puts(b, "NULL");
	else if (evt_sockaddr_decode(p, n, &s))
		family_name(b, p[0]);
	else if (s.family == AF_UNIX)
		unix_path(b, s.path, s.path_len);
	else
		ip_port(b, s.family, s.lip, s.lport);
}

static void socktuple_text(struct sr_sb *b, const uint8_t *p, size_t n)
{
	struct evt_sock s;

	if (!n) {
		sr_sb_puts(b, "NULL");
	} else if (evt_socktuple_decode(p, n, &s)) {
		family_name(b, p[0]);
	} else if (s.family == AF_UNIX) {
		sr_sb_printf(b, "%" PRIx64 "->%" PRIx64, s.lino, s.rino);
		if (s.path_len) {
			sr_sb_putc(b, ' ');
			unix_path(b, s.path, s.path_len);
		}
	} else {
		ip_port(b, s.family, s.lip, s.lport);
		sr_sb_puts(b, "->");
		ip_port(b, s.family, s.rip, s.rport);
	}
}

static int int_width_ok(uint32_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

static void param_value(struct sr_sb *b, const struct evt *ev, unsigned i,
			const struct evt_param_info *pi, size_t max)
{
	const uint8_t *p = ev->p[i];
	uint32_t n = ev->plen[i];
	enum evt_ptype t = pi ? pi->type : PT_BYTES;

	switch (t) {
	case PT_PATH:
	case PT_STR:
		text(b, p, n, 0, max);
		return;
	case PT_BYTES:
	case PT_STRARRAY:
	case PT_NONE:
		text(b, p, n, 1, max);
		return;
	case PT_SOCKADDR:
		sockaddr_text(b, p, n);
		return;
	case PT_SOCKTUPLE:
		socktuple_text(b, p, n);
		return;
	default:
		break;
	}
	/* integers: 1, 2, 4 or 8 bytes; anything else is shown as missing */
	if (!int_width_ok(n)) {
		sr_sb_puts(b, "NULL");
		return;
	}
	switch (t) {
	case PT_INT:
	case PT_PID:
		sr_sb_printf(b, "%" PRId64, evt_param_s64(ev, i));
		break;
	case PT_FD: {
		int64_t fd = evt_param_s64(ev, i);

		sr_sb_printf(b, "%" PRId64, fd);
		if (fd == -100)
			sr_sb_puts(b, "(AT_FDCWD)");
		break;
	}
	case PT_HEX:
		sr_sb_printf(b, "%" PRIX64, evt_param_u64(ev, i));
		break;
	case PT_MODE:
		/* octal with a leading 0, as sysdig: mode=0644, mode=0 */
		sr_sb_printf(b, "%#" PRIo64, evt_param_u64(ev, i));
		break;
	case PT_FLAGS:
	case PT_ENUM:
		flags_value(b, pi->ftable, t == PT_ENUM, evt_param_u64(ev, i));
		break;
	case PT_SYSCALLNR: {
		uint64_t nr = evt_param_u64(ev, i);
		const char *name = evt_sysnr_name(nr);

		sr_sb_printf(b, "%" PRIu64, nr);
		if (name)
			sr_sb_printf(b, "(%s)", name);
		break;
	}
	default: /* PT_UINT, PT_UID, PT_GID, PT_ABSTIME */
		sr_sb_printf(b, "%" PRIu64, evt_param_u64(ev, i));
		break;
	}
}

size_t evt_print_param(const struct evt *ev, unsigned i, const struct evt_print_opts *o, char *buf,
		       size_t cap)
{
	struct sr_sb b;
	const struct evt_info *info = evt_info_get(ev->rec->type);

	sr_sb_init(&b, buf, cap);
	if (i < ev->nparams)
		param_value(&b, ev, i, info && i < info->nparams ? &info->params[i] : NULL,
			    o ? o->max_str : 0);
	return b.want; /* what it needs, so callers learn the size */
}

size_t evt_print_args(const struct evt *ev, const struct evt_print_opts *o, char *buf, size_t cap)
{
	struct sr_sb b;
	const struct evt_info *info = evt_info_get(ev->rec->type);

	sr_sb_init(&b, buf, cap);
	for (unsigned i = 0; i < ev->nparams; i++) {
		const struct evt_param_info *pi =
		    info && i < info->nparams ? &info->params[i] : NULL;

		if (i)
			sr_sb_putc(&b, ' ');
		/* parameters beyond the schema (a newer recorder) keep a positional name */
		if (pi)
			sr_sb_puts(&b, pi->name);
		else
			sr_sb_printf(&b, "p%u", i);
		sr_sb_putc(&b, '=');
		param_value(&b, ev, i, pi, o ? o->max_str : 0);
	}
	return b.want; /* what it needs, so callers learn the size */
}

/* ---- JSON ---- */

/* Length of the well-formed UTF-8 sequence starting at p (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), 0 when p[0]
 * starts none. n > 0 bytes are readable. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf; /* allowed range of the 2nd byte */
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* continuation byte, overlong 2-byte lead, or beyond Unicode */
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Plain printable ASCII: copied as is in either mode. */
static int json_plain(uint8_t c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* The n bytes at p as a JSON string (see evt_print_json_string). Escapes
 * are written as cJSON writes them (short forms, lowercase \u00xx) so that
 * the text of `events -j` did not move when this became its renderer. */
static void json_str(struct sr_sb *b, const uint8_t *p, size_t n, int bytes)
{
	sr_sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		size_t run = i, len;
		uint8_t c;

		while (run < n && json_plain(p[run]))
			run++;
		sr_sb_put(b, (const char *)p + i, run - i);
		if (run == n)
			break;
		i = run;
		c = p[i];
		len = utf8_len(p + i, n - i);
		if (len > 1) {
			sr_sb_put(b, (const char *)p + i, len);
			i += len;
			continue;
		}
		i++;
		if (bytes && (len == 0 || c < 0x20 || c == 0x7f)) {
			sr_sb_putc(b, '.');
		} else if (c == '"' || c == '\\') {
			sr_sb_putc(b, '\\');
			sr_sb_putc(b, (char)c);
		} else if (c == '\b') {
			sr_sb_puts(b, "\\b");
		} else if (c == '\f') {
			sr_sb_puts(b, "\\f");
		} else if (c == '\n') {
			sr_sb_puts(b, "\\n");
		} else if (c == '\r') {
			sr_sb_puts(b, "\\r");
		} else if (c == '\t') {
			sr_sb_puts(b, "\\t");
		} else if (c < 0x20 || len == 0) {
			/* a control character, or a byte outside UTF-8: its value
			 * as a code point */
			sr_sb_printf(b, "\\u%04x", c);
		} else {
			sr_sb_putc(b, (char)c); /* DEL: legal as is in JSON text */
		}
	}
	sr_sb_putc(b, '"');
}

size_t evt_print_json_string(const void *p, size_t n, int bytes, char *buf, size_t cap)
{
	struct sr_sb b;

	sr_sb_init(&b, buf, cap);
	json_str(&b, p, n, bytes);
	return b.want; /* what it needs, so callers learn the size */
}

/* NUL-separated strings (argv, env) as an array; a final NUL ends the last
 * string rather than starting an empty one. */
static void json_strarray(struct sr_sb *b, const uint8_t *p, size_t n)
{
	size_t i = 0;

	sr_sb_putc(b, '[');
	while (i < n) {
		size_t l = strnlen((const char *)p + i, n - i);

		if (i)
			sr_sb_putc(b, ',');
		json_str(b, p + i, l, 1);
		i += l + 1;
	}
	sr_sb_putc(b, ']');
}

/* "ip:port" or "ip:port->ip:port"; a unix socket as its path (a tuple's
 * two inode numbers left out); null when empty, too short for its family,
 * or of a family without a text form. */
static void json_sock(struct sr_sb *b, const uint8_t *p, size_t n, int tuple)
{
	struct evt_sock s;

	if (tuple ? evt_socktuple_decode(p, n, &s) : evt_sockaddr_decode(p, n, &s)) {
		sr_sb_puts(b, "null");
	} else if (s.family == AF_UNIX) {
		json_str(b, s.path, s.path_len, 1);
	} else {
		sr_sb_putc(b, '"');
		ip_port(b, s.family, s.lip, s.lport);
		if (tuple) {
			sr_sb_puts(b, "->");
			ip_port(b, s.family, s.rip, s.rport);
		}
		sr_sb_putc(b, '"');
	}
}

static void json_value(struct sr_sb *b, const struct evt *ev, unsigned i, enum evt_ptype t)
{
	const uint8_t *p = ev->p[i];
	uint32_t n = ev->plen[i];

	switch (t) {
	case PT_PATH:
	case PT_STR:
		json_str(b, p, n, 0);
		return;
	case PT_BYTES:
	case PT_NONE:
		json_str(b, p, n, 1);
		return;
	case PT_STRARRAY:
		json_strarray(b, p, n);
		return;
	case PT_SOCKADDR:
	case PT_SOCKTUPLE:
		json_sock(b, p, n, t == PT_SOCKTUPLE);
		return;
	default:
		break;
	}
	if (!int_width_ok(n))
		sr_sb_puts(b, "null"); /* no value: 0 would be a made-up one */
	else if (t == PT_INT || t == PT_PID || t == PT_FD)
		sr_sb_printf(b, "%" PRId64, evt_param_s64(ev, i));
	else
		sr_sb_printf(b, "%" PRIu64, evt_param_u64(ev, i));
}

size_t evt_print_json_params(const struct evt *ev, char *buf, size_t cap)
{
	struct sr_sb b;
	const struct evt_info *info = evt_info_get(ev->rec->type);

	sr_sb_init(&b, buf, cap);
	sr_sb_putc(&b, '{');
	/* Parameters a record does not carry (a shorter variant of the event)
	 * are left out rather than shown as null; ones beyond the schema have
	 * no name to show. */
	for (unsigned i = 0; info && i < info->nparams && i < ev->nparams; i++) {
		const struct evt_param_info *pi = &info->params[i];

		if (i)
			sr_sb_putc(&b, ',');
		json_str(&b, (const uint8_t *)pi->name, strlen(pi->name), 0);
		sr_sb_putc(&b, ':');
		json_value(&b, ev, i, pi->type);
	}
	sr_sb_putc(&b, '}');
	return b.want; /* what it needs, so callers learn the size */
}
