#!/bin/sh
# Make sure what a make target needs is on the machine: as root on Debian it
# installs what is missing; otherwise it prints the exact command and fails.
#
#   ci/prereqs.sh build | test | fuzz | bench
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

debs_build="musl-tools dpkg-dev make"
debs_test="postgresql-15 postgresql-client-15 pigz gzip openssl python3 perl nodejs npm mandoc file restic wrk python3-botocore busybox-static python3-yaml strace postgresql-15-postgis-3 postgresql-15-partman postgresql-server-dev-15 openjdk-17-jdk-headless radosgw ceph-mon ceph-osd age golang-filippo-age-dev gnupg"
debs_fuzz="clang libclang-rt-14-dev age golang-filippo-age-dev"
debs_bench="pigz hyperfine time restic curl wrk awscli rclone sqitch age gnupg"

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

# npm_pinned SRC DEST [NPM-FLAGS]: the npm packages tests/SRC/package-lock.json
# pins, installed under build/DEST (nothing of them is committed), again only
# when the lock file changed.
npm_pinned() {
	d="$top/build/$2"
	if [ -f "$d/.stamp" ] && cmp -s "$d/package-lock.json" "$top/tests/$1/package-lock.json"; then
		return 0
	fi
	rm -rf "$d"
	mkdir -p "$d"
	cp "$top/tests/$1/package.json" "$top/tests/$1/package-lock.json" "$d/"
	echo "prereqs: npm ci (tests/$1/package-lock.json) into build/$2" >&2
	(cd "$d" && npm ci --no-audit --no-fund --loglevel=error ${3:-} >/dev/null)
	touch "$d/.stamp"
}

# The signature-checking S3 server.
need_s3rver() { npm_pinned s3 npm; }
# PostgreSQL 13, 14, 16, 17 and 18 servers (15 is Debian's).
need_pgversions() { npm_pinned pgversions npm-pg; }
# The migration tools whose histories migrate-apply takes over: dbmate's
# linux-x64 binary package and the Prisma CLI. Without their install
# scripts: Prisma's would download native engines from its own host, which
# this network does not reach; the tests use the WebAssembly schema engine
# the CLI bundles.
need_migratetools() { npm_pinned migratetools npm-mig --ignore-scripts; }
# The TypeScript age library, agecrypt's second reference implementation.
need_agejs() { npm_pinned age npm-age; }

case ${1:-} in
build) need_debs $debs_build ;;
test) need_debs $debs_test; need_s3rver; need_pgversions; need_migratetools; need_agejs ;;
fuzz) need_debs $debs_build $debs_fuzz ;;
bench) need_debs $debs_test $debs_bench; need_s3rver ;;
*) echo "usage: ci/prereqs.sh build|test|fuzz|bench" >&2; exit 64 ;;
esac
