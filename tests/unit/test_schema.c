/* test_schema: the schema (format/evt_schema.def) and the syscall table
 * (format/evt_sysnr.def) agree with themselves and with what derives from
 * them: the flags are consistent, every decoded type is reachable from a
 * syscall, the printers and the field tables see every parameter in schema
 * order, and evt_nparams_match() (the recorder's check of probe records)
 * holds for a full record only. */
#include "format/evt_print.h"
#include "format/evt_snap.h"
#include "format/evt_sock.h"
#include "format/evt_sysnr.h"
#include "fields/fld_int.h"
#include "tests/tap.h"

#define EF_FD_EFFECTS (EF_CREATES_FD | EF_CLOSE | EF_DUP | EF_SOCK_NAME | EF_OPEN)

static int has_param(const struct evt_info *info, unsigned pf, enum evt_ptype pt)
{
	for (unsigned i = 0; i < info->nparams; i++)
		if ((info->params[i].flags & pf) && (pt == PT_NONE || info->params[i].type == pt))
			return 1;
	return 0;
}

TEST(event_flags_consistent)
{
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *info = evt_info_get(t);
		unsigned f;

		if (!info)
			continue;
		f = info->flags;
		if ((f & EF_RES_NAMED) && !(f & EF_RES_FD))
			TAP_FAIL("%s: EF_RES_NAMED without EF_RES_FD", info->name);
		if ((f & EF_RES_FD) && !(f & EF_CREATES_FD))
			TAP_FAIL("%s: its result is an fd but it creates none", info->name);
		if ((f & EF_FD_EFFECTS) && !(f & EF_FD_TABLE))
			TAP_FAIL("%s: changes fds without EF_FD_TABLE (state would skip it)",
				 info->name);
		if ((f & EF_OPEN) && !has_param(info, EP_PATH, PT_PATH))
			TAP_FAIL("%s: EF_OPEN without an EP_PATH parameter", info->name);
		if ((f & (EF_CLOSE | EF_DUP | EF_READS | EF_WRITES)) &&
		    !has_param(info, EP_FD, PT_FD))
			TAP_FAIL("%s: works on an fd but has no EP_FD parameter", info->name);
		if ((f & (EF_READS | EF_WRITES)) && evt_param_index(t, "data") < 0)
			TAP_FAIL("%s: I/O without a data parameter", info->name);
		if ((f & EF_SOCK_NAME) && !has_param(info, EP_LOCAL | EP_REMOTE, PT_NONE))
			TAP_FAIL("%s: EF_SOCK_NAME without a socket address", info->name);
		if (!evt_type_is_syscall(t) && (f & (EF_RES_FD | EF_RES_PID | EF_RES_ADDR)))
			TAP_FAIL("%s: a record that is not a syscall has no result", info->name);
	}
}

TEST(param_roles_consistent)
{
	static const unsigned roles[] = {EP_PATH, EP_PATH_SRC, EP_PATH_DST, EP_FD};

	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *info = evt_info_get(t);

		for (unsigned i = 0; info && i < info->nparams; i++) {
			const struct evt_param_info *pi = &info->params[i];
			unsigned paths = EP_PATH | EP_PATH_SRC | EP_PATH_DST;

			if ((pi->flags & (EP_FD | EP_DIRFD)) && pi->type != PT_FD)
				TAP_FAIL("%s.%s: an fd role on a non-fd", info->name, pi->name);
			if ((pi->flags & paths) && pi->type != PT_PATH)
				TAP_FAIL("%s.%s: a path role on a non-path", info->name, pi->name);
			if ((pi->flags & EP_DIRFD) &&
			    (i + 1 >= info->nparams || !(info->params[i + 1].flags & paths)))
				TAP_FAIL("%s.%s: EP_DIRFD not before a path", info->name, pi->name);
			if ((pi->flags & (EP_LOCAL | EP_REMOTE)) && pi->type != PT_SOCKADDR &&
			    pi->type != PT_SOCKTUPLE)
				TAP_FAIL("%s.%s: an address role on a non-address", info->name,
					 pi->name);
		}
		for (size_t r = 0; info && r < sizeof(roles) / sizeof(roles[0]); r++) {
			unsigned n = 0;
			for (unsigned i = 0; i < info->nparams; i++)
				n += (info->params[i].flags & roles[r]) != 0;
			if (n > 1)
				TAP_FAIL("%s: role %#x on %u parameters", info->name, roles[r], n);
		}
	}
	/* the lookups the field extractors and state use */
	int dfi;
	CHECK_EQ_INT(evt_param_role(EVT_OPENAT, EP_PATH, &dfi), 1);
	CHECK_EQ_INT(dfi, 0);
	CHECK_EQ_INT(evt_param_role(EVT_SYMLINKAT, EP_PATH_SRC, &dfi), 0);
	CHECK_EQ_INT(dfi, -1);
	CHECK_EQ_INT(evt_param_role(EVT_SYMLINKAT, EP_PATH_DST, &dfi), 2);
	CHECK_EQ_INT(dfi, 1);
	CHECK_EQ_INT(evt_param_role(EVT_READ, EP_PATH, &dfi), -1);
	CHECK_EQ_INT(evt_param_role(999, EP_FD, NULL), -1);
}

