#!/bin/sh
# Encrypted backups end to end with the real servers: pgdump-stream into
# s3put --recipient (the gzip stream and the dump's trailer are checked in
# the plaintext, then encrypted), read back and restored through agecrypt;
# and the invariant that matters: a dump cut short, a pgdump-stream that
# fails mid-COPY and a corrupt gzip stream each leave nothing under the
# key. Then pg-backup.sh and restore-drill.sh with a recipients file on the
# backup side and the identity on the drill side only.
. "$(dirname "$0")/support/lib.sh"
plan 35
EX=$TOP/share/examples
pg_start
s3_start bkt
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI DATABASE_URL
export AWS_EC2_METADATA_DISABLED=true HOME=$T AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
C="host=127.0.0.1 port=$PGPORT user=postgres"
pg_sql -c 'CREATE DATABASE app'
pg_sql -d app -c "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) || repeat(chr(65 + g % 26), g % 50) FROM generate_series(1, 400000) g" >/dev/null
R=$(agecrypt --keygen -o "$T/id")
printf '%s\n' "$R" >"$T/recipients"
absent() { s3ls "s3://bkt/$1" | grep -c . | tr -d ' '; }

# A complete dump: published encrypted, multipart; it decrypts with age and
# with agecrypt, and restores.
pgdump-stream -Z6 "$C dbname=app" | s3put --part-size 5MiB --verify-gzip --require-trailer \
	--recipients-file "$T/recipients" s3://bkt/db/app.sql.gz.age >"$T/out" 2>"$T/err"
is "$?" 0 "pgdump-stream | s3put --verify-gzip --require-trailer --recipients-file: exit 0"
size=$(cut -d' ' -f2 "$T/out")
ok $([ "$size" -gt $((5 * 1048576)) ] && echo 0 || echo 1) "the object ($size bytes) went up in parts"
s3cat s3://bkt/db/app.sql.gz.age 2>/dev/null | head -c 22 >"$T/head"
like "$T/head" '^age-encryption.org/v1$' "the object is an age file"
s3cat s3://bkt/db/app.sql.gz.age | age -d -i "$T/id" | gzverify --require-trailer >/dev/null 2>&1
is "$?" 0 "Debian's age decrypts it to a complete dump with its trailer"
pg_sql -c 'CREATE DATABASE app2'
s3cat s3://bkt/db/app.sql.gz.age | agecrypt -d -i "$T/id" | pgrestore-stream "$C dbname=app2" >/dev/null 2>"$T/err"
is "$?" 0 "s3cat | agecrypt -d | pgrestore-stream restores it"
is "$(pg_sql -d app2 -Atc 'SELECT count(*), sum(length(v)) FROM t')" "$(pg_sql -d app -Atc 'SELECT count(*), sum(length(v)) FROM t')" \
	"the restored table holds the same rows"
s3cat s3://bkt/db/app.sql.gz.age >"$T/enc"
run pgrestore-stream --drill "$C dbname=postgres" "$T/enc"
is "$rc" 65 "pgrestore-stream given the encrypted file: 65"
like "$T/err" 'encrypted with age; decrypt with agecrypt -d' "and says how to read it"
agecrypt -a -r "$R" "$T/head" >"$T/head.asc"
run pgrestore-stream --drill "$C dbname=postgres" "$T/head.asc"
is "$rc" 65 "armored too: 65"

# Nothing published: a dump cut short ...
pgdump-stream -Z6 "$C dbname=app" >"$T/dump.gz"
head -c 3000000 "$T/dump.gz" | s3put --part-size 5MiB --verify-gzip --require-trailer --recipient "$R" \
	s3://bkt/db/cut.sql.gz.age >"$T/out" 2>"$T/err"
is "$?:$(absent db/cut)" "1:0" "a dump cut short: s3put 1, nothing under the key"
like "$T/err" 'not a valid gzip stream.*truncated.*nothing uploaded|not a valid gzip stream' "s3put says why"
dsize=$(stat -c %s "$T/dump.gz")
head -c $((dsize - 100000)) "$T/dump.gz" | s3put --part-size 5MiB --verify-gzip --require-trailer --recipient "$R" \
	s3://bkt/db/cut2.sql.gz.age >"$T/out" 2>"$T/err"
is "$?:$(absent db/cut2)" "1:0" "cut after its first 5 MiB part was sent: s3put 1, the upload aborted, nothing under the key"
# ... a corrupt gzip stream ...
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x55; open(sys.argv[2], "wb").write(b)' \
	"$T/dump.gz" "$T/bad.gz"
s3put --part-size 5MiB --verify-gzip --require-trailer --recipient "$R" s3://bkt/db/bad.sql.gz.age <"$T/bad.gz" >"$T/out" 2>"$T/err"
is "$?:$(absent db/bad)" "1:0" "a corrupt gzip stream: s3put 1, nothing under the key"
# ... a dump without its trailer (gzip complete, the dump not) ...
gzip -dc "$T/dump.gz" | head -c 20000000 | gzip -1 | s3put --verify-gzip --require-trailer --recipient "$R" \
	s3://bkt/db/notrailer.sql.gz.age >"$T/out" 2>"$T/err"
