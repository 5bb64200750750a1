#!/bin/sh
# pgdump-stream's behaviour against a real PostgreSQL 15: options and their
# refusals, objects it cannot dump, permissions, lock timeouts, snapshot
# consistency, statistics, and the faults of a backup job (the backend
# terminated mid-COPY, the reader gone, a full disk, SIGTERM, a server gone
# silent): each exits non-zero with a clear message, writes no trailer and
# leaves no file.
. "$(dirname "$0")/support/lib.sh"
plan 143
pg_start || exit 1
F=$TOP/tests/pgdump
pg_sql -f "$F/roles.sql" >/dev/null
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
$PSQL -d postgres -c "create database app" -c "create database big" >/dev/null
$PSQL -d app -f "$F/app.sql" >/dev/null
# "big": a table of ~40 MB that sorts first, and a small one copied after it.
$PSQL -d postgres -c "create role dumplim login connection limit 2 in role pg_read_all_data" >/dev/null
$PSQL -d big -c "create table a_big as select g as id, md5(g::text) || repeat('x', 60) as pad from generate_series(1, 400000) g" \
	-c "create table z_small (id integer)" -c "insert into z_small select generate_series(1, 10)" >/dev/null
C="host=$PGHOST port=$PGPORT user=postgres"
cd "$T" || exit 1
trailer() { tail -n 1 "$1" | grep -c '^-- pgdump-stream: dump complete'; }

# ---- usage
run pgdump-stream -s -a "$C dbname=app"
is "$rc" 64 "-s with -a: usage error"
like "$T/err" "schema-only and -a/--data-only cannot be used together" "says why"
run pgdump-stream --if-exists "$C dbname=app"
is "$rc" 64 "--if-exists without -c: usage error"
run pgdump-stream -Z 13 "$C dbname=app"
is "$rc" 64 "-Z 13: usage error"
run pgdump-stream "$C dbname=app" "$C dbname=big"
is "$rc" 64 "two databases: usage error"
run pgdump-stream -t 'a.b.c' "host=127.0.0.1 port=1 dbname=app"
is "$rc" 64 "a pattern with two dots: usage error, before connecting anywhere"
run pgdump-stream -n 'a.b' "host=127.0.0.1 port=1 dbname=app"
is "$rc $(head -n 1 "$T/err")" "64 pgdump-stream: improper qualified name (too many dotted names): a.b" "a schema pattern with a dot: usage error"
run pgdump-stream --help
is "$rc $(head -n 1 "$T/out")" "0 usage: pgdump-stream [options] [CONNINFO|URL]" "--help prints usage, exit 0"

# ---- connections and files
run pgdump-stream "host=127.0.0.1 port=$(free_port) user=postgres dbname=app connect_timeout=2"
is "$rc" 69 "nothing listening: exit 69"
like "$T/err" '^pgdump-stream: connection to server at "127.0.0.1", port [0-9]+ failed' "names the server"
run pgdump-stream "$C dbname=app sslmode=bogus"
is "$rc" 78 "a bad sslmode: exit 78"
run pgdump-stream "$C dbname=nosuchdb"
is "$rc" 78 "a database that does not exist: exit 78 (SQLSTATE 3D000; not worth retrying)"
like "$T/err" 'database "nosuchdb" does not exist' "with the server's reason"
run pgdump-stream -f "$T/no/such/dir/d.sql" "$C dbname=app"
is "$rc" 73 "-f in a missing directory: exit 73"
like "$T/err" "cannot create $T/no/such/dir/d.sql: No such file or directory" "names the file"