/* Every decoded syscall type is what some syscall number records as, so the
 * probe can produce it (and --syscalls can name it). */
TEST(every_syscall_type_has_a_syscall)
{
	unsigned char reached[EVT_TYPE_MAX] = {0};

	for (unsigned nr = 0; nr < EVT_SYSNR_MAX; nr++)
		if (evt_sysnr_name(nr))
			reached[evt_sysnr_type(evt_sysnr_name(nr))] = 1;
	for (unsigned t = EVT_GENERIC + 1; t < EVT_TYPE_MAX; t++)
		if (evt_info_get(t) && evt_type_is_syscall(t) && !reached[t])
			TAP_FAIL("%s: no syscall is recorded as this type", evt_info_get(t)->name);
}

TEST(syscall_table)
{
	CHECK_STR(evt_sysnr_name(262), "newfstatat");
	CHECK_EQ_INT(evt_sysnr_by_name("getxattr"), 191);
	CHECK_EQ_INT(evt_sysnr_by_name("nosuchcall"), -1);
	CHECK_EQ_INT(evt_sysnr_by_name(NULL), -1);
	CHECK(evt_sysnr_name(EVT_SYSNR_MAX) == NULL);
	CHECK(evt_sysnr_flags(evt_sysnr_by_name("fstat")) & SCF_FD);
	CHECK(!(evt_sysnr_flags(evt_sysnr_by_name("getpid")) & SCF_FD));
	CHECK_EQ_INT(evt_sysnr_type("pread64"), EVT_PREAD64);
	CHECK_EQ_INT(evt_sysnr_type("openat"), EVT_OPENAT);
	CHECK_EQ_INT(evt_sysnr_type("getxattr"), EVT_GENERIC);
	/* the scheduler's "procexit" is not a syscall even by name */
	CHECK_EQ_INT(evt_sysnr_type("procexit"), EVT_GENERIC);
}

/* A record of type t with every schema parameter, each a small value. */
/* A record of type t with its first n schema parameters (n may exceed the
 * schema's count: the extra ones are numbers). */
static const void *build_n(struct evt_builder *b, unsigned t, unsigned n, size_t *len)
{
	const struct evt_info *info = evt_info_get(t);
	struct evt_rec h;

	memset(&h, 0, sizeof(h));
	evt_builder_begin(b, t, &h);
	for (unsigned i = 0; i < n; i++) {
		switch (i < info->nparams ? info->params[i].type : PT_UINT) {
		case PT_PATH:
		case PT_STR:
		case PT_BYTES:
			evt_builder_add(b, "x", 1);
			break;
		case PT_STRARRAY:
			evt_builder_add(b, "a", 2);
			break;
		case PT_SOCKADDR:
		case PT_SOCKTUPLE:
			evt_builder_add(b, "", 0);
			break;
		default:
			evt_builder_add_u64(b, 1);
			break;
		}
	}
	return evt_builder_finish(b, len);
}

static const void *build_full(struct evt_builder *b, unsigned t, size_t *len)
{
	return build_n(b, t, evt_info_get(t)->nparams, len);
}

/* The builder makes records with exactly the parameters the schema
 * declares, as the probe writes them: one short or one over is refused
 * (the recorder would count such a record as a drop); the raw path builds
 * it for tests of readers. Types the schema lacks take any count. */
