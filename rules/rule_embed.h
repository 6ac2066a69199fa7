/* rule_embed: the default rule files compiled into the binaries.
 *
 * The table is generated at build time (scripts/embed-rules.sh) from
 * rules/default/ *.yaml, in load order, and ends with a NULL name.
 */
#ifndef RULE_EMBED_H
#define RULE_EMBED_H

#include <stddef.h>

struct rule_embedded {
	const char *name; /* base name, e.g. "20-files.yaml" */
	const char *text; /* NUL-terminated */
	size_t len;
};

extern const struct rule_embedded rule_default_embedded[];

#endif
