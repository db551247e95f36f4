#!/bin/sh
# tests/e2e/chat_prosody.sh: the chat gateway end to end. A real Prosody
# (Debian prosody, private config and data directory, loopback only) loads
# gateways/prosody/mod_phi.lua, which asks a real phimilter's scan socket;
# real XMPP clients (python3-slixmpp, tests/lib/xmpp_chat.py) chat through
# it. Two virtual hosts: example.org (internal_domains) and outside.test
# (an outside domain), and a MUC component conference.example.org (internal).
# Scenarios: enforce, slow (test delay in the daemon:
# PHIMILTER_TEST_SCAN_DELAY_MS), a room with an outside occupant
# (tests/lib/xmpp_muc.py), monitor (after a SIGUSR1 reload), and phimilter
# stopped (on_error). TAP lines on stdout; needs root (Prosody's
# run_as_root in its private config; nothing system-wide is touched).
set -u
top=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PHIMILTER=${PHIMILTER:-$top/phimilter}
PY=/usr/bin/python3
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
t() { if eval "$1"; then ok "$2"; else nok "$2"; fi; }

if ! command -v prosody >/dev/null 2>&1 || ! $PY -c 'import slixmpp' 2>/dev/null; then
  echo "ok 1 - # SKIP prosody or python3-slixmpp not installed (make deps)"
  exit 0
fi

