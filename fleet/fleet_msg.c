/* fleet_msg: parsing of the Sysrec-* message headers (see fleet_msg.h). */
#include <string.h>

#include "../common/sr_err.h"
#include "fleet_msg.h"

/* A decimal u64, digits only, no sign, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* An optional numeric header: absent is 0, present must parse. */
static int opt_u64(const char *s, uint64_t *out)
{
	*out = 0;
	return s ? parse_u64(s, out) : 0;
}

/* Host names and file ids become file names in the rebuild folder: a name
 * a hostile publisher could make climb out of it ("..", "a/b") or that the
 * buffers would cut is not a sysrec recorder's. */
static int name_ok(const char *s, size_t n, size_t cap)
{
	if (!n || n >= cap || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

/* "k/n" with k < n */
static int parse_part(const char *s, unsigned *k, unsigned *n)
{
	const char *slash = strchr(s, '/');
	char a[24];
	uint64_t x, y;

	if (!slash || (size_t)(slash - s) >= sizeof(a))
		return -1;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = 0;
	if (parse_u64(a, &x) || parse_u64(slash + 1, &y) || !y || x >= y || y > 1u << 20)
		return -1;
	*k = (unsigned)x;
	*n = (unsigned)y;
	return 0;
}

/* An evidence file's name as the recorder wrote it (a base name), shown to
 * the analyst: printable ASCII, no '/', shorter than 256. */
static int file_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 256)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '/')
			return 0;
	return 1;
}

int fleet_msg_parse(const char *subject, const struct fleet_msg_hdrs *h, struct fleet_msg *out)
{
	const char *a, *b, *ev = NULL;
	uint64_t count;

	memset(out, 0, sizeof(*out));
	out->nparts = 1;
	/* sysrec.<host>.<what>, three tokens; sysrec.<host>.evidence.<fid>, four */
	if (!subject || strncmp(subject, "sysrec.", 7))
		return SR_EFORMAT;
	a = subject + 7;
	b = strchr(a, '.');
	if (b && !strncmp(b + 1, "evidence.", 9))
		ev = b + 10;
	if (!b || strchr(ev ? ev : b + 1, '.') || !name_ok(a, (size_t)(b - a), sizeof(out->host)))
		return SR_EFORMAT;
	memcpy(out->host, a, (size_t)(b - a));
	if (!ev && !strcmp(b + 1, "alerts")) {
		out->kind = FLEET_KIND_ALERT;
		return 0;
	}
	if (!ev && strcmp(b + 1, "files") && strcmp(b + 1, "chunks"))
		return SR_EFORMAT;
	if (!h->kind || !h->file || !name_ok(h->file, strlen(h->file), sizeof(out->fid)))
		return SR_EFORMAT;
	if ((ev && strcmp(ev, h->file)) || (h->name && !file_name_ok(h->name)))
		return SR_EFORMAT;
	out->evidence = ev != NULL;
	strcpy(out->fid, h->file);
	if (!strcmp(h->kind, "header"))
		out->kind = FLEET_KIND_HEADER;
	else if (!strcmp(h->kind, "chunk"))
		out->kind = FLEET_KIND_CHUNK;
	else if (!strcmp(h->kind, "end"))
		out->kind = FLEET_KIND_END;
	else
		return SR_EFORMAT;
	/* chunks on .chunks, headers and ends on .files; an evidence file's
	 * all on its own subject */
	if (!ev && (out->kind == FLEET_KIND_CHUNK) != !strcmp(b + 1, "chunks"))
		return SR_EFORMAT;
	if (opt_u64(h->seq, &out->seq) || opt_u64(h->count, &count) || count > UINT32_MAX ||
	    opt_u64(h->first, &out->first_ts) || opt_u64(h->last, &out->last_ts))
		return SR_EFORMAT;
	if (out->kind == FLEET_KIND_CHUNK && !h->seq)
		return SR_EFORMAT;
	out->count = (uint32_t)count;
	if (h->part && parse_part(h->part, &out->part, &out->nparts))
		return SR_EFORMAT;
	return 0;
}