# ---- a complete dump to a file, statistics, JSON logs
run pgdump-stream -f "$T/app.sql" --stats "$T/app.prom" "$C dbname=app"
is "$rc" 0 "-f: exit 0"
is "$(trailer "$T/app.sql")" 1 "-f: the file ends with the trailer"
is "$(ls "$T" | grep -c 'tmp-')" 0 "no temporary file left"
rows=$(grep '^-- pgdump-stream: rows ' "$T/app.sql" | awk '{s += $4} END {print s}')
like "$T/app.prom" "^pgdump_stream_rows_total $rows\$" "--stats: rows_total is the sum of the COPY blocks' counts ($rows)"
like "$T/app.prom" '^pgdump_stream_table_rows\{schema="public",table="orders"\} 2000$' "--stats: rows per table"
like "$T/app.prom" "^pgdump_stream_bytes_total $(wc -c <"$T/app.sql" | awk '{print $1}')\$" "--stats: bytes_total is the dump's size"
like "$T/app.prom" '^pgdump_stream_tables_total 6$' "--stats: tables with rows (partitions counted, their parent not)"
run pgdump-stream --stats "$T/no/dir/app.prom" "$C dbname=app"
is "$rc" 73 "--stats in a missing directory: exit 73"
like "$T/err" "cannot create $T/no/dir/app.prom: No such file or directory" "names the file"
run pgdump-stream --log-format json "$C dbname=nosuchdb"
python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); assert o["prog"]=="pgdump-stream" and o["level"]=="error" and "nosuchdb" in o["msg"] and "time" in o' "$T/err"
ok $? "--log-format json: the error is one JSON object with time, prog, level, msg"

run pgdump-stream --progress -f "$T/p.sql" "$C dbname=app"
is "$rc" 0 "--progress: exit 0"
like "$T/err" '^dump: [0-9.]+ (B|KiB|MiB) .*/s' "--progress: bytes and rate on stderr, even though it is not a terminal"

# ---- selections
run pgdump-stream -s "$C dbname=app"
is "$(grep -c '^COPY ' "$T/out") $(grep -c '^CREATE TABLE ' "$T/out")" "0 7" "-s: tables, no COPY"
run pgdump-stream -a "$C dbname=app"
is "$(grep -c '^COPY ' "$T/out") $(grep -c '^CREATE ' "$T/out") $(trailer "$T/out")" "6 0 1" "-a: COPY blocks, no CREATE, a trailer"
run pgdump-stream -t orders "$C dbname=app"
is "$(grep '^CREATE TABLE ' "$T/out" | tr '\n' ' ')" "CREATE TABLE public.orders ( " "-t orders: only that table"
like "$T/out" '^CREATE SEQUENCE public.orders_id_seq$' "-t: with the sequence it owns"
run pgdump-stream -T 'public.wallet*' -T users "$C dbname=app"
is "$(grep '^CREATE TABLE ' "$T/out" | tr '\n' ' ')" "CREATE TABLE public.orders ( CREATE TABLE public.webhook_events ( " "-T with patterns"
run pgdump-stream --exclude-table-data '"WEBHOOK_EVENTS"' "$C dbname=app"
is "$(grep -c 'CREATE TABLE public.webhook_events' "$T/out") $(grep -c '^COPY public.webhook_events' "$T/out")" "1 1" "a quoted pattern keeps its case: \"WEBHOOK_EVENTS\" matches nothing"
run pgdump-stream --exclude-table-data 'WEBHOOK_*' "$C dbname=app"
is "$(grep -c 'CREATE TABLE public.webhook_events' "$T/out") $(grep -c '^COPY public.webhook_events' "$T/out")" "1 0" "--exclude-table-data WEBHOOK_*: folded, the definition without rows"
run pgdump-stream -O -x "$C dbname=app"
is "$(grep -cE 'OWNER TO|GRANT|REVOKE' "$T/out")" 0 "-O -x: no owners, no privileges"
$PSQL -d postgres -c "create database sch" >/dev/null
$PSQL -d sch -c "create schema keep; create schema skip; create table keep.t (x int); create table skip.t (x int)" >/dev/null
run pgdump-stream -n keep "$C dbname=sch"
is "$(grep -E '^CREATE (SCHEMA|TABLE)' "$T/out" | tr '\n' ' ')" "CREATE SCHEMA keep; CREATE TABLE keep.t ( " "-n keep: that schema only"
run pgdump-stream -N skip "$C dbname=sch"
is "$(grep -E '^CREATE (SCHEMA|TABLE)' "$T/out" | tr '\n' ' ')" "CREATE SCHEMA keep; CREATE TABLE keep.t ( " "-N skip: all but that schema"
# Extensions: all of them in a whole dump; with -n only those -e names.
$PSQL -d sch -c "create extension citext; create extension hstore" >/dev/null
run pgdump-stream -e citext "$C dbname=sch"
is "$rc $(grep -E '^CREATE (EXTENSION|SCHEMA)' "$T/out" | tr '\n' ' ')" \
	"0 CREATE SCHEMA keep; CREATE SCHEMA skip; CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public; " \
	"-e citext: of the extensions that one only (schemas as without -e, as pg_dump does)"
