/* evt_builder.c: assembles records from parameters (snapshots, converters, tests). */
#include "evt.h"

#include <stdlib.h>
#include <string.h>

#include "../common/sr_buf.h"
#include "../common/sr_err.h"
#include "fmt_chunk.h"

void evt_builder_init(struct evt_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void evt_builder_free(struct evt_builder *b)
{
	free(b->buf);
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void evt_builder_begin(struct evt_builder *b, unsigned type, const struct evt_rec *hdr)
{
	if (hdr)
		b->hdr = *hdr;
	else
		memset(&b->hdr, 0, sizeof(b->hdr));
	b->hdr.type = (__u16)type;
	b->nparams = 0;
	b->data_len = 0;
}

int evt_builder_add(struct evt_builder *b, const void *data, size_t len)
{
	if (b->nparams >= EVT_MAX_PARAMS || len > EVT_REC_MAX)
		return SR_ELIMIT;
	if (sr_grow(&b->data, &b->data_cap, b->data_len + len, 256))
		return SR_ENOMEM;
	if (len)
		memcpy(b->data + b->data_len, data, len);
	b->data_len += len;
	b->lens[b->nparams++] = (uint32_t)len;
	return 0;
}

int evt_builder_add_u64(struct evt_builder *b, uint64_t v)
{
	return evt_builder_add(b, &v, 8);
}

int evt_builder_add_s64(struct evt_builder *b, int64_t v)
{
	return evt_builder_add(b, &v, 8);
}

int evt_builder_add_str(struct evt_builder *b, const char *s)
{
	return evt_builder_add(b, s ? s : "", s ? strlen(s) : 0);
}

const void *evt_builder_finish_raw(struct evt_builder *b, size_t *len)
{
	int large = 0;
	size_t lens_size, total;

	for (unsigned i = 0; i < b->nparams; i++)
		if (b->lens[i] > 0xffff)
			large = 1;
	lens_size = (size_t)b->nparams * (large ? 4 : 2);
	total = EVT_REC_HDR + lens_size + b->data_len;
	if (total > EVT_REC_MAX || sr_grow(&b->buf, &b->cap, total, 256))
		return NULL;
	b->hdr.len = (__u32)total;
	b->hdr.nparams = (__u16)b->nparams;
	b->hdr.flags = (__u16)((b->hdr.flags & ~EVT_RF_LARGE) | (large ? EVT_RF_LARGE : 0));
	memcpy(b->buf, &b->hdr, EVT_REC_HDR);
	for (unsigned i = 0; i < b->nparams; i++) {
		if (large) {
			memcpy(b->buf + EVT_REC_HDR + 4 * i, &b->lens[i], 4);
		} else {
			uint16_t s = (uint16_t)b->lens[i];
			memcpy(b->buf + EVT_REC_HDR + 2 * i, &s, 2);
		}
	}
	if (b->data_len)
		memcpy(b->buf + EVT_REC_HDR + lens_size, b->data, b->data_len);
	*len = total;
	return b->buf;
}

const void *evt_builder_finish(struct evt_builder *b, size_t *len)
{
	const struct evt_info *info = evt_info_get(b->hdr.type);

	/* the probe writes every parameter its type declares, and the
	 * recorder counts a record with fewer or more as a drop (rec_main.c):
	 * built records hold what recorded ones hold */
	if (info && b->nparams != info->nparams)
		return NULL;
	return evt_builder_finish_raw(b, len);
}
