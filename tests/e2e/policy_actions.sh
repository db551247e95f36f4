#!/bin/sh
# tests/e2e/policy_actions.sh: per-recipient outcomes of a policy file with
# several rules, through a real Postfix (tests/lib/pfx.sh):
#   - one PHI message to internal + external + social with a portal: the
#     internal recipient gets the original (tagged, tag_subject once), the
#     external one only the portal notice, the social one nothing, and the
#     sender one notice (the refusing rule's own template) saying what
#     happened to each recipient;
#   - a rule (sender = group:...) quarantining a partner recipient while the
#     internal one gets it: one store entry listing only the partner, a
#     release delivers to the partner only, a replay is refused; the privacy
#     officer gets a notice with the incident id and no planted identifier;
#     a sender outside the group is not held;
#   - a rule with monitor = yes delivers and is audited would=reject while
#     an enforcing rule in the same message still refuses;
#   - attachment = image + dest = social refuses a clean message with a PNG;
#   - quarantine_method = mta-hold: one quarantined recipient holds the
#     whole message (the internal recipient waits too);
#   - the audit record counts recipients per applied action;
#   - a store that cannot be written in a mixed message, or a notice that
#     cannot be submitted after the store write: tempfail, nothing
#     delivered, no entry left behind.
# Prints TAP. Needs root (postfix start). The planted SSN is synthetic and
# never printed (greps only; diagnostics go through tap_redact).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
: "${PHICTL:=$PHI_TOP/phictl}"
PFX_NAME=policy_actions
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
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -25 | sed 's/^/#   /'; done; }
body() { tr -d '\r' <"$1"; }   # a delivered file with LF line ends
count_for() { pfx_sink_for "$1" | wc -l | tr -d ' '; }

