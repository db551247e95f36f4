#!/bin/sh
# tests/e2e/package.sh: the Debian package, built, checked, installed, used
# through a real Postfix and purged (issue 6).
#
#   1. the .deb: $PHI_DEB when set (e.g. from `make deb`), else built now by
#      packaging/debian/mkdeb.sh into the work dir;
#   2. lintian on it (an error fails; warnings are shown, packaging/README.md
#      explains the known ones); systemd-analyze verify on the installed unit;
#   3. dpkg -i (a temporary policy-rc.d keeps daemons from starting), then the
#      files, conffiles, user, group, modes and generated keys;
#   3b. phiportal: the binary, its unit (verified, hardened, not enabled),
#      `phiportal -n` on the installed config, and the installed phiportal
#      started as its unit starts it (root, dropping to phimilter) serving
#      its stylesheet and refusing an unknown message;
#   4. the installed /usr/sbin/phimilter started with the installed config as
#      the unit would (systemd is not PID 1 in CI containers: as root, and it
#      drops to user phimilter), a private Postfix (tests/lib/pfx.sh) whose
#      smtpd_milters is the installed socket: clean passes, SSN refused,
#      internal tagged; SIGUSR1 reload;
#   5. dpkg --purge: keys, store and socket directory gone; the test then
#      removes the phimilter user and group it caused, so the machine is left
#      as it was found.
# Skips (TAP "# SKIP") only when the packaging tools cannot be installed, or
# when a phimilter package is already installed (the test would remove it).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
PFX_NAME=package
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root (dpkg -i, a private Postfix)"
command -v dpkg >/dev/null 2>&1 || tap_skip_all "not a Debian system (no dpkg)"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
if dpkg-query -W -f='${Status}' phimilter 2>/dev/null | grep -q 'ok installed'; then
  tap_skip_all "a phimilter package is installed on this machine; this test would replace and purge it"
fi

SSN=371-42-8195
SSN_DIGITS=371428195
tap_redact_add "$SSN"; tap_redact_add "$SSN_DIGITS"
has_ssn() { cat "$@" 2>/dev/null | grep -qF -e "$SSN" -e "$SSN_DIGITS"; }
show() { for _f in "$@"; do [ -f "$_f" ] && tap_redact <"$_f" | tail -20 | sed 's/^/#   /'; done; }

# ------------------------------------------------------------------ tools
TOOLS="dpkg-dev debhelper fakeroot lintian"
missing=
for p in $TOOLS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ] && [ -z "${PHI_DEB:-}" ]; then
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
    apt-get update -q >/dev/null 2>&1
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1
  } || tap_skip_all "cannot install the packaging tools ($missing): apt-get failed"
fi

had_user=0 had_group=0
getent passwd phimilter >/dev/null 2>&1 && had_user=1
getent group phimilter >/dev/null 2>&1 && had_group=1
made_policy=0 installed=0 daemon_pid= portal_pid=
pkg_cleanup() {
  [ -n "$portal_pid" ] && kill -KILL "$portal_pid" 2>/dev/null
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null; sleep 1; kill -KILL "$daemon_pid" 2>/dev/null
  fi
  if [ "$installed" = 1 ]; then
    dpkg --purge phimilter >/dev/null 2>&1; installed=0
  fi
  [ "$had_user" = 0 ] && getent passwd phimilter >/dev/null 2>&1 && deluser --quiet --system phimilter >/dev/null 2>&1
  [ "$had_group" = 0 ] && getent group phimilter >/dev/null 2>&1 && delgroup --quiet --system phimilter >/dev/null 2>&1
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  made_policy=0
}

pfx_init
trap 'pkg_cleanup; pfx_cleanup' EXIT
W=$PFX_DIR/pkg
mkdir -p "$W"

# ------------------------------------------------------------------ 1. build
if [ -n "${PHI_DEB:-}" ]; then
  DEB=$PHI_DEB
  [ -f "$DEB" ]
  tap_ok $? "the package to test is given: $(basename "$DEB")"
