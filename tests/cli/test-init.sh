#!/bin/sh
# tests/cli/test-init.sh — `yoe init`: the project it lays down, its refusal
# to overwrite, options and errors, and that the result evaluates.
. "$(dirname "$0")/../lib/testlib.sh"

out=$("$YOE" init "$T_TMP/p1" 2>&1); rc=$?
check_eq "init succeeds" "$rc" 0
check_contains "init says what next" "$out" "yoe gen && ninja"
check "PROJECT.star" test -f "$T_TMP/p1/PROJECT.star"
check ".gitignore from gitignore" test -f "$T_TMP/p1/.gitignore"
check "units/" test -d "$T_TMP/p1/units"
check "machines/" test -d "$T_TMP/p1/machines"
check "no staging dir left" sh -c "! ls -a '$T_TMP/p1' | grep -q yoe-init"
check_contains "project named after the dir" "$(cat "$T_TMP/p1/PROJECT.star")" 'name = "p1"'
check_contains "module-core from this tree" "$(cat "$T_TMP/p1/PROJECT.star")" "local = \"$T_TOP/modules/module-core\""
for p in build/ cache/ repo/ local.star build.ninja .ninja_; do
  check_contains ".gitignore ignores $p" "$(cat "$T_TMP/p1/.gitignore")" "$p"
done
out=$(cd "$T_TMP/p1" && "$YOE" query 2>&1); rc=$?
check_eq "the new project evaluates" "$rc" 0
check_contains "...with module-core's base-files" "$out" "base-files"

# the new project generates for every module-core machine, and ninja's dry
# run lists each image's stages in a valid order (no network needed)
out=$(cd "$T_TMP/p1" && HOME="$T_TMP/home" CI= "$YOE" gen --all-machines 2>&1); rc=$?
check_eq "gen --all-machines on the new project" "$rc" 0
order_ok() { # target: a unit's fetch < unpack < build < package < index < image
  (cd "$T_TMP/p1" && ninja -n "$1") | ninja_edges >"$T_TMP/order"
  f=$(grep -n '^FETCH busybox$' "$T_TMP/order" | cut -d: -f1)
  u=$(grep -n '^UNPACK busybox$' "$T_TMP/order" | cut -d: -f1)
  b=$(grep -n '^BUILD busybox$' "$T_TMP/order" | cut -d: -f1)
  p=$(grep -n '^PACKAGE busybox$' "$T_TMP/order" | cut -d: -f1)
  i=$(grep -n '^INDEX ' "$T_TMP/order" | tail -n 1 | cut -d: -f1)
  m=$(grep -n '^IMAGE ' "$T_TMP/order" | cut -d: -f1)
  [ -n "$f" ] && [ -n "$m" ] && [ "$f" -lt "$u" ] && [ "$u" -lt "$b" ] && [ "$b" -lt "$p" ] \
    && [ "$p" -lt "$i" ] && [ "$i" -lt "$m" ]
}
for t in image-qemu-x86_64 image-rpi image-qemu-arm64; do
  check "ninja -n $t: fetch < unpack < build < package < index < image" order_ok "$t"
done
check "rpi image carries the firmware" grep -q 'rpi-firmware' "$T_TMP/p1/build/alpine/base-image.raspberrypi4/image.ini"
out=$(cd "$T_TMP/p1" && "$YOE" audit --strict 2>&1); rc=$?
check_eq "every module-core source is pinned (audit --strict)" "$rc" 0

# golden `yoe query --json` of the new project (paths normalised)
(cd "$T_TMP/p1" && "$YOE" query --json) | sed -e "s|$T_TOP|@TOP@|g" >"$T_TMP/q.json"
g="$T_TOP/tests/cli/golden/init-query.json"
[ -z "${UPDATE_GOLDEN:-}" ] || cp "$T_TMP/q.json" "$g"
if diff -u "$g" "$T_TMP/q.json" >"$T_TMP/qdiff"; then pass; else
  fail "query --json matches $g (UPDATE_GOLDEN=1 to refresh)"; head -20 "$T_TMP/qdiff"; fi

