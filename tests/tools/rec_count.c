/* rec_count: counts the records of a .sysrec capture by type, meta records
 * included (sysreplay hides those), for recorder tests.
 *
 *   rec_count FILE     prints "name count" lines, then "total N"
 */
#include <stdio.h>
#include <string.h>

#include "../../format/evt.h"
#include "../../format/fmt_reader.h"

int main(int argc, char **argv)
{
	static uint64_t counts[EVT_TYPE_MAX];
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint64_t total = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: rec_count FILE\n");
		return 2;
	}
	sr_err_clear(&err);
	if (fmt_reader_open(&r, argv[1], &err)) {
		fprintf(stderr, "rec_count: %s\n", err.msg);
		return 2;
	}
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		counts[ev.rec->type < EVT_TYPE_MAX ? ev.rec->type : 0]++;
		total++;
	}
	for (unsigned t = 0; t < EVT_TYPE_MAX; t++) {
		const struct evt_info *in = evt_info_get(t);

		if (counts[t])
			printf("%s %llu\n", in ? in->name : "unknown",
			       (unsigned long long)counts[t]);
	}
	printf("total %llu\n", (unsigned long long)total);
	fmt_reader_close(r);
	if (rc < 0) {
		fprintf(stderr, "rec_count: %s\n", err.msg);
		return 1;
	}
	return 0;
}
