/* fuzz_testspec: `sysreplay test` spec text → parse, and on error the
 * FILE:LINE:COL diagnostic with its caret line. Any input must give a spec
 * or an error with a position, never a crash, leak or overread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "replay/rpl_testspec.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpl_spec *s = NULL;
	struct sr_err err;
	FILE *devnull;

	if (size > 256 * 1024)
		return 0;
	sr_err_clear(&err);
	if (rpl_spec_parse(&s, "dir/fuzz.yaml", (const char *)data, size, &err) == 0) {
		/* walk what was built, as the command does */
		size_t n = 0;

		for (size_t i = 0; i < s->ncases; i++)
			for (size_t k = 0; k < s->cases[i].nexps; k++)
				n += s->cases[i].exps[k].nfields +
				     (s->cases[i].exps[k].rule != NULL);
		(void)n;
		rpl_spec_free(s);
	} else if ((devnull = fopen("/dev/null", "w"))) {
		rpl_spec_error_print(devnull, "dir/fuzz.yaml", (const char *)data, size, &err);
		fclose(devnull);
	}
	return 0;
}