pfx_init
M=$PFX_DIR/msg R=$PFX_DIR/replies
mkdir -p "$M" "$R" "$PFX_DIR/templates"
QDIR=$PFX_DIR/quarantine AUDIT=$PFX_DIR/audit.log
head -c 32 /dev/urandom >"$PFX_DIR/qkey"; chmod 600 "$PFX_DIR/qkey"
head -c 32 /dev/urandom >"$PFX_DIR/pkey"; chmod 600 "$PFX_DIR/pkey"
cp "$PHI_TOP"/conf/templates/*.txt "$PFX_DIR/templates/"
# the social rule's own sender notice (notice = social_notice.txt)
cat >"$PFX_DIR/templates/social_notice.txt" <<'TXT'
SOCIAL-RULE-NOTICE: your message went out only in part (incident {incident}).

What was found (redacted):
{findings}

What happened to each recipient:
{where}

Rule: {rule}
TXT

cat >"$PFX_DIR/policy.rules" <<'RULES'
# policy_actions.sh: several rules, first match wins per recipient
group research = alice@example.org, research.example.org

rule t.secure
    dest = external
    secure = yes
    action = redirect
    description = "The sender asked for delivery through the secure portal"

rule t.social.images
    dest = social
    attachment = image
    action = reject
    description = "Pictures may not be sent to social networks"

rule t.research.partner
    sender = group:research
    dest = partner
    verdict = phi
    action = quarantine
    notify_officer = yes
    description = "Research data for partners is reviewed by the privacy officer first"

rule t.trial
    recipient = trial.example
    verdict = phi, pii
    action = reject
    monitor = yes
    description = "Trial: patient data to the trial site"

rule t.internal.phi
    dest = internal, partner
    verdict = phi, pii
    action = tag
    tag_subject = "[PHI]"
    description = "Patient information inside is tagged"

rule t.external.phi
    dest = external
    verdict = phi
    action = redirect
    description = "Patient information outside goes through the secure portal"

rule t.social.phi
    dest = social, chat
    verdict = phi, pii
    action = reject
    notice = social_notice.txt
    description = "Patient information may not be posted to social networks"

rule t.outside.pii
    dest = external
    verdict = pii
    action = reject
    description = "Personal identifiers may not leave the organisation"

rule t.rest
    action = accept
    description = "Everything else"
RULES

phi_msg() { # phi_msg SUBJECT TO-HEADER
  cat <<EML
From: Alice Example <alice@example.org>
To: $2
Subject: $1
Date: Tue, 01 Dec 2026 10:05:00 +0000
Message-ID: <pol-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Follow-up for the clinic file.

Patient SSN $SSN was diagnosed with diabetes mellitus type 2 and
started on metformin; HbA1c and a follow-up appointment in the clinic
are due next month.
EML
}
# a clean message with a small PNG attachment (a 1x1 picture)
png_msg() {
  cat <<EML
From: Alice Example <alice@example.org>
To: <fans@social.example>
Subject: Team picnic
Date: Tue, 01 Dec 2026 10:06:00 +0000
Message-ID: <png-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

A picture from the team picnic.

--b1
Content-Type: image/png; name="picnic.png"
Content-Disposition: attachment; filename="picnic.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==
--b1--
EML
}
clean_msg() {
  cat <<EML
From: Alice Example <alice@example.org>
To: <fans@social.example>
Subject: Team picnic
Date: Tue, 01 Dec 2026 10:07:00 +0000
Message-ID: <clean-$$-$(date +%s%N)@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

The team picnic is on Saturday at noon.
EML
}

pfx_sink_start
pfx_postfix_start

conf() { # conf FILE [extra lines]
  pfx_milter_conf "$1" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
internal_domains = example.org
partner_domains = partner.example
social_domains = social.example
chat_domains = chat.example
policy_file = $PFX_DIR/policy.rules
privacy_officer = privacy@example.org
quarantine_dir = $QDIR
quarantine_key_file = $PFX_DIR/qkey
portal_key_file = $PFX_DIR/pkey
portal_url = https://portal.example.org/m/{id}?t={token}
audit_log = $AUDIT
submission = smtp:127.0.0.1:$PFX_PORT
notice_from = phimilter-noreply@example.org
on_error = tempfail
${2:-}
CONF
}
conf "$PFX_DIR/p.conf"
"$PHIMILTER" -n -c "$PFX_DIR/p.conf" >"$PFX_DIR/n.out" 2>&1
tap_ok $? "phimilter -n accepts the test config and its policy file" || show "$PFX_DIR/n.out"
pfx_milter_start "$PFX_DIR/p.conf" || { show "$PFX_MLOG"; echo "Bail out! phimilter did not start"; exit 1; }

# ------------------------------------------------------------------ internal + external + social
phi_msg "Patient follow-up" "<carol@example.org>, <bob@outside.example>, <fans@social.example>" >"$M/mix3.eml"
pfx_sink_clear
pfx_send "$R/mix3" "$M/mix3.eml" --to carol@example.org --to bob@outside.example --to fans@social.example
tap_ok $? "internal + external + social: the PHI message is accepted (250) for those allowed" || show "$R/mix3" "$PFX_MLOG"
pfx_wait_sink 3 20; pfx_sleep 2
carol=$(pfx_sink_for carol@example.org | head -1)
[ "$(count_for carol@example.org)" -eq 1 ] && has_ssn "$carol" && pfx_header "$carol" X-PHI-Verdict | grep -qx phi
tap_ok $? "the internal recipient gets the original once, tagged X-PHI-Verdict: phi" || show "$PFX_MLOG"
[ -n "$carol" ] && pfx_header "$carol" Subject | grep -qx '\[PHI\] Patient follow-up'
tap_ok $? "the rule's tag_subject is put in front of the Subject once" || { [ -n "$carol" ] && pfx_header "$carol" Subject | sed 's/^/#   subject: /'; }
bob=$(pfx_sink_for bob@outside.example | head -1)
[ "$(count_for bob@outside.example)" -eq 1 ] && ! has_ssn "$bob" && ! grep -qi 'diabetes\|metformin\|Patient follow' "$bob" \
  && grep -q 'https://portal.example.org/m/' "$bob"
tap_ok $? "the external recipient gets only the portal notice (link, no SSN, no text, no subject)" || { [ -n "$bob" ] && show "$bob"; }
[ "$(count_for fans@social.example)" -eq 0 ]
tap_ok $? "the social recipient gets nothing"
alice=$(pfx_sink_for alice@example.org | head -1)
[ "$(count_for alice@example.org)" -eq 1 ] && pfx_header "$alice" Auto-Submitted | grep -q auto-generated \
  && [ -z "$(pfx_header "$alice" X-PHI-Verdict)" ] && grep -q '"action":"notice"' "$AUDIT"
tap_ok $? "the sender gets exactly one notice (Auto-Submitted; passed as our own notice, not scanned)" || show "$PFX_MLOG"
[ -n "$alice" ] && body "$alice" | grep -q 'recipient 1 of 3 (at example.org, internal): delivered tagged' \
  && body "$alice" | grep -q 'recipient 2 of 3 (at outside.example, external): sent a secure-portal notice' \
  && body "$alice" | grep -q 'recipient 3 of 3 (at social.example, social): not delivered (refused)'
tap_ok $? "the notice says what happened to each recipient (delivered tagged / portal notice / refused)" || { [ -n "$alice" ] && show "$alice"; }
[ -n "$alice" ] && body "$alice" | grep -q '^SOCIAL-RULE-NOTICE: ' && body "$alice" | grep -qi 'social security'
tap_ok $? "the notice uses the refusing rule's template (notice = social_notice.txt) and says what was found" || { [ -n "$alice" ] && show "$alice"; }
[ -n "$alice" ] && ! has_ssn "$alice" && ! grep -q 'carol@\|bob@\|fans@\|Patient follow\|diabetes' "$alice"
tap_ok $? "the sender notice holds no SSN, no recipient local part, no subject or text"
[ "$(count_for privacy@example.org)" -eq 0 ] && [ "$(pfx_sink_count)" -eq 3 ]
tap_ok $? "no rule asked for the privacy officer: three messages in all (original, portal notice, sender notice)"
grep '"kind":"decision"' "$AUDIT" | tail -1 >"$PFX_DIR/a1"
grep -q '"actions":{"tag":1,"redirect":1,"reject":1}' "$PFX_DIR/a1" && grep -q '"recipients":{"internal":1,"external":1,"social":1}' "$PFX_DIR/a1" \
  && grep -q '"verdict":"phi"' "$PFX_DIR/a1" && grep -q '"quarantine_id":"[0-9]' "$PFX_DIR/a1"
tap_ok $? "the audit record counts recipients per applied action and keeps its fields" || show "$PFX_DIR/a1"

# tag_subject is not repeated when the Subject has it already (a reply)
phi_msg "Re: [PHI] Patient follow-up" "<carol@example.org>" >"$M/re.eml"
pfx_sink_clear
pfx_send "$R/re" "$M/re.eml" --to carol@example.org
pfx_wait_sink 1 20
carol=$(pfx_sink_for carol@example.org | head -1)
[ -n "$carol" ] && pfx_header "$carol" Subject | grep -qx 'Re: \[PHI\] Patient follow-up'
tap_ok $? "a Subject that holds the prefix already is left alone" || { [ -n "$carol" ] && pfx_header "$carol" Subject | sed 's/^/#   subject: /'; }

# ------------------------------------------------------------------ group rule: partner quarantined, internal delivered
phi_msg "Batch seven follow-up" "<carol@example.org>, <lab@partner.example>" >"$M/lab.eml"
pfx_sink_clear
pfx_send "$R/lab" "$M/lab.eml" --to carol@example.org --to lab@partner.example
tap_ok $? "sender in group:research to internal + partner: accepted" || show "$R/lab" "$PFX_MLOG"
pfx_wait_sink 3 20; pfx_sleep 2
carol=$(pfx_sink_for carol@example.org | head -1)
[ "$(count_for carol@example.org)" -eq 1 ] && has_ssn "$carol" && [ "$(count_for lab@partner.example)" -eq 0 ]
tap_ok $? "the internal recipient gets it, the partner recipient nothing (held)"
"$PHICTL" quarantine -c "$PFX_DIR/p.conf" list --json --action quarantine >"$PFX_DIR/ql" 2>&1
[ "$(wc -l <"$PFX_DIR/ql")" -eq 1 ] && grep -q '"rule":"t.research.partner"' "$PFX_DIR/ql" && grep -q '"recipients":1' "$PFX_DIR/ql"
tap_ok $? "one quarantine entry, by the group rule, for one recipient" || show "$PFX_DIR/ql"
QID=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$PFX_DIR/ql" | head -1)
"$PHICTL" quarantine -c "$PFX_DIR/p.conf" show "$QID" >"$PFX_DIR/qs" 2>&1
grep -q '^recipient: lab@partner.example$' "$PFX_DIR/qs" && ! grep -q '^recipient: carol@' "$PFX_DIR/qs"
tap_ok $? "the entry lists only the partner recipient" || grep '^recipient:' "$PFX_DIR/qs" | sed 's/^/#   /'
rm -f "$PFX_DIR/qs"
off=$(pfx_sink_for privacy@example.org | head -1)
INC=$(grep '"kind":"decision"' "$AUDIT" | tail -1 | sed -n 's/.*"incident":"\([^"]*\)".*/\1/p')
[ -n "$off" ] && [ -n "$INC" ] && grep -qF "$INC" "$off" && grep -qF "$QID" "$off" \
  && body "$off" | grep -q "phictl quarantine release $QID" && body "$off" | grep -q 't.research.partner' \
  && body "$off" | grep -q 'partner: 1 quarantined' && body "$off" | grep -q 'internal: 1 delivered tagged' \
  && body "$off" | grep -q 'alice@example.org' && pfx_header "$off" Auto-Submitted | grep -q auto-generated
