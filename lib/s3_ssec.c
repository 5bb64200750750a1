/* SSE-C: server-side encryption with a key the customer keeps. The store
 * encrypts with the key sent in each request and keeps only its MD5, so
 * every request that writes or reads the object's bytes carries it again,
 * and losing the key loses the object. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enc.h"
#include "hash.h"
#include "io.h"
#include "log.h"
#include "s3.h"

void
s3_ssec_load(struct s3_ssec *k, const char *file)
{
	unsigned char raw[130], key[32], md5[16];
	char b64[BASE64_LEN(32)], m64[BASE64_LEN(16)];
	struct md5 m;
	struct stat st;
	ssize_t n = 0, r;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die_errno(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "--sse-c-key-file %s", file);
	if (fstat(fd, &st) == 0 && (st.st_mode & 0004))
		log_warn("--sse-c-key-file %s is readable by every user: anyone on this host can read the backups' key",
		    file);
	while (n < (ssize_t)sizeof raw && (r = io_read(fd, raw + n, sizeof raw - (size_t)n)) > 0)
		n += r;
	close(fd);
	/* 32 bytes as they are, or their base64 on one line (what
	 * "openssl rand -base64 32" writes). */
	while (n > 32 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		n--;
	if (n == 32)
		memcpy(key, raw, 32);
	else if (base64_decode(key, sizeof key, (const char *)raw, (size_t)n) != 32) {
		explicit_bzero(raw, sizeof raw);
		die(EX_CONFIG, "--sse-c-key-file %s must hold a 256-bit key: 32 bytes, or their base64 on one line", file);
	}
	explicit_bzero(raw, sizeof raw);
	md5_init(&m);
	md5_update(&m, key, 32);
	md5_final(&m, md5);
	base64_encode(b64, key, 32);
	base64_encode(m64, md5, 16);
	explicit_bzero(key, sizeof key);
	snprintf(k->alg, sizeof k->alg, "x-amz-server-side-encryption-customer-algorithm: AES256");
	snprintf(k->key, sizeof k->key, "x-amz-server-side-encryption-customer-key: %s", b64);
	snprintf(k->md5, sizeof k->md5, "x-amz-server-side-encryption-customer-key-MD5: %s", m64);
	explicit_bzero(b64, sizeof b64);
	k->h[0] = k->alg;
	k->h[1] = k->key;
	k->h[2] = k->md5;
}

void
s3_ssec_wipe(struct s3_ssec *k)
{
	explicit_bzero(k, sizeof *k);
}