run pgdump-stream -n keep -e 'h*' "$C dbname=sch"
is "$(grep -E '^CREATE (EXTENSION|SCHEMA|TABLE)' "$T/out" | tr '\n' ' ')" \
	"CREATE SCHEMA keep; CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public; CREATE TABLE keep.t ( " \
	"-n keep -e 'h*': the schema and the extensions matching the pattern"
run pgdump-stream --exclude-extension citext -N skip "$C dbname=sch"
is "$(grep -E '^CREATE EXTENSION' "$T/out" | tr '\n' ' ')" "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public; " \
	"--exclude-extension citext: every extension but that one"
run pgdump-stream -n keep "$C dbname=sch"
is "$(grep -c '^CREATE EXTENSION' "$T/out")" 0 "-n without -e: no extension"
run pgdump-stream -e 'a.b' "$C dbname=sch"
is "$rc" 64 "-e with a dotted pattern: usage error"
# Patterns that match nothing, as pg_dump treats them.
run pgdump-stream -t nosuch "$C dbname=sch"
is "$rc $(wc -c <"$T/out")" "64 0" "-t matching no table at all: exit 64, no dump"
like "$T/err" "no matching tables were found$" "says so"
run pgdump-stream -t t -t nosuch "$C dbname=sch"
is "$rc" 0 "-t with one pattern matching nothing and one matching: a dump, as pg_dump makes"
run pgdump-stream --strict-names -t t -t nosuch "$C dbname=sch"
is "$rc" 64 "--strict-names: every pattern must match"
like "$T/err" "no matching tables were found for pattern nosuch$" "naming the one that did not"
run pgdump-stream --strict-names -n keep -e nosuch "$C dbname=sch"
like "$T/err" "no matching extensions were found for pattern nosuch$" "and for -e"
# --filter: pg_dump 17's filter file, comments and quotes included.
printf '# what to dump\ninclude schema keep\n\ninclude extension "citext"  # this one\nexclude table_data keep.t\n' >"$T/filter"
run pgdump-stream --filter "$T/filter" "$C dbname=sch"
is "$rc $(grep -E '^(CREATE (SCHEMA|TABLE|EXTENSION)|COPY)' "$T/out" | tr '\n' ' ')" \
	"0 CREATE SCHEMA keep; CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public; CREATE TABLE keep.t ( " \
	"--filter: include schema, include extension, exclude table_data"
printf 'include table_data keep.t\n' >"$T/filter"
run pgdump-stream --filter "$T/filter" "$C dbname=sch"
is "$rc $(wc -c <"$T/out")" "64 0" "--filter with a command pg_dump refuses: usage error"
like "$T/err" "filter:1: table_data can only be excluded$" "naming the file and line"
run pgdump-stream --filter "$T/no-such-filter" "$C dbname=sch"
is "$rc $(wc -c <"$T/out")" "66 0" "--filter naming a missing file: 66, nothing dumped"
python3 -c 'print("include table " + "x" * 2000)' >"$T/filter"
run pgdump-stream --filter "$T/filter" "$C dbname=sch"
is "$rc" 64 "--filter with a pattern over 1023 bytes: usage error"
like "$T/err" "filter:1: pattern longer than 1023 bytes" "naming the file and line"
printf 'exclude schema skip\n' | pgdump-stream --filter - "$C dbname=sch" >"$T/out" 2>"$T/err"
is "$? $(grep -c '^CREATE SCHEMA skip' "$T/out") $(grep -c '^CREATE SCHEMA keep' "$T/out")" "0 0 1" "--filter - reads stdin"
# -c --if-exists restores over an existing copy; the copy is then the same.
$PSQL -d postgres -c "create database app2" >/dev/null
pgdump-stream "$C dbname=app" | $PSQL -d app2 >/dev/null 2>&1
$PSQL -d app2 -c "delete from public.wallet_transactions where kind = 'bet'; insert into public.orders (user_id, total_cents, items) values (1, 1, '[]')" >/dev/null
pgdump-stream -c --if-exists "$C dbname=app" >"$T/clean.sql"
$PSQL -d app2 -f "$T/clean.sql" >/dev/null 2>"$T/clean.err"
is "$?" 0 "-c --if-exists: restores over the existing objects"
is "$($PSQL -At -d app2 -c 'select count(*) from public.orders') $($PSQL -At -d app2 -c "select count(*) from public.wallet_transactions where kind = 'bet'")" \
	"2000 667" "and the copy has the source's rows again"

