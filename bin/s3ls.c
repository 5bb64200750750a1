/* s3ls: list the objects under a prefix with ListObjectsV2, one line per
 * object in the form prune-backups and s3rm read:
 *
 *   key<TAB>size<TAB>last-modified (RFC 3339, UTC)<TAB>etag
 *
 * and with --lock three more fields from a HEAD of each object (the
 * listing does not carry them): lock mode, retain-until, legal hold. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nametime.h"
#include "opt.h"
#include "s3.h"
#include "s3_list.h"
#include "s3_lock.h"
#include "sig.h"
#include "xmem.h"

static const char usage[] =
"usage: s3ls [options] s3://BUCKET[/PREFIX]\n"
"List the objects under PREFIX, one per line: key, size, last modification\n"
"time (RFC 3339, UTC) and ETag, separated by tabs.\n"
"\n"
"      --lock                    add each object's Object Lock: mode (GOVERNANCE,\n"
"                                COMPLIANCE or -), retain-until (RFC 3339 or -)\n"
"                                and legal hold (ON or OFF), from a HEAD per object\n"
"      --lock-concurrency N      HEAD requests at once for --lock (default 8)\n"
"      --sse-c-key-file FILE     the SSE-C key of the objects, for --lock's HEADs\n"
S3_USAGE_OPTS
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Exit status: 0 listed, 64 usage, 65 a key holds a control character (listed\n"
"without it), 66 no such bucket, 69 cannot connect, 74 write error, 75\n"
"server errors after retries, 77 credentials refused, 78 configuration error.\n";

enum { O_LOG_FORMAT = 256, O_VERSION, O_LOCK, O_LOCK_CONC, O_SSE_C };

static const struct option longopts[] = {
	{ "lock", no_argument, NULL, O_LOCK },
	{ "lock-concurrency", required_argument, NULL, O_LOCK_CONC },
	{ "sse-c-key-file", required_argument, NULL, O_SSE_C },
	S3_LONGOPTS,
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct lister {
	struct s3 *s3;
	struct s3_url u;
	int lock, odd;
	unsigned conc;
	struct s3_lock_job *jobs;
	struct s3_ssec ssec;
	size_t nssec;
};

/* Can the key be one line of the output? */
static int
listable(const struct s3_entry *e)
{
	return !e->nul && !opt_has_control(e->key);
}

/* A key that cannot be one line of the output is left out, and said. */
static int
printable(struct lister *l, const struct s3_entry *e)
{
	if (listable(e))
		return 1;
	if (e->nul)
		log_error("a key holds a NUL byte (%%00); it cannot be listed");
	else
		log_error("key '%s' holds a control character; it cannot be listed one per line", e->key);
	l->odd = 1;
	return 0;
}

static int
print_page(void *arg, struct s3_entry *e, size_t n)
{
	struct lister *l = arg;
	size_t nj = 0;

	if (l->lock) {
		for (size_t i = 0; i < n; i++)
			if (listable(&e[i])) {
				memset(&l->jobs[nj], 0, sizeof l->jobs[nj]);
				l->jobs[nj++].key = e[i].key;
			}
		s3_lock_heads(l->s3, l->u.bucket, l->jobs, nj, l->conc, l->ssec.h, l->nssec);
		if (sig_caught())
			sig_exit();
		for (size_t i = 0; i < nj; i++)
			if (l->jobs[i].failed)
				die(l->jobs[i].ex, "%s", l->jobs[i].err);
	}
	nj = 0;
	for (size_t i = 0; i < n; i++) {
		if (!printable(l, &e[i]))
			continue;
		printf("%s\t%llu\t%s\t%s", e[i].key, (unsigned long long)e[i].size, e[i].modified, e[i].etag);
		if (l->lock) {
			const struct s3_lock *k = &l->jobs[nj++].lock;
			char until[32] = "-";

			if (k->mode[0])
				nametime_format(until, sizeof until, k->until);
			printf("\t%s\t%s\t%s", k->mode[0] ? k->mode : "-", until, k->hold ? "ON" : "OFF");
		}
		putchar('\n');
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die_errno(EX_IOERR, "write to stdout");
	return 0;
}

int
main(int argc, char **argv)
{
	struct s3_opts so = { .retries = -1 };
	static struct s3 s3; /* its trust anchors live as long as the program */
	static struct lister l = { .conc = 8 };
	struct s3_conn c;
	char err[1200];
	const char *sse_c_file = NULL;
	int ch, ex;

	log_init("s3ls");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (s3_opt(&so, ch, optarg))
			continue;
		switch (ch) {
		case O_LOCK: l.lock = 1; break;
		case O_LOCK_CONC: l.conc = (unsigned)opt_uint("--lock-concurrency", optarg, 1, 64); break;
		case O_SSE_C: sse_c_file = optarg; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	s3_opts_check(&so);
	if (argc - optind != 1)
		opt_usage_error(argc == optind ? "missing s3://BUCKET[/PREFIX]" : "too many operands");
	if (s3_url_parse(argv[optind], &l.u, err, sizeof err) < 0)
		opt_usage_error("%s", err);
	if (sse_c_file && !l.lock)
		opt_usage_error("--sse-c-key-file is for --lock's HEAD requests");
	if (sse_c_file) {
		s3_ssec_load(&l.ssec, sse_c_file);
		l.nssec = 3;
	}
	sig_setup();
	s3_setup(&s3, &so);
	l.s3 = &s3;
	if (l.lock)
		l.jobs = xcalloc(1000, sizeof *l.jobs);
	s3_conn_init(&c, &s3, l.u.bucket);
	if (s3_list(&c, l.u.key, print_page, &l, &ex, err, sizeof err) < 0) {
		if (sig_caught())
			sig_exit();
		die(ex, "%s", err);
	}
	s3_conn_close(&c);
	free(l.jobs);
	s3_ssec_wipe(&l.ssec);
	return l.odd ? EX_DATAERR : EX_OK;
}
