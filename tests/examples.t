#!/bin/sh
# share/examples as users run them: the migrations applied by migrate-apply,
# pg-backup.sh building a history with faked times and pruning it,
# restore-drill.sh on the newest backup, and each script's failures: a
# failing stage anywhere in a pipeline fails the script with that stage's
# status and publishes or prunes nothing.
. "$(dirname "$0")/support/lib.sh"
plan 53
EX=$TOP/share/examples
pg_start
s3_start bkt
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI DATABASE_URL
export AWS_EC2_METADATA_DISABLED=true HOME=$T AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
APP="postgresql://postgres@127.0.0.1:$PGPORT/app"
pg_sql -c 'CREATE DATABASE app'

# The application schema, the CREATE INDEX CONCURRENTLY migration included.
run migrate-apply -d "$APP" up "$EX/migrations"
is "$rc" 0 "migrate-apply applies share/examples/migrations"
is "$(pg_sql -d app -Atc "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")" \
	"bancas migrate_apply_history outgoing_requests plays settings sucursales users wallet_transactions webhook_events" \
	"every table of the application exists"
is "$(pg_sql -d app -Atc "SELECT indisvalid FROM pg_index WHERE indexrelid = 'outgoing_requests_due_idx'::regclass")" t \
	"the concurrently built index is valid"
is "$(pg_sql -d app -Atc 'SELECT count(*) FROM migrate_apply_history')" 7 "seven migrations recorded"
run migrate-apply -d "$APP" status --check "$EX/migrations"
is "$rc" 0 "nothing pending afterwards"
pg_sql -d app -f "$EX/sample-data.sql" >/dev/null
is "$(pg_sql -d app -Atc 'SELECT count(*) FROM plays')" 40000 "sample data loaded"

