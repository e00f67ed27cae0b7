#!/bin/sh
# tests/step/bench-step.sh — container-step's costs (`make bench`):
#  1. per-step sandbox overhead: 100 trivial steps (`true`) through
#     container-step with bwrap, against 100 plain `sh -c true`;
#  2. sysroot assembly: a unit with 50 build deps × 1,000 files each.
# Prints figures only; never fails on timing.
set -eu
T_TOP=${YOE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${YOE_BIN:-$T_TOP/bin}
CS=$BIN/container-step
W=$(mktemp -d /tmp/yoe-bench-step.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
now() { date +%s%N; }
export YOE_RUNTIME=${YOE_RUNTIME:-bwrap}

# 1. per-step overhead
mkdir -p u100
{ printf '[unit]\nname = trivial\narch = %s\n[task t]\n' "$(uname -m)"; i=0
  while [ $i -lt 100 ]; do echo 'step = true'; i=$((i + 1)); done; } > u100/unit.ini
mkdir -p u0; printf '[unit]\nname = empty\narch = %s\n' "$(uname -m)" > u0/unit.ini
best() { # best of 3 runs of "$@", in ns
  b=0; for r in 1 2 3; do t0=$(now); "$@" >/dev/null 2>&1; t=$(( $(now) - t0 )); { [ $b -eq 0 ] || [ $t -lt $b ]; } && b=$t; done; echo $b; }
plain() { i=0; while [ $i -lt 100 ]; do sh -c true; i=$((i + 1)); done; }
# The floor: bwrap alone with every namespace unshared, 100 times.
floor() { i=0; while [ $i -lt 100 ]; do bwrap --unshare-all --unshare-user --ro-bind / / --proc /proc --dev /dev /bin/sh -c true; i=$((i + 1)); done; }
t_floor=$(best floor)
t_cs=$(best "$CS" u100/unit.ini)
t_empty=$(best "$CS" u0/unit.ini)
t_sh=$(best plain)
per_cs=$(( (t_cs - t_empty) / 100 ))
per_sh=$(( t_sh / 100 ))
printf 'steps: 100 x `true` through container-step (%s): %d.%02d ms/step\n' "$YOE_RUNTIME" $((per_cs / 1000000)) $((per_cs / 10000 % 100))
printf 'steps: 100 x plain `sh -c true`:                   %d.%02d ms/step\n' $((per_sh / 1000000)) $((per_sh / 10000 % 100))
ov=$((per_cs - per_sh))
printf 'steps: sandbox overhead per step:                  %d.%02d ms (target < 5 ms)\n' $((ov / 1000000)) $((ov / 10000 % 100))
fl=$(( t_floor / 100 - per_sh ))
printf 'steps: of which bare `bwrap --unshare-all` costs:   %d.%02d ms (kernel namespace set-up on this machine)\n' $((fl / 1000000)) $((fl / 10000 % 100))
printf 'steps: fixed cost of a unit build with no steps:   %d.%02d ms\n' $((t_empty / 1000000)) $((t_empty / 10000 % 100))

# 2. sysroot assembly: 50 deps x 1,000 files (10 dirs x 100 files)
python3 - <<'PY'
import os
for d in range(50):
    for sub in range(10):
        p = f"deps/dep{d}/stage/usr/share/dep{d}/d{sub}"
        os.makedirs(p, exist_ok=True)
        for f in range(100):
            with open(f"{p}/f{f}", "w") as fh:
                fh.write(f"dep {d} file {sub}/{f}\n")
    os.makedirs(f"deps/dep{d}/stage/usr/include", exist_ok=True)
    with open(f"deps/dep{d}/stage/usr/include/common.h", "w") as fh:
        fh.write("/* shared, identical */\n")
with open("sr/unit.ini" if os.path.isdir("sr") else (os.makedirs("sr") or "sr/unit.ini"), "w") as fh:
    fh.write(f"[unit]\nname = consumer\narch = {os.uname().machine}\n[deps]\n")
    for d in range(50):
        fh.write(f"dep{d} = deps/dep{d}/stage\n")
PY
t_sr=$(best "$CS" sr/unit.ini)
n=$(find sr/sysroot -type f | wc -l)
sr=$((t_sr - t_empty))
printf 'sysroot: 50 deps x 1,000 files (%d files linked): %d.%02d ms (%d ns/file)\n' "$n" $((sr / 1000000)) $((sr / 10000 % 100)) $((sr / n))
