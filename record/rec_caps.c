/* rec_caps.c: capabilities with the raw capget/capset/prctl calls (no
 * libcap: a few system calls are all it takes). */
#include "rec_caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int caps_get(struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};

	memset(d, 0, sizeof(*d) * _LINUX_CAPABILITY_U32S_3);
	return (int)syscall(SYS_capget, &h, d);
}

static int caps_set(struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};

	return (int)syscall(SYS_capset, &h, d);
}

int rec_caps_effective_off(int off)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (caps_get(d))
		return SR_EIO;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		d[i].effective = off ? 0 : d[i].permitted;
	return caps_set(d) ? SR_EIO : 0;
}

int rec_caps_drop(struct sr_err *err)
{
	return rec_caps_drop_except(0, err);
}

int rec_caps_drop_except(uint64_t keep, struct sr_err *err)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	/* effective again first: the bounding set needs CAP_SETPCAP */
	rec_caps_effective_off(0);
	for (int c = 0; c <= 63; c++)
		if (!(keep >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return sr_err_set(err, SR_EIO, "cannot drop capability %d: %s", c,
					  strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (caps_set(d))
		return sr_err_set(err, SR_EIO, "cannot drop capabilities: %s", strerror(errno));
	return 0;
}

uint64_t rec_caps_effective(void)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (caps_get(d))
		return ~0ull;
	return (uint64_t)d[0].effective | ((uint64_t)d[1].effective << 32);
}
