#!/bin/sh
# tests/e2e/scan_socket.sh: the scan socket of a real phimilter daemon
# (the flavour under test: ASan in make check, so leaks and memory errors
# fail the daemon's exit status), driven by phictl scan --socket and by raw
# socket clients: decisions, pipelining, a 10 MB request over
# scan_max_request, broken JSON, a client gone mid-request, 50 concurrent
# clients, reload, clean shutdown; and under faults (issue 7): SIGUSR1 every
# 100 ms while clients scan (every reply correct), a client silent or
# trickling a request past scan_socket_timeout is cut off while another goes
# on, kill -9 with requests in flight (each client sees the connection close,
# none hangs) and a restart that serves again. TAP on stdout. Synthetic data
# only.
set -u
top=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PHIMILTER=${PHIMILTER:-$top/phimilter}
PHICTL=${PHICTL:-$top/phictl}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t() { if eval "$1"; then ok "$2"; else nok "$2"; fi; }

dir=$(mktemp -d /tmp/phi_scansock.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  if [ "$failed" -gt 0 ]; then
    echo "# --- tail of phimilter.log"; tail -20 "$dir/phimilter.log" | sed 's/^/# /'
  fi
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# As root the daemon runs as nobody after binding (it refuses root without
# `user`): the directory is nobody's so that it can re-read its config on
# reload and remove its sockets on the way out.
user=
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  user=nobody; chown nobody "$dir"
fi
write_conf() { # write_conf MODE [extra lines]: whole, then renamed (a reload never reads half)
  cat >"$dir/phimilter.conf.tmp" <<EOF
socket = unix:$dir/milter.sock
scan_socket = unix:$dir/scan.sock
mode = $1
user = $user
internal_domains = example.org
chat_domains = @$top/conf/chat_domains @$top/conf/chat_services
social_domains = @$top/conf/social_domains
scan_max_request = 1m
${2:-}
EOF
  mv "$dir/phimilter.conf.tmp" "$dir/phimilter.conf"
}

write_conf enforce
"$PHIMILTER" -f -c "$dir/phimilter.conf" >"$dir/phimilter.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$dir/scan.sock" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
t '[ -S "$dir/scan.sock" ]' "phimilter serves scan_socket"
t '[ "$(stat -c %a "$dir/scan.sock")" = 660 ]' "... a unix socket of mode 0660"

printf 'Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes mellitus (E11.9).\n' >"$dir/phi.txt"
printf 'Lunch at noon?\n' >"$dir/clean.txt"
sock=unix:$dir/scan.sock

"$PHICTL" scan --socket "$sock" --text --rcpt bob@outside.test "$dir/phi.txt" >"$dir/out1" 2>&1
t '[ $? -eq 1 ]' "phictl scan --socket: patient data to outside exits 1"
t 'grep -q "not delivered, incident PHI-" "$dir/out1"' "... and says it is not delivered, with the incident"
t '! grep -q -e 4821937 -e Smith "$dir/out1"' "... without the matched text"
"$PHICTL" scan --socket "$sock" --text --rcpt bob@outside.test "$dir/clean.txt" >"$dir/out2" 2>&1
t '[ $? -eq 0 ]' "phictl scan --socket: clean text exits 0"
"$PHICTL" scan --socket "$sock" --json --text --channel chat --rcpt carol@example.org "$dir/phi.txt" >"$dir/out3" 2>&1
t 'grep -q "\"deliver\":true" "$dir/out3" && grep -q "\"file\":" "$dir/out3"' \
  "phictl scan --socket --json: internal recipient delivered, reply with the file name"
"$PHICTL" scan --socket "$sock" --text --rcpt bob@jabber.org "$dir/phi.txt" >/dev/null 2>&1
t 'grep "classes" "$dir/out3" >/dev/null && grep -q "chat=reject" "$dir/phimilter.log"' \
  "a public XMPP service (conf/chat_services) is a chat destination"
"$PHICTL" scan --socket "unix:$dir/none.sock" --text "$dir/clean.txt" >/dev/null 2>&1
t '[ $? -eq 2 ]' "phictl scan --socket to a missing socket exits 2"

cat >"$dir/clients.py" <<'EOF'
import json, socket, sys, threading
path = sys.argv[1]
PHI = "Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes mellitus (E11.9)."
def conn():
    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path); return s, s.makefile("rwb")
