#!/bin/sh
# tests/e2e/metrics_http.sh: metrics_listen on a real phimilter daemon (the
# flavour under test): the start-up log line, GET /metrics over HTTP (status,
# content type, the counters, the same text as metrics_file), 404 and 405,
# a bad address refused by -n with FILE:LINE, a port already taken refused
# at start, a reload that reports the [restart] key, and a clean SIGTERM
# that closes the port. TAP on stdout.
set -u
top=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PHIMILTER=${PHIMILTER:-$top/phimilter}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t() { if eval "$1"; then ok "$2"; else nok "$2"; fi; }

dir=$(mktemp -d /tmp/phi_metrics_http.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  if [ "$failed" -gt 0 ]; then
    echo "# --- tail of phimilter.log"; tail -20 "$dir/phimilter.log" | sed 's/^/# /'
  fi
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# As root: `user = root` (runs as root on purpose); otherwise no drop.
user=
[ "$(id -u)" = 0 ] && user=root
# A free loopback port (bound and released: a small race, fine here).
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# fetch PATH [METHOD]: status and Content-Type to $dir/head, body to $dir/body
# (status 0 when nothing answers).
cat >"$dir/fetch.py" <<'EOF'
import sys, urllib.request, urllib.error
port, path, method, d = sys.argv[1:5]
req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), method=method,
                             data=b"x" if method == "POST" else None)
try:
    r = urllib.request.urlopen(req, timeout=10)
    code, ctype, body = r.status, r.headers.get("Content-Type", ""), r.read()
except urllib.error.HTTPError as e:
    code, ctype, body = e.code, e.headers.get("Content-Type", ""), e.read()
except Exception as e:
    code, ctype, body = 0, "", str(e).encode()
open(d + "/head", "w").write("%d\n%s\n" % (code, ctype))
open(d + "/body", "wb").write(body)
EOF
fetch() { "$PY" "$dir/fetch.py" "$port" "$1" "${2:-GET}" "$dir"; }

cat >"$dir/phimilter.conf" <<EOF
socket = unix:$dir/milter.sock
user = $user
internal_domains = example.org
metrics_file = $dir/metrics.prom
metrics_interval = 1
metrics_listen = 127.0.0.1:$port
EOF

printf 'mode = enforce\nmetrics_listen = localhost:80\n' >"$dir/bad.conf"
"$PHIMILTER" -n -c "$dir/bad.conf" >"$dir/n.out" 2>&1
t '[ $? -ne 0 ] && grep -q "bad.conf:2: metrics_listen: " "$dir/n.out"' \
  "phimilter -n refuses metrics_listen = localhost:80 with FILE:LINE"

"$PHIMILTER" -f -c "$dir/phimilter.conf" >"$dir/phimilter.log" 2>&1 &
pid=$!
i=0
while ! grep -q "metrics on http://" "$dir/phimilter.log" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
t 'grep -q "metrics on http://127.0.0.1:$port/metrics" "$dir/phimilter.log"' \
  "the daemon logs: metrics on http://127.0.0.1:PORT/metrics"

fetch /metrics
t '[ "$(sed -n 1p "$dir/head")" = 200 ]' "GET /metrics answers 200"
t '[ "$(sed -n 2p "$dir/head")" = "text/plain; version=0.0.4" ]' "... as text/plain; version=0.0.4"
t 'grep -qx "phimilter_messages_total 0" "$dir/body" && grep -q "^phimilter_info{version=" "$dir/body"' \
  "... with the counters (phimilter_messages_total, phimilter_info)"
i=0
while [ ! -s "$dir/metrics.prom" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t 'cmp -s "$dir/body" "$dir/metrics.prom"' "... the same text as metrics_file (no traffic in between)"
fetch /
t '[ "$(sed -n 1p "$dir/head")" = 200 ]' "GET / answers 200 too"
fetch /nope
t '[ "$(sed -n 1p "$dir/head")" = 404 ]' "GET /nope answers 404"
fetch /metrics POST
t '[ "$(sed -n 1p "$dir/head")" = 405 ]' "POST /metrics answers 405"

# A second daemon on the same metrics port does not start.
sed -e "s#milter.sock#milter2.sock#" -e "/^metrics_file/d" "$dir/phimilter.conf" >"$dir/second.conf"
timeout 20 "$PHIMILTER" -f -c "$dir/second.conf" >"$dir/second.log" 2>&1
t '[ $? -ne 0 ] && grep -q "metrics_listen 127.0.0.1:$port: " "$dir/second.log"' \
  "a second daemon on a taken port refuses to start and says why"

# metrics_listen is a [restart] key: a reload says so and the port stays.
sed "s#^metrics_listen = .*#metrics_listen = [::1]:$port#" "$dir/phimilter.conf" >"$dir/c.tmp" &&
  mv "$dir/c.tmp" "$dir/phimilter.conf"
kill -USR1 "$pid"
i=0
while ! grep -q "configuration reloaded" "$dir/phimilter.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t 'grep -q "reload: metrics_listen changed; it takes effect at restart" "$dir/phimilter.log"' \
  "a reload with another metrics_listen says it waits for a restart"
fetch /metrics
t '[ "$(sed -n 1p "$dir/head")" = 200 ]' "... and the configured port keeps answering"

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
wait "$pid"
rc=$?
pid=
t '[ $rc -eq 0 ] && grep -q "stopped" "$dir/phimilter.log"' "SIGTERM stops the daemon cleanly (exit 0)"
fetch /metrics
t '[ "$(sed -n 1p "$dir/head")" = 0 ]' "... and nothing answers on the port afterwards"

echo "1..$n"
[ "$failed" -eq 0 ]
