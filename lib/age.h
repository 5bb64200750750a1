/* The age v1 file format (age-encryption.org/v1): X25519 and scrypt
 * stanzas, the header and its MAC, the STREAM payload of 64 KiB
 * ChaCha20-Poly1305 chunks, and the ASCII armor. agecrypt is built on it,
 * and s3put encrypts what it uploads with it (after its own checks have
 * seen the plaintext). Secrets live in caller-owned structs, cleared by
 * age_enc_free and age_keys_free. */
#ifndef PGOPS_AGE_H
#define PGOPS_AGE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AGE_CHUNK 65536                  /* plaintext bytes per chunk */
#define AGE_TAG 16
#define AGE_CCHUNK (AGE_CHUNK + AGE_TAG) /* ciphertext bytes per full chunk */
#define AGE_NONCE 16                     /* the payload nonce after the header */
#define AGE_HEADER_MAX (256 * 1024)      /* longer headers are refused */
#define AGE_RECIPIENT_SIZE 64            /* "age1" + 58, with the NUL */
#define AGE_IDENTITY_SIZE 80             /* "AGE-SECRET-KEY-1" + 58, with the NUL */
#define AGE_MAGIC "age-encryption.org/v1\n"
#define AGE_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define AGE_ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define AGE_WORK_FACTOR 18               /* age's scrypt default: 2^18 */

/* 1 when buf (the first n bytes of a stream, n >= 34 when the stream has
 * them) is an age file, binary or armored; other readers use it to say
 * "encrypted with age" rather than "not gzip". */
int age_sniff(const void *buf, size_t n);

/* Keys. The parsers return 0 or -1 (bad checksum, wrong prefix or length). */
int age_recipient_parse(const char *s, unsigned char pk[32]);
int age_identity_parse(const char *s, unsigned char sk[32]);
void age_recipient_format(char out[AGE_RECIPIENT_SIZE], const unsigned char pk[32]);
void age_identity_format(char out[AGE_IDENTITY_SIZE], const unsigned char sk[32]);
void age_x25519_public(unsigned char pk[32], const unsigned char sk[32]);
/* X25519(sk, point): 0, or -1 when the result is all zero (a low-order
 * point, which RFC 7748 and age refuse). */
int age_x25519(unsigned char out[32], const unsigned char sk[32], const unsigned char point[32]);
/* n bytes from getrandom(2); dies (70) if the kernel has none to give. */
void age_random(void *buf, size_t n);

/* Recipients (public keys) and identities (secret keys, with their
 * public halves), as read from files in age's formats: one key a line,
 * blank lines and lines starting with # ignored. */
struct age_keys {
	unsigned char (*pk)[32];
	unsigned char (*sk)[32];  /* identities only */
	int n;
};
/* Adds the keys in path ("-" stdin): 0, or an exit code (66 missing, 77
 * unreadable, 65 a line that is not a key, naming it by number) with a
 * message. An identity file others may read is warned about. */
int age_keys_load(struct age_keys *k, const char *path, int identities, char *err, size_t cap);
/* Adds one recipient given on the command line: 0 or -1. */
int age_keys_add_recipient(struct age_keys *k, const char *s);
void age_keys_free(struct age_keys *k);

/* Encryption: the header (with the payload nonce after it) that starts the
 * file, and the payload key for the chunks. */
struct age_enc {
	unsigned char key[32];
	char *header;
	size_t hlen;
};
void age_enc_x25519(struct age_enc *e, const struct age_keys *recipients);
/* 0, or -1 when scrypt cannot have its memory. */
int age_enc_scrypt(struct age_enc *e, const char *pass, size_t plen, unsigned logn);
void age_enc_free(struct age_enc *e);

/* One chunk: buf holds len bytes of plaintext and AGE_TAG more of room;
 * it becomes len + AGE_TAG bytes of ciphertext. counter counts chunks from
 * 0; last marks the final one. */
void age_chunk_seal(const unsigned char key[32], uint64_t counter, int last, unsigned char *buf, size_t len);
/* The reverse: clen bytes of ciphertext (tag included) become clen -
 * AGE_TAG bytes of plaintext. 0, or -1 when the tag does not verify (buf
 * then holds no plaintext). */
int age_chunk_open(const unsigned char key[32], uint64_t counter, int last, unsigned char *buf, size_t clen);

/* An encrypting reader, for a program that reads plaintext from fd and
 * must see it (s3put checks the gzip stream and the dump's trailer) before
 * it handles the ciphertext: age_reader_read returns the header, then the
 * sealed chunks, and hands each chunk's plaintext to feed before sealing
 * it. One chunk of memory (64 KiB); single-threaded. */
