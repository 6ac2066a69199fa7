/* evt_sysnr.c: the syscall table (see evt_sysnr.h). */
#include "evt_sysnr.h"

#include <string.h>

#if !defined(__x86_64__)
#error "sysrec supports x86_64 only: format/evt_sysnr.def holds x86_64 syscall numbers"
#endif

/* Indexed by number; a number at or past EVT_SYSNR_MAX fails to compile. */
static const char *const sc_name[EVT_SYSNR_MAX] = {
#define SC(nr, name, flags) [nr] = #name,
#include "evt_sysnr.def"
#undef SC
};

static const uint8_t sc_flags[EVT_SYSNR_MAX] = {
#define SC(nr, name, flags) [nr] = flags,
#include "evt_sysnr.def"
#undef SC
};

const char *evt_sysnr_name(uint64_t nr)
{
	return nr < EVT_SYSNR_MAX ? sc_name[nr] : NULL;
}

int evt_sysnr_by_name(const char *name)
{
	if (!name)
		return -1;
	for (unsigned i = 0; i < EVT_SYSNR_MAX; i++)
		if (sc_name[i] && strcmp(sc_name[i], name) == 0)
			return (int)i;
	return -1;
}

unsigned evt_sysnr_flags(uint64_t nr)
{
	return nr < EVT_SYSNR_MAX ? sc_flags[nr] : 0;
}

unsigned evt_sysnr_type(const char *name)
{
	static const struct {
		const char *sc, *evt;
	} alias[] = {
	    {"pread64", "pread"},
	    {"pwrite64", "pwrite"},
	    {"fchmodat2", "fchmodat"},
	};
	int t;

	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(name, alias[i].sc))
			name = alias[i].evt;
	t = evt_type_by_name(name);
	/* Only syscall types: scheduler and meta ids are not syscalls. */
	if (t > EVT_GENERIC && evt_type_is_syscall((unsigned)t))
		return (unsigned)t;
	return EVT_GENERIC;
}

const char *evt_name(const struct evt *ev)
{
	const struct evt_info *info = evt_info_get(ev->rec->type);
	const char *n;

	if (ev->rec->type == EVT_GENERIC && evt_param_present(ev, 0) &&
	    (n = evt_sysnr_name(evt_param_u64(ev, 0))))
		return n;
	return info ? info->name : NULL;
}
