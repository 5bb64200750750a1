/* S3 Object Lock: what a PUT asks for, what HEAD says an object has, and
 * whether that forbids deleting it now. A bucket with Object Lock is
 * versioned: deleting a key without a version only hides it behind a
 * delete marker, so the programs that delete name the version. */
#ifndef PGOPS_S3_LOCK_H
#define PGOPS_S3_LOCK_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "s3.h"

struct s3_lock {
	char mode[12];      /* "GOVERNANCE", "COMPLIANCE" or "" */
	int64_t until;      /* retain-until, Unix seconds; 0: no retention */
	int hold;           /* legal hold on */
	char version[256];  /* the object version, "" when the store has none */
};

/* The lock an answer's headers describe (HEAD, GET, PUT). */
void s3_lock_from(const struct http_response *r, struct s3_lock *l);
/* HEAD of key, with the extra headers h (SSE-C's; NULL: none): 0 and l
 * filled, or -1 with res saying why (404: no key). */
int s3_lock_head(struct s3_conn *c, const char *key, const char *const *h, size_t nh, struct s3_lock *l,
    struct s3_result *res);
/* 1 when l forbids deleting the version at time now: retention not past,
 * or a legal hold. */
int s3_lock_active(const struct s3_lock *l, int64_t now);
/* 1 when only --bypass-governance stands in the way: GOVERNANCE retention
 * and no legal hold. */
int s3_lock_bypassable(const struct s3_lock *l);
/* GetObjectLockConfiguration: 1 the bucket has Object Lock enabled, 0 it
 * has none, -1 cannot tell (res says why). */
int s3_lock_bucket(struct s3_conn *c, struct s3_result *res);
/* PutObjectRetention (when l has a mode) and PutObjectLegalHold (when l
 * holds) on l's version of key: 0, or -1 with res. */
int s3_lock_apply(struct s3_conn *c, const char *key, const struct s3_lock *l, struct s3_result *res);
/* The headers that ask for l on a PUT or CreateMultipartUpload, into h
 * (their text in store): how many. */
size_t s3_lock_headers(const struct s3_lock *l, const char **h, char (*store)[600]);
/* "GOVERNANCE until 2027-01-01T00:00:00Z, legal hold" or "none". */
const char *s3_lock_text(const struct s3_lock *l, char *buf, size_t cap);

/* Many HEADs at once (s3ls --lock, s3rm in a locked bucket): each job's
 * key, with its lock, or the failure. */
struct s3_lock_job {
	const char *key;
	struct s3_lock lock;
	int failed;         /* 1: status, ex and err say why */
	int status;         /* the HTTP status of a failure, 0 no answer */
	int ex;             /* the exit code that fits it */
	char err[700];
};
/* HEADs the n jobs' keys with the extra headers h (SSE-C's, which a store
 * needs to HEAD such objects; NULL: none), at most conc at a time, each
 * thread on a connection of its own to bucket; returns when all are done. */
void s3_lock_heads(struct s3 *s, const char *bucket, struct s3_lock_job *jobs, size_t n, unsigned conc,
    const char *const *h, size_t nh);
#endif
