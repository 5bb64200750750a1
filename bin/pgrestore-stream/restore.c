/* The restore itself: bytes of the dump go through the shared scanner
 * (lib/sqlscan), each statement is sent as soon as its semicolon arrives,
 * and the data after a COPY ... FROM stdin is passed to the server as it
 * is read, up to its \. line, so no table is ever held in memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "pgq.h"
#include "pgrestore.h"
#include "sig.h"
#include "sql.h"
#include "xmem.h"

enum { M_SQL, M_COPY_LINE, M_COPY_DATA };

/* A globals dump's NOTICE about one role: counted for the report. */
static int
globals_notice(struct restore *r, const char *msg)
{
	const char *p = strstr(msg, "pgops-globals: role ");
	const char *sp;

	if (!r->globals || !p)
		return 0;
	p += 20;
	if (!(sp = strrchr(p, ' ')))
		return 0;
	if (strncmp(sp, " created", 8) == 0) {
		r->roles_created++;
	} else if (strncmp(sp, " kept", 5) == 0) {
		r->roles_kept++;
		log_msg(LOG_INFO, "role %.*s restores this dump: its attributes and password are kept as they are",
		    (int)(sp - p), p);
	} else if (strncmp(sp, " existed", 8) == 0) {
		r->roles_existed++;
		if (r->existed.len < 4096) {
			sbuf_puts(&r->existed, r->existed.len ? ", " : "");
			sbuf_add(&r->existed, p, (size_t)(sp - p));
		}
	} else {
		return 0;
	}
	return 1;
}

static void
notice(void *arg, const char *msg)
{
	struct restore *r = arg;
	char buf[1024];

	if (globals_notice(r, msg))
		return;
	pg_error_text(r->pc, msg, buf, sizeof buf);
	log_msg(LOG_WARN, "line %llu: %s", (unsigned long long)r->sc.item_line, buf);
}

/* The server cancels an autovacuum worker that holds a table another
 * session waits for, but only once that session has waited
 * deadlock_timeout (1 s by default). A restore meets this on the tables it
 * has just loaded: in the bench, one index build and foreign key of a -j2
 * restore sat 2 s behind two autovacuums. Where the server lets a session
 * set it (a superuser's), the restore's sessions wait 100 ms; it changes
 * nothing else they do. */
void
restore_tune(struct pg_conn *pc, uint64_t timeout_ms)
{
	const char *su = PQparameterStatus(pc->conn, "is_superuser");

	if (su && strcmp(su, "on") == 0)
		PQclear(pg_exec(pc, "SET deadlock_timeout = '100ms'", deadline_in(timeout_ms)));
}

void
restore_init(struct restore *r)
{
	sqlscan_init(&r->sc);
	trailer_init(&r->trailer);
	r->mode = M_SQL;
	PQsetNoticeProcessor(r->pc->conn, notice, r);
	restore_tune(r->pc, r->timeout_ms);
}

void
restore_switch(struct restore *r, struct pg_conn *pc)
{
	par_close(r);
	avlock_release(r);
	r->pc = pc;
	PQsetNoticeProcessor(pc->conn, notice, r);
	restore_tune(pc, r->timeout_ms);
}

void
restore_free(struct restore *r)
{
	for (size_t i = 0; i < r->ntab; i++) {
		free(r->tab[i].name);
		free(r->tab[i].copy_out);
		free(r->tab[i].cols);
		free(r->tab[i].copy_in);
	}
	free(r->chunk.data);
	for (size_t i = 0; r->seen && i < r->capseen; i++)
		free(r->seen[i].key);
	free(r->seen);
	free(r->tab);
	sbuf_free(&r->existed);
	sqlscan_free(&r->sc);
}

/* A statement as one short line for messages. */
static void
excerpt(struct sbuf *b, const char *s, size_t max)
{
	size_t n = 0;
	int space = 0;

	for (; *s && n < max; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && n) {
			sbuf_putc(b, ' ');
			n++;
		}
		space = 0;
		sbuf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
		n++;
	}
	if (*s)
		sbuf_puts(b, "...");
}

struct pgq
restore_q(const struct restore *r)
{
	struct pgq q = { r->pc, r->timeout_ms, EX_TEMPFAIL, 0 };

	return q;
}

/* No answer for the statement at line: a signal, --timeout, or the
 * connection gone (err as pgq_lost takes it). */
