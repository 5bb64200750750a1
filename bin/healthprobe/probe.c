/* healthprobe: the probe that HEALTHCHECK, Kubernetes exec probes, init
 * containers and backup monitors run where there is no curl, no pg_isready
 * and no shell. Each TARGET is probed with a deadline per attempt; the exit
 * status is 0 when all pass and 1 when any fails (never 2, which Docker
 * reserves). With -- COMMAND, the command is executed once all pass. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <poll.h>
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
#include "sig.h"
#include "tls.h"
#include "xmem.h"

static const char usage[] =
"usage: healthprobe [options] TARGET... [-- COMMAND [ARG...]]\n"
"       healthprobe serve --listen [ADDR]:PORT [options] NAME=TARGET...\n"
"       healthprobe job [--ping URL] [--webhook URL] [options] -- COMMAND [ARG...]\n"
"Probe each TARGET; exit 0 when all pass, 1 when any fails. With -- COMMAND,\n"
"execute it once all pass (never after a failure). job: run COMMAND, report\n"
"its start and exit status to a monitor, exit with COMMAND's status.\n"
"TARGET: http://URL, https://URL, tcp://HOST:PORT, unix:///PATH,\n"
"        postgres://URL, postgresql://URL, postgres: (DATABASE_URL or PG*), backup:DIR\n"
"\n"
"  -t, --timeout DURATION        one attempt: connect, TLS and answer (default 1s)\n"
"      --retries N               attempts after a failed one (default 0)\n"
"      --interval DURATION       pause between attempts (default 1s)\n"
"      --wait DURATION           retry until all pass or DURATION has passed\n"
"HTTP:\n"
"      --method METHOD           GET (default) or HEAD\n"
"      --expect-status LIST      codes that pass, like 200-399 (default) or 200,204\n"
"  -H, --header HEADER           send 'Name: value' (repeatable)\n"
"      --expect-body TEXT        the body must contain TEXT\n"
"      --cacert FILE             trust the CAs in FILE (PEM)\n"
"      --cert FILE               client certificate (PEM)\n"
"      --key FILE                its private key (default: in --cert's file)\n"
"      --insecure                do not verify the server's certificate\n"
"      --servername NAME         the TLS name to send and check\n"
"PostgreSQL:\n"
"      --pg CONNINFO             a PostgreSQL target given as a conninfo string\n"
"      --level LEVEL             ping, query (default), primary, standby,\n"
"                                lag=SIZE or lag=DURATION\n"
"Backups:\n"
"      --pattern GLOB            backup files in DIR (default *)\n"
"      --max-age DURATION        the newest must be younger (default 26h)\n"
"      --min-size SIZE           and at least this large (default 1)\n"
"Sidecar (serve):\n"
"      --listen [ADDR]:PORT      serve /health, /health/ready, /metrics (ADDR: 127.0.0.1)\n"
"      --period DURATION         run the checks this often (default 10s)\n"
"      --service NAME            the service named in the JSON bodies\n"
"      --service-version V       the version named in them\n"
"      --drain DURATION          after SIGTERM: not ready at once, exit after (default 5s)\n"
"Job monitoring (job; --timeout default 10s, --retries 2 for each report):\n"
"      --ping URL                Healthchecks.io check URL: URL/start, URL/STATUS\n"
"      --webhook URL             POST a JSON message (Slack-compatible \"text\")\n"
"      --webhook-on WHEN         failure (default) or always\n"
"      --tail SIZE               output sent with the report (default 10KB)\n"
"      --name NAME               the job's name in messages (default: COMMAND)\n"
"Output:\n"
"  -v, --verbose                 a line per target, with its latency\n"
"      --json                    an application/health+json document on stdout\n"
"      --log-format FORMAT       messages on stderr as text (default) or json\n"
"  -h, --help                    show this help and exit\n"
"      --version                 show the version and exit\n"
"\n"
"Exit status: 0 all pass, 1 a target fails, 64 usage, 78 bad TLS files or\n"
"settings, 126/127 COMMAND cannot be executed; job: COMMAND's status.\n";

const char *probe_usage = usage;
static const struct option longopts[] = { HEALTHPROBE_LONGOPTS };

struct probe_opts opt;

static struct target targets[MAX_TARGETS];
static int ntargets;
static struct tls_anchors anchors;
static struct tls_client_cert client_cert;
static int cert_loaded;

/* The one wait no deadline of ours bounds is libpq's authentication
 * exchange (whole seconds, 2 at least). This watchdog ends the probe as
 * failed if an attempt outlives its deadline by more than 2.5 s. */
