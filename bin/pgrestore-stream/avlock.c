/* -j: autovacuum kept off the tables whose rows are loading. A table
 * that grows past autovacuum's insert threshold (about 1,000 rows for a
 * new one, PostgreSQL 13 on) is vacuumed and analyzed while its rows still
 * arrive: with -j that work takes the cores the sessions load on, and the
 * statistics describe a part of the table, so they are gathered again
 * once the rows are in. While the sessions load the rows of a table of
 * more than one chunk (restore.c's chunk_add takes the hold at the
 * first), the main session (idle until its next statement) holds it in
 * SHARE UPDATE EXCLUSIVE mode, which COPY's ROW EXCLUSIVE does not wait
 * for and which autovacuum skips a table for instead of waiting. The lock
 * is taken without waiting (a table someone else holds, or a restoring
 * role that may only insert, loads without the hold) and is given up, in
 * one ROLLBACK, before the main session runs anything else and before any
 * statement goes to the sessions: the transaction that holds it writes
 * nothing. */
#include <errno.h>

#include "deadline.h"
#include "pgrestore.h"

/* The hold's statements fail quietly: the transaction writes nothing, and
 * a main session lost meanwhile is reported by its next statement, with
 * that statement's line, as without -j. */
static int
avlock_exec(struct restore *r, const char *sql)
{
	PGresult *res = pg_exec(r->pc, sql, deadline_in(r->timeout_ms));
	int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!res && errno == EINTR)
		restore_interrupted(r);
	PQclear(res);
	return ok;
}

/* name: the table as the server reads it (copy_name's). */
void
avlock_take(struct restore *r, const char *name)
{
	struct sbuf sql = { 0 };
	int ver = PQserverVersion(r->pc->conn), ok;

	if (!r->avlock) {
		/* The main session is idle in this transaction while the
		 * rows load: the server's idle and transaction timeouts, where
		 * an operator set them, would end the restore's session, and a
		 * default isolation above READ COMMITTED would keep the first
		 * query's snapshot (copy_ordered's) for all that time. */
		sbuf_puts(&sql, "BEGIN ISOLATION LEVEL READ COMMITTED");
		if (ver >= 90600)
			sbuf_puts(&sql, "; SET LOCAL idle_in_transaction_session_timeout = 0");
		if (ver >= 170000)
			sbuf_puts(&sql, "; SET LOCAL transaction_timeout = 0");
		sbuf_puts(&sql, "; ");
	}
	/* ONLY: the table a dump's COPY names holds its rows (an inheritance
	 * parent's children have their own COPY blocks, and so have a
	 * partitioned table's partitions unless the dump loads through the
	 * root); locking every partition with the root could take thousands
	 * of entries in the server's lock table, which the sessions' COPYs
	 * need as well. */
	sbuf_printf(&sql, "LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE NOWAIT", name);
	ok = avlock_exec(r, sql.s);
	sbuf_free(&sql);
	r->avlock = 1;
	if (!ok)
		avlock_release(r);
}

void
avlock_release(struct restore *r)
{
	if (!r->avlock)
		return;
	r->avlock = 0;
	avlock_exec(r, "ROLLBACK");
}
