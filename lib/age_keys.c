/* Recipients and identities from files in age's formats. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "io.h"
#include "log.h"
#include "xmem.h"

#define KEYFILE_MAX (1024 * 1024)

static void
add(struct age_keys *k, const unsigned char pk[32], const unsigned char *sk)
{
	k->pk = xrealloc(k->pk, (size_t)(k->n + 1) * 32);
	memcpy(k->pk[k->n], pk, 32);
	if (sk) {
		unsigned char (*n)[32] = xmalloc((size_t)(k->n + 1) * 32);

		/* Copied rather than realloc'd, so that no secret is left in
		 * memory given back. */
		if (k->sk) {
			memcpy(n, k->sk, (size_t)k->n * 32);
			explicit_bzero(k->sk, (size_t)k->n * 32);
			free(k->sk);
		}
		memcpy(n[k->n], sk, 32);
		k->sk = n;
	}
	k->n++;
}

int
age_keys_add_recipient(struct age_keys *k, const char *s)
{
	static const unsigned char probe[32] = { 1 };
	unsigned char pk[32], out[32];

	if (age_recipient_parse(s, pk) < 0 || age_x25519(out, probe, pk) < 0)
		return -1;
	add(k, pk, NULL);
	return 0;
}

int
age_keys_load(struct age_keys *k, const char *path, int identities, char *err, size_t cap)
{
	const char *what = identities ? "identity" : "recipients";
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	char *buf, *line, *next;
	struct stat st;
	ssize_t n;
	int lineno = 0, found = 0, ex = 0;

	if (fd < 0)
		return age_errf(err, cap, errno == ENOENT ? EX_NOINPUT : errno == EACCES ? EX_NOPERM : EX_IOERR,
		    "%s file %s: %s", what, path, strerror(errno));
	if (identities && fd > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 004))
		log_warn("identity file %s may be read by any user (mode %03o); chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
	buf = xmalloc(KEYFILE_MAX + 1);
	n = io_read_full(fd, buf, KEYFILE_MAX + 1);
	if (fd > 0)
		close(fd);
	if (n < 0)
		ex = age_errf(err, cap, EX_IOERR, "read %s file %s: %s", what, path, strerror(errno));
	else if (n > KEYFILE_MAX)
		ex = age_errf(err, cap, EX_DATAERR, "%s file %s is larger than 1 MiB", what, path);
	for (line = buf; !ex && n >= 0 && line < buf + n; line = next) {
		char *nl = memchr(line, '\n', (size_t)(buf + n - line));
		unsigned char key[32], pk[32];

		next = nl ? nl + 1 : buf + n;
		if (nl)
			*nl = 0;
		else
			buf[n] = 0;
		lineno++;
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = 0;
		if (line[0] == 0 || line[0] == '#')
			continue;
		if (identities) {
			if (age_identity_parse(line, key) < 0) {
				ex = age_errf(err, cap, EX_DATAERR, "identity file %s, line %d: not an age X25519 identity "
				    "(AGE-SECRET-KEY-1...)", path, lineno);
				break;
			}
			age_x25519_public(pk, key);
			add(k, pk, key);
			explicit_bzero(key, sizeof key);
		} else if (age_keys_add_recipient(k, line) < 0) {
			ex = age_errf(err, cap, EX_DATAERR, "recipients file %s, line %d: not an age X25519 recipient (age1...)",
			    path, lineno);
			break;
		}
		found++;
	}
	explicit_bzero(buf, KEYFILE_MAX + 1);
	free(buf);
	if (!ex && !found)
		ex = age_errf(err, cap, EX_DATAERR, "%s file %s holds no key", what, path);
	return ex;
}

void
age_keys_free(struct age_keys *k)
{
	if (k->sk) {
		explicit_bzero(k->sk, (size_t)k->n * 32);
		free(k->sk);
	}
	free(k->pk);
	memset(k, 0, sizeof *k);
}
