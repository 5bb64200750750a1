/* migrate-apply: SQL migrations applied exactly once, in order, under a
 * polled advisory lock so that any number of pods may start at once; each
 * transactional file with its history row in one transaction, others
 * statement by statement with resumable progress; files that changed after
 * they were applied, went missing or arrived out of order are refused
 * unless allowed. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "migrate.h"
#include "opt.h"
#include "sig.h"
#include "xmem.h"

static const char usage[] =
"usage: migrate-apply [options] [COMMAND] [DIR]\n"
"Apply the SQL migrations in DIR (default ./migrations) exactly once, under an\n"
"advisory lock, recording them in a history table. Without -d: DATABASE_URL,\n"
"else PG*. Formats: golang-migrate, dbmate, goose, Flyway (R__ repeatable ones\n"
"too), Prisma (a folder per migration), plain VERSION_NAME.sql.\n"
"\n"
"Commands:\n"
"  up                        apply the pending migrations (the default)\n"
"  status                    list applied, pending, partial, changed and missing ones\n"
"  verify                    compare the applied migrations' checksums with the files\n"
"  down [N]                  revert the last N applied migrations (default 1)\n"
"  redo                      revert the last applied migration and apply it again\n"
"  plan                      print the SQL that up would run\n"
"  mark-applied VERSION      record VERSION as applied without running it\n"
"  mark-rolled-back VERSION  forget VERSION without running anything\n"
"  baseline VERSION          record every migration up to VERSION as applied,\n"
"                            without running them, in a history with no rows\n"
"  lint                      warn about statements that lock or rewrite busy tables\n"
"                            (offline; --check: exit 1 when it warns)\n"
"\n"
"  -d, --database CONNINFO       the database (libpq conninfo or URL)\n"
"      --to VERSION              up: stop after VERSION; down: revert the ones after it\n"
"      --table SCHEMA.NAME       history table (default public.migrate_apply_history)\n"
"      --check                   status: exit 1 when anything is pending or differs;\n"
"                                lint: exit 1 when it warns\n"
"      --offline                 verify: check the files only, without a database\n"
"      --lock-timeout DURATION   wait for the migration lock this long (default 5m)\n"
"      --statement-timeout DURATION  statement_timeout of migrations (default 1h; 0 none)\n"
"      --statement-lock-timeout DURATION  lock_timeout of migrations (default 10s; 0 none)\n"
"      --lock-retries N          retries of a migration that hit its lock_timeout (default 3)\n"
"      --no-adopt                never read or write another migration tool's history\n"
"      --allow-changed           go on when an applied file has changed\n"
"      --allow-missing           go on when an applied version has no file\n"
"      --allow-out-of-order      apply a version older than the newest applied one\n"
"      --allow-db-ahead          only warn when the database has versions newer than the files\n"
"      --dry-run                 run transactional migrations, then roll them back\n"
"      --var NAME=VALUE          replace ${NAME} in the migrations (repeatable)\n"
"      --json                    one JSON object per migration on stdout\n"
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Exit status: 0 done, 1 status --check found work, verify found a\n"
"difference or lint --check warned, 64 usage, 65 a bad migration file, a migration failed, or the\n"
"files and the database disagree, 66 DIR missing, 69 cannot connect or\n"
"connection lost, 75 lock not free in time (after the retries) or a statement\n"
"timed out, 77 permission denied, 78 bad connection settings, 128+N killed by\n"
"signal N.\n";

enum {
	O_TO = 256, O_TABLE, O_CHECK, O_OFFLINE, O_LOCK_TIMEOUT, O_STMT_TIMEOUT, O_STMT_LOCK_TIMEOUT, O_LOCK_RETRIES, O_NO_ADOPT,
	O_ALLOW_CHANGED,
	O_ALLOW_MISSING, O_ALLOW_OOO, O_ALLOW_AHEAD, O_DRY_RUN, O_VAR, O_JSON, O_LOG_FORMAT, O_VERSION
};

static const struct option longopts[] = {
	{ "database", required_argument, NULL, 'd' },
	{ "to", required_argument, NULL, O_TO },
	{ "table", required_argument, NULL, O_TABLE },
	{ "check", no_argument, NULL, O_CHECK },
	{ "offline", no_argument, NULL, O_OFFLINE },
	{ "lock-timeout", required_argument, NULL, O_LOCK_TIMEOUT },
	{ "statement-timeout", required_argument, NULL, O_STMT_TIMEOUT },
	{ "statement-lock-timeout", required_argument, NULL, O_STMT_LOCK_TIMEOUT },
	{ "lock-retries", required_argument, NULL, O_LOCK_RETRIES },
	{ "no-adopt", no_argument, NULL, O_NO_ADOPT },
	{ "allow-changed", no_argument, NULL, O_ALLOW_CHANGED },
	{ "allow-missing", no_argument, NULL, O_ALLOW_MISSING },
	{ "allow-out-of-order", no_argument, NULL, O_ALLOW_OOO },
	{ "allow-db-ahead", no_argument, NULL, O_ALLOW_AHEAD },
	{ "dry-run", no_argument, NULL, O_DRY_RUN },
	{ "var", required_argument, NULL, O_VAR },
	{ "json", no_argument, NULL, O_JSON },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *conninfo, *to, *table, *dir, *command, *version;
	int check, offline, allow_changed, allow_missing, allow_ooo, allow_ahead, steps, no_adopt;
	uint64_t lock_timeout_ms;
	struct runopt run;
	struct var *vars;
	int nvars;
} opt = { .table = "public.migrate_apply_history", .dir = "./migrations", .command = "up", .steps = 1,
	.lock_timeout_ms = 300000, .run = { .stmt_timeout_ms = 3600000, .lock_timeout_ms = 10000, .lock_retries = 3 } };

static struct mset files;
static struct history hist;
/* Another tool's history: read while ours is empty, kept up to date. */
static struct other_history other;
static struct pg_conn pc;

