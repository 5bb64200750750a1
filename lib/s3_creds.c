/* Configuration and credentials for S3, resolved in the order the AWS SDKs
 * use: environment keys; web identity (a Kubernetes service account token
 * exchanged at STS); the shared credentials file, then the config file;
 * the container credentials endpoint (ECS, EKS Pod Identity); the instance
 * metadata service (IMDSv2). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "ini.h"
#include "io.h"
#include "json.h"
#include "log.h"
#include "opt.h"
#include "net.h"
#include "s3.h"
#include "xmem.h"
#include "xml.h"

#define FILE_MAX (256 * 1024)
#define ANSWER_MAX 65536
#define CRED_TIMEOUT_MS 5000
#define IMDS_TIMEOUT_MS 1000

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Reads a small file whole; NULL when absent or unreadable. */
static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	buf = xmalloc(FILE_MAX + 1);
	while (got < FILE_MAX && (n = read(fd, buf + got, FILE_MAX - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return buf;
}

static void
home_path(char *out, size_t cap, const char *envname, const char *rel)
{
	const char *v = env(envname), *home = env("HOME");

	if (v)
		snprintf(out, cap, "%s", v);
	else if (home)
		snprintf(out, cap, "%s/%s", home, rel);
	else
		out[0] = 0;
}

/* "2026-11-22T10:00:00Z" (fractions and +00:00 tolerated) to Unix time. */
static int64_t
parse_iso(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (!strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

/* The config file names profiles "[profile NAME]", except the default. */
static void
config_section(char *out, size_t cap, const char *profile)
{
	if (strcmp(profile, "default") == 0)
		snprintf(out, cap, "default");
	else
		snprintf(out, cap, "profile %s", profile);
}

void
s3_config_file(const char *profile, char *region, size_t rcap, char *endpoint, size_t ecap)
{
	char path[1024], section[96];
	size_t len;
	char *buf;

	home_path(path, sizeof path, "AWS_CONFIG_FILE", ".aws/config");
	if (!path[0] || !(buf = slurp(path, &len)))
		return;
	config_section(section, sizeof section, profile);
	if (region)
		ini_get(buf, len, section, "region", region, rcap);
	if (endpoint && ini_get(buf, len, section, "s3.endpoint_url", endpoint, ecap) != 1)
		ini_get(buf, len, section, "endpoint_url", endpoint, ecap);
	free(buf);
}

/* Static keys from an INI file section; 1 found, 0 not there, -1 incomplete. */
static int
from_ini(struct s3_creds *c, const char *path, const char *section, char *err, size_t errlen)
{
	size_t len;
	char *buf = slurp(path, &len);
	int a, b, r = 0;

	if (!buf)
		return 0;
	a = ini_get(buf, len, section, "aws_access_key_id", c->access, sizeof c->access);
	b = ini_get(buf, len, section, "aws_secret_access_key", c->secret, sizeof c->secret);
	if (a == 1 && b == 1) {
		if (ini_get(buf, len, section, "aws_session_token", c->token, sizeof c->token) != 1)
			c->token[0] = 0;
		snprintf(c->source, sizeof c->source, "%s [%s]", path, section);
		r = 1;
	} else if (a == 1 || b == 1) {
		snprintf(err, errlen, "%s [%s] has only one of aws_access_key_id and aws_secret_access_key",
		    path, section);
		r = -1;
	}
	explicit_bzero(buf, len);
	free(buf);
	return r;
}

/* One request to a credentials endpoint; 0 with the body in out. */
static int
fetch(const char *url, const char *method, const char *const *hdrs, size_t nh, const char *body,
    uint64_t timeout_ms, char *out, size_t cap, char *err, size_t errlen)
{
	struct http_client c;
	struct http_response *resp = xmalloc(sizeof *resp);
	char e[512];
	int rc = -1;

	if (http_client_init(&c, url) < 0) {
		snprintf(err, errlen, "'%s' is not a valid URL", url);
		free(resp);
		return -1;
	}
	if (http_request(&c, method, c.url.path, hdrs, nh, body, body ? strlen(body) : 0, resp,
	    (unsigned char *)out, cap - 1, deadline_in(timeout_ms), e, sizeof e) < 0) {
		snprintf(err, errlen, "%s", e);
	} else if (resp->status != 200) {
		snprintf(err, errlen, "%s answered HTTP %d", url, resp->status);
	} else {
		out[resp->bodylen] = 0;
		rc = 0;
	}
	http_client_close(&c);
	free(resp);
	return rc;
}

static int
from_json(struct s3_creds *c, const char *buf, const char *what, char *err, size_t errlen)
{
	char exp[64];
	size_t n = strlen(buf);

	if (json_get_string(buf, n, "AccessKeyId", c->access, sizeof c->access) != 1 ||
	    json_get_string(buf, n, "SecretAccessKey", c->secret, sizeof c->secret) != 1) {
		snprintf(err, errlen, "%s sent no usable credentials", what);
		return -1;
	}
	if (json_get_string(buf, n, "Token", c->token, sizeof c->token) != 1)
		c->token[0] = 0;
	c->expires = json_get_string(buf, n, "Expiration", exp, sizeof exp) == 1 ? parse_iso(exp) : 0;
	snprintf(c->source, sizeof c->source, "%s", what);
	return 0;
}

static int
web_identity(struct s3 *s, struct s3_creds *c, const char *tokfile, const char *role,
    char *err, size_t errlen)
{
	char url[600], *tok, *body, *ans, exp[64], sess[80];
	size_t tl, bl, pos;
	const char *hdr[] = { "Content-Type: application/x-www-form-urlencoded", "Accept: application/xml" };
	const char *ep = env("AWS_ENDPOINT_URL_STS");
	int rc = -1;

	if (!(tok = slurp(tokfile, &tl))) {
		snprintf(err, errlen, "cannot read AWS_WEB_IDENTITY_TOKEN_FILE %s", tokfile);
		return -1;
	}
	while (tl && (tok[tl - 1] == '\n' || tok[tl - 1] == '\r'))
		tok[--tl] = 0;
	if (ep)
		snprintf(url, sizeof url, "%s/", ep);
	else
		snprintf(url, sizeof url, "https://sts.%s.amazonaws.com/", s->region);
	snprintf(sess, sizeof sess, "%s", env("AWS_ROLE_SESSION_NAME") ? env("AWS_ROLE_SESSION_NAME") : "pgops");
	bl = 3 * (tl + strlen(role) + strlen(sess)) + 200;
	body = xmalloc(bl);
	{
		char *er = xmalloc(3 * strlen(role) + 1), *es = xmalloc(3 * strlen(sess) + 1), *et = xmalloc(3 * tl + 1);

		s3_query_encode(er, 3 * strlen(role) + 1, role);
		s3_query_encode(es, 3 * strlen(sess) + 1, sess);
		s3_query_encode(et, 3 * tl + 1, tok);
		snprintf(body, bl, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s"
		    "&RoleSessionName=%s&WebIdentityToken=%s", er, es, et);
		free(er);
		free(es);
		free(et);
	}
	ans = xmalloc(ANSWER_MAX);
	if (fetch(url, "POST", hdr, 2, body, CRED_TIMEOUT_MS, ans, ANSWER_MAX, err, errlen) < 0)
		goto out;
	pos = 0;
	if (xml_next(ans, strlen(ans), &pos, "AccessKeyId", c->access, sizeof c->access) != 1 ||
	    (pos = 0, xml_next(ans, strlen(ans), &pos, "SecretAccessKey", c->secret, sizeof c->secret)) != 1 ||
	    (pos = 0, xml_next(ans, strlen(ans), &pos, "SessionToken", c->token, sizeof c->token)) != 1) {
		snprintf(err, errlen, "STS at %s sent no credentials for %s", url, role);
		goto out;
	}
	pos = 0;
	c->expires = xml_next(ans, strlen(ans), &pos, "Expiration", exp, sizeof exp) == 1 ? parse_iso(exp) : 0;
	snprintf(c->source, sizeof c->source, "web identity (%s)", role);
	rc = 0;
out:
	explicit_bzero(tok, tl);
	explicit_bzero(body, strlen(body));
	explicit_bzero(ans, ANSWER_MAX);
	free(tok);
	free(body);
	free(ans);
	return rc;
}

static int
container(struct s3_creds *c, char *err, size_t errlen)
{
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *tokfile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tokenv = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char url[1024], *hdr = NULL, *ans;
	const char *h[1];
	size_t nh = 0;
	int rc;

	if (full)
		snprintf(url, sizeof url, "%s", full);
	else
		snprintf(url, sizeof url, "http://169.254.170.2%s", rel);
	if (tokfile || tokenv) {
		size_t tl = 0;
		char *tok = tokfile ? slurp(tokfile, &tl) : xstrdup(tokenv);

		if (!tok) {
			snprintf(err, errlen, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s", tokfile);
			return -1;
		}
		tl = strcspn(tok, "\r\n");
		tok[tl] = 0;
		hdr = xmalloc(tl + 32);
		snprintf(hdr, tl + 32, "Authorization: %s", tok);
		explicit_bzero(tok, tl);
		free(tok);
		h[nh++] = hdr;
	}
	ans = xmalloc(ANSWER_MAX);
	rc = fetch(url, "GET", h, nh, NULL, CRED_TIMEOUT_MS, ans, ANSWER_MAX, err, errlen);
	if (rc == 0)
		rc = from_json(c, ans, "the container credentials endpoint", err, errlen);
	if (hdr) {
		explicit_bzero(hdr, strlen(hdr));
		free(hdr);
	}
	explicit_bzero(ans, ANSWER_MAX);
	free(ans);
	return rc;
}

static int
imds(struct s3_creds *c, char *err, size_t errlen)
{
	const char *ep = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	char base[512], url[1024], tok[256], tokhdr[300], role[256], *ans = xmalloc(ANSWER_MAX);
	const char *put[] = { "X-aws-ec2-metadata-token-ttl-seconds: 21600" }, *get[] = { tokhdr };
	int rc = -1;

	snprintf(base, sizeof base, "%s", ep ? ep : "http://169.254.169.254");
	if (base[0] && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = 0;
	snprintf(url, sizeof url, "%s/latest/api/token", base);
	if (fetch(url, "PUT", put, 1, NULL, IMDS_TIMEOUT_MS, tok, sizeof tok, err, errlen) < 0)
		goto out;
	snprintf(tokhdr, sizeof tokhdr, "X-aws-ec2-metadata-token: %s", tok);
	snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base);
	if (fetch(url, "GET", get, 1, NULL, IMDS_TIMEOUT_MS, role, sizeof role, err, errlen) < 0)
		goto out;
	role[strcspn(role, "\r\n")] = 0;
	if (!role[0] || strchr(role, '/')) {
		snprintf(err, errlen, "the instance metadata service names no IAM role");
		goto out;
	}
	snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s", base, role);
	if (fetch(url, "GET", get, 1, NULL, IMDS_TIMEOUT_MS, ans, ANSWER_MAX, err, errlen) < 0)
		goto out;
	rc = from_json(c, ans, "instance metadata", err, errlen);
out:
	explicit_bzero(tok, sizeof tok);
	explicit_bzero(ans, ANSWER_MAX);
	free(ans);
	return rc;
}

int
s3_creds_load(struct s3 *s, char *err, size_t errlen)
{
	struct s3_creds c;
	const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
	const char *wit = env("AWS_WEB_IDENTITY_TOKEN_FILE"), *role = env("AWS_ROLE_ARN");
	const char *md = env("AWS_EC2_METADATA_DISABLED");
	char path[1024], section[96];
	int r;

	memset(&c, 0, sizeof c);
	if (ak || sk) {
		if (!ak || !sk) {
			snprintf(err, errlen, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set");
			return EX_CONFIG;
		}
		if (strlen(ak) >= sizeof c.access || strlen(sk) >= sizeof c.secret ||
		    (env("AWS_SESSION_TOKEN") && strlen(env("AWS_SESSION_TOKEN")) >= sizeof c.token)) {
			snprintf(err, errlen, "AWS credentials in the environment are too long");
			return EX_CONFIG;
		}
		strcpy(c.access, ak);
		strcpy(c.secret, sk);
		if (env("AWS_SESSION_TOKEN"))
			strcpy(c.token, env("AWS_SESSION_TOKEN"));
		snprintf(c.source, sizeof c.source, "environment");
		goto found;
	}
	if (wit && role) {
		if (web_identity(s, &c, wit, role, err, errlen) < 0)
			return EX_UNAVAILABLE;
		goto found;
	}
	home_path(path, sizeof path, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
	if (path[0] && (r = from_ini(&c, path, s->profile, err, errlen)) != 0) {
		if (r < 0)
			return EX_CONFIG;
		goto found;
	}
	home_path(path, sizeof path, "AWS_CONFIG_FILE", ".aws/config");
	config_section(section, sizeof section, s->profile);
	if (path[0] && (r = from_ini(&c, path, section, err, errlen)) != 0) {
		if (r < 0)
			return EX_CONFIG;
		goto found;
	}
	if (env("AWS_CONTAINER_CREDENTIALS_FULL_URI") || env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
		if (container(&c, err, errlen) < 0)
			return EX_UNAVAILABLE;
		goto found;
	}
	if (!(md && strcasecmp(md, "true") == 0)) {
		char e[256];

		if (imds(&c, e, sizeof e) == 0)
			goto found;
		snprintf(err, errlen, "no AWS credentials: none in the environment, web identity, "
		    "shared files (profile %s) or container endpoint, and instance metadata failed: %s",
		    s->profile, e);
		return EX_CONFIG;
	}
	snprintf(err, errlen, "no AWS credentials: none in the environment, web identity, shared files "
	    "(profile %s) or container endpoint (instance metadata disabled)", s->profile);
	return EX_CONFIG;
found:
	/* They go into the Authorization and X-Amz-Security-Token headers:
	 * a trailing newline from a Secret mounted as a file must not. */
	if (opt_has_control(c.access) || opt_has_control(c.secret) || opt_has_control(c.token)) {
		snprintf(err, errlen, "the %s from %s holds a control character (a trailing newline?)",
		    opt_has_control(c.access) ? "access key id" : opt_has_control(c.secret) ? "secret access key" :
		    "session token", c.source);
		explicit_bzero(&c, sizeof c);
		return EX_CONFIG;
	}
	explicit_bzero(&s->creds, sizeof s->creds);
	s->creds = c;
	explicit_bzero(&c, sizeof c);
	return 0;
}

void
s3_setup(struct s3 *s, const struct s3_opts *o)
{
	char region[64] = "", endpoint[512] = "", err[600];
	const char *v;
	int custom = 1, ex;

	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->profile, sizeof s->profile, "%s",
	    o->profile ? o->profile : env("AWS_PROFILE") ? env("AWS_PROFILE") : "default");
	s3_config_file(s->profile, region, sizeof region, endpoint, sizeof endpoint);
	if ((v = o->region) || (v = env("AWS_REGION")) || (v = env("AWS_DEFAULT_REGION")))
		snprintf(region, sizeof region, "%s", v);
	if (opt_has_control(region))
		die(EX_CONFIG, "the region from %s holds a control character",
		    o->region ? "--region" : env("AWS_REGION") ? "AWS_REGION" : env("AWS_DEFAULT_REGION") ?
		    "AWS_DEFAULT_REGION" : "the AWS config file");
	snprintf(s->region, sizeof s->region, "%s", region[0] ? region : "us-east-1");
	if ((v = o->endpoint) || (v = env("AWS_ENDPOINT_URL_S3")) || (v = env("AWS_ENDPOINT_URL")))
		snprintf(endpoint, sizeof endpoint, "%s", v);
	if (!endpoint[0]) {
		snprintf(endpoint, sizeof endpoint, "https://s3.%s.amazonaws.com", s->region);
		custom = 0;
	}
	while (endpoint[0] && endpoint[strlen(endpoint) - 1] == '/')
		endpoint[strlen(endpoint) - 1] = 0;
	if (http_url_parse(endpoint, &s->ep) < 0 || strcmp(s->ep.path, "/") != 0)
		die(EX_CONFIG, "endpoint '%s' must be http(s)://HOST[:PORT]", endpoint);
	snprintf(s->endpoint, sizeof s->endpoint, "%s", endpoint);
	/* AWS wants virtual-hosted addressing; custom endpoints (MinIO, Ceph,
	 * local servers) mostly want paths. */
	s->path_style = o->path_style ? 1 : o->virtual_host ? 0 : custom;
	/* BUCKET.127.0.0.1 names no host: say so now, not after five
	 * failed lookups. */
	if (!s->path_style && (net_ip_literal(s->ep.host, (unsigned char[16]){ 0 }) ||
	    strcasecmp(s->ep.host, "localhost") == 0))
		die(EX_USAGE, "--virtual-host: the endpoint's host %s is %s, so a bucket cannot be named in front of it; "
		    "use --path-style", s->ep.host, strcasecmp(s->ep.host, "localhost") == 0 ? "localhost" : "an IP address");
	if (o->unsigned_payload && !s->ep.https)
		die(EX_USAGE, "--unsigned-payload is only allowed over https (the endpoint is %s)", s->endpoint);
	s->unsigned_payload = o->unsigned_payload;
	s->retries = o->retries >= 0 ? (unsigned)o->retries : 5;
	s->timeout_ms = o->timeout_ms ? o->timeout_ms : 300000;
	s->verify = o->insecure ? TLS_VERIFY_NONE : TLS_VERIFY_FULL;
	if (s->ep.https && !o->insecure) {
		const char *ca = o->cacert ? o->cacert : env("AWS_CA_BUNDLE");

		if (ca ? tls_anchors_file(&s->anchors, ca, err, sizeof err) < 0
		       : tls_anchors_default(&s->anchors, err, sizeof err) < 0)
			die(EX_CONFIG, "%s", err);
		s->have_anchors = 1;
	}
	if ((ex = s3_creds_load(s, err, sizeof err)) != 0)
		die(ex, "%s", err);
}
