# tests/lib/pfx.sh: a private Postfix on loopback, wired to phimilter, delivering
# into a byte-exact SMTP sink. POSIX sh; source it (needs root: postfix start).
#
#   pfx_init [DIR]            work dir $PFX_DIR (mktemp, or DIR kept), cleanup trap on exit
#   pfx_sink_start            tests/lib/sink.py on a free port -> $PFX_SINK_PORT, mail in $PFX_SINK
#   pfx_postfix_start         writes $PFX_ETC/main.cf + master.cf, starts it on $PFX_PORT
#   pfx_postfix_stop
#   pfx_milter_conf FILE [key = value lines on stdin]   a phimilter config for the tests
#   pfx_milter_start CONF     phimilter -f -c CONF -p unix:$PFX_SOCK; waits for the socket
#   pfx_milter_stop [SIG]     SIGTERM by default (SIGKILL after 20 s); sets PFX_MILTER_RC
#   pfx_send OUT ARGS... FILE tests/lib/send.py to $PFX_PORT; reply in OUT; returns its status
#   pfx_sendmail ARGS... < FILE   Postfix's sendmail(1) of this instance (-C $PFX_ETC)
#   pfx_wait_sink N [SECS]    until the sink holds N messages (0 when reached)
#   pfx_wait_log FILE ERE [SECS] [FROMLINE]  until a line matches
#   pfx_sink_count, pfx_sink_clear, pfx_sink_for ADDR (the .eml files with that recipient)
#   pfx_queue_count           messages in the instance's queue (incoming/active/deferred/hold/maildrop)
#   pfx_lines FILE            line count (for "after this point" log checks)
#
# Variables the caller may set: PFX_SINK_DIR (before pfx_init: where the sink
# keeps mail), PFX_PORT_FIXED (before pfx_postfix_start: the smtpd port instead
# of a free one), PFX_MAIN_EXTRA (lines appended to main.cf), PFX_KEEP (keep
# the temporary work dir). Files: $PFX_LOG (Postfix's maillog_file), $PFX_MLOG
# (phimilter's stderr, appended across restarts), $PFX_DIR/sink.log.
#
# Nothing on the system changes: the instance has its own config, queue, data
# and log; only loopback ports chosen at run time are used. /etc/postfix/main.cf
# is not touched (nor needed: as root, `sendmail -C DIR` and its set-gid
# postdrop accept the private config directory without it being listed in
# alternate_config_directories). Every service runs unchrooted, so the
# milter socket path is the plain one. The socket directory is set-group-id
# group postfix, so phimilter's 0660 socket is reachable by smtpd and cleanup.
# Also: pfx_header FILE NAME (unfolded header values), pfx_strip_received FILE.

PFX_PY=/usr/bin/python3
[ -x "$PFX_PY" ] || PFX_PY=python3
PFX_LIB=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib
export PATH="$PATH:/usr/sbin:/sbin"
PFX_DIR= PFX_TEMP=1 PFX_SINK_PID= PFX_MILTER_PID= PFX_PF_STARTED=0 PFX_MASTER_PID= PFX_MILTER_RC=
PFX_SOCKDIR_TMP=

pfx_die() { echo "Bail out! $*"; exit 1; }

