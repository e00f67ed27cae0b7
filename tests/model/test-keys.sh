#!/bin/sh
# tests/model/test-keys.sh — unit keys change exactly when an input of the
# unit (or of something it is built from) changes.  Works on a copy of the
# `realistic` fixture; each step changes one kind of input and lists the
# units whose key moved.
. "$(dirname "$0")/../lib/testlib.sh"
P=$T_TMP/p
cp -r "$T_TOP/tests/model/fixtures/realistic" "$P"
C=$P/modules/core

# snap: "name key" per unit (one JSON object per line; key is the last field)
snap() { "$YOE" -C "$P" query --json | sed -n 's/^{"name":"\([^"]*\)".*"key":"\([0-9a-f]*\)"}.*$/\1 \2/p' | sort; }
# changed DESC WANT — compare with the previous snapshot
prev=$(snap)
changed() {
  now=$(snap)
  got=$(printf '%s\n%s\n' "$prev" "$now" | sort | uniq -u | cut -d' ' -f1 | sort -u | tr '\n' ' ')
  check_eq "$1" "$got" "$2"
  prev=$now
}

check_eq "every unit has a 64-hex key" "$(printf '%s\n' "$prev" | awk 'length($2) != 64' | wc -l)" 0
changed "nothing changed" ""
sed -i 's/version = "1.3.1"/version = "1.3.2"/' "$C/units/libs/zlib.star"
changed "a field (zlib version)" "base-image myapp openssl zlib "
sed -i 's/"make defconfig"/"make allnoconfig"/' "$C/units/base/busybox.star"
changed "a step (busybox)" "base-image busybox "
echo 'VERSION=2' >> "$C/units/base/base-files/os-release"
changed "a file in the files dir (base-files)" "base-files base-image "
echo '+c' >> "$C/units/libs/zlib/0001-fix.patch"
changed "a patch (zlib)" "base-image myapp openssl zlib "
echo '# a comment changes the class text' >> "$C/classes/tasks.star"
changed "a class file loaded by autotools" "base-image myapp openssl zlib "
sed -i 's/version = "19"/version = "20"/' "$C/containers/toolchain-musl.star"
changed "the container behind the virtual toolchain" \
  "base-files base-image busybox linux linux-rpi myapp openssl toolchain-musl zlib "
sed -i 's|root=/dev/vda1 rw|root=/dev/vda2 rw|' "$C/machines/qemu-x86_64.star"
changed "the machine (machine-scoped units and images)" "base-image linux linux-rpi "
echo 'debug = 1' >> "$P/units/myapp/myapp.conf"
changed "an install_file source (myapp)" "myapp "
sed -i 's/port = 8080/port = 8081/' "$P/units/myapp.star"
changed "an extra keyword (myapp)" "myapp "
touch "$C/units/libs/zlib.star"
changed "touching a file changes nothing" ""
mv "$P" "$T_TMP/moved"; P=$T_TMP/moved
changed "moving the checkout changes nothing" ""
# the fingerprint cache: written when cache/ exists, same keys with it
mkdir -p "$P/cache"
changed "with the fingerprint cache (cold)" ""
check "fingerprint cache written" test -s "$P/cache/yoe-filehash"
lines=$(wc -l < "$P/cache/yoe-filehash")
changed "with the fingerprint cache (warm)" ""
check_eq "warm run adds no entries" "$(wc -l < "$P/cache/yoe-filehash")" "$lines"
echo 'VERSION=3' >> "$P/modules/core/units/base/base-files/os-release"
changed "a cached file that changed is re-hashed" "base-files base-image "
finish
