/* pgrestore-stream: restore a plain SQL dump (pgdump-stream's or pg_dump's,
 * gzip or not) into a PostgreSQL database without psql, statement by
 * statement as it is read, with safety rails around the target and a
 * check that the dump was complete; or, with --drill, restore it into a
 * scratch database and prove that every table came back as dumped. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "age.h"
#include "deadline.h"
#include "gz.h"
#include "io.h"
#include "log.h"
#include "opt.h"
#include "outfile.h"
#include "pgrestore.h"
#include "pool.h"
#include "sig.h"
#include "sql.h"
#include "xmem.h"

static const char usage[] =
"usage: pgrestore-stream [options] [CONNINFO|URL] [FILE]\n"
"Restore a plain SQL dump (pgdump-stream or pg_dump; gzip is detected) into\n"
"a PostgreSQL database, statement by statement, COPY data streamed. Without\n"
"CONNINFO: DATABASE_URL, else PG*. Without FILE, or with -: stdin. A single\n"
"operand is CONNINFO when it holds '=' or '://', else FILE.\n"
"\n"
"  -1, --single-transaction   all or nothing: commit only a complete dump\n"
"  -j, --jobs N               N sessions: rows and index builds side by side (default 1)\n"
"      --require-trailer      refuse input without a dump's completion trailer\n"
"      --no-require-trailer   restore a dump without its trailer (incomplete)\n"
"  -c, --clean                restore over existing tables (a dump made with --clean)\n"
"      --force                restore into a database that already has tables\n"
"      --confirm DBNAME       with --force: the target database's name, as a check\n"
"      --drill                restore into a scratch database and compare every table\n"
"      --drill-db NAME        the scratch database (default pgrestore_drill_PID)\n"
"      --keep                 with --drill: keep the scratch database\n"
"      --json                 print the result as a JSON object on stdout\n"
"      --timeout DURATION     give up on a statement or the input after DURATION (default 1h)\n"
"      --stats FILE           statements, rows, bytes and duration in Prometheus text format\n"
"      --progress             show progress even when stderr is not a terminal\n"
"      --log-format FORMAT    messages on stderr as text (default) or json\n"
"  -h, --help                 show this help and exit\n"
"      --version              show the version and exit\n"
"\n"
"Exit status: 0 restored (with --drill: every table matches), 1 the drill\n"
"found a difference, 64 usage, 65 bad or incomplete dump or a statement\n"
"refused, 66 FILE missing, 69 cannot connect or connection lost, 73 the\n"
"target already has tables, the database a -C dump makes exists or the drill\n"
"database exists, 74 read error, 75 timed out, 77 permission denied, 78 bad\n"
"connection settings, 128+N killed by signal N.\n";

enum {
	O_REQUIRE = 256, O_NO_REQUIRE, O_FORCE, O_CONFIRM, O_DRILL, O_DRILL_DB, O_KEEP, O_JSON, O_TIMEOUT,
	O_STATS, O_PROGRESS, O_LOG_FORMAT, O_VERSION
};

static const struct option longopts[] = {
	{ "single-transaction", no_argument, NULL, '1' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "require-trailer", no_argument, NULL, O_REQUIRE },
	{ "no-require-trailer", no_argument, NULL, O_NO_REQUIRE },
	{ "clean", no_argument, NULL, 'c' },
	{ "force", no_argument, NULL, O_FORCE },
	{ "confirm", required_argument, NULL, O_CONFIRM },
	{ "drill", no_argument, NULL, O_DRILL },
	{ "drill-db", required_argument, NULL, O_DRILL_DB },
	{ "keep", no_argument, NULL, O_KEEP },
	{ "json", no_argument, NULL, O_JSON },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "stats", required_argument, NULL, O_STATS },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *conninfo, *file, *confirm, *drill_db, *stats;
	int single, require, clean, force, drill, keep, json, progress, jobs;
	uint64_t timeout_ms;
} opt = { .require = -1, .timeout_ms = 3600000, .jobs = 1 };

static struct pg_conn admin, target, created;
/* the conninfo of the drill's database or of a -C dump's, kept for -j's
 * sessions until the end */
