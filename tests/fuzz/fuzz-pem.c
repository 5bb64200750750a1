/* libFuzzer target for the certificate loading path (lib/tls_certs.c): PEM
 * decoding, trust anchor extraction from each object, and the DER walk for
 * iPAddress subjectAltNames, on arbitrary bytes (as PEM text, and the same
 * bytes as a raw DER certificate). */
#include <stdint.h>
#include <string.h>

#include "tls.h"

const br_x509_trust_anchor tls_builtin_ta[1];
const size_t tls_builtin_ta_n = 0;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_pem_obj *objs;
	struct tls_anchors a;
	size_t n;
	static const unsigned char ip[4] = { 127, 0, 0, 1 };

	memset(&a, 0, sizeof a);
	if (tls_pem_decode(data, size, &objs, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			(void)tls_anchor_add_der(&a, objs[i].der, objs[i].len);
			(void)tls_cert_has_ip(objs[i].der, objs[i].len, ip, 4);
		}
		tls_pem_free(objs, n);
	}
	(void)tls_anchor_add_der(&a, data, size);
	(void)tls_cert_has_ip(data, size, ip, 4);
	tls_anchors_free(&a);
	return 0;
}