static _Noreturn void
die_lost(struct restore *r, uint64_t line, int err)
{
	struct pgq q = restore_q(r);
	char where[32];

	if (err == EINTR)
		restore_interrupted(r);
	snprintf(where, sizeof where, "line %llu", (unsigned long long)line);
	pgq_lost(&q, err, where);
}

int
restore_error_text(const struct pgq *q, const PGresult *res, uint64_t line, uint64_t stmt_line, const char *stmt,
    struct sbuf *b)
{
	uint64_t at = line, col = 1;

	pgq_error_at(res, stmt, &at, &col);
	sbuf_printf(b, "line %llu: ", (unsigned long long)at);
	pgq_error_text(q, b, res);
	if (stmt) {
		sbuf_printf(b, "; statement at line %llu: ", (unsigned long long)stmt_line);
		excerpt(b, stmt, 80);
	}
	return pg_exit_code(res, q->pc->conn);
}

/* The server refused a statement: its SQLSTATE and message, the line of
 * the error in the dump (from the error position when there is one) and
 * the start of the statement. */
static _Noreturn void
die_at(struct restore *r, const PGresult *res, uint64_t line, uint64_t stmt_line, const char *stmt)
{
	struct pgq q = restore_q(r);
	struct sbuf b = { 0 };
	int code;

	if (sig_caught())
		pgq_lost(&q, EINTR, "");
	code = restore_error_text(&q, res, line, stmt_line, stmt, &b);
	die(code, "%s", b.s);
}

static _Noreturn void
die_stmt(struct restore *r, const PGresult *res, uint64_t line, const char *stmt)
{
	die_at(r, res, line, line, stmt);
}

void
restore_exec(struct restore *r, const char *sql, const char *what)
{
	struct pgq q = restore_q(r);

	pgq_cmd(&q, sql, what);
}

/* COPY x (cols) FROM stdin: x for messages (the column list dropped), and
 * the same COPY ... TO STDOUT for the drill. */
