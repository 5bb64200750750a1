/* A minimal TAP producer for the C unit tests of lib/. */
#ifndef PGOPS_TAP_H
#define PGOPS_TAP_H

#include <stddef.h>

void tap_plan(int n);
/* Returns cond, so callers can add diagnostics on failure. */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_is_str(const char *got, const char *want, const char *name);
int tap_is_int(long long got, long long want, const char *name);
int tap_is_mem(const void *got, size_t gn, const void *want, size_t wn, const char *name);
/* Exit status: 0 when every test passed and the plan was met. */
int tap_done(void);

#endif
