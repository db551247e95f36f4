#!/bin/sh
# tests/bench/mta.sh - the end-to-end half of `make bench`: smtp-source ->
# a private Postfix on loopback (tests/lib/pfx.sh) -> smtp-sink, with no
# milter, with the bench's nullmilter and with phimilter, on the same unix
# socket path and the same Postfix. Needs root (postfix start).
#
#   mta.sh WORKDIR     WORKDIR holds m-4k.eml m-64k.eml m-pdf.eml
#                      (bench_scan msg); results as lines on stdout:
#     e2e KIND VARIANT MEDIAN R1,R2,R3   msgs/s (delivered at the sink / wall)
#     lat KIND VARIANT P50 P99 MEAN OK   ms per transaction (lat.py, serial)
#     phims KIND P50 P99                 phimilter's own ms= from its log line
#     rss32 KB                           phimilter VmHWM after 32 sessions
#     valid yes|no WHY
#
# Environment: PHIMILTER, NULLMILTER (binaries), BENCH_N (1000 messages per
# run of 4k/64k), BENCH_N_PDF (200), BENCH_REPS (3), BENCH_SESS (8 parallel
# sessions), BENCH_LAT_N (200 serial messages per latency sample).
#
# Throughput: the run's time is from the start of smtp-source until the
# Postfix queue is empty again (smtp-sink took every message; the log must
# show N more status=sent), so a message counts only once delivered. Runs are interleaved
# (repetition, then variant, then size) so drifting load from other work on
# the machine hits every variant alike; the ratios are per repetition.
# Never prints message content.
set -u
W=$1
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
N=${BENCH_N:-1000} NPDF=${BENCH_N_PDF:-200} REPS=${BENCH_REPS:-3} SESS=${BENCH_SESS:-8}
LATN=${BENCH_LAT_N:-200}
PFX_NAME=bench
. "$PHI_TOP/tests/lib/pfx.sh"

[ "$(id -u)" = 0 ] || { echo "valid no needs-root"; exit 0; }
command -v postfix >/dev/null 2>&1 && command -v smtp-source >/dev/null 2>&1 \
  || { echo "valid no postfix-not-installed"; exit 0; }
[ -x "${PHIMILTER:-}" ] && [ -x "${NULLMILTER:-}" ] || { echo "valid no no-milter-binaries"; exit 0; }

pfx_init
PFX_SINK_PORT=$(pfx_free_port)
# queue file and milter timeouts as pfx.sh sets them; the rest Postfix defaults
pfx_postfix_start
# a second smtpd on another port without milters: the `none` variant
PORT_NONE=$(pfx_free_port)
echo "127.0.0.1:$PORT_NONE inet n - n - - smtpd -o smtpd_milters= -o non_smtpd_milters=" >>"$PFX_ETC/master.cf"
postfix -c "$PFX_ETC" reload >/dev/null 2>&1
i=0; while ! pfx_tcp_open "$PORT_NONE"; do i=$((i + 1)); [ $i -gt 100 ] && break; pfx_sleep 0.1; done

CONF=$PFX_DIR/phimilter.conf
mkdir -p "$PFX_DIR/quarantine"
pfx_milter_conf "$CONF" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
internal_domains = example.org
social_domains = @$PHI_TOP/conf/social_domains
chat_domains = @$PHI_TOP/conf/chat_domains
terms_dir = $PHI_TOP/conf/terms
quarantine_dir = $PFX_DIR/quarantine
on_error = tempfail
CONF

