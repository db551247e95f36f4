#!/bin/sh
# tests/e2e/sendmail.sh: phimilter end to end through a real Sendmail (issue 6).
# Debian's sendmail-bin is downloaded with apt-get download and unpacked into
# the test's work dir (tests/lib/sendmail.sh), never installed: the machine's
# Postfix stays. Its sendmail.cf is built by sendmail-cf's m4 from a .mc with
#   INPUT_MAIL_FILTER(`phimilter', `S=unix:SOCK, F=T, T=...')
# (as packaging/sendmail.mc.snippet tells admins to), listens on a free loopback
# port and relays everything to the byte-exact sink tests/lib/sink.py. The
# outcomes are the ones tests/e2e/postfix_milter.sh proves for Postfix: clean
# passes with X-PHI-Scanned, an SSN with health context to an external domain
# is refused 550 5.7.1 with the explanatory text, the same to an internal domain
# arrives tagged, and with phimilter down F=T keeps the mail (4xx).
# Prints TAP. Needs root and the network to a Debian mirror (apt-get download).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
: "${PHICTL:=$PHI_TOP/phictl}"
PFX_NAME=sendmail
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"
. "$PHI_TOP/tests/lib/sendmail.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to run a private Sendmail"
command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 \
  || tap_skip_all "apt-get/dpkg-deb not found (a Debian machine is needed to fetch sendmail-bin)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }

SSN=371-42-8195            # synthetic: area 371, group 42, serial 8195
SSN_DIGITS=371428195
SSN_SPACED="371 42 8195"
tap_redact_add "$SSN"; tap_redact_add "$SSN_DIGITS"; tap_redact_add "$SSN_SPACED"
has_ssn() { cat "$@" 2>/dev/null | grep -qF -e "$SSN" -e "$SSN_DIGITS" -e "$SSN_SPACED"; }
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -20 | sed 's/^/#   /'; done; }

pfx_init
trap 'sm_stop; pfx_cleanup' EXIT
M=$PFX_DIR/msg R=$PFX_DIR/replies
mkdir -p "$M" "$R" "$PFX_DIR/quarantine"

# ------------------------------------------------------------------ messages
cat >"$M/clean.eml" <<'EML'
From: Alice Example <alice@example.org>
To: Bob Outside <bob@outside.example>
Subject: Thursday lunch
Date: Tue, 01 Dec 2026 10:00:00 +0000
Message-ID: <sm-clean-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hi Bob,

are we still on for lunch on Thursday? The place on the corner opens at noon.
.a line that starts with a dot (dot-stuffed on the wire)
	an indented line
..two dots

Alice
EML
phi_msg() { # phi_msg TO
  cat <<EML
From: Alice Example <alice@example.org>
To: <$1>
Subject: Patient follow-up
Date: Tue, 01 Dec 2026 10:05:00 +0000
Message-ID: <sm-phi-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Follow-up for the clinic file.

Patient SSN $SSN was diagnosed with diabetes mellitus type 2 and
started on metformin; HbA1c and a follow-up appointment in the clinic
are due next month.
EML
}
phi_msg bob@outside.example >"$M/phi_ext.eml"
phi_msg carol@example.org >"$M/phi_int.eml"

CONF=$PFX_DIR/phimilter.conf
pfx_milter_conf "$CONF" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
internal_domains = example.org
social_domains = @$PHI_TOP/conf/social_domains
chat_domains = @$PHI_TOP/conf/chat_domains
quarantine_dir = $PFX_DIR/quarantine
on_error = tempfail
metrics_file = $PFX_DIR/metrics.prom
metrics_interval = 1
CONF

# ------------------------------------------------------------------ Sendmail
sm_fetch
tap_ok $? "sendmail-bin, sendmail-base and sendmail-cf are downloaded and unpacked privately" || {
  show "$SM_DIR/download.log"; echo "Bail out! no Sendmail to test with"; exit 1; }
pfx_sink_start
sm_write_cf && grep -q '^Xphimilter, S=unix:' "$SM_DIR/sendmail.cf" && grep -q '^O InputMailFilters=phimilter' "$SM_DIR/sendmail.cf"
tap_ok $? "sendmail.cf built from a .mc with INPUT_MAIL_FILTER(phimilter, S=unix:..., F=T)" || show "$SM_DIR/m4.log"

pfx_milter_start "$CONF"
tap_ok $? "phimilter starts in the foreground and creates its socket" || {
  show "$PFX_MLOG"; echo "Bail out! phimilter did not start"; exit 1; }
