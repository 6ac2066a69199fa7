/* fuzz_reader: any bytes as a .sysrec capture. Opens them (through a memfd,
 * the reader takes paths), reads every record and prints it, seeks, filters
 * by type, and verifies; and as a capture being written (--live): opened
 * with part of the bytes, the rest appended, refreshed, read on. The reader
 * must never crash or read out of bounds, whatever the input. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/evt_print.h"
#include "format/fmt_layout.h"
#include "format/fmt_reader.h"
#include "format/fmt_reader_int.h"

static void ignore(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static void drain(struct fmt_reader *r, int limit)
{
	static char text[8192];
	struct sr_err err;
	struct evt ev;

	while (limit-- > 0 && fmt_reader_next(r, &ev, &err) == 1) {
		/* printing walks every parameter: part of what must be safe */
		evt_print_args(&ev, NULL, text, sizeof(text));
		evt_print_json_params(&ev, text, sizeof(text));
	}
}

/* Input that is not a capture: a stream of raw records, straight into the
 * decoder and the printers (the fastest way to reach their corner cases). */
static void raw_records(const uint8_t *data, size_t size)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(8)));
	static char text[8192];
	size_t pos = 0;

	if (size > sizeof(buf))
		size = sizeof(buf);
	memcpy(buf, data, size); /* aligned, as a reader's chunk buffer is */
	while (pos < size) {
		struct evt ev;

		if (evt_decode(&ev, buf + pos, size - pos) != 0)
			break;
		evt_print_args(&ev, NULL, text, sizeof(text));
		evt_print_json_params(&ev, text, sizeof(text));
		pos += (ev.rec->len + 7u) & ~7u;
	}
}

static void one_pass(const char *path)
{
	struct fmt_reader *r;
	struct sr_err err;

	if (fmt_reader_open(&r, path, &err) == 0) {
		const struct fmt_file_info *fi = fmt_reader_info(r);
		uint8_t set[32] = {0};

		drain(r, 100000);
		fmt_reader_seek_time(r, fi->first_ts + (fi->last_ts - fi->first_ts) / 2, &err);
		drain(r, 1000);
		set[1] = 0x08; /* openat */
		fmt_reader_set_types(r, set);
		fmt_reader_seek_time(r, 0, &err);
		drain(r, 1000);
		fmt_reader_close(r);
	}
	fmt_verify(path, ignore, NULL, &err);
	/* and the checkpoints against a trusted key (2.1) */
	{
		static const uint8_t key[32] = {1, 2, 3};
		struct fmt_seal_report rep;

		if (fmt_verify_sealed(path, key, &rep, ignore, NULL, &err) >= 0)
			fmt_seal_report_free(&rep);
	}
}

/* The file grows under an open reader, in two steps cut where the input's
 * last byte says. */
static void growing(const uint8_t *data, size_t size)
{
	struct fmt_reader *r;
	struct sr_err err;
	char path[64];
	size_t cut = 8 + (size_t)data[size - 1] * (size - 8) / 255;
	int fd = memfd_create("fuzz-grow", MFD_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (write(fd, data, cut) == (ssize_t)cut && fmt_reader_open(&r, path, &err) == 0) {
		fmt_reader_refresh(r, &err);
		drain(r, 100000);
		if (write(fd, data + cut, size - cut) == (ssize_t)(size - cut)) {
			fmt_reader_refresh(r, &err);
			drain(r, 100000);
			fmt_reader_refresh(r, &err);
			drain(r, 1000);
		}
		fmt_reader_close(r);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd;

	if (size < 8 || memcmp(data, FMT_MAGIC, 8) != 0) {
		raw_records(data, size);
		return 0;
	}
	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* As shipped, then with checksums ignored so mutations reach the
	 * decompressor and the record parser behind them. */
	one_pass(path);
	fmt_fuzz_skip_checks = 1;
	one_pass(path);
	fmt_fuzz_skip_checks = 0;
	close(fd);
	growing(data, size);
	return 0;
}
