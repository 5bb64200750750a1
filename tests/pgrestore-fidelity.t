#!/bin/sh
# pgrestore-stream round trips on pgdump-stream's test databases: a
# pgdump-stream dump and a pg_dump plain dump of each, restored by
# pgrestore-stream into an empty database, give the same copy as pg_dump's
# own round trip through psql (pg_dump --schema-only of source and copy
# differ by the same lines; every table's rows and every sequence's state
# are the same), and the restore drill passes on each of them.
. "$(dirname "$0")/support/lib.sh"
pg_start || exit 1
. "$TOP/tests/pgdump/fidelity.sh"
plan $(( $(echo $FIXTURES | wc -w) * 16 + 1 ))
pg_sql -f "$F/roles.sql" >/dev/null
cd "$T" || exit 1
C="host=$PGHOST port=$PGPORT user=postgres"

# same DB REF NAME: the copy DB differs from the source as REF does.
same() {
	schema_of "$1" >"$T/s.copy"
	diff "$T/s.src" "$T/s.copy" >"$T/d.copy"
	cmp -s "$T/d.copy" "$T/d.theirs"
	ok $? "$3: pg_dump -s of the copy differs from the source's by the same $(wc -l <"$T/d.theirs") lines as pg_dump's own round trip"
	cmp -s "$T/d.copy" "$T/d.theirs" || diff "$T/d.theirs" "$T/d.copy" | sed 's/^/#   /' | head -n 20
	data_of "$1" >"$T/c.copy"
	cmp -s "$T/c.src" "$T/c.copy"
	ok $? "$3: every table's rows and every sequence's state are the same ($(wc -l <"$T/c.src") compared)"
	cmp -s "$T/c.src" "$T/c.copy" || diff "$T/c.src" "$T/c.copy" | sed 's/^/#   /' | head -n 10
}

for f in $FIXTURES; do
	for d in ours pgd theirs oursj pgdj; do $PSQL -d postgres -c "create database ${d}_$f" >/dev/null; done
	fixture_load "$f"
	ok $? "$f: the fixture loads"
	pgdump-stream "$C dbname=src_$f" >"$T/$f.sql" 2>"$T/dump.err" || sed 's/^/#   /' "$T/dump.err"
	pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres "src_$f" >"$T/$f.pgd.sql"
	$PSQL -d "theirs_$f" -f "$T/$f.pgd.sql" >/dev/null 2>&1
	schema_of "src_$f" >"$T/s.src"
	schema_of "theirs_$f" >"$T/s.theirs"
	diff "$T/s.src" "$T/s.theirs" >"$T/d.theirs"
	data_of "src_$f" >"$T/c.src"

	run pgrestore-stream "$C dbname=ours_$f" "$T/$f.sql"
	is "$rc" 0 "$f: pgrestore-stream restores pgdump-stream's dump"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	same "ours_$f" "$f" "$f, pgdump-stream -> pgrestore-stream"
	# pg_dump wraps large objects in BEGIN/COMMIT, which -1 refuses (the
	# dump would commit part of the restore): such a dump goes without it.
	if grep -q '^SELECT pg_catalog.lo_create' "$T/$f.pgd.sql"; then one=; else one=-1; fi
	run pgrestore-stream $one "$C dbname=pgd_$f" "$T/$f.pgd.sql"
	is "$rc" 0 "$f: pgrestore-stream ${one:+-1 }restores pg_dump's plain dump"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	same "pgd_$f" "$f" "$f, pg_dump -> pgrestore-stream"
	run pgrestore-stream --drill "$C dbname=postgres" "$T/$f.sql"
	is "$rc" 0 "$f: the drill passes on pgdump-stream's dump (rows and checksums of $(grep -c '^-- pgdump-stream: rows' "$T/$f.sql") tables)"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	run pgrestore-stream --drill "$C dbname=postgres" "$T/$f.pgd.sql"
	is "$rc" 0 "$f: the drill passes on pg_dump's dump (row counts)"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	# The same with -j 4 on both sides: pgdump-stream's sessions on one
	# snapshot, pgrestore-stream's chunks and post-data side by side.
	pgdump-stream -j 4 "$C dbname=src_$f" >"$T/$f.j.sql" 2>"$T/dump.err" || sed 's/^/#   /' "$T/dump.err"
	run pgrestore-stream -j 4 "$C dbname=oursj_$f" "$T/$f.j.sql"
	is "$rc" 0 "$f: pgrestore-stream -j 4 restores pgdump-stream -j 4's dump"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	same "oursj_$f" "$f" "$f, pgdump-stream -j 4 -> pgrestore-stream -j 4"
	run pgrestore-stream -j 4 "$C dbname=pgdj_$f" "$T/$f.pgd.sql"
	is "$rc" 0 "$f: pgrestore-stream -j 4 restores pg_dump's plain dump"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	same "pgdj_$f" "$f" "$f, pg_dump -> pgrestore-stream -j 4"
	run pgrestore-stream -j 4 --drill "$C dbname=postgres" "$T/$f.j.sql"
	is "$rc" 0 "$f: the drill -j 4 passes on pgdump-stream -j 4's dump"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
done

# The hostile names held psql meta-commands: none ran (we ran in $T).
[ ! -e "$T/pgops-pwned-marker" ]
ok $? "no psql meta-command hidden in a name, label, comment or row ran on restore"
done_testing
