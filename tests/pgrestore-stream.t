#!/bin/sh
# pgrestore-stream against a real PostgreSQL: usage, safety rails, errors
# with SQLSTATE and dump line, meta-commands refused, truncated and corrupt
# dumps never restored silently, the drill catching a tampered dump,
# SIGTERM and input stalls, stats and JSON.
. "$(dirname "$0")/support/lib.sh"
plan 88
pg_start || exit 1
cd "$T" || exit 1
C="host=$PGHOST port=$PGPORT user=postgres"
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
newdb() { $PSQL -d postgres -c "drop database if exists $1" 2>/dev/null; $PSQL -d postgres -c "create database $1" >/dev/null; }
tables_in() { $PSQL -d "$1" -Atc "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where relkind in ('r','p') and nspname = 'public'"; }
drill_dbs() { $PSQL -d postgres -Atc "select count(*) from pg_database where datname like 'pgrestore_drill%'"; }

newdb src
$PSQL -d src -f "$TOP/tests/pgdump/app.sql" >/dev/null 2>&1
pgdump-stream "$C dbname=src" >app.sql
gzip -c app.sql >app.sql.gz
pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres src >pgd.sql
rows=$(grep '^-- pgdump-stream: rows ' app.sql | awk '{s += $4} END {print s}')

# Usage, before any I/O.
run pgrestore-stream --help
is "$rc $(head -n 1 "$T/out")" "0 usage: pgrestore-stream [options] [CONNINFO|URL] [FILE]" "--help prints the usage, exit 0"
for bad in "--force" "--confirm x" "--drill --clean" "--keep" "--timeout 0" "a=b c d" "--drill-db x"; do
	run pgrestore-stream $bad
	is "$rc" 64 "usage error: $bad"
done
run pgrestore-stream "$C dbname=postgres" "$T/nonexistent.sql"
is "$rc" 66 "a missing FILE exits 66"
like "$T/err" "cannot open .*nonexistent.sql: No such file" "and says which"
run pgrestore-stream "host=127.0.0.1 port=$(free_port) user=postgres sslmode=disable connect_timeout=2" app.sql
is "$rc" 69 "no server: exit 69"

# A restore into an empty database, from a file and gzip on stdin.
newdb t1
run pgrestore-stream "$C dbname=t1" app.sql
is "$rc" 0 "pgdump-stream's dump restores into an empty database"
like "$T/err" "restoring .*app.sql \(.* KiB\) into database t1 on " "it says what goes where before starting"
like "$T/err" "dump: pgdump-stream .* dump of database src on .*started 20" "and the dump's source and time"
like "$T/err" "restored [0-9]+ statements and $rows rows of 6 tables" "and what it restored ($rows rows)"
newdb t2
pgrestore-stream --stats "$T/stats.prom" "$C dbname=t2" <app.sql.gz 2>/dev/null
is "$?" 0 "a gzip dump on stdin restores (detected by its magic)"
is "$(grep '^pgrestore_stream_rows_total' stats.prom)" "pgrestore_stream_rows_total $rows" "--stats counts the rows"
is "$(tables_in t2)" "$(tables_in src)" "all tables are there"
newdb t2b
(head -c 1 app.sql.gz; sleep 0.3; tail -c +2 app.sql.gz) | pgrestore-stream "$C dbname=t2b" 2>/dev/null
is "$?" 0 "gzip is recognised even when the pipe hands over its first byte alone"
newdb t2p
run pgrestore-stream --progress "$C dbname=t2p" app.sql
like "$T/err" "^[0-9]+ statements: [0-9.]+ KiB 100% " "--progress: statements run and bytes read, as a share of the file"

