# Test PKI, generated at test time with the openssl CLI into $1:
#   ca.crt/.key           the test CA
#   other-ca.crt          an unrelated CA (the "wrong CA")
#   server.crt/.key       localhost, 127.0.0.1, ::1 (signed by ca)
#   wrongname.crt/.key    only db.invalid / 10.255.255.1 (signed by ca)
#   expired.crt/.key      localhost, 127.0.0.1, valid 2020-2021 (signed by ca)
#   client.crt/.key       CN=certuser, RSA (signed by ca)
#   client-ec.crt/.key    CN=certuser, EC P-256 (signed by ca)
# Source it and call pki_make DIR.
pki_make() {
	d=$1
	mkdir -p "$d"
	(
	cd "$d" || exit 1
	q() { "$@" >/dev/null 2>&1 || { echo "pki: $* failed" >&2; exit 1; }; }
	q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 \
		-subj "/CN=pgops test CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	q openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 30 \
		-subj "/CN=pgops other CA" -addext basicConstraints=critical,CA:TRUE
	leaf() { # name subject san [ec]
		if [ "${4:-}" = ec ]; then
			q openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
		else
			q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
		fi
		printf 'basicConstraints=CA:FALSE\n%s\n' "$3" >"$1.ext"
		q openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
			-extfile "$1.ext" -out "$1.crt"
	}
	leaf server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
	leaf wrongname "/CN=db.invalid" "subjectAltName=DNS:db.invalid,IP:10.255.255.1"
	leaf client "/CN=certuser" "extendedKeyUsage=clientAuth"
	leaf client-ec "/CN=certuser" "extendedKeyUsage=clientAuth" ec
	# An expired certificate needs explicit dates: openssl ca can set them.
	mkdir -p ca.db
	: >ca.db/index
	echo 1000 >ca.db/serial
	cat >ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca.db/index
serial = ca.db/serial
new_certs_dir = ca.db
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
CNF
	q openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
	q openssl ca -batch -config ca.cnf -in expired.csr -out expired.crt \
		-startdate 20200101000000Z -enddate 20210101000000Z
	chmod 644 ./*.crt
	chmod 600 ./*.key
	)
}
