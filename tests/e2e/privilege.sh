#!/bin/sh
# tests/e2e/privilege.sh: least privilege of a real phimilter (issue 7).
#
# Started as root with supplementary groups (root, adm) and umask 000, with
# `user = nobody`, behind a private Postfix (tests/lib/pfx.sh) and with its
# syslog caught (tests/lib/syslog_ns.sh):
#   - it binds, then runs as nobody: every Uid/Gid of /proc/PID/status is
#     nobody's and the supplementary groups are exactly nobody's;
#   - the milter socket and the scan socket belong to nobody, mode 0660;
#   - what it writes for a quarantined message (the store's directory and
#     entries, the audit log, the metrics file) is nobody's, and the pid file
#     (written before the drop) root's, none with a group or other bit (its
#     own umask 077, not the caller's 000);
#   - a SIGUSR1 reload as nobody works (its files are nobody's);
# and started as root with `user` empty it refuses (exit != 0, the message
# on stderr and in syslog, no socket); a key file readable by its group
# only (0640), or one the user cannot read (root's), is refused too
# (faults.sh covers a missing and a 0644 one).
# Prints TAP. Needs root (postfix, unshare). Synthetic data only.
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
PFX_NAME=privilege
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"
. "$PHI_TOP/tests/lib/syslog_ns.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root: the test is about what root gives up"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
command -v setpriv >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || tap_skip_all "needs setpriv and unshare (util-linux)"
id nobody >/dev/null 2>&1 || tap_skip_all "no user nobody"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }

SSN=372-51-6604
tap_redact_add "$SSN"
NUID=$(id -u nobody) NGID=$(id -g nobody)
NGROUPS=$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ')
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -15 | sed 's/^/#   /'; done; }

pfx_init
ST=$PFX_DIR/state   # the daemon's own directory, as /var/lib/phimilter would be
mkdir -p "$ST" && chown nobody: "$ST" && chmod 700 "$ST"
head -c 32 /dev/urandom >"$ST/qkey" && chown nobody: "$ST/qkey" && chmod 600 "$ST/qkey"
syslog_ns_start "$PFX_DIR" "$PHIMILTER" || pfx_die "the syslog listener did not start"
# root, with supplementary groups root and adm, in the syslog namespace
cat >"$PFX_DIR/start_root" <<SH
#!/bin/sh
exec setpriv --groups 0,4 -- "$PFX_DIR/syslog_wrap" "\$@"
SH
chmod 755 "$PFX_DIR/start_root"
REAL=$PHIMILTER PHIMILTER=$PFX_DIR/start_root

pfx_sink_start
pfx_postfix_start
conf() { # conf FILE USERLINE [extra lines]
  pfx_milter_conf "$1" <<CONF
socket = unix:$PFX_SOCK
$2
mode = enforce
internal_domains = example.org
blocked_action = quarantine
quarantine_dir = $ST/quarantine
quarantine_key_file = $ST/qkey
audit_log = $ST/audit.log
metrics_file = $ST/metrics.prom
metrics_interval = 1
pid_file = $ST/phimilter.pid
scan_socket = unix:$ST/scan.sock
submission = smtp:127.0.0.1:$PFX_PORT
sender_notice = none
${3:-}
CONF
  chmod 644 "$1"   # nobody reads it again on reload
}
conf "$PFX_DIR/nobody.conf" "user = nobody"
conf "$PFX_DIR/root.conf" ""

# ------------------------------------------------------------------ refusal
"$PHIMILTER" -f -c "$PFX_DIR/root.conf" -p "unix:$PFX_SOCK" >"$PFX_DIR/refuse.out" 2>&1
rc=$?
want='running as root: set `user = USER` in '"$PFX_DIR/root.conf"' to drop privileges after binding, or `user = root` to run as root on purpose'
[ $rc -ne 0 ] && grep -qF "$want" "$PFX_DIR/refuse.out"
tap_ok $? "user empty, started as root: refuses (exit $rc) with the message on stderr" || show "$PFX_DIR/refuse.out"
pfx_sleep 0.3
grep -qF "fatal: $want" "$PFX_DIR/syslog.log"
tap_ok $? "... and the same in syslog" || show "$PFX_DIR/syslog.log"
[ ! -e "$PFX_SOCK" ] && [ ! -e "$ST/scan.sock" ] && [ ! -e "$ST/phimilter.pid" ]
tap_ok $? "... before it made a socket or a pid file"