else
  DEB=$(sh "$PHI_TOP/packaging/debian/mkdeb.sh" "$W/deb" 2>"$W/mkdeb.err" | tail -1)
  [ -n "$DEB" ] && [ -f "$DEB" ]
  tap_ok $? "make deb's script builds the package from packaging/debian (dpkg-buildpackage -b)" || show "$W/mkdeb.err"
fi
[ -f "$DEB" ] || { echo "Bail out! no package"; exit 1; }
dpkg-deb -c "$DEB" >"$W/contents"
ok=0
for f in ./usr/sbin/phimilter ./usr/sbin/phictl ./usr/sbin/phiportal ./etc/phimilter/phimilter.conf \
         ./etc/phimilter/social_domains ./etc/phimilter/chat_domains ./etc/phimilter/allowlist \
         ./etc/phimilter/rules/example.rules ./etc/phimilter/portal/layout.html ./etc/phimilter/portal/portal.css \
         ./usr/lib/tmpfiles.d/phimilter.conf ./usr/share/man/man8/phimilter.8.gz ./usr/share/man/man8/phictl.8.gz \
         ./usr/share/man/man8/phiportal.8.gz ./usr/share/man/man5/phimilter.conf.5.gz \
         ./usr/share/man/man5/phimilter-policy.5.gz; do
  grep -q " $f\$" "$W/contents" || { tap_diag "missing: $f"; ok=1; }
done
for u in phimilter phiportal; do
  grep -qE " \./(usr/)?lib/systemd/system/$u\.service\$" "$W/contents" || { tap_diag "missing: $u.service"; ok=1; }
done
grep -q ' \./etc/phimilter/terms/' "$W/contents" || { tap_diag "missing: /etc/phimilter/terms/"; ok=1; }
tap_ok $ok "the package holds the three programs, the config tree with the portal templates, both units, the tmpfiles entry and five man pages"
dpkg-deb -f "$DEB" Depends | grep -q 'libmicrohttpd'
tap_ok $? "its dependencies include libmicrohttpd (shlibs, for phiportal)" || tap_diag "$(dpkg-deb -f "$DEB" Depends)"

# ------------------------------------------------------------------ 2. lintian
if command -v lintian >/dev/null 2>&1; then
  lintian --tag-display-limit 0 "$DEB" >"$W/lintian.out" 2>"$W/lintian.err"
  ! grep -q '^E: ' "$W/lintian.out"
  tap_ok $? "lintian reports no errors" || show "$W/lintian.out"
  grep -E '^W: ' "$W/lintian.out" | sed 's/^/lintian: /' | while read -r l; do tap_diag "$l"; done
else
  tap_ok 1 "lintian reports no errors (lintian is not installed)"
fi

# ------------------------------------------------------------------ 3. install
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# temporary, from phimilter tests/e2e/package.sh\nexit 101\n' >/usr/sbin/policy-rc.d \
    && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
