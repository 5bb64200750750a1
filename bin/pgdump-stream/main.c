/* pgdump-stream: a consistent plain SQL dump of one PostgreSQL database,
 * streamed to stdout or a file, optionally gzip-compressed on several
 * cores, ending with the completion trailer that readers check.
 *
 * Consistency is pg_dump's: one REPEATABLE READ READ ONLY transaction (or
 * SERIALIZABLE DEFERRABLE, or an imported snapshot), ACCESS SHARE locks on
 * every dumped table before the catalog is read, and the same session
 * settings. Anything that goes wrong exits non-zero before the trailer is
 * written, and with -f no file appears under its name. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "dumpfilter.h"
#include "io.h"
#include "log.h"
#include "opt.h"
#include "outfile.h"
#include "pgdump.h"
#include "pool.h"
#include "sig.h"
#include "sql.h"
#include "xmem.h"

static const char usage[] =
"usage: pgdump-stream [options] [CONNINFO|URL]\n"
"Write a consistent plain SQL dump of one PostgreSQL database to stdout,\n"
"ending with a completion trailer. Without CONNINFO: DATABASE_URL, else PG*.\n"
"\n"
"      --globals                  the cluster's roles, memberships, role settings and\n"
"                                 tablespaces instead of a database\n"
"      --no-role-passwords        with --globals: no password hashes\n"
"      --dbname NAME              dump database NAME of the server CONNINFO names\n"
"      --list-databases           print the names of the databases a whole-cluster backup\n"
"                                 dumps (those that take connections, not templates)\n"
"  -C, --create                   begin with the database itself (CREATE DATABASE, owner,\n"
"                                 settings, privileges); pgrestore-stream then restores\n"
"                                 into it from any database of the cluster\n"
"  -f, --file FILE                write to FILE (under a temporary name until complete;\n"
"                                 mode 0600 with --globals)\n"
"  -Z, --compress LEVEL           gzip, LEVEL 1-12 (6 is gzip -6; 0: none)\n"
"  -j, --jobs N                   N sessions read table rows (default 1), and N\n"
"                                 compression threads unless --compress-threads\n"
"      --compress-threads N       compression threads (default: CPUs, or -j's N)\n"
"  -n, --schema PATTERN           only schemas matching PATTERN (repeatable)\n"
"  -N, --exclude-schema PATTERN   not schemas matching PATTERN (repeatable)\n"
"  -t, --table PATTERN            only tables, views, sequences matching PATTERN\n"
"  -T, --exclude-table PATTERN    not tables matching PATTERN (repeatable)\n"
"  -e, --extension PATTERN        only extensions matching PATTERN (repeatable)\n"
"      --exclude-extension PATTERN  not extensions matching PATTERN (repeatable)\n"
"      --filter FILE              include/exclude commands from FILE, as pg_dump's (- for stdin)\n"
"      --strict-names             every -n, -t and -e pattern must match something\n"
"      --exclude-table-data PATTERN  the table's definition but not its rows\n"
"  -s, --schema-only              definitions only, no rows\n"
"  -a, --data-only                rows and sequence values only\n"
"  -O, --no-owner                 no ALTER ... OWNER TO\n"
"  -x, --no-privileges            no GRANT or REVOKE\n"
"      --no-comments              no COMMENT ON\n"
"      --no-tablespaces           no tablespaces: objects in one go to the default\n"
"      --no-table-access-method   no USING for tables: they get the default method\n"
"      --no-publications          no publications\n"
"      --no-subscriptions         no subscriptions\n"
"      --no-security-labels       no security labels\n"
"  -c, --clean                    DROP each object before creating it\n"
"      --if-exists                with -c: DROP ... IF EXISTS\n"
"      --serializable-deferrable  wait for a snapshot free of serialization anomalies\n"
"      --snapshot NAME            dump as of the exported snapshot NAME\n"
"      --lock-wait-timeout DURATION  give up on a table lock after DURATION (default 60s)\n"
"      --timeout DURATION         give up when the server is silent for DURATION (default 10m)\n"
"      --skip-unsupported         dump without objects the role cannot read, listing them\n"
"      --stats FILE               rows, bytes, tables and duration in Prometheus text format\n"
"      --progress                 show progress even when stderr is not a terminal\n"
"      --log-format FORMAT        messages on stderr as text (default) or json\n"
"  -h, --help                     show this help and exit\n"
"      --version                  show the version and exit\n"
"\n"
"Exit status: 0 complete dump, 64 usage or a pattern matching nothing, 65\n"
"objects it cannot read or a query refused, 69 cannot connect or connection\n"
"lost, 73 cannot create FILE, 74 write error, 75 lock wait timed out, 77\n"
"permission denied, 78 bad connection settings, 128+N killed by signal N.\n";

enum {
	O_EXCLUDE_DATA = 256, O_IF_EXISTS, O_SERIALIZABLE, O_SNAPSHOT, O_LOCK_WAIT, O_TIMEOUT,
	O_SKIP_UNSUPPORTED, O_STATS, O_PROGRESS, O_LOG_FORMAT, O_VERSION, O_NO_COMMENTS, O_NO_TABLESPACES,
	O_NO_TABLE_AM, O_EXCLUDE_EXTENSION, O_NO_PUBLICATIONS, O_NO_SUBSCRIPTIONS, O_NO_SECURITY_LABELS, O_FILTER,
	O_STRICT_NAMES, O_GLOBALS, O_NO_ROLE_PASSWORDS, O_LIST_DATABASES, O_DBNAME,
	O_COMPRESS_THREADS
};


static const struct option longopts[] = {
	{ "globals", no_argument, NULL, O_GLOBALS },
	{ "no-role-passwords", no_argument, NULL, O_NO_ROLE_PASSWORDS },
	{ "create", no_argument, NULL, 'C' },
	{ "list-databases", no_argument, NULL, O_LIST_DATABASES },
	{ "dbname", required_argument, NULL, O_DBNAME },
	{ "file", required_argument, NULL, 'f' },
	{ "compress", required_argument, NULL, 'Z' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "compress-threads", required_argument, NULL, O_COMPRESS_THREADS },
	{ "schema", required_argument, NULL, 'n' },
	{ "exclude-schema", required_argument, NULL, 'N' },
	{ "table", required_argument, NULL, 't' },
	{ "exclude-table", required_argument, NULL, 'T' },
	{ "extension", required_argument, NULL, 'e' },
	{ "exclude-extension", required_argument, NULL, O_EXCLUDE_EXTENSION },
	{ "filter", required_argument, NULL, O_FILTER },
	{ "strict-names", no_argument, NULL, O_STRICT_NAMES },
	{ "exclude-table-data", required_argument, NULL, O_EXCLUDE_DATA },
	{ "schema-only", no_argument, NULL, 's' },
	{ "data-only", no_argument, NULL, 'a' },
	{ "no-owner", no_argument, NULL, 'O' },
	{ "no-privileges", no_argument, NULL, 'x' },
	{ "clean", no_argument, NULL, 'c' },
	{ "if-exists", no_argument, NULL, O_IF_EXISTS },
	{ "serializable-deferrable", no_argument, NULL, O_SERIALIZABLE },
	{ "snapshot", required_argument, NULL, O_SNAPSHOT },
	{ "lock-wait-timeout", required_argument, NULL, O_LOCK_WAIT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "no-comments", no_argument, NULL, O_NO_COMMENTS },
	{ "no-tablespaces", no_argument, NULL, O_NO_TABLESPACES },
	{ "no-table-access-method", no_argument, NULL, O_NO_TABLE_AM },
	{ "no-publications", no_argument, NULL, O_NO_PUBLICATIONS },
	{ "no-subscriptions", no_argument, NULL, O_NO_SUBSCRIPTIONS },
	{ "no-security-labels", no_argument, NULL, O_NO_SECURITY_LABELS },
	{ "skip-unsupported", no_argument, NULL, O_SKIP_UNSUPPORTED },
	{ "stats", required_argument, NULL, O_STATS },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *file, *snapshot, *stats, *dbname, *conninfo;
	int level, jobs, jobs_given, threads, serializable, skip_unsupported, progress, globals, no_role_passwords, create, list;
	uint64_t lock_wait_ms, timeout_ms;
} opt = { .level = 0, .lock_wait_ms = 60000, .timeout_ms = 600000 };

static struct dumpopt dopt;

static void
push(const char ***v, int *n, const char *s)
{
	*v = xrealloc(*v, ((size_t)*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

/* --filter FILE: each command becomes the option it stands for; a line
 * that is not one is a usage error naming the file and line. */
