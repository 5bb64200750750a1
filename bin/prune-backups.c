/* prune-backups: decide which backups a retention policy keeps, explain why,
 * and print (or delete) the rest, refusing anything dangerous.
 *
 * Reads the backups (files in DIR, or lines on stdin), dates each one from
 * its name, its listed time or its mtime, applies lib/retention (restic's
 * forget semantics) to the dated, full-size ones, then the safety rules:
 * the newest backup, undated and failed (small) backups, and objects still
 * under S3 Object Lock (s3ls --lock) are never deleted;
 * --min-keep, --max-delete and --max-delete-ratio refuse whole plans. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "nametime.h"
#include "opt.h"
#include "outfile.h"
#include "parse.h"
#include "retention.h"
#include "sig.h"
#include "xmem.h"

static const char usage[] =
"usage: prune-backups [options] [DIR | -]\n"
"Apply a retention policy to backups: print those it would delete (default) or\n"
"delete them from DIR (--delete). Without DIR, or with -, read stdin: a name per\n"
"line, or name<TAB>size<TAB>time as s3ls prints; with s3ls --lock, objects under\n"
"Object Lock retention or legal hold are kept.\n"
"\n"
"Policy (restic forget semantics; N is a number or all; DURATION like 1y2m3d4h):\n"
"      --keep-last N                   the N newest backups\n"
"      --keep-hourly N                 the newest of each of the last N hours\n"
"      --keep-daily N                  the newest of each of the last N days\n"
"      --keep-weekly N                 the newest of each of the last N ISO weeks\n"
"      --keep-monthly N                the newest of each of the last N months\n"
"      --keep-yearly N                 the newest of each of the last N years\n"
"      --keep-within DURATION          all backups within DURATION of the newest\n"
"      --keep-within-hourly DURATION   the newest of each hour within DURATION\n"
"      --keep-within-daily DURATION    the newest of each day within DURATION\n"
"      --keep-within-weekly DURATION   the newest of each week within DURATION\n"
"      --keep-within-monthly DURATION  the newest of each month within DURATION\n"
"      --keep-within-yearly DURATION   the newest of each year within DURATION\n"
"Input:\n"
"      --pattern GLOB                  only files matching GLOB (DIR; default *)\n"
"      --time-format FORMAT            the time in names, e.g. db-%Y%m%d (%Y %m %d %H %M %S %s)\n"
"      --use-mtime                     files without a time in the name use their mtime\n"
"      --tz ZONE                       UTC (default), local, or +HH:MM / -HH:MM\n"
"      --now TIME                      plan as if it were TIME (RFC 3339)\n"
"Safety:\n"
"      --min-keep N                    refuse plans keeping fewer than N (default 1)\n"
"      --min-size SIZE                 smaller backups failed: never counted or deleted\n"
"      --delete-small                  delete such failed backups after all\n"
"      --max-delete N                  refuse plans deleting more than N backups\n"
"      --max-delete-ratio R            refuse plans deleting more than R (0-1) of them\n"
"Output:\n"
"      --delete                        delete them (DIR only)\n"
"      --check                         exit 1 if anything would be deleted\n"
"  -0, --null                          end printed names with NUL, not newline\n"
"  -v, --explain                       a table of every backup on stderr, and why\n"
"      --json                          the plan as JSON on stdout instead of names\n"
"      --log-format FORMAT             messages on stderr as text (default) or json\n"
"  -h, --help                          show this help and exit\n"
"      --version                       show the version and exit\n"
"\n"
"Exit status: 0 done, 1 plan refused by a safety rule or (--check) deletions\n"
"pending, 64 usage, 65 bad input, 66 DIR missing, 74 a deletion or read failed,\n"
"77 DIR not readable.\n";

enum {
	O_LAST = 256, O_HOURLY, O_DAILY, O_WEEKLY, O_MONTHLY, O_YEARLY,
	O_WITHIN, O_W_HOURLY, O_W_DAILY, O_W_WEEKLY, O_W_MONTHLY, O_W_YEARLY,
	O_PATTERN, O_TIME_FORMAT, O_USE_MTIME, O_TZ, O_NOW, O_MIN_KEEP, O_MIN_SIZE,
	O_DELETE_SMALL, O_MAX_DELETE, O_MAX_RATIO, O_DELETE, O_CHECK, O_JSON, O_LOG_FORMAT,
	O_VERSION
};

static const struct option longopts[] = {
	{ "keep-last", required_argument, NULL, O_LAST },
	{ "keep-hourly", required_argument, NULL, O_HOURLY },
	{ "keep-daily", required_argument, NULL, O_DAILY },
	{ "keep-weekly", required_argument, NULL, O_WEEKLY },
	{ "keep-monthly", required_argument, NULL, O_MONTHLY },
	{ "keep-yearly", required_argument, NULL, O_YEARLY },
	{ "keep-within", required_argument, NULL, O_WITHIN },
	{ "keep-within-hourly", required_argument, NULL, O_W_HOURLY },
	{ "keep-within-daily", required_argument, NULL, O_W_DAILY },
	{ "keep-within-weekly", required_argument, NULL, O_W_WEEKLY },
	{ "keep-within-monthly", required_argument, NULL, O_W_MONTHLY },
	{ "keep-within-yearly", required_argument, NULL, O_W_YEARLY },
	{ "pattern", required_argument, NULL, O_PATTERN },
	{ "time-format", required_argument, NULL, O_TIME_FORMAT },
	{ "use-mtime", no_argument, NULL, O_USE_MTIME },
	{ "tz", required_argument, NULL, O_TZ },
	{ "now", required_argument, NULL, O_NOW },
	{ "min-keep", required_argument, NULL, O_MIN_KEEP },
	{ "min-size", required_argument, NULL, O_MIN_SIZE },
	{ "delete-small", no_argument, NULL, O_DELETE_SMALL },
	{ "max-delete", required_argument, NULL, O_MAX_DELETE },
	{ "max-delete-ratio", required_argument, NULL, O_MAX_RATIO },
	{ "delete", no_argument, NULL, O_DELETE },
	{ "check", no_argument, NULL, O_CHECK },
	{ "null", no_argument, NULL, '0' },
	{ "explain", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, O_JSON },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

static struct {
	struct retention_policy policy;
	const char *pattern, *time_format, *dir;
	int use_mtime, delete_small, delete, check, null, explain, json, have_min_size;
	int64_t now;
	uint64_t min_keep, min_size, max_delete;
	double max_ratio;
	int have_max_delete, have_max_ratio;
} opt;

/* Flags on a backup beyond the policy's reasons. */
enum {
	F_NEWEST = 1, F_NO_TIME = 2, F_SMALL = 4, F_FUTURE = 8, F_NEWLINE = 16, F_LOCKED = 32
};