/* The state of every version, on disk and in the database. */
/* The state of a version on disk against the history; versions applied
 * but without a file are "missing", or "ahead" when newer than every file.
 * A repeatable migration changed since it last ran is "outdated": up runs
 * it again. */
enum mstate { ST_PENDING, ST_PARTIAL, ST_APPLIED, ST_CHANGED, ST_OUTDATED };
static const char *const state_names[] = { "pending", "partial", "applied", "changed", "outdated" };

struct plan {
	struct hrow *rows;   /* the history, sorted by version */
	int nrows;
	const char *newest_applied;
	char adopted[300];   /* the other tool's history the rows come from, or "" */
};

/* Another tool's history goes with files in that tool's format, or in the
 * plain one (a team may have renamed its files): a table of the same name
 * beside files of another tool is someone else's (Rails keeps a
 * schema_migrations too), never read nor written. */
static int
other_tool(struct other_history *o)
{
	static const char *const tools[] = { [FMT_GOLANG] = "golang-migrate", [FMT_DBMATE] = "dbmate",
		[FMT_FLYWAY] = "Flyway", [FMT_GOOSE] = "goose", [FMT_PRISMA] = "Prisma" };
	static int said;

	if (opt.no_adopt || !adopt_find(&pc, o))
		return 0;
	if (files.fmt == FMT_PLAIN || files.fmt == FMT_NONE || (tools[files.fmt] && strcmp(tools[files.fmt], o->tool) == 0))
		return 1;
	if (!said++)
		log_msg(LOG_INFO, "%s is %s's history, but the files in %s are %s's: not read, not written", o->qname,
		    o->tool, files.dir, files_format_name(files.fmt));
	memset(o, 0, sizeof *o);
	return 0;
}

/* The history; while migrate-apply's own has no rows, another tool's
 * (adopt.c) for up, status, verify and plan. */
