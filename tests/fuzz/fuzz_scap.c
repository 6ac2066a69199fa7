/* fuzz_scap: any bytes as a .scap file through the reader; must never crash.
 * Input goes through a memfd so the reader sees a real file (plain or gzip). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/sr_err.h"
#include "format/evt_source.h"
#include "format/scap.h"

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
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	(void)scap_is_capture(data, size);
	if (scap_source_open(path, &s, &err) == 0) {
		while (s->ops->next(s, &ev, &err) == 1 && n++ < 1000000)
			;
		s->ops->close(s);
	}
	close(fd);
	return 0;
}
