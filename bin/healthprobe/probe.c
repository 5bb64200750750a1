/* One probe of one target, with a deadline per attempt: http(s), tcp,
 * unix, PostgreSQL (pg_isready's ping, a query, primary/standby, lag) and
 * backup freshness; the options shared by every mode. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "healthprobe.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "opt.h"
#include "outfile.h"
#include "parse.h"
#include "pg.h"
#include "pgq.h"
#include "s3.h"
#include "sig.h"
#include "tls.h"
#include "xmem.h"

static void *
watchdog(void *arg)
{
	struct prober *p = arg;

	sig_block_thread();
	for (;;) {
		struct timespec ts = { 0, 100 * 1000000L };
		uint64_t at = atomic_load(&p->watchdog_at);

		nanosleep(&ts, NULL);
		if (at && deadline_now() > at + 2500) {
			log_error("%s: no answer within the timeout; giving up", atomic_load(&p->watchdog_target));
			_exit(EX_NEGATIVE);
		}
	}
	return NULL;
}

void
probe_watchdog_start(struct prober *p)
{
	pthread_t wd;

	if (pthread_create(&wd, NULL, watchdog, p) != 0)
		die(EX_SOFTWARE, "cannot start the watchdog thread");
	pthread_detach(wd);
}

/* user:password@ in a URL, or password=... in a conninfo, becomes ***. */
static void
redact(const char *in, char *out, size_t size)
{
	const char *scheme = strstr(in, "://"), *at, *colon, *pw;

	snprintf(out, size, "%s", in);
	if (scheme && (at = strchr(scheme + 3, '@')) && (colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3))))
		snprintf(out, size, "%.*s:***%s", (int)(colon - in), in, at);
	else if ((pw = strstr(in, "password=")))
		snprintf(out, size, "%.*spassword=***%s", (int)(pw - in), in, pw + 9 + strcspn(pw + 9, " "));
}

static void
parse_status_list(struct probe_opts *o, const char *s)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof buf, "%s", s);
	o->nranges = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t a, b;

		if (o->nranges == MAX_RANGES)
			opt_usage_error("--expect-status: at most %d ranges", MAX_RANGES);
		if (dash)
			*dash = 0;
		if (parse_uint(tok, 599, &a) < 0 || a < 100 ||
		    (dash ? parse_uint(dash + 1, 599, &b) < 0 || b < a : (b = a, 0)))
			opt_usage_error("--expect-status: '%s' is not a list of codes and ranges like 200-399,404", s);
		o->ranges[o->nranges][0] = (int)a;
		o->ranges[o->nranges][1] = (int)b;
		o->nranges++;
	}
	if (!o->nranges)
		opt_usage_error("--expect-status: empty list");
}

static int
status_ok(const struct probe_opts *o, int st)
{
	for (int i = 0; i < o->nranges; i++)
		if (st >= o->ranges[i][0] && st <= o->ranges[i][1])
			return 1;
	return 0;
}

int
target_needs_tls(const struct target *t)
{
	return t->kind == K_HTTP && strncmp(t->arg, "https://", 8) == 0;
}

