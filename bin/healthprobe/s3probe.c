/* The s3://BUCKET/PREFIX target: the newest backup under the prefix must be
 * younger than --max-age, at least --min-size, and, for a pgops dump, end
 * with pgdump-stream's completion trailer. A .gz dump is checked by reading
 * only its last gzip member: pgdump-stream's members carry their length in
 * their header, so a ranged GET of the object's tail finds where the last
 * one begins, and inflating it checks its CRC and yields the trailer line.
 * A .sql dump is checked by its last bytes. Other names (an encrypted
 * backup) get the age and size checks only. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "gz.h"
#include "healthprobe.h"
#include "log.h"
#include "s3.h"
#include "s3_list.h"
#include "trailer.h"
#include "xmem.h"

#define SKEW_S 300               /* how far ahead an object's time may be */
#define TAIL_FIRST (256u << 10)  /* the first ranged read of a dump's tail */
#define TAIL_MAX (80u << 20)     /* a member is at most 64 MiB of input, stored */
#define RECHECK_MS 60000         /* serve: S3 asked at most this often */

struct s3probe {
	struct s3 s3;
	struct s3_url u;
	struct s3_ssec ssec;    /* --sse-c-key-file: the ranged GETs need the key */
	size_t nssec;
	/* serve's cache */
	uint64_t checked;
	int pass, ex;
	int64_t age_s;
	char why[1100];
};

struct newest {
	const char *pattern;
	struct s3_entry best;
	int have, ahead;
	int64_t now;
};

static int
newest_page(void *arg, struct s3_entry *e, size_t n)
{
	struct newest *nw = arg;

	for (size_t i = 0; i < n; i++) {
		const char *base;

		if (e[i].nul || !e[i].key[0] || e[i].key[strlen(e[i].key) - 1] == '/')
			continue; /* no key for a C string, or a "folder" */
		base = strrchr(e[i].key, '/');
		if (fnmatch(nw->pattern, base ? base + 1 : e[i].key, FNM_PERIOD) != 0)
			continue;
		if (e[i].mtime > nw->now + SKEW_S) {
			nw->ahead++;
			continue;
		}
		if (!nw->have || e[i].mtime > nw->best.mtime ||
		    (e[i].mtime == nw->best.mtime && strcmp(e[i].key, nw->best.key) > 0)) {
			nw->best = e[i];
			nw->have = 1;
		}
	}
	return 0;
}

/* The probe's one-line verdict; a long key is cut, never overflows. */
static void say(struct target *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
say(struct target *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->why, sizeof t->why, fmt, ap);
	va_end(ap);
}

static void
set_timeout(struct s3probe *sp, uint64_t deadline)
{
	uint64_t now = deadline_now();

	sp->s3.timeout_ms = deadline > now ? deadline - now : 1;
}

/* A failure's exit code as the probe's: 77 and 69 stay, so that a monitor
 * tells a refused credential or a store down from a stale backup; anything
 * else is unhealthy (1). */
static int
probe_ex(int ex)
{
	return ex == EX_NOPERM || ex == EX_UNAVAILABLE ? ex : EX_NEGATIVE;
}

static int
request_failed(struct target *t, const struct s3_result *res, const char *what)
{
	char txt[700];
	int ex = s3_exit_code(res);

	t->ex = probe_ex(ex);
	say(t, "%s: %s", what, s3_result_text(res, txt, sizeof txt));
	return 0;
}

/* GET of bytes [from, to) of key into buf: 0, or -1 (t says why). */
static int
get_range(struct s3_conn *c, struct target *t, const char *key, uint64_t from, uint64_t to, unsigned char *buf,
    unsigned *requests, uint64_t *bytes)
{
	struct s3_result *res = xmalloc(sizeof *res);
	char range[80], what[S3_KEY_MAX + 80];
	const struct s3probe *sp = t->s3;
	const char *h[4] = { range, sp->ssec.h[0], sp->ssec.h[1], sp->ssec.h[2] };
	int rc = 0;

	snprintf(range, sizeof range, "Range: bytes=%llu-%llu", (unsigned long long)from, (unsigned long long)to - 1);
	snprintf(what, sizeof what, "GET s3://%s/%s (its last %llu bytes)", c->bucket, key,
	    (unsigned long long)(to - from));
	(*requests)++;
	if (s3_request(c, &(struct s3_req){ .method = "GET", .key = key, .headers = h, .nheaders = 1 + sp->nssec,
	    .rbuf = buf, .rcap = (size_t)(to - from) }, res) < 0) {
		rc = request_failed(t, res, what) - 1;
	} else if (res->bodylen != to - from) {
		say(t, "%s: %zu bytes came back", what, res->bodylen);
		rc = -1;
	}
	*bytes += res->bodylen;
	free(res);
	return rc;
}

