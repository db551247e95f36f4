#!/bin/sh
# tests/e2e/leak_canary.sh: nothing phimilter writes or says carries the
# identifiers planted in the mail it filters (issue 7, STYLE.md section 6).
#
# Messages with planted synthetic identifiers (SSN in three spellings, MRN,
# patient name, date of birth in three spellings, an attachment file name, a
# subject, a recipient local part; in plain text, base64, RFC 2047, an HL7
# attachment and a PDF-named attachment) go through a private Postfix and
# phimilter (tests/lib/pfx.sh) with log_level = debug, first in enforce mode
# (external: refused; internal: tagged) and then in monitor mode (delivered
# tagged), also through sendmail(1) (Postfix bounces the refused one), then
# with blocked_action = quarantine (held in the encrypted store) and with the
# portal (redirected: the recipient gets a portal notice). Then every
# phimilter log line on stderr and in syslog (tests/lib/syslog_ns.sh), the
# audit log, the metrics file, the store's files (encrypted: no plaintext),
# the whole Postfix log, every SMTP reply, every header phimilter or Postfix
# added to a delivered message, every notice phimilter sent (to the sender,
# or the portal notice to the recipient), the readable part of every bounce
# and the output of `phictl scan` (both forms) are searched for each planted
# string; any hit fails. The recipient local part may appear in Postfix's own
# log (it logs to=<...>) but never in phimilter's log, syslog or audit log.
# A planted string is never printed (tap_redact). Needs root (postfix).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
: "${PHICTL:=$PHI_TOP/phictl}"
PFX_NAME=leak_canary
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"
. "$PHI_TOP/tests/lib/syslog_ns.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }

# ------------------------------------------------------------------ planted (synthetic)
SSN=372-51-6604
SSN_DIGITS=372516604
SSN_SPACED="372 51 6604"
MRN=MRN8830417
MRN_DIGITS=8830417
GIVEN=Zebulon
FAMILY=Quarrington
DOB=04/17/1958
DOB_HL7=19580417
DOB_ISO=1958-04-17
FNAME=Quarrington_labs
SUBJ="Quarrington follow-up"
LOCAL=zq.marigold.patient
SECRETS="$SSN
$SSN_DIGITS
$SSN_SPACED
$MRN
$MRN_DIGITS
$GIVEN
$FAMILY
$DOB
$DOB_HL7
$DOB_ISO
$FNAME
$SUBJ"
for s in "$SSN" "$SSN_DIGITS" "$SSN_SPACED" "$MRN" "$MRN_DIGITS" "$GIVEN" "$FAMILY" "$DOB" \
         "$DOB_HL7" "$DOB_ISO" "$FNAME" "$SUBJ" "$LOCAL"; do tap_redact_add "$s"; done

# leaks FILE...: 0 when a planted string is in any of them (case-insensitive)
leaks() { printf '%s\n' "$SECRETS" >"$PFX_DIR/secrets"; cat "$@" 2>/dev/null | grep -qiF -f "$PFX_DIR/secrets"; }
# which FILE...: the names (not values) of the planted strings found, for diagnostics
which_leak() {
  for _v in SSN SSN_DIGITS SSN_SPACED MRN MRN_DIGITS GIVEN FAMILY DOB DOB_HL7 DOB_ISO FNAME SUBJ; do
    eval "_s=\$$_v"; cat "$@" 2>/dev/null | grep -qiF -e "$_s" && printf '%s ' "$_v"
  done
}

pfx_init
M=$PFX_DIR/msg R=$PFX_DIR/replies
mkdir -p "$M" "$R" "$PFX_DIR/quarantine"
chmod 700 "$PFX_DIR/quarantine"  # the store refuses a directory others may enter
AUDIT=$PFX_DIR/audit.log METRICS=$PFX_DIR/metrics.prom SYSLOG=$PFX_DIR/syslog.log
head -c 32 /dev/urandom >"$PFX_DIR/qkey"; chmod 600 "$PFX_DIR/qkey"
head -c 32 /dev/urandom >"$PFX_DIR/pkey"; chmod 600 "$PFX_DIR/pkey"
# phimilter's syslog lines too (the foreground stderr copy is $PFX_MLOG)
syslog_ns_start "$PFX_DIR" "$PHIMILTER" || pfx_die "the syslog listener did not start"
PHIMILTER=$PFX_DIR/syslog_wrap

b64() { python3 -c 'import base64,sys; d=base64.b64encode(sys.stdin.buffer.read()).decode(); print("\n".join(d[i:i+76] for i in range(0,len(d),76)))'; }
enc_subj=$(printf '%s' "Patient $FAMILY, DOB $DOB" | b64 | tr -d '\n')