def req(i, text, rcpt="bob@outside.test"):
    return json.dumps({"id": i, "recipients": [rcpt], "text": text}).encode() + b"\n"
def say(cond, name):
    print(("ok - " if cond else "not ok - ") + name, flush=True)
    return cond
allok = True
# pipelined
s, f = conn()
f.write(b"".join(req("p%d" % i, PHI if i % 2 else "hello") for i in range(30))); f.flush()
r = [json.loads(f.readline()) for _ in range(30)]
allok &= say([x["id"] for x in r] == ["p%d" % i for i in range(30)], "30 pipelined requests answered in order")
allok &= say(all(x["deliver"] == (i % 2 == 0) for i, x in enumerate(r)), "... each decided on its own")
# 10 MB over the 1 MB limit, then the connection is still usable
f.write(b'{"id":"big","text":"' + b"x" * (10 * 1024 * 1024) + b'"}\n'); f.flush()
x = json.loads(f.readline())
allok &= say(x.get("id") == "big" and "too large" in x.get("error", ""), "a 10 MB request gets a too-large error with its id")
f.write(b'{"id":"b1","text":}\n{"id":"b2","text":"unterminated\n\xff\xfe garbage\n'); f.flush()
x1, x2, x3 = (json.loads(f.readline()) for _ in range(3))
allok &= say(x1.get("id") == "b1" and "error" in x1 and "error" in x2 and x3.get("id") is None and "error" in x3,
             "broken JSON lines get errors (id when readable, else null)")
f.write(req("after", "hello")); f.flush()
allok &= say(json.loads(f.readline()).get("verdict") == "clean", "... and the connection still answers")
s.close()
# a client that goes away in the middle of a request
s, f = conn(); s.sendall(b'{"id":"half","text":"Patient John'); s.close()
# 50 concurrent clients
res = [False] * 50
def worker(k):
    try:
        s, f = conn()
        good = True
        for j in range(4):
            phi = (k + j) % 2 == 1
            f.write(req("w%d-%d" % (k, j), PHI if phi else "see you at 3")); f.flush()
            x = json.loads(f.readline())
            good &= x["id"] == "w%d-%d" % (k, j) and x["deliver"] == (not phi) and x["verdict"] == ("phi" if phi else "clean")
        s.close(); res[k] = good
    except Exception:
        res[k] = False
th = [threading.Thread(target=worker, args=(k,)) for k in range(50)]
[t.start() for t in th]; [t.join() for t in th]
allok &= say(all(res), "50 concurrent clients: every reply correct")
sys.exit(0 if allok else 1)
EOF
$PY "$dir/clients.py" "$dir/scan.sock"
[ $? -eq 0 ] || failed=$((failed + 1))

# Reload applies to the scan socket: monitor mode delivers.
write_conf monitor
kill -USR1 "$pid"; sleep 1
"$PHICTL" scan --socket "$sock" --json --text --rcpt bob@outside.test "$dir/phi.txt" >"$dir/out4" 2>&1
t 'grep -q "\"deliver\":true" "$dir/out4" && grep -q "\"would\":\"reject\"" "$dir/out4"' \
  "after a reload into monitor mode: delivered, would reject"

# ------------------------------------------------------------------ faults
cat >"$dir/faults.py" <<'EOF'
# faults.py MODE SOCKET [FLAGFILE]: prints "RESULT ok|not ok - name" lines
import json, select, socket, sys, threading, time
mode, path = sys.argv[1], sys.argv[2]
PHI = "Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes mellitus (E11.9)."
def conn(t=30):
    s = socket.socket(socket.AF_UNIX); s.settimeout(t); s.connect(path); return s, s.makefile("rwb")
def req(i, text, rcpt="bob@outside.test"):
    return json.dumps({"id": i, "recipients": [rcpt], "text": text}).encode() + b"\n"
def say(cond, name):
    print("RESULT " + ("ok" if cond else "not ok") + " - " + name, flush=True)
def good(x, i, phi):
    return x.get("id") == i and "error" not in x and x.get("deliver") == (not phi) and \
        x.get("verdict") == ("phi" if phi else "clean")