# Backups with faked times: ten days in a row, then weekly, then monthly.
backup() { # TIME [PRUNE]
	BACKUP_TIME=$1 BACKUP_PRUNE=${2:-0} DATABASE_URL=$APP BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app \
		sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
	rc=$?
}
keys() { s3ls s3://bkt/app/ | cut -f1; }
n=0 failed=0
for t in 20261129 20261128 20261127 20261126 20261125 20261124 20261123 20261122 20261121 \
	20261115 20261108 20261101 20261025 20261018 20261011 20260920 20260815 20260710 20250901; do
	backup "${t}T021500Z"
	[ "$rc" = 0 ] || { failed=$((failed + 1)); sed 's/^/# /' "$T/err"; }
	n=$((n + 1))
done
is "$failed" 0 "$n backups with faked times uploaded"
is "$(keys | wc -l | tr -d ' ')" "$n" "all of them listed"
keys | head -n 1 >"$T/first"
like "$T/first" '^app/app-20250901T021500Z\.sql\.gz$' "named PREFIX/NAME-TIME.sql.gz"
s3cat s3://bkt/app/app-20261129T021500Z.sql.gz | gzverify --require-trailer - >/dev/null 2>&1
ok $? "a backup is complete gzip with the dump's trailer"

# The newest backup prunes: 7 daily, 4 weekly, 12 monthly, the newest first.
backup 20261130T021500Z 1
is "$rc" 0 "backup with pruning: exit 0"
like "$T/out" '^s3://bkt/app/app-20261130T021500Z\.sql\.gz [0-9]+ [0-9a-f]{64} ' "s3put's line on stdout"
keys >"$T/kept"
is "$(tr '\n' ' ' <"$T/kept")" "app/app-20250901T021500Z.sql.gz app/app-20260710T021500Z.sql.gz app/app-20260815T021500Z.sql.gz app/app-20260920T021500Z.sql.gz app/app-20261025T021500Z.sql.gz app/app-20261115T021500Z.sql.gz app/app-20261122T021500Z.sql.gz app/app-20261124T021500Z.sql.gz app/app-20261125T021500Z.sql.gz app/app-20261126T021500Z.sql.gz app/app-20261127T021500Z.sql.gz app/app-20261128T021500Z.sql.gz app/app-20261129T021500Z.sql.gz app/app-20261130T021500Z.sql.gz " \
	"kept: 7 days, the newest of 4 weeks, of 12 months"
like "$T/err" 'deleted.*app-20261123T021500Z' "s3rm's report of what it deleted on stderr"
# Another database's backups under the same prefix are not this job's to prune.
printf 'x' | s3put s3://bkt/app/other-20200101T000000Z.sql.gz >/dev/null 2>&1
backup 20261130T031500Z 1
is "$rc" 0 "a second run the same day"
keys | grep -c '^app/other-' >"$T/n"
is "$(cat "$T/n")" 1 "another name's object under the prefix is left alone"

# Failures: nothing published, nothing pruned, the failing stage's status.
before=$(keys | wc -l)
BACKUP_S3_URL= sh "$EX/pg-backup.sh" >/dev/null 2>"$T/err"
is "$?" 78 "no BACKUP_S3_URL: 78"
like "$T/err" 'BACKUP_S3_URL is not set' "says so"
BACKUP_TIME=yesterday BACKUP_S3_URL=s3://bkt/app/ sh "$EX/pg-backup.sh" >/dev/null 2>"$T/err"
is "$?" 78 "a malformed BACKUP_TIME: 78"
port=$(free_port)
BACKUP_TIME=20261201T000000Z DATABASE_URL="postgresql://postgres@127.0.0.1:$port/app" \
	BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
is "$?" 69 "database down: pgdump-stream's 69, not s3put's verdict on the empty stream"
like "$T/err" 'failed \(pgdump-stream 69 s3put 1\); nothing was published' "both stages' statuses shown"
AWS_SECRET_ACCESS_KEY=wrong BACKUP_TIME=20261201T000000Z DATABASE_URL=$APP BACKUP_S3_URL=s3://bkt/app/ \
	BACKUP_NAME=app sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
is "$?" 77 "S3 refuses the credentials: s3put's 77, not the dump's broken pipe"
like "$T/err" 'pgdump-stream (74|141) s3put 77' "the dump saw its reader go away"
BACKUP_NAME='app;rm' BACKUP_S3_URL=s3://bkt/app/ sh "$EX/pg-backup.sh" >/dev/null 2>"$T/err"
is "$?" 78 "a BACKUP_NAME with other characters: 78"
# A policy prune-backups refuses: the backup stays, nothing is pruned.
n0=$(keys | wc -l)
KEEP_DAILY=0 KEEP_WEEKLY=0 KEEP_MONTHLY=0 BACKUP_TIME=20261130T051500Z DATABASE_URL=$APP \
	BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
is "$?" 64 "a retention policy prune-backups refuses: its 64"
like "$T/err" 'prune-backups refused the plan; nothing was pruned' "says nothing was pruned"
is "$(keys | wc -l)" "$((n0 + 1))" "the new backup is there and nothing was deleted"
s3rm s3://bkt/ app/app-20261130T051500Z.sql.gz >/dev/null 2>&1
backup 20261130T031500Z 0
is "$rc" 73 "the same name again: 73, the existing backup is not overwritten"
BACKUP_TIME=20261201T000000Z DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/nosuchdb" \
	BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 1 ]
ok $? "a missing database fails with pgdump-stream's own status ($rc)"
is "$(keys | wc -l)" "$before" "no failure published anything"

# The drill: the newest backup restores and matches, table by table.
drill() {
	DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" BACKUP_S3_URL=s3://bkt/app/ \
		BACKUP_NAME=app "$@" sh "$EX/restore-drill.sh" >"$T/out" 2>"$T/err"
	rc=$?
}
drill env
is "$rc" 0 "restore-drill.sh: exit 0"
like "$T/err" 'restore-drill: s3://bkt/app/app-20261130T031500Z\.sql\.gz$' "it picked the newest"
like "$T/err" 'restores and matches' "and says it matches"
drill env DRILL_JSON=1
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = {x["table"]: x for x in d["tables"]}
assert t["public.plays"]["rows_restored"] == 40000, t["public.plays"]
assert t["public.plays"]["sum_restored"] == t["public.plays"]["sum_recorded"], t["public.plays"]
assert len(t) == 9 and all(x["ok"] for x in d["tables"]), d
' "$T/out"
ok $? "DRILL_JSON=1: every table in the report matched, plays has 40000 rows"
is "$(pg_sql -Atc "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgrestore_drill%'")" 0 "no scratch database left"

# A truncated and a tampered backup fail the drill.
s3cat s3://bkt/app/app-20261129T021500Z.sql.gz >"$T/good.gz"
head -c $(($(wc -c <"$T/good.gz") / 2)) "$T/good.gz" | s3put s3://bkt/bad/app-20261129T000000Z.sql.gz >/dev/null 2>&1
drill env BACKUP_S3_URL=s3://bkt/bad/
is "$rc" 1 "a truncated backup: gzverify's 1"
like "$T/err" 'failed the drill \(s3cat 0 gzverify 1 pgrestore-stream 65\)' "every stage's status shown"
# One byte of one row changed, the length kept: only the checksums can tell.
gzip -dc "$T/good.gz" | sed 's/^1\tuser1@example\.com\t/1\tuzer1@example.com\t/' | gzip >"$T/tampered.gz"
gzip -dc "$T/tampered.gz" | grep -c 'uzer1@' >"$T/n"
is "$(cat "$T/n")" 1 "the tampered copy differs in that row"
s3put s3://bkt/app/app-20261129T000000Z.sql.gz "$T/tampered.gz" >/dev/null 2>&1
drill env BACKUP_KEY=app/app-20261129T000000Z.sql.gz
is "$rc" 1 "a backup whose rows were changed: the drill's 1"
like "$T/err" 'pgrestore-stream: .*(differ|mismatch)' "pgrestore-stream names the difference"
drill env DRILL_JSON=yes
is "$rc" 78 "DRILL_JSON other than 0 or 1: 78"
drill env AWS_SECRET_ACCESS_KEY=wrong
is "$rc" 77 "the store refuses the listing: s3ls's 77"
like "$T/err" 'restore-drill: listing s3://bkt/app/ failed' "says the listing failed"
drill env BACKUP_S3_URL=s3://bkt/empty/
is "$rc" 66 "no backup under the prefix: 66"
drill env DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
is "$rc" 69 "drill server down: pgrestore-stream's 69, not the broken pipes upstream"
like "$T/err" 's3cat (0|74|141) gzverify (74|141) pgrestore-stream 69' "the upstream stages saw the pipe close"
is "$(pg_sql -Atc "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgrestore_drill%'")" 0 "no scratch database left after the failures"

# The pipeline's status is chosen by stage order, not by which stage
# reported first: a Ctrl-C ends the dump (130) and, with the store gone,
# s3put (69), in either order.
lib() { dash -c ". '$EX/pgops-lib.sh'; $1"; }
is "$(lib 'first_failure "s3put 69
pgdump-stream 130" "pgdump-stream s3put"')" 130 "first_failure: upstream first, whatever arrived first"
is "$(lib 'first_failure "s3put 77
pgdump-stream 74" "pgdump-stream s3put"') $(lib 'first_failure "b 74
a 0" "a b"') $(lib 'first_failure "b 0
a 0" "a b"')" "77 74 0" "first_failure: a broken pipe is the cause only when nothing else failed"

# Both scripts are POSIX sh: they parse with dash and with busybox sh, and
# use no bashisms.
for s in pg-backup.sh restore-drill.sh pgops-lib.sh; do
	dash -n "$EX/$s" && busybox sh -n "$EX/$s"
	ok $? "$s parses with dash and busybox sh"
done
grep -nE 'pipefail|\[\[|function |\$\{[A-Za-z_]+//|<\(|\$RANDOM|\blocal ' "$EX/pg-backup.sh" "$EX/restore-drill.sh" "$EX/pgops-lib.sh" |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' >"$T/bashisms"
is "$(cat "$T/bashisms")" "" "no bashisms"
done_testing