static void
copy_table(struct restore *r)
{
	struct rtable *t;
	const char *s = r->sc.stmt.s, *p, *end;
	struct sbuf b = { 0 };
	int quoted = 0;

	if (r->ntab == r->captab) {
		r->captab = r->captab ? r->captab * 2 : 64;
		r->tab = xrealloc(r->tab, r->captab * sizeof *r->tab);
	}
	t = &r->tab[r->ntab++];
	memset(t, 0, sizeof *t);
	t->line = r->sc.item_line;
	p = s + r->sc.first[0].off + r->sc.first[0].len;
	end = s + r->sc.stmt.len;
	if (sqlscan_word_is(&r->sc, -1, "stdin") && sqlscan_word_is(&r->sc, -2, "from")) {
		end = s + r->sc.last[(r->sc.nwords - 2) % SQLSCAN_WORDS].off;
		sbuf_add(&b, s, (size_t)(end - s));
		sbuf_puts(&b, "TO STDOUT");
		t->copy_out = sbuf_take(&b);
	}
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t'))
		p++;
	for (const char *q = p; q < end; q++) {
		if (*q == '"')
			quoted = !quoted;
		if (!quoted && *q == '(') {
			const char *e = end;

			while (e > q && e[-1] != ')')
				e--;
			if (e > q)
				t->cols = xstrndup(q, (size_t)(e - q));
			break;
		}
		sbuf_putc(&b, *q);
	}
	while (b.len && (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\n'))
		b.s[--b.len] = 0;
	t->name = sbuf_take(&b);
	if (!t->name)
		t->name = xstrdup("?");
}

/* Under -1, a statement of the dump that would end the restore's one
 * transaction (COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION; pg_dump
 * wraps its large objects in BEGIN/COMMIT): refused before it runs, so
 * that nothing is committed. */
static void
single_check(struct restore *r, uint64_t line)
{
	static const char *const ends[] = { "commit", "end", "rollback", "abort", "prepare" };

	if (!r->single)
		return;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (sqlscan_word_is(&r->sc, 0, ends[i]) && !(i == 2 && sqlscan_word_is(&r->sc, 1, "to")) &&
		    !(i == 4 && !sqlscan_word_is(&r->sc, 1, "transaction")))
			die(EX_DATAERR, "line %llu: the dump ends its own transaction (%s), which would commit part of a "
			    "-1 restore; nothing was committed (restore it without -1)", (unsigned long long)line, ends[i]);
}

/* -j: what is known of a table, by its name as the server folds it
 * (plan.c's key): whether its COPY must load alone (copy_ordered, as of
 * schema_gen) and how many bytes of rows the dump held for it. */
static size_t
seen_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *k = key; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return (size_t)h;
}

static struct copy_seen *
seen_find(struct restore *r, const char *key, int add)
{
	size_t i;

	if (add && (!r->seen || r->nseen * 2 >= r->capseen)) {
		struct copy_seen *old = r->seen;
		size_t oldcap = r->capseen;

		r->capseen = r->capseen ? r->capseen * 2 : 256;
		r->seen = xcalloc(r->capseen, sizeof *r->seen);
		for (size_t o = 0; o < oldcap; o++) {
			if (!old[o].key)
				continue;
			for (i = seen_hash(old[o].key) & (r->capseen - 1); r->seen[i].key; i = (i + 1) & (r->capseen - 1))
				;
			r->seen[i] = old[o];
		}
		free(old);
	}
	if (!r->seen)
		return NULL;
	for (i = seen_hash(key) & (r->capseen - 1);; i = (i + 1) & (r->capseen - 1)) {
		struct copy_seen *c = &r->seen[i];

		if (c->key && strcmp(c->key, key) == 0)
			return c;
		if (!c->key) {
			if (!add)
				return NULL;
			c->key = xstrdup(key);
			r->nseen++;
			return c;
		}
	}
}

uint64_t
restore_table_bytes(struct restore *r, const char *key)
{
	struct copy_seen *c = seen_find(r, key, 0);

	return c ? c->bytes : 0;
}

/* A table's name as the server reads it, from plan.c's folded parts. */
static void
copy_name(const char *key, struct sbuf *name)
{
	char part[PLAN_NAME_MAX];

	for (const char *k = key, *e; *k; k = *e ? e + 1 : e) {
		e = strchr(k, '\x1f');
		e = e ? e : k + strlen(k);
		snprintf(part, sizeof part, "%.*s", (int)(e - k), k);
		if (name->len)
			sbuf_putc(name, '.');
		sql_ident(name, part);
	}
}

/* -j: whether a COPY block must load alone, after all before it, on the
 * main session: its table has foreign keys (an extension's configuration
 * tables come with theirs, and their rows must follow those they refer
 * to, chunk after chunk) or triggers (which may read other tables), or it
 * cannot be looked up (the COPY itself then says why). The answer is kept
 * per table until the next statement that may change the schema. */
static int
copy_ordered(struct restore *r, const struct plan *pl)
{
	struct pgq q = restore_q(r);
	struct sbuf sql = { 0 }, name = { 0 };
	struct copy_seen *c = seen_find(r, pl->key[0], 1);
	PGresult *res;

	if (c->asked && c->gen == r->schema_gen)
		return c->ordered;
	copy_name(pl->key[0], &name);
	sbuf_puts(&sql, "select exists (select 1 from pg_catalog.pg_constraint where contype = 'f' and conrelid = ");
	sql_literal(&sql, name.s);
	sbuf_puts(&sql, "::pg_catalog.regclass) or exists (select 1 from pg_catalog.pg_trigger where not tgisinternal and"
	    " tgrelid = ");
	sql_literal(&sql, name.s);
	sbuf_puts(&sql, "::pg_catalog.regclass)");
	res = pg_exec(q.pc, sql.s, deadline_in(r->timeout_ms));
	if (!res && errno == EINTR)
		restore_interrupted(r);
	c->asked = 1;
	c->gen = r->schema_gen;
	c->ordered = !res || PQresultStatus(res) != PGRES_TUPLES_OK || PQgetvalue(res, 0, 0)[0] != 'f';
	PQclear(res);
	sbuf_free(&sql);
	sbuf_free(&name);
	return c->ordered;
}

/* -j: the session a statement runs on. 1 when it went to the sessions
 * (or began a COPY block whose rows go to them); 0 when it runs here, on
 * the main session, after what it must follow (pl says what it was). */
static int
route(struct restore *r, const char *stmt, uint64_t line, struct plan *pl)
{
	/* Rows in text format, one per line, can be cut at any newline;
	 * a COPY with options (CSV may quote newlines) loads here. */
	int copy = sqlscan_word_is(&r->sc, 0, "copy") && sqlscan_word_is(&r->sc, -1, "stdin") &&
	    sqlscan_word_is(&r->sc, -2, "from");

	pl->cls = PLAN_BARRIER;
	/* autovacuum's hold ends before anything but the next table's rows */
	if (!copy)
		avlock_release(r);
	/* Inside the dump's own transaction, nothing it made is visible to
	 * the other sessions until it commits: all of it here, in order. */
	if (!r->avlock && PQtransactionStatus(r->pc->conn) != PQTRANS_IDLE) {
		par_drain(r, 0);
		return 0;
	}
	if (copy) {
		struct rtable *t;

		plan_copy(stmt, &r->copy_pl);
		if (copy_ordered(r, &r->copy_pl)) {
			avlock_release(r);
			par_drain(r, 0);
			return 0;
		}
		copy_table(r);
		t = &r->tab[r->ntab - 1];
		t->copy_in = xstrdup(stmt);
		rowsum_init(&r->cur);
		r->mode = M_COPY_LINE;
		r->par_copy = 1;
		r->copy_sent = 0;
		r->chunk.len = 0;
		r->chunk.base = t->line;
		return 1;
	}
	plan_classify(stmt, pl);
	switch (pl->cls) {
	case PLAN_INDEX:
	case PLAN_ONE:
	case PLAN_FK:
		par_submit(r, pl, xstrdup(stmt), line, 0);
		if (r->prog && r->prog->on)
			par_label(r, r->prog->label, sizeof r->prog->label);
		return 1;
	case PLAN_SETTING:
		/* jobs queued before it run with the settings before it */
		par_drain(r, 1);
		return 0;
	case PLAN_FREE:
		return 0;
	default:
		par_drain(r, 0);
		return 0;
	}
}

static void
run_statement(struct restore *r, const char *stmt, uint64_t line)
{
	struct pgq q = restore_q(r);
	struct sbuf where = { 0 };
	struct plan pl = { .cls = PLAN_BARRIER };
	PGresult *res;

	if (!r->started) {
		r->started = 1;
		if (r->before_first)
			r->before_first(r);
	}
	if (r->skip_next || r->skip_to_connect) {
		r->skip_next = 0;
		r->statements++;
		return;
	}
	single_check(r, line);
	/* libpq sends C strings: a NUL would cut the statement short
	 * silently (a zeroed stretch of a dump could drop an index). */
	if (memchr(r->sc.stmt.s, 0, r->sc.stmt.len))
		die(EX_DATAERR, "line %llu: a NUL byte in the SQL text (the dump is damaged); it would cut the statement "
		    "short", (unsigned long long)line);
	r->after_copy = 0;
	r->pgdump_complete = 0;
	if (r->jobs > 1 && route(r, stmt, line, &pl)) {
		r->statements++;
		return;
	}
	sbuf_printf(&where, "line %llu", (unsigned long long)line);
	r->schema_gen++;
	res = pgq_exec(&q, stmt, where.s);
	sbuf_free(&where);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	case PGRES_COPY_IN:
		copy_table(r);
		r->tab[r->ntab - 1].t_start = deadline_now();
		rowsum_init(&r->cur);
		r->mode = M_COPY_LINE;
		if (r->prog)
			snprintf(r->prog->label, sizeof r->prog->label, "%llu statements, %.40s",
			    (unsigned long long)r->statements, r->tab[r->ntab - 1].name);
		break;
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		die(EX_DATAERR, "line %llu: a COPY to the client has no place in a dump", (unsigned long long)line);
	default:
		die_stmt(r, res, line, stmt);
	}
	PQclear(res);
	if (pl.cls == PLAN_SETTING)
		par_setting(r, pl.param, stmt, line);
	/* Whatever ended the transaction anyway: say what is true. */
	if (r->single && PQtransactionStatus(r->pc->conn) == PQTRANS_IDLE)
		die(EX_DATAERR, "line %llu: the restore's transaction ended after this statement: what came before it "
		    "is committed, the rest is not restored", (unsigned long long)line);
	r->statements++;
	if (r->prog && r->prog->on && r->mode == M_SQL) {
		if (r->par)
			par_label(r, r->prog->label, sizeof r->prog->label);
		else
			snprintf(r->prog->label, sizeof r->prog->label, "%llu statements", (unsigned long long)r->statements);
	}
}

