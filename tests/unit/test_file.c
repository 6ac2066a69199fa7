/* test_file: creating capture files privately and safely (common/sr_file.c)
 * and the writers that use it: mode 0600 whatever the umask, never through
 * a symbolic link, an existing file refused unless replacing. (A header
 * that cannot be written leaves no file: test_format, disk_full_at_open.) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/sr_file.h"
#include "../../format/fmt_writer.h"
#include "../../scap/scap.h"
#include "../tap.h"

static char dir[] = "/tmp/test_file.XXXXXX";

static const char *tpath(const char *name)
{
	static char buf[8][300];
	static int k, made;

	/* a flag, not the template's look: the random suffix may end in 'X' */
	if (!made && !mkdtemp(dir))
		abort();
	made = 1;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int same_text(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return !strcmp(buf, text);
}

static unsigned mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? 0 : (unsigned)(st.st_mode & 07777);
}

TEST(create_private_whatever_the_umask)
{
	const char *p = tpath("a");
	struct sr_err err;
	struct stat st;
	mode_t old = umask(0);
	int fd = sr_file_create(p, 0, &err);

	umask(old);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(fstat(fd, &st) == 0 && st.st_uid == geteuid());
	close(fd);
	CHECK_EQ_INT(mode_of(p), 0600);
	/* a umask that takes the owner's bits does not either */
	old = umask(0277);
	fd = sr_file_create(tpath("b"), 0, &err);
	umask(old);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK_EQ_INT(mode_of(tpath("b")), 0600);
}

TEST(symlink_refused_target_untouched)
{
	const char *victim = tpath("victim"), *link = tpath("link"), *dangling = tpath("dangling");
	struct sr_err err;
	struct stat st;

	put(victim, "precious\n");
	CHECK(symlink(victim, link) == 0);
	CHECK(symlink(tpath("nowhere"), dangling) == 0);
	for (unsigned flags = 0; flags <= SR_FILE_REPLACE; flags++) {
		sr_err_clear(&err);
		CHECK(sr_file_create(link, flags, &err) < 0);
		CHECK(strstr(err.msg, "symbolic link") != NULL);
		sr_err_clear(&err);
		CHECK(sr_file_create(dangling, flags, &err) < 0);
		CHECK(strstr(err.msg, "symbolic link") != NULL);
	}
	CHECK(same_text(victim, "precious\n"));
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(access(tpath("nowhere"), F_OK) != 0);
}

TEST(existing_refused_unless_replace)
{
	const char *p = tpath("old");
	struct sr_err err;
	struct stat after;
	int fd;

	put(p, "old\n");
	chmod(p, 0644);
	/* another name for the old file: replacing must not write into it */
	CHECK(link(p, tpath("old2")) == 0);
	sr_err_clear(&err);
	CHECK(sr_file_create(p, 0, &err) < 0);
	CHECK(strstr(err.msg, "--force") != NULL);
	CHECK(same_text(p, "old\n"));
	fd = sr_file_create(p, SR_FILE_REPLACE, &err);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(stat(p, &after) == 0 && after.st_size == 0);
	CHECK(same_text(tpath("old2"), "old\n"));
	CHECK_EQ_INT(mode_of(p), 0600);
	/* a directory is not replaced */
	mkdir(tpath("d"), 0755);
	CHECK(sr_file_create(tpath("d"), SR_FILE_REPLACE, &err) < 0);
}

TEST(rename_never_replaces)
{
	const char *a = tpath("ra"), *b = tpath("rb"), *victim = tpath("rvictim");
	const char *link = tpath("rlink");

	put(a, "a\n");
	put(b, "b\n");
	put(victim, "v\n");
	CHECK(symlink(victim, link) == 0);
	CHECK(sr_file_rename_new(a, b) != 0 && errno == EEXIST);
	CHECK(sr_file_rename_new(a, link) != 0 && errno == EEXIST);
	CHECK(same_text(a, "a\n") && same_text(b, "b\n") && same_text(victim, "v\n"));
	CHECK(sr_file_rename_new(a, tpath("rc")) == 0);
	CHECK(same_text(tpath("rc"), "a\n") && access(a, F_OK) != 0);
}

/* The writers: .sysrec and .scap files come out 0600, refuse links, and
 * refuse an existing file when exclusive. */
TEST(writers_private_and_exclusive)
{
	struct fmt_writer_opts wo = {.exclusive = 1};
	struct fmt_writer *w;
	struct scap_writer *sw;
	struct sr_err err;
	const char *cap = tpath("w.sysrec"), *scap = tpath("w.scap"), *link = tpath("wl.sysrec");
	mode_t old = umask(0);

	CHECK_EQ_INT(fmt_writer_open(&w, cap, NULL, &wo, &err), 0);
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	CHECK_EQ_INT(scap_writer_open(&sw, scap, NULL, 1, &err), 0);
	CHECK_EQ_INT(scap_writer_close(sw, &err), 0);
	umask(old);
	CHECK_EQ_INT(mode_of(cap), 0600);
	CHECK_EQ_INT(mode_of(scap), 0600);
	CHECK(fmt_writer_open(&w, cap, NULL, &wo, &err) != 0);
	CHECK(strstr(err.msg, "--force") != NULL);
	CHECK(scap_writer_open(&sw, scap, NULL, 1, &err) != 0);
	CHECK_EQ_INT(fmt_writer_open(&w, cap, NULL, NULL, &err), 0); /* replacing */
	CHECK_EQ_INT(fmt_writer_close(w, &err), 0);
	put(tpath("wvictim"), "v\n");
	CHECK(symlink(tpath("wvictim"), link) == 0);
	CHECK(fmt_writer_open(&w, link, NULL, NULL, &err) != 0);
	CHECK(scap_writer_open(&sw, link, NULL, 0, &err) != 0);
	CHECK(same_text(tpath("wvictim"), "v\n"));
}

/* Runs last (constructors register in file order): the scratch folder goes. */
TEST(zz_cleanup)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}
