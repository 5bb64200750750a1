#!/bin/sh
# lib/pg against a TLS-enabled PostgreSQL 15 with a test CA: libpq's sslmode
# rules carried out by BearSSL and the tunnel, client certificates, SCRAM,
# cancel requests, several hosts, the PG* variables and DATABASE_URL, and
# error messages that name the real server and never the tunnel or a
# password.
. "$(dirname "$0")/support/lib.sh"
. "$TOP/tests/support/pki.sh"
plan 39
pki_make "$T/pki"
P=$T/pki
HOME=$T/home
mkdir -p "$HOME"
export HOME
unset PGSSLMODE PGSSLROOTCERT PGSSLCERT PGSSLKEY DATABASE_URL

pg_init
cp "$P"/*.crt "$P"/*.key "$PGDATA/"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"/*.crt "$PGDATA"/*.key
cat >>"$PGDATA/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_ca_file = 'ca.crt'
password_encryption = 'scram-sha-256'
CONF
cat >"$PGDATA/pg_hba.conf" <<HBA
local all all trust
hostssl all certuser 127.0.0.1/32 cert
hostssl all scramuser 127.0.0.1/32 scram-sha-256
hostnossl all scramuser 127.0.0.1/32 reject
host all all 127.0.0.1/32 trust
HBA
pg_run
pg_sql -c "create user certuser; create user scramuser password 'sekret';"
Q=$PGOPS_TESTBIN/pgquery
H="host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres"
SSLQ="select ssl from pg_stat_ssl where pid = pg_backend_pid()"

run "$Q" -v "$H sslmode=verify-full sslrootcert=$P/ca.crt" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "verify-full with the right CA, by IP address"
like "$T/err" "tls 127.0.0.1:$PGPORT" "over TLS to the real server"
run "$Q" "host=localhost port=$PGPORT user=postgres sslmode=verify-full sslrootcert=$P/ca.crt" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "verify-full by host name"
run "$Q" "$H sslmode=verify-full sslrootcert=$P/other-ca.crt" "$SSLQ"
is "$rc" 69 "wrong CA: exit 69"
is "$(cat "$T/err")" "pgquery: connection to server at \"127.0.0.1\", port $PGPORT failed: TLS handshake with 127.0.0.1 failed: certificate is not trusted (signed by an unknown CA)" "wrong CA: a clear message naming the server"
run "$Q" "$H sslmode=verify-ca sslrootcert=$P/other-ca.crt" "$SSLQ"
is "$rc" 69 "verify-ca with the wrong CA fails too"
run "$Q" "$H sslmode=require" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "require without a CA connects over TLS"
run "$Q" "$H" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "default sslmode (prefer) uses TLS when offered"
run "$Q" "$H sslmode=verify-full" "$SSLQ"
is "$rc" 78 "verify-full without any root certificate: configuration error"
like "$T/err" 'root certificate file ".*/.postgresql/root.crt" does not exist' "and says which file"
run "$Q" "$H sslmode=require sslrootcert=system" "$SSLQ"
is "$rc" 78 "sslrootcert=system with a weak sslmode is refused"
like "$T/err" 'weak sslmode "require" may not be used with sslrootcert=system' "as libpq words it"
SSL_CERT_FILE=$P/ca.crt run "$Q" "$H sslmode=verify-full sslrootcert=system" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "sslrootcert=system uses the system trust store (SSL_CERT_FILE here)"
mkdir -p "$HOME/.postgresql"
cp "$P/ca.crt" "$HOME/.postgresql/root.crt"
run "$Q" "$H sslmode=verify-full" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "~/.postgresql/root.crt is the default root certificate"
cp "$P/other-ca.crt" "$HOME/.postgresql/root.crt"
run "$Q" "$H sslmode=require" "$SSLQ"
is "$rc" 69 "require verifies the chain when a root certificate exists, as libpq does"
rm -rf "$HOME/.postgresql"

PGSSLMODE=verify-full PGSSLROOTCERT=$P/ca.crt run "$Q" -v "host=127.0.0.1 port=$PGPORT user=postgres" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "PGSSLMODE and PGSSLROOTCERT are honoured"
DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres?sslmode=require" run "$Q" "" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "DATABASE_URL when no connection string is given"
run "$Q" "$H sslmode=require" "select current_setting('application_name')"
is "$(cat "$T/out")" "pgquery" "application_name defaults to the program name"
run "$Q" "$H sslmode=require application_name=nightly" "select current_setting('application_name')"
is "$(cat "$T/out")" "nightly" "and stays as given"

