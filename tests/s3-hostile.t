#!/bin/sh
# The s3 programs against a store and a configuration that lie or misbehave
# (issue 20, items 10 to 15 and the s3 parts of 17 and 20): SIGTERM while
# every part is stalled, a Complete that succeeded but answered 500, an
# empty ETag from Complete, control characters bound for HTTP headers,
# --virtual-host with an IP endpoint, an input exactly one part long,
# keys holding control characters, a 403 without a reason. Non-UTF-8
# bytes in JSON are in log-json.t.
. "$(dirname "$0")/support/lib.sh"
plan 44
s3_start bkt
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION
export AWS_EC2_METADATA_DISABLED=true HOME=$T
MiB=1048576
head -c 12000000 /dev/urandom >"$T/in"
want=$(sha256sum <"$T/in" | cut -d' ' -f1)
same() { s3cat --endpoint "$S3_ENDPOINT" "s3://bkt/$1" 2>/dev/null | sha256sum | cut -d' ' -f1; }
absent() { s3ls --endpoint "$S3_ENDPOINT" "s3://bkt/$1" | wc -l; }
nl=$(printf '\nx')
nl=${nl%x}
cr=$(printf '\r')

# 10: SIGTERM while every part is stalled: the workers wake at once, the
# upload is aborted, exit 143 long before --timeout.
proxy term stall:PUT:partNumber=:0
s3put --endpoint "$PX" --part-size 5MiB --timeout 120s s3://bkt/f/term "$T/in" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ "$(grep -c 'partNumber=' "$PXLOG")" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
	ok 1 "SIGTERM with every part stalled: exits within 20 s (of a 120 s --timeout)"
	kill -KILL $pid
	wait $pid
	is "still running" "143" "exit 143"
else
	ok 0 "SIGTERM with every part stalled: exits within 20 s (of a 120 s --timeout)"
	wait $pid
	is "$?" 143 "exit 143"
fi
like "$PXLOG" '^DELETE /bkt/f/term\?uploadId=.* -> forward' "the upload is aborted on the way out"
is "$(absent f/term)" 0 "nothing under KEY"

# 11: the store completed the object but the answer was a 500; the retry
# finds no such upload. HEAD shows the object whole: success.
proxy c500done fwd500:POST:uploadId=:1
run s3put --endpoint "$PX" --part-size 5MiB s3://bkt/f/c500done "$T/in"
is "$rc $(same f/c500done)" "0 $want" "Complete done but answered 500, then NoSuchUpload: exit 0, byte-identical"
like "$T/err" "HEAD finds the object with all 12000000 bytes" "with a warning that says how it knows"

# The same as AWS answers the retry (404 NoSuchUpload: the upload is gone
# because it completed).
proxy c404done fwd500:POST:uploadId=:1 status:POST:uploadId=:0:404:NoSuchUpload
run s3put --endpoint "$PX" --part-size 5MiB s3://bkt/f/c404done "$T/in"
is "$rc $(same f/c404done)" "0 $want" "Complete done but answered 500, then 404 NoSuchUpload: exit 0, byte-identical"
# And when HEAD cannot tell: 75, saying the upload may have completed.
proxy cunsure fwd500:POST:uploadId=:1 status:HEAD:cunsure:0:500:InternalError
run s3put --endpoint "$PX" --part-size 5MiB --retries 1 s3://bkt/f/cunsure "$T/in"
is "$rc" 75 "a retried Complete failing and HEAD failing too: 75"
like "$T/err" "failed after 2 tries \\(500 InternalError.*\\), and the first may have completed it: HEAD cannot confirm it: HTTP 500$" \
	"says it may have completed"
proxy cempty500 empty200:POST:uploadId=:1 status:HEAD:cempty500:0:500:InternalError
run s3put --endpoint "$PX" --part-size 5MiB --retries 1 s3://bkt/f/cempty500 "$T/in"
is "$rc $(absent f/cempty500)" "75 0" "Complete answered 200 with nothing and HEAD failing: 75, nothing under KEY"
like "$T/err" "the store answered 200 without a result, and HEAD cannot confirm it: HTTP 500$" "saying so"