/* The text of a literal 'it''s' at p, into out (cut at cap). */
static void
literal_value(const char *p, char *out, size_t cap)
{
	size_t n = 0;

	for (p++; *p && *p != '\n' && !(p[0] == '\'' && p[1] != '\''); p++) {
		if (*p == '\'')
			p++;
		if (n + 1 < cap)
			out[n++] = *p;
	}
	out[n] = 0;
}

/* "-- pgops-globals: tablespace 'NAME'" comes before a CREATE
 * TABLESPACE, which cannot be made conditional in SQL: it is passed over
 * when the tablespace exists. */
static void
tablespace_check(struct restore *r, const char *literal)
{
	struct pgq q = restore_q(r);
	struct sbuf sql = { 0 };
	char name[256];
	PGresult *res;

	if (!r->started) {
		r->started = 1;
		if (r->before_first)
			r->before_first(r);
	}
	/* the name in the dump's literal, quoted anew */
	literal_value(literal, name, sizeof name);
	sbuf_puts(&sql, "select count(*) from pg_catalog.pg_tablespace where spcname = ");
	sql_literal(&sql, name);
	res = pgq_rows(&q, sql.s, "cannot look for a tablespace");
	r->skip_next = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	if (r->skip_next)
		r->spc_existed++;
	else
		r->spc_created++;
	PQclear(res);
	sbuf_free(&sql);
}

