#!/bin/sh
# lib/tls and lib/http against real HTTP and HTTPS servers (node) with a test
# CA made at test time: chain and host name checks (DNS and IP), expiry,
# wrong CA, --insecure, client certificates, chunked bodies, bodies to the
# end of the connection, keep-alive reuse, deadlines.
. "$(dirname "$0")/support/lib.sh"
. "$TOP/tests/support/pki.sh"
plan 29
pki_make "$T/pki"
P=$T/pki
get() { run "$PGOPS_TESTBIN/httpget" "$@"; }

https_start good "$P/server.key" "$P/server.crt"
https_start wrongname "$P/wrongname.key" "$P/wrongname.crt"
https_start expired "$P/expired.key" "$P/expired.crt"
https_start mtls "$P/server.key" "$P/server.crt" "$P/ca.crt"
https_start plain

get --cacert "$P/ca.crt" "$good_URL/ok"
is "$rc $(head -c 100 "$T/out" | tr '\n' ' ')" "0 200 hello " "verify-full by IP address (IP subjectAltName)"
port=${good_URL##*:}
get --cacert "$P/ca.crt" "https://localhost:$port/ok"
is "$rc $(head -n 1 "$T/out")" "0 200" "verify-full by DNS name (DNS subjectAltName)"
get --cacert "$P/other-ca.crt" "$good_URL/ok"
is "$rc" 69 "wrong CA: refused"
like "$T/err" "TLS handshake with 127.0.0.1 failed: certificate is not trusted" "wrong CA: says not trusted"
port=${wrongname_URL##*:}
get --cacert "$P/ca.crt" "$wrongname_URL/ok"
is "$rc" 69 "name mismatch by IP: refused"
like "$T/err" "certificate does not match the host name" "name mismatch: says so"
get --cacert "$P/ca.crt" "https://localhost:$port/ok"
like "$T/err" "TLS handshake with localhost failed: certificate does not match the host name" "name mismatch by DNS name: refused"
get --cacert "$P/ca.crt" --servername db.invalid "https://127.0.0.1:$port/ok"
is "$rc $(head -n 1 "$T/out")" "0 200" "--servername checks the name given instead"
get --cacert "$P/ca.crt" "$expired_URL/ok"
is "$rc" 69 "expired certificate: refused"
like "$T/err" "certificate has expired or is not yet valid" "expired: says so"
get --insecure "$expired_URL/ok"
is "$rc $(head -n 1 "$T/out")" "0 200" "--insecure accepts an expired certificate"
like "$T/err" "warning: --insecure" "--insecure warns"
get --insecure "$wrongname_URL/ok"
is "$rc" 0 "--insecure accepts a wrong name"

SSL_CERT_FILE=$P/ca.crt run "$PGOPS_TESTBIN/httpget" "$good_URL/ok"
is "$rc" 0 "SSL_CERT_FILE is the default trust store"
like "$T/err" "trust anchors: $P/ca.crt \(1 certificates\)" "and -v style info names it"
SSL_CERT_FILE=$P/other-ca.crt run "$PGOPS_TESTBIN/httpget" "$good_URL/ok"
is "$rc" 69 "SSL_CERT_FILE with the wrong CA refuses"

get --cacert "$P/ca.crt" "$mtls_URL/whoami"
is "$(sed -n 2p "$T/out")" "anonymous" "no client certificate: anonymous"
get --cacert "$P/ca.crt" --cert "$P/client.crt" --key "$P/client.key" "$mtls_URL/whoami"
is "$rc $(sed -n 2p "$T/out")" "0 certuser" "RSA client certificate presented"
get --cacert "$P/ca.crt" --cert "$P/client-ec.crt" --key "$P/client-ec.key" "$mtls_URL/whoami"
is "$rc $(sed -n 2p "$T/out")" "0 certuser" "EC client certificate presented"

get --cacert "$P/ca.crt" "$good_URL/chunked"
is "$(tail -n +2 "$T/out" | tr '\n' '|')" "first chunk|second chunk|last chunk|" "chunked response assembled"
get --cacert "$P/ca.crt" -n 100 "$good_URL/port"
like "$T/err" "connections 1$" "100 requests over one kept-alive TLS connection"
get -n 100 "$plain_URL/port"
like "$T/err" "connections 1$" "100 requests over one kept-alive plain connection"
get "$plain_URL/close"
is "$(tail -n +2 "$T/out")" "until close" "body read to the end of the connection"
get "$plain_URL/big?n=3000000"
is "$(tail -n +2 "$T/out" | wc -c)" 3000000 "3 MB body with Content-Length"
get "$plain_URL/status/503"
is "$rc $(head -n 1 "$T/out")" "0 503" "status 503 reported"
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	LISTEN_HOST=::1 https_start six "$P/server.key" "$P/server.crt"
	port=${six_URL##*:}
	get --cacert "$P/ca.crt" "https://[::1]:$port/ok"
	is "$rc $(head -n 1 "$T/out")" "0 200" "IPv6: https://[::1] verified against an IPv6 subjectAltName"
	LISTEN_HOST=::1 https_start sixplain
	get -n 3 "http://[::1]:${sixplain_URL##*:}/port"
	is "$rc $(head -n 1 "$T/out")" "0 200" "IPv6: plain http://[::1] with keep-alive"
else
	skip "no IPv6 loopback here"; skip "no IPv6 loopback here"
fi
get -t 500ms "$plain_URL/slow"
is "$rc" 69 "response slower than the deadline: error"
like "$T/err" "timed out" "and says timed out"
done_testing
