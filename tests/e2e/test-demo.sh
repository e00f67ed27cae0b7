#!/bin/sh
# tests/e2e/test-demo.sh — the demo end to end, as `make demo` runs it: a
# project from templates/demo, Debian's kernel and busybox-static gathered
# with apt-get download and pinned, `yoe gen && ninja image-qemu-x86_64`
# with the real helpers as an ordinary user, every package verified, the
# disk checked with e2fsck, a QEMU boot (TCG) that must show the greeting,
# a no-op second build, and a one-line change to the program's source that
# rebuilds exactly its chain and boots with the new greeting.
. "$(dirname "$0")/../lib/testlib.sh"

for t in bwrap qemu-system-x86_64 apt-get dpkg-deb e2fsck; do
  if ! command -v "$t" >/dev/null 2>&1; then
    fail "$t present (scripts/install-deps installs it)"; finish; exit
  fi
done
unset CI YOE_LIBEXEC MAKEFLAGS MAKELEVEL MFLAGS
export YOE_QEMU_ACCEL=tcg   # KVM guests hang on these machines (nested virt)
W=$T_TMP/w
mkdir -p "$W/home"
P=$W/demo
M=qemu-x86_64
"$YOE" init "$P" --template demo --machine $M >/dev/null
check_eq "yoe init --template demo" "$?" 0

# Debian's packages: downloaded once into the ignored fixture cache (as
# the invoking user, root in CI), then copied where the build user can
# read them; the pins are made from those copies.
cache=$T_TOP/tests/.cache/debs
if [ "$(id -u)" = 0 ] && [ -z "$(apt-cache policy busybox-static 2>/dev/null | sed -n 's/^ *Candidate: \([^(]\)/\1/p')" ]; then
  apt-get update -q >/dev/null 2>&1
fi
out=$("$P/gather-debian" --cache "$cache" 2>&1); rc=$?
check_eq "gather-debian downloads and pins" "$rc" 0
[ "$rc" = 0 ] || { echo "$out"; finish; exit; }
mkdir -p "$W/debs"
for f in $(sed -n 's|^ *"url": "file://\(.*\)",$|\1|p' "$P/debian/pins.star"); do
  cp "$f" "$W/debs/"
done
check_eq "two packages pinned" "$(ls "$W/debs" | wc -l)" 2
rm -f "$P/debian/pins.star"

as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$W"
  chmod 755 "$T_TMP"
  as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$W/home" "$@"; }
fi
export HOME="$W/home"
run() { (cd "$P" && as_user "$@") >"$T_TMP/out" 2>&1; }
edges() { ninja_edges "$T_TMP/out" | sort | tr '\n' ';'; }

run ./gather-debian --cache "$W/debs"
check_eq "gather-debian pins the cached packages (as the build user)" "$?" 0
check_contains "pins name the kernel package" "$(cat "$P/debian/pins.star")" "file://$W/debs/linux-image-"
check_contains "pins carry sha256" "$(cat "$P/debian/pins.star")" '"sha256": "'

run "$YOE" gen; check_eq "yoe gen" "$?" 0
run ninja image-$M; rc=$?
check_eq "ninja image-$M with the real helpers" "$rc" 0
[ "$rc" = 0 ] || tail -30 "$T_TMP/out"
D=$P/build/alpine/demo-image.$M
IMG=$D/demo-image.img
check "image written" test -f "$IMG"
check "kernel copied out for direct boot" test -f "$D/vmlinuz"
check "initramfs built from the kernel's modules" test -s "$D/initrd.img"
check "qemu.ini for yoe run" test -f "$D/qemu.ini"
if [ "$(id -u)" = 0 ]; then
  check_eq "nothing root-owned in the project" "$(find "$P" -uid 0 | head -n 3)" ""
fi

pub=$P/repo/demo/alpine/keys/demo.rsa.pub
check_signed "$pub" $(sed -n "s|^apk = |$P/|p" "$D/image.ini")
check_eq "five packages in the image" "$T_SIGNED" 5
check_signed "$pub" "$P/repo/demo/alpine/x86_64/APKINDEX.tar.gz"
part="$IMG?offset=1048576"
check "e2fsck -fn clean" sh -c "e2fsck -fn '$part' >/dev/null 2>&1"
check_contains "greeting program in the image" "$(debugfs -R 'stat /usr/bin/hello' "$part" 2>/dev/null)" "User:     0"
check_contains "busybox init in the image" "$(debugfs -R 'stat /sbin/init' "$part" 2>/dev/null)" "Type: symlink"
check_contains "depmod ran on the kernel's modules" \
  "$(debugfs -R 'ls -p /lib/modules' "$part" 2>/dev/null)" "-amd64"

run "$YOE" run --boot-test --expect 'Hello from yoe' --expect '[#$] $' --timeout 300; rc=$?
check_eq "boots in QEMU and prints the greeting" "$rc" 0
[ "$rc" = 0 ] || tail -40 "$T_TMP/out"
check_contains "the greeting came from the disk's program" "$(cat "$T_TMP/out")" "*** Hello from yoe (on x86_64, Linux 6."
check "the build output stays pristine" sh -c "e2fsck -fn '$part' >/dev/null 2>&1"

run ninja image-$M
check_contains "second ninja: no work" "$(cat "$T_TMP/out")" "no work to do"

# one-line change in the program's source: its chain only, then boot again
as_user sed -i 's/"Hello from yoe"/"Howdy from yoe"/' "$P/units/hello/hello.c"
run ninja image-$M; rc=$?
check_eq "incremental build" "$rc" 0
check_eq "rebuilt exactly hello's chain" "$(edges)" \
  "BUILD hello;IMAGE demo-image;INDEX repo/demo/alpine/x86_64/APKINDEX.tar.gz;PACKAGE hello;REGEN build.ninja;"
run "$YOE" run --boot-test --expect 'Howdy from yoe' --expect '[#$] $' --timeout 300; rc=$?
check_eq "boots with the new greeting" "$rc" 0
[ "$rc" = 0 ] || tail -40 "$T_TMP/out"
check "the whole tree is removable by its owner" as_user rm -rf "$P/build" "$P/repo" "$P/cache"
finish
