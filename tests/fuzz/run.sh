#!/bin/sh
# Run each libFuzzer target for FUZZ_SECONDS on a corpus seeded with small
# valid gzip files (gzip's and pgops' own writer's); a crash or a property
# failure fails the run and leaves the reproducer in build/fuzz/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
gzwrite=$top/build/tests/gzwrite
for name in "$@"; do
	corpus=$top/build/fuzz/corpus-$name
	mkdir -p "$corpus"
	case $name in
	fuzz-gz)
		printf '' | gzip -c >"$corpus/seed-empty.gz"
		seq 1 300 | gzip -c >"$corpus/seed-gzip.gz"
		seq 1 3000 | "$gzwrite" -c 1K >"$corpus/seed-ours.gz"
		(seq 1 50 | gzip -c; printf '' | "$gzwrite") >"$corpus/seed-concat.gz"
		;;
	fuzz-http)
		printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello' >"$corpus/seed-head"
		printf '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n' >"$corpus/seed-chunked"
		printf 'https://[::1]:8443/bucket/key?x=1' >"$corpus/seed-url"
		;;
	fuzz-pem)
		# Test-PKI certificates and keys made with openssl, PEM and DER.
		k=$top/build/fuzz/pki
		if [ ! -s "$k/server.crt" ]; then
			(. "$top/tests/support/pki.sh" && pki_make "$k")
		fi
		cp "$k/server.crt" "$k/ca.crt" "$k/client-ec.key" "$corpus/"
		openssl x509 -in "$k/server.crt" -outform DER -out "$corpus/server.der" 2>/dev/null
		;;
	fuzz-httpreq)
		printf 'GET /health/ready?verbose HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n' >"$corpus/seed-get"
		printf 'HEAD /metrics HTTP/1.0\r\nContent-Length: 5\r\n\r\n' >"$corpus/seed-head"
		;;
	fuzz-s3answers)
		printf '<ListBucketResult><Contents><Key>a&amp;b&#x20AC;</Key><Size>1</Size></Contents><IsTruncated>false</IsTruncated></ListBucketResult>' >"$corpus/seed-list"
		printf '{"AccessKeyId": "A\\u00e9", "Token": null, "n": [1, {"x": true}]}' >"$corpus/seed-json"
		printf '[default]\naws_access_key_id = A\n[profile x]\ns3 =\n  endpoint_url = http://h\n' >"$corpus/seed-ini"
		;;
	fuzz-sql)
		printf 'public.*' >"$corpus/seed-pattern"
		printf '"Mixed ""q"" name".t?x$' >"$corpus/seed-quoted"
		printf 'select' >"$corpus/seed-keyword"
		;;
	fuzz-sqlscan)
		# The first byte picks the piece size; the rest is a script.
		printf '\003select E'"'"'a\\'"'"';'"'"'; do $f$ x; $f$;\n-- c\n\\connect x\n' >"$corpus/seed-quotes"
		printf '\005create function f() begin atomic select case when 1 then 2 end; end; /* a /* b */ */' >"$corpus/seed-atomic"
		cat "$top/tests/pgdump/functions.sql" >"$corpus/seed-fixture"
		;;
	fuzz-dumpfilter)
		printf '# tables\ninclude table public.t*\nexclude table_data "Big"."Log #1" # comment\n\n' >"$corpus/seed-file"
		printf 'include extension postgis\nexclude schema tmp\ninclude foreign_data x\n' >"$corpus/seed-kinds"
		;;
	fuzz-sqllint)
		for f in "$top"/tests/migrate-lint/bad/*.sql "$top"/tests/migrate-lint/good/*.sql; do
			cp "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
		done
		;;
	fuzz-age)
		# Files from age, armored and not, and ours with a passphrase.
		k=$top/build/fuzz/age-id
		[ -s "$k" ] || age-keygen -o "$k" 2>/dev/null
		printf 'hello' | age -r "$(age-keygen -y "$k")" >"$corpus/seed-x25519.age"
		printf 'hello' | age -a -r "$(age-keygen -y "$k")" >"$corpus/seed-armor.age"
		printf 'hello' | AGECRYPT_PASSPHRASE=pw "$top/build/bin/agecrypt" -p --work-factor 10 >"$corpus/seed-scrypt.age"
		cp /usr/share/gocode/src/filippo.io/age/testdata/example.age "$corpus/seed-example.age"
		;;
	fuzz-plan)
		# pg_dump's post-data statements, and ones with comments and quotes.
		printf 'ALTER TABLE ONLY public.c1\n    ADD CONSTRAINT c1_p_fkey FOREIGN KEY (p_id) REFERENCES public.p(id) ON DELETE CASCADE;\n' >"$corpus/seed-fk"
		printf 'ALTER TABLE IF EXISTS ONLY "S"."T /* x */" ADD CONSTRAINT "a ""b""" /* c */ FOREIGN KEY (a, b) REFERENCES "S".u (a, b) NOT VALID;' >"$corpus/seed-fk-quoted"
		printf 'CREATE UNIQUE INDEX IF NOT EXISTS i ON ONLY public.t USING btree (a);' >"$corpus/seed-index"
		printf "SELECT pg_catalog.set_config('search_path', '', false);" >"$corpus/seed-setting"
		printf 'COPY public."Odd ""Name""" (k, v) FROM stdin;' >"$corpus/seed-copy"
		;;
	fuzz-nametime)
		for n in db-20261122T020000Z.sql.gz db-2026-11-22T02:00:00Z db-2026-11-22_02-00-00 \
			db-20261122 db-1763776800.gz 2026-11-22T02:00:00.5+01:00 1y2m3d4h +05:30; do
			printf '%s' "$n" >"$corpus/seed-$(printf '%s' "$n" | tr -c 'A-Za-z0-9' _)"
		done
		printf '\015%%d.%%m.%%Y-%%H%%Mnightly_22.11.2026-0200' >"$corpus/seed-format"
		;;
	esac
	echo "fuzz: $name for ${secs}s" >&2
	(cd "$top/build/fuzz" && "./$name" -max_total_time="$secs" -max_len=65536 \
		-print_final_stats=1 "$corpus" 2>"$name.log") || {
		tail -n 40 "$top/build/fuzz/$name.log" >&2
		echo "fuzz: $name FAILED; see build/fuzz/$name.log and the crash-* file there" >&2
		exit 1
	}
	grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$top/build/fuzz/$name.log" >&2 || true
done
