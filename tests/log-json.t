#!/bin/sh
# --log-format=json across the suite: every line each program writes on
# stderr, for errors, warnings and information, usage errors included,
# parses as one JSON object with the same fields: time (RFC 3339 UTC with
# milliseconds), prog (the program), level (error, warn or info) and msg,
# and nothing else; hostile bytes in a message stay inside the string.
. "$(dirname "$0")/support/lib.sh"
progs=$(cd "$PGOPS_BIN" && ls)
nprogs=$(echo "$progs" | wc -w)
plan $((nprogs + 7))
pg_start
s3_start bkt
export AWS_EC2_METADATA_DISABLED=true HOME=$T
unset AWS_PROFILE AWS_CA_BUNDLE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 DATABASE_URL
E="--endpoint $S3_ENDPOINT"
exec </dev/null
J=--log-format=json
DOWN="postgresql://postgres@127.0.0.1:$(free_port)/x"
mkdir -p "$T/mig"
printf 'CREATE TABLE t (a int);\n' >"$T/mig/1_t.sql"
printf 'not gzip' >"$T/bad.gz"
printf 'hello\n' | gzip >"$T/in.gz"
# A file name with a quote, a backslash, a tab and a newline in it.
odd=$(printf '%s/a"b\\c\td\ne.gz' "$T")
printf 'x' >"$odd"

# Each program, several ways, every stderr line collected per program.
collect() { # PROG ARGS...: run it, append its stderr to $T/log.PROG
	p=$1
	shift
	"$PGOPS_BIN/$p" "$@" >/dev/null 2>>"$T/log.$p"
}
collect gzverify $J "$T/nonexistent"
collect gzverify $J "$T/bad.gz"
collect gzverify $J "$odd"
collect gzverify $J "$T/$(printf 'not\377utf8')"
collect gzverify $J --no-such-option
collect gzverify $J --progress "$T/in.gz"
collect prune-backups $J "$T/nonexistent"
printf 'db-20261130T000000Z\ndb-20261129T000000Z\nundated\n' >"$T/names"
collect prune-backups $J --keep-last 1 --explain - <"$T/names"
collect prune-backups $J --keep-last 0
collect healthprobe $J "tcp://127.0.0.1:1"
collect healthprobe $J -v "postgresql://postgres@127.0.0.1:$PGPORT/postgres"
collect healthprobe job $J --retries 0 --ping "http://127.0.0.1:1/x" -- sh -c 'exit 3'
collect healthprobe $J --bogus
printf 'hello\n' >"$T/in"
collect s3put $J $E --progress s3://bkt/k "$T/in"
collect s3put $J $E --verify-gzip s3://bkt/notgz "$T/in"
collect s3put $J --endpoint http://127.0.0.1:1 --retries 0 s3://bkt/k "$T/in"
collect s3cat $J $E s3://bkt/missing
collect s3cat $J $E --progress s3://bkt/k
collect s3cat $J --endpoint http://127.0.0.1:1 --retries 0 s3://bkt/k
collect s3ls $J --endpoint http://127.0.0.1:1 --retries 0 s3://bkt/
collect s3ls $J $E s3://nosuchbucket/
collect s3rm $J $E -n s3://bkt/ k
collect s3rm $J $E s3://nosuchbucket/ k
collect s3rm $J $E s3://bkt/ k
collect s3rm $J --endpoint http://127.0.0.1:1 --retries 0 s3://bkt/ k
collect pgdump-stream $J "$DOWN"
collect pgdump-stream $J -f "$T/d.sql" "postgresql://postgres@127.0.0.1:$PGPORT/postgres"
collect pgdump-stream $J --progress -f "$T/d2.sql" "postgresql://postgres@127.0.0.1:$PGPORT/postgres"
collect pgdump-stream $J --no-such-option
collect pgrestore-stream $J "$DOWN" "$T/in"
collect pgrestore-stream $J --drill "postgresql://postgres@127.0.0.1:$PGPORT/postgres" "$T/d.sql"
collect pgrestore-stream $J "postgresql://postgres@127.0.0.1:$PGPORT/postgres" "$odd"
collect migrate-apply $J -d "$DOWN" up "$T/mig"
collect migrate-apply $J -d "postgresql://postgres@127.0.0.1:$PGPORT/postgres" up "$T/mig"
collect migrate-apply $J -d "postgresql://postgres@127.0.0.1:$PGPORT/postgres" status "$T/mig"
collect migrate-apply $J --frobnicate
collect agecrypt $J --keygen
collect agecrypt $J -d -i "$T/nonexistent" "$T/in.gz"
collect agecrypt $J --keygen -o "$T/age-id"
chmod 644 "$T/age-id"
collect agecrypt $J -d -i "$T/age-id" "$T/in.gz"
collect agecrypt $J --frobnicate

check() { # FILE PROG: prints what is wrong, nothing when all is well
	python3 - "$1" "$2" <<'PY'
import json, re, sys
path, prog = sys.argv[1], sys.argv[2]
n = 0
for i, line in enumerate(open(path, encoding="utf-8", errors="strict").read().split("\n")[:-1], 1):
    n += 1
    try:
        d = json.loads(line)
    except ValueError as e:
        print(f"line {i} is not JSON ({e}): {line[:120]!r}")
        continue
    if not isinstance(d, dict) or list(d) != ["time", "prog", "level", "msg"]:
        print(f"line {i}: fields {list(d) if isinstance(d, dict) else type(d)}, not time, prog, level, msg")
        continue
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", d["time"]):
        print(f"line {i}: time {d['time']!r}")
    if d["prog"] != prog:
        print(f"line {i}: prog {d['prog']!r}")
    if d["level"] not in ("error", "warn", "info"):
        print(f"line {i}: level {d['level']!r}")
    if not isinstance(d["msg"], str) or not d["msg"]:
        print(f"line {i}: empty msg")
if n < 2:
    print(f"only {n} lines")
PY
}
for p in $progs; do
	is "$(check "$T/log.$p" "$p")" "" "$p: every stderr line is {time, prog, level, msg} ($(grep -c '' "$T/log.$p") lines)"
done
cat "$T"/log.* | python3 -c '
import json, sys
levels = {json.loads(l)["level"] for l in sys.stdin}
print(" ".join(sorted(levels)))' >"$T/levels"
is "$(cat "$T/levels")" "error info warn" "errors, warnings and information all appear"
grep -h 'a\\"b\\\\c\\td\\ne.gz' "$T/log.gzverify" "$T/log.pgrestore-stream" | wc -l >"$T/n"
[ "$(cat "$T/n")" -ge 2 ]
ok $? "a hostile file name is escaped inside msg"
like "$T/log.prune-backups" '"msg":"keep db-20261130T000000Z' "prune-backups --explain: a log line per backup"
like "$T/log.healthprobe" '"msg":"cannot execute|"level":"warn","msg":"failure ping failed' "healthprobe job's warnings are JSON"
like "$T/log.migrate-apply" '"level":"info","msg":"applied 1 t' "migrate-apply's progress is JSON"
like "$T/log.gzverify" 'not\\ufffdutf8' "a byte that is not UTF-8 becomes U+FFFD, escaped"
printf 'db-20261130T000000Z\377.gz\ndb-20261129T000000Z.gz\n' | prune-backups --keep-last 1 --json >"$T/pj"
is "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))["backups"][0]["name"].encode("unicode_escape").decode())' "$T/pj" 2>&1)" \
	"db-20261130T000000Z\\ufffd.gz" "prune-backups --json with a name that is not UTF-8 is UTF-8 JSON"
done_testing
