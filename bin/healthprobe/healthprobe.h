/* healthprobe's parts: the command line and probe mode (main.c), targets
 * and one probe (probe.c), the sidecar (serve.c) and job reports (job.c).
 * main.c owns the prober, the options and what they load, and hands it to
 * the others. */
#ifndef HEALTHPROBE_H
#define HEALTHPROBE_H

#include <getopt.h>
#include <stdint.h>

#include "http.h"
#include "tls.h"

enum {
	O_RETRIES = 256, O_INTERVAL, O_WAIT, O_METHOD, O_EXPECT_STATUS, O_EXPECT_BODY, O_CACERT,
	O_CERT, O_KEY, O_INSECURE, O_SERVERNAME, O_PG, O_LEVEL, O_PATTERN, O_MAX_AGE, O_MIN_SIZE,
	O_JSON, O_LOG_FORMAT, O_VERSION, O_LISTEN, O_PERIOD, O_SERVICE, O_SERVICE_VERSION, O_DRAIN,
	O_PING, O_WEBHOOK, O_WEBHOOK_ON, O_TAIL, O_NAME, O_SSE_C
};

#define HEALTHPROBE_LONGOPTS \
	{ "timeout", required_argument, NULL, 't' }, \
	{ "retries", required_argument, NULL, O_RETRIES }, \
	{ "interval", required_argument, NULL, O_INTERVAL }, \
	{ "wait", required_argument, NULL, O_WAIT }, \
	{ "method", required_argument, NULL, O_METHOD }, \
	{ "expect-status", required_argument, NULL, O_EXPECT_STATUS }, \
	{ "header", required_argument, NULL, 'H' }, \
	{ "expect-body", required_argument, NULL, O_EXPECT_BODY }, \
	{ "cacert", required_argument, NULL, O_CACERT }, \
	{ "cert", required_argument, NULL, O_CERT }, \
	{ "key", required_argument, NULL, O_KEY }, \
	{ "insecure", no_argument, NULL, O_INSECURE }, \
	{ "servername", required_argument, NULL, O_SERVERNAME }, \
	{ "pg", required_argument, NULL, O_PG }, \
	{ "level", required_argument, NULL, O_LEVEL }, \
	{ "pattern", required_argument, NULL, O_PATTERN }, \
	{ "max-age", required_argument, NULL, O_MAX_AGE }, \
	{ "min-size", required_argument, NULL, O_MIN_SIZE }, \
	{ "sse-c-key-file", required_argument, NULL, O_SSE_C }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "json", no_argument, NULL, O_JSON }, \
	{ "log-format", required_argument, NULL, O_LOG_FORMAT }, \
	{ "listen", required_argument, NULL, O_LISTEN }, \
	{ "period", required_argument, NULL, O_PERIOD }, \
	{ "service", required_argument, NULL, O_SERVICE }, \
	{ "service-version", required_argument, NULL, O_SERVICE_VERSION }, \
	{ "drain", required_argument, NULL, O_DRAIN }, \
	{ "ping", required_argument, NULL, O_PING }, \
	{ "webhook", required_argument, NULL, O_WEBHOOK }, \
	{ "webhook-on", required_argument, NULL, O_WEBHOOK_ON }, \
	{ "tail", required_argument, NULL, O_TAIL }, \
	{ "name", required_argument, NULL, O_NAME }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, O_VERSION }, \
	{ NULL, 0, NULL, 0 }

enum kind { K_HTTP, K_TCP, K_UNIX, K_PG, K_BACKUP, K_S3 };
enum level { L_PING, L_QUERY, L_PRIMARY, L_STANDBY, L_LAG_BYTES, L_LAG_MS };

#define MAX_HEADERS 32
#define MAX_TARGETS 64
#define MAX_RANGES 16

struct probe_opts {
	uint64_t timeout_ms, interval_ms, wait_ms, retries, max_age_ms, min_size, lag;
	const char *method, *expect_body, *cacert, *cert, *key, *servername, *pattern, *sse_c_file;
	const char *headers[MAX_HEADERS];
	int nheaders, insecure, verbose, json, have_wait;
	int ranges[MAX_RANGES][2], nranges;
	enum level level;
};

struct target {
	enum kind kind;
	const char *arg;   /* as given: URL, conninfo, DIR */
	char shown[512];   /* for messages: passwords redacted */
	int pass;
	int ex;            /* a failure's exit status: 1, or 69/77 (s3://) */
	int64_t age_s;     /* backup:, s3://: the newest backup's age; -1 none */
	double ms;
	char why[1100];
	struct s3probe *s3; /* s3:// targets: the store, set up once (s3probe.c) */
};

/* What probes share, owned by main.c: the options, the TLS material they
 * load once, and the watchdog's state. */
struct prober {
	struct probe_opts opt;
	struct tls_anchors anchors;
	struct tls_client_cert client_cert;
	int tls_loaded, cert_loaded;
	/* The one wait no deadline of ours bounds is libpq's authentication
	 * exchange (whole seconds, 2 at least). The watchdog ends the probe as
	 * failed if an attempt outlives its deadline by more than 2.5 s; it is
	 * off in the sidecar, where a stuck check must not end the process. */
	int watchdog;
	_Atomic uint64_t watchdog_at;
	const char *_Atomic watchdog_target;
};

extern const char probe_usage[];

void probe_defaults(struct probe_opts *o);
/* Cuts argv at "--": returns the COMMAND after it (NULL without "--") and
 * leaves the options before it in *argc. */
char **probe_split_command(int *argc, char **argv);
/* Applies an option shared by every mode; -1 when c is not one of them. */
int probe_option(struct probe_opts *o, int c, const char *arg);
/* -1 when arg is not a target. */
int target_init(struct target *t, const char *arg, int from_pg_option);
/* https targets need trust anchors (and a client certificate if given).
 * They are loaded once, before any probe, so that no probe's latency
 * includes parsing the CA bundle and a bad file is refused at start-up
 * (78) rather than from the sidecar's check thread. */
int target_needs_tls(const struct target *t);
void probe_load_tls(struct prober *p);
/* Sets an https client's verification, anchors, client certificate and
 * server name from the options, as probes use them. */
void probe_http_setup(const struct prober *p, struct http_client *c);
/* Starts the watchdog thread (probe mode). */
void probe_watchdog_start(struct prober *p);
/* One attempt, with the options' timeout; sets pass, ms and why. */
void probe(struct prober *p, struct target *t);
/* The newest backup NAME, age_s seconds old and size bytes, against
 * --max-age and --min-size (backup: and s3:// targets): 1 with "newest
 * backup NAME, N min old, S bytes" in t->why, or 0 with why it fails. */
int backup_fresh(const struct probe_opts *o, struct target *t, const char *name, int64_t age_s, uint64_t size);
/* s3:// targets (s3probe.c): the store's configuration and credentials,
 * resolved once before any probe (dies with 64/77/78 as s3put does); the
 * probe; serve's cache of its result (S3 is asked at most once a minute). */
void s3probe_setup(struct prober *p, struct target *t);
int s3probe_run(struct prober *p, struct target *t, uint64_t deadline);
int serve_main(struct prober *p, int argc, char **argv);
int job_main(struct prober *p, int argc, char **argv);

#endif
