/* gzverify: verify gzip streams and files, optionally passing data along.
 *
 * Reads each input once, feeds it to lib/gz's reader, and reports a verdict
 * per input. Exit status: the largest of the inputs' codes (0 valid, 1
 * corrupt or truncated or failing a requirement, 65 encrypted with age,
 * 66 missing, 74 I/O). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "deadline.h"
#include "enc.h"
#include "gz.h"
#include "hash.h"
#include "io.h"
#include "log.h"
#include "opt.h"
#include "outfile.h"
#include "pool.h"
#include "progress.h"
#include "sig.h"
#include "trailer.h"
#include "xmem.h"

static const char usage[] =
"usage: gzverify [options] [FILE...]\n"
"Verify gzip files: every member's header, deflate data, CRC-32 and length,\n"
"and what follows the last member. No FILE, or -, reads standard input.\n"
"\n"
"  -c, --stdout                  write the decompressed data to stdout\n"
"      --tee                     copy the compressed input to stdout unchanged\n"
"      --sha256[=FILE]           print each valid input's SHA-256, sha256sum style\n"
"      --check-sha256 FILE       compare each input's SHA-256 with the one in FILE\n"
"      --require-trailer         require pgdump-stream's completion trailer\n"
"      --min-size SIZE           require at least SIZE decompressed bytes\n"
"      --allow-trailing-garbage  accept data other than zeros after the last member\n"
"      --input-timeout DURATION  fail when no input arrives for DURATION (default: wait)\n"
"  -j, --threads N               threads for indexed members (default: CPUs)\n"
"  -q, --quiet                   print no messages about inputs; the exit status tells\n"
"  -v, --verbose                 a line per input: members, sizes, ratio\n"
"      --json                    a JSON object per input on stdout\n"
"      --progress                show progress even when stderr is not a terminal\n"
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Exit status: 0 all inputs valid, 1 an input corrupt, truncated or failing a\n"
"requirement, 64 usage, 65 an input encrypted with age (agecrypt -d first) or a\n"
"bad --check-sha256 file, 66 input missing, 73 cannot create FILE, 74 I/O\n"
"error, 75 no input within --input-timeout.\n";

enum {
	O_TEE = 256, O_SHA256, O_CHECK_SHA256, O_REQUIRE_TRAILER, O_MIN_SIZE,
	O_ALLOW_GARBAGE, O_JSON, O_PROGRESS, O_LOG_FORMAT, O_VERSION, O_INPUT_TIMEOUT
};

static const struct option longopts[] = {
	{ "stdout", no_argument, NULL, 'c' },
	{ "tee", no_argument, NULL, O_TEE },
	{ "sha256", optional_argument, NULL, O_SHA256 },
	{ "check-sha256", required_argument, NULL, O_CHECK_SHA256 },
	{ "require-trailer", no_argument, NULL, O_REQUIRE_TRAILER },
	{ "min-size", required_argument, NULL, O_MIN_SIZE },
	{ "allow-trailing-garbage", no_argument, NULL, O_ALLOW_GARBAGE },
	{ "threads", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, O_JSON },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "input-timeout", required_argument, NULL, O_INPUT_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

static struct {
	int to_stdout, tee, sha256, require_trailer, allow_garbage, quiet, verbose, json, progress;
	int threads;
	uint64_t input_timeout_ms; /* 0: wait for input as long as it takes */
	const char *sha256_file, *check_file;
	uint64_t min_size;
} opt;

/* The sums listed in a --check-sha256 file. */
struct sum {
	char *name;
	unsigned char digest[32];
};
static struct sum *sums;
static size_t nsums;

/* What one input came to. */
struct verdict {
	int code;
	const char *status;
	char msg[512];
	unsigned char digest[32];
};

/* Decompressed data: follow its end for the trailer, copy it for -c. */
static int
data_sink(void *arg, const void *buf, size_t n)
{
	if (opt.require_trailer)
		trailer_feed(arg, buf, n);
	return opt.to_stdout ? io_write_all(1, buf, n) : 0;
}

