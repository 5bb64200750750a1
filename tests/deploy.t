#!/bin/sh
# The deployment examples: the Kubernetes YAML parses and its workloads have
# the settings operators rely on; every command a container or probe runs is
# one of our programs with options it has (tests/support/kubernetes.py); the
# migration init container's command, taken from the YAML, applies the
# migrations from a ConfigMap-style mount (..data symlinks) against a real
# server, and the Job's command then finds nothing to do; the crontab's jobs
# run our programs with options they have.
. "$(dirname "$0")/support/lib.sh"
EX=$TOP/share/examples

python3 "$TOP/tests/support/kubernetes.py" "$PGOPS_BIN" "$EX" >"$T/k8s" 2>&1
n=$(grep -c '' "$T/k8s")
plan $((n + 9))
while IFS= read -r l; do
	case $l in
	"ok "*) ok 0 "${l#ok }" ;;
	*) ok 1 "$l" ;;
	esac
done <"$T/k8s"

# A ConfigMap volume as the kubelet lays it out: the files live in a
# timestamped directory, reached through ..data and one symlink per key.
M=$T/migrations
mkdir -p "$M/..2026_11_30_02_00_00.000000001"
cp "$EX"/migrations/*.sql "$M/..2026_11_30_02_00_00.000000001/"
ln -s ..2026_11_30_02_00_00.000000001 "$M/..data"
for f in "$EX"/migrations/*.sql; do ln -s "..data/${f##*/}" "$M/${f##*/}"; done

# argv of a container's command in a YAML file, one per line, with the
# image's paths mapped to ours.
command_of() { # FILE CONTAINER
	python3 - "$EX/kubernetes/$1" "$2" "$PGOPS_BIN" "$M" <<'PY'
import sys, yaml
f, name, bindir, mig = sys.argv[1:]
for d in yaml.safe_load_all(open(f)):
    spec = d["spec"]
    pod = spec["template"]["spec"] if "template" in spec else spec["jobTemplate"]["spec"]["template"]["spec"]
    for c in pod.get("initContainers", []) + pod.get("containers", []):
        if c["name"] == name:
            for a in c["command"]:
                print(a.replace("/bin/", bindir + "/").replace("/migrations", mig))
PY
}
pg_start
pg_sql -c 'CREATE DATABASE app'
# run_argv: runs the command in $T/argv (one argument per line) with the
# Secret's DATABASE_URL.
run_argv() {
	(
		set --
		while IFS= read -r a; do set -- "$@" "$a"; done <"$T/argv"
		DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/app" "$@"
	) >"$T/out" 2>"$T/err"
}
command_of deployment.yaml migrate >"$T/argv"
is "$(wc -l <"$T/argv" | tr -d ' ')" 12 "the init container's command, from the YAML"
run_argv
is "$?" 0 "it waits for the database and applies the ConfigMap's migrations"
is "$(pg_sql -d app -Atc 'SELECT count(*) FROM migrate_apply_history')" 7 "all seven, the ..data entries ignored"
command_of migrate-job.yaml migrate >"$T/argv"
run_argv
is "$?" 0 "the migration Job's command then succeeds"
is "$(pg_sql -d app -Atc 'SELECT count(*) FROM migrate_apply_history')" 7 "with nothing left to apply"
run migrate-apply -d "postgresql://postgres@127.0.0.1:$PGPORT/app" status --check "$M"
is "$rc" 0 "status --check over the mount: nothing pending, nothing changed"

# The crontab: five time fields, a user, then healthprobe job around a script.
grep -vE '^(#|$|[A-Z]+=)' "$EX/crontab" >"$T/cron"
is "$(grep -c '' "$T/cron")" 3 "three cron jobs"
bad=
while IFS= read -r l; do
	cmd=${l#*exec }
	for o in $(printf '%s\n' "${cmd%% -- *}" | grep -oE -- '--[a-z-]+'); do
		healthprobe --help | grep -q -- "$o " || bad="$bad $o"
	done
	s=${cmd##* -- }
	[ -f "$EX/${s##*/}" ] || bad="$bad $s"
done <"$T/cron"
is "$bad" "" "their healthprobe job options exist and their scripts are in share/examples"
[ -x "$EX/pg-backup.sh" ] && [ -x "$EX/restore-drill.sh" ]
ok $? "the scripts are executable, as cron runs them"
done_testing
