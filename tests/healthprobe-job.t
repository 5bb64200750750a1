#!/bin/sh
# healthprobe job: the job's start and end reach a recording monitor
# (Healthchecks.io's ping API, a JSON webhook) over http and https, with one
# run id, the exit status and the output's tail; the job's own output and
# exit status pass through unchanged, and no monitor failure (refused,
# 500, stalled) changes them.
. "$(dirname "$0")/support/lib.sh"
. "$TOP/tests/support/pki.sh"
plan 56

pki_make "$T/pki"
P=$T/pki
https_start mon
https_start tlsmon "$P/server.key" "$P/server.crt"
REQ=$T/mon.port.requests
TREQ=$T/tlsmon.port.requests

# field N KEY: KEY of the Nth recorded request (1-based) in $REQ, or of $2 file.
field() { python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.stdout.write(str(r[int(sys.argv[2])-1][sys.argv[3]]))' "$1" "$2" "$3"; }
nreq() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# A job that succeeds: output passes through, start and /0 share a run id.
run healthprobe job --ping "$mon_URL/record/abc" -- sh -c 'echo to-stdout; echo to-stderr >&2'
is "$rc" 0 "successful job: exit 0"
is "$(cat "$T/out")" "to-stdout" "the job's stdout passes through"
is "$(cat "$T/err")" "to-stderr" "the job's stderr passes through, nothing of ours"
is "$(nreq "$REQ")" 2 "two pings"
is "$(field "$REQ" 1 method) $(field "$REQ" 2 method)" "POST POST" "both are POSTs"
u1=$(field "$REQ" 1 url) u2=$(field "$REQ" 2 url)
case $u1 in /record/abc/start\?rid=*) ok 0 "first ping is URL/start?rid=";; *) ok 1 "first ping is URL/start?rid= ($u1)";; esac
case $u2 in /record/abc/0\?rid=*) ok 0 "second ping is URL/0?rid=";; *) ok 1 "second ping is URL/0?rid= ($u2)";; esac
is "${u1#*rid=}" "${u2#*rid=}" "one run id pairs start and end"
echo "${u1#*rid=}" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
ok $? "the run id is a version 4 UUID"
field "$REQ" 2 body >"$T/body"
like "$T/body" '^to-stdout$' "the end ping carries stdout"
like "$T/body" '^to-stderr$' "and stderr"
rid1=${u1#*rid=}

# A failing job: its status is the ping's path and our exit status.
rm -f "$REQ"
run healthprobe job --ping "$mon_URL/record/abc/" -- sh -c 'echo "pg_dump went wrong" >&2; exit 69'
is "$rc" 69 "failing job: its exit status is kept"
is "$(field "$REQ" 2 url | sed 's/?.*//')" "/record/abc/69" "the end ping is URL/69 (trailing slash joined once)"
rid2=$(field "$REQ" 2 url | sed 's/.*rid=//')
[ "$rid1" != "$rid2" ]
ok $? "each run has its own run id"
field "$REQ" 2 body >"$T/body"
like "$T/body" 'pg_dump went wrong' "the failure ping carries the error"

# A query string on the check URL (create=1 for auto-provisioned checks).
rm -f "$REQ"
run healthprobe job --ping "$mon_URL/record/key/backup-job?create=1" -- true
is "$(field "$REQ" 1 url | sed 's/rid=.*/rid=/')" "/record/key/backup-job/start?create=1&rid=" "start keeps the query"
is "$(field "$REQ" 2 url | sed 's/rid=.*/rid=/')" "/record/key/backup-job/0?create=1&rid=" "so does the end"

# The tail: bounded, whole lines, the last ones.
rm -f "$REQ"
run healthprobe job --tail 1KB --ping "$mon_URL/record/t" -- sh -c 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done'
is "$rc" 0 "a chatty job"
is "$(wc -l <"$T/out" | tr -d ' ')" 2000 "all its output passes through"
field "$REQ" 2 body >"$T/body"
n=$(wc -c <"$T/body")
[ "$n" -le 1025 ] && [ "$n" -gt 900 ]
ok $? "the body is the last --tail bytes ($n)"
is "$(tail -n 1 "$T/body")" "line 1999" "ending with the last line"
head -n 1 "$T/body" | grep -Eq '^line [0-9]+$'
ok $? "starting with a whole line"

# A command that cannot run: 127, reported as such.
rm -f "$REQ"
run healthprobe job --ping "$mon_URL/record/x" -- /nonexistent/backup.sh
is "$rc" 127 "missing command: 127"
like "$T/err" 'cannot execute /nonexistent/backup.sh' "says it cannot execute it"
is "$(field "$REQ" 2 url | sed 's/?.*//')" "/record/x/127" "and pings /127"

# Monitor failures never change the job's status.
run healthprobe job --retries 1 --interval 100ms --ping "$mon_URL/record/fail/x" -- sh -c 'exit 0'
is "$rc" 0 "monitor answers 500: the job's 0 is kept"
like "$T/err" 'ping /start failed \(the job.s exit status is kept\): 127\.0\.0\.1 answered 500' "a warning names the failure"
unlike "$T/err" 'record/fail' "and not the check URL"
port=$(free_port)
run healthprobe job --retries 0 --ping "http://127.0.0.1:$port/ping/uuid" -- sh -c 'exit 3'
is "$rc" 3 "monitor refusing connections: the job's 3 is kept"
like "$T/err" 'failure ping failed' "the failure ping's failure is logged"
start=$(date +%s)
run healthprobe job --timeout 500ms --retries 1 --interval 100ms --ping "$mon_URL/record/stall/x" -- true
end=$(date +%s)
is "$rc" 0 "a stalled monitor: the job's 0 is kept"
[ $((end - start)) -lt 10 ]
ok $? "and every report ends at its deadline ($((end - start)) s)"

# The webhook: JSON with Slack's "text", on failure by default.
rm -f "$REQ"
run healthprobe job --name nightly-backup --webhook "$mon_URL/record/hook" -- true
is "$(nreq "$REQ")" 0 "webhook: nothing on success by default"
run healthprobe job --name nightly-backup --webhook "$mon_URL/record/hook" -- sh -c 'echo "s3put: upload aborted" >&2; exit 75'
is "$rc" 75 "webhook job: exit status kept"
is "$(field "$REQ" 1 type)" "application/json" "the webhook is application/json"
field "$REQ" 1 body >"$T/hook.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "failure" and d["exit_status"] == 75 and d["job"] == "nightly-backup", d
assert "nightly-backup FAILED with exit status 75" in d["text"], d["text"]
assert "s3put: upload aborted" in d["text"] and "s3put: upload aborted" in d["log_tail"]
assert len(d["run_id"]) == 36 and d["duration_seconds"] >= 0
' "$T/hook.json"
ok $? "the webhook body is JSON: text, job, status, exit_status, log_tail, run_id"
rm -f "$REQ"
run healthprobe job --webhook-on always -H 'Authorization: Bearer s3cr3t' --webhook "$mon_URL/record/hook" -- true
is "$(field "$REQ" 1 auth)" "Bearer s3cr3t" "-H headers go with the report"
field "$REQ" 1 body | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]=="success" and d["job"]=="true" and "true succeeded" in d["text"]'
ok $? "--webhook-on always: a success message too, named after COMMAND"