static void
on_comment(struct restore *r)
{
	const char *t = r->sc.text;
	unsigned long long rows, sum;
	int n = 0;

	if (!r->started && r->kind == DUMP_SQL) {
		if (strncmp(t, "-- pgdump-stream ", 17) == 0 &&
		    (strstr(t, " dump of database ") || strstr(t, " globals dump of the cluster "))) {
			r->kind = DUMP_OURS;
			r->globals = strstr(t, " globals dump of the cluster ") != NULL;
			snprintf(r->source, sizeof r->source, "%s", t + 3);
		} else if (strncmp(t, "-- PostgreSQL database dump", 27) == 0 && strspn(t + 27, " \r") == strlen(t + 27)) {
			r->kind = DUMP_PGDUMP;
			snprintf(r->source, sizeof r->source, "pg_dump dump");
		}
		return;
	}
	if (!r->started && r->kind == DUMP_PGDUMP && strncmp(t, "-- Dumped from database version ", 32) == 0) {
		snprintf(r->source, sizeof r->source, "pg_dump dump of a PostgreSQL %.100s server", t + 32);
		return;
	}
	if (r->kind == DUMP_PGDUMP && strncmp(t, "-- PostgreSQL database dump complete", 36) == 0) {
		r->pgdump_complete = 1;
		return;
	}
	if (r->kind == DUMP_OURS && !r->started && strncmp(t, "-- pgops-create: database '", 27) == 0) {
		r->create = 1;
		literal_value(t + 26, r->create_db, sizeof r->create_db);
		return;
	}
	if (r->create && strncmp(t, "-- pgops:connect '", 18) == 0) {
		char db[256];

		literal_value(t + 17, db, sizeof db);
		if (r->connect)
			r->connect(r, db);
		return;
	}
	if (r->globals && strncmp(t, "-- pgops-globals: tablespace '", 30) == 0) {
		tablespace_check(r, t + 29);
		return;
	}
	if (r->after_copy && r->kind == DUMP_OURS && sscanf(t, "-- pgdump-stream: rows %llu%n", &rows, &n) == 1) {
		struct rtable *tb = &r->tab[r->ntab - 1];

		tb->recorded = 1;
		tb->rec_rows = rows;
		if (sscanf(t + n, " sum %llx", &sum) == 1) {
			tb->recorded_sum = 1;
			tb->rec_sum = sum;
		}
		r->after_copy = 0;
	}
}

/* pg_dump's \restrict and \unrestrict (with the same key) frame its dumps;
 * pgrestore-stream never runs meta-commands, so any other is refused. */
