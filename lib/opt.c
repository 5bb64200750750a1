#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "opt.h"
#include "parse.h"

void
opt_help(const char *usage)
{
	if (fputs(usage, stdout) == EOF || fflush(stdout) == EOF)
		die_errno(EX_IOERR, "write to stdout");
	exit(EX_OK);
}

void
opt_version(void)
{
	if (printf("%s (pgops) %s\n", log_prog, PGOPS_VERSION) < 0 || fflush(stdout) == EOF)
		die_errno(EX_IOERR, "write to stdout");
	exit(EX_OK);
}

void
opt_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	if (!log_is_json())
		fprintf(stderr, "Try '%s --help' for more information.\n", log_prog);
	exit(EX_USAGE);
}

uint64_t
opt_uint(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_uint(arg, max, &v) < 0 || v < min)
		opt_usage_error("%s: '%s' is not a whole number from %llu to %llu", opt,
		    arg, (unsigned long long)min, (unsigned long long)max);
	return v;
}

uint64_t
opt_size(const char *opt, const char *arg)
{
	uint64_t v;

	if (parse_size(arg, &v) < 0)
		opt_usage_error("%s: '%s' is not a size (examples: 4096, 64M, 1GiB, 500MB)",
		    opt, arg);
	return v;
}

uint64_t
opt_duration_ms(const char *opt, const char *arg)
{
	uint64_t v;

	if (parse_duration_ms(arg, &v) < 0)
		opt_usage_error("%s: '%s' is not a duration (examples: 500ms, 90s, 26h, 7d, 1h30m)",
		    opt, arg);
	return v;
}

void
opt_log_format(const char *arg)
{
	if (log_set_format(arg) < 0)
		opt_usage_error("--log-format: '%s' is not 'text' or 'json'", arg);
	/* getopt's own complaints are plain text; in JSON mode the usage
	 * error that follows them is the only line. */
	if (log_is_json())
		opterr = 0;
}

int
opt_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

void
opt_header_value(const char *opt, const char *arg)
{
	if (opt_has_control(arg))
		opt_usage_error("%s holds a control character", opt);
}
