#!/bin/sh
# What s3rver does not enforce, against Ceph's RADOS Gateway on a one-node
# cluster on loopback: S3 Object Lock and SSE-C.
#
# Object Lock: s3put locks
# what it uploads (single PUT and multipart) and refuses a bucket without
# Object Lock before reading anything; s3ls --lock reports each object's
# lock; prune-backups never plans a locked object; s3rm keeps and reports
# locked keys, deletes the others by version (no delete marker left), and
# with --bypass-governance deletes GOVERNANCE-locked ones but never
# COMPLIANCE or legal holds. botocore reads back what the store recorded.
#
# pg-backup.sh with BACKUP_LOCK_MODE keeps what the policy would prune.
#
# SSE-C: s3put stores with the customer's key (single PUT and multipart),
# s3cat reads back with it; botocore reads the same bytes with the key and
# is refused without it, and so is s3cat with another key.
. "$(dirname "$0")/support/lib.sh"
plan 85
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_SESSION_TOKEN AWS_CA_BUNDLE \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
export AWS_EC2_METADATA_DISABLED=true HOME=$T
rgw_start || { echo "Bail out! the RADOS Gateway did not start"; exit 1; }
E="--endpoint $RGW_ENDPOINT"
boto() { python3 "$TOP/tests/s3/botoctl.py" "$RGW_ENDPOINT" "$@"; }
boto mkbucket locked lock
boto mkbucket plain
versions() { boto versions "$1" | grep -c "$2\$"; }

# --- s3put ---------------------------------------------------------------
echo "a small backup" >"$T/small"
head -c 12000000 /dev/urandom >"$T/big"
before=$(date +%s)
run s3put $E --json --lock-mode GOVERNANCE --lock-for 2h s3://locked/db/db-20261201T020000Z.sql.gz "$T/small"
after=$(date +%s)
is "$rc" 0 "single PUT with --lock-mode GOVERNANCE --lock-for 2h: exit 0"
until=$(sed -n 's/.*"retain_until":"\([^"]*\)".*/\1/p' "$T/out")
is "$(boto lock locked db/db-20261201T020000Z.sql.gz)" "GOVERNANCE $until OFF" \
	"the store holds GOVERNANCE until the retain_until s3put printed"
u=$(date -u -d "$until" +%s)
ok $([ "$u" -ge $((before + 7200 - 1)) ] && [ "$u" -le $((after + 7200 + 1)) ]; echo $?) \
	"which is 2 h after the upload started ($until)"

run s3put $E --part-size 5MiB --lock-mode COMPLIANCE --lock-until 2099-01-31T00:00:00Z --legal-hold \
	s3://locked/db/db-20261202T020000Z.sql.gz "$T/big"
is "$rc" 0 "multipart upload with COMPLIANCE --lock-until and --legal-hold: exit 0"
is "$(boto lock locked db/db-20261202T020000Z.sql.gz)" "COMPLIANCE 2099-01-31T00:00:00Z ON" \
	"retain-until on the object equals the requested time, legal hold on (this RGW ignores a multipart upload's lock headers; s3put set them after)"
is "$(s3cat $E s3://locked/db/db-20261202T020000Z.sql.gz | cmp - "$T/big" && echo same)" same "byte-identical"

run s3put $E --lock-mode GOVERNANCE --lock-for 1d s3://plain/x "$T/small"
is "$rc" 78 "a bucket without Object Lock, single PUT: exit 78"
like "$T/err" "bucket plain has no Object Lock configuration.*nothing was read or stored" "saying why"
run s3put $E --part-size 5MiB --legal-hold s3://plain/y "$T/big"
is "$rc" 78 "the same for a multipart upload with --legal-hold: 78"
is "$(s3ls $E s3://plain/ | wc -l)" 0 "and nothing is stored (this RGW would have stored it unlocked)"

run s3put $E --lock-mode GOVERNANCE s3://locked/z "$T/small"
is "$rc" 64 "--lock-mode without --lock-for or --lock-until: 64"
run s3put $E --lock-mode GOVERNANCE --lock-until 2020-01-01T00:00:00Z s3://locked/z "$T/small"
is "$rc" 64 "--lock-until in the past: 64"
run s3put --endpoint "http://127.0.0.1:$(free_port)" --lock-mode GOVERNANCE --lock-for 1d s3://locked/z "$T/small"
is "$rc" 69 "--lock-mode with the store down: 69 at the bucket's configuration"
like "$T/err" "read the Object Lock configuration of bucket locked: .*refused" "saying so"
run s3put $E --lock-mode FOREVER --lock-for 1d s3://locked/z "$T/small"
is "$rc" 64 "an unknown --lock-mode: 64"
run s3put $E --lock-for 1d s3://locked/z "$T/small"
is "$rc" 64 "--lock-for without --lock-mode: 64"

