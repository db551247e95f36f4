#!/bin/sh
# tests/e2e/postfix_milter.sh: phimilter end to end through a real Postfix
# (issue 2). A private Postfix on 127.0.0.1 (free ports, own config, queue and
# log; tests/lib/pfx.sh) with smtpd_milters and non_smtpd_milters pointing at
# the phimilter under test ($PHIMILTER), relaying everything to the byte-exact
# sink tests/lib/sink.py. Prints TAP. Needs root (postfix start).
#
# The planted SSN is synthetic (valid shape, not a known invalid number) and
# is never printed: every assertion on it is a grep, diagnostics are redacted.
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
PFX_NAME=postfix_milter
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }

SSN=371-42-8195            # synthetic: area 371, group 42, serial 8195
SSN_DIGITS=371428195
SSN_SPACED="371 42 8195"
tap_redact_add "$SSN"; tap_redact_add "$SSN_DIGITS"; tap_redact_add "$SSN_SPACED"

# has_ssn FILE...: does any file hold the planted SSN in any of its forms?
has_ssn() { cat "$@" 2>/dev/null | grep -qF -e "$SSN" -e "$SSN_DIGITS" -e "$SSN_SPACED"; }
# show FILE...: redacted diagnostics
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -20 | sed 's/^/#   /'; done; }

pfx_init
M=$PFX_DIR/msg
mkdir -p "$M" "$PFX_DIR/quarantine"

# ------------------------------------------------------------------ messages
cat >"$M/clean.eml" <<'EML'
From: Alice Example <alice@example.org>
To: Bob Outside <bob@outside.example>
Subject: Thursday lunch
Date: Tue, 01 Dec 2026 10:00:00 +0000
Message-ID: <clean-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hi Bob,

are we still on for lunch on Thursday? The café on the corner opens at noon.
.a line that starts with a dot (dot-stuffed on the wire)
	an indented line, then one with trailing spaces   
..two dots

Grüße, Alice
EML

phi_msg() { # phi_msg TO SUBJECT
  cat <<EML
From: Alice Example <alice@example.org>
To: <$1>
Subject: $2
Date: Tue, 01 Dec 2026 10:05:00 +0000
Message-ID: <phi-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Follow-up for the clinic file.

Patient SSN $SSN was diagnosed with diabetes mellitus type 2 and
started on metformin; HbA1c and a follow-up appointment in the clinic
are due next month.
EML
}
phi_msg bob@outside.example "Patient follow-up" >"$M/phi_ext.eml"
phi_msg carol@example.org "Patient follow-up" >"$M/phi_int.eml"

# ------------------------------------------------------------------ configs
conf() { # conf FILE MODE [extra lines]
  pfx_milter_conf "$1" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = $2
internal_domains = example.org
partner_domains =
social_domains = @$PHI_TOP/conf/social_domains
chat_domains = @$PHI_TOP/conf/chat_domains
quarantine_dir = $PFX_DIR/quarantine
on_error = tempfail
${3:-}
CONF
}
CONF=$PFX_DIR/phimilter.conf
conf "$CONF" enforce
conf "$PFX_DIR/monitor.conf" monitor
# broken: valid lines that would switch to monitor, then two errors; a daemon
# that applied it even in part would let PHI through
conf "$PFX_DIR/broken.conf" monitor "max_scans = lots
this line has no equals sign"

"$PHIMILTER" -n -c "$CONF" >"$PFX_DIR/n.out" 2>&1
tap_ok $? "phimilter -n accepts the test configuration" || show "$PFX_DIR/n.out"
"$PHIMILTER" -n -c "$PFX_DIR/broken.conf" >"$PFX_DIR/nb.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'broken.conf:[0-9]' "$PFX_DIR/nb.out"
tap_ok $? "phimilter -n refuses the broken configuration, naming FILE:LINE" || show "$PFX_DIR/nb.out"

# ------------------------------------------------------------------ start
pfx_sink_start
pfx_postfix_start
pfx_milter_start "$CONF"
tap_ok $? "phimilter starts in the foreground and creates its socket" || {
  show "$PFX_MLOG"; echo "Bail out! phimilter did not start"; exit 1; }

# send_expect NAME-PREFIX FILE ARGS...: send, leaving the reply in $PFX_DIR/r.NAME
R=$PFX_DIR/replies
mkdir -p "$R"
n_sent=0
send() { # send TAG FILE [send.py args]; reply in $R/TAG; status of send.py
  _tag=$1 _file=$2; shift 2
  n_sent=$((n_sent + 1))
  pfx_send "$R/$_tag" "$@" "$_file"
}
first_line() { head -1 "$1"; }

