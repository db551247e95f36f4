#!/bin/sh
# tests/e2e/faults.sh: phimilter fails safe under faults, with a real Postfix
# (issue 7). A private Postfix and sink (tests/lib/pfx.sh), load from
# tests/soak/loadgen.py (labelled clean / PHI-external / PHI-internal
# messages over parallel sessions, retrying 4xx and dropped connections as a
# real client does), accounting of every label against the sink.
#   1. kill -9 of phimilter under load: Postfix tempfails (4xx) while it is
#      down, nothing is accepted unchecked, and after a restart every message
#      is delivered or refused exactly as its label implies (none lost).
#   2. a scan over its time budget (time_budget_ms = 1, an 8 MB attachment)
#      gets the configured on_error: tempfail -> 4xx, reject -> 5xx, and in
#      neither case is the message delivered.
#   3. SIGUSR1 every 100 ms under load, alternating two complete configs
#      (each written to a temporary name and renamed): no connection is
#      dropped, no tempfail, every message decided as both configs decide it
#      (a half-loaded config would fall back to default internal_domains and
#      refuse the internal PHI mail), the daemon keeps its pid.
#   4. quarantine_key_file missing or group/world readable: refuses to start.
#   5. quarantine store full or read-only (a tmpfs in a private mount
#      namespace): tempfail, never accept, nothing delivered.
# Prints TAP. Needs root (postfix start).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
PFX_NAME=faults
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }
tap_redact_add 371-42-8195; tap_redact_add 371428195
LOADGEN="$PFX_PY $PHI_TOP/tests/soak/loadgen.py"
N_KILL=${FAULTS_N_KILL:-80}
N_USR1=${FAULTS_N_USR1:-300}

pfx_init
mkdir -p "$PFX_DIR/quarantine"
# hospital.test is internal too, and it is not in the default (example.org):
# a config read only in part would treat carol@hospital.test as external
conf() { # conf FILE [extra lines]
  pfx_milter_conf "$1" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
social_domains = @$PHI_TOP/conf/social_domains
chat_domains = @$PHI_TOP/conf/chat_domains
quarantine_dir = $PFX_DIR/quarantine
on_error = tempfail
${2:-}
internal_domains = example.org, hospital.test
CONF
}
CONF=$PFX_DIR/phimilter.conf
conf "$CONF"
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -15 | sed 's/^/#   /'; done; }

# room for the big attachment of the time budget case
PFX_MAIN_EXTRA="message_size_limit = 52428800"
pfx_sink_start
pfx_postfix_start
pfx_milter_start "$CONF"
tap_ok $? "phimilter starts" || { show "$PFX_MLOG"; echo "Bail out! phimilter did not start"; exit 1; }

# ------------------------------------------------------------------ 1. kill -9 under load
$LOADGEN send --port "$PFX_PORT" --count "$N_KILL" --sessions 8 --prefix K --deadline 240 \
  --out "$PFX_DIR/kill.tsv" >"$PFX_DIR/kill.send" 2>&1 &
lg=$!
# let some messages through, then kill hard while sessions are busy
_i=0; while [ "$(pfx_sink_count)" -lt 10 ] && [ $_i -lt 300 ]; do _i=$((_i + 1)); pfx_sleep 0.1; done
kill -KILL "$PFX_MILTER_PID"; wait "$PFX_MILTER_PID" 2>/dev/null; PFX_MILTER_PID=
base=$(pfx_lines "$PFX_LOG")
pfx_sleep 3   # down for a while: the clients see tempfails and retry
sent_down=$(pfx_sink_count)
pfx_milter_start "$CONF"
tap_ok $? "phimilter restarts after kill -9" || show "$PFX_MLOG"
wait $lg
tap_ok $? "the load generator gets a final answer for every message" || show "$PFX_DIR/kill.send"
tail -n +"$((base + 1))" "$PFX_LOG" | grep -qE 'milter.*(4\.[0-9]\.[0-9]|tempfail)|451 4\.|421 4\.'
tap_ok $? "while phimilter was down Postfix tempfailed (4xx), it did not pass mail unchecked" || show "$PFX_LOG"
awk -F'\t' '$5 + $6 > 0 { n++ } END { exit !(n > 0) }' "$PFX_DIR/kill.tsv"
tap_ok $? "clients saw the tempfails and retried ($(awk -F'\t' '$5 + $6 > 0' "$PFX_DIR/kill.tsv" | wc -l) messages)"
pfx_wait_sink "$(awk -F'\t' '$2 != "phi_ext"' "$PFX_DIR/kill.tsv" | wc -l)" 60
$LOADGEN account --results "$PFX_DIR/kill.tsv" --sink "$PFX_SINK" >"$PFX_DIR/kill.acct" 2>&1
tap_ok $? "after the restart every message is delivered or refused as its label implies, none lost: $(cat "$PFX_DIR/kill.acct")"
[ "$(pfx_queue_count)" -eq 0 ]
tap_ok $? "nothing is left in Postfix's queue"
! grep -q 'status=bounced' "$PFX_LOG" || ! grep 'status=bounced' "$PFX_LOG" | grep -q 'bob@outside.example\|carol@'
tap_ok $? "nothing was bounced because phimilter was down"
tap_diag "kill -9 with $sent_down of $N_KILL delivered at the kill"

