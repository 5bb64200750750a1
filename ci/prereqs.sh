#!/bin/sh
# Make sure what a make target needs is on the machine: as root on Debian it
# installs what is missing; otherwise it prints the exact command and fails.
#
#   ci/prereqs.sh build | test | fuzz | bench
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

debs_build="musl-tools dpkg-dev make"
debs_test="postgresql-15 postgresql-client-15 pigz gzip openssl python3 perl nodejs npm mandoc file restic wrk python3-botocore busybox-static python3-yaml strace postgresql-15-postgis-3 postgresql-15-partman postgresql-server-dev-15"
debs_fuzz="clang libclang-rt-14-dev"
debs_bench="pigz hyperfine time restic curl wrk awscli rclone sqitch"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

need_debs() {
	missing=
	for p in "$@"; do
		# nodejs from another repository is fine as long as node and npm run.
		case $p in nodejs|npm) command -v node >/dev/null && command -v npm >/dev/null && continue ;; esac
		installed "$p" || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "prereqs: installing$missing" >&2
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	else
		echo "prereqs: missing packages; run as root: apt-get install$missing" >&2
		exit 1
	fi
}

# The signature-checking S3 server, pinned by tests/s3/package-lock.json,
# installed under build/npm (nothing of it is committed).
need_s3rver() {
	d="$top/build/npm"
	if [ -f "$d/.stamp" ] && cmp -s "$d/package-lock.json" "$top/tests/s3/package-lock.json"; then
		return 0
	fi
	mkdir -p "$d"
	cp "$top/tests/s3/package.json" "$top/tests/s3/package-lock.json" "$d/"
	echo "prereqs: npm ci (tests/s3/package-lock.json) into build/npm" >&2
	(cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	touch "$d/.stamp"
}

# PostgreSQL 13, 14, 16, 17 and 18 servers (15 is Debian's), pinned by
# tests/pgversions/package-lock.json, installed under build/npm-pg.
need_pgversions() {
	d="$top/build/npm-pg"
	if [ -f "$d/.stamp" ] && cmp -s "$d/package-lock.json" "$top/tests/pgversions/package-lock.json"; then
		return 0
	fi
	rm -rf "$d"
	mkdir -p "$d"
	cp "$top/tests/pgversions/package.json" "$top/tests/pgversions/package-lock.json" "$d/"
	echo "prereqs: npm ci (tests/pgversions/package-lock.json) into build/npm-pg" >&2
	(cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	touch "$d/.stamp"
}

# The migration tools whose histories migrate-apply takes over (dbmate),
# pinned by tests/migratetools/package-lock.json, installed under
# build/npm-mig.
need_migratetools() {
	d="$top/build/npm-mig"
	if [ -f "$d/.stamp" ] && cmp -s "$d/package-lock.json" "$top/tests/migratetools/package-lock.json"; then
		return 0
	fi
	rm -rf "$d"
	mkdir -p "$d"
	cp "$top/tests/migratetools/package.json" "$top/tests/migratetools/package-lock.json" "$d/"
	echo "prereqs: npm ci (tests/migratetools/package-lock.json) into build/npm-mig" >&2
	(cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	touch "$d/.stamp"
}

case ${1:-} in
build) need_debs $debs_build ;;
test) need_debs $debs_test; need_s3rver; need_pgversions; need_migratetools ;;
fuzz) need_debs $debs_build $debs_fuzz ;;
bench) need_debs $debs_test $debs_bench; need_s3rver ;;
*) echo "usage: ci/prereqs.sh build|test|fuzz|bench" >&2; exit 64 ;;
esac
