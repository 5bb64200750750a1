#!/bin/sh
# s3put through a fault-injecting proxy in front of the signature-checking
# S3 server: connection resets, 503 SlowDown, 500 and 200-with-Error on
# Complete, stalls past the deadline, clock skew, permanent failures and
# SIGTERM. Every upload either completes byte-identical or exits non-zero
# with nothing under KEY. Then TLS to the server with the test CA.
. "$(dirname "$0")/support/lib.sh"
. "$TOP/tests/support/pki.sh"
plan 88
s3_start bkt
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
export AWS_EC2_METADATA_DISABLED=true HOME=$T
head -c 12000000 /dev/urandom >"$T/in"
want=$(sha256sum <"$T/in" | cut -d' ' -f1)

# up NAME KEY [s3put options]: uploads $T/in through the proxy.
up() {
	name=$1 key=$2
	shift 2
	s3put --endpoint "$PX" --part-size 5MiB "$@" "s3://bkt/$key" "$T/in" >"$T/out" 2>"$T/err"
	rc=$?
}
same() { s3cat --endpoint "$S3_ENDPOINT" "s3://bkt/$1" 2>/dev/null | sha256sum | cut -d' ' -f1; }
absent() { s3ls --endpoint "$S3_ENDPOINT" "s3://bkt/$1" | wc -l; }

proxy reset reset:PUT:partNumber=2:1
up reset f/reset
is "$rc" 0 "a connection reset on part 2: retried, exit 0"
is "$(same f/reset)" "$want" "byte-identical"
is "$(grep -c 'partNumber=2.*' "$PXLOG")" 2 "part 2 was sent twice"

proxy slowdown status:PUT:partNumber=1:2:503:SlowDown
up slowdown f/slowdown
is "$rc" 0 "503 SlowDown twice on part 1: retried with backoff, exit 0"
is "$(same f/slowdown)" "$want" "byte-identical"
like "$T/err" 'SlowDown; retrying' "each retry is logged"

proxy c500 status:POST:uploadId=:1:500:InternalError
up c500 f/c500
is "$rc" 0 "500 on CompleteMultipartUpload: retried, exit 0"
is "$(same f/c500)" "$want" "byte-identical"

proxy c200 err200:POST:uploadId=:1
up c200 f/c200
is "$rc" 0 "Complete answering 200 with an <Error> body: retried, exit 0"
is "$(same f/c200)" "$want" "byte-identical"
is "$(grep -c '^POST .*uploadId=' "$PXLOG")" 2 "Complete was sent twice"

# A 200 without a CompleteMultipartUploadResult proves nothing: HEAD
# decides. Not forwarded (the object was never made): fail 75, aborted.
proxy cempty empty200:POST:uploadId=:1
up cempty f/cempty
is "$rc $(absent f/cempty)" "75 0" "Complete answered 200 with an empty body, object not made: exit 75, nothing under KEY"
like "$T/err" "the store answered 200 without a result and the object is not there" "says so"
like "$PXLOG" "^DELETE /bkt/f/cempty\?uploadId=" "and aborts the upload"
# Forwarded (the store made it) but the answer's body lost: HEAD finds every byte.
proxy cfwd fwdempty:POST:uploadId=:1
up cfwd f/cfwd
is "$rc $(same f/cfwd)" "0 $want" "Complete made the object but its answer was empty: HEAD confirms, exit 0, byte-identical"
like "$T/err" "HEAD finds the object with all [0-9]+ bytes" "with a warning that says how it knows"

proxy stall stall:PUT:partNumber=2:1
up stall f/stall --timeout 2s
is "$rc" 0 "part 2 stalls past --timeout 2s: retried, exit 0"
is "$(same f/stall)" "$want" "byte-identical"
like "$T/err" 'timed out' "the stall is reported as a timeout"

