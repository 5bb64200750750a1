#!/bin/sh
# Every program has a man page that lints clean, whose SYNOPSIS and whose
# option list (.It Fl entries) each hold exactly the options its usage()
# lists, and that documents exit status, environment and examples.
. "$(dirname "$0")/support/lib.sh"
progs=$(cd "$PGOPS_BIN" && ls)
plan $(($(echo "$progs" | wc -w) * 5))

opts() { grep -oE -- '(^|[^a-z0-9-])--?[a-z0-9][a-z0-9-]*' | sed -E 's/^[^-]+//' | sort -u; }

for p in $progs; do
	m="$TOP/man/man1/$p.1"
	mandoc -Tlint -Wwarning "$m" >"$T/lint" 2>&1
	ok $? "$p: man page lints clean"
	# The option column of usage() (first 32 columns) and its first line.
	"$PGOPS_BIN/$p" --help | sed -n '1p;/^ *-/p' | cut -c1-32 | opts >"$T/usage"
	mandoc -Tutf8 "$m" 2>/dev/null | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | opts >"$T/man"
	if cmp -s "$T/usage" "$T/man"; then ok 0 "$p: SYNOPSIS options = usage() options"; else
		ok 1 "$p: SYNOPSIS options = usage() options"; diff "$T/usage" "$T/man" | sed 's/^/# /'; fi
	grep -E '^\.It .*Fl' "$m" | sed -E 's/Fl Fl /--/g; s/Fl /-/g' | opts >"$T/items"
	if cmp -s "$T/usage" "$T/items"; then ok 0 "$p: documented options = usage() options"; else
		ok 1 "$p: documented options = usage() options"; diff "$T/usage" "$T/items" | sed 's/^/# /'; fi
	mandoc -Tutf8 "$m" 2>/dev/null | col -b >"$T/page"
	for s in "EXIT STATUS" ENVIRONMENT EXAMPLES; do grep -q "^$s" "$T/page" || echo "$s" >>"$T/missing.$p"; done
	[ ! -e "$T/missing.$p" ]
	ok $? "$p: has EXIT STATUS, ENVIRONMENT and EXAMPLES"
	"$PGOPS_BIN/$p" --help | grep -oE '\b(64|65|66|69|70|73|74|75|77|78)\b' | sort -u >"$T/codes"
	missing=$(while read -r c; do grep -q "^     $c\b\|^ *$c\b" "$T/page" || echo "$c"; done <"$T/codes")
	is "$missing" "" "$p: every exit code usage() names is in EXIT STATUS"
done
done_testing
