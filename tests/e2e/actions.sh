#!/bin/sh
# tests/e2e/actions.sh: the actions of issue 5 end to end through a real
# Postfix (tests/lib/pfx.sh): quarantine and single-use release, a forged
# release header, the portal redirect (notice only, link verify / altered /
# expired, fetch byte-exact), [secure] with mixed recipients, a store that
# cannot be written (tempfail, nothing lost), key-file refusal, the audit
# log and phictl report. Prints TAP. Needs root (postfix start).
#
# The planted SSN is synthetic and never printed (greps only; diagnostics
# go through tap_redact).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
: "${PHICTL:=$PHI_TOP/phictl}"
PFX_NAME=actions
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }
[ -x "$PHICTL" ] || { echo "Bail out! no phictl at $PHICTL"; exit 1; }

SSN=371-42-8195
SSN_DIGITS=371428195
tap_redact_add "$SSN"; tap_redact_add "$SSN_DIGITS"
has_ssn() { cat "$@" 2>/dev/null | grep -qF -e "$SSN" -e "$SSN_DIGITS"; }
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -15 | sed 's/^/#   /'; done; }

pfx_init
M=$PFX_DIR/msg R=$PFX_DIR/replies
mkdir -p "$M" "$R"
QDIR=$PFX_DIR/quarantine AUDIT=$PFX_DIR/audit.log
head -c 32 /dev/urandom >"$PFX_DIR/qkey"; chmod 600 "$PFX_DIR/qkey"
head -c 32 /dev/urandom >"$PFX_DIR/pkey"; chmod 600 "$PFX_DIR/pkey"

phi_msg() { # phi_msg TO SUBJECT
  cat <<EML
From: Alice Example <alice@example.org>
To: <$1>
Subject: $2
Date: Tue, 01 Dec 2026 10:05:00 +0000
Message-ID: <act-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Follow-up for the clinic file.

Patient SSN $SSN was diagnosed with diabetes mellitus type 2 and
started on metformin; HbA1c and a follow-up appointment in the clinic
are due next month.
EML
}
phi_msg bob@outside.example "Patient follow-up" >"$M/phi_ext.eml"
cat >"$M/secure.eml" <<'EML'
From: Alice Example <alice@example.org>
To: <bob@outside.example>, <carol@example.org>
Subject: [secure] Thursday lunch
Date: Tue, 01 Dec 2026 10:00:00 +0000
Message-ID: <secure-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hi both, lunch on Thursday at noon?
EML

pfx_sink_start
pfx_postfix_start

conf() { # conf FILE [extra lines]
  pfx_milter_conf "$1" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
internal_domains = example.org
quarantine_dir = $QDIR
quarantine_key_file = $PFX_DIR/qkey
portal_key_file = $PFX_DIR/pkey
audit_log = $AUDIT
submission = smtp:127.0.0.1:$PFX_PORT
notice_from = phimilter-noreply@example.org
on_error = tempfail
${2:-}
CONF
}
conf "$PFX_DIR/q.conf" "blocked_action = quarantine"
conf "$PFX_DIR/p.conf" "portal_url = https://portal.example.org/m/{id}?t={token}"
touch "$PFX_DIR/notadir"
pfx_milter_conf "$PFX_DIR/bad.conf" <<CONF
socket = unix:$PFX_SOCK
user = root
internal_domains = example.org
quarantine_dir = $PFX_DIR/notadir/q
quarantine_key_file = $PFX_DIR/qkey
blocked_action = quarantine
CONF
ctl() { "$PHICTL" "$1" -c "$2" "$@"; }
q() { _c=$1; shift; "$PHICTL" quarantine -c "$_c" "$@"; }
portal() { _c=$1; shift; "$PHICTL" portal -c "$_c" "$@"; }

