/* libFuzzer target for the parsers of S3 and credential answers: lib/xml
 * (xml_next, xml_span, xml_decode), lib/s3_answer (the root element, url
 * decoding of listed keys), lib/json (json_get_string) and lib/ini
 * (ini_get). Properties: nothing reads outside the input, decoded text
 * always fits and is NUL-terminated, and a value found is found again when
 * looked up twice. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "json.h"
#include "s3_answer.h"
#include "xml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), out[256], out2[256];
	size_t pos = 0, s, l;
	int r;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	/* The root is one of the names or none; decoding never lengthens a
	 * key, and a decoded key holds no NUL before its end. */
	if (s3_answer_root(buf, size, "ListBucketResult") && s3_answer_root(buf, size, "DeleteResult"))
		abort();
	{
		size_t before = strlen(buf);
		char *k = strdup(buf);

		if (k && s3_answer_url_decode(k) == 0 && strlen(k) > before)
			abort();
		free(k);
	}
	while ((r = xml_span(buf, size, &pos, "Contents", &s, &l)) == 1) {
		size_t p = 0;

		if (s + l > size)
			abort();
		if (xml_next(buf + s, l, &p, "Key", out, sizeof out) == 1 && strlen(out) >= sizeof out)
			abort();
	}
	pos = 0;
	if (xml_next(buf, size, &pos, "Code", out, sizeof out) == 1 && pos > size)
		abort();
	if (json_get_string(buf, size, "AccessKeyId", out, sizeof out) == 1) {
		if (json_get_string(buf, size, "AccessKeyId", out2, sizeof out2) != 1 || strcmp(out, out2) != 0)
			abort();
	}
	if (ini_get(buf, size, "default", "aws_access_key_id", out, sizeof out) == 1 && strlen(out) >= sizeof out)
		abort();
	ini_get(buf, size, "profile x", "s3.endpoint_url", out, sizeof out);
	free(buf);
	return 0;
}
