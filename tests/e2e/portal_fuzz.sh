#!/bin/sh
# tests/e2e/portal_fuzz.sh [SECONDS]: the portal's fuzz target
# (tests/fuzz/fuzz_portal_input.c: form bodies, the message view, HTML to
# text) built with clang -fsanitize=fuzzer,address,undefined into
# build/fuzz-portal/ and run for SECONDS (default $PORTAL_FUZZ_SECONDS or 15)
# from a few seeds. Kept apart from tests/fuzz/run.sh (the shared driver).
# Prints TAP; skips when clang or libFuzzer is missing (make deps installs them).
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$PHI_TOP/tests/lib/tap.sh"
secs=${1:-${PORTAL_FUZZ_SECONDS:-15}}
cd "$PHI_TOP" || exit 1
command -v clang >/dev/null 2>&1 || tap_skip_all "clang is not installed (make deps)"
b=${PORTAL_FUZZ_DIR:-${TMPDIR:-/tmp}/phi-fuzz-portal.$$}
rm -rf "$b"; mkdir -p "$b/seeds" "$b/work" "$b/crash"
trap 'rm -rf "$b"' EXIT
FLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Idetectors -Imilter -Iportal"
# only what the two parsers use: the MIME header, transfer-encoding and charset helpers
clang $FLAGS tests/fuzz/fuzz_portal_input.c portal/form.c portal/msgview.c milter/qcrypt.c \
  detectors/mime/charset.c detectors/mime/cte_base64.c detectors/mime/cte_qp.c detectors/mime/mime_hdr.c \
  detectors/buf.c detectors/status.c -o "$b/fuzz_portal_input" -lcrypto -lz -lm -lpthread \
  >"$b/build.log" 2>&1
tap_ok $? "the portal fuzz target builds" || { tail -5 "$b/build.log" | sed 's/^/# /'; tap_done; exit 1; }
printf '\000csrf=%s&code=1234+5678' 0123456789abcdef >"$b/seeds/form"
printf '\000a=%%41%%zz&&=&csrf' >"$b/seeds/form2"
{ printf '\001'; printf 'From: a <a@b>\r\nSubject: =?utf-8?b?w6k=?=\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X\r\nContent-Disposition: attachment; filename*=utf-8%s%%C3%%A9.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--X--\r\n' "''"; } >"$b/seeds/mime"
{ printf '\002'; printf '<p>a &amp; b &#x41;</p><script>x</script><!-- c --><div>d</div>'; } >"$b/seeds/html"
ASAN_OPTIONS=detect_leaks=1 "$b/fuzz_portal_input" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
  -max_len=65536 -artifact_prefix="$b/crash/" "$b/work" "$b/seeds" >"$b/run.log" 2>&1
rc=$?
tap_ok $rc "fuzz_portal_input: $secs s of form bodies, MIME messages and HTML without a crash, leak or hang" \
  || { grep -E 'ERROR|SUMMARY|Test unit' "$b/run.log" | head -5 | sed 's/^/# /'
       [ -n "${PHI_OUT:-}" ] && mkdir -p "$PHI_OUT/portal" && cp "$b"/crash/* "$PHI_OUT/portal/" 2>/dev/null; }
tap_done
