/* libFuzzer target for lib/age's parsers: the header (and, when it parses,
 * unwrapping it with a fixed identity, and with a passphrase when the work
 * factor is small) and the armor decoder fed in pieces of a size the first
 * byte picks. Properties: a parsed header ends inside the input, after its
 * MAC's span; whatever the armor encoder writes, the decoder gives back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char sk[32] = { 7 };
	unsigned char pk[32], fk[16], *out;
	unsigned char (*skp)[32] = (unsigned char (*)[32])sk;
	struct age_keys ids = { &pk, skp, 1 };
	struct age_header h;
	struct age_armor_dec d;
	struct age_armor_enc e;
	char err[300], *text;
	size_t piece, tl;
	ssize_t n;

	if (size == 0)
		return 0;
	age_x25519_public(pk, sk);
	if (age_header_parse(&h, data, size, err, sizeof err) == AGE_OK) {
		if (h.len > size || h.maclen >= h.len)
			abort();
		(void)age_unwrap(&h, data, &ids, "pw", 2, 4, fk, err, sizeof err);
		age_header_free(&h);
	}
	piece = (size_t)data[0] % 67 + 1;
	out = malloc(size + 48);
	age_armor_dec_init(&d);
	for (size_t i = 1; i < size; i += piece) {
		size_t take = size - i < piece ? size - i : piece;

		if ((n = age_armor_dec_feed(&d, data + i, take, out)) < 0)
			break;
		if ((size_t)n > take + 48)
			abort();
	}
	(void)age_armor_dec_finish(&d);
	/* Encode the input, decode it back. */
	text = malloc(AGE_ARMOR_ROOM(size) + 64);
	tl = age_armor_begin(&e, text);
	tl += age_armor_feed(&e, data, size, text + tl);
	tl += age_armor_end(&e, text + tl);
	free(out);
	out = malloc(tl + 48);
	age_armor_dec_init(&d);
	n = age_armor_dec_feed(&d, text, tl, out);
	if (n != (ssize_t)size || memcmp(out, data, size) != 0 || age_armor_dec_finish(&d) != 0)
		abort();
	free(text);
	free(out);
	return 0;
}
