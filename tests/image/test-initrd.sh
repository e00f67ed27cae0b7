#!/bin/sh
# tests/image/test-initrd.sh — the initramfs image-assemble builds from
# `initrd_modules`, on real inputs: Debian 12's kernel (its virtio and ext4
# drivers are modules) and busybox-static, downloaded once with
# `apt-get download` into tests/.cache/debs/.  Checks the archive's
# contents, the module order in /init, determinism, the errors, syslinux
# and stale-initrd handling, and boots the image under QEMU (TCG) until the
# disk's /sbin/init prints a marker.  image-assemble runs as nobody (via
# setpriv) when the test runs as root, as in CI.
. "$(dirname "$0")/../lib/testlib.sh"
umask 022 # fixtures are made as root and read by nobody
APKSIGN=$YOE_BIN/apk-sign
IA=$YOE_BIN/image-assemble
CACHE=$T_TOP/tests/.cache/debs
export PATH=$PATH:/usr/sbin:/sbin
for t in cpio dpkg-deb depmod mke2fs debugfs mcopy mtype sfdisk qemu-system-x86_64; do
  command -v $t >/dev/null || {
    echo "missing tool $t (run scripts/install-deps)"; echo "0 passed, 1 failed"; exit 1; }
done

QPID=
trap '[ -z "$QPID" ] || kill "$QPID" 2>/dev/null; rm -rf "$T_TMP"' EXIT
trap 'exit 1' INT TERM HUP

as_user() {
  if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else "$@"; fi
}
die() { fail "$*"; finish; exit 1; }

F=$T_TMP/fixtures W=$T_TMP/work
mkdir -p "$F" "$W" "$CACHE"
chmod 755 "$T_TMP"; chmod 777 "$W"
export SOURCE_DATE_EPOCH=1700000000

