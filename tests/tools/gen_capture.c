/* gen_capture: writes a synthetic .sysrec capture with a realistic event mix
 * (see gen_events.h), for benchmarks and tests.
 *
 *   gen_capture -o FILE [-n EVENTS | -b BYTES] [--seed N] [--ts-step NS]
 *               [--start NS] [--chunk-raw BYTES] [--level N] [--snap-every EVENTS]
 *               [--hostname NAME]
 * A state snapshot is written first; --snap-every adds periodic ones.
 * Prints one line: events, chunks, bytes, raw bytes.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tools/gen_events.h"

static void usage(void)
{
	fprintf(stderr, "usage: gen_capture -o FILE [-n EVENTS | -b BYTES] [--seed N] "
			"[--ts-step NS] [--start NS] [--chunk-raw BYTES] [--level N] "
			"[--snap-every EVENTS] [--sign-key KEY [--checkpoint-chunks N] "
			"[--ratchet]] [--no-close] [--hostname NAME] [--mixed-paths]\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	/* k/M/G suffixes: sizes and counts for benchmarks read better that way */
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	else if (*end == 'G')
		v <<= 30, end++;
	if (*end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"seed", required_argument, NULL, 's'},
	    {"ts-step", required_argument, NULL, 't'},
	    {"start", required_argument, NULL, 'S'},
	    {"chunk-raw", required_argument, NULL, 'c'},
	    {"level", required_argument, NULL, 'l'},
	    {"snap-every", required_argument, NULL, 'e'},
	    {"sign-key", required_argument, NULL, 'K'},
	    {"checkpoint-chunks", required_argument, NULL, 'C'},
	    {"ratchet", no_argument, NULL, 'R'},
	    {"no-close", no_argument, NULL, 'X'},
	    {"hostname", required_argument, NULL, 'H'},
	    {"mixed-paths", no_argument, NULL, 'P'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL, *hostname = "gen-host";
	uint64_t n = 0, bytes = 0, seed = 1, step = 1000, start = 1700000000000000000ull, snap = 0;
	struct fmt_writer_opts o = {0};
	struct fmt_host_info host;
	struct fmt_writer_stats st;
	struct fmt_writer *w;
	struct sr_err err;
	struct gen g;
	struct fmt_sign_key key;
	int c, rc = 0, no_close = 0, mixed = 0;

	while ((c = getopt_long(argc, argv, "o:n:b:", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			n = num(optarg);
			break;
		case 'b':
			bytes = num(optarg);
			break;
		case 's':
			seed = num(optarg);
			break;
		case 't':
			step = num(optarg);
			break;
		case 'S':
			start = num(optarg);
			break;
		case 'c':
			o.chunk_raw = num(optarg);
			break;
		case 'l':
			o.level = (int)num(optarg);
			break;
		case 'e':
			snap = num(optarg);
			break;
		case 'K':
			if (fmt_key_load_private(optarg, &key, &err)) {
				fprintf(stderr, "gen_capture: %s\n", err.msg);
				return 1;
			}
			o.sign = &key;
			break;
		case 'C':
			o.ckpt_chunks = (uint32_t)num(optarg);
			break;
		case 'R':
			o.ratchet = 1;
			break;
		case 'X':
			no_close = 1; /* leave the file as a killed recorder would */
			break;
		case 'H':
			hostname = optarg;
			break;
		case 'P':
			mixed = 1;
			break;
		default:
			usage();
		}
	}
	if (!out || (!n && !bytes))
		usage();
	sr_err_clear(&err);
	fmt_host_info_local(&host);
	snprintf(host.hostname, sizeof(host.hostname), "%s", hostname);
	snprintf(host.recorder, sizeof(host.recorder), "gen_capture");
	snprintf(host.source, sizeof(host.source), "synthetic");
	host.start_ns = start;
	host.snaplen = 80;
	gen_init(&g, seed, start, step);
	g.mixed_paths = mixed;
	if (fmt_writer_open(&w, out, &host, &o, &err)) {
		fprintf(stderr, "gen_capture: %s\n", err.msg);
		return 1;
	}
	rc = gen_snapshot(&g, w, &err);
	for (uint64_t i = 0; !rc; i++) {
		const void *rec;
		size_t len;

		if (n && i >= n)
			break;
		if (bytes && (i & 1023) == 0) {
			fmt_writer_get_stats(w, &st);
			if (st.bytes >= bytes)
				break;
		}
		if (snap && i && i % snap == 0)
			rc = gen_snapshot(&g, w, &err);
		rec = gen_next(&g, &len);
		if (!rc && !rec)
			rc = sr_err_set(&err, SR_ENOMEM, "out of memory");
		if (!rc)
			rc = fmt_writer_append(w, rec, len, &err);
		if (!rc)
			rc = fmt_writer_tick(w, g.ts, &err);
	}
	if (!rc)
		rc = fmt_writer_tick(w, 0, &err); /* flush, so the stats below are final */
	fmt_writer_get_stats(w, &st);
	if (rc) {
		fprintf(stderr, "gen_capture: %s\n", err.msg);
		fmt_writer_close(w, NULL);
		gen_free(&g);
		return 1;
	}
	if (no_close) {
		/* what a killed recorder leaves: chunks, no final checkpoint or trailer */
		rc = fmt_writer_tick(w, 0, &err);
		gen_free(&g);
		fflush(stdout);
		_exit(rc ? 1 : 0); /* as killed: the writer is never closed */
	}
	if (fmt_writer_close(w, &err)) {
		fprintf(stderr, "gen_capture: %s\n", err.msg);
		gen_free(&g);
		return 1;
	}
	gen_free(&g);
	printf("%s: %" PRIu64 " events, %" PRIu64 " records, %" PRIu64 " chunks, %" PRIu64
	       " raw bytes\n",
	       out, st.events, st.records, st.chunks, st.raw_bytes);
	return 0;
}
