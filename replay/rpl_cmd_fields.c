/* sysreplay fields: the field catalog, one line per field. */
#include <string.h>

#include "rpl.h"

static const char *type_name(enum fld_type t)
{
	switch (t) {
	case FT_V_STR:
		return "string";
	case FT_V_INT:
		return "int";
	case FT_V_UINT:
		return "uint";
	case FT_V_BOOL:
		return "bool";
	case FT_V_IP:
		return "ipaddr";
	case FT_V_NET:
		return "ipnet";
	case FT_V_PORT:
		return "port";
	case FT_V_TIME:
		return "abstime";
	case FT_V_RELTIME:
		return "reltime";
	case FT_V_BYTES:
		return "bytes";
	case FT_V_STRLIST:
		return "list";
	case FT_V_NONE:
		break;
	}
	return "-";
}

/* Prints fields whose name starts with prefix (NULL: all); returns how many. */
size_t rpl_fields_print(FILE *f, const char *prefix)
{
	size_t n, shown = 0;
	const struct fld_def *d = fld_catalog(&n);
	size_t plen = prefix ? strlen(prefix) : 0;

	for (size_t i = 0; i < n; i++) {
		char name[96];

		if (!d[i].name || (plen && strncmp(d[i].name, prefix, plen)))
			continue;
		snprintf(name, sizeof(name), "%s%s", d[i].name,
			 d[i].flags & FLD_F_ARG_INDEX ? "[N]"
			 : d[i].flags & FLD_F_ARG_KEY ? "[KEY]"
						      : "");
		fprintf(f, "%-30s %-8s %s%s\n", name, type_name(d[i].type),
			d[i].flags & FLD_F_UNAVAILABLE ? "(unavailable) " : "",
			d[i].desc ? d[i].desc : "");
		shown++;
	}
	return shown;
}

int rpl_cmd_fields(int argc, char **argv)
{
	const char *prefix = NULL;

	if (argc > 2)
		return rpl_usage_error("fields", "expected at most one PREFIX");
	if (argc == 2) {
		if (argv[1][0] == '-')
			return rpl_usage_error("fields", "unknown option '%s'", argv[1]);
		prefix = argv[1];
	}
	if (!rpl_fields_print(stdout, prefix) && prefix)
		return rpl_fail("no field starts with '%s'", prefix);
	return RPL_EXIT_OK;
}
