#!/bin/sh
# agecrypt against the two reference implementations of the age format,
# Debian's age (Go) and the age-encryption npm package (TypeScript), both
# ways, for sizes around the 64 KiB chunk up to 1 GiB; X25519, several
# recipients, passphrases, armor; the example file Debian's age sources
# ship; then bad input: wrong keys, files cut at every region, bits
# flipped in the header, each chunk and the last tag, chunks reordered,
# data appended, a huge header, a work factor over the ceiling, signals.
. "$(dirname "$0")/support/lib.sh"
plan 126

# The TypeScript library runs from a folder whose node_modules it finds.
mkdir -p "$T/js"
ln -s "$TOP/build/npm-age/node_modules" "$T/js/node_modules"
cp "$TOP/tests/age/agejs.mjs" "$T/js/"
js() { node "$T/js/agejs.mjs" "$@"; }
# Debian's age reads passphrases only from a terminal.
agepty() { python3 "$TOP/tests/age/agepty.py" "$@"; }
same() { cmp -s "$1" "$2" && echo same || echo differ; }

# Usage.
run agecrypt --help
is "$rc" 0 "--help exits 0"
like "$T/out" '^usage: agecrypt \[-r RECIPIENT' "--help prints usage on stdout"
run agecrypt
is "$rc" 64 "nothing to encrypt to is a usage error"
like "$T/err" 'give -r RECIPIENT, -R FILE or -p' "and says what to give"
run agecrypt -r age1notarecipient
is "$rc" 64 "a malformed recipient is a usage error"
run agecrypt -p -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
is "$rc" 64 "-p with recipients is a usage error"
run agecrypt -i /nonexistent
is "$rc" 64 "-i without -d is a usage error"
run agecrypt -d -i "$T/missing-identity"
is "$rc" 66 "a missing identity file is 66"
like "$T/err" "^agecrypt: identity file $T/missing-identity: No such file or directory" "and names it"

# Keys.
run agecrypt --keygen -o "$T/id"
R=$(cat "$T/out")
is "$rc:$(stat -c %a "$T/id")" "0:600" "--keygen writes the identity file with mode 0600"
is "$(age-keygen -y "$T/id")" "$R" "it prints the recipient that age-keygen -y derives from the file"
is "$(agecrypt -y "$T/id")" "$R" "-y derives the same"
like "$T/id" '^# public key: age1' "the file names its public key, as age-keygen's does"
run agecrypt --keygen -o "$T/id"
is "$rc" 73 "--keygen never replaces an existing identity file"
like "$T/err" 'exists; agecrypt --keygen never replaces an identity file' "and says so"
age-keygen -o "$T/id2" 2>/dev/null
R2=$(age-keygen -y "$T/id2")
age-keygen -o "$T/id3" 2>/dev/null
chmod 600 "$T/id2" "$T/id3"

# Sizes around the chunk, several MiB and 1 GiB, each way with each
# implementation.
for n in 0 1 65535 65536 65537 5000000; do
	head -c "$n" /dev/urandom >"$T/p"
	agecrypt -r "$R" -o "$T/c" "$T/p"
	age -d -i "$T/id" "$T/c" >"$T/o1" 2>"$T/err"; a=$?
	js decrypt -i "$T/id" <"$T/c" >"$T/o2" 2>>"$T/err"; b=$?
	is "$a $b $(same "$T/o1" "$T/p") $(same "$T/o2" "$T/p")" "0 0 same same" "$n bytes: ours decrypted by age and by age-encryption"
	age -r "$R" "$T/p" >"$T/c1"
	js encrypt -r "$R" <"$T/p" >"$T/c2"
	agecrypt -d -i "$T/id" "$T/c1" >"$T/o1" 2>"$T/err"; a=$?
	agecrypt -d -i "$T/id" -j 1 <"$T/c2" >"$T/o2" 2>>"$T/err"; b=$?
	is "$a $b $(same "$T/o1" "$T/p") $(same "$T/o2" "$T/p")" "0 0 same same" "$n bytes: age's and age-encryption's decrypted by ours"
