/* healthprobe serve: a tiny /health sidecar. A thread runs the checks every
 * period and caches the results, so probe bursts never reach the database;
 * one poll loop serves GET and HEAD of /health (liveness: the process and
 * its check loop are alive), /health/ready (every check passed), /metrics,
 * with keep-alive, bounded requests and timeouts so that slow or idle
 * clients never block others. SIGTERM turns readiness to 503 at once and
 * ends the process after --drain. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "healthprobe.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "opt.h"
#include "sig.h"
#include "xmem.h"

#define MAX_CONNS 1024
#define FD_RESERVE 16           /* descriptors kept for the checks and the listener */
#define TEXT_MAX 256            /* --service and --service-version */
#define HEADER_TIMEOUT_MS 5000  /* a request head must arrive within this */
#define IDLE_TIMEOUT_MS 30000   /* a kept-alive connection may idle this long */

struct check {
	char name[64];
	struct target t;
	int pass, ran;
	double ms;
	int64_t age_s;  /* backup: and s3:// checks: the newest backup's age, -1 none */
};

static struct {
	const char *listen, *service, *version;
	uint64_t period_ms, drain_ms;
	uint64_t alive_ms;      /* a check round older than this: not alive */
	size_t body_max;        /* the largest body this configuration can make */
	int conn_cap;           /* connections held at once */
} sopt;

static struct check checks[MAX_TARGETS];
static int nchecks;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static uint64_t heartbeat, started_ms;
static time_t started;
static int stopping;

struct conn {
	int fd;
	uint64_t since;         /* start of the current request, or of idling */
	int reading_head;       /* bytes of a request have arrived */
	int close_after;
	int lingering;          /* answered and half-closed: draining the rest */
	size_t inlen, outlen, outpos;
	char in[HTTP_REQUEST_HEAD_MAX];
	char *out;              /* answers not yet sent (out_max bytes), from the first */
};

/* Room for the head and the largest body, sized for the configuration. */
static size_t
out_max(void)
{
	return sopt.body_max + 512;
}

