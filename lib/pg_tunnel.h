/* Internal to lib/pg: the abstract-socket TLS tunnel libpq connects through. */
#ifndef PGOPS_PG_TUNNEL_H
#define PGOPS_PG_TUNNEL_H

#include <pthread.h>

#include "tls.h"

struct pg_tunnel {
	char name[64];            /* libpq's host is "@" + name */
	int lfd, stop[2], running;
	pthread_t thread;
	pthread_mutex_t mu;
	struct tls_conn *first;   /* handed to the first connection accepted */
	/* Opens a new TLS session to the same server (for cancel requests). */
	int (*reconnect)(void *arg, struct tls_conn *tls, char *err, size_t errlen);
	void *reconnect_arg;
};

/* Takes ownership of first (heap-allocated). 0, or -1 with a message. */
int pg_tunnel_start(struct pg_tunnel *t, struct tls_conn *first, const char *port,
    int (*reconnect)(void *, struct tls_conn *, char *, size_t), void *arg, char *err, size_t errlen);
void pg_tunnel_stop(struct pg_tunnel *t);

#endif
