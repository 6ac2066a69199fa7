/* sysreplay extract: carves the selected events out of captures into a
 * standalone .sysrec, for handing over without the rest of the host's data.
 *
 * The whole input runs through the state engine (so -f on proc.* or fd.*
 * fields decides as it would in `events`); at the first selected event the
 * state is written as the extract's own snapshot, so the extract reads on
 * its own. Then only the selected events are written, each preceded by
 * descriptions (PROCINFO, FDINFO records outside a snapshot, which readers
 * apply as updates) of what it refers to (its thread and ancestors, its fd)
 * when that changed since it was last described through events that were
 * not selected: the extract then reads every field as the full capture
 * does, without a whole snapshot per change. Its header carries
 * the provenance (sources with SHA-256 and signature status, selection,
 * tool, time); --sign-key signs it like a recording. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"
#include "common/sr_version.h"
#include "format/fmt_seal.h"
#include "format/fmt_writer.h"
#include "state/st.h"

enum { OPT_PID = RPL_OPT_OWN, OPT_DESC, OPT_SIGNKEY, OPT_KEY };

static const struct option long_opts[] = {
    {"filter", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"pid", required_argument, NULL, OPT_PID},
    {"descendants", no_argument, NULL, OPT_DESC},
    {"sign-key", required_argument, NULL, OPT_SIGNKEY},
    {"key", required_argument, NULL, OPT_KEY},
    RPL_RUN_LONG_OPTS,
    {NULL, 0, NULL, 0},
};

/* What the extract last said about each thread and fd (in its snapshot or
 * a later description), as a digest of the fields its readers see:
 * key → value, open addressing. */
struct seen {
	uint64_t *key, *val;
	size_t cap, n;
};

#define SEEN_FD (1ull << 62)

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static int seen_put(struct seen *s, uint64_t key, uint64_t val)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct seen g = {0};
		size_t ncap = s->cap ? s->cap * 2 : 1024;

		g.key = calloc(ncap, sizeof(*g.key));
		g.val = calloc(ncap, sizeof(*g.val));
		g.cap = ncap;
		if (!g.key || !g.val) {
			free(g.key);
			free(g.val);
			return SR_ENOMEM;
		}
		for (i = 0; i < s->cap; i++)
			if (s->key[i])
				seen_put(&g, s->key[i], s->val[i]);
		free(s->key);
		free(s->val);
		*s = g;
	}
	/* keys are never 0: thread keys carry tid + 1 */
	for (i = key % s->cap; s->key[i] && s->key[i] != key; i = (i + 1) % s->cap)
		;
	if (!s->key[i])
		s->n++;
	s->key[i] = key;
	s->val[i] = val;
	return 0;
}

static int seen_same(const struct seen *s, uint64_t key, uint64_t val)
{
	if (!s->cap)
		return 0;
	for (size_t i = key % s->cap; s->key[i]; i = (i + 1) % s->cap)
		if (s->key[i] == key)
			return s->val[i] == val;
	return 0;
}

static void seen_clear(struct seen *s)
{
	if (s->cap)
		memset(s->key, 0, s->cap * sizeof(*s->key));
	s->n = 0;
}

static uint64_t thread_val(const struct st_thread *t)
{
	uint64_t h = mix(t->pid, t->ppid);

	h = mix(h, (uintptr_t)t->exepath);
	h = mix(h, (uintptr_t)t->exe);
	h = mix(h, (uintptr_t)t->args);
	h = mix(h, (uintptr_t)t->cwd);
	h = mix(h, t->uid);
	h = mix(h, t->start_ts);
	for (int i = 0; i < 16; i++)
		h = mix(h, (uint8_t)t->comm[i]);
	return h;
}

static uint64_t fd_val(const struct st_fd *f)
{
	return mix(mix((uintptr_t)f->name, f->type), f->ino);
}

static uint64_t fd_key(uint32_t pid, int64_t fd)
{
	return SEEN_FD | (uint64_t)pid << 24 | ((uint64_t)fd & 0xffffff);
}

struct xctx {
	struct seen seen;
	int seen_err;
	struct fmt_writer *w;
	struct st_state *st;
	uint32_t pid;
	int descendants;
	int started; /* the first snapshot is written */
	uint64_t snapshots;
	uint64_t updates; /* descriptions written after the snapshot */
	uint64_t written;
	struct sr_err err;
	int rc;
};