# ---- what a role may not read: subscriptions' connection strings are for
# superusers, so a dump by another role names them and stops.
$PSQL -d postgres -c "create database odd" -c "create role dumper login" >/dev/null
$PSQL -d odd -c "create table t (x int); insert into t values (1); grant select on t to dumper;
	create publication odd_pub for table t;
	create subscription odd_sub connection 'host=192.0.2.1 dbname=x' publication p with (connect = false, slot_name = none)" \
	>/dev/null 2>&1
run pgdump-stream "$C dbname=odd user=dumper"
is "$rc" 65 "a subscription the role may not read: exit 65"
like "$T/err" "cannot dump:" "says it cannot dump it"
like "$T/err" "^subscriptions: only a superuser may read their connection strings" "and why"
is "$(wc -c <"$T/out")" 0 "and writes no dump at all"
run pgdump-stream --skip-unsupported "$C dbname=odd user=dumper"
is "$rc $(trailer "$T/out")" "0 1" "--skip-unsupported: a complete dump of the rest"
like "$T/err" "skipped: subscriptions: only a superuser" "naming what it skipped"
run pgdump-stream --no-subscriptions "$C dbname=odd user=dumper"
is "$rc $(trailer "$T/out") $(grep -c SUBSCRIPTION "$T/out")" "0 1 0" "--no-subscriptions: a complete dump without them"
run pgdump-stream "$C dbname=odd"
like "$T/out" "^CREATE SUBSCRIPTION odd_sub CONNECTION 'host=192.0.2.1 dbname=x' PUBLICATION p WITH \(connect = false, slot_name = NONE\);$" \
	"a superuser's dump holds the subscription, unconnected and without a slot, as pg_dump writes it"
like "$T/out" "^ALTER PUBLICATION odd_pub ADD TABLE ONLY public.t;$" "and the publication with its table"
# Privileges, then refreshes, then event triggers, as pg_dump restores them.
$PSQL -d odd -c "create materialized view mv as select * from t;
	create function evt() returns event_trigger language plpgsql as 'begin end';
	create event trigger evt_t on ddl_command_end execute function evt()" >/dev/null
run pgdump-stream "$C dbname=odd"
at() { grep -n "$1" "$T/out" | head -n 1 | cut -d: -f1; }
g=$(at '^GRANT SELECT ON TABLE public.t TO dumper;$') m=$(at '^REFRESH MATERIALIZED VIEW public.mv;$') e=$(at '^CREATE EVENT TRIGGER evt_t ')
[ -n "$g" ] && [ -n "$m" ] && [ -n "$e" ] && [ "$g" -lt "$m" ] && [ "$m" -lt "$e" ]
ok $? "privileges (line $g), then the materialized view's refresh (line $m), then event triggers (line $e)"
run pgdump-stream --no-publications --no-subscriptions "$C dbname=odd"
is "$rc $(grep -c 'PUBLICATION\|SUBSCRIPTION' "$T/out")" "0 0" "--no-publications --no-subscriptions: neither"
# Large objects are data: -a dumps them, created and written.
lo=$($PSQL -At -d odd -c "select lo_from_bytea(0, 'large')")
run pgdump-stream -a "$C dbname=odd"
is "$rc $(grep -c "^SELECT pg_catalog.lo_create('$lo');$" "$T/out") $(grep -c "^SELECT pg_catalog.lo_put('$lo', 0, '\\\\x6c61726765');$" "$T/out")" \
	"0 1 1" "-a: a large object is created and written"
run pgdump-stream -s "$C dbname=odd"
is "$rc $(grep -c 'lo_create' "$T/out")" "0 0" "-s: no large object (they are data, as for pg_dump)"

