#!/bin/sh
# migrate-apply against a real PostgreSQL: every file format, every
# command, every exit code; drift; no-transaction files resumed; the lock
# and its holder; a runner killed with SIGKILL inside a transactional and a
# no-transaction migration; SIGTERM.
. "$(dirname "$0")/support/lib.sh"
plan 140
pg_start || exit 1
cd "$T" || exit 1
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
newdb() { $PSQL -d postgres -c "drop database if exists $1 with (force)" 2>/dev/null; $PSQL -d postgres -c "create database $1" >/dev/null; }
q() { $PSQL -d "$1" -Atc "$2"; }
db() { export DATABASE_URL="postgresql://postgres@/$1?host=$PGHOST&port=$PGPORT"; }
# mk DIR FILE TEXT: a migration file (backslash escapes as printf %b).
mk() { mkdir -p "$1"; printf '%b' "$3" >"$1/$2"; }
hist() { q "$1" "select string_agg(version || ':' || status, ' ' order by version::numeric) from migrate_apply_history"; }

# Usage and what is checked before any I/O.
run migrate-apply --help
is "$rc $(head -n 1 "$T/out")" "0 usage: migrate-apply [options] [COMMAND] [DIR]" "--help: usage, exit 0"
for bad in "--check up" "--offline status" "--dry-run down" "--to 3 status" "mark-applied" "baseline" "up a b" \
	"--var 1x" "--table ." "--lock-timeout 0" "down 2 --to 1"; do
	run migrate-apply $bad
	is "$rc" 64 "usage error: $bad"
done
run migrate-apply up "$T/nonexistent"
is "$rc" 66 "a missing DIR exits 66"

# golang-migrate: up/down files, an auto no-transaction index file.
G=$T/golang
mk "$G" 1_users.up.sql 'create table users (id int primary key, email text);\n'
mk "$G" 1_users.down.sql 'drop table users;\n'
mk "$G" 2_email_idx.up.sql 'create index concurrently users_email on users (email);\n'
mk "$G" 2_email_idx.down.sql 'drop index concurrently users_email;\n'
mk "$G" 3_data.up.sql "insert into users values (1, 'a;b'), (2, \$x\$;\$x\$);\n/* c; /* nested; */ */\ncreate function one() returns int language sql begin atomic select 1; select 1; end;\n"
mk "$G" 3_data.down.sql 'drop function one(); delete from users;\n'
newdb g
db g
run migrate-apply status "$G"
is "$rc $(cut -f1,2 "$T/out" | tr '\t\n' ': ')" "0 1:pending 2:pending 3:pending " "status before: all pending, exit 0"
is "$(q g "select to_regclass('migrate_apply_history') is null")" t "status did not create the history table"
run migrate-apply status --check "$G"
is "$rc" 1 "status --check: 1 when something is pending"
run migrate-apply plan "$G"
is "$rc" 0 "plan exits 0"
like "$T/out" "^-- 2 email_idx .*no transaction" "plan shows the index file runs without a transaction"
is "$(q g "select to_regclass('users') is null")" t "plan ran nothing"
run migrate-apply "$G"
is "$rc" 0 "up applies a golang-migrate directory"
is "$(hist g)" "1:applied 2:applied 3:applied" "each version recorded as applied"
is "$(q g "select indisvalid from pg_index where indexrelid = 'users_email'::regclass")" t "CREATE INDEX CONCURRENTLY built a valid index"
is "$(q g "select count(*) || ' ' || one() from users")" "2 1" "strings, dollar quotes, nested comments and BEGIN ATOMIC split right"
run migrate-apply "$G"
is "$rc" 0 "a second up exits 0"
like "$T/err" "up to date: 3 applied" "saying it is up to date"
run migrate-apply status --check "$G"
is "$rc" 0 "status --check: 0 when everything is applied"
run migrate-apply verify "$G"
is "$rc" 0 "verify: checksums match"
run migrate-apply down 2 "$G"
is "$rc $(hist g)" "0 1:applied" "down 2 reverts the last two"
is "$(q g "select to_regclass('users_email') is null")" t "the index is gone (its down ran without a transaction)"
run migrate-apply up --to 2 "$G"
is "$rc $(hist g)" "0 1:applied 2:applied" "up --to 2 stops at 2"
run migrate-apply down --to 1 "$G"
is "$rc $(hist g)" "0 1:applied" "down --to 1 reverts the ones after 1"
migrate-apply "$G" 2>/dev/null
run migrate-apply redo "$G"
is "$rc $(hist g) $(q g 'select count(*) from users')" "0 1:applied 2:applied 3:applied 2" "redo reverts and reapplies the last"
run migrate-apply --json status "$G"
python3 -c 'import json,sys; e=[json.loads(l) for l in open(sys.argv[1])]; assert [x["state"] for x in e] == ["applied"] * 3 and e[0]["event"] == "status", e' "$T/out"
ok $? "status --json: one JSON object per migration"