is "$?:$(absent db/notrailer)" "1:0" "valid gzip of a dump cut short: s3put 1, nothing under the key"
like "$T/err" "does not end with pgdump-stream's completion trailer" "s3put says the trailer is missing"
# ... and a pgdump-stream whose session is ended mid-COPY.
exec 5>"$T/status"
{ pgdump-stream -Z1 "$C dbname=app application_name=dumpme"; echo "dump $?" >&5; } |
	{ s3put --part-size 5MiB --verify-gzip --require-trailer --recipient "$R" s3://bkt/db/killed.sql.gz.age >"$T/out" 2>"$T/err"; echo "put $?" >&5; } &
pipeline=$!
# Ended the moment it is seen in its COPY, in the same query.
i=0
until [ "$(pg_sql -Atc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dumpme' AND query LIKE 'COPY%'")" = t ] || [ $i -ge 400 ]; do
	sleep 0.02
	i=$((i + 1))
done
wait "$pipeline"
exec 5>&-
dump=$(sed -n 's/^dump //p' "$T/status")
put=$(sed -n 's/^put //p' "$T/status")
ok $([ "$dump" != 0 ] && echo 0 || echo 1) "pgdump-stream whose session was terminated mid-COPY fails ($dump)"
is "$put:$(absent db/killed)" "1:0" "s3put refuses its stream: 1, nothing under the key"
# An encrypted stream cannot be checked afterwards: s3put says so.
agecrypt -r "$R" "$T/dump.gz" | s3put --verify-gzip s3://bkt/db/pre.sql.gz.age >"$T/out" 2>"$T/err"
is "$?:$(absent db/pre)" "1:0" "an already encrypted stream to --verify-gzip: 1, nothing published"
like "$T/err" 'input is encrypted with age, so it cannot be checked as gzip' "and says where the check belongs"

# Recipients s3put cannot use: before anything is read.
run s3put --recipients-file "$T/no-such" s3://bkt/db/x.age "$T/head"
is "$rc:$(absent db/x)" "66:0" "s3put --recipients-file that is not there: 66, nothing stored"
like "$T/err" "recipients file $T/no-such: No such file or directory" "and names it"
run s3put --recipient age1notarecipient s3://bkt/db/x.age "$T/head"
is "$rc" 64 "s3put --recipient that is not one: 64"
like "$T/err" 'is not an age X25519 recipient' "and says so"

# The example scripts: the backup host holds only the recipient.
backup() {
	BACKUP_TIME=$1 DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/app" BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app \
		BACKUP_AGE_RECIPIENTS_FILE="$T/recipients" sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
	rc=$?
}
BACKUP_TIME=20261201T011500Z DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/app" BACKUP_S3_URL=s3://bkt/app/ \
	BACKUP_NAME=app BACKUP_AGE_RECIPIENTS_FILE="$T/no-such" sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
is "$?:$(absent app/)" "78:0" "pg-backup.sh with a BACKUP_AGE_RECIPIENTS_FILE it cannot read: 78, nothing uploaded"
like "$T/err" "BACKUP_AGE_RECIPIENTS_FILE $T/no-such cannot be read" "and says so"
backup 20261201T021500Z
is "$rc" 0 "pg-backup.sh with BACKUP_AGE_RECIPIENTS_FILE: exit 0"
is "$(s3ls s3://bkt/app/ | cut -f1)" "app/app-20261201T021500Z.sql.gz.age" "the backup is named .sql.gz.age"
run env BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" \
	sh "$EX/restore-drill.sh"
is "$rc" 78 "restore-drill.sh without the identity: 78"
like "$T/err" 'is encrypted with age: set DRILL_AGE_IDENTITY_FILE' "and says what to set"
run env BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" \
	DRILL_AGE_IDENTITY_FILE="$T/id" sh "$EX/restore-drill.sh"
is "$rc" 0 "restore-drill.sh with DRILL_AGE_IDENTITY_FILE decrypts, restores and matches"
like "$T/err" 'app-20261201T021500Z.sql.gz.age restores and matches' "it drilled the encrypted backup"
agecrypt --keygen -o "$T/other" >/dev/null
run env BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" \
	DRILL_AGE_IDENTITY_FILE="$T/other" sh "$EX/restore-drill.sh"
is "$rc" 77 "with another identity: agecrypt's 77"
# The whole-cluster run: every part encrypted, the drill decrypts each.
BACKUP_TIME=20261202T021500Z DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" BACKUP_S3_URL=s3://bkt/cl/ \
	BACKUP_NAME=cl BACKUP_DATABASES="app" BACKUP_AGE_RECIPIENTS_FILE="$T/recipients" sh "$EX/pg-backup.sh" >"$T/out" 2>"$T/err"
is "$?" 0 "pg-backup.sh whole-cluster run, encrypted: exit 0"
is "$(s3ls s3://bkt/cl/ | cut -f1 | tr '\n' ' ')" "cl/cl-20261202T021500Z/app.sql.gz.age cl/cl-20261202T021500Z/complete cl/cl-20261202T021500Z/globals.sql.gz.age " \
	"its parts are .sql.gz.age"
run env BACKUP_S3_URL=s3://bkt/cl/ BACKUP_NAME=cl BACKUP_DATABASES=app DRILL_SCRATCH_CLUSTER=yes \
	DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" DRILL_AGE_IDENTITY_FILE="$T/id" sh "$EX/restore-drill.sh"
is "$rc" 0 "restore-drill.sh drills the encrypted run"
done_testing
