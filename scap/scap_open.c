/* scap_open: any capture this project reads, picked by its first bytes. It
 * sits here, above format/, because only this folder knows both formats. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "../format/evt_source.h"
#include "scap.h"

int scap_source_open_any(const char *path, struct evt_source **out, struct sr_err *err)
{
	uint8_t m[8] = {0};
	ssize_t n;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	n = read(fd, m, sizeof(m));
	close(fd);
	if (n < 0)
		return sr_err_set(err, SR_EIO, "%s: %s", path, strerror(errno));
	if (evt_source_sniff(m, (size_t)n) == SRC_SCAP)
		return scap_source_open(path, out, err);
	/* ours, or the error that names what the file is not */
	return evt_source_open_sysrec(path, out, err);
}
