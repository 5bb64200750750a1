/* Signs requests the way lib/s3 builds them, for the botocore oracle test.
 * Reads lines "METHOD<TAB>KEY<TAB>QNAME<TAB>QVALUE<TAB>META" (QNAME may be
 * empty) and prints the Authorization value for each, signed for bucket
 * bkt at 127.0.0.1:9000, us-east-1, 20261122T000000Z, an empty body and
 * the example keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

#define EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

int
main(void)
{
	char line[8192];

	while (fgets(line, sizeof line, stdin)) {
		char *f[5], *p = line, path[4096], query[4096], meta[2048], auth[SIGV4_AUTH_MAX];
		const char *h[4] = { "Host: 127.0.0.1:9000", "x-amz-date: 20261122T000000Z",
			"x-amz-content-sha256: " EMPTY, meta };
		struct sigv4_request r;
		int nf = 0;

		line[strcspn(line, "\n")] = 0;
		while (nf < 5) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = 0;
		}
		if (nf != 5)
			return 65;
		strcpy(path, "/bkt/");
		if (sigv4_uri_encode(path + 5, sizeof path - 5, f[1], strlen(f[1]), 1) < 0)
			return 65;
		query[0] = 0;
		if (f[2][0]) {
			long n = sigv4_uri_encode(query, sizeof query, f[2], strlen(f[2]), 0);

			if (n < 0)
				return 65;
			query[n++] = '=';
			if (sigv4_uri_encode(query + n, sizeof query - (size_t)n, f[3], strlen(f[3]), 0) < 0)
				return 65;
		}
		snprintf(meta, sizeof meta, "x-amz-meta-note: %s", f[4]);
		r = (struct sigv4_request){ .method = f[0], .path = path, .query = query, .headers = h,
			.nheaders = 4, .payload_hash = EMPTY, .amzdate = "20261122T000000Z",
			.region = "us-east-1", .service = "s3" };
		if (sigv4_authorization(&r, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		    auth, sizeof auth) < 0)
			return 70;
		printf("%s\n", auth);
	}
	return 0;
}
