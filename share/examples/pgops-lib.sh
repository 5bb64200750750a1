# pgops-lib.sh: what pg-backup.sh and restore-drill.sh share, sourced from
# the directory they are in (POSIX sh; busybox sh is enough). The sourcing
# script sets ME, its name in messages.

die() { echo "$ME: $2" >&2; exit "$1"; }

# POSIX sh has no pipefail. Each stage of a pipeline reports "NAME STATUS"
# on fd 3; first_failure STATUSES "STAGE..." prints the status of the first
# stage, from upstream, that failed for its own reasons: 74 (write error) and
# 141 (SIGPIPE) are what a stage gets when the one after it stopped reading,
# so they are the cause only when nothing else failed. 0 when all passed.
first_failure() {
	cause= any=
	# shellcheck disable=SC2046
	set -- $(ordered "$1" "$2")
	while [ $# -ge 2 ]; do
		c=$2
		shift 2
		[ "$c" = 0 ] && continue
		[ -z "$any" ] && any=$c
		case $c in 74|141) ;; *) [ -z "$cause" ] && cause=$c ;; esac
	done
	echo "${cause:-${any:-0}}"
}

# ordered STATUSES "STAGE...": the stages' statuses in pipeline order, on one
# line, whatever order they ended in.
ordered() {
	out=
	for s in $2; do
		while read -r n c; do
			[ "$n" = "$s" ] && out="$out${out:+ }$n $c"
		done <<STATUSES
$1
STATUSES
	done
	printf '%s' "$out"
}

# s3_target: checks BACKUP_S3_URL and sets prefix (s3://BUCKET/PREFIX/),
# bucket (s3://BUCKET/), keyprefix (PREFIX/) and name (BACKUP_NAME or db).
s3_target() {
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
	case $name in *[!A-Za-z0-9._-]*|'') die 78 "BACKUP_NAME: letters, digits, '.', '_' and '-' only" ;; esac
}
