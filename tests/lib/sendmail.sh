# tests/lib/sendmail.sh: a private Sendmail (Debian's sendmail-bin, unpacked,
# never installed) on loopback, wired to phimilter with INPUT_MAIL_FILTER,
# relaying to the SMTP sink of tests/lib/pfx.sh. POSIX sh; source it after
# pfx.sh and call pfx_init first (needs root: sendmail binds a port and reads
# its private config as root).
#
#   sm_fetch                  apt-get download sendmail-bin, sendmail-base, sendmail-cf
#                             (and m4, libwrap0 and any shared library package not
#                             installed) into $SM_DEBS, dpkg-deb -x into $SM_ROOT
#   sm_write_cf               $SM_DIR/sendmail.mc -> sendmail.cf (sendmail-cf's m4)
#   sm_start                  sendmail -bd on 127.0.0.1:$SM_PORT (sets PFX_PORT too,
#                             so pfx_send talks to Sendmail)
#   sm_stop
#
# Nothing on the system changes: no package is installed (dpkg-deb -x only),
# /etc/mail is neither read nor written (every path of sendmail.cf is under
# $SM_DIR), the queue is private, the port is a free loopback one. The machine's
# Postfix (if any) stays what it is. Variables: SM_DEBS (before sm_fetch: a
# directory of already downloaded .debs to reuse), SM_MILTER_T (the T= of
# INPUT_MAIL_FILTER).

SM_DIR= SM_ROOT= SM_PORT= SM_PID= SM_LIBPATH=
SM_PKGS="sendmail-bin sendmail-base sendmail-cf"
# Shared libraries of /usr/libexec/sendmail/sendmail (Debian 12) and m4 for
# the .mc; the ones not installed are unpacked privately like sendmail itself.
SM_EXTRA="m4 libwrap0 libldap-2.5-0 libsasl2-2 libdb5.3 libnsl2 libtirpc3"

