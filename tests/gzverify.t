#!/bin/sh
# gzverify as a user runs it: options, every exit code, messages, pass-through
# modes, checksums, the dump trailer, signals and closed pipes.
. "$(dirname "$0")/support/lib.sh"
plan 74

seq 1 200000 >"$T/data"
gzip -c "$T/data" >"$T/a.gz"
"$PGOPS_TESTBIN/gzwrite" -c 64K <"$T/data" >"$T/ours.gz"
head -c 30000 "$T/a.gz" >"$T/cut.gz"
cp "$T/ours.gz" "$T/bad.gz"
printf '\377' | dd of="$T/bad.gz" bs=1 seek=200000 conv=notrunc 2>/dev/null

# Usage and help.
run gzverify --help
is "$rc" 0 "--help exits 0"
like "$T/out" '^usage: gzverify \[options\] \[FILE\.\.\.\]' "--help prints usage on stdout"
run gzverify --version
is "$rc $(cat "$T/out")" "0 gzverify (pgops) 0.1.0" "--version"
run gzverify --frobnicate
is "$rc" 64 "unknown option is exit 64"
like "$T/err" "Try 'gzverify --help'" "and points to --help"
run gzverify -c --tee "$T/a.gz"
is "$rc" 64 "-c with --tee is a usage error"
like "$T/err" '^gzverify: -c and --tee both want stdout' "and says why"
run gzverify --json -c "$T/a.gz"
is "$rc" 64 "--json with -c is a usage error"
run gzverify --sha256 --tee "$T/a.gz"
is "$rc" 64 "--sha256 to stdout with --tee is a usage error"
run gzverify -q -v "$T/a.gz"
is "$rc" 64 "-q with -v is a usage error"
run gzverify --min-size 12X "$T/a.gz"
is "$rc" 64 "bad --min-size is a usage error"
like "$T/err" "--min-size: '12X' is not a size" "and names the option and value"
run gzverify --input-timeout 0 "$T/a.gz"
is "$rc $(head -n 1 "$T/err")" "64 gzverify: --input-timeout must be more than 0" "--input-timeout 0 is a usage error"
run gzverify -j 0 "$T/a.gz"
is "$rc" 64 "-j 0 is a usage error"

# Verdicts and exit codes.
run gzverify "$T/a.gz" "$T/ours.gz"
is "$rc:$(cat "$T/out" "$T/err")" "0:" "valid files: exit 0, silent"
run gzverify "$T/nope.gz"
is "$rc" 66 "missing file is exit 66"
is "$(cat "$T/err")" "gzverify: $T/nope.gz: No such file or directory" "and names it"
run gzverify "$T"
is "$rc" 66 "a directory is exit 66"
if [ -r /proc/self/mem ]; then
	run gzverify /proc/self/mem
	is "$rc" 74 "read error is exit 74"
	like "$T/err" 'read /proc/self/mem: ' "and says what it could not read"
else
	skip "no /proc/self/mem"; skip "no /proc/self/mem"
fi
run gzverify "$T/cut.gz"
is "$rc" 1 "truncated file is exit 1"
is "$(cat "$T/err")" "gzverify: $T/cut.gz: member 1 at byte 30000: truncated: input ends inside the compressed data" "truncation message names file, member, offset"
run gzverify -j2 "$T/bad.gz"
is "$rc" 1 "damaged indexed file is exit 1"
like "$T/err" "^gzverify: $T/bad.gz: member [0-9]+ at byte [0-9]+: (invalid deflate data|CRC-32 mismatch)" "damage reported with member and offset"
run gzverify "$T/nope.gz" "$T/cut.gz" "$T/a.gz"
is "$rc" 66 "mixed failures: the largest code wins"
is "$(wc -l <"$T/err")" 2 "one line per failing input"
(cat "$T/a.gz"; printf 'junk') >"$T/junk.gz"
run gzverify "$T/junk.gz"
is "$rc" 1 "trailing garbage is exit 1"
like "$T/err" 'trailing garbage after the last gzip member \(--allow-trailing-garbage accepts it\)' "with a hint"
run gzverify --allow-trailing-garbage -v "$T/junk.gz"
is "$rc" 0 "--allow-trailing-garbage accepts it"
like "$T/err" 'trailing bytes ignored' "and -v says so"
(cat "$T/a.gz"; head -c 4096 /dev/zero) >"$T/zeros.gz"
run gzverify "$T/zeros.gz"
is "$rc" 0 "zero padding after the last member is fine"
run gzverify -q "$T/cut.gz"
is "$rc:$(cat "$T/err")" "1:" "-q: exit status only"
run gzverify <"$T/cut.gz"
like "$T/err" '^gzverify: \(stdin\): member 1' "stdin is named (stdin)"