TEST(builder_refuses_wrong_param_count)
{
	struct evt_builder b;
	size_t len, refused = 0, types = 0;
	struct evt ev;

	evt_builder_init(&b);
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *info = evt_info_get(t);

		if (!info)
			continue;
		types++;
		CHECK(build_full(&b, t, &len) != NULL);
		if (info->nparams) {
			if (build_n(&b, t, info->nparams - 1, &len) == NULL)
				refused++;
			else
				TAP_FAIL("%s: built with %u of %u parameters", info->name,
					 info->nparams - 1, info->nparams);
			/* the raw path keeps it, and the recorder's check sees it */
			const void *rec = evt_builder_finish_raw(&b, &len);
			CHECK(rec && evt_decode(&ev, rec, len) == 0 && !evt_nparams_match(&ev));
		}
		if (build_n(&b, t, info->nparams + 1, &len) == NULL)
			refused++;
		else
			TAP_FAIL("%s: built with %u of %u parameters", info->name,
				 info->nparams + 1, info->nparams);
	}
	CHECK(types > 80);
	CHECK(refused > types);
	/* no schema: the builder cannot tell, and readers skip it by length */
	evt_builder_begin(&b, 250, NULL);
	CHECK(evt_info_get(250) == NULL);
	CHECK(evt_builder_finish(&b, &len) != NULL);
	evt_builder_add_u64(&b, 1);
	CHECK(evt_builder_finish(&b, &len) != NULL);
	evt_builder_free(&b);
}

/* The printers show every parameter by its schema name, in schema order; the
 * field tables resolve every name to its index. */
TEST(printers_and_fields_follow_schema)
{
	struct evt_builder b;

	evt_builder_init(&b);
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *info = evt_info_get(t);
		char args[4096], json[4096], key[64];
		const char *pa = args, *pj = json;
		const void *rec;
		struct evt ev;
		size_t len;

		if (!info)
			continue;
		rec = build_full(&b, t, &len);
		if (!rec || evt_decode(&ev, rec, len)) {
			TAP_FAIL("%s: cannot build a full record", info->name);
			continue;
		}
		CHECK_EQ_INT(ev.nparams, info->nparams);
		CHECK(evt_nparams_match(&ev));
		if (info->nparams) {
			/* one parameter short: what the recorder counts as a drop */
			ev.nparams--;
			CHECK(!evt_nparams_match(&ev));
			ev.nparams++;
		}
		evt_print_args(&ev, NULL, args, sizeof(args));
		evt_print_json_params(&ev, json, sizeof(json));
		for (unsigned i = 0; i < info->nparams; i++) {
			const char *name = info->params[i].name;
			int id;

			snprintf(key, sizeof(key), "%s=", name);
			if (!(pa = strstr(pa, key)))
				TAP_FAIL("%s: args lack %s in order: %s", info->name, key, args);
			snprintf(key, sizeof(key), "\"%s\":", name);
			if (info->params[i].type != PT_SOCKADDR &&
			    info->params[i].type != PT_SOCKTUPLE && !(pj = strstr(pj, key)))
				TAP_FAIL("%s: json lacks %s in order: %s", info->name, key, json);
			if (!pa || !pj)
				break;
			id = fld_param_name_id(name);
			if (id < 0 || fld_param_index_by_id(t, id) != (int)i)
				TAP_FAIL("%s.%s: field tables give index %d", info->name, name,
					 id < 0 ? -1 : fld_param_index_by_id(t, id));
		}
	}
	evt_builder_free(&b);
}