tap_ok $? "the privacy officer gets a notice: incident id, rule, counts per class, sender, quarantine id, how to act" || { [ -n "$off" ] && show "$off"; }
[ -n "$off" ] && ! has_ssn "$off" && ! grep -qi 'Batch seven\|diabetes\|metformin\|lab@\|carol@' "$off"
tap_ok $? "the officer's notice holds no SSN, subject, text or recipient local part"
alice=$(pfx_sink_for alice@example.org | head -1)
[ -n "$alice" ] && body "$alice" | grep -q '(at partner.example, partner): quarantined (held for the privacy office)' \
  && body "$alice" | grep -q '(at example.org, internal): delivered'
tap_ok $? "the sender is told the partner copy is held and the internal one delivered" || { [ -n "$alice" ] && show "$alice"; }
grep '"kind":"decision"' "$AUDIT" | tail -1 | grep -q '"actions":{"tag":1,"quarantine":1}.*"officer_notified":"yes"\|"quarantine_id":"'"$QID"'".*"actions":{"tag":1,"quarantine":1}'
tap_ok $? "the audit record names the quarantine entry and counts tag:1, quarantine:1" || grep '"kind":"decision"' "$AUDIT" | tail -1 | sed 's/^/#   /'

# release through a command form of submission that keeps a copy of what it sends
cat >"$PFX_DIR/capture.sh" <<SH
#!/bin/sh
# submission command: -f SENDER -- RCPT...; keep the message, then SMTP it
cat >"$PFX_DIR/release.eml"
shift 3
for r in "\$@"; do echo "\$r"; done >"$PFX_DIR/release.rcpts"
set -- \$(for r in "\$@"; do printf -- '--to %s ' "\$r"; done)
exec "$PFX_PY" "$PFX_LIB/send.py" --port "$PFX_PORT" --from alice@example.org "\$@" "$PFX_DIR/release.eml" >"$PFX_DIR/release.reply" 2>&1
SH
chmod 755 "$PFX_DIR/capture.sh"
conf "$PFX_DIR/rel.conf"
sed -i "s|^submission = .*|submission = $PFX_DIR/capture.sh|" "$PFX_DIR/rel.conf"
pfx_sink_clear
"$PHICTL" quarantine -c "$PFX_DIR/rel.conf" release "$QID" >"$PFX_DIR/rel1" 2>&1
tap_ok $? "phictl quarantine release re-injects the held copy" || show "$PFX_DIR/rel1" "$PFX_DIR/release.reply"
pfx_wait_sink 1 20; pfx_sleep 2
got=$(pfx_sink_for lab@partner.example | head -1)
[ "$(count_for lab@partner.example)" -eq 1 ] && has_ssn "$got" && [ "$(count_for carol@example.org)" -eq 0 ] \
  && [ "$(cat "$PFX_DIR/release.rcpts" 2>/dev/null)" = lab@partner.example ]
