#!/bin/sh
# pgrestore-stream -j against a real PostgreSQL: the same database as one
# session restores (from pgdump-stream's dump and pg_dump's), rows loaded in
# chunks on several sessions at once, index builds and foreign keys beside
# each other, session settings (client_encoding, search_path) on every
# session, autovacuum held off the tables loading, the drill; and the
# faults of one session: a refused row, a dump cut short, a session
# terminated mid-COPY, SIGTERM, each ending with the exit code and message
# of a single-session restore and no session left.
. "$(dirname "$0")/support/lib.sh"
plan 77
pg_start || exit 1
cd "$T" || exit 1
C="host=$PGHOST port=$PGPORT user=postgres"
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
newdb() { $PSQL -d postgres -c "drop database if exists $1" 2>/dev/null; $PSQL -d postgres -c "create database $1" >/dev/null; }
schema_of() { pg_dump -s -h "$PGHOST" -p "$PGPORT" -U postgres "$1" | grep -v '^\\\(un\)\{0,1\}restrict '; }
data_of() { $PSQL -At -d "$1" -f "$TOP/tests/pgdump/checksums.sql"; }
sessions() { $PSQL -At -d postgres -c "select count(*) from pg_stat_activity where application_name = '$1'"; }
# as_one_session NAME FILE WHAT: FILE restored on one session (into NAME1)
# and with -j 4 (into NAME4) fails with the same exit code and message.
as_one_session() {
	newdb "${1}1"
	newdb "${1}4"
	run pgrestore-stream "$C dbname=${1}1" "$2"
	rc1=$rc
	sed -n '$p' "$T/err" >"$1.err1"
	run pgrestore-stream -j 4 "$C dbname=${1}4" "$2"
	is "$rc" "$rc1" "$3: -j 4 exits as one session does ($rc1)"
	is "$(sed -n '$p' "$T/err")" "$(cat "$1.err1")" "with the same message: $(cut -c1-90 "$1.err1")"
}
# until_n N SQL: waits (10 s at most) until SQL on postgres answers N.
until_n() { i=0; until [ "$($PSQL -At -d postgres -c "$2")" = "$1" ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
# terminate_when APP COND: waits (as until_n) for a session of application
# APP for which COND holds, then terminates it.
terminate_when() {
	until_n 1 "select count(*) from pg_stat_activity where application_name = '$1' and $2"
	$PSQL -d postgres -c "select pg_terminate_backend(pid) from pg_stat_activity where application_name = '$1' and $2" >/dev/null
}

# An application's schema: rows in several COPY chunks, secondary and
# unique indexes, foreign keys, a quoted name, a sequence, a view.
newdb src
$PSQL -d src >/dev/null <<'SQL'
create table users (id bigint primary key, email text not null, name text);
create table orders (id bigint primary key, user_id bigint references users (id), note text, amount numeric);
create table items (id bigint primary key, order_id bigint references orders (id), sku text);
create index on orders (user_id);
create index items_sku on items (sku);
create unique index users_email on users (email);
create table "Odd ""Name""" (k int primary key, v text, parent int references "Odd ""Name""" (k));
insert into "Odd ""Name""" select g, 'v' || g, nullif(g - 1, 0) from generate_series(1, 100) g;
insert into users select g, 'u' || g || '@example.com', 'name ' || g from generate_series(1, 60000) g;
insert into orders select g, 1 + g % 60000, repeat('n', g % 50), g * 1.5 from generate_series(1, 120000) g;
insert into items select g, 1 + g % 120000, 'sku' || (g % 1000) from generate_series(1, 150000) g;
create sequence s1; select setval('s1', 42);
create view big_orders as select * from orders where amount > 1000;
SQL
pgdump-stream "$C dbname=src" >ours.sql
pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres src >pgd.sql
newdb serial
pgrestore-stream "$C dbname=serial" ours.sql 2>/dev/null
schema_of serial >s.serial
data_of src >c.src

# ---- usage
run pgrestore-stream -1 -j 2 "$C dbname=postgres" ours.sql
is "$rc" 64 "-1 with -j: usage error"
like "$T/err" "-1 and -j cannot be used together" "says why"
run pgrestore-stream -j 0 "$C dbname=postgres" ours.sql
is "$rc" 64 "-j 0: usage error"

# ---- the same database, from both kinds of dump
for d in ours pgd; do
	newdb "j_$d"
	run pgrestore-stream -j 4 --stats "$T/stats.$d" "$C dbname=j_$d application_name=pgops_j_$d" "$d.sql"
	is "$rc" 0 "$d: pgrestore-stream -j 4 restores the dump"
	schema_of "j_$d" >"s.$d"
	cmp -s s.serial "s.$d"
	ok $? "$d: its schema is the one a single session restores (pg_dump -s, $(wc -l <s.serial) lines)"
	data_of "j_$d" >"c.$d"
	cmp -s c.src "c.$d"
	ok $? "$d: every table's rows and every sequence's state are the source's"
	# The sessions load its chunks at once, each session in a COPY of its own.
	is "$($PSQL -At -d "j_$d" -c "select count(distinct xmin::text) > 1 from items")" t "$d: the rows of one table loaded on more than one session"
	is "$(grep -c '^pgrestore_stream_table_seconds{table=' "stats.$d")" 4 "$d: --stats has each table's load time"
	is "$(sessions "pgops_j_$d")" 0 "$d: no session is left once it is done"
done
is "$($PSQL -At -d serial -c "select count(distinct xmin::text) from items")" 1 "(without -j the table went in one COPY)"
is "$(grep '^pgrestore_stream_table_seconds{table="public.\\"Odd \\"\\"Name\\"\\"\\""}' stats.ours | wc -l)" 1 "--stats escapes a quoted name as a Prometheus label"

# N sessions beside the main one, while the restore is held inside a
# COPY block (its input a pipe that pauses), and what --progress shows.
newdb held
mkfifo fifo
L=$(grep -n '^COPY public.items ' ours.sql | cut -d: -f1)
pgrestore-stream -j 3 --progress "$C dbname=held application_name=pgops_held" fifo 2>held.err &
pid=$!
exec 3>fifo
head -n $((L + 100000)) ours.sql >&3
until_n 4 "select count(*) from pg_stat_activity where application_name = 'pgops_held'"
is "$(sessions pgops_held)" 4 "-j 3: three sessions besides the main one"
tail -n +$((L + 100001)) ours.sql >&3
exec 3>&-
wait $pid
is "$?" 0 "the restore goes on when the input does"
like held.err "3 sessions: " "--progress shows what each session does"

# The drill with -j.
run pgrestore-stream -j 4 --drill "$C dbname=postgres" ours.sql
is "$rc" 0 "--drill -j 4 passes on pgdump-stream's dump"
like "$T/err" "drill: all 4 tables match the dump \(rows and row checksums\)" "every table compared"
run pgrestore-stream -j 4 --drill "$C dbname=postgres" pgd.sql
is "$rc" 0 "--drill -j 4 passes on pg_dump's dump"

# Session settings reach every session: LATIN1 rows in chunks, and
# post-data statements that name their tables through search_path.
{
	printf "SET client_encoding = 'LATIN1';\nCREATE SCHEMA app;\nSET search_path = app;\n"
	printf "CREATE TABLE t (id int, v text);\nCOPY t (id, v) FROM stdin;\n"
	awk 'BEGIN { for (i = 1; i <= 120000; i++) printf "%d\tcaf\351 cr\350me br\373l\351e %d\n", i, i }'
	printf '\\.\nCREATE INDEX t_v ON t (v);\nALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id);\n'
} >latin.sql
newdb latin
run pgrestore-stream -j 3 "$C dbname=latin" latin.sql
is "$rc" 0 "a LATIN1 dump whose statements rely on search_path restores with -j 3"
is "$($PSQL -At -d latin -c "select count(*), count(distinct xmin::text) > 1, min(v) from app.t where v like 'café crème brûlée %'")" \
	"120000|t|café crème brûlée 1" "every chunk was read as LATIN1, on more than one session"
is "$($PSQL -At -d latin -c "select count(*) from pg_indexes where schemaname = 'app'")" 2 "and the index and primary key were built in schema app"

# Tables whose foreign keys exist while their rows load (an extension's
# configuration tables come so): their blocks load alone, in order, and
# rows that refer to rows of an earlier chunk find them.
{
	printf "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int REFERENCES a);\n"
	printf "CREATE TABLE c (id int PRIMARY KEY, parent int REFERENCES c);\nCOPY a (id) FROM stdin;\n"
	seq 1 300000
	printf '\\.\nCOPY b (id, a_id) FROM stdin;\n'
	seq 1 300000 | awk '{ print $1 "\t" $1 }'
	printf '\\.\nCOPY c (id, parent) FROM stdin;\n1\t\\N\n'
	seq 2 300000 | awk '{ print $1 "\t" $1 - 1 }'
	printf '\\.\n'
} >fk.sql
newdb fk
run pgrestore-stream -j 4 "$C dbname=fk" fk.sql
is "$rc" 0 "tables with foreign keys while their rows load restore with -j 4"
is "$($PSQL -At -d fk -c "select (select count(*) from a) + (select count(*) from b) + (select count(*) from c)")" 900000 "every row of the three tables is there"

# Two foreign keys referencing one table are checked at once (added NOT
# VALID, then validated under a lock the other does not wait for): while
# one waits for a lock another client holds on its table, the other is
# added and validated. A partitioned table's key (without ONLY, which
# servers before 18 refuse NOT VALID) is added as the dump says.
{
	printf "CREATE TABLE public.p (id int PRIMARY KEY);\nCREATE TABLE public.c1 (id int, p_id int);\n"
	printf "CREATE TABLE public.c2 (id int, p_id int);\n"
	printf "CREATE TABLE public.pt (id int, p_id int) PARTITION BY RANGE (id);\n"
	printf "CREATE TABLE public.pt1 PARTITION OF public.pt FOR VALUES FROM (0) TO (1000000);\nCOPY public.p (id) FROM stdin;\n"
	seq 1 1000
	for t in c1 c2 pt1; do
		printf '\\.\nCOPY public.%s (id, p_id) FROM stdin;\n' $t
		seq 1 20000 | awk '{ print $1 "\t" 1 + $1 % 1000 }'
	done
	printf '\\.\n'
} >fk2.head
{
	printf 'ALTER TABLE ONLY public.c1\n    ADD CONSTRAINT c1_p_fkey FOREIGN KEY (p_id) REFERENCES public.p(id);\n'
	printf 'ALTER TABLE ONLY public.c2\n    ADD CONSTRAINT "c2 p" FOREIGN KEY (p_id) REFERENCES public.p(id) ON DELETE CASCADE;\n'
	printf 'ALTER TABLE public.pt\n    ADD CONSTRAINT pt_p_fkey FOREIGN KEY (p_id) REFERENCES public.p(id);\n'
} >fk2.tail
cat fk2.head fk2.tail >fk2.sql
newdb fk2s
pgrestore-stream "$C dbname=fk2s" fk2.sql 2>/dev/null
newdb fk2
in_fk2() { $PSQL -At -d fk2 -c "$1"; }
pgrestore-stream -j 3 "$C dbname=fk2" fifo 2>fk2.err &
pid=$!
exec 3>fifo
cat fk2.head >&3
i=0; until [ "$(in_fk2 "select count(*) from pt1" 2>/dev/null)" = 20000 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
PGAPPNAME=pgops_blocker $PSQL -d fk2 -c "begin" -c "lock table c1 in share mode" -c "select pg_sleep(60)" >/dev/null 2>&1 &
until_n 1 "select count(*) from pg_stat_activity where application_name = 'pgops_blocker' and wait_event = 'PgSleep'"
cat fk2.tail >&3
exec 3>&-
i=0; until [ "$(in_fk2 "select count(*) from pg_constraint where conname = 'c2 p' and convalidated")" = 1 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(in_fk2 "select string_agg(conname || ':' || convalidated, ',' order by conname) from pg_constraint where contype = 'f' and conrelid in ('c1'::regclass, 'c2'::regclass)")" \
	"c2 p:true" "-j 3: a key referencing p is added and checked while another one waits for its table"
$PSQL -d postgres -c "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pgops_blocker'" >/dev/null
wait $pid
is "$?" 0 "and the restore ends when that table is free"
is "$(schema_of fk2)" "$(schema_of fk2s)" "the keys are those of a one-session restore, validated (pg_dump -s), the partitioned table's too"

# A key the rows violate: the same exit code and message as one session,
# and no constraint left behind on its table.
cat fk2.head fk2.tail | awk '/^COPY public.c2 / { print; print "0\t5000"; next } { print }' >fk2bad.sql
as_one_session fkbad fk2bad.sql "a foreign key the rows violate"
is "$($PSQL -At -d fkbad4 -c "select count(*) from pg_constraint where conname = 'c2 p'")" 0 "the refused key is not left on its table"
# One the server refuses NOT VALID (no unique key on what it references):
# the statement as the dump has it is what fails, with its own message.
{ cat fk2.head; printf 'ALTER TABLE ONLY public.c1\n    ADD CONSTRAINT c1_c2 FOREIGN KEY (id) REFERENCES public.c2(id);\n'; } >fk2no.sql
as_one_session fkno fk2no.sql "a foreign key the server refuses"

# A session that cannot connect (the role's connection limit) ends the
# restore before any job, naming which session.
$PSQL -d postgres -c "create role lim login createdb connection limit 2" >/dev/null
$PSQL -d postgres -c "create database limdb owner lim" >/dev/null
run pgrestore-stream -j 3 "host=$PGHOST port=$PGPORT user=lim dbname=limdb" fk.sql
is "$rc" 69 "-j 3 past the role's connection limit: exit 69"
like "$T/err" "session 2 of 3: .*too many connections for role \"lim\"" "naming the session and the server's reason"

# The sessions of a superuser's restore wait 100 ms before the server
# cancels an autovacuum worker in their way (deadlock_timeout), not 1 s; a
# role that may not set it restores with the server's value, no error.
{
	printf 'CREATE TABLE tune (a int, dt text DEFAULT current_setting($$deadlock_timeout$$));\nCOPY tune (a) FROM stdin;\n'
	seq 1 300000
	printf '\\.\n'
} >tune.sql
for j in 1 4; do
	newdb tune$j
	run pgrestore-stream -j $j "$C dbname=tune$j" tune.sql
	is "$rc:$($PSQL -At -d tune$j -c 'select count(*), string_agg(distinct dt, $$,$$) from tune')" "0:300000|100ms" \
		"-j $j as a superuser: the rows of every session were loaded with deadlock_timeout 100ms"
done
$PSQL -d postgres -c "create database tunelim owner lim" >/dev/null
run pgrestore-stream "host=$PGHOST port=$PGPORT user=lim dbname=tunelim" tune.sql
is "$rc:$($PSQL -At -d tunelim -c 'select string_agg(distinct dt, $$,$$) from tune'):$(grep -c 'permission denied to set parameter' "$T/pg/log")" \
	"0:1s:0" "as a role that may not set it: the server's 1s, and no error in the server's log"

# A constraint added without ONLY also goes to the table's inheritance
# children (and partitions), which the statement does not name: it waits
# for everything before it, as a NOT VALID check on a parent must wait for
# the child's rows it would refuse. Seen from inside: the check calls
# probe(), which reports whether the 2-second index build before it in the
# dump is still running.
cat >nv.sql <<'SQL'
CREATE FUNCTION slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN IF $1 = 1 THEN PERFORM pg_sleep(2); END IF; RETURN $1; END$$;
CREATE FUNCTION probe(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN IF $1 = 1 THEN RAISE NOTICE 'slow build running: %', (SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CREATE INDEX s_i %'); END IF; RETURN $1; END$$;
CREATE TABLE s (x int);
CREATE TABLE nvp (d int);
CREATE TABLE nvc () INHERITS (nvp);
COPY s (x) FROM stdin;
1
\.
COPY nvc (d) FROM stdin;
1
2
\.
CREATE INDEX s_i ON s (slow(x));
ALTER TABLE nvp ADD CONSTRAINT nvp_pos CHECK (probe(d) > 0);
SQL
newdb nv
run pgrestore-stream -j 4 "$C dbname=nv" nv.sql
is "$rc:$(sed -n 's/.*slow build running: //p' "$T/err")" "0:0" \
	"-j 4: ALTER TABLE without ONLY ... ADD CONSTRAINT waits for what came before it in the dump"

# Index builds and the server's parallel workers and sort memory: one taken
# while another session is at work runs with max_parallel_maintenance_workers
# 0 (the sessions already fill the cores) and maintenance_work_mem divided
# by the sessions (the test server's 64MB by 2); one taken while the others
# are idle keeps the server's settings; a parameter the dump sets keeps the
# dump's value. seen() reports what the build runs with; slow() keeps a
# session busy for 2 s.
# table NAME [ROWS]: a table of ROWS rows (1000), as a dump has it.
table() { printf 'CREATE TABLE %s (x int);\nCOPY %s (x) FROM stdin;\n' "$1" "$1"; seq 1 "${2:-1000}"; printf '\\.\n'; }
cat >fns.sql <<'SQL'
CREATE FUNCTION slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN IF $1 = 1 THEN PERFORM pg_sleep(2); END IF; RETURN $1; END$$;
CREATE FUNCTION seen(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN IF $1 = 1 THEN RAISE NOTICE 'workers=% mem=%', current_setting('max_parallel_maintenance_workers'), current_setting('maintenance_work_mem'); END IF; RETURN $1; END$$;
SQL
{ cat fns.sql; table a; table b; printf 'CREATE INDEX a_i ON a (slow(x));\nCREATE INDEX b_i ON b (seen(x));\n'; } >builds.sql
{ cat fns.sql; table b; printf 'CREATE INDEX b_i ON b (seen(x));\n'; } >alone.sql
{ echo 'SET max_parallel_maintenance_workers = 1;'; cat builds.sql; } >dumpset.sql
{ echo "SET maintenance_work_mem = '10MB';"; cat builds.sql; } >memset.sql
for t in busy alone dumpset memset; do
	case $t in
	busy) f=builds.sql want="0 32MB" what="taken while another session builds: no parallel workers, half the memory" ;;
	alone) f=alone.sql want="2 64MB" what="taken while the other session is idle: the server's settings" ;;
	dumpset) f=dumpset.sql want="1 32MB" what="where the dump sets the workers: the dump's value" ;;
	memset) f=memset.sql want="0 10MB" what="where the dump sets the memory: the dump's value" ;;
	esac
	newdb builds_$t
	run pgrestore-stream -j 2 "$C dbname=builds_$t" $f
	is "$rc $(sed -n 's/.*NOTICE: *workers=\([0-9]*\) mem=\([0-9A-Za-z]*\).*/\1 \2/p' "$T/err")" "0 $want" \
		"-j 2, index build $what ($want)"
done

# A foreign key's check runs in maintenance_work_mem too, and gets all of
# it, also on a session whose build before it had its share: c's key waits
# for c's index, taken while a's slow build runs, and then runs on that
# session. An event trigger reports what each ALTER TABLE starts with.
{
	cat fns.sql
	cat <<'SQL'
CREATE FUNCTION alter_seen() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN IF tg_tag = 'ALTER TABLE' THEN RAISE NOTICE 'alter mem=%', current_setting('maintenance_work_mem'); END IF; END$$;
CREATE EVENT TRIGGER alter_seen ON ddl_command_start EXECUTE FUNCTION alter_seen();
SQL
	table a 100000; table c; table p
	printf 'CREATE UNIQUE INDEX p_x ON p (x);\nCREATE INDEX a_i ON a (slow(x));\nCREATE INDEX c_i ON c (seen(x));\n'
	printf 'ALTER TABLE ONLY c ADD CONSTRAINT c_fk FOREIGN KEY (x) REFERENCES p (x);\n'
} >fkmem.sql
newdb fkmem
run pgrestore-stream -j 2 "$C dbname=fkmem" fkmem.sql
is "$rc $(sed -n 's/.*NOTICE: *workers=\([0-9]*\) mem=\([0-9A-Za-z]*\).*/\1 \2/p; s/.*NOTICE: *alter mem=\([0-9A-Za-z]*\).*/alter \1/p' "$T/err" | tr '\n' ' ')" \
	"0 0 32MB alter 64MB alter 64MB " "-j 2: a foreign key checked after a build with its share of the memory has all of it"

# Of the statements free to start, a session takes the one with the most
# work waiting on it: the index of the table with the most data before the
# small tables' that came first in the dump. Two 1-second builds keep both
# sessions busy while the rest is read; then big's build starts in the
# first pair, and s2's last (the dump's order would start it before big's).
cat >prio-fns.sql <<'SQL'
CREATE FUNCTION slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN IF $1 = 1 THEN PERFORM pg_sleep(1); END IF; RETURN $1; END$$;
CREATE FUNCTION mark(text, int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN IF $2 = 1 THEN RAISE NOTICE 'start %', $1; PERFORM pg_sleep(0.5); END IF; RETURN $2; END$$;
SQL
{
	cat prio-fns.sql
	for t in d1 d2 s1 s2; do table $t; done
	printf 'CREATE TABLE big (x int);\nCOPY big (x) FROM stdin;\n'
	seq 1 100000
	printf '\\.\nCREATE INDEX d1_i ON d1 (slow(x));\nCREATE INDEX d2_i ON d2 (slow(x));\n'
	printf "CREATE INDEX s1_i ON s1 (mark('s1', x));\nCREATE INDEX s2_i ON s2 (mark('s2', x));\nCREATE INDEX big_i ON big (mark('big', x));\n"
} >prio.sql
newdb prio
run pgrestore-stream -j 2 "$C dbname=prio" prio.sql
is "$rc $(sed -n 's/.*NOTICE: *start \([a-z0-9]*\).*/\1/p' "$T/err" | sed -n 3p)" "0 s2" \
	"-j 2: the largest table's index build starts before a small table's that came before it in the dump"

# Session settings are kept per parameter for the sessions: a dump with
# more distinct ones than that is refused (a -j restore only).
{
	i=1; while [ $i -le 65 ]; do printf "SET pgops.p%d = '1';\n" $i; i=$((i + 1)); done
} >settings.sql
newdb sets
run pgrestore-stream -j 2 "$C dbname=sets" settings.sql
is "$rc" 65 "more than 64 different session settings with -j: exit 65"
like "$T/err" "line 65: more than 64 different session settings; restore this dump without -j" "saying where and what to do"

# autovacuum is kept off the tables whose rows the sessions load: the main
# session holds each table of more than one chunk in SHARE UPDATE
# EXCLUSIVE mode (autovacuum skips a table held so) from its first chunk
# through the next COPY blocks, and lets go before anything else. held()
# fails a row (of a first chunk, loaded while the main thread still reads
# rows) unless another session holds its table so: h1's and h2's; h0, of
# one chunk, is not held. The holding session keeps no snapshot while it
# waits (the database's default isolation is REPEATABLE READ: its
# transaction is READ COMMITTED all the same). The index after the rows
# is built once the hold is given up (a build waiting for it would wait
# until --timeout).
{
	cat <<'SQL'
CREATE FUNCTION held(regclass, int) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.relation = $1 AND l.mode = 'ShareUpdateExclusiveLock' AND l.granted AND l.pid <> pg_catalog.pg_backend_pid()
      AND ($1 <> 'h2'::regclass OR a.backend_xmin IS NULL)) THEN
    RAISE NOTICE 'row %: no session holds % (without a snapshot)', $2, $1;
    RETURN false;
  END IF;
  RETURN true;
END$$;
CREATE TABLE h0 (x int CHECK (x <> 1 OR NOT held('h0', x)));
CREATE TABLE h1 (x int CHECK (x <> 1 OR held('h1', x)));
CREATE TABLE h2 (x int CHECK (x >= 120000 OR x % 50000 <> 1 OR held('h2', x)));
COPY h0 (x) FROM stdin;
SQL
	seq 1 1000
	printf '\\.\nCOPY h1 (x) FROM stdin;\n'
	seq 1 200000
	printf '\\.\nCOPY h2 (x) FROM stdin;\n'
	seq 1 1000000
	printf '\\.\nCREATE INDEX h2_x ON h2 (x);\n'
} >avheld.sql
newdb avheld
$PSQL -d postgres -c "alter database avheld set default_transaction_isolation = 'repeatable read'" >/dev/null
run pgrestore-stream -j 2 --timeout 60s "$C dbname=avheld" avheld.sql
is "$rc $($PSQL -At -d avheld -c "select count(*) from h0" -c "select count(*) from h1" -c "select count(*) from h2" -c "select count(*) from pg_indexes where indexname = 'h2_x'" | tr '\n' ' ')" \
	"0 1000 200000 1000000 1 " "-j 2: each table of more than one chunk held off autovacuum while its rows load, the hold given up for its index"
# Rows loaded through a partitioned table: the hold is on the table the
# COPY names, ONLY (its partitions could fill the server's lock table).
{
	cat <<'SQL'
CREATE FUNCTION held(text) RETURNS boolean LANGUAGE sql AS $$SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks
  WHERE relation = $1::regclass AND mode = 'ShareUpdateExclusiveLock' AND granted AND pid <> pg_catalog.pg_backend_pid())$$;
CREATE TABLE pr (x int CHECK (x <> 1 OR (held('pr') AND NOT held('pr1')))) PARTITION BY RANGE (x);
CREATE TABLE pr1 PARTITION OF pr FOR VALUES FROM (1) TO (2000000);
COPY pr (x) FROM stdin;
SQL
	seq 1 1000000
	printf '\\.\n'
} >heldroot.sql
newdb heldroot
run pgrestore-stream -j 2 "$C dbname=heldroot" heldroot.sql
is "$rc $($PSQL -At -d heldroot -c "select count(*) from pr1")" "0 1000000" \
	"-j 2, rows through a partitioned table: the table held, not its partitions"
# The main session lost while it holds a table (idle in its transaction,
# waiting for a free slot while a row's check sleeps in the first chunk):
# the next statement it runs reports it, with its line, as a session lost
# between statements does.
{
	printf "CREATE FUNCTION nap(int) RETURNS boolean LANGUAGE plpgsql AS \$\$BEGIN IF \$1 = 100000 THEN PERFORM pg_sleep(3); END IF; RETURN true; END\$\$;\n"
	printf 'CREATE TABLE n (x int CHECK (nap(x)));\nCOPY n (x) FROM stdin;\n'
	seq 1 1000000
	printf '\\.\nCREATE VIEW nv AS SELECT * FROM n;\n'
} >mainlost.sql
newdb mainlost
pgrestore-stream -j 2 "$C dbname=mainlost application_name=pgops_mainlost" mainlost.sql 2>mainlost.err &
pid=$!
terminate_when pgops_mainlost "state = 'idle in transaction'"
wait $pid
is "$?" 69 "-j 2, the main session lost while it holds a loading table: exit 69"
like mainlost.err "line 1000005: .*(terminating connection|server closed the connection|no connection)" "reported at the next statement's line"
# A restoring role that may insert into a table but not lock it so: the
# rows load without the hold.
$PSQL -d postgres -c "create role pgops_loader login" >/dev/null
newdb loader
$PSQL -d loader -c "grant create on schema public to pgops_loader" >/dev/null
{
	printf 'CREATE TABLE lo (x int);\nREVOKE ALL ON lo FROM pgops_loader;\nGRANT SELECT, INSERT ON lo TO pgops_loader;\n'
	printf 'COPY lo (x) FROM stdin;\n'
	seq 1 300000
	printf '\\.\n'
} >loader.sql
run pgrestore-stream -j 2 "host=$PGHOST port=$PGPORT user=pgops_loader dbname=loader" loader.sql
is "$rc $($PSQL -At -d loader -c "select count(*) from lo")" "0 300000" \
	"-j 2 as a role that may only insert: the rows load without the hold"

# ---- faults: the same exit code and message as one session
# A row the server refuses, in a later chunk: the same line of the dump.
awk -v L="$L" 'NR == L + 140000 { sub(/^[0-9]+/, "x") } { print }' ours.sql >badrow.sql
as_one_session bad badrow.sql "a refused row (the same message names the same line)"
is "$(sessions pgrestore-stream)" 0 "and no session is left"

# A session sends the chunks of a table it takes one after another in one
# COPY: a table of 19 chunks on 2 sessions whose rows the server takes
# slower than they are read (its check naps every 2,000 rows), so that the
# next chunk is always queued, goes in a COPY or two per session, not 19.
# Then a row refused in the middle of a session's COPY, 15 chunks in: the
# same line of the dump as one session names.
runs_sql() {
	printf "CREATE FUNCTION nap_rows(int) RETURNS bool LANGUAGE plpgsql AS \$\$ BEGIN IF \$1 %% 2000 = 0 THEN PERFORM pg_sleep(0.02); END IF; RETURN true; END \$\$;\n"
	printf "CREATE TABLE runs (id int CHECK (nap_rows(id)), pad text);\nCOPY runs (id, pad) FROM stdin;\n"
	awk -v bad="$1" 'BEGIN { for (i = 1; i <= 200000; i++) printf "%s\t%090d\n", i == bad ? "x" : i, i }'
	printf '\\.\n'
}
runs_sql 0 >runs.sql
newdb runs
run pgrestore-stream -j 2 "$C dbname=runs" runs.sql
is "$rc" 0 "-j 2: a table of $(( $(wc -c <runs.sql) / 1048576 )) MiB restores"
is "$($PSQL -At -d runs -c "select count(*), count(distinct id), count(distinct xmin::text) between 2 and 4 from runs")" \
	"200000|200000|t" "every row once, in 2 to 4 COPYs of the 2 sessions"
runs_sql 150001 >runsbad.sql
as_one_session runsbad runsbad.sql "a refused row in the middle of a session's COPY of several chunks"

# A dump cut inside a COPY block.
head -c $(( $(grep -b '^COPY public.items ' ours.sql | cut -d: -f1) + 3000000 )) ours.sql >cut.sql
as_one_session cut cut.sql "a dump cut short inside a COPY block"
is "$(sessions pgrestore-stream)" 0 "and no session is left"

# A session that sits in a COPY (a check of the dump's sleeps on one row;
# a trigger would make the table load alone on the main session) is
# terminated; then SIGTERM for the same.
{
	printf "CREATE FUNCTION nap_at(int) RETURNS bool LANGUAGE plpgsql AS \$\$ BEGIN IF \$1 = 150000 THEN PERFORM pg_sleep(60); END IF; RETURN true; END \$\$;\n"
	printf "CREATE TABLE slow (id int CHECK (nap_at(id)));\nCOPY slow (id) FROM stdin;\n"
	seq 1 300000
	printf '\\.\n'
} >slow.sql
napping="select count(*) from pg_stat_activity where application_name = 'pgops_slow' and wait_event = 'PgSleep'"
for j in "" "-j 4"; do
	newdb slow
	pgrestore-stream $j "$C dbname=slow application_name=pgops_slow" slow.sql 2>slow.err &
	pid=$!
	terminate_when pgops_slow "wait_event = 'PgSleep'"
	wait $pid
	is "$?" 69 "${j:+$j: }a session terminated mid-COPY: exit 69"
	like slow.err "line [0-9]+: .*(terminating connection due to administrator command|server closed the connection unexpectedly)" "${j:+$j: }naming the line and why"
	until_n 0 "select count(*) from pg_stat_activity where application_name = 'pgops_slow'"
	is "$(sessions pgops_slow)" 0 "${j:+$j: }no session is left"

	newdb slow
	pgrestore-stream $j "$C dbname=slow application_name=pgops_slow" slow.sql 2>slow.err &
	pid=$!
	until_n 1 "$napping"
	kill -TERM $pid
	wait $pid
	is "$?" 143 "${j:+$j: }SIGTERM mid-COPY: exit 143"
	like slow.err "interrupted by SIGTERM" "${j:+$j: }saying so"
	until_n 0 "select count(*) from pg_stat_activity where application_name = 'pgops_slow'"
	is "$(sessions pgops_slow)" 0 "${j:+$j: }no session is left, the sleeping one cancelled"
done
done_testing
