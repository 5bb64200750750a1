/* Filter files, as pg_dump 17's --filter reads them: one command a line,
 *   { include | exclude } { table | schema | table_data | extension } PATTERN
 * blank lines and lines starting with # ignored, a # after the pattern
 * (outside double quotes) starting a comment. dumpfilter_line parses one
 * line; the caller turns commands into the matching options. */
#ifndef DUMPFILTER_H
#define DUMPFILTER_H

#include <stddef.h>

enum dumpfilter_kind { DF_TABLE, DF_SCHEMA, DF_TABLE_DATA, DF_EXTENSION };

struct dumpfilter_cmd {
	int include;               /* 1 include, 0 exclude */
	enum dumpfilter_kind kind;
	char pattern[1024];        /* the pattern as written, quotes kept */
};

/* 1 with *cmd filled, 0 for a blank or comment line, -1 with why (a
 * command that is not one of the above, a missing or too long pattern,
 * an unterminated quote) in err. line need not end in a newline. */
int dumpfilter_line(const char *line, size_t len, struct dumpfilter_cmd *cmd, char *err, size_t errlen);

#endif