# ---- tablespaces, --no-comments, --no-tablespaces, --no-table-access-method
mkdir "$T/ts"
[ "$(id -u)" = 0 ] && chown postgres "$T/ts"
$PSQL -d postgres -c "create database spaced" -c "create tablespace pgops_ts location '$T/ts'" >/dev/null
$PSQL -d spaced -c "create table t (x int primary key using index tablespace pgops_ts) tablespace pgops_ts;
	insert into t values (1), (2);
	create index t_x on t (x) tablespace pgops_ts; comment on table t is 'in a tablespace';
	create table t2 (x int); insert into t2 values (4); create index t2_x on t2 (x) tablespace pgops_ts;
	create access method heap2 type table handler heap_tableam_handler;
	create table h (y int) using heap2; insert into h values (3); comment on table h is 'heap2'" >/dev/null
run pgdump-stream "$C dbname=spaced"
is "$rc $(trailer "$T/out")" "0 1" "tables and indexes in a tablespace are dumped"
is "$(grep -c '^SET default_tablespace = pgops_ts;$' "$T/out")" 4 "each made with SET default_tablespace, as pg_dump does"
like "$T/out" "^USING heap2;$" "a table's access method is dumped"
like "$T/out" "^CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER pg_catalog.heap_tableam_handler;$" "and the method itself"
like "$T/out" "^COMMENT ON TABLE public.h IS 'heap2';$" "and comments are"
$PSQL -d postgres -c "create database spaced3" >/dev/null
$PSQL -d spaced3 -v ON_ERROR_STOP=1 -f "$T/out" >/dev/null 2>"$T/restore.err"
is "$?:$($PSQL -d spaced3 -Atc "select string_agg(c.relname, ' ' order by c.relname) from pg_class c
	join pg_tablespace s on s.oid = c.reltablespace where s.spcname = 'pgops_ts'")" "0:t t2_x t_pkey t_x" \
	"it restores: the table, its primary key's index and both indexes in the tablespace again"
run pgdump-stream --no-tablespaces --no-table-access-method --no-comments "$C dbname=spaced"
is "$rc $(trailer "$T/out")" "0 1" "--no-tablespaces --no-table-access-method --no-comments: a complete dump"
unlike "$T/out" "USING heap2|TABLESPACE|pgops_ts|^COMMENT ON" "with no tablespace, no table using the method, no comment"
$PSQL -d postgres -c "create database spaced2" >/dev/null
$PSQL -d spaced2 -f "$T/out" >/dev/null 2>"$T/restore.err"
is "$?:$($PSQL -d spaced2 -Atc "select (select count(*) from t) || ' ' || (select count(*) from h) || ' ' ||
	(select count(*) from pg_indexes where indexname in ('t_x', 't2_x') and tablespace is null) || ' ' ||
	(select count(*) from pg_class c join pg_am a on a.oid = c.relam where c.relname = 'h' and a.amname = 'heap')")" \
	"0:2 1 2 1" "it restores: the tables' rows, both indexes, all in the default tablespace and access method"
$PSQL -d postgres -c "drop database spaced" -c "drop database spaced2" -c "drop database spaced3" \
	-c "drop tablespace pgops_ts" >/dev/null

