/* test_fld.c: field extraction and output formats.
 *
 * Two parts: the data-driven cases in tests/data/fields/ *.txt (format in
 * tests/data/fields/README), one PASS/FAIL line per file with every failing
 * check listed, and a few unit tests of the pieces around them (resolution
 * errors, scratch lifetime, path normalisation, catalog sanity). Events and
 * state are real: records built with evt_builder and applied through the
 * state engine, exactly as replay does.
 */
#define TAP_NO_MAIN
#include "tests/tap.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <time.h>

#include "format/evt.h"
#include "fields/fld.h"
#include "fields/fld_int.h"
#include "state/st.h"

/* ---- a small tokenizer: bare words, "quoted strings" with C escapes, key=value ---- */
struct tok {
	char key[64]; /* "" when the token has no key */
	char val[4096];
	size_t vlen;
	int quoted;
};

static int unescape(const char **pp, char *out, size_t cap, size_t *len)
{
	const char *p = *pp;
	size_t n = 0;

	p++; /* opening quote */
	while (*p && *p != '"') {
		char ch = *p++;
		if (ch == '\\') {
			ch = *p++;
			switch (ch) {
			case 'n':
				ch = '\n';
				break;
			case 't':
				ch = '\t';
				break;
			case '0':
				ch = 0;
				break;
			case 'x': {
				unsigned v = 0;
				for (int k = 0; k < 2 && isxdigit((unsigned char)*p); k++, p++) {
					int d = tolower((unsigned char)*p);
					v = v * 16 +
					    (unsigned)(isdigit(d) ? d - '0' : d - 'a' + 10);
				}
				ch = (char)v;
				break;
			}
			case 0:
				return -1;
			default:
				break;
			}
		}
		if (n + 1 >= cap)
			return -1;
		out[n++] = ch;
	}
	if (*p != '"')
		return -1;
	out[n] = 0;
	*len = n;
	*pp = p + 1;
	return 0;
}

/* Splits line into tokens; returns count or -1. */
static int tokenize(const char *line, struct tok *toks, int max)
{
	int n = 0;
	const char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			break;
		if (n == max)
			return -1;
		struct tok *t = &toks[n++];
		memset(t, 0, sizeof(*t));
		const char *eq = NULL;
		if (*p != '"') {
			for (const char *q = p; *q && *q != ' ' && *q != '\t' && *q != '\n'; q++)
				if (*q == '=') {
					eq = q;
					break;
				}
		}
		if (eq && eq > p && (size_t)(eq - p) < sizeof(t->key)) {
			memcpy(t->key, p, (size_t)(eq - p));
			p = eq + 1;
		}
		if (*p == '"') {
			if (unescape(&p, t->val, sizeof(t->val), &t->vlen))
				return -1;
			t->quoted = 1;
		} else {
			size_t l = 0;
			while (p[l] && p[l] != ' ' && p[l] != '\t' && p[l] != '\n')
				l++;
			if (l >= sizeof(t->val))
				return -1;
			memcpy(t->val, p, l);
			t->val[l] = 0;
			t->vlen = l;
			p += l;
		}
	}
	return n;
}

/* ---- record building from "type @hdr=v ... param=v ..." ---- */
static int parse_ip(const char *s, uint8_t *addr, uint8_t *family)
{
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = 2;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = 10;
		return 0;
	}
	return -1;
}

/* "1.2.3.4:80" or "[::1]:80" */
static int parse_ep(const char *s, uint8_t *addr, uint8_t *family, uint16_t *port)
{
	char tmp[128];
	const char *colon;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(tmp))
			return -1;
		memcpy(tmp, s + 1, (size_t)(close - s - 1));
		tmp[close - s - 1] = 0;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(tmp))
			return -1;
		memcpy(tmp, s, (size_t)(colon - s));
		tmp[colon - s] = 0;
	}
	*port = (uint16_t)atoi(colon + 1);
	return parse_ip(tmp, addr, family);
}

