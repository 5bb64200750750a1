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
/* --log-format=text|json */
void opt_log_format(const char *arg);

#endif
