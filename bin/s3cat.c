/* s3cat: write an S3 object to standard output.
 *
 * The object is read in ranged GETs pinned to the ETag it had when we
 * started (If-Match), so a dropped connection costs one range, resumed from
 * the last byte written, and an object replaced mid-read is an error rather
 * than a splice of two versions.
 *
 * --verify checks what was read against a checksum recorded at upload: the
 * store's own (x-amz-checksum-crc32c or -sha256 of the whole object), else
 * the SHA-256 s3put keeps in the object's metadata or, for a multipart
 * upload, in its tag. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "hash.h"
#include "io.h"
#include "log.h"
#include "opt.h"
#include "progress.h"
#include "s3.h"
#include "sig.h"
#include "xmem.h"
#include "xml.h"

static const char usage[] =
"usage: s3cat [options] s3://BUCKET/KEY\n"
"Write an S3 object to standard output, in ranged GETs that resume after a\n"
"dropped connection and fail if the object changes while it is read.\n"
"\n"
"      --range-size SIZE         bytes per GET (default 8MiB)\n"
"      --bwlimit RATE            read at most RATE bytes a second (like 10MiB)\n"
"      --sse-c-key-file FILE     the SSE-C key the object was stored with\n"
"      --verify                  check the bytes against the checksum recorded at\n"
"                                upload; exit 65 after the last byte if they differ\n"
S3_USAGE_OPTS
"      --progress                show progress even when stderr is not a terminal\n"
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Memory: one range, plus about 1 MiB.\n"
"Exit status: 0 written, 64 usage, 65 (--verify) no checksum recorded, or\n"
"the bytes read are not the ones uploaded, 66 no such bucket or key, 69 cannot\n"
"connect, 74 write error, 75 object changed while read or server errors after\n"
"retries, 77 credentials refused, 78 configuration error, 128+N signal N.\n";

enum { O_RANGE = 256, O_PROGRESS, O_LOG_FORMAT, O_VERSION, O_BWLIMIT, O_SSE_C, O_VERIFY };

static const struct option longopts[] = {
	{ "range-size", required_argument, NULL, O_RANGE },
	{ "bwlimit", required_argument, NULL, O_BWLIMIT },
	{ "sse-c-key-file", required_argument, NULL, O_SSE_C },
	{ "verify", no_argument, NULL, O_VERIFY },
	S3_LONGOPTS,
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What --verify compares with: a SHA-256 or a CRC-32C, and where it was
 * recorded (for messages). */
struct expect {
	int crc;                 /* 1: CRC-32C, 0: SHA-256 */
	unsigned char sha[32];
	uint32_t crc32c;
	char from[64];
};

/* The checksum of the whole object, from the HEAD's headers or s3put's tag:
 * 0, or -1 when none is recorded. */
static int
expect_find(struct s3_conn *c, const struct s3_url *u, const struct http_response *head, struct expect *x)
{
	const char *v;
	unsigned char be[4];
	char tag[4096], val[80] = "";
	struct s3_result *res;
	size_t pos = 0, ts, tl;

	memset(x, 0, sizeof *x);
	if ((v = http_header(head, "x-amz-checksum-crc32c")) && !strchr(v, '-') &&
	    base64_decode(be, 4, v, strlen(v)) == 4) {
		x->crc = 1;
		x->crc32c = (uint32_t)be[0] << 24 | (uint32_t)be[1] << 16 | (uint32_t)be[2] << 8 | be[3];
		snprintf(x->from, sizeof x->from, "the store's x-amz-checksum-crc32c");
		return 0;
	}
	if ((v = http_header(head, "x-amz-checksum-sha256")) && !strchr(v, '-') &&
	    base64_decode(x->sha, 32, v, strlen(v)) == 32) {
		snprintf(x->from, sizeof x->from, "the store's x-amz-checksum-sha256");
		return 0;
	}
	if ((v = http_header(head, "x-amz-meta-sha256")) && strlen(v) == 64 && hex_decode(x->sha, 32, v, 64) == 32) {
		snprintf(x->from, sizeof x->from, "its x-amz-meta-sha256");
		return 0;
	}
	/* A multipart upload's SHA-256 is known only at the end: s3put tags
	 * the object with it. */
	res = xmalloc(sizeof *res);
	if (s3_request(c, &(struct s3_req){ .method = "GET", .key = u->key, .query = "tagging",
	    .rbuf = (unsigned char *)tag, .rcap = sizeof tag - 1 }, res) == 0) {
		while (xml_span(tag, res->bodylen, &pos, "Tag", &ts, &tl) == 1) {
			char k[32] = "";
			size_t p = 0;

			if (xml_next(tag + ts, tl, &p, "Key", k, sizeof k) == 1 && strcmp(k, "sha256") == 0 &&
			    (p = 0, xml_next(tag + ts, tl, &p, "Value", val, sizeof val)) == 1)
				break;
			val[0] = 0;
		}
	}
	free(res);
	if (strlen(val) == 64 && hex_decode(x->sha, 32, val, 64) == 32) {
		snprintf(x->from, sizeof x->from, "its tag sha256");
		return 0;
	}
	return -1;
}

