#!/bin/sh
# tests/image/test-image.sh — image-assemble end to end, run as an ordinary
# user (nobody, via setpriv, when the test itself runs as root as CI does).
#
# Fixture packages are made with apk-sign: `pack` for ordinary root-owned
# packages, and tests/image/mkapk.py + `apk-sign resign` for an
# upstream-style package with other owners, a setuid file, a device node and
# a hard link.  The images are checked with independent tools: e2fsck,
# debugfs, sfdisk, fsck.vfat, mdir, cpio.
. "$(dirname "$0")/../lib/testlib.sh"
umask 022 # fixtures are made as root and read by nobody
APKSIGN=$YOE_BIN/apk-sign
IA=$YOE_BIN/image-assemble
HERE=$T_TOP/tests/image
for t in mke2fs debugfs e2fsck sfdisk mkfs.vfat mcopy mdir fsck.vfat syslinux cpio; do
  PATH=$PATH:/usr/sbin:/sbin command -v $t >/dev/null || {
    echo "missing tool $t (run scripts/install-deps)"; echo "0 passed, 1 failed"; exit 1; }
done
export PATH=$PATH:/usr/sbin:/sbin

# as_user runs a command as nobody when we are root, else as ourselves.
as_user() {
  if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else "$@"; fi
}

F=$T_TMP/fixtures W=$T_TMP/work
mkdir -p "$F" "$W"
chmod 755 "$T_TMP"; chmod 777 "$W"
export SOURCE_DATE_EPOCH=1700000000

# --- fixtures -------------------------------------------------------------
"$APKSIGN" keygen "$F/keys/proj.rsa" >/dev/null 2>&1
"$APKSIGN" keygen "$F/keys/other.rsa" >/dev/null 2>&1
pack() { # name version destdir key [extra args]
  n=$1 v=$2 d=$3 k=$4; shift 4
  "$APKSIGN" pack --destdir "$d" --name "$n" --version "$v" --arch x86_64 \
    $k -o "$F/$n-$v-r0.apk" "$@" || echo "FIXTURE FAILED: $n"
}
mkdir -p "$F/base/bin" "$F/base/boot" "$F/base/etc"
printf '#!/bin/sh\necho hello\n' >"$F/base/bin/hello"; chmod 755 "$F/base/bin/hello"
head -c 300000 /dev/urandom >"$F/base/boot/vmlinuz"
head -c 100000 /dev/urandom >"$F/base/boot/initrd"
mkdir -p "$F/base/boot/extra"; echo "menu" >"$F/base/boot/extra/menu.txt"
echo "root:x:0:0:root:/root:/bin/sh" >"$F/base/etc/passwd"
pack base 1.0 "$F/base" "--key $F/keys/proj.rsa"

cat >"$F/upstream.txt" <<'EOF'
d dev 0755 0 0
c dev/console 0600 0 5 5 1
b dev/vda 0660 0 6 254 0
d home 0755 0 0
d home/svc 0750 100 101
f home/svc/data.txt 0640 100 101 owned by svc
d usr 0755 0 0
d usr/bin 0755 0 0
f usr/bin/su 4755 0 0 pretend setuid binary
d usr/share 0755 0 0
f usr/share/with%20space.txt 0644 0 0 spaced out
f usr/bin/wall 2755 0 5 pretend setgid binary
h usr/bin/su2 usr/bin/su
l usr/bin/sh2 /bin/hello
l usr/kernel ../boot/./vmlinuz
d tmp 1777 0 0
d lib 0755 0 0
d lib/modules 0755 0 0
d lib/modules/6.6.0-yoe 0755 0 0
f lib/modules/6.6.0-yoe/foo.ko 0644 0 0 not really a module
EOF
python3 "$HERE/mkapk.py" -o "$F/up-unsigned.apk" --name upstream --version 2.0-r1 "$F/upstream.txt"
"$APKSIGN" resign --key "$F/keys/proj.rsa" -o "$F/upstream-2.0-r1.apk" "$F/up-unsigned.apk" \
  || echo "FIXTURE FAILED: upstream"

