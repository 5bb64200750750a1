/* The migrations on disk. Every *.sql file in DIR must name a migration,
 * all in one format, or DIR is Prisma's: a folder per migration holding
 * migration.sql, and migration_lock.toml. Each is read whole (migrations
 * are small), the checksums its format's tool keeps taken, normalised
 * (UTF-8 BOM dropped, CRLF as LF) so that an editor's line ends do not
 * count as a change, checksummed, split into statements by the shared
 * scanner and checked before anything runs: meta-commands, transaction
 * control in a transactional file, statements that cannot run in one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enc.h"
#include "hash.h"
#include "io.h"
#include "log.h"
#include "migrate.h"
#include "sqlscan.h"
#include "xmem.h"

#define FILE_MAX (64u << 20)
#define NOTX_HEADER "-- migrate-apply:no-transaction"

const char *
files_format_name(enum mformat f)
{
	static const char *const names[] = { "none", "golang-migrate", "dbmate", "plain", "Flyway", "goose", "Prisma" };

	return names[f];
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Compare two runs of digits as numbers of any length. */
static int
num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 1 && *a == '0')
		a++, an--;
	while (bn > 1 && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

static size_t
digits(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

int
version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		size_t an = digits(a), bn = digits(b);
		int c;

		if (!an || !bn)
			return an ? 1 : bn ? -1 : strcmp(a, b);
		if ((c = num_cmp(a, an, b, bn)) != 0)
			return c;
		a += an;
		b += bn;
		/* separators . and _ are the same; a version with more
		 * segments is the later one (1.1 > 1). */
		if (*a && *b) {
			a++;
			b++;
		} else if (*a || *b) {
			return *a ? 1 : -1;
		}
	}
	return 0;
}

int
version_repeatable(const char *v)
{
	return strncmp(v, "R__", 3) == 0;
}

