#!/bin/sh
# tests/bench/run.sh - `make bench`: phimilter against baselines measured in
# the same run. Prints one table and a one-line summary.
#
#   scan     the engine over generated mail (ordinary, PHI-dense, attachment
#            heavy; BENCH_MB per kind, default 50), 1 thread (MB per CPU
#            second = per core) and 2 threads (wall, speedup; "cpu" is
#            2 x the per-core rate with 2 threads / with 1: the speedup the
#            code allows when 2 cores are free, which a loaded box hides),
#            beside `cat` and `pcre2grep` with one SSN regex, same bytes
#   e2e      smtp-source -> private Postfix -> smtp-sink (tests/bench/mta.sh):
#            msgs/s with no milter, the bench's nullmilter and phimilter;
#            latency per serial transaction; phimilter's peak RSS at 32
#            sessions (needs root and Postfix; BENCH_E2E=0 skips it)
#
# Every figure is the median of BENCH_REPS (3) runs. Stand-alone: it builds
# its own tools and messages under $BUILD/bench; BUILD and BIN as for make
# (make bench BUILD=/tmp/me BIN=/tmp/me). Other knobs: BENCH_N, BENCH_N_PDF,
# BENCH_SESS, BENCH_LAT_N (see mta.sh). Exit 0 unless the bench could not run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
BUILD=${BUILD:-build}
BIN=${BIN:-.}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
case $BIN in /*) ;; *) BIN=$top/$BIN ;; esac
B=$BUILD/rel
mb=${BENCH_MB:-50}
reps=${BENCH_REPS:-3}
w=$BUILD/bench
mkdir -p "$w"
CF="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
cc $CF -Iinclude -o "$w/bench_scan" tests/bench/bench_scan.c "$B/libphidetect.a" \
  -lpcre2-8 -lcrypto -lz -lpthread -lm || exit 2
cc $CF -o "$w/nullmilter" tests/bench/nullmilter.c -lmilter -lpthread || exit 2
for k in ordinary phi attach; do
  [ -f "$w/$k.eml" ] && [ "$(stat -c %s "$w/$k.eml")" -ge $((mb * 1000000)) ] || { "$w/bench_scan" gen "$w" "$mb" || exit 2; break; }
done
for k in 4k 64k pdf; do "$w/bench_scan" msg "$k" "$w/m-$k.eml" || exit 2; done
export BENCH_TERMS_DIR=$top/conf/terms

now() { date +%s.%N; }
med() { tr ' ' '\n' | grep . | sort -g | awk '{ a[n++] = $1 } END { print n ? a[int(n / 2)] : "nan" }'; }
# tmb CMD...: MB per CPU-second (user + system, from wait4) of one run of
# CMD over $size bytes; CPU time, like bench_scan's per-core figure, because
# wall time on a shared box mostly measures the other processes
tmb() {
  "$PY" -c 'import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
    os.execvp(sys.argv[2], sys.argv[2:])
ru = os.wait4(pid, 0)[2]
print("%.1f" % (float(sys.argv[1]) / 1e6 / max(ru.ru_utime + ru.ru_stime, 1e-6)))' "$size" "$@"
}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
SSN='\b\d{3}-\d{2}-\d{4}\b'
load0=$(cut -d' ' -f1 /proc/loadavg)

# ------------------------------------------------------------------ scan
S=$w/scan.out
: >"$S"
for k in ordinary phi attach; do
  f=$w/$k.eml; size=$(stat -c %s "$f")
  cat "$f" >/dev/null
  c= p= one= core= two=
  i=0
  while [ $i -lt "$reps" ]; do
    c="$c $(tmb cat "$f")"
    p="$p $(tmb pcre2grep -c "$SSN" "$f")"
    i=$((i + 1))
  done
  r1=$("$w/bench_scan" run "$f" 1 "$reps")
  r2=$("$w/bench_scan" run "$f" 2 "$reps")
  echo "$k $size $(echo "$c" | med) $(echo "$p" | med) $(echo "$r1" | cut -d' ' -f1) $(echo "$r1" | cut -d' ' -f5) $(echo "$r2" | cut -d' ' -f1) $(echo "$r1" | cut -d' ' -f2-3) $(echo "$r2" | cut -d' ' -f5)" >>"$S"
done

# ------------------------------------------------------------------ e2e
E=$w/e2e.out
: >"$E"
if [ "${BENCH_E2E:-1}" != 0 ]; then
  PHIMILTER=$BIN/phimilter NULLMILTER=$w/nullmilter BENCH_REPS=$reps sh tests/bench/mta.sh "$w" >"$E" 2>"$w/e2e.err"
else
  echo "valid no BENCH_E2E=0" >"$E"
fi
load1=$(cut -d' ' -f1 /proc/loadavg)

# ------------------------------------------------------------------ table
awk -v S="$S" -v E="$E" -v load0="$load0" -v load1="$load1" -v reps="$reps" '
function row(m, v, base, ratio, tgt, ok) { printf "%-34s %12s %-44s %8s %-14s %s\n", m, v, base, ratio, tgt, ok }
function yn(c) { return c ? "yes" : "NO" }
BEGIN {
  while ((getline l < S) > 0) { split(l, a, " "); k = a[1]
    sz[k] = a[2]; cat[k] = a[3]; pg[k] = a[4]; w1[k] = a[5]; core[k] = a[6]; w2[k] = a[7]; msgs[k] = a[8]; flag[k] = a[9]; core2[k] = a[10] }
  while ((getline l < E) > 0) { n = split(l, a, " ")
    if (a[1] == "e2e") { e2e[a[2], a[3]] = a[4]; runs[a[2], a[3]] = a[5] }
    else if (a[1] == "ratio") ratio[a[2]] = a[3]
    else if (a[1] == "lat") { l50[a[2], a[3]] = a[4]; l99[a[2], a[3]] = a[5] }
    else if (a[1] == "phims") { m50[a[2]] = a[3]; m99[a[2]] = a[4] }
    else if (a[1] == "rss32") rss = a[2]
    else if (a[1] == "valid") { valid = a[2]; why = l; sub(/^valid [a-z]+ ?/, "", why) } }
  row("measure", "phimilter", "baseline(s), same run", "ratio", "target", "met")
  row("-------", "---------", "---------------------", "-----", "------", "---")
  split("ordinary phi attach", K, " ")
  for (i = 1; i <= 3; i++) { k = K[i]
    row(sprintf("scan %s MB/s per core", k), core[k], sprintf("cat %s, pcre2grep-SSN %s", cat[k], pg[k]),
        sprintf("%.2fx", core[k] / pg[k]), k == "ordinary" ? ">= 300" : "", k == "ordinary" ? yn(core[k] >= 300) : "")
  }
  for (i = 1; i <= 3; i++) { k = K[i]
    row(sprintf("scan %s 1->2 threads MB/s", k), sprintf("%s->%s", w1[k], w2[k]),
        sprintf("%.0f MB, %d msgs, %d flagged; cpu %.2fx", sz[k] / 1e6, msgs[k], flag[k], 2 * core2[k] / core[k]),
        sprintf("%.2fx", w2[k] / w1[k]), ">= 1.7", yn(w2[k] / w1[k] >= 1.7))
  }
  if (valid == "") { valid = "no"; why = "e2e did not run" }
  split("4k 64k pdf", Z, " ")
  tg["4k"] = 0.85; tg["64k"] = 0.7
  for (i = 1; i <= 3; i++) { k = Z[i]
    row(sprintf("e2e %s msgs/s", k), e2e[k, "phi"], sprintf("none %s, null %s", e2e[k, "none"], e2e[k, "null"]),
        ratio[k] != "" ? ratio[k] "x" : "-", (k in tg) ? ">= " tg[k] "x null" : "", (k in tg) && ratio[k] != "" ? yn(ratio[k] >= tg[k]) : "")
  }
  # added latency: phimilter own time per message (ms= of its log line,
  # from the end of the body to its verdict, all e2e runs; the null milter
  # answers at once), beside the serial client p50/p99 per transaction
  # with each milter, which on a loaded box mostly show scheduling delays
  for (i = 1; i <= 3; i++) { k = Z[i]
    row(sprintf("latency added %s p50/p99 ms", k), (k in m50) ? m50[k] "/" m99[k] : "-",
        sprintf("client null %s/%s, phi %s/%s", l50[k, "null"], l99[k, "null"], l50[k, "phi"], l99[k, "phi"]), "",
        k == "64k" ? "p99 <= 5" : "", k == "64k" && (k in m99) ? yn(m99[k] <= 5) : "")
  }
  row("phimilter peak RSS, 32 sessions", rss != "" ? sprintf("%.1f MB", rss / 1024) : "-", "VmHWM, 64 KB + PDF mail", "", "<= 64 MB", rss != "" ? yn(rss / 1024 <= 64) : "")
  printf "runs: median of %s; load average %s at start, %s at end; e2e valid=%s %s\n", reps, load0, load1, valid, why
  printf "summary: scan %s MB/s/core (target 300, %.2fx pcre2grep-SSN), 2-thread speedup %.2f (1.7); e2e phi/null %s at 4 KB (0.85), %s at 64 KB (0.7), %s with PDF; p99 added %s ms at 64 KB (5); RSS %s MB at 32 sessions (64)\n",
    core["ordinary"], core["ordinary"] / pg["ordinary"], w2["ordinary"] / w1["ordinary"], ratio["4k"] != "" ? ratio["4k"] : "-", ratio["64k"] != "" ? ratio["64k"] : "-",
    ratio["pdf"] != "" ? ratio["pdf"] : "-", ("64k" in m99) ? m99["64k"] : "-", rss != "" ? sprintf("%.1f", rss / 1024) : "-"
}'