proxy skew skew:PUT:partNumber=1:1:600
up skew f/skew
is "$rc" 0 "RequestTimeTooSkewed with the server 10 minutes ahead: corrected, exit 0"
like "$T/err" "clock differs from ours by (599|600|601) s" "the skew is reported"
is "$(same f/skew)" "$want" "byte-identical"

proxy perm status:PUT:partNumber=2:0:503:SlowDown
up perm f/perm --retries 2
is "$rc" 75 "503 on every try of part 2: exit 75 after the retries"
like "$T/err" 'upload part 2 of s3://bkt/f/perm: 503 SlowDown' "naming the part and the error"
is "$(grep -c 'partNumber=2' "$PXLOG")" 3 "three tries, no more"
like "$PXLOG" '^DELETE /bkt/f/perm\?uploadId=' "the upload is aborted"
like "$T/err" 'abort multipart upload .*405' "the store's refusal to abort is a warning, not hidden"
is "$(absent f/perm)" 0 "nothing under KEY"

proxy denied status:PUT:partNumber=1:0:403:AccessDenied
up denied f/denied
is "$rc" 77 "403 AccessDenied on a part: exit 77"
is "$(grep -c 'partNumber=1' "$PXLOG")" 1 "not retried"
is "$(absent f/denied)" 0 "nothing under KEY"

proxy c400 status:POST:uploadId=:0:400:InvalidPart
up c400 f/c400
is "$rc" 65 "Complete refused with 400 InvalidPart: exit 65"
is "$(absent f/c400)" 0 "nothing under KEY"

proxy single reset:PUT:f/single:1
head -c 1000 "$T/in" | s3put --endpoint "$PX" s3://bkt/f/single >"$T/out" 2>"$T/err"
is "$?:$(head -c 1000 "$T/in" | sha256sum | cut -d' ' -f1)" "0:$(same f/single)" "a single PUT is retried after a reset too"

# s3cat: a reset on a ranged GET is retried from the last byte written; a
# 412 (the ETag no longer matches) means the object changed mid-read.
proxy catreset reset:GET:f/reset:1
is "$(s3cat --endpoint "$PX" --range-size 1MiB s3://bkt/f/reset 2>"$T/err" | sha256sum | cut -d' ' -f1)" "$want" \
	"s3cat: a reset on a range is retried, output byte-identical"
is "$(grep -c '^GET /bkt/f/reset' "$PXLOG")" 13 "12 ranges, one of them sent twice"
proxy cat412 status:GET:f/reset:1:412:PreconditionFailed
run s3cat --endpoint "$PX" s3://bkt/f/reset
is "$rc" 75 "s3cat: 412 on a range, the object changed: exit 75"
like "$T/err" '^s3cat: s3://bkt/f/reset changed while it was read \(ETag no longer ".*"\) after 0 bytes$' \
	"says the object changed and where"
# s3ls believes only a listing: an <Error> or a proxy's page in a 200, a
# truncated listing without a token, a store repeating itself, a key
# holding %00 (which would print as a shorter key, for s3rm to delete).
for kind in error html notoken sametoken; do
	proxy "ls$kind" "body200:GET:list-type=2:0:$kind"
	run s3ls --endpoint "$PX" --retries 0 s3://bkt/f/
	echo "$rc" >"$T/rc.$kind"
done
is "$(cat "$T/rc.error") $(cat "$T/rc.html") $(cat "$T/rc.notoken") $(cat "$T/rc.sametoken")" "75 75 75 75" \
	"s3ls: a 200 holding an <Error>, a proxy's page, a listing without its token, the same page again: exit 75 each"