# Safety rails.
run pgrestore-stream "$C dbname=t1" app.sql
is "$rc" 73 "a database that has tables is refused (73)"
like "$T/err" "database t1 .* already has [0-9]+ table\(s\), view\(s\) or sequence\(s\); refusing" "saying why and what to do"
run pgrestore-stream --force --confirm t2 "$C dbname=t1" app.sql
is "$rc" 64 "--confirm must name the target database"
run pgrestore-stream --force --confirm t1 "$C dbname=t1" app.sql
is "$rc" 65 "--force restores over the tables, and the first conflict stops it (65)"
like "$T/err" "^pgrestore-stream: line $(grep -n '^CREATE TYPE public.order_status' app.sql | cut -d: -f1): ERROR 42710: type \"order_status\" already exists; statement at line [0-9]+: CREATE TYPE public.order_status AS ENUM" \
	"the error names the dump line, the SQLSTATE, the message and the statement"
pgdump-stream -c --if-exists "$C dbname=src" >clean.sql
run pgrestore-stream -c "$C dbname=t1" clean.sql
is "$rc" 0 "--clean restores a dump made with --clean over the old tables"

# Errors inside COPY data point at the dump's line; -1 leaves nothing.
L=$(grep -n '^COPY public.users ' app.sql | cut -d: -f1)
sed "$((L + 3))s/^[0-9]*\t/x\t/" app.sql >badrow.sql
newdb t3
run pgrestore-stream -1 "$C dbname=t3" badrow.sql
is "$rc" 65 "a bad row fails the restore (65)"
like "$T/err" "^pgrestore-stream: line $((L + 3)): ERROR 22P02: invalid input syntax for type bigint: \"x\"" "naming the row's line in the dump ($((L + 3)))"
is "$(tables_in t3)" 0 "with -1 nothing was committed"

# -1 is all or nothing even when the dump holds its own COMMIT (pg_dump
# wraps large objects in BEGIN/COMMIT): such a statement is refused
# before it runs, so the message "nothing was committed" is true.
printf 'CREATE TABLE public.first (x int);\nINSERT INTO public.first VALUES (1);\nCOMMIT;\nCREATE TABLE public.second (x int);\n' >commit.sql
newdb t5
run pgrestore-stream -1 "$C dbname=t5" commit.sql
is "$rc $(tables_in t5)" "65 0" "-1 with a COMMIT in the dump: refused (65), nothing committed"
like "$T/err" "^pgrestore-stream: line 3: the dump ends its own transaction \(commit\), which would commit part of a -1 restore; nothing was committed" \
	"naming the line and saying what it did"
$PSQL -d src -c "select lo_from_bytea(0, 'large')" >/dev/null
pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres src >pgd_lo.sql
run pgrestore-stream -1 "$C dbname=t5" pgd_lo.sql
is "$rc $(tables_in t5)" "65 0" "-1 with pg_dump's large-object BEGIN/COMMIT: refused, nothing committed"
run pgrestore-stream "$C dbname=t5" pgd_lo.sql
is "$rc $($PSQL -At -d t5 -c 'select count(*) from pg_largeobject_metadata')" "0 1" "without -1 the same dump restores"
$PSQL -d src -c "select lo_unlink(oid) from pg_largeobject_metadata" >/dev/null

# Truncated dumps, cut at pseudo-random offsets, never restore silently.
newdb t4
size=$(wc -c <app.sql)
fails=0 silent=
for off in $(awk -v n="$size" 'BEGIN { srand(42); for (i = 0; i < 15; i++) print int(rand() * n) }') $((size - 1)) $((size - 60)); do
	head -c "$off" app.sql >cut.sql
	pgrestore-stream -1 "$C dbname=t4" cut.sql 2>cut.err
	r=$?
	if [ "$r" = 65 ] && grep -Eq 'cut short|not a complete dump' cut.err; then fails=$((fails + 1)); else silent="$silent $off:$r"; fi
done
is "$fails${silent}" 17 "17 plain dumps cut at random offsets (and in the trailer) all fail with 65, saying the dump is cut short"
is "$(tables_in t4)" 0 "and with -1 none of them committed anything"
gsize=$(wc -c <app.sql.gz)
fails=0 silent=
for off in $(awk -v n="$gsize" 'BEGIN { srand(7); for (i = 0; i < 10; i++) print int(rand() * n) }'); do
	head -c "$off" app.sql.gz | pgrestore-stream --drill "$C dbname=postgres" 2>cut.err
	r=$?
	if [ "$r" = 65 ]; then fails=$((fails + 1)); else silent="$silent $off:$r"; fi