def worker(k, secs, res):
    # requests one after the other until secs have passed; counts (done, bad)
    try:
        s, f = conn(); end = time.time() + secs; j = 0
        while time.time() < end:
            phi = (k + j) % 2 == 1; i = "r%d-%d" % (k, j)
            f.write(req(i, PHI if phi else "see you at 3")); f.flush()
            line = f.readline()
            if not line or not good(json.loads(line), i, phi):
                res[k] = (j, 1); return
            j += 1
        s.close(); res[k] = (j, 0)
    except Exception:
        res[k] = (0, 1)
def closed_within(s, secs):
    # seconds until the peer closes s (EOF or reset), or None after secs
    t0 = time.time()
    while time.time() - t0 < secs:
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            try:
                if s.recv(4096) == b"": return time.time() - t0
            except (ConnectionResetError, OSError):
                return time.time() - t0
    return None
if mode == "reload":
    res = [None] * 6
    th = [threading.Thread(target=worker, args=(k, 5, res)) for k in range(6)]
    [t.start() for t in th]; [t.join() for t in th]
    n = sum(r[0] for r in res); bad = sum(r[1] for r in res)
    say(bad == 0 and n >= 12, "SIGUSR1 every 100 ms while 6 clients scan: every reply correct, no connection dropped (%d replies)" % n)
elif mode == "slow":
    out = {}
    def silent():
        s, f = conn(); s.sendall(b'{"id":"silent","text":"Patient John'); out["silent"] = closed_within(s, 15)
    def trickle():
        # a byte a second: never silent for scan_socket_timeout (3 s), but
        # the request is not complete after it
        s, f = conn(); s.sendall(b'{"id":"trickle","text":"'); t0 = time.time(); out["trickle"] = None
        while time.time() - t0 < 15:
            try:
                s.sendall(b"x")
            except OSError:
                out["trickle"] = time.time() - t0; return
            c = closed_within(s, 1)
            if c is not None:
                out["trickle"] = time.time() - t0; return
    res = [None]
    th = [threading.Thread(target=silent), threading.Thread(target=trickle),
          threading.Thread(target=worker, args=(0, 6, res))]
    [t.start() for t in th]; [t.join() for t in th]
    si, tr = out.get("silent"), out.get("trickle")
    say(si is not None and 2 <= si <= 8, "a client silent in the middle of a request is disconnected after scan_socket_timeout (%s s)" % (si and round(si, 1)))
    say(tr is not None and 2 <= tr <= 8, "a client trickling a request a byte a second is disconnected after scan_socket_timeout (%s s)" % (tr and round(tr, 1)))
    say(res[0] is not None and res[0][1] == 0 and res[0][0] >= 3, "... while another client's requests all succeed (%s)" % (res[0] and res[0][0]))
elif mode == "kill":
    flag = sys.argv[3]; out = [None] * 6; sent = [0]; lock = threading.Lock()
    def inflight(k):
        try:
            s, f = conn(30)
            f.write(req("k%d" % k, "slow scan phimilter-test-delay " + PHI)); f.flush()
            with lock:
                sent[0] += 1
                if sent[0] == 6: open(flag, "w").close()
            t0 = time.time()
            try:
                line = f.readline()
            except (ConnectionResetError, OSError):
                line = b""
            out[k] = ("closed" if line == b"" else "reply", time.time() - t0)
        except Exception as e:
            out[k] = ("error " + type(e).__name__, 0)
    th = [threading.Thread(target=inflight, args=(k,)) for k in range(6)]
    [t.start() for t in th]; [t.join() for t in th]
    say(all(o and o[0] == "closed" and o[1] < 10 for o in out),
        "kill -9 with 6 requests in flight: every client sees the connection close, none hangs (%s)" %
        ", ".join("%s %.1fs" % o if o else "none" for o in out))
EOF
fault_results() { # turn faults.py's RESULT lines into numbered TAP
  while read -r _st _rest; do
    case $_st in
      RESULT) case $_rest in "ok - "*) ok "${_rest#ok - }" ;; *) nok "${_rest#not ok - }" ;; esac ;;
      *) echo "# $_st $_rest" ;;
    esac
  done
}
reloads() { grep -c 'configuration reloaded' "$dir/phimilter.log"; }