# The rest of the history: an unlocked backup, one whose retention has
# passed, one under a legal hold only, and the newest, locked for a day.
run s3put $E s3://locked/db/db-20261125T020000Z.sql.gz "$T/small"
is "$rc" 0 "an unlocked upload into the same bucket"
run s3put $E --lock-mode GOVERNANCE --lock-for 1s s3://locked/db/db-20261126T020000Z.sql.gz "$T/small"
is "$rc" 0 "one locked for 1 s"
run s3put $E --legal-hold s3://locked/db/db-20261127T020000Z.sql.gz "$T/small"
is "$rc" 0 "one under a legal hold alone"
run s3put $E --lock-mode GOVERNANCE --lock-for 1d s3://locked/db/db-20261203T020000Z.sql.gz "$T/small"
is "$rc" 0 "the newest, GOVERNANCE for a day"
sleep 2

# --- s3ls --lock ------------------------------------------------------------
run s3ls $E --lock s3://locked/db/
is "$rc" 0 "s3ls --lock: exit 0"
is "$(cut -f1,5-7 "$T/out" | sed -n 5p)" "db/db-20261202T020000Z.sql.gz	COMPLIANCE	2099-01-31T00:00:00Z	ON" \
	"a line: key, then mode, retain-until, legal hold"
is "$(cut -f1,5-7 "$T/out" | sed -n 1p)" "db/db-20261125T020000Z.sql.gz	-	-	OFF" "an unlocked object: - - OFF"
is "$(s3ls $E --lock --lock-concurrency 1 s3://locked/db/)" "$(cat "$T/out")" "the same with one HEAD at a time"
is "$(s3ls $E s3://locked/db/ | awk -F'\t' '{print NF}' | sort -u)" 4 "without --lock: the four fields as before"
cp "$T/out" "$T/listing"

# --- prune-backups ------------------------------------------------------------
run prune-backups --keep-last 1 --explain <"$T/listing"
is "$rc" 0 "prune-backups --keep-last 1 over the locked listing: exit 0"
is "$(cat "$T/out")" "db/db-20261125T020000Z.sql.gz
db/db-20261126T020000Z.sql.gz" "plans only the unlocked one and the one whose retention has passed"
like "$T/err" "KEEP .*db-20261201T020000Z.sql.gz +locked\(GOVERNANCE until $until\)" "--explain: a GOVERNANCE lock is the reason shown"
like "$T/err" "KEEP .*db-20261202T020000Z.sql.gz +locked\(COMPLIANCE until 2099-01-31T00:00:00Z\),legal-hold" "COMPLIANCE and the legal hold"
like "$T/err" "KEEP .*db-20261127T020000Z.sql.gz +legal-hold" "a legal hold alone"
run prune-backups --keep-last 1 --json <"$T/listing"
like "$T/out" '"name":"db/db-20261202T020000Z.sql.gz","action":"keep",[^}]*"reasons":\["locked\(COMPLIANCE until 2099-01-31T00:00:00Z\)","legal-hold"\]' "--json gives the reasons too"
printf 'db/x\t1\t2026-12-01T00:00:00Z\tetag\tGOVERNANCE\tsoon\tOFF\n' >"$T/bad"
run prune-backups --keep-last 1 <"$T/bad"
is "$rc" 65 "a retain-until that is not a time: 65, never read as unlocked"
printf 'db/x\t1\t2026-12-01T00:00:00Z\tetag\tGOVERNANCE\n' >"$T/bad"
run prune-backups --keep-last 1 <"$T/bad"
is "$rc" 65 "a lock mode without retain-until and legal hold: 65"
like "$T/err" "stdin line 1: Object Lock fields need mode, retain-until and legal hold" "saying so"
printf 'db/x\t1\t2026-12-01T00:00:00Z\tetag\t-\t-\tmaybe\n' >"$T/bad"
run prune-backups --keep-last 1 <"$T/bad"
is "$rc" 65 "a legal hold neither ON nor OFF: 65"
like "$T/err" "stdin line 1: legal hold 'maybe' is neither ON nor OFF" "saying so"

# --- s3rm ----------------------------------------------------------------------
run s3rm $E -n s3://locked/ db/db-20261201T020000Z.sql.gz db/db-20261125T020000Z.sql.gz
is "$rc" 1 "s3rm -n: a locked key makes it 1"
is "$(cat "$T/out")" "would delete s3://locked/db/db-20261125T020000Z.sql.gz" "the preview deletes only the unlocked key"
like "$T/err" "s3rm: s3://locked/db/db-20261201T020000Z.sql.gz is locked: GOVERNANCE until $until; kept \(--bypass-governance deletes it\)" "and says which is locked, until when"

