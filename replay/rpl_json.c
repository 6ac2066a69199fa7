/* rpl_json: one event as a JSON object, for `events -j` and the shell's .json.
 *
 * Keys: num, ts (ns), time (RFC 3339, ns), cpu, pid, tid, ppid, uid, gid, comm,
 * type, res, latency, args {name: value}. 64-bit integers are written as exact
 * integer text (cJSON raw values): through cJSON's doubles a ns timestamp
 * would lose its last digits. Args carry raw values: integers as numbers
 * (flags and modes too, so tools need no flag tables), paths and strings as
 * text, byte buffers as text with '.' for non-printable bytes (as sysdig),
 * string arrays as arrays, socket addresses as "ip:port" / "a:p->b:p".
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rpl.h"

/* Text safe for JSON: cJSON escapes control characters but passes other
 * bytes through, so invalid UTF-8 from a path would make invalid JSON. */
static char *utf8_clean(const uint8_t *p, size_t len, int printable_only)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint8_t c = p[i];
		size_t n = c < 0x80		? 1
			   : (c & 0xe0) == 0xc0 ? 2
			   : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4
						: 0;
		int ok = n > 0 && i + n <= len;

		for (size_t k = 1; ok && k < n; k++)
			ok = (p[i + k] & 0xc0) == 0x80;
		if (ok && n == 2 && c < 0xc2)
			ok = 0; /* overlong */
		if (!ok || (printable_only && n == 1 && (c < 0x20 || c == 0x7f))) {
			out[o++] = '.';
			i++;
			continue;
		}
		if (n == 1 && c == 0) {
			out[o++] = '.';
			i++;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

static void add_text(cJSON *obj, const char *key, const uint8_t *p, size_t len, int printable)
{
	char *s = utf8_clean(p, len, printable);

	if (s) {
		cJSON_AddStringToObject(obj, key, s);
		free(s);
	}
}

static void add_raw_u64(cJSON *obj, const char *key, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	cJSON_AddRawToObject(obj, key, b);
}

static void add_raw_s64(cJSON *obj, const char *key, int64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, v);
	cJSON_AddRawToObject(obj, key, b);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* "ip:port" of family fam at p (len bytes); returns bytes used or 0. */
static size_t addr_text(int fam, const uint8_t *p, size_t len, char *buf, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];

	if (fam == AF_INET && len >= 6) {
		inet_ntop(AF_INET, p, ip, sizeof(ip));
		snprintf(buf, cap, "%s:%u", ip, rd16(p + 4));
		return 6;
	}
	if (fam == AF_INET6 && len >= 18) {
		inet_ntop(AF_INET6, p, ip, sizeof(ip));
		snprintf(buf, cap, "%s:%u", ip, rd16(p + 16));
		return 18;
	}
	return 0;
}

static void add_sock(cJSON *obj, const char *key, const uint8_t *p, size_t len, int tuple)
{
	char a[80], b[80], out[200];
	size_t n;

	if (len < 1) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	if (p[0] == AF_UNIX) {
		/* sockaddr: path; tuple: two inodes then path */
		size_t skip = tuple ? 17 : 1;

		if (len < skip) {
			cJSON_AddNullToObject(obj, key);
			return;
		}
		add_text(obj, key, p + skip, len - skip, 1);
		return;
	}
	n = addr_text(p[0], p + 1, len - 1, a, sizeof(a));
	if (!n) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	if (!tuple) {
		cJSON_AddStringToObject(obj, key, a);
		return;
	}
	if (!addr_text(p[0], p + 1 + n, len - 1 - n, b, sizeof(b))) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	snprintf(out, sizeof(out), "%s->%s", a, b);
	cJSON_AddStringToObject(obj, key, out);
}

static void add_strarray(cJSON *obj, const char *key, const uint8_t *p, size_t len)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, key);
	size_t i = 0;

	if (!arr)
		return;
	while (i < len) {
		const uint8_t *z = memchr(p + i, 0, len - i);
		size_t n = z ? (size_t)(z - (p + i)) : len - i;
		char *s = utf8_clean(p + i, n, 1);

		if (s) {
			cJSON_AddItemToArray(arr, cJSON_CreateString(s));
			free(s);
		}
		i += n + 1;
	}
}

static void add_args(cJSON *obj, const struct evt *ev)
{
	const struct evt_info *ei = evt_info_get(ev->rec->type);
	cJSON *args = cJSON_AddObjectToObject(obj, "args");

	if (!args || !ei)
		return;
	for (unsigned i = 0; i < ei->nparams && i < ev->nparams; i++) {
		const struct evt_param_info *pi = &ei->params[i];

		if (!evt_param_present(ev, i)) {
			cJSON_AddNullToObject(args, pi->name);
			continue;
		}
		switch (pi->type) {
		case PT_INT:
		case PT_FD:
		case PT_PID:
			add_raw_s64(args, pi->name, evt_param_s64(ev, i));
			break;
		case PT_PATH:
		case PT_STR:
			add_text(args, pi->name, ev->p[i], ev->plen[i], 0);
			break;
		case PT_BYTES:
			add_text(args, pi->name, ev->p[i], ev->plen[i], 1);
			break;
		case PT_STRARRAY:
			add_strarray(args, pi->name, ev->p[i], ev->plen[i]);
			break;
		case PT_SOCKADDR:
			add_sock(args, pi->name, ev->p[i], ev->plen[i], 0);
			break;
		case PT_SOCKTUPLE:
			add_sock(args, pi->name, ev->p[i], ev->plen[i], 1);
			break;
		default:
			add_raw_u64(args, pi->name, evt_param_u64(ev, i));
			break;
		}
	}
}

size_t rpl_json_event(struct fld_ctx *c, char *buf, size_t cap)
{
	const struct evt *ev = c->ev;
	const struct evt_rec *r = ev->rec;
	const struct evt_info *ei = evt_info_get(r->type);
	cJSON *o = cJSON_CreateObject();
	char tbuf[40];
	size_t n = 0;

	if (!cap)
		return 0;
	buf[0] = '\0';
	if (!o)
		return 0;
	add_raw_u64(o, "num", ev->num);
	add_raw_u64(o, "ts", r->ts);
	sr_time_format_rfc3339(r->ts, tbuf, sizeof(tbuf));
	cJSON_AddStringToObject(o, "time", tbuf);
	add_raw_u64(o, "cpu", r->cpu);
	add_raw_u64(o, "pid", r->pid);
	add_raw_u64(o, "tid", r->tid);
	add_raw_u64(o, "ppid", r->ppid);
	add_raw_u64(o, "uid", r->uid);
	add_raw_u64(o, "gid", r->gid);
	add_text(o, "comm", (const uint8_t *)r->comm, strnlen(r->comm, EVT_COMM_LEN), 1);
	cJSON_AddStringToObject(o, "type", ei ? ei->name : "unknown");
	if (r->flags & EVT_RF_ENTER_ONLY)
		cJSON_AddNullToObject(o, "res");
	else
		add_raw_s64(o, "res", r->res);
	add_raw_u64(o, "latency", r->latency);
	add_args(o, ev);
	if (cJSON_PrintPreallocated(o, buf, (int)(cap > INT32_MAX ? INT32_MAX : cap), 0))
		n = strlen(buf);
	else
		buf[0] = '\0';
	cJSON_Delete(o);
	return n;
}
