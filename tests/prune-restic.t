#!/bin/sh
# prune-backups against restic forget as the oracle: the same calendar of
# backups as restic snapshots and as names, the same policies, the same
# keep/delete decisions. Debian's restic is 0.14, older than the 0.16
# semantics prune-backups follows; they differ in one rule only (0.16 and
# later keep the oldest backup when a rule still has room, marked "oldest"),
# so where restic 0.14 drops the oldest and prune-backups keeps it for that
# reason, the test accepts exactly that and says so.
. "$(dirname "$0")/support/lib.sh"
plan 12
export TZ=UTC RESTIC_PASSWORD=pgops-test RESTIC_REPOSITORY=$T/repo RESTIC_CACHE_DIR=$T/cache
# Only the entries already in the past: a backup dated in the future counts
# for nothing with prune-backups (restic counts it; prune-backups.t tests it).
python3 "$TOP/tests/support/prune-calendar.py" | awk -v now="$(date -u '+%Y-%m-%d %H:%M:%S')" '$0 < now' >"$T/times"
restic init -q >/dev/null 2>&1
echo data >"$T/file"
# restic spends most of its time deriving its key; four at a time.
xargs -P 4 -I{} restic backup -q --host h --time "{}" "$T/file" <"$T/times" >/dev/null 2>"$T/restic.err"
n=$(restic snapshots --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
is "$n" "$(wc -l <"$T/times")" "restic repository with one snapshot per calendar entry"
# The same calendar as names, listed the way s3ls prints them.
sed 's/ /T/; s/$/Z/' "$T/times" | awk '{ n = $0; gsub(/[-:]/, "", n); printf "db-%s.sql.gz\t1000\t%s\n", n, $0 }' >"$T/list"

compare() {
	restic forget --dry-run --json --group-by '' "$@" 2>/dev/null >"$T/restic.json"
	prune-backups --json "$@" <"$T/list" >"$T/ours.json" 2>"$T/ours.err"
	python3 - "$T/restic.json" "$T/ours.json" "$*" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
restic_keep = sorted(s["time"] for s in r["keep"])
ours = json.load(open(sys.argv[2]))
keep = sorted(b["time"] for b in ours["backups"] if b["action"] == "keep")
oldest = min(b["time"] for b in ours["backups"])
extra = set(keep) - set(restic_keep)
missing = set(restic_keep) - set(keep)
ok = not missing and (not extra or (extra == {oldest} and any(
    "oldest" in b["reasons"] for b in ours["backups"] if b["time"] == oldest)))
if not ok:
    print("# policy %s\n# restic keeps %s\n# ours keeps   %s" % (sys.argv[3], restic_keep, keep))
if extra:
    print("# the oldest backup is kept by the 0.16 oldest rule only: " + ", ".join(extra))
sys.exit(0 if ok else 1)
PY
	ok $? "same decisions as restic forget: $*"
}
compare --keep-last 5
compare --keep-hourly 10
compare --keep-daily 7 --keep-weekly 4 --keep-monthly 6
compare --keep-weekly 30
compare --keep-monthly 40
compare --keep-yearly 10
compare --keep-within 10d
compare --keep-within 2m3d
compare --keep-within-daily 20d --keep-within-weekly 3m
compare --keep-within-monthly 1y --keep-last 2
compare --keep-hourly 3 --keep-daily 3 --keep-weekly 3 --keep-monthly 3 --keep-yearly 3
done_testing
