/* test_evt: records (evt_decode), flag tables (evt_flags.c), printing
 * (evt_print.c) and the source dispatch (evt_source.c). */
#include "format/evt_print.h"
#include "format/evt_source.h"
#include "format/fmt_layout.h" /* FMT_MAGIC */
#include "scap/scap.h"
#include "tests/tap.h"
#include "tests/unit/test_format_util.h"

static struct evt_builder B;

static struct evt *build(unsigned type, struct evt *ev)
{
	size_t len;
	const void *rec = evt_builder_finish(&B, &len);

	(void)type;
	if (!rec || evt_decode(ev, rec, len) != 0)
		return NULL;
	return ev;
}

/* A record with fewer parameters than its schema declares, which
 * evt_builder_finish refuses: built through the raw path, for readers'
 * handling of short records (.scap imports of older event versions). */
static struct evt *build_short(struct evt *ev)
{
	size_t len;
	const void *rec = evt_builder_finish_raw(&B, &len);

	if (!rec || evt_decode(ev, rec, len) != 0)
		return NULL;
	return ev;
}

static void begin(unsigned type)
{
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	h.ts = 1;
	if (!B.buf)
		evt_builder_init(&B);
	evt_builder_begin(&B, type, &h);
}

static void add32(int64_t v)
{
	int32_t x = (int32_t)v;

	evt_builder_add(&B, &x, 4);
}

static const char *args(const struct evt *ev)
{
	static char buf[1024];

	evt_print_args(ev, NULL, buf, sizeof(buf));
	return buf;
}

static const char *json(const struct evt *ev)
{
	static char buf[2048];

	evt_print_json_params(ev, buf, sizeof(buf));
	return buf;
}

static const char *jstr(const char *p, size_t n, int bytes)
{
	static char buf[512];

	evt_print_json_string(p, n, bytes, buf, sizeof(buf));
	return buf;
}

TEST(decode_rejects_lying_lengths)
{
	uint8_t buf[256];
	struct evt_rec *r = (struct evt_rec *)buf;
	struct evt ev;
	uint16_t lens[2] = {4, 4};

	memset(buf, 0, sizeof(buf));
	r->len = EVT_REC_HDR + 4 + 8;
	r->nparams = 2;
	memcpy(buf + EVT_REC_HDR, lens, 4);
	CHECK_EQ_INT(evt_decode(&ev, buf, r->len), 0);
	CHECK_EQ_INT(ev.nparams, 2);
	CHECK_EQ_INT(ev.plen[1], 4);
	/* fewer bytes than the header */
	CHECK_EQ_INT(evt_decode(&ev, buf, EVT_REC_HDR - 1), SR_ECORRUPT);
	/* len beyond what is available */
	CHECK_EQ_INT(evt_decode(&ev, buf, r->len - 1), SR_ECORRUPT);
	/* len shorter than the header */
	r->len = 10;
	CHECK_EQ_INT(evt_decode(&ev, buf, sizeof(buf)), SR_ECORRUPT);
	/* a parameter running past the record */
	r->len = EVT_REC_HDR + 4 + 8;
	lens[1] = 5;
	memcpy(buf + EVT_REC_HDR, lens, 4);
	CHECK_EQ_INT(evt_decode(&ev, buf, sizeof(buf)), SR_ECORRUPT);
	/* too many parameters */
	lens[1] = 4;
	memcpy(buf + EVT_REC_HDR, lens, 4);
	r->nparams = EVT_MAX_PARAMS + 1;
	CHECK_EQ_INT(evt_decode(&ev, buf, sizeof(buf)), SR_ECORRUPT);
	/* a lens table that itself does not fit */
	r->nparams = 20;
	r->len = EVT_REC_HDR + 8;
	CHECK_EQ_INT(evt_decode(&ev, buf, sizeof(buf)), SR_ECORRUPT);
	/* 32-bit lens claiming 4 GiB */
	r->nparams = 1;
	r->flags = EVT_RF_LARGE;
	r->len = EVT_REC_HDR + 4 + 4;
	{
		uint32_t big = 0xffffffffu;
		memcpy(buf + EVT_REC_HDR, &big, 4);
	}
	CHECK_EQ_INT(evt_decode(&ev, buf, sizeof(buf)), SR_ECORRUPT);
}

