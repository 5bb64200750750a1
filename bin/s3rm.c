/* s3rm: delete keys from a bucket, given as operands or read one per line
 * from standard input (bare keys, or s3ls lines whose first field is the
 * key), in DeleteObjects batches of at most 1000, or one DELETE per key on
 * stores without DeleteObjects (Google Cloud Storage's XML API). Every key
 * that the store refuses is reported; the others are deleted.
 *
 * In a bucket with Object Lock (always versioned), a DELETE without a
 * version only hides the object behind a delete marker: a locked backup
 * would vanish from every listing while it still exists, and an unlocked
 * one would still be paid for. There each key is looked at first (HEAD):
 * one under retention or legal hold is reported as locked and kept, and
 * the others are deleted for good by their version. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opt.h"
#include "s3.h"
#include "s3_answer.h"
#include "s3_lock.h"
#include "sig.h"
#include "xmem.h"
#include "xml.h"

static const char usage[] =
"usage: s3rm [options] s3://BUCKET/ [KEY...]\n"
"Delete the KEYs, or the keys read one per line from standard input (bare\n"
"keys or s3ls lines), in batches of up to 1000.\n"
"\n"
"  -n, --dry-run                 print what would be deleted, delete nothing\n"
"      --per-key                 one DELETE request per key (stores without\n"
"                                DeleteObjects; found out by itself otherwise)\n"
"      --bypass-governance       delete objects under GOVERNANCE retention too\n"
"      --sse-c-key-file FILE     the SSE-C key of the objects, for the HEAD each key\n"
"                                gets in a bucket with Object Lock\n"
S3_USAGE_OPTS
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Prints \"deleted s3://BUCKET/KEY\" per key (\"would delete\" with -n). In a\n"
"bucket with Object Lock, a key under retention or legal hold is kept and\n"
"reported (\"s3rm: s3://BUCKET/KEY is locked: ...\"); the others are deleted\n"
"with their version, for good.\n"
"Exit status: 0 all deleted, 1 a locked key was kept (and nothing worse\n"
"happened), 64 usage, 65 a key that cannot be sent, 66 no\n"
"such bucket, 69 cannot connect, 74 read error, 75 server errors after\n"
"retries, 77 credentials or permission refused, 78 configuration error.\n";

enum { O_LOG_FORMAT = 256, O_VERSION, O_PER_KEY, O_BYPASS, O_SSE_C };

static const struct option longopts[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ "per-key", no_argument, NULL, O_PER_KEY },
	{ "bypass-governance", no_argument, NULL, O_BYPASS },
	{ "sse-c-key-file", required_argument, NULL, O_SSE_C },
	S3_LONGOPTS,
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

#define BATCH 1000

/* A key to delete: in a bucket with Object Lock, the version HEAD found
 * and whether deleting it bypasses GOVERNANCE retention. */
struct item {
	char *key;
	char version[256];
	int bypass;
	struct s3_lock lock;
};

static struct s3_url u;
static struct s3 s3;
static struct s3_conn c;
static int dry, worst, per_key, bypass_gov;
static int lockcfg = -2; /* the bucket has Object Lock: 1, 0, -1 cannot tell, -2 not asked yet */
static struct item batch[BATCH];
static struct s3_ssec ssec;
static size_t nssec;
static size_t nbatch;

static void
worse(int ex)
{
	if (ex > worst)
		worst = ex;
}

/* XML 1.0 cannot carry most control characters at all. */
static int
xml_escape(char *out, size_t cap, const char *in)
{
	size_t o = 0;

	for (; *in; in++) {
		const char *r = NULL;
		char one[2] = { *in, 0 };
		unsigned char ch = (unsigned char)*in;

		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			return -1;
		switch (*in) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '\r': r = "&#13;"; break;
		case '\n': r = "&#10;"; break;
		case '\t': r = "&#9;"; break;
		default: r = one;
		}
		if (o + strlen(r) >= cap)
			return -1;
		memcpy(out + o, r, strlen(r));
		o += strlen(r);
	}
	out[o] = 0;
	return 0;
}

/* A store that has no DeleteObjects says so: Google Cloud Storage answers
 * 501 NotImplemented ("POST ?delete is not implemented for objects"), and
 * has answered 400 InvalidArgument. */
static int
no_batch_delete(const struct s3_result *res)
{
	return (res->status == 501 && strcmp(res->code, "NotImplemented") == 0) ||
	    (res->status == 400 && strcmp(res->code, "InvalidArgument") == 0);
}

