/* migrate-apply lint: lib/sqllint's rules over the migrations' up
 * sections, offline. A statement on a table created earlier in the same
 * file is exempt: the table is new and empty. A line comment
 * "-- migrate-apply:lint-ok [RULE...]" on the statement's first line or the
 * line before silences it (all rules, or those named). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrate.h"
#include "sbuf.h"
#include "sqllint.h"
#include "xmem.h"

/* The file's lines, for the lint-ok comments. */
static char **
file_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "re");
	char **lines = NULL, *line = NULL;
	size_t cap = 0, len = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (getline(&line, &cap, f) >= 0) {
		if (*n == len) {
			len = len ? len * 2 : 64;
			lines = xrealloc(lines, len * sizeof *lines);
		}
		lines[(*n)++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	return lines;
}

/* The rules a lint-ok comment on line (from 1) silences: all bits, those
 * named, or 0 when the line has none. */
static unsigned
silenced(char **lines, size_t n, uint64_t line)
{
	const char *c;
	unsigned mask = 0;
	int named = 0;

	if (line < 1 || line > n || !(c = strstr(lines[line - 1], "-- migrate-apply:lint-ok")))
		return 0;
	c += strlen("-- migrate-apply:lint-ok");
	for (int i = 0; i < SQLLINT_N; i++) {
		const char *p = strstr(c, sqllint_rules[i].name);
		size_t l = strlen(sqllint_rules[i].name);

		if (p && (p[l] == 0 || isspace((unsigned char)p[l]) || p[l] == ',')) {
			mask |= 1u << i;
			named = 1;
		}
	}
	return named ? mask : ~0u;
}

int
lint_run(const struct mset *s, int json)
{
	int warnings = 0;

	for (int i = 0; i < s->n + s->nr; i++) {
		const struct msection *sec = i < s->n ? &s->m[i].up : &s->r[i - s->n].up;
		char (*created)[128] = NULL;
		int ncreated = 0;
		size_t nlines;
		char **lines = file_lines(sec->path, &nlines);

		for (int k = 0; k < sec->nst; k++) {
			const struct mstmt *st = &sec->st[k];
			char t[128];
			int creates;
			unsigned bad = sqllint_statement(st->sql, t, sizeof t, &creates);

			if (creates) {
				created = xrealloc(created, (size_t)(ncreated + 1) * sizeof *created);
				snprintf(created[ncreated++], sizeof *created, "%s", t);
				continue;
			}
			if (!bad)
				continue;
			for (int c = 0; t[0] && c < ncreated; c++)
				if (strcmp(created[c], t) == 0)
					bad = 0; /* a table this file made: empty, nothing to lock out */
			bad &= ~(silenced(lines, nlines, st->line) | silenced(lines, nlines, st->line - 1));
			for (int r = 0; r < SQLLINT_N; r++) {
				if (!(bad & (1u << r)))
					continue;
				warnings++;
				if (json) {
					struct sbuf j = { 0 };

					sbuf_puts(&j, "{\"file\":");
					sbuf_json(&j, sec->path);
					sbuf_printf(&j, ",\"line\":%llu,\"rule\":", (unsigned long long)st->line);
					sbuf_json(&j, sqllint_rules[r].name);
					sbuf_puts(&j, ",\"why\":");
					sbuf_json(&j, sqllint_rules[r].why);
					sbuf_puts(&j, "}\n");
					fputs(j.s, stdout);
					sbuf_free(&j);
				} else {
					printf("%s:%llu: %s: %s\n", sec->path, (unsigned long long)st->line, sqllint_rules[r].name,
					    sqllint_rules[r].why);
				}
			}
		}
		for (size_t l = 0; l < nlines; l++)
			free(lines[l]);
		free(lines);
		free(created);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die_errno(EX_IOERR, "write to stdout");
	log_msg(LOG_INFO, "lint: %d warning(s) in %d migration(s) of %s", warnings, s->n + s->nr, s->dir);
	return warnings;
}
