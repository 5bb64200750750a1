/* Test helper: connect with the static, OpenSSL-free libpq that every pgops
 * program links, run one query, print the first value. Shows the harness's
 * server and the dependency build work together. Not installed.
 *   pgquery CONNINFO SQL */
#include <stdio.h>

#include <libpq-fe.h>

#include "log.h"

int
main(int argc, char **argv)
{
	PGconn *c;
	PGresult *r;

	log_init(argv[0]);
	if (argc != 3)
		die(EX_USAGE, "usage: pgquery CONNINFO SQL");
	c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK)
		die(EX_UNAVAILABLE, "cannot connect: %s", PQerrorMessage(c));
	r = PQexec(c, argv[2]);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		die(EX_DATAERR, "query failed: %s", PQerrorMessage(c));
	printf("%s\n", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return 0;
}