dir=$(mktemp -d /tmp/phi_chat.XXXXXX)
milter_pid= prosody_pid=
cleanup() {
  [ -n "$prosody_pid" ] && kill "$prosody_pid" 2>/dev/null && wait "$prosody_pid" 2>/dev/null
  [ -n "$milter_pid" ] && kill "$milter_pid" 2>/dev/null && wait "$milter_pid" 2>/dev/null
  if [ "$failed" -gt 0 ] || [ -n "${PHI_KEEP:-}" ]; then
    for f in "$dir/phimilter.log" "$dir/prosody.log"; do
      [ -f "$f" ] && { echo "# --- tail of $(basename "$f")"; tail -15 "$f" | sed 's/^/# /'; }
    done
  fi
  [ -n "${PHI_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT INT TERM

port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

write_conf() { # write_conf MODE
  cat >"$dir/phimilter.conf" <<EOF
socket = unix:$dir/milter.sock
scan_socket = unix:$dir/scan.sock
mode = $1
user = root
internal_domains = example.org
chat_domains = @$top/conf/chat_domains
social_domains = @$top/conf/social_domains
log_level = info
EOF
}

start_milter() {
  rm -f "$dir/scan.sock"
  PHIMILTER_TEST_SCAN_DELAY_MS=4000 "$PHIMILTER" -f -c "$dir/phimilter.conf" >>"$dir/phimilter.log" 2>&1 &
  milter_pid=$!
  i=0
  while [ ! -S "$dir/scan.sock" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  [ -S "$dir/scan.sock" ]
}

stop_milter() {
  [ -n "$milter_pid" ] || return 0
  kill "$milter_pid" 2>/dev/null
  wait "$milter_pid" 2>/dev/null
  milter_pid=
}

mkdir -p "$dir/data"
cat >"$dir/prosody.cfg.lua" <<EOF
-- private Prosody for tests/e2e/chat_prosody.sh
run_as_root = true
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
plugin_paths = { "$top/gateways/prosody" }
modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "phi" }
modules_disabled = { "s2s" }
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = {}
s2s_ports = {}
http_ports = {}
https_ports = {}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
log = { { levels = { min = "info" }, to = "file", filename = "$dir/prosody.log" } }
phi_scan_socket = "$dir/scan.sock"
phi_timeout = 8
phi_on_error = "tempfail"
phi_config_refresh = 2
phi_upload_hosts = { "upload.example.org" }
VirtualHost "example.org"
VirtualHost "outside.test"
Component "conference.example.org" "muc"
  muc_room_locking = false
EOF

for u in alice@example.org carol@example.org dave@example.org bob@outside.test erin@outside.test; do
  prosodyctl --config "$dir/prosody.cfg.lua" register "${u%@*}" "${u#*@}" pw >>"$dir/prosodyctl.log" 2>&1
done
t '[ -f "$dir/data/example%2eorg/accounts/alice.dat" ]' "prosodyctl registers the test users"

write_conf enforce
t start_milter "phimilter starts with its scan socket"

prosody --config "$dir/prosody.cfg.lua" -F >>"$dir/prosody.out" 2>&1 &
prosody_pid=$!
i=0
while ! $PY -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && [ $i -lt 100 ]; do
  sleep 0.2; i=$((i + 1))
done
t 'kill -0 $prosody_pid 2>/dev/null' "prosody runs on 127.0.0.1:$port"
t 'grep -q "mod_phi\|phi" "$dir/prosody.log" || true' "prosody log written"
sleep 2.5 # mod_phi reads internal_domains from the daemon

$PY "$top/tests/lib/xmpp_chat.py" "$port" enforce
[ $? -eq 0 ] || failed=$((failed + 1))
$PY "$top/tests/lib/xmpp_chat.py" "$port" slow
[ $? -eq 0 ] || failed=$((failed + 1))
# A file in mod_http_file_share's store (as an upload leaves it there).
mkdir -p "$dir/data/upload%2eexample%2eorg/http_file_share"
printf 'Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes mellitus (E11.9).\n' \
  >"$dir/data/upload%2eexample%2eorg/http_file_share/Xy9kLm2Pq7Rs4Tu1.bin"
$PY "$top/tests/lib/xmpp_chat.py" "$port" upload
[ $? -eq 0 ] || failed=$((failed + 1))

# A room on the internal MUC host with an outside occupant (issue 11).
$PY "$top/tests/lib/xmpp_muc.py" "$port" "ward7@conference.example.org"
[ $? -eq 0 ] || failed=$((failed + 1))
# The room is internal: an external class in the decision comes from bob.
t 'grep "channel=chat" "$dir/phimilter.log" | grep "verdict=phi action=reject" | grep " external=reject/1" | grep -q " internal="' \
  "the room message was decided for the outside occupant (external) and the room (internal)"
# The slow room message: scanned for bob, then again once erin had joined.
t '[ "$(grep "channel=chat" "$dir/phimilter.log" | grep " internal=" | grep -c " ms=[4-9][0-9][0-9][0-9] ")" -eq 2 ]' \
  "an outside occupant joining during the scan means a second scan before the broadcast"

t 'grep -q "channel=chat" "$dir/phimilter.log"' "phimilter logs the chat decisions with channel=chat"
t 'grep "channel=chat" "$dir/phimilter.log" | grep -q "verdict=phi action=reject"' "... including the rejected one"

# Monitor mode after a reload: decided, audited, delivered.
write_conf monitor
kill -USR1 "$milter_pid"
sleep 1
t 'grep -q "mode=monitor" "$dir/phimilter.log"' "phimilter reloads into monitor mode"
$PY "$top/tests/lib/xmpp_chat.py" "$port" monitor
[ $? -eq 0 ] || failed=$((failed + 1))
t 'grep "channel=chat" "$dir/phimilter.log" | grep -q "mode=monitor verdict=phi action=tag would=reject"' \
  "monitor mode audits what enforce would have done"

# phimilter stopped: the module applies on_error (tempfail: hold, retry).
stop_milter
$PY "$top/tests/lib/xmpp_chat.py" "$port" down
[ $? -eq 0 ] || failed=$((failed + 1))

leak=0
for f in "$dir/phimilter.log" "$dir/prosody.log"; do
  grep -q -e 4821937 -e "John Smith" -e diabetes "$f" && leak=1
done
t '[ $leak -eq 0 ]' "no patient data in phimilter's or Prosody's log"

echo "1..$n"
[ "$failed" -eq 0 ]
