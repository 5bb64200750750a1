/* libFuzzer target for the HTTP response parser (lib/http_parse.c): the
 * head parser, Content-Range, URL parser and chunked decoder on arbitrary
 * bytes. Property:
 * chunked decoding fed whole and fed one byte at a time agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static struct http_response resp;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out1[1 << 16], out2[1 << 16];
	struct http_chunked a = { 0 }, b = { 0 };
	struct http_url u;
	size_t p1 = 0, p2 = 0, produced;
	int done1 = 0, done2 = 0, bad1 = 0, bad2 = 0;
	char url[512];
	int h;

	h = http_parse_head(&resp, (const char *)data, size);
	if (h > 0) {
		const char *cr;
		uint64_t f, l, t;

		if ((size_t)h > size)
			abort();
		(void)http_header(&resp, "content-length");
		/* A range that parses is well formed. */
		if ((cr = http_header(&resp, "content-range")) && http_content_range(cr, &f, &l, &t) == 0 &&
		    (l < f || (t != UINT64_MAX && l >= t)))
			abort();
	}
	if (size < sizeof url) {
		memcpy(url, data, size);
		url[size] = 0;
		(void)http_url_parse(url, &u);
	}
	{
		long used = http_chunked_feed(&a, data, size, out1, sizeof out1, &produced, &done1);
		if (used < 0)
			bad1 = 1;
		else
			p1 = produced;
	}
	for (size_t i = 0; i < size && !bad2 && !done2; i++) {
		long used = http_chunked_feed(&b, data + i, 1, out2 + p2, sizeof out2 - p2, &produced, &done2);
		if (used < 0)
			bad2 = 1;
		p2 += produced;
		if (used == 0)
			break; /* out full */
	}
	if (p1 < sizeof out1 && p2 < sizeof out2 && !bad1 && !bad2 &&
	    (p1 != p2 || memcmp(out1, out2, p1) != 0 || done1 != done2))
		abort();
	return 0;
}