/* The typed snapshot builders put each field under its schema name. */
TEST(snapshot_builders_follow_schema)
{
	struct evt_builder b;
	struct evt_rec h;
	struct evt ev;
	const void *rec;
	size_t len;
	struct evt_procinfo pi = {
	    .exe = evt_str("bash"),
	    .exepath = evt_str("/usr/bin/bash"),
	    .args = {"-c\0x\0", 5},
	    .cwd = evt_str("/root"),
	    .tty = 34816,
	    .loginuid = 1000,
	    .euid = 1001,
	    .egid = 1002,
	    .start_ts = 77,
	    .cgroup = evt_str("/user.slice"),
	    .container_id = evt_str("abc"),
	    .pod_uid = evt_str("pod"),
	    .vpid = 5,
	    .vtid = 6,
	    .pidns = 11,
	    .mntns = 12,
	    .netns = 13,
	    .flags = EVT_EXEC_WRITABLE,
	    .env = {"A=1", 4},
	};
	struct evt_fdinfo fi = {
	    .fd = 7, .type = FDT_PIPE, .name = evt_str("pipe:[9]"), .flags = 1, .ino = 9};
	static const struct {
		const char *name;
		uint64_t v;
	} ints[] = {{"tty", 34816},
		    {"loginuid", 1000},
		    {"euid", 1001},
		    {"egid", 1002},
		    {"start_ts", 77},
		    {"vpid", 5},
		    {"vtid", 6},
		    {"pidns", 11},
		    {"mntns", 12},
		    {"netns", 13},
		    {"flags", EVT_EXEC_WRITABLE}};

	memset(&h, 0, sizeof(h));
	evt_builder_init(&b);
	CHECK_EQ_INT(evt_build_procinfo(&b, &h, &pi), 0);
	rec = evt_builder_finish(&b, &len);
	CHECK(rec && evt_decode(&ev, rec, len) == 0);
	CHECK(evt_nparams_match(&ev));
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		CHECK_EQ_INT(
		    evt_param_u64(&ev, (unsigned)evt_param_index(EVT_PROCINFO, ints[i].name)),
		    ints[i].v);
	CHECK(ev.plen[evt_param_index(EVT_PROCINFO, "cwd")] == 5 &&
	      !memcmp(ev.p[evt_param_index(EVT_PROCINFO, "cwd")], "/root", 5));
	CHECK(ev.plen[evt_param_index(EVT_PROCINFO, "env")] == 4);
	CHECK(!memcmp(ev.p[evt_param_index(EVT_PROCINFO, "container_id")], "abc", 3));

	CHECK_EQ_INT(evt_build_fdinfo(&b, &h, &fi), 0);
	rec = evt_builder_finish(&b, &len);
	CHECK(rec && evt_decode(&ev, rec, len) == 0);
	CHECK(evt_nparams_match(&ev));
	CHECK_EQ_INT(evt_param_s64(&ev, (unsigned)evt_param_index(EVT_FDINFO, "fd")), 7);
	CHECK_EQ_INT(evt_param_u64(&ev, (unsigned)evt_param_index(EVT_FDINFO, "fdtype")), FDT_PIPE);
	CHECK_EQ_INT(evt_param_u64(&ev, (unsigned)evt_param_index(EVT_FDINFO, "ino")), 9);
	CHECK_EQ_INT(ev.plen[evt_param_index(EVT_FDINFO, "tuple")], 0);
	evt_builder_free(&b);
}

/* The one socket-address decoder: layouts of format/evt_abi.h, short input refused. */
TEST(sock_decoder)
{
	static const uint8_t in4[] = {2, 10, 0, 0, 1, 0x50, 0};
	static const uint8_t tup4[] = {2, 1, 2, 3, 4, 1, 0, 5, 6, 7, 8, 2, 0, 6};
	static const uint8_t tunix[] = {1, 1, 0, 0, 0, 0, 0, 0,	  0,  2,
					0, 0, 0, 0, 0, 0, 0, '/', 's'};
	struct evt_sock s;

	CHECK_EQ_INT(evt_sockaddr_decode(in4, sizeof(in4), &s), 0);
	CHECK(s.family == 2 && s.alen == 4 && s.lport == 80 && s.lip[0] == 10 && s.lip[3] == 1);
	CHECK_EQ_INT(evt_sockaddr_decode(in4, sizeof(in4) - 1, &s), -1);
	CHECK_EQ_INT(s.family, 2);
	CHECK_EQ_INT(evt_sockaddr_decode(in4, 0, &s), -1);
	CHECK_EQ_INT(s.family, 0);
	CHECK_EQ_INT(evt_socktuple_decode(tup4, sizeof(tup4), &s), 0);
	CHECK(s.lport == 1 && s.rport == 2 && s.rip[3] == 8 && s.l4 == 6);
	CHECK_EQ_INT(evt_socktuple_decode(tup4, 12, &s), -1);
	CHECK_EQ_INT(evt_socktuple_decode(tunix, sizeof(tunix), &s), 0);
	CHECK(s.lino == 1 && s.rino == 2 && s.path_len == 2 && s.path[0] == '/');
	CHECK_EQ_INT(evt_socktuple_decode(tunix, 16, &s), -1);
	CHECK_EQ_INT(evt_sockaddr_decode((const uint8_t *)"\x07xyz", 4, &s), -1);
}
