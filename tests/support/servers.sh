# Real servers on loopback for the tests and for make demo: PostgreSQL 15,
# the signature-checking S3 server, the node web server. The sourcing script
# provides T (a private temporary directory), TOP (the repository), diag
# (print a diagnostic line) and on_exit (register a cleanup function).

# A process that is running (a zombie left for an absent reaper is not).
alive() {
	_st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -n "$_st" ] && [ "${_st#Z}" = "$_st" ]
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Wait up to $2 seconds (default 30) for file $1 to exist.
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt $((${2:-30} * 10)) ] && return 1
		sleep 0.1
	done
}

# PostgreSQL refuses to run as root; the harness runs it as the postgres user.
_as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
pg_init() {
	PGDATA_DIR="$T/pg"
	mkdir -p "$PGDATA_DIR" "$T/pgsock"
	[ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR" "$T/pgsock"
	PGPORT=$(free_port)
	_as_pg "$PG_BINDIR/initdb" -D "$PGDATA_DIR/data" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C "$@" >"$T/initdb.log" 2>&1 || {
		diag "initdb failed:"; sed 's/^/#   /' "$T/initdb.log"; return 1; }
	PGDATA="$PGDATA_DIR/data"
}
pg_run() {
	on_exit pg_stop
	_as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w -t 60 \
		-o "-p $PGPORT -k $T/pgsock -c listen_addresses=127.0.0.1 -c fsync=off" start \
		>/dev/null 2>&1 || { diag "pg_ctl start failed:"; sed 's/^/#   /' "$PGDATA_DIR/log"; return 1; }
	PGHOST="$T/pgsock" PGUSER=postgres PGDATABASE=postgres
	PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
	export PGHOST PGPORT PGUSER PGDATABASE PG_URL
}
# pgv_bindir V: the server programs of PostgreSQL V (13 to 18; 15 is
# Debian's, the others come from build/npm-pg, see ci/prereqs.sh).
pgv_bindir() {
	if [ "$1" = 15 ]; then echo "$PG_BINDIR"; else echo "$TOP/build/npm-pg/node_modules/pg$1/native/bin"; fi
}
# pgv_start V [NAME]: a fresh cluster of PostgreSQL V in $T/pgNAME (NAME
# defaults to V) on a free loopback port, its socket in $T/pgsock beside
# the main cluster's. Sets PGV_PORT.
pgv_start() {
	_v=$1
	_b=$(pgv_bindir "$_v")
	_nm=${2:-$1}
	_d="$T/pg$_nm"
	[ -x "$_b/postgres" ] || { diag "no PostgreSQL $_v server in $_b (ci/prereqs.sh test installs it)"; return 1; }
	mkdir -p "$_d" "$T/pgsock"
	[ "$(id -u)" = 0 ] && chown postgres "$_d" "$T/pgsock"
	PGV_PORT=$(free_port)
	_as_pg "$_b/initdb" -D "$_d/data" -U postgres -A trust --no-sync -E UTF8 --locale=C \
		>"$_d.initdb.log" 2>&1 || { diag "initdb $_v failed:"; sed 's/^/#   /' "$_d.initdb.log"; return 1; }
	eval "pgv_stop_$_nm() { _as_pg \"$_b/pg_ctl\" -D \"$_d/data\" -m immediate -w -t 30 stop; }"
	on_exit "pgv_stop_$_nm"
	_as_pg "$_b/pg_ctl" -D "$_d/data" -l "$_d/log" -w -t 60 \
		-o "-p $PGV_PORT -k $T/pgsock -c listen_addresses=127.0.0.1 -c fsync=off" start \
		>/dev/null 2>&1 || { diag "pg_ctl start ($_v) failed:"; sed 's/^/#   /' "$_d/log"; return 1; }
}
# pg_start [initdb options...]: a fresh cluster in $T/pg on a free loopback
# port. Sets PGHOST (socket dir), PGPORT, PGUSER, PGDATABASE and PG_URL.
pg_start() { pg_init "$@" && pg_run; }

# seclabel_so: PostgreSQL's test label provider (dummy_seclabel, from the
# source the build fetched), compiled for Debian's 15 server into
# $PGOPS_TESTBIN and exported as PGOPS_SECLABEL_SO for the fixture that
# labels objects. Without the server headers it stays unset and that
# fixture does not load.
seclabel_so() {
	_src=$TOP/build/deps/src/postgresql/src/test/modules/dummy_seclabel/dummy_seclabel.c
	_so=$PGOPS_TESTBIN/dummy_seclabel.so
	if [ ! -f "$_so" ] || [ "$_src" -nt "$_so" ]; then
		cc -shared -fPIC -O2 -I"$(pg_config --includedir-server 2>/dev/null)" -o "$_so.tmp" "$_src" 2>"$T/seclabel.err" &&
			mv "$_so.tmp" "$_so" || { rm -f "$_so.tmp"; return 1; }
	fi
	PGOPS_SECLABEL_SO=$_so
	export PGOPS_SECLABEL_SO
}
# psql as the superuser over the socket, quiet, stopping at the first error.
pg_sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres "$@"; }
pg_stop() {
	[ -f "$T/pg/data/postmaster.pid" ] &&
		_as_pg "$PG_BINDIR/pg_ctl" -D "$T/pg/data" -m immediate -w -t 30 stop
}
pg_pid() { head -n 1 "$T/pg/data/postmaster.pid" 2>/dev/null; }

