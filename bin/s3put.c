/* s3put: stream standard input or a file to S3 without an SDK.
 *
 * Input shorter than one part goes up as a single PUT once it has been read
 * whole (and verified, when asked). Anything longer becomes a multipart
 * upload with one fixed part size: the main thread reads parts, hashes the
 * whole stream and verifies it, and --concurrency workers upload the parts,
 * each kept in memory until the server acknowledged it so that it can be
 * retried. Any failure, and SIGINT/SIGTERM, aborts the upload, so nothing
 * appears under KEY unless all of it arrived. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "age.h"
#include "deadline.h"
#include "enc.h"
#include "gz.h"
#include "hash.h"
#include "io.h"
#include "log.h"
#include "opt.h"
#include "pool.h"
#include "progress.h"
#include "nametime.h"
#include "s3.h"
#include "s3_lock.h"
#include "sig.h"
#include "trailer.h"
#include "xmem.h"
#include "xml.h"

static const char usage[] =
"usage: s3put [options] s3://BUCKET/KEY [FILE]\n"
"Upload standard input (or FILE) to S3: a single PUT when it fits in one\n"
"part, otherwise a multipart upload that is aborted on any failure.\n"
"\n"
"      --part-size SIZE          bytes per part (default 16MiB, at least 5MiB)\n"
"      --expected-size SIZE      choose the part size so SIZE fits --max-parts\n"
"      --max-parts N             most parts the store accepts (default 10000)\n"
"      --concurrency N           parts uploaded at once (default 4)\n"
"      --verify-gzip             refuse to complete unless the input is valid gzip\n"
"      --require-trailer         refuse to complete without pgdump-stream's trailer\n"
"      --recipient RECIPIENT     encrypt in the age format to RECIPIENT (age1...),\n"
"                                after the checks above have seen the plaintext\n"
"      --recipients-file FILE    encrypt to each age recipient in FILE\n"
"      --if-none-match           never overwrite an existing KEY\n"
"      --content-type TYPE       Content-Type of the object\n"
"      --storage-class CLASS     x-amz-storage-class (STANDARD_IA, GLACIER_IR, ...)\n"
"      --sse ALGORITHM           server-side encryption: AES256 or aws:kms\n"
"      --sse-kms-key-id ID       KMS key for --sse aws:kms\n"
"      --sse-c-key-file FILE     SSE-C: the store encrypts with the 256-bit key in FILE\n"
"      --metadata KEY=VALUE      user metadata (repeatable)\n"
"      --lock-mode MODE          Object Lock retention: GOVERNANCE or COMPLIANCE\n"
"      --lock-for DURATION       retain for DURATION from the start of the upload\n"
"      --lock-until TIME         retain until TIME (RFC 3339)\n"
"      --legal-hold              put a legal hold on the object\n"
"      --unsigned-payload        sign UNSIGNED-PAYLOAD (https endpoints only)\n"
"      --checksum ALGORITHM      end-to-end checksums S3 checks: sha256 or crc32c\n"
"      --bwlimit RATE            send at most RATE bytes a second (like 10MiB)\n"
S3_USAGE_OPTS
"      --json                    print the result as a JSON object\n"
"      --progress                show progress even when stderr is not a terminal\n"
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Prints \"s3://BUCKET/KEY BYTES SHA256 ETAG\". Memory: at most\n"
"(concurrency + 1) x part size, plus about 1 MiB.\n"
"Exit status: 0 uploaded, 1 input not valid gzip or without the trailer,\n"
"64 usage, 65 input larger than max-parts x part size, 66 FILE missing,\n"
"69 cannot connect, 73 KEY exists (--if-none-match) or bucket missing, 74 read\n"
"error, 75 throttled or server errors after retries, 77 credentials refused,\n"
"78 configuration error (a bucket without Object Lock for --lock-*), 128+N\n"
"signal N.\n";

enum {
	O_PART_SIZE = 256, O_EXPECTED, O_MAX_PARTS, O_CONCURRENCY, O_VERIFY_GZIP, O_REQUIRE_TRAILER,
	O_IF_NONE_MATCH, O_CONTENT_TYPE, O_STORAGE_CLASS, O_SSE, O_SSE_KMS, O_METADATA, O_UNSIGNED,
	O_JSON, O_PROGRESS, O_LOG_FORMAT, O_VERSION, O_LOCK_MODE, O_LOCK_FOR, O_LOCK_UNTIL, O_LEGAL_HOLD,
	O_BWLIMIT, O_SSE_C, O_CHECKSUM, O_RECIPIENT, O_RECIPIENTS_FILE
};

static const struct option longopts[] = {
	{ "part-size", required_argument, NULL, O_PART_SIZE },
	{ "expected-size", required_argument, NULL, O_EXPECTED },
	{ "max-parts", required_argument, NULL, O_MAX_PARTS },
	{ "concurrency", required_argument, NULL, O_CONCURRENCY },
	{ "verify-gzip", no_argument, NULL, O_VERIFY_GZIP },
	{ "require-trailer", no_argument, NULL, O_REQUIRE_TRAILER },
	{ "recipient", required_argument, NULL, O_RECIPIENT },
	{ "recipients-file", required_argument, NULL, O_RECIPIENTS_FILE },
	{ "if-none-match", no_argument, NULL, O_IF_NONE_MATCH },
	{ "content-type", required_argument, NULL, O_CONTENT_TYPE },
	{ "storage-class", required_argument, NULL, O_STORAGE_CLASS },
	{ "sse", required_argument, NULL, O_SSE },
	{ "sse-kms-key-id", required_argument, NULL, O_SSE_KMS },
	{ "sse-c-key-file", required_argument, NULL, O_SSE_C },
	{ "metadata", required_argument, NULL, O_METADATA },
	{ "lock-mode", required_argument, NULL, O_LOCK_MODE },
	{ "lock-for", required_argument, NULL, O_LOCK_FOR },
	{ "lock-until", required_argument, NULL, O_LOCK_UNTIL },
	{ "legal-hold", no_argument, NULL, O_LEGAL_HOLD },
	{ "bwlimit", required_argument, NULL, O_BWLIMIT },
	{ "checksum", required_argument, NULL, O_CHECKSUM },
	{ "unsigned-payload", no_argument, NULL, O_UNSIGNED },
	S3_LONGOPTS,
	{ "json", no_argument, NULL, O_JSON },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

#define MIN_PART (5ull << 20)
#define MAX_PART (5ull << 30)
#define MAX_META 32

static struct {
	uint64_t part_size, expected;
	unsigned max_parts, concurrency;
	int verify_gzip, require_trailer, if_none_match, json, progress, part_size_given;
	const char *content_type, *storage_class, *sse, *sse_kms;
	const char *meta[MAX_META];
	size_t nmeta;
	struct s3_lock lock;     /* what --lock-* ask for; until set when the upload starts */
	uint64_t lock_for_ms;
	int locking;
	const char *bwlimit, *sse_c_file;
	enum { CK_NONE, CK_SHA256, CK_CRC32C } checksum;
	struct s3_ssec ssec;     /* with --sse-c-key-file: its headers */
	size_t nssec;
	uint64_t rate;
	struct rate limit;
	struct s3_opts s3;
	struct s3_url url;
	const char *file;
	struct age_keys recipients; /* --recipient, --recipients-file: encrypt with age */
} opt = { .part_size = 16ull << 20, .max_parts = 10000, .concurrency = 4, .s3 = { .retries = -1 } };

