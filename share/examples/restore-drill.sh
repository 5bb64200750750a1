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

ME=restore-drill
# die, s3_target and the pipeline status helpers, from next to this script.
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
. "$here/pgops-lib.sh" || exit 70
s3_target
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
	echo "restore-drill: $src failed the drill ($(ordered "$statuses" "s3cat gzverify pgrestore-stream"))" >&2
	exit "$rc"
fi
echo "restore-drill: $src restores and matches" >&2
exit 0