void
probe_load_tls(struct prober *p)
{
	char err[512];

	if (p->tls_loaded++)
		return;
	if (!p->opt.insecure) {
		if (p->opt.cacert ? tls_anchors_file(&p->anchors, p->opt.cacert, err, sizeof err) < 0
		    : tls_anchors_default(&p->anchors, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		if (p->opt.verbose)
			log_info("trust anchors: %s", p->anchors.source);
	}
	if (p->opt.cert) {
		if (tls_client_cert_load(&p->client_cert, p->opt.cert, p->opt.key ? p->opt.key : p->opt.cert, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		p->cert_loaded = 1;
	}
}

void
probe_http_setup(const struct prober *p, struct http_client *c)
{
	if (!c->url.https)
		return;
	c->verify = p->opt.insecure ? TLS_VERIFY_NONE : TLS_VERIFY_FULL;
	c->anchors = p->opt.insecure ? NULL : &p->anchors;
	c->cert = p->cert_loaded ? &p->client_cert : NULL;
	c->servername = p->opt.servername;
}

static int
probe_http(const struct prober *p, struct target *t, uint64_t deadline)
{
	static unsigned char body[1 << 20];
	struct http_client c;
	struct http_response *r = xmalloc(sizeof *r);
	char err[512];
	int ok = 0;

	if (http_client_init(&c, t->arg) < 0) {
		snprintf(t->why, sizeof t->why, "not a URL");
		free(r);
		return 0;
	}
	probe_http_setup(p, &c);
	if (http_request(&c, p->opt.method, c.url.path, p->opt.headers, (size_t)p->opt.nheaders, NULL, 0, r,
	    body, sizeof body - 1, deadline, err, sizeof err) < 0) {
		snprintf(t->why, sizeof t->why, "%s", err);
	} else if (!status_ok(&p->opt, r->status)) {
		snprintf(t->why, sizeof t->why, "status %d", r->status);
	} else if (p->opt.expect_body) {
		body[r->bodylen] = 0;
		if (memmem(body, r->bodylen, p->opt.expect_body, strlen(p->opt.expect_body)))
			ok = 1;
		else
			snprintf(t->why, sizeof t->why, "status %d, but the body lacks \"%s\"", r->status,
			    p->opt.expect_body);
	} else {
		ok = 1;
		snprintf(t->why, sizeof t->why, "status %d", r->status);
	}
	http_client_close(&c);
	free(r);
	return ok;
}

static int
probe_tcp(struct target *t, uint64_t deadline)
{
	char host[256], err[300];
	const char *port;
	int fd;

	if (net_split_hostport(t->arg + 6, host, sizeof host, &port) < 0 || !host[0]) {
		snprintf(t->why, sizeof t->why, "not tcp://HOST:PORT");
		return 0;
	}
	fd = net_connect(host, port, deadline, err, sizeof err);
	if (fd < 0) {
		snprintf(t->why, sizeof t->why, "%s", err);
		return 0;
	}
	close(fd);
	snprintf(t->why, sizeof t->why, "connected");
	return 1;
}

static int
probe_unix(struct target *t)
{
	char err[600];
	int fd = net_connect_unix(t->arg + 7, err, sizeof err);

	if (fd < 0) {
		snprintf(t->why, sizeof t->why, "%s", err);
		return 0;
	}
	close(fd);
	snprintf(t->why, sizeof t->why, "connected");
	return 1;
}

/* One query with the deadline (cancelled on the server when it passes);
 * NULL with lib/pgq's words for why in err. */
static PGresult *
query(struct pg_conn *pc, const char *sql, uint64_t deadline, uint64_t timeout_ms, char *err, size_t errlen)
{
	struct pgq q = { pc, timeout_ms, EX_NEGATIVE, 0 };
	PGresult *r = pg_exec(pc, sql, deadline);

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	/* A signal ends the probe, never the program: the sidecar keeps
	 * answering while it drains after SIGTERM. */
	if (!r && errno == EINTR)
		snprintf(err, errlen, "interrupted");
	else
		pgq_why(&q, r, errno, err, errlen);
	PQclear(r);
	return NULL;
}

static int
probe_pg(const struct probe_opts *o, struct target *t, uint64_t deadline)
{
	const char *ci = t->arg;
	struct pg_conn pc;
	PGresult *r;
	char err[1024];
	int code, ok = 0;

	if (strcmp(ci, "postgres:") == 0 || strcmp(ci, "postgresql:") == 0)
		ci = NULL; /* DATABASE_URL, then PG* */
	if (o->level == L_PING) {
		switch (pg_ping(ci, deadline, t->why, sizeof t->why)) {
		case PG_PING_OK: return 1;
		case PG_PING_BAD_SETTINGS: die(EX_CONFIG, "%s: %s", t->shown, t->why);
		default: return 0;
		}
	}
	code = pg_connect_timeout(&pc, ci, deadline_poll_ms(deadline) > 0 ? (uint64_t)deadline_poll_ms(deadline) : 1,
	    err, sizeof err);
	if (code == EX_CONFIG)
		die(EX_CONFIG, "%s: %s", t->shown, err);
	if (code != 0) {
		snprintf(t->why, sizeof t->why, "%s", err);
		return 0;
	}
	switch (o->level) {
	case L_QUERY:
		if ((r = query(&pc, "SELECT 1", deadline, o->timeout_ms, err, sizeof err))) {
			ok = 1;
			snprintf(t->why, sizeof t->why, "query ok");
		}
		break;
	case L_PRIMARY:
	case L_STANDBY:
		if ((r = query(&pc, "SELECT pg_is_in_recovery()", deadline, o->timeout_ms, err, sizeof err))) {
			int standby = strcmp(PQgetvalue(r, 0, 0), "t") == 0;

			ok = standby == (o->level == L_STANDBY);
			snprintf(t->why, sizeof t->why, "%s", standby ? "a standby (in recovery)" : "a primary");
		}
		break;
	default:
		/* Lag: bytes received but not replayed, or the age of the last
		 * replayed transaction; a standby that has replayed all it
		 * received is not lagging however quiet the primary is. */
		if ((r = query(&pc, "SELECT pg_is_in_recovery(), "
		    "coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint, "
		    "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 ELSE "
		    "coalesce((extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::bigint, 0) END",
		    deadline, o->timeout_ms, err, sizeof err))) {
			long long bytes = atoll(PQgetvalue(r, 0, 1)), ms = atoll(PQgetvalue(r, 0, 2));

			if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
				snprintf(t->why, sizeof t->why, "not a standby: no replication lag to measure");
			} else if (o->level == L_LAG_BYTES) {
				ok = (uint64_t)bytes <= o->lag;
				snprintf(t->why, sizeof t->why, "replay lag %lld bytes (limit %llu)", bytes,
				    (unsigned long long)o->lag);
			} else {
				ok = (uint64_t)ms <= o->lag;
				snprintf(t->why, sizeof t->why, "replay lag %lld ms (limit %llu ms)", ms,
				    (unsigned long long)o->lag);
			}
		}
		break;
	}
	if (!r)
		snprintf(t->why, sizeof t->why, "%s", err);
	PQclear(r);
	pg_close(&pc);
	return ok;
}

#define BACKUP_SKEW_S 300 /* how far ahead a file's time may be: clocks differ */

static int
probe_backup(const struct probe_opts *o, struct target *t)
{
	const char *dir = t->arg + 7;
	DIR *d = opendir(dir);
	struct dirent *e;
	char newest[256] = "", ahead[256] = "";
	struct stat best = { 0 };
	int fd, have = 0, nahead = 0;
	time_t now = time(NULL);

	if (!d) {
		snprintf(t->why, sizeof t->why, "%s: %s", dir, strerror(errno));
		return 0;
	}
	fd = dirfd(d);
	while ((e = readdir(d))) {
		struct stat st;

		if (outfile_is_temp(e->d_name) || fnmatch(o->pattern, e->d_name, FNM_PERIOD) != 0)
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		/* A file dated past the clock skew (a wrong clock, files restored
		 * with their times) would pass forever: it counts for nothing. */
		if (st.st_mtime > now + BACKUP_SKEW_S) {
			if (!nahead++)
				snprintf(ahead, sizeof ahead, "%s", e->d_name);
			continue;
		}
		if (!have || st.st_mtime > best.st_mtime) {
			best = st;
			snprintf(newest, sizeof newest, "%s", e->d_name);
			have = 1;
		}
	}
	closedir(d);
	if (nahead)
		log_warn("%s: %s%s is dated in the future (beyond %d s of clock skew) and does not count as a backup",
		    dir, ahead, nahead > 1 ? " and others" : "", BACKUP_SKEW_S);
	if (!have) {
		snprintf(t->why, sizeof t->why, "no backup matching %s in %s%s", o->pattern, dir,
		    nahead ? " (only files dated in the future)" : "");
		return 0;
	}
	t->age_s = (int64_t)now - (int64_t)best.st_mtime;
	if (t->age_s < 0)
		t->age_s = 0;
	return backup_fresh(o, t, newest, (int64_t)now - (int64_t)best.st_mtime, (uint64_t)best.st_size);
}

int
backup_fresh(const struct probe_opts *o, struct target *t, const char *name, int64_t age_s, uint64_t size)
{
	if (age_s > 0 && (uint64_t)age_s * 1000 > o->max_age_ms) {
		snprintf(t->why, sizeof t->why, "newest backup %.1000s is %lld min old (limit %llu min)", name,
		    (long long)(age_s / 60), (unsigned long long)(o->max_age_ms / 60000));
		return 0;
	}
	if (size < o->min_size) {
		snprintf(t->why, sizeof t->why, "newest backup %.1000s is %llu bytes (minimum %llu)", name,
		    (unsigned long long)size, (unsigned long long)o->min_size);
		return 0;
	}
	snprintf(t->why, sizeof t->why, "newest backup %.1000s, %lld min old, %llu bytes", name,
	    (long long)(age_s / 60), (unsigned long long)size);
	return 1;
}

void
probe(struct prober *p, struct target *t)
{
	uint64_t deadline = deadline_in(p->opt.timeout_ms);
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t->why[0] = 0;
	t->ex = 0;
	t->age_s = -1;
	if (p->watchdog) {
		atomic_store(&p->watchdog_target, t->shown);
		atomic_store(&p->watchdog_at, deadline);
	}
	switch (t->kind) {
	case K_HTTP: t->pass = probe_http(p, t, deadline); break;
	case K_TCP: t->pass = probe_tcp(t, deadline); break;
	case K_UNIX: t->pass = probe_unix(t); break;
	case K_PG: t->pass = probe_pg(&p->opt, t, deadline); break;
	case K_BACKUP: t->pass = probe_backup(&p->opt, t); break;
	case K_S3: t->pass = s3probe_run(p, t, deadline); break;
	}
	if (!t->pass && !t->ex)
		t->ex = EX_NEGATIVE;
	atomic_store(&p->watchdog_at, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t->ms = (double)(b.tv_sec - a.tv_sec) * 1000 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int
target_init(struct target *t, const char *arg, int from_pg_option)
{
	memset(t, 0, sizeof *t);
	t->arg = arg;
	redact(arg, t->shown, sizeof t->shown);
	if (from_pg_option || strncmp(arg, "postgres://", 11) == 0 || strncmp(arg, "postgresql://", 13) == 0 ||
	    strcmp(arg, "postgres:") == 0 || strcmp(arg, "postgresql:") == 0)
		t->kind = K_PG;
	else if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0) {
		struct http_url u;

		if (http_url_parse(arg, &u) < 0)
			return -1;
		t->kind = K_HTTP;
	} else if (strncmp(arg, "tcp://", 6) == 0)
		t->kind = K_TCP;
	else if (strncmp(arg, "unix://", 7) == 0 && arg[7] == '/')
		t->kind = K_UNIX;
	else if (strncmp(arg, "backup:", 7) == 0 && arg[7])
		t->kind = K_BACKUP;
	else if (strncmp(arg, "s3://", 5) == 0) {
		struct s3_url u;
		char err[300];

		if (s3_url_parse(arg, &u, err, sizeof err) < 0)
			return -1;
		t->kind = K_S3;
	}
	else
		return -1;
	return 0;
}

/* Options shared by every mode; returns 0 when c was one of them. */
int
probe_option(struct probe_opts *o, int c, const char *arg)
{
	switch (c) {
	case 't': o->timeout_ms = opt_duration_ms("--timeout", arg); break;
	case O_METHOD:
		if (strcmp(arg, "GET") != 0 && strcmp(arg, "HEAD") != 0)
			opt_usage_error("--method: '%s' is not GET or HEAD", arg);
		o->method = arg;
		break;
	case O_EXPECT_STATUS: parse_status_list(o, arg); break;
	case 'H':
		if (o->nheaders == MAX_HEADERS)
			opt_usage_error("at most %d headers", MAX_HEADERS);
		if (!strchr(arg, ':') || strpbrk(arg, "\r\n"))
			opt_usage_error("--header: '%s' is not 'Name: value'", arg);
		o->headers[o->nheaders++] = arg;
		break;
	case O_EXPECT_BODY: o->expect_body = arg; break;
	case O_CACERT: o->cacert = arg; break;
	case O_CERT: o->cert = arg; break;
	case O_KEY: o->key = arg; break;
	case O_INSECURE: o->insecure = 1; break;
	case O_SERVERNAME: o->servername = arg; break;
	case O_LEVEL:
		if (strcmp(arg, "ping") == 0) o->level = L_PING;
		else if (strcmp(arg, "query") == 0) o->level = L_QUERY;
		else if (strcmp(arg, "primary") == 0) o->level = L_PRIMARY;
		else if (strcmp(arg, "standby") == 0) o->level = L_STANDBY;
		else if (strncmp(arg, "lag=", 4) == 0) {
			if (parse_duration_ms(arg + 4, &o->lag) == 0 && strpbrk(arg + 4, "smhdw"))
				o->level = L_LAG_MS;
			else if (parse_size(arg + 4, &o->lag) == 0)
				o->level = L_LAG_BYTES;
			else
				opt_usage_error("--level: '%s' is not lag=SIZE (like 16MB) or lag=DURATION (like 30s)", arg);
		} else
			opt_usage_error("--level: '%s' is not ping, query, primary, standby or lag=...", arg);
		break;
	case O_PATTERN: o->pattern = arg; break;
	case O_MAX_AGE: o->max_age_ms = opt_duration_ms("--max-age", arg); break;
	case O_MIN_SIZE: o->min_size = opt_size("--min-size", arg); break;
	case O_SSE_C: o->sse_c_file = arg; break;
	case O_LOG_FORMAT: opt_log_format(arg); break;
	case 'h': opt_help(probe_usage);
	default: return -1;
	}
	return 0;
}

char **
probe_split_command(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			*argc = i;
			return argv + i + 1;
		}
	return NULL;
}

void
probe_defaults(struct probe_opts *o)
{
	o->timeout_ms = 1000;
	o->interval_ms = 1000;
	o->max_age_ms = 26 * 3600000ULL;
	o->min_size = 1;
	o->method = "GET";
	o->pattern = "*";
	o->level = L_QUERY;
	parse_status_list(o, "200-399");
}