# ---- permissions and locks
$PSQL -d big -c "create role reader login; grant select on z_small to reader" >/dev/null
run pgdump-stream "$C dbname=big user=reader"
is "$rc" 77 "a table the role may not read: exit 77"
like "$T/err" "permission denied for table a_big" "with the server's reason"
lockwaiter() { $PSQL -At -d big -c "select pid from pg_stat_activity where application_name = 'pgdump-stream' and wait_event_type = 'Lock'"; }
$PSQL -d big -v ON_ERROR_STOP=0 -c "set application_name = 'locker'" -c "begin" -c "lock table z_small in access exclusive mode" -c "select pg_sleep(60)" >/dev/null 2>&1 &
locker=$!
i=0; until [ "$($PSQL -At -d big -c "select count(*) from pg_locks l join pg_stat_activity a using (pid) where a.application_name = 'locker' and l.mode = 'AccessExclusiveLock'")" = 1 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
run pgdump-stream --lock-wait-timeout 500ms "$C dbname=big"
is "$rc" 75 "a table locked by another session: exit 75 after --lock-wait-timeout"
like "$T/err" "cannot lock the tables to dump: ERROR 55P03: canceling statement due to lock timeout" "says so"
run pgdump-stream --lock-wait-timeout 60s --timeout 500ms "$C dbname=big"
is "$rc" 75 "a query outliving --timeout is cancelled by the server: exit 75"
like "$T/err" "cannot lock the tables to dump: ERROR 57014: canceling statement due to statement timeout" "says so"
# A server that does not answer at all: the dump's backend stopped while it
# waits for the lock. Our own deadline (--timeout + 2 s) gives up on it.
pgdump-stream --lock-wait-timeout 60s --timeout 500ms "$C dbname=big" >/dev/null 2>"$T/err" &
dumper=$!
i=0; until [ -n "$(lockwaiter)" ] || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
backend=$(lockwaiter)
kill -STOP "$backend"
wait $dumper
rc=$?
kill -CONT "$backend"
is "$rc" 69 "a server that does not answer: exit 69 at --timeout plus 2 s"
like "$T/err" "cannot lock the tables to dump: no answer from .* within 2500 ms" "says so"
i=0; until [ "$($PSQL -At -d big -c "select count(*) from pg_stat_activity where application_name = 'pgdump-stream'")" = 0 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$($PSQL -At -d big -c "select count(*) from pg_locks l join pg_stat_activity a using (pid) where a.application_name = 'pgdump-stream'")" 0 "and nothing of it is left on the server"
$PSQL -d big -c "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'locker'" >/dev/null
wait $locker

# ---- consistency: rows committed after the dump started are not in it
mkfifo "$T/fifo"
# The next cases park a dump first: blocked writing to a full pipe in the
# middle of a_big's COPY (park_in_copy), or waiting for a table lock.
# Each waits until the backends of earlier dumps have gone.
no_dumps() {
	i=0; until [ "$($PSQL -At -d big -c "select count(*) from pg_stat_activity where application_name = 'pgdump-stream'")" = 0 ] || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
}
park_in_copy() {
	no_dumps
	rm -f "$T/go" "$T/rest"
	( head -c 1000000 >/dev/null; until [ -e "$T/go" ]; do sleep 0.05; done; cat >"$T/rest" ) <"$T/fifo" &
	reader=$!
	pgdump-stream $J "$@" "$C dbname=big" >"$T/fifo" 2>"$T/err" &
	dumper=$!
	i=0; until [ -n "$(bpid)" ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	backend=$(bpid)
}
# With -j the COPY of a range of a_big's blocks: COPY (SELECT ... public.a_big ...
bpid() { $PSQL -At -d big -c "select pid from pg_stat_activity where application_name = 'pgdump-stream' and query like 'COPY %public.a_big%' limit 1"; }
sessions() { $PSQL -At -d big -c "select count(*) from pg_stat_activity where application_name = 'pgdump-stream'"; }

# The same cases with one session and with -j 4 (four more, on the
# first one's exported snapshot), which must end the same way.
J=
park_consistency() {
	$PSQL -d big -c "insert into z_small select generate_series(1, 10)" >/dev/null
	n=$($PSQL -At -d big -c "select count(*) from z_small")
	park_in_copy
	$PSQL -d big -c "insert into z_small select generate_series(1, 10)" >/dev/null
	touch "$T/go"
	wait $dumper
	rc=$?
	wait $reader
	is "$rc" 0 "${J:+$J: }a dump that was mid-COPY while another session committed rows: exit 0"
	is "$(grep -A 100 '^COPY public.z_small' "$T/rest" | grep -c '^[0-9]')" "$n" "${J:+$J: }it holds the $n rows of its snapshot, not the 10 committed later"
}
park_consistency

# ---- an exported snapshot
mkfifo "$T/sq"
$PSQL -At -d big <"$T/sq" >"$T/snap" 2>&1 &
holder=$!
exec 3>"$T/sq"
snap_n=$($PSQL -At -d big -c "select count(*) from z_small")
echo "begin isolation level repeatable read; select pg_export_snapshot();" >&3
wait_file "$T/snap" 10
$PSQL -d big -c "delete from z_small" >/dev/null
run pgdump-stream -t z_small --snapshot "$(head -n 1 "$T/snap")" "$C dbname=big"
is "$rc $(grep '^-- pgdump-stream: rows' "$T/out" | cut -d' ' -f1-4)" "0 -- pgdump-stream: rows $snap_n" "--snapshot: the rows as of the exported snapshot"
run pgdump-stream -j 4 -t z_small -t a_big --snapshot "$(head -n 1 "$T/snap")" "$C dbname=big"
is "$rc $(grep '^-- pgdump-stream: rows' "$T/out" | cut -d' ' -f1-4 | tr '\n' ' ')" "0 -- pgdump-stream: rows 400000 -- pgdump-stream: rows $snap_n " "--snapshot with -j 4: every session dumps as of the exported snapshot"
echo "commit;" >&3
exec 3>&-
wait $holder
run pgdump-stream -t z_small --snapshot 00000003-00000002-1 "$C dbname=big"
is "$rc" 65 "--snapshot with a snapshot that does not exist: exit 65"

# -j: a session asks for each table's lock without waiting, so that an
# ALTER queued behind the main session's lock cannot leave it waiting for
# ever: worth a retry (75).
J="-j 4"
park_in_copy
$PSQL -d big -v ON_ERROR_STOP=0 -c "set application_name = 'locker'" -c "set lock_timeout = '30s'" -c "begin" -c "lock table z_small in access exclusive mode" -c "commit" >/dev/null 2>&1 &
locker=$!
i=0; until [ "$($PSQL -At -d big -c "select count(*) from pg_locks l join pg_stat_activity a using (pid) where a.application_name = 'locker' and not l.granted")" = 1 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
touch "$T/go"
wait $dumper
rc=$?
wait $reader
is "$rc" 75 "-j 4: a table whose lock an ALTER awaits: exit 75, not a wait"
like "$T/err" "public.z_small: ERROR 55P03: could not obtain lock on relation \"public.z_small\"" "-j 4: naming the table and the server's reason"
wait $locker
J=
no_dumps
run pgdump-stream -j 3 "host=$PGHOST port=$PGPORT user=dumplim dbname=big"
is "$rc" 69 "-j 3 past the role's connection limit: exit 69"
like "$T/err" "session 2 of 3: .*too many connections for role \"dumplim\"" "naming the session and the server's reason"

# ---- faults
faults() {
	# The reader goes away: EPIPE.
	{ pgdump-stream $J "$C dbname=app" 2>"$T/err"; echo $? >"$T/rc"; } | head -c 100 >/dev/null
	is "$(cat "$T/rc")" 74 "${J:+$J: }the pipe closed early: exit 74"
	like "$T/err" "write to stdout: Broken pipe" "${J:+$J: }says so"
	# The backend is terminated mid-COPY (the dump blocked on a full pipe).
	park_in_copy
	$PSQL -d big -c "select pg_terminate_backend($backend)" >/dev/null
	touch "$T/go"
	wait $dumper
	rc=$?
	wait $reader
	is "$rc" 69 "${J:+$J: }backend terminated mid-COPY: exit 69"
	like "$T/err" "COPY public.a_big failed after [0-9]+ rows: (.*terminating connection due to administrator command|server closed the connection unexpectedly)" "${J:+$J: }says which table, how far, and why"
	is "$(grep -c 'dump complete' "$T/rest")" 0 "${J:+$J: }and no trailer"
	# SIGTERM mid-COPY.
	park_in_copy
	kill -TERM "$dumper"
	wait $dumper
	rc=$?
	touch "$T/go"
	wait $reader
	is "$rc" 143 "${J:+$J: }SIGTERM mid-COPY: exit 143"
	like "$T/err" "interrupted by SIGTERM" "${J:+$J: }says so"
	is "$(grep -c 'dump complete' "$T/rest")" 0 "${J:+$J: }and no trailer"
	no_dumps
	is "$(sessions)" 0 "${J:+$J: }and none of its sessions is left on the server"
	# SIGTERM with -f while waiting for a lock: no file under the name, no
	# temporary file, and the lock request is cancelled on the server at once.
	no_dumps
	$PSQL -d big -v ON_ERROR_STOP=0 -c "set application_name = 'locker'" -c "begin" -c "lock table z_small in access exclusive mode" -c "select pg_sleep(60)" >/dev/null 2>&1 &
	locker=$!
	i=0; until [ "$($PSQL -At -d big -c "select count(*) from pg_locks l join pg_stat_activity a using (pid) where a.application_name = 'locker' and l.mode = 'AccessExclusiveLock'")" = 1 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	pgdump-stream $J -f "$T/big.sql" "$C dbname=big" 2>"$T/err" &
	dumper=$!
	i=0; until [ "$($PSQL -At -d big -c "select count(*) from pg_stat_activity where application_name = 'pgdump-stream' and wait_event_type = 'Lock'")" = 1 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	is "$(ls "$T" | grep -c '^big\.sql\.tmp-')" 1 "${J:+$J: }a dump waiting for a lock has its temporary file"
	kill -TERM "$dumper"
	wait $dumper
	rc=$?
	is "$rc" 143 "${J:+$J: }SIGTERM while waiting for a lock: exit 143 at once, not after --lock-wait-timeout"
	is "$(ls "$T" | grep -c '^big\.sql')" 0 "${J:+$J: }no big.sql and no big.sql.tmp-* left"
	no_dumps
	is "$($PSQL -At -d big -c "select count(*) from pg_locks l join pg_stat_activity a using (pid) where a.application_name = 'pgdump-stream'")" 0 "${J:+$J: }and no lock request of the dump is left on the server"
	$PSQL -d big -c "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'locker'" >/dev/null
	wait $locker

	# A server that goes silent mid-COPY.
	park_in_copy --timeout 1s
	kill -STOP "$backend"
	touch "$T/go"
	wait $dumper
	rc=$?
	kill -CONT "$backend"
	wait $reader
	is "$rc" 69 "${J:+$J: }a server silent past --timeout: exit 69"
	like "$T/err" "COPY public.a_big: no answer from .* within 1000 ms" "${J:+$J: }says so"
	is "$(grep -c 'dump complete' "$T/rest")" 0 "${J:+$J: }and no trailer"
	# A full disk for -f.
	mkdir -p "$T/full"
	if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=512k tmpfs "$T/full" 2>/dev/null; then
		umount_full() { umount "$T/full"; }
		on_exit umount_full
		run pgdump-stream $J -f "$T/full/app.sql" "$C dbname=app"
		is "$rc" 74 "${J:+$J: }a full disk: exit 74"
		like "$T/err" "write to $T/full/app.sql: No space left on device" "${J:+$J: }says so"
		is "$(ls -A "$T/full" | wc -l)" 0 "${J:+$J: }no file and no temporary file left on the full disk"
	else
		skip "${J:+$J: }a full disk needs root to mount a small tmpfs"
		skip "${J:+$J: }a full disk needs root to mount a small tmpfs"
		skip "${J:+$J: }a full disk needs root to mount a small tmpfs"
	fi
	no_dumps
	is "$(sessions)" 0 "${J:+$J: }no session of a failed dump is left on the server"
}
faults
J="-j 4"
park_consistency
faults

# Rows of every length around the sizes the reading buffers have (64 KiB
# of room, 1 MiB buffers; libpq hands a row over in parts when it does not
# fit), between small ones in a table large enough for -j to split, and a
# table without columns: restored, every row is the source's.
$PSQL -d postgres -c "create database wide" >/dev/null
$PSQL -d wide >/dev/null <<'SQL'
create table wide (id int, v text);
alter table wide alter column v set storage external;
insert into wide select g, repeat(chr(97 + g % 26), g % 700) from generate_series(1, 60000) g;
insert into wide select 100000 + n, repeat(md5(n::text), n / 32 + 1)::text
  from unnest(array[65535, 65536, 65537, 131072, 1048575, 1048576, 1048577, 3000000]) n;
insert into wide select g, 'tail ' || g from generate_series(200001, 260000) g;
create table nocols ();
insert into nocols default values; insert into nocols default values;
SQL
rows_of() { $PSQL -At -d "$1" -c "select count(*), sum(length(v)), md5(string_agg(id || ':' || md5(v), ',' order by id)) from wide" -c "select count(*) from nocols"; }
rows_of wide >wide.src
for J in "" "-j 4"; do
	pgdump-stream $J "$C dbname=wide" >wide.sql
	$PSQL -d postgres -c "drop database if exists wide2" -c "create database wide2" >/dev/null
	run pgrestore-stream --drill "$C dbname=postgres" wide.sql
	is "$rc" 0 "${J:+$J: }rows of 64 KiB, 1 MiB and 3 MB between small ones: the drill finds every row's checksum"
	pgrestore-stream "$C dbname=wide2" wide.sql 2>/dev/null
	is "$(rows_of wide2)" "$(cat wide.src)" "${J:+$J: }and the restored rows are the source's"
done
done_testing