static char *drill_ci, *created_ci;
static uint64_t file_size;

/* The target holds tables of its own (not an extension's): restoring a
 * dump over them is what the rails are for. */
static void
before_first(struct restore *r)
{
	char size[16] = "size unknown";
	PGresult *res;
	long tables;

	if (file_size)
		progress_human(size, sizeof size, file_size);
	log_msg(LOG_INFO, "restoring %s (%s) into database %s on %s:%s%s", io_name(opt.file ? opt.file : "-"), size,
	    PQdb(r->pc->conn), r->pc->host, r->pc->port, opt.drill ? " (drill)" : "");
	log_msg(LOG_INFO, "dump: %s", r->kind == DUMP_SQL ? "plain SQL, not a dump (no dump header)" : r->source);
	/* Roles and tablespaces belong to the cluster, not to the database
	 * connected to: no tables to look for, and no scratch database holds
	 * them. */
	if (r->globals && opt.drill)
		die(EX_DATAERR, "a globals dump holds roles and tablespaces, which belong to the whole cluster: it cannot "
		    "be drilled in a scratch database (restore it into a scratch cluster)");
	if (r->create && opt.drill) {
		/* the scratch database stands for the one the dump makes */
		log_msg(LOG_INFO, "drill: the dump makes database %s (--create); restoring into %s instead",
		    r->create_db, PQdb(r->pc->conn));
		r->skip_to_connect = 1;
	} else if (r->create) {
		struct pgq q = restore_q(r);
		struct sbuf sql = { 0 };

		sbuf_puts(&sql, "select count(*) from pg_catalog.pg_database where datname = ");
		sql_literal(&sql, r->create_db);
		res = pgq_rows(&q, sql.s, "cannot look for the database the dump makes");
		tables = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
		sbuf_free(&sql);
		if (tables > 0)
			die(EX_CANTCREAT, "database %s already exists on %s:%s; a --create dump makes its database (drop it "
			    "first, or restore a dump made without -C into it)", r->create_db, r->pc->host, r->pc->port);
		log_msg(LOG_INFO, "the dump makes database %s (--create) and restores into it", r->create_db);
		r->single = 0; /* -1's transaction begins in the new database */
		return;
	}
	if (!opt.drill && !r->globals && !r->create) {
		struct pgq q = restore_q(r);

		res = pgq_rows(&q, "select count(*) from pg_catalog.pg_class c"
		    " join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
		    " where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname <> 'information_schema'"
		    " and n.nspname !~ '^pg_' and not exists (select 1 from pg_catalog.pg_depend d"
		    " where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')",
		    "cannot look at the target database");
		tables = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
		if (tables > 0 && !opt.clean && !opt.force)
			die(EX_CANTCREAT, "database %s on %s:%s already has %ld table(s), view(s) or sequence(s); refusing "
			    "to restore over them "
			    "(--clean for a dump that drops its objects first, --force --confirm %s to restore anyway)",
			    PQdb(r->pc->conn), r->pc->host, r->pc->port, tables, PQdb(r->pc->conn));
		if (tables > 0)
			log_msg(LOG_WARN, "database %s already has %ld table(s), view(s) or sequence(s); restoring over them (%s)",
			    PQdb(r->pc->conn), tables, opt.clean ? "--clean" : "--force");
	}
	if (opt.single)
		restore_exec(r, "BEGIN", "cannot start the restore's transaction");
}

/* A --create dump's "-- pgops:connect" line: on in the database it made
 * (a drill stays in its scratch database). */
static void
connect_created(struct restore *r, const char *db)
{
	char err[2048], *ci;
	int code;

	if (opt.drill) {
		r->skip_to_connect = 0;
		return;
	}
	if (strcmp(db, r->create_db) != 0)
		die(EX_DATAERR, "line %llu: the dump goes on in database %s, but it made %s", (unsigned long long)r->sc.item_line,
		    db, r->create_db);
	if (!(ci = pg_conninfo_with(opt.conninfo, "dbname", db)))
		die(EX_CONFIG, "invalid connection settings");
	code = pg_connect(&created, ci, err, sizeof err);
	if (code != 0)
		die(code, "%s", err);
	restore_switch(r, &created);
	free(created_ci);
	r->conninfo = created_ci = ci; /* -j's sessions go on there too */
	if (opt.single) {
		restore_exec(r, "BEGIN", "cannot start the restore's transaction");
		r->single = 1;
	}
}