/* tuple: "tcp:1.2.3.4:5->6.7.8.9:10" (local first), "udp:...", "unix:LINO->PINO:/path" */
static int add_tuple(struct evt_builder *b, const char *v)
{
	uint8_t buf[64], a1[16], a2[16], f1, f2;
	uint16_t p1, p2;
	char left[128];
	const char *arrow = strstr(v, "->");
	size_t n = 0;
	int proto = 0;

	if (strncmp(v, "unix:", 5) == 0) {
		unsigned long long l = 0, r = 0;
		char path[256] = "";
		uint8_t ub[300];
		if (sscanf(v + 5, "%llx->%llx:%255s", &l, &r, path) < 2)
			return -1;
		ub[0] = 1;
		memcpy(ub + 1, &l, 8);
		memcpy(ub + 9, &r, 8);
		memcpy(ub + 17, path, strlen(path));
		return evt_builder_add(b, ub, 17 + strlen(path));
	}
	if (strncmp(v, "tcp:", 4) == 0)
		proto = 6;
	else if (strncmp(v, "udp:", 4) == 0)
		proto = 17;
	else
		return -1;
	v += 4;
	arrow = strstr(v, "->");
	if (!arrow || (size_t)(arrow - v) >= sizeof(left))
		return -1;
	memcpy(left, v, (size_t)(arrow - v));
	left[arrow - v] = 0;
	if (parse_ep(left, a1, &f1, &p1) || parse_ep(arrow + 2, a2, &f2, &p2) || f1 != f2)
		return -1;
	unsigned al = f1 == 2 ? 4 : 16;
	buf[n++] = f1;
	memcpy(buf + n, a1, al);
	n += al;
	memcpy(buf + n, &p1, 2);
	n += 2;
	memcpy(buf + n, a2, al);
	n += al;
	memcpy(buf + n, &p2, 2);
	n += 2;
	buf[n++] = (uint8_t)proto;
	return evt_builder_add(b, buf, n);
}

static int add_sockaddr(struct evt_builder *b, const char *v)
{
	uint8_t buf[300], a[16], f;
	uint16_t port;

	if (strncmp(v, "unix:", 5) == 0) {
		size_t l = strlen(v + 5);
		if (l > 200)
			return -1;
		buf[0] = 1;
		memcpy(buf + 1, v + 5, l);
		return evt_builder_add(b, buf, 1 + l);
	}
	if (parse_ep(v, a, &f, &port))
		return -1;
	buf[0] = f;
	memcpy(buf + 1, a, f == 2 ? 4 : 16);
	memcpy(buf + 1 + (f == 2 ? 4 : 16), &port, 2);
	return evt_builder_add(b, buf, 1 + (f == 2 ? 4u : 16u) + 2);
}

