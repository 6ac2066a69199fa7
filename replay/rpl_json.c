/* rpl_json: one event as a JSON object, for `events -j` and the shell's .json.
 *
 * Keys: num, ts (ns), time (RFC 3339, ns), cpu, pid, tid, ppid, uid, gid, comm,
 * type, res, latency, args {name: value}, then the context a responder reads
 * without a second query, named as the fields: proc.name, proc.pid,
 * proc.ppid, proc.exepath, proc.cmdline, user.name, fd.name (only when the
 * event uses an fd: its fd.num has a value), container.id; null when the
 * state does not know. 64-bit integers are written as exact integer text
 * (cJSON raw values): through cJSON's doubles a ns timestamp would lose its
 * last digits. args and comm come from format/evt_print.c
 * (evt_print_json_params, evt_print_json_string), which says how each kind
 * of value and each byte is written; context values from rule_value_json,
 * as alerts write them.
 *
 * With a -p format (rpl_json_fields), the object holds the format's fields
 * instead, sorted by name, as sysdig -j -p prints them.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "format/evt_print.h"
#include "format/evt_sysnr.h"
#include "rpl.h"
#include "rules/rule.h"

static const char *const ctx_names[] = {
    "proc.name",    "proc.pid",	 "proc.ppid", "proc.exepath",
    "proc.cmdline", "user.name", "fd.name",   "container.id",
};
#define NCTX (sizeof(ctx_names) / sizeof(ctx_names[0]))
static struct fld_ref ctx_refs[NCTX], fdnum_ref;
static int ctx_ok;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_init(void)
{
	struct sr_err err;

	ctx_ok = fld_resolve("fd.num", &fdnum_ref, &err) == 0;
	for (size_t i = 0; i < NCTX && ctx_ok; i++)
		ctx_ok = fld_resolve(ctx_names[i], &ctx_refs[i], &err) == 0;
}

static void add_context(cJSON *o, struct fld_ctx *c)
{
	struct fld_value v;

	pthread_once(&ctx_once, ctx_init);
	if (!ctx_ok)
		return; /* cannot happen: the names are the catalog's */
	for (size_t i = 0; i < NCTX; i++) {
		if (!strcmp(ctx_names[i], "fd.name") && fld_extract(&fdnum_ref, c, &v) != 1)
			continue; /* fd.name only for events that use an fd */
		memset(&v, 0, sizeof(v));
		if (fld_extract(&ctx_refs[i], c, &v) != 1)
			v.present = 0;
		cJSON_AddItemToObject(o, ctx_names[i], rule_value_json(&v));
	}
}

static size_t print_json(cJSON *o, char *buf, size_t cap)
{
	size_t n = 0;

	if (cJSON_PrintPreallocated(o, buf, (int)(cap > INT32_MAX ? INT32_MAX : cap), 0))
		n = strlen(buf);
	else
		buf[0] = '\0';
	cJSON_Delete(o);
	return n;
}

size_t rpl_json_fields(const struct fld_format *f, struct fld_ctx *c, char *buf, size_t cap)
{
	const struct fld_ref *refs[128];
	size_t nf = fld_format_fields(f, refs, 128);
	cJSON *o;

	if (!cap)
		return 0;
	buf[0] = '\0';
	o = cJSON_CreateObject();
	if (!o)
		return 0;
	rule_fields_json(o, refs, nf, c, 0);
	return print_json(o, buf, cap);
}

void rpl_json_add_u64(cJSON *obj, const char *key, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	cJSON_AddRawToObject(obj, key, b);
}

void rpl_json_add_time(cJSON *obj, const char *ts_key, const char *time_key, uint64_t ns)
{
	char t[40];

	rpl_json_add_u64(obj, ts_key, ns);
	sr_time_format_rfc3339(ns, t, sizeof(t));
	cJSON_AddStringToObject(obj, time_key, t);
}

void rpl_json_add_text(cJSON *obj, const char *key, const char *s)
{
	size_t n = strlen(s), cap = 6 * n + 3;
	char *buf = malloc(cap);

	if (!buf)
		return;
	evt_print_json_string(s, n, 0, buf, cap);
	cJSON_AddRawToObject(obj, key, buf);
	free(buf);
}

int rpl_json_print(cJSON *obj, FILE *f)
{
	char *s = cJSON_PrintUnformatted(obj);
	int r;

	cJSON_Delete(obj);
	if (!s)
		return -1;
	r = fputs(s, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
	free(s);
	return r;
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
	char comm[EVT_COMM_LEN * 6 + 3]; /* every byte escaped, quotes */

	if (!cap)
		return 0;
	buf[0] = '\0';
	if (!o)
		return 0;
	rpl_json_add_u64(o, "num", ev->num);
	rpl_json_add_time(o, "ts", "time", r->ts);
	/* the capture's host: merged fleet captures hold several */
	cJSON_AddStringToObject(o, "host", c->hostname ? c->hostname : "");
	rpl_json_add_u64(o, "cpu", r->cpu);
	rpl_json_add_u64(o, "pid", r->pid);
	rpl_json_add_u64(o, "tid", r->tid);
	rpl_json_add_u64(o, "ppid", r->ppid);
	rpl_json_add_u64(o, "uid", r->uid);
	rpl_json_add_u64(o, "gid", r->gid);
	evt_print_json_string(r->comm, strnlen(r->comm, EVT_COMM_LEN), 1, comm, sizeof(comm));
	cJSON_AddRawToObject(o, "comm", comm);
	cJSON_AddStringToObject(o, "type", name ? name : "unknown");
	if (r->flags & EVT_RF_ENTER_ONLY)
		cJSON_AddNullToObject(o, "res");
	else
		add_raw_s64(o, "res", r->res);
	rpl_json_add_u64(o, "latency", r->latency);
	add_args(o, ev);
	add_context(o, c);
	return print_json(o, buf, cap);
}