# Pass-through modes.
run gzverify -c "$T/a.gz" "$T/ours.gz"
cat "$T/data" "$T/data" | cmp -s - "$T/out"
ok $? "-c writes the decompressed data of every input, in order"
run gzverify -c -j2 "$T/bad.gz"
is "$rc" 1 "-c on a damaged file exits 1"
run gzverify --tee <"$T/ours.gz"
cmp -s "$T/out" "$T/ours.gz"
ok $? "--tee copies the compressed input unchanged"
is "$rc" 0 "--tee on valid input exits 0"
run gzverify --tee <"$T/cut.gz"
is "$rc" 1 "--tee on truncated input exits 1"
sh -c 'gzverify -c "$1"; echo $? >"$2"' sh "$T/a.gz" "$T/rc" 2>"$T/err" | head -c 10 >/dev/null
is "$(cat "$T/rc")" 74 "stdout closed early: exit 74"
like "$T/err" 'write to stdout: Broken pipe' "and says so"

# Checksums.
run gzverify --sha256 "$T/a.gz" "$T/ours.gz"
sha256sum "$T/a.gz" "$T/ours.gz" >"$T/want"
cmp -s "$T/out" "$T/want"
ok $? "--sha256 prints what sha256sum prints"
run gzverify -c --sha256="$T/sums" "$T/a.gz"
sha256sum "$T/a.gz" | cmp -s - "$T/sums"
ok $? "--sha256=FILE with -c writes the sums to FILE"
run gzverify --sha256="$T/sums2" "$T/a.gz" "$T/cut.gz"
[ "$rc" = 1 ] && [ ! -e "$T/sums2" ] && [ -z "$(ls "$T" | grep 'sums2.tmp')" ]
ok $? "--sha256=FILE: no FILE and no temporary when an input fails"
run gzverify --sha256="$T/no/such/dir/sums" "$T/a.gz"
is "$rc" 73 "--sha256=FILE in a missing directory: exit 73"
like "$T/err" "cannot create $T/no/such/dir/sums: No such file" "and names it"
run gzverify --check-sha256 "$T/want" "$T/a.gz" "$T/ours.gz"
is "$rc" 0 "--check-sha256 passes for the listed files"
# Change the first digit of each sum (to 1 if it is 0, else to 0).
awk '{ print (substr($0, 1, 1) == "0" ? "1" : "0") substr($0, 2) }' "$T/want" >"$T/wrong"
run gzverify --check-sha256 "$T/wrong" "$T/a.gz"
is "$rc" 1 "--check-sha256 mismatch is exit 1"
like "$T/err" 'SHA-256 mismatch: computed [0-9a-f]{64}' "and says mismatch"
run gzverify --check-sha256 "$T/want" "$T/junk.gz" "$T/a.gz"
like "$T/err" "junk.gz: at byte [0-9]+: trailing garbage" "corruption is reported before checksum"
sha256sum "$T/a.gz" | sed 's|  .*|  db.sql.gz|' >"$T/one"
run gzverify --check-sha256 "$T/one" <"$T/a.gz"
is "$rc" 0 "one stdin input against a one-line sum file"
printf 'not a sum line\n' >"$T/garbled"
run gzverify --check-sha256 "$T/garbled" "$T/a.gz"
is "$rc" 65 "a garbled sum file is exit 65"
run gzverify --check-sha256 "$T/absent" "$T/a.gz"
is "$rc" 66 "a missing sum file is exit 66"

