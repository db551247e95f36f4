#!/bin/sh
# tests/run.sh FLAVOUR [unit|e2e|all]
#
# Runs the unit test programs of build/FLAVOUR/tests and the end-to-end
# scripts tests/e2e/*.sh against that flavour's binaries, counts their TAP
# lines, keeps each log under tests/out/, and ends with one line
# "N passed, N failed" (non-zero exit when anything failed). A program that
# exits non-zero without a "not ok" line (a crash, a sanitizer report) counts
# as one failure of its own.
set -u
flavour=${1:-rel}
what=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
case $flavour in
  rel|.) bdir=$top/build/rel; bindir=$top ;;
  asan|build/asan) bdir=$top/build/asan; bindir=$top/build/asan ;;
  *) echo "run.sh: unknown flavour $flavour" >&2; exit 2 ;;
esac
out=$top/tests/out
mkdir -p "$out"
export PHIMILTER="$bindir/phimilter" PHICTL="$bindir/phictl" PHI_TOP="$top" PHI_OUT="$out"
# Leak checks on; a sanitizer report fails the program that made it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
pass=0 fail=0 failed_names=

run_one() { # run_one NAME CMD...
  name=$1; shift
  log=$out/$name.log
  "$@" >"$log" 2>&1
  rc=$?
  p=$(grep -c '^ok ' "$log")
  f=$(grep -c '^not ok ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$f" -gt 0 ]; then
    failed_names="$failed_names $name"
    echo "FAIL $name ($p passed, $f failed, exit $rc) - log: tests/out/$name.log"
    grep -E '^not ok|^#' "$log" | head -20 | sed 's/^/    /'
    [ "$rc" -ne 0 ] && tail -5 "$log" | sed 's/^/    | /'
  else
    echo "ok   $name ($p passed)"
  fi
}

if [ "$what" = all ] || [ "$what" = unit ]; then
  for t in "$bdir"/tests/t_*; do
    [ -x "$t" ] || continue
    run_one "$(basename "$t")" "$t"
  done
fi
if [ "$what" = all ] || [ "$what" = e2e ]; then
  for t in "$top"/tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    run_one "e2e_$(basename "$t" .sh)" sh "$t"
  done
fi
if [ "$what" = all ] || [ "$what" = e2e ]; then
  # libmilter protocol tests driven by miltertest (Lua scripts).
  for t in "$top"/tests/milter/*.sh; do
    [ -f "$t" ] || continue
    run_one "milter_$(basename "$t" .sh)" sh "$t"
  done
fi
if [ "$what" = all ] || [ "$what" = eval ]; then
  # The development corpus gate (issue thresholds); skipped when absent.
  run_one eval sh "$top/tests/eval.sh" "$PHICTL" --gate
fi
if [ "$what" = all ] || [ "$what" = fuzz ]; then
  # Every fuzz target replays its seeds and the fixed crash reproducers.
  if command -v clang >/dev/null 2>&1; then
    run_one fuzz_seeds sh "$top/tests/fuzz/run.sh" 0
  else
    echo "skip fuzz_seeds (clang not installed; make deps installs it)"
  fi
fi
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
