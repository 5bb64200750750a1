/* Certificates and keys for lib/tls: PEM decoding, trust anchors from files,
 * directories and the built-in bundle, client certificates, and the DER
 * walk that finds iPAddress subjectAltNames (which BearSSL's minimal engine
 * does not check). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tls.h"
#include "xmem.h"

#define PEM_FILE_MAX (8u << 20)

struct grow {
	unsigned char *p;
	size_t n, cap;
};

static void
grow_append(void *ctx, const void *buf, size_t len)
{
	struct grow *g = ctx;

	if (g->n + len > g->cap) {
		g->cap = (g->n + len) * 2 + 256;
		g->p = xrealloc(g->p, g->cap);
	}
	memcpy(g->p + g->n, buf, len);
	g->n += len;
}

int
tls_pem_decode(const unsigned char *buf, size_t len, struct tls_pem_obj **objs, size_t *n)
{
	br_pem_decoder_context pc;
	struct grow g = { 0 };
	int inobj = 0;

	*objs = NULL;
	*n = 0;
	br_pem_decoder_init(&pc);
	while (len > 0) {
		size_t k = br_pem_decoder_push(&pc, buf, len);

		buf += k, len -= k;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			g.n = 0;
			inobj = 1;
			br_pem_decoder_setdest(&pc, grow_append, &g);
			*objs = xrealloc(*objs, (*n + 1) * sizeof **objs);
			snprintf((*objs)[*n].name, sizeof (*objs)[*n].name, "%s", br_pem_decoder_name(&pc));
			break;
		case BR_PEM_END_OBJ:
			if (inobj) {
				(*objs)[*n].der = xmalloc(g.n);
				memcpy((*objs)[*n].der, g.p, g.n);
				(*objs)[*n].len = g.n;
				(*n)++;
				inobj = 0;
			}
			break;
		case BR_PEM_ERROR:
			free(g.p);
			tls_pem_free(*objs, *n);
			*objs = NULL;
			*n = 0;
			return -1;
		}
	}
	free(g.p);
	if (inobj) { /* cut short inside an object */
		tls_pem_free(*objs, *n);
		*objs = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
tls_pem_free(struct tls_pem_obj *objs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(objs[i].der);
	free(objs);
}

static unsigned char *
dup_bytes(const unsigned char *p, size_t n)
{
	return memcpy(xmalloc(n), p, n);
}

int
tls_anchor_add_der(struct tls_anchors *a, const unsigned char *der, size_t len)
{
	br_x509_decoder_context dc;
	struct grow dn = { 0 };
	br_x509_pkey *pk;
	br_x509_trust_anchor *ta;

	br_x509_decoder_init(&dc, grow_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk) {
		free(dn.p);
		return -1;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->ta = xrealloc(a->ta, a->cap * sizeof *a->ta);
	}
	ta = &a->ta[a->n];
	ta->dn.data = dn.p ? dn.p : xmalloc(1);
	ta->dn.len = dn.n;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	} else {
		free(dn.p);
		return -1;
	}
	a->n++;
	return 0;
}

static int
read_file(const char *path, unsigned char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PEM_FILE_MAX) {
		close(fd);
		errno = S_ISREG(st.st_mode) ? EFBIG : EISDIR;
		return -1;
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	*len = 0;
	while ((r = read(fd, *buf + *len, (size_t)st.st_size + 1 - *len)) > 0)
		*len += (size_t)r;
	close(fd);
	if (r < 0) {
		free(*buf);
		return -1;
	}
	return 0;
}

/* Adds every CERTIFICATE of a PEM file; returns how many, or -1. */
static int
add_pem_file(struct tls_anchors *a, const char *path, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len, n;
	struct tls_pem_obj *objs;
	int added = 0;

	if (read_file(path, &buf, &len) < 0) {
		snprintf(err, errlen, "cannot read CA file %s: %s", path, strerror(errno));
		return -1;
	}
	if (tls_pem_decode(buf, len, &objs, &n) < 0) {
		free(buf);
		snprintf(err, errlen, "CA file %s: not valid PEM", path);
		return -1;
	}
	free(buf);
	for (size_t i = 0; i < n; i++)
		if ((strcmp(objs[i].name, "CERTIFICATE") == 0 ||
		    strcmp(objs[i].name, "X509 CERTIFICATE") == 0 ||
		    strcmp(objs[i].name, "TRUSTED CERTIFICATE") == 0) &&
		    tls_anchor_add_der(a, objs[i].der, objs[i].len) == 0)
			added++;
	tls_pem_free(objs, n);
	return added;
}

int
tls_anchors_file(struct tls_anchors *a, const char *path, char *err, size_t errlen)
{
	int n;

	memset(a, 0, sizeof *a);
	n = add_pem_file(a, path, err, errlen);
	if (n < 0)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "CA file %s: no certificates in it", path);
		return -1;
	}
	snprintf(a->source, sizeof a->source, "%s (%d certificates)", path, n);
	return 0;
}

