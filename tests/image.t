#!/bin/sh
# The FROM scratch image without a docker engine: the root that
# share/examples/Dockerfile builds is laid out by the same script into a
# directory, and the backup job and the restore drill run inside it with
# chroot as the image's user (nobody), against the loopback servers, with an
# empty environment apart from the job's settings. That no file outside the
# tree is needed (no libc, no /etc, no CA bundle) is what this proves.
. "$(dirname "$0")/support/lib.sh"
. "$TOP/tests/support/pki.sh"
ntests=22
plan $ntests
EX=$TOP/share/examples
# The image holds static binaries; the sanitizer build's are dynamic.
why=
[ "$(id -u)" = 0 ] || why="chroot needs root"
[ "${PGOPS_SANITIZE:-0}" = 1 ] && why="the sanitizer build is dynamic: it cannot run in the image"
if [ -n "$why" ]; then
	for i in $(seq "$ntests"); do skip "$why"; done
	exit 0
fi

# The Dockerfile's last stage is FROM scratch holding only what the script
# lays out, and its root stage runs that script.
grep -c '^FROM ' "$EX/Dockerfile" >"$T/n"
is "$(cat "$T/n")" 2 "Dockerfile: two stages"
is "$(grep '^FROM ' "$EX/Dockerfile" | tail -n 1)" "FROM scratch" "the image is FROM scratch"
is "$(sed -n '/^FROM scratch/,$p' "$EX/Dockerfile" | grep -E '^(COPY|ADD|RUN)')" "COPY --from=root /image/ /" \
	"and holds the laid-out root only"
grep -q '^RUN sh /src/share/image-root.sh /image /src/bin /bin/busybox$' "$EX/Dockerfile"
ok $? "the root stage runs image-root.sh"

R=$T/root
sh "$EX/image-root.sh" "$R" "$PGOPS_BIN" /bin/busybox
ok $? "image-root.sh lays out the root"
(cd "$R" && find . ! -type d | sort) >"$T/tree"
is "$(tr '\n' ' ' <"$T/tree")" "./bin/agecrypt ./bin/busybox ./bin/date ./bin/gzverify ./bin/healthprobe ./bin/migrate-apply ./bin/od ./bin/pgdump-stream ./bin/pgrestore-stream ./bin/prune-backups ./bin/s3cat ./bin/s3ls ./bin/s3put ./bin/s3rm ./bin/sh ./bin/sort ./bin/tail ./bin/tr ./usr/share/pgops/pg-backup.sh ./usr/share/pgops/pgops-lib.sh ./usr/share/pgops/restore-drill.sh " \
	"the root holds the programs, busybox and the scripts, nothing else"
dyn=$(for f in "$R"/bin/*; do [ -L "$f" ] && continue; file -b "$f" | grep -q 'statically linked' || echo "${f##*/}"; done)
is "$dyn" "" "every executable is statically linked"

# The servers: PostgreSQL on loopback TCP, the S3 server over HTTPS with the
# test CA, mounted into the root the way a Kubernetes Secret would be.
pg_start
pg_sql -c 'CREATE DATABASE app'
pg_sql -d app -c "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 5000) g" >/dev/null
pki_make "$T/pki"
s3tls_start "$T/pki/server.key" "$T/pki/server.crt" bkt
S3E=$S3TLS_ENDPOINT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
mkdir -p "$R/run/secrets"
cp "$T/pki/ca.crt" "$R/run/secrets/s3-ca.crt"