static void *
check_loop(void *arg)
{
	struct prober *p = arg;

	sig_block_thread();
	for (;;) {
		struct timespec ts;
		uint64_t next;

		for (int i = 0; i < nchecks; i++) {
			struct target t = checks[i].t;

			probe(p, &t);
			pthread_mutex_lock(&mu);
			checks[i].pass = t.pass;
			checks[i].ms = t.ms;
			checks[i].age_s = t.age_s;
			checks[i].ran = 1;
			pthread_mutex_unlock(&mu);
		}
		pthread_mutex_lock(&mu);
		heartbeat = deadline_now();
		next = heartbeat + sopt.period_ms;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(sopt.period_ms / 1000);
		ts.tv_nsec += (long)(sopt.period_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		while (!stopping && deadline_now() < next)
			if (pthread_cond_timedwait(&wake, &mu, &ts) == ETIMEDOUT)
				break;
		if (stopping) {
			pthread_mutex_unlock(&mu);
			return NULL;
		}
		pthread_mutex_unlock(&mu);
	}
}

/* Liveness: the check loop finished a round recently enough. */
static int
alive(void)
{
	uint64_t limit = sopt.alive_ms;

	return heartbeat == 0 ? deadline_now() - started_ms < limit : deadline_now() - heartbeat < limit;
}

static int
ready(void)
{
	if (stopping)
		return 0;
	for (int i = 0; i < nchecks; i++)
		if (!checks[i].ran || !checks[i].pass)
			return 0;
	return 1;
}

static const char *
value_of(const struct check *c)
{
	if (!c->ran)
		return "pending";
	if (c->t.kind == K_PG)
		return c->pass ? "connected" : "disconnected";
	return c->pass ? "ok" : "failed";
}

static size_t
json_body(char *b, size_t size, int ok)
{
	struct timespec now;
	struct tm tm;
	char esc[6 * TEXT_MAX + 1];
	long up = (long)(time(NULL) - started);
	size_t o;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	o = (size_t)snprintf(b, size, "{\"status\":\"%s\",\"timestamp\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",",
	    ok ? "ok" : "error", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, now.tv_nsec / 1000000);
	log_json_escape(esc, 0, sizeof esc, sopt.service);
	o += (size_t)snprintf(b + o, size - o, "\"service\":\"%s\",", esc);
	log_json_escape(esc, 0, sizeof esc, sopt.version);
	o += (size_t)snprintf(b + o, size - o, "\"version\":\"%s\",\"uptime\":%ld,\"uptimeHuman\":\"%ldh %ldm %lds\",\"checks\":{",
	    esc, up, up / 3600, up / 60 % 60, up % 60);
	for (int i = 0; i < nchecks && o < size; i++) {
		log_json_escape(esc, 0, sizeof esc, checks[i].name);
		o += (size_t)snprintf(b + o, size - o, "%s\"%s\":\"%s\"", i ? "," : "", esc, value_of(&checks[i]));
	}
	if (o < size)
		o += (size_t)snprintf(b + o, size - o, "}}");
	return o < size ? o : size - 1;
}

static size_t
verbose_body(char *b, size_t size, const char *what, int ok)
{
	size_t o = 0;

	for (int i = 0; i < nchecks && o < size; i++)
		o += (size_t)snprintf(b + o, size - o, "[%c]%s %s\n", checks[i].ran && checks[i].pass ? '+' : '-',
		    checks[i].name, checks[i].ran && checks[i].pass ? "ok" : "failed");
	if (o < size)
		o += (size_t)snprintf(b + o, size - o, "%s check %s\n", what, ok ? "passed" : "failed");
	return o < size ? o : size - 1;
}

static size_t
metrics_body(char *b, size_t size)
{
	size_t o = 0;

	o += (size_t)snprintf(b + o, size - o,
	    "# HELP healthprobe_check_up Whether the check passed at its last run.\n"
	    "# TYPE healthprobe_check_up gauge\n");
	for (int i = 0; i < nchecks && o < size; i++)
		o += (size_t)snprintf(b + o, size - o, "healthprobe_check_up{check=\"%s\"} %d\n", checks[i].name,
		    checks[i].ran && checks[i].pass);
	if (o < size)
		o += (size_t)snprintf(b + o, size - o,
		    "# HELP healthprobe_check_latency_seconds How long the check's last run took.\n"
		    "# TYPE healthprobe_check_latency_seconds gauge\n");
	for (int i = 0; i < nchecks && o < size; i++)
		o += (size_t)snprintf(b + o, size - o, "healthprobe_check_latency_seconds{check=\"%s\"} %.6f\n",
		    checks[i].name, checks[i].ms / 1000);
	if (o < size)
		o += (size_t)snprintf(b + o, size - o,
		    "# HELP healthprobe_backup_age_seconds Age of the newest backup at the check's last run.\n"
		    "# TYPE healthprobe_backup_age_seconds gauge\n");
	for (int i = 0; i < nchecks && o < size; i++)
		if ((checks[i].t.kind == K_BACKUP || checks[i].t.kind == K_S3) && checks[i].ran && checks[i].age_s >= 0)
			o += (size_t)snprintf(b + o, size - o, "healthprobe_backup_age_seconds{check=\"%s\"} %lld\n",
			    checks[i].name, (long long)checks[i].age_s);
	if (o < size)
		o += (size_t)snprintf(b + o, size - o,
		    "# HELP healthprobe_ready Whether /health/ready answers 200.\n"
		    "# TYPE healthprobe_ready gauge\nhealthprobe_ready %d\n"
		    "# HELP healthprobe_uptime_seconds Seconds since the sidecar started.\n"
		    "# TYPE healthprobe_uptime_seconds gauge\nhealthprobe_uptime_seconds %ld\n",
		    ready(), (long)(time(NULL) - started));
	return o < size ? o : size - 1;
}

static void
respond(struct conn *c, int status, const char *type, const char *body, size_t blen, int head,
    const char *extra)
{
	static const char *const reasons[] = { [200] = "OK", [400] = "Bad Request", [404] = "Not Found",
		[405] = "Method Not Allowed", [431] = "Request Header Fields Too Large",
		[503] = "Service Unavailable" };
	int n;

	if (!c->out)
		c->out = xmalloc(out_max());
	n = snprintf(c->out + c->outlen, out_max() - c->outlen,
	    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n%s%s\r\n",
	    status, reasons[status], type, blen, extra ? extra : "", c->close_after ? "Connection: close\r\n" : "");
	if (n < 0 || (size_t)n >= out_max() - c->outlen) {
		c->close_after = 1;
		return;
	}
	c->outlen += (size_t)n;
	if (!head && blen <= out_max() - c->outlen) {
		memcpy(c->out + c->outlen, body, blen);
		c->outlen += blen;
	}
}

static void
handle(struct conn *c, const struct http_request *r)
{
	static char *body;      /* one buffer: the poll loop answers one request at a time */
	size_t blen;
	int head = strcmp(r->method, "HEAD") == 0, verbose = strstr(r->query, "verbose") != NULL, ok;

	if (!r->keepalive || stopping)
		c->close_after = 1;
	if (strcmp(r->method, "GET") != 0 && !head) {
		respond(c, 405, "text/plain", "method not allowed\n", 19, 0, "Allow: GET, HEAD\r\n");
		return;
	}
	if (r->has_body) {
		c->close_after = 1;
		respond(c, 400, "text/plain", "no request body expected\n", 25, head, NULL);
		return;
	}
	if (!body)
		body = xmalloc(sopt.body_max);
	pthread_mutex_lock(&mu);
	if (strcmp(r->path, "/health") == 0 || strcmp(r->path, "/health/") == 0) {
		ok = alive();
		blen = verbose ? verbose_body(body, sopt.body_max, "livez", ok) : json_body(body, sopt.body_max, ok);
	} else if (strcmp(r->path, "/health/ready") == 0) {
		ok = ready();
		blen = verbose ? verbose_body(body, sopt.body_max, "readyz", ok) : json_body(body, sopt.body_max, ok);
	} else if (strcmp(r->path, "/metrics") == 0) {
		ok = 1;
		blen = metrics_body(body, sopt.body_max);
		verbose = 2;
	} else {
		pthread_mutex_unlock(&mu);
		respond(c, 404, "text/plain", "not found\n", 10, head, NULL);
		return;
	}
	pthread_mutex_unlock(&mu);
	respond(c, ok ? 200 : 503,
	    verbose == 2 ? "text/plain; version=0.0.4" : verbose ? "text/plain" : "application/json",
	    body, blen, head, NULL);
}

/* Parses and answers every complete request in the buffer. */
static void
serve_input(struct conn *c, uint64_t now)
{
	while (c->inlen > 0 && !c->close_after) {
		struct http_request r;
		int n = http_parse_request(&r, c->in, c->inlen);

		if (n == 0)
			return;
		if (n < 0) {
			c->close_after = 1;
			c->inlen = 0;
			if (n == -2)
				respond(c, 431, "text/plain", "request head too large\n", 23, 0, NULL);
			else
				respond(c, 400, "text/plain", "bad request\n", 12, 0, NULL);
			return;
		}
		handle(c, &r);
		memmove(c->in, c->in + n, c->inlen - (size_t)n);
		c->inlen -= (size_t)n;
		c->since = now; /* the poll round's clock: never ahead of it */
		c->reading_head = c->inlen > 0;
	}
}

static int
listen_on(const char *spec)
{
	char host[256];
	const char *ports;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;
	long port;

	if (net_split_hostport(spec, host, sizeof host, &ports) < 0)
		opt_usage_error("--listen: '%s' is not [ADDR]:PORT", spec);
	port = strtol(ports, NULL, 10);
	if (port < 1 || port > 65535)
		opt_usage_error("--listen: '%s' has no valid port", spec);
	if (!host[0]) /* loopback unless told otherwise */
		snprintf(host, sizeof host, "127.0.0.1");
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		opt_usage_error("--listen: '%s' is not an IP address", host);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die_errno(EX_UNAVAILABLE, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 256) < 0)
		die_errno(EX_UNAVAILABLE, "cannot listen on %s", spec);
	return fd;
}