tap_ok $? "the release goes to the partner only, once (the internal recipient had it already)" || show "$PFX_DIR/release.rcpts" "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/replay" "$PFX_DIR/release.eml" --from alice@example.org --to lab@partner.example
pfx_sleep 2
[ "$(count_for lab@partner.example)" -eq 0 ] && grep -q 'already used (replay)' "$PFX_MLOG"
tap_ok $? "a replay of the release is not let through (scanned again, held again)" || show "$R/replay"
"$PHICTL" quarantine -c "$PFX_DIR/rel.conf" release "$QID" >"$PFX_DIR/rel2" 2>&1
[ $? -eq 1 ]
tap_ok $? "a second phictl release of the entry is refused" || show "$PFX_DIR/rel2"
rm -f "$PFX_DIR/release.eml"

# a sender outside the group is not held by that rule
sed 's/^From: .*/From: Dave Example <dave@example.org>/' "$M/lab.eml" >"$M/dave.eml"
pfx_sink_clear
before=$("$PHICTL" quarantine -c "$PFX_DIR/p.conf" list --json | wc -l)
pfx_send "$R/dave" "$M/dave.eml" --from dave@example.org --to lab@partner.example
pfx_wait_sink 1 20; pfx_sleep 1
got=$(pfx_sink_for lab@partner.example | head -1)
after=$("$PHICTL" quarantine -c "$PFX_DIR/p.conf" list --json | wc -l)
[ -n "$got" ] && has_ssn "$got" && pfx_header "$got" X-PHI-Verdict | grep -qx phi && [ "$after" -eq "$before" ]
tap_ok $? "sender = group:research does not match another sender: delivered tagged, nothing held" || show "$R/dave" "$PFX_MLOG"