NULL_PID=
null_start() {
  rm -f "$PFX_SOCK"
  ( umask 000; exec "$NULLMILTER" -p "unix:$PFX_SOCK" ) 2>>"$PFX_DIR/null.log" &
  NULL_PID=$!
  i=0; while [ ! -S "$PFX_SOCK" ]; do i=$((i + 1)); [ $i -gt 100 ] && return 1; pfx_sleep 0.05; done
}
null_stop() {
  [ -n "$NULL_PID" ] || return 0
  kill "$NULL_PID" 2>/dev/null; wait "$NULL_PID" 2>/dev/null; NULL_PID=
}
SINK_PID=
sink_start() { # smtp-sink on the relayhost port (discards everything)
  smtp-sink -u postfix "127.0.0.1:$PFX_SINK_PORT" 256 >/dev/null 2>>"$PFX_DIR/sink.log" &
  SINK_PID=$!
  i=0; while ! pfx_tcp_open "$PFX_SINK_PORT"; do i=$((i + 1)); [ $i -gt 100 ] && return 1; pfx_sleep 0.05; done
}
sink_stop() { [ -n "$SINK_PID" ] && { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; }; SINK_PID=; }
stop_all() { null_stop; sink_stop; pfx_cleanup; }
trap stop_all EXIT

now() { date +%s.%N; }
FROM=staff@example.org TO=desk@supplier.example.com
VALID=yes WHY=

# wait_pid PID SECS: 0 when PID exited within SECS
wait_pid() {
  _w=0
  while kill -0 "$1" 2>/dev/null; do
    _w=$((_w + 1)); [ "$_w" -gt $(( $2 * 50 )) ] && return 1
    sleep 0.02
  done
  wait "$1" 2>/dev/null
  return 0
}

# run PORT FILE COUNT: prints msgs/s, or "fail". One smtp-sink runs all the
# time; a run ends when smtp-source is done and this Postfix's queue is empty
# again, i.e. every message was delivered (checked: COUNT more status=sent
# lines in the log, none deferred or bounced).
run() {
  _s0=$(grep -c 'status=sent' "$PFX_LOG" 2>/dev/null)
  _t0=$(now)
  smtp-source -A -s "$SESS" -m "$3" -f "$FROM" -t "$TO" -F "$2" "127.0.0.1:$1" >/dev/null 2>>"$PFX_DIR/source.log"
  _i=0
  while [ "$(pfx_queue_count)" -gt 0 ]; do
    _i=$((_i + 1)); [ $_i -gt 6000 ] && { echo fail; return; }
    sleep 0.02
  done
  _t1=$(now)
  _i=0
  while [ $(( $(grep -c 'status=sent' "$PFX_LOG") - _s0 )) -lt "$3" ]; do
    _i=$((_i + 1)); [ $_i -gt 50 ] && { echo fail; return; }
    sleep 0.1
  done
  awk -v n="$3" -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.1f\n", n / (b - a) }'
}

variant_port() { if [ "$1" = none ]; then echo "$PORT_NONE"; else echo "$PFX_PORT"; fi; }
milter_for() { # milter_for VARIANT: the right process on the socket
  case $1 in
    none) ;;
    null) pfx_milter_stop; [ -n "$NULL_PID" ] || null_start || { VALID=no WHY="$WHY nullmilter-start"; } ;;
    phi) null_stop; [ -n "$PFX_MILTER_PID" ] || PHIMILTER=$PHIMILTER pfx_milter_start "$CONF" \
           || { VALID=no WHY="$WHY phimilter-start"; } ;;
  esac
}

R=$PFX_DIR/runs
: >"$R"
sink_start || { echo "valid no smtp-sink-start"; exit 0; }
rep=1
while [ $rep -le "$REPS" ]; do
  for v in none null phi; do
    milter_for "$v"
    port=$(variant_port "$v")
    for k in 4k 64k pdf; do
      n=$N; [ "$k" = pdf ] && n=$NPDF
      # warm-up: the first messages of a fresh process (page faults, JIT)
      [ $rep = 1 ] && run "$port" "$W/m-$k.eml" 20 >/dev/null
      r=$(run "$port" "$W/m-$k.eml" "$n")
      [ "$r" = fail ] && VALID=no WHY="$WHY $k-$v-rep$rep-lost"
      echo "$k $v $r" >>"$R"
    done
  done
  rep=$((rep + 1))