# Drift.
cp "$G/1_users.up.sql" "$T/1.bak"
printf -- '-- a comment added later\n' >>"$G/1_users.up.sql"
run migrate-apply "$G"
is "$rc" 65 "an applied file that changed is refused (65)"
like "$T/err" "1 \(.*1_users.up.sql\) changed after it was applied" "naming it"
run migrate-apply verify "$G"
is "$rc" 1 "verify finds it (1)"
run migrate-apply --allow-changed "$G"
is "$rc" 0 "--allow-changed goes on"
cp "$T/1.bak" "$G/1_users.up.sql"
printf 'create table users (id int primary key, email text);\r\n' >"$G/1_users.up.sql"
run migrate-apply verify "$G"
is "$rc" 0 "CRLF line ends do not count as a change"
cp "$T/1.bak" "$G/1_users.up.sql"
mk "$G" 0_early.up.sql 'select 1;\n'
run migrate-apply "$G"
is "$rc" 65 "a pending version older than the newest applied is refused"
like "$T/err" "0 .* is pending but older than 3, the newest applied: out of order" "as out of order"
run migrate-apply --allow-out-of-order "$G"
is "$rc $(hist g)" "0 0:applied 1:applied 2:applied 3:applied" "--allow-out-of-order applies it"
rm "$G/0_early.up.sql"
run migrate-apply "$G"
is "$rc" 65 "an applied version without its file is refused"
like "$T/err" "0 \(early\) is applied but has no file" "as missing"
run migrate-apply --allow-missing "$G"
is "$rc" 0 "--allow-missing goes on"
q g "delete from migrate_apply_history where version = '0'"
mv "$G/3_data.up.sql" "$G/3_data.down.sql" "$T/"
run migrate-apply "$G"
is "$rc" 65 "a database ahead of the files is refused"
like "$T/err" "3 \(data\) is applied but newer than every file" "as ahead"
run migrate-apply --allow-db-ahead "$G"
is "$rc" 0 "--allow-db-ahead only warns"
like "$T/err" "warning: 3 \(data\) is applied but newer" "with a warning"
mv "$T/3_data.up.sql" "$T/3_data.down.sql" "$G/"

# mark-applied / mark-rolled-back.
mk "$G" 4_manual.up.sql 'create table manual (a int);\n'
run migrate-apply mark-applied 4 "$G"
is "$rc $(hist g) $(q g "select to_regclass('manual') is null")" "0 1:applied 2:applied 3:applied 4:applied t" "mark-applied records without running"
run migrate-apply mark-rolled-back 4 "$G"
is "$rc $(hist g)" "0 1:applied 2:applied 3:applied" "mark-rolled-back forgets it"
run migrate-apply "$G"
is "$rc $(q g "select to_regclass('manual') is not null")" "0 t" "and up runs it then"
run migrate-apply mark-applied 99 "$G"
is "$rc" 65 "mark-applied of a version without a file: 65"
run migrate-apply down "$G"
is "$rc" 65 "down of a migration without a down file: 65"
like "$T/err" "cannot revert 4 .*: it has no down migration" "saying so"

