#!/bin/sh
# tests/e2e/portal_http.sh: phiportal over plain HTTP, end to end (issue 10).
# A private Postfix with phimilter redirecting PHI for outside recipients to
# the portal (tests/lib/portal_env.sh), phiportal on a free loopback port,
# its code mail going back through the same Postfix into the sink. Three
# redirected messages (text + PDF, an HTML body with a script, a third for
# the attempt limit) are then driven by tests/lib/portal_http.py: headers,
# cookie attributes, every refusal of CONTRACTS.md (403/410/429), CSRF,
# the message page and the byte-exact download, revoke, hostile requests,
# rate limits, audit records; then a fourth message across a restart of
# phiportal (the wrong-code count is kept in the store) and its delete
# (no file of it left). Prints TAP. Needs root (postfix start).
#
# The planted SSN is synthetic and never printed.
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
: "${PHICTL:=$(dirname "$PHIMILTER")/phictl}"
PFX_NAME=portal_http
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"
. "$PHI_TOP/tests/lib/portal_env.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }
[ -x "$PHIPORTAL" ] || { echo "Bail out! no phiportal at $PHIPORTAL"; exit 1; }

SSN=371-42-8195
tap_redact_add "$SSN"; tap_redact_add 371428195

pfx_init
trap 'portal_stop; pfx_cleanup' EXIT
M=$PFX_DIR/msg
mkdir -p "$M"
PORTAL_ATTEMPTS=3 PORTAL_RATE=120
portal_env_start
"$PFX_PY" "$PHI_TOP/tests/lib/portal_msgs.py" --dir "$M" --ssn "$SSN"

"$PHIPORTAL" -V | grep -q '^phiportal '
tap_ok $? "phiportal -V prints its version"
sed 's|^portal_key_file = .*|portal_key_file =|' "$PORTAL_CONF" >"$PFX_DIR/nokey.conf"
"$PHIPORTAL" -n -c "$PFX_DIR/nokey.conf" >"$PFX_DIR/n.out" 2>&1
[ $? -ne 0 ] && grep -q 'portal_key_file' "$PFX_DIR/n.out"
tap_ok $? "phiportal -n refuses a config without the portal key, naming it"

portal_redirect "$PFX_DIR/link_a" bob@outside.example "$M/a.eml"
tap_ok $? "message A (text + PDF) is redirected: bob gets a notice with a portal link" || tap_diag "$(tail -5 "$PFX_MLOG")"
portal_redirect "$PFX_DIR/link_b" bob@outside.example "$M/b.eml"
tap_ok $? "message B (HTML with a script) is redirected"
portal_redirect "$PFX_DIR/link_c" dave@outside.example "$M/c.eml"
tap_ok $? "message C is redirected to dave"
_leak=0
for f in $(pfx_sink_for bob@outside.example) $(pfx_sink_for dave@outside.example); do
  grep -qF "$SSN" "$f" && _leak=1
  grep -qi 'lab-report.pdf' "$f" && _leak=1
done
[ $_leak = 0 ]
tap_ok $? "the notices carry no SSN and no attachment"

"$PFX_PY" "$PHI_TOP/tests/lib/portal_http.py" --base "$PORTAL_BASE" --sink "$PFX_SINK" --key "$PORTAL_PKEY" \
  --phictl "$PHICTL" --conf "$PORTAL_CONF" --audit "$PORTAL_AUDIT" --portal-log "$PORTAL_LOG" \
  --link-a "$(cat "$PFX_DIR/link_a")" --link-b "$(cat "$PFX_DIR/link_b")" --link-c "$(cat "$PFX_DIR/link_c")" \
  --rcpt bob@outside.example --rcpt-c dave@outside.example --pdf "$M/lab-report.pdf" \
  --attempts "$PORTAL_ATTEMPTS" --count-file "$PFX_DIR/py.count" | tap_redact
read -r _n _f <"$PFX_DIR/py.count" 2>/dev/null || { _n=1 _f=1; echo "not ok - portal_http.py did not finish"; }
TAP_N=$((TAP_N + _n)) TAP_FAILED=$((TAP_FAILED + _f))