# ------------------------------------------------------------------ key file
cp "$PFX_DIR/qkey" "$PFX_DIR/qkey.open"; chmod 644 "$PFX_DIR/qkey.open"
conf "$PFX_DIR/open.conf" "blocked_action = quarantine"
sed -i "s|^quarantine_key_file = .*|quarantine_key_file = $PFX_DIR/qkey.open|" "$PFX_DIR/open.conf"
"$PHIMILTER" -n -c "$PFX_DIR/open.conf" >"$PFX_DIR/n1.out" 2>&1
[ $? -ne 0 ] && grep -q 'open.conf:[0-9]*: quarantine_key_file: .*chmod 600' "$PFX_DIR/n1.out"
tap_ok $? "phimilter -n refuses a key file others can read, naming FILE:LINE" || show "$PFX_DIR/n1.out"
"$PHIMILTER" -f -c "$PFX_DIR/open.conf" -p "unix:$PFX_DIR/x.sock" >"$PFX_DIR/n2.out" 2>&1
[ $? -ne 0 ] && ! grep -qa "$(od -An -tx1 "$PFX_DIR/qkey" | tr -d ' \n' | head -c 16)" "$PFX_DIR/n2.out"
tap_ok $? "phimilter refuses to start with that key file (and prints no key)" || show "$PFX_DIR/n2.out"
"$PHIMILTER" -n -c "$PFX_DIR/q.conf" >"$PFX_DIR/n3.out" 2>&1
tap_ok $? "phimilter -n accepts the 0600 key files" || show "$PFX_DIR/n3.out"