# ------------------------------------------------------------------ monitor = yes beside an enforcing rule
phi_msg "Trial update" "<site@trial.example>" >"$M/trial.eml"
pfx_sink_clear
pfx_send "$R/trial" "$M/trial.eml" --to site@trial.example
tap_ok $? "a rule with monitor = yes does not refuse (250)" || show "$R/trial"
pfx_wait_sink 1 20
got=$(pfx_sink_for site@trial.example | head -1)
[ -n "$got" ] && has_ssn "$got"
tap_ok $? "monitor = yes: the message is delivered"
grep '"kind":"decision"' "$AUDIT" | tail -1 >"$PFX_DIR/a2"
grep -q '"rule":"t.trial"' "$PFX_DIR/a2" && grep -q '"would":"reject"' "$PFX_DIR/a2" && ! grep -q '"action":"reject"' "$PFX_DIR/a2"
tap_ok $? "monitor = yes: the audit record says would=reject, action not reject" || show "$PFX_DIR/a2"
grep -q 'would=reject rule=t.trial' "$PFX_MLOG"
tap_ok $? "monitor = yes: the log line says would=reject" || grep 'rule=t.trial' "$PFX_MLOG" | tail -2 | sed 's/^/#   /'
phi_msg "Trial update" "<site@trial.example>, <fans@social.example>" >"$M/trial2.eml"
pfx_sink_clear
pfx_send "$R/trial2" "$M/trial2.eml" --to site@trial.example --to fans@social.example
pfx_wait_sink 2 20; pfx_sleep 1
[ "$(count_for site@trial.example)" -eq 1 ] && [ "$(count_for fans@social.example)" -eq 0 ]
tap_ok $? "in the same message the enforcing social rule still refuses its recipient" || show "$R/trial2" "$PFX_MLOG"