/* The sidecar's options and its NAME=TARGET checks, checked before any
 * I/O. */
static void
serve_args(struct prober *p, int argc, char **argv)
{
	static const struct option longopts[] = { HEALTHPROBE_LONGOPTS };
	int c;

	sopt.period_ms = 10000;
	sopt.drain_ms = 5000;
	sopt.service = "healthprobe";
	sopt.version = "";
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:H:h", longopts, NULL)) != -1) {
		if (probe_option(&p->opt, c, optarg) == 0)
			continue;
		switch (c) {
		case O_LISTEN: sopt.listen = optarg; break;
		case O_PERIOD: sopt.period_ms = opt_duration_ms("--period", optarg); break;
		case O_SERVICE:
		case O_SERVICE_VERSION:
			if (strlen(optarg) > TEXT_MAX)
				opt_usage_error("%s: at most %d bytes", c == O_SERVICE ? "--service" : "--service-version",
				    TEXT_MAX);
			*(c == O_SERVICE ? &sopt.service : &sopt.version) = optarg;
			break;
		case O_DRAIN: sopt.drain_ms = opt_duration_ms("--drain", optarg); break;
		case O_VERSION: opt_version();
		default: opt_usage_error("healthprobe serve: unknown option, or one for probe mode only");
		}
	}
	if (!sopt.listen)
		opt_usage_error("healthprobe serve needs --listen [ADDR]:PORT");
	if (sopt.period_ms < 100)
		opt_usage_error("--period: at least 100ms");
	for (int i = optind; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (nchecks == MAX_TARGETS)
			opt_usage_error("at most %d checks", MAX_TARGETS);
		if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof checks[0].name)
			opt_usage_error("'%s' is not NAME=TARGET", argv[i]);
		for (const char *p = argv[i]; p < eq; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '_' || *p == '-' || *p == '.'))
				opt_usage_error("check name '%.*s': letters, digits, '_', '-', '.' only",
				    (int)(eq - argv[i]), argv[i]);
		snprintf(checks[nchecks].name, sizeof checks[nchecks].name, "%.*s", (int)(eq - argv[i]), argv[i]);
		if (target_init(&checks[nchecks].t, eq + 1, 0) < 0)
			opt_usage_error("'%s' is not a target (http://, https://, tcp://, unix:///, postgres://, backup:DIR, "
			    "s3://BUCKET/PREFIX)",
			    eq + 1);
		nchecks++;
	}
	if (nchecks == 0)
		opt_usage_error("healthprobe serve needs at least one NAME=TARGET");
	/* Bodies sized for what this configuration can say: every check's
	 * name (up to 63 bytes, escaped at most 6 times over in JSON) on each
	 * of its lines, the service's name and version escaped. */
	sopt.body_max = 1024 + 6 * (strlen(sopt.service) + strlen(sopt.version)) +
	    (size_t)nchecks * (6 * sizeof checks[0].name + 160);

}

