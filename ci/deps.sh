#!/bin/sh
# Fetch (once) and build the static dependencies of pgops.
#
#   ci/deps.sh fetch SRCDIR              unpack the pinned sources into SRCDIR/<name>
#   ci/deps.sh build SRCDIR CC PREFIX    build them with CC, install into PREFIX
#
# The musl build (CC=musl-gcc) is what the programs link; the sanitizer and
# fuzz builds use the same sources built with the host compiler.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
versions="$top/ci/deps.versions"
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: %s\n' "$*" >&2; exit 1; }

pins() { grep -v '^#' "$versions" | grep -v '^[[:space:]]*$'; }

need_manual() {
	die "cannot fetch dependency sources: $1.
Either run 'make' as root on Debian 12 (bookworm), which fetches them with apt-get source,
or unpack the sources listed in ci/deps.versions yourself into $2/<name>
(bearssl, zlib, libdeflate, postgresql) and run make again."
}

# Add a deb-src entry mirroring the machine's own deb entries, only when no
# deb-src entry exists, so that apt-get source works on a stock image.
ensure_deb_src() {
	if grep -rqsE '^(deb-src |Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	src=/etc/apt/sources.list.d/pgops-deb-src.sources
	say "adding deb-src entries ($src) derived from the machine's apt sources"
	: >"$src.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822 stanzas: copy those whose URIs are Debian archives.
		awk 'BEGIN{RS=""; ORS="\n\n"} /URIs:[^\n]*debian/ && /Types:[^\n]*deb/ {
			sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$src.tmp"
	done
	if [ -f /etc/apt/sources.list ]; then
		grep -E '^deb [^ ]*debian' /etc/apt/sources.list |
			sed 's/^deb /deb-src /' >/etc/apt/sources.list.d/pgops-deb-src.list || true
	fi
	if [ -s "$src.tmp" ]; then mv "$src.tmp" "$src"; else rm -f "$src.tmp"; fi
	apt-get update -qq
}

fetch() {
	dst=$1
	mkdir -p "$dst"
	missing=
	for name in $(pins | awk '{print $3}'); do
		[ -f "$dst/$name/.pgops-version" ] || missing="$missing $name"
	done
	[ -n "$missing" ] || return 0
	[ -r /etc/debian_version ] && command -v apt-get >/dev/null ||
		need_manual "this is not a Debian machine with apt-get" "$dst"
	[ "$(id -u)" = 0 ] || need_manual "apt-get source needs root here" "$dst"
	command -v dpkg-source >/dev/null || { apt-get update -qq; apt-get install -y -qq dpkg-dev >/dev/null; }
	ensure_deb_src
	work="$dst/.fetch"
	rm -rf "$work"; mkdir -p "$work"
	pins | while read -r pkg ver name; do
		case " $missing " in *" $name "*) ;; *) continue ;; esac
		say "fetching $pkg $ver"
		if ! (cd "$work" && apt-get source -qq "$pkg=$ver" >/dev/null 2>&1); then
			# Debian drops superseded point releases from the pool; fall back to
			# another version of the same upstream release line that the
			# archive lists, and say so loudly.
			line=${ver#*:}; line=${line%%-*}; line=${line%.*}
			alt=$(apt-cache showsrc "$pkg" 2>/dev/null | awk '/^Version:/{print $2}' |
				grep -F "${ver%%:*}:$line" 2>/dev/null || apt-cache showsrc "$pkg" | awk '/^Version:/{print $2}' | grep -F "$line")
			ok=
			for v in $alt; do
				[ "$v" = "$ver" ] && continue
				say "WARNING: $pkg $ver is not served; trying $v (update ci/deps.versions)"
				if (cd "$work" && apt-get source -qq "$pkg=$v" >/dev/null 2>&1); then ok=$v; break; fi
			done
			[ -n "$ok" ] || die "apt-get source $pkg=$ver failed (is a deb-src entry configured? try: apt-get update)"
			ver=$ok
		fi
		d=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
		[ -n "$d" ] || die "apt-get source $pkg unpacked nothing"
		rm -rf "${dst:?}/$name"
		mv "$d" "$dst/$name"
		echo "$pkg $ver" >"$dst/$name/.pgops-version"
		rm -rf "$work"; mkdir -p "$work"
	done
	rm -rf "$work"
}

build() {
	src=$1 cc=$2 prefix=$3
	# Run as from a shell even when called by make: PostgreSQL's makefiles
	# generate their headers only at the top make level.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	mkdir -p "$prefix/lib" "$prefix/include"
	b="$prefix/work"
	rm -rf "$b"; mkdir -p "$b"
	# musl-gcc only searches musl's headers; PostgreSQL's configure probes are
	# fine with that. -fPIC is not needed for static binaries.
	opt="-O2 -g0"

	say "building zlib with $cc"
	cp -Rp "$src/zlib" "$b/zlib"
	(cd "$b/zlib" && CC=$cc CFLAGS="$opt" ./configure --static --prefix="$prefix" >/dev/null &&
		make -s -j"$jobs" libz.a >/dev/null &&
		cp libz.a "$prefix/lib/" && cp zlib.h zconf.h "$prefix/include/")

	say "building libdeflate with $cc"
	cp -Rp "$src/libdeflate" "$b/libdeflate"
	(cd "$b/libdeflate" && make -s -j"$jobs" CC="$cc" CFLAGS="$opt" libdeflate.a >/dev/null &&
		cp libdeflate.a "$prefix/lib/" && cp libdeflate.h "$prefix/include/")

	say "building BearSSL with $cc"
	cp -Rp "$src/bearssl" "$b/bearssl"
	(cd "$b/bearssl" && make -s -j"$jobs" CONF=Unix CC="$cc" CFLAGS="-W -Wall $opt" lib >/dev/null &&
		cp build/libbearssl.a "$prefix/lib/" && cp inc/*.h "$prefix/include/")

	say "building libpq with $cc (no OpenSSL: TLS is BearSSL's, through lib/)"
	cp -Rp "$src/postgresql" "$b/postgresql"
	(cd "$b/postgresql" &&
		CC=$cc CFLAGS="$opt" ./configure --prefix="$prefix" --without-openssl --without-readline \
			--without-zlib --without-icu --without-gssapi --without-ldap --without-pam \
			--without-systemd --without-llvm --disable-nls >config.out 2>&1 ||
			{ tail -n 30 config.out >&2; exit 1; }
		make -s -C src/backend generated-headers >/dev/null
		for d in src/include src/common src/port src/interfaces/libpq; do
			make -s -j"$jobs" -C "$d" >/dev/null
		done
		cp src/interfaces/libpq/libpq.a src/common/libpgcommon_shlib.a src/port/libpgport_shlib.a "$prefix/lib/"
		cp src/interfaces/libpq/libpq-fe.h src/interfaces/libpq/libpq-events.h \
			src/include/postgres_ext.h src/include/pg_config_ext.h "$prefix/include/")
	rm -rf "$b"
	pins >"$prefix/VERSIONS"
}

case ${1:-} in
fetch) fetch "$2" ;;
build) build "$2" "$3" "$4" ;;
*) die "usage: ci/deps.sh fetch SRCDIR | build SRCDIR CC PREFIX" ;;
esac
