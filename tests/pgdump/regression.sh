#!/bin/sh
# The stretch measurement for pgdump-stream: the PostgreSQL regression
# database, made by running the regression suite of the pinned postgresql-15
# source package against a scratch cluster (as pg_upgrade's test does), then
# dumped and restored by pgdump-stream and by pg_dump. Prints how many lines
# of pg_dump --schema-only each copy differs from the original by, and what
# pgdump-stream could not dump. Not part of make check (it takes minutes).
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
for d in ours theirs; do $PSQL -d postgres -c "create database $d template template0" >/dev/null; done

"$PGOPS_BIN/pgdump-stream" --skip-unsupported "host=$PGHOST port=$PGPORT user=postgres dbname=regression" \
	>"$out/ours.sql" 2>"$out/ours.err"
echo "pgdump-stream exit status: $?" >&2
(cd "$T" && $PSQL -d ours -f "$out/ours.sql" >/dev/null 2>"$out/ours.restore.err")
pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres regression >"$out/theirs.sql"
(cd "$T" && $PSQL -d theirs -f "$out/theirs.sql" >/dev/null 2>"$out/theirs.restore.err")
for d in regression ours theirs; do
	pg_dump -s -h "$PGHOST" -p "$PGPORT" -U postgres "$d" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$out/$d.schema"
done
diff "$out/regression.schema" "$out/ours.schema" >"$out/ours.diff"
diff "$out/regression.schema" "$out/theirs.schema" >"$out/theirs.diff"

echo
echo "regression database: $(wc -l <"$out/regression.schema") lines of pg_dump -s"
echo "objects pgdump-stream skipped: $(grep -c 'skipped: ' "$out/ours.err")"
# Group them by kind (the words before the name) and reason (after a colon).
sed -n 's/.*skipped: //p' "$out/ours.err" | awk '{
	k = ""
	for (i = 1; i <= NF && $i !~ /[.(:"]/; i++) k = k (k == "" ? "" : " ") $i
	if (k == "") k = $1
	r = index($0, ": ") ? substr($0, index($0, ": ") + 2) : ""
	n[k (r == "" ? "" : ": " r)]++
} END { for (k in n) printf "  %5d %s\n", n[k], k }' | sort -rn
echo "errors restoring: pgdump-stream's dump $(grep -c 'ERROR' "$out/ours.restore.err"), pg_dump's $(grep -c 'ERROR' "$out/theirs.restore.err")"
echo "pg_dump -s differs from the original by: pgdump-stream's copy $(grep -c '^[<>]' "$out/ours.diff") lines, pg_dump's copy $(grep -c '^[<>]' "$out/theirs.diff") lines"
echo "(files in $out)"