static int
add_dir(struct tls_anchors *a, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096], err[64];
	int n = 0, k;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if ((k = add_pem_file(a, path, err, sizeof err)) > 0)
			n += k;
	}
	closedir(d);
	return n;
}

int
tls_anchors_default(struct tls_anchors *a, char *err, size_t errlen)
{
	static const char *const bundles[] = {
		"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Alpine */
		"/etc/pki/tls/certs/ca-bundle.crt",                  /* RHEL, Fedora */
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL */
		"/etc/ssl/ca-bundle.pem",                            /* SUSE */
		"/etc/ssl/cert.pem",                                 /* Alpine, BSDs, macOS */
	};
	const char *env;
	int n;

	memset(a, 0, sizeof *a);
	if ((env = getenv("SSL_CERT_FILE")) && *env) {
		if (access(env, R_OK) == 0)
			return tls_anchors_file(a, env, err, errlen);
	}
	if ((env = getenv("SSL_CERT_DIR")) && *env) {
		char dirs[4096], *save = NULL, *tok;

		snprintf(dirs, sizeof dirs, "%s", env);
		n = 0;
		for (tok = strtok_r(dirs, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
			n += add_dir(a, tok);
		if (n > 0) {
			snprintf(a->source, sizeof a->source, "SSL_CERT_DIR %s (%d certificates)", env, n);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof bundles / sizeof bundles[0]; i++)
		if (access(bundles[i], R_OK) == 0 && (n = add_pem_file(a, bundles[i], err, errlen)) > 0) {
			snprintf(a->source, sizeof a->source, "%s (%d certificates)", bundles[i], n);
			return 0;
		}
	if (tls_builtin_ta_n == 0) {
		snprintf(err, errlen, "no CA certificates: none on this system and none built in; give a CA file");
		return -1;
	}
	a->ta = (br_x509_trust_anchor *)tls_builtin_ta;
	a->n = tls_builtin_ta_n;
	a->builtin = 1;
	snprintf(a->source, sizeof a->source, "the bundle built into this binary (%zu certificates)",
	    tls_builtin_ta_n);
	return 0;
}

void
tls_anchors_free(struct tls_anchors *a)
{
	if (!a->builtin) {
		for (size_t i = 0; i < a->n; i++) {
			br_x509_trust_anchor *ta = &a->ta[i];

			free(ta->dn.data);
			if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
				free(ta->pkey.key.rsa.n);
				free(ta->pkey.key.rsa.e);
			} else {
				free(ta->pkey.key.ec.q);
			}
		}
		free(a->ta);
	}
	memset(a, 0, sizeof *a);
}

int
tls_client_cert_load(struct tls_client_cert *c, const char *certfile, const char *keyfile,
    char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len, n;
	struct tls_pem_obj *objs;
	br_skey_decoder_context kd;
	int found = 0;

	memset(c, 0, sizeof *c);
	if (read_file(certfile, &buf, &len) < 0) {
		snprintf(err, errlen, "cannot read client certificate %s: %s", certfile, strerror(errno));
		return -1;
	}
	if (tls_pem_decode(buf, len, &objs, &n) < 0) {
		free(buf);
		snprintf(err, errlen, "client certificate %s: not valid PEM", certfile);
		return -1;
	}
	free(buf);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(objs[i].name, "CERTIFICATE") != 0)
			continue;
		c->chain = xrealloc(c->chain, (c->n + 1) * sizeof *c->chain);
		c->chain[c->n].data = objs[i].der;
		c->chain[c->n].data_len = objs[i].len;
		objs[i].der = NULL;
		c->n++;
	}
	tls_pem_free(objs, n);
	if (c->n == 0) {
		snprintf(err, errlen, "client certificate %s: no certificate in it", certfile);
		return -1;
	}

	if (read_file(keyfile, &buf, &len) < 0) {
		snprintf(err, errlen, "cannot read client key %s: %s", keyfile, strerror(errno));
		tls_client_cert_free(c);
		return -1;
	}
	if (tls_pem_decode(buf, len, &objs, &n) < 0) {
		explicit_bzero(buf, len);
		free(buf);
		snprintf(err, errlen, "client key %s: not valid PEM", keyfile);
		tls_client_cert_free(c);
		return -1;
	}
	explicit_bzero(buf, len);
	free(buf);
	for (size_t i = 0; i < n && !found; i++) {
		if (!strstr(objs[i].name, "PRIVATE KEY"))
			continue;
		br_skey_decoder_init(&kd);
		br_skey_decoder_push(&kd, objs[i].der, objs[i].len);
		if (br_skey_decoder_last_error(&kd) != 0)
			continue;
		c->keytype = br_skey_decoder_key_type(&kd);
		if (c->keytype == BR_KEYTYPE_RSA) {
			const br_rsa_private_key *k = br_skey_decoder_get_rsa(&kd);
			size_t tot = k->plen + k->qlen + k->dplen + k->dqlen + k->iqlen;
			unsigned char *m = c->keymem = xmalloc(tot);

			c->keylen = tot;
			c->rsa = *k;
			c->rsa.p = memcpy(m, k->p, k->plen), m += k->plen;
			c->rsa.q = memcpy(m, k->q, k->qlen), m += k->qlen;
			c->rsa.dp = memcpy(m, k->dp, k->dplen), m += k->dplen;
			c->rsa.dq = memcpy(m, k->dq, k->dqlen), m += k->dqlen;
			c->rsa.iq = memcpy(m, k->iq, k->iqlen);
			found = 1;
		} else if (c->keytype == BR_KEYTYPE_EC) {
			const br_ec_private_key *k = br_skey_decoder_get_ec(&kd);

			c->keymem = dup_bytes(k->x, k->xlen);
			c->keylen = k->xlen;
			c->ec = *k;
			c->ec.x = c->keymem;
			found = 1;
		}
		explicit_bzero(&kd, sizeof kd);
	}
	for (size_t i = 0; i < n; i++)
		explicit_bzero(objs[i].der, objs[i].len);
	tls_pem_free(objs, n);
	if (!found) {
		snprintf(err, errlen, "client key %s: no RSA or EC private key in it", keyfile);
		tls_client_cert_free(c);
		return -1;
	}
	return 0;
}

