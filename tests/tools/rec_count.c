/* rec_count: counts the records of a .sysrec capture by type, meta records
 * included (sysreplay hides those), for recorder tests.
 *
 *   rec_count FILE           prints "name count" lines, then "total N"
 *   rec_count -t TYPE FILE   prints each TYPE record: "pid tid comm cg=ID args"
 */
#include <stdio.h>
#include <string.h>

#include "../../format/evt.h"
#include "../../format/evt_print.h"
#include "../../format/fmt_reader.h"

int main(int argc, char **argv)
{
	static uint64_t counts[EVT_TYPE_MAX];
	static char args[65536];
	struct fmt_reader *r;
	struct sr_err err;
	struct evt ev;
	uint64_t total = 0;
	const char *show = NULL, *file;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "-t")) {
		show = argv[2];
		file = argv[3];
	} else if (argc == 2) {
		file = argv[1];
	} else {
		fprintf(stderr, "usage: rec_count [-t TYPE] FILE\n");
		return 2;
	}
	sr_err_clear(&err);
	if (fmt_reader_open(&r, file, &err)) {
		fprintf(stderr, "rec_count: %s\n", err.msg);
		return 2;
	}
	while ((rc = fmt_reader_next(r, &ev, &err)) == 1) {
		unsigned t = ev.rec->type < EVT_TYPE_MAX ? ev.rec->type : 0;
		const struct evt_info *in = evt_info_get(t);

		counts[t]++;
		total++;
		if (show && in && !strcmp(in->name, show)) {
			evt_print_args(&ev, NULL, args, sizeof(args));
			printf("%u %u %.16s cg=%llu %s\n", ev.rec->pid, ev.rec->tid, ev.rec->comm,
			       (unsigned long long)ev.rec->cgroup_id, args);
		}
	}
	for (unsigned t = 0; !show && t < EVT_TYPE_MAX; t++) {
		const struct evt_info *in = evt_info_get(t);

		if (counts[t])
			printf("%s %llu\n", in ? in->name : "unknown",
			       (unsigned long long)counts[t]);
	}
	if (!show)
		printf("total %llu\n", (unsigned long long)total);
	fmt_reader_close(r);
	if (rc < 0) {
		fprintf(stderr, "rec_count: %s\n", err.msg);
		return 1;
	}
	return 0;
}