done
for k in 4k 64k pdf; do
  for v in none null phi; do
    awk -v k="$k" -v v="$v" '$1 == k && $2 == v { a[n++] = $3 }
      END { s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") a[i]
            # median of the numeric runs
            m = 0; for (i = 0; i < n; i++) if (a[i] != "fail") b[m++] = a[i] + 0
            for (i = 0; i < m; i++) for (j = i + 1; j < m; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
            printf "e2e %s %s %s %s\n", k, v, m ? b[int(m / 2)] : "nan", s }' "$R"
  done
done
# per-repetition ratios phi/null (the summary uses their median)
for k in 4k 64k pdf; do
  awk -v k="$k" '$1 == k && $2 == "null" { nl[a++] = $3 } $1 == k && $2 == "phi" { ph[b++] = $3 }
    END { m = 0; for (i = 0; i < a && i < b; i++) if (nl[i] != "fail" && ph[i] != "fail") r[m++] = ph[i] / nl[i]
          for (i = 0; i < m; i++) for (j = i + 1; j < m; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
          if (m) printf "ratio %s %.3f\n", k, r[int(m / 2)]; else printf "ratio %s nan\n", k }' "$R"
done

# --- latency: serial transactions, null milter vs phimilter
for v in null phi; do
  milter_for "$v"
  for k in 4k 64k pdf; do
    ln=$LATN; [ "$k" = pdf ] && ln=$((LATN / 2))
    echo "lat $k $v $("$PFX_PY" "$PHI_TOP/tests/bench/lat.py" --port "$PFX_PORT" --file "$W/m-$k.eml" --n "$ln" --warm 5 2>>"$PFX_DIR/lat.log")"
  done
done
# phimilter's own elapsed ms per message, per size (its log line: size=N ... ms=N)
awk '/ verdict=/ && / ms=/ {
       sz = ""; ms = ""
       for (i = 1; i <= NF; i++) { if ($i ~ /^size=/) sz = substr($i, 6) + 0; if ($i ~ /^ms=/) ms = substr($i, 4) + 0 }
       if (sz == "" || ms == "") next
       k = sz < 16384 ? "4k" : sz < 262144 ? "64k" : "pdf"; v[k, n[k]++] = ms }
     END { split("4k 64k pdf", K, " ")
           for (x = 1; x <= 3; x++) { k = K[x]; m = n[k]; if (!m) continue
             for (i = 0; i < m; i++) a[i] = v[k, i]
             for (i = 1; i < m; i++) { t = a[i]; for (j = i - 1; j >= 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
             p99 = int(m * 0.99); if (p99 >= m) p99 = m - 1
             printf "phims %s %s %s %d\n", k, a[int(m / 2)], a[p99], m } }' "$PFX_MLOG"

# --- peak RSS: a fresh phimilter, 32 parallel sessions of 64 KB and PDF mail
pfx_milter_stop
PHIMILTER=$PHIMILTER pfx_milter_start "$CONF" || { VALID=no WHY="$WHY phimilter-restart"; }
SESS=32
run "$PFX_PORT" "$W/m-64k.eml" 640 >/dev/null
run "$PFX_PORT" "$W/m-pdf.eml" 320 >/dev/null
sink_stop
echo "rss32 $(awk '/^VmHWM:/ { print $2 }' "/proc/$PFX_MILTER_PID/status" 2>/dev/null)"
nt=$(grep -c ' verdict=' "$PFX_MLOG")
tf=$(grep -cE 'verdict=.*(tempfail|error)|on_error' "$PFX_MLOG")
null_stop
nd=$(grep -cE 'status=(deferred|bounced)' "$PFX_LOG")
[ "$nd" -gt 0 ] && VALID=no WHY="$WHY deferred-or-bounced=$nd"
echo "valid $VALID${WHY:+ $WHY} phimilter-messages=$nt"
[ -n "${BENCH_KEEP:-}" ] && cp "$PFX_MLOG" "$PFX_LOG" "$R" "$W/" 2>/dev/null
exit 0
