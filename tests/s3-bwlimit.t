#!/bin/sh
# --bwlimit on s3put and s3cat against the signature-checking S3 server:
# 30 MiB each way at 1 MiB a second, at the same time, must take 30 s
# within 10% (the limit is a property of the program, not a speed: a
# machine too busy to move 1 MiB a second fails it, and says so); a limit
# too low for the request deadline is a usage error; SIGTERM ends a
# throttled upload at once and leaves nothing.
. "$(dirname "$0")/support/lib.sh"
plan 10
s3_start bkt
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ENDPOINT_URL_S3
export AWS_EC2_METADATA_DISABLED=true HOME=$T AWS_ENDPOINT_URL="$S3_ENDPOINT"
head -c 31457280 /dev/urandom >"$T/in"
s3put s3://bkt/down "$T/in" >/dev/null

# now: the time to the nanosecond; rate BYTES FROM TO: MiB a second.
now() { date +%s.%N; }
rate() { awk -v b="$1" -v a="$2" -v z="$3" 'BEGIN { printf "%.3f", b / (z - a) / 1048576 }'; }
within() { awk -v r="$1" 'BEGIN { exit !(r >= 0.9 && r <= 1.1) }'; }

t0=$(now)
s3put --bwlimit 1MiB --part-size 5MiB s3://bkt/up "$T/in" >"$T/put.out" 2>"$T/put.err" &
ppid=$!
s3cat --bwlimit 1MiB s3://bkt/down >"$T/down" 2>"$T/cat.err"
crc=$?
t1=$(now)
wait "$ppid"
prc=$?
t2=$(now)
is "$prc" 0 "s3put --bwlimit 1MiB of 30 MiB: exit 0"
is "$crc" 0 "s3cat --bwlimit 1MiB of 30 MiB, at the same time: exit 0"
up=$(rate 31457280 "$t0" "$t2")
down=$(rate 31457280 "$t0" "$t1")
diag "upload $up MiB/s, download $down MiB/s"
ok $(within "$up"; echo $?) "the upload ran at $up MiB/s: within 10% of 1 MiB/s"
ok $(within "$down"; echo $?) "the download ran at $down MiB/s: within 10% of 1 MiB/s"
is "$(s3cat s3://bkt/up | cmp - "$T/in" && cmp "$T/down" "$T/in" && echo same)" same "both byte-identical"

run s3put --bwlimit 10KiB s3://bkt/x "$T/in"
is "$rc" 64 "a limit at which one part outlasts --timeout: usage error"
like "$T/err" "a part of 16777216 bytes takes 1638 s at that rate, longer than --timeout \(300 s\)" "saying why"
run s3cat --bwlimit 100 s3://bkt/down
is "$rc" 64 "a limit under 1KiB: usage error"

s3put --bwlimit 100KiB --part-size 5MiB s3://bkt/term "$T/in" >/dev/null 2>"$T/err" &
tpid=$!
sleep 2
t0=$(now)
kill -TERM "$tpid"
wait "$tpid"
trc=$?
t1=$(now)
is "$trc" 143 "SIGTERM during a throttled upload: 143"
is "$(s3ls s3://bkt/term | wc -l)" 0 "nothing stored"
diag "it ended $(awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.2f", z - a }') s after the signal"
done_testing
