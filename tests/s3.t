#!/bin/sh
# s3put, s3cat, s3ls and s3rm end to end against the signature-checking S3
# server: sizes around the part boundary, a 300 MB stream, metadata read
# back by botocore, 2,500 keys listed and deleted in batches, odd keys,
# verification that refuses to publish, exit codes and messages.
. "$(dirname "$0")/support/lib.sh"
plan 62
s3_start bkt
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
export AWS_EC2_METADATA_DISABLED=true HOME=$T
E="--endpoint $S3_ENDPOINT"
MiB=1048576

# Round trips: FILE and stdin, 0 B, 1 B, part size - 1, part size, part size + 1.
for n in 0 1 $((5 * MiB - 1)) $((5 * MiB)) $((5 * MiB + 1)); do
	head -c "$n" /dev/urandom >"$T/in"
	want=$(sha256sum <"$T/in" | cut -d' ' -f1)
	run s3put $E --part-size 5MiB "s3://bkt/rt/file-$n" "$T/in"
	is "$rc:$(cut -d' ' -f1-3 "$T/out")" "0:s3://bkt/rt/file-$n $n $want" "s3put FILE of $n bytes: the result line"
	s3put $E --part-size 5MiB "s3://bkt/rt/stdin-$n" <"$T/in" >/dev/null 2>"$T/err"
	got=$(s3cat $E "s3://bkt/rt/stdin-$n" | sha256sum | cut -d' ' -f1)
	is "$got" "$want" "stdin of $n bytes round-trips byte-identical through s3cat"
done

# A 300 MB stream in 8 MiB parts, read back in 5 MiB ranges.
head -c 300000000 /dev/urandom >"$T/big"
want=$(sha256sum <"$T/big" | cut -d' ' -f1)
rm -f "$T/in"
cat "$T/big" | s3put $E --part-size 8MiB --concurrency 4 s3://bkt/big >"$T/out" 2>"$T/err"
is "$?:$(cut -d' ' -f2-3 "$T/out")" "0:300000000 $want" "300 MB stream uploaded as 36 parts, SHA-256 printed"
got=$(s3cat $E --range-size 5MiB s3://bkt/big | sha256sum | cut -d' ' -f1)
is "$got" "$want" "300 MB read back byte-identical"
rm -f "$T/big"

# The paths where the reader does not hash each part in one pass: a part
# size that is not a multiple of 64 bytes, and a CPU without the SHA
# extensions (the workers hash their parts with the portable code).
head -c $((11 * MiB + 7)) /dev/urandom >"$T/in"
want_in=$(sha256sum <"$T/in" | cut -d' ' -f1)
for how in "--part-size $((5 * MiB + 1))" "PGOPS_NO_SHANI=1 --part-size 5MiB"; do
	case $how in PGOPS_NO_SHANI=1*) export PGOPS_NO_SHANI=1; opts=${how#* } ;; *) opts=$how ;; esac
	s3put $E $opts s3://bkt/paths <"$T/in" >"$T/out" 2>"$T/err"
	is "$?:$(cut -d' ' -f2-3 "$T/out")" "0:$((11 * MiB + 7)) $want_in" "3 parts, $how: the SHA-256 printed"
	unset PGOPS_NO_SHANI
	got=$(s3cat $E s3://bkt/paths | sha256sum | cut -d' ' -f1)
	is "$got" "$want_in" "3 parts, $how: read back byte-identical"
done
rm -f "$T/in"

# What botocore, the reference client, sees.
printf 'hello\n' | s3put $E --content-type text/plain --metadata job=nightly --metadata db=app \
	--storage-class STANDARD s3://bkt/meta.txt >/dev/null
/usr/bin/python3 - "$S3_ENDPOINT" >"$T/boto" 2>&1 <<'PY'
import sys, botocore.session
c = botocore.session.get_session().create_client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
    aws_access_key_id='S3RVER', aws_secret_access_key='S3RVER')
h = c.head_object(Bucket='bkt', Key='meta.txt')
print(h['ContentType'], sorted(h['Metadata'].items()))
print(c.get_object_tagging(Bucket='bkt', Key='big')['TagSet'][0]['Value'])
print(c.get_object(Bucket='bkt', Key='rt/stdin-1')['ContentLength'])
PY
is "$(sed -n 1p "$T/boto")" "text/plain [('db', 'app'), ('job', 'nightly'), ('sha256', '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03')]" \
	"botocore reads Content-Type and metadata, sha256 included"
is "$(sed -n 2p "$T/boto")" "$want" "a multipart object carries its SHA-256 as the tag sha256"
is "$(sed -n 3p "$T/boto")" "1" "botocore reads the 1-byte object"

# Odd keys survive signing, listing and deleting.
# (s3rver escapes & and ' twice in listings, botocore sees the same, so
# those two only go up and come back by name.)
for k in 'odd/a b' 'odd/a+b=c' 'odd/100%' 'odd/caf'"$(printf '\303\251')" 'odd/semi;colon' 'odd/quote"x' 'odd/~tilde*star'; do
	printf '%s' "$k" | s3put $E "s3://bkt/$k" >/dev/null 2>>"$T/err.odd" || echo "put $k failed" >>"$T/err.odd"
done
is "$(cat "$T/err.odd" 2>/dev/null)" "" "keys with spaces, + = % & ; quotes, unicode: all accepted"
s3ls $E s3://bkt/odd/ | cut -f1 >"$T/odd"
is "$(wc -l <"$T/odd")" 7 "s3ls lists the 7 odd keys"
for k in 'amp/a&b' "amp/it's"; do
	printf '%s' "$k" | s3put $E "s3://bkt/$k" >/dev/null
	printf '%s' "$(s3cat $E "s3://bkt/$k")" >"$T/amp"
	is "$(cat "$T/amp")" "$k" "a key with & or ' goes up and comes back: $k"
done
got=$(s3cat $E "s3://bkt/odd/a+b=c")
is "$got" "odd/a+b=c" "s3cat reads a key with + and ="
s3ls $E s3://bkt/odd/ | s3rm $E s3://bkt/ >"$T/out" 2>"$T/err"
is "$?:$(grep -c '^deleted ' "$T/out")" "0:7" "s3rm deletes them from s3ls lines"
is "$(s3ls $E s3://bkt/odd/ | wc -l)" 0 "nothing left under odd/"

# 2,500 keys: pagination (1,000 per page) and DeleteObjects batches.
seq -w 1 2500 | sed 's|^|many/k|' >"$T/keys"
/usr/bin/python3 - "$S3_ENDPOINT" "$T/keys" <<'PY'
import sys, botocore.session, concurrent.futures as cf
c = botocore.session.get_session().create_client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
    aws_access_key_id='S3RVER', aws_secret_access_key='S3RVER')
