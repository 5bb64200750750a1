#!/bin/sh
# prune-backups as operators run it: on a directory of real files (symlinks,
# subdirectories, hostile names, permission errors, files vanishing), on
# s3ls-style stdin, and every safety rule, output and exit code.
. "$(dirname "$0")/support/lib.sh"
plan 70
NOW=--now=2026-11-22T12:00:00Z
B=$T/b
mkdir -p "$B"
# 20 daily dumps, Nov 1 to Nov 20, 1000 bytes each.
for d in $(seq -w 1 20); do head -c 1000 /dev/zero >"$B/db-202611${d}T020000Z.sql.gz"; done

# The man page's worked example.
for d in $(seq -w 1 20); do echo "db-202611${d}T020000Z.sql.gz"; done >"$T/example"
run prune-backups $NOW --keep-daily 3 --keep-weekly 2 --keep-monthly 2 -v <"$T/example"
is "$(grep '^KEEP' "$T/err" | awk '{print substr($4, 10, 2) ":" $5}' | tr '\n' ' ')" \
	"20:daily,weekly,monthly 19:daily 18:daily 15:weekly 01:monthly,oldest " "the man page's worked example holds"

run prune-backups "$B"
is "$rc" 64 "an empty policy is refused"
like "$T/err" 'no policy given' "and says so"
run prune-backups --keep-daily x "$B"
is "$rc" 64 "a bad count is a usage error"
run prune-backups --keep-within 7x "$B"
like "$T/err" "--keep-within: '7x' is not a duration" "a bad duration names the option"
run prune-backups --keep-daily 3 --delete
is "$rc" 64 "--delete without DIR is a usage error"
run prune-backups --keep-daily 3 --delete --check "$B"
is "$rc" 64 "--delete with --check is a usage error"
run prune-backups --keep-daily 3 --delete-small "$B"
is "$rc" 64 "--delete-small without --min-size is a usage error"
run prune-backups --keep-daily 3 --max-delete-ratio 1.5 "$B"
is "$rc" 64 "a ratio above 1 is a usage error"
run prune-backups --keep-daily 3 --tz CET "$B"
like "$T/err" "--tz: 'CET' is not UTC, local, or \+HH:MM/-HH:MM" "a zone name other than UTC/local is a usage error"
run prune-backups --keep-daily 3 --time-format db-date "$B"
is "$rc" 64 "--time-format without a % field is a usage error"
run prune-backups --keep-daily 3 --use-mtime </dev/null
is "$rc" 64 "--use-mtime on stdin is a usage error"
run prune-backups --keep-daily 3 --now yesterday "$B"
is "$rc" 64 "--now must be RFC 3339"
run prune-backups --keep-daily 3 "$B" "$B"
like "$T/err" 'one DIR at most' "two DIRs: usage error"
run prune-backups --keep-daily 3 "$T/nonexistent"
is "$rc" 66 "a missing DIR is exit 66"

# A name dated in the future (a typo; ten digits read as epoch seconds)
# stands in for no real backup: the real newest is never deleted, and the
# stray names fill neither --keep-last nor --min-keep.
F=$T/future
mkdir -p "$F"
for d in $(seq -w 1 20); do head -c 1000 /dev/zero >"$F/db-202611${d}T020000Z.sql.gz"; done
touch "$F/db-20621122T000000Z.sql.gz" "$F/db-9999999999.sql.gz"
run prune-backups $NOW --keep-last 1 --min-keep 2 "$F"
is "$rc $(wc -c <"$T/out")" "1 0" "future names do not count toward --min-keep: a plan keeping one real backup is refused"
run prune-backups $NOW --keep-last 1 --delete "$F"
is "$rc $(ls "$F" | tr '\n' ' ')" "0 db-20261120T020000Z.sql.gz db-20621122T000000Z.sql.gz db-9999999999.sql.gz " \
	"--keep-last 1: the real newest is kept, and the future-dated names are kept beside it"
like "$T/err" "2 backups dated in the future: kept, and counted neither as the newest nor toward the keep rules" \
	"with a warning that says what was done with them"