mkdir -p "$F/clash/etc"; echo "other passwd" >"$F/clash/etc/passwd"
pack clash 1.0 "$F/clash" "--key $F/keys/proj.rsa"
pack override 1.0 "$F/clash" "--key $F/keys/proj.rsa" --replaces base
pack unsigned 1.0 "$F/clash" --unsigned
mkdir -p "$F/foreign/etc"; echo x >"$F/foreign/etc/foreign"
pack foreign 1.0 "$F/foreign" "--key $F/keys/other.rsa"
mkdir -p "$F/big/usr/share"; head -c 24000000 /dev/urandom >"$F/big/usr/share/blob"
pack big 1.0 "$F/big" "--key $F/keys/proj.rsa" --level 1
chmod -R a+rX "$F"; chmod 600 "$F"/keys/*.rsa

BASE=$F/base-1.0-r0.apk UP=$F/upstream-2.0-r1.apk

# spec NAME [image lines] -- writes $W/NAME.ini with the usual partitions
# unless PARTS is set, and packages from PKGS.
spec() {
  name=$1; shift
  {
    echo "[image]"
    echo "name = $name"
    echo "output = $W/out-$name/$name.img"
    echo "key = $F/keys/proj.rsa.pub"
    echo "hostname = yoe-test"
    echo "timezone = UTC"
    for l in "$@"; do echo "$l"; done
    echo
    printf '%s\n' "${PARTS-[partition \"boot\"]
type = vfat
size = 64M
contents = /boot

[partition \"rootfs\"]
type = ext4
size = 128M
root = true}"
    echo
    echo "[packages]"
    for p in ${PKGS-$BASE $UP}; do echo "apk = $p"; done
  } >"$W/$name.ini"
  mkdir -p "$W/out-$name"; chmod 777 "$W/out-$name"
}
# build NAME: runs image-assemble as the user; output in $OUT, status in $RC.
build() {
  OUT=$(as_user "$IA" "$W/$1.ini" 2>&1); RC=$?
}
# nothing_left NAME: the output directory holds no file at all.
nothing_left() {
  left=$(ls -A "$W/out-$1"; ls -A /dev/shm "${YOE_IMAGE_WORK:-/dev/shm}" 2>/dev/null | grep "^\.$1\.work-")
  check_eq "$1: nothing left behind" "$left" ""
}
part() { # IMG START_MIB SIZE_MIB OUTFILE
  dd if="$1" of="$4" bs=1M skip="$2" count="$3" status=none
}
stat_of() { debugfs -R "stat $2" "$1" 2>/dev/null; }

# --- 1. the syslinux image --------------------------------------------------
spec sys "boot = syslinux" "kernel = boot/vmlinuz" "cmdline = console=ttyS0 root=/dev/vda2 rw"
build sys
check_eq "syslinux image builds as a normal user ($OUT)" "$RC" 0
IMG=$W/out-sys/sys.img
check "image file exists" test -f "$IMG"
if [ "$(id -u)" -eq 0 ]; then
  check_eq "image belongs to the invoking user, not root" "$(stat -c %u "$IMG")" 65534
fi
check_eq "no work directory left" "$(ls -A "$W/out-sys" /dev/shm 2>/dev/null | grep -c '^\.sys\.work-')" 0

# partition table as specified
J=$(sfdisk -J "$IMG" 2>&1)
check_contains "dos label" "$J" '"label": "dos"'
check_contains "p1 at 1 MiB, 64 MiB, FAT32 LBA, bootable" \
  "$(echo "$J" | tr -d ' \n')" '"start":2048,"size":131072,"type":"c","bootable":true'
check_contains "p2 after it, 128 MiB, Linux" \
  "$(echo "$J" | tr -d ' \n')" '"start":133120,"size":262144,"type":"83"'
check_eq "sfdisk --verify is happy" "$(sfdisk --verify "$IMG" >/dev/null 2>&1; echo $?)" 0
MBR=/usr/lib/syslinux/mbr/mbr.bin
n=$(stat -c %s "$MBR")
check_eq "syslinux MBR boot code in sector 0" \
  "$(head -c "$n" "$IMG" | od -An -tx1 | tr -d ' \n' | head -c 600)" \
  "$(od -An -tx1 "$MBR" | tr -d ' \n' | head -c 600)"

# ext4 root: clean, with the packages' owners and modes
part "$IMG" 65 128 "$W/root.ext4"
check "e2fsck -fn is clean" e2fsck -fn "$W/root.ext4"
S=$(stat_of "$W/root.ext4" /home/svc/data.txt)
check_contains "data.txt owned by 100" "$S" "User:   100   Group:   101"
check_contains "data.txt mode 0640" "$S" "Mode:  0640"
check_contains "home/svc dir 0750 100:101" "$(stat_of "$W/root.ext4" /home/svc)" "User:   100   Group:   101"
check_contains "su is setuid 04755" "$(stat_of "$W/root.ext4" /usr/bin/su)" "Mode:  04755"
check_contains "wall is setgid 02755, group 5" "$(stat_of "$W/root.ext4" /usr/bin/wall)" "Mode:  02755"
S=$(stat_of "$W/root.ext4" /dev/console)
check_contains "/dev/console is a char device" "$S" "Type: character special"
check_contains "/dev/console is 5:1" "$S" "Device major/minor number: 05:01"
check_contains "/dev/vda is a block device" "$(stat_of "$W/root.ext4" /dev/vda)" "Type: block special"
check_contains "/tmp is sticky 01777" "$(stat_of "$W/root.ext4" /tmp)" "Mode:  01777"
check_contains "root-owned file stays root" "$(stat_of "$W/root.ext4" /etc/passwd)" "User:     0   Group:     0"
S=$(stat_of "$W/root.ext4" /usr/bin/su)
check_contains "hard link: su has 2 links" "$S" "Links: 2"
check_eq "hard link: su2 is the same inode" \
  "$(debugfs -R 'ls -l /usr/bin' "$W/root.ext4" 2>/dev/null | awk '$NF=="su"||$NF=="su2"{print $1}' | sort -u | wc -l)" 1
check_eq "symlink kept" "$(debugfs -R 'stat /usr/bin/sh2' "$W/root.ext4" 2>/dev/null | sed -n 's/^Fast link dest: "\(.*\)"/\1/p')" "/bin/hello"
check_eq "a name with a space" "$(debugfs -R 'cat "/usr/share/with space.txt"' "$W/root.ext4" 2>/dev/null)" "spaced out"
check_eq "hostname written" "$(debugfs -R 'cat /etc/hostname' "$W/root.ext4" 2>/dev/null)" "yoe-test"
check_eq "timezone written" "$(debugfs -R 'cat /etc/timezone' "$W/root.ext4" 2>/dev/null)" "UTC"
DB=$(debugfs -R 'cat /lib/apk/db/installed' "$W/root.ext4" 2>/dev/null)
check_contains "apk db lists upstream" "$DB" "P:upstream"
check_contains "apk db has the owner of data.txt" "$DB" "R:data.txt
a:100:101:640"
check_eq "apk arch" "$(debugfs -R 'cat /etc/apk/arch' "$W/root.ext4" 2>/dev/null)" "x86_64"
check_eq "apk world" "$(debugfs -R 'cat /etc/apk/world' "$W/root.ext4" 2>/dev/null | tr '\n' ' ')" "base upstream "
check_contains "project key installed for apk" \
  "$(debugfs -R 'cat /etc/apk/keys/proj.rsa.pub' "$W/root.ext4" 2>/dev/null)" "BEGIN PUBLIC KEY"
check_eq "file contents intact" \
  "$(debugfs -R 'cat /boot/vmlinuz' "$W/root.ext4" 2>/dev/null | sha256sum)" \
  "$(sha256sum <"$F/base/boot/vmlinuz")"
if command -v depmod >/dev/null; then
  check_contains "depmod indexed the kernel's modules" \
    "$(debugfs -R 'cat /lib/modules/6.6.0-yoe/modules.dep' "$W/root.ext4" 2>/dev/null)" "foo.ko:"
  check_contains "modules.dep is in the manifest, root-owned" \
    "$(cat "$W/out-sys/sys.img.manifest")" "- 0644 0 0 /lib/modules/6.6.0-yoe/modules.dep [image]"
else
  echo "SKIP: depmod (kmod not installed)"
fi
M=$(cat "$W/out-sys/sys.img.manifest")
check_contains "manifest records the device" "$M" "c 0600 0 5 /dev/console 5,1 [upstream]"

# vfat boot partition: clean, with kernel, config and syslinux
part "$IMG" 1 64 "$W/boot.vfat"
check "fsck.vfat -n is clean" fsck.vfat -n "$W/boot.vfat"
D=$(MTOOLS_SKIP_CHECK=1 mdir -a -i "$IMG@@1M" ::/ 2>&1)
check_contains "mdir lists the kernel" "$D" "vmlinuz"
check_contains "mdir lists syslinux.cfg" "$D" "syslinux cfg"
check_contains "mdir lists ldlinux.sys" "$D" "ldlinux  sys"
check_contains "mdir lists ldlinux.c32" "$D" "ldlinux  c32"
check_eq "subdirectories of /boot are copied" \
  "$(MTOOLS_SKIP_CHECK=1 mtype -i "$IMG@@1M" ::/extra/menu.txt 2>&1)" "menu"
CFG=$(MTOOLS_SKIP_CHECK=1 mtype -i "$IMG@@1M" ::/syslinux.cfg 2>&1)
check_contains "syslinux.cfg boots the kernel with the cmdline" "$CFG" "LINUX /vmlinuz"
check_contains "syslinux.cfg cmdline" "$CFG" "APPEND console=ttyS0 root=/dev/vda2 rw"
check_contains "syslinux.cfg talks on the serial console" "$CFG" "SERIAL 0 115200"

# Boot it (when QEMU is installed; the end-to-end tests always do): the BIOS
# runs our MBR code, which starts syslinux from the FAT partition, which
# reads syslinux.cfg and loads the kernel (random bytes here, so it stops
# there; a real kernel is booted by the end-to-end tests).
if command -v qemu-system-x86_64 >/dev/null; then
  cp "$IMG" "$W/boot.img"
  qemu-system-x86_64 -nographic -m 256 -no-reboot -drive file="$W/boot.img",format=raw \
    >"$W/qemu.log" 2>&1 </dev/null & qpid=$!
  for i in $(seq 1 60); do
    grep -aq "Loading /vmlinuz" "$W/qemu.log" && break
    sleep 1
  done
  kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
  check_contains "QEMU: syslinux starts from the MBR" "$(cat -v "$W/qemu.log")" "SYSLINUX"
  check_contains "QEMU: syslinux loads the kernel" "$(cat -v "$W/qemu.log")" "Loading /vmlinuz"
else
  echo "SKIP: boot in QEMU (qemu-system-x86_64 not installed)"
fi

# --- 2. determinism -----------------------------------------------------------
cp "$IMG" "$W/first.img"; cp "$IMG.manifest" "$W/first.manifest"
sleep 2 # FAT times have 2-second steps: make a clock leak visible
# ... on one thread this time (the first build used one per CPU), with the
# time of each step printed.
export YOE_IMAGE_JOBS=1 YOE_IMAGE_TIMES=1
build sys
unset YOE_IMAGE_JOBS YOE_IMAGE_TIMES
check_eq "second build succeeds" "$RC" 0
check "two builds give identical image bytes" cmp "$W/first.img" "$IMG"
check "two builds give identical manifests" cmp "$W/first.manifest" "$IMG.manifest"
check_contains "YOE_IMAGE_TIMES=1 prints the time of each step" "$OUT" "times: verify "
check_eq "... in order, through each filesystem and the cleanup" \
  "$(echo "$OUT" | grep -c 'times: verify .*unpack .*vfat .*ext4 .*cleanup [0-9.]*s/[0-9.]*cpu, total')" 1

# --- 3. GPT, direct kernel boot, initramfs -----------------------------------
PARTS='[partition "data"]
type = raw
size = 4M

[partition "rootfs"]
type = ext4
size = fill
root = true' spec gpt "table = gpt" "size = 160M" "boot = direct" "kernel = usr/kernel" \
  "initrd = boot/initrd" "initramfs = $W/out-gpt/gpt.cpio.gz"
build gpt
check_eq "gpt/direct/initramfs image builds ($OUT)" "$RC" 0
G=$W/out-gpt/gpt.img
J=$(sfdisk -J "$G" 2>&1 | tr -d ' \n')
check_contains "gpt label" "$J" '"label":"gpt"'
check_contains "gpt p1 raw 4 MiB at 1 MiB" "$J" '"start":2048,"size":8192'
check_contains "gpt p2 Linux fills the disk up to the backup table" "$J" '"start":10240,"size":315392,"type":"0FC63DAF-8483-4772-8E79-3D69D8477DE4"'
check_contains "gpt partition name" "$J" '"name":"rootfs"'
check_eq "gpt disk is [image] size" "$(stat -c %s "$G")" $((160 * 1048576))
check_eq "sfdisk --verify is happy with the GPT" "$(sfdisk --verify "$G" >/dev/null 2>&1; echo $?)" 0
part "$G" 5 154 "$W/gpt-root.ext4"
check "gpt root e2fsck -fn clean" e2fsck -fn "$W/gpt-root.ext4"
check "kernel (through a relative symlink) copied out for direct boot" cmp "$W/out-gpt/gpt.kernel" "$F/base/boot/vmlinuz"
check "initrd copied out for direct boot" cmp "$W/out-gpt/gpt.initrd" "$F/base/boot/initrd"
L=$(zcat "$W/out-gpt/gpt.cpio.gz" | cpio -itv --numeric-uid-gid 2>/dev/null)
check_contains "initramfs has the device node" "$L" "crw-------   1 0        5          5,   1"
check_contains "initramfs has the owner" "$L" "-rw-r-----   1 100      101"
check_contains "initramfs keeps setuid" "$L" "-rwsr-xr-x"
cp "$W/out-gpt/gpt.cpio.gz" "$W/first.cpio.gz"; cp "$G" "$W/first-gpt.img"
build gpt
check "initramfs is reproducible" cmp "$W/first.cpio.gz" "$W/out-gpt/gpt.cpio.gz"
check "gpt image is reproducible" cmp "$W/first-gpt.img" "$G"

# --- 3b. a second ext4 partition holding a subtree --------------------------
PARTS='[partition "rootfs"]
type = ext4
size = 64M
root = true

[partition "home"]
type = ext4
size = 16M
contents = /home' spec sub "boot = direct"
build sub
check_eq "ext4 partition with contents = /home builds ($OUT)" "$RC" 0
part "$W/out-sub/sub.img" 65 16 "$W/home.ext4"
check "home partition e2fsck -fn clean" e2fsck -fn "$W/home.ext4"
check_contains "home partition holds the subtree with its owners" \
  "$(stat_of "$W/home.ext4" /svc/data.txt)" "User:   100   Group:   101"
check_contains "home partition is labelled" "$(dumpe2fs -h "$W/home.ext4" 2>/dev/null)" "volume name:   home"
check "boot = direct without kernel = finds /boot/vmlinuz" cmp "$W/out-sub/sub.kernel" "$F/base/boot/vmlinuz"
PKGS=$UP spec nokernel "boot = direct"
build nokernel
check "boot = direct without any kernel fails" test "$RC" -ne 0
check_contains "no kernel: says what to do" "$OUT" "needs a kernel, but the rootfs has no /boot/vmlinuz"
nothing_left nokernel

# --- 3c. size = fill without a disk size: sized to the tree ------------------
PKGS="$BASE $UP $F/big-1.0-r0.apk" PARTS='[partition "rootfs"]
type = ext4
size = fill
root = true' spec autofill
build autofill
check_eq "size = fill sizes the partition to the tree ($OUT)" "$RC" 0
AF=$W/out-autofill/autofill.img
mib=$(( $(stat -c %s "$AF") / 1048576 ))
check "fill: 24 MiB of files give a 40-100 MiB disk (got $mib)" test "$mib" -ge 40 -a "$mib" -le 100
part "$AF" 1 $((mib - 1)) "$W/autofill.ext4"
check "fill: e2fsck -fn clean" e2fsck -fn "$W/autofill.ext4"

# --- 4. replaces lets a package take over a file ------------------------------
PKGS="$BASE $UP $F/override-1.0-r0.apk" spec over
build over
check_eq "replaces resolves the conflict ($OUT)" "$RC" 0
part "$W/out-over/over.img" 65 128 "$W/over.ext4"
check_eq "the replacing package's file wins" \
  "$(debugfs -R 'cat /etc/passwd' "$W/over.ext4" 2>/dev/null)" "other passwd"

# --- 5. failures: clear message naming the file, nothing left behind --------
PKGS="$BASE $F/clash-1.0-r0.apk" spec clash
build clash
check "conflict fails" test "$RC" -ne 0
check_contains "conflict names both packages" "$OUT" "clash-1.0-r0.apk: /etc/passwd is also in package base"
check_contains "conflict suggests replaces" "$OUT" "replaces = base"
nothing_left clash

PKGS="$BASE $F/unsigned-1.0-r0.apk" spec unsig
build unsig
check "unsigned package fails" test "$RC" -ne 0
check_contains "unsigned: names the file" "$OUT" "unsigned-1.0-r0.apk"
nothing_left unsig

PKGS="$BASE $F/foreign-1.0-r0.apk" spec foreign
build foreign
check "package signed with another key fails" test "$RC" -ne 0
check_contains "foreign: names the file" "$OUT" "foreign-1.0-r0.apk"
nothing_left foreign

PKGS="$BASE $F/big-1.0-r0.apk" PARTS='[partition "rootfs"]
type = ext4
size = 16M
root = true' spec big
build big
check "tree too big for its partition fails" test "$RC" -ne 0
check_contains "too big: gives the numbers" "$OUT" "needs about 24 MiB and 24 inodes but the 16 MiB ext4 filesystem has 11 MiB"
check_contains "too big: names the partition" "$OUT" 'partition "rootfs"'
nothing_left big

# A package altered after signing (one byte of its data stream), one of
# another arch, and the same package twice: all refused before any work.
cp "$F/base-1.0-r0.apk" "$F/tampered-1.0-r0.apk"
sz=$(stat -c %s "$F/tampered-1.0-r0.apk")
printf '\377' | dd of="$F/tampered-1.0-r0.apk" bs=1 seek=$((sz - 100)) conv=notrunc status=none
printf 'd etc 0755 0 0\nf etc/arm 0644 0 0 arm\n' >"$F/arm.txt"
python3 "$HERE/mkapk.py" -o "$F/arm-u.apk" --name armpkg --version 1-r0 --arch aarch64 "$F/arm.txt"
"$APKSIGN" resign --key "$F/keys/proj.rsa" -o "$F/armpkg-1-r0.apk" "$F/arm-u.apk"
chmod a+r "$F"/*.apk
PKGS="$F/tampered-1.0-r0.apk" spec tampered
build tampered
check "tampered package fails" test "$RC" -ne 0
check_contains "tampered: names the file and the datahash" "$OUT" "tampered-1.0-r0.apk"
check_contains "tampered: says what is wrong" "$OUT" "datahash"
nothing_left tampered
PKGS="$BASE $F/armpkg-1-r0.apk" spec wrongarch
build wrongarch
check "package of another arch fails" test "$RC" -ne 0
check_contains "wrong arch: says so" "$OUT" "armpkg-1-r0.apk: package arch is aarch64 but the image is x86_64"
nothing_left wrongarch
PKGS="$BASE $UP $BASE" spec twice
build twice
check "a package listed twice fails" test "$RC" -ne 0
check_contains "listed twice: says so" "$OUT" "package base is listed twice"
nothing_left twice

# Hostile packages: a path leaving the tree, a write through a symlink
# pointing outside.  Both must fail without touching anything outside.
mkdir -p "$T_TMP/victim"; chmod 777 "$T_TMP/victim"
printf 'd etc 0755 0 0\nf ../../../../../../%s/escaped 0644 0 0 x\n' "$T_TMP/victim" >"$F/dotdot.txt"
printf 'l evil %s\nf evil/escaped 0644 0 0 x\n' "$T_TMP/victim" >"$F/symlink.txt"
for k in dotdot symlink; do
  python3 "$HERE/mkapk.py" -o "$F/$k-u.apk" --name $k --version 1-r0 "$F/$k.txt"
  "$APKSIGN" resign --key "$F/keys/proj.rsa" -o "$F/$k-1-r0.apk" "$F/$k-u.apk" 2>/dev/null
  chmod a+r "$F/$k-1-r0.apk"
  PKGS="$BASE $F/$k-1-r0.apk" spec $k
  build $k
  check "$k package fails" test "$RC" -ne 0
  check_contains "$k: names the package" "$OUT" "$k-1-r0.apk"
  check_eq "$k: nothing written outside the tree" "$(ls -A "$T_TMP/victim")" ""
  nothing_left $k
done

PKGS="$BASE $F/big-1.0-r0.apk" PARTS='[partition "data"]
type = vfat
size = 16M
contents = /usr/share

[partition "rootfs"]
type = ext4
size = 64M
root = true' spec bigfat
build bigfat
check "files too big for a vfat partition fail" test "$RC" -ne 0
check_contains "vfat too big: gives the numbers" "$OUT" 'partition "data": the files need about 23 MiB but the 16 MiB FAT filesystem holds about 15 MiB'
nothing_left bigfat

printf '[image]\nname = x\noutput = %s\nbogus = 1\n' "$W/out-bad/x.img" >"$W/bad.ini"
mkdir -p "$W/out-bad"; chmod 777 "$W/out-bad"
build bad
check "a bad spec fails" test "$RC" -ne 0
check_contains "bad spec: names the line" "$OUT" "bad.ini:4: [image] unknown key 'bogus'"
nothing_left bad

# --- 6. install scripts in the bwrap sandbox ---------------------------------
if as_user bwrap --unshare-all --uid 0 --gid 0 --ro-bind / / true 2>/dev/null; then
  libc=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6) ld=$(readlink -f /lib64/ld-linux-x86-64.so.2)
  cat >"$F/shell.txt" <<EOF
d bin 0755 0 0
F bin/sh 0755 0 0 $(readlink -f /bin/dash)
d lib 0755 0 0
d lib/x86_64-linux-gnu 0755 0 0
F lib/x86_64-linux-gnu/libc.so.6 0755 0 0 $libc
d lib64 0755 0 0
F lib64/ld-linux-x86-64.so.2 0755 0 0 $ld
d etc 0755 0 0
EOF
  # dash builtins only: the tree has no coreutils.
  printf '#!/bin/sh\necho "ran $1" > /etc/marker\n' >"$F/post"
  python3 "$HERE/mkapk.py" -o "$F/sh-unsigned.apk" --name shell --version 1.0-r0 \
    --script .post-install="$F/post" "$F/shell.txt"
  "$APKSIGN" resign --key "$F/keys/proj.rsa" -o "$F/shell-1.0-r0.apk" "$F/sh-unsigned.apk"
  chmod a+r "$F"/*.apk
  PKGS="$F/shell-1.0-r0.apk" PARTS='[partition "rootfs"]
type = ext4
size = 32M
root = true' spec scr "scripts = require"
  build scr
  check_eq "install scripts run in the sandbox ($OUT)" "$RC" 0
  part "$W/out-scr/scr.img" 1 32 "$W/scr.ext4"
  check_contains "the script's file is in the image" \
    "$(debugfs -R 'cat /etc/marker' "$W/scr.ext4" 2>/dev/null)" "ran 1.0-r0"
  check_contains "the script's file is root-owned in the image" \
    "$(stat_of "$W/scr.ext4" /etc/marker)" "User:     0   Group:     0"
  check_contains "the manifest lists the script's file" \
    "$(cat "$W/out-scr/scr.img.manifest")" "- 0644 0 0 /etc/marker [image]"
  check "scripts image e2fsck clean" e2fsck -fn "$W/scr.ext4"

  # Interrupted mid-build (a script that never ends): SIGTERM still leaves
  # nothing behind.
  printf '#!/bin/sh\nwhile :; do :; done\n' >"$F/spin"
  python3 "$HERE/mkapk.py" -o "$F/spin-u.apk" --name spin --version 1.0-r0 \
    --script .post-install="$F/spin" "$F/shell.txt"
  "$APKSIGN" resign --key "$F/keys/proj.rsa" -o "$F/spin-1.0-r0.apk" "$F/spin-u.apk"
  chmod a+r "$F/spin-1.0-r0.apk"
  PKGS="$F/spin-1.0-r0.apk" PARTS='[partition "rootfs"]
type = ext4
size = 32M
root = true' spec intr
  # Not through as_user: $! must be image-assemble itself (setpriv execs).
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$IA" "$W/intr.ini" >/dev/null 2>&1 &
  else
    "$IA" "$W/intr.ini" >/dev/null 2>&1 &
  fi
  ipid=$!
  for i in $(seq 1 100); do
    ls -d /dev/shm/.intr.work-*/tmp/script "$W"/out-intr/.intr.work-*/tmp/script \
      >/dev/null 2>&1 && break
    sleep 0.1
  done
  kill -TERM "$ipid"; wait "$ipid"; irc=$?
  sleep 0.5 # the sandbox dies with its parent
  check "SIGTERM stops the build with a failure status ($irc)" test "$irc" -ne 0
  nothing_left intr
  check_eq "the sandboxed script died with the build" "$(pgrep -f '\.intr\.work-' | wc -l)" 0