prune-backups --keep-last 1 <"$T/listing" >"$T/plan"
run s3rm $E s3://locked/ <"$T/plan"
is "$rc" 0 "the plan's keys deleted: exit 0"
is "$(versions locked db-20261125T020000Z.sql.gz)" 0 "deleted for good: no version left"
is "$(boto versions locked | grep -c marker)" 0 "and no delete marker anywhere"

run s3rm $E s3://locked/ db/db-20261201T020000Z.sql.gz
is "$rc" 1 "s3rm on a GOVERNANCE-locked key: exit 1"
like "$T/err" "is locked: GOVERNANCE until" "reported as locked, not as a failure"
is "$(versions locked db-20261201T020000Z.sql.gz)" 1 "still there, not hidden behind a marker"

run s3rm $E --bypass-governance s3://locked/ db/db-20261202T020000Z.sql.gz db/db-20261127T020000Z.sql.gz
is "$rc" 1 "--bypass-governance on COMPLIANCE and on a legal hold: exit 1"
like "$T/err" "db-20261202T020000Z.sql.gz is locked: COMPLIANCE until 2099-01-31T00:00:00Z, legal hold; kept$" "COMPLIANCE is never bypassed"
like "$T/err" "db-20261127T020000Z.sql.gz is locked: legal hold; kept$" "nor a legal hold"
is "$(versions locked db-20261202T020000Z.sql.gz)$(versions locked db-20261127T020000Z.sql.gz)" 11 "both still there"

run s3rm $E --bypass-governance s3://locked/ db/db-20261201T020000Z.sql.gz
is "$rc" 0 "--bypass-governance on GOVERNANCE: deleted, exit 0"
is "$(cat "$T/out")" "deleted s3://locked/db/db-20261201T020000Z.sql.gz" "reported deleted"
is "$(versions locked db-20261201T020000Z.sql.gz)" 0 "gone for good"

run s3rm $E --per-key s3://locked/ db/db-20261203T020000Z.sql.gz
is "$rc" 1 "--per-key: the same lock check, exit 1"
run s3rm $E --per-key --bypass-governance s3://locked/ db/db-20261203T020000Z.sql.gz
is "$rc" 0 "--per-key --bypass-governance: one DELETE with the version, exit 0"
is "$(versions locked db-20261203T020000Z.sql.gz)" 0 "gone for good"

# --- SSE-C --------------------------------------------------------------------------
boto mkbucket sealed
head -c 32 /dev/urandom >"$T/key.raw"
base64 -w0 <"$T/key.raw" >"$T/key.b64"
echo >>"$T/key.b64"
head -c 32 /dev/urandom >"$T/other.raw"
chmod 600 "$T/key.raw" "$T/key.b64" "$T/other.raw"
run s3put $E --sse-c-key-file "$T/key.b64" s3://sealed/small "$T/small"
is "$rc" 0 "s3put --sse-c-key-file (base64 on one line), single PUT: exit 0"
run s3put $E --part-size 5MiB --sse-c-key-file "$T/key.raw" s3://sealed/big "$T/big"
is "$rc" 0 "the same key as 32 raw bytes, multipart: exit 0"
is "$(boto get sealed big "$T/key.raw" | cmp - "$T/big" && echo same)" same "botocore with the key reads the same bytes"
boto get sealed big >/dev/null 2>"$T/err"
like "$T/err" "refused" "botocore without the key is refused: the object is encrypted with it"
is "$(s3cat $E --sse-c-key-file "$T/key.b64" --range-size 4MiB s3://sealed/big | cmp - "$T/big" && echo same)" same \
	"s3cat --sse-c-key-file reads it back in ranges, byte-identical"
is "$(s3cat $E --sse-c-key-file "$T/key.raw" s3://sealed/small | cmp - "$T/small" && echo same)" same "and the single PUT"
run s3cat $E --sse-c-key-file "$T/other.raw" s3://sealed/big
ok $([ "$rc" != 0 ] && [ ! -s "$T/out" ]; echo $?) "another key: refused ($rc), nothing written"
like "$T/err" "s3://sealed/big: (HTTP )?[0-9]{3}" "naming the object and the store's answer"
run s3cat $E s3://sealed/big
ok $([ "$rc" != 0 ] && [ ! -s "$T/out" ]; echo $?) "no key: refused ($rc), nothing written"
run s3put $E --sse AES256 --sse-c-key-file "$T/key.raw" s3://sealed/x "$T/small"
is "$rc" 64 "--sse with --sse-c-key-file: usage error"
run s3put $E --sse-c-key-file "$T/no.key" s3://sealed/x "$T/small"
is "$rc" 66 "a key file that is not there: 66"
like "$T/err" "--sse-c-key-file $T/no.key: No such file" "naming it"
head -c 16 /dev/urandom >"$T/short.key"
run s3put $E --sse-c-key-file "$T/short.key" s3://sealed/x "$T/small"
is "$rc" 78 "a key file that is not 256 bits: 78"
chmod 644 "$T/key.raw"
run s3cat $E --sse-c-key-file "$T/key.raw" s3://sealed/small
like "$T/err" "is readable by every user" "a world-readable key file is warned about"
unlike "$T/err" "$(base64 -w0 <"$T/key.raw" | cut -c1-16)" "the key itself never appears in a message"
chmod 600 "$T/key.raw"