mk_plain() { # mk_plain TO
  cat <<EML
From: Alice Example <alice@example.org>
To: <$1>
Subject: $SUBJ
Date: Tue, 01 Dec 2026 11:00:00 +0000
Message-ID: <canary-plain-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Patient: $GIVEN $FAMILY
DOB: $DOB   MRN: $MRN
SSN $SSN ($SSN_SPACED), also on file as $SSN_DIGITS.
Diagnosis: type 2 diabetes mellitus, started on metformin; follow-up in clinic.
EML
}

mk_mime() { # mk_mime TO: encoded subject, base64 body, HL7 and a named attachment
  cat <<EML
From: Alice Example <alice@example.org>
To: <$1>
Subject: =?utf-8?B?$enc_subj?=
Date: Tue, 01 Dec 2026 11:05:00 +0000
Message-ID: <canary-mime-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="cb"

--cb
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

$(printf 'Lab results for %s %s, born %s, MRN %s.\nSSN %s. HbA1c 8.1%%, diabetes clinic.\n' "$GIVEN" "$FAMILY" "$DOB_ISO" "$MRN" "$SSN" | b64)
--cb
Content-Type: application/hl7-v2; name="$FNAME.hl7"
Content-Disposition: attachment; filename="$FNAME.hl7"

MSH|^~\\&|LAB|CLINIC|EHR|HOSP|20261201110000||ORU^R01|MSG7|P|2.5
PID|1||$MRN^^^CLINIC^MR||$FAMILY^$GIVEN||$DOB_HL7|M|||1 Elm St^^Springfield^MA^01101||||||||$SSN
OBX|1|TX|DX^Diagnosis||Type 2 diabetes mellitus||||||F
--cb
Content-Type: text/plain; name="$FNAME.txt"
Content-Disposition: attachment; filename="$FNAME.txt"

Discharge summary: $FAMILY, $GIVEN. DOB $DOB. SSN $SSN_DIGITS. Diabetes.
--cb--
EML
}

mk_plain bob@outside.example >"$M/plain_ext.eml"
mk_plain carol@example.org >"$M/plain_int.eml"
mk_mime bob@outside.example >"$M/mime_ext.eml"
mk_mime "$LOCAL@outside.example" >"$M/mime_local.eml"
mk_mime carol@example.org >"$M/mime_int.eml"

conf() { # conf FILE MODE [extra lines]
  pfx_milter_conf "$1" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = $2
log_level = debug
internal_domains = example.org
social_domains = @$PHI_TOP/conf/social_domains
chat_domains = @$PHI_TOP/conf/chat_domains
quarantine_dir = $PFX_DIR/quarantine
on_error = tempfail
audit_log = $AUDIT
metrics_file = $METRICS
metrics_interval = 1
submission = smtp:127.0.0.1:$PFX_PORT
notice_from = phimilter-noreply@example.org
sender_notice = all
${3:-}
CONF
}

pfx_sink_start
pfx_postfix_start
# after pfx_postfix_start: notices go to this instance ($PFX_PORT)
conf "$PFX_DIR/enforce.conf" enforce
conf "$PFX_DIR/monitor.conf" monitor
conf "$PFX_DIR/quarantine.conf" enforce "blocked_action = quarantine
quarantine_key_file = $PFX_DIR/qkey"
conf "$PFX_DIR/portal.conf" enforce "quarantine_key_file = $PFX_DIR/qkey
portal_key_file = $PFX_DIR/pkey
portal_url = https://portal.example.org/m/{id}?t={token}"

run_mode() { # run_mode MODE: send every message through SMTP and sendmail(1)
  _m=$1
  pfx_milter_start "$PFX_DIR/$_m.conf"
  tap_ok $? "$_m: phimilter starts with log_level = debug" || return 1
  for _f in plain_ext plain_int mime_ext mime_local mime_int; do
    pfx_send "$R/$_m.$_f" "$M/$_f.eml"
    echo $? >"$R/$_m.$_f.rc"
  done
  for _f in plain_ext mime_ext; do
    pfx_sendmail -t -i -f alice@example.org <"$M/$_f.eml" >"$R/$_m.sm.$_f" 2>&1
  done
  pfx_sleep 3
  pfx_milter_stop TERM
}

run_mode enforce
[ "$(cat "$R/enforce.plain_ext.rc")" = 5 ] && [ "$(cat "$R/enforce.mime_ext.rc")" = 5 ] && \
  [ "$(cat "$R/enforce.mime_local.rc")" = 5 ]
