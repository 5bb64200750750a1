/* Finding indexed members from the end of a stream. */
#include <stdint.h>
#include <string.h>

#include "gz.h"

/* The header our writer gives each member, up to the index's fields:
 * magic, deflate, FEXTRA only, XLEN 12, subfield "PG" of 8 bytes. */
#define HDR_LEN 24

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int64_t
gz_member_before(const unsigned char *buf, size_t n, uint64_t base, uint64_t end)
{
	size_t i;

	if (end < base || end - base > n || end - base < HDR_LEN)
		return -1;
	for (i = (size_t)(end - base) - HDR_LEN + 1; i-- > 0;) {
		const unsigned char *h = buf + i;

		if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || h[3] != 0x04 || h[10] != 12 || h[11] != 0 ||
		    h[12] != 'P' || h[13] != 'G' || h[14] != 8 || h[15] != 0)
			continue;
		if ((uint64_t)le32(h + 16) == end - (base + i))
			return (int64_t)(base + i);
	}
	return -1;
}