# SSE-C and Object Lock together: the HEADs need the key.
boto mkbucket sealedlocked lock
run s3put $E --sse-c-key-file "$T/key.raw" --lock-mode GOVERNANCE --lock-for 1d s3://sealedlocked/db-1.sql.gz "$T/small"
is "$rc" 0 "SSE-C and GOVERNANCE together: uploaded, the lock confirmed with the key"
run s3ls $E --lock s3://sealedlocked/
ok $([ "$rc" != 0 ]; echo $?) "s3ls --lock without the key: the store refuses the HEAD ($rc)"
like "$T/err" "an SSE-C object\? give --sse-c-key-file" "and the message says what to give"
run s3ls $E --lock --sse-c-key-file "$T/key.raw" s3://sealedlocked/
is "$(cut -f1,5 "$T/out")" "db-1.sql.gz	GOVERNANCE" "with the key: the lock is listed"
run s3rm $E --sse-c-key-file "$T/key.raw" s3://sealedlocked/ db-1.sql.gz
is "$rc" 1 "s3rm with the key: the locked key kept (1)"
run s3rm $E --sse-c-key-file "$T/key.raw" --bypass-governance s3://sealedlocked/ db-1.sql.gz
is "$rc:$(versions sealedlocked db-1.sql.gz)" "0:0" "and deleted for good with --bypass-governance"

# healthprobe reads the tail of an SSE-C dump only with the key.
printf 'select 1;\n%.0s' $(seq 1 2000) >"$T/d.sql"
printf -- '-- pgdump-stream: dump complete (%d bytes before this line)\n' "$(wc -c <"$T/d.sql")" >>"$T/d.sql"
"$PGOPS_TESTBIN/gzwrite" -c 4096 <"$T/d.sql" >"$T/d.sql.gz"
s3put $E --sse-c-key-file "$T/key.raw" s3://sealed/db/db-20261203T020000Z.sql.gz "$T/d.sql.gz" >/dev/null
run env AWS_ENDPOINT_URL="$RGW_ENDPOINT" healthprobe -t 5s s3://sealed/db/
is "$rc" 1 "healthprobe s3:// on an SSE-C dump without the key: fails"
like "$T/err" "GET s3://sealed/db/db-20261203T020000Z.sql.gz \(its last [0-9]+ bytes\): (HTTP )?400" "the ranged GET refused"
run env AWS_ENDPOINT_URL="$RGW_ENDPOINT" healthprobe -v -t 5s --sse-c-key-file "$T/key.b64" s3://sealed/db/
is "$rc" 0 "with --sse-c-key-file: the trailer is read, pass"
like "$T/err" "trailer ok" "saying so"

# share/examples/pg-backup.sh with BACKUP_LOCK_MODE: three nightly backups
# kept by their locks though the policy keeps one.
pg_start
boto mkbucket pgbk lock
nightly() { # TIME [ENV...]
	_t=$1
	shift
	env DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" BACKUP_S3_URL=s3://pgbk/app/ \
		BACKUP_TIME="$_t" KEEP_DAILY=1 KEEP_WEEKLY=0 KEEP_MONTHLY=0 AWS_ENDPOINT_URL_S3="$RGW_ENDPOINT" "$@" \
		sh "$TOP/share/examples/pg-backup.sh" >"$T/out" 2>"$T/err"
	rc=$?
}
for day in 01 02 03; do
	nightly 202611${day}T020000Z BACKUP_LOCK_MODE=GOVERNANCE BACKUP_LOCK_DAYS=1
	is "$rc" 0 "pg-backup.sh with BACKUP_LOCK_MODE=GOVERNANCE, night $day: exit 0"
done
is "$(s3ls $E --lock s3://pgbk/app/ | cut -f5 | sort | uniq -c | awk '{print $1, $2}')" "3 GOVERNANCE" \
	"all three backups kept, each under GOVERNANCE, though the policy keeps one"
nightly 20261104T020000Z BACKUP_LOCK_MODE=FOREVER
is "$rc" 78 "an unknown BACKUP_LOCK_MODE: 78"
done_testing
