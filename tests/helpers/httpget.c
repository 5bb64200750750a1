/* Test helper: drive lib/http (and lib/tls) the way healthprobe and s3put
 * will, until those programs exist. Not installed.
 *   httpget [-n COUNT] [-X METHOD] [--cacert F] [--cert F --key F]
 *           [--insecure] [--servername NAME] [-t TIMEOUT] URL
 * Prints the status and body of the last response on stdout and
 * "connections N" on stderr; exits 0, or 69 with the error message. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "deadline.h"
#include "http.h"
#include "log.h"
#include "opt.h"
#include "tls.h"

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cacert", required_argument, NULL, 'C' }, { "cert", required_argument, NULL, 'E' },
		{ "key", required_argument, NULL, 'K' }, { "insecure", no_argument, NULL, 'k' },
		{ "servername", required_argument, NULL, 'S' }, { NULL, 0, NULL, 0 }
	};
	static unsigned char body[1 << 22];
	const char *cacert = NULL, *certf = NULL, *keyf = NULL, *method = "GET";
	struct tls_anchors a = { 0 };
	struct tls_client_cert cc = { 0 };
	struct http_client c;
	struct http_response *r = malloc(sizeof *r);
	uint64_t timeout = 5000, count = 1;
	char err[512];
	int ch;

	log_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "n:X:t:", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': count = opt_uint("-n", optarg, 1, 100000); break;
		case 'X': method = optarg; break;
		case 't': timeout = opt_duration_ms("-t", optarg); break;
		case 'C': cacert = optarg; break;
		case 'E': certf = optarg; break;
		case 'K': keyf = optarg; break;
		case 'k': break;
		case 'S': break;
		default: opt_usage_error("bad option");
		}
	}
	if (optind != argc - 1)
		opt_usage_error("usage: httpget [options] URL");
	if (http_client_init(&c, argv[optind]) < 0)
		die(EX_USAGE, "bad URL: %s", argv[optind]);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:X:t:", lo, NULL)) != -1) {
		if (ch == 'k') {
			c.verify = TLS_VERIFY_NONE;
			log_warn("--insecure: the server's certificate is not verified");
		}
		if (ch == 'S')
			c.servername = optarg;
	}
	if (c.url.https && c.verify != TLS_VERIFY_NONE) {
		if (cacert ? tls_anchors_file(&a, cacert, err, sizeof err) < 0
		    : tls_anchors_default(&a, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		c.anchors = &a;
		log_info("trust anchors: %s", a.source);
	}
	if (certf) {
		if (tls_client_cert_load(&cc, certf, keyf ? keyf : certf, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		c.cert = &cc;
	}
	for (uint64_t i = 0; i < count; i++)
		if (http_request(&c, method, c.url.path, NULL, 0, NULL, 0, r, body, sizeof body,
		    deadline_in(timeout), err, sizeof err) < 0)
			die(EX_UNAVAILABLE, "%s", err);
	printf("%d\n", r->status);
	fwrite(body, 1, r->bodylen, stdout);
	log_info("connections %u", c.connects);
	http_client_close(&c);
	if (c.anchors)
		tls_anchors_free(&a);
	if (c.cert)
		tls_client_cert_free(&cc);
	free(r);
	return 0;
}
