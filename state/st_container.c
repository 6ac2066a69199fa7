/* st_container.c: container id and pod uid from a cgroup path.
 *
 * Runtimes name the leaf cgroup after the container's 64-hex id; only the
 * wrapping differs:
 *   docker         /docker/<id>                 /system.slice/docker-<id>.scope
 *   containerd     /kubepods/.../<id>           .../cri-containerd-<id>.scope
 *   cri-o          .../crio-<id>.scope          (crio-conmon-<id> is the monitor: not a container)
 *   podman         .../libpod-<id>.scope        /libpod_parent/libpod-<id>
 *   kubepods       .../pod<uid>/<id> .../kubepods-<qos>-pod<uid_with_underscores>.slice/... The
 * rule used: the last path component that holds a run of exactly 64 hex digits, delimited by
 * start/end, '-', '.' or '/', and not inside a "conmon" component. */
#include "st_int.h"

#include <ctype.h>
#include <string.h>

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Finds a 64-hex run in component c[0..n); returns its offset or -1. */
static int find_id(const char *c, size_t n)
{
	for (size_t i = 0; i + 64 <= n; i++) {
		size_t j;

		if (i > 0 && c[i - 1] != '-' && c[i - 1] != '.' && c[i - 1] != '_')
			continue;
		for (j = 0; j < 64 && is_hex((unsigned char)c[i + j]); j++)
			;
		if (j < 64)
			continue;
		if (i + 64 < n && c[i + 64] != '.' && c[i + 64] != '-' && c[i + 64] != '_')
			continue;
		return (int)i;
	}
	return -1;
}

/* "pod<uid>" in component c: cgroupfs spells the uid with dashes, the systemd
 * driver with underscores ("kubepods-besteffort-pod1234_5678.slice"). */
static void find_pod(const char *c, size_t n, char pod[64])
{
	const char *p = NULL;

	for (size_t i = 0; i + 3 < n; i++)
		if (memcmp(c + i, "pod", 3) == 0 && (i == 0 || c[i - 1] == '-'))
			p = c + i + 3;
	if (!p)
		return;
	size_t k = 0, rest = n - (size_t)(p - c);
	for (size_t i = 0; i < rest && k < 63; i++) {
		char ch = p[i];
		if (ch == '_')
			ch = '-';
		else if (!(isxdigit((unsigned char)ch) || ch == '-'))
			break;
		pod[k++] = ch;
	}
	/* A pod uid is a UUID: 36 characters; anything else is not one. */
	if (k != 36)
		k = 0;
	pod[k] = '\0';
}

int st_container_from_cgroup(const char *path, char id[65], char pod[64])
{
	const char *s = path ? path : "";
	size_t n = strlen(s);
	int found = 0;

	strcpy(id, "host");
	pod[0] = '\0';
	/* A /proc/PID/cgroup line: "0::/path" (v2) or "N:ctrl:/path" (v1). */
	if (n && s[0] != '/') {
		const char *c = strchr(s, ':');
		if (c && (c = strchr(c + 1, ':'))) {
			s = c + 1;
			n = strlen(s);
		}
	}
	while (n && (s[n - 1] == '\n' || s[n - 1] == '/'))
		n--;
	for (size_t start = 0; start < n;) {
		size_t end = start;
		int off;

		while (end < n && s[end] != '/')
			end++;
		if (end > start && !memmem(s + start, end - start, "conmon", 6)) {
			off = find_id(s + start, end - start);
			if (off >= 0) {
				memcpy(id, s + start + off, 64);
				id[64] = '\0';
				found = 1;
			}
			if (end - start > 3 && memmem(s + start, end - start, "pod", 3))
				find_pod(s + start, end - start, pod);
		}
		start = end + 1;
	}
	if (!found)
		pod[0] = '\0';
	return found;
}