else
  echo "SKIP: install scripts (no unprivileged user namespaces here)"
fi

# A foreign arch: scripts cannot run here.  auto warns naming the script
# and builds; require refuses.
if [ -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ]; then
  echo "SKIP: foreign-arch scripts (a riscv64 emulator is registered here)"
else
  printf 'd etc 0755 0 0\nf etc/motd 0644 0 0 hi\n' >"$F/noarch.txt"
  printf '#!/bin/sh\necho x > /etc/x\n' >"$F/post2"
  python3 "$HERE/mkapk.py" -o "$F/na-u.apk" --name motd --version 1-r0 --arch noarch \
    --script .post-install="$F/post2" "$F/noarch.txt"
  "$APKSIGN" resign --key "$F/keys/proj.rsa" -o "$F/motd-1-r0.apk" "$F/na-u.apk"
  chmod a+r "$F/motd-1-r0.apk"
  ROOT32='[partition "rootfs"]
type = ext4
size = 32M
root = true'
  PKGS="$F/motd-1-r0.apk" PARTS=$ROOT32 spec foreignarch "arch = riscv64"
  build foreignarch
  check_eq "foreign-arch image builds without its scripts ($OUT)" "$RC" 0
  check_contains "and says which script was not run, and why" "$OUT" \
    "motd-1-r0.apk: .post-install not run: the target arch does not run on this host"
  PKGS="$F/motd-1-r0.apk" PARTS=$ROOT32 spec reqscripts "arch = riscv64" "scripts = require"
  build reqscripts
  check "scripts = require refuses when they cannot run" test "$RC" -ne 0
  nothing_left reqscripts
fi
finish