run prune-backups $NOW --keep-daily 3 "$B"
is "$rc" 0 "a plan: exit 0"
is "$(wc -l <"$T/out")" 17 "prints the 17 to delete"
like "$T/out" "^$B/db-20261117T020000Z.sql.gz$" "as DIR/name, ready for xargs rm"
unlike "$T/out" "20261118|20261119|20261120" "never the three newest"
is "$(ls "$B" | wc -l)" 20 "and deletes nothing"
run prune-backups $NOW --keep-daily 3 --check "$B"
is "$rc" 1 "--check: exit 1 when something would be deleted"
run prune-backups $NOW --keep-daily 30 --check "$B"
is "$rc" 0 "--check: exit 0 when nothing would be"

run prune-backups $NOW --keep-daily 3 --max-delete 10 "$B"
is "$rc:$(cat "$T/out")" "1:" "--max-delete refuses the whole plan, prints nothing"
like "$T/err" 'refusing: the plan deletes 17 backups, more than --max-delete 10; nothing deleted' "and says why"
run prune-backups $NOW --keep-daily 3 --max-delete-ratio 0.5 "$B"
like "$T/err" 'deletes 17 of 20 backups, more than --max-delete-ratio 0.5' "--max-delete-ratio refuses too"
run prune-backups $NOW --keep-daily 3 --min-keep 5 "$B"
like "$T/err" 'the plan keeps 3 backups, fewer than --min-keep 5' "--min-keep refuses a plan leaving too few"
is "$rc" 1 "with exit 1"

# Failed (small) dumps never count and are never deleted by default.
head -c 10 /dev/zero >"$B/db-20261121T020000Z.sql.gz"
run prune-backups $NOW --keep-last 2 --min-size 500 -v "$B"
unlike "$T/out" '20261121|20261120|20261119' "a failed newest dump does not push out good ones"
like "$T/err" 'KEEP .* db-20261121T020000Z.sql.gz +small$' "-v explains: kept as small (failed)"
run prune-backups $NOW --keep-last 2 --min-size 500 "$B"
is "$(wc -l <"$T/out")" 18 "two good dumps kept besides the failed one"
head -c 10 /dev/zero >"$B/db-20261101T030000Z.sql.gz"
run prune-backups $NOW --keep-last 2 --min-size 500 --delete-small "$B"
like "$T/out" 'db-20261101T030000Z' "--delete-small deletes failed dumps"
unlike "$T/out" 'db-20261121T020000Z' "but never the newest backup"
rm "$B/db-20261101T030000Z.sql.gz" "$B/db-20261121T020000Z.sql.gz"

# Things in DIR that are not backups, and names with no time.
mkdir "$B/db-20260101T000000Z.sql.gz.d"
ln -s "$B/db-20261101T020000Z.sql.gz" "$B/db-20250101T000000Z.sql.gz"
ln -s /etc/passwd "$B/db-20240101T000000Z.sql.gz"
: >"$B/db-20261120T030000Z.sql.gz.tmp-ab12cd"
: >"$B/.db-20200101T000000Z.sql.gz"
: >"$B/notes.txt"
run prune-backups $NOW --keep-daily 3 -v "$B"
unlike "$T/out" 'db-2026010|db-2025|db-2024|tmp-|notes|/\.db' "symlinks, subdirectories, temporary and hidden files, undated names: never listed"
like "$T/err" 'KEEP .* notes.txt +no-time' "-v shows the undated file kept"
like "$T/err" "1 name without a time: never deleted" "and warns about it"
run prune-backups $NOW --keep-daily 3 --pattern 'db-*.sql.gz' -v "$B"
unlike "$T/err" 'notes.txt' "--pattern narrows the set"
touch -d '2026-11-21 05:00:00' "$B/notes.txt"
run prune-backups $NOW --keep-last 1 --use-mtime "$B"
unlike "$T/out" 'notes.txt' "--use-mtime: an undated file gets its mtime (the newest here)"
like "$T/out" 'db-20261120T020000Z' "so the newest named dump is no longer the newest"
rm "$B/notes.txt"