TEST(every_table_filled)
{
	for (int t = FT_OPEN; t < FT_COUNT; t++) {
		size_t n = 0;
		const struct evt_flag_name *tab = evt_ftable_get((enum evt_ftable)t, &n);

		if (!tab || n < 3) {
			TAP_FAIL("table %d has %zu entries", t, n);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			CHECK(tab[i].name && tab[i].name[0]);
	}
	CHECK(evt_ftable_get(FT_NONE, NULL) == NULL);
}

/* Table values are the x86-64 UAPI ones; the system headers agree. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>

static uint64_t value_of(enum evt_ftable t, const char *name)
{
	size_t n;
	const struct evt_flag_name *tab = evt_ftable_get(t, &n);

	for (size_t i = 0; tab && i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return tab[i].value;
	return UINT64_MAX;
}

TEST(table_values_match_system_headers)
{
	CHECK_EQ_INT(value_of(FT_OPEN, "O_CREAT"), O_CREAT);
	CHECK_EQ_INT(value_of(FT_OPEN, "O_CLOEXEC"), O_CLOEXEC);
	CHECK_EQ_INT(value_of(FT_OPEN, "O_TMPFILE"), O_TMPFILE);
	CHECK_EQ_INT(value_of(FT_OPEN, "O_PATH"), O_PATH);
	CHECK_EQ_INT(value_of(FT_OPEN, "O_SYNC"), O_SYNC);
	CHECK_EQ_INT(value_of(FT_OPEN, "O_DIRECTORY"), O_DIRECTORY);
	CHECK_EQ_INT(value_of(FT_CLONE, "CLONE_NEWUSER"), CLONE_NEWUSER);
	CHECK_EQ_INT(value_of(FT_CLONE, "CLONE_THREAD"), CLONE_THREAD);
	CHECK_EQ_INT(value_of(FT_AT, "AT_REMOVEDIR"), AT_REMOVEDIR);
	CHECK_EQ_INT(value_of(FT_AT, "AT_EMPTY_PATH"), AT_EMPTY_PATH);
	CHECK_EQ_INT(value_of(FT_FCNTL, "F_DUPFD_CLOEXEC"), F_DUPFD_CLOEXEC);
	CHECK_EQ_INT(value_of(FT_FCNTL, "F_SETFL"), F_SETFL);
	CHECK_EQ_INT(value_of(FT_AF, "AF_INET6"), AF_INET6);
	CHECK_EQ_INT(value_of(FT_AF, "AF_NETLINK"), AF_NETLINK);
	CHECK_EQ_INT(value_of(FT_SOCKTYPE, "SOCK_CLOEXEC"), SOCK_CLOEXEC);
	CHECK_EQ_INT(value_of(FT_SOCKTYPE, "SOCK_SEQPACKET"), SOCK_SEQPACKET);
	CHECK_EQ_INT(value_of(FT_SIGNAL, "SIGKILL"), SIGKILL);
	CHECK_EQ_INT(value_of(FT_SIGNAL, "SIGCHLD"), SIGCHLD);
	CHECK_EQ_INT(value_of(FT_SIGNAL, "SIGSYS"), SIGSYS);
	CHECK_EQ_INT(value_of(FT_PROT, "PROT_EXEC"), PROT_EXEC);
	CHECK_EQ_INT(value_of(FT_MMAP, "MAP_ANONYMOUS"), MAP_ANONYMOUS);
	CHECK_EQ_INT(value_of(FT_MMAP, "MAP_FIXED_NOREPLACE"), MAP_FIXED_NOREPLACE);
	CHECK_EQ_INT(value_of(FT_MEMFD, "MFD_CLOEXEC"), MFD_CLOEXEC);
	CHECK_EQ_INT(value_of(FT_FDTYPE, "io_uring"), FDT_IOURING);
}

TEST(flags_render_like_sysdig)
{
	char b[128];

	evt_print_flags(FT_OPEN, 0, O_RDONLY | O_CLOEXEC, b, sizeof(b));
	CHECK_STR(b, "524288(O_RDONLY|O_CLOEXEC)");
	evt_print_flags(FT_OPEN, 0, O_WRONLY | O_CREAT | O_TRUNC, b, sizeof(b));
	CHECK_STR(b, "577(O_WRONLY|O_CREAT|O_TRUNC)");
	evt_print_flags(FT_OPEN, 0, 0, b, sizeof(b));
	CHECK_STR(b, "0(O_RDONLY)");
	/* multi-bit names do not repeat their parts */
	evt_print_flags(FT_OPEN, 0, O_RDWR | O_TMPFILE, b, sizeof(b));
	CHECK_STR(b, "4259842(O_RDWR|O_TMPFILE)");
	evt_print_flags(FT_PROT, 0, 0, b, sizeof(b));
	CHECK_STR(b, "0(PROT_NONE)");
	evt_print_flags(FT_PROT, 0, 5, b, sizeof(b));
	CHECK_STR(b, "5(PROT_READ|PROT_EXEC)");
	evt_print_flags(FT_MMAP, 0, MAP_PRIVATE | MAP_ANONYMOUS, b, sizeof(b));
	CHECK_STR(b, "34(MAP_PRIVATE|MAP_ANONYMOUS)");
	evt_print_flags(FT_MMAP, 0, 3, b, sizeof(b));
	CHECK_STR(b, "3(MAP_SHARED_VALIDATE)");
	evt_print_flags(FT_SIGNAL, 1, 9, b, sizeof(b));
	CHECK_STR(b, "9(SIGKILL)");
	evt_print_flags(FT_SIGNAL, 1, 0, b, sizeof(b));
	CHECK_STR(b, "0");
	evt_print_flags(FT_SOCKTYPE, 0, SOCK_STREAM | SOCK_CLOEXEC, b, sizeof(b));
	CHECK_STR(b, "524289(SOCK_STREAM|SOCK_CLOEXEC)");
	/* clone's low byte is the exit signal: not a flag */
	evt_print_flags(FT_CLONE, 0, CLONE_VM | SIGCHLD, b, sizeof(b));
	CHECK_STR(b, "273(CLONE_VM)");
	evt_print_flags(FT_CLONE, 0, SIGCHLD, b, sizeof(b));
	CHECK_STR(b, "17");
	evt_print_flag_names(FT_AF, 1, 1, b, sizeof(b));
	CHECK_STR(b, "AF_LOCAL");
	/* cut output still terminated, full length returned */
	CHECK_EQ_INT(evt_print_flags(FT_OPEN, 0, O_WRONLY | O_CREAT | O_TRUNC, b, 8), 29);
	CHECK_STR(b, "577(O_W");
}