run s3ls --endpoint "$PX" --retries 0 s3://bkt/f/
like "$T/err" "the store lists keys again or out of order" "the store repeating itself is named"
proxy lsnul body200:GET:list-type=2:0:nulkey
run s3ls --endpoint "$PX" s3://bkt/f/
is "$rc $(cut -f1 "$T/out" | tr '\n' ' ')" "65 f/c " "s3ls: a key holding %00 is refused like one holding a newline (65), the others listed"
# s3rm believes only a DeleteResult: "hello" or an <Error> in a 200 is no
# deletion, and no key is printed as deleted.
proxy rmhello body200:POST:delete:0:hello
printf 'f/x\nf/y\n' | s3rm --endpoint "$PX" s3://bkt/ >"$T/out" 2>"$T/err"
is "$? $(wc -l <"$T/out")" "75 0" "s3rm: a 200 saying 'hello': exit 75, no key called deleted"
proxy rmerr body200:POST:delete:0:error
printf 'f/x\n' | s3rm --endpoint "$PX" s3://bkt/ >"$T/out" 2>"$T/err"
is "$? $(wc -l <"$T/out")" "75 0" "s3rm: a 200 whose whole answer is an <Error>: exit 75, nothing called deleted"
like "$T/err" "the store answered 200 with an error \(InternalError\); try again" "saying so"
# Stores without DeleteObjects (Google Cloud Storage's XML API answers 501
# NotImplemented, or 400 InvalidArgument): each key gets its own DELETE,
# for the rest of the run; a key that is not there counts as deleted.
for k in 1 2 3 4; do printf 'g' | s3put --endpoint "$S3_ENDPOINT" "s3://bkt/gcs/k$k" >/dev/null 2>&1; done
proxy gcs501 status:POST:delete:0:501:NotImplemented
printf 'gcs/k1\ngcs/k2\ngcs/nothere\n' | s3rm --endpoint "$PX" s3://bkt/ >"$T/out" 2>"$T/err"
is "$? $(grep -c '^deleted ' "$T/out") $(s3ls --endpoint "$S3_ENDPOINT" s3://bkt/gcs/ | cut -f1 | tr '\n' ' ')" "0 3 gcs/k3 gcs/k4 " \
	"s3rm, no DeleteObjects (501 NotImplemented): each key deleted with its own DELETE, a missing one counted deleted"
like "$T/err" "s3://bkt/ has no DeleteObjects \(501 NotImplemented\): deleting each key with its own DELETE" "saying so"
is "$(grep -c '^POST .*delete' "$T/proxy-gcs501.log") $(grep -c '^DELETE ' "$T/proxy-gcs501.log")" "1 3" \
	"one DeleteObjects tried, then three DELETEs"
proxy gcs400 status:POST:delete:0:400:InvalidArgument
run s3rm --endpoint "$PX" s3://bkt/ gcs/k3
is "$rc $(s3ls --endpoint "$S3_ENDPOINT" s3://bkt/gcs/ | cut -f1 | tr '\n' ' ')" "0 gcs/k4 " "400 InvalidArgument to DeleteObjects: the same"
proxy gcsdenied status:DELETE:gcs/k4:0:403:AccessDenied
run s3rm --per-key --endpoint "$PX" s3://bkt/ gcs/k4 gcs/gone
is "$rc $(grep -c '^deleted ' "$T/out") $(grep -c '^POST' "$T/proxy-gcsdenied.log")" "77 1 0" \
	"--per-key: no DeleteObjects at all; a key refused (403) is reported (77), the next one deleted"
like "$T/err" "delete s3://bkt/gcs/k4: .*AccessDenied" "naming the refused key"
run s3rm --per-key --endpoint "$S3_ENDPOINT" s3://nosuchbucket/ a b
is "$rc $(grep -c '^deleted' "$T/out")" "66 0" "--per-key on a bucket that does not exist: 66 at the first key"
like "$T/err" "s3://nosuchbucket/.*NoSuchBucket" "naming it"

