/* Reading one string member from a flat JSON object, as the container and
 * instance credential endpoints send them ({"AccessKeyId": "...", ...}).
 * The whole text is checked as JSON on the way (strings, numbers, literals,
 * nesting), so a truncated or malformed answer is an error, not a partial
 * credential. */
#ifndef PGOPS_JSON_H
#define PGOPS_JSON_H

#include <stddef.h>

/* Finds the top-level member `name` whose value is a string and copies the
 * decoded value to out. 1 found, 0 absent (or not a string), -1 malformed
 * JSON or a value longer than cap - 1. */
int json_get_string(const char *buf, size_t n, const char *name, char *out, size_t cap);

#endif
