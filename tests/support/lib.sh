# Shared shell for the tests of the real binaries: TAP output, a private
# temporary directory, and the real servers (PostgreSQL 15, the
# signature-checking S3 server) started on loopback and always stopped.
#
# Source it from a test: . "$(dirname "$0")/support/lib.sh"
set -u
: "${PGOPS_BIN:?run the tests through make check}"
: "${PGOPS_TESTBIN:?run the tests through make check}"
PGOPS_TOP=${PGOPS_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
TOP=$PGOPS_TOP
export PGOPS_TOP
PATH="$PGOPS_BIN:$PATH"
export PATH

T=$(mktemp -d "${TMPDIR:-/tmp}/pgops-test.XXXXXX")
chmod 755 "$T"
_n=0
_failed=0
_cleanups=

# Cleanup runs on every exit path: normal end, failure, signal.
_cleanup() {
	for c in $_cleanups; do $c >/dev/null 2>&1; done
	rm -rf "$T"
}
trap '_cleanup' EXIT
trap '_cleanup; exit 143' TERM
trap '_cleanup; exit 130' INT
on_exit() { _cleanups="$1 $_cleanups"; }

plan() { echo "1..$1"; }
diag() { printf '# %s\n' "$@"; }
ok() {
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}
# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "got:  '$1'" "want: '$2'"; fi
}
# like FILE REGEX NAME (grep -E)
like() {
	if grep -Eq -- "$2" "$1"; then ok 0 "$3"; else ok 1 "$3"; diag "no match for /$2/ in:"; sed 's/^/#   /' "$1" | head -n 20; fi
}
unlike() {
	if grep -Eq -- "$2" "$1"; then ok 1 "$3"; diag "unexpected match for /$2/ in:"; sed 's/^/#   /' "$1" | head -n 20; else ok 0 "$3"; fi
}
# run CMD...: stdout to $T/out, stderr to $T/err, exit status to $rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}
skip() { _n=$((_n + 1)); echo "ok $_n # skip $1"; }
done_testing() { [ "$_failed" = 0 ]; exit $?; }

# The servers (PostgreSQL, S3, web) and their helpers, shared with make demo.
. "$TOP/tests/support/servers.sh"

# proxy NAME RULE...: a fresh fault-injecting proxy (tests/s3/faultproxy.js)
# in front of the s3_start server; sets PX (its endpoint) and PXLOG (its log
# of every request and what it did with it).
proxy() {
	if [ -n "${PX_PID:-}" ]; then
		kill "$PX_PID" 2>/dev/null && wait "$PX_PID" 2>/dev/null
	else
		on_exit stop_proxy
	fi
	PXLOG=$T/proxy-$1.log
	rm -f "$T/px.port"
	: >"$PXLOG"
	shift
	node "$TOP/tests/s3/faultproxy.js" "$(cat "$T/s3.port")" "$T/px.port" "$PXLOG" "$@" >"$T/px.out" 2>&1 &
	PX_PID=$!
	wait_file "$T/px.port" 30
	PX="http://127.0.0.1:$(cat "$T/px.port")"
}
stop_proxy() { [ -n "${PX_PID:-}" ] && kill "$PX_PID"; }

# pg_standby NAME on|off: a streaming standby of the pg_start cluster, made
# with pg_basebackup, on its own free port (hot_standby on or off; off keeps
# it refusing connections as "not accepting connections", like a server
# starting up). Sets ${NAME}_PORT.
pg_standby() {
	_sd="$T/pg-$1"
	mkdir -p "$_sd"
	[ "$(id -u)" = 0 ] && chown postgres "$_sd"
	_as_pg "$PG_BINDIR/pg_basebackup" -D "$_sd/data" -h "$T/pgsock" -p "$PGPORT" -U postgres -R -X stream \
		>"$T/basebackup-$1.log" 2>&1 || { diag "pg_basebackup failed:"; sed 's/^/#   /' "$T/basebackup-$1.log"; return 1; }
	_port=$(free_port)
	eval "${1}_PORT=$_port"
	eval "pg_stop_$1() { _as_pg \"$PG_BINDIR/pg_ctl\" -D \"$_sd/data\" -m immediate -w -t 30 stop; }"
	on_exit "pg_stop_$1"
	_as_pg "$PG_BINDIR/pg_ctl" -D "$_sd/data" -l "$_sd/log" -w -t 60 \
		-o "-p $_port -k $T/pgsock -c listen_addresses=127.0.0.1 -c hot_standby=$2 -c fsync=off" start \
		>/dev/null 2>&1
	# With hot_standby off, pg_ctl -w cannot tell it is up; that is the point.
	return 0
}