# A 206 for another range than asked (a cache, a proxy, a store bug) or
# from another object (its ETag) is never written as if right.
proxy catrange range:GET:f/reset:1:shift
run s3cat --endpoint "$PX" s3://bkt/f/reset
is "$rc $(wc -c <"$T/out")" "65 0" "s3cat: a 206 whose Content-Range is not the range asked for: exit 65, nothing written"
like "$T/err" "^s3cat: GET s3://bkt/f/reset: asked for bytes 0-8388607 of [0-9]+, the answer's Content-Range is bytes 1-8388608/\\*$" \
	"naming the range asked for and the one answered"
proxy catetag range:GET:f/reset:1:etag
run s3cat --endpoint "$PX" s3://bkt/f/reset
is "$rc $(wc -c <"$T/out")" "75 0" "s3cat: a range of another ETag: the object changed, exit 75, nothing written"
like "$T/err" 'changed while it was read \(ETag ".*", then "0123456789abcdef0123456789abcdef"\) after 0 bytes$' "and says so"

# SIGTERM mid-upload: input trickles in, the signal arrives after parts went up.
proxy term
mkfifo "$T/fifo"
( head -c 11000000 "$T/in"; sleep 30 ) >"$T/fifo" &
feeder=$!
s3put --endpoint "$PX" --part-size 5MiB s3://bkt/f/term "$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ "$(grep -c 'partNumber=2' "$PXLOG")" = 0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM mid-upload: exit 143"
kill $feeder 2>/dev/null
like "$PXLOG" '^DELETE /bkt/f/term\?uploadId=' "the upload is aborted on the way out"
like "$T/err" 'interrupted by SIGTERM' "says so"
is "$(absent f/term)" 0 "nothing under KEY"

# TLS: the same server over HTTPS with the test CA.
pki_make "$T/pki"
s3tls_start "$T/pki/server.key" "$T/pki/server.crt" bkt
TLSE=$S3TLS_ENDPOINT
run s3put --endpoint "$TLSE" --cacert "$T/pki/ca.crt" --part-size 5MiB s3://bkt/tls "$T/in"
is "$rc" 0 "https with --cacert: uploaded"
is "$(s3cat --endpoint "$TLSE" --cacert "$T/pki/ca.crt" s3://bkt/tls | sha256sum | cut -d' ' -f1)" "$want" "read back over https, byte-identical"
AWS_CA_BUNDLE=$T/pki/ca.crt run s3ls --endpoint "$TLSE" s3://bkt/
is "$rc:$(cut -f1 "$T/out")" "0:tls" "AWS_CA_BUNDLE is honoured"
run s3put --endpoint "$TLSE" --cacert "$T/pki/other-ca.crt" s3://bkt/tls2 "$T/in"
is "$rc" 69 "an untrusted certificate: 69"
like "$T/err" 'certificate' "naming the certificate problem"
run s3put --endpoint "$TLSE" --insecure --unsigned-payload s3://bkt/tls3 "$T/in"
is "$rc" 0 "--insecure --unsigned-payload over https"
run s3put --endpoint "$TLSE" --insecure --unsigned-payload --part-size 5MiB s3://bkt/tls4 "$T/in"
is "$rc" 0 "--unsigned-payload in parts over https"
is "$(s3cat --endpoint "$TLSE" --insecure s3://bkt/tls4 | sha256sum | cut -d' ' -f1)" "$want" "read back byte-identical"