struct age_reader {
	int fd, started, eof, has_carry;
	unsigned char carry;
	struct age_enc *enc;
	void (*feed)(void *arg, const unsigned char *buf, size_t n);
	void *arg;
	unsigned char *buf;
	size_t len, pos, hpos;
	uint64_t counter;
};
void age_reader_init(struct age_reader *r, int fd, struct age_enc *e,
    void (*feed)(void *arg, const unsigned char *buf, size_t n), void *arg);
/* Up to n bytes of ciphertext; 0 at the end; -1 with errno on a read error. */
ssize_t age_reader_read(struct age_reader *r, void *buf, size_t n);
void age_reader_free(struct age_reader *r);

/* The derivations both directions share (lib/age.c), for lib/age_*.c:
 * the X25519 stanza's wrap key from the shared secret, the share and the
 * recipient; the scrypt stanza's from the passphrase, its salt and work
 * factor (0, or -1 when scrypt cannot have its memory); the header MAC
 * over its first len bytes; and the file key sealed or opened in a
 * stanza's 32-byte body (age_body_open: 0, or -1 when it does not open). */
void age_x25519_wrap_key(unsigned char wk[32], const unsigned char shared[32], const unsigned char share[32],
    const unsigned char pk[32]);
int age_scrypt_key(unsigned char wk[32], const char *pass, size_t plen, const unsigned char salt[16], unsigned logn);
void age_header_mac(unsigned char mac[32], const unsigned char file_key[16], const void *buf, size_t len);
void age_body_seal(unsigned char body[32], const unsigned char wk[32], const unsigned char file_key[16]);
int age_body_open(unsigned char file_key[16], const unsigned char wk[32], const unsigned char body[32]);
/* Formats a message into err and returns ret: the failures of lib/age_*. */
int age_errf(char *err, size_t cap, int ret, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Decryption: the header, parsed. */
struct age_stanza {
	char **args;         /* args[0] is the type */
	int nargs;
	unsigned char *body;
	size_t blen;
};
struct age_header {
	struct age_stanza *st;
	int n;
	size_t maclen;       /* bytes the MAC covers: through "---" */
	size_t len;          /* header bytes, through the MAC line's newline */
	unsigned char mac[32];
};
enum age_parse { AGE_OK, AGE_MORE, AGE_NOTAGE, AGE_BAD };
/* Parses the header at the start of buf[0..n): AGE_OK (h filled,
 * h->len bytes used), AGE_MORE (no end yet; more bytes needed),
 * AGE_NOTAGE or AGE_BAD (with a message). */
enum age_parse age_header_parse(struct age_header *h, const unsigned char *buf, size_t n, char *err, size_t cap);
void age_header_free(struct age_header *h);
/* 1 when the header is a passphrase's (an scrypt stanza). */
int age_header_scrypt(const struct age_header *h);
/* Finds the file key with the identities or the passphrase (pass NULL:
 * none given) and checks the header's MAC over buf: 0, 77 when nothing
 * unlocks it (message names why), 65 for a malformed stanza, a work factor
 * over 2^max_logn or a MAC that does not match. */
int age_unwrap(const struct age_header *h, const unsigned char *buf, const struct age_keys *ids,
    const char *pass, size_t plen, unsigned max_logn, unsigned char file_key[16], char *err, size_t cap);
/* The payload key from the file key and the nonce after the header. */
void age_payload_key(const unsigned char file_key[16], const unsigned char nonce[AGE_NONCE], unsigned char key[32]);

/* ASCII armor: PEM-style, 64 columns. The encoder's output needs room for
 * AGE_ARMOR_ROOM(n) characters per call. */
#define AGE_ARMOR_ROOM(n) (((n) + 48) / 48 * 65 + 80)
struct age_armor_enc {
	unsigned char pend[48];
	size_t npend;
};
size_t age_armor_begin(struct age_armor_enc *a, char *out);
size_t age_armor_feed(struct age_armor_enc *a, const void *in, size_t n, char *out);
size_t age_armor_end(struct age_armor_enc *a, char *out);
/* The decoder: age's rules (up to 1 KiB of whitespace before and after,
 * lines of 64 columns but the last, LF or CRLF, canonical padded base64).
 * feed appends at most n + 48 bytes to out and returns their count, or -1 with
 * err set; finish is -1 unless the closing line has been read. */
struct age_armor_dec {
	int state;
	size_t llen, ws;
	char line[80];
	char err[120];
};
void age_armor_dec_init(struct age_armor_dec *d);
ssize_t age_armor_dec_feed(struct age_armor_dec *d, const void *in, size_t n, unsigned char *out);
int age_armor_dec_finish(struct age_armor_dec *d);
#endif
