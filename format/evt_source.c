/* evt_source.c: a .sysrec capture as a stream of events, and the sniffing
 * of a file's first bytes. Foreign formats are opened by their own readers
 * (scap/), which implement the same interface; a program that reads both
 * sniffs and picks (sysreplay: replay/rpl_input.c). */
#include "evt_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt_layout.h"
#include "fmt_pipe.h"
#include "fmt_reader.h"

struct sysrec_source {
	struct evt_source base;
	struct fmt_reader *r;
};

static int sysrec_next(struct evt_source *s, struct evt *ev, struct sr_err *err)
{
	return fmt_reader_next(((struct sysrec_source *)s)->r, ev, err);
}

static int sysrec_seek(struct evt_source *s, uint64_t ts_ns, struct sr_err *err)
{
	return fmt_reader_seek_time(((struct sysrec_source *)s)->r, ts_ns, err);
}

static void sysrec_set_types(struct evt_source *s, const uint8_t set[32])
{
	fmt_reader_set_types(((struct sysrec_source *)s)->r, set);
}

static int sysrec_skip_damage(struct evt_source *s)
{
	return fmt_reader_skip_damage(((struct sysrec_source *)s)->r);
}

static void sysrec_close(struct evt_source *s)
{
	struct sysrec_source *ss = (struct sysrec_source *)s;

	fmt_reader_close(ss->r);
	free(ss);
}

static int sysrec_refresh(struct evt_source *s, struct sr_err *err)
{
	return fmt_reader_refresh(((struct sysrec_source *)s)->r, err);
}
static void sysrec_set_keep(struct evt_source *s, int (*keep)(void *ctx, const struct evt *ev),
			    void *ctx)
{
	fmt_reader_set_keep(((struct sysrec_source *)s)->r, keep, ctx);
}

static uint64_t sysrec_counted(struct evt_source *s)
{
	return fmt_reader_counted(((struct sysrec_source *)s)->r);
}

static const struct evt_source_ops sysrec_ops = {
    .next = sysrec_next,
    .refresh = sysrec_refresh,
    .seek_time = sysrec_seek,
    .set_types = sysrec_set_types,
    .close = sysrec_close,
    .skip_damage = sysrec_skip_damage,
    .set_keep = sysrec_set_keep,
    .counted = sysrec_counted,
};

/* Opens a .sysrec capture as an evt_source. */
static int sysrec_source_open(const char *path, struct evt_source **out, struct sr_err *err)
{
	struct sysrec_source *ss = calloc(1, sizeof(*ss));
	const struct fmt_file_info *fi;
	int rc;

	if (!ss)
		return sr_err_set(err, SR_ENOMEM, "out of memory");
	rc = fmt_reader_open(&ss->r, path, err);
	if (rc) {
		free(ss);
		return rc;
	}
	/* Benchmarks only (bench/replay.sh): what checking the 2.1 digest
	 * chain costs a replay. verify never goes through here. */
	if (getenv("SYSREPLAY_BENCH_NO_DIGEST"))
		fmt_reader_set_digest_check(ss->r, 0);
	ss->base.ops = &sysrec_ops;
	ss->base.kind = SRC_SYSREC;
	ss->base.host = *fmt_reader_host(ss->r);
	snprintf(ss->base.path, sizeof(ss->base.path), "%s", path);
	fi = fmt_reader_info(ss->r);
	ss->base.first_ts = fi->first_ts;
	ss->base.last_ts = fi->last_ts;
	*out = &ss->base;
	return 0;
}

int evt_source_sniff(const void *head, size_t n)
{
	const uint8_t *m = head;

	if (n >= 8 && memcmp(m, FMT_MAGIC, 8) == 0)
		return SRC_SYSREC;
	/* pcapng section header block type 0x0A0D0D0A, the same in both byte orders */
	if (n >= 4 && m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a)
		return SRC_SCAP;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return SRC_SCAP;
	return -1;
}

int evt_source_sniff_path(const char *path, int *kind, struct sr_err *err)
{
	uint8_t m[8] = {0};
	ssize_t n;
	int fd, e;

	*kind = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sr_err_set(err, SR_EIO, "cannot open '%s': %s", path, strerror(errno));
	n = read(fd, m, sizeof(m));
	e = errno;
	close(fd);
	if (n < 0)
		return sr_err_set(err, SR_EIO, "cannot read '%s': %s", path, strerror(e));
	*kind = evt_source_sniff(m, (size_t)n);
	if (*kind < 0)
		sr_err_set(err, SR_EFORMAT,
			   n ? "%s: not a capture file (unknown magic)" : "%s: empty file", path);
	return 0;
}

int evt_source_open_sysrec(const char *path, struct evt_source **out, struct sr_err *err)
{
	int kind, rc = evt_source_sniff_path(path, &kind, err);

	*out = NULL;
	if (rc)
		return rc;
	if (kind == SRC_SYSREC)
		return sysrec_source_open(path, out, err);
	if (kind == SRC_SCAP)
		return sr_err_set(err, SR_EFORMAT, "%s: a .scap capture, not .sysrec", path);
	return SR_EFORMAT; /* err says which */
}

void evt_source_set_threads(unsigned workers, unsigned depth)
{
	fmt_pipe_configure(workers, depth);
}

void evt_source_close(struct evt_source *s)
{
	if (s)
		s->ops->close(s);
}
