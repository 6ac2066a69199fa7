/* fuzz_config: sysrec.yaml text → rec_config_load_text, then the settings
 * printed back (--show-config). Any input must give 0 or an error with a
 * message, never a crash, leak or overread. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* compiled in: record/ is not part of libsysrec */
#include "record/rec_action_name.c"
#include "record/rec_config.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_config *cfg = NULL;
	struct rec_opts o;
	struct sr_err err;
	FILE *devnull;

	memset(&o, 0, sizeof(o));
	sr_err_clear(&err);
	if (rec_config_load_text(&cfg, "fuzz.yaml", (const char *)data, size, &o, &err)) {
		if (!err.msg[0])
			__builtin_trap(); /* an error always says why */
		return 0;
	}
	devnull = fopen("/dev/null", "w");
	if (devnull) {
		rec_config_print(&o, devnull);
		fclose(devnull);
	}
	rec_config_free(cfg);
	return 0;
}
