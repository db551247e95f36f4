#!/bin/sh
# tests/valgrind.sh: valgrind memcheck over `phictl scan --json` (make valgrind;
# issue 7). Inputs: every message of ../shared/corpus when present (read in
# place, never copied), and the fuzz seeds of tests/fuzz/seeds.py (the
# message and text seeds as they are, every extractor's seeds wrapped as a
# base64 attachment with a file name of its format), and the small hostile
# messages of tests/hostile/gen.py. Use the plain build (valgrind and ASan
# do not mix). Passes when memcheck reports no error and no definite,
# indirect or possible leak. Prints TAP.
set -u
: "${PHI_TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${PHICTL:=$PHI_TOP/phictl}"
. "$PHI_TOP/tests/lib/tap.sh"
command -v valgrind >/dev/null 2>&1 || tap_skip_all "valgrind is not installed (apt-get install valgrind)"
[ -x "$PHICTL" ] || { echo "Bail out! no phictl at $PHICTL"; exit 1; }
ldd "$PHICTL" 2>/dev/null | grep -q libasan && { echo "Bail out! $PHICTL is a sanitizer build; use the plain one"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/phivg.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP

VG="valgrind --tool=memcheck --suppressions=$PHI_TOP/tests/valgrind.supp --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --num-callers=30 -q"

vg_run() { # vg_run NAME [phictl args...]: memcheck one phictl run over many files
  _n=$1; shift
  $VG --log-file="$W/$_n.vg" "$PHICTL" "$@" >"$W/$_n.out" 2>"$W/$_n.err"
  _rc=$?
  # phictl exits 0/1 (verdicts) or 2 (an unreadable file); 99 is memcheck's
  [ $_rc -ne 99 ] && [ $_rc -lt 128 ] && ! grep -q '^==[0-9]*== ' "$W/$_n.vg"
  tap_ok $? "valgrind memcheck: $_n: no error, no leak ($(grep -c '"verdict"' "$W/$_n.out") files scanned, exit $_rc)" || \
    grep -E '^==[0-9]+== ' "$W/$_n.vg" | head -30 | sed 's/^/# /'
}

CORPUS=$PHI_TOP/../shared/corpus
if [ -d "$CORPUS" ]; then
  # in batches, so that one run stays a few minutes at most
  find "$CORPUS" -name '*.eml' -type f | sort >"$W/corpus.list"
  split -l 120 "$W/corpus.list" "$W/corpus.part."
  for p in "$W"/corpus.part.*; do
    # shellcheck disable=SC2046
    vg_run "corpus_$(basename "$p" | sed 's/corpus\.part\.//')" scan --json $(cat "$p")
  done
  [ -f "$CORPUS/spans-dev.tsv" ] && {
    awk -F'\t' 'NR > 1 && NR < 400 { f = sprintf("%s/span%04d.txt", d, NR); print $2 > f; close(f) }' d="$W" \
      "$CORPUS/spans-dev.tsv"
    vg_run corpus_spans scan --json --text "$W"/span*.txt
  }
else
  tap_diag "no ../shared/corpus: corpus pass skipped"
fi

python3 "$PHI_TOP/tests/fuzz/seeds.py" "$W/seeds" >/dev/null 2>&1
tap_ok $? "tests/fuzz/seeds.py writes the seeds"
python3 - "$W/seeds" "$W/wrapped" <<'PY'
import base64, os, sys
src, dst = sys.argv[1], sys.argv[2]
ext = {"x_zip": "zip", "x_gzip": "gz", "x_pdf": "pdf", "x_rtf": "rtf", "x_csv": "csv", "x_ical": "ics",
       "x_image": "png", "x_xml": "xml", "x_html": "html", "x_hl7": "hl7", "x_fhir": "json", "x_json": "json",
       "x_ccda": "xml", "x_dicom": "dcm", "x_rfc822": "eml"}
os.makedirs(dst, exist_ok=True)
for t, e in ext.items():
    d = os.path.join(src, t)
    if not os.path.isdir(d):
        continue
    for n in sorted(os.listdir(d)):
        data = open(os.path.join(d, n), "rb").read()
        b = base64.encodebytes(data).decode()
        with open(os.path.join(dst, "%s_%s.eml" % (t, n)), "w") as f:
            f.write("From: a@example.org\nTo: b@outside.example\nSubject: seed\nMIME-Version: 1.0\n"
                    "Content-Type: multipart/mixed; boundary=s\n\n--s\nContent-Type: text/plain\n\nsee attached\n"
                    "--s\nContent-Type: application/octet-stream; name=\"seed.%s\"\n"
                    "Content-Disposition: attachment; filename=\"seed.%s\"\nContent-Transfer-Encoding: base64\n\n"
                    "%s--s--\n" % (e, e, b))
PY
[ -d "$W/seeds/message" ] && vg_run seeds_message scan --json "$W"/seeds/message/*
[ -d "$W/seeds/text" ] && vg_run seeds_text scan --json --text "$W"/seeds/text/*
vg_run seeds_extractors scan --json "$W"/wrapped/*.eml

# the small hostile messages (the big ones take minutes under memcheck)
python3 "$PHI_TOP/tests/hostile/gen.py" "$W/hostile" "$W/canary" >/dev/null 2>&1
set --
for n in zip_deep_chain zip_overlap docx_laughs_xxe ccda_laughs_xxe pdf_selfref header_nul mime_1000_deep \
         charset_invalid dicom_lying_lengths; do
  [ -f "$W/hostile/$n.eml" ] && set -- "$@" "$W/hostile/$n.eml"
done
[ $# -gt 0 ] && vg_run hostile scan --json "$@"

tap_done
