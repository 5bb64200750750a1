#!/bin/sh
# The PostgreSQL programs against a database that changes under them and a
# configuration that lies (issue 20, items 9, 19, 21 and the PostgreSQL
# parts of 17): a table dropped between the dump's snapshot and its locks,
# bytea_output set to escape for a role, an unknown role or database, -f
# naming a directory, a target holding only views or sequences, a dump
# ending inside a comment, \restrict with junk after its key.
. "$(dirname "$0")/support/lib.sh"
plan 25
pg_start || exit 1
cd "$T" || exit 1
C="host=$PGHOST port=$PGPORT user=postgres"
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
newdb() { $PSQL -d postgres -c "drop database if exists $1" 2>/dev/null; $PSQL -d postgres -c "create database $1" >/dev/null; }

# 9: a table dropped after the snapshot the dump uses (an exported one, so
# that the gap is certain): its name, from the snapshot, in the LOCK list,
# and 75 (try again), not 65.
newdb ddl
$PSQL -d ddl -c "create table keep (a int); create table t_gone (a int); insert into keep values (1)"
mkfifo hold
(sleep 60 >hold) &
holder=$!
$PSQL -d ddl -At -c "begin isolation level repeatable read" -c "select pg_export_snapshot()" -c "\\! cat $T/hold" \
	>snap 2>&1 &
sess=$!
i=0
while ! grep -q '^[0-9A-F-]*$' snap 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
$PSQL -d ddl -c "drop table t_gone"
run pgdump-stream --snapshot "$(grep '^[0-9A-F-]*$' snap | head -n 1)" "$C dbname=ddl"
is "$rc" 75 "a table dropped after the snapshot: exit 75 (worth retrying)"
like "$T/err" 't_gone' "the message names the table"
unlike "$T/err" 'LOCK TABLE ONLY [0-9]+' "never a bare OID in the LOCK list"
like "$T/err" 'dropped or changed .*try again' "and says what happened"
kill $holder 2>/dev/null
wait $sess 2>/dev/null

# 9: a table dropped while the dump waits for its lock.
$PSQL -d ddl -c "create table t_gone2 (a int)"
mkfifo hold2
(sleep 60 >hold2) &
holder=$!
$PSQL -d ddl -c "begin" -c "lock table t_gone2 in access exclusive mode" -c "\\! cat $T/hold2" -c "drop table t_gone2" \
	-c "commit" >/dev/null 2>&1 &
sess=$!
sleep 0.5
pgdump-stream "$C dbname=ddl application_name=ddldump" >out 2>err &
dump=$!
i=0
while [ "$($PSQL -d postgres -Atc "select count(*) from pg_stat_activity where application_name = 'ddldump' and wait_event_type = 'Lock'")" = 0 ] &&
	[ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill $holder
wait $sess
wait $dump
is "$?" 75 "a table dropped while the dump waits for its lock: exit 75"
like "$T/err" 't_gone2' "named"

# 19: bytea_output escape on the dumped database, then on the drilling
# role: the drill still finds the backup identical.
newdb bin
$PSQL -d bin -c "create table b (id int primary key, v bytea); insert into b select g, decode(md5(g::text), 'hex') from generate_series(1, 200) g"
$PSQL -d postgres -c "alter database bin set bytea_output = 'escape'"
pgdump-stream "$C dbname=bin" >bin.sql 2>err
run pgrestore-stream --drill "$C dbname=postgres" bin.sql
is "$rc" 0 "bytea_output = escape where the dump ran: the drill passes"
like "$T/err" 'all 1 tables match' "every table matches"
$PSQL -d postgres -c "alter database bin reset bytea_output"
pgdump-stream "$C dbname=bin" >bin2.sql 2>err
$PSQL -d postgres -c "alter role postgres set bytea_output = 'escape'"
run pgrestore-stream --drill "$C dbname=postgres" bin2.sql
$PSQL -d postgres -c "alter role postgres reset bytea_output"
is "$rc" 0 "bytea_output = escape where the drill runs: the drill passes"

# 21: connection failures classified by SQLSTATE: an unknown role (28000)
# is refused access (77), an unknown database (3D000) a configuration error
# (78); neither is worth retrying (69).
run pgrestore-stream "host=$PGHOST port=$PGPORT user=nosuchrole dbname=postgres" bin.sql
is "$rc" 77 "an unknown role: 77"
like "$T/err" 'nosuchrole' "named"
run pgdump-stream "host=$PGHOST port=$PGPORT user=postgres dbname=nosuchdb"
is "$rc" 78 "an unknown database: 78"
like "$T/err" 'nosuchdb' "named"
run healthprobe -v "postgresql://nosuchrole@127.0.0.1:$PGPORT/postgres"
is "$rc" 1 "healthprobe: unhealthy"
like "$T/err" '28000|does not exist' "with the reason"
mkdir "$T/nomig"
run migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=nosuchdb" status "$T/nomig"
is "$rc" 78 "migrate-apply, an unknown database: 78"
run pgdump-stream "host=127.0.0.1 port=$(free_port) user=postgres dbname=postgres connect_timeout=2"
is "$rc" 69 "nothing listening: still 69"

# 17: -f naming a directory is refused before connecting (73).
mkdir outdir
run pgdump-stream -f outdir "host=127.0.0.1 port=$(free_port) user=postgres"
is "$rc" 73 "pgdump-stream -f DIR: 73 before connecting"
like "$T/err" "outdir.*directory" "says so"

# 17: a target holding only a view, a sequence or a materialized view is
# not empty.
for obj in "view v as select 1 as a" "sequence s" "materialized view mv as select 1 as a"; do
	newdb tgt
	$PSQL -d tgt -c "create $obj"
	run pgrestore-stream "$C dbname=tgt" bin.sql
	is "$rc" 73 "a target holding only a ${obj%% *}: refused (73)"
done

# 17: a dump ending inside a comment is truncated.
newdb cm
printf 'CREATE TABLE t (a int);\n/* the rest was lost' >cut.sql
run pgrestore-stream "$C dbname=cm" cut.sql
is "$rc" 65 "SQL ending inside /* ...: 65"
like "$T/err" 'comment' "says the input ends inside a comment"

# 17: \restrict with junk after its key is refused.
newdb rk
printf '\\restrict abc junk\nCREATE TABLE t (a int);\n\\unrestrict abc\n' >rk.sql
run pgrestore-stream "$C dbname=rk" rk.sql
is "$rc" 65 "a restrict line with junk after its key: 65"
done_testing
