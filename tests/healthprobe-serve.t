#!/bin/sh
# healthprobe serve against a real PostgreSQL and HTTP server: the JSON
# bodies, every status code, readiness following the database down and up
# within a period, wrk load with flat memory, idle connections that must not
# block anyone, and SIGTERM's drain.
. "$(dirname "$0")/support/lib.sh"
plan 37
https_start web
pg_start
run healthprobe serve web="$web_URL/ok"
like "$T/err" 'healthprobe serve needs --listen' "serve without --listen: usage error"
run healthprobe serve --listen :1 --service "$(printf 'x%.0s' $(seq 1 257))" web="$web_URL/ok"
is "$rc $(head -n 1 "$T/err")" "64 healthprobe: --service: at most 256 bytes" "a --service over 256 bytes: usage error, before listening"
run healthprobe serve --listen :1 "$web_URL/ok"
like "$T/err" "is not NAME=TARGET" "serve with a bare target: usage error"
run healthprobe serve --listen :1 --cacert "$T/missing.pem" api=https://127.0.0.1:1/health
is "$rc:$(grep -c 'cannot read CA file' "$T/err")" "78:1" "a bad --cacert is refused at start-up, not by the check thread"
run healthprobe serve --listen ":${web_URL##*:}" web="$web_URL/ok"
is "$rc" 69 "serve on a port already in use: exit 69"
like "$T/err" "cannot listen on :${web_URL##*:}: Address (already )?in use" "naming the address (musl and glibc word EADDRINUSE differently)"
port=$(free_port)
H=http://127.0.0.1:$port
healthprobe serve --listen ":$port" --period 500ms --service api --service-version 1.2.3 --drain 3s \
	web="$web_URL/ok" database="postgresql://postgres@127.0.0.1:$PGPORT/postgres" >"$T/serve.log" 2>&1 &
spid=$!
kill_serve() { kill "$spid"; }
on_exit kill_serve

run healthprobe --wait 10s --interval 100ms "$H/health/ready"
is "$rc" 0 "ready once the checks have run"