void
tls_client_cert_free(struct tls_client_cert *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->chain[i].data);
	free(c->chain);
	if (c->keymem) {
		explicit_bzero(c->keymem, c->keylen);
		free(c->keymem);
	}
	memset(c, 0, sizeof *c);
}

/* One DER element: tag, content and its length; -1 when malformed. */
static int
der_next(const unsigned char **p, const unsigned char *end, unsigned *tag,
    const unsigned char **content, size_t *clen)
{
	const unsigned char *q = *p;
	size_t len;

	if (end - q < 2)
		return -1;
	*tag = *q++;
	len = *q++;
	if (len & 0x80) {
		int nb = (int)(len & 0x7f);

		if (nb == 0 || nb > 4 || end - q < nb)
			return -1;
		for (len = 0; nb > 0; nb--)
			len = len << 8 | *q++;
	}
	if ((size_t)(end - q) < len)
		return -1;
	*content = q;
	*clen = len;
	*p = q + len;
	return 0;
}

int
tls_cert_has_ip(const unsigned char *der, size_t len, const unsigned char *ip, int iplen)
{
	static const unsigned char san_oid[] = { 0x55, 0x1d, 0x11 };
	const unsigned char *p = der, *end = der + len, *c, *tbs, *tend;
	unsigned tag;
	size_t cl;

	/* Certificate SEQUENCE, then tbsCertificate SEQUENCE. */
	if (der_next(&p, end, &tag, &c, &cl) < 0 || tag != 0x30)
		return 0;
	p = c, end = c + cl;
	if (der_next(&p, end, &tag, &tbs, &cl) < 0 || tag != 0x30)
		return 0;
	p = tbs, tend = tbs + cl;
	while (p < tend) {
		if (der_next(&p, tend, &tag, &c, &cl) < 0)
			return 0;
		if (tag != 0xa3) /* [3] extensions */
			continue;
		{
			const unsigned char *q = c, *qe = c + cl, *exts;
			size_t el;

			if (der_next(&q, qe, &tag, &exts, &el) < 0 || tag != 0x30)
				return 0;
			q = exts, qe = exts + el;
			while (q < qe) {
				const unsigned char *ext, *r, *re, *oid, *val = NULL;
				size_t xl, ol, vl = 0;

				if (der_next(&q, qe, &tag, &ext, &xl) < 0 || tag != 0x30)
					return 0;
				r = ext, re = ext + xl;
				if (der_next(&r, re, &tag, &oid, &ol) < 0 || tag != 0x06)
					return 0;
				while (r < re) {
					const unsigned char *v;
					size_t l;

					if (der_next(&r, re, &tag, &v, &l) < 0)
						return 0;
					if (tag == 0x04)
						val = v, vl = l;
				}
				if (ol != sizeof san_oid || memcmp(oid, san_oid, ol) != 0 || !val)
					continue;
				{
					const unsigned char *s = val, *se = val + vl, *names, *g;
					size_t nl, gl;

					if (der_next(&s, se, &tag, &names, &nl) < 0 || tag != 0x30)
						return 0;
					s = names, se = names + nl;
					while (s < se) {
						if (der_next(&s, se, &tag, &g, &gl) < 0)
							return 0;
						if (tag == 0x87 && gl == (size_t)iplen && memcmp(g, ip, gl) == 0)
							return 1;
					}
				}
			}
		}
	}
	return 0;
}
