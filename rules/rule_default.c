/* rule_default.c: finds and loads the default rule set (rules/default/).
 *
 * Search order, first found wins:
 *   1. $SYSREC_RULES_DIR (an error when it is set but not a directory);
 *   2. a build tree: ../rules/default next to the running executable or one
 *      of its ancestors (bin/sysreplay, .output/san/bin/sysreplay);
 *   3. an installation: ../share/sysrec/rules next to the executable
 *      ($PREFIX/bin/sysrec → $PREFIX/share/sysrec/rules), then
 *      /usr/share/sysrec/rules;
 *   4. the copy compiled into the binary (rule_embed.h), so a binary copied
 *      anywhere still has its built-in rules. Its files are named
 *      "<built-in>/NAME.yaml" in messages.
 * Directories come first so an administrator can edit the installed rules.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rule_embed.h"
#include "rule_int.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first rules directory of steps 2 and 3 into dir, or 0 when none. */
static int find_dir(char *dir, size_t cap)
{
	char exe[PATH_MAX], copy[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *d;

	if (n > 0) {
		exe[n] = '\0';
		memcpy(copy, exe, (size_t)n + 1);
		d = exe;
		for (int up = 0; up < 4; up++) {
			d = dirname(d);
			snprintf(dir, cap, "%s/../rules/default", d);
			if (is_dir(dir))
				return 1;
			if (!strcmp(d, "/"))
				break;
		}
		snprintf(dir, cap, "%s/../share/sysrec/rules", dirname(copy));
		if (is_dir(dir))
			return 1;
	}
	snprintf(dir, cap, "/usr/share/sysrec/rules");
	return is_dir(dir);
}

static int load_embedded(struct rule_set *rs, struct sr_err *err)
{
	char name[128];

	for (const struct rule_embedded *e = rule_default_embedded; e->name; e++) {
		int rc;

		snprintf(name, sizeof(name), "<built-in>/%s", e->name);
		rc = rule_set_load_string(rs, name, e->text, err);
		if (rc)
			return rc;
	}
	return 0;
}

int rule_set_load_default(struct rule_set *rs, struct sr_err *err)
{
	const char *env = getenv("SYSREC_RULES_DIR");
	char dir[PATH_MAX + 32];

	if (env && *env) {
		if (!is_dir(env))
			return sr_err_set(err, SR_EIO, "SYSREC_RULES_DIR '%s' is not a directory",
					  env);
		return rule_set_load_file(rs, env, err);
	}
	if (find_dir(dir, sizeof(dir)))
		return rule_set_load_file(rs, dir, err);
	return load_embedded(rs, err);
}
