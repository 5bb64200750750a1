#!/bin/sh
# The stretch measurement for pgdump-stream: the PostgreSQL regression
# database, made by running the regression suite of the pinned postgresql-15
# source package against a scratch cluster (as pg_upgrade's test does), then
# dumped by pgdump-stream (restored through psql and through pgrestore-stream,
# and drilled; and again with -j 4 on both sides) and by pg_dump (through
# psql). Prints how many lines of
# pg_dump --schema-only and of the rows' checksums each copy differs from the
# original by, and fails unless pgdump-stream dumps it all, its copies restore
# without an error and differ by no more than pg_dump's own. Not part of
# make check (it takes minutes).
#   make fidelity
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${PGOPS_BIN:=$top/build/bin}" "${PGOPS_TESTBIN:=$top/build/tests}"
export PGOPS_BIN PGOPS_TESTBIN PGOPS_TOP=$top
. "$top/tests/support/lib.sh"
out=$top/build/fidelity
src=$out/postgresql
mkdir -p "$out"

# pg_regress and regress.so from the same sources as the installed server,
# built with the host compiler (regress.so is loaded by that server).
if [ ! -x "$src/src/test/regress/pg_regress" ] || [ ! -f "$src/src/test/regress/regress.so" ]; then
	echo "fidelity: building pg_regress and regress.so" >&2
	rm -rf "$src"
	cp -Rp "$top/build/deps/src/postgresql" "$src"
	(cd "$src" && ./configure --without-readline --without-icu --without-openssl --without-zlib \
		--prefix=/usr/lib/postgresql/15 >"$out/configure.log" 2>&1 &&
		make -C src/backend generated-headers >"$out/make.log" 2>&1 &&
		make -C src/test/regress -j"$(nproc)" all >>"$out/make.log" 2>&1) || {
		echo "fidelity: building the regression suite failed; see $out/*.log" >&2; exit 1; }
fi
# The server reads the suite's data files and writes its results there.
[ "$(id -u)" = 0 ] && chown -R postgres "$src/src/test/regress"

pg_start || exit 1
echo "fidelity: running the regression suite (its pass or fail does not matter, only the database it leaves)" >&2
(cd "$src/src/test/regress" && _as_pg ./pg_regress --inputdir=. --bindir=/usr/lib/postgresql/15/bin --dlpath=. \
	--host="$PGHOST" --port="$PGPORT" --user=postgres --max-concurrent-tests=20 \
	--schedule=./parallel_schedule >"$out/regress.log" 2>&1)
tail -n 3 "$out/regress.log" >&2
PSQL="psql -X -q -h $PGHOST -p $PGPORT -U postgres"
for d in ours ours_rs ours_j theirs; do $PSQL -d postgres -c "create database $d template template0" >/dev/null; done
C="host=$PGHOST port=$PGPORT user=postgres"

"$PGOPS_BIN/pgdump-stream" "$C dbname=regression" >"$out/ours.sql" 2>"$out/ours.err"
dump_rc=$?
(cd "$T" && $PSQL -d ours -f "$out/ours.sql" >/dev/null 2>"$out/ours.restore.err")
"$PGOPS_BIN/pgrestore-stream" "$C dbname=ours_rs" <"$out/ours.sql" >/dev/null 2>"$out/ours_rs.restore.err"
rs_rc=$?
"$PGOPS_BIN/pgrestore-stream" --drill "$C dbname=postgres" <"$out/ours.sql" >/dev/null 2>"$out/drill.err"
drill_rc=$?
"$PGOPS_BIN/pgdump-stream" -j 4 "$C dbname=regression" >"$out/ours_j.sql" 2>"$out/ours_j.err"
dumpj_rc=$?
"$PGOPS_BIN/pgrestore-stream" -j 4 "$C dbname=ours_j" <"$out/ours_j.sql" >/dev/null 2>"$out/ours_j.restore.err"
rsj_rc=$?
"$PGOPS_BIN/pgrestore-stream" -j 4 --drill "$C dbname=postgres" <"$out/ours_j.sql" >/dev/null 2>"$out/drill_j.err"
drillj_rc=$?
pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres regression >"$out/theirs.sql"
(cd "$T" && $PSQL -d theirs -f "$out/theirs.sql" >/dev/null 2>"$out/theirs.restore.err")
for d in regression ours ours_rs ours_j theirs; do
	pg_dump -s -h "$PGHOST" -p "$PGPORT" -U postgres "$d" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$out/$d.schema"
	$PSQL -At -d "$d" -f "$top/tests/pgdump/checksums.sql" >"$out/$d.data" 2>/dev/null
done
for d in ours ours_rs ours_j theirs; do
	diff "$out/regression.schema" "$out/$d.schema" >"$out/$d.diff"
	diff "$out/regression.data" "$out/$d.data" >"$out/$d.data.diff"
done
lines() { grep -c '^[<>]' "$1"; }
echo
echo "regression database: $(wc -l <"$out/regression.schema") lines of pg_dump -s, $(wc -l <"$out/regression.data") tables and sequences"
echo "pgdump-stream: exit status $dump_rc (without --skip-unsupported)"
sed 's/^/  /' "$out/ours.err"
echo "errors restoring: pgdump-stream's dump through psql $(grep -c 'ERROR' "$out/ours.restore.err"), through pgrestore-stream (exit $rs_rc); pg_dump's through psql $(grep -c 'ERROR' "$out/theirs.restore.err")"
echo "pg_dump -s differs from the original by: pgdump-stream's copy $(lines "$out/ours.diff") lines (through pgrestore-stream $(lines "$out/ours_rs.diff")), pg_dump's copy $(lines "$out/theirs.diff") lines"
echo "rows and sequences differ from the original by: pgdump-stream's copy $(lines "$out/ours.data.diff") lines (through pgrestore-stream $(lines "$out/ours_rs.data.diff")), pg_dump's copy $(lines "$out/theirs.data.diff") lines"
echo "pgrestore-stream --drill: exit $drill_rc; $(tail -n 1 "$out/drill.err")"
echo "-j 4 on both sides: pgdump-stream exit $dumpj_rc, pgrestore-stream exit $rsj_rc; differs by $(lines "$out/ours_j.diff") lines of pg_dump -s and $(lines "$out/ours_j.data.diff") of rows; drill exit $drillj_rc; $(tail -n 1 "$out/drill_j.err")"
echo "(files in $out)"
# The measure passes when pgdump-stream's copies are as close to the
# original as pg_dump's own, with nothing refused and nothing failed.
[ "$dump_rc" = 0 ] && [ "$rs_rc" = 0 ] && [ "$drill_rc" = 0 ] &&
	[ "$dumpj_rc" = 0 ] && [ "$rsj_rc" = 0 ] && [ "$drillj_rc" = 0 ] &&
	[ "$(lines "$out/ours_j.diff")" -le "$(lines "$out/theirs.diff")" ] &&
	[ "$(lines "$out/ours_j.data.diff")" -le "$(lines "$out/theirs.data.diff")" ] &&
	[ "$(grep -c 'ERROR' "$out/ours.restore.err")" = 0 ] &&
	[ "$(lines "$out/ours.diff")" -le "$(lines "$out/theirs.diff")" ] &&
	[ "$(lines "$out/ours_rs.diff")" -le "$(lines "$out/theirs.diff")" ] &&
	[ "$(lines "$out/ours.data.diff")" -le "$(lines "$out/theirs.data.diff")" ] &&
	[ "$(lines "$out/ours_rs.data.diff")" -le "$(lines "$out/theirs.data.diff")" ]