# strip_scanned FILE: header X-PHI-Scanned (with continuations) removed
strip_scanned() {
  awk 'hdr == 0 && /^$/ { hdr = 1 }
       hdr == 0 && /^X-PHI-Scanned:/ { skip = 1; next }
       hdr == 0 && skip && /^[ \t]/ { next }
       { skip = 0; print }' "$1"
}

# ------------------------------------------------------------------ (a) clean, external
pfx_sink_clear
send clean "$M/clean.eml" --to bob@outside.example
tap_ok $? "clean mail to an external domain is accepted with 250" || show "$R/clean"
pfx_wait_sink 1 20
tap_ok $? "clean mail to an external domain is delivered to the next hop" || show "$PFX_LOG"
got=$(pfx_sink_for bob@outside.example | head -1)
if [ -n "$got" ]; then
  pfx_strip_received "$got" >"$PFX_DIR/clean.got"
  [ "$(pfx_header "$PFX_DIR/clean.got" X-PHI-Scanned | wc -l)" -eq 1 ]
  tap_ok $? "clean mail carries exactly one X-PHI-Scanned header"
  pfx_header "$PFX_DIR/clean.got" X-PHI-Scanned | grep -qE '^phimilter [0-9]+\.[0-9]+'
  tap_ok $? "X-PHI-Scanned says 'phimilter <version>'" || pfx_header "$PFX_DIR/clean.got" X-PHI-Scanned | sed 's/^/#   got: /'
  strip_scanned "$PFX_DIR/clean.got" | cmp -s - "$M/clean.eml"
  tap_ok $? "clean mail arrives byte-identical apart from Postfix's Received and X-PHI-Scanned" || {
    strip_scanned "$PFX_DIR/clean.got" | diff "$M/clean.eml" - | head -20 | sed 's/^/#   /'; }
  [ -z "$(pfx_header "$PFX_DIR/clean.got" X-PHI-Verdict)" ]
  tap_ok $? "clean mail is not tagged with X-PHI-Verdict"
else
  for t in "clean mail carries exactly one X-PHI-Scanned header" "X-PHI-Scanned says 'phimilter <version>'" \
           "clean mail arrives byte-identical apart from Postfix's Received and X-PHI-Scanned" \
           "clean mail is not tagged with X-PHI-Verdict"; do tap_ok 1 "$t"; done
fi

