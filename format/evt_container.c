/* evt_container.c: CONTAINERINFO records from descriptions; image references. */
#include "evt_container.h"

#include <stdio.h>
#include <string.h>

#include "../common/sr_sb.h"

static int add_list(struct evt_builder *b, const char *s, size_t len)
{
	return evt_builder_add(b, s ? s : "", s ? len : 0);
}

int evt_container_add(struct evt_builder *b, const struct evt_container *d)
{
	int rc = 0;

	rc |= evt_builder_add_str(b, d->id);
	rc |= evt_builder_add_str(b, d->name);
	rc |= evt_builder_add_str(b, d->image);
	rc |= evt_builder_add_str(b, d->image_repo);
	rc |= evt_builder_add_str(b, d->image_tag);
	rc |= evt_builder_add_str(b, d->image_digest);
	rc |= evt_builder_add_str(b, d->image_id);
	rc |= evt_builder_add_str(b, d->type);
	rc |= evt_builder_add_str(b, d->runtime);
	rc |= evt_builder_add_u64(b, d->privileged ? 1 : 0);
	rc |= evt_builder_add_u64(b, d->host_network ? 1 : 0);
	rc |= evt_builder_add_u64(b, d->host_pid ? 1 : 0);
	rc |= evt_builder_add_str(b, d->user);
	rc |= evt_builder_add_u64(b, d->start_ts);
	rc |= add_list(b, d->labels, d->labels_len);
	rc |= add_list(b, d->mounts, d->mounts_len);
	rc |= add_list(b, d->pod_labels, d->pod_labels_len);
	return rc;
}

/* s[0..n) into dst, cut to fit and NUL-terminated. */
static void put(char *dst, size_t cap, const char *s, size_t n)
{
	struct sr_sb b;

	sr_sb_init(&b, dst, cap);
	sr_sb_put(&b, s, n);
}

void evt_container_split_image(const char *image, char *repo, char *tag, char *digest, size_t cap)
{
	const char *s = image ? image : "", *at = strchr(s, '@'), *end, *slash, *colon;

	end = at ? at : s + strlen(s);
	put(digest, cap, at ? at + 1 : "", at ? strlen(at + 1) : 0);
	/* A ':' after the last '/' starts the tag; one before it is a
	 * registry port ("localhost:5000/bb"). */
	slash = memrchr(s, '/', (size_t)(end - s));
	colon = memrchr(slash ? slash : s, ':', (size_t)(end - (slash ? slash : s)));
	if (colon) {
		put(repo, cap, s, (size_t)(colon - s));
		put(tag, cap, colon + 1, (size_t)(end - colon - 1));
	} else {
		put(repo, cap, s, (size_t)(end - s));
		put(tag, cap, "", 0);
	}
}
