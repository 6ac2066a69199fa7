/* fuzz_fields: field names and output formats from untrusted text (rule
 * files, -p arguments, shell lines) through fld_resolve / fld_format_compile,
 * then extraction and rendering over a few fixed events with state.
 *
 * Input: first line = a field name; the rest = an output format. The event
 * fed to extraction is picked by the first byte, and one of its parameters
 * is overwritten with input bytes so odd parameter contents (bad lengths for
 * integers, tuples cut short, paths with NULs) reach the renderers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/evt.h"
#include "fields/fld.h"
#include "state/st.h"

static struct st_state *st;
static struct evt_builder b;
static struct fld_ctx ctx;

static void add_rec(unsigned type, uint32_t pid, int64_t res, const char *const *params,
		    const size_t *lens, unsigned n, int keep, struct evt *ev, uint8_t *copy)
{
	struct evt_rec h;
	const void *rec;
	size_t len;

	memset(&h, 0, sizeof(h));
	h.ts = 1700000000000000000ull;
	h.pid = h.tid = pid;
	h.ppid = 1;
	h.res = res;
	strcpy(h.comm, "fz");
	evt_builder_begin(&b, type, &h);
	for (unsigned i = 0; i < n; i++)
		evt_builder_add(&b, params[i], lens[i]);
	/* any parameter count, the schema's or not: extractors meet short
	 * records (.scap imports) and must survive long ones */
	rec = evt_builder_finish_raw(&b, &len);
	if (!rec || len > 65536)
		return;
	memcpy(copy, rec, len);
	if (evt_decode(ev, copy, len))
		return;
	st_event_begin(st, ev);
	if (!keep)
		st_event_end(st, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[65536];
	static const unsigned types[] = {EVT_OPENAT,	EVT_CONNECT, EVT_EXECVE,    EVT_READ,
					 EVT_RENAMEAT2, EVT_ACCEPT4, EVT_PROC_EXEC, EVT_GENERIC};
	char *text, *nl, *fmt;
	struct fld_ref ref;
	struct fld_format *f;
	struct evt ev;
	char out[4096];
	const char *params[EVT_MAX_PARAMS];
	size_t lens[EVT_MAX_PARAMS];
	int64_t fd = 3, dirfd = -100;

	if (!st) {
		st = st_new();
		evt_builder_init(&b);
		const char *pi[] = {"fz", "/usr/bin/fz", "a\0b\0", "/home"};
		size_t pl[] = {2, 11, 4, 5};
		add_rec(EVT_PROCINFO, 1, 0, pi, pl, 4, 0, &ev, copy);
		add_rec(EVT_PROCINFO, 7, 0, pi, pl, 4, 0, &ev, copy);
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	nl = strchr(text, '\n');
	fmt = nl ? nl + 1 : text;
	if (nl)
		*nl = 0;

	/* An event of a type chosen by the input; params are input bytes or defaults. */
	unsigned type = types[size ? data[0] % (sizeof(types) / sizeof(types[0])) : 0];
	const struct evt_info *info = evt_info_get(type);
	for (unsigned i = 0; i < info->nparams && i < EVT_MAX_PARAMS; i++) {
		params[i] = (const char *)&fd;
		lens[i] = 8;
		if (i == 0 && type == EVT_OPENAT)
			params[i] = (const char *)&dirfd;
		if (info->params[i].type == PT_PATH || info->params[i].type == PT_STR ||
		    info->params[i].type == PT_STRARRAY || info->params[i].type == PT_BYTES ||
		    info->params[i].type == PT_SOCKADDR || info->params[i].type == PT_SOCKTUPLE) {
			params[i] = fmt;
			lens[i] = strlen(fmt) < 512 ? strlen(fmt) : 512;
		}
	}
	/* One parameter gets the raw input bytes (any length, any content). */
	if (size > 1 && info->nparams) {
		unsigned k = data[1] % info->nparams;
		params[k] = (const char *)data;
		lens[k] = size < 300 ? size : 300;
	}
	add_rec(type, 7, size > 2 ? (int64_t)(int8_t)data[2] : 3, params, lens, info->nparams, 1,
		&ev, copy);
	ev.num = 1;
	fld_ctx_reset(&ctx, &ev, st);
	ctx.hostname = "fz";

	if (fld_resolve(text, &ref, NULL) == 0) {
		struct fld_value v[8];
		fld_extract(&ref, &ctx, &v[0]);
		fld_value_format(&v[0], out, sizeof(out));
		size_t n = fld_extract_multi(&ref, &ctx, v, 8);
		for (size_t i = 0; i < n; i++)
			fld_value_format(&v[i], out, sizeof(out));
	}
	if (fld_format_compile(fmt, &f, NULL) == 0) {
		fld_format_render(f, &ctx, out, sizeof(out));
		fld_format_render(f, &ctx, out, 7);
		fld_format_all_present(f, &ctx);
		fld_format_free(f);
	}
	/* Every catalog field over this event. */
	if (size && (data[0] & 0x80)) {
		size_t n;
		const struct fld_def *d = fld_catalog(&n);
		for (size_t i = 0; i < n; i++) {
			struct fld_value v;
			char name[160];
			snprintf(name, sizeof(name), "%s%s", d[i].name,
				 (d[i].flags & FLD_F_ARG_REQUIRED) ? "[1]" : "");
			if (strcmp(d[i].name, "evt.type.is") == 0)
				continue;
			if (fld_resolve(name, &ref, NULL) == 0) {
				fld_extract(&ref, &ctx, &v);
				fld_value_format(&v, out, sizeof(out));
			}
		}
	}
	st_event_end(st, &ev);
	free(text);
	return 0;
}
