#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

const char *log_prog = "pgops";
static int log_json;

void
log_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');
	log_prog = slash ? slash + 1 : prog;
}

int
log_set_format(const char *name)
{
	if (strcmp(name, "text") == 0)
		log_json = 0;
	else if (strcmp(name, "json") == 0)
		log_json = 1;
	else
		return -1;
	return 0;
}

int
log_is_json(void)
{
	return log_json;
}

size_t
log_json_escape(char *buf, size_t len, size_t cap, const char *s)
{
	static const char hexd[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[7];
		size_t n;

		if (c == '"' || c == '\\') {
			tmp[0] = '\\', tmp[1] = (char)c, n = 2;
		} else if (c == '\n') {
			tmp[0] = '\\', tmp[1] = 'n', n = 2;
		} else if (c == '\t') {
			tmp[0] = '\\', tmp[1] = 't', n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hexd[c >> 4], tmp[5] = hexd[c & 15], n = 6;
		} else {
			tmp[0] = (char)c, n = 1;
		}
		if (len + n >= cap)
			break;
		memcpy(buf + len, tmp, n);
		len += n;
	}
	buf[len] = 0;
	return len;
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[2048], line[4096 + 256];
	size_t n;
	int saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_json) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = (size_t)snprintf(line, sizeof line,
		    "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"prog\":\"",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
		n = log_json_escape(line, n, sizeof line - 64, log_prog);
		n += (size_t)snprintf(line + n, sizeof line - n,
		    "\",\"level\":\"%s\",\"msg\":\"", level_names[level]);
		n = log_json_escape(line, n, sizeof line - 4, msg);
		memcpy(line + n, "\"}\n", 4);
		n += 3;
	} else {
		int r = snprintf(line, sizeof line, "%s: %s%s\n", log_prog,
		    level == LOG_WARN ? "warning: " : "", msg);
		n = r < 0 ? 0 : (size_t)r;
		if (n >= sizeof line) {
			n = sizeof line - 1;
			line[n - 1] = '\n';
		}
	}
	/* One write per line; a failing stderr leaves nothing better to do. */
	if (write(2, line, n) < 0) {
	}
	errno = saved;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
die(int ex, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(ex);
}

void
die_errno(int ex, const char *fmt, ...)
{
	char msg[1024];
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_error("%s: %s", msg, strerror(e));
	exit(ex);
}
