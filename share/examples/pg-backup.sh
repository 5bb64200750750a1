#!/bin/sh
# pg-backup.sh: back up one PostgreSQL database to S3-compatible storage and
# apply the retention policy, for cron, Kubernetes CronJobs and FROM scratch
# images (POSIX sh; busybox sh is enough). Configured by environment only:
#
#   DATABASE_URL       the database (libpq URL or conninfo; PG* when unset); with
#                      BACKUP_DATABASES, any database of the server, to
#                      connect through (its maintenance database)
#   BACKUP_S3_URL      where backups go: s3://BUCKET/PREFIX/ (required)
#   BACKUP_NAME        the name's first part (default db): NAME-TIME.sql.gz
#   BACKUP_DATABASES   "all", or a list of database names (spaces or commas):
#                      the whole cluster, as one backup of several objects
#                      under NAME-TIME/: globals.sql.gz (roles, memberships,
#                      role settings, tablespaces; pgdump-stream --globals),
#                      one DATABASE.sql.gz per database (pgdump-stream -C, so
#                      it restores into a fresh cluster), and last "complete",
#                      the list of those objects. A run that fails deletes
#                      what it uploaded; only complete runs are pruned, one
#                      run counting as one backup. A name other than letters,
#                      digits, '.', '_' and '-' becomes x + its bytes in hex.
#   BACKUP_ROLE_PASSWORDS  0: globals without password hashes (default 1;
#                      the hashes make globals.sql.gz a secret)
#   BACKUP_TABLESPACES  0: no tablespaces in the run (everything restores
#                      into the default one; a scratch cluster for the drill
#                      then needs no tablespace directories) (default 1)
#   BACKUP_TIME        TIME as YYYYmmddTHHMMSSZ (default: now, UTC)
#   BACKUP_COMPRESS    gzip level, 1-9 (default 6)
#   BACKUP_JOBS        compression threads (default: one per core)
#   KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY   retention (default 7, 4, 12)
#   BACKUP_PRUNE       0: upload only, prune nothing (default 1)
#   BACKUP_LOCK_MODE   GOVERNANCE or COMPLIANCE: every object is uploaded under
#                      S3 Object Lock for BACKUP_LOCK_DAYS (default 35) days,
#                      so that the job's own credentials cannot delete it (the
#                      bucket must have Object Lock: 78 otherwise); pruning
#                      then lists the locks and never plans a locked backup
#                      (the parts of a failed whole-cluster run cannot be
#                      deleted either: they stay, never counted, until their
#                      lock has passed)
#   BACKUP_AGE_RECIPIENTS_FILE  a file of age recipients (age1..., one a line;
#                      a mounted Secret or ConfigMap): every object is encrypted
#                      to them by s3put, after the dump has been checked, and
#                      named .sql.gz.age. The backup host holds no key that
#                      decrypts; the identity stays with restore-drill.sh
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
lock= lsflags=
case ${BACKUP_LOCK_MODE:-} in
'') ;;
GOVERNANCE|COMPLIANCE)
	case ${BACKUP_LOCK_DAYS:-35} in
	''|*[!0-9]*|0) die 78 "BACKUP_LOCK_DAYS must be a number of days" ;;
	esac
	lock="--lock-mode $BACKUP_LOCK_MODE --lock-for ${BACKUP_LOCK_DAYS:-35}d"
	lsflags=--lock
	;;
*) die 78 "BACKUP_LOCK_MODE must be GOVERNANCE or COMPLIANCE" ;;
esac
# Encrypted backups: s3put checks the gzip stream and the trailer in the
# plaintext, then encrypts; nothing is published unless both held.
enc= ext=.sql.gz
if [ -n "${BACKUP_AGE_RECIPIENTS_FILE:-}" ]; then
	[ -r "$BACKUP_AGE_RECIPIENTS_FILE" ] || die 78 "BACKUP_AGE_RECIPIENTS_FILE $BACKUP_AGE_RECIPIENTS_FILE cannot be read"
	enc="--recipients-file $BACKUP_AGE_RECIPIENTS_FILE"
	ext=.sql.gz.age
fi

# upload KEY [pgdump-stream ARGS...]: the dump streamed to KEY, verified as
# gzip with its trailer on the way, published only complete and never over
# an existing object; the status of the stage that failed first.
upload() {
	_key=$1
	shift
	echo "pg-backup: $_key" >&2
	exec 4>&1
	statuses=$(
		{
			{ pgdump-stream -Z "${BACKUP_COMPRESS:-6}" ${BACKUP_JOBS:+-j "$BACKUP_JOBS"} "$@"; echo "pgdump-stream $?" >&3; } |
			{ s3put --verify-gzip --require-trailer --if-none-match $lock $enc "$_key" >&4; echo "s3put $?" >&3; }
		} 3>&1
	)
	exec 4>&-
	_rc=$(first_failure "$statuses" "pgdump-stream s3put")
	[ "$_rc" = 0 ] || echo "pg-backup: $_key failed ($(ordered "$statuses" "pgdump-stream s3put")); nothing was published" >&2
	return "$_rc"
}