static void
load_sums(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	unsigned long lineno = 0;

	if (!f)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s", path);
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		char *name;

		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (n == 0)
			continue;
		/* sha256sum: 64 hex digits, a space, then ' ' or '*', the name. */
		if (n < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
			die(EX_DATAERR, "%s:%lu: not a sha256sum line", path, lineno);
		name = line + 66;
		sums = xrealloc(sums, (nsums + 1) * sizeof *sums);
		if (hex_decode(sums[nsums].digest, 32, line, 64) != 32)
			die(EX_DATAERR, "%s:%lu: not a sha256sum line", path, lineno);
		sums[nsums++].name = xstrdup(name);
	}
	if (ferror(f))
		die_errno(EX_IOERR, "read %s", path);
	fclose(f);
	if (nsums == 0)
		die(EX_DATAERR, "%s: no checksums in it", path);
}

static const struct sum *
find_sum(const char *name, int ninputs)
{
	for (size_t i = 0; i < nsums; i++)
		if (strcmp(sums[i].name, name) == 0)
			return &sums[i];
	/* One input against a file listing one object: the usual case of a
	 * stream from object storage checked against its stored sum. */
	if (ninputs == 1 && nsums == 1)
		return &sums[0];
	return NULL;
}

static void
set(struct verdict *v, int code, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
set(struct verdict *v, int code, const char *status, const char *fmt, ...)
{
	va_list ap;

	if (v->code >= code && v->code != 0)
		return;
	v->code = code;
	v->status = status;
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof v->msg, fmt, ap);
	va_end(ap);
}

static void
verify_one(const char *path, int ninputs, struct verdict *v, struct gz_reader *r)
{
	static unsigned char buf[1 << 20];
	const char *name = io_name(path);
	struct trailer_tail tail;
	struct progress prog;
	struct sha256 h;
	struct stat st;
	unsigned char head[64];
	size_t nhead = 0;
	int fd = 0;

	memset(v, 0, sizeof *v);
	v->status = "ok";
	if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		set(v, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
		    errno == ENOENT ? "missing" : "io_error", "%s: %s", name, strerror(errno));
		gz_reader_init(r, 0, 0, NULL, NULL);
		return;
	}
	if (fstat(fd, &st) < 0)
		memset(&st, 0, sizeof st); /* unknown size: no percentage */
	if (S_ISDIR(st.st_mode)) {
		set(v, EX_NOINPUT, "missing", "%s: is a directory", name);
		gz_reader_init(r, 0, 0, NULL, NULL);
		if (fd)
			close(fd);
		return;
	}
	trailer_init(&tail);
	sha256_init(&h);
	progress_init(&prog, name, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0, opt.progress);

	gz_reader_init(r, opt.threads, opt.allow_garbage,
	    opt.require_trailer || opt.to_stdout ? data_sink : NULL, &tail);

	for (;;) {
		ssize_t got;

		/* A file never stalls; a pipe from a program without deadlines
		 * of its own can, and --input-timeout bounds that wait. */
		if (opt.input_timeout_ms && deadline_poll(fd, POLLIN, deadline_in(opt.input_timeout_ms)) == 0) {
			set(v, EX_TEMPFAIL, "stalled", "%s: no input for %llu ms", name,
			    (unsigned long long)opt.input_timeout_ms);
			break;
		}
		got = io_read(fd, buf, sizeof buf);
		if (sig_caught())
			sig_exit();
		if (got < 0) {
			set(v, EX_IOERR, "io_error", "read %s: %s", name, strerror(errno));
			break;
		}
		if (got == 0) {
			gz_reader_finish(r);
			break;
		}
		if (nhead < sizeof head) {
			size_t take = sizeof head - nhead < (size_t)got ? sizeof head - nhead : (size_t)got;

			memcpy(head + nhead, buf, take);
			nhead += take;
		}
		if (opt.sha256 || opt.check_file)
			sha256_update(&h, buf, (size_t)got);
		if (gz_reader_feed(r, buf, (size_t)got) != GZ_OK)
			break;
		if (opt.tee && io_write_all(1, buf, (size_t)got) < 0) {
			set(v, EX_IOERR, "io_error", "write to stdout: %s", strerror(errno));
			break;
		}
		progress_update(&prog, r->in_bytes);
	}
	if (fd)
		close(fd);
	if (v->code == 0)
		progress_end(&prog, r->in_bytes);

	if (v->code == 0 && r->status == GZ_SINK_ERROR)
		set(v, EX_IOERR, "io_error", "write to stdout: %s", strerror(r->sink_errno));
	else if (v->code == 0 && r->status != GZ_OK && r->err_offset == 0 && age_sniff(head, nhead))
		set(v, EX_DATAERR, "encrypted", "%s: encrypted with age; decrypt with agecrypt -d", name);
	else if (v->code == 0 && r->status != GZ_OK) {
		const char *hint = strstr(r->err, "trailing garbage") ?
		    " (--allow-trailing-garbage accepts it)" : "";

		if (r->err_member && !strstr(r->err, "garbage") && !strstr(r->err, "not in gzip"))
			set(v, EX_NEGATIVE, r->status == GZ_TRUNCATED ? "truncated" : "corrupt",
			    "%s: member %llu at byte %llu: %s", name,
			    (unsigned long long)r->err_member, (unsigned long long)r->err_offset, r->err);
		else
			set(v, EX_NEGATIVE, r->status == GZ_TRUNCATED ? "truncated" : "corrupt",
			    "%s: at byte %llu: %s%s", name, (unsigned long long)r->err_offset, r->err, hint);
	}
	if (v->code == 0 && opt.require_trailer) {
		uint64_t claimed = 0;

		switch (trailer_check(&tail, &claimed)) {
		case TRAILER_OK:
			break;
		case TRAILER_MISSING:
			set(v, EX_NEGATIVE, "no_trailer",
			    "%s: valid gzip, but the data does not end with pgdump-stream's completion trailer (incomplete dump?)",
			    name);
			break;
		case TRAILER_WRONG_SIZE:
			set(v, EX_NEGATIVE, "no_trailer",
			    "%s: completion trailer claims %llu bytes but %llu precede it (spliced dump?)",
			    name, (unsigned long long)claimed,
			    (unsigned long long)(tail.total - (sizeof TRAILER_PREFIX - 1)));
			break;
		}
	}
	if (v->code == 0 && r->out_bytes < opt.min_size)
		set(v, EX_NEGATIVE, "too_small", "%s: %llu decompressed bytes, less than --min-size %llu",
		    name, (unsigned long long)r->out_bytes, (unsigned long long)opt.min_size);
	if (opt.sha256 || opt.check_file)
		sha256_final(&h, v->digest);
	if (v->code == 0 && opt.check_file) {
		const struct sum *s = find_sum(path, ninputs);
		char hex[65];

		if (!s)
			set(v, EX_NEGATIVE, "checksum_missing", "%s: no SHA-256 listed for it in %s",
			    name, opt.check_file);
		else if (memcmp(s->digest, v->digest, 32) != 0) {
			hex_encode(hex, v->digest, 32);
			set(v, EX_NEGATIVE, "checksum_mismatch", "%s: SHA-256 mismatch: computed %s, %s lists another",
			    name, hex, opt.check_file);
		}
	}
}