sm_start
tap_ok $? "the private Sendmail $(sm_version) listens on 127.0.0.1:$SM_PORT" || {
  show "$SM_DIR/daemon.log"; echo "Bail out! sendmail did not start"; exit 1; }

send() { _tag=$1 _file=$2; shift 2; pfx_send "$R/$_tag" "$@" "$_file"; }
# qid_of REPLY: Sendmail's queue id from "250 2.0.0 QID Message accepted for delivery"
qid_of() { sed -n 's/^250[ -]2\.0\.0 \([0-9A-Za-z]\{8,\}\) .*/\1/p' "$1" | head -1; }
strip_scanned() {
  awk 'hdr == 0 && /^$/ { hdr = 1 }
       hdr == 0 && /^X-PHI-Scanned:/ { skip = 1; next }
       hdr == 0 && skip && /^[ \t]/ { next }
       { skip = 0; print }' "$1"
}

# ------------------------------------------------------------------ clean, external
pfx_sink_clear
send clean "$M/clean.eml" --to bob@outside.example
tap_ok $? "clean mail to an external domain is accepted with 250" || show "$R/clean" "$R/clean.err"
pfx_wait_sink 1 20
tap_ok $? "clean mail to an external domain is delivered to the next hop"
got=$(pfx_sink_for bob@outside.example | head -1)
if [ -n "$got" ]; then
  pfx_strip_received "$got" >"$PFX_DIR/clean.got"
  [ "$(pfx_header "$PFX_DIR/clean.got" X-PHI-Scanned | wc -l)" -eq 1 ] \
    && pfx_header "$PFX_DIR/clean.got" X-PHI-Scanned | grep -qE '^phimilter [0-9]+\.[0-9]+'
  tap_ok $? "clean mail carries exactly one X-PHI-Scanned: phimilter <version>" || \
    pfx_header "$PFX_DIR/clean.got" X-PHI-Scanned | sed 's/^/#   got: /'
  strip_scanned "$PFX_DIR/clean.got" | cmp -s - "$M/clean.eml"
  tap_ok $? "clean mail arrives byte-identical apart from Sendmail's Received and X-PHI-Scanned" || {
    strip_scanned "$PFX_DIR/clean.got" | diff "$M/clean.eml" - | head -20 | sed 's/^/#   /'; }
  [ -z "$(pfx_header "$PFX_DIR/clean.got" X-PHI-Verdict)" ]
  tap_ok $? "clean mail is not tagged with X-PHI-Verdict"
else
  for t in "clean mail carries exactly one X-PHI-Scanned: phimilter <version>" \
           "clean mail arrives byte-identical apart from Sendmail's Received and X-PHI-Scanned" \
           "clean mail is not tagged with X-PHI-Verdict"; do tap_ok 1 "$t"; done
fi
qid=$(qid_of "$R/clean")
[ -n "$qid" ] && pfx_wait_log "$PFX_MLOG" "$qid: .*verdict=clean" 5
tap_ok $? "phimilter logs the clean message under Sendmail's queue id (macro {i})" || {
  tap_diag "queue id: ${qid:-none}"; show "$PFX_MLOG"; }

