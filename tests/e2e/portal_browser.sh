#!/bin/sh
# tests/e2e/portal_browser.sh: the secure portal in a real browser (issue
# 10). A private Postfix with phimilter redirecting a PHI message with a PDF
# attachment to an outside recipient (tests/lib/portal_env.sh); the notice
# arrives at the SMTP sink; headless Chromium, driven through WebDriver by
# tests/lib/portal_browser.py, opens its link, presses send-code, reads the
# code mail from the sink, enters it, sees subject, body and attachment, and
# downloads the attachment byte-identical. Screenshots of each step go to
# $PHI_OUT/portal/. Prints TAP; skips only when Chromium cannot be installed.
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$PHI_TOP/phimilter}"
: "${PHI_OUT:=$PHI_TOP/tests/out}"
PFX_NAME=portal_browser
. "$PHI_TOP/tests/lib/tap.sh"
. "$PHI_TOP/tests/lib/pfx.sh"
. "$PHI_TOP/tests/lib/portal_env.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to start a private Postfix"
command -v postfix >/dev/null 2>&1 || tap_skip_all "postfix is not installed (make deps)"
[ -x "$PHIMILTER" ] || { echo "Bail out! no phimilter at $PHIMILTER"; exit 1; }
[ -x "$PHIPORTAL" ] || { echo "Bail out! no phiportal at $PHIPORTAL"; exit 1; }

have_browser() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && /usr/bin/python3 -c 'import selenium' 2>/dev/null
}
if ! have_browser; then
  # make deps installs them; try once here too (quietly), then skip with the reason
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium chromium-driver python3-selenium >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
         --no-install-recommends chromium chromium-driver python3-selenium >/dev/null 2>&1; }
  have_browser || tap_skip_all "chromium, chromium-driver and python3-selenium cannot be installed here"
fi

SSN=371-42-8195
tap_redact_add "$SSN"; tap_redact_add 371428195

pfx_init
trap 'portal_stop; pfx_cleanup' EXIT
M=$PFX_DIR/msg
mkdir -p "$M"
portal_env_start
/usr/bin/python3 "$PHI_TOP/tests/lib/portal_msgs.py" --dir "$M" --ssn "$SSN"

portal_redirect "$PFX_DIR/link_a" bob@outside.example "$M/a.eml"
tap_ok $? "the PHI message with a PDF is redirected: the notice with the link reaches the sink" \
  || tap_diag "$(tail -5 "$PFX_MLOG")"
_n=$(pfx_sink_for bob@outside.example | head -1)
! grep -qF "$SSN" "$_n" && ! grep -q 'JVBERi0' "$_n"
tap_ok $? "the notice holds neither the SSN nor the PDF"
portal_redirect "$PFX_DIR/link_b" bob@outside.example "$M/b.eml"
tap_ok $? "the HTML message with a script is redirected too"

/usr/bin/python3 "$PHI_TOP/tests/lib/portal_browser.py" --link "$(cat "$PFX_DIR/link_a")" \
  --link-html "$(cat "$PFX_DIR/link_b")" --sink "$PFX_SINK" --rcpt bob@outside.example \
  --pdf "$M/lab-report.pdf" --out "$PHI_OUT/portal" --count-file "$PFX_DIR/py.count" 2>"$PFX_DIR/browser.err" | tap_redact
read -r _n _f <"$PFX_DIR/py.count" 2>/dev/null || {
  _n=1 _f=1; echo "not ok - portal_browser.py did not finish"; tap_diag "$(tail -8 "$PFX_DIR/browser.err")"; }
TAP_N=$((TAP_N + _n)) TAP_FAILED=$((TAP_FAILED + _f))
ls "$PHI_OUT/portal/"*.png >/dev/null 2>&1
tap_ok $? "screenshots of each step are in \$PHI_OUT/portal/"
tap_done