done
# -o onto a named pipe writes into it (a rename would replace the pipe
# and the reader would get nothing).
mkfifo "$T/outpipe"
timeout 60 age -d -i "$T/id" "$T/outpipe" >"$T/o1" 2>"$T/err" &
agecrypt -r "$R" -o "$T/outpipe" "$T/p"; a=$?
wait $!; b=$?
is "$a $b $(same "$T/o1" "$T/p") $(stat -c %F "$T/outpipe") $(ls "$T" | grep -c 'outpipe.tmp')" "0 0 same fifo 0" \
	"-o onto a named pipe: the reader decrypts it, the pipe stays a pipe"
# Written in place, a device's errors are the program's: /dev/full fails
# the write (74) and stays a device; a socket cannot be opened (73).
run agecrypt -r "$R" -o /dev/full "$T/p"
is "$rc:$(stat -c %F /dev/full)" "74:character special file" "-o /dev/full: exit 74, and /dev/full is still a device"
like "$T/err" "write /dev/full: No space left on device" "saying why"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/sock"
run agecrypt -r "$R" -o "$T/sock" "$T/p"
is "$rc:$(stat -c %F "$T/sock")" "73:socket" "-o onto a socket: exit 73, the socket left as it was"
like "$T/err" "sock: No such device or address" "with the reason"
size=$(stat -c %s "$T/c")
is "$size" $((5000000 + 77 * 16 + $(head -c 2000 "$T/c" | grep -abo -- '^--- ' | cut -d: -f1) + 48 + 16)) \
	"ciphertext = plaintext + 16 bytes a chunk + header + nonce"

openssl enc -aes-128-ctr -nosalt -pass pass:pgops -pbkdf2 </dev/zero 2>/dev/null | head -c 1073741824 >"$T/big"
want=$(sha256sum <"$T/big" | cut -d' ' -f1)
got=$(agecrypt -r "$R" <"$T/big" | age -d -i "$T/id" | sha256sum | cut -d' ' -f1)
is "$got" "$want" "1 GiB: ours (in parallel) decrypted by age"
got=$(age -r "$R" <"$T/big" | agecrypt -d -i "$T/id" | sha256sum | cut -d' ' -f1)
is "$got" "$want" "1 GiB: age's decrypted by ours (in parallel)"
got=$(agecrypt -j 1 -r "$R" <"$T/big" | js decrypt -i "$T/id" | sha256sum | cut -d' ' -f1)
is "$got" "$want" "1 GiB: ours (one thread) decrypted by age-encryption"
got=$(js encrypt -r "$R" <"$T/big" | agecrypt -d -i "$T/id" | sha256sum | cut -d' ' -f1)
is "$got" "$want" "1 GiB: age-encryption's decrypted by ours"
rm -f "$T/big"

# Several recipients: each identity alone decrypts; files from age too.
head -c 200000 /dev/urandom >"$T/p"
agecrypt -r "$R" -r "$R2" -o "$T/c" "$T/p"
agecrypt -d -i "$T/id2" "$T/c" >"$T/o1"; a=$?
age -d -i "$T/id" "$T/c" >"$T/o2"; b=$?
is "$a $b $(same "$T/o1" "$T/p") $(same "$T/o2" "$T/p")" "0 0 same same" "two recipients: either identity decrypts (ours and age)"
printf '# two recipients\n%s\n\n%s\n' "$R" "$R2" >"$T/rcpts"
age -R "$T/rcpts" "$T/p" | agecrypt -d -i "$T/id3" -i "$T/id2" >"$T/o1"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "age's file to a recipients file: the second of two identity files decrypts"
agecrypt -R "$T/rcpts" "$T/p" | js decrypt -i "$T/id2" >"$T/o1"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "-R FILE with comments and blank lines: age-encryption decrypts"
run agecrypt -d -i "$T/id3" "$T/c"
is "$rc:$(wc -c <"$T/out")" "77:0" "an identity that is not a recipient: 77, nothing written"
like "$T/err" 'no identity matches the file.s recipients' "and says so"

