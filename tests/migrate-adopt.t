#!/bin/sh
# migrate-apply taking over from the tool a team used before (issue 25):
# a database that golang-migrate, dbmate, Flyway or goose migrated to
# version 2 (their history tables as their documentation and sources make
# them; dbmate itself, from npm, too), then migrate-apply with 5 files
# applies exactly the 3 new ones, records the 2 it adopted, and keeps the
# old tool's table up to date (dbmate's own status agrees). A history the
# old tool would refuse (dirty, failed) is refused with 65. Flyway's
# checksums (computed here by Java's CRC32 as Flyway computes them) are
# compared and written, and its repeatable migrations run after the
# versioned ones and again when they change. Prisma: migrate-prisma.t.
. "$(dirname "$0")/support/lib.sh"
plan 47
pg_start || exit 1
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
newdb() { $PSQL -d postgres -c "drop database if exists $1 with (force)" 2>/dev/null; $PSQL -d postgres -c "create database $1" >/dev/null; }
q() { $PSQL -d "$1" -Atc "$2"; }
D() { echo "host=$PGHOST port=$PGPORT user=postgres dbname=$1"; }
hist() { q "$1" "select string_agg(version || ':' || status || ':' || coalesce(error, '-'), ' ' order by version::numeric) from migrate_apply_history"; }
tables() { q "$1" "select string_agg(relname, ' ' order by relname) from pg_class where relname ~ '^t[0-9]$' and relkind = 'r'"; }

# adopt NAME TOOL-SQL CONTENT NAME: a database at version 2 by TOOL, five files
# (@ in CONTENT and NAME is the version).
adopt() {
	newdb "$1"
	q "$1" "create table t1 (a int); create table t2 (a int); $2" >/dev/null
	mkdir -p "$T/$1"
	for v in 1 2 3 4 5; do
		printf '%b' "$(echo "$3" | sed "s/@/$v/g")" >"$T/$1/$(echo "$4" | sed "s/@/$v/g")"
	done
}

# golang-migrate: one row, the current version, and whether it is dirty.
adopt gm "create table schema_migrations (version bigint not null primary key, dirty boolean not null);
	insert into schema_migrations values (2, false)" 'create table t@ (a int);\n' '@_t.up.sql'
run migrate-apply -d "$(D gm)" "$T/gm"
is "$rc $(tables gm)" "0 t1 t2 t3 t4 t5" "golang-migrate at 2: the 3 new migrations applied, no other"
like "$T/err" "adopted 2 applied migration\(s\) from golang-migrate's public.schema_migrations" "saying what it adopted"
is "$(hist gm)" "1:applied:adopted from golang-migrate's public.schema_migrations 2:applied:adopted from golang-migrate's public.schema_migrations 3:applied:- 4:applied:- 5:applied:-" \
	"migrate-apply's history holds all 5, the adopted ones marked"
is "$(q gm "select version || ' ' || dirty from schema_migrations")" "5 false" "golang-migrate's table is kept up to date: 5, clean"
run migrate-apply -d "$(D gm)" status --check "$T/gm"
is "$rc $(cut -f2 "$T/out" | sort -u)" "0 applied" "status: all 5 applied"
for v in 4 5; do printf 'drop table t%s;\n' $v >"$T/gm/${v}_t.down.sql"; done
run migrate-apply -d "$(D gm)" down 2 "$T/gm"
is "$rc $(q gm "select version || ' ' || dirty from schema_migrations")" "0 3 false" "down 2: golang-migrate's row follows, 3, clean"
run migrate-apply -d "$(D gm)" "$T/gm"
is "$rc $(q gm "select version from schema_migrations")" "0 5" "and up again: 5"

# dbmate: a row per applied version.
adopt db "create table schema_migrations (version varchar(128) primary key);
	insert into schema_migrations values ('20260101000001'), ('20260101000002')" \
	'-- migrate:up\ncreate table t@ (a int);\n-- migrate:down\ndrop table t@;\n' '2026010100000@_t.sql'