static void
analyse(struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->nrows = history_load(&pc, &hist, &p->rows);
	if (p->nrows == 0 && (strcmp(opt.command, "up") == 0 || strcmp(opt.command, "status") == 0 ||
	    strcmp(opt.command, "verify") == 0 || strcmp(opt.command, "plan") == 0) && other_tool(&other)) {
		free(p->rows);
		p->nrows = adopt_load(&pc, &other, &files, &p->rows, p->adopted, sizeof p->adopted);
	}
	for (int i = 0; i < p->nrows; i++)
		if (strcmp(p->rows[i].status, "applied") == 0 && !version_repeatable(p->rows[i].version))
			p->newest_applied = p->rows[i].version;
}

static enum mstate
state_of(const struct plan *p, const struct migration *m, struct hrow **row)
{
	struct hrow *r = history_find(p->rows, p->nrows, m->version);

	*row = r;
	if (!r)
		return ST_PENDING;
	if (strcmp(r->checksum, m->checksum) != 0)
		return m->repeatable && strcmp(r->status, "applied") == 0 ? ST_OUTDATED : ST_CHANGED;
	return strcmp(r->status, "partial") == 0 ? ST_PARTIAL : ST_APPLIED;
}

/* How a file's checksum and its history row's differ, in words. */
static const char *
sums_differ(const struct migration *m, const struct hrow *r, char *buf, size_t cap)
{
	const char *colon = strchr(r->checksum, ':');

	/* adopted: the other tool's own checksum (adopt.c) */
	if (colon)
		snprintf(buf, cap, "%.*s recorded checksum %s, which is not this file's", (int)(colon - r->checksum),
		    r->checksum, colon + 1);
	else
		snprintf(buf, cap, "checksum now %.12s, when applied %.12s", m->checksum, r->checksum);
	return buf;
}

/* What up refuses without being told: each disagreement between the
 * files and the history named, version by version. */
static void
refuse_drift(const struct plan *p)
{
	const char *newest_file = files.n ? files.m[files.n - 1].version : NULL;
	char why[160];
	int bad = 0;

	for (int i = 0; i < files.n + files.nr; i++) {
		struct migration *m = i < files.n ? &files.m[i] : &files.r[i - files.n];
		struct hrow *r;
		enum mstate st = state_of(p, m, &r);

		if (st == ST_CHANGED && strcmp(r->status, "partial") == 0) {
			log_msg(LOG_ERROR, "%s (%s) changed after it partly ran (%ld statements done): repair by hand, "
			    "then mark-applied or mark-rolled-back", m->version, m->up.path, r->done);
			bad++;
		} else if (st == ST_CHANGED) {
			log_msg(opt.allow_changed ? LOG_WARN : LOG_ERROR, "%s (%s) changed after it was applied (%s)",
			    m->version, m->up.path, sums_differ(m, r, why, sizeof why));
			bad += !opt.allow_changed;
		} else if (st == ST_PENDING && !m->repeatable && p->newest_applied &&
		    version_cmp(m->version, p->newest_applied) < 0) {
			log_msg(opt.allow_ooo ? LOG_WARN : LOG_ERROR, "%s (%s) is pending but older than %s, the newest "
			    "applied: out of order", m->version, m->up.path, p->newest_applied);
			bad += !opt.allow_ooo;
		}
	}
	for (int i = 0; i < p->nrows; i++) {
		const struct hrow *r = &p->rows[i];

		if (files_find(&files, r->version))
			continue;
		if (!newest_file || version_cmp(r->version, newest_file) > 0) {
			log_msg(opt.allow_ahead ? LOG_WARN : LOG_ERROR, "%s (%s) is applied but newer than every file in "
			    "%s: the database is ahead of these migrations (a rolled-back deployment?)", r->version,
			    r->name, files.dir);
			bad += !opt.allow_ahead;
		} else {
			log_msg(opt.allow_missing ? LOG_WARN : LOG_ERROR, "%s (%s) is applied but has no file in %s",
			    r->version, r->name, files.dir);
			bad += !opt.allow_missing;
		}
	}
	if (bad)
		die(EX_DATAERR, "%s and %s disagree (%d above); nothing was run", files.dir, hist.qname, bad);
}

static void
plan_free(struct plan *p)
{
	history_free(p->rows, p->nrows);
	memset(p, 0, sizeof *p);
}

/* Repeatable migrations to run (new, changed or partly run), from index
 * from of files.r. */
