#include "opt.h"
#include "s3.h"

int
s3_opt(struct s3_opts *o, int c, const char *arg)
{
	switch (c) {
	case S3O_ENDPOINT: o->endpoint = arg; return 1;
	case S3O_REGION:
		opt_header_value("--region", arg);
		o->region = arg;
		return 1;
	case S3O_PROFILE: o->profile = arg; return 1;
	case S3O_CACERT: o->cacert = arg; return 1;
	case S3O_PATH_STYLE: o->path_style = 1; return 1;
	case S3O_VIRTUAL_HOST: o->virtual_host = 1; return 1;
	case S3O_INSECURE: o->insecure = 1; return 1;
	case S3O_RETRIES: o->retries = (int)opt_uint("--retries", arg, 0, 100); return 1;
	case S3O_TIMEOUT:
		o->timeout_ms = opt_duration_ms("--timeout", arg);
		if (o->timeout_ms == 0)
			opt_usage_error("--timeout must be more than 0");
		return 1;
	}
	return 0;
}

void
s3_opts_check(const struct s3_opts *o)
{
	if (o->path_style && o->virtual_host)
		opt_usage_error("--path-style and --virtual-host contradict each other");
	if (o->insecure && o->cacert)
		opt_usage_error("--insecure and --cacert contradict each other");
}

uint64_t
s3_bwlimit_parse(const struct s3_opts *o, const char *arg, uint64_t piece, const char *what)
{
	uint64_t rate = opt_size("--bwlimit", arg), timeout = o->timeout_ms ? o->timeout_ms : 300000;

	if (rate < 1024)
		opt_usage_error("--bwlimit must be at least 1KiB (a second)");
	/* A request's deadline runs while the limit holds its bytes back. */
	if (piece / rate * 1000 + (piece % rate) * 1000 / rate >= timeout)
		opt_usage_error("--bwlimit %s: a %s of %llu bytes takes %llu s at that rate, longer than --timeout "
		    "(%llu s); give a longer --timeout or a smaller %s", arg, what, (unsigned long long)piece,
		    (unsigned long long)(piece / rate), (unsigned long long)(timeout / 1000), what);
	return rate;
}