# reload while requests run: two complete configs that decide alike
write_conf enforce "scan_socket_timeout = 3"
r0=$(reloads); kill -USR1 "$pid"
i=0; while [ "$(reloads)" -le "$r0" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
r0=$(reloads)
$PY "$dir/faults.py" reload "$dir/scan.sock" >"$dir/reload.res" 2>&1 &
fp=$!
k=0
while kill -0 "$fp" 2>/dev/null; do
  k=$((k + 1))
  if [ $((k % 2)) = 0 ]; then write_conf enforce "scan_socket_timeout = 3"
  else write_conf enforce "scan_socket_timeout = 3
log_level = notice"; fi
  kill -USR1 "$pid"; sleep 0.1
done
wait "$fp"
fault_results <"$dir/reload.res"
r1=$(reloads)
t '[ $((r1 - r0)) -ge $((k / 4)) ] && ! grep -q "reload of .* failed" "$dir/phimilter.log" && kill -0 "$pid"' \
  "... the reloads took effect ($((r1 - r0)) for $k signals), none failed, same daemon"

# a slow client is cut off; another goes on
write_conf enforce "scan_socket_timeout = 3"
kill -USR1 "$pid"; sleep 1
$PY "$dir/faults.py" slow "$dir/scan.sock" >"$dir/slow.res" 2>&1
fault_results <"$dir/slow.res"
t 'grep -q "request not complete after 3 s (scan_socket_timeout)" "$dir/phimilter.log"' \
  "... and the trickling client is logged, by connection number only"

# kill -9 with requests in flight (each scan held 4 s by the test delay)
kill -TERM "$pid"; wait "$pid"; pid=
l0=$(grep -c 'scan socket listening' "$dir/phimilter.log")
PHIMILTER_TEST_SCAN_DELAY_MS=4000 "$PHIMILTER" -f -c "$dir/phimilter.conf" >>"$dir/phimilter.log" 2>&1 &
pid=$!
i=0; while [ "$(grep -c 'scan socket listening' "$dir/phimilter.log")" -le "$l0" ] && [ $i -lt 300 ]; do
  sleep 0.1; i=$((i + 1))
done
rm -f "$dir/inflight"
$PY "$dir/faults.py" kill "$dir/scan.sock" "$dir/inflight" >"$dir/kill.res" 2>&1 &
fp=$!
i=0; while [ ! -f "$dir/inflight" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
kill -KILL "$pid"; wait "$pid" 2>/dev/null; pid=
wait "$fp"
fault_results <"$dir/kill.res"
"$PHICTL" scan --socket "$sock" --text --rcpt bob@outside.test "$dir/clean.txt" >/dev/null 2>&1
t '[ $? -eq 2 ]' "... and while it is down a client gets a connection error (exit 2), not a hang"
"$PHIMILTER" -f -c "$dir/phimilter.conf" >>"$dir/phimilter.log" 2>&1 &
pid=$!
i=0; while [ ! -S "$dir/scan.sock" ] || ! "$PHICTL" scan --socket "$sock" --text "$dir/clean.txt" >/dev/null 2>&1; do
  [ $i -lt 300 ] || break; sleep 0.1; i=$((i + 1))
done
"$PHICTL" scan --socket "$sock" --text --rcpt bob@outside.test "$dir/phi.txt" >"$dir/out5" 2>&1
rc5=$?
"$PHICTL" scan --socket "$sock" --text --rcpt bob@outside.test "$dir/clean.txt" >/dev/null 2>&1
rc6=$?
t '[ $rc5 -eq 1 ] && [ $rc6 -eq 0 ] && grep -q "not delivered" "$dir/out5"' \
  "after a restart (over the stale socket) requests succeed: PHI refused, clean delivered"

t 'grep -q "channel=chat" "$dir/phimilter.log" && grep -q "channel=mail" "$dir/phimilter.log"' \
  "decisions are logged with their channel"
t '! grep -q -e 4821937 -e "John Smith" -e diabetes -e "bob@" "$dir/phimilter.log"' \
  "the daemon log holds no patient data and no local parts"

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
t '[ $rc -eq 0 ]' "phimilter stops cleanly (exit 0; under ASan: no leak, no memory error)"
t '[ ! -e "$dir/scan.sock" ]' "... and removes the scan socket"
grep -q -E "ERROR: (Address|Leak)Sanitizer|runtime error" "$dir/phimilter.log" && nok "no sanitizer report" || ok "no sanitizer report"

echo "1..$n"
[ "$failed" -eq 0 ]
