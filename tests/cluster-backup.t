#!/bin/sh
# Whole-cluster backups with share/examples (issue 21): pg-backup.sh with
# BACKUP_DATABASES uploads the globals and each database (pgdump-stream -C)
# under one NAME-TIME/ with a "complete" list last; a run that fails takes
# back what it uploaded; pruning keeps or deletes whole runs; then
# restore-drill.sh drills the newest run into a scratch cluster (globals
# for real, each database in a scratch database), and a database of the
# run is restored for real there, rows and roles as in the source.
. "$(dirname "$0")/support/lib.sh"
plan 27
EX=$TOP/share/examples
pg_start || exit 1
s3_start bkt || exit 1
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI DATABASE_URL
export AWS_EC2_METADATA_DISABLED=true HOME=$T AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
ADMIN="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
pg_sql -f "$TOP/tests/pgdump/globals.sql" >/dev/null 2>"$T/load.err" || sed 's/^/#   /' "$T/load.err"
pg_sql -c 'create database app owner g_app' -c 'create database "Other db" owner "g Mixed Case"' >/dev/null
run migrate-apply -d "postgresql://postgres@127.0.0.1:$PGPORT/app" up "$EX/migrations"
pg_sql -d app -f "$EX/sample-data.sql" >/dev/null
pg_sql -d "Other db" -c 'create table notes (id int primary key, body text); insert into notes select g, md5(g::text) from generate_series(1, 500) g' >/dev/null

