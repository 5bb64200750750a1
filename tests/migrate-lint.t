#!/bin/sh
# migrate-apply lint, offline: a corpus of statements that hurt a busy
# database (tests/migrate-lint/bad, named RULE-N.sql: each must draw that
# rule and no other) and of statements that do not (good: no warning),
# silencing comments and tables created in the same file included; the
# exit status with and without --check; JSON lines.
. "$(dirname "$0")/support/lib.sh"
C=$TOP/tests/migrate-lint
nbad=$(ls "$C/bad" | wc -l)
ngood=$(ls "$C/good" | wc -l)
plan $((nbad + ngood + 5))
case_dir() { rm -rf "$T/m"; mkdir "$T/m"; cp "$1" "$T/m/1_case.sql"; }
first() { grep -v '^-- migrate-apply:no-transaction' "$1" | head -n 1 | cut -c1-60; }
for f in "$C"/bad/*.sql; do
	rule=$(basename "$f" .sql)
	rule=${rule%-*}
	case_dir "$f"
	run migrate-apply lint --check "$T/m"
	is "$rc $(cut -d: -f3 "$T/out" | tr -d ' ' | sort -u | tr '\n' ' ')" "1 $rule " "$(basename "$f"): $(first "$f")"
done
for f in "$C"/good/*.sql; do
	case_dir "$f"
	run migrate-apply lint --check "$T/m"
	is "$rc $(wc -l <"$T/out")" "0 0" "good/$(basename "$f"): $(first "$f")"
done
case_dir "$C/bad/create-index-1.sql"
run migrate-apply lint "$T/m"
is "$rc" 0 "without --check, warnings do not change the exit status"
like "$T/out" "^$T/m/1_case.sql:1: create-index: CREATE INDEX without CONCURRENTLY" "FILE:LINE: RULE: why"
like "$T/err" "lint: 1 warning\(s\) in 1 migration\(s\)" "and a summary on stderr"
run migrate-apply lint --json "$T/m"
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["rule"] == "create-index" and d["line"] == 1, d' "$T/out"
ok $? "--json: one object per warning"
run migrate-apply lint --check -d "host=127.0.0.1 port=1" "$T/m"
is "$rc" 1 "offline: the database is never contacted"
done_testing