struct backup {
	char *name;       /* into the stdin buffer, or its own copy (DIR) */
	const char *listed; /* the listed time, parsed only if the name has none */
	unsigned long line; /* on stdin, for messages */
	int64_t t;
	uint64_t size;
	int has_time, has_size, counted, del;
	const char *time_from;
	unsigned reasons, flags;
	const char *lock_mode;  /* s3ls --lock: GOVERNANCE, COMPLIANCE or NULL */
	int64_t lock_until;
	int hold;
};

static struct backup *bk;
static size_t nbk, capbk;

static long
count_arg(const char *o, const char *a)
{
	if (strcmp(a, "all") == 0)
		return -1;
	return (long)opt_uint(o, a, 0, 1000000000);
}

static void
duration_arg(const char *o, const char *a, struct retention_duration *d)
{
	if (retention_duration_parse(a, d) < 0)
		opt_usage_error("%s: '%s' is not a duration like 7d, 1y6m or 36h (y, m = months, d, h)", o, a);
}

static struct backup *
add(char *name)
{
	if (nbk == capbk) {
		capbk = capbk ? capbk * 2 : 1024;
		bk = xrealloc(bk, capbk * sizeof *bk);
	}
	memset(&bk[nbk], 0, sizeof bk[nbk]);
	bk[nbk].name = name;
	return &bk[nbk++];
}