# ------------------------------------------------------------------ 2. over the time budget
"$PFX_PY" - "$PFX_DIR/big.eml" <<'PY'
import base64, sys
body = ("Clinic note line with words and 0123456789 numbers, patient follow up in clinic\n" * 80000).encode()
s = base64.encodebytes(body).decode()
open(sys.argv[1], "w").write("From: a@example.org\nTo: bob@outside.example\nSubject: big notes\nMIME-Version: 1.0\n"
  "Message-ID: <big-budget@example.org>\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello\n"
  "--b\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n"
  "Content-Transfer-Encoding: base64\n\n" + s + "--b--\n")
PY
for oe in tempfail reject; do
  pfx_milter_stop TERM
  conf "$PFX_DIR/budget_$oe.conf" "time_budget_ms = 1
on_error = $oe"
  sed -i '/^on_error = tempfail$/d' "$PFX_DIR/budget_$oe.conf"
  pfx_milter_start "$PFX_DIR/budget_$oe.conf"
  pfx_sink_clear
  base=$(pfx_lines "$PFX_MLOG")
  pfx_send "$PFX_DIR/r.budget_$oe" --to bob@outside.example "$PFX_DIR/big.eml"
  rc=$?
  case $oe in tempfail) want=4 ;; reject) want=5 ;; esac
  [ $rc -eq $want ]
  tap_ok $? "a scan over time_budget_ms with on_error = $oe answers ${want}xx" || show "$PFX_DIR/r.budget_$oe" "$PFX_MLOG"
  pfx_wait_log "$PFX_MLOG" 'timeout|time' 5 "$base"
  tap_ok $? "on_error = $oe: phimilter logs the timeout" || show "$PFX_MLOG"
  pfx_sleep 1
  [ "$(pfx_sink_count)" -eq 0 ]
  tap_ok $? "on_error = $oe: the message over budget is not delivered"
done
pfx_milter_stop TERM

# ------------------------------------------------------------------ 3. SIGUSR1 every 100 ms under load
conf "$PFX_DIR/conf_a" "log_level = info"
conf "$PFX_DIR/conf_b" "log_level = notice
max_scans = 64"
cp "$PFX_DIR/conf_a" "$CONF"
pfx_milter_start "$CONF"
pid0=$PFX_MILTER_PID
pfx_sink_clear
base=$(pfx_lines "$PFX_MLOG")
$LOADGEN send --port "$PFX_PORT" --count "$N_USR1" --sessions 8 --prefix U --deadline 240 --internal-domain hospital.test \
  --out "$PFX_DIR/usr1.tsv" >"$PFX_DIR/usr1.send" 2>&1 &
lg=$!
n_sig=0 flip=a
while kill -0 $lg 2>/dev/null; do
  if [ $flip = a ]; then flip=b; else flip=a; fi
  cp "$PFX_DIR/conf_$flip" "$CONF.tmp" && mv "$CONF.tmp" "$CONF"
  kill -USR1 "$PFX_MILTER_PID" 2>/dev/null && n_sig=$((n_sig + 1))
  pfx_sleep 0.1
done
wait $lg
tap_ok $? "under $n_sig reloads every message got a final answer" || show "$PFX_DIR/usr1.send"
kill -0 "$pid0" 2>/dev/null && [ "$PFX_MILTER_PID" = "$pid0" ]
tap_ok $? "phimilter survives $n_sig SIGUSR1 under load (same pid)"
awk -F'\t' '$5 + $6 > 0 { n++ } END { exit n > 0 }' "$PFX_DIR/usr1.tsv"
tap_ok $? "no connection dropped and no tempfail during the reloads" || \
  tap_diag "$(awk -F'\t' '$5 + $6 > 0' "$PFX_DIR/usr1.tsv" | wc -l) messages retried"
pfx_wait_sink "$(awk -F'\t' '$2 != "phi_ext"' "$PFX_DIR/usr1.tsv" | wc -l)" 60
$LOADGEN account --results "$PFX_DIR/usr1.tsv" --sink "$PFX_SINK" >"$PFX_DIR/usr1.acct" 2>&1
tap_ok $? "every message decided as the complete config decides it (no half-loaded config): $(cat "$PFX_DIR/usr1.acct")"
n_rel=$(tail -n +"$((base + 1))" "$PFX_MLOG" | grep -c 'configuration reloaded')
[ "$n_rel" -ge $((n_sig / 4)) ] && ! tail -n +"$((base + 1))" "$PFX_MLOG" | grep -q 'reload of .* failed'
tap_ok $? "the reloads took effect and none failed ($n_rel logged for $n_sig signals)" || show "$PFX_MLOG"

