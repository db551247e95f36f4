#!/bin/sh
# tests/soak/run.sh: the soak test (make soak; issue 7). Not part of make check.
#
# A private Postfix + phimilter + sink (tests/lib/pfx.sh); tests/soak/loadgen.py
# pushes SOAK_COUNT (default 20 000) generated messages, clean and PHI mixed
# (clean external, PHI external, clean external, PHI internal), over
# SOAK_SESSIONS (16) parallel SMTP sessions. phimilter's resident memory is
# sampled every second. At the end every message must be accounted for as
# its label implies (clean and internal PHI delivered exactly once, internal
# PHI tagged, external PHI refused and never delivered, nothing left in the
# queue), and the mean RSS of the last quarter of the run must be within
# SOAK_RSS_PCT (10) % of the second quarter's. One summary line; exit 0 on pass.
# Needs root (postfix start).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
COUNT=${SOAK_COUNT:-20000}
SESSIONS=${SOAK_SESSIONS:-16}
RSS_PCT=${SOAK_RSS_PCT:-10}
PFX_NAME=soak
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"
[ "$(id -u)" = 0 ] || { echo "soak: needs root to start a private Postfix"; exit 2; }
[ -x "$PHIMILTER" ] || { echo "soak: no phimilter at $PHIMILTER"; exit 2; }

pfx_init
mkdir -p "$PFX_DIR/quarantine"
pfx_milter_conf "$PFX_DIR/phimilter.conf" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
internal_domains = example.org
social_domains = @$PHI_TOP/conf/social_domains
chat_domains = @$PHI_TOP/conf/chat_domains
quarantine_dir = $PFX_DIR/quarantine
on_error = tempfail
CONF
# the sink is the bottleneck otherwise: let Postfix deliver in parallel
PFX_MAIN_EXTRA="default_destination_concurrency_limit = 32
smtpd_client_connection_count_limit = 0"
pfx_sink_start
pfx_postfix_start
pfx_milter_start "$PFX_DIR/phimilter.conf" || { echo "soak: phimilter did not start"; exit 1; }
mpid=$PFX_MILTER_PID

t0=$(date +%s)
"$PFX_PY" "$PHI_TOP/tests/soak/loadgen.py" send --port "$PFX_PORT" --count "$COUNT" --sessions "$SESSIONS" \
  --prefix S --deadline 7200 --out "$PFX_DIR/soak.tsv" >"$PFX_DIR/soak.send" 2>&1 &
lg=$!
: >"$PFX_DIR/rss"
while kill -0 $lg 2>/dev/null; do
  awk '/^VmRSS:/ { print $2 }' "/proc/$mpid/status" >>"$PFX_DIR/rss" 2>/dev/null
  sleep 1
done
wait $lg; send_rc=$?
t1=$(date +%s)
want=$(awk -F'\t' '$2 != "phi_ext"' "$PFX_DIR/soak.tsv" | wc -l)
pfx_wait_sink "$want" 300
"$PFX_PY" "$PHI_TOP/tests/soak/loadgen.py" account --results "$PFX_DIR/soak.tsv" --sink "$PFX_SINK" \
  >"$PFX_DIR/soak.acct" 2>&1; acct_rc=$?
alive=0; kill -0 "$mpid" 2>/dev/null && alive=1
queued=$(pfx_queue_count)
# RSS: mean of the second quarter of the samples against the last quarter
rss=$(awk -v pct="$RSS_PCT" '{ v[NR] = $1 } END {
  n = NR; if (n < 8) { print "rss=too-few-samples ok=0"; exit }
  q = int(n / 4); for (i = q + 1; i <= 2 * q; i++) a += v[i]; for (i = n - q + 1; i <= n; i++) b += v[i]
  a /= q; b /= q; d = (b - a) * 100 / a
  printf "rss_q2=%dkB rss_q4=%dkB (%+.1f%%) ok=%d", a, b, d, (d <= pct && d >= -pct) }' "$PFX_DIR/rss")
ok=1
[ "$send_rc" -eq 0 ] && [ "$acct_rc" -eq 0 ] && [ "$alive" = 1 ] && [ "$queued" -eq 0 ] && \
  case $rss in *ok=1) true ;; *) false ;; esac && ok=0
dt=$((t1 - t0)); [ $dt -gt 0 ] || dt=1
echo "soak: $(date -u +%Y-%m-%dT%H:%MZ) $COUNT messages, $SESSIONS sessions, ${dt}s ($((COUNT / dt))/s); $(sed 's/^account: //' "$PFX_DIR/soak.acct" | head -1); queue=$queued milter_alive=$alive; ${rss%% ok=*}; $( [ $ok = 0 ] && echo PASS || echo FAIL)"
[ $ok = 0 ] || { tail -3 "$PFX_DIR/soak.send" | sed 's/^/# /'; }
exit $ok
