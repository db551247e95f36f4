#!/bin/sh
# tests/e2e/gen_eval.sh - detection on the held-out-style set of
# tests/gen/make_cases.py (invented letters, Spanish mail, attachments,
# extra formats, pii mail and hard negatives; fixed seed), scored like
# ../shared/eval/evaluate.py: recall (phi/pii not judged clean), strict
# (phi judged phi), fpr (clean judged phi/pii), and per stratum. Gates on the
# figures measured when the set was made, minus a margin:
#   recall >= 0.96, strict >= 0.95, fpr <= 0.02, every stratum >= 0.85.
# TAP on stdout; prints file names and counts only, never message text.
#
# Env: PHICTL (phictl binary), PHI_OUT (scratch dir; mktemp otherwise),
# PHI_TOP (repo top; derived from this script otherwise).
set -u
top=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
phictl=${PHICTL:-$top/phictl}
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "1..0 # SKIP no $py"; exit 0; fi
if [ ! -x "$phictl" ]; then echo "1..1"; echo "not ok 1 - phictl binary at $phictl"; exit 1; fi
base=${PHI_OUT:-}
if [ -n "$base" ]; then mkdir -p "$base"; work=$(mktemp -d "$base/gen_eval.XXXXXX"); else work=$(mktemp -d); fi
trap 'rm -rf "$work"' EXIT INT TERM

"$py" "$top/tests/gen/make_cases.py" "$work/set" --seed 7 --n 400 >/dev/null || {
  echo "1..1"; echo "not ok 1 - make_cases.py writes the set"; exit 1; }

"$py" - "$phictl" "$work/set" <<'PYEOF'
import json, os, subprocess, sys
from collections import defaultdict

phictl, d = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(os.path.join(d, "manifest.jsonl"))]
got = {}
for i in range(0, len(rows), 64):
    files = [os.path.join(d, r["file"]) for r in rows[i:i + 64]]
    p = subprocess.run([phictl, "scan", "--json"] + files, capture_output=True, timeout=300)
    for ln in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            o = json.loads(ln)
        except ValueError:
            continue
        got[os.path.relpath(o.get("file", ""), d)] = o.get("verdict", "error")
n = 0
failed = 0
def tap(ok, name):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, name))

pos = [r for r in rows if r["expect"] != "clean"]
phi = [r for r in rows if r["expect"] == "phi"]
neg = [r for r in rows if r["expect"] == "clean"]
v = lambda r: got.get(r["file"], "error")
errors = sum(1 for r in rows if v(r) == "error")
recall = sum(v(r) in ("phi", "pii") for r in pos) / max(1, len(pos))
strict = sum(v(r) == "phi" for r in phi) / max(1, len(phi))
fpr = sum(v(r) in ("phi", "pii") for r in neg) / max(1, len(neg))
print("# %d messages: recall=%.3f strict=%.3f fpr=%.3f errors=%d" % (len(rows), recall, strict, fpr, errors))
tap(errors == 0, "every generated message scanned (%d errors)" % errors)
tap(recall >= 0.96, "recall %.3f >= 0.96" % recall)
tap(strict >= 0.95, "strict phi recall %.3f >= 0.95" % strict)
tap(fpr <= 0.02, "false-positive rate %.3f <= 0.02" % fpr)
by = defaultdict(lambda: [0, 0])
for r in rows:
    right = v(r) == r["expect"] or (r["expect"] == "pii" and v(r) == "phi")
    by[r["stratum"]][0] += right
    by[r["stratum"]][1] += 1
for s in sorted(by):
    ok, tot = by[s]
    tap(ok / tot >= 0.85, "stratum %s %d/%d" % (s, ok, tot))
    if ok < tot:
        for r in rows:
            if r["stratum"] == s and not (v(r) == r["expect"] or (r["expect"] == "pii" and v(r) == "phi")):
                print("#   %s expected %s got %s (%s)" % (r["file"], r["expect"], v(r), r["why"]))
print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