TEST(args_render_like_sysdig)
{
	struct evt ev;

	begin(EVT_OPENAT);
	add32(-100);
	evt_builder_add_str(&B, "/etc/passwd");
	add32(O_RDONLY | O_CLOEXEC);
	add32(0);
	CHECK(build(EVT_OPENAT, &ev) != NULL);
	CHECK_STR(args(&ev),
		  "dirfd=-100(AT_FDCWD) name=/etc/passwd flags=524288(O_RDONLY|O_CLOEXEC) mode=0");

	begin(EVT_OPEN);
	evt_builder_add_str(&B, "/tmp/x");
	add32(O_WRONLY | O_CREAT);
	add32(0644);
	build(EVT_OPEN, &ev);
	CHECK_STR(args(&ev), "name=/tmp/x flags=65(O_WRONLY|O_CREAT) mode=0644");

	/* buffers: non-printables as '.', argv joined with '.' */
	begin(EVT_WRITE);
	add32(1);
	evt_builder_add_u64(&B, 6);
	evt_builder_add(&B, "hi\n\x01\xffz", 6);
	build(EVT_WRITE, &ev);
	CHECK_STR(args(&ev), "fd=1 size=6 data=hi...z");

	begin(EVT_PROC_EXEC);
	evt_builder_add_str(&B, "/bin/cat");
	add32(7);
	evt_builder_add(&B, "cat\0/dev/null\0", 14);
	evt_builder_add_u64(&B, 99);
	add32(0);
	build(EVT_PROC_EXEC, &ev);
	CHECK_STR(args(&ev), "filename=/bin/cat old_tid=7 args=cat./dev/null. exe_ino=99 flags=0");
}