/* A part in memory, from the read until the server acknowledged it. */
struct slot {
	unsigned char *buf;
	size_t len;
	unsigned num;   /* part number, 0 when the slot is free */
	int hashed;     /* md5 and sha below are the part's (see part_hash) */
	unsigned char md5[16], sha[32];
};

/* One upload, owned by main and shared with the workers: the store, the
 * parts in memory and the queue of those waiting for a worker, the checks
 * on the stream, and the first failure. mu guards what the workers touch. */
struct upload {
	struct s3 s3;
	struct s3_conn conn;        /* the main thread's: HEAD, Create, Complete, Abort */
	int fd;
	struct progress pr;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot *slots;
	unsigned nslots;
	unsigned *queue;   /* slot indices waiting for a worker, FIFO */
	unsigned qhead, qlen;
	int eof, stop;
	int onepass;       /* the reader hashes each part in one pass */
	unsigned nparts;
	char upload_id[1024];
	char qid[3100];    /* "uploadId=<encoded id>", the query of every part */
	char (*etags)[72];
	unsigned char (*md5s)[16]; /* each part's MD5: the multipart ETag */
	/* --checksum: each part's, for the Complete, and the whole's */
	unsigned char (*shas)[32];
	uint32_t *crcs;
	uint64_t *lens;
	char whole_ck[64];
	int err_ex;
	char err[4096];     /* the first failure: room for a 1024-byte key and the store's message */

	/* Everything that checks the stream on its way through. */
	struct age_enc enc;         /* --recipient: the object is the age encryption of the input */
	struct age_reader age;
	unsigned char head[64];     /* the input's first bytes, to name what it is */
	size_t nhead;
	struct sha256 sha;
	struct gz_reader gz;
	struct trailer_tail tr;
	uint64_t bytes;
};

/* A worker: its connection and the upload it serves. */
struct worker {
	struct upload *u;
	struct s3_conn conn;
	pthread_t tid;
};

/* The first failure wins; it stops everything. */
static void
fail(struct upload *u, int ex, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
fail(struct upload *u, int ex, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&u->mu);
	if (!u->err_ex) {
		u->err_ex = ex;
		va_start(ap, fmt);
		vsnprintf(u->err, sizeof u->err, fmt, ap);
		va_end(ap);
	}
	u->stop = 1;
	pthread_cond_broadcast(&u->cv);
	pthread_mutex_unlock(&u->mu);
}

static void
fail_request(struct upload *u, int ex, const char *what, const struct s3_result *res)
{
	char t[700];

	fail(u, ex, "%s s3://%s/%s: %s", what, opt.url.bucket, opt.url.key, s3_result_text(res, t, sizeof t));
}

