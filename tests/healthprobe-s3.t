#!/bin/sh
# healthprobe's s3://BUCKET/PREFIX target against the signature-checking S3
# server: the newest backup under the prefix is found by listing, must be
# young and large enough, and a pgdump-stream dump must end with its
# completion trailer, read from the last gzip member with a ranged GET
# (counted through the logging proxy). Fresh, stale, too small, cut short
# (mid-member and at a member boundary), the trailer split across two
# members, a plain .sql dump, an empty prefix, wrong credentials (77), a
# stopped store (69); the sidecar's cached check and its age gauge.
. "$(dirname "$0")/support/lib.sh"
plan 37
s3_start bkt
pg_start
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL_S3
export AWS_EC2_METADATA_DISABLED=true HOME=$T AWS_ENDPOINT_URL="$S3_ENDPOINT"
pg_sql -c "create table t as select g, md5(g::text) || repeat(md5((g * 7)::text), 8) as v from generate_series(1, 60000) g"
PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=postgres pgdump-stream -Z6 >"$T/dump.sql.gz"
size=$(wc -c <"$T/dump.sql.gz")
diag "a real dump of $size bytes"

run healthprobe -t 5s s3://bkt/app/
is "$rc" 1 "an empty prefix: exit 1"
is "$(cat "$T/err")" "healthprobe: s3://bkt/app/: no backup matching * under s3://bkt/app/" "saying so"

s3put s3://bkt/app/app-20261201T020000Z.sql.gz "$T/dump.sql.gz" >/dev/null
proxy count
run env AWS_ENDPOINT_URL="$PX" healthprobe -v -t 5s s3://bkt/app/
is "$rc" 0 "a fresh, complete dump: pass"
like "$T/err" "pass in .*newest backup s3://bkt/app/app-20261201T020000Z.sql.gz, 0 min old, $size bytes, trailer ok \(last members [0-9]+ bytes; 1 request, [0-9]+ bytes read\)" \
	"the verdict says what was read"
is "$(grep -c '^GET /bkt?list-type=2' "$PXLOG") $(grep -c '^GET /bkt/app/app-20261201T020000Z.sql.gz' "$PXLOG") $(wc -l <"$PXLOG")" "1 1 2" \
	"two requests in all: one listing, one ranged GET"
read_bytes=$(sed -n 's/.* \([0-9]*\) bytes read.*/\1/p' "$T/err")
ok $([ "$read_bytes" -lt "$size" ]; echo $?) "the ranged GET read $read_bytes of the $size bytes"

run healthprobe -t 5s --max-age 1s s3://bkt/app/
sleep 2
run healthprobe -t 5s --max-age 1s s3://bkt/app/
is "$rc" 1 "--max-age 1s two seconds later: stale, exit 1"
like "$T/err" "newest backup s3://bkt/app/app-20261201T020000Z.sql.gz is 0 min old \(limit 0 min\)" "saying so"
run healthprobe -t 5s --min-size "$((size + 1))" s3://bkt/app/
is "$rc" 1 "--min-size above its size: exit 1"
like "$T/err" "is $size bytes \(minimum $((size + 1))\)" "saying so"

head -c $((size - 100)) "$T/dump.sql.gz" | s3put s3://bkt/app/app-20261202T020000Z.sql.gz >/dev/null
run healthprobe -t 5s s3://bkt/app/
is "$rc" 1 "the newest dump cut short mid-member: exit 1"
like "$T/err" "app-20261202T020000Z.sql.gz: no pgdump-stream gzip member ends the object" "no member ends where the object does"

# Cut exactly where a member ends: every member is whole, the trailer is not there.
printf 'select 1;\n%.0s' $(seq 1 3000) | "$PGOPS_TESTBIN/gzwrite" -c 4096 >"$T/nomark.sql.gz"
s3put s3://bkt/app/app-20261203T020000Z.sql.gz "$T/nomark.sql.gz" >/dev/null
run healthprobe -t 5s s3://bkt/app/
is "$rc" 1 "a dump cut at a member boundary (whole members, no trailer): exit 1"
like "$T/err" "app-20261203T020000Z.sql.gz does not end with pgdump-stream's completion trailer: the dump was cut short" "saying so"

# The trailer split across the last two members (4096-byte members, the
# line starting 20 bytes before a boundary).
body=$(( 4096 * 3 - 20 ))
{ head -c $((body - 1)) /dev/zero | tr '\0' 'x'; echo; printf -- '-- pgdump-stream: dump complete (%d bytes before this line)\n' $body; } |
	"$PGOPS_TESTBIN/gzwrite" -c 4096 >"$T/split.sql.gz"
s3put s3://bkt/app/app-20261204T020000Z.sql.gz "$T/split.sql.gz" >/dev/null
run healthprobe -v -t 5s s3://bkt/app/
is "$rc" 0 "the trailer split across the last two members: found, pass"
like "$T/err" "app-20261204T020000Z.sql.gz, 0 min old, .*trailer ok" "from the last two members"

