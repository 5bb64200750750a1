/* lib/sigv4 against the worked examples of AWS's S3 documentation
 * ("Signature Calculations for the Authorization Header: Transferring
 * Payload in a Single Chunk"): GET object with Range, PUT object, GET bucket
 * lifecycle, GET bucket (list objects). Same keys, same date, same
 * expected signatures. Also the URI encoding rules S3 wants. */
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "hash.h"
#include "sigv4.h"
#include "tap.h"

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void
check(const char *name, const char *method, const char *path, const char *query,
    const char *const *h, size_t nh, const char *payload, const char *want_sh, const char *want_sig)
{
	struct sigv4_request r = {
		.method = method, .path = path, .query = query, .headers = h, .nheaders = nh,
		.payload_hash = payload, .amzdate = "20130524T000000Z", .region = "us-east-1",
		.service = "s3",
	};
	char auth[SIGV4_AUTH_MAX], want[SIGV4_AUTH_MAX];

	snprintf(want, sizeof want,
	    "AWS4-HMAC-SHA256 Credential=" AK "/20130524/us-east-1/s3/aws4_request, SignedHeaders=%s, Signature=%s",
	    want_sh, want_sig);
	if (sigv4_authorization(&r, AK, SK, auth, sizeof auth) < 0)
		strcpy(auth, "(failed)");
	tap_is_str(auth, want, name);
}

int
main(void)
{
	char out[256], hex[65];
	unsigned char d[32];

	tap_plan(10);
	{
		const char *h[] = { "Host: examplebucket.s3.amazonaws.com", "Range: bytes=0-9",
			"x-amz-content-sha256: " EMPTY, "x-amz-date: 20130524T000000Z" };
		check("AWS example: GET object with Range", "GET", "/test.txt", "", h, 4, EMPTY,
		    "host;range;x-amz-content-sha256;x-amz-date",
		    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	}
	{
		const char *body = "Welcome to Amazon S3.";
		const char *h[] = { "Host: examplebucket.s3.amazonaws.com", "Date: Fri, 24 May 2013 00:00:00 GMT",
			"x-amz-date: 20130524T000000Z", "x-amz-storage-class: REDUCED_REDUNDANCY",
			"x-amz-content-sha256: 44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072" };
		char path[64];

		sha256_buf(body, strlen(body), d);
		hex_encode(hex, d, 32);
		tap_is_str(hex, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
		    "AWS example: payload hash of the PUT body");
		path[0] = '/';
		sigv4_uri_encode(path + 1, sizeof path - 1, "test$file.text", 14, 1);
		tap_is_str(path, "/test%24file.text", "AWS example: '$' in a key is encoded");
		check("AWS example: PUT object", "PUT", path, "", h, 5, hex,
		    "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
		    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
	}
	{
		const char *h[] = { "Host: examplebucket.s3.amazonaws.com", "x-amz-date: 20130524T000000Z",
			"x-amz-content-sha256: " EMPTY };
		check("AWS example: GET bucket lifecycle (empty query value)", "GET", "/", "lifecycle", h, 3, EMPTY,
		    "host;x-amz-content-sha256;x-amz-date",
		    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
		check("AWS example: list objects (query sorted)", "GET", "/", "prefix=J&max-keys=2", h, 3, EMPTY,
		    "host;x-amz-content-sha256;x-amz-date",
		    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
	}

	sigv4_uri_encode(out, sizeof out, "a b/c+d=e%f~g_h.i-j\xc3\xa9", 21, 1);
	tap_is_str(out, "a%20b/c%2Bd%3De%25f~g_h.i-j%C3%A9", "path encoding keeps '/' and unreserved only");
	sigv4_uri_encode(out, sizeof out, "a/b", 3, 0);
	tap_is_str(out, "a%2Fb", "query values encode '/'");
	tap_ok(sigv4_uri_encode(out, 4, "abcd", 4, 1) == -1, "encoding that does not fit is an error");
	{
		const char *h[] = { "Host: x", "bad header" };
		struct sigv4_request r = { .method = "GET", .path = "/", .query = "", .headers = h, .nheaders = 2,
			.payload_hash = EMPTY, .amzdate = "20130524T000000Z", .region = "r", .service = "s3" };
		char a[SIGV4_AUTH_MAX];

		tap_ok(sigv4_authorization(&r, AK, SK, a, sizeof a) == -1, "a header line without ':' is refused");
	}
	return tap_done();
}