static int
repeatable_next(const struct plan *p, int from, struct hrow **partial)
{
	for (int i = from; i < files.nr; i++) {
		struct hrow *r;
		enum mstate st = state_of(p, &files.r[i], &r);

		if (st == ST_PENDING || st == ST_PARTIAL || st == ST_OUTDATED) {
			*partial = st == ST_PARTIAL ? r : NULL;
			return i;
		}
	}
	return -1;
}

/* Pending migrations in order, up to --to. */
static int
pending_next(const struct plan *p, int from, struct hrow **partial)
{
	for (int i = from; i < files.n; i++) {
		struct hrow *r;
		enum mstate st = state_of(p, &files.m[i], &r);

		if (opt.to && version_cmp(files.m[i].version, opt.to) > 0)
			return -1;
		if (st == ST_PENDING || st == ST_PARTIAL) {
			*partial = st == ST_PARTIAL ? r : NULL;
			return i;
		}
	}
	return -1;
}

static void *
files_thread(void *arg)
{
	(void)arg;
	sig_block_thread();
	files_load(&files, opt.dir, opt.vars, opt.nvars);
	return NULL;
}

/* The files are read while the server starts a backend for us: the run
 * that finds nothing to do, paid on every pod start, is mostly those two
 * waits. A problem in the files is reported first, whatever the
 * connection did. */
static void
load_and_connect(void)
{
	char err[2048], timeouts[96];
	pthread_t t;
	int code, threaded = pthread_create(&t, NULL, files_thread, NULL) == 0;
	char *ci;

	if (!threaded)
		files_load(&files, opt.dir, opt.vars, opt.nvars);
	/* Our timeouts as startup options: they are the session's defaults,
	 * so RESET ALL, ours or a migration's, comes back to them. */
	snprintf(timeouts, sizeof timeouts, "-c lock_timeout=%llu -c statement_timeout=%llu",
	    (unsigned long long)opt.run.lock_timeout_ms, (unsigned long long)opt.run.stmt_timeout_ms);
	if (!(ci = pg_conninfo_with(opt.conninfo, "options", timeouts)))
		code = pg_connect(&pc, opt.conninfo, err, sizeof err); /* it says what is wrong */
	else
		code = pg_connect(&pc, ci, err, sizeof err);
	free(ci);
	if (threaded)
		pthread_join(t, NULL);
	if (code != 0)
		die(code, "%s", err);
}

/* Between polls for the lock: is there still something to apply? */
static int
still_pending(void)
{
	struct plan p;
	struct hrow *partial;
	int yes;

	analyse(&p);
	yes = pending_next(&p, 0, &partial) >= 0 || repeatable_next(&p, 0, &partial) >= 0;
	plan_free(&p);
	return yes;
}

/* The other tool's history becomes ours, in one transaction (the dry
 * run's, in a dry run): from now on migrate-apply's table is the history.
 * Versions without a file (allowed missing) are not recorded. */
static void
adopt_record(struct plan *p)
{
	char why[sizeof p->adopted + 16];
	int n = 0;

	snprintf(why, sizeof why, "adopted from %s", p->adopted);
	if (!opt.run.dry_run)
		run_sql(&pc, "BEGIN", "cannot begin recording the adopted history");
	for (int i = 0; i < p->nrows; i++) {
		struct migration *m = files_find(&files, p->rows[i].version);

		if (m) {
			history_mark(&pc, &hist, m, p->rows[i].checksum, 0, why);
			n++;
		}
	}
	if (!opt.run.dry_run)
		run_sql(&pc, "COMMIT", "cannot commit the adopted history");
	log_msg(LOG_INFO, "adopted %d applied migration(s) from %s (read, never written)", n, p->adopted);
	plan_free(p);
	analyse(p);
}

