#!/bin/sh
# make bench: side-by-side comparisons in one run, on the same data, printed
# as a table of medians with ratios ours/theirs (lower is better). Data comes
# from gendump (deterministic, ~BENCH_SIZE of realistic dump) and is kept in
# build/bench between runs. The table is also written to build/bench/results.md.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${PGOPS_BIN:=$top/build/bin}" "${PGOPS_TESTBIN:=$top/build/tests}"
size=${BENCH_SIZE:-1G}
runs=${BENCH_RUNS:-5}
d=$top/build/bench
mkdir -p "$d"
res=$d/results.md
: >"$res"

say() { printf '%s\n' "$*" | tee -a "$res"; }
# BENCH_ONLY=NAME runs one section (gzverify, tunnel, prune, healthprobe,
# pgdump, pgrestore, migrate, s3put, s3probe, agecrypt); the sizes are always printed.
section() { [ -z "${BENCH_ONLY:-}" ] || [ "$BENCH_ONLY" = "$1" ]; }

# time1 KEY CMD... runs CMD once and appends its wall, user, system seconds
# and peak RSS to KEY's list; report KEY LABEL prints the medians as a table
# row and sets W (wall), C (CPU) and M (RSS KB). Comparisons that drift with
# the machine's state (page cache, other load) call time1 for each command
# in turn, round by round.
time1() {
	key=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$d/t1" "$@" >/dev/null 2>"$d/err" || {
		echo "bench: $key failed:" >&2; cat "$d/err" >&2; exit 1; }
	tail -n 1 "$d/t1" >>"$d/times.$key"
}
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
report() {
	f=$d/times.$1
	W=$(awk '{print $1}' "$f" | median)
	C=$(awk '{print $2+$3}' "$f" | median)
	M=$(awk '{print $4}' "$f" | median)
	printf '| %s | %s | %s | %s |\n' "$2" "$W" "$C" "$(awk -v m="$M" 'BEGIN { printf "%.1f", m / 1024 }')" | tee -a "$res"
}
# measure LABEL CMD...: $runs runs of CMD in a row, reported as above.
measure() {
	label=$1
	shift
	rm -f "$d/times.m"
	i=0
	while [ $i -lt "$runs" ]; do
		time1 m "$@"
		i=$((i + 1))
	done
	report m "$label"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3g", (b > 0 ? a / b : 0) }'; }

# The data: a realistic dump, gzip -6 of it (a foreign single-member file),
# and pgops' indexed multi-member gzip of it (level 6, 2 threads).
if [ ! -s "$d/dump.sql" ] || [ "$(cat "$d/dump.size" 2>/dev/null)" != "$size" ] ||
	[ "$PGOPS_TESTBIN/gendump" -nt "$d/dump.sql" ]; then
	echo "bench: generating $size of dump data" >&2
	"$PGOPS_TESTBIN/gendump" "$size" >"$d/dump.sql"
	echo "$size" >"$d/dump.size"
	rm -f "$d/dump.sql.gz" "$d/dump.pg.gz"
fi
[ -s "$d/dump.sql.gz" ] || gzip -6 -c "$d/dump.sql" >"$d/dump.sql.gz"
[ -s "$d/dump.pg.gz" ] || "$PGOPS_TESTBIN/gzwrite" -l 6 -j 2 <"$d/dump.sql" >"$d/dump.pg.gz"

if section gzverify; then
say "## gzverify ($(nproc) CPUs; $(($(wc -c <"$d/dump.sql") / 1048576)) MiB dump; medians of $runs runs)"
say ""
say "gzip -6 file: $(($(wc -c <"$d/dump.sql.gz") / 1048576)) MiB, one member; pgops indexed file: $(($(wc -c <"$d/dump.pg.gz") / 1048576)) MiB, $(( ($(wc -c <"$d/dump.sql") + 4194303) / 4194304 )) members"
say ""
say "| command | wall s | CPU s | peak RSS MiB |"
say "|---|---|---|---|"
measure "gzip -t (gzip -6 file)" gzip -t "$d/dump.sql.gz"; gz_f=$W
measure "pigz -t (gzip -6 file)" pigz -t "$d/dump.sql.gz"; pz_f=$W
measure "gzverify (gzip -6 file)" "$PGOPS_BIN/gzverify" "$d/dump.sql.gz"; us_f=$W
measure "gzip -t (pgops file)" gzip -t "$d/dump.pg.gz"; gz_o=$W
measure "pigz -t (pgops file)" pigz -t "$d/dump.pg.gz"; pz_o=$W
measure "gzverify -j2 (pgops file)" "$PGOPS_BIN/gzverify" -j2 "$d/dump.pg.gz"; us_o=$W
measure "gzverify -j1 (pgops file)" "$PGOPS_BIN/gzverify" -j1 "$d/dump.pg.gz"
say ""
say "| ratio (wall) | value | target |"
say "|---|---|---|"
say "| gzverify / pigz -t, gzip -6 file | $(ratio "$us_f" "$pz_f") | <= 1.0 |"
say "| gzverify / gzip -t, gzip -6 file | $(ratio "$us_f" "$gz_f") | |"
say "| gzverify -j2 / gzip -t, pgops file | $(ratio "$us_o" "$gz_o") | <= 0.25 |"
say "| gzverify -j2 / pigz -t, pgops file | $(ratio "$us_o" "$pz_o") | |"
fi

# The TLS tunnel under libpq: COPY TO STDOUT of a ~400 MB table through
# BearSSL and the relay thread, against libpq's own plain TCP, same server.
tunnel_bench() {
	PGOPS_BIN=$PGOPS_BIN PGOPS_TESTBIN=$PGOPS_TESTBIN PGOPS_TOP=$top . "$top/tests/support/lib.sh"
	. "$top/tests/support/pki.sh"
	pki_make "$T/pki"
	pg_init
	cp "$T/pki/server.crt" "$T/pki/server.key" "$PGDATA/"
	[ "$(id -u)" = 0 ] && chown postgres "$PGDATA/server.crt" "$PGDATA/server.key"
	printf "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nshared_buffers = 1GB\n" >>"$PGDATA/postgresql.conf"
	pg_run
	echo "bench: loading the COPY table" >&2
	pg_sql -c "create table copybench as select i, md5(i::text) as a, md5((-i)::text) as b,
		now() - i * interval '1 second' as t, repeat(chr(65 + i % 26), 80 + i % 40) as pad
		from generate_series(1, 2000000) i" -c "vacuum analyze copybench"
	size=$(pg_sql -At -c "select pg_size_pretty(pg_table_size('copybench'))")
	H="host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres"
	bytes=$("$PGOPS_TESTBIN/pgcopy" "$H sslmode=disable" "COPY copybench TO STDOUT")
	say ""
	say "## TLS tunnel for libpq ($((bytes / 1048576)) MiB of COPY output from a $size table; medians of $runs runs)"
	say ""
	say "| connection | wall s | CPU s | peak RSS MiB |"
	say "|---|---|---|---|"
	measure "libpq, plain TCP (sslmode=disable)" "$PGOPS_TESTBIN/pgcopy" "$H sslmode=disable" "COPY copybench TO STDOUT"
	plain=$W
	measure "BearSSL tunnel (sslmode=require)" "$PGOPS_TESTBIN/pgcopy" "$H sslmode=require" "COPY copybench TO STDOUT"
	tls=$W
	measure "BearSSL tunnel (sslmode=verify-full)" "$PGOPS_TESTBIN/pgcopy" "$H sslmode=verify-full sslrootcert=$T/pki/ca.crt" "COPY copybench TO STDOUT"
	say ""
	say "| ratio (wall) | value | target |"
	say "|---|---|---|"
	say "| TLS tunnel / plain TCP | $(ratio "$tls" "$plain") | < 1.15 |"
}
section tunnel && ( tunnel_bench )

# prune-backups: 1,000,000 names on its own, and side by side with restic
# forget --dry-run on 5,000 snapshots holding the same times. Creating the
# restic repository costs restic about half a CPU-second a snapshot (its key
# derivation), so it is made once and kept in build/bench.
prune_bench() {
	policy="--keep-last 3 --keep-hourly 24 --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 5"
	python3 - "$d" <<'PY'
import datetime, sys
d = sys.argv[1]
t0 = datetime.datetime(2017, 1, 1, 0, 0, 0)
with open(d + "/names-1m", "w") as f:
    for i in range(1000000):
        t = t0 + datetime.timedelta(minutes=5 * i)
        f.write("db/db-%s.sql.gz\t%d\t%s\n" % (t.strftime("%Y%m%dT%H%M%SZ"), 1000000 + i % 7, t.strftime("%Y-%m-%dT%H:%M:%SZ")))
with open(d + "/restic-times", "w") as f, open(d + "/names-5k", "w") as g:
    for i in range(5000):
        t = t0 + datetime.timedelta(hours=6 * i, minutes=i % 60)
        f.write(t.strftime("%Y-%m-%d %H:%M:%S") + "\n")
        g.write("db-%s.sql.gz\n" % t.strftime("%Y%m%dT%H%M%SZ"))
PY
	export TZ=UTC RESTIC_PASSWORD=pgops-bench RESTIC_REPOSITORY=$d/restic-repo RESTIC_CACHE_DIR=$d/restic-cache
	if [ ! -f "$d/restic-repo.done" ]; then
		echo "bench: making 5,000 restic snapshots (once; kept in build/bench)" >&2
		rm -rf "$RESTIC_REPOSITORY"
		restic init -q >/dev/null
		echo data >"$d/restic-file"
		xargs -P "$(nproc)" -I{} restic backup -q --host h --time "{}" "$d/restic-file" \
			<"$d/restic-times" >/dev/null
		touch "$d/restic-repo.done"
	fi
	say ""
	say "## prune-backups (policy: $policy; medians of $runs runs)"
	say ""
	say "| command | wall s | CPU s | peak RSS MiB |"
	say "|---|---|---|---|"
	measure "prune-backups, 1,000,000 s3ls lines" sh -c "$PGOPS_BIN/prune-backups $policy <$d/names-1m"
	measure "restic $(restic version | awk '{print $2}') forget --dry-run, 5,000 snapshots" \
		restic forget --dry-run --group-by '' $policy
	rf=$W
	# One run takes under the timer's 10 ms resolution: time 100 in a row.
	measure "prune-backups, the same 5,000 times as names, 100 runs in a row" \
		sh -c "for i in \$(seq 100); do $PGOPS_BIN/prune-backups $policy <$d/names-5k >/dev/null || exit 1; done"
	pb=$(awk -v w="$W" 'BEGIN { printf "%.4f", w / 100 }')
	say ""
	say "| ratio (wall) | value |"
	say "|---|---|"
	say "| prune-backups ($pb s a run) / restic forget --dry-run ($rf s), 5,000 | $(ratio "$pb" "$rf") |"
}
section prune && prune_bench

# healthprobe: one probe as HEALTHCHECK runs it, against curl for HTTP and
# pg_isready for PostgreSQL; 200 sequential probes, per-probe times.
healthprobe_bench() {
	PGOPS_BIN=$PGOPS_BIN PGOPS_TESTBIN=$PGOPS_TESTBIN PGOPS_TOP=$top . "$top/tests/support/lib.sh"
	https_start web
	pg_start
	n=200
	say ""
	say "## healthprobe ($n sequential probes each; medians of $runs runs; per probe = total / $n)"
	say ""
	say "| command | wall s ($n probes) | CPU s | peak RSS MiB |"
	say "|---|---|---|---|"
	measure "curl -fsS (http)" sh -c "for i in \$(seq $n); do curl -fsS -o /dev/null $web_URL/ok || exit 1; done"
	cu=$W
	measure "healthprobe (http)" sh -c "for i in \$(seq $n); do $PGOPS_BIN/healthprobe $web_URL/ok || exit 1; done"
	hh=$W
	measure "pg_isready (postgres)" sh -c "for i in \$(seq $n); do pg_isready -q -h 127.0.0.1 -p $PGPORT || exit 1; done"
	pr=$W
	measure "healthprobe --level ping (postgres)" sh -c "for i in \$(seq $n); do $PGOPS_BIN/healthprobe --level ping postgresql://postgres@127.0.0.1:$PGPORT/postgres || exit 1; done"
	hp=$W
	measure "healthprobe --level query (postgres)" sh -c "for i in \$(seq $n); do $PGOPS_BIN/healthprobe postgresql://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable || exit 1; done"
	say ""
	say "| ratio (wall) | value | target |"
	say "|---|---|---|"
	say "| healthprobe / curl, http | $(ratio "$hh" "$cu") | <= 0.33 |"
	say "| healthprobe ping / pg_isready | $(ratio "$hp" "$pr") | |"
}
section healthprobe && ( healthprobe_bench )

# The database both database benchmarks use: the generated dump loaded into
# a fresh server, with what an application adds to its tables (secondary
# indexes, foreign keys: tests/bench/app.sql), so that restores rebuild
# what real ones do.
load_bench_db() {
	PGOPS_BIN=$PGOPS_BIN PGOPS_TESTBIN=$PGOPS_TESTBIN PGOPS_TOP=$top . "$top/tests/support/lib.sh"
	pg_start
	echo "bench: loading the dump into PostgreSQL" >&2
	pg_sql -c "create database benchdb" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U postgres -d benchdb -f "$d/dump.sql" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U postgres -d benchdb -f "$top/tests/bench/app.sql" >/dev/null
	dbsize=$(pg_sql -At -c "select pg_size_pretty(pg_database_size('benchdb'))")
	CONN="host=$PGHOST port=$PGPORT user=postgres dbname=benchdb"
}

# pgdump-stream against pg_dump, plain and gzip, on the same database, in
# the same run, the commands taking turns round by round so that drift in
# the machine's state does not favour one; and -j2 (two sessions on one
# snapshot) against pg_dump's plain dump and its directory format with -j2.
# Five rounds: pg_dump -Z6 alone takes about 40 s a run here.
pgdump_bench() {
	load_bench_db
	runs=${BENCH_PGDUMP_RUNS:-5}
	say ""
	say "## pgdump-stream ($dbsize database from the generated dump with its indexes and foreign keys, $(nproc) CPUs, Unix socket; medians of $runs interleaved rounds)"
	say ""
	say "| command | wall s | CPU s (client) | peak RSS MiB |"
	say "|---|---|---|---|"
	rm -f "$d"/times.pgd-*
	i=0
	while [ $i -lt "$runs" ]; do
		time1 pgd-plain pg_dump -d "$CONN"
		time1 pgd-ours "$PGOPS_BIN/pgdump-stream" "$CONN"
		time1 pgd-ours-j2 "$PGOPS_BIN/pgdump-stream" -j2 "$CONN"
		rm -rf "$d/pgd.dir"
		time1 pgd-dir-j2 pg_dump -Fd -j2 -f "$d/pgd.dir" -d "$CONN"
		rm -rf "$d/pgd.dir"
		time1 pgd-z6 pg_dump -Z6 -d "$CONN"
		time1 pgd-ours-z6 "$PGOPS_BIN/pgdump-stream" -Z6 "$CONN"
		time1 pgd-ours-z1 "$PGOPS_BIN/pgdump-stream" -Z1 "$CONN"
		i=$((i + 1))
	done
	report pgd-plain "pg_dump (plain)"
	pw=$W
	report pgd-ours "pgdump-stream (plain, 1 session)"
	ow=$W om=$M
	report pgd-ours-j2 "pgdump-stream -j2 (plain, 2 sessions)"
	oj2w=$W oj2m=$M
	report pgd-dir-j2 "pg_dump -Fd -j2 (directory, uncompressed members are gzip -6)"
	dj2w=$W
	report pgd-z6 "pg_dump -Z6"
	pzw=$W
	report pgd-ours-z6 "pgdump-stream -Z6 ($(nproc) compression threads)"
	ozw=$W ozm=$M
	report pgd-ours-z1 "pgdump-stream -Z1 ($(nproc) compression threads)"
	o1w=$W
	psz=$(pg_dump -Z6 -d "$CONN" | wc -c)
	osz=$("$PGOPS_BIN/pgdump-stream" -Z6 "$CONN" | wc -c)
	o1sz=$("$PGOPS_BIN/pgdump-stream" -Z1 "$CONN" | wc -c)
	say ""
	say "Output: pg_dump -Z6 $psz bytes, pgdump-stream -Z6 $osz bytes, pgdump-stream -Z1 $o1sz bytes."
	say ""
	say "| ratio | value | target |"
	say "|---|---|---|"
	say "| plain wall, pgdump-stream / pg_dump | $(ratio "$ow" "$pw") | <= 1.0 |"
	say "| plain wall, pgdump-stream -j2 / pg_dump | $(ratio "$oj2w" "$pw") | <= 0.7 |"
	say "| plain wall, pgdump-stream -j2 / pgdump-stream | $(ratio "$oj2w" "$ow") | |"
	say "| wall, pgdump-stream -j2 / pg_dump -Fd -j2 | $(ratio "$oj2w" "$dj2w") | |"
	say "| -Z6 wall, pgdump-stream / pg_dump | $(ratio "$ozw" "$pzw") | <= 0.35 |"
	say "| -Z6 output, pgdump-stream / pg_dump | $(ratio "$osz" "$psz") | <= 1.05 |"
	say "| -Z1 wall, pgdump-stream / pg_dump -Z6 | $(ratio "$o1w" "$pzw") | |"
	say "| -Z1 output, pgdump-stream / pg_dump -Z6 | $(ratio "$o1sz" "$psz") | |"
	say "| peak RSS MiB, plain / -j2 / -Z6 | $(awk -v a="$om" -v b="$oj2m" -v c="$ozm" 'BEGIN { printf "%.1f / %.1f / %.1f", a / 1024, b / 1024, c / 1024 }') | <= 16 |"
}
section pgdump && ( pgdump_bench )

# Restores of that database into a fresh one of the same server, taking
# turns round by round: its pg_dump plain dump through psql -f, through
# pgrestore-stream on one session and with -j2, and its pg_dump custom
# dump through pg_restore -j2 (which parallelises only that format); then
# the same database's pgdump-stream dump through psql -f and -j2.
pgrestore_bench() {
	load_bench_db
	C="host=$PGHOST port=$PGPORT user=postgres"
	pg_dump -d "$CONN" -f "$d/app.sql"
	pg_dump -Fc -d "$CONN" -f "$d/app.dump"
	"$PGOPS_BIN/pgdump-stream" "$CONN" >"$d/app.ours.sql"
	fresh() { pg_sql -q -c "drop database if exists restored" -c "create database restored" >/dev/null 2>&1; }
	runs=${BENCH_PGRESTORE_RUNS:-3}
	say ""
	say "## pgrestore-stream ($(($(wc -c <"$d/app.sql") / 1048576)) MiB plain dump of the $dbsize database with its indexes and foreign keys into an empty database, $(nproc) CPUs, Unix socket; medians of $runs interleaved rounds)"
	say ""
	say "| command | wall s | CPU s (client) | peak RSS MiB |"
	say "|---|---|---|---|"
	rm -f "$d"/times.pgr-*
	i=0
	while [ $i -lt "$runs" ]; do
		fresh; time1 pgr-psql psql -X -q -v ON_ERROR_STOP=1 -d "$C dbname=restored" -f "$d/app.sql"
		fresh; time1 pgr-ours "$PGOPS_BIN/pgrestore-stream" "$C dbname=restored" "$d/app.sql"
		fresh; time1 pgr-ours-j2 "$PGOPS_BIN/pgrestore-stream" -j2 "$C dbname=restored" "$d/app.sql"
		fresh; time1 pgr-pgr-j2 pg_restore -j2 -d "$C dbname=restored" "$d/app.dump"
		fresh; time1 pgr-psql-ours psql -X -q -v ON_ERROR_STOP=1 -d "$C dbname=restored" -f "$d/app.ours.sql"
		fresh; time1 pgr-ours-j2-ours "$PGOPS_BIN/pgrestore-stream" -j2 "$C dbname=restored" "$d/app.ours.sql"
		i=$((i + 1))
	done
	report pgr-psql "psql -f (plain)"
	pw=$W
	report pgr-ours "pgrestore-stream (plain, 1 session)"
	ow=$W
	report pgr-ours-j2 "pgrestore-stream -j2 (plain, 2 sessions)"
	oj2w=$W oj2m=$M
	report pgr-pgr-j2 "pg_restore -j2 (custom format)"
	rj2w=$W
	report pgr-psql-ours "psql -f (pgdump-stream's plain dump: keys and indexes after each table's rows)"
	pow=$W
	report pgr-ours-j2-ours "pgrestore-stream -j2 (pgdump-stream's plain dump)"
	oj2ow=$W
	say ""
	say "| ratio | value | target |"
	say "|---|---|---|"
	say "| wall, pg_dump's dump: pgrestore-stream -j2 / psql -f | $(ratio "$oj2w" "$pw") | <= 0.65 |"
	say "| wall, pgrestore-stream -j2 / pg_restore -j2 | $(ratio "$oj2w" "$rj2w") | <= 1.0 |"
	say "| wall, pgdump-stream's dump: pgrestore-stream -j2 / psql -f | $(ratio "$oj2ow" "$pow") | <= 0.65 |"
	say "| wall, pgdump-stream's dump through pgrestore-stream -j2 / pg_restore -j2 | $(ratio "$oj2ow" "$rj2w") | <= 1.0 |"
	say "| wall, pgrestore-stream / psql -f | $(ratio "$ow" "$pw") | <= 1.0 |"
	say "| wall, pgrestore-stream -j2 / pgrestore-stream | $(ratio "$oj2w" "$ow") | |"
	say "| peak RSS MiB, -j2 | $(awk -v a="$oj2m" 'BEGIN { printf "%.1f", a / 1024 }') | |"
}
section pgrestore && ( pgrestore_bench )

# migrate-apply against sqitch (Debian's): the same 500 small migrations
# (one CREATE TABLE each) applied to a fresh database of one server, then
# the run that finds everything applied, which init containers pay on every
# pod start.
migrate_bench() {
	PGOPS_BIN=$PGOPS_BIN PGOPS_TESTBIN=$PGOPS_TESTBIN PGOPS_TOP=$top . "$top/tests/support/lib.sh"
	pg_start
	m=$d/migrations
	s=$d/sqitch
	rm -rf "$m" "$s"
	mkdir -p "$m" "$s/deploy" "$s/revert" "$s/verify"
	printf '[core]\n\tengine = pg\n' >"$s/sqitch.conf"
	printf '%%syntax-version=1.0.0\n%%project=bench\n\n' >"$s/sqitch.plan"
	i=1
	while [ $i -le 500 ]; do
		v=$(printf '%03d' $i)
		printf 'create table t%s (id bigint primary key, name text);\n' "$v" >"$m/${v}_t$v.sql"
		printf 'BEGIN;\ncreate table t%s (id bigint primary key, name text);\nCOMMIT;\n' "$v" >"$s/deploy/c$v.sql"
		printf 'drop table t%s;\n' "$v" >"$s/revert/c$v.sql"
		printf 'c%s 2026-11-30T00:00:00Z pgops <bench@pgops.invalid> # t%s\n' "$v" "$v" >>"$s/sqitch.plan"
		i=$((i + 1))
	done
	fresh() { pg_sql -q -c "drop database if exists $1" -c "create database $1" >/dev/null 2>&1; }
	runs=${BENCH_MIGRATE_RUNS:-3}
	say ""
	say "## migrate-apply (500 migrations of one CREATE TABLE each into a fresh database, then the run with nothing to do; $(nproc) CPUs, Unix socket; medians of $runs interleaved rounds)"
	say ""
	say "| command | wall s | CPU s (client) | peak RSS MiB |"
	say "|---|---|---|---|"
	rm -f "$d"/times.mig-*
	i=0
	while [ $i -lt "$runs" ]; do
		fresh mig_ours
		time1 mig-ours "$PGOPS_BIN/migrate-apply" -d "host=$PGHOST port=$PGPORT user=postgres dbname=mig_ours" "$m"
		fresh mig_sqitch
		time1 mig-sqitch sh -c "cd '$s' && PGHOST='$PGHOST' PGPORT='$PGPORT' PGUSER=postgres sqitch deploy db:pg:mig_sqitch"
		k=0
		while [ $k -lt 5 ]; do
			time1 mig-ours-noop "$PGOPS_BIN/migrate-apply" -d "host=$PGHOST port=$PGPORT user=postgres dbname=mig_ours" "$m"
			k=$((k + 1))
		done
		time1 mig-sqitch-noop sh -c "cd '$s' && PGHOST='$PGHOST' PGPORT='$PGPORT' PGUSER=postgres sqitch deploy db:pg:mig_sqitch"
		i=$((i + 1))
	done
	report mig-ours "migrate-apply, 500 pending"
	ow=$W
	report mig-sqitch "sqitch deploy, 500 pending"
	sw=$W
	report mig-ours-noop "migrate-apply, nothing pending"
	onw=$W
	report mig-sqitch-noop "sqitch deploy, nothing pending"
	snw=$W
	say ""
	say "| ratio | value | target |"
	say "|---|---|---|"
	say "| 500 migrations, migrate-apply / sqitch | $(ratio "$ow" "$sw") | |"
	say "| nothing pending, migrate-apply / sqitch | $(ratio "$onw" "$snw") | |"
	# /usr/bin/time counts in 10 ms steps: the no-op run's own time is
	# the mean of 50 runs in a row, in milliseconds.
	t0=$(date +%s%N)
	k=0
	while [ $k -lt 50 ]; do
		"$PGOPS_BIN/migrate-apply" -d "host=$PGHOST port=$PGPORT user=postgres dbname=mig_ours" "$m" 2>/dev/null
		k=$((k + 1))
	done
	t1=$(date +%s%N)
	say "| nothing pending, migrate-apply ms (mean of 50 runs) | $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 50 / 1e6 }') | < 20 |"
}
section migrate && ( migrate_bench )

# s3put against aws s3 cp and rclone rcat: the same 1 GB stream (the dump)
# from stdin to the same local signature-checking server, each tool with its
# defaults (s3put: 16 MiB parts, 4 at once). The server is node and writes
# every byte to disk, so wall times carry its cost too; CPU and RSS are the
# tools' own.
s3put_bench() {
	PGOPS_BIN=$PGOPS_BIN PGOPS_TESTBIN=$PGOPS_TESTBIN PGOPS_TOP=$top . "$top/tests/support/lib.sh"
	s3_start bkt
	unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE
	export AWS_EC2_METADATA_DISABLED=true
	export RCLONE_CONFIG=/dev/null RCLONE_S3_PROVIDER=Other RCLONE_S3_ACCESS_KEY_ID=S3RVER \
		RCLONE_S3_SECRET_ACCESS_KEY=S3RVER RCLONE_S3_ENDPOINT=$S3_ENDPOINT RCLONE_S3_FORCE_PATH_STYLE=true \
		RCLONE_S3_REGION=us-east-1
	r=${BENCH_S3_RUNS:-3}
	mb=$(($(wc -c <"$d/dump.sql") / 1048576))
	say ""
	say "## s3put ($mb MiB from stdin to the local S3 server; medians of $r runs)"
	say ""
	say "| command | wall s | CPU s | peak RSS MiB |"
	say "|---|---|---|---|"
	runs=$r
	measure "aws s3 cp - ($(aws --version 2>&1 | cut -d' ' -f1))" sh -c "aws --endpoint-url $S3_ENDPOINT s3 cp - s3://bkt/aws <'$d/dump.sql'"
	aw=$W awc=$C
	measure "rclone rcat ($(rclone version 2>/dev/null | head -n 1 | cut -d' ' -f2))" sh -c "rclone rcat :s3:bkt/rclone <'$d/dump.sql'"
	rw=$W rwc=$C
	measure "s3put" sh -c "$PGOPS_BIN/s3put --endpoint $S3_ENDPOINT s3://bkt/s3put <'$d/dump.sql'"
	sw=$W sc=$C sm=$M
	measure "s3put --verify-gzip (the gzip file)" sh -c "$PGOPS_BIN/s3put --endpoint $S3_ENDPOINT --verify-gzip s3://bkt/s3put.gz <'$d/dump.pg.gz'"
	best=$(awk -v a="$aw" -v b="$rw" 'BEGIN { print (a < b ? a : b) }')
	bestc=$(awk -v a="$awc" -v b="$rwc" 'BEGIN { print (a < b ? a : b) }')
	say ""
	say "| ratio | value | target |"
	say "|---|---|---|"
	say "| s3put wall / fastest of aws, rclone | $(ratio "$sw" "$best") | <= 1.0 |"
	say "| s3put CPU / least of aws, rclone | $(ratio "$sc" "$bestc") | <= 0.5 |"
	say "| s3put peak RSS MiB / bound 5 x 16 MiB + 1 | $(awk -v m="$sm" 'BEGIN { printf "%.1f / 81", m / 1024 }') | within |"
}
section s3put && ( s3put_bench )

# healthprobe's s3:// check of a BENCH_PROBE_SIZE (default 10 GiB) dump in
# the local S3 server, against what a user would otherwise do to know the
# newest dump is whole: read it all (s3cat | gzverify --require-trailer).
# The dump is random bytes (a gzip as large as the size) compressed by
# lib/gz's writer, with pgdump-stream's trailer, made anew each run (about
# 4 minutes for 10 GiB here). The logging proxy of the s3 tests counts the
# probe's requests.
s3probe_bench() {
	PGOPS_BIN=$PGOPS_BIN PGOPS_TESTBIN=$PGOPS_TESTBIN PGOPS_TOP=$top . "$top/tests/support/lib.sh"
	psize=${BENCH_PROBE_SIZE:-10G}
	mkdir -p "$d/s3probe"
	s3_start bkt
	unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE
	export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$S3_ENDPOINT"
	n=$(numfmt --from=iec "$psize")
	{ head -c $((n - 1)) /dev/urandom; echo; printf -- '-- pgdump-stream: dump complete (%s bytes before this line)\n' "$n"; } |
		"$PGOPS_TESTBIN/gzwrite" -l 1 -j 2 | "$PGOPS_BIN/s3put" --part-size 64MiB s3://bkt/app/app-20261203T020000Z.sql.gz >/dev/null
	obj=$("$PGOPS_BIN/s3ls" s3://bkt/app/ | cut -f2)
	proxy bench
	say ""
	say "## healthprobe s3:// on a $psize dump ($obj bytes; medians of $runs runs)"
	say ""
	say "| command | wall s | CPU s | peak RSS MiB |"
	say "|---|---|---|---|"
	measure "healthprobe -t 10s s3://bkt/app/" env AWS_ENDPOINT_URL="$PX" "$PGOPS_BIN/healthprobe" -t 10s s3://bkt/app/
	hw=$W
	reqs=$(($(wc -l <"$PXLOG") / runs))
	AWS_ENDPOINT_URL="$PX" "$PGOPS_BIN/healthprobe" -v -t 10s s3://bkt/app/ 2>"$d/s3probe/v"
	read=$(sed -n 's/.* \([0-9]*\) bytes read.*/\1/p' "$d/s3probe/v")
	runs_saved=$runs
	runs=1
	measure "s3cat piped to gzverify --require-trailer (the whole dump)" sh -c \
		"$PGOPS_BIN/s3cat s3://bkt/app/app-20261203T020000Z.sql.gz | $PGOPS_BIN/gzverify --require-trailer"
	runs=$runs_saved
	say ""
	say "| ratio | value | target |"
	say "|---|---|---|"
	say "| healthprobe wall / reading the whole dump | $(ratio "$hw" "$W") | |"
	say "| requests per probe | $reqs | 2 (a listing, one ranged GET) |"
	say "| bytes read per probe / object size | $read / $obj | the last member only |"
}
section s3probe && ( s3probe_bench )

# agecrypt: 1 GiB (incompressible, as a gzip dump is) encrypted and
# decrypted, file to /dev/null, beside age and what backup containers pipe
# through today: gpg --symmetric and openssl enc. Round by round.
agecrypt_bench() {
	a=$d/age
	mkdir -p "$a"
	[ -s "$a/in" ] || openssl enc -aes-128-ctr -nosalt -pass pass:pgops -pbkdf2 </dev/zero 2>/dev/null |
		head -c 1073741824 >"$a/in"
	[ -s "$a/id" ] || "$PGOPS_BIN/agecrypt" --keygen -o "$a/id" >/dev/null
	r=$("$PGOPS_BIN/agecrypt" -y "$a/id")
	gpgh=$a/gnupg
	mkdir -p "$gpgh" && chmod 700 "$gpgh"
	gpgo="--homedir $gpgh --batch --yes --quiet --pinentry-mode loopback --passphrase pgops"
	"$PGOPS_BIN/agecrypt" -r "$r" -o "$a/ours.age" "$a/in"
	age -r "$r" -o "$a/theirs.age" "$a/in"
	# shellcheck disable=SC2086
	gpg $gpgo --symmetric --cipher-algo AES256 -o "$a/in.gpg" "$a/in"
	openssl enc -aes-256-cbc -pbkdf2 -pass pass:pgops -in "$a/in" -out "$a/in.enc"
	rm -f "$d"/times.ae*
	i=0
	while [ $i -lt "$runs" ]; do
		time1 ae_us "$PGOPS_BIN/agecrypt" -r "$r" "$a/in"
		time1 ae_us1 "$PGOPS_BIN/agecrypt" -j1 -r "$r" "$a/in"
		time1 ae_age age -r "$r" "$a/in"
		# shellcheck disable=SC2086
		time1 ae_gpg gpg $gpgo --symmetric --cipher-algo AES256 -o - "$a/in"
		time1 ae_ossl openssl enc -aes-256-cbc -pbkdf2 -pass pass:pgops -in "$a/in"
		time1 ad_us "$PGOPS_BIN/agecrypt" -d -i "$a/id" "$a/ours.age"
		time1 ad_us1 "$PGOPS_BIN/agecrypt" -j1 -d -i "$a/id" "$a/ours.age"
		time1 ad_age age -d -i "$a/id" "$a/theirs.age"
		# shellcheck disable=SC2086
		time1 ad_gpg gpg $gpgo -d -o - "$a/in.gpg"
		time1 ad_ossl openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:pgops -in "$a/in.enc"
		i=$((i + 1))
	done
	say ""
	say "## agecrypt: 1 GiB encrypted and decrypted, file to /dev/null ($(nproc) CPUs; medians of $runs runs)"
	say ""
	say "| command | wall s | CPU s | peak RSS MiB |"
	say "|---|---|---|---|"
	report ae_us "agecrypt -r (encrypt, -j $(nproc))"; ue=$W; uec=$C
	report ae_us1 "agecrypt -j1 -r"
	report ae_age "age -r"; te=$W; tec=$C
	report ae_gpg "gpg --symmetric --cipher-algo AES256"; ge=$W
	report ae_ossl "openssl enc -aes-256-cbc -pbkdf2"; oe=$W
	report ad_us "agecrypt -d (decrypt, -j $(nproc))"; ud=$W; udc=$C
	report ad_us1 "agecrypt -j1 -d"
	report ad_age "age -d"; td=$W; tdc=$C
	report ad_gpg "gpg -d"; gd=$W
	report ad_ossl "openssl enc -d"; od=$W
	say ""
	say "| ratio | value | target |"
	say "|---|---|---|"
	say "| throughput agecrypt / age, encrypt (age wall / ours) | $(ratio "$te" "$ue") | >= 1.5 |"
	say "| throughput agecrypt / age, decrypt | $(ratio "$td" "$ud") | >= 1.5 |"
	say "| CPU per GiB agecrypt / age, encrypt | $(ratio "$uec" "$tec") | <= 1.0 |"
	say "| CPU per GiB agecrypt / age, decrypt | $(ratio "$udc" "$tdc") | <= 1.0 |"
	say "| wall agecrypt / gpg, encrypt, decrypt | $(ratio "$ue" "$ge"), $(ratio "$ud" "$gd") | |"
	say "| wall agecrypt / openssl enc, encrypt, decrypt | $(ratio "$ue" "$oe"), $(ratio "$ud" "$od") | |"
	rm -f "$a/ours.age" "$a/theirs.age" "$a/in.gpg" "$a/in.enc"
}
section agecrypt && ( agecrypt_bench )

say ""
say "## Binary sizes (stripped, static)"
say ""
say "| binary | bytes |"
say "|---|---|"
for b in "$PGOPS_BIN"/* "$PGOPS_TESTBIN/pgquery" "$PGOPS_TESTBIN/httpget"; do
	say "| $(basename "$b") | $(wc -c <"$b") |"
done