# ------------------------------------------------------------------ PHI, external
pfx_sink_clear
base=$(pfx_lines "$PFX_MLOG")
send phi_ext "$M/phi_ext.eml" --to bob@outside.example
rc=$?
[ $rc -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/phi_ext"
tap_ok $? "mail with an SSN and health context to an external domain is refused 550 5.7.1" || show "$R/phi_ext" "$R/phi_ext.err"
[ "$(wc -l <"$R/phi_ext")" -ge 2 ] && ! grep -vqE '^550[ -]5\.7\.1 ' "$R/phi_ext"
tap_ok $? "Sendmail passes on the multi-line reply, every line 550 5.7.1" || show "$R/phi_ext"
head -1 "$R/phi_ext" | grep -qiE 'patient|health|PHI'
tap_ok $? "the refusal's first line says the message was stopped for patient information" || show "$R/phi_ext"
sed 1d "$R/phi_ext" | grep -qiE 'social security|SSN'
tap_ok $? "the refusal's further lines say a Social Security number was found" || show "$R/phi_ext"
sed 1d "$R/phi_ext" | grep -qiE 'rule' && sed 1d "$R/phi_ext" | grep -qiE 'secure|portal|instead|safely'
tap_ok $? "the refusal names the rule and what to do instead" || show "$R/phi_ext"
! has_ssn "$R/phi_ext" "$R/phi_ext.err"
tap_ok $? "the refusal text contains neither the SSN nor its digits"
[ "$(wc -l <"$R/phi_ext")" -le 32 ] && awk 'length($0) >= 510 { bad = 1 } END { exit bad }' "$R/phi_ext"
tap_ok $? "the refusal has at most 32 lines, each well under 512 octets"
pfx_wait_log "$PFX_MLOG" 'verdict=phi action=reject' 5 "$base"
tap_ok $? "phimilter logs the refusal (verdict=phi action=reject)" || show "$PFX_MLOG"
pfx_sleep 1
[ "$(pfx_sink_count)" -eq 0 ]
tap_ok $? "nothing of the refused message is delivered"
[ "$(sm_queue_count)" -eq 0 ]
tap_ok $? "the refused message is not left in Sendmail's queue"

# ------------------------------------------------------------------ PHI, internal
pfx_sink_clear
send phi_int "$M/phi_int.eml" --to carol@example.org
tap_ok $? "the same message to an internal recipient is accepted" || show "$R/phi_int"
pfx_wait_sink 1 20
got=$(pfx_sink_for carol@example.org | head -1)
[ -n "$got" ] && pfx_header "$got" X-PHI-Verdict | grep -qx 'phi'
tap_ok $? "to an internal recipient it arrives tagged X-PHI-Verdict: phi" || {
  [ -n "$got" ] && pfx_header "$got" X-PHI-Verdict | sed 's/^/#   got: /'; }
[ -n "$got" ] && pfx_header "$got" X-PHI-Findings | grep -q 'us_ssn' && ! pfx_header "$got" X-PHI-Findings | has_ssn -
tap_ok $? "its X-PHI-Findings names us_ssn and not the number"
[ -n "$got" ] && [ "$(pfx_header "$got" X-PHI-Scanned | wc -l)" -eq 1 ]
tap_ok $? "the tagged message also carries X-PHI-Scanned"

# ------------------------------------------------------------------ metrics
# four messages so far: clean, phi (refused), phi (tagged); the file is
# rewritten every second
M_F=$PFX_DIR/metrics.prom
pfx_wait_log "$M_F" '^phimilter_messages_total 3$' 5
tap_ok $? "metrics_file counts the 3 scanned messages (Prometheus text format)" || show "$M_F"
grep -qx 'phimilter_verdicts_total{verdict="phi"} 2' "$M_F" && grep -qx 'phimilter_actions_total{action="reject"} 1' "$M_F" \
  && grep -qx 'phimilter_actions_total{action="tag"} 1' "$M_F" && grep -qE '^phimilter_findings_total\{type="us_ssn"\} 2$' "$M_F" \
  && grep -qx 'phimilter_scan_seconds_count 3' "$M_F"
tap_ok $? "metrics: verdicts, actions, findings per type and the scan-time histogram" || show "$M_F"
if [ -x "$PHICTL" ]; then
  "$PHICTL" stats -c "$CONF" >"$PFX_DIR/stats.out" 2>&1 && grep -qE 'messages +3' "$PFX_DIR/stats.out" \
    && grep -qE 'verdict phi +2' "$PFX_DIR/stats.out"
  tap_ok $? "phictl stats reads metrics_file of the configuration" || show "$PFX_DIR/stats.out"
fi

# ------------------------------------------------------------------ phimilter down (F=T)
pfx_milter_stop TERM
pfx_sink_clear
send down "$M/clean.eml" --to bob@outside.example
rc=$?
[ $rc -eq 4 ] && grep -qE '^4[0-9][0-9][ -]' "$R/down"
tap_ok $? "phimilter stopped: Sendmail answers 4xx (F=T), the client keeps the message" || show "$R/down" "$R/down.err"
pfx_sleep 1
[ "$(pfx_sink_count)" -eq 0 ] && [ "$(sm_queue_count)" -eq 0 ]
tap_ok $? "phimilter stopped: nothing is delivered or queued"
pfx_milter_start "$CONF"
send down2 "$M/clean.eml" --to bob@outside.example && pfx_wait_sink 1 20
tap_ok $? "phimilter back: the retry is accepted and delivered" || show "$R/down2"

# ------------------------------------------------------------------ leak canary
[ -s "$PFX_MLOG" ] && ! has_ssn "$PFX_MLOG"
tap_ok $? "phimilter's log never contains the planted SSN"
! has_ssn "$R"/*
tap_ok $? "no SMTP reply the client saw contains the planted SSN"

tap_done
