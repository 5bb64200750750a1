/* libFuzzer target for the gzip reader (lib/gz_read.c) and the search for
 * the last member from a stream's end (lib/gz_tail.c). Beyond "no crash, no
 * sanitizer report" it checks properties: the inline reader fed in one piece
 * and the threaded reader fed in uneven pieces reach the same verdict, the
 * same error offset and the same decompressed bytes; a member found from the
 * end lies inside the buffer with a length that reaches the end exactly, and
 * the search over a later window (a ranged read) finds the same member or,
 * when it starts before the window, none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gz.h"
#include "hash.h"

struct out {
	uint32_t crc;
	uint64_t n;
};

static int
sink(void *arg, const void *buf, size_t n)
{
	struct out *o = arg;

	o->crc = crc32_update(o->crc, buf, n);
	o->n += n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gz_reader a, b;
	struct out oa = { 0, 0 }, ob = { 0, 0 };
	size_t piece = size ? (size_t)data[0] % 97 + 1 : 1;
	int allow = size > 1 && (data[1] & 1);

	gz_reader_init(&a, 1, allow, sink, &oa);
	gz_reader_feed(&a, data, size);
	gz_reader_finish(&a);

	gz_reader_init(&b, 2, allow, sink, &ob);
	for (size_t i = 0; i < size && b.status == GZ_OK; i += piece)
		gz_reader_feed(&b, data + i, size - i < piece ? size - i : piece);
	gz_reader_finish(&b);

	{
		int64_t s = gz_member_before(data, size, 0, size);
		uint64_t base = size ? data[size - 1] % (size + 1) : 0;
		int64_t w = gz_member_before(data + base, size - base, base, size);

		if (s >= 0 && ((uint64_t)s + 24 > size || data[s] != 0x1f ||
		    (uint64_t)(data[s + 16] | data[s + 17] << 8 | data[s + 18] << 16 | (uint64_t)data[s + 19] << 24) !=
		    size - (uint64_t)s))
			abort();
		if (w >= 0 ? w != s : s >= (int64_t)base)
			abort();
	}
	if (a.status != b.status || a.err_offset != b.err_offset || a.members != b.members ||
	    oa.n != ob.n || oa.crc != ob.crc || strcmp(a.err, b.err) != 0)
		abort();
	gz_reader_free(&a);
	gz_reader_free(&b);
	return 0;
}