# ------------------------------------------------------------------ running as nobody
pfx_milter_start "$PFX_DIR/nobody.conf"
tap_ok $? "user = nobody, started as root (groups root, adm; umask 000): it starts" || show "$PFX_MLOG"
PID=$PFX_MILTER_PID
st=/proc/$PID/status
awk -v u="$NUID" '$1 == "Uid:" { exit !($2 == u && $3 == u && $4 == u && $5 == u) }' "$st" &&
  awk -v g="$NGID" '$1 == "Gid:" { exit !($2 == g && $3 == g && $4 == g && $5 == g) }' "$st"
tap_ok $? "real, effective, saved and file-system uid and gid are nobody's" || grep -E '^(Uid|Gid)' "$st" | sed 's/^/#   /'
got=$(awk '$1 == "Groups:" { for (i = 2; i <= NF; i++) print $i }' "$st" | sort -n | tr '\n' ' ')
[ "$got" = "$NGROUPS" ]
tap_ok $? "supplementary groups dropped: exactly nobody's ($got)" || tap_diag "want: $NGROUPS"
awk '$1 == "CapEff:" || $1 == "CapPrm:" { if ($2 !~ /^0+$/) bad = 1 } END { exit bad }' "$st"
tap_ok $? "no capability left (CapEff and CapPrm empty)" || grep '^Cap' "$st" | sed 's/^/#   /'
grep -q 'running as user nobody' "$PFX_MLOG" && grep -q 'running as user nobody' "$PFX_DIR/syslog.log"
tap_ok $? "it says so in its log and in syslog"

[ "$(stat -c '%U %a' "$PFX_SOCK")" = "nobody 660" ] && [ "$(stat -c %G "$PFX_SOCK")" = postfix ]
tap_ok $? "the milter socket is nobody's, group postfix (the set-group-id directory), 0660" || \
  tap_diag "$(stat -c '%U %G %a' "$PFX_SOCK")"
[ "$(stat -c '%U %a' "$ST/scan.sock" 2>/dev/null)" = "nobody 660" ]
tap_ok $? "the scan socket is nobody's, 0660" || tap_diag "$(stat -c '%U %G %a' "$ST/scan.sock" 2>&1)"

cat >"$PFX_DIR/phi.eml" <<EML
From: Alice Example <alice@example.org>
To: <bob@outside.example>
Subject: follow-up
Date: Tue, 01 Dec 2026 11:00:00 +0000
Message-ID: <privilege-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Patient SSN $SSN, type 2 diabetes mellitus, started on metformin.
EML
pfx_send "$PFX_DIR/r1" --to bob@outside.example "$PFX_DIR/phi.eml"
tap_ok $? "a PHI message to an outside address is accepted into quarantine (250)" || show "$PFX_DIR/r1" "$PFX_MLOG"
i=0
while [ $i -lt 50 ] && ! { [ -s "$ST/audit.log" ] && [ -s "$ST/metrics.prom" ]; }; do pfx_sleep 0.1; i=$((i + 1)); done
pfx_sleep 1.2   # one more metrics round, which counts the new store entry
n_q=$(find "$ST/quarantine" -type f 2>/dev/null | wc -l)
[ "$n_q" -ge 1 ] && grep -q '"action":"quarantine"' "$ST/audit.log" && grep -q '^phimilter_messages_total' "$ST/metrics.prom"
tap_ok $? "it wrote a store entry ($n_q files), an audit line and the metrics file" || { ls -laR "$ST" | sed 's/^/#   /'; show "$PFX_MLOG"; }
[ "$(cat "$ST/phimilter.pid" 2>/dev/null)" = "$PID" ]
tap_ok $? "the pid file holds its pid"
# what it wrote: all but the sockets and the key the test made. The pid file
# is written before the drop (root's, as systemd wants a root-started
# daemon's pid file to be); the rest after it.
find "$ST" -mindepth 1 ! -type s ! -name qkey >"$PFX_DIR/written"
bad=$(while read -r f; do
  own=nobody; [ "$f" = "$ST/phimilter.pid" ] && own=root
  [ "$(stat -c %U "$f")" = $own ] && [ $(( 0$(stat -c %a "$f") & 077 )) -eq 0 ] || stat -c '%n %U %a' "$f"
done <"$PFX_DIR/written")
[ "$(wc -l <"$PFX_DIR/written")" -ge 5 ] && [ -z "$bad" ]
tap_ok $? "everything it wrote ($(wc -l <"$PFX_DIR/written") files and directories) is nobody's (the pid file root's), no group or other bit" || \
  tap_diag "$bad"
