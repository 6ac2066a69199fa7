/* evt_schema.c: the schema tables, generated from evt_schema.def. */
#include "evt.h"

#include <string.h>

#define EVT(id, num, name, cat, ef, params)                                                        \
	static const struct evt_param_info params_##id[] = {params{NULL, PT_NONE, FT_NONE, 0}};
#define PRM(n, t, f, pf) {n, t, f, pf},
#include "evt_schema.def"
#undef EVT
#undef PRM

/* nparams excludes the NULL sentinel each parameter array ends with. */
static const struct evt_info evt_table[EVT_TYPE_MAX] = {
#define PRM(n, t, f, pf)
#define EVT(id, num, name, cat, ef, params)                                                        \
	[num] = {name, cat, sizeof(params_##id) / sizeof(params_##id[0]) - 1, params_##id, ef},
#include "evt_schema.def"
#undef EVT
#undef PRM
};

const struct evt_info *evt_info_get(unsigned type)
{
	if (type >= EVT_TYPE_MAX || !evt_table[type].name)
		return NULL;
	return &evt_table[type];
}

unsigned evt_type_flags(unsigned type)
{
	const struct evt_info *info = evt_info_get(type);

	return info ? info->flags : 0;
}

int evt_type_is_syscall(unsigned type)
{
	const struct evt_info *info = evt_info_get(type);

	return info && info->category != EC_SCHED && info->category != EC_META &&
	       info->category != EC_ACTION;
}

int evt_param_role(unsigned type, unsigned pf, int *dirfd_idx)
{
	const struct evt_info *info = evt_info_get(type);
	int dirfd = -1;

	if (dirfd_idx)
		*dirfd_idx = -1;
	for (unsigned i = 0; info && i < info->nparams; i++) {
		if (info->params[i].flags & pf) {
			if (dirfd_idx)
				*dirfd_idx = dirfd;
			return (int)i;
		}
		dirfd = (info->params[i].flags & EP_DIRFD) ? (int)i : -1;
	}
	return -1;
}

int evt_nparams_match(const struct evt *ev)
{
	const struct evt_info *info = evt_info_get(ev->rec->type);

	return !info || ev->nparams == info->nparams;
}

int evt_type_by_name(const char *name)
{
	for (unsigned i = 0; i < EVT_TYPE_MAX; i++)
		if (evt_table[i].name && strcmp(evt_table[i].name, name) == 0)
			return (int)i;
	return -1;
}

int evt_param_index(unsigned type, const char *name)
{
	const struct evt_info *info = evt_info_get(type);

	if (!info)
		return -1;
	for (unsigned i = 0; i < info->nparams; i++)
		if (strcmp(info->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *evt_category_name(enum evt_category c)
{
	static const char *const names[] = {
	    [EC_OTHER] = "other",    [EC_PROCESS] = "process", [EC_FILE] = "file",
	    [EC_IO] = "io",	     [EC_NET] = "net",	       [EC_IPC] = "ipc",
	    [EC_PRIV] = "privilege", [EC_SIGNAL] = "signal",   [EC_MEMORY] = "memory",
	    [EC_KERNEL] = "kernel",  [EC_SCHED] = "sched",     [EC_META] = "meta",
	    [EC_ACTION] = "action",
	};
	if ((unsigned)c >= sizeof(names) / sizeof(names[0]))
		return "other";
	return names[c];
}