# Key files that are not what they should be, and passphrases.
printf '# mine\n%s\nage1notarecipient\n' "$R" >"$T/badrcpts"
run agecrypt -R "$T/badrcpts" "$T/p"
is "$rc:$(wc -c <"$T/out" | tr -d ' ')" "65:0" "a recipients file with a line that is not a recipient: 65, nothing written"
like "$T/err" "recipients file $T/badrcpts, line 3: not an age X25519 recipient" "and names the line"
printf '%s\n' "$R" >"$T/badid"
chmod 600 "$T/badid"
run agecrypt -d -i "$T/badid" "$T/c"
is "$rc" 65 "an identity file holding a recipient: 65"
like "$T/err" "identity file $T/badid, line 1: not an age X25519 identity" "and names the line"
printf '# nothing here\n\n' >"$T/nokeys"
run agecrypt -R "$T/nokeys" "$T/p"
is "$rc" 65 "a recipients file without a key: 65"
like "$T/err" "recipients file $T/nokeys holds no key" "and says so"
run agecrypt -p --passphrase-file "$T/no-such-pass" "$T/p"
is "$rc" 66 "a missing passphrase file: 66"
like "$T/err" "passphrase file $T/no-such-pass: No such file or directory" "and names it"
run env AGECRYPT_PASSPHRASE= agecrypt -p "$T/p"
is "$rc:$(wc -c <"$T/out" | tr -d ' ')" "64:0" "an empty passphrase: 64, nothing written"
like "$T/err" 'the passphrase is empty' "and says so"

# Armor, each way.
agecrypt -a -r "$R" -o "$T/c" "$T/p"
head -n 1 "$T/c" >"$T/out"
like "$T/out" '^-----BEGIN AGE ENCRYPTED FILE-----$' "-a writes armor"
age -d -i "$T/id" "$T/c" >"$T/o1"; a=$?
js decrypt -a -i "$T/id" <"$T/c" >"$T/o2"; b=$?
is "$a $b $(same "$T/o1" "$T/p") $(same "$T/o2" "$T/p")" "0 0 same same" "armored: ours decrypted by age and by age-encryption"
age -a -r "$R" "$T/p" | agecrypt -d -i "$T/id" >"$T/o1"; a=$?
js encrypt -a -r "$R" <"$T/p" | agecrypt -d -i "$T/id" >"$T/o2"; b=$?
is "$a $b $(same "$T/o1" "$T/p") $(same "$T/o2" "$T/p")" "0 0 same same" "armored: age's and age-encryption's decrypted by ours"
awk '{ sub(/$/, "\r"); print }' "$T/c" | agecrypt -d -i "$T/id" >"$T/o1"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "armor with CRLF line ends decrypts"

# Passphrases: age types them on a terminal; the file and the variable here.
printf 'correct horse battery staple\n' >"$T/pass"
agepty 'correct horse battery staple' age -p -o "$T/c" "$T/p" 2>"$T/err"
head -n 2 "$T/c" | tail -n 1 >"$T/out"
like "$T/out" '^-> scrypt [A-Za-z0-9+/]{22} 18$' "age -p writes an scrypt stanza with work factor 18"
agecrypt -d --passphrase-file "$T/pass" "$T/c" >"$T/o1"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "age's passphrase file decrypted by ours (--passphrase-file)"
agecrypt -p --passphrase-file "$T/pass" -o "$T/c" "$T/p"
head -n 2 "$T/c" | tail -n 1 >"$T/out"
like "$T/out" '^-> scrypt [A-Za-z0-9+/]{22} 18$' "ours too, work factor 18 as age's default"
agepty 'correct horse battery staple' age -d -o "$T/o1" "$T/c" 2>"$T/err"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "ours decrypted by age with the passphrase typed"
AGECRYPT_PASSPHRASE='correct horse battery staple' agecrypt -p --work-factor 12 -a -o "$T/c" "$T/p"
js decrypt -a -p 'correct horse battery staple' <"$T/c" >"$T/o1"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "AGECRYPT_PASSPHRASE, armored, work factor 12: age-encryption decrypts"
js encrypt -p 'correct horse battery staple' -w 12 <"$T/p" >"$T/c"
AGECRYPT_PASSPHRASE='correct horse battery staple' agecrypt -d "$T/c" >"$T/o1"
is "$?:$(same "$T/o1" "$T/p")" "0:same" "age-encryption's passphrase file decrypted by ours"
run env AGECRYPT_PASSPHRASE=wrong agecrypt -d "$T/c"
is "$rc:$(wc -c <"$T/out")" "77:0" "a wrong passphrase is 77, nothing written"
like "$T/err" 'incorrect passphrase' "and says so"
run setsid -w agecrypt -d "$T/c" </dev/null
is "$rc" 77 "no passphrase and no terminal: 77"
like "$T/err" 'no terminal to ask: give --passphrase-file FILE or AGECRYPT_PASSPHRASE' "and says where to give it"
sed '2s/ 12$/ 21/' "$T/c" >"$T/c21"
run env AGECRYPT_PASSPHRASE=x agecrypt -d "$T/c21"
is "$rc:$(wc -c <"$T/out")" "65:0" "a work factor over the ceiling is 65 before scrypt runs"
like "$T/err" 'work factor 2\^21 is over the ceiling 2\^20' "and names both"