# baseline: a database made before migrate-apply takes the migrations up to
# VERSION as applied, in one step, without running them; then up applies
# the rest. Never over a history with rows.
newdb bl
mk "$T/bl" 1_a.sql 'create table bl_a (a int);\n'
mk "$T/bl" 2_b.sql 'create table bl_b (a int);\n'
mk "$T/bl" 3_c.sql 'create table bl_c (a int);\n'
mk "$T/bl" 4_d.sql 'create table bl_d (a int);\n'
q bl "create table bl_a (a int); create table bl_b (a int); create table bl_c (a int)"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=bl" baseline 3 "$T/bl"
is "$rc $(hist bl) $(q bl "select count(distinct error) || ':' || min(error) from migrate_apply_history")" \
	"0 1:applied 2:applied 3:applied 1:baseline" "baseline 3: versions 1 to 3 recorded as applied, marked baseline"
like "$T/err" "baseline: 3 migration\(s\) up to 3 recorded as applied \(none was run\)" "and says so"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=bl" "$T/bl"
is "$rc $(hist bl) $(q bl "select to_regclass('bl_d') is not null")" "0 1:applied 2:applied 3:applied 4:applied t" \
	"then up applies only 4"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=bl" baseline 2 "$T/bl"
is "$rc" 65 "baseline over a history with rows: 65"
like "$T/err" "already has 4 row\(s\)" "saying why"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=bl" baseline 9 "$T/bl"
is "$rc" 65 "baseline to a version without a file: 65"

# goose: -- +goose Up/Down (any case), StatementBegin/End around a
# multi-statement plpgsql body, NO TRANSACTION, a BOM and CRLF line ends.
newdb gse
GS=$T/goose
mkdir -p "$GS"
printf '\357\273\277-- +goose Up\r\n-- +goose StatementBegin\r\nCREATE TABLE users (id int);\r\nCREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$\r\nBEGIN\r\n  NEW.id := NEW.id + 1;\r\n  RETURN NEW;\r\nEND;\r\n$$;\r\n-- +goose StatementEnd\r\n\r\n-- +goose Down\r\nDROP FUNCTION bump();\r\nDROP TABLE users;\r\n' >"$GS/00001_users.sql"
printf -- '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n-- +goose Down\nDROP INDEX CONCURRENTLY users_id;\n' >"$GS/00002_idx.sql"
printf -- '-- +goose up\nINSERT INTO users VALUES (1);\n-- +goose down\nDELETE FROM users;\n' >"$GS/00003_seed.sql"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=gse" "$GS"
is "$rc $(q gse "select count(*) from users") $(q gse "select indisvalid from pg_index where indexrelid = 'users_id'::regclass") $(q gse "select to_regprocedure('bump()') is not null")" \
	"0 1 t t" "goose files: all 3 applied (a plpgsql body whole, the index built concurrently)"
is "$(q gse "select string_agg(version || ':' || transactional, ' ' order by version) from migrate_apply_history")" "00001:true 00002:false 00003:true" \
	"NO TRANSACTION runs without one"
tr -d '\r' <"$GS/00001_users.sql" | tail -c +4 >"$T/lf.sql" && mv "$T/lf.sql" "$GS/00001_users.sql"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=gse" verify "$GS"
is "$rc" 0 "the checksum ignores the BOM and CRLF: the same file with LF verifies"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=gse" down 3 "$GS"
is "$rc $(q gse "select to_regclass('users') is null")" "0 t" "down 3 runs the three Down sections"
mk "$T/gmix" 00001_a.sql '-- +goose Up\ncreate table a (x int);\n'
mk "$T/gmix" 00002_b.sql 'create table b (x int);\n'
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=gse" "$T/gmix"
is "$rc" 65 "a plain file among goose files: 65"
like "$T/err" "00002_b.sql: no -- \+goose Up line" "naming it"

