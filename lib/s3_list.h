/* Listing a bucket with ListObjectsV2, page by page, with the checks a
 * listing needs before it is believed: a 200 that is not a listing, keys
 * repeated or out of order, a truncated page without a continuation token,
 * the same token twice. s3ls prints what this reads; healthprobe looks for
 * the newest backup in it. */
#ifndef PGOPS_S3_LIST_H
#define PGOPS_S3_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "s3.h"

struct s3_entry {
	char key[S3_KEY_MAX * 3 + 1];
	uint64_t size;
	char modified[64];  /* RFC 3339, UTC, whole seconds: 2026-11-22T10:00:00Z */
	int64_t mtime;      /* the same as Unix seconds */
	char etag[128];     /* without its quotes */
	int nul;            /* the key holds an escaped NUL byte: key is unusable */
};

/* Called once per page with its entries (at most 1000); a non-zero return
 * stops the listing and is what s3_list returns. */
typedef int (*s3_list_page)(void *arg, struct s3_entry *e, size_t n);

/* Lists the keys under prefix: 0 when all pages were read, page's non-zero
 * return when it stopped, or -1 with the exit code that fits in *ex and a
 * message ("list s3://B/P: why") in err. Memory: a 4 MiB answer buffer and
 * one page of entries (about 3.5 MiB). */
int s3_list(struct s3_conn *c, const char *prefix, s3_list_page page, void *arg, int *ex, char *err,
    size_t errlen);

#endif