# 13: Complete answered with an empty ETag (Ceph RGW): the multipart ETag is
# computed from the parts' MD5s.
proxy emptyetag emptyetag:POST:uploadId=:1
run s3put --endpoint "$PX" --part-size 5MiB s3://bkt/f/emptyetag "$T/in"
metag=$(python3 -c 'import hashlib,sys
d=open(sys.argv[1],"rb").read(); n=5*1048576
ps=[d[i:i+n] for i in range(0,len(d),n)]
print(hashlib.md5(b"".join(hashlib.md5(p).digest() for p in ps)).hexdigest()+"-%d"%len(ps))' "$T/in")
is "$rc $(cut -d' ' -f4 "$T/out")" "0 $metag" "an empty ETag from Complete: the multipart ETag computed from the parts"
proxy emptyetag2 emptyetag:POST:uploadId=:1
run s3put --endpoint "$PX" --part-size 5MiB --json s3://bkt/f/emptyetag2 "$T/in"
like "$T/out" "\"etag\":\"$metag\"" "--json holds it too, never \"etag\":\"\""

# 15: input exactly one part long is one PUT, as the man page says.
head -c $((5 * MiB)) /dev/urandom >"$T/five"
proxy one
run s3put --endpoint "$PX" --part-size 5MiB s3://bkt/f/one "$T/five"
is "$rc $(grep -c 'uploads' "$PXLOG") $(grep -c '^PUT /bkt/f/one -> forward' "$PXLOG")" "0 0 1" \
	"input of exactly one part: a single PUT, no multipart upload"
is "$(same f/one)" "$(sha256sum <"$T/five" | cut -d' ' -f1)" "byte-identical"
run sh -c "cat '$T/five' | s3put --endpoint '$PX' --part-size 5MiB s3://bkt/f/one-stdin"
is "$rc $(grep -c 'uploads' "$PXLOG")" "0 0" "the same from a pipe"

# 12: control characters bound for a header are refused before anything is
# sent: 64 for options, 78 for the environment.
proxy hdr
run s3put --endpoint "$PX" --content-type "text/plain${cr}${nl}X-Injected: 1" s3://bkt/f/h "$T/five"
is "$rc" 64 "--content-type holding CR LF: 64"
like "$T/err" "^s3put: --content-type holds a control character$" "says which option"
run s3put --endpoint "$PX" --storage-class "STANDARD$nl" s3://bkt/f/h "$T/five"
is "$rc" 64 "--storage-class with a trailing newline: 64"
run s3put --endpoint "$PX" --sse aws:kms --sse-kms-key-id "key$cr" s3://bkt/f/h "$T/five"
is "$rc" 64 "--sse-kms-key-id with a carriage return: 64"
run s3ls --endpoint "$PX" --region "us-east-1$nl" s3://bkt/
is "$rc" 64 "--region with a trailing newline: 64"
AWS_REGION="us-east-1$nl" run s3ls --endpoint "$PX" s3://bkt/
is "$rc" 78 "AWS_REGION with a trailing newline: 78"
like "$T/err" "AWS_REGION holds a control character" "named"
AWS_SESSION_TOKEN="token$nl" run s3cat --endpoint "$PX" s3://bkt/f/one
is "$rc" 78 "AWS_SESSION_TOKEN with a trailing newline (a Secret from a file): 78"
like "$T/err" "the session token .*holds a control character" "named, never printed"
AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID$nl" run s3ls --endpoint "$PX" s3://bkt/f/
is "$rc" 78 "AWS_ACCESS_KEY_ID with a trailing newline: 78"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = a\033b\n' \
	"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$T/creds"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	AWS_SHARED_CREDENTIALS_FILE=$T/creds s3ls --endpoint "$PX" s3://bkt/ >"$T/out" 2>"$T/err"; echo $? >"$T/rc")
is "$(cat "$T/rc")" 78 "a session token with an escape in the shared credentials file: 78"
is "$(wc -l <"$PXLOG")" 0 "none of these sent a request"

# 14: --virtual-host cannot put a bucket in front of an IP or localhost.
run s3put --virtual-host --endpoint "http://127.0.0.1:$(cat "$T/s3.port")" s3://bkt/f/v "$T/five"
is "$rc" 64 "--virtual-host with an IP endpoint: a usage error"
like "$T/err" "--virtual-host.*127\.0\.0\.1.*--path-style" "saying why and what to use"
run s3ls --virtual-host --endpoint "http://localhost:$(cat "$T/s3.port")" s3://bkt/
is "$rc" 64 "--virtual-host with localhost: a usage error"

# 17 (item 4's check): a 206 without any Content-Range is not believed.
proxy nocr range:GET:f/one:0:nocr
run s3cat --endpoint "$PX" s3://bkt/f/one
is "$rc $(wc -c <"$T/out")" "65 0" "s3cat: a 206 without Content-Range: 65, nothing written"
like "$T/err" "the answer's Content-Range is missing" "saying so"

# 17: --unsigned-payload is refused over http wherever the endpoint comes from.
AWS_ENDPOINT_URL=$S3_ENDPOINT run s3put --unsigned-payload s3://bkt/f/u "$T/five"
is "$rc" 64 "--unsigned-payload with AWS_ENDPOINT_URL over http: 64"
like "$T/err" "only allowed over https" "as with --endpoint"

# 17: a 403 to s3cat's HEAD carries no reason; s3cat finds it out.
AWS_SECRET_ACCESS_KEY=wrong-secret run s3cat --endpoint "$S3_ENDPOINT" s3://bkt/f/one
is "$rc" 77 "s3cat with a wrong secret: 77"
like "$T/err" "SignatureDoesNotMatch" "the store's reason, not only 'HTTP 403'"

# 17 and 20: keys holding a carriage return or a terminal escape are refused
# (65, the others listed) and the message shows them escaped, never raw.
proxy crkey body200:GET:list-type:0:crkey
run s3ls --endpoint "$PX" s3://bkt/f/
is "$rc $(cut -f1 "$T/out" | tr '\n' ' ')" "65 f/c " "s3ls: a key holding CR is refused (65), the others listed"
like "$T/err" 'f/a\\rb' "its message shows \\r"
is "$(tr -d '\n' <"$T/err" | tr -dc '\r' | wc -c)" 0 "and holds no raw CR"
proxy esckey body200:GET:list-type:0:esckey
run s3ls --endpoint "$PX" s3://bkt/f/
is "$rc $(cut -f1 "$T/out" | tr '\n' ' ')" "65 f/c " "s3ls: a key holding ESC is refused (65), the others listed"
like "$T/err" 'f/a\\x1b\[2Jb' "its message shows \\x1b"
is "$(cat "$T/out" "$T/err" | tr -dc '\033' | wc -c)" 0 "no raw escape on stdout or stderr"
run s3ls --endpoint "$PX" --log-format json s3://bkt/f/
like "$T/err" '"msg":".*f/a\\u001b\[2Jb' "in JSON, \\u001b"

done_testing