# The example file in Debian's age sources, with its key.
ex=/usr/share/gocode/src/filippo.io/age/testdata
age -d -i "$ex/example_keys.txt" "$ex/example.age" >"$T/o1" 2>/dev/null
agecrypt -d -i "$ex/example_keys.txt" "$ex/example.age" >"$T/o2" 2>"$T/err"
is "$?:$(same "$T/o1" "$T/o2"):$(wc -c <"$T/o2" | tr -d ' ')" "0:same:$(wc -c <"$T/o1" | tr -d ' ')" \
	"age's example.age decrypts with its example_keys.txt as age decrypts it"

# Bad input. A file of three chunks: 65536 + 65536 + 1000 bytes.
head -c $((2 * 65536 + 1000)) /dev/urandom >"$T/p"
agecrypt -r "$R" -o "$T/c" "$T/p"
hl=$(($(grep -abo -- '^--- ' "$T/c" | cut -d: -f1) + 48))
c0=$((hl + 16))
c1=$((c0 + 65552))
c2=$((c1 + 65552))
total=$(stat -c %s "$T/c")
is "$total" $((c2 + 1016)) "the file is header, nonce, two full chunks and a 1000-byte one"
head -c 65536 "$T/p" >"$T/p1"
head -c 131072 "$T/p" >"$T/p2"
# decrypts FILE; "rc:bytes written:prefix" where prefix says whether what
# was written is the start of the plaintext.
dec() {
	agecrypt -d -i "$T/id" "$1" >"$T/out" 2>"$T/err"
	rc=$?
	n=$(wc -c <"$T/out" | tr -d ' ')
	if head -c "$n" "$T/p" | cmp -s - "$T/out"; then pre=prefix; else pre=other; fi
	echo "$rc:$n:$pre"
}
cut_at() { head -c "$1" "$T/c" >"$T/cut"; dec "$T/cut"; }
is "$(cut_at 0)" "65:0:prefix" "cut to 0 bytes: 65"
is "$(cut_at 10)" "65:0:prefix" "cut in the version line: 65"
is "$(cut_at 60)" "65:0:prefix" "cut in the stanza: 65"
is "$(cut_at $((hl - 10)))" "65:0:prefix" "cut in the MAC line: 65"
is "$(cut_at "$hl")" "65:0:prefix" "cut after the header, before the nonce: 65"
like "$T/err" 'truncated' "and says it is truncated"
is "$(cut_at $((hl + 8)))" "65:0:prefix" "cut in the nonce: 65"
is "$(cut_at "$c0")" "65:0:prefix" "cut after the nonce: 65"
like "$T/err" 'the file is truncated \(no payload after the header\)' "and says there is no payload"
is "$(cut_at $((c0 + 100)))" "65:0:prefix" "cut in chunk 0: 65, nothing written"
is "$(cut_at "$c1")" "65:0:prefix" "cut after chunk 0 (a full chunk read as the last): 65, nothing written"
like "$T/err" 'chunk 0, the last one read, does not verify: the file is truncated or corrupt' "and says why"
is "$(cut_at $((c1 + 30000)))" "65:65536:prefix" "cut in chunk 1: 65, chunk 0 written, nothing after"
is "$(cut_at "$c2")" "65:65536:prefix" "cut after chunk 1: 65, only chunk 0 written"
is "$(cut_at $((c2 + 500)))" "65:131072:prefix" "cut in the last chunk: 65, the two verified chunks written"
is "$(cut_at $((total - 1)))" "65:131072:prefix" "the last tag cut by a byte: 65"
is "$(cut_at $((c2 + 10)))" "65:131072:prefix" "a last chunk shorter than its tag: 65"
flip_at() {
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[2])] ^= 1; open(sys.argv[3], "wb").write(b)' \
		"$T/c" "$1" "$T/flip"
	dec "$T/flip"
}
is "$(flip_at 3)" "65:0:prefix" "a bit flipped in the version line: 65"
is "$(flip_at 1)" "65:0:prefix" "a bit flipped in the magic: 65"
is "$(flip_at $((hl - 5)))" "65:0:prefix" "a bit flipped in the header MAC: 65"
# Another base64 character at a place (a flipped bit may leave the
# alphabet, and the header then fails as malformed instead).
swap_at() {
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); i = int(sys.argv[2]); b[i] = ord("B") if b[i] == ord("A") else ord("A"); open(sys.argv[3], "wb").write(b)' \
		"$T/c" "$1" "$T/flip"
	dec "$T/flip"
}
is "$(swap_at $((hl - 5)))" "65:0:prefix" "another MAC of the right form: 65"
like "$T/err" "header's MAC does not match" "and says the header was altered"
is "$(flip_at $((hl - 49)))" "65:0:prefix" "a bit flipped in the stanza body's last line end: 65 (malformed)"
is "$(swap_at 40)" "77:0:prefix" "another character in the stanza's share: no identity matches (77, as age: indistinguishable from another recipient's)"
is "$(flip_at $((hl + 3)))" "65:0:prefix" "a bit flipped in the nonce: chunk 0 fails, 65"
is "$(flip_at $((c0 + 30000)))" "65:0:prefix" "a bit flipped in chunk 0: 65, nothing written"
like "$T/err" 'chunk 0 does not verify: the file is corrupt' "and names the chunk"
is "$(flip_at $((c1 + 5)))" "65:65536:prefix" "a bit flipped in chunk 1: 65, chunk 0 written"
is "$(flip_at $((c1 + 65540)))" "65:65536:prefix" "a bit flipped in chunk 1's tag: 65, chunk 0 written"
is "$(flip_at $((c2 + 3)))" "65:131072:prefix" "a bit flipped in the last chunk: 65"
is "$(flip_at $((total - 1)))" "65:131072:prefix" "a bit flipped in the last tag: 65"
{ head -c "$c0" "$T/c"; tail -c +$((c1 + 1)) "$T/c" | head -c 65552; tail -c +$((c0 + 1)) "$T/c" | head -c 65552; tail -c +$((c2 + 1)) "$T/c"; } >"$T/swap"
is "$(dec "$T/swap")" "65:0:prefix" "chunks 0 and 1 swapped: 65, nothing written"
{ cat "$T/c"; printf 'more'; } >"$T/more"
is "$(dec "$T/more")" "65:131072:prefix" "data appended after the last chunk: 65"
head -c $((2 * 65536)) /dev/urandom >"$T/p"
agecrypt -r "$R" -o "$T/c2full" "$T/p"
{ cat "$T/c2full"; printf 'x'; } >"$T/more"
is "$(dec "$T/more")" "65:65536:prefix" "a byte appended after a full last chunk: 65"
like "$T/err" 'data after the final chunk' "and says so"
run agecrypt -d -i "$T/id" "$T/rcpts"
is "$rc" 65 "not an age file: 65"
like "$T/err" 'is not an age file' "and says so"
{ printf 'age-encryption.org/v1\n'; i=0; while [ $i -lt 30000 ]; do printf -- '-> padding\n\n'; i=$((i + 1)); done; } >"$T/huge"
run agecrypt -d -i "$T/id" "$T/huge"
is "$rc" 65 "a header over 256 KiB: 65"
like "$T/err" 'age header longer than 262144 bytes' "and says so"
printf -- '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl!!!\n-----END AGE ENCRYPTED FILE-----\n' >"$T/badarmor"
run agecrypt -d -i "$T/id" "$T/badarmor"
is "$rc" 65 "armor that is not base64: 65"
like "$T/err" 'invalid armor' "and says so"

