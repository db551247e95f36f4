# tests/lib/tap.sh: TAP output for the shell tests (POSIX sh; source it).
#
#   tap_ok COND_EXIT_STATUS "name"   one "ok N - name" / "not ok N - name" line
#   tap_check "name" CMD...           runs CMD (output to /dev/null) and reports it
#   tap_diag TEXT...                  "# TEXT" lines; every line goes through tap_redact
#   tap_redact_add STRING             a string (a planted identifier) never to be printed
#   tap_skip_all "reason"             "1..0 # SKIP reason" and exit 0
#   tap_done                          the plan line "1..N"; exit status 1 if any failed
TAP_N=0
TAP_FAILED=0
TAP_SECRETS=

tap_redact_add() { TAP_SECRETS="$TAP_SECRETS
$1"; }

# tap_redact: stdin to stdout with every planted string replaced by [REDACTED].
tap_redact() {
  if [ -z "$TAP_SECRETS" ]; then cat; return; fi
  TAP_SECRETS=$TAP_SECRETS awk '
    BEGIN { n = split(ENVIRON["TAP_SECRETS"], s, "\n") }
    { for (i = 1; i <= n; i++) if (s[i] != "") {
        out = ""; rest = $0
        while ((p = index(rest, s[i])) > 0) { out = out substr(rest, 1, p - 1) "[REDACTED]"; rest = substr(rest, p + length(s[i])) }
        $0 = out rest }
      print }'
}

tap_diag() { printf '%s\n' "$@" | tap_redact | sed 's/^/# /'; }

tap_ok() { # tap_ok STATUS NAME
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2"
  else
    echo "not ok $TAP_N - $2"
    TAP_FAILED=$((TAP_FAILED + 1))
  fi
  return "$1"
}

tap_check() { # tap_check NAME CMD...
  _tn=$1; shift
  "$@" >/dev/null 2>&1
  tap_ok $? "$_tn"
}

tap_skip_all() { echo "1..0 # SKIP $1"; exit 0; }

tap_done() {
  echo "1..$TAP_N"
  [ "$TAP_FAILED" -eq 0 ]
}