static void
on_meta(struct restore *r)
{
	char name[32], key[128];
	const char *t = r->sc.text;
	int end = 0, n = sscanf(t, "\\%31s %127s%n", name, key, &end);
	uint64_t line = r->sc.item_line;

	if (n == 2 && (strcmp(name, "restrict") == 0 || strcmp(name, "unrestrict") == 0) &&
	    t[end + strspn(t + end, " \t\r\n")])
		die(EX_DATAERR, "line %llu: \\%s %s is followed by more text; the line must hold only its key",
		    (unsigned long long)line, name, key);

	if (r->sc.stmt.len == 0 && n == 2 && strcmp(name, "restrict") == 0 && !r->restrict_key[0]) {
		snprintf(r->restrict_key, sizeof r->restrict_key, "%s", key);
		return;
	}
	if (r->sc.stmt.len == 0 && n == 2 && strcmp(name, "unrestrict") == 0 && strcmp(key, r->restrict_key) == 0) {
		r->unrestricted = 1;
		return;
	}
	if (n >= 1 && (strcmp(name, "connect") == 0 || strcmp(name, "c") == 0))
		die(EX_DATAERR, "line %llu: the dump switches databases (\\%s): restore a single-database dump, "
		    "one database per run", (unsigned long long)line, name);
	if (n == 2 && strcmp(name, "unrestrict") == 0)
		die(EX_DATAERR, "line %llu: \\unrestrict names another key than the dump's \\restrict",
		    (unsigned long long)line);
	die(EX_DATAERR, "line %llu: psql meta-command %.40s: pgrestore-stream runs SQL and COPY data only",
	    (unsigned long long)line, n >= 1 ? t : "\\");
}

/* -j: rows gather into a chunk, handed to the sessions at its last
 * newline once it holds PAR_CHUNK bytes; the partial row after it starts
 * the next chunk. */
static void
chunk_add(struct restore *r, const char *p, size_t n)
{
	struct pchunk *c = &r->chunk;
	const char *nl;
	size_t cut;

	if (c->len + n > c->cap) {
		c->cap = c->len + n > 2 * PAR_CHUNK ? c->len + n : 2 * PAR_CHUNK;
		c->data = xrealloc(c->data, c->cap);
	}
	memcpy(c->data + c->len, p, n);
	c->len += n;
	if (c->len < PAR_CHUNK || !(nl = memrchr(c->data, '\n', c->len)))
		return;
	cut = (size_t)(nl - c->data) + 1;
	{
		/* The job reads only data[0..cut): the rest is copied out
		 * of the same buffer after it went. */
		const char *rest = c->data + cut;
		size_t nrest = c->len - cut;

		c->len = cut;
		/* every newline up to the cut is counted in sc.line, and the
		 * partial row after it has none */
		c->lines = r->sc.line - 1 - c->base;
		/* A table of more than one chunk: held off autovacuum from its
		 * first (a smaller one is not worth the round trips). */
		if (!r->copy_sent) {
			struct sbuf name = { 0 };

			copy_name(r->copy_pl.key[0], &name);
			avlock_take(r, name.s);
			sbuf_free(&name);
		}
		par_submit(r, &r->copy_pl, r->tab[r->ntab - 1].copy_in, r->tab[r->ntab - 1].line, r->ntab - 1);
		r->copy_sent = 1;
		if (nrest > r->chunk.cap) {
			r->chunk.cap = nrest > 2 * PAR_CHUNK ? nrest : 2 * PAR_CHUNK;
			r->chunk.data = xrealloc(r->chunk.data, r->chunk.cap);
		}
		if (nrest)
			memcpy(r->chunk.data, rest, nrest);
		r->chunk.len = nrest;
		r->chunk.base = r->sc.line - 1;
	}
	if (r->prog && r->prog->on)
		par_label(r, r->prog->label, sizeof r->prog->label);
}

static void
copy_put(struct restore *r, const char *p, size_t n)
{
	if (!n)
		return;
	r->tab[r->ntab - 1].bytes += n;
	if (r->par_copy) {
		chunk_add(r, p, n);
		return;
	}
	if (pg_copy_put(r->pc, p, n, deadline_in(r->timeout_ms)) < 0) {
		PGresult *res;

		if (errno != EIO)
			die_lost(r, r->sc.line, errno);
		/* The server ended the COPY early: its error says why. */
		res = pg_result_wait(r->pc, deadline_in(r->timeout_ms));
		if (!res || PQresultStatus(res) == PGRES_COPY_IN)
			die_lost(r, r->sc.line, res ? EIO : errno);
		die_stmt(r, res, r->tab[r->ntab - 1].line, r->sc.stmt.s);
	}
}

