#!/bin/sh
# healthprobe's probe mode against real servers: HTTP and HTTPS (node),
# TCP and Unix sockets, PostgreSQL up, stopped, rejecting connections,
# with a wrong password, and as primary and streaming standby, and backup
# freshness on real files; retries, --wait, -- COMMAND, JSON, exit codes.
. "$(dirname "$0")/support/lib.sh"
. "$TOP/tests/support/pki.sh"
plan 60
pki_make "$T/pki"
P=$T/pki
https_start web
https_start tls "$P/server.key" "$P/server.crt"

run healthprobe
is "$rc" 64 "no target: usage error"
run healthprobe ftp://x
is "$rc" 64 "unknown target kind: usage error"
run healthprobe --level lag=fast postgres:
is "$rc" 64 "bad --level: usage error"
run healthprobe --expect-status 2xx "$web_URL/ok"
is "$rc" 64 "bad --expect-status: usage error"

run healthprobe "$web_URL/ok"
is "$rc:$(cat "$T/out" "$T/err")" "0:" "http 200: pass, silent"
run healthprobe "$web_URL/status/503"
is "$rc" 1 "http 503: exit 1 (never 2)"
is "$(cat "$T/err")" "healthprobe: $web_URL/status/503: status 503" "one line naming the target and why"
run healthprobe "$web_URL/status/302"
is "$rc" 0 "a redirect passes under the default 200-399"
run healthprobe --expect-status 200,204 "$web_URL/status/302"
is "$rc" 1 "--expect-status 200,204 refuses it"
run healthprobe --expect-body hello "$web_URL/ok"
is "$rc" 0 "--expect-body found"
run healthprobe --expect-body goodbye "$web_URL/ok"
like "$T/err" 'body lacks "goodbye"' "--expect-body missing: says so"
run healthprobe -H 'X-Probe: kubelet' --expect-body kubelet "$web_URL/echo-header"
is "$rc" 0 "-H sends the header (the server echoes it)"
run healthprobe --method HEAD "$web_URL/ok"
is "$rc" 0 "HEAD"
run healthprobe -t 300ms "$web_URL/slow"
is "$rc" 1 "slower than --timeout: fail"
like "$T/err" 'timed out' "says timed out"
run healthprobe -v "$web_URL/ok" "$web_URL/status/500"
like "$T/err" "$web_URL/ok: pass in [0-9.]+ ms: status 200" "-v: a line per target with latency"

run healthprobe --cacert "$P/ca.crt" "$tls_URL/ok"
is "$rc" 0 "https with --cacert"
SSL_CERT_FILE=$P/other-ca.crt run healthprobe "$tls_URL/ok"
like "$T/err" 'certificate is not trusted' "https with the wrong trust store: fail"
run healthprobe --cacert "$T/nonexistent.pem" "$tls_URL/ok"
is "$rc" 78 "an unreadable --cacert: configuration error 78"
like "$T/err" "cannot read CA file $T/nonexistent.pem" "naming the file"
run healthprobe --insecure "$tls_URL/ok"
is "$rc" 0 "--insecure"

pg_init
cat >"$PGDATA/pg_hba.conf" <<HBA
local all all trust
local replication all trust
host all scramuser 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
HBA
pg_run
pg_sql -c "create user scramuser password 'sekret'"
run healthprobe tcp://127.0.0.1:$PGPORT
is "$rc" 0 "tcp:// to a listening port"
run healthprobe tcp://127.0.0.1:1
is "$rc" 1 "tcp:// to a closed port"
run healthprobe unix://$PGHOST/.s.PGSQL.$PGPORT
is "$rc" 0 "unix:// to PostgreSQL's socket"
run healthprobe unix://$T/nothing
like "$T/err" "connect to $T/nothing: No such file" "unix:// to nothing"

U="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
run healthprobe "$U"
is "$rc" 0 "postgres query level: pass"
run healthprobe --level ping "$U"
is "$rc" 0 "postgres ping: pass"
run healthprobe --pg "host=$PGHOST port=$PGPORT user=postgres"
is "$rc" 0 "--pg with a conninfo over the socket"
PGHOST=127.0.0.1 run healthprobe postgres:
is "$rc" 0 "postgres: uses the PG* environment"
run healthprobe --level ping "postgresql://scramuser:wrongpw@127.0.0.1:$PGPORT/postgres"
is "$rc" 0 "wrong password: ping passes (the server answers)"
run healthprobe "postgresql://scramuser:wrongpw@127.0.0.1:$PGPORT/postgres"
is "$rc" 1 "wrong password: query fails"
like "$T/err" 'password authentication failed for user "scramuser"' "with the server's reason"
unlike "$T/err" 'wrongpw' "and the password redacted"
like "$T/err" 'scramuser:\*\*\*@' "as ***"
run healthprobe --level primary "$U"
is "$rc" 0 "a primary is a primary"
run healthprobe --level standby "$U"
like "$T/err" 'a primary' "and not a standby"
run healthprobe --level lag=1MB "$U"
like "$T/err" 'not a standby' "lag on a primary fails"