keys = open(sys.argv[2]).read().split()
with cf.ThreadPoolExecutor(8) as ex:
    list(ex.map(lambda k: c.put_object(Bucket='bkt', Key=k, Body=k.encode()), keys))
PY
run s3ls $E s3://bkt/many/
is "$rc:$(wc -l <"$T/out")" "0:2500" "s3ls lists 2,500 keys across pages"
is "$(cut -f1 "$T/out" | sort | cmp - "$T/keys" && echo same)" same "every key exactly once"
like "$T/out" '^many/k0001	10	20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z	[0-9a-f]{32}$' \
	"lines are key, size, RFC 3339 UTC time, ETag"
head -n 3 "$T/out" | s3rm -n $E s3://bkt/ >"$T/dry"
is "$(cat "$T/dry")" "would delete s3://bkt/many/k0001
would delete s3://bkt/many/k0002
would delete s3://bkt/many/k0003" "-n prints and deletes nothing"
is "$(s3ls $E s3://bkt/many/ | wc -l)" 2500 "still 2,500 after -n"
s3rm $E s3://bkt/ <"$T/keys" >"$T/out" 2>"$T/err"
is "$?:$(grep -c '^deleted ' "$T/out")" "0:2500" "s3rm deletes 2,500 keys in 3 batches"
is "$(s3ls $E s3://bkt/many/ | wc -l)" 0 "none left"
run s3rm $E s3://bkt/ rt/file-0 rt/file-1
is "$rc:$(cat "$T/out")" "0:deleted s3://bkt/rt/file-0
deleted s3://bkt/rt/file-1" "s3rm KEY operands"