static int
cmd_up(void)
{
	struct plan p;
	struct hrow *partial;
	int n = 0;

	analyse(&p);
	refuse_drift(&p);
	if (pending_next(&p, 0, &partial) < 0 && repeatable_next(&p, 0, &partial) < 0) {
		/* The common case, on every pod start: no lock, no writes. */
		log_msg(LOG_INFO, "up to date: %d applied, nothing pending in %s", p.nrows, files.dir);
		plan_free(&p);
		return 0;
	}
	plan_free(&p);
	if (!history_lock(&pc, &hist, opt.lock_timeout_ms, still_pending)) {
		log_msg(LOG_INFO, "up to date: another runner applied what was pending in %s", files.dir);
		return 0;
	}
	/* A dry run is one transaction, rolled back at the end, so that
	 * later migrations see what earlier ones made. */
	if (opt.run.dry_run)
		run_sql(&pc, "BEGIN", "cannot begin the dry run");
	history_create(&pc, &hist);
	/* Another runner may have applied them while this one waited. */
	analyse(&p);
	refuse_drift(&p);
	if (p.adopted[0])
		adopt_record(&p);
	if (other_tool(&other))
		opt.run.mirror = &other;
	for (int i = pending_next(&p, 0, &partial); i >= 0; i = pending_next(&p, i + 1, &partial)) {
		run_migration(&pc, &hist, &files.m[i], 0, partial, &opt.run);
		n++;
	}
	/* Flyway's order: the repeatable ones after every versioned one. */
	for (int i = repeatable_next(&p, 0, &partial); i >= 0; i = repeatable_next(&p, i + 1, &partial)) {
		run_migration(&pc, &hist, &files.r[i], 0, partial, &opt.run);
		n++;
	}
	if (opt.run.dry_run)
		run_sql(&pc, "ROLLBACK", "cannot roll the dry run back");
	log_msg(LOG_INFO, "%s%d migration(s) applied", opt.run.dry_run ? "dry run: " : "", n);
	plan_free(&p);
	return 0;
}

static int
cmd_status(void)
{
	struct plan p;
	int todo = 0;

	analyse(&p);
	if (p.adopted[0])
		log_msg(LOG_INFO, "no history of migrate-apply's yet: %d applied version(s) read from %s, recorded by "
		    "the next up", p.nrows, p.adopted);
	for (int i = 0; i < files.n + files.nr; i++) {
		struct migration *m = i < files.n ? &files.m[i] : &files.r[i - files.n];
		struct hrow *r;
		enum mstate st = state_of(&p, m, &r);

		todo += st != ST_APPLIED;
		if (opt.run.json) {
			char extra[128];

			snprintf(extra, sizeof extra, "\"state\":\"%s\",\"applied_at\":\"%s\"", state_names[st], r ? r->finished : "");
			event_json("status", m, extra);
		} else {
			printf("%s\t%s\t%s\t%s\n", m->version, state_names[st], m->name, r ? r->finished : "");
		}
	}
	for (int i = 0; i < p.nrows; i++) {
		const struct hrow *r = &p.rows[i];
		const char *st = files.n && version_cmp(r->version, files.m[files.n - 1].version) < 0 ? "missing" : "ahead";

		if (files_find(&files, r->version))
			continue;
		todo++;
		if (opt.run.json) {
			struct migration m = { .version = r->version, .name = r->name };
			char extra[128];

			snprintf(extra, sizeof extra, "\"state\":\"%s\",\"applied_at\":\"%s\"", st, r->finished);
			event_json("status", &m, extra);
		} else {
			printf("%s\t%s\t%s\t%s\n", r->version, st, r->name, r->finished);
		}
	}
	if (fflush(stdout) != 0)
		die_errno(EX_IOERR, "write to stdout");
	plan_free(&p);
	return opt.check && todo ? EX_NEGATIVE : 0;
}