static void
read_filter(const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long ln = 0;

	if (!f)
		die_errno(EX_NOINPUT, "cannot open %s", file);
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct dumpfilter_cmd c;
		char err[256];
		int rc = dumpfilter_line(line, (size_t)n, &c, err, sizeof err);
		const char *pat;

		ln++;
		if (rc < 0)
			opt_usage_error("%s:%lu: %s", file, ln, err);
		if (rc == 0)
			continue;
		pat = xstrdup(c.pattern);
		switch (c.kind) {
		case DF_TABLE:
			c.include ? push(&dopt.f.tables, &dopt.f.ntables, pat) : push(&dopt.f.xtables, &dopt.f.nxtables, pat);
			break;
		case DF_SCHEMA:
			c.include ? push(&dopt.f.schemas, &dopt.f.nschemas, pat) :
			    push(&dopt.f.xschemas, &dopt.f.nxschemas, pat);
			break;
		case DF_TABLE_DATA:
			push(&dopt.f.xdata, &dopt.f.nxdata, pat);
			break;
		case DF_EXTENSION:
			c.include ? push(&dopt.f.exts, &dopt.f.nexts, pat) : push(&dopt.f.xexts, &dopt.f.nxexts, pat);
			break;
		}
	}
	if (ferror(f))
		die_errno(EX_IOERR, "read %s", file);
	free(line);
	if (f != stdin)
		fclose(f);
}

