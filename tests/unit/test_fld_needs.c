/* test_fld_needs.c: which filters and formats read state or earlier
 * events, and the parts of a condition a record alone decides (what the
 * replay's worker threads evaluate: replay/rpl_keep.c). */
#include "tests/tap.h"

#include "fields/fld_needs.h"
#include "filter/flt.h"

static struct flt_prog *prog(struct flt_arena *a, const char *text)
{
	struct flt_prog *p = NULL;
	struct sr_err err;

	sr_err_clear(&err);
	if (flt_compile_text(a, text, &p, &err))
		TAP_FAIL("compile %s: %s", text, err.msg);
	return p;
}

TEST(order_needs)
{
	struct flt_arena *a = flt_arena_new();

	CHECK_EQ_INT(flt_prog_needs_order(prog(a, "evt.type=openat and evt.res<0")), 0);
	CHECK_EQ_INT(flt_prog_needs_order(prog(a, "proc.name=bash")), 0);
	CHECK_EQ_INT(flt_prog_needs_order(prog(a, "evt.num>10")), 1);
	CHECK_EQ_INT(flt_prog_needs_order(prog(a, "evt.deltatime>1000")), 1);
	CHECK_EQ_INT(flt_prog_needs_order(prog(a, "evt.type=openat or evt.reltime.s>2")), 1);
	CHECK_EQ_INT(flt_prog_needs_order(prog(a, "proc.pname=bash")), 1);
	CHECK_EQ_INT(flt_prog_needs_order(NULL), 0);
	flt_arena_free(a);
}

TEST(format_order_needs)
{
	struct fld_format *f = NULL;
	struct sr_err err;

	sr_err_clear(&err);
	CHECK_EQ_INT(fld_format_compile("%evt.num %proc.name %evt.res", &f, &err), 0);
	CHECK_EQ_INT(fld_format_needs_order(f, 0), 1);
	CHECK_EQ_INT(fld_format_needs_order(f, 1), 0);
	fld_format_free(f);
	CHECK_EQ_INT(fld_format_compile("%evt.rawtime %evt.deltatime", &f, &err), 0);
	CHECK_EQ_INT(fld_format_needs_order(f, 1), 1);
	fld_format_free(f);
	CHECK_EQ_INT(fld_format_compile("%fd.name", &f, &err), 0);
	CHECK_EQ_INT(fld_format_needs_order(f, 1), 1);
	fld_format_free(f);
}

TEST(free_parts)
{
	struct flt_arena *a = flt_arena_new();
	const struct flt_pnode *parts[8];

	/* the top-level and's operands, nested ones flattened, minus those
	 * that read state */
	CHECK_EQ_INT(flt_prog_free_parts(prog(a, "evt.type=openat and (evt.res<0 and proc.name=sh) "
						 "and proc.pname=bash"),
					 parts, 8),
		     3);
	/* an or is one part, usable only when both sides are */
	CHECK_EQ_INT(flt_prog_free_parts(prog(a, "evt.type=openat or proc.pname=bash"), parts, 8),
		     0);
	CHECK_EQ_INT(flt_prog_free_parts(
			 prog(a, "evt.res<0 and (evt.type=openat or evt.type=read)"), parts, 8),
		     2);
	CHECK_EQ_INT(flt_prog_free_parts(prog(a, "evt.num>3 and fd.name=/etc/passwd"), parts, 8),
		     0);
	/* at most max */
	CHECK_EQ_INT(
	    flt_prog_free_parts(prog(a, "evt.res<0 and evt.cpu=1 and evt.type=read"), parts, 2), 2);
	flt_arena_free(a);
}

/* Which fields the state's fd tables feed: what decides whether a replay's
 * state may run without them (st_set_fd_tables). */
TEST(fd_table_needs)
{
	struct flt_arena *a = flt_arena_new();
	static const char *const no[] = {
	    "evt.type=open and proc.name=curl", "proc.pname=bash or proc.aname[2]=sshd",
	    "user.name=root and proc.cmdline contains x", "thread.tid=3 and proc.ppid=1", NULL};
	static const char *const yes[] = {
	    "fd.name=/etc/passwd",	  "proc.name=curl and proc.cwd=/root/",
	    "proc.exepath=/usr/bin/curl", "proc.exe=curl",
	    "evt.args contains passwd",	  "proc.name=curl and not fd.type=ipv4",
	    "proc.fdopencount>3",	  NULL};
	struct fld_format *f = NULL;
	struct sr_err err;

	for (size_t i = 0; no[i]; i++)
		CHECK_EQ_INT(flt_prog_needs_fds(prog(a, no[i])), 0);
	for (size_t i = 0; yes[i]; i++)
		CHECK_EQ_INT(flt_prog_needs_fds(prog(a, yes[i])), 1);
	CHECK_EQ_INT(flt_prog_needs_fds(NULL), 0);
	flt_arena_free(a);
	sr_err_clear(&err);
	CHECK_EQ_INT(fld_format_compile("%evt.num %proc.name %proc.pname %user.name", &f, &err), 0);
	CHECK_EQ_INT(fld_format_needs_fds(f), 0);
	fld_format_free(f);
	CHECK_EQ_INT(fld_format_compile("%proc.name %evt.args", &f, &err), 0);
	CHECK_EQ_INT(fld_format_needs_fds(f), 1);
	fld_format_free(f);
	CHECK_EQ_INT(fld_format_compile("%proc.name %proc.cwd", &f, &err), 0);
	CHECK_EQ_INT(fld_format_needs_fds(f), 1);
	fld_format_free(f);
}