static void
conn_free(struct conn *c)
{
	close(c->fd);
	free(c->out);
	free(c);
}

/* Makes room for a new connection: the one idle longest goes (a kept-alive
 * connection between requests, else the oldest of any kind), so that held
 * connections can never lock a kubelet's probe out. The slot is left NULL
 * until the list is compacted. 0, or -1 when there is nothing to close. */
static int
evict(struct conn **conns, int nconn)
{
	int pick = -1, pick_idle = 0;

	for (int i = 0; i < nconn; i++) {
		struct conn *c = conns[i];
		int idle;

		if (!c)
			continue;
		idle = !c->reading_head && c->outlen == 0;
		if (pick < 0 || (idle && !pick_idle) || (idle == pick_idle && c->since < conns[pick]->since))
			pick = i, pick_idle = idle;
	}
	if (pick < 0)
		return -1;
	conn_free(conns[pick]);
	conns[pick] = NULL;
	return 0;
}

/* New connections, as many as are waiting. When every slot is taken, or
 * the process is out of descriptors, the connection idle longest is closed
 * for the newcomer; with nothing to close, accepting pauses (*pause_until)
 * instead of spinning on a listener that stays readable. Slots of evicted
 * connections stay NULL until the caller compacts the list. */
static void
accept_all(int lfd, struct conn **conns, int *nconn, uint64_t now, uint64_t *pause_until)
{
	for (;;) {
		int live = 0, fd;

		if (*nconn == MAX_CONNS)
			break; /* the slots of closed ones are free after compaction */
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && evict(conns, *nconn) == 0)
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				*pause_until = now + 100;
			break;
		}
		for (int i = 0; i < *nconn; i++)
			live += conns[i] != NULL;
		if (live >= sopt.conn_cap && evict(conns, *nconn) < 0) {
			close(fd);
			break;
		}
		conns[*nconn] = xcalloc(1, sizeof *conns[*nconn]);
		conns[*nconn]->fd = fd;
		conns[*nconn]->since = now;
		(*nconn)++;
	}
}

/* One connection's turn after poll: read, answer, write, time out. Returns
 * 1 when it is to be dropped. */
static int
conn_step(struct conn *cn, short revents, uint64_t now)
{
	int drop = 0;

	if (revents & (POLLERR | POLLHUP | POLLNVAL) && !(revents & POLLIN))
		drop = 1;
	if (!drop && cn->lingering) {
		char sink[4096];

		if ((revents & POLLIN) && recv(cn->fd, sink, sizeof sink, 0) <= 0)
			drop = 1;
		if (now - cn->since > 2000)
			drop = 1;
	} else if (!drop && (revents & POLLIN)) {
		ssize_t r = recv(cn->fd, cn->in + cn->inlen, sizeof cn->in - cn->inlen, 0);

		if (r <= 0 && !(r < 0 && (errno == EAGAIN || errno == EINTR))) {
			drop = 1;
		} else if (r > 0) {
			if (!cn->reading_head)
				cn->since = now, cn->reading_head = 1;
			cn->inlen += (size_t)r;
			serve_input(cn, now);
			if (cn->inlen == sizeof cn->in && !cn->close_after) {
				cn->close_after = 1;
				respond(cn, 431, "text/plain", "request head too large\n", 23, 0, NULL);
				cn->inlen = 0;
			}
		}
	}
	if (!drop && cn->outpos < cn->outlen) {
		ssize_t w = send(cn->fd, cn->out + cn->outpos, cn->outlen - cn->outpos, MSG_NOSIGNAL);

		if (w > 0) {
			cn->outpos += (size_t)w;
			if (cn->outpos == cn->outlen) {
				cn->outpos = cn->outlen = 0;
				if (cn->close_after && cn->inlen == 0 && !cn->lingering) {
					/* Half-close and read what the client still
					 * sends, so it sees our answer, not a reset. */
					shutdown(cn->fd, SHUT_WR);
					cn->lingering = 1;
					cn->since = now;
				} else if (cn->close_after) {
					drop = 1;
				}
			}
		} else if (!(w < 0 && (errno == EAGAIN || errno == EINTR))) {
			drop = 1;
		}
	}
	/* Slow senders and idle connections never hold a slot long. */
	if (!drop && !cn->lingering && cn->outlen == 0 &&
	    now - cn->since > (cn->reading_head ? HEADER_TIMEOUT_MS : IDLE_TIMEOUT_MS))
		drop = 1;
	return drop;
}

