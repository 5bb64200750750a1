/* The checksums other migration tools keep of a file, computed from the
 * file's bytes as they are on disk (migrate-apply's own is of the text
 * normalised), so that a history adopted from them can be compared with the
 * files, and the rows written into their tables for them are the ones they
 * would write themselves. */
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "hash.h"
#include "migrate.h"

/* SHA-256 of buf with each CRLF fed as LF (crlf < 0), each LF fed as CRLF
 * (crlf > 0; a CR before it stays), or as it is (crlf == 0). */
static void
sha_lines(const char *buf, size_t len, int crlf, unsigned char d[32])
{
	struct sha256 h;
	size_t from = 0;

	sha256_init(&h);
	for (size_t i = 0; i < len && crlf; i++) {
		if (buf[i] != '\n')
			continue;
		if (crlf < 0 && i > 0 && buf[i - 1] == '\r') {
			sha256_update(&h, buf + from, i - 1 - from);
			from = i; /* the LF goes with what follows */
		} else if (crlf > 0) {
			sha256_update(&h, buf + from, i - from);
			sha256_update(&h, "\r", 1);
			from = i;
		}
	}
	sha256_update(&h, buf + from, len - from);
	sha256_final(&h, d);
}

/* Prisma records the SHA-256 of the file's bytes and takes as the same file
 * one whose checksum matches after turning CRLF into LF or LF into CRLF
 * (git may have changed them on checkout). */
void
sums_prisma(struct migration *m, const char *raw, size_t len)
{
	for (int k = 0; k < 3; k++) {
		unsigned char d[32];

		sha_lines(raw, len, k == 0 ? 0 : k == 1 ? -1 : 1, d);
		hex_encode(m->prisma[k], d, sizeof d);
		m->prisma[k][64] = 0;
	}
}

/* Hex without the leading zero of each byte: what an early Prisma wrote,
 * which Prisma still accepts from rows of that time. */
static void
hex_unpadded(const char *padded, char *out)
{
	for (int i = 0; i < 64; i += 2) {
		if (padded[i] != '0')
			*out++ = padded[i];
		*out++ = padded[i + 1];
	}
	*out = 0;
}

int
sums_prisma_match(const struct migration *m, const char *recorded)
{
	for (int k = 0; k < 3; k++) {
		char old[65];

		if (strcmp(recorded, m->prisma[k]) == 0)
			return 1;
		hex_unpadded(m->prisma[k], old);
		if (strlen(recorded) != 64 && strcmp(recorded, old) == 0)
			return 1;
	}
	return 0;
}

/* Flyway reads the file line by line and feeds each line's bytes, without
 * its line end (LF, CR or CRLF) and without a BOM on the first, to CRC-32;
 * its table holds the result as a signed 32-bit integer. */
void
sums_flyway(struct migration *m, const char *raw, size_t len)
{
	uint32_t crc = 0;
	size_t from = 0;

	if (len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0)
		from = 3;
	for (size_t i = from; i < len; i++)
		if (raw[i] == '\r' || raw[i] == '\n') {
			crc = crc32_update(crc, raw + from, i - from);
			from = i + 1;
		}
	crc = crc32_update(crc, raw + from, len - from);
	snprintf(m->flyway, sizeof m->flyway, "%d", (int)(int32_t)crc);
}
