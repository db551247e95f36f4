#!/bin/sh
# tests/milter/protocol.sh: run protocol.lua with miltertest against
# $PHIMILTER (default ./phimilter) on a private unix socket; TAP output.
# Checks afterwards that the daemon's log holds neither the SSN nor the
# subject words, and that SIGTERM stops it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
PHIMILTER=${PHIMILTER:-$top/phimilter}
command -v miltertest >/dev/null 2>&1 || { echo "1..0 # SKIP miltertest not installed"; exit 0; }
d=$(mktemp -d "${TMPDIR:-/tmp}/phimt.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
# As root the daemon must be told whom to become (it refuses root otherwise):
# nobody, so the protocol is exercised with privileges dropped.
u=; [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && u='user = nobody' && chmod 755 "$d"
printf 'internal_domains = example.org\nlog_level = debug\n%s\n' "$u" >"$d/phimilter.conf"
"$PHIMILTER" -f -c "$d/phimilter.conf" -p "unix:$d/m.sock" >"$d/log" 2>&1 &
pid=$!
i=0
while [ ! -S "$d/m.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
SOCK="unix:$d/m.sock" miltertest -s "$top/tests/milter/protocol.lua" >"$d/tap" 2>&1
rc=$?
grep -v '^1\.\.' "$d/tap"
n=$(grep -c '^\(not \)\{0,1\}ok ' "$d/tap")
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
n=$((n + 1))
if kill -0 $pid 2>/dev/null; then echo "not ok $n - stops on SIGTERM"; kill -KILL $pid; else echo "ok $n - stops on SIGTERM"; fi
n=$((n + 1))
if grep -q -e '371-42-8195' -e '371428195' -e 'lunch' -e 'labs' "$d/log"; then
  echo "not ok $n - the log holds no SSN and no subject"
else
  echo "ok $n - the log holds no SSN and no subject"
fi
n=$((n + 1))
if [ "$(grep -c 'QPHI: mode=enforce verdict=phi action=reject' "$d/log")" = 1 ]; then
  echo "ok $n - one summary line for the rejected message, queue id first"
else
  echo "not ok $n - one summary line for the rejected message, queue id first"
fi
echo "1..$n"
[ $rc -eq 0 ]