printf 'garbage at the end of a member' >"$T/junk"
cat "$T/split.sql.gz" "$T/junk" | s3put s3://bkt/app/app-20261205T020000Z.sql.gz >/dev/null
run healthprobe -t 5s s3://bkt/app/
is "$rc" 1 "bytes after the last member: exit 1"

# A byte flipped inside the last member's deflate data: found by its CRC.
python3 - "$T/split.sql.gz" "$T/flipped.sql.gz" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = len(b) - 24
while not (b[i:i + 4] == b'\x1f\x8b\x08\x04' and b[i + 12:i + 14] == b'PG'
           and int.from_bytes(b[i + 16:i + 20], 'little') == len(b) - i):
    i -= 1
b[i + 26] ^= 0x10
open(sys.argv[2], 'wb').write(b)
PY
s3put s3://bkt/app/app-20261206T020000Z.sql.gz "$T/flipped.sql.gz" >/dev/null
run healthprobe -t 5s s3://bkt/app/
is "$rc" 1 "a byte flipped in the last member: exit 1"
like "$T/err" "app-20261206T020000Z.sql.gz: its last gzip member is corrupt: " "its last member named corrupt, with the reader's reason"

# --pattern picks which objects count.
run healthprobe -v -t 5s --pattern 'app-20261201T*' s3://bkt/app/
is "$rc" 0 "--pattern: only the matching backup counts, and it passes"

# Plain dumps: the trailer is their last line.
PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=postgres pgdump-stream >"$T/dump.sql"
s3put s3://bkt/plain/db-20261201T020000Z.sql "$T/dump.sql" >/dev/null
run healthprobe -v -t 5s s3://bkt/plain/
is "$rc" 0 "a plain .sql dump with its trailer: pass"
like "$T/err" "trailer ok \(1 request, 96 bytes read\)" "its last 96 bytes read"
head -c 5000 "$T/dump.sql" | s3put s3://bkt/plain/db-20261202T020000Z.sql >/dev/null
run healthprobe -t 5s s3://bkt/plain/
is "$rc" 1 "a plain dump cut short: exit 1"
like "$T/err" "db-20261202T020000Z.sql does not end with pgdump-stream's completion trailer" "saying so"

# Other names: age and size only.
echo "an encrypted backup" | s3put s3://bkt/enc/db-20261201T020000Z.sql.gz.age >/dev/null
run healthprobe -v -t 5s s3://bkt/enc/
is "$rc" 0 "another kind of file: age and size checked"
unlike "$T/err" "trailer" "its trailer is not looked for"

run env AWS_SECRET_ACCESS_KEY=wrong healthprobe -t 5s s3://bkt/app/
is "$rc" 77 "wrong credentials: exit 77"
like "$T/err" "list s3://bkt/app/: 403 SignatureDoesNotMatch" "the store's refusal named"
run env AWS_ENDPOINT_URL="http://127.0.0.1:$(free_port)" healthprobe -t 2s s3://bkt/app/
is "$rc" 69 "a stopped store: exit 69"
like "$T/err" "Connection refused" "saying so"
run healthprobe -t 5s s3://bkt/app/ "$S3_ENDPOINT/nosuchpage-but-200-or-404"
is "$rc" 1 "an S3 failure and an HTTP one: exit 1 (the highest of 1, 1)"
run env -u AWS_ACCESS_KEY_ID healthprobe -t 2s s3://bkt/app/
is "$rc" 78 "no credentials at all: 78 at start-up, as s3put"
run healthprobe s3://b/app/
is "$rc" 64 "a bad bucket name: usage error"

# The sidecar: an S3 check is run at most once a minute whatever --period
# says, and /metrics has the newest backup's age.
proxy sidecar
port=$(free_port)
AWS_ENDPOINT_URL="$PX" healthprobe serve --listen ":$port" --period 100ms -t 5s --pattern 'app-20261201T*' \
	backups=s3://bkt/app/ >"$T/serve.log" 2>&1 &
spid=$!
kill_serve() { kill "$spid"; }
on_exit kill_serve
run healthprobe --wait 10s --interval 100ms "http://127.0.0.1:$port/health/ready"
is "$rc" 0 "the sidecar is ready with the S3 check passing"
sleep 2
python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())" \
	"http://127.0.0.1:$port/metrics" >"$T/metrics"
like "$T/metrics" '^healthprobe_backup_age_seconds\{check="backups"\} [0-9]+$' "/metrics: the newest backup's age"
like "$T/metrics" '^healthprobe_check_up\{check="backups"\} 1$' "and the check up"
is "$(grep -c 'list-type=2' "$PXLOG")" 1 "2 s of checks every 100 ms: one listing (the result is kept a minute)"
done_testing
