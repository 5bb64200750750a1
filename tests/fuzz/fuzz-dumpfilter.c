/* libFuzzer target for lib/dumpfilter: any bytes, cut into lines as a
 * filter file is, parse without overrunning, and a parsed command always
 * holds a non-empty pattern without NUL, newline or unquoted '#'. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dumpfilter.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct dumpfilter_cmd c;
		char err[256];
		int rc = dumpfilter_line(p, n, &c, err, sizeof err);

		if (rc == 1) {
			size_t pl = strlen(c.pattern);
			int quoted = 0;

			if (pl == 0 || pl >= sizeof c.pattern || c.kind > DF_EXTENSION)
				abort();
			for (size_t i = 0; i < pl; i++) {
				if (c.pattern[i] == '"')
					quoted = !quoted;
				if (c.pattern[i] == '\n' || (c.pattern[i] == '#' && !quoted))
					abort();
			}
		} else if (rc == -1 && strlen(err) == 0) {
			abort();
		} else if (rc != 0 && rc != -1 && rc != 1) {
			abort();
		}
		p += n + (nl != NULL);
	}
	return 0;
}
