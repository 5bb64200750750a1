#!/bin/sh
# pgdump-stream and pgrestore-stream against other server versions than
# Debian's 15: the fixture suite round-trips on each version in
# PGOPS_VERSIONS (make check: 13 and 18; make check-versions: 13 to 18),
# and dumps made on 13 and on 15 restore into 18 (the upgrade path).
#
# pg_dump 15 cannot read a 16+ server, so a round trip is judged by our own
# dump: the copy's dump must be the source's, line for line but the
# header; and every table's rows and every sequence's state must match.
# A fixture that uses what the version lacks (14+ multiranges on 13, say)
# is reported as skipped, naming the server's error.
. "$(dirname "$0")/support/lib.sh"
pg_start || exit 1
. "$TOP/tests/pgdump/fidelity.sh"
VERSIONS=${PGOPS_VERSIONS:-13 18}
nfix=$(echo $FIXTURES | wc -w)
plan $(( $(echo $VERSIONS | wc -w) * (nfix * 5 + 1) + 2 * (nfix * 3) ))
cd "$T" || exit 1

# vsql PORT DB ...: psql 15 as the superuser; plain SQL works on every version.
vsql() { _p=$1 _db=$2; shift 2; psql -X -q -v ON_ERROR_STOP=1 -h "$T/pgsock" -p "$_p" -U postgres -d "$_db" "$@"; }
ci() { echo "host=$T/pgsock port=$1 user=postgres dbname=$2"; }
# dump_body FILE: a dump without its header, which names the database and
# the time, and without the trailer, which counts the header's bytes.
dump_body() { sed '1,/^$/d;$d' "$1"; }
# port_of V: the port of the cluster of PostgreSQL V, started on first use
# with the fixtures' roles.
port_of() {
	eval "_port=\${PORT_$1:-}"
	if [ -z "$_port" ]; then
		if [ "$1" = 15 ]; then _port=$PGPORT; else pgv_start "$1" || return 1; _port=$PGV_PORT; fi
		eval "PORT_$1=$_port"
		vsql "$_port" postgres -f "$F/roles.sql" >/dev/null 2>&1
	fi
	echo "$_port"
}

# load PORT F: src_F on the server at PORT; 1 (with the reason in
# $T/why) when the fixture cannot load there.
load() {
	vsql "$1" postgres -c "create database src_$2" >/dev/null &&
		vsql "$1" "src_$2" -f "$F/$2.sql" >/dev/null 2>"$T/why" && return 0
	vsql "$1" postgres -c "drop database if exists src_$2" >/dev/null 2>&1
	return 1
}