/* The store refused to delete it: in a bucket with Object Lock,
 * AccessDenied on a version under a lock is the lock. */
static void
refused(const struct item *it, const char *code, const char *msg, int ex)
{
	char lt[128];

	if (lockcfg == 1 && it->bypass && strcmp(code, "AccessDenied") == 0) {
		log_error("s3://%s/%s is locked: %s, and the store refused to bypass it (AccessDenied): the identity "
		    "needs s3:BypassGovernanceRetention", u.bucket, it->key, s3_lock_text(&it->lock, lt, sizeof lt));
		worse(EX_NOPERM);
		return;
	}
	log_error("delete s3://%s/%s: %s%s%s", u.bucket, it->key, code, msg[0] ? ": " : "", msg);
	worse(ex);
}

/* One key, one DELETE. A key that is not there counts as deleted, as
 * DeleteObjects counts it; a refusal is reported and the next key tried;
 * a store that does not answer ends the run. */
static void
delete_one(const struct item *it)
{
	struct s3_result *res = xmalloc(sizeof *res);
	unsigned char body[4096];
	char t[700], q[800] = "";
	const char *key = it->key, *h[1] = { "x-amz-bypass-governance-retention: true" };

	if (it->version[0]) {
		memcpy(q, "versionId=", 10);
		s3_query_encode(q + 10, sizeof q - 10, it->version);
	}
	if (s3_request(&c, &(struct s3_req){ .method = "DELETE", .key = key, .query = q[0] ? q : NULL, .headers = h,
	    .nheaders = it->bypass ? 1 : 0, .rbuf = body, .rcap = sizeof body - 1 }, res) < 0 &&
	    !(res->status == 404 && strcmp(res->code, "NoSuchBucket") != 0)) {
		if (sig_caught())
			sig_exit();
		if (res->status == 0 || strcmp(res->code, "NoSuchBucket") == 0)
			die(s3_exit_code(res), "delete s3://%s/%s: %s", u.bucket, key, s3_result_text(res, t, sizeof t));
		refused(it, res->code, res->message, s3_exit_code(res));
	} else {
		printf("deleted s3://%s/%s\n", u.bucket, key);
	}
	free(res);
}

/* Is the bucket one with Object Lock? Asked once. A store that cannot say
 * (no such request, or not allowed to read it) is taken as one without. */
static void
lock_config(void)
{
	struct s3_result *res;
	char t[700];

	if (lockcfg != -2)
		return;
	res = xmalloc(sizeof *res);
	lockcfg = s3_lock_bucket(&c, res);
	if (lockcfg < 0) {
		if (sig_caught())
			sig_exit();
		if (res->status == 0 || strcmp(res->code, "NoSuchBucket") == 0)
			die(s3_exit_code(res), "read the Object Lock configuration of s3://%s/: %s", u.bucket,
			    s3_result_text(res, t, sizeof t));
		if (s3_exit_code(res) == EX_NOPERM)
			log_warn("cannot read the Object Lock configuration of s3://%s/ (%s): deleting as in a bucket "
			    "without it (where it has one, each key is only hidden by a delete marker)", u.bucket,
			    s3_result_text(res, t, sizeof t));
	}
	free(res);
}

/* In a bucket with Object Lock: each key's version and lock, by HEAD; a
 * locked key is reported and leaves the batch, a missing one counts as
 * deleted. */
static void
lock_filter(void)
{
	struct s3_lock_job *jobs;
	int64_t now;
	size_t kept = 0;

	lock_config();
	if (lockcfg != 1)
		return;
	jobs = xcalloc(nbatch, sizeof *jobs);
	for (size_t i = 0; i < nbatch; i++)
		jobs[i].key = batch[i].key;
	s3_lock_heads(&s3, u.bucket, jobs, nbatch, 8, ssec.h, nssec);
	if (sig_caught())
		sig_exit();
	now = s3_now(&s3);
	for (size_t i = 0; i < nbatch; i++) {
		struct item *it = &batch[i];
		const struct s3_lock *l = &jobs[i].lock;
		char lt[128];

		if (jobs[i].failed && jobs[i].status == 404) {
			printf("%s s3://%s/%s\n", dry ? "would delete" : "deleted", u.bucket, it->key);
			free(it->key);
			continue;
		}
		if (jobs[i].failed) {
			if (jobs[i].status == 0)
				die(jobs[i].ex, "%s", jobs[i].err);
			log_error("%s", jobs[i].err);
			worse(jobs[i].ex);
			free(it->key);
			continue;
		}
		if (s3_lock_active(l, now) && !(bypass_gov && s3_lock_bypassable(l))) {
			log_error("s3://%s/%s is locked: %s; kept%s", u.bucket, it->key, s3_lock_text(l, lt, sizeof lt),
			    s3_lock_bypassable(l) ? " (--bypass-governance deletes it)" : "");
			worse(1);
			free(it->key);
			continue;
		}
		it->lock = *l;
		it->bypass = s3_lock_active(l, now);
		snprintf(it->version, sizeof it->version, "%s", l->version);
		batch[kept++] = *it;
	}
	nbatch = kept;
	free(jobs);
}