TEST(socket_params_render)
{
	struct evt ev;
	char b[256];
	uint8_t t4[14] = {2, 192, 168, 0, 3, 0, 0, 192, 168, 0, 2, 80, 0, 6};
	uint8_t sa6[19] = {10, 0x20, 0x01, 0x0d, 0xb8};
	uint8_t tu[17 + 6] = {1};
	uint16_t port = 54716;
	uint64_t ino = 0xffff8edc4f33fc00ull;

	memcpy(t4 + 5, &port, 2);
	sa6[16] = 3;
	port = 1234;
	memcpy(sa6 + 17, &port, 2);
	begin(EVT_CONNECT);
	add32(3);
	evt_builder_add(&B, sa6, sizeof(sa6));
	evt_builder_add(&B, t4, sizeof(t4));
	build(EVT_CONNECT, &ev);
	CHECK_STR(args(&ev), "fd=3 addr=2001:db8::3:1234 tuple=192.168.0.3:54716->192.168.0.2:80");
	/* JSON: the same text forms, as strings */
	CHECK_STR(json(&ev), "{\"fd\":3,\"addr\":\"2001:db8::3:1234\","
			     "\"tuple\":\"192.168.0.3:54716->192.168.0.2:80\"}");

	memcpy(tu + 9, &ino, 8);
	memcpy(tu + 17, "/x/sck", 6);
	begin(EVT_ACCEPT);
	add32(4);
	evt_builder_add(&B, tu, sizeof(tu));
	build(EVT_ACCEPT, &ev);
	evt_print_param(&ev, 1, NULL, b, sizeof(b));
	CHECK_STR(b, "0->ffff8edc4f33fc00 /x/sck");

	begin(EVT_ACCEPT);
	add32(4);
	evt_builder_add(&B, NULL, 0);
	build(EVT_ACCEPT, &ev);
	evt_print_param(&ev, 1, NULL, b, sizeof(b));
	CHECK_STR(b, "NULL");
}

TEST(long_strings_cut_with_ellipsis)
{
	struct evt ev;
	struct evt_print_opts o = {.max_str = 8};
	char b[128];

	begin(EVT_UNLINK);
	evt_builder_add_str(&B, "/a/very/long/path/name");
	build(EVT_UNLINK, &ev);
	evt_print_args(&ev, &o, b, sizeof(b));
	CHECK_STR(b, "path=/a/very/...");
}

TEST(json_params)
{
	struct evt ev;

	begin(EVT_EXECVE);
	evt_builder_add_str(&B, "/bin/s\"h");
	evt_builder_add(&B, "sh\0-c\0id\0", 9);
	CHECK(build(EVT_EXECVE, &ev) == NULL); /* short: the builder refuses it */
	build_short(&ev);
	/* the record stops after args: the rest is left out, not null */
	CHECK_STR(json(&ev), "{\"filename\":\"/bin/s\\\"h\",\"args\":[\"sh\",\"-c\",\"id\"]}");

	begin(EVT_READ);
	add32(-1);
	evt_builder_add(&B, "abc", 3); /* a 3-byte integer: malformed */
	evt_builder_add(&B, "\x01\x80", 2);
	build(EVT_READ, &ev);
	CHECK_STR(json(&ev), "{\"fd\":-1,\"size\":null,\"data\":\"..\"}");

	/* an empty integer has no value: null, not a made-up 0 */
	begin(EVT_OPEN);
	evt_builder_add_str(&B, "/etc/passwd");
	evt_builder_add(&B, NULL, 0);
	add32(0644);
	build(EVT_OPEN, &ev);
	CHECK_STR(json(&ev), "{\"name\":\"/etc/passwd\",\"flags\":null,\"mode\":420}");

	/* flags stay raw numbers; argv bytes outside text become '.' */
	begin(EVT_OPEN);
	evt_builder_add(&B, "", 0);
	add32(0101);
	add32(0);
	build(EVT_OPEN, &ev);
	CHECK_STR(json(&ev), "{\"name\":\"\",\"flags\":65,\"mode\":0}");
	begin(EVT_EXECVE);
	evt_builder_add_str(&B, "x");
	evt_builder_add(&B, "a\tb\0\0c\xff\0", 8);
	build_short(&ev);
	CHECK_STR(json(&ev), "{\"filename\":\"x\",\"args\":[\"a.b\",\"\",\"c.\"]}");

	/* no schema for the type: no names, so nothing to show */
	begin(251);
	evt_builder_add(&B, "ab", 2);
	build(251, &ev);
	CHECK_STR(json(&ev), "{}");
}