static void
report(const char *path, const struct verdict *v, const struct gz_reader *r, FILE *sumout)
{
	char hex[65], human_in[16], human_out[16];
	const char *name = io_name(path);

	hex_encode(hex, v->digest, 32);
	if (v->code && !opt.quiet)
		log_error("%s", v->msg);
	if (v->code == 0 && opt.sha256 && fprintf(sumout, "%s  %s\n", hex, path) < 0)
		die_errno(EX_IOERR, "write to %s", opt.sha256_file ? opt.sha256_file : "stdout");
	if (opt.verbose && v->code == 0) {
		progress_human(human_in, sizeof human_in, r->in_bytes);
		progress_human(human_out, sizeof human_out, r->out_bytes);
		log_info("%s: ok: %llu member%s (%llu indexed), %s -> %s (%.1f%%)%s", name,
		    (unsigned long long)r->members, r->members == 1 ? "" : "s",
		    (unsigned long long)r->indexed, human_in, human_out,
		    r->out_bytes ? 100.0 * (double)r->in_bytes / (double)r->out_bytes : 0.0,
		    r->trailing ? ", trailing bytes ignored" : "");
	}
	if (opt.json) {
		char esc[2048], msg[1024];

		log_json_escape(esc, 0, sizeof esc, path);
		log_json_escape(msg, 0, sizeof msg, v->code ? v->msg : "");
		printf("{\"file\":\"%s\",\"status\":\"%s\",\"exit\":%d,\"members\":%llu,"
		    "\"indexed\":%llu,\"compressed_bytes\":%llu,\"decompressed_bytes\":%llu,"
		    "\"trailing_bytes\":%llu", esc, v->status, v->code,
		    (unsigned long long)r->members, (unsigned long long)r->indexed,
		    (unsigned long long)r->in_bytes, (unsigned long long)r->out_bytes,
		    (unsigned long long)r->trailing);
		if (opt.sha256 || opt.check_file)
			printf(",\"sha256\":\"%s\"", hex);
		if (v->code)
			printf(",\"error\":\"%s\",\"error_member\":%llu,\"error_offset\":%llu}\n", msg,
			    (unsigned long long)r->err_member, (unsigned long long)r->err_offset);
		else
			printf("}\n");
		if (fflush(stdout) == EOF)
			die_errno(EX_IOERR, "write to stdout");
	}
}