# Verification refuses to publish.
printf 'not gzip at all' | s3put $E --verify-gzip s3://bkt/v/bad.gz >"$T/out" 2>"$T/err"
is "$?" 1 "--verify-gzip: not gzip, exit 1"
like "$T/err" 'not a valid gzip stream.*nothing uploaded' "says why and that nothing was uploaded"
head -c 12000000 /dev/urandom | gzip -1 >"$T/g.gz"
head -c 1000000 "$T/g.gz" >"$T/trunc.gz"
s3put $E --verify-gzip "s3://bkt/v/trunc.gz" "$T/trunc.gz" >"$T/out" 2>"$T/err"
is "$?" 1 "--verify-gzip: a truncated gzip in one part, exit 1"
head -c 9000000 "$T/g.gz" >"$T/trunc.gz"
s3put $E --part-size 5MiB --verify-gzip "s3://bkt/v/trunc2.gz" "$T/trunc.gz" >"$T/out" 2>"$T/err"
is "$?" 1 "--verify-gzip: a truncated gzip over two parts, exit 1"
like "$T/err" 'truncated.*upload aborted' "multipart: says truncated and aborted"
is "$(s3ls $E s3://bkt/v/)" "" "nothing under either key"
run s3put $E --part-size 5MiB --verify-gzip s3://bkt/v/good.gz "$T/g.gz"
is "$rc" 0 "--verify-gzip: a valid 12 MB gzip goes up"
{ printf 'select 1;\n'; printf -- '-- pgdump-stream: dump complete (10 bytes before this line)\n'; } >"$T/dump.sql"
run s3put $E --require-trailer s3://bkt/v/dump.sql "$T/dump.sql"
is "$rc" 0 "--require-trailer: a complete dump goes up"
head -c 10 "$T/dump.sql" | s3put $E --require-trailer s3://bkt/v/cut.sql >"$T/out" 2>"$T/err"
is "$?" 1 "--require-trailer: a dump without the trailer is refused"
like "$T/err" "completion trailer" "naming the trailer"
gzip -c "$T/dump.sql" | s3put $E --verify-gzip --require-trailer s3://bkt/v/dump.sql.gz >/dev/null 2>"$T/err"
is "$?" 0 "--verify-gzip --require-trailer checks the trailer inside the gzip"

# Never overwrite.
run s3put $E --if-none-match s3://bkt/v/good.gz "$T/dump.sql"
is "$rc" 73 "--if-none-match on an existing key: 73"
like "$T/err" 'exists and --if-none-match' "says it exists"
is "$(s3cat $E s3://bkt/v/good.gz | cmp - "$T/g.gz" && echo same)" same "the existing object is untouched"

# Errors.
AWS_SECRET_ACCESS_KEY=wrong s3put $E s3://bkt/x "$T/dump.sql" >"$T/out" 2>"$T/err"
is "$?" 77 "wrong secret: 77"
like "$T/err" '^s3put: PUT s3://bkt/x: 403 SignatureDoesNotMatch' "with the store's code"
run s3cat $E s3://bkt/none
is "$rc:$(cat "$T/err")" "66:s3cat: s3://bkt/none: no such key (or bucket)" "s3cat of a missing key: 66"
run s3put $E s3://nobucket/x "$T/dump.sql"
is "$rc" 73 "s3put into a missing bucket: 73"
run s3ls $E s3://nobucket/
is "$rc" 66 "s3ls of a missing bucket: 66"
run s3put --endpoint "http://127.0.0.1:$(free_port)" --retries 1 s3://bkt/x "$T/dump.sql"
is "$rc" 69 "nothing listening: 69"
run s3put $E s3://bkt/x "$T/nonexistent"
is "$rc" 66 "missing FILE: 66"
run s3put $E --part-size 1MiB s3://bkt/x
is "$rc" 64 "--part-size below 5 MiB: usage error"
run s3put $E s3://bkt
is "$rc" 64 "no key: usage error"
run s3put $E --path-style --virtual-host s3://bkt/x
is "$rc" 64 "contradictory addressing: usage error"
AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= s3put $E s3://bkt/x "$T/dump.sql" >"$T/out" 2>"$T/err"
is "$?" 78 "no credentials anywhere: 78"
like "$T/err" 'no AWS credentials' "says so"
head -c $((11 * MiB)) /dev/zero | s3put $E --part-size 5MiB --max-parts 2 s3://bkt/v/toolarge >"$T/out" 2>"$T/err"
is "$?" 65 "more than --max-parts parts: 65, aborted"
is "$(s3ls $E s3://bkt/v/toolarge)" "" "nothing stored"
done_testing
