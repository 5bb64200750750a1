/* What every program does with its command line beyond getopt_long(3):
 * help, version, and option values that must parse or end in a usage error
 * (exit 64) before any I/O happens. */
#ifndef PGOPS_OPT_H
#define PGOPS_OPT_H

#include <stdint.h>

#define PGOPS_VERSION "0.1.0"

/* usage is the program's whole usage text, first line "usage: prog ...". */
_Noreturn void opt_help(const char *usage);
_Noreturn void opt_version(void);
/* "prog: message" then "Try 'prog --help'." on stderr, exit 64. */
_Noreturn void opt_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

uint64_t opt_uint(const char *opt, const char *arg, uint64_t min, uint64_t max);
uint64_t opt_size(const char *opt, const char *arg);
uint64_t opt_duration_ms(const char *opt, const char *arg);
/* A value bound for an HTTP header (or a signature): a control character
 * in it (the trailing newline a YAML block or a file gives) is a usage
 * error, never a header of its own. */
void opt_header_value(const char *opt, const char *arg);
/* 1 when s holds a byte below 0x20 or 0x7f. */
int opt_has_control(const char *s);
/* --log-format=text|json */
void opt_log_format(const char *arg);

#endif
