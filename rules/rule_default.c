/* rule_default.c: finds and loads the default rule set (rules/default/).
 *
 * Search order: $SYSREC_RULES_DIR; ../rules/default next to the running
 * executable (a build tree: bin/sysreplay → rules/default); the installed
 * /usr/share/sysrec/rules.
 */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rule_int.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int rule_set_load_default(struct rule_set *rs, struct sr_err *err)
{
	const char *env = getenv("SYSREC_RULES_DIR");
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n;

	if (env && *env) {
		if (!is_dir(env))
			return sr_err_set(err, SR_EIO,
					  "SYSREC_RULES_DIR '%s' is not a directory", env);
		return rule_set_load_file(rs, env, err);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		/* A build tree: bin/sysreplay, or a sanitizer build's deeper
		 * .output/san/bin/sysreplay: look in each ancestor, nearest first. */
		char *d = exe;

		exe[n] = '\0';
		for (int up = 0; up < 4; up++) {
			d = dirname(d);
			snprintf(dir, sizeof(dir), "%s/../rules/default", d);
			if (is_dir(dir))
				return rule_set_load_file(rs, dir, err);
			if (!strcmp(d, "/"))
				break;
		}
	}
	if (is_dir("/usr/share/sysrec/rules"))
		return rule_set_load_file(rs, "/usr/share/sysrec/rules", err);
	return sr_err_set(err, SR_EIO,
			  "no default rules found: set SYSREC_RULES_DIR or install "
			  "/usr/share/sysrec/rules");
}
