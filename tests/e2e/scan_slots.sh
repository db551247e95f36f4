#!/bin/sh
# tests/e2e/scan_slots.sh: max_scans is one count for mail and the scan
# socket (milter/scan_slots.c). A real phimilter with max_scans = 1 and the
# test-only scan delay (PHIMILTER_TEST_SCAN_DELAY_MS: a scan-socket request
# whose text holds "phimilter-test-delay" sleeps while it holds its slot):
# one slow scan-socket request holds the one slot, and meanwhile a second
# scan-socket request gets the on_error answer (tempfail, reason max_scans)
# and a mail through a private Postfix (tests/lib/pfx.sh) is told to retry
# (451). Once the slot is free both pass. TAP on stdout. Needs root (Postfix).
# PHI_KEEP_DIR=DIR keeps the work directory (logs, replies) in DIR.
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
PFX_NAME=scan_slots
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }
PY=$PFX_PY
DELAY_MS=6000

pfx_init ${PHI_KEEP_DIR:-}
pfx_sink_start || pfx_die "sink did not start"
pfx_postfix_start
SCAN=$PFX_DIR/sock/scan.sock
pfx_milter_conf "$PFX_DIR/phimilter.conf" <<EOF
user = root
scan_socket = unix:$SCAN
mode = enforce
on_error = tempfail
max_scans = 1
internal_domains = example.org
log_level = info
EOF
export PHIMILTER_TEST_SCAN_DELAY_MS=$DELAY_MS
pfx_milter_start "$PFX_DIR/phimilter.conf"
tap_ok $? "phimilter starts with max_scans = 1 and the test scan delay"
unset PHIMILTER_TEST_SCAN_DELAY_MS
_i=0
while [ ! -S "$SCAN" ] && [ $_i -lt 100 ]; do pfx_sleep 0.1; _i=$((_i + 1)); done

# ask ID TEXT: one request on its own connection; the reply line on stdout.
cat >"$PFX_DIR/ask.py" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(60); s.connect(sys.argv[1])
s.sendall(json.dumps({"id": sys.argv[2], "channel": "chat", "sender": "alice@example.org",
                      "recipients": ["bob@outside.test"], "text": sys.argv[3]}).encode() + b"\n")
print(s.makefile("rb").readline().decode().strip(), flush=True)
EOF
ask() { "$PY" "$PFX_DIR/ask.py" "$SCAN" "$1" "$2"; }

cat >"$PFX_DIR/mail.eml" <<'EML'
From: Alice Example <alice@example.org>
To: Bob Outside <bob@outside.example>
Subject: Friday
Date: Tue, 01 Dec 2026 10:00:00 +0000
Message-ID: <slots-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Coffee on Friday at ten?
EML

# The slow request takes the one slot and keeps it for DELAY_MS.
t0=$(date +%s)
ask slow "Lunch at noon? phimilter-test-delay" >"$PFX_DIR/slow.out" 2>&1 &
slow_pid=$!
pfx_sleep 1

ask second "Lunch at noon?" >"$PFX_DIR/second.out" 2>&1
grep -q '"id":"second"' "$PFX_DIR/second.out" &&
  grep -q '"verdict":"error"' "$PFX_DIR/second.out" &&
  grep -q '"action":"tempfail"' "$PFX_DIR/second.out" &&
  grep -q '"deliver":false' "$PFX_DIR/second.out"
tap_ok $? "a second scan-socket request while the slot is held gets on_error (error, tempfail, deliver false)"
grep -q 'max_scans' "$PFX_DIR/second.out"
tap_ok $? "... with reason max_scans"

pfx_send "$PFX_DIR/mail1.out" "$PFX_DIR/mail.eml"
mrc=$?
[ $mrc -eq 4 ] && grep -q '^451' "$PFX_DIR/mail1.out"
tap_ok $? "a mail while the scan-socket request holds the slot is told to retry (451)"
grep -v ' sock-' "$PFX_MLOG" | grep -q 'error=max_scans on_error=tempfail'
tap_ok $? "... phimilter logs error=max_scans for the mail"
t1=$(date +%s)
[ $((t1 - t0)) -lt $((DELAY_MS / 1000)) ]
tap_ok $? "... all while the slow scan was still running ($((t1 - t0)) s < $((DELAY_MS / 1000)) s)"

wait "$slow_pid"
grep -q '"id":"slow"' "$PFX_DIR/slow.out" && grep -q '"verdict":"clean"' "$PFX_DIR/slow.out" &&
  grep -q '"deliver":true' "$PFX_DIR/slow.out"
tap_ok $? "the slow request itself is answered (clean, deliver true)"

[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "the mail told to retry was not delivered"

ask third "Lunch at noon?" >"$PFX_DIR/third.out" 2>&1
grep -q '"verdict":"clean"' "$PFX_DIR/third.out" && grep -q '"deliver":true' "$PFX_DIR/third.out"
tap_ok $? "once the slot is free a scan-socket request is scanned again"
pfx_send "$PFX_DIR/mail2.out" "$PFX_DIR/mail.eml"
tap_ok $? "... and a mail is accepted"
pfx_wait_sink 1 20
tap_ok $? "... and delivered"

pfx_milter_stop
[ "${PFX_MILTER_RC:-1}" -eq 0 ]
tap_ok $? "phimilter stops cleanly"
grep -q -E "ERROR: (Address|Leak)Sanitizer|runtime error" "$PFX_MLOG"
[ $? -ne 0 ]
tap_ok $? "no sanitizer report"
tap_done