done
is "$fails${silent}" 10 "10 gzip dumps cut at random offsets all fail with 65"
psize=$(wc -c <pgd.sql)
fails=0 silent=
for off in $(awk -v n="$psize" 'BEGIN { srand(9); for (i = 0; i < 8; i++) print int(rand() * n) }') $((psize - 3)); do
	head -c "$off" pgd.sql >cut.sql
	pgrestore-stream -1 "$C dbname=t4" cut.sql 2>cut.err
	r=$?
	if [ "$r" = 65 ]; then fails=$((fails + 1)); else silent="$silent $off:$r"; fi
done
is "$fails${silent}" 9 "9 pg_dump dumps cut short (one inside its \\unrestrict line) all fail with 65"
is "$(drill_dbs)" 0 "the drills of the cut dumps dropped their databases"

# A dump cut at a line boundary runs to the end; the trailer decides.
L=$(grep -n '^-- pgdump-stream: dump complete' app.sql | cut -d: -f1)
head -n $((L - 4)) app.sql >cutline.sql
newdb t5
run pgrestore-stream "$C dbname=t5" cutline.sql
is "$rc" 65 "a dump cut between statements is reported incomplete (65)"
like "$T/err" "not a complete dump: it ends without pgdump-stream's completion trailer; database t5 holds" "saying the database holds a partial restore"
newdb t5
run pgrestore-stream --no-require-trailer "$C dbname=t5" cutline.sql
is "$rc" 0 "--no-require-trailer restores it anyway"
like "$T/err" "warning: the dump is incomplete" "with a warning"

# Plain SQL: psql's rules; a trailer only when asked for.
printf 'create table p (a int);\ninsert into p values (1), (2)\n' >plain.sql
newdb t6
run pgrestore-stream "$C dbname=t6" plain.sql
is "$rc $($PSQL -d t6 -Atc 'select sum(a) from p')" "0 3" "plain SQL restores, a last statement without semicolon included"
newdb t6
run pgrestore-stream --require-trailer "$C dbname=t6" plain.sql
is "$rc" 65 "--require-trailer refuses SQL without a trailer"
printf 'create table c (a int);\ncopy c from stdin; -- rows below\n1\n\\.\n' >copyline.sql
newdb t6
run pgrestore-stream "$C dbname=t6" copyline.sql
is "$rc" 65 "text after COPY FROM stdin on its line is refused (65)"
like "$T/err" "line 2: text after COPY ... FROM stdin on the same line" "naming the line"
printf 'create table c (a int);\ncopy c to stdout;\n' >copyout.sql
newdb t6
run pgrestore-stream "$C dbname=t6" copyout.sql
like "$T/err" "line 2: a COPY to the client has no place in a dump" "COPY TO STDOUT in a dump is refused"
printf 'create table c (a int);\ncopy c from stdin' >copyend.sql
newdb t6
run pgrestore-stream "$C dbname=t6" copyend.sql
is "$rc" 65 "plain SQL ending in COPY FROM stdin without rows: cut short (65), not stuck"
: >empty.sql
run pgrestore-stream "$C dbname=t6" empty.sql
is "$rc" 65 "empty input is not a dump (65)"