static int
sink(void *arg, const void *buf, size_t n)
{
	restore_feed(arg, buf, n);
	return 0;
}

/* The input: read in large pieces, each wait bounded by --timeout, gzip
 * recognised by its magic bytes and inflated (and verified) on the way. */
static void
read_input(struct restore *r, struct progress *prog)
{
	static char buf[1 << 18];
	struct gz_reader gz;
	const char *name = io_name(opt.file ? opt.file : "-");
	int fd = 0, gzip = -1;
	uint64_t in = 0;
	size_t have = 0;
	ssize_t n;
	struct stat st = { 0 };

	if (opt.file && strcmp(opt.file, "-") != 0 && (fd = open(opt.file, O_RDONLY | O_CLOEXEC)) < 0)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "cannot open %s", opt.file);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		file_size = (uint64_t)st.st_size;
	prog->total = file_size;
	for (;;) {
		if (!S_ISREG(st.st_mode)) {
			int ready = deadline_poll(fd, POLLIN, deadline_in(opt.timeout_ms));

			if (sig_caught())
				restore_interrupted(r);
			if (ready == 0)
				die(EX_TEMPFAIL, "%s: no input for %llu ms", name, (unsigned long long)opt.timeout_ms);
		}
		n = io_read(fd, buf + have, sizeof buf - have);
		if (n < 0) {
			if (errno == EINTR)
				restore_interrupted(r);
			die_errno(EX_IOERR, "read %s", name);
		}
		have += (size_t)n;
		/* A pipe may hand over the first byte alone: two are needed
		 * to tell gzip (1f 8b, which a SQL dump cannot start with). */
		if (gzip < 0 && have < 2 && n > 0)
			continue;
		/* Nor can it start like an age file; enough of one to tell. */
		if (gzip < 0 && have < 40 && n > 0 && (buf[0] == 'a' || buf[0] == '-'))
			continue;
		if (gzip < 0 && age_sniff(buf, have))
			die(EX_DATAERR, "%s: encrypted with age; decrypt with agecrypt -d", name);
		if (have == 0)
			break;
		if (gzip < 0) {
			gzip = have >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b;
			if (gzip)
				gz_reader_init(&gz, pool_cpus(), 0, sink, r);
		}
		in += have;
		if (gzip) {
			if (gz_reader_feed(&gz, buf, have) != GZ_OK)
				break;
		} else {
			restore_feed(r, buf, have);
		}
		have = 0;
		progress_update(prog, in);
		if (n == 0)
			break;
	}
	if (gzip > 0) {
		if (gz.status == GZ_OK)
			gz_reader_finish(&gz);
		if (gz.status != GZ_OK)
			die(EX_DATAERR, "%s: not a valid gzip stream: %s (member %llu, byte %llu)%s", name, gz.err,
			    (unsigned long long)gz.err_member, (unsigned long long)gz.err_offset,
			    opt.single ? "; nothing was committed" : "; the database holds a partial restore");
		gz_reader_free(&gz);
	}
	if (gzip < 0)
		die(EX_DATAERR, "%s: empty input, not a dump", name);
	progress_end(prog, in);
	if (fd != 0)
		close(fd);
}

static const struct restore *by_name_r;

static int
by_name(const void *a, const void *b)
{
	const struct rtable *t = by_name_r->tab;

	return strcmp(t[*(const size_t *)a].name, t[*(const size_t *)b].name);
}

/* Each table's load time, from its first rows sent to its last rows
 * committed (a table in several COPY blocks counts from the first to the
 * last); with -j its chunks load on several sessions within that time. */