# The pgdump-stream completion trailer and --min-size.
printf 'CREATE TABLE t (a int);\nCOPY t FROM stdin;\n1\n\\.\n' >"$T/dump.sql"
n=$(wc -c <"$T/dump.sql")
printf -- '-- pgdump-stream: dump complete (%d bytes before this line)\n' "$n" >>"$T/dump.sql"
gzip -c "$T/dump.sql" >"$T/dump.gz"
run gzverify --require-trailer "$T/dump.gz"
is "$rc" 0 "--require-trailer accepts a complete dump"
head -n 3 "$T/dump.sql" | gzip -c >"$T/nodone.gz"
run gzverify --require-trailer "$T/nodone.gz"
is "$rc" 1 "--require-trailer refuses a dump without the trailer"
like "$T/err" 'does not end with pgdump-stream.s completion trailer' "and says why"
(head -n 2 "$T/dump.sql"; tail -n 1 "$T/dump.sql") | gzip -c >"$T/spliced.gz"
run gzverify --require-trailer "$T/spliced.gz"
is "$rc" 1 "--require-trailer refuses a spliced dump"
like "$T/err" "completion trailer claims $n bytes but" "with both counts"
run gzverify --min-size 1M "$T/dump.gz"
is "$rc" 1 "--min-size refuses a small dump"
like "$T/err" 'decompressed bytes, less than --min-size 1048576' "and says so"
run gzverify --min-size 1K "$T/a.gz"
is "$rc" 0 "--min-size passes a large enough file"

# Reports.
run gzverify --json "$T/a.gz" "$T/cut.gz" "$T/ours.gz"
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["status"] for r in rows] == ["ok", "truncated", "ok"], rows
assert rows[1]["exit"] == 1 and rows[1]["error_offset"] == 30000, rows[1]
assert rows[2]["members"] == rows[2]["indexed"] > 1, rows[2]
assert rows[0]["decompressed_bytes"] == int(sys.argv[2]), rows[0]
' "$T/out" "$(wc -c <"$T/data")"
ok $? "--json: one valid JSON object per input with status, sizes, members"
run gzverify -v "$T/ours.gz"
like "$T/err" "^gzverify: $T/ours.gz: ok: [0-9]+ members \([0-9]+ indexed\), " "-v: members, sizes, ratio"
run gzverify --log-format=json "$T/cut.gz"
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); assert d["prog"]=="gzverify" and d["level"]=="error" and "truncated" in d["msg"], d' "$T/err"
ok $? "--log-format=json: errors as JSON lines"
run gzverify --log-format=yaml "$T/a.gz"
is "$rc" 64 "unknown --log-format is a usage error"