static void
read_dir(const char *dir, int *dfd)
{
	DIR *d;
	struct dirent *e;

	*dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0) {
		if (errno == EACCES || errno == EPERM)
			die_errno(EX_NOPERM, "%s", dir);
		die_errno(errno == ENOENT || errno == ENOTDIR ? EX_NOINPUT : EX_IOERR, "%s", dir);
	}
	d = fdopendir(dup(*dfd));
	if (!d)
		die_errno(EX_IOERR, "%s", dir);
	errno = 0;
	while ((e = readdir(d))) {
		struct stat st;
		struct backup *b;

		/* Our own writers' temporary files are never backups. */
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || outfile_is_temp(e->d_name))
			continue;
		if (fnmatch(opt.pattern, e->d_name, FNM_PERIOD) != 0)
			continue;
		/* Never follow links, never descend: regular files only. */
		if (fstatat(*dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* gone since the listing */
			die_errno(EX_IOERR, "%s/%s", dir, e->d_name);
		}
		if (!S_ISREG(st.st_mode))
			continue;
		b = add(xstrdup(e->d_name));
		b->size = (uint64_t)st.st_size;
		b->has_size = 1;
		if (opt.use_mtime) {
			b->t = (int64_t)st.st_mtime;
			b->has_time = 2; /* a fallback: a time in the name wins */
		}
		errno = 0;
	}
	if (errno)
		die_errno(EX_IOERR, "cannot list %s", dir);
	closedir(d);
}

/* s3ls --lock's fields: mode, retain-until, legal hold. Anything else is
 * bad input, never "not locked". */
static void
read_lock(struct backup *b, char **f, int nf, unsigned long lineno)
{
	if (nf < 3)
		die(EX_DATAERR, "stdin line %lu: Object Lock fields need mode, retain-until and legal hold", lineno);
	if (strcmp(f[0], "GOVERNANCE") == 0 || strcmp(f[0], "COMPLIANCE") == 0) {
		b->lock_mode = f[0];
		if (nametime_rfc3339(f[1], &b->lock_until) < 0)
			die(EX_DATAERR, "stdin line %lu: retain-until '%s' is not RFC 3339", lineno, f[1]);
	} else if (strcmp(f[0], "-") != 0 || strcmp(f[1], "-") != 0) {
		die(EX_DATAERR, "stdin line %lu: lock mode '%s' with retain-until '%s' is not what s3ls --lock prints",
		    lineno, f[0], f[1]);
	}
	if (strcmp(f[2], "ON") == 0)
		b->hold = 1;
	else if (strcmp(f[2], "OFF") != 0)
		die(EX_DATAERR, "stdin line %lu: legal hold '%s' is neither ON nor OFF", lineno, f[2]);
}

/* All of stdin in one buffer, split in place: a million names cost one
 * allocation, not a million. */
