#!/bin/sh
# tests/bench/model/bench-model.sh — `make bench`: evaluate and resolve a
# generated 4,000-unit project (gen-project: 4 modules, one unit() per file,
# plus a machine, a toolchain container and a class-built image) with
# `yoe query --json`, and compare with go.starlark.net executing the same
# unit files with stub unit()/task() (tests/bench/oracle, when Go and
# golang-starlark-dev are present).  Figures only, never pass/fail on timing.
# Best wall time of RUNS runs each (default 5, the two alternating); CPU,
# peak RSS and minor page faults of that run from /usr/bin/time.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/bench/out
cache=$top/tests/.cache/bench
runs=${RUNS:-5}
units=${UNITS:-4000}
mkdir -p "$out" "$cache"
[ -x /usr/bin/time ] || { echo "bench-model: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
proj=$out/model-project
"$top/tests/bench/model/gen-project" "$proj" "$units" 4 || exit 1
yoe=$cache/yoe-model-bench
# a private copy: the tree may be rebuilt meanwhile (retry a half-written one)
i=0
until cp "$top/bin/yoe" "$yoe.tmp" 2>/dev/null && chmod 755 "$yoe.tmp" && "$yoe.tmp" --version >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 10 ] || { echo "bench-model: cannot copy a working bin/yoe" >&2; exit 1; }; sleep 2
done
mv "$yoe.tmp" "$yoe"

# one NAME CMD... — run once; keep the best wall ms per NAME, with that
# run's user+sys ms, peak RSS KB and minor page faults (in $out/NAME.best)
one() {
  name=$1; shift
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S %M %R' -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err" ||
    { echo "bench-model: $name failed:"; tail -5 "$out/$name.err"; return 1; }
  t1=$(date +%s%N)
  awk -v ms=$(( (t1 - t0) / 1000000 )) -v f="$out/$name.best" '
    { cur = sprintf("%d %d %d %d", ms, ($1 + $2) * 1000, $3, $4) }
    END { best = ""; if ((getline line < f) > 0) best = line
          split(best, b, " "); if (best == "" || ms < b[1]) print cur > f }' "$out/$name.time"
}
get() { cut -d' ' -f"$2" "$out/$1.best"; }

# the Go side: the oracle executes the same unit files, flat, with stubs
oracle=$cache/starlark-oracle
if [ ! -x "$oracle" ] && command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/go.starlark.net ]; then
  ( cd "$top/tests/bench/oracle" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off \
      GOCACHE="$cache/go-build" go build -o "$oracle" . ) >/dev/null 2>&1 || true
fi
# runs alternate between the two, so both see the same load on a shared machine
status=0
rm -f "$out/yoe-query.best" "$out/go-units.best"
i=0
while [ $i -lt "$runs" ]; do
  i=$((i + 1))
  one yoe-query "$yoe" -C "$proj" query --json || { status=1; break; }
  if [ -x "$oracle" ]; then one go-units "$oracle" -units "$proj/flat" || { status=1; break; }; fi
done
[ -f "$out/yoe-query.best" ] || exit 1
n=$(grep -c '"name"' "$out/yoe-query.out")
echo "project: $units generated unit files in 4 modules ($n units resolved, keyed)"
printf '%-34s %8s %8s %10s %8s\n' "" "wall ms" "cpu ms" "peak RSS" "faults"
printf '%-34s %8s %8s %9sK %8s\n' "yoe query --json (eval+resolve+keys)" \
  "$(get yoe-query 1)" "$(get yoe-query 2)" "$(get yoe-query 3)" "$(get yoe-query 4)"
if [ -f "$out/go-units.best" ]; then
  printf '%-34s %8s %8s %9sK %8s\n' "go.starlark.net, stub builtins" \
    "$(get go-units 1)" "$(get go-units 2)" "$(get go-units 3)" "$(get go-units 4)"
  awk -v g="$(get go-units 1)" -v y="$(get yoe-query 1)" -v gc="$(get go-units 2)" -v yc="$(get yoe-query 2)" 'BEGIN {
    printf "speedup: wall %.2fx, cpu %.2fx (go / yoe; target >= 3x; yoe also resolves and keys)\n",
      (y > 0 ? g / y : 0), (yc > 0 ? gc / yc : 0) }'
else
  echo "go.starlark.net: not available (needs go and golang-starlark-dev); only our figures"
fi
echo "target: yoe under 150 ms wall; best of $runs runs; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