static void
flush_one_by_one(void)
{
	for (size_t i = 0; i < nbatch; i++) {
		if (sig_caught())
			sig_exit();
		delete_one(&batch[i]);
		free(batch[i].key);
	}
	nbatch = 0;
	if (fflush(stdout) != 0)
		die_errno(EX_IOERR, "write to stdout");
}

static void
flush_batch(void)
{
	struct s3_result *res;
	size_t cap = nbatch * (S3_KEY_MAX * 6 + 256 * 6 + 80) + 64, bl = 0, pos = 0, es, el;
	char *xml, md5h[33], hdr[S3_MD5_HDR], t[700];
	unsigned char *body;
	const char *h[2] = { hdr, "x-amz-bypass-governance-retention: true" };
	int bypass = 0;

	if (!nbatch)
		return;
	lock_filter();
	if (dry) {
		for (size_t i = 0; i < nbatch; i++) {
			printf("would delete s3://%s/%s\n", u.bucket, batch[i].key);
			free(batch[i].key);
		}
		nbatch = 0;
		return;
	}
	if (!nbatch)
		return;
	if (per_key) {
		flush_one_by_one();
		return;
	}
	res = xmalloc(sizeof *res);
	xml = xmalloc(cap);
	body = xmalloc(1u << 20);
	bl += (size_t)snprintf(xml, cap, "<Delete><Quiet>true</Quiet>");
	for (size_t i = 0; i < nbatch; i++) {
		bl += (size_t)snprintf(xml + bl, cap - bl, "<Object><Key>");
		xml_escape(xml + bl, cap - bl, batch[i].key); /* checked when the key was read */
		bl += strlen(xml + bl);
		bl += (size_t)snprintf(xml + bl, cap - bl, "</Key>");
		if (batch[i].version[0]) {
			bl += (size_t)snprintf(xml + bl, cap - bl, "<VersionId>");
			xml_escape(xml + bl, cap - bl, batch[i].version); /* HEAD gave it: printable */
			bl += strlen(xml + bl);
			bl += (size_t)snprintf(xml + bl, cap - bl, "</VersionId>");
		}
		bl += (size_t)snprintf(xml + bl, cap - bl, "</Object>");
		bypass |= batch[i].bypass;
	}
	bl += (size_t)snprintf(xml + bl, cap - bl, "</Delete>");
	s3_content_md5(xml, bl, hdr, md5h);
	if (s3_request(&c, &(struct s3_req){ .method = "POST", .key = "", .query = "delete", .headers = h,
	    .nheaders = bypass ? 2 : 1, .body = xml, .len = bl, .rbuf = body, .rcap = (1u << 20) - 1 }, res) < 0) {
		if (sig_caught())
			sig_exit();
		if (no_batch_delete(res)) {
			log_msg(LOG_INFO, "s3://%s/ has no DeleteObjects (%d %s): deleting each key with its own DELETE",
			    u.bucket, res->status, res->code);
			per_key = 1;
			free(xml);
			free(body);
			free(res);
			flush_one_by_one();
			return;
		}
		die(s3_exit_code(res), "delete %zu keys from s3://%s/: %s", nbatch, u.bucket,
		    s3_result_text(res, t, sizeof t));
	}
	/* A 200 proves nothing by itself: an <Error> as the whole answer is a
	 * failed request, and anything but a DeleteResult ("hello", a proxy's
	 * page) says nothing of the keys, none of which is then called
	 * deleted. */
	if (s3_answer_root((char *)body, res->bodylen, "Error")) {
		char code[64] = "";
		size_t p = 0;

		xml_next((char *)body, res->bodylen, &p, "Code", code, sizeof code);
		die(EX_TEMPFAIL, "delete %zu keys from s3://%s/: the store answered 200 with an error (%s); try again",
		    nbatch, u.bucket, code[0] ? code : "no code");
	}
	if (!s3_answer_root((char *)body, res->bodylen, "DeleteResult"))
		die(EX_TEMPFAIL, "delete %zu keys from s3://%s/: the answer (%zu bytes) is not a DeleteResult; whether "
		    "they were deleted is unknown", nbatch, u.bucket, res->bodylen);
	/* Quiet mode: the answer lists only the keys that failed. */
	{
		char (*failed)[S3_KEY_MAX + 1] = xcalloc(nbatch, sizeof *failed);
		size_t nf = 0;

		while (xml_span((char *)body, res->bodylen, &pos, "Error", &es, &el) == 1) {
			char key[S3_KEY_MAX + 1] = "", code[64] = "", msg[512] = "";
			size_t p = 0;
			struct s3_result fake = { .status = 403 };

			xml_next((char *)body + es, el, &p, "Key", key, sizeof key);
			p = 0;
			xml_next((char *)body + es, el, &p, "Code", code, sizeof code);
			p = 0;
			xml_next((char *)body + es, el, &p, "Message", msg, sizeof msg);
			snprintf(fake.code, sizeof fake.code, "%s", code);
			fake.status = strcmp(code, "AccessDenied") == 0 ? 403 : 500;
			{
				struct item none = { .key = key }, *it = &none;

				for (size_t i = 0; i < nbatch; i++)
					if (strcmp(batch[i].key, key) == 0)
						it = &batch[i];
				refused(it, code, msg, s3_exit_code(&fake));
			}
			if (nf < nbatch)
				strcpy(failed[nf++], key);
		}
		for (size_t i = 0; i < nbatch; i++) {
			int bad = 0;

			for (size_t k = 0; k < nf && !bad; k++)
				bad = strcmp(failed[k], batch[i].key) == 0;
			if (!bad)
				printf("deleted s3://%s/%s\n", u.bucket, batch[i].key);
			free(batch[i].key);
		}
		free(failed);
	}
	nbatch = 0;
	free(xml);
	free(body);
	free(res);
	if (fflush(stdout) != 0)
		die_errno(EX_IOERR, "write to stdout");
}

