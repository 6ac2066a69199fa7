/* fuzz_time: --since/--until/.seek text through sr_time_parse, then the
 * resolution against capture bounds taken from the input's last 16 bytes
 * (time of day over one or several days included). Parsing must never read
 * past the text, and resolving must not loop or wrap whatever the bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/sr_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t first = 1764547100000000000ull, last = first + 3600000000000ull, out;
	struct sr_time_spec t;
	struct sr_err err;
	char *text;

	if (size >= 16) {
		memcpy(&first, data + size - 16, 8);
		memcpy(&last, data + size - 8, 8);
		size -= 16;
		/* bounds a capture can have: ordered, and before year 2300 so the
		 * day walk stays short */
		first %= 10000000000000000000ull;
		last %= 10000000000000000000ull;
		if (first > last) {
			uint64_t x = first;

			first = last;
			last = x;
		}
		if (last - first > 400ull * 86400 * 1000000000ull)
			last = first + 400ull * 86400 * 1000000000ull;
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sr_err_clear(&err);
	if (sr_time_parse(text, &t, &err) == 0)
		(void)sr_time_resolve_day(&t, first, last, &out, &err);
	free(text);
	return 0;
}