struct fd_walk {
	struct xctx *x;
	uint32_t pid;
};

static int note_fd(void *ctx, const struct st_fd *f)
{
	struct fd_walk *fw = ctx;

	fw->x->seen_err |= seen_put(&fw->x->seen, fd_key(fw->pid, f->fd), fd_val(f));
	return 0;
}

static int note_thread(void *ctx, const struct st_thread *t)
{
	struct xctx *x = ctx;
	struct fd_walk fw = {x, t->pid};

	x->seen_err |= seen_put(&x->seen, (uint64_t)t->tid + 1, thread_val(t));
	if (t->tid == t->pid)
		st_fd_foreach(x->st, t->pid, note_fd, &fw);
	return 0;
}

static int put_snapshot_rec(void *ctx, const void *rec, size_t len);

/* Describes the event's thread, its ancestors and its fd where the extract
 * last said something else about them (unselected events changed them). */
static int describe_changes(struct xctx *x, uint64_t ts)
{
	const struct st_thread *t = st_event_thread(x->st);
	const struct st_fd *f = st_event_fd(x->st);
	int rc = 0;

	for (int depth = 0; t && depth < 16 && !rc; depth++) {
		uint64_t v = thread_val(t);

		if (!seen_same(&x->seen, (uint64_t)t->tid + 1, v)) {
			rc = st_describe_emit(x->st, t->tid, NULL, ts, put_snapshot_rec, x);
			rc = rc ? rc : seen_put(&x->seen, (uint64_t)t->tid + 1, v);
			x->updates++;
		}
		t = st_thread_parent(x->st, t);
	}
	t = st_event_thread(x->st);
	if (!rc && t && f && !seen_same(&x->seen, fd_key(t->pid, f->fd), fd_val(f))) {
		rc = st_describe_emit(x->st, t->tid, f, ts, put_snapshot_rec, x);
		rc = rc ? rc : seen_put(&x->seen, fd_key(t->pid, f->fd), fd_val(f));
		x->updates++;
	}
	return rc;
}

static int put_snapshot_rec(void *ctx, const void *rec, size_t len)
{
	struct xctx *x = ctx;

	return fmt_writer_append(x->w, rec, len, &x->err);
}

/* --pid P: the event's process is P or, with --descendants, below it. */
static int pid_selected(const struct xctx *x)
{
	const struct st_thread *t = st_event_thread(x->st);

	for (int depth = 0; t && depth < 256; depth++) {
		if (t->pid == x->pid)
			return 1;
		if (!x->descendants)
			return 0;
		t = st_thread_parent(x->st, t);
	}
	return 0;
}

static int extract_emit(void *ctx, struct fld_ctx *c)
{
	struct xctx *x = ctx;
	const struct evt_rec *rec = c->ev->rec;

	if (x->pid && !pid_selected(x))
		return 0;
	if (x->started) {
		x->rc = describe_changes(x, rec->ts);
		if (x->rc && !x->err.msg[0])
			sr_err_set(&x->err, x->rc, "out of memory");
		if (x->rc)
			return 1;
	} else {
		x->started = 1;
		x->snapshots++;
		x->rc = fmt_writer_snapshot_begin(x->w, &x->err);
		if (!x->rc)
			x->rc = st_snapshot_emit(x->st, rec->ts, put_snapshot_rec, x);
		if (!x->rc)
			x->rc = fmt_writer_snapshot_end(x->w, &x->err);
		seen_clear(&x->seen);
		st_thread_foreach(x->st, note_thread, x);
		if (!x->rc && x->seen_err)
			x->rc = sr_err_set(&x->err, SR_ENOMEM, "out of memory");
		if (x->rc)
			return 1;
	}
	x->rc = fmt_writer_append(x->w, rec, rec->len, &x->err);
	if (x->rc)
		return 1;
	x->written++;
	return 0;
}