static void
add_key(const char *k)
{
	char tmp[S3_KEY_MAX * 6 + 1];

	if (!*k)
		return;
	if (strlen(k) > S3_KEY_MAX || xml_escape(tmp, sizeof tmp, k) < 0) {
		log_error("key '%.80s' is too long or holds control characters; skipped", k);
		worse(EX_DATAERR);
		return;
	}
	memset(&batch[nbatch], 0, sizeof batch[nbatch]);
	batch[nbatch++].key = xstrdup(k);
	if (nbatch == BATCH)
		flush_batch();
}

int
main(int argc, char **argv)
{
	struct s3_opts so = { .retries = -1 };
	char err[300];
	int ch;

	log_init("s3rm");
	while ((ch = getopt_long(argc, argv, "hn", longopts, NULL)) != -1) {
		if (s3_opt(&so, ch, optarg))
			continue;
		switch (ch) {
		case 'n': dry = 1; break;
		case O_PER_KEY: per_key = 1; break;
		case O_BYPASS: bypass_gov = 1; break;
		case O_SSE_C:
			s3_ssec_load(&ssec, optarg);
			nssec = 3;
			break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	s3_opts_check(&so);
	if (optind >= argc)
		opt_usage_error("missing s3://BUCKET/");
	if (s3_url_parse(argv[optind], &u, err, sizeof err) < 0)
		opt_usage_error("%s", err);
	if (u.key[0])
		opt_usage_error("'%s': give the bucket as s3://BUCKET/ and full keys after it", argv[optind]);
	sig_setup();
	s3_setup(&s3, &so);
	s3_conn_init(&c, &s3, u.bucket);
	if (optind + 1 < argc) {
		for (int i = optind + 1; i < argc; i++)
			add_key(argv[i]);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while ((n = getline(&line, &cap, stdin)) > 0) {
			if (sig_caught())
				sig_exit();
			if (line[n - 1] == '\n')
				line[--n] = 0;
			if (n && line[n - 1] == '\r')
				line[--n] = 0;
			line[strcspn(line, "\t")] = 0;
			add_key(line);
		}
		if (ferror(stdin))
			die_errno(EX_IOERR, "read stdin");
		free(line);
	}
	flush_batch();
	s3_ssec_wipe(&ssec);
	return worst;
}
