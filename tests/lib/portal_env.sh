# tests/lib/portal_env.sh: a private Postfix + phimilter redirecting to the
# portal + phiportal, for tests/e2e/portal*.sh. POSIX sh; source it after
# tap.sh and pfx.sh (needs root: postfix start).
#
#   portal_env_start        keys, store, configs, sink, Postfix, phimilter, phiportal
#   portal_redirect OUT TO FILE   send FILE through Postfix to TO; the link
#                           of the notice that reaches TO in the sink goes to OUT
#   portal_stop             phiportal (pfx_cleanup stops the rest)
#
# Sets: PORTAL_CONF, PORTAL_PORT, PORTAL_BASE (http://127.0.0.1:PORT),
# PORTAL_LOG, PORTAL_AUDIT, PORTAL_QDIR, PORTAL_PKEY. phiportal sends its
# code mail through the same Postfix (submission = smtp:...), so the code
# is scanned by phimilter and lands in the sink like any other mail.
: "${PHIPORTAL:=$(dirname "${PHIMILTER:-$PHI_TOP/phimilter}")/phiportal}"
PORTAL_PID=

portal_env_start() {
  PORTAL_QDIR=$PFX_DIR/quarantine PORTAL_AUDIT=$PFX_DIR/audit.log PORTAL_LOG=$PFX_DIR/phiportal.log
  PORTAL_PKEY=$PFX_DIR/pkey
  head -c 32 /dev/urandom >"$PFX_DIR/qkey"; chmod 600 "$PFX_DIR/qkey"
  head -c 32 /dev/urandom >"$PORTAL_PKEY"; chmod 600 "$PORTAL_PKEY"
  pfx_sink_start
  pfx_postfix_start
  PORTAL_PORT=$(pfx_free_port)
  PORTAL_BASE=http://127.0.0.1:$PORTAL_PORT
  PORTAL_CONF=$PFX_DIR/portal.conf
  pfx_milter_conf "$PORTAL_CONF" <<CONF
socket = unix:$PFX_SOCK
user = root
mode = enforce
internal_domains = example.org
quarantine_dir = $PORTAL_QDIR
quarantine_key_file = $PFX_DIR/qkey
portal_key_file = $PORTAL_PKEY
portal_url = $PORTAL_BASE/m/{id}?t={token}
portal_listen = 127.0.0.1:$PORTAL_PORT
portal_templates = $PHI_TOP/conf/portal
portal_org_name = Example Hospital
portal_help_contact = the privacy office, 555-0100
portal_attempts = ${PORTAL_ATTEMPTS:-3}
portal_rate_limit = ${PORTAL_RATE:-600}
audit_log = $PORTAL_AUDIT
submission = smtp:127.0.0.1:$PFX_PORT
notice_from = phimilter-noreply@example.org
log_level = info
CONF
  pfx_milter_start "$PORTAL_CONF" || { tap_diag "$(tail -5 "$PFX_MLOG")"; pfx_die "phimilter did not start"; }
  "$PHIPORTAL" -n -c "$PORTAL_CONF" >"$PFX_DIR/portal-n.out" 2>&1 \
    || pfx_die "phiportal -n refused the config: $(cat "$PFX_DIR/portal-n.out")"
  "$PHIPORTAL" -f -c "$PORTAL_CONF" >>"$PORTAL_LOG" 2>&1 &
  PORTAL_PID=$!
  _i=0
  while ! pfx_tcp_open "$PORTAL_PORT"; do
    _i=$((_i + 1)); [ $_i -gt 100 ] && pfx_die "phiportal did not listen: $(tail -3 "$PORTAL_LOG")"
    kill -0 "$PORTAL_PID" 2>/dev/null || pfx_die "phiportal exited: $(tail -3 "$PORTAL_LOG")"
    pfx_sleep 0.1
  done
}

portal_stop() {
  [ -n "$PORTAL_PID" ] || return 0
  kill "$PORTAL_PID" 2>/dev/null
  wait "$PORTAL_PID" 2>/dev/null
  PORTAL_RC=$?
  PORTAL_PID=
  [ -n "${PHI_OUT:-}" ] && mkdir -p "$PHI_OUT" && cp "$PORTAL_LOG" "$PHI_OUT/${PFX_NAME:-portal}.phiportal.log" 2>/dev/null
  return 0
}

# portal_redirect OUT TO FILE: send FILE to TO; wait for TO's notice; its link into OUT
portal_redirect() {
  _pr_out=$1 _to=$2 _file=$3
  _before=$(pfx_sink_for "$_to" | wc -l)
  pfx_send "$_pr_out.smtp" --to "$_to" "$_file" || return 1
  _i=0
  while [ "$(pfx_sink_for "$_to" | wc -l)" -le "$_before" ]; do
    _i=$((_i + 1)); [ $_i -gt 200 ] && return 1
    pfx_sleep 0.1
  done
  _eml=$(pfx_sink_for "$_to" | sort | tail -1)
  tr -d '\r' <"$_eml" | grep -o "$PORTAL_BASE/m/[^ ]*" | head -1 >"$_pr_out"
  [ -s "$_pr_out" ]
}