# ------------------------------------------------------------------ 4. quarantine key file
# Only when the daemon under test knows a quarantine key setting (being added
# separately): its name is taken from the binary's key table.
key=$(grep -ao 'quarantine_key[a-z_]*' "$PHIMILTER" 2>/dev/null | head -1)
if [ -n "$key" ]; then
  pfx_milter_stop TERM
  conf "$PFX_DIR/nokey.conf" "$key = $PFX_DIR/no-such.key"
  "$PHIMILTER" -n -c "$PFX_DIR/nokey.conf" >"$PFX_DIR/nokey.out" 2>&1 && \
    timeout 10 "$PHIMILTER" -f -c "$PFX_DIR/nokey.conf" -p "unix:$PFX_DIR/sock/k.sock" >>"$PFX_DIR/nokey.out" 2>&1
  [ $? -ne 0 ] && grep -q 'no-such.key' "$PFX_DIR/nokey.out"
  tap_ok $? "$key missing: phimilter refuses to start, naming the file" || show "$PFX_DIR/nokey.out"
  head -c 32 /dev/urandom >"$PFX_DIR/open.key"; chmod 0644 "$PFX_DIR/open.key"
  conf "$PFX_DIR/openkey.conf" "$key = $PFX_DIR/open.key"
  "$PHIMILTER" -n -c "$PFX_DIR/openkey.conf" >"$PFX_DIR/openkey.out" 2>&1 && \
    timeout 10 "$PHIMILTER" -f -c "$PFX_DIR/openkey.conf" -p "unix:$PFX_DIR/sock/k.sock" >>"$PFX_DIR/openkey.out" 2>&1
  [ $? -ne 0 ] && grep -q 'open.key' "$PFX_DIR/openkey.out"
  tap_ok $? "$key group/world readable: phimilter refuses to start, naming the file" || show "$PFX_DIR/openkey.out"
fi

# ------------------------------------------------------------------ 5. quarantine store full / read-only
# Only when the daemon can quarantine (blocked_action, quarantine_key_file)
# and a private mount namespace is allowed: phimilter runs inside `unshare
# -m` with quarantine_dir a 16 KiB tmpfs (full at the first message) or that
# tmpfs remounted read-only. A PHI message to an external domain is then
# quarantined: the store cannot be written, so the answer must be 4xx,
# never 250, and nothing is delivered.
QD=$PFX_DIR/qfull
mkdir -p "$QD"
if [ -n "$key" ] && grep -aq 'blocked_action' "$PHIMILTER" && \
   unshare -m sh -c "mount -t tmpfs -o size=16k tmpfs '$QD'" 2>/dev/null; then
  pfx_milter_stop TERM
  head -c 32 /dev/urandom >"$PFX_DIR/q.key"; chmod 0600 "$PFX_DIR/q.key"
  "$PFX_PY" - "$PFX_DIR/qphi.eml" <<'PY'
import sys
filler = "Clinic follow-up notes, continued on the next page of the chart.\n" * 600
open(sys.argv[1], "w").write("From: a@example.org\nTo: bob@outside.example\nSubject: notes\n"
  "Message-ID: <qfull@example.org>\n\nPatient SSN 371-42-8195 was diagnosed with diabetes mellitus "
  "type 2 and started on metformin.\n" + filler)
PY
  for how in full read-only; do
    conf "$PFX_DIR/q_$how.conf" "quarantine_dir = $QD
$key = $PFX_DIR/q.key
blocked_action = quarantine"
    sed -i "0,/^quarantine_dir = .*quarantine\$/{/^quarantine_dir = .*quarantine\$/d}" "$PFX_DIR/q_$how.conf"
    ro=; [ $how = read-only ] && ro="&& mount -o remount,ro '$QD'"
    cat >"$PFX_DIR/wrap_$how" <<WRAP
#!/bin/sh
exec unshare -m sh -c "mount -t tmpfs -o size=16k,mode=0700 tmpfs '$QD' $ro && exec '$PHIMILTER' \\"\\\$@\\"" sh "\$@"
WRAP
    chmod +x "$PFX_DIR/wrap_$how"
    real=$PHIMILTER; PHIMILTER=$PFX_DIR/wrap_$how
    pfx_milter_start "$PFX_DIR/q_$how.conf"; st=$?
    PHIMILTER=$real
    if [ $st -ne 0 ]; then
      tap_ok 1 "quarantine store $how: phimilter starts (to test the tempfail)"; show "$PFX_MLOG"; continue
    fi
    pfx_sink_clear
    base=$(pfx_lines "$PFX_MLOG")
    pfx_send "$PFX_DIR/r.q_$how" --to bob@outside.example "$PFX_DIR/qphi.eml"
    rc=$?
    [ $rc -eq 4 ]
    tap_ok $? "quarantine store $how: a message to be quarantined is tempfailed (4xx), not accepted" || \
      show "$PFX_DIR/r.q_$how" "$PFX_MLOG"
    pfx_wait_log "$PFX_MLOG" 'error=quarantine' 5 "$base"
    tap_ok $? "quarantine store $how: the tempfail is the store's failure (logged error=quarantine...)" || show "$PFX_MLOG"
    pfx_sleep 1
    [ "$(pfx_sink_count)" -eq 0 ]
    tap_ok $? "quarantine store $how: nothing is delivered"
    pfx_milter_stop TERM
  done
fi

tap_done