# The wrong-code count is kept in the store: one wrong code for message D,
# phiportal restarted, then the limit is reached with the remaining tries;
# phictl quarantine delete leaves no file of D behind.
portal_try() { # portal_try N: landing, a new code, N wrong codes; prints their statuses
  "$PFX_PY" - "$PHI_TOP/tests/lib" "$PORTAL_BASE" "$PFX_SINK" "$(cat "$PFX_DIR/link_d")" "$1" erin@outside.example <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import portal_http as p
base, sink, link, n, rcpt = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
c = p.Client(base, xff="10.9.9.20")
st, _, body, csrf = p.landing(c, link)
mid = p.token_of(link).split(".")[0]
seen = set(e for e, _, _ in p.code_mails(sink, rcpt))
st, _, body = c.post("/m/%s/code" % mid, {"csrf": csrf})
csrf = p.csrf_of(body)
runs, _ = p.wait_code(sink, rcpt, seen)
bad = "88888888" if runs and runs[0] == b"99999999" else "99999999"
out = []
for i in range(n):
    st, _, body = c.post("/m/%s/verify" % mid, {"csrf": csrf, "code": bad})
    out.append(str(st))
    csrf = p.csrf_of(body) or csrf
print(" ".join(out))
PY
}
portal_redirect "$PFX_DIR/link_d" erin@outside.example "$M/c.eml"
tap_ok $? "message D is redirected to erin (restart check)"
ID_D=$(sed 's|.*/m/\([A-Za-z0-9-]*\)?.*|\1|' "$PFX_DIR/link_d")
_st=$(portal_try 1)
[ "$_st" = 403 ] && [ "$(cat "$PORTAL_QDIR/$ID_D.count-wrong-0" 2>/dev/null)" = 1 ] &&
  [ "$(stat -c %a "$PORTAL_QDIR/$ID_D.count-wrong-0")" = 600 ]
tap_ok $? "one wrong code for D: 403, and the store holds the count (ID.count-wrong-0 = 1, mode 0600)" ||
  tap_diag "statuses: $_st"
portal_stop
"$PHIPORTAL" -f -c "$PORTAL_CONF" >>"$PORTAL_LOG" 2>&1 &
PORTAL_PID=$!
_i=0
while ! pfx_tcp_open "$PORTAL_PORT" && [ $_i -lt 100 ]; do _i=$((_i + 1)); pfx_sleep 0.1; done
_st=$(portal_try $((PORTAL_ATTEMPTS - 1)))
_want=$(i=2; s=; while [ $i -lt "$PORTAL_ATTEMPTS" ]; do s="${s}403 "; i=$((i + 1)); done; echo "${s}429")
[ "$_st" = "$_want" ]
tap_ok $? "phiportal restarted between wrong codes: the limit is still reached (429 at wrong code $PORTAL_ATTEMPTS)" ||
  tap_diag "statuses after the restart: $_st (want $_want)"
"$PHICTL" quarantine -c "$PORTAL_CONF" delete "$ID_D" >/dev/null 2>&1 &&
  [ -z "$(ls -A "$PORTAL_QDIR" | grep -F "$ID_D.")" ]
tap_ok $? "phictl quarantine delete leaves no file of D (markers and count included)" ||
  tap_diag "left: $(ls -A "$PORTAL_QDIR" | grep -F "$ID_D." | tr '\n' ' ')"

kill -USR1 "$PORTAL_PID" 2>/dev/null
pfx_wait_log "$PORTAL_LOG" 'configuration reloaded' 10
tap_ok $? "SIGUSR1: phiportal reloads its configuration"
"$PFX_PY" -c 'import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1] + "/m/portal.css", timeout=10).status == 200 else 1)' "$PORTAL_BASE" 2>/dev/null
tap_ok $? "and still answers after the reload"
kill -0 "$PORTAL_PID" 2>/dev/null
tap_ok $? "phiportal is still running"
portal_stop
[ "${PORTAL_RC:-1}" = 0 ]
tap_ok $? "phiportal stops on SIGTERM with status 0"
! grep -qF "$SSN" "$PORTAL_LOG" "$PFX_MLOG" "$PORTAL_AUDIT"
tap_ok $? "no SSN in phiportal's log, phimilter's log or the audit log"
tap_done