static int
cmd_verify(void)
{
	struct plan p;
	char why[160];
	int bad = 0, applied = 0;

	if (opt.offline) {
		int st = 0;

		for (int i = 0; i < files.n; i++)
			st += files.m[i].up.nst + files.m[i].down.nst;
		for (int i = 0; i < files.nr; i++)
			st += files.r[i].up.nst;
		log_msg(LOG_INFO, "%d migrations (%s) in %s: %d statements, no meta-commands, transactions as marked",
		    files.n + files.nr, files_format_name(files.fmt), files.dir, st);
		return 0;
	}
	analyse(&p);
	for (int i = 0; i < p.nrows; i++) {
		const struct hrow *r = &p.rows[i];
		const struct migration *m = files_find(&files, r->version);

		applied++;
		if (!m) {
			log_msg(LOG_ERROR, "%s (%s): applied, but no file in %s", r->version, r->name, files.dir);
			bad++;
		} else if (strcmp(m->checksum, r->checksum) != 0 && m->repeatable) {
			log_msg(LOG_INFO, "%s (%s): changed since it last ran: repeatable, up runs it again", r->version,
			    m->up.path);
		} else if (strcmp(m->checksum, r->checksum) != 0) {
			log_msg(LOG_ERROR, "%s (%s): changed since it was applied (%s)", r->version, m->up.path,
			    sums_differ(m, r, why, sizeof why));
			bad++;
		}
	}
	plan_free(&p);
	if (bad)
		return EX_NEGATIVE;
	log_msg(LOG_INFO, "%d applied migration(s) match their files", applied);
	return 0;
}

static void
plan_print(const struct migration *m, const struct hrow *partial)
{
	const struct msection *sec = &m->up;

	printf("-- %s %s (%s, %s)\n", m->version, m->name, sec->path,
	    sec->tx ? "one transaction" : "no transaction, statement by statement");
	if (partial)
		printf("-- resuming after statement %ld\n", partial->done);
	if (sec->tx)
		printf("BEGIN;\n");
	for (int k = partial ? (int)partial->done : 0; k < sec->nst; k++)
		printf("%s\n", sec->st[k].sql);
	if (sec->tx)
		printf("COMMIT;\n");
	printf("\n");
}

static int
cmd_plan(void)
{
	struct plan p;
	struct hrow *partial;
	int n = 0;

	analyse(&p);
	refuse_drift(&p);
	for (int i = pending_next(&p, 0, &partial); i >= 0; i = pending_next(&p, i + 1, &partial), n++)
		plan_print(&files.m[i], partial);
	for (int i = repeatable_next(&p, 0, &partial); i >= 0; i = repeatable_next(&p, i + 1, &partial), n++)
		plan_print(&files.r[i], partial);
	if (!n)
		printf("-- nothing to apply\n");
	if (fflush(stdout) != 0)
		die_errno(EX_IOERR, "write to stdout");
	plan_free(&p);
	return 0;
}

/* The migration to revert for a history row, checked. */
static struct migration *
revertible(const struct hrow *r)
{
	struct migration *m = files_find(&files, r->version);

	if (!m)
		die(EX_DATAERR, "cannot revert %s (%s): no file in %s", r->version, r->name, files.dir);
	if (strcmp(r->status, "applied") != 0)
		die(EX_DATAERR, "cannot revert %s: it only partly ran (%ld statements); repair by hand, then "
		    "mark-rolled-back", r->version, r->done);
	if (!m->has_down)
		die(EX_DATAERR, "cannot revert %s (%s): it has no down migration", r->version, m->up.path);
	if (strcmp(m->checksum, r->checksum) != 0 && !opt.allow_changed)
		die(EX_DATAERR, "cannot revert %s (%s): changed since it was applied (--allow-changed to go on)",
		    r->version, m->up.path);
	return m;
}

static int
cmd_down(int redo)
{
	struct plan p;
	int n = 0;

	history_lock(&pc, &hist, opt.lock_timeout_ms, NULL);
	analyse(&p);
	if (other_tool(&other))
		opt.run.mirror = &other;
	for (int i = p.nrows - 1; i >= 0; i--) {
		struct migration *m;

		if (version_repeatable(p.rows[i].version))
			continue; /* as Flyway's undo, never reverted */
		if (opt.to ? version_cmp(p.rows[i].version, opt.to) <= 0 : n >= opt.steps)
			break;
		m = revertible(&p.rows[i]);
		run_migration(&pc, &hist, m, 1, NULL, &opt.run);
		n++;
		if (redo)
			run_migration(&pc, &hist, m, 0, NULL, &opt.run);
	}
	if (!n)
		log_msg(LOG_INFO, "nothing to %s", redo ? "redo" : "revert");
	plan_free(&p);
	return 0;
}

