#!/bin/sh
# tests/bench/gen/bench-gen.sh — `make bench`: `yoe gen` on the generated
# 4,000-unit project (tests/bench/model/gen-project): cold gen (the first
# gen of a fresh copy: every spec file written), warm gen (nothing changed:
# nothing but a hash and a stat per spec), the size of build.ninja, and
# no-op `ninja -n` runs once the default target (`all`) and then `world` are
# built (with the trivial helper doubles of tests/bench/gen/doubles, so
# building is fast), with `ninja -d stats` for ninja's own breakdown and,
# when valgrind is installed, the instructions a no-op run executes (a
# figure a busy machine does not move, unlike wall times; best and median
# of RUNS runs are printed).  Figures only.  WORLD=0 skips building world (a minute with the doubles);
# OUT=dir puts the projects elsewhere (to compare two builds side by side).
#
# Cold figures on ext4 vary with what was deleted nearby in the last
# minutes: the inode allocator skips recently freed inodes one by one (seen
# with perf: find_inode_bit/recently_deleted), so a gen right after an
# `rm -rf build` of the same size is several times slower than the numbers
# of a quiet disk.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=${OUT:-$top/tests/bench/out}
units=${UNITS:-4000}
runs=${RUNS:-9}
proj=$out/gen-project
cold=$out/gen-project-cold
mkdir -p "$out"
"$top/tests/bench/model/gen-project" "$proj" "$units" 4 || exit 1
export YOE_LIBEXEC=$top/tests/bench/gen/doubles HOME=$out/gen-home
yoe=${YOE:-$top/bin/yoe}   # YOE=other/bin/yoe compares another build
ms() { echo $(( ($2 - $1) / 1000000 )); }
# best CMD...: "BEST MEDIAN", the best and the median wall time of $runs
# runs, in ms (the median says how a busy machine sees it)
best() {
  i=0
  : >"$out/bench-gen.times"
  while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    t0=$(date +%s%N); "$@" >"$out/bench-gen.last" 2>&1 || { cat "$out/bench-gen.last"; exit 1; }
    t1=$(date +%s%N)
    ms "$t0" "$t1" >>"$out/bench-gen.times"
  done
  sort -n "$out/bench-gen.times" | awk '{a[NR] = $1} END {print a[1], a[int((NR + 1) / 2)]}'
}
# instructions CMD...: what CMD executes, counted by callgrind (the same on
# a busy machine; empty without valgrind)
instructions() {
  command -v valgrind >/dev/null 2>&1 || return 0
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/refs:/ {gsub(/,/, "", $4); printf "%.1f M instructions (callgrind)", $4 / 1e6}'
}
# stats TARGET: ninja's own breakdown of a no-op run, on one line
stats() {
  (cd "$proj" && ninja -d stats -n "$1") | awk '$1 == ".ninja" && $2 == "parse" {p = $NF}
    $1 == "node" && $2 == "stat" {n = $3; s = $NF} $1 == "depfile" {d = $NF}
    $1 == ".ninja_log" {l = $NF}
    END {printf "parse %s ms, log %s ms, %s stats %s ms%s", p, l, n, s, d ? ", depfile " d " ms" : ""}'
}

# cold: a fresh copy of the sources (no build/, no build.ninja)
rm -rf "$cold"
mkdir -p "$cold"
cp -r "$proj/PROJECT.star" "$proj/modules" "$cold/"
t0=$(date +%s%N); "$yoe" -C "$cold" gen >/dev/null || exit 1; t1=$(date +%s%N)
coldms=$(ms "$t0" "$t1")
rm -rf "$cold"

rm -rf "$proj/build" "$proj/repo" "$proj/build.ninja" "$proj/build.ninja.d" "$proj/.ninja_log" \
  "$proj/.ninja_deps"
"$yoe" -C "$proj" gen >/dev/null || exit 1
set -- $(best "$yoe" -C "$proj" gen); warm=$1 warmmed=$2
size=$(wc -c <"$proj/build.ninja")
edges=$(grep -c '^build ' "$proj/build.ninja")
(cd "$proj" && ninja -j4 all >/dev/null 2>&1) || { echo "bench-gen: building with doubles failed"; exit 1; }
set -- $(cd "$proj" && best ninja -n); noop=$1 noopmed=$2
grep -q 'no work to do' "$out/bench-gen.last" || echo "bench-gen: warning: ninja -n was not a no-op"
allstats=$(stats all)
allinsn=$(cd "$proj" && instructions ninja -n)
echo "yoe gen on $units generated units ($edges build statements, build.ninja $((size / 1024)) KiB)"
printf '  %-46s %6s ms   (target < 250 ms; median %s ms)\n' "yoe gen, warm (best of $runs)" "$warm" "$warmmed"
printf '  %-46s %6s ms\n' "yoe gen, cold (fresh copy, writes every spec)" "$coldms"
printf '  %-46s %6s ms   (target < 100 ms; median %s ms)\n' "ninja -n, default target built (best of $runs)" "$noop" "$noopmed"
printf '  %-46s %s\n' "" "$allstats"
[ -z "$allinsn" ] || printf '  %-46s %s\n' "" "$allinsn"
if [ "${WORLD:-1}" != 0 ]; then
  (cd "$proj" && ninja -j4 world >/dev/null 2>&1) || { echo "bench-gen: building world failed"; exit 1; }
  set -- $(cd "$proj" && best ninja -n world); wnoop=$1 wnoopmed=$2
  grep -q 'no work to do' "$out/bench-gen.last" || echo "bench-gen: warning: ninja -n world was not a no-op"
  printf '  %-46s %6s ms   (median %s ms)\n' "ninja -n world, all built (best of $runs)" "$wnoop" "$wnoopmed"
  printf '  %-46s %s\n' "" "$(stats world)"
fi