static void
copy_end(struct restore *r)
{
	struct rtable *t = &r->tab[r->ntab - 1];
	PGresult *res;

	if (r->par_copy) {
		/* The last rows; a block without rows still runs its COPY,
		 * which checks that the table takes them. */
		r->chunk.lines = 0;
		if (r->chunk.len || !r->copy_sent)
			par_submit(r, &r->copy_pl, t->copy_in, t->line, r->ntab - 1);
		r->par_copy = 0;
		goto done;
	}
	res = pg_copy_end(r->pc, NULL, deadline_in(r->timeout_ms));
	if (!res)
		die_lost(r, r->sc.line, errno);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		/* The server counts data lines from the COPY's next line. */
		const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
		const char *l = ctx ? strstr(ctx, ", line ") : NULL;
		uint64_t at = t->line + (l ? strtoull(l + 7, NULL, 10) : 0);

		die_at(r, res, at, t->line, r->sc.stmt.s);
	}
	PQclear(res);
	t->t_end = deadline_now();
done:
	if (r->jobs > 1) {
		/* the COPY statement: the sessions' copy, or the one
		 * still being run here */
		struct plan pl;

		plan_copy(t->copy_in ? t->copy_in : r->sc.stmt.s, &pl);
		seen_find(r, pl.key[0], 1)->bytes += t->bytes;
	}
	t->rows = r->cur.rows;
	t->sum = r->cur.sum;
	r->rows += t->rows;
	r->mode = M_SQL;
	r->after_copy = 1;
}

/* A piece of a row, and its end: the drill compares sums, which hashing
 * every byte costs (about a quarter of a -j restore's client CPU);
 * otherwise rows are only counted. */
static void
row_part(struct restore *r, const char *p, size_t n)
{
	if (r->sums)
		rowsum_part(&r->cur, p, n);
}

static void
row_end(struct restore *r)
{
	if (r->sums)
		rowsum_end(&r->cur);
	else
		r->cur.rows++;
}

/* COPY data up to its \. line: returns the bytes consumed. Lines are sent
 * in runs as long as the input chunk; only a possible terminator at the
 * start of a line is held back (at most 3 bytes) across chunks. */
static size_t
copy_data(struct restore *r, const char *p, size_t n)
{
	size_t i = 0, start = 0;

	while (i < n) {
		char c = p[i];

		if (!r->bol) {
			const char *nl = memchr(p + i, '\n', n - i);

			if (!nl) {
				row_part(r, p + i, n - i);
				i = n;
				break;
			}
			row_part(r, p + i, (size_t)(nl - (p + i)));
			row_end(r);
			i = (size_t)(nl - p) + 1;
			r->sc.line++;
			r->bol = 1;
			continue;
		}
		if ((r->nhold == 0 && c == '\\') || (r->nhold == 1 && c == '.') || (r->nhold == 2 && c == '\r')) {
			if (r->nhold == 0) {
				copy_put(r, p + start, i - start);
			}
			r->hold[r->nhold++] = c;
			start = ++i;
			continue;
		}
		if (r->nhold >= 2 && c == '\n') {
			r->sc.line++;
			r->nhold = 0;
			copy_end(r);
			return i + 1;
		}
		/* Not the end after all: what was held is data (and the run
		 * to send starts here, since holding moved it along). */
		if (r->nhold) {
			row_part(r, r->hold, r->nhold);
			copy_put(r, r->hold, r->nhold);
			r->nhold = 0;
		}
		r->bol = 0;
	}
	copy_put(r, p + start, i - start);
	return n;
}

/* The rest of the COPY statement's line must be blank: the data starts on
 * the next line, as with psql. */
static size_t
copy_line(struct restore *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			r->sc.line++;
			r->mode = M_COPY_DATA;
			r->bol = 1;
			r->nhold = 0;
			return i + 1;
		}
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			die(EX_DATAERR, "line %llu: text after COPY ... FROM stdin on the same line; the data must start on the next line",
			    (unsigned long long)r->sc.line);
	}
	return n;
}

/* A signal: a COPY the main session is feeding may be busy on the server
 * (a trigger, a lock), which would not notice the session's end until it
 * is done; it is cancelled first. */
void
restore_interrupted(struct restore *r)
{
	char err[256];

	if (r->mode != M_SQL && !r->par_copy)
		pg_cancel(r->pc, err, sizeof err);
	pg_close(r->pc);
	sig_exit();
}