for v in $VERSIONS; do
	port_of "$v" >"$T/port" && port=$(cat "$T/port") || port=0
	sv=$(vsql "$port" postgres -Atc 'show server_version_num')
	is "${sv%????}" "$v" "server $v runs (server_version_num $sv)"
	for f in $FIXTURES; do
		if ! load "$port" "$f"; then
			for n in 1 2 3 4 5; do skip "$v/$f: the fixture does not load on $v: $(head -n 1 "$T/why")"; done
			continue
		fi
		run pgdump-stream "$(ci "$port" "src_$f")"
		is "$rc" 0 "$v/$f: pgdump-stream exits 0"
		[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
		cp "$T/out" "$T/$v-$f.sql"
		vsql "$port" postgres -c "create database ours_$f" >/dev/null
		run pgrestore-stream "$(ci "$port" "ours_$f")" "$T/$v-$f.sql"
		is "$rc" 0 "$v/$f: pgrestore-stream restores it into an empty database"
		[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
		pgdump-stream "$(ci "$port" "ours_$f")" >"$T/$v-$f.copy.sql" 2>/dev/null
		dump_body "$T/$v-$f.sql" >"$T/a"
		dump_body "$T/$v-$f.copy.sql" >"$T/b"
		cmp -s "$T/a" "$T/b"
		ok $? "$v/$f: the copy dumps exactly as the source did"
		cmp -s "$T/a" "$T/b" || diff "$T/a" "$T/b" | sed 's/^/#   /' | head -n 10
		vsql "$port" "src_$f" -At -f "$F/checksums.sql" >"$T/c.src" 2>&1
		vsql "$port" "ours_$f" -At -f "$F/checksums.sql" >"$T/c.ours" 2>&1
		cmp -s "$T/c.src" "$T/c.ours"
		ok $? "$v/$f: every table's rows and every sequence's state are the same"
		# Our own dump cannot see what it leaves out (a constraint's name,
		# say): the catalogs' constraints are compared too.
		cons="select conrelid::regclass::text, contypid::regtype::text, conname, pg_get_constraintdef(oid)
			from pg_constraint where connamespace <> 'pg_catalog'::regnamespace order by 1, 2, 3"
		vsql "$port" "src_$f" -At -c "$cons" >"$T/k.src" 2>&1
		vsql "$port" "ours_$f" -At -c "$cons" >"$T/k.ours" 2>&1
		cmp -s "$T/k.src" "$T/k.ours"
		ok $? "$v/$f: the copy has the source's constraints, names and definitions"
		cmp -s "$T/k.src" "$T/k.ours" || diff "$T/k.src" "$T/k.ours" | sed 's/^/#   /' | head -n 10
	done
done

# The upgrade path: dumps from 13 and from Debian's 15 restored into 18.
port_of 18 >"$T/port" && to=$(cat "$T/port")
for from in 13 15; do
	port_of "$from" >"$T/port" && fport=$(cat "$T/port")
	for f in $FIXTURES; do
		if ! vsql "$fport" "src_$f" -c 'select 1' >/dev/null 2>&1 && ! load "$fport" "$f"; then
			for n in 1 2 3; do skip "$from->18/$f: the fixture does not load on $from"; done
			continue
		fi
		# An extension only Debian's server has (PostGIS) cannot be
		# restored into the other servers.
		avail=$(vsql "$to" postgres -Atc "select string_agg(quote_literal(name), ',') from pg_available_extensions")
		missing=$(vsql "$fport" "src_$f" -Atc "select string_agg(extname, ' ') from pg_extension
			where extname not in ($avail)")
		if [ -n "$missing" ]; then
			for n in 1 2 3; do skip "$from->18/$f: 18 lacks the extension(s) $missing"; done
			continue
		fi
		# Nor can security labels without their provider, a module built
		# for Debian's 15 only.
		if [ "$(vsql "$fport" "src_$f" -Atc 'select count(*) from pg_seclabel')" != 0 ]; then
			for n in 1 2 3; do skip "$from->18/$f: 18 has no label provider loaded"; done
			continue
		fi
		pgdump-stream "$(ci "$fport" "src_$f")" >"$T/up.sql" 2>"$T/err"
		vsql "$to" postgres -c "create database up${from}_$f" >/dev/null
		run pgrestore-stream "$(ci "$to" "up${from}_$f")" "$T/up.sql"
		is "$rc" 0 "$from->18/$f: a dump made on $from restores into 18"
		[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
		vsql "$fport" "src_$f" -At -f "$F/checksums.sql" >"$T/c.src" 2>&1
		vsql "$to" "up${from}_$f" -At -f "$F/checksums.sql" >"$T/c.up" 2>&1
		cmp -s "$T/c.src" "$T/c.up"
		ok $? "$from->18/$f: with the same rows and sequence states"
		# Privileges are written as their difference from the defaults, as
		# pg_dump writes them: an owner who had every privilege of the
		# old server keeps 17's MAINTAIN too.
		is "$(vsql "$to" "up${from}_$f" -Atc "select count(*) from pg_class c
			join pg_namespace n on n.oid = c.relnamespace
			where c.relkind in ('r', 'p', 'm') and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
			and has_table_privilege(c.relowner, c.oid, 'SELECT') and has_table_privilege(c.relowner, c.oid, 'INSERT')
			and has_table_privilege(c.relowner, c.oid, 'UPDATE') and has_table_privilege(c.relowner, c.oid, 'DELETE')
			and has_table_privilege(c.relowner, c.oid, 'TRUNCATE') and has_table_privilege(c.relowner, c.oid, 'REFERENCES')
			and has_table_privilege(c.relowner, c.oid, 'TRIGGER') and not has_table_privilege(c.relowner, c.oid, 'MAINTAIN')")" 0 \
			"$from->18/$f: every table's owner keeps the MAINTAIN privilege 18 gives owners"
	done
done
done_testing
