#!/bin/sh
# tests/image/bench-image.sh — `make bench` figure for image-assemble: a
# ~500 MiB rootfs from ~200 packages into a 1 GiB ext4 image, total time
# (verify + unpack + apk db + mke2fs + debugfs + table + manifest) against
# `mke2fs -d` alone on the same staged tree.  The issue's target is a ratio
# of at most 1.3.  Package contents are slices of the host's own libraries
# and programs (realistic compressibility).  Everything lives in /tmp and is
# deleted afterwards.  Prints figures; never fails on timing.
set -u
TOP=${YOE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${YOE_BIN:-$TOP/bin}
export PATH=$PATH:/usr/sbin:/sbin SOURCE_DATE_EPOCH=1700000000
NPKG=${BENCH_PACKAGES:-200} MIB=${BENCH_MIB:-500}
T=$(mktemp -d /tmp/yoe-image-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
now() { date +%s.%N; }
# Private copies: a rebuild of bin/ while we run must not break us.
cp "$BIN/apk-sign" "$BIN/image-assemble" "$T/" || exit 1
BIN=$T
"$BIN/apk-sign" keygen "$T/keys/bench.rsa" >/dev/null 2>&1 || { echo "keygen failed"; exit 1; }

echo "making $NPKG packages, ~$MIB MiB of files ..."
python3 - "$T" "$NPKG" "$MIB" <<'PY'
import os, sys
root, npkg, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
srcs = []
for d in ("/usr/lib/x86_64-linux-gnu", "/usr/bin", "/usr/lib/gcc", "/usr/libexec"):
    for dp, dn, fn in os.walk(d):
        dn.sort()
        for f in sorted(fn):
            p = os.path.join(dp, f)
            if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) > 4096:
                srcs.append(p)
budget, per = mib << 20, (mib << 20) // npkg
i = 0
for k in range(npkg):
    d = f"{root}/trees/p{k:03d}"
    used, n = 0, 0
    while used < per:
        data = open(srcs[i % len(srcs)], "rb").read()[: per - used + 4096]
        i += 1
        sub = f"{d}/usr/lib/p{k:03d}/d{n % 4}"
        os.makedirs(sub, exist_ok=True)
        with open(f"{sub}/f{n:03d}", "wb") as f:
            f.write(data)
        used += len(data); n += 1
    os.makedirs(f"{d}/usr/share/doc/p{k:03d}", exist_ok=True)
    for j in range(20):  # many small files too
        with open(f"{d}/usr/share/doc/p{k:03d}/note{j}", "w") as f:
            f.write(f"package {k} note {j}\n" * (j + 1))
PY
ls "$T/trees" | xargs -P 2 -I{} "$BIN/apk-sign" pack --destdir "$T/trees/{}" \
  --name {} --version 1.0 --arch x86_64 --key "$T/keys/bench.rsa" -o "$T/{}.apk" \
  || { echo "packing failed"; exit 1; }
rm -rf "$T/trees"
{
  echo "[image]"; echo "name = bench"; echo "output = $T/out/bench.img"
  echo "key = $T/keys/bench.rsa.pub"; echo "hostname = bench"
  echo; echo '[partition "rootfs"]'; echo "type = ext4"; echo "size = 1G"; echo "root = true"
  echo; echo "[packages]"
  for p in "$T"/p*.apk; do echo "apk = $p"; done
} >"$T/bench.ini"
mkdir -p "$T/out"
echo "apks: $(ls "$T"/p*.apk | wc -l) files, $(du -sm "$T" | cut -f1) MiB on disk"

t0=$(now)
/usr/bin/time -f "%U %S" -o "$T/cpu1" \
  "$BIN/image-assemble" -v --keep-work "$T/bench.ini" 2>"$T/log" || { cat "$T/log"; exit 1; }
t1=$(now)
sed 's/^/  /' "$T/log"
WORK=$(sed -n 's/.*work directory kept: //p' "$T/log")
echo "tree: $(du -sm "$WORK/rootfs" | cut -f1) MiB, $(find "$WORK/rootfs" | wc -l) paths"

truncate -s 1G "$T/plain.img"
t2=$(now)
/usr/bin/time -f "%U %S" -o "$T/cpu2" \
  mke2fs -q -F -t ext4 -d "$WORK/rootfs" "$T/plain.img" >/dev/null 2>&1 || echo "mke2fs -d failed"
t3=$(now)
# Wall time depends on what else the machine runs; CPU time (user + system,
# children included) is the steadier figure on a shared machine.
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v c1="$(cat "$T/cpu1")" -v c2="$(cat "$T/cpu2")" 'BEGIN {
  split(c1, x, " "); split(c2, y, " "); p = x[1] + x[2]; q = y[1] + y[2]
  printf "image-assemble total: %6.2f s wall, %6.2f s cpu\n", b - a, p
  printf "mke2fs -d alone:      %6.2f s wall, %6.2f s cpu\n", d - c, q
  printf "ratio:                %6.2f wall,   %6.2f cpu (target <= 1.3)\n", (b - a) / (d - c), p / q }'
# The filesystem phase alone (mke2fs + debugfs script, from -v's clock)
# against mke2fs -d: the cost of our ownership-correct, host-independent
# route, without unpacking (inflate + SHA-1 of every file), which mke2fs -d
# does not do.
st=$(sed -n 's/.*\[\([0-9.]*\)s\] staged.*/\1/p' "$T/log")
dn=$(sed -n 's/.*\[\([0-9.]*\)s\] done.*/\1/p' "$T/log")
awk -v s="$st" -v e="$dn" -v c="$t2" -v d="$t3" 'BEGIN {
  printf "unpack+verify phase:  %6.2f s wall\n", s
  printf "filesystem phase:     %6.2f s wall, ratio to mke2fs -d %.2f\n", e - s, (e - s) / (d - c) }'
WBASE=$(dirname "$WORK")
rm -rf "$WORK"

# A fairer baseline: what a root-run pipeline does, `tar -xzf` of every
# package into a tree (inflate, no signature or checksum checks, ownership
# applied by nobody) followed by mke2fs -d, with its tree where ours was.
TT=$WBASE/.bench-tartree-$$
trap 'rm -rf "$T" "$TT"' EXIT
mkdir -p "$TT"
t4=$(now)
/usr/bin/time -f "%U %S" -o "$T/cpu3" sh -c '
  for p in "$1"/p*.apk; do tar -xzf "$p" -C "$2" 2>/dev/null; done
  truncate -s 1G "$1/tar.img"
  mke2fs -q -F -t ext4 -d "$2" "$1/tar.img" >/dev/null 2>&1' sh "$T" "$TT"
t5=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t4" -v d="$t5" -v c1="$(cat "$T/cpu1")" -v c3="$(cat "$T/cpu3")" 'BEGIN {
  split(c1, x, " "); split(c3, y, " "); p = x[1] + x[2]; q = y[1] + y[2]
  printf "tar -xzf + mke2fs -d: %6.2f s wall, %6.2f s cpu\n", d - c, q
  printf "ratio to that:        %6.2f wall,   %6.2f cpu\n", (b - a) / (d - c), p / q }'
