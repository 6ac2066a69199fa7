/* scap_dump: prints the records a .scap file turns into (tests and debugging).
 *
 *   scap_dump [-c] [-t TYPE] [-e] [-n N] FILE.scap
 *     -c      print only the number of records (and the error, if any)
 *     -t T    only records of our type named T (repeatable)
 *     -e      skip records flagged enter-only and snapshot records
 *     -n N    stop after N records
 * FILE may also be a .sysrec capture (read through evt_source_open).
 * One line per record: num ts(ns) type tid pid ppid uid comm res latency flags params.
 * Exit status 0 on a clean end, 2 when reading stopped at damage (message on stderr).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sr_err.h"
#include "format/evt_source.h"
#include "scap/scap.h"

static void print_bytes(const uint8_t *p, uint32_t len)
{
	putchar('"');
	for (uint32_t i = 0; i < len && i < 80; i++) {
		if (p[i] == 0)
			putchar(' ');
		else if (isprint(p[i]) && p[i] != '"')
			putchar(p[i]);
		else
			putchar('.');
	}
	putchar('"');
}

static void print_param(const struct evt *ev, unsigned i, const struct evt_param_info *pi)
{
	const uint8_t *p = ev->p[i];
	uint32_t len = ev->plen[i];

	printf(" %s=", pi ? pi->name : "?");
	if (len == 0) {
		printf("<none>");
		return;
	}
	switch (pi ? pi->type : PT_BYTES) {
	case PT_PATH:
	case PT_STR:
	case PT_BYTES:
	case PT_STRARRAY:
		print_bytes(p, len);
		break;
	case PT_SOCKADDR:
	case PT_SOCKTUPLE:
		if (p[0] == 2 && len >= 7) {
			printf("%u.%u.%u.%u:%u", p[1], p[2], p[3], p[4], p[5] | p[6] << 8);
			if (pi->type == PT_SOCKTUPLE && len >= 13)
				printf("->%u.%u.%u.%u:%u", p[7], p[8], p[9], p[10],
				       p[11] | p[12] << 8);
		} else {
			printf("af%u:", p[0]);
			print_bytes(p + 1, len - 1);
		}
		break;
	case PT_HEX:
	case PT_FLAGS:
	case PT_MODE:
		printf("0x%" PRIx64, evt_param_u64(ev, i));
		break;
	case PT_UINT:
	case PT_UID:
	case PT_GID:
	case PT_ABSTIME:
		printf("%" PRIu64, evt_param_u64(ev, i));
		break;
	default:
		printf("%" PRId64, evt_param_s64(ev, i));
		break;
	}
}

int main(int argc, char **argv)
{
	struct evt_source *src;
	struct sr_err err;
	struct evt ev;
	uint8_t set[32];
	int count = 0, opt, skip_meta = 0, nset = 0, rc = 0;
	uint64_t n = 0, limit = UINT64_MAX;

	memset(set, 0, sizeof(set));
	while ((opt = getopt(argc, argv, "ct:en:")) != -1) {
		switch (opt) {
		case 'c':
			count = 1;
			break;
		case 'e':
			skip_meta = 1;
			break;
		case 'n':
			limit = strtoull(optarg, NULL, 10);
			break;
		case 't': {
			int t = evt_type_by_name(optarg);
			if (t < 0) {
				fprintf(stderr, "unknown type %s\n", optarg);
				return 2;
			}
			set[t >> 3] |= (uint8_t)(1u << (t & 7));
			nset++;
			break;
		}
		default:
			fprintf(stderr, "usage: scap_dump [-c] [-e] [-t TYPE] [-n N] FILE\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: scap_dump [-c] [-e] [-t TYPE] [-n N] FILE\n");
		return 2;
	}
	sr_err_clear(&err);
	/* Named so the archive member holding the real reader is linked. */
	/* .scap directly; anything else (.sysrec) through the generic opener */
	if ((strstr(argv[optind], ".sysrec") ? evt_source_open_sysrec(argv[optind], &src, &err)
					     : scap_source_open(argv[optind], &src, &err))) {
		fprintf(stderr, "scap_dump: %s\n", err.msg);
		return 2;
	}
	if (nset && src->ops->set_types)
		src->ops->set_types(src, set);
	while (n < limit && (rc = src->ops->next(src, &ev, &err)) == 1) {
		const struct evt_rec *r = ev.rec;
		const struct evt_info *info = evt_info_get(r->type);

		if (nset && !(set[r->type >> 3] & (1u << (r->type & 7))))
			continue;
		if (skip_meta &&
		    ((r->flags & EVT_RF_ENTER_ONLY) || (info && info->category == EC_META)))
			continue;
		n++;
		if (count)
			continue;
		printf("%" PRIu64 " %" PRIu64 " %s %u %u %u %u %.16s res=%" PRId64 " lat=%" PRIu64
		       " fl=%x",
		       ev.num, (uint64_t)r->ts, info ? info->name : "?", r->tid, r->pid, r->ppid,
		       r->uid, r->comm, (int64_t)r->res, (uint64_t)r->latency, r->flags);
		for (unsigned i = 0; i < ev.nparams; i++)
			print_param(&ev, i, info && i < info->nparams ? &info->params[i] : NULL);
		putchar('\n');
	}
	if (count)
		printf("%" PRIu64 "\n", n);
	src->ops->close(src);
	if (rc < 0 && n < limit) {
		fprintf(stderr, "scap_dump: %s\n", err.msg);
		return 2;
	}
	return 0;
}
