#!/bin/sh
# restore-drill.sh: prove that the newest backup restores. It reads the
# backup from S3-compatible storage, verifies it as gzip on the way, restores
# it into a scratch database and compares every table's rows and checksums
# with what the dump recorded; the scratch database is dropped afterwards.
# POSIX sh (busybox sh is enough); configured by environment only:
#
#   DRILL_DATABASE_URL  a database on the server to drill on, to connect
#                       through (its maintenance database, like .../postgres);
#                       the drill creates and drops a database of its own
#                       (default: DATABASE_URL, then PG*)
#   BACKUP_S3_URL       where the backups are: s3://BUCKET/PREFIX/ (required)
#   BACKUP_NAME         the backups' first part (default db): NAME-TIME.sql.gz
#   BACKUP_KEY          drill this object (a key in the bucket) instead of the
#                       newest
#   DRILL_JSON          1: the drill's per-table report as JSON on stdout
#                       (default 0)
#   AWS_* ...           read by s3ls and s3cat themselves
#
# Exit status: 0 when the backup restored and every table matched; 1 when a
# table differs or the backup is not valid gzip; otherwise the status of the
# program that failed first (65 incomplete dump, 69 cannot connect, ...), 66
# when there is no backup, 78 for a missing or malformed setting.
set -u

die() { echo "restore-drill: $2" >&2; exit "$1"; }

# POSIX sh has no pipefail. Each stage reports "NAME STATUS" on fd 3; the
# pipeline's status is that of the first stage, from upstream, that failed
# for its own reasons: 74 (write error) and 141 (SIGPIPE) are what a stage
# gets when the one after it stopped reading, so they are the cause only
# when nothing else failed.
first_failure() {
	printf '%s\n' "$1" | {
		cause= any=
		while read -r name code; do
			for s in $2; do
				[ "$s" = "$name" ] || continue
				[ "$code" = 0 ] && continue
				[ -z "$any" ] && any=$code
				case $code in 74|141) ;; *) [ -z "$cause" ] && cause=$code ;; esac
			done
		done
		echo "${cause:-${any:-0}}"
	}
}
ordered() { for s in $2; do printf '%s\n' "$1" | while read -r n c; do [ "$n" = "$s" ] && echo "$n $c"; done; done; }

case ${BACKUP_S3_URL:-} in
s3://?*/*) ;;
'') die 78 "BACKUP_S3_URL is not set (s3://BUCKET/PREFIX/)" ;;
*) die 78 "BACKUP_S3_URL must look like s3://BUCKET/PREFIX/" ;;
esac
prefix=${BACKUP_S3_URL%/}/
path=${prefix#s3://}
bucket=s3://${path%%/*}/
keyprefix=${path#*/}
name=${BACKUP_NAME:-db}
target=${DRILL_DATABASE_URL:-${DATABASE_URL:-}}
json=
case ${DRILL_JSON:-0} in 1) json=--json ;; 0) ;; *) die 78 "DRILL_JSON must be 0 or 1" ;; esac

if [ -n "${BACKUP_KEY:-}" ]; then
	key=$BACKUP_KEY
else
	listing=$(s3ls "$prefix") || die $? "listing $prefix failed"
	# The names carry a sortable UTC time: the last one is the newest.
	key=$(printf '%s\n' "$listing" | while IFS='	' read -r k _; do
		case $k in "$keyprefix$name"-*.sql.gz) printf '%s\n' "$k" ;; esac
	done | sort | tail -n 1)
	[ -n "$key" ] || die 66 "no backup named $name-*.sql.gz under $prefix"
fi
src=$bucket$key
echo "restore-drill: $src" >&2

exec 4>&1
statuses=$(
	{
		{ s3cat "$src"; echo "s3cat $?" >&3; } |
		{ gzverify -c; echo "gzverify $?" >&3; } |
		{ pgrestore-stream --drill $json ${target:+"$target"} >&4; echo "pgrestore-stream $?" >&3; }
	} 3>&1
)
exec 4>&-
rc=$(first_failure "$statuses" "s3cat gzverify pgrestore-stream")
if [ "$rc" != 0 ]; then
	echo "restore-drill: $src failed the drill ($(ordered "$statuses" "s3cat gzverify pgrestore-stream" | tr '\n' ' '))" >&2
	exit "$rc"
fi
echo "restore-drill: $src restores and matches" >&2
exit 0