run migrate-apply -d "$(D db)" status "$T/db"
is "$rc $(cut -f2 "$T/out" | tr '\n' ' ')" "0 applied applied pending pending pending " "dbmate at 2: status reads its history before any up"
like "$T/err" "2 applied version\(s\) read from dbmate's public.schema_migrations, recorded by the next up" "and says so"
run migrate-apply -d "$(D db)" "$T/db"
is "$rc $(tables db)" "0 t1 t2 t3 t4 t5" "then up applies the 3 new ones"
is "$(q db "select count(*) from migrate_apply_history where error like 'adopted from dbmate%'")" 2 "and records the 2 adopted"
is "$(q db "select string_agg(right(version, 1), ' ' order by version) from schema_migrations")" "1 2 3 4 5" "dbmate's table holds all 5"
run migrate-apply -d "$(D db)" down "$T/db"
is "$rc $(q db "select string_agg(right(version, 1), ' ' order by version) from schema_migrations")" "0 1 2 3 4" "down: dbmate's row for 5 goes"

# Flyway: versioned rows, a baseline, and success; the checksums Flyway
# records (computed by Java's own line reader and CRC32, as Flyway does).
fwsum() { java "$TOP/tests/support/FlywaySum.java" "$@"; }
FWTABLE="create table flyway_schema_history (installed_rank int not null primary key, version varchar(50),
	description varchar(200) not null, type varchar(20) not null, script varchar(1000) not null, checksum int,
	installed_by varchar(100) not null, installed_on timestamp not null default now(), execution_time int not null,
	success boolean not null);"