static void
table_stats(struct sbuf *b, const struct restore *r)
{
	size_t *ix = xcalloc(r->ntab ? r->ntab : 1, sizeof *ix);

	for (size_t i = 0; i < r->ntab; i++)
		ix[i] = i;
	by_name_r = r;
	qsort(ix, r->ntab, sizeof *ix, by_name);
	sbuf_puts(b, "# HELP pgrestore_stream_table_seconds Time from a table's first rows sent to its last rows committed.\n"
	    "# TYPE pgrestore_stream_table_seconds gauge\n");
	for (size_t i = 0; i < r->ntab;) {
		const struct rtable *t = &r->tab[ix[i]];
		uint64_t start = t->t_start, end = t->t_end;
		size_t k = i + 1;

		for (; k < r->ntab && strcmp(r->tab[ix[k]].name, t->name) == 0; k++) {
			const struct rtable *u = &r->tab[ix[k]];

			start = u->t_start < start ? u->t_start : start;
			end = u->t_end > end ? u->t_end : end;
		}
		sbuf_puts(b, "pgrestore_stream_table_seconds{table=\"");
		sbuf_label(b, t->name);
		sbuf_printf(b, "\"} %.3f\n", end > start ? (double)(end - start) / 1000.0 : 0.0);
		i = k;
	}
	free(ix);
}

static void
write_stats(const struct restore *r, double seconds, int drill_bad)
{
	struct outfile f;
	struct sbuf b = { 0 };

	sbuf_printf(&b, "# HELP pgrestore_stream_statements_total Statements restored.\n"
	    "# TYPE pgrestore_stream_statements_total gauge\npgrestore_stream_statements_total %llu\n"
	    "# HELP pgrestore_stream_rows_total Rows restored through COPY.\n"
	    "# TYPE pgrestore_stream_rows_total gauge\npgrestore_stream_rows_total %llu\n"
	    "# HELP pgrestore_stream_tables_total Tables whose rows were restored.\n"
	    "# TYPE pgrestore_stream_tables_total gauge\npgrestore_stream_tables_total %zu\n"
	    "# HELP pgrestore_stream_bytes_total Bytes of SQL read, after decompression.\n"
	    "# TYPE pgrestore_stream_bytes_total gauge\npgrestore_stream_bytes_total %llu\n"
	    "# HELP pgrestore_stream_duration_seconds Time the restore took.\n"
	    "# TYPE pgrestore_stream_duration_seconds gauge\npgrestore_stream_duration_seconds %.3f\n",
	    (unsigned long long)r->statements, (unsigned long long)r->rows, r->ntab, (unsigned long long)r->bytes,
	    seconds);
	table_stats(&b, r);
	if (opt.drill)
		sbuf_printf(&b, "# HELP pgrestore_stream_drill_mismatched_tables Tables the drill found different.\n"
		    "# TYPE pgrestore_stream_drill_mismatched_tables gauge\npgrestore_stream_drill_mismatched_tables %d\n",
		    drill_bad);
	if (!drill_bad)
		sbuf_printf(&b, "# HELP pgrestore_stream_last_success_timestamp_seconds When the last restore succeeded.\n"
		    "# TYPE pgrestore_stream_last_success_timestamp_seconds gauge\n"
		    "pgrestore_stream_last_success_timestamp_seconds %lld\n", (long long)time(NULL));
	if (outfile_open(&f, opt.stats, 0644) < 0)
		die_errno(EX_CANTCREAT, "cannot create %s", opt.stats);
	if (io_write_all(f.fd, b.s, b.len) < 0 || outfile_commit(&f) < 0)
		die_errno(EX_IOERR, "write to %s", opt.stats);
	sbuf_free(&b);
}

static int
looks_like_conninfo(const char *s)
{
	return strchr(s, '=') || strstr(s, "://");
}

