# tests/lib/syslog_ns.sh: catch what a daemon sends to syslog(3), for the
# tests that search it. POSIX sh; source it; needs root (unshare, mount).
#
# A CI container has no syslog daemon and no /dev/log, and the host's
# /dev/log must not be touched (other programs log there). So the daemon
# runs in a private mount namespace whose /dev is a small tmpfs holding
# null, zero, random, urandom, shm and a /dev/log that is a datagram socket
# served by the test's own listener, one line per message.
#
#   syslog_ns_start DIR REAL   listener on DIR/devlog, lines in DIR/syslog.log;
#                              writes DIR/syslog_wrap, which runs REAL with its
#                              arguments in such a namespace (same pid: exec)
#   syslog_ns_stop             the listener ends (also at the caller's exit)
SYSLOG_NS_PID=

syslog_ns_start() { # syslog_ns_start DIR REAL
  _d=$1
  rm -f "$_d/devlog" "$_d/devlog.ready"
  : >"$_d/syslog.log"
  /usr/bin/python3 -c '
import os, socket, sys
path, out, ready = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)  # a daemon that dropped to its user reconnects after an error
open(ready, "w").close()
with open(out, "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).replace(b"\n", b" ").rstrip(b"\0") + b"\n")
' "$_d/devlog" "$_d/syslog.log" "$_d/devlog.ready" 2>>"$_d/syslog.err" &
  SYSLOG_NS_PID=$!
  _i=0
  while [ ! -f "$_d/devlog.ready" ]; do
    _i=$((_i + 1)); [ $_i -gt 100 ] && return 1
    sleep 0.1
  done
  cat >"$_d/syslog_wrap" <<SH
#!/bin/sh
# from tests/lib/syslog_ns.sh: $2 with /dev/log -> $_d/devlog
exec unshare -m sh -c 'mount -t tmpfs -o size=1m,mode=0755 phitestdev /dev &&
  mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
  mknod -m 666 /dev/random c 1 8 && mknod -m 666 /dev/urandom c 1 9 &&
  mkdir -m 1777 /dev/shm && ln -s "$_d/devlog" /dev/log && exec "\$0" "\$@"' "$2" "\$@"
SH
  chmod 755 "$_d/syslog_wrap"
}

syslog_ns_stop() {
  [ -n "$SYSLOG_NS_PID" ] || return 0
  kill "$SYSLOG_NS_PID" 2>/dev/null; wait "$SYSLOG_NS_PID" 2>/dev/null
  SYSLOG_NS_PID=
}