tap_ok $? "enforce: the PHI messages to an external domain are refused (5xx)"
[ "$(cat "$R/enforce.plain_int.rc")" = 0 ] && [ "$(cat "$R/enforce.mime_int.rc")" = 0 ]
tap_ok $? "enforce: the PHI messages to the internal domain are accepted"
pfx_wait_sink 4 30   # 2 internal + 2 bounces of the sendmail(1) submissions
tap_ok $? "enforce: internal mail and the bounces of the refused sendmail(1) mail are delivered" || \
  tap_diag "sink holds $(pfx_sink_count)"
mkdir -p "$PFX_DIR/enforce_sink"; mv "$PFX_SINK"/*.eml "$PFX_SINK"/*.env "$PFX_DIR/enforce_sink/" 2>/dev/null

run_mode monitor
ok=0
for _f in plain_ext plain_int mime_ext mime_local mime_int; do [ "$(cat "$R/monitor.$_f.rc")" = 0 ] || ok=1; done
tap_ok $ok "monitor: every PHI message is accepted"
pfx_wait_sink 7 30
tap_ok $? "monitor: all five SMTP and two sendmail(1) messages are delivered" || tap_diag "sink holds $(pfx_sink_count)"
mkdir -p "$PFX_DIR/monitor_sink"; mv "$PFX_SINK"/*.eml "$PFX_SINK"/*.env "$PFX_DIR/monitor_sink/" 2>/dev/null

run_mode quarantine
[ "$(cat "$R/quarantine.plain_ext.rc")" = 0 ] && [ "$(cat "$R/quarantine.mime_ext.rc")" = 0 ] && \
  [ "$(find "$PFX_DIR/quarantine" -type f | wc -l)" -ge 3 ]
tap_ok $? "quarantine: the PHI messages to an external domain are accepted and held in the store" || \
  tap_diag "store holds $(find "$PFX_DIR/quarantine" -type f | wc -l) files"
pfx_wait_sink 4 30   # 2 internal + at least the senders' notices
mkdir -p "$PFX_DIR/quarantine_sink"; mv "$PFX_SINK"/*.eml "$PFX_SINK"/*.env "$PFX_DIR/quarantine_sink/" 2>/dev/null

run_mode portal
[ "$(cat "$R/portal.plain_ext.rc")" = 0 ] && [ "$(cat "$R/portal.mime_ext.rc")" = 0 ]
tap_ok $? "portal: the PHI messages to an external domain are accepted for redirect"
pfx_wait_sink 6 30   # 2 internal + 4 portal notices (2 by SMTP, 2 by sendmail(1)) at least
mkdir -p "$PFX_DIR/portal_sink"; mv "$PFX_SINK"/*.eml "$PFX_SINK"/*.env "$PFX_DIR/portal_sink/" 2>/dev/null
syslog_ns_stop

# ------------------------------------------------------------------ the checks
# the canary would be pointless if the detectors missed the identifiers
grep -c 'verdict=phi\|verdict phi\|phi' "$PFX_MLOG" >/dev/null && [ -s "$PFX_MLOG" ]
tap_ok $? "phimilter's log is not empty (debug level)"

! leaks "$PFX_MLOG"
tap_ok $? "phimilter's log (debug level, all four modes) holds no planted identifier" || \
  tap_diag "found: $(which_leak "$PFX_MLOG")"
! grep -qiF -e "$LOCAL" "$PFX_MLOG"
tap_ok $? "phimilter's log holds no recipient local part"
[ "$(grep -c 'phimilter\[' "$SYSLOG")" -ge 20 ] && ! leaks "$SYSLOG" && ! grep -qiF -e "$LOCAL" "$SYSLOG"
tap_ok $? "what it sent to syslog ($(wc -l <"$SYSLOG") lines) holds no planted identifier and no local part" || \
  tap_diag "found: $(which_leak "$SYSLOG")"
grep -q '"action":"quarantine"' "$AUDIT" && grep -q '"action":"redirect"' "$AUDIT" && \
  ! leaks "$AUDIT" && ! grep -qiF -e "$LOCAL" "$AUDIT"
tap_ok $? "the audit log ($(wc -l <"$AUDIT") lines: refusals, quarantines, redirects) holds no planted identifier and no local part" || \
  tap_diag "found: $(which_leak "$AUDIT")"
grep -q '^phimilter_messages_total' "$METRICS" && ! leaks "$METRICS"
tap_ok $? "the metrics file holds no planted identifier"
find "$PFX_DIR/quarantine" -type f >"$PFX_DIR/qfiles"
[ "$(wc -l <"$PFX_DIR/qfiles")" -ge 6 ] && ! leaks $(cat "$PFX_DIR/qfiles")
tap_ok $? "the store's $(wc -l <"$PFX_DIR/qfiles") files (quarantined and redirected messages) hold no planted identifier in the clear" || \
  tap_diag "found: $(which_leak $(cat "$PFX_DIR/qfiles"))"

# the notices phimilter sent: to the sender of a refused or held message, and
# the portal notice to the recipient of a redirected one; whole files
: >"$PFX_DIR/notices"
n_sn=0 n_pn=0
for e in "$PFX_DIR"/*_sink/*.eml; do
  [ -f "$e" ] || continue
  # the portal notice replaces the message in place (the original's From:)
  if grep -q 'portal.example.org/m/' "$e"; then
    n_pn=$((n_pn + 1))
  elif tr -d '\r' <"$e" | awk '/^$/ { exit } { print }' | grep -qi '^From:.*phimilter-noreply@example.org'; then
    n_sn=$((n_sn + 1))
  else
    continue
  fi
  cat "$e" >>"$PFX_DIR/notices"
done
[ "$n_sn" -ge 2 ] && [ "$n_pn" -ge 2 ]
tap_ok $? "phimilter sent notices to check ($n_sn to senders, $n_pn portal notices to recipients)"
! leaks "$PFX_DIR/notices"
tap_ok $? "no notice (sender's or portal's, headers and body) holds a planted identifier" || \
  tap_diag "found: $(which_leak "$PFX_DIR/notices")"
! leaks "$PFX_LOG"
tap_ok $? "the Postfix log (reject texts, milter replies) holds no planted identifier" || \
  tap_diag "found: $(which_leak "$PFX_LOG")"
! leaks "$R"/*
tap_ok $? "no SMTP reply (or sendmail(1) output) holds a planted identifier" || tap_diag "found: $(which_leak "$R"/*)"

# headers added on the way: every header line of the delivered copy that the
# original did not have (Received, X-PHI-*)
added=$PFX_DIR/added_headers
: >"$added"
n_del=0
for e in "$PFX_DIR"/*_sink/*.eml; do
  [ -f "$e" ] || continue
  n_del=$((n_del + 1))
  tr -d '\r' <"$e" | awk '/^$/ { exit } { print }' >"$PFX_DIR/h.got"
  mid=$(grep -i '^Message-ID:' "$PFX_DIR/h.got" | head -1)
  orig=
  for o in "$M"/*.eml; do grep -qixF "$mid" "$o" 2>/dev/null && orig=$o; done
  if [ -n "$orig" ]; then
    awk '/^$/ { exit } { print }' "$orig" >"$PFX_DIR/h.orig"
    grep -vxF -f "$PFX_DIR/h.orig" "$PFX_DIR/h.got" >>"$added"
  else
    # a bounce: its own headers and its human-readable first part
    tr -d '\r' <"$e" | awk '/^Content-Type: *(message\/rfc822|text\/rfc822-headers|message\/delivery-status)/ { exit } { print }' >>"$added"
  fi
done
[ "$n_del" -ge 9 ] && grep -qi '^X-PHI-' "$added"
tap_ok $? "the delivered messages carry added headers to check ($n_del messages)"
! leaks "$added"
tap_ok $? "no header phimilter or Postfix added, and no bounce's notice text, holds a planted identifier" || \
  tap_diag "found: $(which_leak "$added")"

# phictl scan: the admin's report and the JSON carry redacted samples only
"$PHICTL" scan --json -c "$PFX_DIR/enforce.conf" "$M"/*.eml >"$PFX_DIR/scan.json" 2>&1
grep -q '"us_ssn"' "$PFX_DIR/scan.json" && grep -q '"mrn"' "$PFX_DIR/scan.json"
tap_ok $? "phictl scan finds the planted SSN and MRN (the canary is seen)"
"$PHICTL" scan -c "$PFX_DIR/enforce.conf" "$M"/*.eml >"$PFX_DIR/scan.txt" 2>&1
# the file names are the admin's own arguments: strip them before the check
sed 's/"file":"[^"]*"//; s/"filename":"[^"]*"//' "$PFX_DIR/scan.json" | grep -viF "$FNAME" >"$PFX_DIR/scan.chk"
grep -viF "$FNAME" "$PFX_DIR/scan.txt" >>"$PFX_DIR/scan.chk"
! leaks "$PFX_DIR/scan.chk"
tap_ok $? "phictl scan's JSON and readable report hold no planted identifier (samples are redacted)" || \
  tap_diag "found: $(which_leak "$PFX_DIR/scan.chk")"

# temporary files: nothing with message content left behind by phimilter
# (the store was checked above; its directory holds nothing else)
[ -z "$(find "$PFX_DIR/quarantine" -name '.tmp-*')" ]
tap_ok $? "no temporary file is left in the store"

tap_done