void
restore_feed(struct restore *r, const char *p, size_t n)
{
	trailer_feed(&r->trailer, p, n);
	r->bytes += n;
	while (n) {
		size_t used;

		if (r->mode == M_COPY_LINE) {
			used = copy_line(r, p, n);
		} else if (r->mode == M_COPY_DATA) {
			used = copy_data(r, p, n);
		} else {
			switch (sqlscan_feed(&r->sc, p, n, &used)) {
			case SQLSCAN_STMT:
				run_statement(r, r->sc.stmt.s, r->sc.item_line);
				break;
			case SQLSCAN_COMMENT:
				on_comment(r);
				break;
			case SQLSCAN_META:
				on_meta(r);
				break;
			case SQLSCAN_TOOLONG:
				die(EX_DATAERR, "line %llu: a statement longer than %zu bytes: not a dump",
				    (unsigned long long)r->sc.item_line, SQLSCAN_STMT_MAX);
			case SQLSCAN_MORE:
				break;
			}
		}
		p += used;
		n -= used;
		if (sig_caught())
			restore_interrupted(r);
		if (r->par)
			par_poll(r);
	}
}

/* The input ended while the server waits for COPY rows. */
static void
copy_cut_short(struct restore *r)
{
	struct rtable *t;

	if (r->mode == M_SQL)
		return;
	t = &r->tab[r->ntab - 1];
	/* With -j the rows not yet handed out are dropped (the chunks before
	 * them are loaded: the man page says so). */
	if (!r->par_copy)
		PQclear(pg_copy_end(r->pc, "the dump ends inside COPY data", deadline_in(r->timeout_ms)));
	die(EX_DATAERR, "the dump ends inside the rows of %s (COPY at line %llu, %llu rows read): it was cut short",
	    t->name, (unsigned long long)t->line, (unsigned long long)r->cur.rows);
}

void
restore_finish(struct restore *r)
{
	enum sqlscan_event ev;
	const char *open;

	/* "\." as the very last bytes, without its newline, ends the data
	 * as psql's reading does. */
	if (r->mode == M_COPY_DATA && r->bol && r->nhold == 2) {
		r->nhold = 0;
		copy_end(r);
	}
	copy_cut_short(r);
	while ((ev = sqlscan_finish(&r->sc, &open)) != SQLSCAN_MORE) {
		if (ev == SQLSCAN_COMMENT) {
			on_comment(r);
		} else if (ev == SQLSCAN_META) {
			on_meta(r);
		} else {
			if (open)
				die(EX_DATAERR, "the dump ends inside %s, in the statement at line %llu: it was cut short",
				    open, (unsigned long long)r->sc.item_line);
			if (r->kind != DUMP_SQL)
				die(EX_DATAERR, "the dump ends with a statement without its semicolon (line %llu): it was cut short",
				    (unsigned long long)r->sc.item_line);
			/* Plain SQL may end without a semicolon, as psql allows. */
			run_statement(r, r->sc.stmt.s, r->sc.item_line);
			copy_cut_short(r);
			break;
		}
	}
	/* A comment still open after the last statement: what followed it
	 * is lost. */
	if (open)
		die(EX_DATAERR, "the input ends inside %s (line %llu): it was cut short", open,
		    (unsigned long long)r->sc.line);
	par_close(r);
	avlock_release(r);
}

int
restore_complete(const struct restore *r, const char **why)
{
	uint64_t claimed;

	switch (r->kind) {
	case DUMP_OURS:
		switch (trailer_check(&r->trailer, &claimed)) {
		case TRAILER_OK:
			return 1;
		case TRAILER_WRONG_SIZE:
			*why = "its completion trailer counts another number of bytes than came before it";
			return 0;
		case TRAILER_MISSING:
			break;
		}
		*why = "it ends without pgdump-stream's completion trailer";
		return 0;
	case DUMP_PGDUMP:
		*why = "it ends without pg_dump's \"PostgreSQL database dump complete\" line";
		if (r->pgdump_complete && r->restrict_key[0] && !r->unrestricted)
			*why = "it ends without the \\unrestrict line that closes its \\restrict";
		return r->pgdump_complete && (!r->restrict_key[0] || r->unrestricted);
	case DUMP_SQL:
		break;
	}
	*why = "it is plain SQL, without a dump's completion trailer";
	return 0;
}