# dbmate: one file, markers, transaction:false.
D=$T/dbmate
mk "$D" 20240101000000_accounts.sql '-- migrate:up\ncreate table accounts (id int);\n\n-- migrate:down\ndrop table accounts;\n'
mk "$D" 20240102000000_idx.sql '-- migrate:up transaction:false\ncreate index concurrently accounts_id on accounts (id);\n-- migrate:down\ndrop index accounts_id;\n'
newdb dm
db dm
run migrate-apply "$D"
is "$rc $(hist dm)" "0 20240101000000:applied 20240102000000:applied" "dbmate files apply"
is "$(q dm "select transactional from migrate_apply_history order by version")" "$(printf 't\nf')" "transaction:false runs without a transaction"
run migrate-apply down 2 "$D"
is "$rc $(q dm "select to_regclass('accounts') is null")" "0 t" "dbmate down sections revert"

# Plain VERSION_NAME.sql with timestamps, and Flyway, ordered as numbers.
P=$T/plain
mk "$P" 999_first.sql 'create table p (v text);\n'
mk "$P" 1703000000000_second.sql "insert into p values ('second');\n"
mk "$P" 1703000000001_third.sql "insert into p values ('third');\n"
newdb pl
db pl
run migrate-apply --json "$P"
is "$rc $(q pl "select string_agg(version, ' ' order by started_at) from migrate_apply_history")" "0 999 1703000000000 1703000000001" "plain files in numeric order (999 before 1703000000000)"
python3 -c 'import json,sys; e=[json.loads(l) for l in open(sys.argv[1])]; assert [(x["event"], x["version"], x["transactional"], x["statements"]) for x in e] == [("applied", "999", True, 1), ("applied", "1703000000000", True, 1), ("applied", "1703000000001", True, 1)] and all(x["duration_ms"] >= 0 for x in e), e' "$T/out"
ok $? "--json: one applied event per migration, with its statements and duration"
F=$T/flyway
mk "$F" V1__init.sql 'create table f (v text);\n'
mk "$F" V1.1__more.sql "insert into f values ('1.1');\n"
mk "$F" V2__two.sql "insert into f values ('2');\n"
mk "$F" V10__ten.sql "insert into f values ('10');\n"
newdb fw
db fw
run migrate-apply "$F"
is "$rc $(q fw "select string_agg(v, ' ' order by ctid) from f")" "0 1.1 2 10" "Flyway versions in numeric order (1 < 1.1 < 2 < 10)"
mk "$F" V3__x.up.sql 'select 1;\n'
run migrate-apply "$F"
is "$rc" 65 "two formats in one directory are refused"
rm "$F/V3__x.up.sql"

# Directories refused before anything runs.
X=$T/dup
mk "$X" 1_a.sql 'select 1;\n'
mk "$X" 01_b.sql 'select 2;\n'
run migrate-apply verify --offline "$X"
is "$rc" 65 "one version twice (1 and 01) is refused"
like "$T/err" "version 1 is taken twice \(1_a.sql\)|version 01 is taken twice" "naming it"
X=$T/orphan
mk "$X" 1_a.down.sql 'select 1;\n'
run migrate-apply verify --offline "$X"
like "$T/err" "1_a.down.sql: a down migration without its up file" "a down file without its up file is refused"
X=$T/halfdbmate
mk "$X" 1_plain.sql 'select 1;\n'
mk "$X" 2_dbmate.sql '-- migrate:up\nselect 2;\n'
run migrate-apply verify --offline "$X"
like "$T/err" "2_dbmate.sql: dbmate markers, but .*1_plain.sql before it has none" "dbmate markers in only some files are refused"
mk "$X" 1_plain.sql '-- migrate:down\nselect 1;\n-- migrate:up\nselect 1;\n'
run migrate-apply verify --offline "$X"
like "$T/err" "1_plain.sql: -- migrate:down comes before -- migrate:up" "a down section before the up section is refused"
X=$T/halfgoose
mk "$X" 1_plain.sql 'select 1;\n'
mk "$X" 2_goose.sql '-- +goose Up\nselect 2;\n'
run migrate-apply verify --offline "$X"
is "$rc" 65 "goose annotations in only some files: 65"
like "$T/err" "2_goose.sql: goose annotations, but .*1_plain.sql before it has none" "saying so"
mk "$X" 1_plain.sql '-- +goose Down\nselect 1;\n-- +goose Up\nselect 1;\n'
run migrate-apply verify --offline "$X"
like "$T/err" "1_plain.sql: -- \+goose Down comes before -- \+goose Up" "a goose Down section before the Up section is refused"
mk "$X" 1_plain.sql '-- +goose Up\nselect 1;\n'
mk "$X" 3_plain.sql 'select 3;\n'
run migrate-apply verify --offline "$X"
like "$T/err" "3_plain.sql: no -- \+goose Up line \(the other files are goose's\)" "a file without annotations among goose's is refused"
X=$T/dbgoose
mk "$X" 1_db.sql '-- migrate:up\nselect 1;\n'
mk "$X" 2_goose.sql '-- +goose Up\nselect 2;\n'
run migrate-apply verify --offline "$X"
like "$T/err" "2_goose.sql: goose annotations among dbmate migrations" "goose annotations among dbmate's files are refused"

