#!/bin/sh
# tests/e2e/policy_check.sh: `phimilter -n` and `phictl check` on policy
# files. The shipped conf/phimilter.conf (policy_file = policy.rules) and
# the built-in rules pass; a policy with several bad lines fails with one
# FILE:LINE: line for each of them, and so do what only the config can
# tell (notify_officer without privacy_officer, a missing notice template,
# a missing policy_file). TAP on stdout; no mail, no daemon.
#
# Env: PHIMILTER, PHICTL (binaries), PHI_TOP (repo top), PHI_OUT (scratch).
set -u
top=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PHIMILTER=${PHIMILTER:-$top/phimilter}
PHICTL=${PHICTL:-$top/phictl}
. "$top/tests/lib/tap.sh"

[ -x "$PHIMILTER" ] || { echo "1..1"; echo "not ok 1 - phimilter binary at $PHIMILTER"; exit 1; }
[ -x "$PHICTL" ] || { echo "1..1"; echo "not ok 1 - phictl binary at $PHICTL"; exit 1; }
if [ -n "${PHI_OUT:-}" ]; then mkdir -p "$PHI_OUT"; W=$(mktemp -d "$PHI_OUT/policy_check.XXXXXX"); else W=$(mktemp -d); fi
trap 'rm -rf "$W"' EXIT INT TERM

show() { tap_diag "--- $1"; sed -n '1,20p' "$1" | tap_redact | sed 's/^/#   /'; }

# --- 1. the shipped configuration and policy pass --------------------------
"$PHIMILTER" -n -c "$top/conf/phimilter.conf" >"$W/ship.out" 2>&1
tap_ok $? "phimilter -n passes the shipped conf/phimilter.conf with conf/policy.rules" || show "$W/ship.out"
grep -q '^policy_file = policy.rules' "$top/conf/phimilter.conf"
tap_ok $? "the shipped config names policy.rules"
"$PHICTL" check -c "$top/conf/phimilter.conf" >"$W/ship2.out" 2>&1
tap_ok $? "phictl check passes it too" || show "$W/ship2.out"

# A config of its own, beside a copy of the shipped policy and templates/.
mkdir -p "$W/etc/templates"
cp "$top/conf/policy.rules" "$W/etc/policy.rules"
cp "$top/conf/templates/"* "$W/etc/templates/"
conf() { # conf EXTRA-LINES: writes $W/etc/phimilter.conf
  printf 'internal_domains = example.org\n%s\n' "$1" >"$W/etc/phimilter.conf"
}
check() { # check: phimilter -n on it, output in $W/n.out; returns its status
  "$PHIMILTER" -n -c "$W/etc/phimilter.conf" >"$W/n.out" 2>&1
}

conf ''
check
tap_ok $? "no policy_file: the built-in rules pass" || show "$W/n.out"
conf 'policy_file = policy.rules'
check
tap_ok $? "a copy of the shipped policy passes" || show "$W/n.out"

# --- 2. a bad policy: one FILE:LINE: line for each bad line ---------------
cat >"$W/etc/bad.rules" <<'EOF'
# line 1: mistakes on lines 3, 5, 6, 7, 8 (no action), 9 and 12
rule first
    colour = red
    action = tag
    dest = outside
rule first
    action = drop
rule no.action
    types = ssn
sender = x@example.org
group g = a.example
    recipient = group:nope
rule fine
    action = accept
EOF
conf 'policy_file = bad.rules'
check
rc=$?
[ "$rc" -ne 0 ]
tap_ok $? "a bad policy file fails phimilter -n (exit $rc)" || show "$W/n.out"
P=$W/etc/bad.rules
ok=0
for want in "$P:3: unknown key 'colour'" "$P:5: dest: 'outside' is not one of" \
            "$P:6: duplicate rule name 'first'" "$P:7: action: 'drop' is not one of" \
            "$P:8: rule 'no.action': missing 'action" "$P:9: types: unknown finding type 'ssn'" \
            "$P:12: 'recipient = ...' outside a rule"; do
  grep -qF "$want" "$W/n.out" || { tap_diag "missing: $want"; ok=1; }
done
tap_ok $ok "each bad line is reported as FILE:LINE: with what is wrong" || show "$W/n.out"
# Line 10 is good (still inside rule no.action); the group line 11 ends
# that rule, which is why line 12 stands outside any.
! grep -qF "$P:10:" "$W/n.out" && ! grep -qF "$P:11:" "$W/n.out"
tap_ok $? "good lines are not reported" || show "$W/n.out"
n_bad=$(grep -c "^$P:[0-9]*: " "$W/n.out")
n_all=$(grep -c . "$W/n.out")
[ "$n_bad" -ge 7 ] && [ "$n_bad" -eq "$n_all" ]
tap_ok $? "every message line has the FILE:LINE: form ($n_bad lines)" || show "$W/n.out"
"$PHICTL" check -c "$W/etc/phimilter.conf" >"$W/c.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -qF "$P:7: action: 'drop'" "$W/c.out"
tap_ok $? "phictl check prints the same and fails (exit $rc)" || show "$W/c.out"

# --- 3. what only the config can tell --------------------------------------
printf 'rule tell.officer\n    action = quarantine\n    notify_officer = yes\n' >"$W/etc/officer.rules"
conf 'policy_file = officer.rules'
check
[ $? -ne 0 ] && grep -qF "$W/etc/officer.rules:1: rule 'tell.officer': notify_officer = yes, but privacy_officer is not set" "$W/n.out"
tap_ok $? "notify_officer without privacy_officer: error at the rule's line" || show "$W/n.out"
conf 'policy_file = officer.rules
privacy_officer = privacy@example.org'
check
tap_ok $? "... passes once privacy_officer is set" || show "$W/n.out"

printf '# held\nrule held\n    action = quarantine\n    notice = no_such_notice.txt\n' >"$W/etc/notice.rules"
conf 'policy_file = notice.rules'
check
[ $? -ne 0 ] && grep -qF "$W/etc/notice.rules:2: rule 'held': notice template" "$W/n.out" &&
  grep -qF "templates/no_such_notice.txt" "$W/n.out"
tap_ok $? "a notice template missing from templates/: error at the rule's line" || show "$W/n.out"
cp "$top/conf/templates/sender_notice.txt" "$W/etc/templates/no_such_notice.txt"
check
tap_ok $? "... passes once the template is there" || show "$W/n.out"

conf 'policy_file = missing.rules'
check
[ $? -ne 0 ] && grep -qF "$W/etc/phimilter.conf:2: policy_file: " "$W/n.out"
tap_ok $? "a policy_file that does not exist: error at the config line" || show "$W/n.out"

# A group read from a file, used by a rule: passes.
printf '# research staff\nalice@example.org\n@research.example.org\n' >"$W/etc/research.list"
printf 'group research = @research.list\nrule research.out\n    sender = group:research\n    dest = external\n    action = block\nrule rest\n    action = accept\n' >"$W/etc/group.rules"
conf 'policy_file = group.rules'
check
tap_ok $? "a policy with a group from @file passes" || show "$W/n.out"
printf 'alice@example.org\nnot@an@address\n' >"$W/etc/research.list"
check
[ $? -ne 0 ] && grep -qF "$W/etc/research.list:2: group: 'not@an@address'" "$W/n.out"
tap_ok $? "a bad entry in the group's file is reported at that file's line" || show "$W/n.out"

tap_done