# --- End-to-end checksums -------------------------------------------------------------
head -c 6291456 "$T/in" >"$T/six"
printf 'a small object' >"$T/bare0"
crc_oracle=$(python3 -c '
import base64, sys
t = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    t.append(c)
c = 0xFFFFFFFF
for b in open(sys.argv[1], "rb").read():
    c = t[(c ^ b) & 0xFF] ^ (c >> 8)
print(base64.b64encode((c ^ 0xFFFFFFFF).to_bytes(4, "big")).decode())' "$T/six")
run s3put --endpoint "$S3_ENDPOINT" --json --checksum crc32c --part-size 5MiB s3://bkt/ck/multi "$T/six"
is "$rc" 0 "--checksum crc32c, a multipart upload (5 MiB + 1 MiB): exit 0"
is "$(sed -n 's/.*"checksum_crc32c":"\([^"]*\)".*/\1/p' "$T/out")" "$crc_oracle" \
	"the full-object CRC-32C combined from the parts' = the CRC-32C of the whole stream (computed in Python)"
run s3put --endpoint "$S3_ENDPOINT" --json --checksum crc32c s3://bkt/ck/single "$T/six"
is "$(sed -n 's/.*"checksum_crc32c":"\([^"]*\)".*/\1/p' "$T/out")" "$crc_oracle" "and the single PUT's"
run s3put --endpoint "$S3_ENDPOINT" --checksum md5 s3://bkt/ck/x "$T/six"
is "$rc" 64 "--checksum md5: usage error"

proxy flip1 flipreq:PUT:partNumber=2:1
up flip1 ck/flip1 --checksum sha256
is "$rc" 0 "part 2 damaged on its way once: its ETag is not its MD5, it is sent again, exit 0"
is "$(same ck/flip1)" "$want" "byte-identical"
like "$T/err" "upload part 2 of s3://bkt/ck/flip1: the store's ETag .* is not the part's MD5 .*: it received other bytes; sending the part again" \
	"the damaged part named in the warning (s3rver checks no Content-MD5; the ETag shows it)"
proxy flipall flipreq:PUT:partNumber=2:0
up flipall ck/flipall --retries 1
is "$rc" 75 "damaged every time: exit 75 after the retries"
like "$T/err" "after 2 tries: it keeps receiving other bytes" "saying so"
is "$(absent ck/flipall)" 0 "nothing stored"
proxy flipone flipreq:PUT:ck/flipone:1
run s3put --endpoint "$PX" s3://bkt/ck/flipone "$T/bare0"
is "$rc:$(s3cat --endpoint "$S3_ENDPOINT" s3://bkt/ck/flipone)" "0:a small object" "a single PUT damaged once: sent again, exit 0, intact"
proxy flipone2 flipreq:PUT:ck/flipone2:0
run s3put --endpoint "$PX" --retries 1 s3://bkt/ck/flipone2 "$T/bare0"
is "$rc:$(absent ck/flipone2)" "75:0" "damaged every time: 75, and the damaged object deleted"

proxy fliprsp fliprsp:GET:ck/single:0
run s3cat --endpoint "$PX" s3://bkt/ck/single
is "$rc" 0 "an object damaged on its way back, without --verify: exit 0, unseen"
run s3cat --endpoint "$PX" --verify s3://bkt/ck/single
is "$rc" 65 "s3cat --verify: exit 65"
like "$T/err" "the 6291456 bytes read have the SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} recorded at upload \(its x-amz-meta-sha256\)" \
	"naming both checksums and where the recorded one comes from"
proxy fliprsp2 fliprsp:GET:f/reset:0
run s3cat --endpoint "$PX" --verify s3://bkt/f/reset
is "$rc" 65 "a multipart upload damaged on its way back: --verify finds it against s3put's tag"
like "$T/err" "recorded at upload \(its tag sha256\)" "saying which"
run s3cat --endpoint "$S3_ENDPOINT" --verify s3://bkt/f/reset
is "$rc:$(sha256sum <"$T/out" | cut -d' ' -f1)" "0:$want" "undamaged: --verify passes, byte-identical"
printf 'not uploaded by s3put' >"$T/bare"
python3 "$TOP/tests/s3/botoctl.py" "$S3_ENDPOINT" put bkt ck/bare "$T/bare"
run s3cat --endpoint "$S3_ENDPOINT" --verify s3://bkt/ck/bare
is "$rc:$(wc -c <"$T/out")" "65:0" "no checksum recorded: --verify exits 65 and writes nothing"
like "$T/err" "no checksum is recorded for it" "saying so"
done_testing
