#!/bin/sh
# tests/e2e/test-pipeline.sh — `yoe gen && ninja` with the real helpers on a
# small offline project: units built in bwrap sandboxes, signed packages that
# verify, an ext4 image that fsck accepts and holds what the units wrote, a
# no-op second build, and an incremental rebuild of exactly one unit's chain.
# Run as an ordinary user when started as root (CI), as users run it.
. "$(dirname "$0")/../lib/testlib.sh"

if ! command -v bwrap >/dev/null 2>&1; then
  echo "test-pipeline: bwrap missing (scripts/install-deps installs it)"; fail "bwrap present"; finish; exit
fi
W="$T_TMP/w"
mkdir -p "$W"
cp -r "$T_TOP/tests/e2e/fixture" "$W/p"
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$W"
  chmod 755 "$T_TMP"
  as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$W/home" "$@"; }
fi
unset CI YOE_LIBEXEC MAKEFLAGS
export HOME="$W/home"
P="$W/p"
IMG=build/alpine/base-image.qemu-x86_64/base-image.img
run() { (cd "$P" && as_user "$@") >"$T_TMP/out" 2>&1; }
edges() { ninja_edges "$T_TMP/out" | sort | tr '\n' ';'; }

run "$YOE" gen; check_eq "gen" "$?" 0
run ninja all; rc=$?
check_eq "ninja all with the real helpers" "$rc" 0
[ "$rc" = 0 ] || tail -20 "$T_TMP/out"
check "image written" test -f "$P/$IMG"
check "kernel copied out for direct boot" test -f "$P/build/alpine/base-image.qemu-x86_64/vmlinuz"
if [ "$(id -u)" = 0 ]; then
  check_eq "nothing root-owned left behind" "$(find "$P" -uid 0 | head -n 3)" ""
fi

pub="$P/repo/gentest/alpine/keys/gentest.rsa.pub"
check "public key published" test -f "$pub"
check_signed "$pub" "$P"/repo/gentest/alpine/*/*.apk
check_eq "four packages" "$T_SIGNED" 4
check_signed "$pub" "$P/repo/gentest/alpine/x86_64/APKINDEX.tar.gz"

part="$P/$IMG?offset=1048576"
check "e2fsck -fn clean" sh -c "e2fsck -fn '$part' >/dev/null 2>&1"
check_eq "greet's file in the image" "$(debugfs -R 'cat /usr/share/greet/text' "$part" 2>/dev/null)" "hi"
check_contains "files owned by root in the image" "$(debugfs -R 'stat /usr/share/greet/text' "$part" 2>/dev/null)" "User:     0"
check_contains "apk database written" "$(debugfs -R 'cat /lib/apk/db/installed' "$part" 2>/dev/null)" "P:greet"

run ninja all
check_contains "second ninja: no work" "$(cat "$T_TMP/out")" "no work to do"

# one-line change: exactly greet, its package, the index and the image
sed -i 's/"hi"/"hi there"/' "$P/units/greet.star"
run ninja all; rc=$?
check_eq "incremental build" "$rc" 0
check_eq "rebuilt exactly greet's chain" "$(edges)" \
  "BUILD greet;IMAGE base-image;INDEX repo/gentest/alpine/x86_64/APKINDEX.tar.gz;PACKAGE greet;REGEN build.ninja;"
check_eq "the image has the new text" "$(debugfs -R 'cat /usr/share/greet/text' "$part" 2>/dev/null)" "hi there"
out=$(cd "$P" && as_user "$YOE" explain greet 2>&1)
check_contains "explain after the build: unchanged" "$out" "key inputs are unchanged"
check "the whole tree is removable by its owner" as_user rm -rf "$P/build" "$P/repo"
finish
