#!/bin/sh
# tests/module-core/test-module-core.sh — modules/module-core evaluated the
# way a user's project uses it: its machines and images generate for every
# machine (stub units stand in for kernels and firmware), `ninja -n` lists
# each image's edges in a valid order, every class turns its keywords into
# the expected steps, and wrong keywords are errors that name the user's file.
. "$(dirname "$0")/../lib/testlib.sh"

export YOE_LIBEXEC="$T_TOP/tests/gen/doubles" HOME="$T_TMP/home"
unset CI
P="$T_TMP/p"
cp -r "$T_TOP/tests/module-core/fixture" "$P"
cat >"$P/PROJECT.star" <<STAR
project(
    name = "mc",
    version = "0.1",
    defaults = defaults(machine = "qemu-x86_64", image = "base-image", distro = "alpine"),
    modules = [module("https://example.com/module-core.git", local = "$T_TOP/modules/module-core")],
)
STAR
cd "$P" || exit 1

out=$("$YOE" gen --all-machines 2>&1); rc=$?
check_eq "gen for every module-core machine" "$rc" 0
check_contains "four machines" "$out" "4 machines"
for t in image-qemu-x86_64 image-qemu-arm64 image-raspberrypi4 image-rpi image-rpi4 image-rpi5 dev-image; do
  check "target $t exists" ninja -t query "$t" >/dev/null
done

# stage order for one image: base-files BUILD < PACKAGE < INDEX < IMAGE
order_ok() { # target
  ninja -n "$1" | ninja_edges >"$T_TMP/order"
  b=$(grep -n '^BUILD base-files$' "$T_TMP/order" | cut -d: -f1)
  p=$(grep -n '^PACKAGE base-files$' "$T_TMP/order" | cut -d: -f1)
  i=$(grep -n '^INDEX ' "$T_TMP/order" | tail -n 1 | cut -d: -f1)
  m=$(grep -n '^IMAGE ' "$T_TMP/order" | cut -d: -f1)
  [ -n "$b" ] && [ -n "$p" ] && [ -n "$i" ] && [ -n "$m" ] && [ "$b" -lt "$p" ] && [ "$p" -lt "$i" ] && [ "$i" -lt "$m" ]
}
for t in image-qemu-x86_64 image-rpi image-qemu-arm64; do
  check "ninja -n $t: build < package < index < image" order_ok "$t"
done
check "rpi image holds the firmware" grep -q 'rpi-firmware' build/alpine/base-image.raspberrypi4/image.ini
check "rpi image has a vfat boot partition" grep -q 'type = vfat' build/alpine/base-image.raspberrypi4/image.ini
check "qemu image boots its kernel directly" grep -q 'boot = direct' build/alpine/base-image.qemu-x86_64/image.ini
check "arm64 kernel cmdline" grep -q 'cmdline = console=ttyAMA0' build/alpine/base-image.qemu-arm64/image.ini

# base-files: accounts, templates and the console from the kernel cmdline
bf=build/alpine/base-files.qemu-x86_64/unit.ini
check_contains "base-files root account" "$(cat $bf)" "echo 'root:x:0:0::/root:/bin/sh' >> \$DESTDIR/etc/passwd"
check_contains "base-files inittab template" "$(cat $bf)" 'template = 0644 inittab.tmpl $DESTDIR/etc/inittab'
check_contains "console from the machine" "$(cat $bf)" 'console = ttyS0'
check_contains "rpi console" "$(cat build/alpine/base-files.raspberrypi4/unit.ini)" 'console = serial0'

# classes: every keyword lands where it should
spec() { cat build/alpine/$1.x86_64/unit.ini; }
check_contains "autotools configure_args" "$(spec at)" 'step = ./configure --prefix=$PREFIX --disable-nls'
check_contains "autotools appends a unit task" "$(spec at)" '[task extra]'
check_contains "autotools services" "$(sed -n '/^\[package\]/,$p' build/alpine/at.x86_64/unit.ini)" 'service = at'
check_contains "autotools runtime_deps" "$(sed -n '/^\[package\]/,$p' build/alpine/at.x86_64/unit.ini)" 'depend = zlib'
check_contains "cmake task override replaces build" "$(spec cm)" 'step = echo replaced'
check "cmake default build gone" sh -c "! grep -q 'cmake --build' build/alpine/cm.x86_64/unit.ini"
check_contains "git pin passed to fetch" "$(grep -A3 'cm.x86_64/fetch.ref: git_fetch' build.ninja)" "--commit $(printf '1%.0s' $(seq 40))"
check_contains "meson args" "$(spec ms)" 'meson setup build --prefix=$PREFIX --buildtype=release -Dtests=false'
check_contains "make args and install target" "$(spec mk)" '[task only]'
check "make task removed" sh -c "! grep -q 'install-strip' build/alpine/mk.x86_64/unit.ini"
check_contains "go_binary output name and package" "$(spec gob)" 'step = go build -o $DESTDIR$PREFIX/bin/xx ./cmd/x'
check_contains "go_binary GOARCH" "$(spec gob)" 'GOARCH = amd64'
check_contains "go_binary environment kept" "$(spec gob)" 'GOPROXY = off'
check_contains "go_binary fetches with network" "$(spec gob)" 'network = true'
check_contains "binary per-arch asset" "$(spec bin)" 'install -m 0755 ./bin-amd64/bin $DESTDIR$PREFIX/bin/bin'
check_contains "binary per-arch sha256" "$(grep -A3 'bin.x86_64/fetch.ref: fetch' build.ninja)" "--sha256 $(printf '2%.0s' $(seq 64))"
check_contains "binary arm64 sha256" "$(grep -A3 'bin.arm64/fetch.ref: fetch' build.ninja)" "--sha256 $(printf '3%.0s' $(seq 64))"
check_contains "binary url template" "$(grep -A3 'bin.x86_64/fetch.ref: fetch' build.ninja)" 'https://example.com/dl/1.2/bin-amd64.tar.gz'
check_contains "binary extras mode" "$(spec bin)" 'chmod 644 $DESTDIR/usr/share/bin/LICENSE'
check_contains "container setup step" "$(spec tc)" 'setup = apk add build-base'
check_contains "container rootfs from the pinned tarball" "$(spec tc)" "rootfs_tarball = cache/sources/sha256/$(printf '4%.0s' $(seq 64))"
check_contains "container image tag" "$(spec tc)" 'image = yoe/tc:1-x86_64'
check "container output is container.id" grep -q '^build build/alpine/tc.x86_64/container.id: container' build.ninja
check "container is not packaged" sh -c "! grep -q 'tc-1-r0.apk' build.ninja"

# wrong keywords and types point at the user's file
mkdir -p machines
printf 'machine(name = "m2", arch = "x86_64", kernal = kernel(unit = "linux"))\n' >machines/m2.star
err=$("$YOE" gen 2>&1); rc=$?
check_eq "unknown machine keyword fails" "$rc" 1
check_contains "...at the user's line, with a suggestion" "$err" 'machines/m2.star:1:8: error: machine(): unknown keyword "kernal" (did you mean "kernel"?)'
rm -r machines
printf 'load("@core//classes/autotools.star", "autotools")\n\nautotools(name = "bad", version = "1", source = "", deps = "zlib")\n' >units/bad.star
err=$("$YOE" gen 2>&1); rc=$?
check_eq "wrong deps type fails" "$rc" 1
check_contains "...names the keyword and the fix" "$err" 'deps must be a list of strings, got string (write ["zlib"])'
check_contains "...and the user's line" "$err" 'units/bad.star:3:10'
rm units/bad.star
finish