/* Options and operands, all checked before any I/O. */
static void
parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "1cj:h", longopts, NULL)) != -1) {
		switch (c) {
		case '1': opt.single = 1; break;
		case 'j': opt.jobs = (int)opt_uint("-j", optarg, 1, 64); break;
		case O_REQUIRE: opt.require = 1; break;
		case O_NO_REQUIRE: opt.require = 0; break;
		case 'c': opt.clean = 1; break;
		case O_FORCE: opt.force = 1; break;
		case O_CONFIRM: opt.confirm = optarg; break;
		case O_DRILL: opt.drill = 1; break;
		case O_DRILL_DB: opt.drill_db = optarg; break;
		case O_KEEP: opt.keep = 1; break;
		case O_JSON: opt.json = 1; break;
		case O_TIMEOUT: opt.timeout_ms = opt_duration_ms("--timeout", optarg); break;
		case O_STATS: opt.stats = optarg; break;
		case O_PROGRESS: opt.progress = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	if (argc - optind > 2)
		opt_usage_error("at most CONNINFO and FILE (got %d operands)", argc - optind);
	if (argc - optind == 2) {
		opt.conninfo = argv[optind];
		opt.file = argv[optind + 1];
	} else if (argc - optind == 1) {
		if (looks_like_conninfo(argv[optind]))
			opt.conninfo = argv[optind];
		else
			opt.file = argv[optind];
	}
	if (opt.timeout_ms == 0)
		opt_usage_error("--timeout must be longer than 0");
	if (opt.single && opt.jobs > 1)
		opt_usage_error("-1 and -j cannot be used together: each session commits on its own");
	if (opt.force && !opt.confirm)
		opt_usage_error("--force needs --confirm DBNAME naming the target database");
	if (opt.confirm && !opt.force)
		opt_usage_error("--confirm goes with --force");
	if (opt.drill && (opt.clean || opt.force))
		opt_usage_error("--drill restores into a new database: no --clean or --force");
	if ((opt.drill_db || opt.keep) && !opt.drill)
		opt_usage_error("--drill-db and --keep go with --drill");
	if (opt.drill_db && !*opt.drill_db)
		opt_usage_error("--drill-db needs a name");
}

int
main(int argc, char **argv)
{
	struct restore r = { 0 };
	struct progress prog;
	struct sbuf json = { 0 };
	char err[2048], drill_name[64];
	const char *why = NULL;
	int code, complete, drill_bad = 0;
	uint64_t start = deadline_now();
	double secs;

	log_init("pgrestore-stream");
	parse_args(argc, argv);

	sig_setup();
	if (opt.file && strcmp(opt.file, "-") != 0 && access(opt.file, R_OK) != 0)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "cannot open %s", opt.file);
	if ((code = pg_connect(&admin, opt.conninfo, err, sizeof err)) != 0)
		die(code, "%s", err);
	if (opt.drill) {
		char *ci;

		snprintf(drill_name, sizeof drill_name, "pgrestore_drill_%ld", (long)getpid());
		drill_create(&admin, opt.drill_db ? opt.drill_db : drill_name, opt.timeout_ms, opt.keep);
		if (!(ci = pg_conninfo_with(opt.conninfo, "dbname", opt.drill_db ? opt.drill_db : drill_name)))
			die(EX_CONFIG, "invalid connection settings");
		code = pg_connect(&target, ci, err, sizeof err);
		if (code != 0)
			die(code, "%s", err);
		r.conninfo = drill_ci = ci;
	} else {
		target = admin;
		r.conninfo = opt.conninfo;
		if (opt.confirm && strcmp(opt.confirm, PQdb(target.conn)) != 0)
			die(EX_USAGE, "--confirm %s does not name the target database, which is %s", opt.confirm,
			    PQdb(target.conn));
	}

	progress_init(&prog, "restore", 0, opt.progress);
	r.pc = &target;
	r.timeout_ms = opt.timeout_ms;
	r.prog = &prog;
	r.before_first = before_first;
	r.connect = connect_created;
	r.jobs = opt.jobs;
	restore_init(&r);
	r.single = opt.single;
	r.sums = opt.drill;
	read_input(&r, &prog);
	restore_finish(&r);
	complete = restore_complete(&r, &why);
	if (!complete && (opt.require == 1 || (opt.require < 0 && r.kind != DUMP_SQL))) {
		if (r.create && r.pc == &created && opt.single)
			die(EX_DATAERR, "%s is not a complete dump: %s; nothing of its contents was committed (database %s "
			    "was made and is left empty)", io_name(opt.file ? opt.file : "-"), why, r.create_db);
		if (opt.single || !r.started)
			die(EX_DATAERR, "%s is not a complete dump: %s; nothing was committed",
			    io_name(opt.file ? opt.file : "-"), why);
		die(EX_DATAERR, "%s is not a complete dump: %s; database %s holds what it had (an incomplete restore)",
		    io_name(opt.file ? opt.file : "-"), why, PQdb(r.pc->conn));
	}
	if (!complete && r.kind != DUMP_SQL)
		log_msg(LOG_WARN, "the dump is incomplete (%s); restored what it had (--no-require-trailer)", why);
	if (!r.started)
		before_first(&r);
	if (opt.single)
		restore_exec(&r, "COMMIT", "cannot commit the restore");
	if (opt.json) {
		sbuf_puts(&json, "{\"database\":");
		sbuf_json(&json, PQdb(r.pc->conn));
		sbuf_puts(&json, ",\"host\":");
		sbuf_json(&json, r.pc->host);
		sbuf_puts(&json, ",\"dump\":");
		sbuf_json(&json, r.kind == DUMP_SQL ? "plain SQL" : r.source);
		sbuf_printf(&json, ",\"complete\":%s,", complete ? "true" : "false");
	}
	/* A drill vouches for a backup: on something that is not a whole dump
	 * with tables (garbage, a script, a cut file) it has nothing to say. */
	if (opt.drill && (r.kind == DUMP_SQL || !complete))
		die(EX_DATAERR, "drill: %s %s; nothing to compare", io_name(opt.file ? opt.file : "-"),
		    r.kind == DUMP_SQL ? "is not a dump (no pgdump-stream or pg_dump header)" : "is not a complete dump");
	if (opt.drill)
		drill_bad = drill_compare(&r, &json, opt.json);
	secs = (double)(deadline_now() - start) / 1000.0;
	log_msg(LOG_INFO, "restored %llu statements and %llu rows of %zu tables (%llu bytes of SQL) in %.1f s",
	    (unsigned long long)r.statements, (unsigned long long)r.rows, r.ntab, (unsigned long long)r.bytes, secs);
	if (r.globals) {
		log_msg(LOG_INFO, "globals: %u role(s) created, %u existed%s%s%s, %u kept as they were (the restoring role); "
		    "%u tablespace(s) created, %u existed", r.roles_created, r.roles_existed, r.existed.len ? " (" : "",
		    r.existed.len ? r.existed.s : "", r.existed.len ? ")" : "", r.roles_kept, r.spc_created, r.spc_existed);
		if (opt.json)
			sbuf_printf(&json, "\"roles_created\":%u,\"roles_existed\":%u,\"roles_kept\":%u,"
			    "\"tablespaces_created\":%u,\"tablespaces_existed\":%u,", r.roles_created, r.roles_existed,
			    r.roles_kept, r.spc_created, r.spc_existed);
	}
	if (opt.drill) {
		if (drill_bad)
			log_msg(LOG_ERROR, "drill: %d of %zu tables differ from the dump", drill_bad, r.ntab);
		else if (r.ntab == 0)
			log_msg(LOG_INFO, "drill: the dump is complete and holds no table rows (an empty database): "
			    "it restored, with nothing to compare");
		else
			log_msg(LOG_INFO, "drill: all %zu tables match the dump (rows%s)", r.ntab,
			    r.kind == DUMP_OURS ? " and row checksums" : " counts; a pg_dump dump records no checksums");
	}
	if (opt.json) {
		sbuf_printf(&json, "\"statements\":%llu,\"rows\":%llu,\"tables_restored\":%zu,\"bytes\":%llu,"
		    "\"seconds\":%.3f,\"ok\":%s}\n", (unsigned long long)r.statements, (unsigned long long)r.rows,
		    r.ntab, (unsigned long long)r.bytes, secs, drill_bad ? "false" : "true");
		if (io_write_all(1, json.s, json.len) < 0)
			die_errno(EX_IOERR, "write to stdout");
	}
	if (opt.stats)
		write_stats(&r, secs, drill_bad);
	restore_free(&r);
	sbuf_free(&json);
	if (opt.drill) {
		pg_close(&target);
		drill_end();
	}
	if (r.pc == &created)
		pg_close(&created);
	pg_close(&admin);
	free(drill_ci);
	free(created_ci);
	return drill_bad ? EX_NEGATIVE : 0;
}
