#!/usr/bin/env python3
"""Reads share/examples/kubernetes/*.yaml and checks what tests/deploy.t
asks: the workload settings operators rely on, and that every command a
container or probe runs is one of our programs (or sh running one of our
scripts) with options its --help lists. Prints one TAP-free line per
finding, "ok WHAT" or "FAIL WHAT"; the caller counts them.

    kubernetes.py BINDIR EXAMPLES_DIR
"""
import glob
import os
import subprocess
import sys

import yaml

bindir, exdir = sys.argv[1], sys.argv[2]
helps = {}


def say(good, what):
    print(("ok " if good else "FAIL ") + what)


def options_of(prog):
    if prog not in helps:
        out = subprocess.run([os.path.join(bindir, prog), "--help"], capture_output=True, text=True).stdout
        helps[prog] = out
    return helps[prog]


def check_argv(where, argv):
    """argv as the container runs it; returns the programs it runs."""
    if not argv:
        say(False, f"{where}: empty command")
        return []
    prog = os.path.basename(argv[0])
    if prog == "sh":
        script = os.path.basename(argv[1]) if len(argv) > 1 else ""
        path = os.path.join(exdir, script)
        say(os.path.exists(path) and argv[1] == "/usr/share/pgops/" + script,
            f"{where}: sh runs {argv[1] if len(argv) > 1 else '(nothing)'}, a script the image holds")
        return ["sh " + script]
    if not os.path.exists(os.path.join(bindir, prog)):
        say(False, f"{where}: {argv[0]} is not a pgops program")
        return []
    usage = options_of(prog)
    rest = argv[1:]
    tail = []
    if "--" in rest:
        i = rest.index("--")
        rest, tail = rest[:i], rest[i + 1:]
    for a in rest:
        if a.startswith("-"):
            name = a.split("=", 1)[0]
            # "--opt" appears in usage as "--opt " or "--opt\n"; "-t" as "-t,".
            found = any(f"{name}{c}" in usage for c in (" ", ",", "\n", "="))
            say(found, f"{where}: {prog} {name} is an option of {prog}")
    ran = [prog] + [prog + " " + sub for sub in ("serve", "job", "up") if sub in rest]
    if tail:
        ran += check_argv(where + " (after --)", tail)
    return ran


docs = {}
for f in sorted(glob.glob(os.path.join(exdir, "kubernetes", "*.yaml"))):
    with open(f) as fh:
        docs[os.path.basename(f)] = [d for d in yaml.safe_load_all(fh) if d]


def pod_spec(d):
    k = d["kind"]
    if k == "CronJob":
        return d["spec"]["jobTemplate"]["spec"]["template"]["spec"], d["spec"]["jobTemplate"]["spec"]
    if k == "Job":
        return d["spec"]["template"]["spec"], d["spec"]
    return d["spec"]["template"]["spec"], None


ran = []
kinds = []
for f, ds in docs.items():
    for d in ds:
        kinds.append(d["kind"])
        pod, job = pod_spec(d)
        name = f"{f} {d['kind']}/{d['metadata']['name']}"
        if d["kind"] == "CronJob":
            say(d["spec"].get("concurrencyPolicy") == "Forbid", f"{name}: concurrencyPolicy Forbid")
        if job is not None:
            say(isinstance(job.get("backoffLimit"), int), f"{name}: backoffLimit set")
            say(isinstance(job.get("activeDeadlineSeconds"), int), f"{name}: activeDeadlineSeconds set")
            say(pod.get("restartPolicy") in ("Never", "OnFailure"), f"{name}: restartPolicy Never or OnFailure")
            for r in job.get("podFailurePolicy", {}).get("rules", []):
                codes = r.get("onExitCodes", {}).get("values", [])
                say(all(c in (64, 65, 73, 77, 78) for c in codes),
                    f"{name}: podFailurePolicy fails the Job only on codes no retry fixes")
        for kind in ("initContainers", "containers"):
            for c in pod.get(kind, []):
                where = f"{name} {c['name']}"
                if c.get("image", "").startswith("registry.example.com/pgops"):
                    ran += check_argv(where, c.get("command", []) + c.get("args", []))
                    envs = {e["name"] for e in c.get("env", [])}
                    for ref in ("$(HC_BACKUP_URL)", "$(HC_DRILL_URL)"):
                        if ref in c.get("command", []):
                            say(bool(c.get("envFrom")) or ref[2:-1] in envs, f"{where}: {ref} comes from the environment")
                for p in ("livenessProbe", "readinessProbe", "startupProbe"):
                    if p in c and "exec" in c[p]:
                        ran += check_argv(f"{where} {p}", c[p]["exec"]["command"])
                        t = c[p].get("timeoutSeconds", 1)
                        argv = c[p]["exec"]["command"]
                        say("-t" in argv or "--timeout" in argv,
                            f"{where} {p}: healthprobe's own timeout under the probe's {t}s")
say("CronJob" in kinds and "Job" in kinds and "Deployment" in kinds, "a CronJob, a Job and a Deployment")
for want in ("sh pg-backup.sh", "sh restore-drill.sh", "migrate-apply up", "healthprobe serve", "healthprobe job"):
    say(want in ran, f"the examples run {want}")
