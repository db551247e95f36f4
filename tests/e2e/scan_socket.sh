#!/bin/sh
# tests/e2e/scan_socket.sh: the scan socket of a real phimilter daemon
# (the flavour under test: ASan in make check, so leaks and memory errors
# fail the daemon's exit status), driven by phictl scan --socket and by raw
# socket clients: decisions, pipelining, a 10 MB request over
# scan_max_request, broken JSON, a client gone mid-request, 50 concurrent
# clients, reload, clean shutdown. TAP on stdout. Synthetic data only.
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
write_conf() { # write_conf MODE
  cat >"$dir/phimilter.conf" <<EOF
socket = unix:$dir/milter.sock
scan_socket = unix:$dir/scan.sock
mode = $1
user = $user
internal_domains = example.org
chat_domains = @$top/conf/chat_domains @$top/conf/chat_services
social_domains = @$top/conf/social_domains
scan_max_request = 1m
EOF
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