# ------------------------------------------------------------------ quarantine
pfx_milter_start "$PFX_DIR/q.conf" || { show "$PFX_MLOG"; echo "Bail out! phimilter did not start"; exit 1; }
pfx_sink_clear
pfx_send "$R/q1" "$M/phi_ext.eml" --to bob@outside.example
tap_ok $? "blocked_action = quarantine: the PHI message is accepted (250) and held" || show "$R/q1" "$PFX_MLOG"
pfx_sleep 2
[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "the quarantined message is not delivered"
[ "$(pfx_queue_count)" -eq 0 ]
tap_ok $? "the MTA's copy is discarded (not in Postfix's queue)"
q "$PFX_DIR/q.conf" list --json >"$PFX_DIR/list1" 2>&1
[ "$(wc -l <"$PFX_DIR/list1")" -eq 1 ] && grep -q '"id":"' "$PFX_DIR/list1" && grep -q '"time":"' "$PFX_DIR/list1" \
  && grep -q '"rule":"default.external.phi"' "$PFX_DIR/list1" && grep -q '"action":"quarantine"' "$PFX_DIR/list1" \
  && grep -q '"types":\[[^]]*"us_ssn"' "$PFX_DIR/list1"
tap_ok $? "quarantine list --json: one line with id, time, rule, action, types" || show "$PFX_DIR/list1"
QID=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$PFX_DIR/list1" | head -1)
! has_ssn "$QDIR"/* && ! grep -rqa 'bob@outside\|Patient follow' "$QDIR"
tap_ok $? "the store holds neither the SSN, the recipient nor the subject in the clear"
[ "$(stat -c %a "$QDIR")" = 700 ] && [ -z "$(find "$QDIR" -type f ! -perm 600)" ]
tap_ok $? "store directory 0700, files 0600"
q "$PFX_DIR/q.conf" show "$QID" >"$PFX_DIR/show1" 2>&1 && has_ssn "$PFX_DIR/show1" && grep -q '^recipient: bob@outside.example' "$PFX_DIR/show1"
tap_ok $? "quarantine show decrypts the message and its recipients"
rm -f "$PFX_DIR/show1"

# release through a command form of submission that keeps a copy of what it sends
cat >"$PFX_DIR/capture.sh" <<SH
#!/bin/sh
# submission command: -f SENDER -- RCPT; keep the message, then SMTP it
cat >"$PFX_DIR/release.eml"
exec "$PFX_PY" "$PFX_LIB/send.py" --port "$PFX_PORT" --from "\$2" --to "\$4" "$PFX_DIR/release.eml" >"$PFX_DIR/release.reply" 2>&1
SH
chmod 755 "$PFX_DIR/capture.sh"
conf "$PFX_DIR/qr.conf" "blocked_action = quarantine"
sed -i "s|^submission = .*|submission = $PFX_DIR/capture.sh|" "$PFX_DIR/qr.conf"
q "$PFX_DIR/qr.conf" release "$QID" >"$PFX_DIR/rel1" 2>&1
tap_ok $? "quarantine release re-injects the message" || show "$PFX_DIR/rel1" "$PFX_DIR/release.reply"
pfx_wait_sink 1 20; pfx_sleep 1
got=$(pfx_sink_for bob@outside.example | head -1)
[ "$(pfx_sink_count)" -eq 1 ] && [ -n "$got" ] && has_ssn "$got"
tap_ok $? "the released message arrives, once, for the original recipient" || show "$PFX_MLOG"
[ -n "$got" ] && [ -z "$(pfx_header "$got" X-PHI-Release)" ] && [ -n "$(pfx_header "$got" X-PHI-Scanned)" ]
tap_ok $? "it arrives without the release token, with X-PHI-Scanned"
grep -q '^X-PHI-Release: ' "$PFX_DIR/release.eml"
tap_ok $? "the release carried a signed X-PHI-Release token"
pfx_sink_clear
pfx_send "$R/replay" "$PFX_DIR/release.eml" --from alice@example.org --to bob@outside.example
pfx_sleep 2
[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "a replay of the same release is not let through" || show "$R/replay"
grep -q 'already used (replay)' "$PFX_MLOG"
tap_ok $? "phimilter logs the replayed release token as already used" || show "$PFX_MLOG"
q "$PFX_DIR/q.conf" list --json | grep -c '"action":"quarantine"' | grep -qx 2
tap_ok $? "the replay is scanned as usual (quarantined again)"
q "$PFX_DIR/qr.conf" release "$QID" >"$PFX_DIR/rel2" 2>&1
[ $? -eq 1 ]
tap_ok $? "a second phictl release of the same entry is refused" || show "$PFX_DIR/rel2"
# a header anyone can add without the key
sed "1i X-PHI-Release: $QID.99999999999.$(printf '0%.0s' $(seq 64))" "$M/phi_ext.eml" >"$M/forged.eml"
pfx_sink_clear
pfx_send "$R/forged" "$M/forged.eml" --to bob@outside.example
pfx_sleep 2
[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "a forged X-PHI-Release header does nothing (the message is held, not delivered)" || show "$R/forged"
rm -f "$PFX_DIR/release.eml"
pfx_milter_stop

# ------------------------------------------------------------------ mta-hold
conf "$PFX_DIR/h.conf" "blocked_action = quarantine
quarantine_method = mta-hold"
pfx_milter_start "$PFX_DIR/h.conf" || show "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/hold" "$M/phi_ext.eml" --to bob@outside.example
tap_ok $? "quarantine_method = mta-hold: the PHI message is accepted" || show "$R/hold"
pfx_sleep 2
[ "$(pfx_sink_count)" -eq 0 ] && [ "$(find "$PFX_SPOOL/hold" -type f | wc -l)" -eq 1 ]
tap_ok $? "mta-hold: the message waits in Postfix's hold queue, undelivered" || show "$PFX_LOG"
postsuper -c "$PFX_ETC" -d ALL hold >/dev/null 2>&1
pfx_milter_stop

# ------------------------------------------------------------------ store write failure
pfx_milter_start "$PFX_DIR/bad.conf" || show "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/bad" "$M/phi_ext.eml" --to bob@outside.example
rc=$?
[ $rc -eq 4 ] && grep -qE '^4[0-9][0-9][ -]4\.7\.1' "$R/bad"
tap_ok $? "the store cannot be written: tempfail 451 4.7.1 (the client keeps the message)" || show "$R/bad" "$PFX_MLOG"
pfx_sleep 1
[ "$(pfx_sink_count)" -eq 0 ] && [ "$(pfx_queue_count)" -eq 0 ]
tap_ok $? "the store cannot be written: nothing delivered, nothing queued or discarded"
pfx_milter_stop

# ------------------------------------------------------------------ portal redirect
pfx_milter_start "$PFX_DIR/p.conf" || show "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/p1" "$M/phi_ext.eml" --to bob@outside.example
tap_ok $? "portal configured: external PHI is accepted for redirect" || show "$R/p1" "$PFX_MLOG"
pfx_wait_sink 1 20
got=$(pfx_sink_for bob@outside.example | head -1)
[ -n "$got" ] && ! has_ssn "$got" && ! grep -qi 'diabetes\|metformin\|Patient follow' "$got"
tap_ok $? "the external recipient receives only the notice: no SSN, no clinical text, no subject" || { [ -n "$got" ] && show "$got"; }
LINK=$(tr -d '\r' <"$got" 2>/dev/null | grep -o 'https://portal.example.org/m/[^ ]*' | head -1)
[ -n "$LINK" ] && pfx_header "$got" Subject | grep -q 'secure message' && pfx_header "$got" Content-Type | grep -q 'text/plain'
tap_ok $? "the notice has the portal link, a neutral subject and is text/plain" || show "$got"
[ -z "$(pfx_header "$got" Content-Transfer-Encoding)" ] || pfx_header "$got" Content-Transfer-Encoding | grep -qv base64
tap_ok $? "the notice carries no encoded original"
portal "$PFX_DIR/p.conf" verify "$LINK" >/dev/null 2>&1
tap_ok $? "phictl portal verify accepts the link"
TOK=${LINK#*t=}
PID=${LINK#https://portal.example.org/m/}; PID=${PID%%\?*}
portal "$PFX_DIR/p.conf" verify "$TOK" >/dev/null 2>&1
tap_ok $? "phictl portal verify accepts the bare token"
last=$(printf '%s' "$TOK" | tail -c 1); [ "$last" = 0 ] && new=1 || new=0
ALTERED=$(printf '%s' "$TOK" | sed "s/.\$/$new/")
portal "$PFX_DIR/p.conf" verify "$ALTERED" >/dev/null 2>&1
[ $? -eq 1 ]
tap_ok $? "phictl portal verify rejects an altered token (exit 1)"
EXP=$(printf '%s' "$TOK" | cut -d. -f2)
LATER=$(printf '%s' "$TOK" | sed "s/\.$EXP\./.$((EXP + 86400))./")
portal "$PFX_DIR/p.conf" verify "$LATER" >/dev/null 2>&1
[ $? -eq 1 ]
tap_ok $? "phictl portal verify rejects a token whose expiry was extended"
# a correctly signed token, once valid and once expired (made here with the key)
mk() { "$PFX_PY" - "$PFX_DIR/pkey" "$PID" bob@outside.example "$1" <<'PY'
import hashlib, hmac, sys
key = open(sys.argv[1], "rb").read()
idv, rcpt, exp = sys.argv[2], sys.argv[3], sys.argv[4]
mac = hmac.new(key, b"\0".join([b"portal", idv.encode(), rcpt.encode(), exp.encode()]) + b"\0", hashlib.sha256).hexdigest()
print("%s.%s.0.%s" % (idv, exp, mac))
PY
}
portal "$PFX_DIR/p.conf" verify "$(mk $(( $(date +%s) + 3600 )))" >/dev/null 2>&1
tap_ok $? "a token signed with the portal key for an hour from now verifies (the test's signer is right)"
portal "$PFX_DIR/p.conf" verify "$(mk $(( $(date +%s) - 60 )))" >/dev/null 2>&1
[ $? -eq 1 ]
tap_ok $? "phictl portal verify rejects an expired token (exit 1)"
portal "$PFX_DIR/p.conf" fetch "$PID" --token "$TOK" --recipient bob@outside.example >"$PFX_DIR/fetched" 2>"$PFX_DIR/fetch.err"
tap_ok $? "phictl portal fetch with the token returns the message" || show "$PFX_DIR/fetch.err"
pfx_strip_received "$PFX_DIR/fetched" | cmp -s - "$M/phi_ext.eml"
tap_ok $? "portal fetch returns the original byte-exact (apart from Postfix's Received and CRLF)" || {
  pfx_strip_received "$PFX_DIR/fetched" | diff "$M/phi_ext.eml" - | tap_redact | head -10 | sed 's/^/#   /'; }
rm -f "$PFX_DIR/fetched"
portal "$PFX_DIR/p.conf" fetch "$PID" --token "$TOK" --recipient eve@outside.example >"$PFX_DIR/fetched2" 2>&1
[ $? -eq 1 ] && ! has_ssn "$PFX_DIR/fetched2"
tap_ok $? "portal fetch for another recipient is refused and prints nothing of the message"

# ------------------------------------------------------------------ [secure], mixed recipients
pfx_sink_clear
pfx_send "$R/s1" "$M/secure.eml" --to bob@outside.example --to carol@example.org
tap_ok $? "[secure] message to an external and an internal recipient is accepted" || show "$R/s1" "$PFX_MLOG"
pfx_wait_sink 2 20
carol=$(pfx_sink_for carol@example.org | head -1)
bob=$(pfx_sink_for bob@outside.example | head -1)
[ -n "$carol" ] && grep -q 'lunch on Thursday' "$carol" && pfx_header "$carol" Subject | grep -qx 'Thursday lunch'
tap_ok $? "[secure]: the internal recipient gets the message with the keyword removed from the subject" || {
  [ -n "$carol" ] && pfx_header "$carol" Subject | sed 's/^/#   subject: /'; }
[ -n "$bob" ] && ! grep -q 'lunch on Thursday' "$bob" && grep -q 'https://portal.example.org/m/' "$bob" \
  && pfx_header "$bob" Auto-Submitted | grep -q auto-generated
tap_ok $? "[secure]: the external recipient gets only a portal notice (separate, Auto-Submitted)" || { [ -n "$bob" ] && show "$bob"; }
[ -z "$(pfx_sink_for bob@outside.example | xargs -r grep -l 'lunch on Thursday')" ]
tap_ok $? "[secure]: the original never reaches the external recipient"
pfx_milter_stop

# ------------------------------------------------------------------ mixed recipients, sender notices
conf "$PFX_DIR/r.conf"
phi_msg carol@example.org "Patient follow-up" | sed 's/^To: .*/To: <carol@example.org>, <bob@outside.example>/' >"$M/phi_mixed.eml"
pfx_milter_start "$PFX_DIR/r.conf" || show "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/mix" "$M/phi_mixed.eml" --to carol@example.org --to bob@outside.example
tap_ok $? "mixed recipients: the PHI message is accepted for the internal recipient" || show "$R/mix" "$PFX_MLOG"
pfx_wait_sink 2 20; pfx_sleep 1
carol=$(pfx_sink_for carol@example.org | head -1)
[ -n "$carol" ] && has_ssn "$carol" && pfx_header "$carol" X-PHI-Verdict | grep -qx phi
tap_ok $? "mixed recipients: the internal recipient gets the message, tagged"
[ -z "$(pfx_sink_for bob@outside.example)" ]
tap_ok $? "mixed recipients: the external recipient is removed (gets nothing)"
alice=$(pfx_sink_for alice@example.org | head -1)
[ -n "$alice" ] && pfx_header "$alice" Auto-Submitted | grep -q auto-generated && pfx_header "$alice" From | grep -q phimilter-noreply@example.org \
  && tr -d '\r' <"$alice" | grep -q 'recipient 2 of 2 (at outside.example, external): not delivered' \
  && tr -d '\r' <"$alice" | grep -q 'recipient 1 of 2 (at example.org, internal): delivered' \
  && grep -qi 'social security' "$alice"
tap_ok $? "mixed recipients: the sender is told what happened to whom and what was found" || { [ -n "$alice" ] && show "$alice"; }
[ -n "$alice" ] && ! has_ssn "$alice" && ! grep -q 'bob@\|Patient follow\|diabetes' "$alice"
tap_ok $? "the sender notice holds no SSN, no recipient local part, no subject or text"
pfx_sink_clear
pfx_send "$R/rej" "$M/phi_ext.eml" --to bob@outside.example
[ $? -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/rej"
tap_ok $? "every recipient refused: the SMTP reply stays 550 5.7.1" || show "$R/rej"
pfx_wait_sink 1 20
alice=$(pfx_sink_for alice@example.org | head -1)
[ -n "$alice" ] && tr -d '\r' <"$alice" | grep -q 'not delivered' && ! has_ssn "$alice"
tap_ok $? "an internal sender also gets the full notice mail on a refusal (sender_notice = internal)" || show "$PFX_MLOG"
[ -z "$(pfx_sink_for bob@outside.example)" ] && [ "$(pfx_sink_count)" -eq 1 ]
tap_ok $? "the notice does not loop: exactly one notice, nothing to the refused recipient"
sed '1i X-PHI-Notice: PHI-20261201-AAAAAA.99999999999.'"$(printf '0%.0s' $(seq 64))" "$M/phi_ext.eml" >"$M/fnotice.eml"
pfx_send "$R/fn" "$M/fnotice.eml" --to bob@outside.example
[ $? -eq 5 ]
tap_ok $? "a forged X-PHI-Notice header does not let PHI through" || show "$R/fn"
pfx_milter_stop

# ------------------------------------------------------------------ list filters
q "$PFX_DIR/p.conf" list --json --action redirect >"$PFX_DIR/lr" 2>&1
[ -s "$PFX_DIR/lr" ] && ! grep -qv '"action":"redirect"' "$PFX_DIR/lr" && q "$PFX_DIR/p.conf" list --json | grep -q '"action":"quarantine"'
tap_ok $? "quarantine list --action filters the entries" || show "$PFX_DIR/lr"
q "$PFX_DIR/p.conf" purge --older-than 0 >"$PFX_DIR/purge" 2>&1 && q "$PFX_DIR/p.conf" list >"$PFX_DIR/l0" 2>&1 && [ ! -s "$PFX_DIR/l0" ]
tap_ok $? "quarantine purge --older-than 0 removes every entry" || show "$PFX_DIR/purge"

# ------------------------------------------------------------------ audit, report, leaks
grep -q '"kind":"decision".*"action":"quarantine".*"quarantine_id":"'"$QID"'"' "$AUDIT" \
  && grep -q '"kind":"decision".*"action":"redirect"' "$AUDIT" \
  && grep -q '"kind":"admin","user":"root","command":"quarantine release","quarantine_id":"'"$QID"'","result":"ok"' "$AUDIT"
tap_ok $? "the audit log has the decisions and the release with who ran it" || show "$AUDIT"
! has_ssn "$AUDIT" && ! grep -q 'bob@\|carol@\|alice@\|Patient follow\|lunch' "$AUDIT"
tap_ok $? "the audit log holds no SSN, addresses or subjects"
"$PHICTL" report -c "$PFX_DIR/p.conf" --json >"$PFX_DIR/report" 2>&1 && grep -q '"quarantine":[1-9]' "$PFX_DIR/report" \
  && grep -q '"us_ssn":[1-9]' "$PFX_DIR/report" && grep -q '"example.org":[1-9]' "$PFX_DIR/report"
tap_ok $? "phictl report counts per action, type and sender domain" || show "$PFX_DIR/report"
! has_ssn "$PFX_MLOG" && ! grep -q 'bob@\|Patient follow' "$PFX_MLOG"
tap_ok $? "phimilter's log holds no SSN, recipient address or subject"

tap_done
