#!/bin/sh
# tests/bench/model/bench-model.sh — `make bench`: evaluate and resolve a
# generated 4,000-unit project (gen-project: 4 modules, one unit() per file,
# plus a machine, a toolchain container and a class-built image) with
# `yoe query --json`, and compare with go.starlark.net executing the same
# unit files with stub unit()/task() (tests/bench/oracle, when Go and
# golang-starlark-dev are present).  Figures only, never pass/fail on timing.
# Best wall time of RUNS runs (default 5); CPU and peak RSS of that run from
# /usr/bin/time.
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

# best NAME CMD... — best wall ms, with that run's user+sys ms and peak RSS KB
best() {
  name=$1; shift
  B_MS="" B_CPU="" B_RSS=""
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err" ||
      { echo "bench-model: $name failed:"; tail -5 "$out/$name.err"; return 1; }
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$B_MS" ] || [ "$ms" -lt "$B_MS" ]; then
      B_MS=$ms
      B_CPU=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$out/$name.time")
      B_RSS=$(awk '{ print $3 }' "$out/$name.time")
    fi
  done
}

status=0
best yoe-query "$yoe" -C "$proj" query --json || status=1
y_ms=$B_MS y_cpu=$B_CPU y_rss=$B_RSS
n=$(grep -c '"name"' "$out/yoe-query.out")
echo "project: $units generated unit files in 4 modules ($n units resolved, keyed)"
printf '%-34s %8s %8s %10s\n' "" "wall ms" "cpu ms" "peak RSS"
printf '%-34s %8s %8s %9sK\n' "yoe query --json (eval+resolve+keys)" "$y_ms" "$y_cpu" "$y_rss"

# the Go side: the oracle executes the same unit files, flat, with stubs
oracle=$cache/starlark-oracle
if [ ! -x "$oracle" ] && command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/go.starlark.net ]; then
  ( cd "$top/tests/bench/oracle" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off \
      GOCACHE="$cache/go-build" go build -o "$oracle" . ) >/dev/null 2>&1 || true
fi
if [ -x "$oracle" ]; then
  if best go-units "$oracle" -units "$proj/flat"; then
    printf '%-34s %8s %8s %9sK\n' "go.starlark.net, stub builtins" "$B_MS" "$B_CPU" "$B_RSS"
    awk -v g="$B_MS" -v y="$y_ms" -v gc="$B_CPU" -v yc="$y_cpu" 'BEGIN {
      printf "speedup: wall %.2fx, cpu %.2fx (go / yoe; target >= 3x; yoe also resolves and keys)\n",
        (y > 0 ? g / y : 0), (yc > 0 ? gc / yc : 0) }'
  else
    status=1
  fi
else
  echo "go.starlark.net: not available (needs go and golang-starlark-dev); only our figures"
fi
echo "target: yoe under 150 ms wall; best of $runs runs; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
