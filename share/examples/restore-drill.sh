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
#   BACKUP_DATABASES    set (as for pg-backup.sh): drill the newest complete
#                       whole-cluster run instead: its globals restored into
#                       the drill server, then each database drilled there
#                       (its roles exist by then); BACKUP_KEY may name a run's
#                       NAME-TIME/complete. The roles are restored for real,
#                       so this needs DRILL_SCRATCH_CLUSTER=yes: the drill
#                       server must be a throwaway cluster, never production
#   DRILL_AGE_IDENTITY_FILE  the age identity file (AGE-SECRET-KEY-1..., a
#                       mounted Secret) that decrypts backups pg-backup.sh
#                       encrypted (.sql.gz.age); only the drill host has it
#   AWS_* ...           read by s3ls and s3cat themselves
#
# Exit status: 0 when the backup (every part of a run) restored and every
# table matched; 1 when a table differs or the backup is not valid gzip;
# otherwise the status of the program that failed first (65 incomplete dump,
# 69 cannot connect, ...), 66 when there is no backup, 78 for a missing or
# malformed setting.
set -u

ME=restore-drill
# die, s3_target and the pipeline status helpers, from next to this script.
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
. "$here/pgops-lib.sh" || exit 70
s3_target
target=${DRILL_DATABASE_URL:-${DATABASE_URL:-}}
json=
case ${DRILL_JSON:-0} in 1) json=--json ;; 0) ;; *) die 78 "DRILL_JSON must be 0 or 1" ;; esac

# read KEY: the object on stdout, decrypted when its name says it is
# encrypted (agecrypt writes only chunks that verify).
read_object() {
	case $1 in
	*.age)
		[ -n "${DRILL_AGE_IDENTITY_FILE:-}" ] || { echo "restore-drill: $1 is encrypted with age: set DRILL_AGE_IDENTITY_FILE" >&2; return 78; }
		s3cat "$1" | agecrypt -d -i "$DRILL_AGE_IDENTITY_FILE"
		;;
	*) s3cat "$1" ;;
	esac
}

# drill KEY [pgrestore-stream ARGS...]: KEY read (and decrypted), verified
# as gzip on the way, restored (--drill: into a scratch database, compared
# table by table); the status of the stage that failed first.
drill() {
	_src=$bucket$1
	shift
	echo "restore-drill: $_src" >&2
	exec 4>&1
	statuses=$(
		{
			{ read_object "$_src"; echo "s3cat $?" >&3; } |
			{ gzverify -c; echo "gzverify $?" >&3; } |
			{ pgrestore-stream "$@" ${target:+"$target"} >&4; echo "pgrestore-stream $?" >&3; }
		} 3>&1
	)
	exec 4>&-
	_rc=$(first_failure "$statuses" "s3cat gzverify pgrestore-stream")
	if [ "$_rc" != 0 ]; then
		echo "restore-drill: $_src failed the drill ($(ordered "$statuses" "s3cat gzverify pgrestore-stream"))" >&2
		return "$_rc"
	fi
	echo "restore-drill: $_src restores and matches" >&2
}

if [ -n "${BACKUP_DATABASES:-}" ]; then
	[ "${DRILL_SCRATCH_CLUSTER:-}" = yes ] || die 78 "a whole-cluster run restores roles, which belong to the whole \
drill server: set DRILL_SCRATCH_CLUSTER=yes for a throwaway cluster (never production)"
	if [ -n "${BACKUP_KEY:-}" ]; then
		run=${BACKUP_KEY%complete}
	else
		listing=$(s3ls "$prefix") || die $? "listing $prefix failed"
		run=$(printf '%s\n' "$listing" | while IFS='	' read -r k _; do
			case $k in "$keyprefix$name"-*/complete) printf '%s\n' "${k%complete}" ;; esac
		done | sort | tail -n 1)
		[ -n "$run" ] || die 66 "no complete run named $name-*/ under $prefix"
	fi
	parts=$(s3cat "$bucket${run}complete") || die $? "cannot read $bucket${run}complete"
	# The globals first, for real; then each database, drilled.
	ext=.sql.gz
	case $parts in *.age*) ext=.sql.gz.age ;; esac
	drill "${run}globals$ext" || exit $?
	set -f
	ifs=$IFS
	IFS='
'
	for k in $parts; do
		IFS=$ifs
		case $k in */globals.sql.gz|*/globals.sql.gz.age) continue ;; esac
		drill "$k" --drill $json </dev/null || exit $?
	done
	IFS=$ifs
	set +f
	echo "restore-drill: $bucket$run: every part restores and matches" >&2
	exit 0
fi

if [ -n "${BACKUP_KEY:-}" ]; then
	key=$BACKUP_KEY
else
	listing=$(s3ls "$prefix") || die $? "listing $prefix failed"
	# The names carry a sortable UTC time: the last one is the newest.
	key=$(printf '%s\n' "$listing" | while IFS='	' read -r k _; do
		case $k in "$keyprefix$name"-*/*) ;; "$keyprefix$name"-*.sql.gz|"$keyprefix$name"-*.sql.gz.age) printf '%s\n' "$k" ;; esac
	done | sort | tail -n 1)
	[ -n "$key" ] || die 66 "no backup named $name-*.sql.gz or $name-*.sql.gz.age under $prefix"
fi
drill "$key" --drill $json
