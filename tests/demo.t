#!/bin/sh
# make demo's script, as `make demo` runs it: twice in a row, each run
# passing every step and leaving no process and no temporary directory
# behind; and once interrupted by Ctrl-C (SIGINT to its process group, as a
# terminal sends it) in the middle of the backups, which must clean up all
# the same.
. "$(dirname "$0")/support/lib.sh"
plan 17
mkdir -p "$T/tmp"
chmod 755 "$T/tmp"

# Processes the demo started: anything running from its directory, and its
# sidecar (whose arguments name only a port).
leftovers() {
	ps -eo pid=,args= | grep -E "$T/tmp/pgops-demo\.|healthprobe serve --listen 127\.0\.0\.1:${1:-none} " | grep -v grep
}

for n in 1 2; do
	TMPDIR=$T/tmp PGOPS_BIN=$PGOPS_BIN bash "$TOP/share/demo.sh" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	is "$rc" 0 "run $n: make demo passes"
	[ "$rc" = 0 ] || { tail -n 30 "$T/err" | sed 's/^/# /'; }
	grep -E '^(servers|migrate|health|backups|prune|drill) +ok ' "$T/out" | wc -l >"$T/n"
	is "$(tr -d ' ' <"$T/n")" 6 "run $n: the summary lists six steps, all ok"
	like "$T/err" 'drill: all 9 tables match the dump' "run $n: the drill matched every table"
	port=$(sed -n 's/.*healthprobe serve --listen 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/err" | head -n 1)
	sleep 0.5
	is "$(leftovers "$port")" "" "run $n: no process left behind"
	is "$(ls -A "$T/tmp")" "" "run $n: no temporary directory left behind"
done
like "$T/err" '^\$ s3ls s3://demo/app/ \| prune-backups --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --explain \| s3rm s3://demo/$' \
	"each command is printed before it runs"
like "$T/out" 'kept [0-9]+ of 21 backups' "21 backups made, some pruned"

# Ctrl-C during the backups.
# Its own process group, led by the demo's shell itself (so that $! names
# the group), as a terminal's foreground job is; and with SIGINT and SIGQUIT
# at their defaults, as there, because this shell starts a background job
# with both ignored and bash cannot trap a signal ignored when it started
# (the demo would then notice Ctrl-C only if a program it ran exited 130).
# The files of run 2 go first: the job's redirections happen in the child,
# and until then the loop below would find run 2's lines in them.
rm -f "$T/out" "$T/err"
TMPDIR=$T/tmp PGOPS_BIN=$PGOPS_BIN perl -e '$SIG{INT} = $SIG{QUIT} = "DEFAULT"; setpgrp(0, 0); exec @ARGV or die "exec: $!"' \
	bash "$TOP/share/demo.sh" >"$T/out" 2>"$T/err" </dev/null &
pid=$!
i=0
until grep -q '^== backups' "$T/out" 2>/dev/null && grep -q 'pg-backup.sh' "$T/err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 600 ] && break
	sleep 0.1
done
port=$(sed -n 's/.*healthprobe serve --listen 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/err" | head -n 1)
[ -n "$(ls -A "$T/tmp")" ] && [ -n "$(leftovers "$port")" ]
rc=$?
ok $rc "the demo is running its servers when interrupted"
[ "$rc" = 0 ] || { echo "# waited $i tenths of a second; the demo printed:"; tail -n 8 "$T/err" | sed 's/^/# /'; } >&2
kill -INT "-$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && { kill -KILL "-$pid"; break; }
	sleep 0.1
done
wait "$pid"
rc=$?
is "$rc" 130 "Ctrl-C: exit 130"
[ "$rc" = 130 ] || tail -n 8 "$T/err" | sed 's/^/# /' >&2
like "$T/err" 'interrupted; stopping what it started' "says it is cleaning up"
sleep 0.5
is "$(leftovers "$port")" "" "Ctrl-C: no process left behind"
is "$(ls -A "$T/tmp")" "" "Ctrl-C: no temporary directory left behind"
done_testing