/* Patterns are checked before any I/O: a schema pattern has no dot, a
 * table pattern at most one. */
static void
check_patterns(const char **pats, int n, int schema)
{
	struct sbuf s = { 0 }, t = { 0 };

	for (int i = 0; i < n; i++)
		if (sql_pattern(pats[i], &s, &t) < 0 || (schema && s.len))
			opt_usage_error("improper qualified name (too many dotted names): %s", pats[i]);
	sbuf_free(&s);
	sbuf_free(&t);
}

/* Copy s with control characters made visible, for comment lines. */
static void
safe_comment(struct sbuf *b, const char *s)
{
	for (; *s; s++)
		sbuf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* ACCESS SHARE locks on every dumped table, in batches, each wait bounded
 * by lock_timeout: a table being altered makes the dump fail with 75
 * rather than wait forever or dump a table mid-change. The names come from
 * the snapshot's catalog rows, never regclass (which reads the current
 * catalog and prints a bare OID for a table dropped since the snapshot):
 * a table dropped in that gap fails its LOCK by name, with 75. */
static void
lock_tables(const struct pgq *q, struct catalog *cat)
{
	struct sbuf sql = { 0 };

	for (int i = 0; i < cat->nlock; i += 500) {
		PGresult *r;

		sbuf_reset(&sql);
		sbuf_puts(&sql, "select 'LOCK TABLE ' || string_agg('ONLY ' || quote_ident(n.nspname) || '.' ||"
		    " quote_ident(c.relname), ', ') || ' IN ACCESS SHARE MODE'"
		    " from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
		    " where c.oid = any('{");
		for (int k = i; k < cat->nlock && k < i + 500; k++)
			sbuf_printf(&sql, "%s%u", k > i ? "," : "", cat->lock[k]);
		sbuf_puts(&sql, "}'::oid[])");
		r = pgq_rows(q, sql.s, "cannot name the tables to lock");
		pgq_cmd(q, PQgetvalue(r, 0, 0), "cannot lock the tables to dump");
		PQclear(r);
	}
	sbuf_free(&sql);
}

/* A session of the dump: its settings, and its transaction, on the
 * snapshot named (NULL: its own). A session of -j's imports the main
 * session's at REPEATABLE READ, as the server requires of an import. */