static int parse_int(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	if (s[0] == '0' && s[1] == 'o')
		*out = (int64_t)strtoull(s + 2, &end, 8);
	else if (s[0] == '-')
		*out = strtoll(s, &end, 0);
	else
		*out = (int64_t)strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* Builds the record described by toks[0..n): toks[0] is the type name. */
static int build_record(struct evt_builder *b, struct tok *toks, int n, const void **rec, char *why,
			size_t whycap)
{
	struct evt_rec hdr;
	const struct evt_info *info;
	const struct tok *pv[EVT_MAX_PARAMS] = {0};
	int type;
	size_t len;

	type = evt_type_by_name(toks[0].val);
	if (type < 0) {
		snprintf(why, whycap, "unknown event type '%.100s'", toks[0].val);
		return -1;
	}
	info = evt_info_get((unsigned)type);
	memset(&hdr, 0, sizeof(hdr));
	hdr.ts = 1700000000000000000ull;
	hdr.pid = hdr.tid = 100;
	hdr.ppid = 1;
	strcpy(hdr.comm, "test");
	for (int i = 1; i < n; i++) {
		struct tok *t = &toks[i];
		int64_t v = 0;
		if (t->key[0] == '@') {
			const char *k = t->key + 1;
			if (strcmp(k, "comm") == 0) {
				snprintf(hdr.comm, sizeof(hdr.comm), "%s", t->val);
				continue;
			}
			if (parse_int(t->val, &v)) {
				snprintf(why, whycap, "bad number '%.100s' for %.100s", t->val,
					 t->key);
				return -1;
			}
			if (strcmp(k, "ts") == 0)
				hdr.ts = (uint64_t)v;
			else if (strcmp(k, "latency") == 0)
				hdr.latency = (uint64_t)v;
			else if (strcmp(k, "res") == 0)
				hdr.res = v;
			else if (strcmp(k, "pid") == 0)
				hdr.pid = (uint32_t)v;
			else if (strcmp(k, "tid") == 0)
				hdr.tid = (uint32_t)v;
			else if (strcmp(k, "ppid") == 0)
				hdr.ppid = (uint32_t)v;
			else if (strcmp(k, "uid") == 0)
				hdr.uid = (uint32_t)v;
			else if (strcmp(k, "gid") == 0)
				hdr.gid = (uint32_t)v;
			else if (strcmp(k, "cpu") == 0)
				hdr.cpu = (uint16_t)v;
			else if (strcmp(k, "flags") == 0)
				hdr.flags = (uint16_t)v;
			else if (strcmp(k, "cgroup_id") == 0)
				hdr.cgroup_id = (uint64_t)v;
			else {
				snprintf(why, whycap, "unknown header field %.100s", t->key);
				return -1;
			}
			continue;
		}
		int idx = evt_param_index((unsigned)type, t->key);
		if (idx < 0) {
			snprintf(why, whycap, "%.100s has no parameter '%.100s'", info->name,
				 t->key);
			return -1;
		}
		pv[idx] = t;
	}
	evt_builder_begin(b, (unsigned)type, &hdr);
	for (int i = 0; i < (int)info->nparams; i++) {
		const struct tok *t = pv[i];
		int rc = 0;
		int64_t v;
		if (!t) { /* a parameter the line leaves out: empty */
			rc = evt_builder_add(b, NULL, 0);
		} else {
			switch (info->params[i].type) {
			case PT_PATH:
			case PT_STR:
			case PT_BYTES:
			case PT_STRARRAY:
				rc = evt_builder_add(b, t->val, t->vlen);
				break;
			case PT_SOCKTUPLE:
				rc = add_tuple(b, t->val);
				break;
			case PT_SOCKADDR:
				rc = add_sockaddr(b, t->val);
				break;
			default:
				if (parse_int(t->val, &v)) {
					snprintf(why, whycap, "bad number '%.100s' for %.100s",
						 t->val, t->key);
					return -1;
				}
				rc = evt_builder_add_s64(b, v);
			}
		}
		if (rc) {
			snprintf(why, whycap, "bad value for parameter %.100s",
				 info->params[i].name);
			return -1;
		}
	}
	*rec = evt_builder_finish(b, &len);
	return *rec ? 0 : -1;
}

/* ---- the runner ---- */
struct runner {
	struct st_state *st;
	struct evt_builder b;
	uint8_t evbuf[1 << 16];
	struct evt ev;
	int have_ev;
	uint64_t num;
	struct fld_ctx *c;
	const char *file;
	int checks, failures;
};

static void fail_line(struct runner *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_line(struct runner *r, int line, const char *fmt, ...)
{
	va_list ap;

	if (!r->failures)
		printf("FAIL: test_fld/%s: checks failed\n", r->file);
	r->failures++;
	printf("      %s:%d: ", r->file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void end_event(struct runner *r)
{
	if (r->have_ev)
		st_event_end(r->st, &r->ev);
	r->have_ev = 0;
}

static int apply(struct runner *r, struct tok *toks, int n, int keep, int line)
{
	const void *rec;
	size_t len;
	char why[256] = "bad record";

	end_event(r);
	if (build_record(&r->b, toks, n, &rec, why, sizeof(why))) {
		fail_line(r, line, "%s", why);
		return -1;
	}
	len = ((const struct evt_rec *)rec)->len;
	if (len > sizeof(r->evbuf)) {
		fail_line(r, line, "record too large");
		return -1;
	}
	memcpy(r->evbuf, rec, len);
	if (evt_decode(&r->ev, r->evbuf, len)) {
		fail_line(r, line, "record does not decode");
		return -1;
	}
	r->ev.num = ++r->num;
	st_event_begin(r->st, &r->ev);
	if (!keep) {
		st_event_end(r->st, &r->ev);
		return 0;
	}
	r->have_ev = 1;
	fld_ctx_reset(r->c, &r->ev, r->st);
	return 0;
}

static void check_value(struct runner *r, struct tok *toks, int n, int line)
{
	struct fld_ref ref;
	struct fld_value v;
	struct sr_err err;
	char out[8192];
	const char *cmd = toks[0].val;

	r->checks++;
	if (n < 2) {
		fail_line(r, line, "%s needs a field", cmd);
		return;
	}
	if (!r->have_ev) {
		fail_line(r, line, "no event before %s", cmd);
		return;
	}
	if (strcmp(cmd, "format") == 0) {
		struct fld_format *f;
		if (n != 3) {
			fail_line(r, line, "format needs \"FORMAT\" \"EXPECTED\"");
			return;
		}
		if (fld_format_compile(toks[1].val, &f, &err)) {
			fail_line(r, line, "format '%s' does not compile: %s", toks[1].val,
				  err.msg);
			return;
		}
		fld_format_render(f, r->c, out, sizeof(out));
		if (strcmp(out, toks[2].val) != 0)
			fail_line(r, line, "format '%s' gave \"%s\", expected \"%s\"", toks[1].val,
				  out, toks[2].val);
		fld_format_free(f);
		return;
	}
	if (fld_resolve(toks[1].val, &ref, &err)) {
		fail_line(r, line, "'%s' does not resolve: %s", toks[1].val, err.msg);
		return;
	}
	if (strcmp(cmd, "absent") == 0) {
		if (fld_extract(&ref, r->c, &v)) {
			fld_value_format(&v, out, sizeof(out));
			fail_line(r, line, "%s is \"%s\", expected absent", toks[1].val, out);
		}
		return;
	}
	if (strcmp(cmd, "multi") == 0) {
		struct fld_value vals[16];
		size_t k = fld_extract_multi(&ref, r->c, vals, 16), len = 0;
		out[0] = 0;
		for (size_t i = 0; i < k; i++) {
			if (i)
				out[len++] = '|';
			len += fld_value_format(&vals[i], out + len, sizeof(out) - len);
		}
		if (n != 3 || strcmp(out, toks[2].val) != 0)
			fail_line(r, line, "%s values are \"%s\", expected \"%s\"", toks[1].val,
				  out, n == 3 ? toks[2].val : "?");
		return;
	}
	/* check FIELD "VALUE" [TYPE] */
	if (n < 3) {
		fail_line(r, line, "check needs FIELD VALUE");
		return;
	}
	if (!fld_extract(&ref, r->c, &v)) {
		fail_line(r, line, "%s is absent, expected \"%s\"", toks[1].val, toks[2].val);
		return;
	}
	size_t len = fld_value_format(&v, out, sizeof(out));
	if (len != toks[2].vlen || memcmp(out, toks[2].val, len) != 0)
		fail_line(r, line, "%s is \"%s\", expected \"%s\"", toks[1].val, out, toks[2].val);
	if (n >= 4) {
		static const char *const tn[] = {"none", "str",	    "int",   "uint",
						 "bool", "ip",	    "net",   "port",
						 "time", "reltime", "bytes", "strlist"};
		if ((unsigned)v.type >= sizeof(tn) / sizeof(tn[0]) ||
		    strcmp(tn[v.type], toks[3].val) != 0)
			fail_line(r, line, "%s has type %s, expected %s", toks[1].val,
				  (unsigned)v.type < 12 ? tn[v.type] : "?", toks[3].val);
	}
}

static void check_error(struct runner *r, struct tok *toks, int n, int line)
{
	struct fld_ref ref;
	struct fld_format *f = NULL;
	struct sr_err err;
	int rc;

	r->checks++;
	if (n != 3) {
		fail_line(r, line, "error needs FIELD \"MESSAGE\"");
		return;
	}
	sr_err_clear(&err);
	if (strcmp(toks[0].val, "format_error") == 0) {
		rc = fld_format_compile(toks[1].val, &f, &err);
		fld_format_free(f);
	} else {
		rc = fld_resolve(toks[1].val, &ref, &err);
	}
	if (rc != SR_ESYNTAX)
		fail_line(r, line, "'%s' gave code %d, expected a syntax error", toks[1].val, rc);
	else if (strcmp(err.msg, toks[2].val) != 0)
		fail_line(r, line, "'%s' gave \"%s\", expected \"%s\"", toks[1].val, err.msg,
			  toks[2].val);
}

static int run_file(const char *dir, const char *name)
{
	char path[1024], line[8192];
	struct tok *toks = malloc(64 * sizeof(*toks));
	struct runner *r = calloc(1, sizeof(*r));
	FILE *fp;
	int lineno = 0, rc;

	snprintf(path, sizeof(path), "%.500s/%.200s", dir, name);
	fp = fopen(path, "r");
	if (!fp || !toks || !r) {
		printf("FAIL: test_fld/%s: cannot open\n", name);
		return 1;
	}
	r->file = name;
	r->c = calloc(1, sizeof(*r->c));
	r->c->hostname = "testhost";
	r->st = st_new();
	evt_builder_init(&r->b);
	while (fgets(line, sizeof(line), fp)) {
		int n;
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		n = tokenize(line, toks, 64);
		if (n < 0) {
			fail_line(r, lineno, "cannot tokenize");
			continue;
		}
		if (n == 0)
			continue;
		const char *cmd = toks[0].val;
		if (strcmp(cmd, "need") == 0 && n == 2 && strcmp(toks[1].val, "flags") == 0) {
			/* Flag names come from format/evt_flags.c, linked weakly. */
			if (!fld_flags_available()) {
				printf("SKIP: test_fld/%s: flag name tables (evt_ftable_get) not "
				       "linked\n",
				       name);
				r->checks = -1;
				break;
			}
			continue;
		}
		if (strcmp(cmd, "reset") == 0) {
			end_event(r);
			st_free(r->st);
			r->st = st_new();
			memset(r->c, 0, sizeof(*r->c));
			r->c->hostname = "testhost";
		} else if (strcmp(cmd, "state") == 0 || strcmp(cmd, "event") == 0) {
			if (n < 2) {
				fail_line(r, lineno, "%s needs a record", cmd);
				continue;
			}
			apply(r, toks + 1, n - 1, strcmp(cmd, "event") == 0, lineno);
		} else if (strcmp(cmd, "nostate") == 0) {
			/* Re-extract the current event without the state engine. */
			if (r->have_ev)
				fld_ctx_reset(r->c, &r->ev, NULL);
		} else if (strcmp(cmd, "check") == 0 || strcmp(cmd, "absent") == 0 ||
			   strcmp(cmd, "format") == 0 || strcmp(cmd, "multi") == 0) {
			check_value(r, toks, n, lineno);
		} else if (strcmp(cmd, "error") == 0 || strcmp(cmd, "format_error") == 0) {
			check_error(r, toks, n, lineno);
		} else {
			fail_line(r, lineno, "unknown command '%s'", cmd);
		}
	}
	end_event(r);
	fclose(fp);
	rc = r->failures ? 1 : 0;
	if (!r->failures && r->checks >= 0) {
		if (r->checks)
			printf("PASS: test_fld/%s (%d checks)\n", name, r->checks);
		else
			printf("FAIL: test_fld/%s: no checks\n", name), rc = 1;
	}
	st_free(r->st);
	evt_builder_free(&r->b);
	free(r->c);
	free(r);
	free(toks);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_data(void)
{
	const char *root = getenv("SYSREC_ROOT");
	char dir[1024];
	char *names[256];
	int n = 0, failed = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%.900s/tests/data/fields", root ? root : ".");
	d = opendir(dir);
	if (!d) {
		printf("FAIL: test_fld/data: cannot open %s\n", dir);
		return 1;
	}
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	for (int i = 0; i < n; i++) {
		failed += run_file(dir, names[i]);
		free(names[i]);
	}
	return failed;
}

/* ---- unit tests ---- */

TEST(catalog_names_unique_and_described)
{
	size_t n;
	const struct fld_def *d = fld_catalog(&n);

	CHECK(n > 200);
	for (size_t i = 0; i < n; i++) {
		CHECK(d[i].desc && strlen(d[i].desc) > 5);
		CHECK(fld_def_find(d[i].name) == &d[i]);
		for (const char *p = d[i].name; *p; p++)
			CHECK(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			      *p == '.' || *p == '_');
	}
}

TEST(every_catalog_field_resolves)
{
	size_t n;
	const struct fld_def *d = fld_catalog(&n);
	struct fld_ref ref;
	struct sr_err err;

	for (size_t i = 0; i < n; i++) {
		char txt[160];
		if (d[i].flags & FLD_F_ARG_REQUIRED)
			snprintf(txt, sizeof(txt), "%s[0]", d[i].name);
		else
			snprintf(txt, sizeof(txt), "%s", d[i].name);
		if (strcmp(d[i].name, "evt.type.is") == 0)
			snprintf(txt, sizeof(txt), "evt.type.is.open");
		if (fld_resolve(txt, &ref, &err) != 0)
			TAP_FAIL("%s: %s", txt, err.msg);
		else
			CHECK(ref.def == &d[i]);
	}
}

/* Every field the Falco rule files name must resolve (the rules loader
 * depends on it). Reads the files from $REF; skips when absent. */
TEST(falco_rule_fields_resolve)
{
	static const char *const files[] = {"falco_rules.yaml", "falco-incubating_rules.yaml",
					    "falco-sandbox_rules.yaml",
					    "legacy/falco_rules-1.0.1.yaml"};
	static const char *const classes[] = {"evt.",	  "proc.",   "thread.",	   "fd.",
					      "user.",	  "group.",  "container.", "k8s.",
					      "syscall.", "fs.path."};
	const char *ref = getenv("REF");
	int found = 0, nfiles = 0;
	char path[1024], line[16384];

	if (!ref) {
		SKIP("REF not set");
		return;
	}
	for (size_t fi = 0; fi < sizeof(files) / sizeof(files[0]); fi++) {
		snprintf(path, sizeof(path), "%s/falco-rules/%s", ref, files[fi]);
		FILE *fp = fopen(path, "r");
		if (!fp)
			continue;
		nfiles++;
		int scan = 0;
		while (fgets(line, sizeof(line), fp)) {
			char *hash = strchr(line, '#');
			/* Only conditions, outputs and exception field lists name fields;
			 * descriptions mention them loosely. A "key:" line switches. */
			char *k = line;
			while (*k == ' ' || *k == '-')
				k++;
			size_t kl = 0;
			while (isalnum((unsigned char)k[kl]) || k[kl] == '_')
				kl++;
			if (kl && k[kl] == ':') {
				scan = (kl == 9 && !strncmp(k, "condition", 9)) ||
				       (kl == 6 && !strncmp(k, "output", 6)) ||
				       (kl == 6 && !strncmp(k, "fields", 6));
				if (scan)
					memset(line, ' ', (size_t)(k + kl + 1 - line));
			}
			if (!scan)
				continue;
			/* Comments mention fields loosely ("evt.arg*"): skip them. */
			if (hash && (hash == line || hash[-1] == ' '))
				*hash = 0;
			for (char *p = line; *p; p++) {
				if (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
						 p[-1] == '.' || p[-1] == '/' || p[-1] == '-'))
					continue;
				for (size_t ci = 0; ci < sizeof(classes) / sizeof(classes[0]);
				     ci++) {
					size_t cl = strlen(classes[ci]);
					if (strncmp(p, classes[ci], cl) != 0)
						continue;
					char tok[256];
					size_t l = 0;
					while (l < sizeof(tok) - 1 &&
					       (isalnum((unsigned char)p[l]) || p[l] == '_' ||
						p[l] == '.'))
						tok[l] = p[l], l++;
					while (l && tok[l - 1] == '.')
						l--;
					if (p[l] == '[') {
						const char *close = strchr(p + l, ']');
						if (close &&
						    (size_t)(close - p) < sizeof(tok) - 1) {
							memcpy(tok + l, p + l,
							       (size_t)(close - p) - l + 1);
							l = (size_t)(close - p) + 1;
						}
					}
					tok[l] = 0;
					if (!strchr(tok, '.'))
						continue;
					/* Host names in lists (k8s.gcr.io) are not fields. */
					if (strstr(tok, ".io") || strstr(tok, ".log") ||
					    strstr(tok, ".gcr"))
						continue;
					struct fld_ref r;
					struct sr_err err;
					found++;
					if (fld_resolve(tok, &r, &err) != 0)
						TAP_FAIL("%s: '%s': %s", files[fi], tok, err.msg);
				}
			}
		}
		fclose(fp);
	}
	if (!nfiles) {
		SKIP("no Falco rule files under $REF/falco-rules");
		return;
	}
	CHECK(found > 1000);
}

TEST(scratch_keeps_previous_value)
{
	static struct fld_ctx c;
	char *prev = NULL;

	memset(&c, 0, sizeof(c));
	/* Whatever the sizes, the value made just before stays intact. */
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(i * 37 % 4000) + 1;
		char *p = fld_scratch_alloc(&c, n);
		CHECK(p != NULL);
		if (!p)
			return;
		if (prev)
			CHECK(prev[0] == (char)(i - 1));
		memset(p, (char)i, n);
		prev = p;
	}
	CHECK(fld_scratch_alloc(&c, 5000) == NULL);
}

TEST(path_join_normalizes)
{
	static const struct {
		const char *dir, *path, *want;
	} cases[] = {
	    {"/home/u", "a.txt", "/home/u/a.txt"},
	    {"/home/u", "../x/./y", "/home/x/y"},
	    {"/", "../../etc//passwd", "/etc/passwd"},
	    {"/tmp", "/abs/path/", "/abs/path"},
	    {NULL, "rel/path", "rel/path"},
	    {"/a/b", "..", "/a"},
	    {"/a", "../..", "/"},
	};
	char buf[256];
	struct sr_sb b;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sr_sb_init(&b, buf, sizeof(buf) - 1);
		fld_path_join(&b, cases[i].dir, cases[i].path, strlen(cases[i].path));
		buf[b.len] = 0;
		CHECK_STR(buf, cases[i].want);
	}
}

TEST(format_lists_fields)
{
	struct fld_format *f;
	struct sr_err err;
	const struct fld_ref *refs[8];

	CHECK_EQ_INT(
	    fld_format_compile("%proc.name (%proc.aname[2]) %container.info %%x", &f, &err), 0);
	size_t n = fld_format_fields(f, refs, 8);
	CHECK_EQ_INT(n, 4);
	CHECK_STR(fld_format_field_name(f, 0), "proc.name");
	CHECK_STR(fld_format_field_name(f, 1), "proc.aname[2]");
	CHECK_STR(fld_format_field_name(f, 2), "container.id");
	CHECK_STR(fld_format_field_name(f, 3), "container.name");
	CHECK_EQ_INT(refs[1]->arg_index, 2);
	CHECK(!fld_format_star(f));
	fld_format_free(f);
	CHECK_EQ_INT(fld_format_compile("*%evt.num", &f, &err), 0);
	CHECK(fld_format_star(f));
	fld_format_free(f);
}

int main(int argc, char **argv)
{
	int failed = 0;

	(void)argc;
	/* evt.time and evt.datetime print local time: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	tap_file = "test_fld";
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < tap_ncases; i++) {
		if (argc > 1 && strcmp(argv[1], tap_cases[i].name) != 0)
			continue;
		tap_cur = tap_cases[i].name;
		tap_failed_now = 0;
		tap_skip_reason = NULL;
		tap_cases[i].fn();
		if (tap_failed_now)
			failed++;
		else if (tap_skip_reason)
			printf("SKIP: %s/%s: %s\n", tap_file, tap_cur, tap_skip_reason);
		else
			printf("PASS: %s/%s\n", tap_file, tap_cur);
	}
	if (argc <= 1)
		failed += run_data();
	return failed ? 1 : 0;
}