fi
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >"$W/dpkg-i.out" 2>&1
rc=$?
installed=1
tap_ok $rc "dpkg -i installs the package cleanly" || show "$W/dpkg-i.out"
[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d && made_policy=0

UNIT=/lib/systemd/system/phimilter.service
[ -f "$UNIT" ] || UNIT=/usr/lib/systemd/system/phimilter.service
if command -v systemd-analyze >/dev/null 2>&1; then
  # only the unit's own problems: verify also loads the units it is ordered against
  systemd-analyze verify "$UNIT" >"$W/verify.out" 2>&1
  rc=$?
  grep -i 'phimilter' "$W/verify.out" | grep -v '^$' >"$W/verify.own"
  [ $rc -eq 0 ] || [ ! -s "$W/verify.own" ]
  tap_ok $? "systemd-analyze verify finds nothing wrong with phimilter.service" || show "$W/verify.out"
else
  tap_ok 1 "systemd-analyze verify (systemd-analyze is not installed)"
fi
for k in User=phimilter RuntimeDirectory=phimilter ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
         'CapabilityBoundingSet=$' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
         'SystemCallFilter=@system-service' 'ExecReload=/bin/kill -USR1 \$MAINPID' 'ReadWritePaths=/var/lib/phimilter'; do
  grep -q "^$k" "$UNIT" || { tap_diag "unit lacks: $k"; false; } || break
done
tap_ok $? "the unit runs as phimilter, hardened, and reloads with SIGUSR1"

PUNIT=${UNIT%/phimilter.service}/phiportal.service
if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify "$PUNIT" >"$W/pverify.out" 2>&1
  rc=$?
  grep -i 'phiportal' "$W/pverify.out" | grep -v '^$' >"$W/pverify.own"
  [ -f "$PUNIT" ] && { [ $rc -eq 0 ] || [ ! -s "$W/pverify.own" ]; }
  tap_ok $? "systemd-analyze verify finds nothing wrong with phiportal.service" || show "$W/pverify.out"
else
  tap_ok 1 "systemd-analyze verify phiportal.service (systemd-analyze is not installed)"
fi
for k in 'ExecStartPre=/usr/sbin/phiportal -n -c /etc/phimilter/phimilter.conf' \
         'ExecStart=/usr/sbin/phiportal -c /etc/phimilter/phimilter.conf' 'ExecReload=/bin/kill -USR1 \$MAINPID' \
         ProtectSystem=strict 'ReadWritePaths=/var/lib/phimilter$' NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes \
         'CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_DAC_READ_SEARCH$' 'AmbientCapabilities=$' \
         'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' 'SystemCallFilter=@system-service' \
         MemoryDenyWriteExecute=yes; do
  grep -q "^$k" "$PUNIT" || { tap_diag "phiportal unit lacks: $k"; false; } || break
done
tap_ok $? "phiportal.service: checks the config first, reloads with SIGUSR1, hardened, only the capabilities to read the keys and drop to phimilter"
WANTS=/etc/systemd/system/multi-user.target.wants
[ -L "$WANTS/phimilter.service" ] && [ ! -e "$WANTS/phiportal.service" ]
tap_ok $? "phimilter.service is enabled on install, phiportal.service is not (it needs portal_url and a proxy)" ||
  tap_diag "$(ls -l "$WANTS" 2>&1 | grep phi)"

grep -qx /etc/phimilter/phimilter.conf /var/lib/dpkg/info/phimilter.conffiles 2>/dev/null \
  && grep -qx /etc/phimilter/social_domains /var/lib/dpkg/info/phimilter.conffiles
tap_ok $? "the files in /etc/phimilter are conffiles"
uid=$(getent passwd phimilter | cut -d: -f3)
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && getent group phimilter >/dev/null
tap_ok $? "postinst made a phimilter system user and group"
if getent passwd postfix >/dev/null; then
  id -nG postfix | tr ' ' '\n' | grep -qx phimilter
  tap_ok $? "the postfix user is in group phimilter"
fi
[ "$(stat -c '%a %U' /var/lib/phimilter 2>/dev/null)" = "700 phimilter" ]
tap_ok $? "/var/lib/phimilter is 0700 and owned by phimilter"
[ "$(stat -c '%a %U %G' /var/spool/postfix/phimilter 2>/dev/null)" = "2750 phimilter phimilter" ]
tap_ok $? "the socket directory /var/spool/postfix/phimilter is 2750 phimilter:phimilter"
ok=0
for k in quarantine portal roster; do
  f=/etc/phimilter/keys/$k.key
  [ "$(stat -c '%a %U %s' "$f" 2>/dev/null)" = "600 phimilter 32" ] || { tap_diag "$f: $(stat -c '%a %U %s' "$f" 2>&1)"; ok=1; }
done
tap_ok $ok "keys (quarantine, portal, roster) were generated: 32 bytes, 0600, owned by phimilter"
cp /etc/phimilter/keys/quarantine.key "$W/qkey.before"
/usr/sbin/phimilter -n -c /etc/phimilter/phimilter.conf >"$W/n.out" 2>&1
tap_ok $? "the installed configuration passes phimilter -n" || show "$W/n.out"
/usr/sbin/phictl scan "$PHI_TOP/packaging/samples/clean.eml" >"$W/scan.out" 2>&1
tap_ok $? "the installed phictl scans a clean sample (exit 0)" || show "$W/scan.out"
man -l /usr/share/man/man5/phimilter.conf.5.gz >/dev/null 2>&1 || zcat /usr/share/man/man5/phimilter.conf.5.gz | grep -q '^\.TH'
tap_ok $? "phimilter.conf(5) is installed and readable"

# phiportal as its unit runs it: as root, it drops to `user` (phimilter) once
# listening; a free loopback port instead of portal_listen.
/usr/sbin/phiportal -n -c /etc/phimilter/phimilter.conf >"$W/pn.out" 2>&1
tap_ok $? "the installed configuration passes phiportal -n (keys, templates in /etc/phimilter/portal)" || show "$W/pn.out"
pport=$(pfx_free_port)
/usr/sbin/phiportal -c /etc/phimilter/phimilter.conf -l "127.0.0.1:$pport" >"$W/portal.out" 2>&1 &
portal_pid=$!
_i=0
while ! pfx_tcp_open "$pport" && kill -0 "$portal_pid" 2>/dev/null && [ $_i -lt 100 ]; do _i=$((_i + 1)); pfx_sleep 0.1; done
pfx_tcp_open "$pport" && [ "$(ps -o user= -p "$portal_pid" 2>/dev/null | tr -d ' ')" = phimilter ]
tap_ok $? "the installed phiportal listens and runs as user phimilter" || show "$W/portal.out"
"$PFX_PY" - "$pport" >"$W/portal.http" 2>&1 <<'PY'
import sys, urllib.request, urllib.error
base = "http://127.0.0.1:%s" % sys.argv[1]
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()
s1, t1, b1 = get("/portal.css")
s2, _t2, b2 = get("/m/NOSUCHMESSAGE0000")
print("css", s1, t1, len(b1)); print("unknown", s2)
sys.exit(0 if s1 == 200 and "css" in t1 and len(b1) > 100 and s2 in (403, 404, 410) else 1)
PY
tap_ok $? "it serves the installed stylesheet and refuses an unknown message" || show "$W/portal.http" "$W/portal.out"
kill -TERM "$portal_pid" 2>/dev/null
wait "$portal_pid"
tap_ok $? "SIGTERM stops phiportal (exit 0)" || show "$W/portal.out"
portal_pid=

# a second install (upgrade path) keeps the keys
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >"$W/dpkg-i2.out" 2>&1 && cmp -s "$W/qkey.before" /etc/phimilter/keys/quarantine.key
tap_ok $? "reinstalling keeps the generated keys" || show "$W/dpkg-i2.out"

# ------------------------------------------------------------------ 4. run it
SOCK=/var/spool/postfix/phimilter/phimilter.sock
/usr/sbin/phimilter -c /etc/phimilter/phimilter.conf >"$W/start.out" 2>&1
rc=$?
_i=0
while [ ! -S "$SOCK" ] && [ $_i -lt 200 ]; do _i=$((_i + 1)); pfx_sleep 0.1; done
daemon_pid=$(cat /run/phimilter/phimilter.pid 2>/dev/null)
[ $rc -eq 0 ] && [ -S "$SOCK" ] && [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null
tap_ok $? "the installed phimilter starts with the installed config, socket and pid file in place" || show "$W/start.out"
[ "$(ps -o user= -p "${daemon_pid:-0}" 2>/dev/null | tr -d ' ')" = phimilter ]
tap_ok $? "it runs as user phimilter"
[ "$(stat -c '%a %U %G' "$SOCK" 2>/dev/null)" = "660 phimilter phimilter" ]
tap_ok $? "its socket is 0660 phimilter:phimilter" || tap_diag "$(stat -c '%a %U %G' "$SOCK" 2>&1)"

PFX_SOCK=$SOCK
pfx_sink_start
pfx_postfix_start
cat >"$W/ssn.eml" <<EML
From: Alice Example <alice@example.org>
To: <bob@outside.example>
Subject: Patient follow-up
Message-ID: <pkg-phi-$$@example.org>

Patient SSN $SSN was diagnosed with diabetes mellitus type 2 and
started on metformin; HbA1c is due at the clinic next month.
EML
pfx_send "$W/r.clean" --to bob@outside.example "$PHI_TOP/packaging/samples/clean.eml" && pfx_wait_sink 1 20
got=$(pfx_sink_for bob@outside.example | head -1)
[ -n "$got" ] && pfx_header "$got" X-PHI-Scanned | grep -q '^phimilter '
tap_ok $? "through Postfix and the installed socket: clean mail arrives with X-PHI-Scanned" || show "$W/r.clean" "$PFX_LOG"
pfx_send "$W/r.ssn" --to bob@outside.example "$W/ssn.eml"
[ $? -eq 5 ] && grep -qE '^550[ -]5\.7\.1 ' "$W/r.ssn" && ! has_ssn "$W/r.ssn"
tap_ok $? "an SSN with health context to an external domain is refused 550 5.7.1 (without the number)" || show "$W/r.ssn"
pfx_sink_clear
pfx_send "$W/r.int" --to carol@example.org "$W/ssn.eml" && pfx_wait_sink 1 20
got=$(pfx_sink_for carol@example.org | head -1)
[ -n "$got" ] && pfx_header "$got" X-PHI-Verdict | grep -qx phi
tap_ok $? "the same to an internal recipient arrives tagged X-PHI-Verdict: phi" || show "$W/r.int"
pfx_wait_log /run/phimilter/metrics.prom '^phimilter_messages_total [3-9]' 15
tap_ok $? "the installed daemon writes /run/phimilter/metrics.prom (metrics_file)"
/usr/sbin/phictl stats >"$W/stats.out" 2>&1 && grep -qE 'verdict phi +[1-9]' "$W/stats.out"
tap_ok $? "phictl stats reads it through the installed configuration" || show "$W/stats.out"
kill -USR1 "$daemon_pid" 2>/dev/null; pfx_sleep 1
kill -0 "$daemon_pid" 2>/dev/null && pfx_send "$W/r.clean2" --to bob@outside.example "$PHI_TOP/packaging/samples/clean.eml"
tap_ok $? "after SIGUSR1 (systemctl reload) it still runs and accepts mail"
kill -TERM "$daemon_pid" 2>/dev/null
_i=0
while kill -0 "$daemon_pid" 2>/dev/null && [ $_i -lt 200 ]; do _i=$((_i + 1)); pfx_sleep 0.1; done
! kill -0 "$daemon_pid" 2>/dev/null && [ ! -e /run/phimilter/phimilter.pid ]
tap_ok $? "SIGTERM stops it and its pid file is removed"
daemon_pid=
pfx_postfix_stop

# ------------------------------------------------------------------ 5. purge
dpkg -r phimilter >"$W/dpkg-r.out" 2>&1 && [ -f /etc/phimilter/keys/quarantine.key ] && [ -d /var/lib/phimilter ]
tap_ok $? "dpkg -r removes the package but keeps the keys and the store" || show "$W/dpkg-r.out"
dpkg --purge phimilter >"$W/dpkg-p.out" 2>&1
rc=$?
installed=0
[ $rc -eq 0 ] && [ ! -e /etc/phimilter/keys ] && [ ! -e /var/lib/phimilter ] && [ ! -e /var/spool/postfix/phimilter ] \
  && [ ! -e /usr/sbin/phimilter ] && [ ! -e /usr/sbin/phiportal ] && [ ! -e /etc/phimilter ]
tap_ok $? "dpkg --purge removes the keys, the store, the socket directory and /etc/phimilter" || {
  show "$W/dpkg-p.out"; ls -la /etc/phimilter /var/lib/phimilter 2>&1 | sed 's/^/#   /'; }
pkg_cleanup
! getent passwd phimilter >/dev/null && ! getent group phimilter >/dev/null && [ ! -e /usr/sbin/policy-rc.d -o "$had_user" = 1 ]
tap_ok $? "the machine is left as it was: no phimilter package, user or group"

tap_done