static int
cmd_mark(int applied)
{
	struct migration *m = files_find(&files, opt.version);
	struct plan p;
	struct hrow *r;

	if (applied && !m)
		die(EX_DATAERR, "no migration %s in %s", opt.version, files.dir);
	history_lock(&pc, &hist, opt.lock_timeout_ms, NULL);
	history_create(&pc, &hist);
	analyse(&p);
	r = history_find(p.rows, p.nrows, opt.version);
	if (applied && r && strcmp(r->status, "applied") == 0 && strcmp(r->checksum, m->checksum) == 0) {
		log_msg(LOG_INFO, "%s is applied already", opt.version);
	} else if (applied) {
		history_mark(&pc, &hist, m, NULL, r != NULL, "marked applied by hand");
		log_msg(LOG_INFO, "%s %s marked applied (not run)", m->version, m->name);
	} else if (!r) {
		log_msg(LOG_INFO, "%s is not applied", opt.version);
	} else {
		history_forget(&pc, &hist, r->version);
		log_msg(LOG_INFO, "%s %s forgotten: it is pending again (nothing was run)", r->version, r->name);
	}
	plan_free(&p);
	return 0;
}

/* Flyway's baseline: a database made before migrate-apply (by hand, or
 * from a dump) takes every migration up to VERSION as applied, in one
 * transaction. Only into an empty history: over rows it would hide which
 * of them were really run. */
static int
cmd_baseline(void)
{
	struct plan p;
	int n = 0;

	if (!files_find(&files, opt.version))
		die(EX_DATAERR, "no migration %s in %s", opt.version, files.dir);
	history_lock(&pc, &hist, opt.lock_timeout_ms, NULL);
	history_create(&pc, &hist);
	analyse(&p);
	if (p.nrows)
		die(EX_DATAERR, "baseline: the history table %s already has %d row(s); a baseline is for a database "
		    "migrate-apply has not migrated (mark-applied records one version)", opt.table, p.nrows);
	run_sql(&pc, "BEGIN", "cannot begin the baseline");
	for (int i = 0; i < files.n && version_cmp(files.m[i].version, opt.version) <= 0; i++, n++) {
		history_mark(&pc, &hist, &files.m[i], NULL, 0, "baseline");
		if (opt.run.json)
			event_json("baseline", &files.m[i], NULL);
	}
	run_sql(&pc, "COMMIT", "cannot commit the baseline");
	log_msg(LOG_INFO, "baseline: %d migration(s) up to %s recorded as applied (none was run)", n, opt.version);
	plan_free(&p);
	return 0;
}

static void
add_var(const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;

	if (!eq || n == 0 || strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
		opt_usage_error("--var wants NAME=VALUE, NAME of letters, digits and _: %s", arg);
	opt.vars = xrealloc(opt.vars, ((size_t)opt.nvars + 1) * sizeof *opt.vars);
	opt.vars[opt.nvars].name = xstrndup(arg, n);
	opt.vars[opt.nvars++].value = eq + 1;
}

static void
operands(int argc, char **argv)
{
	static const char *const cmds[] = { "up", "status", "verify", "down", "redo", "plan", "mark-applied",
		"mark-rolled-back", "baseline", "lint" };
	int i = optind;

	if (i < argc)
		for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++)
			if (strcmp(argv[i], cmds[k]) == 0) {
				opt.command = argv[i++];
				break;
			}
	if (strcmp(opt.command, "down") == 0 && i < argc && strspn(argv[i], "0123456789") == strlen(argv[i])) {
		opt.steps = (int)opt_uint("down N", argv[i++], 1, 1000000);
		if (opt.to)
			opt_usage_error("down takes N or --to, not both");
	}
	if (strncmp(opt.command, "mark-", 5) == 0 || strcmp(opt.command, "baseline") == 0) {
		if (i >= argc)
			opt_usage_error("%s needs a VERSION", opt.command);
		opt.version = argv[i++];
	}
	if (i < argc)
		opt.dir = argv[i++];
	if (i < argc)
		opt_usage_error("unexpected operand %s", argv[i]);
}