# s3_start [BUCKET...]: the signature-checking S3 server on a free loopback
# port. Sets S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
s3_start() {
	mkdir -p "$T/s3"
	# s3rver makes ListObjectsV2 continuation tokens with DES, which Node's
	# OpenSSL 3 offers only through the legacy provider.
	NODE_PATH="$TOP/build/npm/node_modules" node --openssl-legacy-provider "$TOP/tests/s3/server.js" \
		"$T/s3" "$T/s3.port" "$@" >"$T/s3.log" 2>&1 &
	S3_PID=$!
	on_exit s3_stop
	wait_file "$T/s3.port" 30 || { diag "s3rver did not start:"; sed 's/^/#   /' "$T/s3.log"; return 1; }
	S3_ENDPOINT="http://127.0.0.1:$(cat "$T/s3.port")"
	AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
	export S3_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
}
s3_stop() { [ -n "${S3_PID:-}" ] && kill "$S3_PID" && wait "$S3_PID"; }

# rgw_start: a real Ceph cluster on loopback, for what s3rver does not
# enforce (Object Lock, SSE-C, which it allows over http here): one monitor, one OSD on memstore (in memory, 1 GiB
# at most) and the RADOS Gateway, authentication between them off, all
# under $T/rgw and stopped on exit. About 15 s, most of it the gateway
# making its pools. Sets RGW_ENDPOINT and the AWS_* variables of its user.
rgw_start() {
	_d="$T/rgw"
	mkdir -p "$_d/run" "$_d/log" "$_d/mon" "$_d/osd"
	_monport=$(free_port)
	_rgwport=$(free_port)
	_fsid=$(python3 -c 'import uuid; print(uuid.uuid4())')
	cat >"$_d/ceph.conf" <<EOF
[global]
fsid = $_fsid
mon host = v1:127.0.0.1:$_monport
auth cluster required = none
auth service required = none
auth client required = none
run dir = $_d/run
admin socket = $_d/run/\$name.\$pid.asok
log file = $_d/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon max pg per osd = 1000
mon data avail crit = 0
mon data avail warn = 0
osd crush chooseleaf type = 0
osd crush update on start = false
osd class update on start = false
ms bind ipv6 = false
[mon.a]
mon data = $_d/mon
[osd.0]
osd objectstore = memstore
osd data = $_d/osd
memstore device bytes = 1073741824
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$_rgwport
rgw data = $_d/rgw
rgw crypt require ssl = false
EOF
	RGW_CONF="$_d/ceph.conf"
	on_exit rgw_stop
	monmaptool --create --fsid "$_fsid" --add a "v1:127.0.0.1:$_monport" "$_d/monmap" >"$_d/log/setup" 2>&1 &&
	ceph-mon -c "$RGW_CONF" -i a --mkfs --monmap "$_d/monmap" >>"$_d/log/setup" 2>&1 || {
		diag "ceph-mon --mkfs failed:"; sed 's/^/#   /' "$_d/log/setup"; return 1; }
	ceph-mon -f -c "$RGW_CONF" -i a >>"$_d/log/setup" 2>&1 &
	RGW_MON_PID=$!
	# Commands sent while the monitor is still starting are refused
	# ("EPERM: problem getting command descriptions from mon"): wait until
	# it answers one.
	_i=0
	until timeout 5 ceph -c "$RGW_CONF" mon stat >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! alive "$RGW_MON_PID"; then
			diag "ceph-mon did not answer within 30 s:"; sed 's/^/#   /' "$_d/log/setup"; return 1
		fi
		sleep 0.3
	done
	# The OSD is made with the uuid the monitor registered for it, and is put
	# in the CRUSH map here: its own crush and device-class commands at
	# start are refused some of the time ("wrong fsid": sent before it has
	# the monitor's map) and then it never comes up.
	_osduuid=$(python3 -c 'import uuid; print(uuid.uuid4())')
	echo "$(date +%T) monitor up" >>"$_d/log/setup"
	timeout 30 ceph -c "$RGW_CONF" osd new "$_osduuid" 0 >>"$_d/log/setup" 2>&1 &&
	timeout 30 ceph -c "$RGW_CONF" osd crush add osd.0 1 root=default host=localhost >>"$_d/log/setup" 2>&1 &&
	ceph-osd -c "$RGW_CONF" -i 0 --mkfs --osd-uuid "$_osduuid" >>"$_d/log/setup" 2>&1 || {
		diag "the OSD could not be made:"; sed 's/^/#   /' "$_d/log/setup"; return 1; }
	echo "$(date +%T) OSD made, starting it and the gateway" >>"$_d/log/setup"
	ceph-osd -f -c "$RGW_CONF" -i 0 >>"$_d/log/setup" 2>&1 &
	RGW_OSD_PID=$!
	radosgw -f -c "$RGW_CONF" -n client.rgw >>"$_d/log/setup" 2>&1 &
	RGW_PID=$!
	RGW_ENDPOINT="http://127.0.0.1:$_rgwport"
	_i=0
	until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
		"$RGW_ENDPOINT" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 120 ] || ! alive "$RGW_PID"; then
			diag "radosgw did not answer within 60 s:"
			tail -n 20 "$_d/log/client.rgw.log" | sed 's/^/#   /'
			return 1
		fi
		sleep 0.5
	done
	echo "$(date +%T) gateway answers" >>"$_d/log/setup"
	timeout 30 radosgw-admin -c "$RGW_CONF" user create --uid=pgops --display-name=pgops \
		--access-key=PGOPSRGWKEY --secret=PGOPSRGWSECRET >>"$_d/log/setup" 2>&1 || {
		diag "radosgw-admin user create failed:"; sed 's/^/#   /' "$_d/log/setup"; return 1; }
	AWS_ACCESS_KEY_ID=PGOPSRGWKEY AWS_SECRET_ACCESS_KEY=PGOPSRGWSECRET AWS_REGION=us-east-1
	export RGW_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
}
rgw_stop() {
	for _p in ${RGW_PID:-} ${RGW_OSD_PID:-} ${RGW_MON_PID:-}; do kill "$_p" 2>/dev/null; done
	for _p in ${RGW_PID:-} ${RGW_OSD_PID:-} ${RGW_MON_PID:-}; do wait "$_p" 2>/dev/null; done
}

