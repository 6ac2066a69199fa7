/* fmt_verify_seal: the checkpoint half of fmt_verify (2.1 captures). Fed
 * every chunk in order by fmt_verify; reports problems through the sink. */
#ifndef FMT_VERIFY_SEAL_H
#define FMT_VERIFY_SEAL_H

#include "fmt_reader.h"
#include "fmt_seal.h"

struct fmt_vsink {
	void (*problem)(void *ctx, const struct fmt_chunk_info *ci, const char *msg);
	void *ctx;
	const unsigned *problems; /* problems found so far, by anyone */
};

struct fmt_vseal {
	struct fmt_vsink sink;
	struct fmt_seal_report *rep;
	const struct fmt_reader *r;
	int have_root, have_key;
	uint8_t root[FMT_PUB_LEN], key[FMT_PUB_LEN], expect_pub[FMT_PUB_LEN];
	uint8_t root_id[FMT_KEYID_LEN];
	uint64_t next_number, last_time;
	uint64_t range_start, range_events, range_first, range_last, events;
	unsigned range_problems; /* sink problems when the range opened */
	int broken;		 /* a checkpoint failed: nothing after it is authenticated */
	int after_final;
	struct fmt_chunk_info first_ckpt; /* where a wrong key is reported */
	int first_ckpt_set;
};

void fmt_vseal_begin(struct fmt_vseal *s, const struct fmt_reader *r, const uint8_t *key,
		     struct fmt_seal_report *rep, const struct fmt_vsink *sink);
/* One chunk; loaded: fmt_reader_load_chunk succeeded (its header is the
 * reader's last loaded one). */
void fmt_vseal_chunk(struct fmt_vseal *s, size_t i, const struct fmt_chunk_info *ci, int loaded);
void fmt_vseal_end(struct fmt_vseal *s, const struct fmt_file_info *fi);

#endif