# ------------------------------------------------------------------ (b) PHI, external
pfx_sink_clear
send phi_ext "$M/phi_ext.eml" --to bob@outside.example
rc=$?
[ $rc -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/phi_ext"
tap_ok $? "mail with an SSN and health context to an external domain is refused 550 5.7.1" || show "$R/phi_ext" "$R/phi_ext.err"
[ "$(wc -l <"$R/phi_ext")" -ge 2 ] && ! grep -vqE '^550[ -]5\.7\.1 ' "$R/phi_ext"
tap_ok $? "the refusal is a multi-line reply, every line 550 5.7.1" || show "$R/phi_ext"
first_line "$R/phi_ext" | grep -qiE 'patient|health|PHI'
tap_ok $? "the refusal's first line says the message was stopped for patient information" || show "$R/phi_ext"
sed 1d "$R/phi_ext" | grep -qiE 'social security|SSN'
tap_ok $? "the refusal's further lines say a Social Security number was found" || show "$R/phi_ext"
! has_ssn "$R/phi_ext" "$R/phi_ext.err"
tap_ok $? "the refusal text contains neither the SSN nor its digits"
[ "$(wc -l <"$R/phi_ext")" -le 32 ] && awk 'length($0) >= 510 { bad = 1 } END { exit bad }' "$R/phi_ext"
tap_ok $? "the refusal has at most 32 lines, each well under 512 octets"
# phimilter logs the message under Postfix's queue id (it asked for the {i} macro)
qid=$(grep 'milter-reject: END-OF-MESSAGE' "$PFX_LOG" | tail -1 | sed -n 's/.*\]: \([0-9A-F]\{6,\}\): milter-reject:.*/\1/p')
[ -n "$qid" ] && pfx_wait_log "$PFX_MLOG" "$qid.*phi.*reject|$qid.*reject.*phi" 5
tap_ok $? "phimilter's log has a line for the refused message with Postfix's queue id, its verdict and action" || {
  tap_diag "queue id: ${qid:-none found}"; show "$PFX_MLOG"; }
pfx_sleep 1
[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "nothing of the refused message is delivered"
[ "$(pfx_queue_count)" -eq 0 ]
tap_ok $? "the refused message is not left in Postfix's queue"

# ------------------------------------------------------------------ (c) PHI, internal
pfx_sink_clear
send phi_int "$M/phi_int.eml" --to carol@example.org
tap_ok $? "the same message to an internal recipient is accepted" || show "$R/phi_int"
pfx_wait_sink 1 20
got=$(pfx_sink_for carol@example.org | head -1)
[ -n "$got" ] && pfx_header "$got" X-PHI-Verdict | grep -qx 'phi'
tap_ok $? "to an internal recipient it arrives tagged X-PHI-Verdict: phi" || { [ -n "$got" ] && pfx_header "$got" X-PHI-Verdict | sed 's/^/#   got: /'; }
[ -n "$got" ] && pfx_header "$got" X-PHI-Findings | grep -q 'us_ssn' && ! pfx_header "$got" X-PHI-Findings | has_ssn -
tap_ok $? "its X-PHI-Findings names us_ssn and not the number"
[ -n "$got" ] && [ "$(pfx_header "$got" X-PHI-Scanned | wc -l)" -eq 1 ]
tap_ok $? "the tagged message also carries X-PHI-Scanned"

# ------------------------------------------------------------------ (g) sendmail(1)
pfx_sink_clear
pfx_sendmail -t -i -f alice@example.org <"$M/clean.eml" >"$PFX_DIR/sm1.out" 2>&1
tap_ok $? "sendmail(1) accepts a clean message for submission" || show "$PFX_DIR/sm1.out"
pfx_wait_sink 1 20
got=$(pfx_sink_for bob@outside.example | head -1)
[ -n "$got" ] && pfx_header "$got" X-PHI-Scanned | grep -qE '^phimilter '
tap_ok $? "sendmail(1): clean mail is scanned by non_smtpd_milters and arrives with X-PHI-Scanned" || show "$PFX_LOG"
pfx_sink_clear
base=$(pfx_lines "$PFX_LOG")
pfx_sendmail -t -i -f alice@example.org <"$M/phi_ext.eml" >"$PFX_DIR/sm2.out" 2>&1
pfx_wait_log "$PFX_LOG" 'milter-reject: END-OF-MESSAGE .*5\.7\.1' 20 "$base"
tap_ok $? "sendmail(1): the Postfix log shows the milter's 5.7.1 reject of the SSN message" || show "$PFX_LOG"
pfx_wait_sink 1 20   # Postfix bounces a rejected pickup message to its sender
[ -n "$(pfx_sink_for alice@example.org)" ]
tap_ok $? "sendmail(1): the sender gets a non-delivery notice"
pfx_sleep 1
[ -z "$(pfx_sink_for bob@outside.example)" ]
tap_ok $? "sendmail(1): the SSN message does not reach the external recipient"

# ------------------------------------------------------------------ (f) reload
cp "$CONF" "$PFX_DIR/good.conf"
cp "$PFX_DIR/broken.conf" "$CONF"
base=$(pfx_lines "$PFX_MLOG")
kill -USR1 "$PFX_MILTER_PID" 2>/dev/null
pfx_wait_log "$PFX_MLOG" '[Rr]eload' 10 "$base"
tail -n +"$((base + 1))" "$PFX_MLOG" | grep -i 'reload' | grep -qiE 'fail|error|invalid|keep|old|refus|reject'
tap_ok $? "a reload with a broken config is logged as failed" || show "$PFX_MLOG"
kill -0 "$PFX_MILTER_PID" 2>/dev/null
tap_ok $? "after the failed reload phimilter is still running"
pfx_sink_clear
send phi_ext2 "$M/phi_ext.eml" --to bob@outside.example
[ $? -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/phi_ext2"
tap_ok $? "after the failed reload the SSN message is still refused (old enforce config kept)" || show "$R/phi_ext2"
send clean2 "$M/clean.eml" --to bob@outside.example && pfx_wait_sink 1 20
tap_ok $? "after the failed reload clean mail still passes" || show "$R/clean2"
# a valid reload does take effect (so the test above is not passed by a daemon ignoring USR1)
cp "$PFX_DIR/monitor.conf" "$CONF"
base=$(pfx_lines "$PFX_MLOG")
kill -USR1 "$PFX_MILTER_PID" 2>/dev/null
pfx_wait_log "$PFX_MLOG" '[Rr]eload' 10 "$base"
pfx_sleep 0.5
pfx_sink_clear
send phi_ext3 "$M/phi_ext.eml" --to bob@outside.example && pfx_wait_sink 1 20
tap_ok $? "a reload with a valid config (mode = monitor) takes effect" || show "$R/phi_ext3" "$PFX_MLOG"
cp "$PFX_DIR/good.conf" "$CONF"

# ------------------------------------------------------------------ SIGTERM
[ -n "$PFX_MILTER_PID" ] && pfx_milter_stop TERM
tap_ok $? "phimilter stops on SIGTERM within 20 s"
[ "${PFX_MILTER_RC:-1}" = 0 ]
tap_ok $? "phimilter exits 0 after SIGTERM" || tap_diag "exit status $PFX_MILTER_RC"

# ------------------------------------------------------------------ (d) monitor mode
pfx_milter_start "$PFX_DIR/monitor.conf"
tap_ok $? "phimilter starts with mode = monitor" || show "$PFX_MLOG"
pfx_sink_clear
send phi_mon "$M/phi_ext.eml" --to bob@outside.example
tap_ok $? "mode = monitor: the SSN message to an external domain is accepted" || show "$R/phi_mon"
pfx_wait_sink 1 20
got=$(pfx_sink_for bob@outside.example | head -1)
[ -n "$got" ] && pfx_header "$got" X-PHI-Verdict | grep -qx 'phi'
tap_ok $? "mode = monitor: it is delivered tagged X-PHI-Verdict: phi"
pfx_milter_stop TERM

# ------------------------------------------------------------------ (e) phimilter down
pfx_sink_clear
base=$(pfx_lines "$PFX_LOG")
send down "$M/clean.eml" --to bob@outside.example
rc=$?
[ $rc -eq 4 ] && grep -qE '^4[0-9][0-9][ -]' "$R/down"
tap_ok $? "phimilter stopped: Postfix answers 4xx (milter_default_action = tempfail)" || show "$R/down" "$R/down.err"
pfx_sleep 1
[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "phimilter stopped: nothing is delivered"
[ "$(pfx_queue_count)" -eq 0 ] && ! tail -n +"$((base + 1))" "$PFX_LOG" | grep -qE 'status=bounced|non-delivery'
tap_ok $? "phimilter stopped: nothing is queued or bounced (the client keeps the message)" || show "$PFX_LOG"

# a sendmail(1) submission meanwhile waits in the queue (cleanup tempfails)
base=$(pfx_lines "$PFX_LOG")
pfx_sendmail -t -i -f alice@example.org dave@outside.example <"$M/clean.eml" >"$PFX_DIR/sm3.out" 2>&1
pfx_wait_log "$PFX_LOG" 'cleanup.*milter-reject: CONNECT.* 4\.7\.1' 20 "$base"
tap_ok $? "phimilter stopped: a sendmail(1) submission is tempfailed by cleanup" || show "$PFX_LOG"
pfx_sleep 1
[ "$(pfx_sink_count)" -eq 0 ] && [ "$(pfx_queue_count)" -ge 1 ] && \
  ! tail -n +"$((base + 1))" "$PFX_LOG" | grep -qE 'status=bounced|non-delivery'
tap_ok $? "phimilter stopped: the sendmail(1) message waits in Postfix's queue, neither delivered nor bounced" || show "$PFX_LOG"
# phimilter back: both are delivered (nothing was lost)
pfx_milter_start "$CONF"
tap_ok $? "phimilter restarts" || show "$PFX_MLOG"
postkick -c "$PFX_ETC" public pickup W >/dev/null 2>&1
send down2 "$M/clean.eml" --to bob@outside.example
tap_ok $? "phimilter back: the SMTP client's retry is accepted" || show "$R/down2"
pfx_wait_sink 2 30
[ -n "$(pfx_sink_for bob@outside.example)" ]
tap_ok $? "phimilter back: the retried message is delivered"
[ -n "$(pfx_sink_for dave@outside.example)" ]
tap_ok $? "phimilter back: the waiting sendmail(1) message is delivered" || show "$PFX_LOG"

# ------------------------------------------------------------------ leak canary
[ -s "$PFX_MLOG" ] && ! has_ssn "$PFX_MLOG"
tap_ok $? "phimilter's log never contains the planted SSN"
! has_ssn "$PFX_LOG"
tap_ok $? "the Postfix log (which records reject texts) never contains the planted SSN"
! has_ssn "$R"/*
tap_ok $? "no SMTP reply the client saw contains the planted SSN"

tap_done
