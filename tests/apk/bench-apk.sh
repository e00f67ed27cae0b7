#!/bin/sh
# tests/apk/bench-apk.sh — apk-sign figures (never pass/fail on timing):
#  1. pack a 300 MiB tree of mixed files vs `tar -czf` of the same tree
#     (target: ≤ 1.2x);
#  2. index 2,000 packages.
# The tree lives in a temp directory under /tmp and is deleted afterwards.
set -eu
TOP=${YOE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
A=${YOE_BIN:-$TOP/bin}/apk-sign
MIB=${BENCH_MIB:-300}
NPKG=${BENCH_PKGS:-2000}
W=$(mktemp -d /tmp/yoe-apk-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
# Run a private copy: a parallel build may relink bin/ while we measure.
cp "$A" "$W/apk-sign" && A=$W/apk-sign

now() { date +%s.%N; }
secs() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
# timed VAR CMD... — runs CMD; sets VAR_wall and VAR_cpu (user+sys seconds
# of CMD and its children).  On a shared machine wall time is noisy; CPU
# time is the steadier figure.
timed() {
  v=$1; shift
  set -- $(python3 -c '
import os, resource, subprocess, sys, time
t = time.monotonic(); r = subprocess.call(sys.argv[1:]); w = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f %.2f %d" % (w, u.ru_utime + u.ru_stime, r))' "$@")
  eval "${v}_wall=$1 ${v}_cpu=$2"
  [ "$3" -eq 0 ] || { echo "bench: command failed: $*" >&2; exit 1; }
}

python3 - "$W/tree" "$MIB" <<'PY'
# A mixed tree: 1/3 incompressible data, 1/2 text-like data in mid-size
# files, the rest many small files; deterministic contents.
import os, random, sys
root, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
words = [("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))))
         for _ in range(4000)]
text = (" ".join(rnd.choice(words) for _ in range(250000)) + "\n").encode()
def put(rel, data):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(data)
total = mib << 20
left = total // 3
i = 0
while left > 0:                       # binaries-like: random
    n = min(left, 4 << 20); put("usr/lib/blob%03d.bin" % i, rnd.randbytes(n)); left -= n; i += 1
left = total // 2; i = 0
while left > 0:                       # text: 128 KiB files
    n = min(left, 128 << 10); off = rnd.randrange(len(text) - n)
    put("usr/share/doc/d%02d/f%04d.txt" % (i % 50, i), text[off:off + n]); left -= n; i += 1
left = total - total // 3 - total // 2; i = 0
while left > 0:                       # small files: 4 KiB, half text half random
    n = min(left, 4096)
    put("etc/small/s%02d/f%05d" % (i % 64, i), text[i:i + n] if i % 2 else rnd.randbytes(n))
    left -= n; i += 1
PY
size=$(du -sm "$W/tree" | cut -f1)
files=$(find "$W/tree" -type f | wc -l)
echo "tree: ${size} MiB in $files files"
"$A" keygen "$W/k.rsa" >/dev/null 2>&1
sync

timed tar tar -czf "$W/tree.tar.gz" -C "$W/tree" .
timed pack "$A" pack --destdir "$W/tree" --name big --version 1 --arch x86_64 --key "$W/k.rsa" -o "$W/big-1-r0.apk"
echo "tar -czf:      ${tar_wall} s wall, ${tar_cpu} s cpu  ($(du -m "$W/tree.tar.gz" | cut -f1) MiB)"
echo "apk-sign pack: ${pack_wall} s wall, ${pack_cpu} s cpu  ($(du -m "$W/big-1-r0.apk" | cut -f1) MiB)"
echo "ratio pack/tar: wall $(ratio "$pack_wall" "$tar_wall")x, cpu $(ratio "$pack_cpu" "$tar_cpu")x (target <= 1.20x)"
t0=$(now); "$A" verify --key "$W/k.rsa.pub" "$W/big-1-r0.apk" >/dev/null; t1=$(now)
echo "apk-sign verify: $(secs "$t0" "$t1") s"
rm -rf "$W/tree" "$W/tree.tar.gz" "$W/big-1-r0.apk"

mkdir -p "$W/repo/x86_64" "$W/d/usr/share/p"
t0=$(now)
i=0
while [ $i -lt "$NPKG" ]; do
  echo "package $i" > "$W/d/usr/share/p/file"
  "$A" pack --destdir "$W/d" --name "pkg$i" --version "1.$i" --arch x86_64 \
    --depend musl --description "bench package $i" --key "$W/k.rsa" \
    -o "$W/repo/x86_64/pkg$i-1.$i-r0.apk"
  i=$((i + 1))
done
t1=$(now)
echo "packed $NPKG small packages: $(secs "$t0" "$t1") s"
t0=$(now); "$A" index --key "$W/k.rsa" "$W/repo/x86_64"; t1=$(now)
echo "index of $NPKG packages: $(secs "$t0" "$t1") s"
t0=$(now); "$A" index --key "$W/k.rsa" "$W/repo/x86_64"; t1=$(now)
echo "index again (unchanged, file kept): $(secs "$t0" "$t1") s"