cp "$T_TMP/p1/PROJECT.star" "$T_TMP/before"
echo '# mine' >>"$T_TMP/p1/PROJECT.star"
err=$("$YOE" init "$T_TMP/p1" 2>&1); rc=$?
check_eq "refuses an existing project" "$rc" 1
check_contains "refusal names the file" "$err" "$T_TMP/p1/PROJECT.star already exists"
check_contains "existing project untouched" "$(tail -n 1 "$T_TMP/p1/PROJECT.star")" "# mine"

mkdir -p "$T_TMP/p2/units"
echo 'keep' >"$T_TMP/p2/units/README.md"
"$YOE" init "$T_TMP/p2" --machine raspberrypi4 >/dev/null 2>&1
check_contains "--machine" "$(cat "$T_TMP/p2/PROJECT.star")" 'machine = "raspberrypi4"'
check_eq "existing files are kept" "$(cat "$T_TMP/p2/units/README.md")" "keep"

err=$("$YOE" init "$T_TMP/p3" --template nosuch 2>&1); rc=$?
check_eq "unknown template fails" "$rc" 1
check_contains "unknown template message" "$err" "no template 'nosuch'"
"$YOE" init >/dev/null 2>&1; check_eq "init without DIR is a usage error" "$?" 2

# an installed yoe finds module-core and the templates under share/yoe
if make -s -C "$T_TOP" install PREFIX="$T_TMP/inst" >/dev/null 2>&1; then pass; else fail "make install"; fi
"$T_TMP/inst/bin/yoe" init "$T_TMP/p4" >/dev/null 2>&1
check_contains "installed init uses the installed module-core" "$(cat "$T_TMP/p4/PROJECT.star")" "$T_TMP/inst/share/yoe/modules/module-core"
out=$(cd "$T_TMP/p4" && "$T_TMP/inst/bin/yoe" query 2>&1); rc=$?
check_eq "installed project evaluates" "$rc" 0
# the demo template: its own next steps, its NEXT file not copied
out=$("$YOE" init "$T_TMP/demo" --template demo 2>&1); rc=$?
check_eq "init --template demo" "$rc" 0
check_contains "demo's next steps" "$out" "./gather-debian && yoe gen && ninja && yoe run"
check "NEXT stays in the template" test ! -e "$T_TMP/demo/NEXT"
check "gather-debian is executable" test -x "$T_TMP/demo/gather-debian"
out=$(cd "$T_TMP/demo" && "$YOE" gen 2>&1); rc=$?
check_eq "demo without pins: gen fails" "$rc" 1
check_contains "demo without pins: names the pins file" "$out" "debian/pins.star"
# a wrong initramfs_modules is an error at the image's line
mkdir -p "$T_TMP/demo/debian"
e='{"url": "file:///x.deb", "sha256": "'$(printf '%064d' 0)'", "version": "1", "debian_version": "1", "kver": "1"}'
printf 'DEBIAN = {"busybox-static": %s, "linux-image": %s}\n' "$e" "$e" > "$T_TMP/demo/debian/pins.star"
out=$(cd "$T_TMP/demo" && "$YOE" gen 2>&1); rc=$?
check_eq "demo with stand-in pins: gen" "$rc" 0
sed -i 's/initramfs_modules = \[.*\]/initramfs_modules = "ext4"/' "$T_TMP/demo/images/demo-image.star"
out=$(cd "$T_TMP/demo" && "$YOE" gen 2>&1); rc=$?
check_eq "initramfs_modules as a string: gen fails" "$rc" 1
check_eq "initramfs_modules error is located, said once" "$out" \
  "images/demo-image.star:9:6: error: image demo-image: initramfs_modules must be a list of kernel module names, not a string"
finish