run "$Q" "postgresql://scramuser:sekret@127.0.0.1:$PGPORT/postgres?sslmode=verify-full&sslrootcert=$P/ca.crt" "select current_user"
is "$rc $(cat "$T/out")" "0 scramuser" "SCRAM-SHA-256 through the tunnel"
run "$Q" "postgresql://scramuser:wrongpw@127.0.0.1:$PGPORT/postgres?sslmode=require" "select 1"
is "$rc" 77 "wrong password: exit 77"
like "$T/err" "connection to server at \"127.0.0.1\", port $PGPORT failed: FATAL: +password authentication failed for user \"scramuser\"" "names the real server"
unlike "$T/err" '@pgops|wrongpw|s\.PGSQL' "never the tunnel, never the password"

run "$Q" "$H user=certuser sslmode=verify-full sslrootcert=$P/ca.crt sslcert=$P/client.crt sslkey=$P/client.key" "select current_user"
is "$rc $(cat "$T/out")" "0 certuser" "hostssl cert rule admits the RSA client certificate"
run "$Q" "$H user=certuser sslmode=verify-full sslrootcert=$P/ca.crt sslcert=$P/client-ec.crt sslkey=$P/client-ec.key" "select current_user"
is "$rc $(cat "$T/out")" "0 certuser" "and the EC one"
run "$Q" "$H user=certuser sslmode=verify-full sslrootcert=$P/ca.crt" "select current_user"
is "$rc" 77 "without a client certificate: exit 77"
like "$T/err" 'connection requires a valid client certificate' "with the server's reason"

run "$Q" -c 300 "$H sslmode=require" "select pg_sleep(30)"
is "$rc" 65 "PQcancel through the tunnel cancels the query"
like "$T/err" 'canceling statement due to user request' "the server says it was cancelled"

run "$Q" -v "host=127.0.0.1,127.0.0.1 port=1,$PGPORT user=postgres sslmode=require connect_timeout=5" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "several hosts: the first refuses, the second serves"
run "$Q" "host=127.0.0.1,127.0.0.1 port=1,2 user=postgres sslmode=require" "$SSLQ"
like "$T/err" 'port 1 failed: Connection refused; connection to server at "127.0.0.1", port 2 failed' "all failing: every host's error"
run "$Q" "host=$PGHOST port=$PGPORT user=postgres" "select 1"
is "$rc $(cat "$T/out")" "0 1" "a socket directory goes straight to libpq"
run "$Q" "$H sslmode=bogus" "select 1"
is "$rc" 78 "unknown sslmode: configuration error"

# The server's certificate changes (PostgreSQL reloads its TLS files).
# The postmaster rereads its settings asynchronously: wait (10 s at most)
# until a new backend shows the new value.
wait_setting() {
	i=0
	until [ "$(pg_sql -At -c "show $1")" = "$2" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
}
server_cert() {
	pg_sql -c "alter system set ssl_cert_file = '$1.crt'" -c "alter system set ssl_key_file = '$1.key'" \
		-c "select pg_reload_conf()" >/dev/null
	wait_setting ssl_cert_file "$1.crt"
}
server_cert wrongname
run "$Q" "$H sslmode=verify-full sslrootcert=$P/ca.crt" "$SSLQ"
is "$rc" 69 "server certificate for another name: verify-full refuses"
like "$T/err" 'certificate does not match the host name' "and says so"
run "$Q" "$H sslmode=verify-ca sslrootcert=$P/ca.crt" "$SSLQ"
is "$rc $(cat "$T/out")" "0 t" "verify-ca does not check the name"
server_cert expired
run "$Q" "$H sslmode=verify-full sslrootcert=$P/ca.crt" "$SSLQ"
like "$T/err" 'certificate has expired or is not yet valid' "expired server certificate refused"
server_cert server

pg_sql -c "alter system set ssl = off" -c "select pg_reload_conf()" >/dev/null
wait_setting ssl off
run "$Q" -v "$H" "$SSLQ"
is "$rc $(cat "$T/out")" "0 f" "prefer against ssl=off connects in plain"
run "$Q" "$H sslmode=require" "$SSLQ"
like "$T/err" 'server does not support SSL, but SSL was required' "require against ssl=off fails"
done_testing