adopt fw "$FWTABLE
	insert into flyway_schema_history values (1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', null, 'me', now(), 0, true),
	(2, '2', 'create t', 'SQL', 'V2__create_t.sql', 0, 'me', now(), 5, true)" 'create table t@ (a int);\r\n' 'V@__create_t.sql'
q fw "update flyway_schema_history set checksum = $(fwsum "$T/fw/V2__create_t.sql") where version = '2'" >/dev/null
run migrate-apply -d "$(D fw)" "$T/fw"
is "$rc $(tables fw)" "0 t1 t2 t3 t4 t5" "Flyway at 2 (baseline 1, then V2): the 3 new ones applied"
like "$T/err" "adopted 2 applied migration\(s\) from Flyway's public.flyway_schema_history" "saying so"
is "$(q fw "select string_agg(installed_rank || ':' || version || ':' || description || ':' || type || ':' || script || ':' || checksum || ':' || success, ' ' order by installed_rank) from flyway_schema_history where installed_rank > 2")" \
	"$(for v in 3 4 5; do printf '%s:%s:create t:SQL:V%s__create_t.sql:%s:true ' $v $v $v "$(fwsum "$T/fw/V${v}__create_t.sql")"; done | sed 's/ $//')" \
	"Flyway's table gets a row per new version as Flyway writes them, its description and checksum included"
# Plain files beside Flyway's table (a team that renamed its files): read
# and written the same way, Flyway's checksum of each file included.
adopt fwp "$FWTABLE
	insert into flyway_schema_history values (1, '1', 't', 'SQL', 'V1__t.sql', null, 'me', now(), 0, true),
	(2, '2', 't', 'SQL', 'V2__t.sql', null, 'me', now(), 0, true)" 'create table t@ (a int);\n' '@_t.sql'
run migrate-apply -d "$(D fwp)" "$T/fwp"
is "$rc $(tables fwp) $(q fwp "select string_agg(version || ':' || checksum, ' ' order by installed_rank) from flyway_schema_history where installed_rank > 2")" \
	"0 t1 t2 t3 t4 t5 3:$(fwsum "$T/fwp/3_t.sql") 4:$(fwsum "$T/fwp/4_t.sql") 5:$(fwsum "$T/fwp/5_t.sql")" \
	"plain files beside Flyway's table: the 3 new ones applied and recorded there with Flyway's checksums"
# A file changed since Flyway ran it: its checksum says so.
adopt fwc "$FWTABLE
	insert into flyway_schema_history values (1, '1', 'create t', 'SQL', 'V1__create_t.sql', 0, 'me', now(), 0, true)" \
	'create table t@ (a int);\n' 'V@__create_t.sql'
q fwc "update flyway_schema_history set checksum = $(fwsum "$T/fwc/V1__create_t.sql")" >/dev/null
printf '\357\273\277create table t1 (a int);\r\n' >"$T/fwc/V1__create_t.sql"
run migrate-apply -d "$(D fwc)" status --check "$T/fwc"
is "$rc $(cut -f2 "$T/out" | tr '\n' ' ')" "1 applied pending pending pending pending " "the same file with a BOM and CRLF: the same to Flyway, still applied"
printf 'create table t1 (a bigint);\n' >"$T/fwc/V1__create_t.sql"
run migrate-apply -d "$(D fwc)" "$T/fwc"
is "$rc" 65 "V1 edited since Flyway ran it: 65"
like "$T/err" "1 \(.*V1__create_t.sql\) changed after it was applied \(Flyway recorded checksum -?[0-9]+, which is not this file's\)" "saying so"

# Flyway's repeatable migrations: run after the versioned ones, again when
# they change; Flyway's row of their last run is read and written.
adopt fwr "$FWTABLE
	insert into flyway_schema_history values (1, '1', 'create t', 'SQL', 'V1__create_t.sql', null, 'me', now(), 0, true),
	(2, '2', 'create t', 'SQL', 'V2__create_t.sql', null, 'me', now(), 0, true),
	(3, null, 'all t', 'SQL', 'R__all_t.sql', 0, 'me', now(), 0, true)" 'create table t@ (a int);\n' 'V@__create_t.sql'
printf 'create or replace view all_t as select a from t1 union all select a from t2;\n' >"$T/fwr/R__all_t.sql"
q fwr "update flyway_schema_history set checksum = $(fwsum "$T/fwr/R__all_t.sql") where version is null; create view all_t as select a from t1 union all select a from t2" >/dev/null
run migrate-apply -d "$(D fwr)" status "$T/fwr"
is "$rc $(cut -f1,2 "$T/out" | tr '\t\n' ': ')" "0 1:applied 2:applied 3:pending 4:pending 5:pending R__all_t:applied " "a repeatable Flyway ran, unchanged: applied"
printf 'create or replace view all_t as select a from t1 union all select a from t2 union all select a from t5;\n' >"$T/fwr/R__all_t.sql"
printf 'create or replace view t3_view as select a from t3;\n' >"$T/fwr/R__t3_view.sql"
run migrate-apply -d "$(D fwr)" status "$T/fwr"
is "$rc $(cut -f1,2 "$T/out" | tail -n 2 | tr '\t\n' ': ')" "0 R__all_t:outdated R__t3_view:pending " "changed: outdated; a new one: pending"
run migrate-apply -d "$(D fwr)" --json "$T/fwr"
is "$rc $(grep -o '"version":"[^"]*"' "$T/out" | cut -d'"' -f4 | tr '\n' ' ')" "0 3 4 5 R__all_t R__t3_view " \
	"up: the versioned ones first, then both repeatable ones (the view over t5 needs V5)"
is "$(q fwr "select string_agg(coalesce(version, '-') || ':' || description || ':' || script || ':' || checksum, ' ' order by installed_rank) from flyway_schema_history where installed_rank > 6")" \
	"-:all t:R__all_t.sql:$(fwsum "$T/fwr/R__all_t.sql") -:t3 view:R__t3_view.sql:$(fwsum "$T/fwr/R__t3_view.sql")" \
	"Flyway's table gets a row per run of a repeatable one, without a version, as Flyway writes it"
run migrate-apply -d "$(D fwr)" "$T/fwr"
like "$T/err" "up to date" "run again: nothing to do"
printf 'create or replace view t3_view as select a, 1 as one from t3;\n' >"$T/fwr/R__t3_view.sql"
run migrate-apply -d "$(D fwr)" --json "$T/fwr"
is "$rc $(grep -o '"version":"[^"]*"' "$T/out" | cut -d'"' -f4) $(q fwr "select count(*) from pg_attribute where attrelid = 't3_view'::regclass and attname = 'one'")" \
	"0 R__t3_view 1" "changed again: run again, alone"
# goose: a row per apply and per rollback, the last one wins.
adopt gs "create table goose_db_version (id serial primary key, version_id bigint not null, is_applied boolean not null,
	tstamp timestamp default now());
	insert into goose_db_version (version_id, is_applied) values (0, true), (1, true), (2, true), (3, true), (3, false)" \
	'create table t@ (a int);\n' '0000@_t.sql'
run migrate-apply -d "$(D gs)" "$T/gs"
is "$rc $(tables gs)" "0 t1 t2 t3 t4 t5" "goose at 2 (3 applied then rolled back): 3, 4 and 5 applied"
is "$(q gs "select count(*) from migrate_apply_history where error like 'adopted from goose%'")" 2 "2 adopted"
is "$(q gs "select string_agg(version_id || ':' || is_applied, ' ' order by id) from goose_db_version where id > 5")" "3:true 4:true 5:true" \
	"goose's table gets an applied row per new version"

# dbmate itself: it migrates to 2, migrate-apply takes 3 more, and dbmate's
# own status agrees; dbmate can go on from there (rollback of the last).
DBMATE=$TOP/build/npm-mig/node_modules/@dbmate/linux-x64/bin/dbmate
newdb dbr
mkdir -p "$T/dbr"
for v in 1 2; do printf -- '-- migrate:up\ncreate table t%s (a int);\n-- migrate:down\ndrop table t%s;\n' $v $v >"$T/dbr/2026010100000${v}_t.sql"; done
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/dbr?sslmode=disable"
"$DBMATE" --migrations-dir "$T/dbr" --no-dump-schema up >"$T/dbmate.out" 2>&1
is "$? $(tables dbr)" "0 t1 t2" "dbmate applied 1 and 2"
for v in 3 4 5; do printf -- '-- migrate:up\ncreate table t%s (a int);\n-- migrate:down\ndrop table t%s;\n' $v $v >"$T/dbr/2026010100000${v}_t.sql"; done
run migrate-apply -d "$(D dbr)" "$T/dbr"
is "$rc $(tables dbr)" "0 t1 t2 t3 t4 t5" "migrate-apply applies exactly 3, 4 and 5 after dbmate"
"$DBMATE" --migrations-dir "$T/dbr" status >"$T/dbmate.out" 2>&1
is "$(grep -c '^\[X\]' "$T/dbmate.out") $(grep -c '^\[ \]' "$T/dbmate.out")" "5 0" "dbmate status: all 5 applied, none pending"
"$DBMATE" --migrations-dir "$T/dbr" --no-dump-schema rollback >"$T/dbmate.out" 2>&1
is "$? $(tables dbr)" "0 t1 t2 t3 t4" "and dbmate can go on: it rolls back 5"
unset DATABASE_URL

# Histories the old tool would refuse.
adopt gmd "create table schema_migrations (version bigint not null primary key, dirty boolean not null);
	insert into schema_migrations values (2, true)" 'create table t@ (a int);\n' '@_t.up.sql'
run migrate-apply -d "$(D gmd)" "$T/gmd"
is "$rc $(tables gmd)" "65 t1 t2" "golang-migrate dirty at 2: 65, nothing run"
like "$T/err" "public.schema_migrations says version 2 is dirty.*migrate force 2" "naming the row and what to do"
adopt fwf "create table flyway_schema_history (installed_rank int not null primary key, version varchar(50),
	description varchar(200) not null, type varchar(20) not null, script varchar(1000) not null, checksum int,
	installed_by varchar(100) not null, installed_on timestamp not null default now(), execution_time int not null,
	success boolean not null);
	insert into flyway_schema_history values (1, '1', 't', 'SQL', 'V1__t.sql', 1, 'me', now(), 0, true),
	(2, '2', 't', 'SQL', 'V2__t.sql', 2, 'me', now(), 0, false)" 'create table t@ (a int);\n' 'V@__t.sql'
run migrate-apply -d "$(D fwf)" status "$T/fwf"
is "$rc" 65 "a failed Flyway row: 65"
like "$T/err" "says version 2 \(V2__t.sql\) failed under Flyway.*flyway repair" "naming it and what to do"
q fwf "update flyway_schema_history set success = true; insert into flyway_schema_history values
	(3, null, 'all t', 'SQL', 'R__all_t.sql', 5, 'me', now(), 0, false)" >/dev/null
run migrate-apply -d "$(D fwf)" status "$T/fwf"
is "$rc" 65 "a failed repeatable Flyway row: 65"
like "$T/err" "says version \(repeatable\) \(R__all_t.sql\) failed under Flyway.*flyway repair" "naming its script"

# An adopted version without a file is drift like any other.
adopt gmm "create table schema_migrations (version bigint not null primary key, dirty boolean not null);
	insert into schema_migrations values (7, false)" 'create table t@ (a int);\n' '@_t.up.sql'
run migrate-apply -d "$(D gmm)" "$T/gmm"
is "$rc" 65 "golang-migrate at 7 with files up to 5: the database is ahead, 65"
like "$T/err" "7 \(golang-migrate\) is applied but newer than every file" "saying so"

# A schema_migrations beside files of another tool is someone else's (Rails
# keeps one like dbmate's): neither read nor written. --no-adopt says so
# for any table.
newdb rails
q rails "create table schema_migrations (version varchar primary key); insert into schema_migrations values ('20200101000000')" >/dev/null
mkdir -p "$T/rails"
for v in 1 2 3; do printf 'create table u%s (a int);\n' $v >"$T/rails/${v}_u.up.sql"; done
run migrate-apply -d "$(D rails)" "$T/rails"
is "$rc $(q rails "select count(*) from pg_class where relname ~ '^u[0-9]$'") $(q rails "select string_agg(version, ' ') from schema_migrations")" \
	"0 3 20200101000000" "dbmate-shaped table beside golang-migrate files: not adopted, not written"
like "$T/err" "public.schema_migrations is dbmate's history, but the files in .* are golang-migrate's: not read, not written" "saying so"
newdb noad
q noad "create table schema_migrations (version bigint not null primary key, dirty boolean not null); insert into schema_migrations values (2, false)" >/dev/null
mkdir -p "$T/noad"
for v in 1 2 3; do printf 'create table u%s (a int);\n' $v >"$T/noad/${v}_u.sql"; done
run migrate-apply -d "$(D noad)" --no-adopt "$T/noad"
is "$rc $(q noad "select count(*) from pg_class where relname ~ '^u[0-9]$'") $(q noad "select version || ' ' || dirty from schema_migrations")" \
	"0 3 2 false" "--no-adopt: golang-migrate's table neither read nor written"

# Once recorded, migrate-apply's table is the history: the old one is not read.
q gm "update schema_migrations set dirty = true" >/dev/null
run migrate-apply -d "$(D gm)" "$T/gm"
is "$rc" 0 "after the first up, the old table is no longer read"
# Commands other than up, status, verify and plan never adopt.
adopt gmb "create table schema_migrations (version bigint not null primary key, dirty boolean not null);
	insert into schema_migrations values (2, false)" 'create table t@ (a int);\n' '@_t.up.sql'
run migrate-apply -d "$(D gmb)" baseline 2 "$T/gmb"
is "$rc $(hist gmb)" "0 1:applied:baseline 2:applied:baseline" "baseline writes its own rows"
run migrate-apply -d "$(D gmb)" "$T/gmb"
is "$rc $(tables gmb)" "0 t1 t2 t3 t4 t5" "and up goes on from there"
done_testing
