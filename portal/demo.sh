# portal/demo.sh: the secure portal in `make run` (sourced by
# packaging/run-demo.sh after the private Postfix has started). POSIX sh.
#
# Makes build/run/conf/: symlinks to everything in conf/ (so relative
# names in the shipped config still resolve) and a phimilter.conf that is
# the shipped one plus the store, the two keys (32 random bytes, 0600,
# made once), portal_url pointing at phiportal on 127.0.0.1:$PHI_PORTAL_PORT
# (default 8025), submission through the demo Postfix and an audit log.
# Starts phiportal in the background (log: build/run/phiportal.log), sets
# `conf` to the demo config for phimilter, and, once phimilter listens,
# sends packaging/samples/ssn.eml to an outside address and prints the
# portal link of the notice that arrives in build/run/mail/.
PHIPORTAL=${PHIPORTAL:-$(dirname "$PHIMILTER")/phiportal}
portal_port=${PHI_PORTAL_PORT:-8025}
PORTAL_DEMO_PID=
if [ ! -x "$PHIPORTAL" ]; then
  echo "run-demo: no $PHIPORTAL: the portal is left out" >&2
else
  pd=$run/conf pk=$run/keys
  mkdir -p "$pd" "$pk" && chmod 700 "$pk"
  for f in "$top"/conf/*; do
    [ "$(basename "$f")" = phimilter.conf ] || ln -sfn "$f" "$pd/$(basename "$f")"
  done
  for k in quarantine portal; do
    [ -s "$pk/$k.key" ] || { head -c 32 /dev/urandom >"$pk/$k.key" && chmod 600 "$pk/$k.key"; }
  done
  # the shipped file without any active line for the keys set here, then those keys
  sed -E '/^(quarantine_dir|quarantine_key_file|portal_key_file|portal_url|portal_listen|submission|audit_log)[[:space:]]*=/d' \
    "$conf" >"$pd/phimilter.conf"
  cat >>"$pd/phimilter.conf" <<CONF

# --- added by portal/demo.sh for make run
quarantine_dir = $run/quarantine
quarantine_key_file = $pk/quarantine.key
portal_key_file = $pk/portal.key
portal_url = http://127.0.0.1:$portal_port/m/{id}?t={token}
portal_listen = 127.0.0.1:$portal_port
submission = smtp:127.0.0.1:$port
audit_log = $run/audit.log
CONF
  conf=$pd/phimilter.conf
  "$PHIPORTAL" -n -c "$conf" || die "$conf does not pass 'phiportal -n'"
  "$PHIPORTAL" -f -c "$conf" >>"$run/phiportal.log" 2>&1 &
  PORTAL_DEMO_PID=$!
  trap 'kill "$PORTAL_DEMO_PID" 2>/dev/null; wait "$PORTAL_DEMO_PID" 2>/dev/null; pfx_cleanup' EXIT
  cat <<INFO

  secure portal:  phiportal on http://127.0.0.1:$portal_port/ (log $(rel "$run/phiportal.log"))
  portal config:  $(rel "$conf") (the shipped file + store, keys, portal_url), used by both daemons
                  PHI for outside addresses is now redirected rather than refused: the recipient gets a
                  link, the message waits in the portal, the one-time code mail lands in $(rel "$PFX_SINK")/.
INFO
  (
    i=0
    while [ ! -S "$PFX_SOCK" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.2; done
    "$PFX_PY" "$top/tests/lib/send.py" --port "$port" --to someone@outside.example \
      "$top/packaging/samples/ssn.eml" >/dev/null 2>&1
    i=0 link=
    while [ -z "$link" ] && [ $i -lt 100 ]; do
      i=$((i + 1)); sleep 0.2
      link=$(cat "$PFX_SINK"/*.eml 2>/dev/null | tr -d '\r' | grep -o "http://127.0.0.1:$portal_port/m/[^ ]*" | tail -1)
    done
    if [ -n "$link" ]; then
      printf '\n  sample redirected message (packaging/samples/ssn.eml to someone@outside.example):\n'
      printf '    open %s\n' "$link"
      printf '    press "Send me a code", then read the code in the newest file of %s/\n\n' "$(rel "$PFX_SINK")"
    else
      printf '\n  run-demo: the sample was not redirected (see %s)\n\n' "$(rel "$PFX_LOG")"
    fi
  ) &
fi
