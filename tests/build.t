#!/bin/sh
# The build's promises: static binaries, and a second make does nothing.
. "$(dirname "$0")/support/lib.sh"
progs=$(cd "$PGOPS_BIN" && ls)
plan $(($(echo "$progs" | wc -w) + 1))
for p in $progs; do
	if [ "${PGOPS_SANITIZE:-0}" = 1 ]; then skip "$p: sanitizer builds are dynamic"; continue; fi
	file -b "$PGOPS_BIN/$p" >"$T/file"
	like "$T/file" 'statically linked' "$p is statically linked ($(wc -c <"$PGOPS_BIN/$p") bytes)"
done
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C "$TOP" SANITIZE="${PGOPS_SANITIZE:-0}" all tests 2>&1 |
	grep -v -e 'Nothing to be done' -e 'Entering directory' -e 'Leaving directory' >"$T/todo"
is "$(cat "$T/todo")" "" "make with nothing changed has nothing to do"
done_testing