int
main(int argc, char **argv)
{
	int c, code;

	log_init("migrate-apply");
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt.conninfo = optarg; break;
		case O_TO: opt.to = optarg; break;
		case O_TABLE: opt.table = optarg; break;
		case O_CHECK: opt.check = 1; break;
		case O_OFFLINE: opt.offline = 1; break;
		case O_LOCK_TIMEOUT: opt.lock_timeout_ms = opt_duration_ms("--lock-timeout", optarg); break;
		case O_STMT_TIMEOUT: opt.run.stmt_timeout_ms = opt_duration_ms("--statement-timeout", optarg); break;
		case O_STMT_LOCK_TIMEOUT:
			opt.run.lock_timeout_ms = opt_duration_ms("--statement-lock-timeout", optarg);
			break;
		case O_LOCK_RETRIES: opt.run.lock_retries = (unsigned)opt_uint("--lock-retries", optarg, 0, 100); break;
		case O_NO_ADOPT: opt.no_adopt = 1; break;
		case O_ALLOW_CHANGED: opt.allow_changed = 1; break;
		case O_ALLOW_MISSING: opt.allow_missing = 1; break;
		case O_ALLOW_OOO: opt.allow_ooo = 1; break;
		case O_ALLOW_AHEAD: opt.allow_ahead = 1; break;
		case O_DRY_RUN: opt.run.dry_run = 1; break;
		case O_VAR: add_var(optarg); break;
		case O_JSON: opt.run.json = 1; break;
		case O_LOG_FORMAT: opt_log_format(optarg); break;
		case 'h': opt_help(usage);
		case O_VERSION: opt_version();
		default: opt_usage_error("unknown option");
		}
	}
	operands(argc, argv);
	if (opt.check && strcmp(opt.command, "status") != 0 && strcmp(opt.command, "lint") != 0)
		opt_usage_error("--check goes with status or lint");
	if (opt.offline && strcmp(opt.command, "verify") != 0)
		opt_usage_error("--offline goes with verify");
	if (opt.run.dry_run && strcmp(opt.command, "up") != 0)
		opt_usage_error("--dry-run goes with up");
	if (opt.to && strcmp(opt.command, "up") != 0 && strcmp(opt.command, "down") != 0)
		opt_usage_error("--to goes with up or down");
	if (!*opt.table || opt.table[strlen(opt.table) - 1] == '.' || opt.table[0] == '.')
		opt_usage_error("--table wants NAME or SCHEMA.NAME");
	if (opt.lock_timeout_ms == 0)
		opt_usage_error("--lock-timeout must be longer than 0");

	sig_setup();
	srand((unsigned)(getpid() ^ deadline_now()));
	history_init(&hist, opt.table);
	if (opt.offline) {
		files_load(&files, opt.dir, opt.vars, opt.nvars);
		return cmd_verify();
	}
	if (strcmp(opt.command, "lint") == 0) {
		/* Offline: the files only. */
		files_load(&files, opt.dir, opt.vars, opt.nvars);
		return lint_run(&files, opt.run.json) && opt.check ? EX_NEGATIVE : EX_OK;
	}
	load_and_connect();
	if (strcmp(opt.command, "up") == 0)
		code = cmd_up();
	else if (strcmp(opt.command, "status") == 0)
		code = cmd_status();
	else if (strcmp(opt.command, "verify") == 0)
		code = cmd_verify();
	else if (strcmp(opt.command, "plan") == 0)
		code = cmd_plan();
	else if (strcmp(opt.command, "down") == 0 || strcmp(opt.command, "redo") == 0)
		code = cmd_down(strcmp(opt.command, "redo") == 0);
	else if (strcmp(opt.command, "baseline") == 0)
		code = cmd_baseline();
	else
		code = cmd_mark(strcmp(opt.command, "mark-applied") == 0);
	pg_close(&pc);
	return code;
}
