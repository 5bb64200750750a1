/* healthprobe: the probe that HEALTHCHECK, Kubernetes exec probes, init
 * containers and backup monitors run where there is no curl, no pg_isready
 * and no shell. Each TARGET is probed with a deadline per attempt; the exit
 * status is 0 when all pass and 1 when any fails (never 2, which Docker
 * reserves). With -- COMMAND, the command is executed once all pass. The
 * sidecar (serve.c) and job reports (job.c) start here too. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "healthprobe.h"
#include "log.h"
#include "opt.h"
#include "sig.h"

const char probe_usage[] =
"usage: healthprobe [options] TARGET... [-- COMMAND [ARG...]]\n"
"       healthprobe serve --listen [ADDR]:PORT [options] NAME=TARGET...\n"
"       healthprobe job [--ping URL] [--webhook URL] [options] -- COMMAND [ARG...]\n"
"Probe each TARGET; exit 0 when all pass, 1 when any fails. With -- COMMAND,\n"
"execute it once all pass (never after a failure). job: run COMMAND, report\n"
"its start and exit status to a monitor, exit with COMMAND's status.\n"
"TARGET: http://URL, https://URL, tcp://HOST:PORT, unix:///PATH,\n"
"        postgres://URL, postgresql://URL, postgres: (DATABASE_URL or PG*), backup:DIR,\n"
"        s3://BUCKET/PREFIX (the AWS_* environment and files name the store)\n"
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
"      --sse-c-key-file FILE     s3:// dumps stored with this SSE-C key\n"
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
"Exit status: 0 all pass, 1 a target fails, 64 usage, 69 an S3 store does not\n"
"answer, 77 it refuses the credentials, 78 bad TLS files or settings, 126/127\n"
"COMMAND cannot be executed; job: COMMAND's status.\n";

static const struct option longopts[] = { HEALTHPROBE_LONGOPTS };

static void
json_report(const struct target *targets, int ntargets, int all)
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

static void
add_target(struct target *targets, int *ntargets, const char *arg, int from_pg_option)
{
	if (*ntargets == MAX_TARGETS)
		opt_usage_error("at most %d targets", MAX_TARGETS);
	if (target_init(&targets[*ntargets], arg, from_pg_option) < 0)
		opt_usage_error("'%s' is not a target (http://, https://, tcp://, unix:///, postgres://, backup:DIR, "
		    "s3://BUCKET/PREFIX)",
		    targets[*ntargets].shown);
	(*ntargets)++;
}

int
main(int argc, char **argv)
{
	static struct prober p = { .watchdog = 1 };
	static struct target targets[MAX_TARGETS];
	const struct probe_opts *o = &p.opt;
	char **cmd = NULL;
	uint64_t wait_until = 0;
	int c, all, ntargets = 0;

	log_init(argv[0]);
	probe_defaults(&p.opt);
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return serve_main(&p, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "job") == 0)
		return job_main(&p, argc - 1, argv + 1);
	cmd = probe_split_command(&argc, argv);
	while ((c = getopt_long(argc, argv, "t:H:vh", longopts, NULL)) != -1) {
		if (probe_option(&p.opt, c, optarg) == 0)
			continue;
		switch (c) {
		case O_RETRIES: p.opt.retries = opt_uint("--retries", optarg, 0, 100000); break;
		case O_INTERVAL: p.opt.interval_ms = opt_duration_ms("--interval", optarg); break;
		case O_WAIT: p.opt.wait_ms = opt_duration_ms("--wait", optarg); p.opt.have_wait = 1; break;
		case O_PG: add_target(targets, &ntargets, optarg, 1); break;
		case 'v': p.opt.verbose = 1; break;
		case O_JSON: p.opt.json = 1; break;
		case O_VERSION: opt_version();
		case O_LISTEN: case O_PERIOD: case O_SERVICE: case O_SERVICE_VERSION: case O_DRAIN:
			opt_usage_error("%s works with healthprobe serve only", argv[optind - 1]);
		case O_PING: case O_WEBHOOK: case O_WEBHOOK_ON: case O_TAIL: case O_NAME:
			opt_usage_error("%s works with healthprobe job only", argv[optind - 1]);
		default: opt_usage_error("unknown option or missing argument");
		}
	}
	for (int i = optind; i < argc; i++)
		add_target(targets, &ntargets, argv[i], 0);
	if (ntargets == 0)
		opt_usage_error("no target to probe");
	if (o->timeout_ms == 0)
		opt_usage_error("--timeout must be more than 0");
	if (cmd && !cmd[0])
		opt_usage_error("-- needs a COMMAND");

	for (int i = 0; i < ntargets; i++)
		if (target_needs_tls(&targets[i])) {
			probe_load_tls(&p);
			break;
		}
	for (int i = 0; i < ntargets; i++)
		if (targets[i].kind == K_S3)
			s3probe_setup(&p, &targets[i]);
	sig_setup();
	probe_watchdog_start(&p);
	if (o->have_wait)
		wait_until = deadline_in(o->wait_ms);
	for (uint64_t attempt = 0;; attempt++) {
		all = 1;
		for (int i = 0; i < ntargets; i++) {
			if (targets[i].pass && attempt > 0)
				continue; /* once up, up: only failed targets are tried again */
			if (sig_caught())
				sig_exit();
			probe(&p, &targets[i]);
			all &= targets[i].pass;
			if (o->verbose)
				log_info("%s: %s in %.1f ms: %s", targets[i].shown, targets[i].pass ? "pass" : "FAIL",
				    targets[i].ms, targets[i].why);
		}
		if (all)
			break;
		if (o->have_wait ? deadline_passed(wait_until) ||
		    deadline_now() + o->interval_ms >= wait_until : attempt >= o->retries)
			break;
		{
			struct timespec ts = { (time_t)(o->interval_ms / 1000), (long)(o->interval_ms % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				if (sig_caught())
					sig_exit();
		}
	}
	if (o->json)
		json_report(targets, ntargets, all);
	if (!all) {
		int ex = EX_NEGATIVE;

		/* A store down (69) or refusing the credentials (77) says more
		 * than "unhealthy": the highest wins. */
		for (int i = 0; i < ntargets; i++) {
			if (!targets[i].pass && !o->verbose)
				log_error("%s: %s", targets[i].shown, targets[i].why);
			if (!targets[i].pass && targets[i].ex > ex)
				ex = targets[i].ex;
		}
		if (fflush(stdout) == EOF)
			die_errno(EX_IOERR, "write to stdout");
		return ex;
	}
	if (fflush(stdout) == EOF)
		die_errno(EX_IOERR, "write to stdout");
	if (cmd) {
		execvp(cmd[0], cmd);
		die_errno(errno == ENOENT ? 127 : 126, "cannot execute %s", cmd[0]);
	}
	return EX_OK;
}