# Files refused before anything runs.
B=$T/bad
newdb bad
db bad
mk "$B" 1_ok.sql 'create table ok (a int);\n'
mk "$B" 2_meta.sql 'select 1;\n\\i other.sql\n'
run migrate-apply "$B"
is "$rc $(q bad "select to_regclass('ok') is null")" "65 t" "a psql meta-command is refused before anything runs"
like "$T/err" '2_meta.sql:2: psql meta-command \\i other.sql' "naming file and line"
run migrate-apply verify --offline "$B"
is "$rc" 65 "verify --offline finds it without a database"
rm "$B/2_meta.sql"
mk "$B" 2_tx.sql 'begin;\ncreate table t2 (a int);\ncommit;\n'
run migrate-apply "$B"
is "$rc" 65 "BEGIN in a transactional file is refused"
like "$T/err" "2_tx.sql:1: BEGIN in a transactional migration" "naming the line"
mk "$B" 2_tx.sql 'create table t2 (a int);\n\ncreate index concurrently t2_a on t2 (a);\n'
run migrate-apply "$B"
is "$rc" 65 "CREATE INDEX CONCURRENTLY in a transactional plain file is refused"
like "$T/err" "2_tx.sql:3: CREATE INDEX CONCURRENTLY cannot run inside a transaction block" "naming the line"
mk "$B" 2_tx.sql "select 'unterminated;\n"
run migrate-apply verify --offline "$B"
is "$rc" 65 "a file that ends inside a string is refused"
mk "$B" 2_tx.sql 'create table t2 (a int);\n\nselect 1 +;\n'
run migrate-apply "$B"
is "$rc" 65 "a failing statement: 65"
like "$T/err" '2_tx.sql:3:11: ERROR 42601: syntax error at or near ";" \(statement 2 of 2\); rolled back' "file:line:column of the error, SQLSTATE, message"
is "$(q bad "select to_regclass('t2') is null")" t "and nothing of that file stayed"
mk "$B" 2_tx.sql 'create table ${NAME} (a int);\n'
run migrate-apply --var NAME=t_from_var "$B"
is "$rc $(q bad "select to_regclass('t_from_var') is not null")" "0 t" "--var fills \${NAME}"
mk "$B" 3_var.sql 'create table ${OTHER} (a int);\n'
run migrate-apply --var NAME=x "$B"
is "$rc" 65 "an unknown \${NAME} is an error"
like "$T/err" '3_var.sql:1: \$\{OTHER\} has no value' "naming it"
rm "$B/3_var.sql"

