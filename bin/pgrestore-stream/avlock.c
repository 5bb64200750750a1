/* -j: autovacuum kept off the tables whose rows are loading. A table
 * that grows past autovacuum's insert threshold (1,000 rows) is vacuumed
 * and analyzed while its rows still arrive; with -j that work takes the
 * cores the sessions load on, and the statistics it gathers describe a
 * part of the table, so the same work is done again once the rows are in.
 * While the sessions load a table's rows, the main session (idle until
 * the next statement) holds it in SHARE UPDATE EXCLUSIVE mode, which
 * COPY's ROW EXCLUSIVE does not wait for and which autovacuum skips a
 * table for instead of waiting. The lock is taken without waiting (a
 * session of someone else's holding the table, or a restoring role that
 * may only insert, leaves the table as it would be without -j) and is
 * given up, in one ROLLBACK, before the main session runs anything else
 * and before any statement goes to the sessions: the transaction that
 * holds it writes nothing. */
#include <errno.h>

#include "deadline.h"
#include "pgrestore.h"

/* The hold's statements fail quietly: the transaction writes nothing, and
 * a main session lost meanwhile is reported by its next statement, with
 * that statement's line, as without -j. */
static void
avlock_exec(struct restore *r, const char *sql, int *ok)
{
	PGresult *res = pg_exec(r->pc, sql, deadline_in(r->timeout_ms));

	if (!res && errno == EINTR)
		restore_interrupted(r);
	*ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
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
		 * an operator set them, would end the restore's session. */
		sbuf_puts(&sql, "BEGIN");
		if (ver >= 90600)
			sbuf_puts(&sql, "; SET LOCAL idle_in_transaction_session_timeout = 0");
		if (ver >= 170000)
			sbuf_puts(&sql, "; SET LOCAL transaction_timeout = 0");
		sbuf_puts(&sql, "; ");
	}
	sbuf_printf(&sql, "LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE NOWAIT", name);
	avlock_exec(r, sql.s, &ok);
	sbuf_free(&sql);
	r->avlock = 1;
	if (!ok)
		avlock_release(r);
}

void
avlock_release(struct restore *r)
{
	int ok;

	if (!r->avlock)
		return;
	r->avlock = 0;
	avlock_exec(r, "ROLLBACK", &ok);
}
