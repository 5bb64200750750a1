/* Diagnostics and the suite-wide exit codes.
 *
 * Every message is one line on stderr, "prog: what failed: why", or with
 * --log-format=json one JSON object per line with the fields time, prog,
 * level and msg. Lines are written with a single write(2) so that lines from
 * worker threads never interleave. In text, control characters in a message
 * show as \n, \r, \t or \xNN, so that a name or a server's text can
 * neither split a line nor drive the terminal. */
#ifndef PGOPS_LOG_H
#define PGOPS_LOG_H

#include <stdarg.h>

/* The exit codes of DESIGN.md. Never 2: Docker reserves it in HEALTHCHECK. */
enum {
	EX_OK = 0,
	EX_NEGATIVE = 1,     /* unhealthy, corrupt, pending, would-delete */
	EX_USAGE = 64,
	EX_DATAERR = 65,     /* bad input data */
	EX_NOINPUT = 66,     /* input missing */
	EX_UNAVAILABLE = 69, /* service unavailable: cannot connect */
	EX_SOFTWARE = 70,    /* internal error */
	EX_CANTCREAT = 73,   /* cannot create output */
	EX_IOERR = 74,
	EX_TEMPFAIL = 75,    /* worth retrying: lock timeout, throttling */
	EX_NOPERM = 77,      /* permission or authentication refused */
	EX_CONFIG = 78
};

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* The program name used as the prefix of every line. */
extern const char *log_prog;

void log_init(const char *prog);
/* "text" or "json"; returns -1 for anything else. */
int log_set_format(const char *name);
int log_is_json(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)

/* Print the message and exit with code ex. die_errno appends ": strerror". */
_Noreturn void die(int ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_errno(int ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s to the JSON string being built in buf (without quotes), escaping
 * as RFC 8259 requires, each byte that is not part of well-formed UTF-8 as
 * \ufffd; returns the new length, never past cap - 1 nor inside a
 * character. */
size_t log_json_escape(char *buf, size_t len, size_t cap, const char *s);

#endif