int rpl_cmd_extract(int argc, char **argv)
{
	struct rpl_selection sel;
	struct rpl_run_opts ro;
	struct rpl_run_result res;
	struct fmt_writer_opts wo;
	struct fmt_sign_key sk;
	struct fmt_host_info host;
	struct flt_arena *arena = NULL;
	struct flt_prog *prog = NULL;
	struct rpl_input *in = NULL;
	struct xctx x;
	struct sr_err err;
	const char *out = NULL, *sign = NULL;
	uint8_t key[FMT_PUB_LEN];
	int opt, rc = RPL_EXIT_BAD, have_key = 0, r;
	char **files = NULL, *prov = NULL;
	size_t nfiles = 0;
	uint64_t v;

	memset(&ro, 0, sizeof(ro));
	memset(&sel, 0, sizeof(sel));
	memset(&x, 0, sizeof(x));
	memset(&wo, 0, sizeof(wo));
	sr_err_clear(&err);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:o:", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			sel.filter = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_PID:
			if (rpl_opt_count("--pid", optarg, &v))
				return RPL_EXIT_BAD;
			if (!v || v > UINT32_MAX)
				return rpl_usage_error("extract", "--pid: bad pid '%s'", optarg);
			sel.pid = (uint32_t)v;
			break;
		case OPT_DESC:
			sel.descendants = 1;
			break;
		case OPT_SIGNKEY:
			sign = optarg;
			break;
		case OPT_KEY:
			if (fmt_key_load_public(optarg, key, &err))
				return rpl_fail_err("--key", &err);
			have_key = 1;
			break;
		default:
			if (opt == RPL_OPT_SINCE)
				sel.since = optarg;
			if (opt == RPL_OPT_UNTIL)
				sel.until = optarg;
			if (rpl_opt_run("extract", opt, argv, &ro))
				return RPL_EXIT_BAD;
			break;
		}
	}
	if (!out)
		return rpl_usage_error("extract", "-o OUT is required");
	if (optind >= argc)
		return rpl_usage_error("extract", "no capture FILE given");
	if (sel.descendants && !sel.pid)
		return rpl_usage_error("extract", "--descendants needs --pid");
	if (sign && fmt_key_load_private(sign, &sk, &err))
		return rpl_fail_err("--sign-key", &err);
	if (rpl_paths_expand(argv + optind, argc - optind, &files, &nfiles, &err))
		return rpl_fail_err(NULL, &err);
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i], out)) {
			rc = rpl_fail("extract: OUT is one of the inputs");
			goto done;
		}
	arena = flt_arena_new();
	if (!arena) {
		rc = rpl_fail("out of memory");
		goto done;
	}
	if (rpl_filter_compile(arena, sel.filter, "filter", stderr, &prog))
		goto done;
	if (rpl_input_open_or_fail(&in, files, (int)nfiles))
		goto done;
	prov = rpl_provenance_build(files, nfiles, have_key ? key : NULL, "extract", &sel);
	x.st = st_new();
	if (!prov || !x.st) {
		rc = rpl_fail("out of memory");
		goto done;
	}
	/* The host is the first source's; the recorder and source say what
	 * this file is. */
	host = rpl_input_source(in, 0)->host;
	snprintf(host.recorder, sizeof(host.recorder), "sysreplay " SR_VERSION " extract");
	snprintf(host.source, sizeof(host.source), "extract");
	host.provenance = prov;
	host.has_sign_key = 0;
	wo.sign = sign ? &sk : NULL;
	if (fmt_writer_open(&x.w, out, &host, &wo, &err)) {
		rc = rpl_fail_err(NULL, &err);
		goto done;
	}
	x.pid = sel.pid;
	x.descendants = sel.descendants;
	ro.prog = prog;
	ro.st = x.st;
	ro.emit = extract_emit;
	ro.emit_ctx = &x;
	r = rpl_run(in, &ro, &res, &err);
	if (!r && x.rc)
		err = x.err;
	r = r ? r : x.rc;
	if (fmt_writer_close(x.w, r ? NULL : &err) && !r)
		r = SR_EIO;
	if (r) {
		rc = rpl_fail_err(out, &err);
		goto done;
	}
	printf("%s: %" PRIu64 " events extracted of %" PRIu64 ", %" PRIu64
	       " state snapshots, %" PRIu64 " state updates%s%s\n",
	       out, x.written, res.seen, x.snapshots, x.updates, sign ? ", signed" : "",
	       x.started ? "" : " (nothing selected)");
	rc = RPL_EXIT_OK;
done:
	fmt_seal_wipe(&sk, sizeof(sk));
	rpl_input_close(in);
	if (x.st)
		st_free(x.st);
	free(x.seen.key);
	free(x.seen.val);
	flt_arena_free(arena);
	cJSON_free(prov);
	rpl_paths_free(files, nfiles);
	return rc;
}