int
serve_main(struct prober *p, int argc, char **argv)
{
	static struct conn *conns[MAX_CONNS];
	static struct pollfd pfd[MAX_CONNS + 1];
	pthread_t th;
	uint64_t drain_until = 0, pause_until = 0;
	int lfd, nconn = 0;
	struct rlimit rl;

	serve_args(p, argc, argv);
	/* Never more connections than descriptors: a limit below the cap
	 * would otherwise end in EMFILE with clients waiting. */
	sopt.conn_cap = MAX_CONNS;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)MAX_CONNS + FD_RESERVE)
		sopt.conn_cap = rl.rlim_cur > FD_RESERVE + 4 ? (int)rl.rlim_cur - FD_RESERVE : 4;
	p->watchdog = 0;
	sopt.alive_ms = 3 * sopt.period_ms + (uint64_t)nchecks * (p->opt.timeout_ms + 2500) + 5000;
	for (int i = 0; i < nchecks; i++)
		if (target_needs_tls(&checks[i].t)) {
			probe_load_tls(p);
			break;
		}
	for (int i = 0; i < nchecks; i++)
		if (checks[i].t.kind == K_S3)
			s3probe_setup(p, &checks[i].t);
	sig_setup();
	lfd = listen_on(sopt.listen);
	started = time(NULL);
	started_ms = deadline_now();
	if (pthread_create(&th, NULL, check_loop, p) != 0)
		die(EX_SOFTWARE, "cannot start the check thread");
	log_info("serving /health, /health/ready and /metrics on %s, %d check%s every %llu ms",
	    sopt.listen, nchecks, nchecks == 1 ? "" : "s", (unsigned long long)sopt.period_ms);

	for (;;) {
		uint64_t now;
		int n = 0;

		if (sig_caught() && !drain_until) {
			/* Not ready from now on; keep answering until the drain ends. */
			pthread_mutex_lock(&mu);
			stopping = 1;
			pthread_cond_broadcast(&wake);
			pthread_mutex_unlock(&mu);
			drain_until = deadline_in(sopt.drain_ms);
			log_info("SIGTERM: not ready; exiting in %llu ms", (unsigned long long)sopt.drain_ms);
		}
		if (drain_until && deadline_passed(drain_until))
			break;
		/* While accepting pauses, the listener is left out of the poll. */
		pfd[n].fd = pause_until && deadline_now() < pause_until ? -1 : lfd;
		pfd[n++].events = POLLIN;
		for (int i = 0; i < nconn; i++) {
			pfd[n].fd = conns[i]->fd;
			pfd[n++].events = conns[i]->outpos < conns[i]->outlen ? POLLOUT : POLLIN;
		}
		if (poll(pfd, (nfds_t)n, 200) < 0 && errno != EINTR)
			die_errno(EX_SOFTWARE, "poll");
		now = deadline_now();
		if (pfd[0].revents & POLLIN)
			accept_all(lfd, conns, &nconn, now, &pause_until);
		for (int i = 1; i < n; i++) {
			struct conn *cn = conns[i - 1];

			if (cn && conn_step(cn, pfd[i].revents, now)) {
				conn_free(cn);
				conns[i - 1] = NULL;
			}
		}
		/* Compact the connection list. */
		{
			int k = 0;

			for (int i = 0; i < nconn; i++)
				if (conns[i])
					conns[k++] = conns[i];
			nconn = k;
		}
	}
	for (int i = 0; i < nconn; i++)
		close(conns[i]->fd);
	sig_exit();
}
