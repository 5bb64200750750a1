/* Benchmark helper: run a COPY ... TO STDOUT through lib/pg and count the
 * bytes (nothing is kept), to time the TLS tunnel against libpq's own
 * plain TCP. Prints the byte count.
 *   pgcopy CONNINFO "COPY t TO STDOUT" */
#include <stdio.h>

#include "log.h"
#include "pg.h"

int
main(int argc, char **argv)
{
	struct pg_conn pc;
	PGresult *r;
	char err[1024], *buf;
	unsigned long long total = 0;
	int n, code;

	log_init(argv[0]);
	if (argc != 3)
		die(EX_USAGE, "usage: pgcopy CONNINFO SQL");
	if ((code = pg_connect(&pc, argv[1], err, sizeof err)) != 0)
		die(code, "%s", err);
	r = PQexec(pc.conn, argv[2]);
	if (PQresultStatus(r) != PGRES_COPY_OUT)
		die(EX_DATAERR, "COPY failed: %s", PQerrorMessage(pc.conn));
	PQclear(r);
	while ((n = PQgetCopyData(pc.conn, &buf, 0)) > 0) {
		total += (unsigned long long)n;
		PQfreemem(buf);
	}
	if (n == -2)
		die(EX_IOERR, "COPY failed: %s", PQerrorMessage(pc.conn));
	r = PQgetResult(pc.conn);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(EX_DATAERR, "COPY failed: %s", PQerrorMessage(pc.conn));
	PQclear(r);
	printf("%llu\n", total);
	pg_close(&pc);
	return 0;
}
