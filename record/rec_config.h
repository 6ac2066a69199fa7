/* rec_config: the sysrec YAML configuration file (sysrec -c FILE).
 *
 *   rec_opts defaults set  →  rec_config_load(&cfg, path, o, &err)  →
 *   command line parsed again over o (the command line wins)  →  ...  →
 *   rec_config_free(cfg) when o's strings are no longer used.
 *
 * The keys and what each does are in man/sysrec.yaml.5. Every key is
 * checked: an unknown key, a bad value, or a key of a feature this version
 * does not act upon yet (the file, program, syslog and http outputs when
 * enabled) is an error. The message
 * is "FILE:LINE:COL: what" followed by the source line and a caret.
 * Strings that o points to afterwards are owned by cfg.
 */
#ifndef REC_CONFIG_H
#define REC_CONFIG_H

#include <stddef.h>

#include "../common/sr_err.h"
#include "rec_opts.h"

struct rec_config;

int rec_config_load(struct rec_config **out, const char *path, struct rec_opts *o,
		    struct sr_err *err);
/* The same from text in memory; name is used in messages. */
int rec_config_load_text(struct rec_config **out, const char *name, const char *text, size_t len,
			 struct rec_opts *o, struct sr_err *err);
void rec_config_free(struct rec_config *c);

/* Bytes: a number with an optional unit, B, kB/MB/GB/TB (powers of 1000)
 * or KiB/MiB/GiB/TiB (powers of 1024), as the command line and the config
 * file take them. 0 or -1. */
int rec_size_parse(const char *s, uint64_t *out);

/* The effective options, in the file's own syntax (sysrec --show-config). */
void rec_config_print(const struct rec_opts *o, FILE *f);

#endif
