#!/bin/sh
# gzverify's verdicts agree with gzip -t on a generated corpus of valid and
# damaged files from gzip, pigz, our parallel writer and hand-built headers.
# Agreement means: gzip 0 -> gzverify 0, gzip 1 -> gzverify 1. The one
# legitimate difference: gzip exits 2 with "decompression OK, trailing
# garbage ignored", where gzverify calls the file corrupt (exit 1) unless
# --allow-trailing-garbage. Each file is checked with -j1 (inline) and -j2
# (parallel path for indexed members).
. "$(dirname "$0")/support/lib.sh"
python3 "$TOP/tests/support/gzcorpus.py" "$T/c" "$PGOPS_TESTBIN/gzwrite" || exit 1
plan $(($(wc -l <"$T/c/MANIFEST") + 2))

garbage=0
while read -r name; do
	f="$T/c/$name.gz"
	gzip -t "$f" 2>"$T/gzerr"
	g=$?
	gzverify -q -j1 "$f"
	v1=$?
	gzverify -q -j2 "$f"
	v2=$?
	if [ $g = 2 ] && grep -q "trailing garbage ignored" "$T/gzerr"; then
		gzverify -q -j2 --allow-trailing-garbage "$f"
		a=$?
		garbage=$((garbage + 1))
		if [ $v1 = 1 ] && [ $v2 = 1 ] && [ $a = 0 ]; then
			ok 0 "$name: gzip warns of trailing garbage (2); gzverify 1, 0 with --allow-trailing-garbage"
		else
			ok 1 "$name: trailing garbage: gzverify -j1 $v1 -j2 $v2 allowed $a"
		fi
		continue
	fi
	if [ $g = $v1 ] && [ $g = $v2 ]; then
		ok 0 "$name: gzip -t $g, gzverify $v1"
	else
		ok 1 "$name: gzip -t $g, gzverify -j1 $v1, -j2 $v2"
		sed 's/^/# gzip: /' "$T/gzerr"
		gzverify -j2 "$f" 2>&1 | sed 's/^/# gzverify: /'
	fi
done <"$T/c/MANIFEST"
[ $garbage -gt 20 ]
ok $? "the corpus has trailing-garbage cases ($garbage)"
n=$(grep -c 'cut' "$T/c/MANIFEST")
[ "$n" -gt 100 ]
ok $? "the corpus has truncations in every region ($n)"
done_testing
