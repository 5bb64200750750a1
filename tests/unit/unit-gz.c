/* lib/gz: the parallel writer and the reader's two paths agree with each
 * other, and a damaged indexed member is caught and reported by the
 * streaming replay with the right member and offset. */
#include <stdlib.h>
#include <string.h>

#include "gz.h"
#include "tap.h"

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static int
buf_sink(void *arg, const void *data, size_t n)
{
	struct buf *b = arg;

	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
	return 0;
}

static void
make_data(unsigned char *d, size_t n)
{
	unsigned x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		/* Text-like with some noise: compresses, but not trivially. */
		d[i] = (x >> 16) % 7 == 0 ? (unsigned char)(x >> 8) : (unsigned char)("INSERT row\n"[i % 11]);
	}
}

static struct buf
compress(const unsigned char *d, size_t n, int threads, size_t chunk)
{
	struct buf out = { 0 };
	struct gz_writer w;

	gz_writer_init(&w, 6, threads, chunk, buf_sink, &out);
	/* Uneven writes cross chunk boundaries. */
	for (size_t i = 0; i < n; i += 7777)
		gz_writer_write(&w, d + i, n - i < 7777 ? n - i : 7777);
	gz_writer_finish(&w);
	gz_writer_free(&w);
	return out;
}

static enum gz_status
decompress(const struct buf *in, size_t len, int threads, size_t piece, struct buf *out,
    struct gz_reader *r)
{
	gz_reader_init(r, threads, 0, buf_sink, out);
	for (size_t i = 0; i < len && r->status == GZ_OK; i += piece)
		gz_reader_feed(r, in->p + i, len - i < piece ? len - i : piece);
	return gz_reader_finish(r);
}

int
main(void)
{
	size_t n = 3u << 20;
	unsigned char *data = malloc(n);
	struct gz_reader r;
	struct buf gz, out;
	static const int threads[] = { 1, 2, 4 };

	tap_plan(22);
	make_data(data, n);
	gz = compress(data, n, 2, 256 << 10);
	tap_ok(gz.n > 0 && gz.n < n, "writer compresses 3 MiB into %zu bytes", gz.n);

	for (int t = 0; t < 3; t++) {
		memset(&out, 0, sizeof out);
		decompress(&gz, gz.n, threads[t], 100000, &out, &r);
		tap_ok(r.status == GZ_OK && out.n == n && memcmp(out.p, data, n) == 0,
		    "round trip with %d reader threads", threads[t]);
		tap_is_int((long long)r.indexed, 12, "all 12 members took the indexed path");
		gz_reader_free(&r);
		free(out.p);
	}
	memset(&out, 0, sizeof out);
	decompress(&gz, gz.n, 2, 1, &out, &r);
	tap_ok(r.status == GZ_OK && out.n == n && memcmp(out.p, data, n) == 0,
	    "round trip fed one byte at a time");
	gz_reader_free(&r);
	free(out.p);

	/* Empty input still makes one valid, empty member. */
	{
		struct buf e = compress(data, 0, 2, 1024);
		memset(&out, 0, sizeof out);
		decompress(&e, e.n, 2, 10, &out, &r);
		tap_ok(r.status == GZ_OK && r.members == 1 && out.n == 0, "empty input, one empty member");
		gz_reader_free(&r);
		free(e.p);
	}

	/* Damage the deflate data of member 5: the replay names member 5. */
	{
		size_t off = 0;
		int m;
		for (m = 1; m < 5; m++)
			off += (size_t)gz.p[off + 16] | (size_t)gz.p[off + 17] << 8 |
			    (size_t)gz.p[off + 18] << 16 | (size_t)gz.p[off + 19] << 24;
		gz.p[off + 100] ^= 0x10;
		for (int t = 0; t < 3; t++) {
			memset(&out, 0, sizeof out);
			decompress(&gz, gz.n, threads[t], 65536, &out, &r);
			tap_ok(r.status == GZ_CORRUPT && r.err_member == 5 && r.members == 4,
			    "damaged member 5 found with %d threads: %s (member %llu)", threads[t],
			    r.err, (unsigned long long)r.err_member);
			tap_ok(out.n == 4 * (256u << 10) || r.err_offset > off,
			    "data before the damage was emitted in order (%zu bytes)", out.n);
			gz_reader_free(&r);
			free(out.p);
		}
		gz.p[off + 100] ^= 0x10;

		/* Damage only the index: gzip would not notice, neither may we. */
		gz.p[off + 16] ^= 0x01;
		memset(&out, 0, sizeof out);
		decompress(&gz, gz.n, 2, 65536, &out, &r);
		tap_ok(r.status == GZ_OK && out.n == n && memcmp(out.p, data, n) == 0 && r.indexed < 12,
		    "a wrong index falls back to streaming and still verifies (%llu indexed)",
		    (unsigned long long)r.indexed);
		gz_reader_free(&r);
		free(out.p);
		gz.p[off + 16] ^= 0x01;
	}

	/* Truncation inside an indexed member is reported as truncation. */
	memset(&out, 0, sizeof out);
	decompress(&gz, gz.n - 5000, 2, 65536, &out, &r);
	tap_ok(r.status == GZ_TRUNCATED && r.err_member == 12, "truncated in the last member: %s", r.err);
	gz_reader_free(&r);
	free(out.p);

	/* Trailing zeros are padding; anything else after the end is not. */
	gz.p = realloc(gz.p, gz.n + 600);
	memset(gz.p + gz.n, 0, 600);
	memset(&out, 0, sizeof out);
	decompress(&gz, gz.n + 600, 2, 65536, &out, &r);
	tap_ok(r.status == GZ_OK && r.trailing == 600, "trailing zeros accepted");
	gz_reader_free(&r);
	free(out.p);
	gz.p[gz.n + 300] = 'x';
	memset(&out, 0, sizeof out);
	decompress(&gz, gz.n + 600, 2, 65536, &out, &r);
	tap_ok(r.status == GZ_CORRUPT && strstr(r.err, "trailing garbage"), "trailing garbage refused");
	gz_reader_free(&r);
	free(out.p);
	gz_reader_init(&r, 2, 1, NULL, NULL);
	gz_reader_feed(&r, gz.p, gz.n + 600);
	tap_ok(gz_reader_finish(&r) == GZ_OK, "trailing garbage allowed when asked");
	gz_reader_free(&r);

	gz_reader_init(&r, 2, 0, NULL, NULL);
	gz_reader_feed(&r, "PK\3\4 not gzip at all", 20);
	tap_ok(gz_reader_finish(&r) == GZ_CORRUPT && strstr(r.err, "not in gzip format"), "not gzip");
	gz_reader_free(&r);
	gz_reader_init(&r, 2, 0, NULL, NULL);
	tap_ok(gz_reader_finish(&r) == GZ_TRUNCATED, "empty input is not a gzip file");
	gz_reader_free(&r);
	free(gz.p);
	free(data);
	return tap_done();
}