/* A 206's Content-Range must be the range asked for: [off, off + want)
 * of an object of size bytes ("*" for the total passes). */
static void
range_check(const struct s3_url *u, const struct s3_result *res, uint64_t off, uint64_t want, uint64_t size)
{
	const char *cr = http_header(&res->resp, "Content-Range");
	uint64_t first, last, total;

	if (!cr || http_content_range(cr, &first, &last, &total) < 0 || first != off || last != off + want - 1 ||
	    (total != UINT64_MAX && total != size))
		die(EX_DATAERR, "GET s3://%s/%s: asked for bytes %llu-%llu of %llu, the answer's Content-Range is %s",
		    u->bucket, u->key, (unsigned long long)off, (unsigned long long)(off + want - 1),
		    (unsigned long long)size, cr ? cr : "missing");
}

int
main(int argc, char **argv)
{
	struct s3_opts so = { .retries = -1 };
	static struct s3 s3; /* its trust anchors live as long as the program */
	struct s3_conn c;
	struct s3_url u;
	struct s3_result *res;
	struct progress pr;
	uint64_t range = 8u << 20, size, off = 0;
	unsigned char *buf;
	char err[300], t[700], etag[128], rh[80], ih[160];
	const char *cl, *bwlimit = NULL, *sse_c_file = NULL;
	struct expect rec;
	const char *hh[4];
	size_t nh = 0;
	struct sha256 sha;
	uint32_t crc = 0;
	int verify = 0;
	static struct s3_ssec ssec;
	size_t nssec = 0;
	static struct rate limit;
	int ch, progress = 0;

	log_init("s3cat");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (s3_opt(&so, ch, optarg))
			continue;
		switch (ch) {
		case O_RANGE:
			range = opt_size("--range-size", optarg);
			if (range < 4096 || range > (1u << 30))
				opt_usage_error("--range-size must be between 4KiB and 1GiB");
			break;
		case O_PROGRESS: progress = 1; break;
		case O_BWLIMIT: bwlimit = optarg; break;
		case O_SSE_C: sse_c_file = optarg; break;
		case O_VERIFY: verify = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	s3_opts_check(&so);
	if (argc - optind != 1)
		opt_usage_error(argc == optind ? "missing s3://BUCKET/KEY" : "too many operands");
	if (s3_url_parse(argv[optind], &u, err, sizeof err) < 0)
		opt_usage_error("%s", err);
	if (!u.key[0])
		opt_usage_error("'%s' names no key", argv[optind]);
	if (bwlimit)
		rate_init(&limit, s3_bwlimit_parse(&so, bwlimit, range, "range"));
	if (sse_c_file) {
		s3_ssec_load(&ssec, sse_c_file);
		nssec = 3;
	}
	sig_setup();
	s3_setup(&s3, &so);
	if (bwlimit)
		s3.rate = &limit;
	s3_conn_init(&c, &s3, u.bucket);
	res = xmalloc(sizeof *res);

	for (size_t i = 0; i < nssec; i++)
		hh[nh++] = ssec.h[i];
	if (verify)
		hh[nh++] = "x-amz-checksum-mode: ENABLED";
	if (s3_request(&c, &(struct s3_req){ .method = "HEAD", .key = u.key, .headers = hh, .nheaders = nh }, res) < 0) {
		if (sig_caught())
			sig_exit();
		/* A HEAD answer has no body, so a 403 comes without the store's
		 * reason; the first byte's GET brings it (AccessDenied,
		 * SignatureDoesNotMatch, ...). */
		if (res->status == 403 && !res->code[0]) {
			struct s3_result *why = xmalloc(sizeof *why);

			if (s3_request(&c, &(struct s3_req){ .method = "GET", .key = u.key,
			    .headers = (const char *[]){ "Range: bytes=0-0", ssec.h[0], ssec.h[1], ssec.h[2] },
			    .nheaders = 1 + nssec, .flags = S3_NO_RETRY },
			    why) < 0 && why->code[0])
				memcpy(res, why, sizeof *res);
			free(why);
		}
		die(s3_exit_code(res), "s3://%s/%s: %s", u.bucket, u.key,
		    res->status == 404 ? "no such key (or bucket)" : s3_result_text(res, t, sizeof t));
	}
	cl = http_header(&res->resp, "Content-Length");
	if (!cl || sscanf(cl, "%llu", (unsigned long long *)&size) != 1)
		die(EX_DATAERR, "s3://%s/%s: the HEAD answer has no Content-Length", u.bucket, u.key);
	snprintf(etag, sizeof etag, "%s", res->etag);
	snprintf(ih, sizeof ih, "If-Match: %s", etag);
	/* Nothing is written unless there is something to verify against. */
	if (verify && expect_find(&c, &u, &res->resp, &rec) < 0)
		die(EX_DATAERR, "s3://%s/%s: --verify: no checksum is recorded for it (neither the store's nor s3put's "
		    "sha256 metadata or tag); nothing written", u.bucket, u.key);
	sha256_init(&sha);
	progress_init(&pr, u.key, size, progress);
	buf = xmalloc(range);

	while (off < size) {
		uint64_t want = size - off < range ? size - off : range;
		const char *h[5] = { rh, ssec.h[0], ssec.h[1], ssec.h[2], ih };

		snprintf(rh, sizeof rh, "Range: bytes=%llu-%llu", (unsigned long long)off,
		    (unsigned long long)(off + want - 1));
		/* ih last: h holds the SSE-C headers only when they are given. */
		if (!nssec)
			h[1] = ih;
		if (s3_request(&c, &(struct s3_req){ .method = "GET", .key = u.key, .headers = h,
		    .nheaders = 1 + nssec + (etag[0] ? 1 : 0), .rbuf = buf, .rcap = range }, res) < 0) {
			if (sig_caught())
				sig_exit();
			if (res->status == 412)
				die(EX_TEMPFAIL, "s3://%s/%s changed while it was read (ETag no longer %s) after %llu bytes",
				    u.bucket, u.key, etag, (unsigned long long)off);
			die(s3_exit_code(res), "GET s3://%s/%s at byte %llu: %s", u.bucket, u.key,
			    (unsigned long long)off, s3_result_text(res, t, sizeof t));
		}
		/* A server that ignores Range answers 200 with the whole object:
		 * usable only from the start, and only if it is all there. */
		if (res->status == 200 && (off != 0 || res->bodylen != size))
			die(EX_DATAERR, "GET s3://%s/%s: the server ignored the byte range", u.bucket, u.key);
		if (res->status == 206 && res->bodylen != want)
			die(EX_DATAERR, "GET s3://%s/%s: asked for %llu bytes at %llu, got %zu", u.bucket, u.key,
			    (unsigned long long)want, (unsigned long long)off, res->bodylen);
		/* The bytes are those asked for only if the answer says so (a
		 * cache or proxy may hand back another range), and of the same
		 * object (the ETag of every answer). */
		if (res->status == 206)
			range_check(&u, res, off, want, size);
		if (etag[0] && res->etag[0] && strcmp(res->etag, etag) != 0)
			die(EX_TEMPFAIL, "s3://%s/%s changed while it was read (ETag %s, then %s) after %llu bytes", u.bucket,
			    u.key, etag, res->etag, (unsigned long long)off);
		if (verify && rec.crc)
			crc = crc32c_update(crc, buf, res->bodylen);
		else if (verify)
			sha256_update(&sha, buf, res->bodylen);
		if (io_write_all(1, buf, res->bodylen) < 0) {
			if (sig_caught())
				sig_exit();
			die_errno(EX_IOERR, "write to stdout");
		}
		off += res->bodylen;
		progress_update(&pr, off);
	}
	progress_end(&pr, off);
	if (verify) {
		unsigned char d[32];
		char a[65], b[65];

		sha256_final(&sha, d);
		if (rec.crc ? crc != rec.crc32c : memcmp(d, rec.sha, 32) != 0) {
			if (rec.crc) {
				snprintf(a, sizeof a, "%08x", rec.crc32c);
				snprintf(b, sizeof b, "%08x", crc);
			} else {
				hex_encode(a, rec.sha, 32);
				hex_encode(b, d, 32);
			}
			die(EX_DATAERR, "s3://%s/%s: --verify: the %llu bytes read have the %s %s, not the %s recorded "
			    "at upload (%s): what was written is not the object as uploaded", u.bucket, u.key,
			    (unsigned long long)off, rec.crc ? "CRC-32C" : "SHA-256", b, a, rec.from);
		}
		log_info("s3://%s/%s: %llu bytes verified against %s", u.bucket, u.key, (unsigned long long)off,
		    rec.from);
	}
	s3_ssec_wipe(&ssec);
	s3_conn_close(&c);
	free(res);
	free(buf);
	return EX_OK;
}
