/* rpl_json: one event as a JSON object, for `events -j` and the shell's .json.
 *
 * Keys: num, ts (ns), time (RFC 3339, ns), cpu, pid, tid, ppid, uid, gid, comm,
 * type, res, latency, args {name: value}. 64-bit integers are written as exact
 * integer text (cJSON raw values): through cJSON's doubles a ns timestamp
 * would lose its last digits. args and comm come from format/evt_print.c
 * (evt_print_json_params, evt_print_json_string), which says how each kind
 * of value and each byte is written.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format/evt_print.h"
#include "format/evt_sysnr.h"
#include "rpl.h"

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

/* The arguments, rendered by evt_print_json_params (one renderer for every
 * JSON view of an event). Most fit the stack buffer; long buffers and
 * environments take a second pass into the heap. */
static void add_args(cJSON *obj, const struct evt *ev)
{
	char small[4096], *big = NULL;
	const char *text = small;
	size_t n = evt_print_json_params(ev, small, sizeof(small));

	if (n >= sizeof(small)) {
		big = malloc(n + 1);
		if (!big)
			return; /* no args key: the line stays valid JSON */
		evt_print_json_params(ev, big, n + 1);
		text = big;
	}
	cJSON_AddRawToObject(obj, "args", text);
	free(big);
}

size_t rpl_json_event(struct fld_ctx *c, char *buf, size_t cap)
{
	const struct evt *ev = c->ev;
	const struct evt_rec *r = ev->rec;
	const char *name = evt_name(ev);
	cJSON *o = cJSON_CreateObject();
	char tbuf[40], comm[EVT_COMM_LEN * 6 + 3]; /* every byte escaped, quotes */
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
	evt_print_json_string(r->comm, strnlen(r->comm, EVT_COMM_LEN), 1, comm, sizeof(comm));
	cJSON_AddRawToObject(o, "comm", comm);
	cJSON_AddStringToObject(o, "type", name ? name : "unknown");
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
