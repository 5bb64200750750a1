#!/bin/sh
# 16 migrate-apply runners started at once against one database and one
# directory of 60 migrations (some slow, one CREATE INDEX CONCURRENTLY
# file): every migration applied exactly once, every runner exits 0, none
# deadlocks; the same over a history adopted from golang-migrate. The wall time of the race and of a single run are printed for
# comparison, not asserted (the machines are shared).
. "$(dirname "$0")/support/lib.sh"
plan 10
pg_start || exit 1
cd "$T" || exit 1
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h $PGHOST -p $PGPORT -U postgres"
q() { $PSQL -d "$1" -Atc "$2"; }
M=$T/many
mkdir -p "$M"
i=1
while [ $i -le 60 ]; do
	v=$(printf '%03d' $i)
	if [ $i = 1 ]; then
		printf 'create table applied_log (version text, at timestamptz default clock_timestamp());\ncreate table items (id int, name text);\ninsert into applied_log (version) values (%s);\n' "'$v'" >"$M/${v}_init.sql"
	elif [ $i = 30 ]; then
		printf -- '-- migrate-apply:no-transaction\ncreate index concurrently items_name on items (name);\ninsert into applied_log (version) values (%s);\n' "'$v'" >"$M/${v}_items_name_idx.sql"
	elif [ $((i % 10)) = 0 ]; then
		printf 'select pg_sleep(0.2);\ninsert into items select g, md5(g::text) from generate_series(1, 2000) g;\ninsert into applied_log (version) values (%s);\n' "'$v'" >"$M/${v}_slow.sql"
	else
		printf 'alter table items add column c%s int;\ninsert into applied_log (version) values (%s);\n' "$v" "'$v'" >"$M/${v}_col.sql"
	fi
	i=$((i + 1))
done
# runners DB: 16 runners at once on DB, stderr to DBn.err; codes: their
# exit statuses in order.
runners() {
	pids=
	n=1
	while [ $n -le 16 ]; do
		migrate-apply --lock-timeout 2m -d "host=$PGHOST port=$PGPORT user=postgres dbname=$1 application_name=runner$n" \
			"$M" 2>"$1$n.err" &
		pids="$pids $!"
		n=$((n + 1))
	done
	codes=
	for p in $pids; do wait "$p"; codes="$codes $?"; done
}
q postgres "create database single" >/dev/null
q postgres "create database race" >/dev/null
t0=$(date +%s.%N)
migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=single" "$M" 2>single.err
single=$?
t1=$(date +%s.%N)
is "$single $(q single "select count(*) from applied_log")" "0 60" "a single run applies the 60 migrations"
runners race
t2=$(date +%s.%N)
is "$codes" " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0" "16 runners at once: every one exits 0"
is "$(q race "select count(*) || ' ' || count(distinct version) from applied_log")" "60 60" "every migration ran exactly once"
is "$(q race "select count(*) from migrate_apply_history where status = 'applied'")" 60 "and is recorded applied once"
is "$(q race "select indisvalid from pg_index where indexrelid = 'items_name'::regclass")" t "the CREATE INDEX CONCURRENTLY migration built a valid index while 15 runners waited"
applied_by=$(cat race*.err | grep -c 'migration(s) applied')
waited=$(cat race*.err | grep -c 'waiting for the migration lock')
uptodate=$(cat race*.err | grep -c 'up to date')
ok $([ $((applied_by + uptodate)) = 16 ]; echo $?) "each runner either applied or found everything applied ($applied_by applied, $uptodate up to date, $waited waited for the lock)"
diag "single run: $(echo "$t1 - $t0" | bc) s; 16 runners at once: $(echo "$t2 - $t1" | bc) s"

# The same over a history adopted from golang-migrate at version 20 (its
# table as golang-migrate makes it): every runner exits 0, the 40 new
# migrations run exactly once, the 20 adopted are recorded once, and
# golang-migrate's row ends at 60, clean.
q postgres "create database adopt" >/dev/null
migrate-apply -d "host=$PGHOST port=$PGPORT user=postgres dbname=adopt" --to 020 "$M" 2>adopt.err
q adopt "drop table migrate_apply_history; create table schema_migrations (version bigint not null primary key, dirty boolean not null); insert into schema_migrations values (20, false)" >/dev/null
runners adopt
is "$codes" " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0" "16 runners over an adopted history: every one exits 0"
is "$(q adopt "select count(*) || ' ' || count(distinct version) from applied_log")" "60 60" "the 40 new migrations ran exactly once"
is "$(q adopt "select count(*) filter (where error like 'adopted from%') || ' ' || count(*) from migrate_apply_history where status = 'applied'")" "20 60" \
	"the 20 adopted recorded once, 60 in all"
is "$(q adopt "select version || ' ' || dirty from schema_migrations")" "60 false" "golang-migrate's row ends at 60, clean"
done_testing