# Hostile names: spaces, newlines, quotes, leading dashes.
nl='
'
: >"$B/db 20261102T020000Z's copy.sql.gz"
: >"$B/-db-20261103T030000Z.sql.gz"
: >"$B/db-20261104T030000Z${nl}x.sql.gz"
run prune-backups $NOW --keep-daily 30 "$B"
printf '%s\n' "$B/db-20261102T020000Z.sql.gz" "$B/db-20261103T020000Z.sql.gz" "$B/db-20261104T020000Z.sql.gz" >"$T/want"
sort "$T/out" | cmp -s - "$T/want"
ok $? "daily 30: the hostile names are the newest of their days, so the 02:00 dumps of Nov 2-4 go"
run prune-backups $NOW --keep-daily 3 -v "$B"
like "$T/out" "db 20261102T020000Z's copy.sql.gz" "a name with spaces and a quote is printed as is"
unlike "$T/out" '^x.sql.gz$' "a name with a newline is never printed one per line"
like "$T/err" 'KEEP .*newline-in-name' "it is kept instead, and -v says why"
prune-backups $NOW --keep-daily 3 -0 "$B" | tr '\0' '\n' | grep -c '^x.sql.gz$' >"$T/n0"
is "$(cat "$T/n0")" 0 "-0 keeps it too: the plan does not depend on how it is printed"

# Deleting for real, relative to the directory, never following links.
cp -r "$B" "$T/keep"
run prune-backups $NOW --keep-daily 3 --delete "$B"
is "$rc" 0 "--delete: exit 0"
is "$(ls "$B" | grep -c '^db-202611[0-9]*T020000Z.sql.gz$')" 3 "three dated dumps left"
[ -e /etc/passwd ] && [ -L "$B/db-20240101T000000Z.sql.gz" ]
ok $? "symlinks and their targets untouched"
[ -d "$B/db-20260101T000000Z.sql.gz.d" ] && [ -e "$B/db-20261120T030000Z.sql.gz.tmp-ab12cd" ]
ok $? "subdirectories and temporary files untouched"
is "$(grep -c "^$B/" "$T/out")" "$(wc -l <"$T/out")" "prints each deleted path, one per line"
[ -e "$B/db-20261104T030000Z${nl}x.sql.gz" ]
ok $? "--delete keeps the name with a newline, as the preview said"

if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
	mkdir "$T/ro"
	for d in 01 02 03 04; do : >"$T/ro/db-202611${d}T020000Z.sql.gz"; done
	chmod 755 "$T/ro"
	run runuser -u nobody -- "$PGOPS_BIN/prune-backups" $NOW --keep-last 1 --delete "$T/ro"
	is "$rc" 74 "deletions refused by permissions: exit 74"
	like "$T/err" "cannot delete $T/ro/db-20261101T020000Z.sql.gz: Permission denied" "each failure reported"
	like "$T/err" '3 of 3 deletions failed' "and counted"
	chmod 700 "$T/ro"
	run runuser -u nobody -- "$PGOPS_BIN/prune-backups" $NOW --keep-last 1 "$T/ro"
	is "$rc" 77 "an unreadable DIR is exit 77"
else
	skip "needs root to test as another user"; skip "needs root"; skip "needs root"; skip "needs root"
fi

# Files vanishing between listing and deletion. --delete reports each path
# as it goes; with stdout on a pipe nobody reads, it blocks once the pipe
# is full, part way through. Meanwhile the rest of its plan disappears (one
# name becomes a directory), then the pipe is drained.
mkdir "$T/race"
python3 -c '
import datetime, os, sys
t0 = datetime.datetime(2020, 1, 1)
for i in range(3000):
    open(os.path.join(sys.argv[1], "db-%s.sql.gz" % (t0 + datetime.timedelta(hours=i)).strftime("%Y%m%dT%H%M%SZ")), "w").close()
' "$T/race"
mkfifo "$T/racefifo"
prune-backups $NOW --keep-last 1 --delete "$T/race" >"$T/racefifo" 2>"$T/raceerr" &
rpid=$!
exec 9<"$T/racefifo"
prev=-1
i=0
while :; do
	sleep 0.2
	cur=$(ls "$T/race" | wc -l)
	[ "$cur" = "$prev" ] && break
	prev=$cur
	i=$((i + 1))
	[ $i -ge 150 ] && break