# Signals: SIGTERM while waiting on input ends it with 143.
mkfifo "$T/fifo"
# The writer holds the FIFO open until killed after the last case: one
# that ended on a timer of its own would leave a slow run's later cases
# blocked opening a FIFO no one writes.
sleep 3600 >"$T/fifo" 2>/dev/null &
holder=$!
gzverify "$T/fifo" 2>"$T/err" &
pid=$!
# Signal handlers are set before inputs are opened: wait for the open FIFO.
i=0
until ls -l /proc/$pid/fd 2>/dev/null | grep -q fifo || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM exits 143"
like "$T/err" 'interrupted by SIGTERM' "and says so"
# A SIGINT or SIGHUP ignored by whoever started it stays ignored (nohup
# ignores SIGHUP; this shell starts a background job with SIGINT ignored).
# sig_then_term PID SIG: send SIG, wait until it is no longer pending (a
# caught one has reached its handler, an ignored one was dropped), then
# SIGTERM; the exit status says which of the two the program took.
sig_then_term() {
	kill -"$2" "$1"
	i=0
	while grep -q '^ShdPnd:.*[1-9a-f]' "/proc/$1/status" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.2
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	sigrc=$?
}
for how in nohup:HUP nohup:INT default:HUP default:INT; do
	case $how in
	nohup:*) nohup gzverify "$T/fifo" >/dev/null 2>"$T/err" & ;;
	default:*) perl -e '$SIG{INT} = $SIG{HUP} = "DEFAULT"; exec @ARGV or die' "$PGOPS_BIN/gzverify" "$T/fifo" 2>"$T/err" & ;;
	esac
	pid=$!
	i=0
	until ls -l /proc/$pid/fd 2>/dev/null | grep -q fifo || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ $i -lt 100 ] || diag "$how: gzverify did not open the FIFO in 10 s"
	sig_then_term $pid "${how#*:}"
	case $how in
	nohup:*) want="143 SIGTERM" ;;
	default:HUP) want="129 SIGHUP" ;;
	default:INT) want="130 SIGINT" ;;
	esac
	is "$sigrc $(sed -n 's/.*interrupted by //p' "$T/err")" "$want" \
		"SIG${how#*:} $([ "${how%:*}" = nohup ] && echo "ignored by nohup and a background job: ignored" || echo "at its default: caught")"
done
kill $holder 2>/dev/null
# A stalled pipe: --input-timeout gives up (75); the default waits.
mkfifo "$T/fifo2"
sleep 30 >"$T/fifo2" &
holder=$!
run gzverify --input-timeout 1s "$T/fifo2"
is "$rc" 75 "--input-timeout 1s on a pipe that stalls: 75"
like "$T/err" "$T/fifo2: no input for 1000 ms" "naming the input and the wait"
kill $holder 2>/dev/null

# Issue 20 item 16: "the CPUs" is what the cgroup's CPU limit allows, not
# the machine's count: a 1-CPU quota gets one thread.
cg=
if [ "$(id -u)" = 0 ] && [ "$(nproc)" -ge 2 ]; then
	if [ -w /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && mkdir "/sys/fs/cgroup/cpu/pgops-$$" 2>/dev/null; then
		cg=/sys/fs/cgroup/cpu/pgops-$$
		echo 100000 >"$cg/cpu.cfs_period_us" && echo 100000 >"$cg/cpu.cfs_quota_us" || cg=
	elif [ -e /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control &&
		mkdir "/sys/fs/cgroup/pgops-$$" 2>/dev/null; then
		cg=/sys/fs/cgroup/pgops-$$
		echo "100000 100000" >"$cg/cpu.max" || cg=
	fi
fi
if [ -n "$cg" ]; then
	cg_rm() { rmdir "$cg"; }
	on_exit cg_rm
	mkfifo "$T/fifo3"
	sleep 30 >"$T/fifo3" &
	holder=$!
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2/gzverify" "$3"' sh "$cg" "$PGOPS_BIN" "$T/fifo3" 2>"$T/err" &
	pid=$!
	i=0
	until ls -l /proc/$pid/fd 2>/dev/null | grep -q fifo3 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	is "$(ls /proc/$pid/task | wc -l)" 1 "under a 1-CPU quota on $(nproc) CPUs: no worker threads"
	kill -TERM $pid
	wait $pid
	kill $holder 2>/dev/null
	sleep 30 >"$T/fifo3" &
	holder=$!
	"$PGOPS_BIN/gzverify" "$T/fifo3" 2>"$T/err" &
	pid=$!
	i=0
	until ls -l /proc/$pid/fd 2>/dev/null | grep -q fifo3 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	is "$(ls /proc/$pid/task | wc -l)" "$(($(nproc) + 1))" "outside it: one per CPU (and the main thread)"
	kill -TERM $pid
	wait $pid
	kill $holder 2>/dev/null
else
	skip "no writable cgroup CPU controller here (needs root)"
	skip "no writable cgroup CPU controller here (needs root)"
fi
done_testing