int probe_watchdog = 1;
static _Atomic uint64_t watchdog_at;
static const char *_Atomic watchdog_target;

static void *
watchdog(void *arg)
{
	(void)arg;
	sig_block_thread();
	for (;;) {
		struct timespec ts = { 0, 100 * 1000000L };
		uint64_t at = atomic_load(&watchdog_at);

		nanosleep(&ts, NULL);
		if (at && deadline_now() > at + 2500) {
			log_error("%s: no answer within the timeout; giving up", atomic_load(&watchdog_target));
			_exit(EX_NEGATIVE);
		}
	}
	return NULL;
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
parse_status_list(const char *s)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof buf, "%s", s);
	opt.nranges = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t a, b;

		if (opt.nranges == MAX_RANGES)
			opt_usage_error("--expect-status: at most %d ranges", MAX_RANGES);
		if (dash)
			*dash = 0;
		if (parse_uint(tok, 599, &a) < 0 || a < 100 ||
		    (dash ? parse_uint(dash + 1, 599, &b) < 0 || b < a : (b = a, 0)))
			opt_usage_error("--expect-status: '%s' is not a list of codes and ranges like 200-399,404", s);
		opt.ranges[opt.nranges][0] = (int)a;
		opt.ranges[opt.nranges][1] = (int)b;
		opt.nranges++;
	}
	if (!opt.nranges)
		opt_usage_error("--expect-status: empty list");
}

static int
status_ok(int st)
{
	for (int i = 0; i < opt.nranges; i++)
		if (st >= opt.ranges[i][0] && st <= opt.ranges[i][1])
			return 1;
	return 0;
}

int
target_needs_tls(const struct target *t)
{
	return t->kind == K_HTTP && strncmp(t->arg, "https://", 8) == 0;
}

