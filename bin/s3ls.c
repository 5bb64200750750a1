/* s3ls: list the objects under a prefix with ListObjectsV2, one line per
 * object in the form prune-backups and s3rm read:
 *
 *   key<TAB>size<TAB>last-modified (RFC 3339, UTC)<TAB>etag */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "log.h"
#include "opt.h"
#include "s3.h"
#include "s3_answer.h"
#include "sig.h"
#include "xmem.h"
#include "xml.h"

static const char usage[] =
"usage: s3ls [options] s3://BUCKET[/PREFIX]\n"
"List the objects under PREFIX, one per line: key, size, last modification\n"
"time (RFC 3339, UTC) and ETag, separated by tabs.\n"
"\n"
S3_USAGE_OPTS
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Exit status: 0 listed, 64 usage, 65 a key holds a control character (listed\n"
"without it), 66 no such bucket, 69 cannot connect, 74 write error, 75\n"
"server errors after retries, 77 credentials refused, 78 configuration error.\n";

enum { O_LOG_FORMAT = 256, O_VERSION };

static const struct option longopts[] = {
	S3_LONGOPTS,
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

#define LIST_MAX (4u << 20)

int
main(int argc, char **argv)
{
	struct s3_opts so = { .retries = -1 };
	static struct s3 s3; /* its trust anchors live as long as the program */
	struct s3_conn c;
	struct s3_url u;
	struct s3_result *res;
	unsigned char *body;
	char err[300], t[700], token[2048] = "", prev[2048] = "", *q, *pfx, *lastkey;
	int ch, odd = 0;
	unsigned long long count = 0;

	log_init("s3ls");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (s3_opt(&so, ch, optarg))
			continue;
		switch (ch) {
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	s3_opts_check(&so);
	if (argc - optind != 1)
		opt_usage_error(argc == optind ? "missing s3://BUCKET[/PREFIX]" : "too many operands");
	if (s3_url_parse(argv[optind], &u, err, sizeof err) < 0)
		opt_usage_error("%s", err);
	sig_setup();
	s3_setup(&s3, &so);
	s3_conn_init(&c, &s3, u.bucket);
	res = xmalloc(sizeof *res);
	body = xmalloc(LIST_MAX);
	q = xmalloc(16384);
	pfx = xmalloc(3 * S3_KEY_MAX + 1);
	lastkey = xcalloc(1, 3 * S3_KEY_MAX + 1);
	s3_query_encode(pfx, 3 * S3_KEY_MAX + 1, u.key);

	do {
		size_t pos = 0, cs, cl;
		char enc[6200], et[16];
		int url_enc;

		s3_query_encode(enc, sizeof enc, token);
		snprintf(q, 16384, "list-type=2&encoding-type=url%s%s%s%s", u.key[0] ? "&prefix=" : "", pfx,
		    token[0] ? "&continuation-token=" : "", token[0] ? enc : "");
		if (s3_request(&c, &(struct s3_req){ .method = "GET", .key = "", .query = q, .rbuf = body,
		    .rcap = LIST_MAX - 1, .flags = S3_ERROR_IN_200 }, res) < 0) {
			if (sig_caught())
				sig_exit();
			die(s3_exit_code(res), "list s3://%s/%s: %s", u.bucket, u.key, s3_result_text(res, t, sizeof t));
		}
		body[res->bodylen] = 0;
		/* A 200 that is not a listing (a proxy's page, an empty body)
		 * would read as "no such keys": prune-backups would see no
		 * backups. */
		if (!s3_answer_root((char *)body, res->bodylen, "ListBucketResult"))
			die(EX_TEMPFAIL, "list s3://%s/%s: the answer (%zu bytes) is not a listing", u.bucket, u.key,
			    res->bodylen);
		url_enc = xml_next((char *)body, res->bodylen, &pos, "EncodingType", et, sizeof et) == 1 &&
		    strcmp(et, "url") == 0;
		pos = 0;
		while (xml_span((char *)body, res->bodylen, &pos, "Contents", &cs, &cl) == 1) {
			char key[S3_KEY_MAX * 3 + 1], size[32], lm[64], etag[128], plain[128];
			const char *ent = (char *)body + cs;
			size_t p = 0;
			int dec;

			if (xml_next(ent, cl, &p, "Key", key, sizeof key) != 1 ||
			    (p = 0, xml_next(ent, cl, &p, "Size", size, sizeof size)) != 1 ||
			    (p = 0, xml_next(ent, cl, &p, "LastModified", lm, sizeof lm)) != 1)
				die(EX_DATAERR, "list s3://%s/%s: an entry of the answer is malformed", u.bucket, u.key);
			p = 0;
			if (xml_next(ent, cl, &p, "ETag", etag, sizeof etag) != 1)
				etag[0] = 0;
			dec = url_enc ? s3_answer_url_decode(key) : 0;
			if (dec == -1)
				die(EX_DATAERR, "list s3://%s/%s: a key is badly encoded", u.bucket, u.key);
			if (dec == -2) {
				log_error("a key holds a NUL byte (%%00); it cannot be listed");
				odd = 1;
				continue;
			}
			/* Keys come in order, page after page: one that does not
			 * follow the last means the store is repeating itself. */
			if (lastkey[0] && strcmp(key, lastkey) <= 0)
				die(EX_TEMPFAIL, "list s3://%s/%s: the store lists keys again or out of order", u.bucket, u.key);
			snprintf(lastkey, 3 * S3_KEY_MAX + 1, "%s", key);
			if (opt_has_control(key)) {
				log_error("key '%s' holds a control character; it cannot be listed one per line", key);
				odd = 1;
				continue;
			}
			/* 2026-11-22T10:00:00.000Z -> 2026-11-22T10:00:00Z */
			if (strlen(lm) > 19 && lm[19] == '.')
				strcpy(lm + 19, "Z");
			s3_etag_plain(plain, sizeof plain, etag);
			printf("%s\t%s\t%s\t%s\n", key, size, lm, plain);
			count++;
		}
		{
			char trunc[8] = "";

			pos = 0;
			xml_next((char *)body, res->bodylen, &pos, "IsTruncated", trunc, sizeof trunc);
			pos = 0;
			if (strcmp(trunc, "true") != 0)
				token[0] = 0;
			else if (xml_next((char *)body, res->bodylen, &pos, "NextContinuationToken", token, sizeof token) != 1 ||
			    !token[0])
				die(EX_TEMPFAIL, "list s3://%s/%s: the listing says more follows but gives no continuation token",
				    u.bucket, u.key);
			else if (strcmp(token, prev) == 0)
				die(EX_TEMPFAIL, "list s3://%s/%s: the store gave the same continuation token twice", u.bucket,
				    u.key);
			snprintf(prev, sizeof prev, "%s", token);
		}
		if (fflush(stdout) != 0)
			die_errno(EX_IOERR, "write to stdout");
	} while (token[0]);
	s3_conn_close(&c);
	free(res);
	free(body);
	free(q);
	free(pfx);
	free(lastkey);
	return odd ? EX_DATAERR : EX_OK;
}