# s3tls_start KEY CERT [BUCKET...]: a second S3 server, over HTTPS with the
# given key and certificate. Sets S3TLS_ENDPOINT.
s3tls_start() {
	_key=$1 _cert=$2
	shift 2
	mkdir -p "$T/s3tls"
	NODE_PATH="$TOP/build/npm/node_modules" node --openssl-legacy-provider "$TOP/tests/s3/server.js" \
		"$T/s3tls" "$T/s3tls.port" "$@" --tls "$_key" "$_cert" >"$T/s3tls.log" 2>&1 &
	S3TLS_PID=$!
	on_exit s3tls_stop
	wait_file "$T/s3tls.port" 30 || { diag "s3rver (https) did not start:"; sed 's/^/#   /' "$T/s3tls.log"; return 1; }
	S3TLS_ENDPOINT="https://127.0.0.1:$(cat "$T/s3tls.port")"
}
s3tls_stop() { [ -n "${S3TLS_PID:-}" ] && kill "$S3TLS_PID" && wait "$S3TLS_PID"; }

# https_start NAME [KEY CERT [CA]]: the node test server; sets ${NAME}_URL.
https_start() {
	name=$1
	shift
	node "$TOP/tests/https/server.js" "$T/$name.port" "$@" >"$T/$name.log" 2>&1 &
	eval "${name}_PID=\$!"
	on_exit "kill_pid_$name"
	eval "kill_pid_$name() { kill \$${name}_PID; }"
	wait_file "$T/$name.port" 30 || { diag "test web server did not start:"; sed 's/^/#   /' "$T/$name.log"; return 1; }
	if [ $# -gt 0 ]; then scheme=https; else scheme=http; fi
	eval "${name}_URL=$scheme://127.0.0.1:$(cat "$T/$name.port")"
}
