/* Deterministic generator of a realistic PostgreSQL dump for benchmarks:
 * an application schema (users, orders, webhook events with JSON bodies and
 * random tokens, wallet transactions) as CREATE TABLE plus COPY blocks, with
 * the mix of compressible text and incompressible identifiers real dumps
 * have. The same SIZE gives the same bytes on every machine. psql loads it.
 * Every user_id names a user written before it, so that the foreign keys
 * the restore benchmark adds hold.
 *   gendump SIZE (e.g. 1G) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "opt.h"

static uint64_t rs = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
	return rs;
}

static const char *const first[] = { "ana", "bruno", "carla", "diego", "elena", "fabio", "gisela",
	"hugo", "ines", "jorge", "karen", "luis", "marta", "nico", "olga", "pablo" };
static const char *const last[] = { "silva", "gomez", "rossi", "müller", "dupont", "smith",
	"kowalski", "tanaka", "ivanova", "garcia", "fernandez", "lopez" };
static const char *const status[] = { "pending", "paid", "shipped", "cancelled", "refunded" };
static const char *const events[] = { "order.created", "order.paid", "payment.failed",
	"refund.issued", "user.updated" };
static const char *const kinds[] = { "deposit", "withdrawal", "bet", "win", "bonus", "fee" };

static void
hex(char *out, int n)
{
	static const char d[] = "0123456789abcdef";
	uint64_t r = 0;

	for (int i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = rnd();
		out[i] = d[r & 15], r >>= 4;
	}
	out[n] = 0;
}

static void
ts(char *out, uint64_t i)
{
	uint64_t t = 1700000000 + i * 37 + rnd() % 30;
	int day = (int)(t / 86400 % 28) + 1, mon = (int)(t / 86400 / 28 % 12) + 1;

	snprintf(out, 40, "2025-%02d-%02d %02d:%02d:%02d.%06d+00", mon, day,
	    (int)(t / 3600 % 24), (int)(t / 60 % 60), (int)(t % 60), (int)(rnd() % 1000000));
}

/* A user of this block or an earlier one (each block writes users
 * base .. base + 1999 before anything that refers to them). */
static uint64_t
user_id(uint64_t block)
{
	uint64_t b = rnd() % (block + 1);

	return b * 20000 + rnd() % 2000;
}

int
main(int argc, char **argv)
{
	uint64_t size, written = 0, i;
	char a[80], b[80], t1[48], t2[48], tok[80];
	int n;

	log_init(argv[0]);
	if (argc != 2)
		die(EX_USAGE, "usage: gendump SIZE");
	size = opt_size("SIZE", argv[1]);
	printf("SET client_encoding = 'UTF8';\n"
	    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, "
	    "created_at timestamptz, active boolean, api_key text);\n"
	    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text, "
	    "amount numeric(12,2), currency text, created_at timestamptz, note text);\n"
	    "CREATE TABLE webhook_events (id bigint PRIMARY KEY, event text, url text, "
	    "payload jsonb, signature text, received_at timestamptz);\n"
	    "CREATE TABLE wallet_transactions (id bigint PRIMARY KEY, user_id bigint, kind text, "
	    "amount numeric(14,2), balance numeric(14,2), ref text, created_at timestamptz);\n");
	/* Four tables, interleaved in blocks so any prefix has all shapes. */
	for (uint64_t block = 0; written < size; block++) {
		uint64_t base = block * 20000;

		printf("COPY users (id, email, name, created_at, active, api_key) FROM stdin;\n");
		for (i = base; i < base + 2000 && written < size; i++) {
			const char *f = first[rnd() % 16], *l = last[rnd() % 12];
			hex(tok, 32);
			ts(t1, i);
			n = printf("%llu\t%s.%s%llu@example.com\t%s %s\t%s\t%s\t%s\n",
			    (unsigned long long)i, f, l, (unsigned long long)(rnd() % 1000), f, l, t1,
			    rnd() % 5 ? "t" : "f", rnd() % 3 ? tok : "\\N");
			written += (uint64_t)n;
		}
		printf("\\.\n\nCOPY orders (id, user_id, status, amount, currency, created_at, note) FROM stdin;\n");
		for (i = base; i < base + 6000 && written < size; i++) {
			ts(t1, i);
			n = printf("%llu\t%llu\t%s\t%llu.%02llu\t%s\t%s\t%s\n", (unsigned long long)i,
			    (unsigned long long)user_id(block), status[rnd() % 5],
			    (unsigned long long)(rnd() % 5000), (unsigned long long)(rnd() % 100),
			    rnd() % 4 ? "USD" : "EUR", t1,
			    rnd() % 3 ? "\\N" : "delivery window requested by customer, leave at door");
			written += (uint64_t)n;
		}
		printf("\\.\n\nCOPY webhook_events (id, event, url, payload, signature, received_at) FROM stdin;\n");
		for (i = base; i < base + 4000 && written < size; i++) {
			hex(a, 24);
			hex(b, 64);
			ts(t1, i);
			ts(t2, i + 5);
			n = printf("%llu\t%s\thttps://hooks.example.net/v1/%s\t{\"id\": \"evt_%s\", "
			    "\"data\": {\"amount\": %llu, \"currency\": \"usd\", \"customer\": \"cus_%llu\", "
			    "\"metadata\": {\"order_id\": %llu, \"attempt\": %llu}}, \"created\": \"%s\"}\t"
			    "sha256=%s\t%s\n", (unsigned long long)i, events[rnd() % 5], a, a,
			    (unsigned long long)(rnd() % 100000), (unsigned long long)(rnd() % 90000),
			    (unsigned long long)(rnd() % (base + 6000)), (unsigned long long)(rnd() % 4), t1, b, t2);
			written += (uint64_t)n;
		}
		printf("\\.\n\nCOPY wallet_transactions (id, user_id, kind, amount, balance, ref, created_at) FROM stdin;\n");
		for (i = base; i < base + 8000 && written < size; i++) {
			hex(a, 12);
			ts(t1, i);
			n = printf("%llu\t%llu\t%s\t%lld.%02llu\t%llu.%02llu\ttx_%s\t%s\n", (unsigned long long)i,
			    (unsigned long long)user_id(block), kinds[rnd() % 6],
			    (long long)(rnd() % 20000) - 10000, (unsigned long long)(rnd() % 100),
			    (unsigned long long)(rnd() % 1000000), (unsigned long long)(rnd() % 100), a, t1);
			written += (uint64_t)n;
		}
		printf("\\.\n\n");
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die_errno(EX_IOERR, "write error: stdout");
	return 0;
}
