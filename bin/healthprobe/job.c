/* healthprobe job: run a job (a backup script, a migration) and report its
 * start and end to a monitor, for images that have no curl. It lives in
 * healthprobe because healthprobe already carries the HTTP(S) client and the
 * trust anchors, and is already in every image that is monitored; a program
 * of its own would add another 400 KiB TLS client to a FROM scratch image.
 *
 * The Healthchecks.io ping API: POST URL/start?rid=ID before the command,
 * POST URL/STATUS?rid=ID after it with the tail of its output as the body;
 * the run id pairs the two so that overlapping runs are told apart. A JSON
 * webhook (Slack-compatible: the message is in "text") can be sent as well.
 * A ping that fails is logged and retried, never allowed to change the job's
 * exit status: the monitor is told about the job, the job does not depend
 * on the monitor. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "healthprobe.h"
#include "http.h"
#include "log.h"
#include "opt.h"
#include "sbuf.h"
#include "sig.h"
#include "xmem.h"

#define TAIL_MAX (100 * 1024) /* what Healthchecks.io keeps of a ping body */

static struct {
	const char *ping, *webhook, *name;
	int webhook_always;
	size_t tail;
} jopt;

/* The last jopt.tail bytes of the command's output, as a ring. */
static struct {
	char *buf;
	size_t pos, len;
} tail;

static void
tail_add(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tail.buf[tail.pos] = p[i];
		tail.pos = (tail.pos + 1) % jopt.tail;
		if (tail.len < jopt.tail)
			tail.len++;
	}
}

/* The ring in order, NUL-terminated, starting after the first newline when
 * it was cut so that the monitor shows whole lines. */
static char *
tail_text(size_t *n)
{
	char *s = xmalloc(tail.len + 1);
	size_t start = (tail.pos + jopt.tail - tail.len) % jopt.tail, off = 0;

	for (size_t i = 0; i < tail.len; i++)
		s[i] = tail.buf[(start + i) % jopt.tail];
	s[tail.len] = 0;
	if (tail.len == jopt.tail) {
		char *nl = memchr(s, '\n', tail.len);

		if (nl && nl + 1 < s + tail.len)
			off = (size_t)(nl + 1 - s);
	}
	memmove(s, s + off, tail.len - off + 1);
	*n = tail.len - off;
	return s;
}

/* URL with "/suffix" inserted before its query, and "rid=ID" added to it. */
static char *
ping_url(const char *url, const char *suffix, const char *rid)
{
	struct sbuf b = { 0 };
	const char *q = strchr(url, '?');
	size_t n = q ? (size_t)(q - url) : strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	sbuf_add(&b, url, n);
	sbuf_printf(&b, "/%s%s%s%srid=%s", suffix, q ? q : "", q ? "" : "?", q && q[1] ? "&" : "", rid);
	return sbuf_take(&b);
}

/* One POST with retries. Never fatal: a failure is a warning that names the
 * host only, since a ping URL is as good as a credential for its check. */