# ------------------------------------------------------------------ attachment = image to social
png_msg >"$M/png.eml"
pfx_sink_clear
pfx_send "$R/png" "$M/png.eml" --to fans@social.example
[ $? -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/png" && grep -q 'Pictures may not be sent to social networks' "$R/png"
tap_ok $? "attachment = image, dest = social: a clean message with a PNG is refused 550 with the rule's words" || show "$R/png" "$PFX_MLOG"
clean_msg >"$M/clean.eml"
pfx_send "$R/clean" "$M/clean.eml" --to fans@social.example
tap_ok $? "the same clean message without the picture goes to the social address" || show "$R/clean"
pfx_send "$R/pngx" "$M/png.eml" --to friend@outside.example
tap_ok $? "the picture to an ordinary outside address is not refused (the rule is for social)" || show "$R/pngx"

# ------------------------------------------------------------------ every recipient refused
phi_msg "Patient follow-up" "<fans@social.example>" >"$M/soc.eml"
pfx_sink_clear
pfx_send "$R/soc" "$M/soc.eml" --to fans@social.example
[ $? -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/soc" && grep -q 'posted to social networks' "$R/soc"
tap_ok $? "every recipient refused: the 550 5.7.1 explanation" || show "$R/soc"

# ------------------------------------------------------------------ a reply into a social network's thread
# The network made up the reply address on a domain no list knows; the
# message's In-Reply-To still names the network: the recipient is social.
{ phi_msg "Re: your post" "<reply+Zq81x@relay.unlisted.example>" | sed '/^Message-ID:/a\
In-Reply-To: <notif.4471.abc@social.example>\
References: <notif.4471.abc@social.example>'; } >"$M/thread.eml"
pfx_sink_clear
pfx_send "$R/thread" "$M/thread.eml" --to reply+Zq81x@relay.unlisted.example
[ $? -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$R/thread" && grep -q 'posted to social networks' "$R/thread"
tap_ok $? "a reply whose In-Reply-To points at a social domain: judged social and refused, whatever the reply address" || show "$R/thread" "$PFX_MLOG"
grep '"kind":"decision"' "$AUDIT" | tail -1 | grep -q '"recipients":{"social":1}'
tap_ok $? "... the audit record counts it as a social recipient" || grep '"kind":"decision"' "$AUDIT" | tail -1 | sed 's/^/#   /'
clean_msg | sed 's/^To: .*/To: <reply+Zq81x@relay.unlisted.example>/; /^Message-ID:/a\
In-Reply-To: <notif.4471.abc@social.example>' >"$M/thread_clean.eml"
pfx_send "$R/thread_clean" "$M/thread_clean.eml" --to reply+Zq81x@relay.unlisted.example
tap_ok $? "... a clean reply into the same thread goes through" || show "$R/thread_clean"
pfx_milter_stop

# ------------------------------------------------------------------ mta-hold: one quarantined recipient holds the message
conf "$PFX_DIR/h.conf" "quarantine_method = mta-hold"
pfx_milter_start "$PFX_DIR/h.conf" || show "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/hold" "$M/lab.eml" --to carol@example.org --to lab@partner.example
tap_ok $? "mta-hold, internal + quarantined partner: accepted" || show "$R/hold" "$PFX_MLOG"
pfx_wait_sink 2 20; pfx_sleep 2
[ "$(count_for carol@example.org)" -eq 0 ] && [ "$(count_for lab@partner.example)" -eq 0 ] \
  && [ "$(find "$PFX_SPOOL/hold" -type f | wc -l)" -eq 1 ]
tap_ok $? "mta-hold: the whole message waits in the hold queue, the internal recipient too (the safe side)" || show "$PFX_LOG"
off=$(pfx_sink_for privacy@example.org | head -1)
alice=$(pfx_sink_for alice@example.org | head -1)
[ -n "$off" ] && body "$off" | grep -q 'postsuper -H' && body "$off" | grep -q 'Quarantine:  none' \
  && [ -n "$alice" ] && body "$alice" | grep -q '(at example.org, internal): held with the message'
tap_ok $? "mta-hold: the officer is told how to release it from the hold queue, the sender that it is held" || { [ -n "$off" ] && show "$off"; }
postsuper -c "$PFX_ETC" -d ALL hold >/dev/null 2>&1
pfx_milter_stop

# ------------------------------------------------------------------ a store that cannot be written, mixed recipients
touch "$PFX_DIR/notadir"
conf "$PFX_DIR/bad.conf"
sed -i "s|^quarantine_dir = .*|quarantine_dir = $PFX_DIR/notadir/q|" "$PFX_DIR/bad.conf"
pfx_milter_start "$PFX_DIR/bad.conf" || show "$PFX_MLOG"
pfx_sink_clear
pfx_send "$R/bad" "$M/lab.eml" --to carol@example.org --to lab@partner.example
rc=$?
[ $rc -eq 4 ] && grep -qE '^4[0-9][0-9][ -]4\.7\.1' "$R/bad"
tap_ok $? "store not writable with one recipient to hold: tempfail 4.7.1 for the whole message" || show "$R/bad" "$PFX_MLOG"
pfx_sleep 2
[ "$(pfx_sink_count)" -eq 0 ] && [ "$(pfx_queue_count)" -eq 0 ]
tap_ok $? "nothing delivered, no notice sent, nothing queued (the client keeps the message)" || show "$PFX_MLOG"
pfx_milter_stop

# ------------------------------------------------------------------ a notice that cannot be sent, after the store write
# submission to a port nobody listens on: the quarantine entry is written,
# then the officer notice fails: the entry is deleted again, 451, nothing sent
DEAD=$(pfx_free_port)
conf "$PFX_DIR/nosub.conf"
sed -i "s|^submission = .*|submission = smtp:127.0.0.1:$DEAD|" "$PFX_DIR/nosub.conf"
pfx_milter_start "$PFX_DIR/nosub.conf" || show "$PFX_MLOG"
before=$("$PHICTL" quarantine -c "$PFX_DIR/p.conf" list --json | wc -l)
pfx_sink_clear
pfx_send "$R/nosub" "$M/lab.eml" --to carol@example.org --to lab@partner.example
rc=$?
pfx_sleep 2
after=$("$PHICTL" quarantine -c "$PFX_DIR/p.conf" list --json | wc -l)
[ $rc -eq 4 ] && [ "$(pfx_sink_count)" -eq 0 ] && [ "$after" -eq "$before" ] && grep -q 'privacy officer notice not submitted' "$PFX_MLOG"
tap_ok $? "a notice that cannot be submitted: tempfail, nothing delivered, the store entry deleted again" || show "$R/nosub" "$PFX_MLOG"
pfx_milter_stop

# ------------------------------------------------------------------ leaks
! has_ssn "$AUDIT" && ! grep -q 'carol@\|bob@\|alice@\|lab@\|fans@\|Patient follow\|Batch seven' "$AUDIT"
tap_ok $? "the audit log holds no SSN, addresses or subjects"
! has_ssn "$PFX_MLOG" && ! grep -q 'carol@\|bob@\|lab@\|fans@\|Patient follow\|Batch seven' "$PFX_MLOG"
tap_ok $? "phimilter's log holds no SSN, recipient address or subject"

tap_done