int
main(int argc, char **argv)
{
	struct outfile sumfile;
	FILE *sumout = stdout;
	int c, worst = 0, ninputs;
	char *stdin_only[] = { "-", NULL };
	char **inputs;

	log_init(argv[0]);
	opt.threads = pool_cpus();
	while ((c = getopt_long(argc, argv, "cj:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.to_stdout = 1; break;
		case O_TEE: opt.tee = 1; break;
		case O_SHA256: opt.sha256 = 1; opt.sha256_file = optarg; break;
		case O_CHECK_SHA256: opt.check_file = optarg; break;
		case O_REQUIRE_TRAILER: opt.require_trailer = 1; break;
		case O_MIN_SIZE: opt.min_size = opt_size("--min-size", optarg); break;
		case O_ALLOW_GARBAGE: opt.allow_garbage = 1; break;
		case 'j': opt.threads = (int)opt_uint("--threads", optarg, 1, 32); break;
		case 'q': opt.quiet = 1; break;
		case 'v': opt.verbose = 1; break;
		case O_JSON: opt.json = 1; break;
		case O_PROGRESS: opt.progress = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		case O_INPUT_TIMEOUT:
			if ((opt.input_timeout_ms = opt_duration_ms("--input-timeout", optarg)) == 0)
				opt_usage_error("--input-timeout must be more than 0");
			break;
		default: opt_usage_error("unknown option or missing argument");
		}
	}
	if (opt.to_stdout && opt.tee)
		opt_usage_error("-c and --tee both want stdout: choose one");
	if (opt.json && (opt.to_stdout || opt.tee))
		opt_usage_error("--json prints to stdout, which -c/--tee already use");
	if (opt.sha256 && !opt.sha256_file && (opt.to_stdout || opt.tee || opt.json))
		opt_usage_error("--sha256 prints to stdout, which -c/--tee/--json already use: give --sha256=FILE");
	if (opt.quiet && opt.verbose)
		opt_usage_error("-q and -v contradict each other");
	if (opt.sha256_file && !*opt.sha256_file)
		opt_usage_error("--sha256=: empty file name");

	inputs = optind < argc ? argv + optind : stdin_only;
	ninputs = optind < argc ? argc - optind : 1;
	for (int i = 0; i < ninputs; i++)
		if (strcmp(inputs[i], "-") == 0 && isatty(0))
			opt_usage_error("refusing to read compressed data from a terminal");
	if (opt.check_file)
		load_sums(opt.check_file);

	sig_setup();
	if (opt.sha256_file) {
		if (outfile_open(&sumfile, opt.sha256_file, 0644) < 0)
			die_errno(EX_CANTCREAT, "cannot create %s", opt.sha256_file);
		if (!(sumout = fdopen(sumfile.fd, "w")))
			die_errno(EX_CANTCREAT, "%s", opt.sha256_file);
	}
	for (int i = 0; i < ninputs; i++) {
		struct verdict v;
		struct gz_reader r;

		verify_one(inputs[i], ninputs, &v, &r);
		report(inputs[i], &v, &r, sumout);
		gz_reader_free(&r);
		if (v.code > worst)
			worst = v.code;
	}
	if (opt.sha256_file) {
		if (fflush(sumout) == EOF)
			die_errno(EX_IOERR, "write to %s", opt.sha256_file);
		if (worst) {
			outfile_abort(&sumfile);
		} else {
			sumfile.fd = dup(fileno(sumout));
			fclose(sumout);
			if (outfile_commit(&sumfile) < 0)
				die_errno(EX_IOERR, "write to %s", opt.sha256_file);
		}
	} else if (opt.sha256 && fflush(stdout) == EOF) {
		die_errno(EX_IOERR, "write to stdout");
	}
	return worst;
}
