/* agecrypt: encrypt and decrypt streams in the age v1 format, so that a
 * backup is encrypted on the host that makes it with only a recipient
 * (public key) there, and only the host that restores it holds the
 * identity. Interoperable both ways with age and its libraries. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agecrypt.h"
#include "io.h"
#include "log.h"
#include "nametime.h"
#include "opt.h"
#include "outfile.h"
#include "pool.h"
#include "sig.h"

static const char usage[] =
"usage: agecrypt [-r RECIPIENT | -R FILE | -p] [options] [INPUT]\n"
"       agecrypt -d [-i FILE] [options] [INPUT]\n"
"       agecrypt --keygen [-o FILE]\n"
"       agecrypt -y FILE\n"
"Encrypt or decrypt INPUT (a file, or - and by default stdin) in the age v1\n"
"format, to stdout or -o FILE. Interoperable with age and age-keygen.\n"
"\n"
"Encrypt:\n"
"  -r, --recipient RECIPIENT      encrypt to an X25519 recipient (age1...); repeatable\n"
"  -R, --recipients-file FILE     encrypt to each recipient in FILE; repeatable\n"
"  -p, --passphrase               encrypt with a passphrase (scrypt) instead\n"
"      --work-factor N            scrypt work factor 2^N for -p (default 18, as age)\n"
"  -a, --armor                    write ASCII armor instead of binary\n"
"Decrypt:\n"
"  -d, --decrypt                  decrypt INPUT, binary or armored\n"
"  -i, --identity FILE            identities (AGE-SECRET-KEY-1...) in FILE; repeatable\n"
"      --max-work-factor N        refuse passphrase files above 2^N (default 20: 1 GiB)\n"
"Passphrase (for -p, and for files encrypted with one):\n"
"      --passphrase-file FILE     its first line; else AGECRYPT_PASSPHRASE, else the terminal\n"
"Keys:\n"
"      --keygen                   write a new identity (mode 0600) and print its recipient\n"
"  -y, --recipients-of FILE       print the recipient of each identity in FILE\n"
"Common:\n"
"  -o, --output FILE              write FILE, renamed into place only when complete\n"
"  -j, --jobs N                   threads sealing or opening chunks (default: usable CPUs)\n"
"      --progress                 show progress even when stderr is not a terminal\n"
"      --log-format FORMAT        messages on stderr as text (default) or json\n"
"  -h, --help                     show this help and exit\n"
"      --version                  show the version and exit\n"
"\n"
"Exit status: 0 done, 64 usage, 65 not age, corrupt or truncated input, 66 input\n"
"or key file missing, 73 cannot create the output, 74 I/O error, 77 no identity\n"
"matches or wrong passphrase.\n";

enum { O_KEYGEN = 256, O_WORK, O_MAX_WORK, O_PASS_FILE, O_PROGRESS, O_LOG_FORMAT, O_VERSION };

static const struct option longopts[] = {
	{ "recipient", required_argument, NULL, 'r' },
	{ "recipients-file", required_argument, NULL, 'R' },
	{ "passphrase", no_argument, NULL, 'p' },
	{ "work-factor", required_argument, NULL, O_WORK },
	{ "armor", no_argument, NULL, 'a' },
	{ "decrypt", no_argument, NULL, 'd' },
	{ "identity", required_argument, NULL, 'i' },
	{ "max-work-factor", required_argument, NULL, O_MAX_WORK },
	{ "passphrase-file", required_argument, NULL, O_PASS_FILE },
	{ "keygen", no_argument, NULL, O_KEYGEN },
	{ "recipients-of", required_argument, NULL, 'y' },
	{ "output", required_argument, NULL, 'o' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct opts opt = { .work_factor = AGE_WORK_FACTOR, .max_work_factor = 20, .input = "-" };

/* Key files are read while the options are parsed, so that a bad one is
 * reported before any input is read; 0 or its exit code. */