# No-transaction files: progress per statement, resumed after a failure.
N=$T/notx
newdb nt
db nt
mk "$N" 1_nt.sql '-- migrate-apply:no-transaction\ncreate table nt_a (a int);\ncreate table nt_block (a int);\ncreate table nt_c (a int);\n'
q nt "create table nt_block (a int)"
run migrate-apply "$N"
is "$rc" 65 "a failing no-transaction migration: 65"
like "$T/err" "1_nt.sql:3:1: ERROR 42P07: .*statement 2 of 3.*resume here" "saying what stays and how to go on"
is "$(q nt "select status || ' ' || statements_done || ' ' || (error like 'statement 2 %') from migrate_apply_history")" "partial 1 true" "its history row: partial, 1 statement done, the error"
run migrate-apply status "$N"
is "$(cut -f2 "$T/out")" partial "status shows it partial"
q nt "drop table nt_block"
run migrate-apply "$N"
is "$rc $(hist nt)" "0 1:applied" "the next run resumes at statement 2 (statement 1 would fail if run again)"
like "$T/err" "resuming after statement 1 of 3" "saying so"
mk "$N" 2_nt.sql '-- migrate-apply:no-transaction\ncreate table nt_d (a int);\nselect 1/0;\n'
migrate-apply "$N" 2>/dev/null
mk "$N" 2_nt.sql '-- migrate-apply:no-transaction\ncreate table nt_d (a int);\nselect 1;\n'
run migrate-apply "$N"
is "$rc" 65 "a partial no-transaction migration whose file changed is refused"
like "$T/err" "2 \(.*2_nt.sql\) changed after it partly ran \(1 statements done\): repair by hand" "sending the operator to repair it by hand"
run migrate-apply mark-applied 2 "$N"
is "$rc $(hist nt)" "0 1:applied 2:applied" "mark-applied completes the repair"
mk "$N" 3_own_tx.sql '-- migrate-apply:no-transaction\nbegin;\nselect 1/0;\ncommit;\n'
run migrate-apply "$N"
like "$T/err" "3_own_tx.sql:3:1: ERROR 22012: division by zero" "a failure inside the file's own BEGIN is reported as itself"
is "$(q nt "select error like 'statement 2 %division by zero%' from migrate_apply_history where version = '3'")" t "and recorded (its transaction rolled back first)"

# --dry-run and --table.
newdb dr
db dr
run migrate-apply --dry-run "$P"
is "$rc $(q dr "select to_regclass('p') is null and to_regclass('migrate_apply_history') is null")" "0 t" "--dry-run runs them all (later ones seeing earlier ones) and rolls back"
like "$T/err" "dry run: 3 migration\(s\) applied" "saying what it ran"
run migrate-apply --table ops.schema_history "$P"
is "$rc $(q dr "select count(*) from ops.schema_history")" "0 3" "--table SCHEMA.NAME: created and used"
run migrate-apply --table ops.schema_history status --check "$P"
is "$rc" 0 "status reads that table"

