#!/bin/sh
# healthprobe, migrate-apply and pgrestore-stream against the supported
# server versions other than Debian's 15 (whose tests are the programs'
# own): their basic paths on each version in PGOPS_VERSIONS (make check: 13
# and 18; make check-versions: 13 to 18). pgdump-stream's round trips on
# each version are in pgdump-versions.t.
. "$(dirname "$0")/support/lib.sh"
pg_start || exit 1
VERSIONS=${PGOPS_VERSIONS:-13 18}
plan $(( $(echo $VERSIONS | wc -w) * 14 ))
cd "$T" || exit 1
vsql() { _p=$1 _db=$2; shift 2; psql -X -q -v ON_ERROR_STOP=1 -h "$T/pgsock" -p "$_p" -U postgres -d "$_db" "$@"; }
# For pgrestore-stream -j 2: a table of several chunks whose first row's
# check asks whether another session holds the table off autovacuum (as
# it must while the sessions load its rows), and its index after them.
{
	printf "CREATE FUNCTION held(regclass) RETURNS boolean LANGUAGE sql AS \$\$SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE relation = \$1 AND mode = 'ShareUpdateExclusiveLock' AND granted AND pid <> pg_catalog.pg_backend_pid())\$\$;\n"
	printf "CREATE TABLE big (x int CHECK (x <> 1 OR held('big')));\nCOPY big (x) FROM stdin;\n"
	seq 1 1000000
	printf '\\.\nCREATE INDEX big_x ON big (x);\n'
} >"$T/big.sql"

# A golang-migrate directory: a table, a concurrent index (no transaction),
# and their reverts.
M=$T/migrations
mkdir -p "$M"
printf 'CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n' \
	>"$M/000001_accounts.up.sql"
printf 'DROP TABLE accounts;\n' >"$M/000001_accounts.down.sql"
printf 'CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);\n' >"$M/000002_email.up.sql"
printf 'DROP INDEX CONCURRENTLY accounts_email;\n' >"$M/000002_email.down.sql"

for v in $VERSIONS; do
	if [ "$v" = 15 ]; then port=$PGPORT; else pgv_start "$v" && port=$PGV_PORT || port=0; fi
	U="postgres://postgres@127.0.0.1:$port/postgres"
	sv=$(vsql "$port" postgres -Atc 'show server_version_num')
	is "${sv%????}" "$v" "server $v runs (server_version_num $sv)"

	# healthprobe: the query a readiness probe runs, and the role checks.
	run healthprobe "$U"
	is "$rc:$(cat "$T/err")" "0:" "$v: healthprobe passes a live server, silently"
	run healthprobe --level primary "$U"
	is "$rc" 0 "$v: healthprobe --level primary: it is one"
	run healthprobe --level standby "$U"
	is "$rc" 1 "$v: healthprobe --level standby: it is not one (exit 1)"

	# migrate-apply: up, up again, status, down.
	vsql "$port" postgres -c "create database mig" >/dev/null
	run migrate-apply -d "${U%/postgres}/mig" up "$M"
	is "$rc" 0 "$v: migrate-apply up applies both migrations"
	is "$(vsql "$port" mig -Atc "select count(*) from pg_indexes where indexname = 'accounts_email'")" 1 \
		"$v: including the concurrent index, outside a transaction"
	run migrate-apply -d "${U%/postgres}/mig" up "$M"
	is "$rc" 0 "$v: up again: nothing to do, exit 0"
	run migrate-apply -d "${U%/postgres}/mig" status --check "$M"
	is "$rc $(cut -f1,2 "$T/out" | tr '\t\n' ': ')" "0 000001:applied 000002:applied " "$v: status --check: both applied"
	run migrate-apply -d "${U%/postgres}/mig" down 2 "$M"
	is "$rc $(vsql "$port" mig -Atc "select to_regclass('accounts') is null")" "0 t" "$v: down 2 reverts both"

	# pgrestore-stream: a dump of this server restored in one transaction,
	# and drilled.
	vsql "$port" postgres -c "create database shop" -c "create database shop_copy" >/dev/null
	vsql "$port" shop -c "create table items (id int primary key, name text, price numeric(8,2));
		insert into items select g, 'item ' || g, g * 1.5 from generate_series(1, 2000) g;
		create table tags (item int references items, tag text); insert into tags values (1, 'new'), (2, 'old')" >/dev/null
	pgdump-stream "${U%/postgres}/shop" >"$T/shop.sql" 2>"$T/dump.err"
	run pgrestore-stream -1 "${U%/postgres}/shop_copy" "$T/shop.sql"
	is "$rc" 0 "$v: pgrestore-stream -1 restores a dump of this server"
	is "$(vsql "$port" shop_copy -Atc "select (select count(*) from items) || ' ' || (select sum(price) from items)
		|| ' ' || (select count(*) from tags)")" "2000 3001500.00 2" "$v: with every row"
	run pgrestore-stream --drill "$U" "$T/shop.sql"
	is "$rc" 0 "$v: pgrestore-stream --drill passes"
	like "$T/err" "drill: all 2 tables match the dump \\(rows and row checksums\\)" "$v: and says every table matched"
	vsql "$port" postgres -c "create database bigj" >/dev/null
	run pgrestore-stream -j 2 --timeout 60s "${U%/postgres}/bigj" "$T/big.sql"
	is "$rc $(vsql "$port" bigj -Atc "select count(*) || ' ' || (select count(*) from pg_indexes where indexname = 'big_x') from big")" \
		"0 1000000 1" "$v: pgrestore-stream -j 2: the rows in chunks, their table held off autovacuum meanwhile, its index after"
done
done_testing