# -o: written under a temporary name, renamed only when complete.
cp "$T/id" "$T/id-open"
chmod 644 "$T/id-open"
run agecrypt -d -i "$T/id-open" -o "$T/dec" "$T/flip"
is "$rc:$(ls "$T" | grep -c '^dec')" "65:0" "-o with a corrupt input: 65 and nothing under FILE or a temporary name"
like "$T/err" 'may be read by any user \(mode 644\)' "an identity file others may read is warned about"
agecrypt -d -i "$T/id" -o "$T/dec" "$T/c2full"
is "$?:$(stat -c %a "$T/dec"):$(same "$T/dec" "$T/p")" "0:600:same" "-o of a decryption: mode 0600, complete"
# A signal: the work stops, the temporary file goes, 128 + 15.
mkfifo "$T/fifo"
(head -c 300000 /dev/urandom; sleep 30) >"$T/fifo" &
feeder=$!
agecrypt -r "$R" -o "$T/sig" "$T/fifo" 2>"$T/err" &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
kill "$feeder" 2>/dev/null
is "$rc:$(ls "$T" | grep -c '^sig')" "143:0" "SIGTERM while encrypting to -o: 143, nothing left"

# A full disk and a closed pipe are I/O errors, said as such.
run sh -c "agecrypt -d -i '$T/id' '$T/c2full' >/dev/full"
is "$rc" 74 "decrypting to a full disk: 74"
like "$T/err" 'write \(stdout\): No space left on device' "and says so"
head -c 10000000 /dev/zero | agecrypt -r "$R" 2>"$T/err" | head -c 10 >/dev/null
is "$(sed -n 's/.*\(write (stdout): Broken pipe\).*/\1/p' "$T/err")" "write (stdout): Broken pipe" "a reader that goes away: write (stdout): Broken pipe"

