#!/bin/sh
# tests/eval.sh PHICTL [--gate]
#
# Scores phictl on the development corpus (../shared/corpus next to the
# repository, or $PHI_CORPUS) with ../shared/eval/evaluate.py, read in
# place. Prints the scorer's report; with --gate, prints TAP lines for the
# issue's thresholds and fails under them. Skips (exit 0) when the corpus or
# the scorer is not there, saying so.
set -u
phictl=$1
gate=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${PHI_CORPUS:-$top/../shared/corpus}
scorer=${PHI_SCORER:-$top/../shared/eval/evaluate.py}
if [ ! -f "$corpus/manifest.jsonl" ] || [ ! -f "$scorer" ]; then
  echo "eval: skipped (no corpus at $corpus or no scorer at $scorer)"
  [ -n "$gate" ] && echo "ok 1 - eval skipped: no development corpus on this machine # SKIP"
  exit 0
fi
case $phictl in /*) ;; *) phictl=$(pwd)/$phictl ;; esac
out=${PHI_OUT:-$top/tests/out}
mkdir -p "$out"
python3 "$scorer" --scanner "$phictl scan --json" --corpus "$corpus" >"$out/eval.txt" 2>&1
rc=$?
if [ -z "$gate" ]; then cat "$out/eval.txt"; exit $rc; fi
line=$(tail -n 1 "$out/eval.txt")
echo "# $line"
get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
n=0 fail=0
check() { # check NAME VALUE OP LIMIT
  n=$((n + 1))
  if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { if (v == "" || v == "n/a") exit 1; if (op == ">=") exit !(v + 0 >= l + 0); exit !(v + 0 <= l + 0) }'; then
    echo "ok $n - corpus $1 $2 $3 $4"
  else
    echo "not ok $n - corpus $1 $2 $3 $4"; fail=1
  fi
}
check recall "$(get recall)" ">=" "${PHI_EVAL_RECALL:-0.99}"
check strict "$(get strict)" ">=" "${PHI_EVAL_STRICT:-0.97}"
check fpr "$(get fpr)" "<=" "${PHI_EVAL_FPR:-0.005}"
check spans "$(get spans)" ">=" "${PHI_EVAL_SPANS:-0.97}"
check errors "$(get errors)" "<=" 0
check crashes "$(get crashes)" "<=" 0
exit $fail