# psql meta-commands are never run.
printf 'create table m (a int);\n\\! touch %s/pwned\n' "$T" >meta.sql
newdb t7
run pgrestore-stream "$C dbname=t7" meta.sql
is "$rc" 65 "a meta-command is refused (65)"
like "$T/err" 'line 2: psql meta-command \\! touch .*: pgrestore-stream runs SQL and COPY data only' "named with its line"
[ ! -e "$T/pwned" ]
ok $? "and it did not run"
printf 'select 1;\n\\connect other\n' >connect.sql
newdb t7
run pgrestore-stream "$C dbname=t7" connect.sql
like "$T/err" 'line 2: the dump switches databases \(\\connect\)' "a dump that switches databases is refused"
sed 's/^\\unrestrict .*/\\unrestrict otherkey/' pgd.sql >badkey.sql
newdb t8
run pgrestore-stream "$C dbname=t8" badkey.sql
is "$rc" 65 "pg_dump's \\unrestrict with another key than its \\restrict is refused"
newdb t8
run pgrestore-stream "$C dbname=t8" pgd.sql
is "$rc" 0 "a pg_dump dump with \\restrict and \\unrestrict restores"
like "$T/err" "dump: pg_dump dump of a PostgreSQL 15" "named as pg_dump's"

# The drill.
run pgrestore-stream --drill --json "$C dbname=postgres" app.sql
is "$rc" 0 "the drill passes on an untouched dump"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and len(d["tables"]) == 6 and all(t["ok"] and t["rows_restored"] == t["rows_recorded"] and t["sum_restored"] == t["sum_recorded"] for t in d["tables"]), d' "$T/out"
ok $? "--json: every table's rows and checksums recorded, in the dump and restored agree"
like "$T/err" "drill: all 6 tables match the dump \(rows and row checksums\)" "and says so"
is "$(drill_dbs)" 0 "the drill database is gone afterwards"
L=$(grep -n '^COPY public.users ' app.sql | cut -d: -f1)
sed "$((L + 2))s/example/exampla/" app.sql >tampered.sql
cmp -s app.sql tampered.sql
ok $((! $?)) "(a dump with one character of one row changed)"
run pgrestore-stream --drill --json "$C dbname=postgres" tampered.sql
is "$rc" 1 "the drill catches the tampered row: exit 1"
like "$T/err" "drill: public.users \(line $L\): the dump recorded [0-9]+ rows \(sum [0-9a-f]+\) but the block holds" "naming the table"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); bad=[t["table"] for t in d["tables"] if not t["ok"]]; assert not d["ok"] and bad == ["public.users"], d' "$T/out"
ok $? "--json: ok false, and only public.users differs"
L=$(grep -n '^COPY public.webhook_events ' app.sql | cut -d: -f1)
sed "$((L + 2))d" app.sql >lostrow.sql
run pgrestore-stream --drill "$C dbname=postgres" lostrow.sql
is "$rc" 65 "a lost row changes the dump's size: its trailer gives it away (65)"
sed '$d' lostrow.sql >lost2.sql
printf -- '-- pgdump-stream: dump complete (%d bytes before this line)\n' "$(wc -c <lost2.sql)" >>lost2.sql
run pgrestore-stream --drill "$C dbname=postgres" lost2.sql
is "$rc" 1 "with the trailer made to fit, the drill catches the lost row (exit 1)"
like "$T/err" "drill: public.webhook_events \(line $L\): the dump recorded [0-9]+ rows" "naming the table"
# A drill vouches only for a whole dump with tables: not for a script, not
# for NUL bytes, and a NUL in SQL text never cuts a statement short.
printf 'CREATE TABLE public.x (a int);\nINSERT INTO public.x VALUES (1);\n' | gzip >script.sql.gz
run pgrestore-stream --drill "$C dbname=postgres" script.sql.gz
is "$rc" 65 "a drill on a plain script (gzip'd): exit 65, not a pass"
like "$T/err" "drill: script.sql.gz is not a dump \(no pgdump-stream or pg_dump header\); nothing to compare" "saying why"
head -c 100000 /dev/zero >zeros.sql
run pgrestore-stream --drill "$C dbname=postgres" zeros.sql
is "$rc" 65 "a drill on 100 kB of NUL bytes: exit 65"
L=$(grep -n '^CREATE INDEX' app.sql | head -n 1 | cut -d: -f1)
O=$(head -n "$L" app.sql | wc -c)
cp app.sql zeroed.sql
printf '\000\000\000\000' | dd of=zeroed.sql bs=1 seek=$((O - 10)) conv=notrunc 2>/dev/null
newdb t6
run pgrestore-stream "$C dbname=t6" zeroed.sql
is "$rc" 65 "a zeroed stretch inside a statement: exit 65, not a shorter statement run"
like "$T/err" "line $L: a NUL byte in the SQL text" "naming the line"
run pgrestore-stream --drill --drill-db kept --keep "$C dbname=postgres" app.sql
is "$rc $($PSQL -d kept -Atc 'select count(*) from public.users')" "0 $(awk '/^COPY public.users /{f=1} f && /^-- pgdump-stream: rows/{print $4; exit}' app.sql)" "--keep keeps the drill database, restored"
run pgrestore-stream --drill --drill-db kept "$C dbname=postgres" app.sql
is "$rc" 73 "a drill database that exists is not reused (73)"
like "$T/err" 'cannot create the drill database kept: .*already exists' "saying so"