sm_fetch() {
  SM_DIR=$PFX_DIR/sendmail SM_ROOT=$PFX_DIR/sendmail/root
  : "${SM_DEBS:=$SM_DIR/debs}"
  mkdir -p "$SM_DEBS" "$SM_ROOT" || return 1
  chmod 755 "$SM_DIR"
  _want=$SM_PKGS
  for _p in $SM_EXTRA; do
    case $(dpkg-query -W -f='${Status}' "$_p" 2>/dev/null) in
      *" ok installed") ;;
      *) _want="$_want $_p" ;;
    esac
  done
  _need=
  for _p in $_want; do
    ls "$SM_DEBS/${_p}_"*.deb >/dev/null 2>&1 || _need="$_need $_p"
  done
  if [ -n "$_need" ]; then
    # apt's _apt user must be able to write there (else a harmless warning)
    chmod 777 "$SM_DEBS" 2>/dev/null
    # shellcheck disable=SC2086 # a list of package names
    ( cd "$SM_DEBS" && apt-get download -q $_need ) >"$SM_DIR/download.log" 2>&1 || {
      apt-get update -q >>"$SM_DIR/download.log" 2>&1
      # shellcheck disable=SC2086
      ( cd "$SM_DEBS" && apt-get download -q $_need ) >>"$SM_DIR/download.log" 2>&1
    } || return 1
  fi
  for _d in "$SM_DEBS"/*.deb; do
    dpkg-deb -x "$_d" "$SM_ROOT" || return 1
  done
  SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
  # set-group-id mail as shipped: the loader would ignore LD_LIBRARY_PATH
  # (and we run it as root anyway)
  chmod 0755 "$SM_BIN" 2>/dev/null
  SM_CF=$SM_ROOT/usr/share/sendmail/cf
  SM_LIBPATH=$SM_ROOT/lib/x86_64-linux-gnu:$SM_ROOT/usr/lib/x86_64-linux-gnu
  SM_M4=m4
  [ -x "$SM_ROOT/usr/bin/m4" ] && SM_M4=$SM_ROOT/usr/bin/m4
  [ -x "$SM_BIN" ] && [ -f "$SM_CF/m4/cf.m4" ]
}

# sm_version: "8.17.1.9" (from the unpacked sendmail-bin)
sm_version() {
  dpkg-deb -f "$(ls "$SM_DEBS"/sendmail-bin_*.deb | head -1)" Version 2>/dev/null
}

sm_write_cf() {
  SM_PORT=$(pfx_free_port)
  _q=$SM_DIR/mqueue
  mkdir -p "$_q" && chmod 700 "$_q"
  : >"$SM_DIR/aliases"
  : >"$SM_DIR/local-host-names"
  printf 'hosts files\naliases files\n' >"$SM_DIR/service.switch"
  printf '127.0.0.1 localhost gw.example.org\n' >"$SM_DIR/hosts"
  cp "$SM_ROOT/etc/mail/helpfile" "$SM_DIR/helpfile" 2>/dev/null || : >"$SM_DIR/helpfile"
  cat >"$SM_DIR/sendmail.mc" <<MC
divert(-1)
# private test instance of tests/lib/sendmail.sh
divert(0)dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`gw.example.org')dnl
define(\`QUEUE_DIR', \`$_q')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM_DIR/statistics')dnl
define(\`HELP_FILE', \`$SM_DIR/helpfile')dnl
define(\`ALIAS_FILE', \`$SM_DIR/aliases')dnl
define(\`confCW_FILE', \`$SM_DIR/local-host-names')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/service.switch')dnl
define(\`confHOSTS_FILE', \`$SM_DIR/hosts')dnl
define(\`confDONT_BLAME_SENDMAIL', \`GroupWritableDirPathSafe,TrustStickyBit')dnl
define(\`confDELIVERY_MODE', \`background')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confTO_IDENT', \`0s')dnl
define(\`confTO_CONNECT', \`10s')dnl
define(\`confPRIVACY_FLAGS', \`goaway')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confLOG_LEVEL', \`9')dnl
define(\`confMILTER_LOG_LEVEL', \`9')dnl
define(\`confMAX_DAEMON_CHILDREN', \`20')dnl
dnl a loaded test machine must not make it refuse connections or queue only
define(\`confREFUSE_LA', \`10000')dnl
define(\`confQUEUE_LA', \`10000')dnl
define(\`confDELAY_LA', \`0')dnl
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $PFX_SINK_PORT')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $PFX_SINK_PORT')dnl
define(\`SMTP_MAILER_ARGS', \`TCP \$h $PFX_SINK_PORT')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`accept_unqualified_senders')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT, Addr=127.0.0.1, Family=inet, Name=MTA')dnl
INPUT_MAIL_FILTER(\`phimilter', \`S=unix:$PFX_SOCK, F=T, T=${SM_MILTER_T:-C:10s;S:20s;R:20s;E:60s}')dnl
MAILER(\`smtp')dnl
MC
  "$SM_M4" -D_CF_DIR_="$SM_CF/" "$SM_CF/m4/cf.m4" "$SM_DIR/sendmail.mc" >"$SM_DIR/sendmail.cf" 2>"$SM_DIR/m4.log" \
    && [ -s "$SM_DIR/sendmail.cf" ]
}

# sm_run ARGS...: the unpacked sendmail with the private config.
# Sendmail wants a host name with a dot before it reads its config: with an
# unqualified one ("vm", as in many containers) it logs "My unqualified host
# name ... unknown; sleeping for retry" and sleeps 60 s. So it runs in a UTS
# namespace of its own whose host name is gw.example.org (the machine's host
# name is untouched); without unshare(1) it still works, a minute slower.
sm_run() {
  if [ -z "${SM_UTS:-}" ]; then
    SM_UTS=no
    unshare -u sh -c 'hostname gw.example.org' >/dev/null 2>&1 && SM_UTS=yes
  fi
  if [ "$SM_UTS" = yes ]; then
    LD_LIBRARY_PATH=$SM_LIBPATH unshare -u sh -c 'hostname gw.example.org && exec "$@"' sm \
      "$SM_BIN" -C "$SM_DIR/sendmail.cf" "$@"
  else
    LD_LIBRARY_PATH=$SM_LIBPATH "$SM_BIN" -C "$SM_DIR/sendmail.cf" "$@"
  fi
}

sm_start() {
  rm -f "$SM_DIR/sendmail.pid"
  sm_run -bd -q1m -L phi-sm-test >"$SM_DIR/daemon.log" 2>&1 || return 1
  _i=0
  while ! pfx_tcp_open "$SM_PORT"; do
    _i=$((_i + 1)); [ $_i -gt 900 ] && return 1
    pfx_sleep 0.1
  done
  SM_PID=$(head -1 "$SM_DIR/sendmail.pid" 2>/dev/null)
  PFX_PORT=$SM_PORT
  return 0
}

sm_stop() {
  [ -n "$SM_PID" ] || return 0
  kill -TERM "$SM_PID" 2>/dev/null
  _i=0
  while kill -0 "$SM_PID" 2>/dev/null; do
    _i=$((_i + 1)); [ $_i -gt 100 ] && { kill -KILL "$SM_PID" 2>/dev/null; break; }
    pfx_sleep 0.1
  done
  SM_PID=
}

# sm_queue_count: messages (qf files) in the private queue
sm_queue_count() { find "$SM_DIR/mqueue" -name 'qf*' -type f 2>/dev/null | wc -l | tr -d ' '; }