# https: the test CA given with --cacert; a wrong CA is a warning, not a failure.
run healthprobe job --cacert "$P/ca.crt" --ping "$tlsmon_URL/record/tls" -- true
is "$rc" 0 "https monitor: exit 0"
is "$(nreq "$TREQ")" 2 "both pings arrived over TLS"
run healthprobe job --cacert "$P/other-ca.crt" --retries 0 --ping "$tlsmon_URL/record/tls" -- true
is "$rc" 0 "https monitor with the wrong CA: the job's 0 is kept"
like "$T/err" 'ping /start failed' "and the failure is logged"
run healthprobe job --cacert "$T/nonexistent.pem" --ping "$tlsmon_URL/record/tls" -- true
is "$rc" 78 "an unreadable --cacert is a configuration error before the job runs"

# SIGTERM (a Job's activeDeadlineSeconds, a pod deletion) goes to the command,
# whose status is reported.
rm -f "$REQ"
healthprobe job --ping "$mon_URL/record/sig" -- sh -c 'trap "echo got-term >&2; exit 143" TERM; sleep 30 & wait' \
	>"$T/out" 2>"$T/err" &
pid=$!
wait_file "$REQ" 10
sleep 0.3
kill -TERM "$pid"
wait "$pid"
rc=$?
is "$rc" 143 "SIGTERM: the command's 143"
like "$T/err" 'got-term' "the command received the SIGTERM"
is "$(field "$REQ" 2 url | sed 's/?.*//')" "/record/sig/143" "and /143 was reported"

# A process the job leaves behind holding its output open does not hold us.
start=$(date +%s)
run healthprobe job --ping "$mon_URL/record/bg" -- sh -c '(sleep 20 &); echo started'
end=$(date +%s)
is "$rc" 0 "a job that leaves a process behind: exit 0"
[ $((end - start)) -lt 10 ]
ok $? "reported when the job exits, not when the leftover does ($((end - start)) s)"

# Usage.
run healthprobe job --ping "$mon_URL/record/u"
is "$rc" 64 "no command: usage error"
run healthprobe job -- true
is "$rc" 64 "no monitor: usage error"
like "$T/err" 'needs --ping URL or --webhook URL' "says what is missing"
run healthprobe job --ping "ftp://x/y" -- true
is "$rc" 64 "a URL that is not http(s): usage error"
run healthprobe job --webhook-on sometimes --webhook "$mon_URL/record/u" -- true
is "$rc" 64 "bad --webhook-on: usage error"
run healthprobe job --tail 200KB --ping "$mon_URL/record/u" -- true
is "$rc" 64 "--tail over 100KB (what Healthchecks.io keeps): usage error"
like "$T/err" '--tail: between 1 and 100KB' "says the bound"
run healthprobe --ping "$mon_URL/record/u" http://127.0.0.1:1/
is "$rc" 64 "--ping outside job mode: usage error"
done_testing