void
probe_load_tls(void)
{
	static int loaded;
	char err[512];

	if (loaded++)
		return;
	if (!opt.insecure) {
		if (opt.cacert ? tls_anchors_file(&anchors, opt.cacert, err, sizeof err) < 0
		    : tls_anchors_default(&anchors, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		if (opt.verbose)
			log_info("trust anchors: %s", anchors.source);
	}
	if (opt.cert) {
		if (tls_client_cert_load(&client_cert, opt.cert, opt.key ? opt.key : opt.cert, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		cert_loaded = 1;
	}
}

void
probe_http_setup(struct http_client *c)
{
	if (!c->url.https)
		return;
	c->verify = opt.insecure ? TLS_VERIFY_NONE : TLS_VERIFY_FULL;
	c->anchors = opt.insecure ? NULL : &anchors;
	c->cert = cert_loaded ? &client_cert : NULL;
	c->servername = opt.servername;
}

static int
probe_http(struct target *t, uint64_t deadline)
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
	probe_http_setup(&c);
	if (http_request(&c, opt.method, c.url.path, opt.headers, (size_t)opt.nheaders, NULL, 0, r,
	    body, sizeof body - 1, deadline, err, sizeof err) < 0) {
		snprintf(t->why, sizeof t->why, "%s", err);
	} else if (!status_ok(r->status)) {
		snprintf(t->why, sizeof t->why, "status %d", r->status);
	} else if (opt.expect_body) {
		body[r->bodylen] = 0;
		if (memmem(body, r->bodylen, opt.expect_body, strlen(opt.expect_body)))
			ok = 1;
		else
			snprintf(t->why, sizeof t->why, "status %d, but the body lacks \"%s\"", r->status,
			    opt.expect_body);
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

/* One query with the deadline: PQsendQuery, then poll and consume. */
static PGresult *
query(struct pg_conn *pc, const char *sql, uint64_t deadline, char *err, size_t errlen)
{
	PGresult *r, *last = NULL;

	if (!PQsendQuery(pc->conn, sql)) {
		pg_error_text(pc, PQerrorMessage(pc->conn), err, errlen);
		return NULL;
	}
	while (PQisBusy(pc->conn)) {
		int p = deadline_poll(PQsocket(pc->conn), POLLIN, deadline);

		if (p <= 0) {
			snprintf(err, errlen, "query timed out");
			return NULL;
		}
		if (!PQconsumeInput(pc->conn)) {
			pg_error_text(pc, PQerrorMessage(pc->conn), err, errlen);
			return NULL;
		}
	}
	while ((r = PQgetResult(pc->conn))) {
		PQclear(last);
		last = r;
	}
	if (!last || PQresultStatus(last) != PGRES_TUPLES_OK) {
		pg_error_text(pc, PQerrorMessage(pc->conn), err, errlen);
		PQclear(last);
		return NULL;
	}
	return last;
}

static int
probe_pg(struct target *t, uint64_t deadline)
{
	const char *ci = t->arg;
	struct pg_conn pc;
	PGresult *r;
	char err[1024];
	int code, ok = 0;

	if (strcmp(ci, "postgres:") == 0 || strcmp(ci, "postgresql:") == 0)
		ci = NULL; /* DATABASE_URL, then PG* */
	if (opt.level == L_PING) {
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
	switch (opt.level) {
	case L_QUERY:
		if ((r = query(&pc, "SELECT 1", deadline, err, sizeof err))) {
			ok = 1;
			snprintf(t->why, sizeof t->why, "query ok");
		}
		break;
	case L_PRIMARY:
	case L_STANDBY:
		if ((r = query(&pc, "SELECT pg_is_in_recovery()", deadline, err, sizeof err))) {
			int standby = strcmp(PQgetvalue(r, 0, 0), "t") == 0;

			ok = standby == (opt.level == L_STANDBY);
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
		    deadline, err, sizeof err))) {
			long long bytes = atoll(PQgetvalue(r, 0, 1)), ms = atoll(PQgetvalue(r, 0, 2));

			if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
				snprintf(t->why, sizeof t->why, "not a standby: no replication lag to measure");
			} else if (opt.level == L_LAG_BYTES) {
				ok = (uint64_t)bytes <= opt.lag;
				snprintf(t->why, sizeof t->why, "replay lag %lld bytes (limit %llu)", bytes,
				    (unsigned long long)opt.lag);
			} else {
				ok = (uint64_t)ms <= opt.lag;
				snprintf(t->why, sizeof t->why, "replay lag %lld ms (limit %llu ms)", ms,
				    (unsigned long long)opt.lag);
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

static int
probe_backup(struct target *t)
{
	const char *dir = t->arg + 7;
	DIR *d = opendir(dir);
	struct dirent *e;
	char newest[256] = "";
	struct stat best;
	int fd, have = 0;

	if (!d) {
		snprintf(t->why, sizeof t->why, "%s: %s", dir, strerror(errno));
		return 0;
	}
	fd = dirfd(d);
	while ((e = readdir(d))) {
		struct stat st;

		if (outfile_is_temp(e->d_name) || fnmatch(opt.pattern, e->d_name, FNM_PERIOD) != 0)
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!have || st.st_mtime > best.st_mtime) {
			best = st;
			snprintf(newest, sizeof newest, "%s", e->d_name);
			have = 1;
		}
	}
	closedir(d);
	if (!have) {
		snprintf(t->why, sizeof t->why, "no backup matching %s in %s", opt.pattern, dir);
		return 0;
	}
	{
		int64_t age_ms = ((int64_t)time(NULL) - (int64_t)best.st_mtime) * 1000;

		if (age_ms > (int64_t)opt.max_age_ms) {
			snprintf(t->why, sizeof t->why, "newest backup %s is %lld min old (limit %llu min)", newest,
			    (long long)(age_ms / 60000), (unsigned long long)(opt.max_age_ms / 60000));
			return 0;
		}
		if ((uint64_t)best.st_size < opt.min_size) {
			snprintf(t->why, sizeof t->why, "newest backup %s is %lld bytes (minimum %llu)", newest,
			    (long long)best.st_size, (unsigned long long)opt.min_size);
			return 0;
		}
		snprintf(t->why, sizeof t->why, "newest backup %s, %lld min old, %lld bytes", newest,
		    (long long)(age_ms / 60000), (long long)best.st_size);
	}
	return 1;
}

void
probe(struct target *t)
{
	uint64_t deadline = deadline_in(opt.timeout_ms);
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t->why[0] = 0;
	if (probe_watchdog) {
		atomic_store(&watchdog_target, t->shown);
		atomic_store(&watchdog_at, deadline);
	}
	switch (t->kind) {
	case K_HTTP: t->pass = probe_http(t, deadline); break;
	case K_TCP: t->pass = probe_tcp(t, deadline); break;
	case K_UNIX: t->pass = probe_unix(t); break;
	case K_PG: t->pass = probe_pg(t, deadline); break;
	case K_BACKUP: t->pass = probe_backup(t); break;
	}
	atomic_store(&watchdog_at, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t->ms = (double)(b.tv_sec - a.tv_sec) * 1000 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static void
json_report(int all)
{
	char out[4096], esc[600];
	size_t o = 0;

	o += (size_t)snprintf(out + o, sizeof out - o, "{\"status\":\"%s\",\"checks\":{", all ? "pass" : "fail");
	for (int i = 0; i < ntargets; i++) {
		char line[1400];
		int n;

		log_json_escape(esc, 0, sizeof esc, targets[i].shown);
		n = snprintf(line, sizeof line, "%s\"%s\":[{\"status\":\"%s\",\"observedValue\":%.3f,"
		    "\"observedUnit\":\"ms\",\"output\":\"", i ? "," : "", esc,
		    targets[i].pass ? "pass" : "fail", targets[i].ms);
		log_json_escape(esc, 0, 200, targets[i].why);
		n += snprintf(line + n, sizeof line - (size_t)n, "%s\"}]", esc);
		/* Docker keeps 4 KB of a health check's output: stay under. */
		if (o + (size_t)n + 64 >= sizeof out) {
			o += (size_t)snprintf(out + o, sizeof out - o, "},\"notes\":[\"%d checks left out\"]}",
			    ntargets - i);
			puts(out);
			return;
		}
		memcpy(out + o, line, (size_t)n + 1);
		o += (size_t)n;
	}
	snprintf(out + o, sizeof out - o, "}}");
	puts(out);
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
	else
		return -1;
	return 0;
}

static void
add_target(const char *arg, int from_pg_option)
{
	if (ntargets == MAX_TARGETS)
		opt_usage_error("at most %d targets", MAX_TARGETS);
	if (target_init(&targets[ntargets], arg, from_pg_option) < 0)
		opt_usage_error("'%s' is not a target (http://, https://, tcp://, unix:///, postgres://, backup:DIR)",
		    targets[ntargets].shown);
	ntargets++;
}

/* Options shared by probe and serve; returns 0 when c was one of them. */
int
probe_option(int c, const char *arg)
{
	switch (c) {
	case 't': opt.timeout_ms = opt_duration_ms("--timeout", arg); break;
	case O_METHOD:
		if (strcmp(arg, "GET") != 0 && strcmp(arg, "HEAD") != 0)
			opt_usage_error("--method: '%s' is not GET or HEAD", arg);
		opt.method = arg;
		break;
	case O_EXPECT_STATUS: parse_status_list(arg); break;
	case 'H':
		if (opt.nheaders == MAX_HEADERS)
			opt_usage_error("at most %d headers", MAX_HEADERS);
		if (!strchr(arg, ':') || strpbrk(arg, "\r\n"))
			opt_usage_error("--header: '%s' is not 'Name: value'", arg);
		opt.headers[opt.nheaders++] = arg;
		break;
	case O_EXPECT_BODY: opt.expect_body = arg; break;
	case O_CACERT: opt.cacert = arg; break;
	case O_CERT: opt.cert = arg; break;
	case O_KEY: opt.key = arg; break;
	case O_INSECURE: opt.insecure = 1; break;
	case O_SERVERNAME: opt.servername = arg; break;
	case O_LEVEL:
		if (strcmp(arg, "ping") == 0) opt.level = L_PING;
		else if (strcmp(arg, "query") == 0) opt.level = L_QUERY;
		else if (strcmp(arg, "primary") == 0) opt.level = L_PRIMARY;
		else if (strcmp(arg, "standby") == 0) opt.level = L_STANDBY;
		else if (strncmp(arg, "lag=", 4) == 0) {
			if (parse_duration_ms(arg + 4, &opt.lag) == 0 && strpbrk(arg + 4, "smhdw"))
				opt.level = L_LAG_MS;
			else if (parse_size(arg + 4, &opt.lag) == 0)
				opt.level = L_LAG_BYTES;
			else
				opt_usage_error("--level: '%s' is not lag=SIZE (like 16MB) or lag=DURATION (like 30s)", arg);
		} else
			opt_usage_error("--level: '%s' is not ping, query, primary, standby or lag=...", arg);
		break;
	case O_PATTERN: opt.pattern = arg; break;
	case O_MAX_AGE: opt.max_age_ms = opt_duration_ms("--max-age", arg); break;
	case O_MIN_SIZE: opt.min_size = opt_size("--min-size", arg); break;
	case O_LOG_FORMAT: opt_log_format(arg); break;
	case 'h': opt_help(usage);
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
probe_defaults(void)
{
	opt.timeout_ms = 1000;
	opt.interval_ms = 1000;
	opt.max_age_ms = 26 * 3600000ULL;
	opt.min_size = 1;
	opt.method = "GET";
	opt.pattern = "*";
	opt.level = L_QUERY;
	parse_status_list("200-399");
}

int
main(int argc, char **argv)
{
	char **cmd = NULL;
	pthread_t wd;
	uint64_t wait_until = 0;
	int c, all;

	log_init(argv[0]);
	probe_defaults();
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return serve_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "job") == 0)
		return job_main(argc - 1, argv + 1);
	cmd = probe_split_command(&argc, argv);
	while ((c = getopt_long(argc, argv, "t:H:vh", longopts, NULL)) != -1) {
		if (probe_option(c, optarg) == 0)
			continue;
		switch (c) {
		case O_RETRIES: opt.retries = opt_uint("--retries", optarg, 0, 100000); break;
		case O_INTERVAL: opt.interval_ms = opt_duration_ms("--interval", optarg); break;
		case O_WAIT: opt.wait_ms = opt_duration_ms("--wait", optarg); opt.have_wait = 1; break;
		case O_PG: add_target(optarg, 1); break;
		case 'v': opt.verbose = 1; break;
		case O_JSON: opt.json = 1; break;
		case O_VERSION: opt_version();
		case O_LISTEN: case O_PERIOD: case O_SERVICE: case O_SERVICE_VERSION: case O_DRAIN:
			opt_usage_error("%s works with healthprobe serve only", argv[optind - 1]);
		case O_PING: case O_WEBHOOK: case O_WEBHOOK_ON: case O_TAIL: case O_NAME:
			opt_usage_error("%s works with healthprobe job only", argv[optind - 1]);
		default: opt_usage_error("unknown option or missing argument");
		}
	}
	for (int i = optind; i < argc; i++)
		add_target(argv[i], 0);
	if (ntargets == 0)
		opt_usage_error("no target to probe");
	if (opt.timeout_ms == 0)
		opt_usage_error("--timeout must be more than 0");
	if (cmd && !cmd[0])
		opt_usage_error("-- needs a COMMAND");

	for (int i = 0; i < ntargets; i++)
		if (target_needs_tls(&targets[i])) {
			probe_load_tls();
			break;
		}
	sig_setup();
	pthread_create(&wd, NULL, watchdog, NULL);
	pthread_detach(wd);
	if (opt.have_wait)
		wait_until = deadline_in(opt.wait_ms);
	for (uint64_t attempt = 0;; attempt++) {
		all = 1;
		for (int i = 0; i < ntargets; i++) {
			if (targets[i].pass && attempt > 0)
				continue; /* once up, up: only failed targets are tried again */
			if (sig_caught())
				sig_exit();
			probe(&targets[i]);
			all &= targets[i].pass;
			if (opt.verbose)
				log_info("%s: %s in %.1f ms: %s", targets[i].shown, targets[i].pass ? "pass" : "FAIL",
				    targets[i].ms, targets[i].why);
		}
		if (all)
			break;
		if (opt.have_wait ? deadline_passed(wait_until) ||
		    deadline_now() + opt.interval_ms >= wait_until : attempt >= opt.retries)
			break;
		{
			struct timespec ts = { (time_t)(opt.interval_ms / 1000), (long)(opt.interval_ms % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				if (sig_caught())
					sig_exit();
		}
	}
	if (opt.json)
		json_report(all);
	if (!all) {
		for (int i = 0; i < ntargets; i++)
			if (!targets[i].pass && !opt.verbose)
				log_error("%s: %s", targets[i].shown, targets[i].why);
		if (fflush(stdout) == EOF)
			die_errno(EX_IOERR, "write error: stdout");
		return EX_NEGATIVE;
	}
	if (fflush(stdout) == EOF)
		die_errno(EX_IOERR, "write error: stdout");
	if (cmd) {
		execvp(cmd[0], cmd);
		die_errno(errno == ENOENT ? 127 : 126, "cannot execute %s", cmd[0]);
	}
	return EX_OK;
}