static void
read_stdin(void)
{
	size_t len = 0, cap = 1 << 20;
	char *buf = xmalloc(cap + 1), *line, *end;
	unsigned long lineno = 0;
	ssize_t r;

	while ((r = io_read(0, buf + len, cap - len)) > 0) {
		len += (size_t)r;
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	if (r < 0) {
		if (sig_caught())
			sig_exit();
		die_errno(EX_IOERR, "read stdin");
	}
	if (memchr(buf, 0, len))
		die(EX_DATAERR, "stdin: contains a NUL byte");
	buf[len] = 0;
	for (line = buf; line < buf + len; line = end + 1) {
		char *f[7] = { line };
		struct backup *b;
		size_t n;
		int nf = 1;

		lineno++;
		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (!end)
			end = buf + len;
		*end = 0;
		n = (size_t)(end - line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		if (n == 0)
			continue;
		for (char *p = line; nf < 7 && (p = strchr(p, '\t')); ) {
			*p++ = 0;
			f[nf++] = p;
		}
		if (!*f[0])
			die(EX_DATAERR, "stdin line %lu: empty name", lineno);
		b = add(f[0]);
		if (nf > 1 && *f[1]) {
			if (parse_uint(f[1], UINT64_MAX, &b->size) < 0)
				die(EX_DATAERR, "stdin line %lu: size '%s' is not a number of bytes", lineno, f[1]);
			b->has_size = 1;
		}
		b->line = lineno;
		if (nf > 2 && *f[2])
			b->listed = f[2];
		if (nf > 4)
			read_lock(b, f + 4, nf - 4, lineno);
	}
}

static void
date_all(void)
{
	for (size_t i = 0; i < nbk; i++) {
		struct backup *b = &bk[i];
		const char *base = strrchr(b->name, '/');
		int64_t t;

		if (nametime_parse(base ? base + 1 : b->name, opt.time_format, &opt.policy.zone, &t) == 0) {
			b->t = t;
			b->has_time = 1;
			b->time_from = "name";
		} else if (b->listed) {
			if (nametime_rfc3339(b->listed, &t) < 0)
				die(EX_DATAERR, "stdin line %lu: time '%s' is not RFC 3339", b->line, b->listed);
			b->t = t;
			b->has_time = 1;
			b->time_from = "listed";
		} else if (b->has_time) {
			b->time_from = "mtime";
		} else {
			b->flags |= F_NO_TIME;
		}
		if (b->has_time && b->t > opt.now)
			b->flags |= F_FUTURE;
		if (opt.have_min_size && b->has_size && b->size < opt.min_size)
			b->flags |= F_SMALL;
		/* A backup dated in the future (a typo, a wrong clock, digits
		 * read as epoch seconds) is kept but counts for nothing: it
		 * cannot be the newest, fill a keep rule or --min-keep in the
		 * place of real backups. */
		b->counted = b->has_time && !(b->flags & (F_SMALL | F_FUTURE));
	}
}

static void
plan(void)
{
	struct retention_item *items = xcalloc(nbk ? nbk : 1, sizeof *items);
	size_t n = 0, newest = (size_t)-1;

	for (size_t i = 0; i < nbk; i++)
		if (bk[i].counted) {
			items[n].t = bk[i].t;
			items[n++].order = i;
		}
	retention_apply(&opt.policy, items, n, opt.now);
	for (size_t k = 0; k < n; k++)
		bk[items[k].order].reasons = items[k].reasons;
	free(items);

	for (size_t i = 0; i < nbk; i++) {
		struct backup *b = &bk[i];

		if (b->has_time && !(b->flags & F_FUTURE) && (newest == (size_t)-1 || b->t > bk[newest].t))
			newest = i;
		if (b->counted)
			b->del = b->reasons == 0;
		else if ((b->flags & F_SMALL) && b->has_time && !(b->flags & F_FUTURE))
			b->del = opt.delete_small;
	}
	if (newest != (size_t)-1 && bk[newest].del) {
		bk[newest].del = 0;
		bk[newest].flags |= F_NEWEST;
	}
	/* The store would refuse to delete a locked object (or, asked without
	 * its version, hide it behind a delete marker): never planned. */
	for (size_t i = 0; i < nbk; i++)
		if (bk[i].del && (bk[i].hold || (bk[i].lock_mode && bk[i].lock_until > opt.now))) {
			bk[i].del = 0;
			bk[i].flags |= F_LOCKED;
		}
	/* A name with a newline cannot be printed one per line unambiguously,
	 * so it is never deleted: in every mode, so that the preview is what
	 * --delete does. */
	for (size_t i = 0; i < nbk; i++)
		if (bk[i].del && strchr(bk[i].name, '\n')) {
			bk[i].del = 0;
			bk[i].flags |= F_NEWLINE;
		}
}

/* The first safety rule the plan breaks, or NULL. */
static const char *
refusal(char *buf, size_t size)
{
	size_t ndel = 0, kept = 0;

	for (size_t i = 0; i < nbk; i++) {
		ndel += bk[i].del != 0;
		kept += bk[i].counted && !bk[i].del;
	}
	if (ndel && kept < opt.min_keep) {
		snprintf(buf, size, "refusing: the plan keeps %zu backup%s, fewer than --min-keep %llu",
		    kept, kept == 1 ? "" : "s", (unsigned long long)opt.min_keep);
		return buf;
	}
	if (opt.have_max_delete && ndel > opt.max_delete) {
		snprintf(buf, size, "refusing: the plan deletes %zu backups, more than --max-delete %llu",
		    ndel, (unsigned long long)opt.max_delete);
		return buf;
	}
	if (opt.have_max_ratio && nbk && (double)ndel > opt.max_ratio * (double)nbk) {
		snprintf(buf, size, "refusing: the plan deletes %zu of %zu backups, more than --max-delete-ratio %g",
		    ndel, nbk, opt.max_ratio);
		return buf;
	}
	return NULL;
}

/* A name for display: control characters (newlines, tabs) shown as '?',
 * as ls -q does, so that every report line is one backup. */
static const char *
display(const char *name, char *buf, size_t size)
{
	size_t o = 0;

	for (; *name && o + 1 < size; name++)
		buf[o++] = (unsigned char)*name < 0x20 || *name == 0x7f ? '?' : *name;
	buf[o] = 0;
	return buf;
}

static void
why(const struct backup *b, char *buf, size_t size)
{
	size_t o;

	retention_reasons(b->reasons, buf, size);
	o = strlen(buf);
	if (b->flags & F_NEWEST)
		o += (size_t)snprintf(buf + o, size - o, "%snewest", o ? "," : "");
	if (b->flags & F_NO_TIME)
		o += (size_t)snprintf(buf + o, size - o, "%sno-time", o ? "," : "");
	if ((b->flags & F_SMALL) && !b->del)
		o += (size_t)snprintf(buf + o, size - o, "%ssmall", o ? "," : "");
	if (b->flags & F_NEWLINE)
		o += (size_t)snprintf(buf + o, size - o, "%snewline-in-name", o ? "," : "");
	if ((b->flags & F_LOCKED) && b->lock_mode && b->lock_until > opt.now) {
		char until[32];

		nametime_format(until, sizeof until, b->lock_until);
		o += (size_t)snprintf(buf + o, size - o, "%slocked(%s until %s)", o ? "," : "", b->lock_mode, until);
	}
	if ((b->flags & F_LOCKED) && b->hold)
		o += (size_t)snprintf(buf + o, size - o, "%slegal-hold", o ? "," : "");
	if (b->flags & F_FUTURE)
		snprintf(buf + o, size - o, "%sfuture", o ? "," : "");
}

static int
by_time(const void *a, const void *b)
{
	const struct backup *x = *(const struct backup *const *)a, *y = *(const struct backup *const *)b;

	if (x->has_time != y->has_time)
		return x->has_time ? -1 : 1;
	return x->t > y->t ? -1 : x->t < y->t;
}

static void
explain(FILE *f)
{
	struct backup **v = xcalloc(nbk ? nbk : 1, sizeof *v);
	char when[32], reasons[256], size[24], shown[4096];

	for (size_t i = 0; i < nbk; i++)
		v[i] = &bk[i];
	qsort(v, nbk, sizeof *v, by_time);
	/* With --log-format=json every line on stderr is a JSON object: the
	 * table becomes a log line per backup. */
	if (!log_is_json())
		fprintf(f, "%-6s  %-20s  %12s  %-40s  %s\n", "ACTION", "TIME (UTC)", "SIZE", "NAME", "WHY");
	for (size_t i = 0; i < nbk; i++) {
		const struct backup *b = v[i];

		if (b->has_time)
			nametime_format(when, sizeof when, b->t);
		else
			snprintf(when, sizeof when, "-");
		why(b, reasons, sizeof reasons);
		if (b->has_size)
			snprintf(size, sizeof size, "%llu", (unsigned long long)b->size);
		else
			snprintf(size, sizeof size, "-");
		if (log_is_json())
			log_info("%s %s (time %s, size %s)%s%s", b->del ? "delete" : "keep",
			    display(b->name, shown, sizeof shown), when, size, *reasons ? ": " : "", reasons);
		else
			fprintf(f, "%-6s  %-20s  %12s  %-40s  %s\n", b->del ? "DELETE" : "KEEP", when, size,
			    display(b->name, shown, sizeof shown), reasons);
	}
	free(v);
}

static void
json_out(const char *refused)
{
	char esc[8192], when[32], reasons[256];
	int first = 1;

	printf("{\"refused\":");
	if (refused) {
		log_json_escape(esc, 0, sizeof esc, refused);
		printf("\"%s\"", esc);
	} else {
		printf("null");
	}
	printf(",\"backups\":[");
	for (size_t i = 0; i < nbk; i++) {
		const struct backup *b = &bk[i];

		log_json_escape(esc, 0, sizeof esc, b->name);
		why(b, reasons, sizeof reasons);
		printf("%s{\"name\":\"%s\",\"action\":\"%s\"", first ? "" : ",", esc,
		    b->del && !refused ? "delete" : "keep");
		first = 0;
		if (b->has_time) {
			nametime_format(when, sizeof when, b->t);
			printf(",\"time\":\"%s\",\"time_from\":\"%s\"", when, b->time_from);
		}
		if (b->has_size)
			printf(",\"size\":%llu", (unsigned long long)b->size);
		printf(",\"reasons\":[");
		for (char *p = reasons, *q; *p; p = q) {
			q = strchr(p, ',');
			printf("%s\"%.*s\"", p == reasons ? "" : ",", (int)(q ? q - p : (long)strlen(p)), p);
			q = q ? q + 1 : p + strlen(p);
		}
		printf("]}");
	}
	printf("]}\n");
}

static int
delete_planned(int dfd)
{
	char shown[4096];
	int failed = 0;

	for (size_t i = 0; i < nbk; i++) {
		struct backup *b = &bk[i];
		struct stat st;

		if (!b->del)
			continue;
		if (sig_caught())
			sig_exit();
		/* Re-check: what we delete must still be a regular file. st
		 * means something only when fstatat succeeded. */
		if (fstatat(dfd, b->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT) {
				log_warn("%s/%s: gone or replaced since the listing; left alone", opt.dir, b->name);
			} else {
				log_error("cannot check %s/%s before deleting it: %s", opt.dir, b->name, strerror(errno));
				failed++;
			}
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			log_warn("%s/%s: gone or replaced since the listing; left alone", opt.dir, b->name);
			continue;
		}
		if (unlinkat(dfd, b->name, 0) < 0) {
			if (errno == ENOENT) {
				log_warn("%s/%s: already gone", opt.dir, b->name);
				continue;
			}
			log_error("cannot delete %s/%s: %s", opt.dir, b->name, strerror(errno));
			failed++;
			continue;
		}
		if (opt.null)
			printf("%s/%s%c", opt.dir, b->name, '\0');
		else
			printf("%s/%s\n", opt.dir, display(b->name, shown, sizeof shown));
	}
	return failed;
}

/* Options and operands, all checked before any I/O. */
static void
parse_args(int argc, char **argv)
{
	struct retention_policy *p = &opt.policy;
	int c;

	opt.pattern = "*";
	opt.min_keep = 1;
	opt.now = (int64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "0vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_LAST: p->count[RET_LAST] = count_arg("--keep-last", optarg); break;
		case O_HOURLY: p->count[RET_HOURLY] = count_arg("--keep-hourly", optarg); break;
		case O_DAILY: p->count[RET_DAILY] = count_arg("--keep-daily", optarg); break;
		case O_WEEKLY: p->count[RET_WEEKLY] = count_arg("--keep-weekly", optarg); break;
		case O_MONTHLY: p->count[RET_MONTHLY] = count_arg("--keep-monthly", optarg); break;
		case O_YEARLY: p->count[RET_YEARLY] = count_arg("--keep-yearly", optarg); break;
		case O_WITHIN: duration_arg("--keep-within", optarg, &p->within); break;
		case O_W_HOURLY: duration_arg("--keep-within-hourly", optarg, &p->within_period[RET_W_HOURLY]); break;
		case O_W_DAILY: duration_arg("--keep-within-daily", optarg, &p->within_period[RET_W_DAILY]); break;
		case O_W_WEEKLY: duration_arg("--keep-within-weekly", optarg, &p->within_period[RET_W_WEEKLY]); break;
		case O_W_MONTHLY: duration_arg("--keep-within-monthly", optarg, &p->within_period[RET_W_MONTHLY]); break;
		case O_W_YEARLY: duration_arg("--keep-within-yearly", optarg, &p->within_period[RET_W_YEARLY]); break;
		case O_PATTERN: opt.pattern = optarg; break;
		case O_TIME_FORMAT: opt.time_format = optarg; break;
		case O_USE_MTIME: opt.use_mtime = 1; break;
		case O_TZ:
			if (nametime_zone_parse(optarg, &p->zone) < 0)
				opt_usage_error("--tz: '%s' is not UTC, local, or +HH:MM/-HH:MM", optarg);
			break;
		case O_NOW:
			if (nametime_rfc3339(optarg, &opt.now) < 0)
				opt_usage_error("--now: '%s' is not an RFC 3339 time", optarg);
			break;
		case O_MIN_KEEP: opt.min_keep = opt_uint("--min-keep", optarg, 0, 1000000000); break;
		case O_MIN_SIZE: opt.min_size = opt_size("--min-size", optarg); opt.have_min_size = 1; break;
		case O_DELETE_SMALL: opt.delete_small = 1; break;
		case O_MAX_DELETE:
			opt.max_delete = opt_uint("--max-delete", optarg, 0, UINT64_MAX);
			opt.have_max_delete = 1;
			break;
		case O_MAX_RATIO: {
			char *end;

			opt.max_ratio = strtod(optarg, &end);
			if (*end || end == optarg || !(opt.max_ratio >= 0 && opt.max_ratio <= 1))
				opt_usage_error("--max-delete-ratio: '%s' is not a number from 0 to 1", optarg);
			opt.have_max_ratio = 1;
			break;
		}
		case O_DELETE: opt.delete = 1; break;
		case O_CHECK: opt.check = 1; break;
		case '0': opt.null = 1; break;
		case 'v': opt.explain = 1; break;
		case O_JSON: opt.json = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option or missing argument");
		}
	}
	if (argc - optind > 1)
		opt_usage_error("one DIR at most");
	if (optind < argc && strcmp(argv[optind], "-") != 0)
		opt.dir = argv[optind];
	if (retention_policy_empty(p))
		opt_usage_error("no policy given: refusing to decide anything (use --keep-*)");
	if (opt.delete && !opt.dir)
		opt_usage_error("--delete works on a DIR only; for stdin names, pipe the output to s3rm or xargs");
	if (opt.delete && opt.check)
		opt_usage_error("--delete and --check contradict each other");
	if (opt.delete_small && !opt.have_min_size)
		opt_usage_error("--delete-small needs --min-size");
	if (opt.use_mtime && !opt.dir)
		opt_usage_error("--use-mtime works on a DIR only");
	if (opt.time_format && !strchr(opt.time_format, '%'))
		opt_usage_error("--time-format: '%s' has no %% field", opt.time_format);
}

int
main(int argc, char **argv)
{
	char refbuf[256];
	const char *refused;
	int dfd = -1, failed = 0;
	size_t ndel = 0, nfuture = 0, notime = 0;

	log_init(argv[0]);
	parse_args(argc, argv);

	sig_setup();
	if (opt.dir)
		read_dir(opt.dir, &dfd);
	else
		read_stdin();
	date_all();
	plan();
	refused = refusal(refbuf, sizeof refbuf);

	for (size_t i = 0; i < nbk; i++) {
		ndel += bk[i].del != 0;
		nfuture += (bk[i].flags & F_FUTURE) != 0;
		notime += (bk[i].flags & F_NO_TIME) != 0;
	}
	if (notime)
		log_warn("%zu name%s without a time: never deleted (see --time-format, --use-mtime)",
		    notime, notime == 1 ? "" : "s");
	if (nfuture)
		log_warn("%zu backup%s dated in the future: kept, and counted neither as the newest nor toward"
		    " the keep rules or --min-keep (check their names or clocks)",
		    nfuture, nfuture == 1 ? "" : "s");
	if (opt.explain)
		explain(stderr);
	if (opt.json)
		json_out(refused);
	if (refused) {
		if (fflush(stdout) == EOF)
			die_errno(EX_IOERR, "write to stdout");
		die(EX_NEGATIVE, "%s; nothing deleted", refused);
	}
	if (opt.delete) {
		failed = delete_planned(dfd);
	} else if (!opt.json) {
		for (size_t i = 0; i < nbk; i++) {
			if (!bk[i].del)
				continue;
			if (opt.dir) {
				fputs(opt.dir, stdout);
				putchar('/');
			}
			fputs(bk[i].name, stdout);
			putchar(opt.null ? '\0' : '\n');
		}
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die_errno(EX_IOERR, "write to stdout");
	if (failed)
		die(EX_IOERR, "%d of %zu deletions failed", failed, ndel);
	if (opt.check && ndel)
		return EX_NEGATIVE;
	return EX_OK;
}