static void
load_keys(struct age_keys *k, const char *path, int identities)
{
	char err[300];
	int ex = age_keys_load(k, path, identities, err, sizeof err);

	if (ex)
		die(ex, "%s", err);
}

static void
parse_args(int argc, char **argv)
{
	const char **rfiles = calloc((size_t)argc, sizeof *rfiles), **ifiles = calloc((size_t)argc, sizeof *ifiles);
	int c, nr = 0, ni = 0, nrec = 0, jobs = 0;

	if (!rfiles || !ifiles)
		die(EX_SOFTWARE, "out of memory");
	while ((c = getopt_long(argc, argv, "r:R:padi:y:o:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (age_keys_add_recipient(&opt.recipients, optarg) < 0)
				opt_usage_error("--recipient %.80s is not an age X25519 recipient (age1...)", optarg);
			nrec++;
			break;
		case 'R': rfiles[nr++] = optarg; break;
		case 'p': opt.passphrase = 1; break;
		case O_WORK: opt.work_factor = (unsigned)opt_uint("--work-factor", optarg, 10, 22); break;
		case 'a': opt.armor = 1; break;
		case 'd': opt.decrypt = 1; break;
		case 'i': ifiles[ni++] = optarg; break;
		case O_MAX_WORK: opt.max_work_factor = (unsigned)opt_uint("--max-work-factor", optarg, 1, 22); break;
		case O_PASS_FILE: opt.pass_file = optarg; break;
		case O_KEYGEN: opt.keygen = 1; break;
		case 'y': opt.recipient_of = optarg; break;
		case 'o': opt.output = optarg; break;
		case 'j': jobs = (int)opt_uint("--jobs", optarg, 1, 64); break;
		case O_PROGRESS: opt.progress = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	if (optind < argc)
		opt.input = argv[optind++];
	if (optind < argc)
		opt_usage_error("one INPUT at most");
	if (opt.keygen + !!opt.recipient_of + opt.decrypt > 1)
		opt_usage_error("--keygen, -y and -d exclude each other");
	if ((opt.keygen || opt.recipient_of) && (nrec || nr || ni || opt.passphrase || opt.armor || strcmp(opt.input, "-")))
		opt_usage_error("--keygen and -y take no other key options and no INPUT");
	if (opt.recipient_of && opt.output)
		opt_usage_error("-y prints to stdout; -o does not apply");
	if (opt.decrypt && (nrec || nr || opt.passphrase || opt.armor))
		opt_usage_error("-d reads the recipients from the file: -r, -R, -p and -a are for encrypting");
	if (!opt.decrypt && ni)
		opt_usage_error("-i is for decrypting (-d); encrypt to an identity's recipient with -r (agecrypt -y FILE prints it)");
	if (!opt.decrypt && !opt.keygen && !opt.recipient_of) {
		if (opt.passphrase && (nrec || nr))
			opt_usage_error("-p and recipients exclude each other (age puts a passphrase alone in a file)");
		if (!opt.passphrase && !nrec && !nr)
			opt_usage_error("nothing to encrypt to: give -r RECIPIENT, -R FILE or -p");
	}
	if (opt.pass_file && !opt.passphrase && !opt.decrypt)
		opt_usage_error("--passphrase-file is for -p or -d");
	if (opt.output && strcmp(opt.output, "-") == 0)
		opt.output = NULL;
	opt.jobs = jobs ? jobs : pool_cpus();
	for (int i = 0; i < nr; i++)
		load_keys(&opt.recipients, rfiles[i], 0);
	for (int i = 0; i < ni; i++)
		load_keys(&opt.identities, ifiles[i], 1);
	free(rfiles);
	free(ifiles);
}

/* --keygen: the identity file as age-keygen writes it. An existing file is
 * never replaced: that would lose the key to every backup made with it. */
static int
keygen(void)
{
	unsigned char sk[32], pk[32];
	char id[AGE_IDENTITY_SIZE], rc[AGE_RECIPIENT_SIZE], now[32], text[300];
	struct outfile of;
	struct stat st;
	int n;

	age_random(sk, sizeof sk);
	age_x25519_public(pk, sk);
	age_identity_format(id, sk);
	age_recipient_format(rc, pk);
	nametime_format(now, sizeof now, (int64_t)time(NULL));
	n = snprintf(text, sizeof text, "# created: %s\n# public key: %s\n%s\n", now, rc, id);
	explicit_bzero(sk, sizeof sk);
	explicit_bzero(id, sizeof id);
	if (!opt.output) {
		if (io_write_all(1, text, (size_t)n) < 0)
			die_errno(EX_IOERR, "write (stdout)");
		explicit_bzero(text, sizeof text);
		log_info("public key: %s", rc);
		return EX_OK;
	}
	if (lstat(opt.output, &st) == 0)
		die(EX_CANTCREAT, "%s exists; agecrypt --keygen never replaces an identity file", opt.output);
	if (outfile_open(&of, opt.output, 0600) < 0)
		die_errno(EX_CANTCREAT, "%s", opt.output);
	if (io_write_all(of.fd, text, (size_t)n) < 0)
		die_errno(EX_IOERR, "write %s", opt.output);
	explicit_bzero(text, sizeof text);
	if (outfile_commit(&of) < 0)
		die_errno(EX_IOERR, "%s", opt.output);
	printf("%s\n", rc);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

static int
recipients_of(void)
{
	for (int i = 0; i < opt.identities.n; i++) {
		char rc[AGE_RECIPIENT_SIZE];

		age_recipient_format(rc, opt.identities.pk[i]);
		printf("%s\n", rc);
	}
	if (fflush(stdout) != 0)
		die_errno(EX_IOERR, "write (stdout)");
	return EX_OK;
}

static void
encrypt_to(int in, int out)
{
	struct age_enc e;

	if (opt.passphrase) {
		char pass[1024], err[200];
		ssize_t n = pass_get(pass, sizeof pass, 1, err, sizeof err);

		if (n < 0)
			die(EX_USAGE, "%s", err);
		if (age_enc_scrypt(&e, pass, (size_t)n, opt.work_factor) < 0)
			die(EX_SOFTWARE, "scrypt: cannot allocate %u MiB", 1u << opt.work_factor >> 10);
		explicit_bzero(pass, sizeof pass);
	} else {
		age_enc_x25519(&e, &opt.recipients);
	}
	stream_encrypt(in, out, &e);
	age_enc_free(&e);
}

int
main(int argc, char **argv)
{
	struct outfile of;
	int in = 0, out = 1;

	log_init("agecrypt");
	parse_args(argc, argv);
	sig_setup();
	if (opt.keygen)
		return keygen();
	if (opt.recipient_of) {
		load_keys(&opt.identities, opt.recipient_of, 1);
		return recipients_of();
	}
	if (strcmp(opt.input, "-") != 0 && (in = open(opt.input, O_RDONLY | O_CLOEXEC)) < 0)
		die_errno(errno == ENOENT ? EX_NOINPUT : errno == EACCES ? EX_NOPERM : EX_IOERR, "%s", opt.input);
	if (opt.output) {
		/* Decrypted backups are as secret as the database: 0600. */
		if (outfile_open(&of, opt.output, opt.decrypt ? 0600 : 0644) < 0)
			die_errno(EX_CANTCREAT, "%s", opt.output);
		out = of.fd;
	}
	if (opt.decrypt)
		stream_decrypt(in, out);
	else
		encrypt_to(in, out);
	if (opt.output && outfile_commit(&of) < 0)
		die_errno(EX_IOERR, "%s", opt.output);
	age_keys_free(&opt.recipients);
	age_keys_free(&opt.identities);
	return EX_OK;
}
