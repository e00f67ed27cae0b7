#!/bin/sh
# tests/step/bench-step.sh — container-step's costs (`make bench`):
#  1. per-step sandbox overhead: 100 trivial steps (`true`) through
#     container-step with bwrap, against 100 plain `sh -c true`;
#  2. sysroot assembly: a unit with 50 build deps × 1,000 files each, both
#     a full merge and the reuse of an unchanged sysroot.
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
# The floor: bare bwrap with every namespace unshared; then the exact argv
# container-step uses, run from a shell loop: container-step's own cost is
# the difference between that and going through container-step.
floor() { i=0; while [ $i -lt 100 ]; do bwrap --unshare-all --unshare-user --ro-bind / / --proc /proc --dev /dev /bin/sh -c true; i=$((i + 1)); done; }
"$CS" --print-argv u100/unit.ini | awk 'NR > 1 && /^# task/ { exit } NR > 1' > argv1
"$CS" u100/unit.ini >/dev/null 2>&1  # creates the unit dirs the argv binds
direct() { bash -c 'readarray -t A < argv1; for ((i = 0; i < 100; i++)); do "${A[@]}"; done'; }
t_floor=$(best floor)
t_direct=$(best direct)
t_cs=$(best "$CS" u100/unit.ini)
t_empty=$(best "$CS" u0/unit.ini)
t_sh=$(best plain)
ms() { v=$1; sg=; [ "$v" -lt 0 ] && { sg=-; v=$((-v)); }; printf '%s%d.%02d ms' "$sg" $((v / 1000000)) $((v / 10000 % 100)); }
per_cs=$(( (t_cs - t_empty) / 100 )); per_sh=$(( t_sh / 100 ))
per_floor=$(( t_floor / 100 )); per_direct=$(( t_direct / 100 ))
echo "steps: 100 x plain \`sh -c true\`:                     $(ms $per_sh)/step"
echo "steps: 100 x bare \`bwrap --unshare-all\` + sh:         $(ms $per_floor)/step (the kernel's namespace set-up)"
echo "steps: 100 x container-step's bwrap argv, run directly: $(ms $per_direct)/step"
echo "steps: 100 x \`true\` through container-step ($YOE_RUNTIME):  $(ms $per_cs)/step"
echo "steps: sandbox overhead per step vs plain sh:           $(ms $((per_cs - per_sh))) (target < 5 ms)"
echo "steps: of which container-step itself:                  $(ms $((per_cs - per_direct))) (negative = noise)"
echo "steps: fixed cost of a unit build with no steps:        $(ms $t_empty)"

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
fresh() { rm -f sr/sysroot.deps; "$CS" sr/unit.ini; }  # forces a full re-merge
t_sr=$(best fresh)
n=$(find sr/sysroot -type f | wc -l)
sr=$((t_sr - t_empty))
echo "sysroot: 50 deps x 1,000 files ($n files), full merge: $(ms $sr) ($((sr / n)) ns/file, incl. removing the old sysroot)"
t_re=$(best "$CS" sr/unit.ini)
echo "sysroot: same deps unchanged, reused: whole unit build  $(ms $t_re) (empty unit: $(ms $t_empty))"