static int
tail_sink(void *arg, const void *buf, size_t n)
{
	trailer_feed(arg, buf, n);
	return 0;
}

/* The trailer of a .gz dump of size bytes, from its last members: 1 it is
 * there, 0 not (t->why says why). */
static int
gz_trailer(struct s3_conn *c, struct target *t, const struct s3_entry *e, char *cost, size_t costlen)
{
	uint64_t size = e->size, win = size < TAIL_FIRST ? size : TAIL_FIRST, bytes = 0, claimed = 0;
	unsigned char *buf = NULL;
	unsigned requests = 0;
	int64_t start = -1, prev;
	struct trailer_tail tail;
	struct gz_reader gz;
	enum trailer_status ts;
	int ok = 0;

	/* Widen the window until the last member's header is in it. */
	for (;;) {
		free(buf);
		buf = xmalloc(win ? win : 1);
		if (get_range(c, t, e->key, size - win, size, buf, &requests, &bytes) < 0)
			goto out;
		if ((start = gz_member_before(buf, win, size - win, size)) >= 0 || win == size || win >= TAIL_MAX)
			break;
		win = win * 4 > size ? size : win * 4;
		if (win > TAIL_MAX)
			win = TAIL_MAX;
	}
	if (start < 0) {
		say(t, "s3://%s/%s: no pgdump-stream gzip member ends the object (not "
		    "written by pgdump-stream -Z, or cut short)", c->bucket, e->key);
		goto out;
	}
	/* The trailer line may straddle the last two members. */
	for (int k = 0; k < 4; k++) {
		trailer_init(&tail);
		gz_reader_init(&gz, 0, 0, tail_sink, &tail);
		gz_reader_feed(&gz, buf + (start - (int64_t)(size - win)), (size_t)((int64_t)size - start));
		gz_reader_finish(&gz);
		if (gz.status != GZ_OK) {
			say(t, "s3://%s/%s: its last gzip member is corrupt: %s", c->bucket,
			    e->key, gz.err);
			gz_reader_free(&gz);
			goto out;
		}
		gz_reader_free(&gz);
		if (tail.n >= TRAILER_MAX || start == 0 ||
		    (prev = gz_member_before(buf, (size_t)(start - (int64_t)(size - win)), size - win,
		    (uint64_t)start)) < 0)
			break;
		start = prev;
	}
	ts = trailer_check(&tail, &claimed);
	if (ts == TRAILER_MISSING) {
		say(t, "s3://%s/%s does not end with pgdump-stream's completion trailer: "
		    "the dump was cut short", c->bucket, e->key);
		goto out;
	}
	ok = 1;
	snprintf(cost, costlen, "trailer ok (last members %llu bytes; %u request%s, %llu bytes read)",
	    (unsigned long long)(size - (uint64_t)start), requests, requests == 1 ? "" : "s",
	    (unsigned long long)bytes);
out:
	free(buf);
	return ok;
}