done
left=$(ls "$T/race" | wc -l)
# Of what is left (the plan's rest, then the newest): the first planned name
# becomes a directory, the others vanish.
swap=$(ls "$T/race" | sort | head -n 1)
ls "$T/race" | sort | sed -n "2,$((left - 1))p" | (cd "$T/race" && xargs rm -f)
rm "$T/race/$swap" && mkdir "$T/race/$swap"
cat <&9 >"$T/raceout"
exec 9<&-
wait $rpid
rc=$?
[ "$left" -gt 1 ] && [ "$left" -lt 3000 ]
ok $? "--delete blocked part way through ($left of 3000 left)"
is "$rc" 0 "files gone meanwhile: still exit 0"
like "$T/raceerr" "$swap: gone or replaced since the listing; left alone" "a name replaced by a directory: warned, left alone"
is "$(grep -c 'gone or replaced since the listing' "$T/raceerr")" "$((left - 1))" "every vanished file warned about once"
[ -d "$T/race/$swap" ] && [ "$(ls "$T/race" | wc -l)" = 2 ]
ok $? "the directory and the newest backup are all that is left"

# The re-check before each deletion failing for another reason than a
# vanished file (EACCES, EIO): strace makes the first re-check's fstatat
# and every one after it fail. It must be an error and exit 74, never a
# "gone" warning with exit 0. Which call that is (the 4th that does not
# follow links, after the listing's three) is counted in a run on a copy,
# since libc and the sanitizer runtime make fstatat calls of their own;
# LeakSanitizer cannot run under ptrace.
mkdir "$T/recheck" "$T/recheck0"
for d in 01 02 03; do : >"$T/recheck/db-202611${d}T020000Z.sql.gz"; : >"$T/recheck0/db-202611${d}T020000Z.sql.gz"; done
ASAN_OPTIONS=detect_leaks=0 strace -qq -o "$T/fstatat" -e trace=newfstatat \
	"$PGOPS_BIN/prune-backups" $NOW --keep-last 1 --delete "$T/recheck0" >/dev/null 2>&1
nth=$(grep -n AT_SYMLINK_NOFOLLOW "$T/fstatat" | sed -n 4p | cut -d: -f1)
run env ASAN_OPTIONS=detect_leaks=0 strace -qq -o /dev/null -e trace=newfstatat \
	-e inject=newfstatat:error=EACCES:when="${nth:-1}+" "$PGOPS_BIN/prune-backups" $NOW --keep-last 1 --delete "$T/recheck"
is "$rc" 74 "the re-check failing with EACCES: exit 74"
like "$T/err" "cannot check $T/recheck/db-20261101T020000Z.sql.gz before deleting it: Permission denied" "naming the file and the reason"
unlike "$T/err" "gone or replaced" "never called gone"
is "$(ls "$T/recheck" | wc -l)" 3 "and nothing deleted"

# stdin: s3ls lines and bare names.
printf 'db/db-20261120T020000Z.sql.gz\t123\t2026-11-20T02:00:05Z\tetag1\n' >"$T/list"
printf 'db/db-20261119T020000Z.sql.gz\t123\t2026-11-19T02:00:05Z\tetag2\n' >>"$T/list"
printf 'db/nightly.sql.gz\t123\t2026-11-18T02:00:05Z\tetag3\n' >>"$T/list"
printf 'db/db-20261117T020000Z.sql.gz\n' >>"$T/list"
run prune-backups $NOW --keep-last 1 <"$T/list"
is "$(cat "$T/out" | tr '\n' ' ')" "db/db-20261119T020000Z.sql.gz db/nightly.sql.gz db/db-20261117T020000Z.sql.gz " "stdin: names as listed, listed times used when the name has none"
run prune-backups $NOW --keep-last 1 --json <"$T/list"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["refused"] is None
a = {b["name"]: b for b in d["backups"]}
assert a["db/nightly.sql.gz"]["time_from"] == "listed" and a["db/nightly.sql.gz"]["action"] == "delete"
assert a["db/db-20261120T020000Z.sql.gz"]["reasons"] == ["last"]
' "$T/out"
ok $? "--json: every backup with action, time, source of the time, reasons"
printf 'db/x.sql.gz\tbig\t2026-11-20T02:00:05Z\n' >"$T/bad"
run prune-backups --keep-last 1 <"$T/bad"
is "$rc" 65 "stdin: a bad size is exit 65"
like "$T/err" "stdin line 1: size 'big' is not a number" "and names the line"
printf 'db/a.sql.gz\t1\t2026-11-20T02:00:05Z\ndb/b.sql.gz\t1\tyesterday\tetag\n' >"$T/bad"
run prune-backups --keep-last 1 <"$T/bad"
is "$rc:$(cat "$T/err")" "65:prune-backups: stdin line 2: time 'yesterday' is not RFC 3339" "a bad listed time: exit 65, naming the line"
done_testing
