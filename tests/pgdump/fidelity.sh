# Shared by the round-trip tests of pgdump-stream and pgrestore-stream: the
# test databases (one per object family, hostile names, an application
# schema) and the two comparisons, sourced after lib.sh and pg_start.
F=$TOP/tests/pgdump
FIXTURES="types tables partitions functions views constraints security extensions gis objects foreign replication largeobjects seclabels hostile app"
seclabel_so || diag "no label provider for the seclabels fixture: $(head -n 1 "$T/seclabel.err")"
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"

# schema_of DB: pg_dump --schema-only without the lines that differ on every
# run (\restrict keys of current pg_dump releases).
schema_of() { pg_dump -s -h "$PGHOST" -p "$PGPORT" -U postgres "$1" | grep -v '^\\\(un\)\{0,1\}restrict '; }
# data_of DB: every table's rows (ordered checksums) and sequence states.
data_of() { $PSQL -At -d "$1" -f "$F/checksums.sql"; }
# fixture_load NAME: database src_NAME holding the fixture; 1 (and the
# server's errors as diagnostics) when it does not load.
fixture_load() {
	$PSQL -d postgres -c "create database src_$1" >/dev/null
	$PSQL -d "src_$1" -f "$F/$1.sql" >/dev/null 2>"$T/load.err" && return 0
	diag "fixture $1 failed to load:"
	sed 's/^/#   /' "$T/load.err"
	return 1
}
