/* The AWS shared credentials and config files: INI sections ([name] or
 * [profile name]) of "key = value" lines, '#' and ';' comments, keys
 * case-insensitive as the AWS tools treat them. Nested (indented) settings
 * such as "s3 =\n  endpoint_url = ..." are read as section.key. */
#ifndef PGOPS_INI_H
#define PGOPS_INI_H

#include <stddef.h>

/* Looks up key in [section] of the text buf. 1 found (value copied,
 * trimmed), 0 absent, -1 the value does not fit in cap. */
int ini_get(const char *buf, size_t n, const char *section, const char *key, char *out, size_t cap);

#endif
