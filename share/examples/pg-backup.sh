#!/bin/sh
# pg-backup.sh: back up one PostgreSQL database to S3-compatible storage and
# apply the retention policy, for cron, Kubernetes CronJobs and FROM scratch
# images (POSIX sh; busybox sh is enough). Configured by environment only:
#
#   DATABASE_URL       the database (libpq URL or conninfo; PG* when unset)
#   BACKUP_S3_URL      where backups go: s3://BUCKET/PREFIX/ (required)
#   BACKUP_NAME        the name's first part (default db): NAME-TIME.sql.gz
#   BACKUP_TIME        TIME as YYYYmmddTHHMMSSZ (default: now, UTC)
#   BACKUP_COMPRESS    gzip level, 1-9 (default 6)
#   BACKUP_JOBS        compression threads (default: one per core)
#   KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY   retention (default 7, 4, 12)
#   BACKUP_PRUNE       0: upload only, prune nothing (default 1)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3, AWS_REGION,
#   AWS_CA_BUNDLE ...  read by s3put, s3ls and s3rm themselves
#
# Exit status: 0 when the backup is uploaded complete and the old ones are
# pruned; otherwise the status of the program that failed first (69 cannot
# connect, 75 worth retrying, 77 refused, ... as the man pages list), or 78
# for a missing or malformed setting. A failed backup never prunes, and the
# upload is published only when the dump ended with its trailer.
set -u

ME=pg-backup
# die, s3_target and the pipeline status helpers, from next to this script.
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
. "$here/pgops-lib.sh" || exit 70
s3_target
stamp=${BACKUP_TIME:-$(date -u +%Y%m%dT%H%M%SZ)}
case $stamp in
[0-9][0-9][0-9][0-9][0-1][0-9][0-3][0-9]T[0-2][0-9][0-5][0-9][0-5][0-9]Z) ;;
*) die 78 "BACKUP_TIME '$stamp' is not YYYYmmddTHHMMSSZ" ;;
esac
key=$prefix$name-$stamp.sql.gz

echo "pg-backup: $key" >&2
exec 4>&1
statuses=$(
	{
		{ pgdump-stream -Z "${BACKUP_COMPRESS:-6}" ${BACKUP_JOBS:+-j "$BACKUP_JOBS"}; echo "pgdump-stream $?" >&3; } |
		{ s3put --verify-gzip --require-trailer --if-none-match "$key" >&4; echo "s3put $?" >&3; }
	} 3>&1
)
exec 4>&-
rc=$(first_failure "$statuses" "pgdump-stream s3put")
if [ "$rc" != 0 ]; then
	echo "pg-backup: failed ($(ordered "$statuses" "pgdump-stream s3put")); nothing was published" >&2
	exit "$rc"
fi

[ "${BACKUP_PRUNE:-1}" = 0 ] && exit 0
# The listing is read whole before anything is decided: a listing cut short
# by an error must never become a plan.
listing=$(s3ls "$prefix") || die $? "listing $prefix failed; nothing was pruned"
mine=$(printf '%s\n' "$listing" | while IFS= read -r l; do
	case $l in "$keyprefix$name"-*) printf '%s\n' "$l" ;; esac
done)
doomed=$(printf '%s\n' "$mine" | prune-backups --keep-daily "${KEEP_DAILY:-7}" \
	--keep-weekly "${KEEP_WEEKLY:-4}" --keep-monthly "${KEEP_MONTHLY:-12}" -) ||
	die $? "prune-backups refused the plan; nothing was pruned"
if [ -n "$doomed" ]; then
	printf '%s\n' "$doomed" | s3rm "$bucket" >&2 || die $? "deleting old backups failed"
fi
exit 0
