#!/bin/sh
# The test harness itself: PostgreSQL 15 and the signature-checking S3 server
# start on loopback, answer, and are stopped on every exit path.
. "$(dirname "$0")/support/lib.sh"
plan 10

pg_start
run "$PGOPS_TESTBIN/pgquery" "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres" \
	"select current_setting('server_version_num')::int / 10000"
is "$(cat "$T/out")" 15 "static musl libpq client reaches PostgreSQL 15 over TCP"
run "$PGOPS_TESTBIN/pgquery" "$PG_URL" "select 1"
is "$rc $(cat "$T/out")" "0 1" "and through a postgresql:// URL"
run "$PGOPS_TESTBIN/pgquery" "host=127.0.0.1 port=1 connect_timeout=2" "select 1"
is "$rc" 69 "connection refused is exit 69"
like "$T/err" 'port 1 failed: Connection refused' "and names the host and port"

s3_start pgops-test
run python3 "$TOP/tests/s3/sigv4_get.py" "$S3_ENDPOINT" /pgops-test S3RVER S3RVER
like "$T/out" '^200$' "S3 server accepts a correctly signed request"
run python3 "$TOP/tests/s3/sigv4_get.py" "$S3_ENDPOINT" /pgops-test S3RVER wrong-secret
like "$T/out" '^403$' "and refuses a wrong signature"
like "$T/out" 'SignatureDoesNotMatch' "with SignatureDoesNotMatch"

# A child test that starts both servers, then is killed: nothing survives.
cat >"$T/child.t" <<CHILD
. "$TOP/tests/support/lib.sh"
pg_start && s3_start b
echo "\$(pg_pid) \$S3_PID" >"$T/child.pids"
sleep 600 >/dev/null 2>&1 & wait \$!
CHILD
sh "$T/child.t" &
child=$!
wait_file "$T/child.pids" 60
read -r ppid spid <"$T/child.pids"
alive "$ppid" && alive "$spid"
ok $? "child harness started PostgreSQL ($ppid) and S3 ($spid)"
kill -TERM "$child"
wait "$child"
is "$?" 143 "child harness exits 143 on SIGTERM"
sleep 1
! alive "$ppid" && ! alive "$spid"
ok $? "and both servers are gone"
done_testing
