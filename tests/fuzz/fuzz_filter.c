/* fuzz_filter: the filter language end to end on arbitrary text.
 *
 * parse (with a resolver that knows one macro and one list) -> on success:
 * the canonical form must parse back to the same canonical form (abort
 * otherwise), then compile, then evaluate over a fixed event with state.
 * On failure the error must carry a position inside the text, and the caret
 * rendering runs. Everything lives in one arena per input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/evt.h"
#include "filter/flt.h"
#include "filter/flt_ast.h"
#include "state/st.h"

/* Lives for the whole process; "used" keeps the compiler from dropping a
 * pointer nothing reads, which LeakSanitizer would then call a leak. */
static struct flt_arena *macro_arena __attribute__((used));
static const struct flt_node *macro_tree;
static const char *const list_items[] = {"/etc", "it's \"q\"", "a,b", ""};

static const struct flt_node *fz_macro(void *ctx, const char *name, struct sr_err *err)
{
	(void)ctx;
	if (!strcmp(name, "loop"))
		sr_err_set(err, SR_ESYNTAX, "macro loop: loop -> loop");
	return !strcmp(name, "m1") ? macro_tree : NULL;
}

static const char *const *fz_list(void *ctx, const char *name, size_t *n)
{
	(void)ctx;
	if (strcmp(name, "l1") != 0)
		return NULL;
	*n = sizeof(list_items) / sizeof(list_items[0]);
	return list_items;
}

static struct st_state *st;
static struct evt ev;
static struct fld_ctx fctx;
static void *rec_copy;

static void setup(void)
{
	struct evt_builder b;
	struct evt_rec h = {0};
	struct sr_err err;
	struct flt_node *n;
	size_t len;

	macro_arena = flt_arena_new();
	if (flt_parse(macro_arena, "proc.name in (cat, bash) or fd.name startswith /tmp", &n,
		      &err) != 0)
		abort();
	macro_tree = n;

	/* openat of /etc/shadow by cat, pid 200 */
	evt_builder_init(&b);
	h.pid = h.tid = 200;
	h.ppid = 1;
	h.res = 3;
	h.ts = 1700000000000000000ull;
	memcpy(h.comm, "cat", 4);
	evt_builder_begin(&b, EVT_OPENAT, &h);
	evt_builder_add_s64(&b, -100);
	evt_builder_add_str(&b, "/etc/shadow");
	evt_builder_add_u64(&b, 0);
	evt_builder_add_u64(&b, 0);
	const void *r = evt_builder_finish(&b, &len);
	rec_copy = malloc(len);
	memcpy(rec_copy, r, len);
	evt_builder_free(&b);
	if (evt_decode(&ev, rec_copy, len) != 0)
		abort();
	ev.num = 1;
	st = st_new();
	st_event_begin(st, &ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > 16384)
		return 0;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	struct flt_arena *a = flt_arena_new();
	struct flt_resolver res = {NULL, fz_macro, fz_list};
	struct flt_node *ast;
	struct flt_prog *prog;
	struct sr_err err;
	if (flt_parse_ex(a, text, &res, &ast, &err) == 0) {
		size_t cap = 4 * size + 4096;
		char *c1 = malloc(cap), *c2 = malloc(cap);
		size_t n1 = flt_node_print(ast, c1, cap);
		if (n1 < cap) {
			struct flt_node *ast2;
			/* no resolver: the macro and list are already spliced */
			if (flt_parse(a, c1, &ast2, &err) != 0) {
				fprintf(stderr, "canonical form rejected: %s\n%s\n", err.msg, c1);
				abort();
			}
			flt_node_print(ast2, c2, cap);
			if (strcmp(c1, c2) != 0) {
				fprintf(stderr, "reprint differs:\n%s\n%s\n", c1, c2);
				abort();
			}
		}
		free(c1);
		free(c2);
		if (flt_compile(a, ast, &prog, &err) == 0) {
			uint8_t set[32];
			fld_ctx_reset(&fctx, &ev, st);
			(void)flt_eval(prog, &fctx);
			flt_prog_types(prog, set);
			FILE *devnull = fopen("/dev/null", "w");
			if (devnull) {
				flt_prog_dump(prog, devnull);
				fclose(devnull);
			}
		}
	}
	if (err.code && err.line) {
		FILE *devnull = fopen("/dev/null", "w");
		if (devnull) {
			flt_error_print(devnull, "fuzz", text, &err);
			fclose(devnull);
		}
	}
	flt_arena_free(a);
	free(text);
	return 0;
}