TEST(json_text_escapes)
{
	/* text mode: JSON escapes, short forms where JSON has them */
	CHECK_STR(jstr("a\"b\\c/", 6, 0), "\"a\\\"b\\\\c/\"");
	CHECK_STR(jstr("\b\f\n\r\t\x01\x1f\x7f", 8, 0), "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"");
	CHECK_STR(jstr("a\0b", 3, 0), "\"a\\u0000b\"");
	/* well-formed UTF-8 (2, 3 and 4 bytes) is copied as is */
	CHECK_STR(jstr("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 0),
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* every byte of an ill-formed sequence is escaped on its own:
	 * a lone continuation, overlong forms, a surrogate, beyond U+10FFFF,
	 * a lead byte that never starts UTF-8, a sequence cut by the end */
	CHECK_STR(jstr("\x80", 1, 0), "\"\\u0080\"");
	CHECK_STR(jstr("\xc0\xaf", 2, 0), "\"\\u00c0\\u00af\"");
	CHECK_STR(jstr("\xe0\x80\xaf", 3, 0), "\"\\u00e0\\u0080\\u00af\"");
	CHECK_STR(jstr("\xed\xa0\x80", 3, 0), "\"\\u00ed\\u00a0\\u0080\"");
	CHECK_STR(jstr("\xf4\x90\x80\x80", 4, 0), "\"\\u00f4\\u0090\\u0080\\u0080\"");
	CHECK_STR(jstr("\xf5", 1, 0), "\"\\u00f5\"");
	CHECK_STR(jstr("x\xe2\x82", 3, 0), "\"x\\u00e2\\u0082\"");
	/* the good sequence after a bad lead byte survives */
	CHECK_STR(jstr("\xe2\xc3\xa9", 3, 0), "\"\\u00e2\xc3\xa9\"");
	/* bytes mode: control characters, DEL and ill-formed bytes become '.' */
	CHECK_STR(jstr("a\n\x7f\x80\xc3\xa9\"\\", 8, 1), "\"a...\xc3\xa9\\\"\\\\\"");
	CHECK_STR(jstr("", 0, 1), "\"\"");
}

TEST(json_sockets)
{
	struct evt ev;
	uint8_t t4[12] = {2, 192, 168, 0, 3, 0, 0, 192, 168, 0, 2, 80};
	uint8_t tu[17 + 6] = {1};
	uint8_t un[] = {1, 0, 'a', 'b'};
	uint8_t nl[] = {16, 0, 0, 0};

	/* a unix tuple shows its path only; an abstract name's NUL is a '.' */
	memcpy(tu + 17, "/x/sck", 6);
	begin(EVT_CONNECT);
	add32(4);
	evt_builder_add(&B, un, sizeof(un));
	evt_builder_add(&B, tu, sizeof(tu));
	build(EVT_CONNECT, &ev);
	CHECK_STR(json(&ev), "{\"fd\":4,\"addr\":\".ab\",\"tuple\":\"/x/sck\"}");

	/* empty, cut short, or a family without a text form: null */
	begin(EVT_CONNECT);
	add32(5);
	evt_builder_add(&B, NULL, 0);
	evt_builder_add(&B, t4, sizeof(t4)); /* one byte short of a v4 tuple */
	build(EVT_CONNECT, &ev);
	CHECK_STR(json(&ev), "{\"fd\":5,\"addr\":null,\"tuple\":null}");
	begin(EVT_CONNECT);
	add32(6);
	evt_builder_add(&B, nl, sizeof(nl));
	evt_builder_add(&B, tu, 10); /* unix tuple without its inodes */
	build(EVT_CONNECT, &ev);
	CHECK_STR(json(&ev), "{\"fd\":6,\"addr\":null,\"tuple\":null}");
}

TEST(json_size_is_reported_and_cut_safely)
{
	struct evt ev;
	char small[8], big[64];
	size_t need, got;

	begin(EVT_OPEN);
	evt_builder_add_str(&B, "/tmp/\xff");
	add32(0);
	add32(0);
	build(EVT_OPEN, &ev);
	need = evt_print_json_params(&ev, big, sizeof(big));
	CHECK_STR(big, "{\"name\":\"/tmp/\\u00ff\",\"flags\":0,\"mode\":0}");
	CHECK_EQ_INT(need, strlen(big));
	/* like snprintf: the full length, and a NUL-terminated prefix */
	got = evt_print_json_params(&ev, small, sizeof(small));
	CHECK_EQ_INT(got, need);
	CHECK_EQ_INT(strlen(small), sizeof(small) - 1);
	CHECK(memcmp(small, big, sizeof(small) - 1) == 0);
	CHECK_EQ_INT(evt_print_json_params(&ev, NULL, 0), need);
}

/* Decodes one UTF-8 sequence strictly (a second, independent reading of
 * RFC 3629): the code point, or -1. */
static long utf8_decode(const unsigned char *p, size_t n, size_t *len)
{
	long cp, min;
	size_t l;

	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0)
		l = 2, cp = p[0] & 0x1f, min = 0x80;
	else if ((p[0] & 0xf0) == 0xe0)
		l = 3, cp = p[0] & 0x0f, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		l = 4, cp = p[0] & 0x07, min = 0x10000;
	else
		return -1;
	if (n < l)
		return -1;
	for (size_t k = 1; k < l; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = l;
	return cp;
}

/* A JSON string literal as RFC 8259 allows it: well-formed UTF-8, no raw
 * control characters, only the defined escapes, closed by its quote. */
static int json_string_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 1, l;

	if (n < 2 || p[0] != '"')
		return 0;
	while (i < n) {
		if (p[i] == '"')
			return i == n - 1;
		if (p[i] < 0x20)
			return 0;
		if (p[i] == '\\') {
			if (i + 1 >= n)
				return 0;
			if (p[i + 1] == 'u') {
				if (i + 6 > n)
					return 0;
				for (size_t k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", p[i + k]))
						return 0;
				i += 6;
			} else if (strchr("\"\\/bfnrt", p[i + 1])) {
				i += 2;
			} else {
				return 0;
			}
			continue;
		}
		if (utf8_decode(p + i, n - i, &l) < 0)
			return 0;
		i += l;
	}
	return 0;
}

TEST(json_random_bytes_stay_valid)
{
	unsigned char in[64];
	char out[64 * 6 + 3];
	uint32_t x = 2463534242u; /* xorshift: the same inputs on every run */
	int bad = 0;

	for (int round = 0; round < 20000; round++) {
		size_t n = round % 64;

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* half the rounds lean to high bytes, where UTF-8 breaks */
			in[i] = (unsigned char)(round & 1 ? (x & 0xff) : 0x80 | (x & 0x7f));
		}
		for (int mode = 0; mode < 2; mode++) {
			size_t len = evt_print_json_string(in, n, mode, out, sizeof(out));

			if (len >= sizeof(out) || !json_string_valid(out))
				bad++;
		}
	}
	CHECK_EQ_INT(bad, 0);
}

TEST(unknown_type_prints_positionally)
{
	struct evt ev;

	begin(251);
	evt_builder_add(&B, "ab", 2);
	build(251, &ev);
	CHECK_STR(args(&ev), "p0=ab");
}

TEST(source_dispatch)
{
	const char *cap = tfu_path("src.sysrec"), *junk = tfu_path("junk"), *gz = tfu_path("x.gz");
	struct evt_source *s;
	struct sr_err err;
	struct evt ev;
	int n = 0, rc;

	CHECK_EQ_INT(tfu_make(cap, 100, 5000, 10, 2048, 50, NULL), 0);
	CHECK_EQ_INT(evt_source_open_sysrec(cap, &s, &err), 0);
	CHECK_EQ_INT(s->kind, SRC_SYSREC);
	CHECK_EQ_INT(s->first_ts, 5000);
	CHECK_EQ_INT(s->last_ts, 5000 + 99 * 10);
	CHECK(s->ops->seek_time != NULL);
	while ((rc = evt_source_next(s, &ev, &err)) == 1)
		n++;
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(n, 102); /* 100 events + 2 snapshot records */
	CHECK_EQ_INT(s->ops->seek_time(s, 5500, &err), 0);
	while ((rc = evt_source_next(s, &ev, &err)) == 1 && ev.rec->type == EVT_PROCINFO)
		;
	CHECK_EQ_INT(ev.rec->ts, 5500);
	evt_source_close(s);

	tfu_write_file(junk, "#!/bin/sh\necho\n", 15);
	CHECK_EQ_INT(evt_source_open_sysrec(junk, &s, &err), SR_EFORMAT);
	CHECK(strstr(err.msg, "not a capture") != NULL);
	CHECK_EQ_INT(scap_source_open_any(junk, &s, &err), SR_EFORMAT);
	CHECK(strstr(err.msg, "not a capture") != NULL);
	/* gzip goes to the .scap reader, which refuses a gzip that is not a scap;
	 * the .sysrec opener names it a .scap */
	tfu_write_file(gz,
		       "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00"
		       "\x00\x00\x00\x00\x00\x00\x00\x00",
		       20);
	CHECK(scap_source_open_any(gz, &s, &err) < 0);
	CHECK_EQ_INT(evt_source_open_sysrec(gz, &s, &err), SR_EFORMAT);
	CHECK(strstr(err.msg, "a .scap capture") != NULL);
	CHECK_EQ_INT(scap_source_open_any(cap, &s, &err), 0);
	CHECK_EQ_INT(s->kind, SRC_SYSREC);
	evt_source_close(s);
	CHECK_EQ_INT(evt_source_open_sysrec(tfu_path("nope"), &s, &err), SR_EIO);
	CHECK_EQ_INT(scap_source_open_any(tfu_path("nope"), &s, &err), SR_EIO);
	CHECK(strstr(err.msg, "cannot open") != NULL);
	{
		int kind = 7;
		char empty[512];

		/* tfu_path's four buffers have been reused since: names again */
		CHECK_EQ_INT(evt_source_sniff_path(tfu_path("src.sysrec"), &kind, &err), 0);
		CHECK_EQ_INT(kind, SRC_SYSREC);
		CHECK_EQ_INT(evt_source_sniff_path(tfu_path("x.gz"), &kind, &err), 0);
		CHECK_EQ_INT(kind, SRC_SCAP);
		snprintf(empty, sizeof(empty), "%s", tfu_path("empty"));
		tfu_write_file(empty, "", 0);
		CHECK_EQ_INT(evt_source_sniff_path(empty, &kind, &err), 0);
		CHECK_EQ_INT(kind, -1);
		CHECK(strstr(err.msg, "empty file") != NULL);
		CHECK_EQ_INT(scap_source_open_any(empty, &s, &err), SR_EFORMAT);
	}
}

/* The one place that tells capture formats apart by their first bytes. */
TEST(source_sniff)
{
	static const uint8_t pcapng[] = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0};
	static const uint8_t gz[] = {0x1f, 0x8b, 8, 0};

	CHECK_EQ_INT(evt_source_sniff(FMT_MAGIC, 8), SRC_SYSREC);
	CHECK_EQ_INT(evt_source_sniff(FMT_MAGIC, 7), -1);
	CHECK_EQ_INT(evt_source_sniff(pcapng, sizeof(pcapng)), SRC_SCAP);
	CHECK_EQ_INT(evt_source_sniff(gz, sizeof(gz)), SRC_SCAP);
	CHECK_EQ_INT(evt_source_sniff("hello, world", 8), -1);
	CHECK_EQ_INT(evt_source_sniff("", 0), -1);
}