static void
parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (s3_opt(&opt.s3, c, optarg))
			continue;
		switch (c) {
		case O_PART_SIZE:
			opt.part_size = opt_size("--part-size", optarg);
			opt.part_size_given = 1;
			break;
		case O_EXPECTED: opt.expected = opt_size("--expected-size", optarg); break;
		case O_MAX_PARTS: opt.max_parts = (unsigned)opt_uint("--max-parts", optarg, 1, 10000); break;
		case O_CONCURRENCY: opt.concurrency = (unsigned)opt_uint("--concurrency", optarg, 1, 64); break;
		case O_VERIFY_GZIP: opt.verify_gzip = 1; break;
		case O_REQUIRE_TRAILER: opt.require_trailer = 1; break;
		case O_RECIPIENT:
			if (age_keys_add_recipient(&opt.recipients, optarg) < 0)
				opt_usage_error("--recipient %.80s is not an age X25519 recipient (age1...)", optarg);
			break;
		case O_RECIPIENTS_FILE: {
			char err[300];
			int ex = age_keys_load(&opt.recipients, optarg, 0, err, sizeof err);

			if (ex)
				die(ex, "%s", err);
			break;
		}
		case O_IF_NONE_MATCH: opt.if_none_match = 1; break;
		case O_CONTENT_TYPE:
			opt_header_value("--content-type", optarg);
			opt.content_type = optarg;
			break;
		case O_STORAGE_CLASS:
			opt_header_value("--storage-class", optarg);
			opt.storage_class = optarg;
			break;
		case O_SSE: opt.sse = optarg; break;
		case O_SSE_KMS:
			opt_header_value("--sse-kms-key-id", optarg);
			opt.sse_kms = optarg;
			break;
		case O_METADATA:
			if (opt.nmeta == MAX_META)
				opt_usage_error("--metadata: at most %d", MAX_META);
			opt.meta[opt.nmeta++] = optarg;
			break;
		case O_UNSIGNED: opt.s3.unsigned_payload = 1; break;
		case O_LOCK_MODE:
			if (strcmp(optarg, "GOVERNANCE") != 0 && strcmp(optarg, "COMPLIANCE") != 0)
				opt_usage_error("--lock-mode must be GOVERNANCE or COMPLIANCE");
			snprintf(opt.lock.mode, sizeof opt.lock.mode, "%s", optarg);
			break;
		case O_LOCK_FOR:
			if ((opt.lock_for_ms = opt_duration_ms("--lock-for", optarg)) < 1000)
				opt_usage_error("--lock-for must be at least 1s");
			break;
		case O_LOCK_UNTIL:
			if (nametime_rfc3339(optarg, &opt.lock.until) < 0)
				opt_usage_error("--lock-until '%s' is not an RFC 3339 time (2027-01-31T00:00:00Z)", optarg);
			if (opt.lock.until <= (int64_t)time(NULL))
				opt_usage_error("--lock-until %s is not in the future", optarg);
			break;
		case O_LEGAL_HOLD: opt.lock.hold = 1; break;
		case O_BWLIMIT: opt.bwlimit = optarg; break;
		case O_SSE_C: opt.sse_c_file = optarg; break;
		case O_CHECKSUM:
			if (strcmp(optarg, "sha256") == 0)
				opt.checksum = CK_SHA256;
			else if (strcmp(optarg, "crc32c") == 0)
				opt.checksum = CK_CRC32C;
			else
				opt_usage_error("--checksum must be sha256 or crc32c");
			break;
		case O_JSON: opt.json = 1; break;
		case O_PROGRESS: opt.progress = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	s3_opts_check(&opt.s3);
	if (optind >= argc)
		opt_usage_error("missing s3://BUCKET/KEY");
	if (argc - optind > 2)
		opt_usage_error("too many operands");
	{
		char err[300];

		if (s3_url_parse(argv[optind], &opt.url, err, sizeof err) < 0)
			opt_usage_error("%s", err);
	}
	if (!opt.url.key[0])
		opt_usage_error("'%s' names no key", argv[optind]);
	opt.file = argc - optind == 2 ? argv[optind + 1] : "-";
	if (opt.part_size < MIN_PART || opt.part_size > MAX_PART)
		opt_usage_error("--part-size must be between 5MiB and 5GiB");
	/* Encryption adds a 16-byte tag to every 64 KiB and a header. */
	if (opt.expected && opt.recipients.n)
		opt.expected += opt.expected / 4096 + 65536;
	if (opt.expected) {
		uint64_t p = (opt.expected + opt.max_parts - 1) / opt.max_parts;

		p = (p + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
		if (p > MAX_PART)
			opt_usage_error("--expected-size: %llu bytes do not fit in %u parts of at most 5GiB",
			    (unsigned long long)opt.expected, opt.max_parts);
		if (opt.part_size_given && opt.part_size < p)
			opt_usage_error("--part-size is too small for --expected-size in %u parts", opt.max_parts);
		if (!opt.part_size_given && p > opt.part_size)
			opt.part_size = p;
	}
	if (opt.lock.mode[0] && !opt.lock_for_ms && !opt.lock.until)
		opt_usage_error("--lock-mode needs --lock-for or --lock-until");
	if (!opt.lock.mode[0] && (opt.lock_for_ms || opt.lock.until))
		opt_usage_error("--lock-for and --lock-until need --lock-mode");
	if (opt.lock_for_ms && opt.lock.until)
		opt_usage_error("--lock-for and --lock-until contradict each other");
	opt.locking = opt.lock.mode[0] || opt.lock.hold;
	if (opt.bwlimit)
		opt.rate = s3_bwlimit_parse(&opt.s3, opt.bwlimit, opt.part_size, "part");
	if (opt.sse && strcmp(opt.sse, "AES256") != 0 && strcmp(opt.sse, "aws:kms") != 0)
		opt_usage_error("--sse must be AES256 or aws:kms");
	if (opt.sse_kms && (!opt.sse || strcmp(opt.sse, "aws:kms") != 0))
		opt_usage_error("--sse-kms-key-id needs --sse aws:kms");
	if (opt.sse_c_file && opt.sse)
		opt_usage_error("--sse-c-key-file and --sse contradict each other");
	if (opt.sse_c_file) {
		s3_ssec_load(&opt.ssec, opt.sse_c_file);
		opt.nssec = 3;
	}
	for (size_t i = 0; i < opt.nmeta; i++) {
		const char *m = opt.meta[i], *eq = strchr(m, '=');

		if (!eq || eq == m)
			opt_usage_error("--metadata '%s' is not KEY=VALUE", m);
		for (const char *p = m; p < eq; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_'))
				opt_usage_error("--metadata key '%.*s' may hold only letters, digits, - and _",
				    (int)(eq - m), m);
		for (const char *p = eq + 1; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				opt_usage_error("--metadata value for '%.*s' must be printable ASCII", (int)(eq - m), m);
	}
}

/* Headers that describe the object, for the single PUT or the Create. */
static size_t
object_headers(const char **h, char (*store)[600], const char *sha_hex)
{
	size_t n = 0;

	if (opt.content_type) {
		snprintf(store[n], 600, "Content-Type: %s", opt.content_type);
		h[n] = store[n];
		n++;
	}
	if (opt.storage_class) {
		snprintf(store[n], 600, "x-amz-storage-class: %s", opt.storage_class);
		h[n] = store[n];
		n++;
	}
	if (opt.sse) {
		snprintf(store[n], 600, "x-amz-server-side-encryption: %s", opt.sse);
		h[n] = store[n];
		n++;
	}
	if (opt.sse_kms) {
		snprintf(store[n], 600, "x-amz-server-side-encryption-aws-kms-key-id: %s", opt.sse_kms);
		h[n] = store[n];
		n++;
	}
	for (size_t i = 0; i < opt.nmeta; i++) {
		const char *eq = strchr(opt.meta[i], '=');

		snprintf(store[n], 600, "x-amz-meta-%.*s: %s", (int)(eq - opt.meta[i]), opt.meta[i], eq + 1);
		h[n] = store[n];
		n++;
	}
	if (sha_hex) {
		snprintf(store[n], 600, "x-amz-meta-sha256: %s", sha_hex);
		h[n] = store[n];
		n++;
	}
	for (size_t i = 0; i < opt.nssec; i++)
		h[n++] = opt.ssec.h[i];
	return n + s3_lock_headers(&opt.lock, h + n, store + n);
}

/* A store that returns MD5 ETags must return ours. Under SSE-C the ETag
 * is not the data's MD5 (S3 says so), and is not compared. */
static int
etag_matches(const char *etag, const char *md5hex)
{
	char e[72];

	if (opt.nssec)
		return 1;
	s3_etag_plain(e, sizeof e, etag);
	if (strlen(e) != 32 || strspn(e, "0123456789abcdef") != 32)
		return 1; /* not an MD5 ETag (SSE-KMS, some stores): nothing to compare */
	return strcmp(e, md5hex) == 0;
}

/* --checksum: "x-amz-checksum-ALG: <base64>" of a SHA-256 or a CRC-32C. */
static void
checksum_header(char *out, size_t cap, const unsigned char sha[32], uint32_t crc)
{
	char b64[BASE64_LEN(32)];
	unsigned char be[4] = { crc >> 24, crc >> 16, crc >> 8, crc };

	if (opt.checksum == CK_SHA256)
		base64_encode(b64, sha, 32);
	else
		base64_encode(b64, be, 4);
	snprintf(out, cap, "x-amz-checksum-%s: %s", opt.checksum == CK_SHA256 ? "sha256" : "crc32c", b64);
}

/* Uploads the part in slot sl; a failure stops the upload. */
static void
upload_part(struct upload *u, struct s3_conn *c, struct slot *sl, struct s3_result *res)
{
	char md5h[33], mdhdr[S3_MD5_HDR], sha[65], q[sizeof u->qid + 32];
	char ckhdr[100];
	const char *h[5] = { mdhdr, opt.ssec.h[0], opt.ssec.h[1], opt.ssec.h[2], ckhdr };
	unsigned char d[32];
	int unsig = s3_unsigned_payload(&u->s3);
	uint32_t crc = 0;

	if (sl->hashed) {
		s3_md5_header(sl->md5, mdhdr, md5h);
		memcpy(d, sl->sha, 32);
	} else {
		s3_content_md5(sl->buf, sl->len, mdhdr, md5h);
		if (!unsig || opt.checksum == CK_SHA256)
			sha256_buf(sl->buf, sl->len, d);
	}
	if (opt.checksum == CK_CRC32C)
		crc = crc32c_update(0, sl->buf, sl->len);
	if (opt.checksum) {
		checksum_header(ckhdr, sizeof ckhdr, d, crc);
		/* The part's place in h: after the SSE-C headers, when any. */
		h[1 + opt.nssec] = ckhdr;
	}
	snprintf(q, sizeof q, "partNumber=%u&%s", sl->num, u->qid);
	if (!unsig)
		hex_encode(sha, d, 32);
	/* No payload hash given: lib/s3 signs UNSIGNED-PAYLOAD. An ETag that is
	 * not the part's MD5 means the store received other bytes (damaged on
	 * the way, by a store that checks neither Content-MD5 nor the
	 * checksums): the part is sent again, replacing them. */
	for (unsigned attempt = 0;; attempt++) {
		int rc = s3_request(c, &(struct s3_req){ .method = "PUT", .key = opt.url.key, .query = q, .headers = h,
		    .nheaders = 1 + opt.nssec + (opt.checksum ? 1 : 0), .body = sl->buf, .len = sl->len,
		    .payload_hash = unsig ? NULL : sha }, res);

		if (rc < 0 || etag_matches(res->etag, md5h) || attempt >= u->s3.retries || sig_caught())
			break;
		log_warn("upload part %u of s3://%s/%s: the store's ETag %s is not the part's MD5 (%s): it received "
		    "other bytes; sending the part again", sl->num, opt.url.bucket, opt.url.key, res->etag, md5h);
	}
	if (res->status < 200 || res->status > 299) {
		char what[64];

		snprintf(what, sizeof what, "upload part %u of", sl->num);
		fail_request(u, s3_exit_code(res), what, res);
	} else if (!etag_matches(res->etag, md5h)) {
		fail(u, EX_TEMPFAIL, "upload part %u of s3://%s/%s: the store's ETag %s is not the part's MD5 (%s) "
		    "after %u tries: it keeps receiving other bytes", sl->num, opt.url.bucket, opt.url.key, res->etag,
		    md5h, u->s3.retries + 1);
	} else if (strlen(res->etag) >= sizeof u->etags[0] || !res->etag[0]) {
		fail(u, EX_DATAERR, "upload part %u of s3://%s/%s: the server's answer has no usable ETag",
		    sl->num, opt.url.bucket, opt.url.key);
	} else {
		strcpy(u->etags[sl->num - 1], res->etag);
		hex_decode(u->md5s[sl->num - 1], 16, md5h, 32);
		if (opt.checksum) {
			memcpy(u->shas[sl->num - 1], d, 32);
			u->crcs[sl->num - 1] = crc;
			u->lens[sl->num - 1] = sl->len;
		}
	}
}

static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct upload *u = w->u;
	struct s3_result *res = xmalloc(sizeof *res);

	/* A signal ends the request in flight within 100 ms (lib/deadline),
	 * not at its --timeout: Kubernetes kills the pod 30 s after SIGTERM,
	 * and the upload must be aborted before that. */
	sig_cancel_thread();
	for (;;) {
		struct slot *sl;

		pthread_mutex_lock(&u->mu);
		while (!u->qlen && !u->eof && !u->stop)
			pthread_cond_wait(&u->cv, &u->mu);
		if (u->stop || !u->qlen) {
			pthread_mutex_unlock(&u->mu);
			break;
		}
		sl = &u->slots[u->queue[u->qhead]];
		u->qhead = (u->qhead + 1) % u->nslots;
		u->qlen--;
		pthread_mutex_unlock(&u->mu);

		upload_part(u, &w->conn, sl, res);
		pthread_mutex_lock(&u->mu);
		sl->num = 0;
		pthread_cond_broadcast(&u->cv);
		pthread_mutex_unlock(&u->mu);
	}
	free(res);
	return NULL;
}

static int
trailer_sink(void *arg, const void *buf, size_t n)
{
	struct upload *u = arg;

	trailer_feed(&u->tr, buf, n);
	return 0;
}

/* The input's own checks see the plaintext, before it is encrypted. */
static void
plain_feed(void *arg, const unsigned char *buf, size_t n)
{
	struct upload *u = arg;

	if (u->nhead < sizeof u->head) {
		size_t take = sizeof u->head - u->nhead < n ? sizeof u->head - u->nhead : n;

		memcpy(u->head + u->nhead, buf, take);
		u->nhead += take;
	}
	if (opt.verify_gzip)
		gz_reader_feed(&u->gz, buf, n); /* the verdict is read at the end */
	else if (opt.require_trailer)
		trailer_feed(&u->tr, buf, n);
}

/* And the object's, the bytes stored. */
static void
check_feed(struct upload *u, const unsigned char *buf, size_t n)
{
	if (!u->onepass)
		sha256_update(&u->sha, buf, n);
	u->bytes += n;
	if (!opt.recipients.n)
		plain_feed(u, buf, n);
}

/* The verdict on the whole stream: 0, or the exit code with a message. */
static int
check_finish(struct upload *u, char *msg, size_t cap)
{
	if (opt.verify_gzip && gz_reader_finish(&u->gz) != GZ_OK) {
		if (age_sniff(u->head, u->nhead)) {
			snprintf(msg, cap, "input is encrypted with age, so it cannot be checked as gzip; give s3put the "
			    "plaintext and --recipient, which checks it before encrypting");
			return EX_NEGATIVE;
		}
		snprintf(msg, cap, "input is not a valid gzip stream: %s%s", u->gz.err,
		    u->gz.status == GZ_TRUNCATED ? " (truncated)" : "");
		return EX_NEGATIVE;
	}
	if (opt.require_trailer) {
		uint64_t claimed = 0;
		enum trailer_status ts = trailer_check(&u->tr, &claimed);

		if (ts == TRAILER_MISSING) {
			snprintf(msg, cap, "input does not end with pgdump-stream's completion trailer");
			return EX_NEGATIVE;
		}
		if (ts == TRAILER_WRONG_SIZE) {
			snprintf(msg, cap, "input's trailer claims %llu bytes before it, but the dump is %llu",
			    (unsigned long long)claimed, (unsigned long long)(u->tr.total - u->tr.n));
			return EX_NEGATIVE;
		}
	}
	return 0;
}

/* The whole object's SHA-256 in hex, once every byte has been fed. */
static void
check_sha_hex(struct upload *u, char hex[65])
{
	unsigned char d[32];

	sha256_final(&u->sha, d);
	hex_encode(hex, d, 32);
}

static void
print_result(uint64_t bytes, const char *sha, const char *etag, const char *whole_ck)
{
	char e[128];

	s3_etag_plain(e, sizeof e, etag);
	if (opt.json) {
		char k[S3_KEY_MAX * 6 + 1], b[S3_BUCKET_MAX * 6 + 1], lk[300] = "", until[32];

		log_json_escape(k, 0, sizeof k, opt.url.key);
		log_json_escape(b, 0, sizeof b, opt.url.bucket);
		if (opt.checksum)
			snprintf(lk, sizeof lk, ",\"checksum_%s\":\"%s\"", opt.checksum == CK_SHA256 ? "sha256" : "crc32c",
			    whole_ck);
		if (opt.lock.mode[0]) {
			nametime_format(until, sizeof until, opt.lock.until);
			snprintf(lk + strlen(lk), sizeof lk - strlen(lk), ",\"lock_mode\":\"%s\",\"retain_until\":\"%s\"",
			    opt.lock.mode, until);
		}
		if (opt.lock.hold)
			snprintf(lk + strlen(lk), sizeof lk - strlen(lk), ",\"legal_hold\":true");
		printf("{\"bucket\":\"%s\",\"key\":\"%s\",\"bytes\":%llu,\"sha256\":\"%s\",\"etag\":\"%s\"%s}\n",
		    b, k, (unsigned long long)bytes, sha, e, lk);
	} else {
		printf("s3://%s/%s %llu %s %s\n", opt.url.bucket, opt.url.key, (unsigned long long)bytes, sha, e);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die_errno(EX_IOERR, "write to stdout");
}

/* Hashing is most of an upload's CPU. With the SHA extensions, the reader
 * hashes each part it has read in one pass for all three hashes (the
 * part's MD5 and SHA-256, and the whole object's SHA-256, lib/hash_part.c),
 * in about the time MD5 alone takes; that needs every part but the last to
 * be a multiple of 64 bytes. Otherwise the whole object's hash is fed as
 * the bytes arrive and the workers hash their own parts, in parallel. */
static void
part_hash(struct upload *u, struct slot *sl)
{
	sl->hashed = u->onepass;
	if (u->onepass)
		hash_part(&u->sha, sl->buf, sl->len, sl->md5, sl->sha);
}

/* Reads one part into sl: 1 full, 0 the input ended (sl->len may be 0),
 * -1 a read error (errno). */
static int
read_part(struct upload *u, struct slot *sl)
{
	if (!sl->buf)
		sl->buf = xmalloc(opt.part_size);
	sl->len = 0;
	while (sl->len < opt.part_size) {
		ssize_t r = opt.recipients.n ? age_reader_read(&u->age, sl->buf + sl->len, opt.part_size - sl->len)
		    : io_read(u->fd, sl->buf + sl->len, opt.part_size - sl->len);

		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		check_feed(u, sl->buf + sl->len, (size_t)r);
		sl->len += (size_t)r;
		progress_update(&u->pr, u->bytes);
	}
	return 1;
}

static void
abort_upload(struct upload *u)
{
	struct s3_result *res = xmalloc(sizeof *res);
	char t[700];

	/* Once, with the connection's own retries off: on the way out after a
	 * signal, a slow store must not keep the job alive. */
	if (s3_request(&u->conn, &(struct s3_req){ .method = "DELETE", .key = opt.url.key, .query = u->qid,
	    .flags = S3_NO_RETRY }, res) < 0)
		log_warn("abort multipart upload %s of s3://%s/%s: %s (the store keeps its parts until a lifecycle rule removes them)",
		    u->upload_id, opt.url.bucket, opt.url.key, s3_result_text(res, t, sizeof t));
	free(res);
}

/* --if-none-match: a HEAD first, so that nothing is read in vain. */
static int
refuse_existing(struct upload *u)
{
	struct s3_result *res = xmalloc(sizeof *res);

	if (s3_request(&u->conn, &(struct s3_req){ .method = "HEAD", .key = opt.url.key, .headers = opt.ssec.h,
	    .nheaders = opt.nssec }, res) == 0)
		fail(u, EX_CANTCREAT, "s3://%s/%s exists and --if-none-match is given", opt.url.bucket, opt.url.key);
	else if (res->status != 404)
		fail_request(u, s3_exit_code(res), "HEAD", res);
	free(res);
	return u->err_ex ? -1 : 0;
}

/* --lock-*: a bucket without Object Lock is refused before anything is
 * read, since some stores (Ceph RGW) accept a multipart upload's lock
 * headers there and store the object unlocked. A role that may not read
 * the bucket's configuration goes on: the store's answer to the upload,
 * and the check of the stored object after it, decide. */
static int
lock_precheck(struct upload *u)
{
	struct s3_result *res = xmalloc(sizeof *res);
	char t[700];
	int cfg = s3_lock_bucket(&u->conn, res);

	if (cfg == 0)
		fail(u, EX_CONFIG, "bucket %s has no Object Lock configuration, so --lock-mode and --legal-hold "
		    "cannot apply (a bucket gets Object Lock when it is created); nothing was read or stored",
		    opt.url.bucket);
	else if (cfg < 0 && res->status == 0)
		fail(u, EX_UNAVAILABLE, "read the Object Lock configuration of bucket %s: %s", opt.url.bucket,
		    s3_result_text(res, t, sizeof t));
	else if (cfg < 0)
		log_msg(LOG_INFO, "cannot read the Object Lock configuration of bucket %s (%s); the upload will tell",
		    opt.url.bucket, s3_result_text(res, t, sizeof t));
	free(res);
	return u->err_ex ? -1 : 0;
}

/* After the upload: the object must carry the lock asked for. A store
 * that stored it without (Ceph RGW 16, Debian bookworm's, ignores the lock
 * headers of CreateMultipartUpload) gets PutObjectRetention and PutObjectLegalHold on
 * the version just written; what HEAD then says is what counts. The
 * object stays either way: deleting a complete backup because its lock is
 * missing would lose it. */
static int
lock_confirm(struct upload *u)
{
	struct s3_result *res = xmalloc(sizeof *res);
	struct s3_lock got, want = opt.lock;
	char t[700], a[128], b[128];

	for (int round = 0; round < 2 && !u->err_ex; round++) {
		if (s3_lock_head(&u->conn, opt.url.key, opt.ssec.h, opt.nssec, &got, res) < 0) {
			fail(u, s3_exit_code(res), "HEAD s3://%s/%s to confirm its Object Lock: %s; the object is "
			    "stored, its lock unconfirmed", opt.url.bucket, opt.url.key, s3_result_text(res, t, sizeof t));
			break;
		}
		/* Only what was asked for is compared: a bucket's default
		 * retention may add a mode to a --legal-hold upload. */
		if ((!want.mode[0] || (strcmp(got.mode, want.mode) == 0 && got.until == want.until)) &&
		    (!want.hold || got.hold))
			break;
		if (round == 1) {
			fail(u, EX_CONFIG, "s3://%s/%s is stored, but the store did not lock it: asked for %s, it has %s",
			    opt.url.bucket, opt.url.key, s3_lock_text(&want, a, sizeof a), s3_lock_text(&got, b, sizeof b));
			break;
		}
		snprintf(want.version, sizeof want.version, "%s", got.version);
		if (s3_lock_apply(&u->conn, opt.url.key, &want, res) < 0)
			fail(u, s3_exit_code(res) == EX_DATAERR ? EX_CONFIG : s3_exit_code(res), "s3://%s/%s is stored, "
			    "but the store did not lock it and setting %s failed: %s", opt.url.bucket, opt.url.key,
			    s3_lock_text(&want, a, sizeof a), s3_result_text(res, t, sizeof t));
	}
	free(res);
	return u->err_ex ? -1 : 0;
}

static int
put_exit(const struct s3_result *res)
{
	if (res->status == 412)
		return EX_CANTCREAT;
	if (strcmp(res->code, "NoSuchBucket") == 0)
		return EX_CANTCREAT;
	return s3_exit_code(res);
}

/* The object a single PUT left damaged goes: nothing must look complete. */
static void
remove_damaged(struct upload *u)
{
	struct s3_result *res = xmalloc(sizeof *res);
	char t[700];

	if (s3_request(&u->conn, &(struct s3_req){ .method = "DELETE", .key = opt.url.key, .flags = S3_NO_RETRY },
	    res) < 0)
		log_warn("delete the damaged s3://%s/%s: %s; remove it by hand", opt.url.bucket, opt.url.key,
		    s3_result_text(res, t, sizeof t));
	free(res);
}

/* The whole input in one part: one PUT. */
static int
single_put(struct upload *u, const struct slot *sl)
{
	struct s3_result *res = xmalloc(sizeof *res);
	const char *h[MAX_META + 15];
	char store[MAX_META + 15][600], md5h[33], sha_hex[65];
	size_t n;

	check_sha_hex(u, sha_hex);
	n = object_headers(h, store, sha_hex);
	if (sl->hashed)
		s3_md5_header(sl->md5, store[n], md5h);
	else
		s3_content_md5(sl->buf, sl->len, store[n], md5h);
	h[n] = store[n];
	n++;
	if (opt.checksum) {
		unsigned char d[32];

		hex_decode(d, 32, sha_hex, 64);
		checksum_header(store[n], 600, d, opt.checksum == CK_CRC32C ? crc32c_update(0, sl->buf, sl->len) : 0);
		snprintf(u->whole_ck, sizeof u->whole_ck, "%s", strchr(store[n], ' ') + 1);
		h[n] = store[n];
		n++;
	}
	if (opt.if_none_match)
		h[n++] = "If-None-Match: *";
	/* The object is this one part: its payload hash is the object's. A
	 * store that stored other bytes (its ETag is not their MD5) has a
	 * damaged object under KEY: it is deleted, and the PUT sent again. */
	for (unsigned attempt = 0;; attempt++) {
		if (s3_request(&u->conn, &(struct s3_req){ .method = "PUT", .key = opt.url.key, .headers = h,
		    .nheaders = n, .body = sl->buf, .len = sl->len,
		    .payload_hash = s3_unsigned_payload(&u->s3) ? NULL : sha_hex }, res) < 0 ||
		    etag_matches(res->etag, md5h))
			break;
		remove_damaged(u);
		if (attempt >= u->s3.retries || sig_caught())
			break;
		log_warn("PUT s3://%s/%s: the store's ETag %s is not the MD5 of the data (%s): it received other bytes; "
		    "sending it again", opt.url.bucket, opt.url.key, res->etag, md5h);
	}
	if (res->status < 200 || res->status > 299)
		fail_request(u, put_exit(res), "PUT", res);
	else if (!etag_matches(res->etag, md5h))
		fail(u, EX_TEMPFAIL, "PUT s3://%s/%s: the store's ETag %s is not the MD5 of the data (%s) after %u "
		    "tries: it keeps receiving other bytes; the damaged object was deleted", opt.url.bucket,
		    opt.url.key, res->etag, md5h, u->s3.retries + 1);
	else if (!opt.locking || lock_confirm(u) == 0)
		print_result(sl->len, sha_hex, res->etag, u->whole_ck);
	free(res);
	return u->err_ex ? -1 : 0;
}

/* A multipart object's checksum cannot be metadata (that is fixed when the
 * upload starts), so it becomes the tag sha256. Stores without tagging
 * (Cloudflare R2) get a warning; the upload itself has succeeded. */
static void
tag_sha256(struct upload *u, const char *sha_hex)
{
	struct s3_result *res = xmalloc(sizeof *res);
	char xml[256], md5h[33], hdr[S3_MD5_HDR], t[700];
	const char *h[1] = { hdr };
	int n = snprintf(xml, sizeof xml,
	    "<Tagging><TagSet><Tag><Key>sha256</Key><Value>%s</Value></Tag></TagSet></Tagging>", sha_hex);

	s3_content_md5(xml, (size_t)n, hdr, md5h);
	if (s3_request(&u->conn, &(struct s3_req){ .method = "PUT", .key = opt.url.key, .query = "tagging",
	    .headers = h, .nheaders = 1, .body = xml, .len = (size_t)n }, res) < 0)
		log_warn("tag s3://%s/%s with its sha256: %s", opt.url.bucket, opt.url.key,
		    s3_result_text(res, t, sizeof t));
	free(res);
}

/* CreateMultipartUpload: the upload's id, and the query every part sends. */
static int
multipart_create(struct upload *u)
{
	struct s3_result *res = xmalloc(sizeof *res);
	const char *h[MAX_META + 15];
	char store[MAX_META + 15][600];
	unsigned char *body = xmalloc(65536);
	size_t n = object_headers(h, store, NULL), pos = 0;

	/* S3 checks each part's checksum, and the whole's: SHA-256 only as
	 * a checksum of the parts' checksums, CRC-32C as the CRC of every
	 * byte (FULL_OBJECT), which s3cat --verify can check. */
	if (opt.checksum == CK_SHA256)
		h[n++] = "x-amz-checksum-algorithm: SHA256";
	if (opt.checksum == CK_CRC32C) {
		h[n++] = "x-amz-checksum-algorithm: CRC32C";
		h[n++] = "x-amz-checksum-type: FULL_OBJECT";
	}
	if (s3_request(&u->conn, &(struct s3_req){ .method = "POST", .key = opt.url.key, .query = "uploads",
	    .headers = h, .nheaders = n, .rbuf = body, .rcap = 65536 }, res) < 0) {
		fail_request(u, put_exit(res), "create multipart upload", res);
	} else if (xml_next((char *)body, res->bodylen, &pos, "UploadId", u->upload_id, sizeof u->upload_id) != 1) {
		fail(u, EX_DATAERR, "create multipart upload s3://%s/%s: the answer holds no UploadId",
		    opt.url.bucket, opt.url.key);
	} else {
		memcpy(u->qid, "uploadId=", 9);
		s3_query_encode(u->qid + 9, sizeof u->qid - 9, u->upload_id);
	}
	free(body);
	free(res);
	return u->err_ex ? -1 : 0;
}

/* The reader: hands the npre parts read before (in slots 0 to npre - 1)
 * over, then reads the rest into free slots, until the input ends,
 * something fails or a signal. */
static void
multipart_read(struct upload *u, unsigned npre, int more)
{
	/* The parts read before the upload began, all full but the last. */
	pthread_mutex_lock(&u->mu);
	for (unsigned i = 0; i + 1 < npre; i++) {
		u->slots[i].num = ++u->nparts;
		u->queue[(u->qhead + u->qlen) % u->nslots] = i;
		u->qlen++;
	}
	pthread_mutex_unlock(&u->mu);
	for (unsigned si = npre - 1;;) {
		pthread_mutex_lock(&u->mu);
		u->slots[si].num = ++u->nparts;
		u->queue[(u->qhead + u->qlen) % u->nslots] = si;
		u->qlen++;
		pthread_cond_broadcast(&u->cv);
		if (!more) {
			u->eof = 1;
			pthread_mutex_unlock(&u->mu);
			return;
		}
		/* A free slot: none is free while all are queued or in flight. */
		for (;;) {
			for (si = 0; si < u->nslots && u->slots[si].num; si++)
				;
			if (si < u->nslots || u->stop || sig_caught())
				break;
			pool_cond_slice(&u->cv, &u->mu); /* signals: see pool.h */
		}
		pthread_mutex_unlock(&u->mu);
		if (u->stop || sig_caught())
			return;
		more = read_part(u, &u->slots[si]);
		if (more < 0) {
			if (!sig_caught())
				fail(u, EX_IOERR, "read %s: %s", io_name(opt.file), strerror(errno));
			return;
		}
		if (u->slots[si].len == 0) {
			/* The input ended exactly on a part boundary. */
			pthread_mutex_lock(&u->mu);
			u->eof = 1;
			pthread_cond_broadcast(&u->cv);
			pthread_mutex_unlock(&u->mu);
			return;
		}
		part_hash(u, &u->slots[si]);
		if (u->nparts == opt.max_parts) {
			fail(u, EX_DATAERR, "%s is larger than %u parts of %llu bytes; use --expected-size or a larger --part-size",
			    io_name(opt.file), opt.max_parts, (unsigned long long)opt.part_size);
			return;
		}
	}
}

/* The ETag S3 gives a multipart object: the MD5 of the parts' MD5s, a
 * dash and the number of parts. */
static void
multipart_etag(const struct upload *u, char out[48])
{
	struct md5 h;
	unsigned char d[16];

	md5_init(&h);
	for (unsigned i = 0; i < u->nparts; i++)
		md5_update(&h, u->md5s[i], 16);
	md5_final(&h, d);
	hex_encode(out, d, 16);
	snprintf(out + 32, 16, "-%u", u->nparts);
}

/* Is the object under KEY the one this upload made? After a Complete whose
 * answer proves nothing, HEAD decides: 1 it is there with every byte sent
 * and, when the store gives S3's multipart ETags, this upload's ETag (its
 * ETag into etag); 0 nothing is there; -1 it cannot tell (why says so). */
static int
complete_confirm(struct upload *u, char *etag, size_t etagcap, char *why, size_t whycap)
{
	struct s3_result *res = xmalloc(sizeof *res);
	const char *cl;
	char mine[48], theirs[128], t[700];
	int r = -1;

	multipart_etag(u, mine);
	if (s3_request(&u->conn, &(struct s3_req){ .method = "HEAD", .key = opt.url.key, .headers = opt.ssec.h,
	    .nheaders = opt.nssec }, res) < 0) {
		if (res->status == 404)
			r = 0;
		else
			snprintf(why, whycap, "HEAD cannot confirm it: %s", s3_result_text(res, t, sizeof t));
	} else if (!(cl = http_header(&res->resp, "Content-Length")) || strtoull(cl, NULL, 10) != u->bytes) {
		snprintf(why, whycap, "the object there has %s bytes, not the %llu sent", cl ? cl : "no",
		    (unsigned long long)u->bytes);
	} else if (s3_etag_plain(theirs, sizeof theirs, res->etag), !opt.nssec && strchr(theirs, '-') &&
	    strcmp(theirs, mine) != 0) {
		snprintf(why, whycap, "the object there has the ETag %s, not this upload's %s", theirs, mine);
	} else {
		snprintf(etag, etagcap, "%s", res->etag[0] ? res->etag : mine);
		r = 1;
	}
	free(res);
	return r;
}

/* CompleteMultipartUpload with every part's ETag; the object's ETag. A
 * 200 without a CompleteMultipartUploadResult (an empty or cut body, a
 * proxy's page), and a failure after the request was retried (the first
 * try may have completed the upload, and the store forgets it: 404
 * NoSuchUpload or a 500), prove nothing either way: HEAD decides. An empty
 * ETag in the result (Ceph RGW) is replaced by the one computed from the
 * parts. */
static int
multipart_complete(struct upload *u, char *etag, size_t etagcap)
{
	struct s3_result *res = xmalloc(sizeof *res);
	size_t cap = (size_t)u->nparts * 300 + 128, bl = 0, pos = 0, rs, rl, nh = 0;
	char *xml = xmalloc(cap), why[600] = "", t[700], full[100];
	unsigned char *body = xmalloc(65536);
	const char *h[3];
	int c;

	if (opt.if_none_match)
		h[nh++] = "If-None-Match: *";
	bl += (size_t)snprintf(xml + bl, cap - bl, "<CompleteMultipartUpload>");
	for (unsigned i = 0; i < u->nparts; i++) {
		char ck[100];

		bl += (size_t)snprintf(xml + bl, cap - bl, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag>", i + 1,
		    u->etags[i]);
		if (opt.checksum) {
			const char *alg = opt.checksum == CK_SHA256 ? "SHA256" : "CRC32C";

			checksum_header(ck, sizeof ck, u->shas[i], u->crcs[i]);
			bl += (size_t)snprintf(xml + bl, cap - bl, "<Checksum%s>%s</Checksum%s>", alg,
			    strchr(ck, ' ') + 1, alg);
		}
		bl += (size_t)snprintf(xml + bl, cap - bl, "</Part>");
	}
	bl += (size_t)snprintf(xml + bl, cap - bl, "</CompleteMultipartUpload>");
	if (opt.checksum == CK_SHA256) {
		/* What S3 reports for the whole: the SHA-256 of the parts'
		 * SHA-256s, a dash and the number of parts. */
		struct sha256 cs;
		unsigned char d[32];
		char b64[BASE64_LEN(32)];

		sha256_init(&cs);
		for (unsigned i = 0; i < u->nparts; i++)
			sha256_update(&cs, u->shas[i], 32);
		sha256_final(&cs, d);
		base64_encode(b64, d, 32);
		snprintf(u->whole_ck, sizeof u->whole_ck, "%s-%u", b64, u->nparts);
	}
	if (opt.checksum == CK_CRC32C) {
		uint32_t crc = 0;

		for (unsigned i = 0; i < u->nparts; i++)
			crc = crc32c_combine(crc, u->crcs[i], u->lens[i]);
		checksum_header(full, sizeof full, NULL, crc);
		snprintf(u->whole_ck, sizeof u->whole_ck, "%s", strchr(full, ' ') + 1);
		h[nh++] = full;
		h[nh++] = "x-amz-checksum-type: FULL_OBJECT";
	}
	if (s3_request(&u->conn, &(struct s3_req){ .method = "POST", .key = opt.url.key, .query = u->qid,
	    .headers = h, .nheaders = nh, .body = xml, .len = bl, .flags = S3_ERROR_IN_200,
	    .rbuf = body, .rcap = 65536 }, res) < 0) {
		if (res->attempts < 2 || sig_caught() || (c = complete_confirm(u, etag, etagcap, why, sizeof why)) == 0)
			fail_request(u, put_exit(res), "complete multipart upload", res);
		else if (c < 0)
			fail(u, EX_TEMPFAIL, "complete multipart upload s3://%s/%s failed after %u tries (%s), and the "
			    "first may have completed it: %s", opt.url.bucket, opt.url.key, res->attempts,
			    s3_result_text(res, t, sizeof t), why);
		else
			log_warn("complete multipart upload s3://%s/%s failed after %u tries (%s), but HEAD finds the "
			    "object with all %llu bytes and this upload's ETag: an earlier try completed it",
			    opt.url.bucket, opt.url.key, res->attempts, s3_result_text(res, t, sizeof t),
			    (unsigned long long)u->bytes);
	} else if (xml_span((char *)body, res->bodylen, &pos, "CompleteMultipartUploadResult", &rs, &rl) != 1) {
		if ((c = complete_confirm(u, etag, etagcap, why, sizeof why)) == 0)
			fail(u, EX_TEMPFAIL, "complete multipart upload s3://%s/%s: the store answered 200 without a "
			    "result and the object is not there", opt.url.bucket, opt.url.key);
		else if (c < 0)
			fail(u, EX_TEMPFAIL, "complete multipart upload s3://%s/%s: the store answered 200 without a "
			    "result, and %s", opt.url.bucket, opt.url.key, why);
		else
			log_warn("complete multipart upload s3://%s/%s: the store answered 200 without a result; HEAD "
			    "finds the object with all %llu bytes", opt.url.bucket, opt.url.key,
			    (unsigned long long)u->bytes);
	} else if (pos = 0, xml_next((char *)body, res->bodylen, &pos, "ETag", etag, etagcap) != 1 || !etag[0] ||
	    strcmp(etag, "\"\"") == 0) {
		snprintf(etag, etagcap, "%s", res->etag);
	}
	if (!u->err_ex && (!etag[0] || strcmp(etag, "\"\"") == 0))
		multipart_etag(u, etag);
	free(xml);
	free(body);
	free(res);
	return u->err_ex ? -1 : 0;
}

/* Everything after the first part: create, upload in parallel while
 * reading, then complete, or abort on any failure or signal. */
static void
multipart(struct upload *u, unsigned npre, int more)
{
	struct worker *w;
	pthread_attr_t attr;
	char msg[600], etag[128], sha_hex[65];
	int ex;

	if (multipart_create(u) < 0)
		return;
	u->etags = xcalloc(opt.max_parts, sizeof *u->etags);
	u->md5s = xcalloc(opt.max_parts, sizeof *u->md5s);
	if (opt.checksum) {
		u->shas = xcalloc(opt.max_parts, sizeof *u->shas);
		u->crcs = xcalloc(opt.max_parts, sizeof *u->crcs);
		u->lens = xcalloc(opt.max_parts, sizeof *u->lens);
	}
	w = xcalloc(opt.concurrency, sizeof *w);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1u << 20);
	for (unsigned i = 0; i < opt.concurrency; i++) {
		w[i].u = u;
		s3_conn_init(&w[i].conn, &u->s3, opt.url.bucket);
		if (pthread_create(&w[i].tid, &attr, worker, &w[i]) != 0)
			die(EX_SOFTWARE, "cannot start upload threads");
	}
	pthread_attr_destroy(&attr);
	multipart_read(u, npre, more);
	if (sig_caught() || u->stop) {
		pthread_mutex_lock(&u->mu);
		u->stop = 1;
		pthread_cond_broadcast(&u->cv);
		pthread_mutex_unlock(&u->mu);
	}
	/* Wait for the workers: after a stop, only for the requests in flight,
	 * which end by their deadline. */
	for (unsigned i = 0; i < opt.concurrency; i++) {
		pthread_join(w[i].tid, NULL);
		s3_conn_close(&w[i].conn);
	}
	free(w);
	progress_end(&u->pr, u->bytes);
	if (!u->err_ex && !sig_caught() && (ex = check_finish(u, msg, sizeof msg)) != 0)
		fail(u, ex, "%s: %s; upload aborted, nothing stored under s3://%s/%s", io_name(opt.file), msg,
		    opt.url.bucket, opt.url.key);
	if (u->err_ex || sig_caught() || multipart_complete(u, etag, sizeof etag) < 0) {
		abort_upload(u);
		return;
	}
	check_sha_hex(u, sha_hex);
	tag_sha256(u, sha_hex);
	if (!opt.locking || lock_confirm(u) == 0)
		print_result(u->bytes, sha_hex, etag, u->whole_ck);
}

static struct upload *
upload_new(int fd)
{
	struct upload *u = xcalloc(1, sizeof *u);
	struct stat st;

	u->fd = fd;
	pthread_mutex_init(&u->mu, NULL);
	pool_cond_init(&u->cv);
	s3_setup(&u->s3, &opt.s3);
	if (opt.rate) {
		rate_init(&opt.limit, opt.rate);
		u->s3.rate = &opt.limit;
	}
	s3_conn_init(&u->conn, &u->s3, opt.url.bucket);
	if (opt.lock_for_ms)
		opt.lock.until = s3_now(&u->s3) + (int64_t)(opt.lock_for_ms / 1000);
	sha256_init(&u->sha);
	u->onepass = sha256_accelerated() && opt.part_size % 64 == 0;
	if (opt.verify_gzip)
		gz_reader_init(&u->gz, 1, 0, opt.require_trailer ? trailer_sink : NULL, u);
	trailer_init(&u->tr);
	if (opt.recipients.n) {
		age_enc_x25519(&u->enc, &opt.recipients);
		age_reader_init(&u->age, fd, &u->enc, plain_feed, u);
	}
	progress_init(&u->pr, opt.url.key, fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0,
	    opt.progress);
	u->nslots = opt.concurrency + 1;
	u->slots = xcalloc(u->nslots, sizeof *u->slots);
	u->queue = xcalloc(u->nslots, sizeof *u->queue);
	return u;
}

static void
upload_free(struct upload *u)
{
	s3_conn_close(&u->conn);
	if (opt.verify_gzip)
		gz_reader_free(&u->gz);
	for (unsigned i = 0; i < u->nslots; i++)
		free(u->slots[i].buf);
	free(u->slots);
	free(u->queue);
	free(u->etags);
	free(u->md5s);
	free(u->shas);
	free(u->crcs);
	free(u->lens);
	pthread_mutex_destroy(&u->mu);
	pthread_cond_destroy(&u->cv);
	s3_free(&u->s3);
	s3_ssec_wipe(&opt.ssec);
	if (opt.recipients.n) {
		age_reader_free(&u->age);
		age_enc_free(&u->enc);
	}
	if (opt.rate)
		rate_free(&opt.limit);
	free(u);
}

/* The upload: the first part decides between a single PUT and multipart. */
static void
upload_run(struct upload *u)
{
	char msg[600];
	int more, ex;

	if (opt.if_none_match && refuse_existing(u) < 0)
		return;
	if (opt.locking && lock_precheck(u) < 0)
		return;
	more = read_part(u, &u->slots[0]);
	if (more < 0) {
		if (!sig_caught())
			fail(u, EX_IOERR, "read %s: %s", io_name(opt.file), strerror(errno));
		return;
	}
	part_hash(u, &u->slots[0]);
	/* A full first part may be all there is: one more read tells, so that
	 * input exactly one part long is one PUT too. */
	if (more) {
		more = read_part(u, &u->slots[1]);
		if (more < 0) {
			if (!sig_caught())
				fail(u, EX_IOERR, "read %s: %s", io_name(opt.file), strerror(errno));
			return;
		}
		if (u->slots[1].len > 0 && opt.max_parts == 1) {
			fail(u, EX_DATAERR, "%s is larger than 1 part of %llu bytes; use --expected-size or a larger --part-size",
			    io_name(opt.file), (unsigned long long)opt.part_size);
			return;
		}
		if (u->slots[1].len > 0) {
			part_hash(u, &u->slots[1]);
			multipart(u, 2, more);
			return;
		}
	}
	if ((ex = check_finish(u, msg, sizeof msg)) != 0) {
		fail(u, ex, "%s: %s; nothing uploaded", io_name(opt.file), msg);
		return;
	}
	if (sig_caught())
		return;
	progress_end(&u->pr, u->bytes);
	single_put(u, &u->slots[0]);
}

int
main(int argc, char **argv)
{
	struct upload *u;
	char err[sizeof u->err];
	int fd, ex;

	log_init("s3put");
	parse_args(argc, argv);
	sig_setup();
	if (strcmp(opt.file, "-") == 0)
		fd = 0;
	else if ((fd = open(opt.file, O_RDONLY | O_CLOEXEC)) < 0)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s", opt.file);
	u = upload_new(fd);
	upload_run(u);
	ex = u->err_ex;
	memcpy(err, u->err, sizeof err);
	upload_free(u);
	if (fd > 0)
		close(fd);
	if (sig_caught())
		sig_exit();
	if (ex)
		die(ex, "%s", err);
	return EX_OK;
}