if [ -z "${BACKUP_DATABASES:-}" ]; then
	upload "$prefix$name-$stamp$ext" || exit $?
	manifests=
else
	case ${BACKUP_ROLE_PASSWORDS:-1} in 1) nopw= ;; 0) nopw=--no-role-passwords ;; *) die 78 "BACKUP_ROLE_PASSWORDS must be 0 or 1" ;; esac
	case ${BACKUP_TABLESPACES:-1} in 1) nots= ;; 0) nots=--no-tablespaces ;; *) die 78 "BACKUP_TABLESPACES must be 0 or 1" ;; esac
	if [ "$BACKUP_DATABASES" = all ]; then
		dbs=$(pgdump-stream --list-databases) || die $? "cannot list the databases"
	else
		dbs=
		set -f
		ifs=$IFS
		IFS=', '
		for d in $BACKUP_DATABASES; do
			[ -n "$d" ] && dbs="$dbs${dbs:+
}$d"
		done
		IFS=$ifs
		set +f
	fi
	[ -n "$dbs" ] || die 78 "BACKUP_DATABASES names no database"
	run=$prefix$name-$stamp/
	done_keys=
	# A failed run takes back what it uploaded: no part of it is left to
	# look like a backup.
	fail() {
		[ -n "$done_keys" ] && printf '%s\n' "$done_keys" | s3rm "$bucket" >/dev/null 2>&1
		echo "pg-backup: $run failed; the objects it had uploaded are deleted" >&2
		exit "$1"
	}
	upload "${run}globals$ext" --globals $nopw $nots || fail $?
	done_keys="$keyprefix$name-$stamp/globals$ext"
	# One name a line (no temporary file: the image's root is read-only).
	set -f
	ifs=$IFS
	IFS='
'
	for db in $dbs; do
		IFS=$ifs
		case $db in
		*[!A-Za-z0-9._-]*|.*) obj=x$(printf '%s' "$db" | od -An -v -tx1 | tr -d ' \n') ;;
		*) obj=$db ;;
		esac
		upload "$run$obj$ext" -C $nots --dbname "$db" </dev/null || fail $?
		done_keys="$done_keys
$keyprefix$name-$stamp/$obj$ext"
	done
	IFS=$ifs
	set +f
	# Last: the list that makes the run a backup.
	printf '%s\n' "$done_keys" | s3put --if-none-match $lock "${run}complete" >/dev/null || fail $?
	echo "pg-backup: ${run}complete" >&2
	manifests=1
fi

[ "${BACKUP_PRUNE:-1}" = 0 ] && exit 0
# The listing is read whole before anything is decided: a listing cut short
# by an error must never become a plan.
listing=$(s3ls $lsflags "$prefix") || die $? "listing $prefix failed; nothing was pruned"
# One backup is one object, or one run, named by its NAME-TIME (the time
# prune-backups reads) when its "complete" list is there.
mine=$(printf '%s\n' "$listing" | while IFS= read -r l; do
	k=${l%%	*}
	case ${manifests:+m}$k in
	m"$keyprefix$name"-*/complete) printf '%s%s\n' "${k%/complete}" "${l#"$k"}" ;;
	m*|"$keyprefix$name"-*/*) ;;
	"$keyprefix$name"-*) printf '%s\n' "$l" ;;
	esac
done)
doomed=$(printf '%s\n' "$mine" | prune-backups --keep-daily "${KEEP_DAILY:-7}" \
	--keep-weekly "${KEEP_WEEKLY:-4}" --keep-monthly "${KEEP_MONTHLY:-12}" -) ||
	die $? "prune-backups refused the plan; nothing was pruned"
if [ -n "$doomed" ] && [ -n "$manifests" ]; then
	# A run's list goes first: a run cut short by a failed delete is then
	# no backup, rather than a backup with parts missing.
	printf '%s\n' "$doomed" | while IFS= read -r r; do printf '%s/complete\n' "$r"; done | s3rm "$bucket" >&2 ||
		die $? "deleting old backups failed"
	printf '%s\n' "$doomed" | while IFS= read -r r; do
		r=$r/
		printf '%s\n' "$listing" | while IFS='	' read -r k _; do
			case $k in "$r"*) printf '%s\n' "$k" ;; esac
		done
	done | s3rm "$bucket" >&2 || die $? "deleting old backups failed"
elif [ -n "$doomed" ]; then
	printf '%s\n' "$doomed" | s3rm "$bucket" >&2 || die $? "deleting old backups failed"
fi
exit 0