static void
post(const struct prober *p, const char *what, const char *url, const char *ctype, const char *body, size_t len)
{
	const struct probe_opts *o = &p->opt;
	struct http_client c;
	struct http_response *r = xmalloc(sizeof *r);
	/* Receivers answer "OK", or a page of HTML: the answer is not read,
	 * only allowed to be that long. */
	static unsigned char answer[65536];
	char err[512], hdr[128];
	const char *headers[MAX_HEADERS + 1];
	size_t nh = 0;

	snprintf(hdr, sizeof hdr, "Content-Type: %s", ctype);
	headers[nh++] = hdr;
	for (int i = 0; i < o->nheaders; i++)
		headers[nh++] = o->headers[i];
	if (http_client_init(&c, url) < 0) {
		log_warn("%s: not a URL", what);
		free(r);
		return;
	}
	probe_http_setup(p, &c);
	for (uint64_t attempt = 0;; attempt++) {
		if (http_request(&c, "POST", c.url.path, headers, nh, body, len, r, answer, sizeof answer,
		    deadline_in(o->timeout_ms), err, sizeof err) < 0)
			;
		else if (r->status >= 200 && r->status < 300)
			break;
		else
			snprintf(err, sizeof err, "%s answered %d", c.url.host, r->status);
		if (attempt >= o->retries) {
			log_warn("%s failed (the job's exit status is kept): %s", what, err);
			break;
		}
		http_client_close(&c);
		if (http_client_init(&c, url) < 0)
			break;
		probe_http_setup(p, &c);
		{
			struct timespec ts = { (time_t)(o->interval_ms / 1000), (long)(o->interval_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	http_client_close(&c);
	free(r);
}

static void
run_id(char out[37])
{
	unsigned char u[16];

	if (getrandom(u, sizeof u, 0) != (ssize_t)sizeof u) {
		/* Without entropy the id only has to differ between runs. */
		uint64_t t = deadline_now() ^ ((uint64_t)getpid() << 32);

		memcpy(u, &t, 8);
		memcpy(u + 8, &t, 8);
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Copies the command's stdout and stderr to ours and into the tail. A
 * signal to us is passed on to the command's process group (a pipeline in a
 * script gets it, as from a terminal), which decides how to end; its status
 * is what gets reported. Once the command has exited, output is read for at
 * most DRAIN_MS more: a process it left behind may hold the pipes open for
 * good. Returns the wait status. */
#define DRAIN_MS 500
static int
relay(pid_t pid, int out, int err)
{
	struct pollfd p[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	int open = 2, forwarded = 0, exited = 0, status = 0;
	uint64_t drain_until = 0;
	char buf[16384];

	for (;;) {
		if (sig_caught() && !forwarded) {
			kill(-pid, sig_caught());
			forwarded = 1;
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			drain_until = deadline_in(DRAIN_MS);
		}
		if (exited && (open == 0 || deadline_passed(drain_until)))
			break;
		if (open == 0) {
			/* Output closed early: wait for the exit alone. */
			if (waitpid(pid, &status, 0) == pid)
				exited = 1;
			else if (errno != EINTR)
				die_errno(EX_SOFTWARE, "waitpid");
			continue;
		}
		if (poll(p, 2, exited ? DRAIN_MS : 200) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(EX_SOFTWARE, "poll");
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open--;
				continue;
			}
			tail_add(buf, (size_t)n);
			/* Our own output going away must not kill the job: the
			 * command keeps running and the tail still reaches the
			 * monitor. */
			for (ssize_t w = 0, k; w < n; w += k) {
				k = write(i ? 2 : 1, buf + w, (size_t)(n - w));
				if (k < 0 && errno == EINTR)
					k = 0;
				else if (k < 0)
					break;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return status;
}

static void
webhook(const struct prober *p, const char *rid, int code, double secs)
{
	struct sbuf b = { 0 }, text = { 0 };
	char host[256] = "", *t;
	size_t tn;

	gethostname(host, sizeof host - 1);
	t = tail_text(&tn);
	if (code == 0)
		sbuf_printf(&text, "%s succeeded on %s in %.1f s", jopt.name, host, secs);
	else
		sbuf_printf(&text, "%s FAILED with exit status %d on %s after %.1f s", jopt.name, code, host, secs);
	if (code != 0 && tn > 0)
		sbuf_printf(&text, "\n```\n%s\n```", t);
	sbuf_puts(&b, "{\"text\":");
	sbuf_json(&b, sbuf_str(&text));
	sbuf_puts(&b, ",\"job\":");
	sbuf_json(&b, jopt.name);
	sbuf_printf(&b, ",\"status\":\"%s\",\"exit_status\":%d,\"duration_seconds\":%.3f,\"run_id\":\"%s\",\"host\":",
	    code == 0 ? "success" : "failure", code, secs, rid);
	sbuf_json(&b, host);
	sbuf_puts(&b, ",\"log_tail\":");
	sbuf_json(&b, t);
	sbuf_puts(&b, "}");
	post(p, "webhook", jopt.webhook, "application/json", sbuf_str(&b), b.len);
	sbuf_free(&b);
	sbuf_free(&text);
	free(t);
}

/* Runs cmd with its output relayed; returns its exit status, 128+N when
 * signal N ended it. */
static int
run_command(char **cmd)
{
	int po[2], pe[2], status;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		die_errno(EX_SOFTWARE, "pipe");
	pid = fork();
	if (pid < 0)
		die_errno(EX_SOFTWARE, "fork");
	if (pid == 0) {
		sigset_t none;

		/* Its own process group, so that a signal reaches every
		 * process of a pipeline the job runs. */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(126);
		execvp(cmd[0], cmd);
		{
			int e = errno;

			log_error("cannot execute %s: %s", cmd[0], strerror(e));
			_exit(e == ENOENT ? 127 : 126);
		}
	}
	setpgid(pid, pid); /* as the child does: no race with an early signal */
	close(po[1]);
	close(pe[1]);
	status = relay(pid, po[0], pe[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A monitor URL must parse before the job starts; https loads the anchors
 * now so that a bad --cacert is refused (78) before anything runs. */
static void
check_url(struct prober *p, const char *name, const char *url)
{
	struct http_url u;

	if (!url)
		return;
	if (http_url_parse(url, &u) < 0)
		opt_usage_error("%s: not an http:// or https:// URL", name);
	if (u.https)
		probe_load_tls(p);
}

int
job_main(struct prober *p, int argc, char **argv)
{
	static const struct option longopts[] = { HEALTHPROBE_LONGOPTS };
	char **cmd = NULL, rid[37];
	int c, code;
	uint64_t t0;

	p->opt.timeout_ms = 10000;
	p->opt.retries = 2;
	p->opt.interval_ms = 1000;
	jopt.tail = 10 * 1024;
	cmd = probe_split_command(&argc, argv);
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:H:h", longopts, NULL)) != -1) {
		if (probe_option(&p->opt, c, optarg) == 0)
			continue;
		switch (c) {
		case O_PING: jopt.ping = optarg; break;
		case O_WEBHOOK: jopt.webhook = optarg; break;
		case O_WEBHOOK_ON:
			if (strcmp(optarg, "always") == 0)
				jopt.webhook_always = 1;
			else if (strcmp(optarg, "failure") == 0)
				jopt.webhook_always = 0;
			else
				opt_usage_error("--webhook-on: '%s' is not failure or always", optarg);
			break;
		case O_TAIL:
			jopt.tail = (size_t)opt_size("--tail", optarg);
			if (jopt.tail < 1 || jopt.tail > TAIL_MAX)
				opt_usage_error("--tail: between 1 and 100KB");
			break;
		case O_NAME: jopt.name = optarg; break;
		case O_RETRIES: p->opt.retries = opt_uint("--retries", optarg, 0, 100); break;
		case O_INTERVAL: p->opt.interval_ms = opt_duration_ms("--interval", optarg); break;
		case O_VERSION: opt_version();
		default: opt_usage_error("healthprobe job: unknown option, or one for probe mode only");
		}
	}
	if (optind < argc)
		opt_usage_error("healthprobe job: '%s' before --: the command goes after --", argv[optind]);
	if (!cmd || !cmd[0])
		opt_usage_error("healthprobe job needs -- COMMAND [ARG...]");
	if (!jopt.ping && !jopt.webhook)
		opt_usage_error("healthprobe job needs --ping URL or --webhook URL");
	if (p->opt.timeout_ms == 0)
		opt_usage_error("--timeout must be more than 0");
	check_url(p, "--ping", jopt.ping);
	check_url(p, "--webhook", jopt.webhook);
	if (!jopt.name) {
		const char *s = strrchr(cmd[0], '/');

		jopt.name = s ? s + 1 : cmd[0];
	}
	tail.buf = xmalloc(jopt.tail);

	sig_setup();
	run_id(rid);
	if (jopt.ping) {
		char *u = ping_url(jopt.ping, "start", rid);

		post(p, "ping /start", u, "text/plain", "", 0);
		free(u);
	}
	t0 = deadline_now();
	if (sig_caught()) {
		/* Stopped before the job began: the start was reported, so the
		 * end is too, as the status a signalled job has. */
		code = 128 + sig_caught();
		log_error("interrupted before %s started", cmd[0]);
	} else {
		code = run_command(cmd);
	}
	if (jopt.ping) {
		char st[16], *u, *t;
		size_t tn;

		snprintf(st, sizeof st, "%d", code);
		u = ping_url(jopt.ping, st, rid);
		t = tail_text(&tn);
		post(p, code == 0 ? "ping /0" : "failure ping", u, "text/plain; charset=utf-8", t, tn);
		free(u);
		free(t);
	}
	if (jopt.webhook && (code != 0 || jopt.webhook_always))
		webhook(p, rid, code, (double)(deadline_now() - t0) / 1000.0);
	free(tail.buf);
	return code;
}