# --- Debian packages ------------------------------------------------------
# deb NAME: prints the cached NAME_*.deb, downloading it first if needed.
deb() {
  f=$(ls "$CACHE/$1"_*.deb 2>/dev/null | sort | tail -n 1)
  if [ -z "$f" ]; then
    d=$(mktemp -d "$CACHE/dl.XXXXXX"); chmod 777 "$d" # apt runs as _apt
    (cd "$d" && apt-get download -q "$1" >&2) && mv "$d"/*.deb "$CACHE/"
    rm -rf "$d"
    f=$(ls "$CACHE/$1"_*.deb 2>/dev/null | sort | tail -n 1)
  fi
  [ -n "$f" ] && echo "$f"
}
KDEB=$(ls "$CACHE"/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | sort | tail -n 1)
if [ -z "$KDEB" ]; then
  KNAME=$(apt-cache depends linux-image-amd64 2>/dev/null |
          sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
  [ -n "$KNAME" ] || die "apt-cache depends linux-image-amd64 names no kernel (run apt-get update)"
  KDEB=$(deb "$KNAME") || die "apt-get download $KNAME failed (run apt-get update, or put the .deb into $CACHE)"
fi
BBDEB=$(deb busybox-static) ||
  die "apt-get download busybox-static failed (run apt-get update, or put the .deb into $CACHE)"

# The kernel package: vmlinuz and only the modules the boot needs, plus
# virtio_net and friends (which must NOT end up in the initramfs).
MODS="virtio virtio_ring virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
      virtio_blk ext4 jbd2 mbcache crc16 crc32c_generic libcrc32c virtio_net
      failover net_failover"
K=$F/linux
mkdir -p "$K"
set -- './boot/vmlinuz-*' './lib/modules/*/modules.builtin' './lib/modules/*/modules.order'
for m in $MODS; do set -- "$@" "*/kernel/*/$m.ko*"; done
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$K" --wildcards "$@" ||
  die "cannot extract the kernel and modules from $KDEB"
KVER=$(ls "$K/lib/modules")
check_eq "one kernel version in $KDEB" "$(echo "$KVER" | wc -w)" 1
check "kernel image boot/vmlinuz-$KVER extracted" test -f "$K/boot/vmlinuz-$KVER"
check_eq "all $(echo $MODS | wc -w) modules extracted" \
  "$(find "$K/lib/modules" -name '*.ko*' | wc -l)" "$(echo $MODS | wc -w)"

"$APKSIGN" keygen "$F/keys/proj.rsa" >/dev/null 2>&1
pack() { # name destdir [extra args]
  n=$1 d=$2; shift 2
  "$APKSIGN" pack --destdir "$d" --name "$n" --version 1.0 --arch x86_64 \
    --key "$F/keys/proj.rsa" -o "$F/$n.apk" "$@" || echo "FIXTURE FAILED: $n"
}
pack linux "$K"
B=$F/busybox
mkdir -p "$B/bin"
dpkg-deb --fsys-tarfile "$BBDEB" | tar -x -C "$B" ./bin/busybox || die "cannot extract $BBDEB"
ln -s busybox "$B/bin/sh"
pack busybox "$B"
# /sbin/init of the disk: proves the ext4 root was mounted through the modules.
I=$F/marker
mkdir -p "$I/sbin" "$I/dev" "$I/proc" "$I/sys"
printf '#!/bin/sh\necho ROOTFS-REACHED\n/bin/busybox poweroff -f\n' >"$I/sbin/init"
chmod 755 "$I/sbin/init"
pack marker "$I"
# A second kernel's modules (no matching vmlinuz) and an old rootfs initrd.
mkdir -p "$F/other/lib/modules/7.0.0-other" "$F/other/boot"
head -c 4096 /dev/urandom >"$F/other/boot/vmlinuz-7.0.0-test"
pack other "$F/other"
mkdir -p "$F/old/boot"; echo "OLD INITRD" >"$F/old/boot/initrd.img"
pack oldinitrd "$F/old"
# A module file depmod cannot index (no depmod reads this one).
mkdir -p "$F/junk/lib/modules/$KVER/kernel/lib"
echo "not a module" | gzip -n >"$F/junk/lib/modules/$KVER/kernel/lib/junk.ko.gz"
pack junkmod "$F/junk"
# Dynamically linked "busybox" (the host's /bin/true): without its
# interpreter, with the interpreter but no libc, and with both.
INTERP=$(readlink -f /lib64/ld-linux-x86-64.so.2) LIBC=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)
mkdir -p "$F/dyn0/bin" "$F/dyn1/lib64" "$F/dyn2/lib"
cp /bin/true "$F/dyn0/bin/busybox"
cp -r "$F/dyn0/bin" "$F/dyn1/"; cp "$INTERP" "$F/dyn1/lib64/ld-linux-x86-64.so.2"
cp -r "$F/dyn1/bin" "$F/dyn1/lib64" "$F/dyn2/"; cp "$LIBC" "$F/dyn2/lib/libc.so.6"
for d in dyn0 dyn1 dyn2; do pack $d "$F/$d"; done
chmod -R a+rX "$F"; chmod 600 "$F"/keys/*.rsa

# spec NAME [image lines...]: $W/NAME.ini, an ext4 root on /dev/vda1 and
# the packages in PKGS (default: kernel, busybox, marker).
spec() {
  name=$1; shift
  {
    echo "[image]"
    echo "name = ird"
    echo "output = $W/out-$name/ird.img"
    echo "key = $F/keys/proj.rsa.pub"
    echo "cmdline = console=ttyS0 root=/dev/vda1 rw"
    for l in "$@"; do echo "$l"; done
    echo "${PARTS-}"
    echo "[partition \"rootfs\"]"
    echo "type = ext4"
    echo "size = 64M"
    echo "root = true"
    echo "[packages]"
    for p in ${PKGS-linux busybox marker}; do echo "apk = $F/$p.apk"; done
  } >"$W/$name.ini"
  mkdir -p "$W/out-$name"; chmod 777 "$W/out-$name"
}
build() { OUT=$(as_user "$IA" "$W/$1.ini" 2>&1); RC=$?; }
listing() { gzip -dc "$1" | cpio -t --quiet 2>/dev/null; }

# --- 1. boot = direct: the initramfs ---------------------------------------
spec direct "boot = direct" "initrd_modules = virtio_pci virtio-blk ext4"
build direct
check_eq "direct image with initrd_modules builds as a normal user ($OUT)" "$RC" 0
RD=$W/out-direct/ird.initrd
check "initrd written to initrd_out" test -s "$RD"
check "kernel written to kernel_out" cmp -s "$W/out-direct/ird.kernel" "$K/boot/vmlinuz-$KVER"
check_eq "initrd is gzip" "$(head -c 2 "$RD" | od -An -tx1 | tr -d ' ')" 1f8b
L=$(listing "$RD")
check_contains "initramfs has /init" "$L" "
init"
check_contains "initramfs has bin/busybox" "$L" "bin/busybox"
for d in dev newroot proc sys; do
  check "initramfs has $d/" sh -c 'echo "$1" | grep -qx "$2"' - "$L" "$d"
done
KOS=$(echo "$L" | grep '\.ko$' | sed 's|.*/||; s|\.ko$||' | sort | tr '\n' ' ')
check_eq "exactly the dependency closure of virtio_pci virtio_blk ext4 (+ softdep crc32c)" "$KOS" \
  "crc16 crc32c_generic ext4 jbd2 mbcache virtio virtio_blk virtio_pci virtio_pci_legacy_dev virtio_pci_modern_dev virtio_ring "
check_eq "modules kept at lib/modules/<kver>/ paths" \
  "$(echo "$L" | grep -c "^lib/modules/$KVER/kernel/.*\.ko$")" 11
check_contains "modules.dep of just those modules" "$L" "lib/modules/$KVER/modules.dep"
check_eq "entries sorted (tree order)" "$L" "$(echo "$L" | LC_ALL=C sort)"
V=$(gzip -dc "$RD" | cpio -tv -n --quiet 2>/dev/null)
check_eq "every entry owned by 0:0" \
  "$(echo "$V" | awk '$3 != 0 || $4 != 0' | wc -l)" 0
check_contains "dev/console is c 5,1, 0600" "$V" "crw-------   1 0        0          5,   1"
check_contains "dev/null is c 1,3, 0666" "$V" "crw-rw-rw-   1 0        0          1,   3"
check_contains "bin/sh -> busybox" "$V" "bin/sh -> busybox"
check_contains "init is executable" "$(echo "$V" | grep ' init$')" "-rwxr-xr-x"
check_contains "times are the epoch (2023-11-14)" "$(echo "$V" | grep ' init$')" "Nov 14  2023"

# /init: modules in dependency order, each once
mkdir -p "$T_TMP/x"
(cd "$T_TMP/x" && gzip -dc "$RD" | cpio -id --quiet init lib/modules/*/modules.dep 2>/dev/null)
INIT=$(cat "$T_TMP/x/init")
check_contains "/init runs on busybox" "$(head -n 1 "$T_TMP/x/init")" "#!/bin/busybox sh"
ORDER=$(grep "^mod " "$T_TMP/x/init" | sed "s|.*/||; s|\.ko.*||" | tr '\n' ' ')
pos() { echo " $ORDER" | awk -v m="$1" '{for (i = 1; i <= NF; i++) if ($i == m) print i}'; }
before() { # A B: A is loaded before B
  a=$(pos "$1") b=$(pos "$2")
  if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then pass; else
    fail "/init loads $1 before $2 (order: $ORDER)"; fi
}
before virtio_ring virtio; before virtio virtio_pci; before virtio_ring virtio_pci
before virtio_pci_modern_dev virtio_pci; before virtio_pci_legacy_dev virtio_pci
before virtio virtio_blk; before jbd2 ext4; before mbcache ext4; before crc16 ext4
before crc32c_generic jbd2
check_eq "each module loaded once" "$(echo $ORDER | tr ' ' '\n' | sort | uniq -d)" ""
check_eq "11 insmods in /init" "$(echo $ORDER | wc -w)" 11
check_contains "the softdep is optional" "$INIT" "mod -o '/lib/modules/$KVER/kernel/crypto/crc32c_generic.ko'"
check_contains "/init parses root=" "$INIT" 'root=*) root=${w#root=}'
check_contains "/init switch_roots" "$INIT" 'exec $BB switch_root /newroot "$init"'
check_contains "modules.dep in the initramfs lists ext4's deps" \
  "$(cat "$T_TMP"/x/lib/modules/*/modules.dep)" "kernel/fs/ext4/ext4.ko: "

M=$W/out-direct/ird.img.initrd.manifest
check "initramfs manifest written" test -s "$M"
check_contains "manifest: /init made by the image" "$(cat "$M")" "- 0755 0 0 /init [image]"
check_contains "manifest: busybox from its package" "$(cat "$M")" "- 0755 0 0 /bin/busybox [busybox]"
check_contains "manifest: ext4.ko from the kernel package" "$(cat "$M")" \
  "/lib/modules/$KVER/kernel/fs/ext4/ext4.ko [linux]"
check_contains "manifest: dev/console" "$(cat "$M")" "c 0600 0 0 /dev/console 5,1 [image]"

# --- 2. determinism ----------------------------------------------------------
cp "$RD" "$T_TMP/first.initrd"
build direct
check_eq "second build ok" "$RC" 0
check "two builds give identical initrd bytes" cmp -s "$RD" "$T_TMP/first.initrd"

# --- 3. boot it under QEMU (TCG) ----------------------------------------------
# boot APPEND: boots the image's kernel and initrd from a copy of the disk,
# console in $CON, qemu's status in $QRC.  Stops early once the boot failed
# for sure (the rescue shell, a panic); qemu never outlives the test.
DISK=direct
boot() {
  cp "$W/out-$DISK/ird.img" "$T_TMP/disk.img"
  LOG=$T_TMP/console.log
  timeout -k 5 90 qemu-system-x86_64 -accel tcg -machine q35 -cpu max -m 512 \
    -nographic -no-reboot -monitor none \
    -kernel "$W/out-$DISK/ird.kernel" -initrd "$W/out-$DISK/ird.initrd" -append "$1" \
    -drive file="$T_TMP/disk.img",format=raw,if=virtio </dev/null >"$LOG" 2>&1 &
  QPID=$!
  start=$(date +%s)
  while kill -0 "$QPID" 2>/dev/null; do
    if grep -q -e 'initramfs: starting a shell' -e 'Kernel panic' "$LOG"; then
      sleep 1; kill "$QPID"; break; fi
    sleep 1
  done
  wait "$QPID"; QRC=$?; QPID=
  CON=$(tr -d '\r' <"$LOG")
  echo "qemu ($1): exit $QRC after $(( $(date +%s) - start )) s"
  if echo "$CON" | grep -q -e ROOTFS-REACHED -e 'initramfs: starting a shell'; then
    echo "$CON" | grep -e '^initramfs:' -e ROOTFS-REACHED | sed 's/^/  | /'
  else
    tail -n 40 "$LOG" | sed 's/^/  | /'
  fi
}
boot "console=ttyS0 root=/dev/vda1 rw"
check_contains "console: /init loaded virtio_blk" "$CON" "initramfs: loading virtio_blk.ko"
check_contains "console: /init loaded ext4" "$CON" "initramfs: loading ext4.ko"
check_contains "console: switched to the disk" "$CON" "initramfs: switching to /dev/vda1, /sbin/init"
check_contains "console: the disk's /sbin/init ran (ext4 root mounted via the modules)" \
  "$CON" "ROOTFS-REACHED"
check_eq "qemu powered off (not killed by the timeout)" "$QRC" 0

# root=PARTUUID= (MBR: disk signature-partition), upper case, read-only,
# quiet: no per-module lines.  (UUID= and LABEL= go to busybox's findfs.)
SIG=$(sfdisk -J "$W/out-direct/ird.img" | sed -n 's/.*"id": "0x\(.*\)".*/\1/p')
boot "console=ttyS0 root=PARTUUID=$(echo "$SIG" | tr a-f A-F)-01 ro quiet"
check_contains "root=PARTUUID=<MBR id>-01 reaches the disk's init" "$CON" "ROOTFS-REACHED"
check_eq "quiet: no per-module lines" "$(echo "$CON" | grep -c 'initramfs: loading')" 0

# root=PARTUUID= on a GPT disk: the partition entry's GUID
spec gpt "boot = direct" "table = gpt" "initrd_modules = virtio_pci virtio-blk ext4"
build gpt
check_eq "GPT image builds ($OUT)" "$RC" 0
check "same initramfs bytes whatever the partition table" cmp -s "$W/out-gpt/ird.initrd" "$RD"
GUID=$(sfdisk -J "$W/out-gpt/ird.img" | sed -n 's/.*"uuid": "\(.*\)".*/\1/p' | head -n 1)
DISK=gpt; boot "console=ttyS0 root=PARTUUID=$GUID quiet"; DISK=direct
check_contains "root=PARTUUID=<GPT GUID> reaches the disk's init" "$CON" "ROOTFS-REACHED"

# a root device that never appears: the message and a rescue shell, no panic
boot "console=ttyS0 root=/dev/vdz1 rootdelay=1"
check_contains "missing root device: says what failed" "$CON" \
  "initramfs: no root device /dev/vdz1 after 1 s"
check_contains "missing root device: a rescue shell instead of a panic" "$CON" \
  "initramfs: starting a shell (/bin/busybox sh)"
check_eq "no kernel panic" "$(echo "$CON" | grep -c 'Kernel panic')" 0

# --- 4. errors ------------------------------------------------------------------
spec unknown "boot = direct" "initrd_modules = virtio_blkk ext4"
build unknown
check_eq "unknown module fails" "$RC" 1
check_contains "error names the module and kernel version" "$OUT" \
  "unknown.ini:7: initrd_modules: no module 'virtio_blkk' in lib/modules/$KVER (not in modules.dep or modules.builtin)"
check_eq "nothing written on error" "$(ls -A "$W/out-unknown")" ""

PKGS="linux busybox marker other"
spec twok "boot = direct" "kernel = boot/vmlinuz-7.0.0-test" "initrd_modules = ext4"
build twok
check_eq "two kernel versions, kernel matching neither: fails" "$RC" 1
check_contains "error lists the versions" "$OUT" "2 kernel versions ($KVER, 7.0.0-other)"
check_contains "error says how to fix" "$OUT" "set [image] kernel = boot/vmlinuz-<version>"
spec twokok "boot = direct" "kernel = boot/vmlinuz-$KVER" "initrd_modules = ext4"
build twokok
check_eq "two kernel versions, kernel names one: builds ($OUT)" "$RC" 0
check_contains "its modules went in" "$(listing "$W/out-twokok/ird.initrd")" \
  "lib/modules/$KVER/kernel/fs/ext4/ext4.ko"

PKGS="linux busybox marker junkmod"
spec junk "boot = direct" "initrd_modules = ext4"
build junk
check_eq "a module file depmod did not index: fails" "$RC" 1
check_contains "error names it and the likely cause" "$OUT" \
  "depmod did not index 1 module file of /lib/modules/$KVER (kernel/lib/junk.ko.gz)"

PKGS="linux dyn0 marker"
spec dyn0 "boot = direct" "initrd_modules = ext4"
build dyn0
check_eq "dynamic busybox without its interpreter: fails" "$RC" 1
check_contains "error names the interpreter" "$OUT" \
  "needs its interpreter /lib64/ld-linux-x86-64.so.2, which is not in the rootfs"
PKGS="linux dyn1 marker"
spec dyn1 "boot = direct" "initrd_modules = ext4"
build dyn1
check_eq "dynamic busybox with a library missing: fails" "$RC" 1
check_contains "error names the library and the fix" "$OUT" \
  "/bin/busybox is dynamically linked and needs libc.so.6, which is not in the rootfs's /lib or /usr/lib"
check_eq "nothing written on error" "$(ls -A "$W/out-dyn1")" ""
PKGS="linux dyn2 marker"
spec dyn2 "boot = direct" "initrd_modules = ext4"
build dyn2
check_eq "dynamic busybox with its libraries: builds ($OUT)" "$RC" 0
L=$(listing "$W/out-dyn2/ird.initrd")
check_contains "interpreter copied at its PT_INTERP path" "$L" "lib64/ld-linux-x86-64.so.2"
check_contains "DT_NEEDED library copied" "$L" "lib/libc.so.6"

PKGS="linux busybox marker"
spec nonebad "boot = none" "initrd_modules = ext4"
build nonebad
check_contains "initrd_modules with boot = none is a spec error" "$OUT" \
  "nonebad.ini:7: [image] initrd_modules needs boot = direct or syslinux"
spec badname "boot = direct" "initrd_modules = ext4 ../evil"
build badname
check_contains "a module name with / is a spec error" "$OUT" \
  "badname.ini:7: [image] initrd_modules: '../evil' is not a kernel module name"

# --- 5. syslinux: the same initramfs on the boot partition ------------------------
PKGS="linux busybox marker oldinitrd"
PARTS='[partition "boot"]
type = vfat
size = 32M
bootable = true' spec sys "boot = syslinux" "initrd_modules = virtio_pci virtio_blk ext4"
build sys
check_eq "syslinux image with initrd_modules builds ($OUT)" "$RC" 0
check_contains "a note says the generated initramfs replaces the rootfs's" "$OUT" \
  "note: $W/sys.ini: the initramfs built from initrd_modules replaces /boot/initrd.img from the rootfs"
IMG=$W/out-sys/ird.img
CFG=$(mtype -i "$IMG@@1M" ::/syslinux.cfg 2>&1)
check_contains "syslinux.cfg names the initrd" "$CFG" "INITRD /initrd.img"
mcopy -i "$IMG@@1M" ::/initrd.img "$T_TMP/sys.initrd" 2>/dev/null
check "the boot partition's initrd.img is the generated one (same bytes as the direct build)" \
  cmp -s "$T_TMP/sys.initrd" "$RD"

# --- 6. a stale initrd_out goes away -----------------------------------------------
PKGS="linux busybox marker" PARTS=
spec stale "boot = direct"
echo "stale" >"$W/out-stale/ird.initrd"; chmod 666 "$W/out-stale/ird.initrd"
build stale
check_eq "direct image without any initrd builds ($OUT)" "$RC" 0
check "a stale initrd_out from an earlier build is removed" test ! -e "$W/out-stale/ird.initrd"
check "the kernel is still written" test -s "$W/out-stale/ird.kernel"

finish
