/* test_hex: hex digits both ways (common/sr_hex.h). */
#include "tests/tap.h"

#include "common/sr_hex.h"

TEST(encode_is_lowercase_and_terminated)
{
	const uint8_t bin[] = {0x00, 0x0f, 0xa5, 0xff, 0x10};
	char out[2 * sizeof(bin) + 2];

	memset(out, '#', sizeof(out));
	sr_hex_encode(bin, sizeof(bin), out);
	CHECK_STR(out, "000fa5ff10");
	CHECK_EQ_INT(out[sizeof(out) - 1], '#'); /* nothing past 2 * len + 1 */
	sr_hex_encode(bin, 0, out);
	CHECK_STR(out, "");
}

TEST(encode_then_decode_round_trips)
{
	uint8_t bin[256], back[256];
	char out[2 * sizeof(bin) + 1];
	int bad = 0;

	for (int i = 0; i < 256; i++)
		bin[i] = (uint8_t)(255 - i);
	sr_hex_encode(bin, sizeof(bin), out);
	for (size_t i = 0; i < sizeof(bin); i++) {
		int hi = sr_hex_digit(out[2 * i]), lo = sr_hex_digit(out[2 * i + 1]);
		if (hi < 0 || lo < 0)
			bad++;
		back[i] = (uint8_t)(hi << 4 | lo);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(memcmp(bin, back, sizeof(bin)) == 0);
	CHECK_EQ_INT(sr_hex_digit('F'), 15);
	CHECK_EQ_INT(sr_hex_digit('g'), -1);
}
