#!/bin/sh
# tests/bench/run.sh - `make bench`: scan throughput against baselines
# measured in the same run (cat, pcre2grep with one SSN regex), and the
# 1 -> 2 thread speedup. Prints one table and a one-line summary.
# Stand-alone: generates its own mail text (BENCH_MB per kind, default 50).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
mb=${BENCH_MB:-50}
w=$top/build/bench
mkdir -p "$w"
B=build/rel
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -o "$w/bench_scan" tests/bench/bench_scan.c \
  $B/libphidetect.a -lpcre2-8 -lcrypto -lz -lpthread -lm || exit 2
[ -f "$w/ordinary.eml" ] && [ "$(stat -c %s "$w/ordinary.eml")" -ge $((mb * 1000000)) ] || "$w/bench_scan" gen "$w" "$mb" || exit 2
now() { date +%s.%N; }
rate() { awk -v b="$1" -v a="$2" -v s="$3" 'BEGIN { printf "%.1f", s / 1e6 / (b - a) }'; }
SSN='\b\d{3}-\d{2}-\d{4}\b'
printf '%-10s %10s %10s %12s %9s %9s %10s\n' kind "MB" "cat MB/s" "pcre2grep" "scan 1t" "scan 2t" "speedup"
summary=
for k in ordinary phi attach; do
  f=$w/$k.eml; size=$(stat -c %s "$f")
  cat "$f" >/dev/null
  t0=$(now); cat "$f" >/dev/null; t1=$(now); catr=$(rate "$t1" "$t0" "$size")
  t0=$(now); pcre2grep -c "$SSN" "$f" >/dev/null; t1=$(now); pr=$(rate "$t1" "$t0" "$size")
  s1=$("$w/bench_scan" run "$f" 1 | cut -d' ' -f1)
  s2=$("$w/bench_scan" run "$f" 2 | cut -d' ' -f1)
  sp=$(awk -v a="$s1" -v b="$s2" 'BEGIN { printf "%.2f", b / a }')
  printf '%-10s %10.1f %10s %12s %9s %9s %10s\n' "$k" "$(awk -v s="$size" 'BEGIN{print s/1e6}')" "$catr" "$pr" "$s1" "$s2" "$sp"
  [ "$k" = ordinary ] && summary="scan ordinary ${s1} MB/s/core (target 300) = $(awk -v a="$s1" -v b="$pr" 'BEGIN { printf "%.2f", a / b }') x pcre2grep-SSN, 2-thread speedup ${sp} (target 1.7)"
done
echo "summary: $summary"