backup() { # TIME [PRUNE] [VAR=VALUE...]
	_t=$1 _p=0
	shift
	if [ $# -gt 0 ]; then _p=$1; shift; fi
	env BACKUP_TIME="$_t" BACKUP_PRUNE="$_p" DATABASE_URL="$ADMIN" BACKUP_S3_URL=s3://bkt/cl/ BACKUP_NAME=prod \
		BACKUP_DATABASES=all "$@" sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
	rc=$?
}
keys() { s3ls s3://bkt/cl/ | cut -f1; }

backup 20261120T010000Z
is "$rc" 0 "BACKUP_DATABASES=all: exit 0"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err"
is "$(keys | tr '\n' ' ')" "cl/prod-20261120T010000Z/app.sql.gz cl/prod-20261120T010000Z/complete cl/prod-20261120T010000Z/globals.sql.gz cl/prod-20261120T010000Z/postgres.sql.gz cl/prod-20261120T010000Z/x4f74686572206462.sql.gz " \
	"one run: the globals, each database (a name with a space as hex), the complete list"
is "$(s3cat s3://bkt/cl/prod-20261120T010000Z/complete | tr '\n' ' ')" \
	"cl/prod-20261120T010000Z/globals.sql.gz cl/prod-20261120T010000Z/x4f74686572206462.sql.gz cl/prod-20261120T010000Z/app.sql.gz cl/prod-20261120T010000Z/postgres.sql.gz " \
	"the complete list names every part"
s3cat s3://bkt/cl/prod-20261120T010000Z/globals.sql.gz | gzip -dc >"$T/globals.sql"
is "$(grep -c 'PASSWORD' "$T/globals.sql") $(grep -c '^-- pgdump-stream: dump complete' "$T/globals.sql")" "3 1" \
	"the globals: password hashes, the completion trailer"
s3cat s3://bkt/cl/prod-20261120T010000Z/x4f74686572206462.sql.gz | gzip -dc | grep -c "^CREATE DATABASE \"Other db\"" >"$T/n"
is "$(cat "$T/n")" 1 "each database's dump makes its database (-C)"
backup 20261121T010000Z 0 BACKUP_ROLE_PASSWORDS=0 BACKUP_DATABASES="app, postgres"
is "$rc $(s3cat s3://bkt/cl/prod-20261121T010000Z/globals.sql.gz | gzip -dc | grep -c PASSWORD)" "0 0" \
	"a list of databases; BACKUP_ROLE_PASSWORDS=0: no hashes"
is "$(keys | grep -c '^cl/prod-20261121T010000Z/')" 4 "that run: globals, 2 databases, the list"

# A run that fails partway takes back what it uploaded.
backup 20261122T010000Z 0 BACKUP_DATABASES="app nosuchdb postgres"
is "$rc" 78 "a database that does not exist: pgdump-stream's 78"
like "$T/err" "prod-20261122T010000Z/ failed; the objects it had uploaded are deleted" "saying so"
is "$(keys | grep -c '^cl/prod-20261122T010000Z/')" 0 "nothing of that run is left"
backup 20261122T010000Z 0 BACKUP_ROLE_PASSWORDS=maybe
is "$rc" 78 "BACKUP_ROLE_PASSWORDS other than 0 or 1: 78"
backup 20261122T010000Z 0 BACKUP_DATABASES=", "
is "$rc $(grep -c 'BACKUP_DATABASES names no database' "$T/err")" "78 1" "BACKUP_DATABASES naming no database: 78"
# A database name with a line break cannot be listed one a line: the job
# stops before uploading anything.
pg_sql -c 'create database "two
lines"' >/dev/null
backup 20261122T010000Z 0
is "$rc $(grep -c 'cannot list the databases' "$T/err") $(keys | grep -c '^cl/prod-20261122T010000Z/')" "65 1 0" \
	"a database name with a line break: pgdump-stream --list-databases' 65, nothing uploaded"
pg_sql -c 'drop database "two
lines"' >/dev/null

# Pruning counts runs: with one daily backup kept, the older runs go whole.
backup 20261123T010000Z 1 KEEP_DAILY=2 KEEP_WEEKLY=0 KEEP_MONTHLY=0
is "$rc" 0 "a run with pruning: exit 0"
is "$(keys | sed 's|/[^/]*$||' | sort -u | tr '\n' ' ')" "cl/prod-20261121T010000Z cl/prod-20261123T010000Z " \
	"the two newest runs kept, the oldest deleted"
is "$(keys | grep -c '^cl/prod-20261120T010000Z/')" 0 "every object of the pruned run is gone"

# A tablespace left out (BACKUP_TABLESPACES=0): the drill's scratch
# cluster has no directory for it, and its tables restore into the default.
mkdir -p "$T/ts" && chown postgres "$T/ts"
pg_sql -c "create tablespace fast location '$T/ts'" -c "alter database \"Other db\" set tablespace fast" >/dev/null
backup 20261124T010000Z 0 BACKUP_TABLESPACES=0
is "$rc" 0 "BACKUP_TABLESPACES=0: exit 0"
is "$(s3cat s3://bkt/cl/prod-20261124T010000Z/globals.sql.gz | gzip -dc | grep -c 'TABLESPACE') $(s3cat s3://bkt/cl/prod-20261124T010000Z/x4f74686572206462.sql.gz | gzip -dc | grep -c 'TABLESPACE')" \
	"0 0" "no tablespace in the globals, none in the database's CREATE"
backup 20261125T010000Z 0 BACKUP_TABLESPACES=no
is "$rc" 78 "BACKUP_TABLESPACES other than 0 or 1: 78"

# The drill: the newest run into a scratch cluster.
pgv_start 15 scratch || exit 1
SCRATCH="postgresql://postgres@127.0.0.1:$PGV_PORT/postgres"
drill() {
	env DRILL_DATABASE_URL="$SCRATCH" BACKUP_S3_URL=s3://bkt/cl/ BACKUP_NAME=prod BACKUP_DATABASES=all "$@" \
		sh "$EX/restore-drill.sh" >"$T/out" 2>"$T/err"
	rc=$?
}
drill
is "$rc" 78 "a whole-run drill without DRILL_SCRATCH_CLUSTER=yes: 78"
drill DRILL_SCRATCH_CLUSTER=yes BACKUP_NAME=nothing
is "$rc" 66 "no complete run under the name: 66"
like "$T/err" "no complete run named nothing-\*/ under s3://bkt/cl/" "saying so"
drill DRILL_SCRATCH_CLUSTER=yes
is "$rc" 0 "the newest run drills in the scratch cluster"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | tail -n 8
like "$T/err" "restore-drill: s3://bkt/cl/prod-20261124T010000Z/: every part restores and matches" "every part"
like "$T/err" "drill: all 9 tables match the dump" "the application's 9 tables matched"
is "$(psql -X -h 127.0.0.1 -p "$PGV_PORT" -U postgres -d postgres -Atc "select count(*) from pg_roles where rolname ~ '^g_'") $(psql -X -h 127.0.0.1 -p "$PGV_PORT" -U postgres -d postgres -Atc "select count(*) from pg_database where datname ~ '^pgrestore_drill'")" \
	"11 0" "the roles are in the scratch cluster, no scratch database is left"
# And for real: the application's database restored there from the run.
s3cat s3://bkt/cl/prod-20261124T010000Z/app.sql.gz | pgrestore-stream "$SCRATCH" >/dev/null 2>"$T/err"
rc=$?
a=$(psql -X -h 127.0.0.1 -p "$PGV_PORT" -U postgres -d app -Atc "select pg_get_userbyid(datdba) from pg_database where datname = 'app'; select count(*) from plays" 2>&1 | tr '\n' ' ')
is "$rc $a" "0 g_app 40000 " "the app database restored into the scratch cluster: its owner, its rows"
done_testing