# Permission, timeouts, signals.
$PSQL -d postgres -c "create role pgops_lowly login" >/dev/null 2>&1
newdb t9
run pgrestore-stream "$C dbname=t9 user=pgops_lowly" app.sql
is "$rc" 77 "a role that may not create in the schema gets 77"
printf 'select 1;\nselect pg_sleep(30);\n' >sleep.sql
newdb t9
run pgrestore-stream --timeout 1s "$C dbname=t9" sleep.sql
is "$rc" 75 "a statement outliving --timeout is cancelled (75)"
like "$T/err" "line 2: no answer from .* within 1000 ms" "naming its line"
is "$($PSQL -d postgres -Atc "select count(*) from pg_stat_activity where query like 'select pg_sleep(30)%'")" 0 "and it no longer runs on the server"

newdb big
$PSQL -d big -c "create table t (id int primary key, pad text)" -c "insert into t select g, repeat(md5(g::text), 4) from generate_series(1, 200000) g" >/dev/null
pgdump-stream "$C dbname=big" >big.sql
L=$(grep -n '^COPY public.t ' big.sql | cut -d: -f1)
newdb sig
mkfifo fifo
pgrestore-stream -1 "$C dbname=sig application_name=pgops_sig" fifo 2>sig.err &
pid=$!
exec 3>fifo
head -n $((L + 1000)) big.sql >&3
i=0
while [ "$($PSQL -d postgres -Atc "select count(*) from pg_stat_activity where application_name = 'pgops_sig' and query like 'COPY %'")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM during a COPY: exit 143"
exec 3>&-
like sig.err "interrupted by SIGTERM" "saying so"
is "$(tables_in sig)" 0 "and the transaction was rolled back: no table"
pgrestore-stream --timeout 1s "$C dbname=sig" fifo 2>stall.err &
pid=$!
exec 3>fifo
head -n 5 big.sql >&3
wait $pid
is "$?" 75 "input that stalls for --timeout: exit 75"
exec 3>&-
like stall.err "no input for 1000 ms" "saying so"

# Corrupt gzip, JSON logs.
python3 -c 'import sys; b=bytearray(open("app.sql.gz","rb").read()); b[len(b)//2] ^= 0x55; open("corrupt.gz","wb").write(b)'
run pgrestore-stream --drill "$C dbname=postgres" corrupt.gz
is "$rc" 65 "a corrupt gzip dump fails (65)"
like "$T/err" "not a valid gzip stream|ERROR|cut short" "saying what is wrong"
run pgrestore-stream --log-format json "$C dbname=t1" app.sql
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]; d=json.loads(open(sys.argv[1]).readlines()[-1]); assert d["prog"] == "pgrestore-stream" and d["level"] == "error" and "already has" in d["msg"], d' "$T/err"
ok $? "--log-format json: every line is JSON with prog, level and msg"
is "$(drill_dbs)" 0 "no drill left a scratch database behind, failed and interrupted ones included"
done_testing