# The lock: never waited for in the server; its holder named.
KEY=$(python3 -c 'import hashlib; print(int.from_bytes(hashlib.sha256(b"migrate-apply public.migrate_apply_history").digest()[:8], "big", signed=True))')
newdb lk
db lk
mkfifo hold
psql -X -q -h "$PGHOST" -p "$PGPORT" -U postgres -d lk -v ON_ERROR_STOP=1 <hold >/dev/null 2>&1 &
holder=$!
exec 3>hold
echo "set application_name = 'pgops_holder'; select pg_advisory_lock($KEY); select 'locked';" >&3
i=0; while [ "$(q lk "select count(*) from pg_locks where locktype = 'advisory' and granted")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run migrate-apply --lock-timeout 1s "$P"
is "$rc" 75 "the lock not free within --lock-timeout: 75"
like "$T/err" "waiting for the migration lock on public.migrate_apply_history, held by pid [0-9]+ \(pgops_holder, local, connected since 20" "naming the holder while waiting"
like "$T/err" "was not free within 1000 ms" "and when giving up"
echo "select pg_advisory_unlock($KEY);" >&3
i=0; while [ "$(q lk "select count(*) from pg_locks where locktype = 'advisory' and granted")" != 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
migrate-apply "$P" 2>/dev/null
echo "select pg_advisory_lock($KEY);" >&3
i=0; while [ "$(q lk "select count(*) from pg_locks where locktype = 'advisory' and granted")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run migrate-apply --lock-timeout 1s "$P"
is "$rc" 0 "nothing pending: exits 0 without the lock"
exec 3>&-
wait $holder

# Timeouts, permission, connection.
newdb tmo
db tmo
q tmo "create table busy (a int)"
mk "$T/lt" 1_alter.sql 'alter table busy add column b int;\n'
psql -X -q -h "$PGHOST" -p "$PGPORT" -U postgres -d tmo -v ON_ERROR_STOP=1 <hold >/dev/null 2>&1 &
holder=$!
exec 3>hold
echo "begin; lock table busy in access exclusive mode; select 'locked';" >&3
i=0; while [ "$(q tmo "select count(*) from pg_locks where relation = 'busy'::regclass and mode = 'AccessExclusiveLock' and granted")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run migrate-apply --statement-lock-timeout 1s --lock-retries 0 "$T/lt"
is "$rc" 75 "a migration waiting past --statement-lock-timeout: 75"
like "$T/err" "1_alter.sql:1:1: ERROR 55P03: canceling statement due to lock timeout" "with the lock timeout's message"
# With retries the migration tries again, and gives up after the last: 75.
run migrate-apply --statement-lock-timeout 300ms --lock-retries 2 "$T/lt"
is "$rc" 75 "lock timeouts on every try: 75 after --lock-retries 2"
is "$(grep -c 'lock timeout (55P03); retry [12] of 2 in [0-9]* ms' "$T/err")" 2 "each retry is a warning"
like "$T/err" "rolled back, nothing of it applied \(after the retries\)" "and the error says the retries are spent"
exec 3>&-
wait $holder
# A lock released while the migration waits between tries: it is applied,
# the transactional file whole, the no-transaction file from the statement
# that timed out.
lockfor() { # TABLE SECONDS: hold an ACCESS EXCLUSIVE lock on TABLE in tmo for SECONDS
	(echo "begin; lock table $1 in access exclusive mode;"; sleep "$2"; echo "commit;") |
		psql -X -q -h "$PGHOST" -p "$PGPORT" -U postgres -d tmo >/dev/null 2>&1 &
	i=0; while [ "$(q tmo "select count(*) from pg_locks where relation = '$1'::regclass and mode = 'AccessExclusiveLock' and granted")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
lockfor busy 2.5
run migrate-apply --statement-lock-timeout 500ms --lock-retries 6 "$T/lt"
is "$rc $(q tmo "select count(*) from information_schema.columns where table_name = 'busy' and column_name = 'b'")" "0 1" \
	"a lock released after 2.5 s: the transactional migration is retried and applied"
like "$T/err" "1_alter.sql:1: lock timeout \(55P03\); retry 1 of 6 in [0-9]+ ms" "the retry was logged"
mk "$T/lt" 2_nt.sql '-- migrate-apply:no-transaction\ncreate table lt_first (a int);\nalter table busy add column c int;\n'
lockfor busy 2.5
run migrate-apply --statement-lock-timeout 500ms --lock-retries 6 "$T/lt"
is "$rc $(q tmo "select count(*) from information_schema.columns where table_name = 'busy' and column_name = 'c'") $(q tmo "select status, statements_done from public.migrate_apply_history where version = '2'")" \
	"0 1 applied|2" "a no-transaction migration: the statement that timed out is retried alone, then applied"
like "$T/err" "2_nt.sql:3: lock timeout \(55P03\); retry 1 of 6" "the retry names the statement's line"
newdb tmo2
db tmo2
mk "$T/st" 1_slow.sql 'select pg_sleep(10);\n'
run migrate-apply --statement-timeout 1s "$T/st"
is "$rc" 75 "a statement past --statement-timeout: 75"
mk "$T/st" 1_slow.sql 'reset all;\nselect pg_sleep(10);\n'
run migrate-apply --statement-timeout 1s "$T/st"
is "$rc" 75 "a migration's own RESET ALL keeps --statement-timeout (a startup option)"
$PSQL -d postgres -c "create role pgops_lowly login" >/dev/null 2>&1
newdb perm
run migrate-apply -d "host=$PGHOST port=$PGPORT user=pgops_lowly dbname=perm" "$P"
is "$rc" 77 "a role that may not create tables: 77"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=pgops_lowly dbname=perm" status "$P"
is "$rc $(cut -f2 "$T/out" | sort -u)" "0 pending" "but status works for it, reading no table it may not create"
mk "$T/nt" 1_notice.sql "do \$\$ begin raise notice 'hello from a migration'; end \$\$;\n"
newdb ntc
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=ntc" "$T/nt"
like "$T/err" "1_notice.sql:1: NOTICE:  hello from a migration" "NOTICEs are passed on with file and line"
run migrate-apply -d "host=127.0.0.1 port=$(free_port) user=postgres sslmode=disable connect_timeout=2" "$P"
is "$rc" 69 "no server: 69"
run migrate-apply -d "host=$PGHOST sslmode=bogus" "$P"
is "$rc" 78 "bad connection settings: 78"

# SIGKILL inside a transactional migration, then inside a no-transaction
# one: the next run completes, exactly once.
K=$T/kill
newdb kl
db kl
q kl "create table sleeper (secs float8); insert into sleeper values (60); create table runs (v text)"
mk "$K" 1_tx.sql "insert into runs values ('tx');\nselect pg_sleep((select secs from sleeper));\ncreate table after_tx (a int);\n"
mk "$K" 2_nt.sql "-- migrate-apply:no-transaction\ncreate table nt_first (a int);\nselect pg_sleep((select secs from sleeper));\ninsert into runs values ('nt');\n"
wait_sleep() { i=0; while [ "$(q kl "select count(*) from pg_stat_activity where query like 'select pg_sleep((select%' and state = 'active'")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
migrate-apply "$K" 2>/dev/null &
pid=$!
wait_sleep
kill -KILL $pid
wait $pid 2>/dev/null
is "$(q kl "select count(*) from runs")" 0 "SIGKILL in a transactional migration: nothing of it stayed"
q kl "update sleeper set secs = 0"
run migrate-apply --lock-timeout 30s --to 1 "$K"
is "$rc $(hist kl) $(q kl "select count(*) from runs")" "0 1:applied 1" "the next run applies it, once (the dead session's lock went with it)"
q kl "update sleeper set secs = 60"
migrate-apply "$K" 2>/dev/null &
pid=$!
wait_sleep
kill -KILL $pid
wait $pid 2>/dev/null
is "$(q kl "select status || ' ' || statements_done from migrate_apply_history where version = '2'")" "partial 1" "SIGKILL in a no-transaction migration: 1 statement recorded done"
q kl "update sleeper set secs = 0"
run migrate-apply --lock-timeout 30s "$K"
is "$rc $(hist kl) $(q kl "select string_agg(v, ' ' order by v) from runs")" "0 1:applied 2:applied nt tx" "the next run resumes and completes it (nt_first not created twice)"

# SIGTERM: cancel, roll back, release the lock, 143.
newdb tm
db tm
q tm "create table sleeper (secs float8); insert into sleeper values (60); create table runs (v text)"
migrate-apply --to 1 "$K" 2>sigterm.err &
pid=$!
i=0; while [ "$(q tm "select count(*) from pg_stat_activity where query like 'select pg_sleep((select%' and state = 'active'")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM: exit 143"
like sigterm.err "interrupted by SIGTERM" "saying so"
is "$(q tm "select count(*) from runs") $(q tm "select count(*) from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'")" "0 0" "rolled back, and the statement no longer runs"
q tm "update sleeper set secs = 0"
run migrate-apply --lock-timeout 2s --to 1 "$K"
is "$rc" 0 "the lock was released: the next run takes it at once"
done_testing