[ "$(stat -c '%U %a' "$ST/quarantine")" = "nobody 700" ] && [ "$(stat -c %a "$ST/audit.log")" = 600 ] && \
  [ "$(stat -c %a "$ST/metrics.prom")" = 600 ] && [ "$(stat -c %a "$ST/phimilter.pid")" = 600 ]
tap_ok $? "... the store 0700; audit log, metrics file and pid file 0600"

base=$(pfx_lines "$PFX_MLOG")
kill -USR1 "$PID"
pfx_wait_log "$PFX_MLOG" 'configuration reloaded|reload of .* failed' 20 "$base"
tail -n +"$((base + 1))" "$PFX_MLOG" | grep -q 'configuration reloaded' && kill -0 "$PID" 2>/dev/null
tap_ok $? "a SIGUSR1 reload works as nobody (it can read its config and key)" || show "$PFX_MLOG"
pfx_milter_stop TERM
tap_ok $? "SIGTERM stops it (within 20 s)"
[ "$PFX_MILTER_RC" = 0 ]
tap_ok $? "... with exit 0" || tap_diag "exit $PFX_MILTER_RC"

# ------------------------------------------------------------------ key readable by its group
cp "$ST/qkey" "$ST/gkey" && chown nobody: "$ST/gkey" && chmod 640 "$ST/gkey"
conf "$PFX_DIR/gkey.conf" "user = nobody"
sed -i "s|^quarantine_key_file = .*|quarantine_key_file = $ST/gkey|" "$PFX_DIR/gkey.conf"
timeout 20 "$PHIMILTER" -f -c "$PFX_DIR/gkey.conf" -p "unix:$PFX_DIR/sock/g.sock" >"$PFX_DIR/gkey.out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'gkey' "$PFX_DIR/gkey.out"
tap_ok $? "a key file readable by its group (0640): refuses to start, naming the file" || show "$PFX_DIR/gkey.out"

# a key the daemon's user cannot read: checked as root it would pass, and
# every reload (as nobody) would fail; so the start fails
cp "$ST/qkey" "$ST/rkey" && chmod 600 "$ST/rkey"
conf "$PFX_DIR/rkey.conf" "user = nobody"
sed -i "s|^quarantine_key_file = .*|quarantine_key_file = $ST/rkey|" "$PFX_DIR/rkey.conf"
timeout 20 "$PHIMILTER" -f -c "$PFX_DIR/rkey.conf" -p "unix:$PFX_DIR/sock/r.sock" >"$PFX_DIR/rkey.out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'rkey.*owned by uid 0' "$PFX_DIR/rkey.out" && \
  grep -q 'does not load as user nobody' "$PFX_DIR/rkey.out"
tap_ok $? "a key file root owns, with user = nobody: refuses to start, naming the file and the user" || show "$PFX_DIR/rkey.out"

! grep -qF "$SSN" "$PFX_MLOG" "$PFX_DIR/syslog.log" "$ST/audit.log" "$ST/metrics.prom" && \
  ! grep -rqaF "$SSN" "$ST/quarantine"
tap_ok $? "the planted SSN is in no log, audit line, metrics or store file"
syslog_ns_stop
PHIMILTER=$REAL
tap_done
