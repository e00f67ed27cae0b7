#!/bin/sh
# tests/bench/gen/bench-gen.sh — `make bench`: `yoe gen` on the generated
# 4,000-unit project (tests/bench/model/gen-project): cold gen (no spec
# files yet), warm gen (nothing changed), the size of build.ninja, and a
# no-op `ninja -n` once everything is built (with the trivial helper doubles
# of tests/bench/gen/doubles, so building is fast).  Figures only.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/bench/out
units=${UNITS:-4000}
runs=${RUNS:-5}
proj=$out/gen-project
mkdir -p "$out"
"$top/tests/bench/model/gen-project" "$proj" "$units" 4 || exit 1
export YOE_LIBEXEC=$top/tests/bench/gen/doubles HOME=$out/gen-home
yoe=$top/bin/yoe
ms() { echo $(( ($2 - $1) / 1000000 )); }

rm -rf "$proj/build" "$proj/repo" "$proj/build.ninja" "$proj/.ninja_log" "$proj/.ninja_deps"
t0=$(date +%s%N); "$yoe" -C "$proj" gen >/dev/null || exit 1; t1=$(date +%s%N)
cold=$(ms "$t0" "$t1")
best=""
i=0
while [ $i -lt "$runs" ]; do
  i=$((i + 1))
  t0=$(date +%s%N); "$yoe" -C "$proj" gen >/dev/null || exit 1; t1=$(date +%s%N)
  m=$(ms "$t0" "$t1"); [ -z "$best" ] || [ "$m" -lt "$best" ] && best=$m
done
size=$(wc -c <"$proj/build.ninja")
edges=$(grep -c '^build ' "$proj/build.ninja")
(cd "$proj" && ninja -j4 all >/dev/null 2>&1) || { echo "bench-gen: building with doubles failed"; exit 1; }
nbest=""
i=0
while [ $i -lt "$runs" ]; do
  i=$((i + 1))
  t0=$(date +%s%N); (cd "$proj" && ninja -n all >"$out/ninja-noop.out"); t1=$(date +%s%N)
  m=$(ms "$t0" "$t1"); [ -z "$nbest" ] || [ "$m" -lt "$nbest" ] && nbest=$m
done
grep -q 'no work to do' "$out/ninja-noop.out" || echo "bench-gen: warning: ninja -n was not a no-op"
echo "yoe gen on $units generated units ($edges build statements, build.ninja $((size / 1024)) KiB)"
printf '  %-36s %6s ms   (target < 250 ms)\n' "yoe gen, warm (best of $runs)" "$best"
printf '  %-36s %6s ms\n' "yoe gen, cold (writes every spec)" "$cold"
printf '  %-36s %6s ms   (target < 100 ms)\n' "ninja -n, nothing to do (best of $runs)" "$nbest"
