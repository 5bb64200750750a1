/* Test helper: connect through lib/pg (our TLS, libpq over the tunnel) the
 * way every pgops program does, run one query, print the first value.
 * Not installed.
 *   pgquery [-v] [-c MS] CONNINFO|URL|"" SQL
 * -v: "tls" or "plain" and the server on stderr; -c MS: cancel the query
 * after MS milliseconds from another thread (PQcancel through the tunnel). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "opt.h"
#include "pg.h"

static struct pg_conn pc;
static uint64_t cancel_ms;

static void *
canceller(void *arg)
{
	struct timespec ts = { (time_t)(cancel_ms / 1000), (long)(cancel_ms % 1000) * 1000000 };
	char err[256];

	(void)arg;
	nanosleep(&ts, NULL);
	if (pg_cancel(&pc, err, sizeof err) < 0)
		log_error("cancel failed: %s", err);
	return NULL;
}

int
main(int argc, char **argv)
{
	PGresult *r;
	pthread_t t;
	char err[2048];
	int c, verbose = 0, code;

	log_init(argv[0]);
	while ((c = getopt(argc, argv, "vc:")) != -1) {
		switch (c) {
		case 'v': verbose = 1; break;
		case 'c': cancel_ms = opt_uint("-c", optarg, 1, 600000); break;
		default: opt_usage_error("usage: pgquery [-v] [-c MS] CONNINFO SQL");
		}
	}
	if (argc - optind != 2)
		opt_usage_error("usage: pgquery [-v] [-c MS] CONNINFO SQL");
	if ((code = pg_connect(&pc, argv[optind], err, sizeof err)) != 0)
		die(code, "%s", err);
	if (verbose)
		log_info("%s %s:%s", pc.tls ? "tls" : "plain", pc.host, pc.port);
	if (cancel_ms)
		pthread_create(&t, NULL, canceller, NULL);
	r = PQexec(pc.conn, argv[optind + 1]);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_error_text(&pc, PQerrorMessage(pc.conn), err, sizeof err);
		PQclear(r);
		if (cancel_ms)
			pthread_join(t, NULL);
		pg_close(&pc);
		die(EX_DATAERR, "query failed: %s", err);
	}
	printf("%s\n", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	if (cancel_ms)
		pthread_join(t, NULL);
	pg_close(&pc);
	return 0;
}