/* The trailer of a plain .sql dump, from its last bytes. */
static int
sql_trailer(struct s3_conn *c, struct target *t, const struct s3_entry *e, char *cost, size_t costlen)
{
	uint64_t win = e->size < TRAILER_MAX ? e->size : TRAILER_MAX, bytes = 0, claimed;
	unsigned char buf[TRAILER_MAX];
	unsigned requests = 0;
	struct trailer_tail tail;

	if (win == 0 || get_range(c, t, e->key, e->size - win, e->size, buf, &requests, &bytes) < 0) {
		if (win == 0)
			say(t, "s3://%s/%s is empty", c->bucket, e->key);
		return 0;
	}
	trailer_init(&tail);
	trailer_feed(&tail, buf, (size_t)win);
	if (trailer_check(&tail, &claimed) == TRAILER_MISSING) {
		say(t, "s3://%s/%s does not end with pgdump-stream's completion trailer: "
		    "the dump was cut short", c->bucket, e->key);
		return 0;
	}
	snprintf(cost, costlen, "trailer ok (1 request, %llu bytes read)", (unsigned long long)bytes);
	return 1;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int
check(struct prober *p, struct target *t, uint64_t deadline)
{
	struct s3probe *sp = t->s3;
	struct s3_conn c;
	struct newest nw = { .pattern = p->opt.pattern, .now = s3_now(&sp->s3) };
	char err[1200], cost[200] = "", shown[S3_KEY_MAX * 3 + 80], fresh[sizeof t->why];
	int ex, ok = 0;

	set_timeout(sp, deadline);
	s3_conn_init(&c, &sp->s3, sp->u.bucket);
	if (s3_list(&c, sp->u.key, newest_page, &nw, &ex, err, sizeof err) < 0) {
		t->ex = probe_ex(ex);
		say(t, "%s", err);
		goto out;
	}
	if (nw.ahead)
		log_warn("%s: %d object%s dated in the future (beyond %d s of clock skew) count%s for nothing",
		    t->shown, nw.ahead, nw.ahead == 1 ? "" : "s", SKEW_S, nw.ahead == 1 ? "s" : "");
	if (!nw.have) {
		say(t, "no backup matching %s under s3://%s/%s%s", p->opt.pattern,
		    sp->u.bucket, sp->u.key, nw.ahead ? " (only objects dated in the future)" : "");
		goto out;
	}
	snprintf(shown, sizeof shown, "s3://%s/%s", sp->u.bucket, nw.best.key);
	t->age_s = nw.now - nw.best.mtime;
	if (t->age_s < 0)
		t->age_s = 0;
	if (!backup_fresh(&p->opt, t, shown, t->age_s, nw.best.size))
		goto out;
	memcpy(fresh, t->why, sizeof fresh);
	set_timeout(sp, deadline);
	if (has_suffix(nw.best.key, ".gz") && !gz_trailer(&c, t, &nw.best, cost, sizeof cost))
		goto out;
	if (has_suffix(nw.best.key, ".sql") && !sql_trailer(&c, t, &nw.best, cost, sizeof cost))
		goto out;
	say(t, "%s%s%s", fresh, cost[0] ? ", " : "", cost);
	ok = 1;
out:
	s3_conn_close(&c);
	return ok;
}

void
s3probe_setup(struct prober *p, struct target *t)
{
	struct s3_opts so = { .retries = 0, .cacert = p->opt.cacert, .insecure = p->opt.insecure,
		.timeout_ms = p->opt.timeout_ms };
	char err[300];

	t->s3 = xcalloc(1, sizeof *t->s3);
	if (s3_url_parse(t->arg, &t->s3->u, err, sizeof err) < 0)
		die(EX_USAGE, "%s", err);
	s3_setup(&t->s3->s3, &so);
	if (p->opt.sse_c_file) {
		s3_ssec_load(&t->s3->ssec, p->opt.sse_c_file);
		t->s3->nssec = 3;
	}
}

int
s3probe_run(struct prober *p, struct target *t, uint64_t deadline)
{
	struct s3probe *sp = t->s3;

	/* The sidecar checks every --period; listing a bucket that often
	 * costs money and proves nothing new about a nightly backup. */
	if (!p->watchdog && sp->checked && deadline_now() - sp->checked < RECHECK_MS) {
		t->ex = sp->ex;
		t->age_s = sp->age_s;
		memcpy(t->why, sp->why, sizeof t->why);
		return sp->pass;
	}
	sp->pass = check(p, t, deadline);
	sp->ex = t->ex;
	sp->age_s = t->age_s;
	memcpy(sp->why, t->why, sizeof sp->why);
	sp->checked = deadline_now();
	return sp->pass;
}
