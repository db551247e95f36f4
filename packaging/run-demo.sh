#!/bin/sh
# packaging/run-demo.sh (make run): phimilter in the foreground with
# conf/phimilter.conf, wired to a private Postfix on 127.0.0.1:2525 that
# delivers every accepted message into build/run/mail/. Ctrl-C stops it all.
#
# The Postfix instance is private (its own config, queue and log under
# build/run/, started with postfix -c): the system's Postfix and
# /etc/postfix are not touched. Needs root (postfix start).
#
# Environment: PHIMILTER (default ./phimilter), PHI_CONF (default
# conf/phimilter.conf), PHI_DEMO_PORT (default 2525).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
PHI_TOP=$top
PHIMILTER=${PHIMILTER:-$top/phimilter}
conf=${PHI_CONF:-$top/conf/phimilter.conf}
port=${PHI_DEMO_PORT:-2525}
run=$top/build/run

die() { echo "run-demo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: it starts a private Postfix instance (postfix -c ... start)"
[ -x "$PHIMILTER" ] || die "no $PHIMILTER: run 'make' (or 'make run') first"
[ -r "$conf" ] || die "cannot read $conf"
command -v postfix >/dev/null 2>&1 || [ -x /usr/sbin/postfix ] || die "postfix is not installed: run 'make deps'"

. "$top/tests/lib/pfx.sh"
pfx_die() { echo "run-demo: $*" >&2; exit 1; }

if "$PFX_PY" -c 'import socket, sys
s = socket.socket()
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$port"; then
  die "127.0.0.1:$port is already in use (another make run?); stop it or set PHI_DEMO_PORT"
fi

"$PHIMILTER" -n -c "$conf" || die "$conf does not pass 'phimilter -n'"

PFX_SINK_DIR=$run/mail
PFX_PORT_FIXED=$port
pfx_init "$run"
pfx_sink_start
pfx_postfix_start

rel() { case $1 in "$top"/*) echo "${1#"$top"/}" ;; *) echo "$1" ;; esac; }
cat <<INFO

  phimilter demo: Postfix on 127.0.0.1:$port -> phimilter (unix:$(rel "$PFX_SOCK")) -> local sink
  config:         $(rel "$conf")   (socket overridden with -p)
  accepted mail:  $(rel "$PFX_SINK")/   (one .eml per message, its envelope in the .env beside it)
  Postfix log:    $(rel "$PFX_LOG")

  In another terminal, from $top:
    send mail carrying patient information (an SSN and a diagnosis) to a social network's
    reply address, and watch it be refused with the explanation (550 5.7.1):
      /usr/bin/python3 tests/lib/send.py --port $port --to reply@facebookmail.com packaging/samples/ssn.eml
    the same to an ordinary outside address is redirected to the secure portal when it runs
    (below), refused without it:
      /usr/bin/python3 tests/lib/send.py --port $port --to someone@outside.example packaging/samples/ssn.eml
    ordinary mail, which passes and lands in $(rel "$PFX_SINK")/:
      /usr/bin/python3 tests/lib/send.py --port $port --to someone@outside.example packaging/samples/clean.eml
    the SSN mail to an internal address (example.org) passes, tagged X-PHI-Verdict:
      /usr/bin/python3 tests/lib/send.py --port $port --to colleague@example.org packaging/samples/ssn.eml

  phimilter runs in the foreground below; Ctrl-C stops phimilter, Postfix and the sink.

INFO

# the secure portal beside phimilter (issue 10; portal/demo.sh)
. "$top/portal/demo.sh"

# Started as root, phimilter refuses to run without `user` (issue 7). The
# demo's files (build/run, the keys) are root's, so it runs as root on
# purpose: a copy of the config (beside links to its lists) says so.
if ! grep -Eq '^[[:space:]]*user[[:space:]]*=' "$conf"; then
  case $conf in
    "$run"/conf/*) ;; # portal/demo.sh wrote it just now
    *)
      mkdir -p "$run/conf"
      for f in "$(dirname "$conf")"/*; do
        [ "$f" = "$conf" ] || ln -sfn "$f" "$run/conf/$(basename "$f")"
      done
      cp "$conf" "$run/conf/phimilter.conf"
      conf=$run/conf/phimilter.conf ;;
  esac
  printf '\n# --- added by packaging/run-demo.sh: the demo runs as root on purpose\nuser = root\n' >>"$conf"
fi

rm -f "$PFX_SOCK"
# In the foreground; umask 000 so Postfix's smtpd (user postfix) may connect
# to the socket. When it ends (Ctrl-C, or on its own), the EXIT trap of
# pfx_init stops Postfix and the sink.
( umask 000; exec "$PHIMILTER" -f -c "$conf" -p "unix:$PFX_SOCK" )
rc=$?
echo "run-demo: phimilter exited ($rc); stopping Postfix and the sink" >&2
exit 0