struct migration *
files_find(const struct mset *s, const char *version)
{
	int lo = 0, hi = s->n;

	if (version_repeatable(version)) {
		for (int i = 0; i < s->nr; i++)
			if (strcmp(s->r[i].version, version) == 0)
				return &s->r[i];
		return NULL;
	}

	/* Sorted by version: a no-op run looks up every version, and a
	 * linear search made that quadratic. */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, c = version_cmp(s->m[mid].version, version);

		if (c == 0)
			return &s->m[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

enum kind { K_NONE, K_GOLANG_UP, K_GOLANG_DOWN, K_PLAIN, K_FLYWAY, K_FLYWAY_R, K_PRISMA, K_KINDS };

/* NAME.sql as a migration name: its kind, version and title. */
static enum kind
parse_name(const char *fn, char **version, char **title)
{
	size_t n = strlen(fn), d;
	const char *sep;

	if (n < 5 || strcmp(fn + n - 4, ".sql") != 0)
		return K_NONE;
	if (version_repeatable(fn)) {
		if (n == 7)
			return K_NONE;
		*version = xstrndup(fn, n - 4);
		*title = xstrndup(fn + 3, n - 7);
		return K_FLYWAY_R;
	}
	if (fn[0] == 'V' && (sep = strstr(fn, "__")) != NULL) {
		const char *v = fn + 1;
		size_t vn = (size_t)(sep - v);

		/* digits in segments separated by single dots or underscores */
		for (size_t i = 0; i < vn; i++)
			if (!is_digit(v[i]) && (i == 0 || i + 1 == vn || (v[i] != '.' && v[i] != '_') || !is_digit(v[i - 1])))
				return K_NONE;
		if (vn == 0)
			return K_NONE;
		*version = xstrndup(v, vn);
		*title = xstrndup(sep + 2, (size_t)(fn + n - 4 - (sep + 2)));
		return K_FLYWAY;
	}
	d = strspn(fn, "0123456789");
	if (d == 0 || fn[d] != '_')
		return K_NONE;
	*version = xstrndup(fn, d);
	if (n > d + 8 && strcmp(fn + n - 7, ".up.sql") == 0) {
		*title = xstrndup(fn + d + 1, n - 7 - d - 1);
		return K_GOLANG_UP;
	}
	if (n > d + 10 && strcmp(fn + n - 9, ".down.sql") == 0) {
		*title = xstrndup(fn + d + 1, n - 9 - d - 1);
		return K_GOLANG_DOWN;
	}
	*title = xstrndup(fn + d + 1, n - 4 - d - 1);
	return K_PLAIN;
}

/* The file, normalised: no BOM, CRLF as LF, in a buffer reused from file
 * to file (valid until the next call); the checksums Prisma or Flyway
 * keep are taken of it as read, for m. A no-op run reads every file, so
 * neither a stat nor an allocation per file: they were most of its time. */
static char *
slurp(const char *path, struct migration *m, enum kind kind)
{
	static char *buf;
	static size_t cap;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, w = 0, i = 0;
	ssize_t n;

	if (fd < 0)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "cannot read %s", path);
	if (!buf) {
		cap = 65536;
		buf = xmalloc(cap + 1);
	}
	while ((n = io_read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			if (cap >= FILE_MAX)
				die(EX_DATAERR, "%s: larger than %u MiB: not a migration", path, FILE_MAX >> 20);
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	if (n < 0)
		die_errno(EX_IOERR, "read %s", path);
	close(fd);
	/* Every up file: plain files may stand beside Prisma's or Flyway's
	 * history too (adopt.c). */
	if (kind != K_NONE && kind != K_GOLANG_DOWN) {
		sums_prisma(m, buf, len);
		sums_flyway(m, buf, len);
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++)
		if (!(buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n'))
			buf[w++] = buf[i];
	buf[w] = 0;
	if (memchr(buf, 0, w))
		die(EX_DATAERR, "%s: holds a NUL byte: not SQL", path);
	return buf;
}

/* A marker line ("-- migrate:up transaction:false") at the start of a
 * line: its position, or NULL. */
static char *
marker(char *text, const char *m)
{
	size_t n = strlen(m);

	for (char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, m, n) == 0 && (p[n] == '\n' || p[n] == ' ' || p[n] == '\t' || p[n] == 0))
			return p;
	return NULL;
}

static uint64_t
line_of(const char *text, const char *p)
{
	uint64_t line = 1;

	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

/* Whether the line starting at p holds word. */
static int
line_has(const char *p, const char *word)
{
	const char *nl = strchr(p, '\n'), *w = strstr(p, word);

	return w && (!nl || w < nl);
}

static void
checksum(const char *text, char out[65])
{
	unsigned char d[32];

	sha256_buf(text, strlen(text), d);
	hex_encode(out, d, sizeof d);
	out[64] = 0;
}

/* Whether the leading comment lines of a section ask for no transaction. */
static int
header_notx(const char *sql)
{
	for (const char *p = sql; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == strlen(NOTX_HEADER) && memcmp(p, NOTX_HEADER, len) == 0)
			return 1;
		if (len && strncmp(p, "--", 2) != 0)
			return 0;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* ${NAME} placeholders, only when --var was given: every name must be. */
static char *
substitute(const char *sql, const char *path, uint64_t line0, const struct var *vars, int nvars)
{
	struct sbuf b = { 0 };

	for (const char *p = sql; *p; p++) {
		size_t n;
		int k;

		if (p[0] != '$' || p[1] != '{') {
			sbuf_putc(&b, *p);
			continue;
		}
		n = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
		if (n == 0 || p[2 + n] != '}') {
			sbuf_putc(&b, *p);
			continue;
		}
		for (k = 0; k < nvars; k++)
			if (strlen(vars[k].name) == n && memcmp(vars[k].name, p + 2, n) == 0)
				break;
		if (k == nvars)
			die(EX_DATAERR, "%s:%llu: ${%.*s} has no value (give it with --var %.*s=VALUE)", path,
			    (unsigned long long)(line0 + line_of(sql, p) - 1), (int)n, p + 2, (int)n, p + 2);
		sbuf_puts(&b, vars[k].value);
		p += n + 2;
	}
	return b.s ? sbuf_take(&b) : xstrdup("");
}

/* What a statement is when PostgreSQL refuses it in a transaction block. */
static const char *
notx_kind(const struct sqlscan *s)
{
#define W(i, w) sqlscan_word_is(s, i, w)
	int u = W(1, "unique");

	if (W(0, "create") && W(1 + u, "index") && W(2 + u, "concurrently"))
		return "CREATE INDEX CONCURRENTLY";
	if (W(0, "drop") && W(1, "index") && W(2, "concurrently"))
		return "DROP INDEX CONCURRENTLY";
	if (W(0, "reindex")) {
		for (int i = 1; i < SQLSCAN_WORDS; i++)
			if (W(i, "concurrently"))
				return "REINDEX CONCURRENTLY";
		if (W(1, "database") || W(1, "system"))
			return "REINDEX DATABASE/SYSTEM";
	}
	if (W(0, "alter") && W(1, "table") && W(-1, "concurrently"))
		return "DETACH PARTITION CONCURRENTLY";
	if (W(0, "vacuum"))
		return "VACUUM";
	if (W(0, "alter") && W(1, "system"))
		return "ALTER SYSTEM";
	if ((W(0, "create") || W(0, "drop")) && W(1, "database"))
		return "CREATE/DROP DATABASE";
	if ((W(0, "create") || W(0, "drop")) && W(1, "tablespace"))
		return "CREATE/DROP TABLESPACE";
	if ((W(0, "create") || W(0, "drop")) && W(1, "subscription"))
		return "CREATE/DROP SUBSCRIPTION";
	if (W(0, "cluster") && s->nwords == 1)
		return "CLUSTER without a table";
	return NULL;
}

/* Transaction control, which a transactional file must not hold. */
static const char *
txctl_kind(const struct sqlscan *s)
{
	if (W(0, "begin") || (W(0, "start") && W(1, "transaction")))
		return "BEGIN";
	if (W(0, "commit") || W(0, "end") || (W(0, "prepare") && W(1, "transaction")))
		return "COMMIT";
	if ((W(0, "rollback") && !W(1, "to")) || W(0, "abort"))
		return "ROLLBACK";
	return NULL;
#undef W
}

static void
take(struct msection *sec, struct sqlscan *sc, enum sqlscan_event ev, int *cap)
{
	uint64_t line = sec->line + sc->item_line - 1;
	struct mstmt *st;

	if (ev == SQLSCAN_META)
		die(EX_DATAERR, "%s:%llu: psql meta-command %.40s: migrations are SQL only", sec->path,
		    (unsigned long long)line, sc->text);
	if (ev == SQLSCAN_TOOLONG)
		die(EX_DATAERR, "%s:%llu: a statement longer than 1 GiB", sec->path, (unsigned long long)line);
	if (ev != SQLSCAN_STMT)
		return;
	if (sec->nst == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		sec->st = xrealloc(sec->st, (size_t)*cap * sizeof *sec->st);
	}
	st = &sec->st[sec->nst++];
	st->sql = xstrdup(sc->stmt.s);
	st->line = line;
	st->col = 1;
	for (uint64_t k = sc->item_off; k > 0 && sec->sql[k - 1] != '\n'; k--)
		st->col++;
	st->notx = notx_kind(sc);
	if (sec->tx && txctl_kind(sc))
		die(EX_DATAERR, "%s:%llu: %s in a transactional migration: migrate-apply runs each file in "
		    "a transaction of its own (remove it, or mark the file %s)", sec->path,
		    (unsigned long long)line, txctl_kind(sc), NOTX_HEADER);
}

static void
split(struct msection *sec)
{
	struct sqlscan sc;
	const char *open = NULL;
	size_t n = strlen(sec->sql), used;
	enum sqlscan_event ev;
	int cap = 0;

	sqlscan_init(&sc);
	for (size_t off = 0; off < n; off += used)
		take(sec, &sc, sqlscan_feed(&sc, sec->sql + off, n - off, &used), &cap);
	while ((ev = sqlscan_finish(&sc, &open)) != SQLSCAN_MORE) {
		if (ev == SQLSCAN_STMT && open)
			break;
		take(sec, &sc, ev, &cap);
		if (ev == SQLSCAN_STMT)
			break;
	}
	if (open)
		die(EX_DATAERR, "%s:%llu: the file ends inside %s", sec->path,
		    (unsigned long long)(sec->line + sc.line - 1), open);
	sqlscan_free(&sc);
	sec->all_notx = sec->nst > 0;
	for (int i = 0; i < sec->nst; i++)
		sec->all_notx &= sec->st[i].notx != NULL;
}

/* Transactional sections must not hold what PostgreSQL refuses in a
 * transaction block; golang-migrate files made only of such statements
 * (its users' CREATE INDEX CONCURRENTLY files) run without one, as they
 * did there. */
static void
check_tx(struct msection *sec, enum mformat fmt)
{
	if (!sec->tx)
		return;
	if (fmt == FMT_GOLANG && sec->all_notx) {
		sec->tx = 0;
		return;
	}
	for (int i = 0; i < sec->nst; i++)
		if (sec->st[i].notx)
			die(EX_DATAERR, "%s:%llu: %s cannot run inside a transaction block: mark the file %s "
			    "(its statements then run one by one, progress recorded)", sec->path,
			    (unsigned long long)sec->st[i].line, sec->st[i].notx, NOTX_HEADER);
}

static void
section(struct msection *sec, char *path, char *text, uint64_t line, int tx_opt, enum mformat fmt,
    const struct var *vars, int nvars)
{
	sec->path = path;
	sec->line = line;
	sec->tx = tx_opt && !header_notx(text);
	sec->sql = nvars ? substitute(text, path, line, vars, nvars) : xstrdup(text);
	split(sec);
	check_tx(sec, fmt);
}

/* The formats that mark an up and a down section inside one file, as
 * their messages name them. */
struct marked {
	enum mformat fmt;
	const char *tool, *what, *up, *down;
};
static const struct marked dbmate_marks = {
	FMT_DBMATE, "dbmate", "dbmate markers", "-- migrate:up", "-- migrate:down"
};
static const struct marked goose_marks = {
	FMT_GOOSE, "goose", "goose annotations", "-- +goose Up", "-- +goose Down"
};

/* A file of format k, with an up marker line (up) and perhaps a down one
 * after it (down, or NULL): the directory's format must allow it, then
 * the up section is the lines between them, the down section the lines
 * after down; tx says whether each runs in a transaction. The checksum is
 * the up section's. */
static void
marked_sections(struct mset *s, const struct marked *k, struct migration *m, char *path, char *text, char *up,
    char *down, int up_tx, int down_tx, const struct var *vars, int nvars)
{
	char *upl, *downl = NULL;

	if (s->fmt != k->fmt && s->fmt != FMT_PLAIN)
		die(EX_DATAERR, "%s: %s among %s migrations", path, k->what, files_format_name(s->fmt));
	if (s->fmt == FMT_PLAIN && s->n > 1)
		die(EX_DATAERR, "%s: %s, but %s before it has none", path, k->what, s->m[0].up.path);
	s->fmt = k->fmt;
	if (!up)
		die(EX_DATAERR, "%s: no %s line (the other files are %s's)", path, k->up, k->tool);
	if (down && down < up)
		die(EX_DATAERR, "%s: %s comes before %s", path, k->down, k->up);
	upl = strchr(up, '\n');
	upl = upl ? upl + 1 : up + strlen(up);
	if (down) {
		downl = strchr(down, '\n');
		downl = downl ? downl + 1 : down + strlen(down);
		*down = 0; /* the up section ends there */
	}
	checksum(upl, m->checksum);
	section(&m->up, path, upl, line_of(text, upl), up_tx, s->fmt, vars, nvars);
	if (down) {
		*down = '-';
		m->has_down = 1;
		section(&m->down, path, downl, line_of(text, downl), down_tx, s->fmt, vars, nvars);
	}
}

/* goose's annotation line "-- +goose WORD" (goose writes Up, Down, NO
 * TRANSACTION, StatementBegin, StatementEnd; the case of WORD does not
 * matter, as in goose): its position, or NULL. */
static char *
goose_marker(char *text, const char *word)
{
	size_t n = strlen(word);

	for (char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *q = p;

		if (strncmp(q, "--", 2) != 0)
			continue;
		for (q += 2; *q == ' ' || *q == '\t'; q++)
			;
		if (strncmp(q, "+goose", 6) != 0)
			continue;
		for (q += 6; *q == ' ' || *q == '\t'; q++)
			;
		if (strncasecmp(q, word, n) == 0 && (q[n] == '\n' || q[n] == ' ' || q[n] == '\t' || q[n] == 0))
			return p;
	}
	return NULL;
}

/* A goose file: the up section between -- +goose Up and -- +goose Down,
 * the down section after it, both without a transaction when the file
 * says -- +goose NO TRANSACTION. StatementBegin and StatementEnd need
 * nothing here: they are comments, and the statement splitter already
 * keeps quoted and dollar-quoted bodies and BEGIN ... END blocks whole. */
static void
goose_sections(struct mset *s, struct migration *m, char *path, char *text, const struct var *vars, int nvars)
{
	int tx = goose_marker(text, "NO TRANSACTION") == NULL;

	marked_sections(s, &goose_marks, m, path, text, goose_marker(text, "Up"), goose_marker(text, "Down"), tx, tx,
	    vars, nvars);
}

struct entry {
	char *fn, *version, *title;
	enum kind kind;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = version_cmp(x->version, y->version);

	return c ? c : (int)x->kind - (int)y->kind;
}

static char *
join(const char *dir, const char *fn)
{
	struct sbuf b = { 0 };

	sbuf_printf(&b, "%s/%s", dir, fn);
	return sbuf_take(&b);
}

/* Prisma's migration_lock.toml names the database its migrations are
 * written for: they must be PostgreSQL's. */
static void
prisma_lock_check(const char *dir)
{
	char *path = join(dir, "migration_lock.toml"), *text, *p;
	struct migration scratch = { 0 };

	if (access(path, F_OK) != 0) {
		free(path);
		return;
	}
	text = slurp(path, &scratch, K_NONE);
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p + strspn(p, " \t"), *v;
		size_t n;

		if (strncmp(q, "provider", 8) != 0)
			continue;
		q += 8;
		q += strspn(q, " \t");
		if (*q != '=')
			continue;
		q++;
		q += strspn(q, " \t");
		if (*q != '"' || !(v = strchr(q + 1, '"')))
			break;
		n = (size_t)(v - q - 1);
		if (n != 10 || memcmp(q + 1, "postgresql", 10) != 0)
			die(EX_DATAERR, "%s: provider is \"%.*s\": these migrations are not written for PostgreSQL", path,
			    (int)(n > 64 ? 64 : n), q + 1);
		free(path);
		return;
	}
	die(EX_DATAERR, "%s: no provider = \"postgresql\" line: not Prisma's lock file as Prisma writes it", path);
}

/* A folder of DIR as a Prisma migration (TIMESTAMP_NAME/migration.sql):
 * 1 with its entry filled, 0 when it is no migration's folder. A
 * TIMESTAMP_NAME folder without migration.sql is an error beside Prisma's
 * lock file (strict), and any other folder of another tool's directory. */
static int
prisma_entry(const char *dir, const char *name, unsigned char type, int strict, struct entry *x)
{
	char *sub = join(dir, name), *file;
	struct stat st;
	size_t d = strspn(name, "0123456789");
	int has;

	if (name[0] == '.' || (type != DT_DIR && type != DT_UNKNOWN && type != DT_LNK) ||
	    stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(sub);
		return 0;
	}
	file = join(sub, "migration.sql");
	has = stat(file, &st) == 0;
	free(file);
	free(sub);
	if (d == 0 || name[d] != '_' || !name[d + 1]) {
		if (has)
			die(EX_DATAERR, "%s/%s: not a migration folder's name (Prisma's are TIMESTAMP_NAME)", dir, name);
		return 0;
	}
	if (!has && strict)
		die(EX_DATAERR, "%s/%s: a migration folder without migration.sql", dir, name);
	if (!has)
		return 0;
	x->kind = K_PRISMA;
	x->version = xstrndup(name, d);
	x->title = xstrdup(name + d + 1);
	x->fn = join(name, "migration.sql");
	return 1;
}

/* A Prisma migration's folder may hold down.sql, the SQL that reverts it
 * (Prisma's documented way of writing one): down runs it. */
static void
prisma_down(struct migration *m, const char *dir, const struct var *vars, int nvars)
{
	struct sbuf b = { 0 };
	char *path;

	sbuf_printf(&b, "%s/%s_%s/down.sql", dir, m->version, m->name);
	path = sbuf_take(&b);
	if (access(path, F_OK) != 0) {
		free(path);
		return;
	}
	m->has_down = 1;
	section(&m->down, path, slurp(path, m, K_NONE), 1, 1, FMT_PRISMA, vars, nvars);
}

void
files_load(struct mset *s, const char *dir, const struct var *vars, int nvars)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct entry *e = NULL;
	int ne = 0, cap = 0, kinds[K_KINDS] = { 0 }, strict;

	memset(s, 0, sizeof *s);
	s->dir = dir;
	if (!d)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "migrations directory %s", dir);
	{
		char *lock = join(dir, "migration_lock.toml");

		strict = access(lock, F_OK) == 0;
		free(lock);
	}
	while ((de = readdir(d)) != NULL) {
		struct entry x = { 0 };
		size_t n = strlen(de->d_name);

		if (prisma_entry(dir, de->d_name, de->d_type, strict, &x)) {
			/* taken */
		} else if (n < 4 || strcmp(de->d_name + n - 4, ".sql") != 0) {
			continue;
		} else if ((x.kind = parse_name(de->d_name, &x.version, &x.title)) == K_NONE) {
			die(EX_DATAERR, "%s/%s: not a migration name (VERSION_NAME.sql, VERSION_NAME.up.sql, "
			    "VVERSION__NAME.sql, R__NAME.sql)", dir, de->d_name);
		} else {
			x.fn = xstrdup(de->d_name);
		}
		kinds[x.kind]++;
		if (ne == cap) {
			cap = cap ? cap * 2 : 64;
			e = xrealloc(e, (size_t)cap * sizeof *e);
		}
		e[ne++] = x;
	}
	closedir(d);
	int flyway = kinds[K_FLYWAY] + kinds[K_FLYWAY_R], golang = kinds[K_GOLANG_UP] + kinds[K_GOLANG_DOWN];

	if ((flyway && ne != flyway) || (kinds[K_PRISMA] && ne != kinds[K_PRISMA]) || (golang && kinds[K_PLAIN]))
		die(EX_DATAERR, "%s: migrations of more than one format (%d Flyway, %d golang-migrate, %d Prisma, %d other)",
		    dir, flyway, golang, kinds[K_PRISMA], kinds[K_PLAIN]);
	s->fmt = flyway ? FMT_FLYWAY : golang ? FMT_GOLANG : kinds[K_PRISMA] ? FMT_PRISMA : FMT_PLAIN;
	if (s->fmt == FMT_PRISMA || s->fmt == FMT_PLAIN)
		prisma_lock_check(dir);
	if (ne > 1) /* an empty directory: e is NULL, which qsort may not be given */
		qsort(e, (size_t)ne, sizeof *e, entry_cmp);
	s->m = xcalloc((size_t)ne + 1, sizeof *s->m);
	s->r = xcalloc((size_t)kinds[K_FLYWAY_R] + 1, sizeof *s->r);
	for (int i = 0; i < ne; i++) {
		struct migration *m;
		char *path = join(dir, e[i].fn), *text;

		if (e[i].kind == K_FLYWAY_R) {
			/* sorted by name: version_cmp orders R__ names as strings */
			m = &s->r[s->nr++];
			m->version = e[i].version;
			m->name = e[i].title;
			m->repeatable = 1;
		} else if (s->n && version_cmp(s->m[s->n - 1].version, e[i].version) == 0) {
			m = &s->m[s->n - 1];
			if (!(s->fmt == FMT_GOLANG && e[i].kind == K_GOLANG_DOWN && !m->has_down && m->up.path))
				die(EX_DATAERR, "%s: version %s is taken twice (%s)", dir, e[i].version, e[i].fn);
			free(e[i].version);
			free(e[i].title);
		} else {
			m = &s->m[s->n++];
			m->version = e[i].version;
			m->name = e[i].title;
		}
		text = slurp(path, m, e[i].kind);
		if (e[i].kind == K_GOLANG_DOWN && !m->up.path)
			die(EX_DATAERR, "%s: a down migration without its up file", path);
		if (e[i].kind == K_PLAIN && (s->fmt == FMT_GOOSE || goose_marker(text, "Up"))) {
			goose_sections(s, m, path, text, vars, nvars);
		} else if (e[i].kind == K_PLAIN && (s->fmt == FMT_DBMATE || marker(text, "-- migrate:up"))) {
			char *up = marker(text, "-- migrate:up"), *down = marker(text, "-- migrate:down");

			marked_sections(s, &dbmate_marks, m, path, text, up, down, up && !line_has(up, "transaction:false"),
			    down && !line_has(down, "transaction:false"), vars, nvars);
		} else if (e[i].kind == K_GOLANG_DOWN) {
			m->has_down = 1;
			section(&m->down, path, text, 1, 1, s->fmt, vars, nvars);
		} else {
			if (s->fmt == FMT_DBMATE || s->fmt == FMT_GOOSE) {
				const struct marked *k = s->fmt == FMT_DBMATE ? &dbmate_marks : &goose_marks;

				die(EX_DATAERR, "%s: no %s line (the other files are %s's)", path, k->up, k->tool);
			}
			checksum(text, m->checksum);
			section(&m->up, path, text, 1, 1, s->fmt, vars, nvars);
			if (e[i].kind == K_PRISMA)
				prisma_down(m, dir, vars, nvars);
		}
		free(e[i].fn);
	}
	free(e);
}