pg_standby replica on
pg_standby starting off
i=0
until healthprobe --level ping "postgresql://postgres@127.0.0.1:$starting_PORT/postgres" 2>/dev/null ||
	healthprobe --level ping "postgresql://postgres@127.0.0.1:$starting_PORT/postgres" 2>&1 | grep -q rejecting ||
	[ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done
R="postgresql://postgres@127.0.0.1:$replica_PORT/postgres"
run healthprobe --wait 20s --level standby "$R"
is "$rc" 0 "a streaming standby is a standby"
run healthprobe --level primary "$R"
is "$rc" 1 "and not a primary"
run healthprobe --level lag=16MB "$R"
is "$rc" 0 "standby lag in bytes under the limit"
run healthprobe --level lag=10m "$R"
is "$rc" 0 "standby lag in time under the limit"
run healthprobe --level ping "postgresql://postgres@127.0.0.1:$starting_PORT/postgres"
is "$rc" 1 "a server not accepting connections yet: ping fails"
like "$T/err" 'rejecting connections: the database system is' "as pg_isready says: rejecting"
pg_stop >/dev/null 2>&1
run healthprobe --level ping "$U"
is "$rc" 1 "a stopped server: ping fails"
like "$T/err" 'Connection refused' "no response"

# Backup freshness on real files.
mkdir "$T/bk"
run healthprobe backup:$T/bk
like "$T/err" "no backup matching \\* in $T/bk" "an empty backup directory fails"
head -c 2048 /dev/zero >"$T/bk/db-1.sql.gz"
touch -d '30 hours ago' "$T/bk/db-1.sql.gz"
run healthprobe backup:$T/bk
like "$T/err" 'newest backup db-1.sql.gz is 1800 min old \(limit 1560 min\)' "a 30-hour-old backup fails the default 26h"
run healthprobe --max-age 2d backup:$T/bk
is "$rc" 0 "and passes --max-age 2d"
head -c 10 /dev/zero >"$T/bk/db-2.sql.gz"
run healthprobe --min-size 1K backup:$T/bk
like "$T/err" 'newest backup db-2.sql.gz is 10 bytes \(minimum 1024\)' "a fresh but tiny backup fails --min-size"
# Issue 20 item 22: a file dated in the future (a wrong clock, restored
# files) does not silence the alarm; a minute ahead is clock skew.
mkdir "$T/bkf"
head -c 2048 /dev/zero >"$T/bkf/db-old.sql.gz"
touch -d '30 hours ago' "$T/bkf/db-old.sql.gz"
head -c 2048 /dev/zero >"$T/bkf/db-ahead.sql.gz"
touch -d '2 days' "$T/bkf/db-ahead.sql.gz"
run healthprobe backup:$T/bkf
is "$rc" 1 "a file dated 2 days ahead does not count: the newest real backup is 30 h old"
like "$T/err" 'db-ahead.sql.gz.*future' "the future-dated file is named"
touch -d '1 minute' "$T/bkf/db-ahead.sql.gz"
run healthprobe backup:$T/bkf
is "$rc" 0 "a minute ahead is clock skew: fresh"

# Retries and waiting for a service to come up.
port=$(free_port)
(sleep 1.5; python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(5)' "$port") &
run healthprobe --wait 10s --interval 200ms tcp://127.0.0.1:$port
is "$rc" 0 "--wait: retries until the port opens"
run healthprobe --retries 2 --interval 100ms tcp://127.0.0.1:1
is "$rc" 1 "--retries: still closed after 3 attempts"
run healthprobe "$web_URL/ok" -- echo command ran
is "$(cat "$T/out")" "command ran" "-- COMMAND runs after success"
run healthprobe "$web_URL/status/500" -- echo command ran
is "$rc:$(cat "$T/out")" "1:" "and never after a failure"
run healthprobe "$web_URL/ok" -- /nonexistent/cmd
is "$rc" 127 "a COMMAND that does not exist: 127"
run healthprobe "$web_URL/ok" -- "$T"
is "$rc" 126 "a COMMAND that cannot be executed: 126"

# JSON for log shippers and Docker (which keeps 4 KB).
run healthprobe --json "$web_URL/ok" "$web_URL/status/500"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "fail", d
c = d["checks"]
assert c[sys.argv[2] + "/ok"][0]["status"] == "pass" and c[sys.argv[2] + "/status/500"][0]["status"] == "fail", c
assert c[sys.argv[2] + "/ok"][0]["observedUnit"] == "ms"
' "$T/out" "$web_URL"
ok $? "--json: application/health+json with a check per target"
set --
for i in $(seq 1 60); do set -- "$@" "$web_URL/status/404?padding-to-make-the-document-long-$i"; done
run healthprobe --json "$@"
[ "$(wc -c <"$T/out")" -lt 4096 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out"
ok $? "--json with 60 targets stays valid JSON under 4 KB ($(wc -c <"$T/out") bytes)"
done_testing