# req METHOD PATH [raw request]: status, headers and body into $T/resp.
req() {
	python3 - "$port" "$@" >"$T/resp" <<'PY'
import socket, sys
port, method, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
raw = sys.argv[4].encode().decode("unicode_escape").encode("latin-1") if len(sys.argv) > 4 else \
    ("%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % (method, path)).encode()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(raw)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
sys.stdout.write(data.decode("latin-1"))
PY
}
status() { head -n 1 "$T/resp" | awk '{print $2}'; }
body() { sed '1,/^\r$/d' "$T/resp"; }

req GET /health
is "$(status)" 200 "GET /health: 200"
body >"$T/body"
python3 - "$T/body" <<'PY'
import json, re, sys
raw = open(sys.argv[1]).read()
d = json.loads(raw)
assert list(d) == ["status", "timestamp", "service", "version", "uptime", "uptimeHuman", "checks"], list(d)
assert d["status"] == "ok" and d["service"] == "api" and d["version"] == "1.2.3", d
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", d["timestamp"]), d["timestamp"]
assert isinstance(d["uptime"], int) and re.fullmatch(r"\d+h \d+m \d+s", d["uptimeHuman"]), d
assert d["checks"] == {"web": "ok", "database": "connected"}, d["checks"]
PY
ok $? "/health: the body has exactly the documented shape and values"
req GET /health/ready
is "$(status)" 200 "GET /health/ready: 200 while all pass"
req HEAD /health
is "$(status):$(body | wc -c)" "200:0" "HEAD /health: 200, no body"
like "$T/resp" '^Content-Length: [1-9]' "with the GET body's length"
req POST /health
is "$(status)" 405 "POST: 405"
like "$T/resp" '^Allow: GET, HEAD' "with Allow"
req GET /nope
is "$(status)" 404 "unknown path: 404"
req GET / 'BLAH\r\n\r\n'
is "$(status)" 400 "garbage: 400"
req GET / "GET /health HTTP/1.1\\r\\nX-Big: $(head -c 9000 /dev/zero | tr '\0' a)\\r\\n\\r\\n"
is "$(status)" 431 "a 9 KB request head: 431"
req GET '/health/ready?verbose'
like "$T/resp" '^\[\+\]database ok' "?verbose: Kubernetes-style lines"
like "$T/resp" 'readyz check passed' "and a verdict"
req GET /metrics
like "$T/resp" '^healthprobe_check_up\{check="database"\} 1' "/metrics: Prometheus text with each check"

# The database goes away: readiness follows within a period, liveness not.
pg_stop >/dev/null 2>&1
i=0
while req GET /health/ready && [ "$(status)" != 503 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(status)" 503 "PostgreSQL stopped: /health/ready 503 (after $((i * 100)) ms)"
body | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]=="error" and d["checks"]["database"]=="disconnected", d'
ok $? "status error, database disconnected"
req GET /health
is "$(status)" 200 "/health stays 200: a database failover restarts no pod"
pg_run >/dev/null 2>&1
i=0
while req GET /health/ready && [ "$(status)" != 200 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(status)" 200 "PostgreSQL back: ready again (after $((i * 100)) ms)"

# Load: a probe burst never reaches the database, memory stays flat.
rss() { awk '/^VmRSS/ {print $2}' /proc/$spid/status; }
before=$(rss)
wrk -t 2 -c 20 -d 3s "$H/health" >"$T/wrk" 2>&1
n=$(awk '/requests in/ {print $1}' "$T/wrk")
[ "${n:-0}" -ge 10000 ] && ! grep -q -e 'Socket errors' -e 'Non-2xx' "$T/wrk"
ok $? "wrk: $n requests, no errors"
after=$(rss)
[ $((after - before)) -lt 1024 ]
ok $? "memory flat under load (VmRSS $before KB -> $after KB)"
dbconns=$(psql -X -At -h "$PGHOST" -p "$PGPORT" -U postgres -c "select count(*) from pg_stat_activity where application_name = 'healthprobe'")
[ "$dbconns" -le 1 ]
ok $? "and the database saw at most the one periodic check ($dbconns open)"

# 200 idle connections do not stop a probe from being answered.
python3 -c '
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(200)]
open(sys.argv[2], "w").write("open")
time.sleep(20)
' "$port" "$T/idle.ready" &
idle=$!
wait_file "$T/idle.ready" 10
run healthprobe -t 1s "$H/health"
is "$rc" 0 "with 200 idle connections open, a probe is still answered"
kill $idle 2>/dev/null

# A client that sends half a request and stalls is cut off after 5 s.
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
s.settimeout(10)
t = time.time()
try:
    closed = s.recv(100) == b""
except Exception:
    closed = False
print("closed" if closed and 4 <= time.time() - t <= 8 else "open")
' "$port" >"$T/slow"
is "$(cat "$T/slow")" closed "a half-sent request head is dropped after 5 s"

# sidecar NOFILE ARGS...: another sidecar under a descriptor limit, on a
# free port (xport), its pid in xpid, answering before this returns;
# stopped at the end like the first.
xpids=
kill_sidecars() { [ -z "$xpids" ] || kill $xpids; }
on_exit kill_sidecars
sidecar() {
	xport=$(free_port)
	nofile=$1
	shift
	(ulimit -n "$nofile"; exec healthprobe serve --listen ":$xport" "$@") >"$T/serve-$xport.log" 2>&1 &
	xpid=$!
	xpids="$xpids $xpid"
	healthprobe --wait 10s --interval 100ms "http://127.0.0.1:$xport/health" >/dev/null 2>&1
}

# Issue 20 item 18. Held keep-alive connections beyond the cap: the oldest
# idle one makes room for the new client.
sidecar 4096 web="$web_URL/ok"
port2=$xport
hold() { # PORT N READYFILE [idle]: N connections, each with one answered request
	# (or none: idle), then held
	python3 -c '
import resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(s)
        if len(sys.argv) < 5:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(4096)
    except OSError:
        pass
open(sys.argv[3], "w").write(str(len(socks)))
time.sleep(30)
' "$@" &
}
hold "$port2" 1030 "$T/held2"
held=$!
wait_file "$T/held2" 60
run healthprobe -t 2s "http://127.0.0.1:$port2/health"
is "$rc" 0 "1,030 held keep-alive connections: a new client is still answered (the oldest idle one goes)"
kill $held 2>/dev/null

# With the descriptor limit below the cap: no busy loop on EMFILE, and new
# clients are still answered.
sidecar 40 web="$web_URL/ok"
port3=$xport spid3=$xpid
hold "$port3" 60 "$T/held3" idle
held=$!
wait_file "$T/held3" 60
sleep 0.5
cpu() { awk '{print $14 + $15}' "/proc/$spid3/stat"; }
c0=$(cpu)
sleep 2
c1=$(cpu)
[ $((c1 - c0)) -lt 100 ]
ok $? "60 connections over a 40-descriptor limit: no busy loop ($((c1 - c0)) CPU ticks in 2 s)"
run healthprobe -t 2s "http://127.0.0.1:$port3/health"
is "$rc" 0 "and a new client is answered"
kill $held 2>/dev/null

# 64 checks with 63-character names and a long service name: /health is
# whole JSON and /metrics whole.
set --
for i in $(seq 10 73); do set -- "$@" "c$i$(printf '%060d' 0)=tcp://127.0.0.1:1"; done
svc=$(printf '"%.0s' $(seq 1 200))
sidecar "$(ulimit -n)" --period 1s --service "$svc" "$@"
port4=$xport spid4=$xpid
sleep 1.5
python3 -c '
import json, sys, urllib.request, urllib.error
port = sys.argv[1]
try:
    body = urllib.request.urlopen("http://127.0.0.1:%s/health" % port, timeout=5).read()
except urllib.error.HTTPError as e:
    body = e.read()
d = json.loads(body)
assert len(d["checks"]) == 64 and d["service"] == "\"" * 200, d
m = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port, timeout=5).read().decode()
assert m.count("healthprobe_check_up{") == 64 and m.count("healthprobe_check_latency_seconds{") == 64, m[-300:]
assert m.endswith("healthprobe_uptime_seconds %s\n" % m.rsplit(" ", 1)[1].strip()), m[-200:]
print("whole")
' "$port4" >"$T/big" 2>&1
is "$(cat "$T/big")" whole "64 long check names: /health is valid JSON with all 64, /metrics holds every line"
kill "$spid4"

# SIGTERM: not ready at once, exit 143 after the drain.
kill -TERM $spid
# At once, on a loaded machine: the signal is handled within 2 s (the
# drain is longer than that, so that /health is still served after it).
i=0; while req GET /health/ready; [ "$(status)" != 503 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
is "$(status)" 503 "after SIGTERM: /health/ready 503 at once"
req GET /health
is "$(status)" 200 "while /health still answers during the drain"
wait $spid
is "$?" 143 "and the sidecar exits 143 after --drain"
like "$T/serve.log" 'SIGTERM: not ready; exiting in 3000 ms' "saying so"
done_testing