pfx_init() { # pfx_init [DIR]: a new temporary work dir (removed at exit), or DIR (kept)
  if [ -n "${1:-}" ]; then
    PFX_DIR=$1 PFX_TEMP=0
    mkdir -p "$PFX_DIR" || pfx_die "cannot create $PFX_DIR"
    PFX_DIR=$(cd "$PFX_DIR" && pwd)
    # a previous run killed hard may have left its Postfix running
    [ -f "$PFX_DIR/etc/main.cf" ] && postfix -c "$PFX_DIR/etc" stop >/dev/null 2>&1
    rm -rf "$PFX_DIR/spool" "$PFX_DIR/data" "$PFX_DIR/etc" "$PFX_DIR/sock"
  else
    PFX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/phie2e.XXXXXX") || pfx_die "mktemp failed"
    PFX_TEMP=1
  fi
  chmod 755 "$PFX_DIR"
  PFX_ETC=$PFX_DIR/etc PFX_SPOOL=$PFX_DIR/spool PFX_DATA=$PFX_DIR/data
  PFX_SINK=${PFX_SINK_DIR:-$PFX_DIR/sink} PFX_LOG=$PFX_DIR/postfix.log PFX_MLOG=$PFX_DIR/phimilter.log
  PFX_SOCK=$PFX_DIR/sock/phimilter.sock
  if [ ${#PFX_SOCK} -gt 100 ]; then  # sun_path holds 108 bytes
    PFX_SOCKDIR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/phisock.XXXXXX") || pfx_die "mktemp failed"
    chgrp postfix "$PFX_SOCKDIR_TMP" 2>/dev/null
    chmod 2755 "$PFX_SOCKDIR_TMP"
    PFX_SOCK=$PFX_SOCKDIR_TMP/phimilter.sock
  fi
  mkdir -p "$PFX_ETC" "$PFX_SPOOL" "$PFX_DATA" "$PFX_SINK" "$PFX_DIR/sock"
  # phimilter makes its socket mode 0660: a set-group-id directory of group
  # postfix gives the socket that group, so Postfix's smtpd and cleanup
  # (user postfix) may connect whichever user phimilter runs as
  chgrp postfix "$PFX_DIR/sock" 2>/dev/null
  chmod 2755 "$PFX_DIR/sock"
  chown postfix: "$PFX_DATA" 2>/dev/null
  : >"$PFX_MLOG"
  trap pfx_cleanup EXIT
  trap 'exit 130' INT TERM HUP
}

pfx_cleanup() {
  trap - EXIT
  pfx_milter_stop >/dev/null 2>&1
  pfx_postfix_stop >/dev/null 2>&1
  if [ -n "$PFX_SINK_PID" ]; then kill "$PFX_SINK_PID" 2>/dev/null; wait "$PFX_SINK_PID" 2>/dev/null; PFX_SINK_PID=; fi
  if [ -n "$PFX_DIR" ] && [ -d "$PFX_DIR" ]; then
    # keep the logs (no message content) for the runner's tests/out/
    if [ -n "${PHI_OUT:-}" ] && mkdir -p "$PHI_OUT" 2>/dev/null; then
      for f in postfix.log phimilter.log sink.log; do
        [ -f "$PFX_DIR/$f" ] || continue
        # through tap_redact (tap.sh) when loaded: a planted identifier never leaves
        if command -v tap_redact >/dev/null 2>&1; then
          tap_redact <"$PFX_DIR/$f" >"$PHI_OUT/${PFX_NAME:-e2e}.$f" 2>/dev/null
        else
          cp "$PFX_DIR/$f" "$PHI_OUT/${PFX_NAME:-e2e}.$f" 2>/dev/null
        fi
      done
    fi
    [ -n "${PFX_SOCKDIR_TMP:-}" ] && rm -rf "$PFX_SOCKDIR_TMP"
    [ "$PFX_TEMP" = 1 ] || return 0
    [ -n "${PFX_KEEP:-}" ] && { echo "# work dir kept: $PFX_DIR"; return 0; }
    rm -rf "$PFX_DIR"
  fi
}

# pfx_free_port: a TCP port on 127.0.0.1 nobody listens on right now.
pfx_free_port() {
  "$PFX_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pfx_tcp_open PORT: is something listening on 127.0.0.1:PORT?
pfx_tcp_open() {
  "$PFX_PY" -c 'import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

pfx_sleep() { sleep "$1" 2>/dev/null || sleep 1; }

pfx_sink_start() {
  rm -f "$PFX_DIR/sink.port"
  "$PFX_PY" "$PFX_LIB/sink.py" --dir "$PFX_SINK" --port 0 --port-file "$PFX_DIR/sink.port" \
    >>"$PFX_DIR/sink.log" 2>&1 &
  PFX_SINK_PID=$!
  _i=0
  while [ ! -s "$PFX_DIR/sink.port" ]; do
    _i=$((_i + 1)); [ $_i -gt 300 ] && pfx_die "the SMTP sink did not start (see sink.log)"
    kill -0 "$PFX_SINK_PID" 2>/dev/null || pfx_die "the SMTP sink exited: $(tail -3 "$PFX_DIR/sink.log")"
    pfx_sleep 0.1
  done
  PFX_SINK_PORT=$(cat "$PFX_DIR/sink.port")
}

pfx_postfix_write() {
  cat >"$PFX_ETC/main.cf" <<CF
# private test instance of tests/lib/pfx.sh
compatibility_level = 3.6
queue_directory = $PFX_SPOOL
data_directory = $PFX_DATA
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = gw.example.org
mydomain = example.org
myorigin = example.org
mydestination =
relay_domains =
local_recipient_maps =
local_transport = error:5.1.1 no local delivery here
mynetworks = 127.0.0.0/8
# everything, the internal domain example.org too, goes to the sink
relayhost = [127.0.0.1]:$PFX_SINK_PORT
smtp_dns_support_level = disabled
# leave the message's own headers alone (no rewriting for a 127.0.0.1 client)
local_header_rewrite_clients =
smtpd_milters = unix:$PFX_SOCK
non_smtpd_milters = unix:$PFX_SOCK
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 20s
milter_content_timeout = 60s
maillog_file = $PFX_LOG
maillog_file_prefixes = $PFX_DIR
smtp_tls_security_level = none
smtpd_tls_security_level = none
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
# a deferred message is retried soon (tests wait seconds, not minutes)
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
${PFX_MAIN_EXTRA:-}
CF
  cat >"$PFX_ETC/master.cf" <<CF
# private test instance: every service unchrooted
127.0.0.1:$PFX_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
}

pfx_postfix_start() {
  [ -n "${PFX_SINK_PORT:-}" ] || pfx_die "pfx_postfix_start: start the sink first"
  _try=0
  while :; do
    _try=$((_try + 1))
    PFX_PORT=${PFX_PORT_FIXED:-$(pfx_free_port)}
    pfx_postfix_write
    postfix -c "$PFX_ETC" check >"$PFX_DIR/pf-check.log" 2>&1 \
      || pfx_die "postfix check failed: $(tail -3 "$PFX_DIR/pf-check.log")"
    if postfix -c "$PFX_ETC" start >"$PFX_DIR/pf-start.log" 2>&1; then
      PFX_PF_STARTED=1
      _i=0
      while ! pfx_tcp_open "$PFX_PORT"; do
        _i=$((_i + 1)); [ $_i -gt 300 ] && break
        pfx_sleep 0.1
      done
      PFX_MASTER_PID=$(tr -d ' ' <"$PFX_SPOOL/pid/master.pid" 2>/dev/null)
      pfx_tcp_open "$PFX_PORT" && return 0
      pfx_postfix_stop
    fi
    [ $_try -ge 3 ] || [ -n "${PFX_PORT_FIXED:-}" ] && \
      pfx_die "postfix did not start on 127.0.0.1:$PFX_PORT: $(tail -3 "$PFX_DIR/pf-start.log" "$PFX_LOG" 2>/dev/null)"
  done
}

pfx_postfix_stop() {
  [ "$PFX_PF_STARTED" = 1 ] || return 0
  postfix -c "$PFX_ETC" stop >/dev/null 2>&1
  _i=0
  while [ -n "$PFX_MASTER_PID" ] && kill -0 "$PFX_MASTER_PID" 2>/dev/null; do
    _i=$((_i + 1)); [ $_i -gt 100 ] && break
    pfx_sleep 0.1
  done
  if [ -n "$PFX_MASTER_PID" ] && kill -0 "$PFX_MASTER_PID" 2>/dev/null; then
    postfix -c "$PFX_ETC" abort >/dev/null 2>&1
    pfx_sleep 1
    kill -KILL "$PFX_MASTER_PID" 2>/dev/null
  fi
  PFX_PF_STARTED=0
}

# pfx_milter_conf FILE: the base test config (enforce), then the key = value
# lines read from stdin (later lines win where the daemon allows repeats; give
# a key only once to be safe). Started as root, phimilter refuses to run
# without a `user` line: the tests say `user = root` (their files are root's)
# or name an unprivileged user (tests/e2e/privilege.sh).
pfx_milter_conf() {
  {
    echo "# phimilter test config (tests/lib/pfx.sh)"
    cat
  } >"$1"
}

pfx_milter_start() { # pfx_milter_start CONF
  [ -x "${PHIMILTER:-}" ] || pfx_die "PHIMILTER (${PHIMILTER:-unset}) is not an executable"
  rm -f "$PFX_SOCK"
  echo "# --- $(date '+%H:%M:%S') pfx: starting phimilter -c $(basename "$1")" >>"$PFX_MLOG"
  ( umask 000; exec "$PHIMILTER" -f -c "$1" -p "unix:$PFX_SOCK" ) >>"$PFX_MLOG" 2>&1 &
  PFX_MILTER_PID=$!
  _i=0
  while [ ! -S "$PFX_SOCK" ]; do
    _i=$((_i + 1))
    if ! kill -0 "$PFX_MILTER_PID" 2>/dev/null; then
      wait "$PFX_MILTER_PID" 2>/dev/null; PFX_MILTER_RC=$?; PFX_MILTER_PID=
      return 1
    fi
    [ $_i -gt 300 ] && return 1
    pfx_sleep 0.1
  done
  return 0
}

pfx_milter_stop() { # pfx_milter_stop [SIGNAL]: sets PFX_MILTER_RC; 1 if it had to be killed
  [ -n "$PFX_MILTER_PID" ] || return 0
  kill "-${1:-TERM}" "$PFX_MILTER_PID" 2>/dev/null
  _i=0 _rc=0
  while kill -0 "$PFX_MILTER_PID" 2>/dev/null; do
    _i=$((_i + 1))
    if [ $_i -gt 200 ]; then kill -KILL "$PFX_MILTER_PID" 2>/dev/null; _rc=1; break; fi
    pfx_sleep 0.1
  done
  wait "$PFX_MILTER_PID" 2>/dev/null; PFX_MILTER_RC=$?
  PFX_MILTER_PID=
  return $_rc
}

pfx_send() { # pfx_send OUTFILE [send.py args...] FILE
  _out=$1; shift
  "$PFX_PY" "$PFX_LIB/send.py" --port "$PFX_PORT" --timeout 90 "$@" >"$_out" 2>"$_out.err"
}

pfx_sendmail() { # pfx_sendmail [sendmail args...] < FILE
  sendmail -C "$PFX_ETC" "$@"
}

pfx_sink_count() { find "$PFX_SINK" -name '*.eml' -type f | wc -l | tr -d ' '; }
pfx_sink_clear() { find "$PFX_SINK" -type f \( -name '*.eml' -o -name '*.env' \) -exec rm -f {} +; }
pfx_sink_for() { # pfx_sink_for ADDR: the .eml files whose envelope has recipient ADDR
  for _e in "$PFX_SINK"/*.env; do
    [ -f "$_e" ] || continue
    grep -qixF "to $1" "$_e" && echo "${_e%.env}.eml"
  done
}

pfx_wait_sink() { # pfx_wait_sink N [SECS]
  _t=$(( ${2:-20} * 10 )) _i=0
  while [ "$(pfx_sink_count)" -lt "$1" ]; do
    _i=$((_i + 1)); [ $_i -gt $_t ] && return 1
    pfx_sleep 0.1
  done
  return 0
}

pfx_lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

pfx_wait_log() { # pfx_wait_log FILE ERE [SECS] [FROMLINE]
  _t=$(( ${3:-20} * 10 )) _i=0
  while ! tail -n +"$(( ${4:-0} + 1 ))" "$1" 2>/dev/null | grep -qE -- "$2"; do
    _i=$((_i + 1)); [ $_i -gt $_t ] && return 1
    pfx_sleep 0.1
  done
  return 0
}

pfx_queue_count() {
  find "$PFX_SPOOL/incoming" "$PFX_SPOOL/active" "$PFX_SPOOL/deferred" "$PFX_SPOOL/hold" \
       "$PFX_SPOOL/maildrop" -type f 2>/dev/null | wc -l | tr -d ' '
}

# pfx_header FILE NAME: the (unfolded) values of header NAME in a message file
pfx_header() {
  tr -d '\r' <"$1" | awk -v want="$(echo "$2" | tr 'A-Z' 'a-z')" '
    /^$/ { exit }
    /^[ \t]/ { if (cur == want) val = val $0; next }
    { if (cur == want) print val
      i = index($0, ":"); cur = tolower(substr($0, 1, i - 1)); val = substr($0, i + 1); sub(/^[ \t]+/, "", val) }
    END { if (cur == want) print val }'
}

# pfx_strip_received FILE: the message with CRLF made LF and the first
# Received: header (the one Postfix added; a milter's header inserted above it
# does not matter) with its continuation lines removed.
pfx_strip_received() {
  tr -d '\r' <"$1" | awk 'body { print; next }
    /^$/ { body = 1; print; next }
    !done && /^Received:/ { skip = 1; done = 1; next }
    skip && /^[ \t]/ { next }
    { skip = 0; print }'
}