# in_image VAR=VALUE... -- COMMAND: as the container runs it.
in_image() {
	env -i PATH=/bin "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
CHROOT="$(command -v chroot) --userspec=65534:65534 $R"
JOB="DATABASE_URL=postgresql://postgres@127.0.0.1:$PGPORT/app BACKUP_S3_URL=s3://bkt/app/ BACKUP_NAME=app
AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_ENDPOINT_URL_S3=$S3E"

# shellcheck disable=SC2086
in_image $JOB AWS_CA_BUNDLE=/run/secrets/s3-ca.crt BACKUP_TIME=20261130T021500Z $CHROOT /bin/sh /usr/share/pgops/pg-backup.sh
is "$rc" 0 "pg-backup.sh runs in the image: exit 0"
like "$T/out" '^s3://bkt/app/app-20261130T021500Z\.sql\.gz [0-9]+ [0-9a-f]{64} ' "and uploads over https"
s3ls --endpoint "$S3E" --cacert "$T/pki/ca.crt" s3://bkt/app/ >"$T/ls" 2>&1
like "$T/ls" '^app/app-20261130T021500Z\.sql\.gz	' "the backup is in the bucket"
# shellcheck disable=SC2086
in_image $JOB AWS_CA_BUNDLE=/run/secrets/s3-ca.crt DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" \
	$CHROOT /bin/sh /usr/share/pgops/restore-drill.sh
is "$rc" 0 "restore-drill.sh runs in the image: the backup restores and matches"
like "$T/err" 'restored [0-9]+ statements and 5000 rows of 1 tables' "the drill restored the table"
like "$T/err" 'drill: all 1 tables match the dump' "and its rows and checksum match the dump's"

# No CA bundle in the image: the programs carry one.
# shellcheck disable=SC2086
in_image $CHROOT /bin/healthprobe -v --timeout 5s "$S3E/"
is "$rc" 1 "healthprobe in the image: a server signed by the test CA fails"
like "$T/err" 'trust anchors: the bundle built into this binary \([0-9]+ certificates\)' "verified against the built-in bundle"
# shellcheck disable=SC2086
in_image $JOB BACKUP_TIME=20261130T031500Z $CHROOT /bin/sh /usr/share/pgops/pg-backup.sh
is "$rc" 69 "without the mounted CA the upload is refused: 69"
like "$T/err" 's3put: .*(certificate|unknown|not trusted|issuer)' "the certificate is why"
s3ls --endpoint "$S3E" --cacert "$T/pki/ca.crt" s3://bkt/app/ | grep -c 031500Z >"$T/n"
is "$(cat "$T/n")" 0 "and nothing was published"

# A monitored run: healthprobe job around the script, inside the image.
https_start mon
# shellcheck disable=SC2086
in_image $JOB AWS_CA_BUNDLE=/run/secrets/s3-ca.crt BACKUP_TIME=20261130T041500Z \
	$CHROOT /bin/healthprobe job --ping "$mon_URL/record/hc" -- /bin/sh /usr/share/pgops/pg-backup.sh
is "$(grep -c '"url":"/record/hc/' "$T/mon.port.requests") $rc" "2 0" "healthprobe job in the image: start and /0 reported, exit 0"

# Encrypted: the backup run sees only the recipient, the drill the identity,
# both mounted as Secrets (the identity readable by the job's user alone).
agecrypt --keygen -o "$T/identity" >"$R/run/secrets/recipients.txt"
cp "$T/identity" "$R/run/secrets/identity.txt"
chown 65534 "$R/run/secrets/identity.txt"
# shellcheck disable=SC2086
in_image $JOB AWS_CA_BUNDLE=/run/secrets/s3-ca.crt BACKUP_TIME=20261130T061500Z \
	BACKUP_AGE_RECIPIENTS_FILE=/run/secrets/recipients.txt $CHROOT /bin/sh /usr/share/pgops/pg-backup.sh
is "$rc" 0 "pg-backup.sh with BACKUP_AGE_RECIPIENTS_FILE runs in the image"
like "$T/out" '^s3://bkt/app/app-20261130T061500Z\.sql\.gz\.age [0-9]+ ' "and uploads the backup encrypted"
# shellcheck disable=SC2086
in_image $JOB AWS_CA_BUNDLE=/run/secrets/s3-ca.crt DRILL_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" \
	DRILL_AGE_IDENTITY_FILE=/run/secrets/identity.txt $CHROOT /bin/sh /usr/share/pgops/restore-drill.sh
is "$rc:$(grep -c 'app-20261130T061500Z.sql.gz.age restores and matches' "$T/err")" "0:1" \
	"restore-drill.sh in the image decrypts the newest backup with the identity, restores and matches"
done_testing
