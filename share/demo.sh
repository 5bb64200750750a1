#!/bin/bash
# make demo: the life of a service's database with pgops' real programs, on
# a throwaway PostgreSQL and a local S3 server, both on loopback: migrations,
# the health sidecar, a history of nightly backups, pruning, and a restore
# drill of the newest backup (encrypted with agecrypt's format by s3put, decrypted
# for the drill). Each command is printed before it runs; a
# summary table ends it. Everything it started is stopped and its temporary
# directory removed on every way out, Ctrl-C included.
#
# The demo itself is bash (pipefail keeps its printed pipelines honest); the
# job scripts it runs, share/examples/*.sh, are POSIX sh.
set -u -o pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PGOPS_BIN:-$TOP/build/bin}
EX=$TOP/share/examples
PATH=$BIN:$PATH
export PATH

# Settings of the machine's own must not leak into the demo's programs.
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_CONTAINER_CREDENTIALS_FULL_URI \
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI DATABASE_URL PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD
export AWS_EC2_METADATA_DISABLED=true

T=$(mktemp -d "${TMPDIR:-/tmp}/pgops-demo.XXXXXX") || exit 73
chmod 755 "$T"
export HOME=$T
_cleanups=
on_exit() { _cleanups="$1 $_cleanups"; }
diag() { printf '  %s\n' "$@" >&2; }
cleanup() {
	for c in $_cleanups; do $c >/dev/null 2>&1; done
	rm -rf "$T"
}
trap cleanup EXIT
interrupted() {
	echo "demo: interrupted; stopping what it started" >&2
	exit "$1"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM HUP
. "$TOP/tests/support/servers.sh"

bold=
plain=
if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); fi
names=() results=() secs=() sizes=()
step() {
	cur=$1
	t0=$(date +%s%N)
	printf '\n%s== %s%s\n' "$bold" "$1" "$plain"
}
end_step() { # RESULT BYTES
	names+=("$cur")
	results+=("$1")
	secs+=("$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }')")
	sizes+=("$2")
}
summary() {
	printf '\n%s%-10s %-6s %9s  %s%s\n' "$bold" step result time bytes "$plain"
	for i in "${!names[@]}"; do
		printf '%-10s %-6s %9s  %s\n' "${names[$i]}" "${results[$i]}" "${secs[$i]}" "${sizes[$i]}"
	done
}
fail() {
	# A command that ended on Ctrl-C and exited normally (130, as our
	# programs do) leaves bash believing that the command handled the
	# signal, so the trap may not run: its status says what happened.
	case $? in 130) interrupted 130 ;; 143) interrupted 143 ;; esac
	echo "demo: $1" >&2
	end_step FAIL -
	summary
	exit 1
}
# run 'COMMAND LINE': print it (on stderr, so that what the command prints
# on stdout stays its own), then run it as printed.
run() {
	printf '%s$%s %s\n' "$bold" "$plain" "$1" >&2
	eval "$1"
}

step servers
pg_start >/dev/null || fail "PostgreSQL did not start"
s3_start demo >/dev/null || fail "the S3 server did not start"
https_start monitor >/dev/null || fail "the monitor stand-in did not start"
APP="postgresql://postgres@127.0.0.1:$PGPORT/app"
DRILL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
echo "PostgreSQL 15 on 127.0.0.1:$PGPORT, S3 on $S3_ENDPOINT (bucket demo), a ping monitor on $monitor_URL"
echo "all under $T"
run "psql -X -q -h 127.0.0.1 -p $PGPORT -U postgres -c 'CREATE DATABASE app'" || fail "CREATE DATABASE failed"
end_step ok -

step migrate
run "migrate-apply -d $APP up $EX/migrations" || fail "migrate-apply failed"
run "psql -X -q -v ON_ERROR_STOP=1 $APP -f $EX/sample-data.sql" >/dev/null || fail "loading sample data failed"
run "migrate-apply -d $APP status $EX/migrations" || fail "migrate-apply status failed"
end_step ok "$(psql -X -Atq "$APP" -c 'SELECT pg_database_size(current_database())')"

step health
HP=$(free_port)
run "healthprobe serve --listen 127.0.0.1:$HP --period 1s --drain 0s --service app database=$APP &"
SIDECAR=$!
stop_sidecar() { kill "$SIDECAR" && wait "$SIDECAR"; }
on_exit stop_sidecar
run "healthprobe -v --wait 10s http://127.0.0.1:$HP/health http://127.0.0.1:$HP/health/ready" ||
	fail "the sidecar is not ready"
run "healthprobe -v --level primary $APP" || fail "the database probe failed"
end_step ok -

step backups
# Backups are encrypted: the backup side holds only the recipient, the
# drill side the identity.
run "agecrypt --keygen -o $T/backup-identity.txt >$T/backup-recipient.txt" || fail "agecrypt --keygen failed"
enc="BACKUP_AGE_RECIPIENTS_FILE=$T/backup-recipient.txt"
# A history of nightly backups at faked times: ten days in a row, then
# weekly, then monthly, as if the job had been running for a year.
n=0
for d in 400 160 130 100 70 49 42 35 28 21 14 9 8 7 6 5 4 3 2 1; do
	t=$(date -u -d "$d days ago" +%Y%m%dT021500Z)
	run "$enc BACKUP_TIME=$t BACKUP_PRUNE=0 DATABASE_URL=$APP BACKUP_S3_URL=s3://demo/app/ BACKUP_NAME=app sh $EX/pg-backup.sh" ||
		fail "the backup of $t failed"
	n=$((n + 1))
done
# Tonight's, reported to the monitor as a cron job or CronJob would.
t=$(date -u +%Y%m%dT021500Z)
run "healthprobe job --ping $monitor_URL/record/hc-uuid -- env $enc BACKUP_TIME=$t BACKUP_PRUNE=0 DATABASE_URL=$APP BACKUP_S3_URL=s3://demo/app/ BACKUP_NAME=app sh $EX/pg-backup.sh" ||
	fail "tonight's backup failed"
n=$((n + 1))
echo "the monitor received:"
sed -E 's/^\{"method":"([A-Z]+)","url":"([^"]*)".*/  \1 \2/' "$T/monitor.port.requests"
total=$(s3ls s3://demo/app/ | awk -F'\t' '{ s += $2 } END { print s }')
end_step ok "$total"
echo "$n backups, $total bytes"

step prune
before=$(s3ls s3://demo/app/ | wc -l)
run "s3ls s3://demo/app/ | prune-backups --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --explain | s3rm s3://demo/" ||
	fail "pruning failed"
run "s3ls s3://demo/app/" >"$T/kept" || fail "listing failed"
cat "$T/kept"
after=$(wc -l <"$T/kept")
[ "$after" -lt "$before" ] && [ "$after" -gt 0 ] || fail "pruning kept $after of $before"
end_step ok "$(awk -F'\t' '{ s += $2 } END { print s }' "$T/kept")"
echo "kept $after of $before backups"

step drill
newest=$(cut -f1 "$T/kept" | sort | tail -n 1)
run "s3cat s3://demo/$newest | agecrypt -d -i $T/backup-identity.txt | gzverify -c | pgrestore-stream --drill $DRILL" ||
	fail "the restore drill failed"
end_step ok "$(awk -F'\t' -v k="$newest" '$1 == k { print $2 }' "$T/kept")"

summary
echo
echo "demo: every step passed; stopping what it started"
exit 0
