/* scap_conv: the conversions behind `sysreplay convert`, callable alone
 * (tests and benchmarks use it while sysreplay is being built).
 *   scap_conv IN OUT    OUT ending in .scap writes scap, otherwise .sysrec */
#include <stdio.h>
#include <string.h>

#include "common/sr_err.h"
#include "scap/scap.h"

int main(int argc, char **argv)
{
	struct sr_err err;
	size_t n;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: scap_conv IN OUT\n");
		return 2;
	}
	sr_err_clear(&err);
	n = strlen(argv[2]);
	if (n > 5 && strcmp(argv[2] + n - 5, ".scap") == 0)
		rc = scap_convert_to_scap(argv[1], argv[2], 0, NULL, &err);
	else
		rc = scap_convert_to_sysrec(argv[1], argv[2], 0, NULL, &err);
	if (rc) {
		fprintf(stderr, "scap_conv: %s\n", err.msg);
		return 2;
	}
	return 0;
}
