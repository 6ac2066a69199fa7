/* rpl_loss: saying what a capture could not give.
 *
 * Readers end cleanly at a chunk cut short (the recorder stopped mid-write)
 * and stop at damage after every record before it. Replay must never make
 * either look like a complete answer: a cut becomes an error here, and both
 * carry, when the file tells, how many records were lost. Only .sysrec files
 * know this (their index or the cut chunk's header); the reader is reopened
 * to ask, which costs a header and index read once per run and file.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rpl.h"
#include "common/sr_sb.h"
#include "format/fmt_reader.h"
#include "format/fmt_tail.h"

/* Records the header of a cut chunk announces; 0 when the header itself is
 * cut or not a chunk header. */
static uint64_t cut_chunk_records(const char *path, uint64_t off)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t n;

	if (fd < 0)
		return 0;
	n = fmt_tail_cut_records(fd, off);
	close(fd);
	return n;
}

int rpl_loss_cut(const struct evt_source *s, struct sr_err *err)
{
	const struct fmt_file_info *fi;
	struct fmt_reader *r;
	struct sr_err e;
	const char *why;
	uint64_t lost;

	sr_err_clear(&e);
	if (s->kind != SRC_SYSREC || fmt_reader_open(&r, s->path, &e))
		return 0;
	fi = fmt_reader_info(r);
	if (!fi->truncated) {
		fmt_reader_close(r);
		return 0;
	}
	lost = cut_chunk_records(s->path, fi->damage_offset);
	/* damage_msg repeats chunk and offset before ": " */
	why = strstr(fi->damage_msg, ": ");
	why = why ? why + 2 : fi->damage_msg;
	sr_err_set(err, SR_ECORRUPT, "%s: truncated at chunk %" PRIu64 ", offset %" PRIu64 " (%s)",
		   s->path, fi->damage_chunk, fi->damage_offset, why);
	if (lost) {
		struct sr_sb b;

		sr_sb_init_at(&b, err->msg, sizeof(err->msg), strlen(err->msg));
		sr_sb_printf(&b, "; %" PRIu64 " records of that chunk unreadable", lost);
	}
	err->chunk = (int64_t)fi->damage_chunk;
	err->offset = fi->damage_offset;
	fmt_reader_close(r);
	return 1;
}

void rpl_loss_damage(const struct evt_source *s, struct sr_err *err, int only_chunk)
{
	struct fmt_reader *r;
	struct sr_err e;
	uint64_t lost = 0;
	struct sr_sb b;
	size_t nch;

	sr_err_clear(&e);
	if (s->kind != SRC_SYSREC || err->chunk < 0 || fmt_reader_open(&r, s->path, &e))
		return;
	/* Reading stops at the damaged chunk: it and every later chunk the index
	 * lists are lost (a rebuilt index ends before the damage: nothing known);
	 * with only_chunk, reading goes on after it. */
	nch = fmt_reader_chunk_count(r);
	for (size_t i = (size_t)err->chunk; i < nch && (!only_chunk || i == (size_t)err->chunk);
	     i++)
		lost += fmt_reader_chunk(r, i)->count;
	fmt_reader_close(r);
	sr_sb_init_at(&b, err->msg, sizeof(err->msg), strlen(err->msg));
	if (lost && !strstr(err->msg, "known from the index"))
		sr_sb_printf(&b, "; %" PRIu64 " records %s known from the index but unread", lost,
			     only_chunk ? "of that chunk" : "from there on");
}
