/* libFuzzer target for the HTTP request parser healthprobe's sidecar uses:
 * no crash, a consumed length never past the input, and the parsed fields
 * always terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request r;
	int n = http_parse_request(&r, (const char *)data, size);

	if (n > 0) {
		if ((size_t)n > size || strlen(r.method) >= sizeof r.method || strlen(r.path) >= sizeof r.path ||
		    strlen(r.query) >= sizeof r.query || r.path[0] != '/')
			abort();
	}
	return 0;
}
