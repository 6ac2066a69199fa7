/* fuzz_scap: any bytes as a .scap file through the reader; must never crash.
 * Input goes through a memfd so the reader sees a real file (plain or gzip).
 *
 * The reader's limits are lowered so that small inputs reach the paths big
 * files would: thread table eviction (8 to 32 threads, the table growing on
 * the way), waiting enters delivered alone (1 to 4 entries, 512 B to 2 KiB),
 * the pending queue compacting and shrinking. Which limits apply depends on
 * the input's length, so the fuzzer moves between them as it mutates. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/sr_err.h"
#include "format/evt_source.h"
#include "scap/scap.h"
#include "scap/scap_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evt_source *s;
	struct sr_err err;
	struct evt ev;
	char path[64];
	int fd = memfd_create("fuzz_scap", 0), n = 0;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	scap_thr_max = (size_t)SCAP_THR_MIN << (size % 3);
	scap_pend_max_entries = 1 + size % 4;
	scap_pend_max_bytes = (size_t)512 << (size / 4 % 3);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (scap_source_open(path, &s, &err) == 0) {
		while (s->ops->next(s, &ev, &err) == 1 && n++ < 1000000)
			;
		s->ops->close(s);
	}
	close(fd);
	return 0;
}
