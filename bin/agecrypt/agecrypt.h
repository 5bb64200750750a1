/* agecrypt: the parts of the program that share its options. */
#ifndef AGECRYPT_H
#define AGECRYPT_H
#include <stddef.h>

#include "age.h"

struct opts {
	int decrypt, armor, jobs, keygen, progress;
	unsigned work_factor, max_work_factor;
	const char *input, *output, *pass_file, *recipient_of;
	struct age_keys recipients, identities;
	int passphrase;          /* -p */
};
extern struct opts opt;

/* stream.c: the work. Each returns only on success; failures die. */
void stream_encrypt(int in, int out, const struct age_enc *e);
void stream_decrypt(int in, int out);

/* pass.c: the passphrase from --passphrase-file, AGECRYPT_PASSPHRASE or
 * the terminal (asked twice when confirm). Returns its length, the
 * passphrase in buf (cap bytes, NUL-terminated), or -1 when there is no
 * source, with a message. */
ssize_t pass_get(char *buf, size_t cap, int confirm, char *err, size_t errcap);
#endif