agecrypt --progress -r "$R" "$T/c2full" 2>"$T/err" >/dev/null
like "$T/err" 'c2full: 128.* 100%' "--progress: a meter on stderr over the input, to 100%"
agecrypt -r "$R" "$T/c2full" 2>"$T/err" >/dev/null
is "$(wc -c <"$T/err" | tr -d ' ')" 0 "without it and without a terminal: nothing on stderr"

# -j: any number of threads writes the same format.
head -c 3000000 /dev/urandom >"$T/p"
for j in 1 3 8; do
	agecrypt -j "$j" -r "$R" "$T/p" | age -d -i "$T/id" >"$T/o1"
	agecrypt -r "$R" "$T/p" | agecrypt -j "$j" -d -i "$T/id" >"$T/o2"
	is "$(same "$T/o1" "$T/p") $(same "$T/o2" "$T/p")" "same same" "-j $j encrypts and decrypts"
done

# The rest of the suite names an encrypted file.
printf 'x\n' | gzip | agecrypt -r "$R" >"$T/c.gz.age"
run gzverify "$T/c.gz.age"
is "$rc" 65 "gzverify on an age file: 65"
like "$T/err" 'encrypted with age; decrypt with agecrypt -d' "and says how to read it"
agecrypt -d -i "$T/id" "$T/c.gz.age" | gzverify >/dev/null 2>&1
is "$?" 0 "decrypted, gzverify accepts it"
done_testing