static void
session_setup(const struct pgq *sq, const char *snapshot, int worker)
{
	PGconn *c = sq->pc->conn;
	struct sbuf q = { 0 };
	PGresult *r;

	pgq_cmd(sq, "SELECT pg_catalog.set_config('search_path', '', false)", "session setup");
	r = pgq_rows(sq, "select pg_encoding_to_char(encoding) from pg_database where datname = current_database()",
	    "session setup");
	if (PQsetClientEncoding(c, PQgetvalue(r, 0, 0)) != 0)
		die(EX_SOFTWARE, "cannot set client_encoding to %s", PQgetvalue(r, 0, 0));
	PQclear(r);
	/* TimeZone UTC: rows read the same whatever the server's zone, so a
	 * restore drill elsewhere can compare their checksums. */
	sbuf_printf(&q, "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3;"
	    " SET TimeZone = 'UTC'; SET bytea_output = hex;"
	    " SET synchronize_seqscans = off; SET standard_conforming_strings = on;"
	    " SET quote_all_identifiers = off; SET row_security = off;"
	    " SET idle_in_transaction_session_timeout = 0;"
	    " SET statement_timeout = %llu; SET lock_timeout = %llu%s",
	    (unsigned long long)opt.timeout_ms, (unsigned long long)opt.lock_wait_ms,
	    PQserverVersion(c) >= 140000 ? "; SET idle_session_timeout = 0" : "");
	pgq_cmd(sq, q.s, "session setup");
	pgq_cmd(sq, opt.serializable && !worker ? "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE" :
	    "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "cannot start the dump's transaction");
	if (snapshot) {
		sbuf_reset(&q);
		sbuf_puts(&q, "SET TRANSACTION SNAPSHOT ");
		sql_literal(&q, snapshot);
		pgq_cmd(sq, q.s, "cannot import the snapshot");
	}
	sbuf_free(&q);
}

static void settings(struct out *o, PGconn *c);

/* -j: the rows on opt.jobs more sessions, each on the main session's
 * snapshot (which it exports, or the one --snapshot named). */
static void
sessions_dump(const struct pgq *q, struct catalog *cat, struct out *o)
{
	struct pg_conn *pcs = xcalloc((size_t)opt.jobs, sizeof *pcs);
	char err[2048], snap[128];
	PGresult *r;
	int code;

	if (opt.snapshot) {
		snprintf(snap, sizeof snap, "%s", opt.snapshot);
	} else {
		r = pgq_rows(q, "select pg_catalog.pg_export_snapshot()", "cannot export the dump's snapshot for -j");
		snprintf(snap, sizeof snap, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	for (int i = 0; i < opt.jobs; i++) {
		struct pgq wq = { &pcs[i], q->timeout_ms, EX_UNAVAILABLE, q->vanished_exit };

		if ((code = pg_connect(&pcs[i], opt.conninfo, err, sizeof err)) != 0)
			die(code, "session %d of %d: %s", i + 1, opt.jobs, err);
		session_setup(&wq, snap, 1);
		pgq_cmd(&wq, "SET statement_timeout = 0", "session setup");
	}
	pdata_dump(q, cat, o, opt.timeout_ms, pcs, opt.jobs);
	free(pcs);
}

static void
header(struct out *o, const struct pg_conn *pc)
{
	PGconn *c = pc->conn;
	struct sbuf b = { 0 };
	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (opt.globals) {
		sbuf_printf(&b, "--\n-- pgdump-stream %s globals dump of the cluster", PGOPS_VERSION);
	} else {
		sbuf_printf(&b, "--\n-- pgdump-stream %s dump of database ", PGOPS_VERSION);
		safe_comment(&b, PQdb(c));
	}
	sbuf_puts(&b, " on ");
	safe_comment(&b, pc->host);
	sbuf_printf(&b, ":%s (server %s), started %s\n--\n\n", pc->port, PQparameterStatus(c, "server_version"), when);
	if (opt.create) {
		/* before any statement: pgrestore-stream knows from here that
		 * the database is made by the dump (createdb.c) */
		sbuf_puts(&b, "-- pgops-create: database ");
		sql_literal(&b, PQdb(c));
		sbuf_puts(&b, "\n\n");
	}
	out_write(o, b.s, b.len);
	sbuf_free(&b);
	settings(o, c);
}

/* The session settings a restore runs the dump with: at its start, and
 * again in the database a --create dump makes, on the new connection. */
static void
settings(struct out *o, PGconn *c)
{
	struct sbuf b = { 0 };

	sbuf_puts(&b, "SET statement_timeout = 0;\nSET lock_timeout = 0;\n"
	    "SET idle_in_transaction_session_timeout = 0;\nSET client_encoding = ");
	sql_literal(&b, pg_encoding_to_char(PQclientEncoding(c)));
	sbuf_puts(&b, ";\nSET standard_conforming_strings = on;\n"
	    "SELECT pg_catalog.set_config('search_path', '', false);\n"
	    "SET check_function_bodies = false;\nSET xmloption = content;\n");
	/* A globals dump's NOTICEs say which roles it created (globals.c). */
	sbuf_puts(&b, opt.globals ? "" : "SET client_min_messages = warning;\nSET row_security = off;\n"
	    "SET default_tablespace = '';\nSET default_table_access_method = heap;\n");
	out_write(o, b.s, b.len);
	sbuf_free(&b);
}

static void
write_stats(const struct catalog *cat, const struct out *o, double seconds)
{
	struct outfile f;
	struct sbuf b = { 0 };
	unsigned long long rows = 0;

	for (int i = 0; i < cat->ndata; i++)
		rows += cat->data[i].rows;
	sbuf_printf(&b, "# HELP pgdump_stream_rows_total Rows dumped.\n# TYPE pgdump_stream_rows_total gauge\n"
	    "pgdump_stream_rows_total %llu\n"
	    "# HELP pgdump_stream_bytes_total Bytes of SQL dumped, before compression.\n"
	    "# TYPE pgdump_stream_bytes_total gauge\npgdump_stream_bytes_total %llu\n"
	    "# HELP pgdump_stream_tables_total Tables whose rows were dumped.\n"
	    "# TYPE pgdump_stream_tables_total gauge\npgdump_stream_tables_total %d\n"
	    "# HELP pgdump_stream_duration_seconds Time the dump took.\n"
	    "# TYPE pgdump_stream_duration_seconds gauge\npgdump_stream_duration_seconds %.3f\n"
	    "# HELP pgdump_stream_last_success_timestamp_seconds When the last complete dump ended.\n"
	    "# TYPE pgdump_stream_last_success_timestamp_seconds gauge\n"
	    "pgdump_stream_last_success_timestamp_seconds %lld\n"
	    "# HELP pgdump_stream_table_rows Rows dumped per table.\n# TYPE pgdump_stream_table_rows gauge\n",
	    rows, (unsigned long long)o->bytes, cat->ndata, seconds, (long long)time(NULL));
	for (int i = 0; i < cat->ndata; i++) {
		const char *parts[2] = { cat->data[i].schema, cat->data[i].name };

		sbuf_puts(&b, "pgdump_stream_table_rows{schema=\"");
		for (int p = 0; p < 2; p++) {
			sbuf_label(&b, parts[p]);
			sbuf_puts(&b, p == 0 ? "\",table=\"" : "\"}");
		}
		sbuf_printf(&b, " %llu\n", (unsigned long long)cat->data[i].rows);
	}
	sbuf_puts(&b, "# HELP pgdump_stream_table_seconds Time from a table's first rows asked for to its last rows read.\n"
	    "# TYPE pgdump_stream_table_seconds gauge\n");
	for (int i = 0; i < cat->ndata; i++) {
		const struct tdata *d = &cat->data[i];

		sbuf_puts(&b, "pgdump_stream_table_seconds{schema=\"");
		sbuf_label(&b, d->schema);
		sbuf_puts(&b, "\",table=\"");
		sbuf_label(&b, d->name);
		sbuf_printf(&b, "\"} %.3f\n", d->t_end > d->t_start ? (double)(d->t_end - d->t_start) / 1000.0 : 0.0);
	}
	if (outfile_open(&f, opt.stats, 0644) < 0)
		die_errno(EX_CANTCREAT, "cannot create %s", opt.stats);
	if (io_write_all(f.fd, b.s, b.len) < 0 || outfile_commit(&f) < 0)
		die_errno(EX_IOERR, "write to %s", opt.stats);
	sbuf_free(&b);
}

/* --list-databases: one name a line, for scripts that back up every
 * database (share/examples/pg-backup.sh). A name with a newline would
 * read as two, so it is refused. */
static int
list_databases(const char *conninfo)
{
	struct pg_conn pc;
	struct pgq q = { &pc, opt.timeout_ms, EX_UNAVAILABLE, 0 };
	char err[2048];
	PGresult *r;
	int code;

	if ((code = pg_connect(&pc, conninfo, err, sizeof err)) != 0)
		die(code, "%s", err);
	r = pgq_rows(&q, "select datname from pg_catalog.pg_database where datallowconn and not datistemplate"
	    " order by 1", "cannot list the databases");
	for (int i = 0; i < PQntuples(r); i++) {
		const char *n = PQgetvalue(r, i, 0);

		if (strpbrk(n, "\n\r"))
			die(EX_DATAERR, "a database name holds a line break; list the databases by hand");
		printf("%s\n", n);
	}
	if (fflush(stdout) != 0)
		die_errno(EX_IOERR, "write to stdout");
	PQclear(r);
	pg_close(&pc);
	return 0;
}

/* Options and operands, all checked before any I/O. */
static void
parse_args(int argc, char **argv)
{
	int c;

	opt.jobs = 1;
	while ((c = getopt_long(argc, argv, "f:Z:j:n:N:t:T:e:saOxchC", longopts, NULL)) != -1) {
		switch (c) {
		case O_GLOBALS: opt.globals = 1; break;
		case O_NO_ROLE_PASSWORDS: opt.no_role_passwords = 1; break;
		case 'C': opt.create = 1; break;
		case O_LIST_DATABASES: opt.list = 1; break;
		case O_DBNAME:
			if (!*optarg)
				opt_usage_error("--dbname needs a name");
			opt.dbname = optarg;
			break;
		case 'f': opt.file = optarg; break;
		case 'Z': opt.level = (int)opt_uint("-Z", optarg, 0, 12); break;
		case 'j':
			/* -j once meant compression threads only: scripts that
			 * give it keep those, and now read rows on N sessions */
			opt.jobs = (int)opt_uint("-j", optarg, 1, 256);
			opt.jobs_given = 1;
			break;
		case O_COMPRESS_THREADS: opt.threads = (int)opt_uint("--compress-threads", optarg, 1, 256); break;
		case 'n': push(&dopt.f.schemas, &dopt.f.nschemas, optarg); break;
		case 'N': push(&dopt.f.xschemas, &dopt.f.nxschemas, optarg); break;
		case 't': push(&dopt.f.tables, &dopt.f.ntables, optarg); break;
		case 'T': push(&dopt.f.xtables, &dopt.f.nxtables, optarg); break;
		case 'e': push(&dopt.f.exts, &dopt.f.nexts, optarg); break;
		case O_EXCLUDE_EXTENSION: push(&dopt.f.xexts, &dopt.f.nxexts, optarg); break;
		case O_FILTER: read_filter(optarg); break;
		case O_STRICT_NAMES: dopt.strict_names = 1; break;
		case O_EXCLUDE_DATA: push(&dopt.f.xdata, &dopt.f.nxdata, optarg); break;
		case 's': dopt.schema_only = 1; break;
		case 'a': dopt.data_only = 1; break;
		case 'O': dopt.no_owner = 1; break;
		case 'x': dopt.no_privileges = 1; break;
		case O_NO_COMMENTS: dopt.no_comments = 1; break;
		case O_NO_TABLESPACES: dopt.no_tablespaces = 1; break;
		case O_NO_TABLE_AM: dopt.no_table_am = 1; break;
		case O_NO_PUBLICATIONS: dopt.no_publications = 1; break;
		case O_NO_SUBSCRIPTIONS: dopt.no_subscriptions = 1; break;
		case O_NO_SECURITY_LABELS: dopt.no_security_labels = 1; break;
		case 'c': dopt.clean = 1; break;
		case O_IF_EXISTS: dopt.if_exists = 1; break;
		case O_SERIALIZABLE: opt.serializable = 1; break;
		case O_SNAPSHOT: opt.snapshot = optarg; break;
		case O_LOCK_WAIT: opt.lock_wait_ms = opt_duration_ms("--lock-wait-timeout", optarg); break;
		case O_TIMEOUT: opt.timeout_ms = opt_duration_ms("--timeout", optarg); break;
		case O_SKIP_UNSUPPORTED: opt.skip_unsupported = 1; break;
		case O_STATS: opt.stats = optarg; break;
		case O_PROGRESS: opt.progress = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	if (argc - optind > 1)
		opt_usage_error("one database at a time (got %d operands)", argc - optind);
	opt.conninfo = optind < argc ? argv[optind] : NULL;
	if (opt.dbname && (opt.globals || opt.list))
		opt_usage_error("--dbname names the database to dump: not with --globals or --list-databases");
	if (opt.dbname && !(opt.conninfo = pg_conninfo_with(opt.conninfo, "dbname", opt.dbname)))
		die(EX_CONFIG, "invalid connection settings");
	check_patterns(dopt.f.schemas, dopt.f.nschemas, 1);
	check_patterns(dopt.f.xschemas, dopt.f.nxschemas, 1);
	check_patterns(dopt.f.tables, dopt.f.ntables, 0);
	check_patterns(dopt.f.xtables, dopt.f.nxtables, 0);
	check_patterns(dopt.f.xdata, dopt.f.nxdata, 0);
	check_patterns(dopt.f.exts, dopt.f.nexts, 1);
	check_patterns(dopt.f.xexts, dopt.f.nxexts, 1);
	if (dopt.schema_only && dopt.data_only)
		opt_usage_error("-s/--schema-only and -a/--data-only cannot be used together");
	if (dopt.clean && dopt.data_only)
		opt_usage_error("-c/--clean and -a/--data-only cannot be used together");
	if (dopt.if_exists && !dopt.clean)
		opt_usage_error("--if-exists requires -c/--clean");
	if (opt.serializable && opt.snapshot)
		opt_usage_error("--serializable-deferrable and --snapshot cannot be used together");
	if (opt.lock_wait_ms == 0 || opt.timeout_ms == 0)
		opt_usage_error("timeouts must be longer than 0");
	if (opt.list && (opt.globals || opt.create || opt.file || opt.level))
		opt_usage_error("--list-databases prints names only: no --globals, -C, -f or -Z");
	if (opt.create && (opt.globals || dopt.data_only || dopt.clean))
		opt_usage_error("-C/--create cannot be used with --globals, -a/--data-only or -c/--clean");
	if (opt.no_role_passwords && !opt.globals)
		opt_usage_error("--no-role-passwords goes with --globals");
	if (opt.globals && (dopt.f.nschemas || dopt.f.nxschemas || dopt.f.ntables || dopt.f.nxtables || dopt.f.nexts ||
	    dopt.f.nxexts || dopt.f.nxdata || dopt.schema_only || dopt.data_only || dopt.clean || dopt.no_owner ||
	    dopt.no_table_am || dopt.no_publications || dopt.no_subscriptions || opt.skip_unsupported || opt.stats))
		opt_usage_error("--globals dumps the cluster's globals only: no -n, -N, -t, -T, -e, --filter, "
		    "--exclude-table-data, -s, -a, -c, -O, --stats or options of database objects");
	if (!opt.file && isatty(1) && opt.level > 0)
		opt_usage_error("will not write compressed data to a terminal (use -f FILE or a pipe)");
}

int
main(int argc, char **argv)
{
	struct catalog cat = { 0 };
	struct pg_conn pc;
	struct pgq q = { &pc, 0, EX_UNAVAILABLE, 0 };
	struct progress prog;
	struct out *o;
	char err[2048];
	int code, npre = 0, threads;
	uint64_t start = deadline_now();

	log_init("pgdump-stream");
	parse_args(argc, argv);

	sig_setup();
	if (opt.list)
		return list_databases(opt.conninfo);
	o = xcalloc(1, sizeof *o);
	/* The output first: a FILE that cannot be created fails before any
	 * work, and its temporary name exists for the whole dump. */
	progress_init(&prog, "dump", 0, opt.progress);
	threads = opt.threads ? opt.threads : opt.jobs_given ? opt.jobs : pool_cpus();
	out_open(o, opt.file, opt.globals ? 0600 : 0644, opt.level, threads > 1 ? threads : 0, &prog);
	if ((code = pg_connect(&pc, opt.conninfo, err, sizeof err)) != 0)
		die(code, "%s", err);
	if (PQserverVersion(pc.conn) < 120000)
		die(EX_CONFIG, "%s:%s runs PostgreSQL %s; pgdump-stream needs 12 or later", pc.host, pc.port,
		    PQparameterStatus(pc.conn, "server_version"));
	/* The server ends a statement that outlives --timeout itself (75);
	 * our own deadline is a backstop for one that does not answer (69). */
	q.timeout_ms = opt.timeout_ms + PGQ_BACKSTOP_MS;
	session_setup(&q, opt.snapshot, 0);
	/* From the snapshot on, an object that vanishes under the dump is a
	 * concurrent DDL: 75, which the CronJob's podFailurePolicy retries. */
	q.vanished_exit = EX_TEMPFAIL;
	if (opt.globals) {
		struct globopt g = { opt.no_role_passwords, dopt.no_tablespaces, dopt.no_comments, dopt.no_security_labels,
			dopt.no_privileges };

		header(o, &pc);
		globals_dump(&q, o, &g, PQserverVersion(pc.conn));
		pgq_cmd(&q, "COMMIT", "cannot end the dump's transaction");
		out_puts(o, "\n");
		out_finish(o);
		progress_end(&prog, o->bytes);
		pg_close(&pc);
		free(o);
		return 0;
	}
	cat.q = &q;
	cat.opt = &dopt;
	cat.server_version = PQserverVersion(pc.conn);
	catalog_select_tables(&cat);
	lock_tables(&q, &cat);
	catalog_load(&cat);
	if (cat.nunsupported) {
		if (!opt.skip_unsupported) {
			log_error("the database holds %d object(s) pgdump-stream cannot dump:", cat.nunsupported);
			fputs(sbuf_str(&cat.unsupported), stderr);
			die(EX_DATAERR, "refusing an incomplete dump (--skip-unsupported dumps the rest)");
		}
		for (char *s = cat.unsupported.s, *nl; s && *s; s = nl + 1) {
			nl = strchr(s, '\n');
			*nl = 0;
			log_warn("skipped: %s", s);
		}
	}
	order_objects(&cat);
	if (!dopt.data_only && !dopt.schema_only)
		order_early(&cat);
	for (int i = 0; i < cat.nobj; i++)
		npre += cat.obj[i].sect == SECT_PRE;

	header(o, &pc);
	if (opt.create) {
		createdb_dump(&q, o, &dopt, cat.server_version);
		settings(o, pc.conn);
	}
	if (dopt.clean)
		for (int i = cat.nobj - 1; i >= 0; i--)
			if (cat.obj[cat.order[i]].drop)
				out_puts(o, cat.obj[cat.order[i]].drop);
	if (!dopt.data_only)
		for (int i = 0; i < npre; i++) {
			if (!cat.obj[cat.order[i]].create)
				continue; /* made by another object (an identity sequence) */
			out_puts(o, "\n");
			out_puts(o, cat.obj[cat.order[i]].create);
		}
	if (!dopt.schema_only) {
		/* COPY can run for hours; only the client-side stall limit applies. */
		pgq_cmd(&q, "SET statement_timeout = 0", "session setup");
		if (opt.jobs > 1 && cat.ndata > 1)
			sessions_dump(&q, &cat, o);
		else
			data_dump(&q, &cat, o, opt.timeout_ms);
		out_puts(o, "\n");
		data_sequences(&q, &cat, o);
		/* Large objects belong to the whole database (pg_dump leaves
		 * them out with -n, -t or -e too). */
		if (!dopt.f.nschemas && !dopt.f.ntables && !dopt.f.nexts)
			data_large_objects(&q, &cat, o);
	}
	/* Post-data, then privileges, then what pg_dump restores after them:
	 * materialized views are refreshed by owners who may need those
	 * grants, and event triggers would fire on the restore's own DDL. */
	if (!dopt.data_only)
		for (int i = npre; i < cat.nobj; i++) {
			const struct dobj *d = &cat.obj[cat.order[i]];

			if (!d->create || d->prio == P_EVENT_TRIGGER || d->early)
				continue; /* holds privileges only (pg_catalog's, an extension's), or came early */
			out_puts(o, "\n");
			out_puts(o, d->create);
		}
	if (!dopt.data_only && !dopt.no_privileges) {
		out_puts(o, "\n");
		for (int i = 0; i < cat.nobj; i++)
			if (cat.obj[cat.order[i]].acl)
				out_puts(o, cat.obj[cat.order[i]].acl);
	}
	for (int i = 0; i < cat.nobj; i++)
		if (cat.obj[cat.order[i]].refresh) {
			out_puts(o, "\n");
			out_puts(o, cat.obj[cat.order[i]].refresh);
		}
	if (!dopt.data_only)
		for (int i = npre; i < cat.nobj; i++)
			if (cat.obj[cat.order[i]].prio == P_EVENT_TRIGGER) {
				out_puts(o, "\n");
				out_puts(o, cat.obj[cat.order[i]].create);
			}
	pgq_cmd(&q, "COMMIT", "cannot end the dump's transaction");
	out_puts(o, "\n");
	out_finish(o);
	progress_end(&prog, o->bytes);
	pg_close(&pc);
	if (opt.stats)
		write_stats(&cat, o, (double)(deadline_now() - start) / 1000.0);
	catalog_free(&cat);
	free(o);
	return 0;
}
