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

/* The length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when
 * s does not start one (RFC 3629: no overlongs, surrogates or values past
 * U+10FFFF). */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

size_t
log_json_escape(char *buf, size_t len, size_t cap, const char *s)
{
	static const char hexd[] = "0123456789abcdef";

	while (*s) {
		unsigned char c = (unsigned char)*s;
		const char *tmp;
		char t[7];
		size_t n, used = 1;

		if (c == '"' || c == '\\') {
			t[0] = '\\', t[1] = (char)c, n = 2, tmp = t;
		} else if (c == '\n') {
			tmp = "\\n", n = 2;
		} else if (c == '\t') {
			tmp = "\\t", n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(t, "\\u00", 4);
			t[4] = hexd[c >> 4], t[5] = hexd[c & 15], n = 6, tmp = t;
		} else if (c < 0x80) {
			tmp = s, n = 1;
		} else if ((used = utf8_len((const unsigned char *)s)) != 0) {
			tmp = s, n = used; /* a whole character, never cut */
		} else {
			/* JSON is UTF-8: a byte that is not (a Latin-1 file
			 * name, a key from a store) becomes U+FFFD. */
			tmp = "\\ufffd", n = 6, used = 1;
		}
		if (len + n >= cap)
			break;
		memcpy(buf + len, tmp, n);
		len += n;
		s += used;
	}
	buf[len] = 0;
	return len;
}

/* Text messages are one line and never drive the terminal: control
 * characters from names, keys and server text show as \n, \r, \t or
 * \xNN. */
static size_t
text_escape(char *buf, size_t len, size_t cap, const char *s)
{
	static const char hexd[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char t[4];
		size_t n = 2;

		if (c >= 0x20 && c != 0x7f)
			t[0] = (char)c, n = 1;
		else if (c == '\n')
			t[0] = '\\', t[1] = 'n';
		else if (c == '\r')
			t[0] = '\\', t[1] = 'r';
		else if (c == '\t')
			t[0] = '\\', t[1] = 't';
		else
			t[0] = '\\', t[1] = 'x', t[2] = hexd[c >> 4], t[3] = hexd[c & 15], n = 4;
		if (len + n >= cap)
			break;
		memcpy(buf + len, t, n);
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
		int r = snprintf(line, sizeof line, "%s: %s", log_prog, level == LOG_WARN ? "warning: " : "");

		n = text_escape(line, r < 0 ? 0 : (size_t)r, sizeof line - 1, msg);
		line[n++] = '\n';
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
