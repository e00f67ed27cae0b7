#!/bin/sh
# tests/cli/test-run.sh — `yoe run`: finding the image's qemu.ini through the
# project, the QEMU command line (--dry-run), the disk copy, boot tests
# against a fake qemu-system-* that prints a canned console, and the KVM
# probe and its cache (fake QEMU that aborts, boots or hangs under KVM).
# No real guest boots here; the demo test does that.
. "$(dirname "$0")/../lib/testlib.sh"

export HOME="$T_TMP/home" XDG_CACHE_HOME="$T_TMP/cache"
unset YOE_QEMU_ACCEL YOE_KVM_DEVICE
mkdir -p "$HOME"

# --- a project: one machine with a qemu_config, one without, one image
P=$T_TMP/p
mkdir -p "$P/machines" "$P/images"
cat >"$P/PROJECT.star" <<'EOF'
project(
    name = "runtest",
    version = "1.0",
    defaults = defaults(machine = "qemu-x86_64", image = "tiny-image", distro = "alpine"),
)
EOF
cat >"$P/machines/qemu-x86_64.star" <<'EOF'
machine(
    name = "qemu-x86_64",
    arch = "x86_64",
    kernel = kernel(cmdline = "console=ttyS0 root=/dev/vda1 rw"),
    partitions = [partition(label = "rootfs", type = "ext4", size = "64M", root = True)],
    qemu = qemu_config(machine = "q35", cpu = "max", memory = "1G", display = "none",
                       ports = ["2222:22", "8080:80"]),
)
EOF
cat >"$P/machines/bare.star" <<'EOF'
machine(
    name = "bare",
    arch = "x86_64",
    partitions = [partition(label = "rootfs", type = "ext4", size = "64M", root = True)],
)
EOF
cat >"$P/images/tiny-image.star" <<'EOF'
unit(name = "tiny-image", unit_class = "image", version = "1", scope = "machine", container = "host")
EOF
P=$(cd "$P" && pwd -P)
D=build/alpine/tiny-image.qemu-x86_64
INI=$P/$D/qemu.ini

# --- a fake QEMU: records each argv (one arg a line after `--- PID`) in
# $FAKE_LOG; under `-accel kvm` with a probe's arguments it does $FAKE_KVM;
# otherwise it plays the console $FAKE_MODE.
FB=$T_TMP/fakebin
mkdir -p "$FB"
cat >"$FB/qemu-system-x86_64" <<'EOF'
#!/bin/sh
log=${FAKE_LOG:?}
{ echo "--- $$"; for a in "$@"; do printf '%s\n' "$a"; done; } >>"$log"
case " $* " in
*" -accel kvm "*"panic=-1"*|*" -accel kvm "*" -snapshot "*)
  case ${FAKE_KVM:-abort} in
  abort) echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
         echo "qemu-system-x86_64: kvm.c:3183: kvm_buf_set_msrs: Assertion failed." >&2
         kill -ABRT $$ ;;
  ok) echo "$$" >"$log.probepid"
      echo "Linux version 6.1.0 (fake)"
      case " $* " in *" -kernel "*) echo "Kernel panic - not syncing: VFS"; exit 0 ;; esac
      exec sleep 30 ;;
  hang) echo "$$" >"$log.probepid"; exec sleep 30 ;;
  badkernel) echo "qemu-system-x86_64: linux kernel too old to load a ram disk" >&2; exit 1 ;;
  esac ;;
esac
case ${FAKE_MODE:-prompt} in
prompt|login)
  printf 'SeaBIOS\nLinux version 6.1.0 (fake)\n\033[1;32mWelcome\033[0m to yoe\r\n'
  if [ "$FAKE_MODE" = login ]; then printf 'yoe login: '; else printf '/ # '; fi
  while read -r line; do
    case $line in poweroff*) echo "$$" >"$log.poweroff"; echo "reboot: Power down"; exit 0 ;; esac
  done
  exit 0 ;;
silent) echo "$$" >"$log.pid"; printf 'Linux version 6.1.0 (fake)\nstuck here\n'; exec sleep 300 ;;
die) printf 'Linux version 6.1.0 (fake)\nKernel panic - not syncing\n'; exit 1 ;;
esac
EOF
chmod +x "$FB/qemu-system-x86_64"
ln -s qemu-system-x86_64 "$FB/qemu-system-aarch64"
ln -s qemu-system-x86_64 "$FB/qemu-system-riscv64"
export FAKE_LOG="$T_TMP/qemu.log" PATH="$FB:$PATH"
: >"$FAKE_LOG"
Q=$FB/qemu-system-x86_64

# yrun ARGS... — yoe run in the project; sets $out (stdout), $err, $rc
yrun() {
  out=$("$YOE" -C "$P" run "$@" 2>"$T_TMP/err"); rc=$?
  err=$(cat "$T_TMP/err")
}
# last_argv — the last recorded qemu argv, one argument a line
last_argv() { awk '/^--- /{n=0; delete a; next} {a[n++]=$0} END{for(i=0;i<n;i++) print a[i]}' "$FAKE_LOG"; }
# follows FLAG VALUE — the dry-run command line has "FLAG VALUE"
follows() {
  case " $out " in *" $1 ${2:+$2 }"*) pass ;; *) fail "$1 $2"; printf '  in: %s\n' "$out" ;; esac
}
lacks() { case " $out " in *"$1"*) fail "no $1"; printf '  in: %s\n' "$out" ;; *) pass ;; esac; }

# --- help and usage errors
out=$("$YOE" run --help); rc=$?
check_eq "--help exits 0" "$rc" 0
check_contains "--help: usage" "$out" "usage: yoe run [IMAGE]"
check_contains "--help: YOE_QEMU_ACCEL" "$out" "YOE_QEMU_ACCEL=kvm|tcg"
check_contains "--help: boot test" "$out" "--boot-test"
for bad in "--port 22" "--port 1:70000" "--expect x" "--timeout 3" "--boot-test --daemon" \
           "--boot-test --expect (" "--memory lots" "--grow -1" "--frobnicate" "a b"; do
  # shellcheck disable=SC2086
  "$YOE" -C "$P" run $bad >/dev/null 2>"$T_TMP/err"; rc=$?
  check_eq "usage error: $bad" "$rc" 2
done
check_contains "bad regex says so" "$(cat "$T_TMP/err")" "one IMAGE at a time"
"$YOE" -C "$P" run --boot-test --expect '(' >/dev/null 2>"$T_TMP/err"
check_contains "bad --expect names it" "$(cat "$T_TMP/err")" "--expect '('"

# --- before gen: no qemu.ini → the error names it and the ninja target
export YOE_QEMU_ACCEL=tcg
yrun --dry-run
check_eq "no qemu.ini: exit 1" "$rc" 1
check_contains "no qemu.ini: names the file" "$err" "$D/qemu.ini does not exist"
check_contains "no qemu.ini: names the fix" "$err" "run 'yoe gen && ninja tiny-image-qemu-x86_64' first"
yrun nosuch --dry-run
check_contains "unknown image" "$err" "no image named 'nosuch'"
yrun --machine bare --dry-run
check_eq "machine without qemu_config: exit 1" "$rc" 1
check_contains "machine without qemu_config: says so" "$err" "machines/bare.star:1:"
check_contains "machine without qemu_config: the fix" "$err" "has no qemu_config"

# --- qemu.ini as yoe gen writes it (when it does), else the same by hand
"$YOE" -C "$P" gen >/dev/null 2>&1
if [ -f "$INI" ]; then pass; else
  echo "note: yoe gen writes no qemu.ini yet; using a hand-written one"
  mkdir -p "$P/$D"
  cat >"$INI" <<EOF
# yoe run's view of this image, written by \`yoe gen\`; do not edit.
[run]
image = $D/tiny-image.img
machine = qemu-x86_64
arch = x86_64
boot = direct
kernel = $D/vmlinuz
cmdline = console=ttyS0 root=/dev/vda1 rw
[qemu]
machine = q35
cpu = max
memory = 1G
display = none
port = 2222:22
port = 8080:80
EOF
  pass
fi
check_contains "gen's qemu.ini: the image" "$(cat "$INI")" "image = $D/tiny-image.img"
IMG=$P/$(sed -n 's/^image = //p' "$INI")
KERNEL=$P/$(sed -n 's/^kernel = //p' "$INI")
check_eq "gen's qemu.ini: direct boot" "$(sed -n 's/^boot = //p' "$INI")" direct
yrun --dry-run
check_contains "image not built: names the image" "$err" "the image $D/tiny-image.img does not exist"
check_contains "image not built: the fix" "$err" "ninja tiny-image-qemu-x86_64"
# a sparse 64 MiB image with data at both ends, and a "kernel"
printf 'MBR-and-rootfs' | dd of="$IMG" conv=notrunc status=none
printf 'TAIL' | dd of="$IMG" bs=1M seek=63 conv=notrunc status=none
truncate -s 64M "$IMG"
yrun --dry-run
check_contains "kernel not built" "$err" "the kernel $D/vmlinuz does not exist: run 'yoe gen && ninja"
echo "not a kernel" >"$KERNEL"
IMG_SUM=$(cksum <"$IMG")

# --- the command line
yrun --dry-run
check_eq "dry-run exit 0" "$rc" 0
check_contains "dry-run says TCG and why" "$err" "using TCG (YOE_QEMU_ACCEL=tcg)"
case $out in "$Q -machine q35 "*) pass ;; *) fail "argv starts with the qemu binary on PATH"; echo "  $out" ;; esac
follows -machine q35
follows -accel tcg
follows -cpu max
follows -m 1G
follows -nographic ""
follows -drive "file=$P/$D/run/tiny-image.img,format=raw,if=virtio"
lacks "file=$IMG,"
follows -netdev "user,id=net0,hostfwd=tcp::2222-:22,hostfwd=tcp::8080-:80"
follows -device virtio-net-pci,netdev=net0
follows -kernel "$KERNEL"
follows -append "'console=ttyS0 root=/dev/vda1 rw'"
follows -pidfile "$P/$D/run/qemu.pid"
lacks -initrd
lacks -daemonize
lacks -no-reboot
check "dry-run copies nothing" test ! -e "$P/$D/run/tiny-image.img"
# the printed line is a shell command: its words are the argv
eval "set -- $out"
check_eq "shell-quoted: -append is one word" "$(for a; do [ "$prev" = -append ] && echo "$a"; prev=$a; done)" \
  "console=ttyS0 root=/dev/vda1 rw"

yrun --dry-run --port 2223:22 --port=9000:90 --memory 2G --display gtk
follows -netdev "user,id=net0,hostfwd=tcp::2223-:22,hostfwd=tcp::8080-:80,hostfwd=tcp::9000-:90"
lacks "2222"
follows -m 2G
follows -display gtk
follows -device virtio-vga
follows -serial mon:stdio
lacks -nographic
yrun --dry-run --daemon
follows -display none
follows -monitor none
follows -serial "file:$P/$D/run/console.log"
follows -daemonize -pidfile
yrun --dry-run --boot-test
follows -serial stdio
follows -no-reboot ""
YOE_QEMU_ACCEL=kvm yrun --dry-run
follows -accel kvm
check_contains "forced KVM is said" "$err" "using KVM (YOE_QEMU_ACCEL=kvm)"
YOE_QEMU_ACCEL=fast yrun --dry-run
check_eq "bad YOE_QEMU_ACCEL: exit 1" "$rc" 1
check_contains "bad YOE_QEMU_ACCEL: says what is allowed" "$err" "YOE_QEMU_ACCEL=fast: expected kvm or tcg"

# hand-edited variants of qemu.ini: an initrd, firmware, another arch
cp "$INI" "$T_TMP/qemu.ini.gen"
{ sed '/^\[qemu\]/,$d' "$T_TMP/qemu.ini.gen"; echo "initrd = $D/initrd.img"
  sed -n '/^\[qemu\]/,$p' "$T_TMP/qemu.ini.gen"; echo "firmware = /usr/share/seabios/bios.bin"; } >"$INI"
yrun --dry-run
check_contains "missing initrd: a note" "$err" "no initrd at $D/initrd.img"
lacks -initrd
follows -bios /usr/share/seabios/bios.bin
echo initrd >"$P/$D/initrd.img"
yrun --dry-run
follows -initrd "$P/$D/initrd.img"
printf '[run]\nimage = %s\narch = arm64\nboot = none\n[qemu]\ncpu = cortex-a57\n' "$D/tiny-image.img" >"$INI"
yrun --dry-run
case $out in "$FB/qemu-system-aarch64 -machine virt "*) pass ;; *) fail "arm64: qemu-system-aarch64 -machine virt"; echo "  $out" ;; esac
follows -cpu cortex-a57
follows -netdev user,id=net0
lacks -kernel
printf '[run]\nimage = %s\narch = riscv64\n' "$D/tiny-image.img" >"$INI"
out=$(PATH=/nonexistent "$YOE" -C "$P" run 2>&1); rc=$?
check_eq "no qemu binary: exit 1" "$rc" 1
check_contains "no qemu binary: names the Debian package" "$out" \
  "qemu-system-riscv64 is not installed (not on PATH); on Debian: apt-get install qemu-system-misc"
printf '[run]\nimage = x.img\narch = x86_64\n[qemu]\nmemroy = 1G\n' >"$INI"
yrun --dry-run
check_eq "unknown key: exit 1" "$rc" 1
check_contains "unknown key: file:line:col" "$err" "$INI:5:1: error: unknown key 'memroy' in [qemu]"
printf '[run]\nimage = x.img\narch = x86_64\nboot = grub\n' >"$INI"
yrun --dry-run
check_contains "bad boot: file:line" "$err" "$INI:4:1: error: boot = grub: expected direct, syslinux or none"
cp "$T_TMP/qemu.ini.gen" "$INI"

# --- boot tests against the fake console
yrun --boot-test
check_eq "boot test: exit 0" "$rc" 0
check_contains "boot test: the console is echoed" "$out" "Welcome"
check_contains "boot test: time to the match" "$err" "boot test passed: the console showed /login: *\$|[#\$] \$/ after"
check "boot test: poweroff was sent" test -s "$FAKE_LOG.poweroff"
check_eq "boot test: disk copy grown by 1 GiB" "$(stat -c %s "$P/$D/run/tiny-image.img")" $((64 * 1048576 + 1073741824))
check_eq "boot test: build output untouched" "$(cksum <"$IMG")" "$IMG_SUM"
check "disk copy: same bytes" cmp -n $((64 * 1048576)) "$IMG" "$P/$D/run/tiny-image.img"
blocks=$(stat -c %b "$P/$D/run/tiny-image.img")
check "disk copy: sparse ($blocks blocks)" test "$blocks" -lt 8192
follows_argv() { last_argv | grep -qx -- "$1"; }
check "boot test: boots the copy" follows_argv "file=$P/$D/run/tiny-image.img,format=raw,if=virtio"
check "boot test: -no-reboot" follows_argv -no-reboot
rm -f "$FAKE_LOG.poweroff"
yrun --boot-test -q --expect '^Welcome to yoe$' --expect '/ # $'
check_eq "custom --expect (ANSI and CR stripped), in order: exit 0" "$rc" 0
check_eq "-q: no console echo" "$out" ""
check_contains "custom --expect: the last one is reported" "$err" "showed // # \$/"
FAKE_MODE=login yrun --boot-test -q
check_eq "login prompt matches by default" "$rc" 0
yrun --boot-test -q --expect '/ # ' --expect 'Welcome' --timeout 1
check_eq "expectations out of order: exit 1" "$rc" 1
check_contains "out of order: names the one missing" "$err" "did not show /Welcome/ within 1 s"
t0=$(date +%s)
FAKE_MODE=silent yrun --boot-test --timeout 2
t1=$(date +%s)
check_eq "timeout: exit 1" "$rc" 1
check_contains "timeout: the error" "$err" "boot test failed: the console did not show /login: *\$|[#\$] \$/ within 2 s"
check_contains "timeout: the last console lines" "$err" "--- last 40 console lines ---
Linux version 6.1.0 (fake)
stuck here"
check "timeout: took about 2 s ($((t1 - t0)) s)" test $((t1 - t0)) -le 6
pid=$(cat "$FAKE_LOG.pid")
check "timeout: QEMU was killed" sh -c "! kill -0 $pid 2>/dev/null"
FAKE_MODE=die yrun --boot-test -q
check_eq "QEMU exits early: exit 1" "$rc" 1
check_contains "QEMU exits early: the error" "$err" "QEMU ended (exit status 1) after"
check_contains "QEMU exits early: console shown" "$err" "Kernel panic - not syncing"

# --keep-disk: what the guest wrote survives; without it the copy is fresh
printf 'USERDATA' | dd of="$P/$D/run/tiny-image.img" bs=1 seek=4096 conv=notrunc status=none
yrun --boot-test -q --keep-disk
check_contains "--keep-disk: says so" "$err" "reusing $D/run/tiny-image.img (--keep-disk)"
check_eq "--keep-disk: data kept" "$(dd if="$P/$D/run/tiny-image.img" bs=1 skip=4096 count=8 status=none)" USERDATA
yrun --boot-test -q --grow 0
check_eq "recopied: data gone" "$(dd if="$P/$D/run/tiny-image.img" bs=1 skip=4096 count=8 status=none | tr -d '\0')" ""
check_eq "--grow 0: same size" "$(stat -c %s "$P/$D/run/tiny-image.img")" $((64 * 1048576))

# a busy host port, and a QEMU still holding run/qemu.pid (python3 stands in)
if command -v python3 >/dev/null; then
  python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("", 0)); s.listen()
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(30)' "$T_TMP/port" &
  holder=$!
  i=0; while [ ! -s "$T_TMP/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  port=$(cat "$T_TMP/port")
  yrun --boot-test -q --port "$port:22"
  check_eq "busy host port: exit 1" "$rc" 1
  check_contains "busy host port: says so" "$err" "host port $port is in use"
  echo 4242 >"$P/$D/run/qemu.pid"
  python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "r+"); fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").write("locked")
time.sleep(30)' "$P/$D/run/qemu.pid" "$T_TMP/locked" &
  locker=$!
  i=0; while [ ! -s "$T_TMP/locked" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  yrun --boot-test -q
  check_eq "still running: exit 1" "$rc" 1
  check_contains "still running: names the pid" "$err" "tiny-image on qemu-x86_64 is already running (pid $locker,"
  kill "$holder" "$locker"
  wait "$holder" "$locker" 2>/dev/null
  rm -f "$P/$D/run/qemu.pid"
else
  echo "note: no python3; busy-port and running-guest tests skipped"
fi

# --- KVM probe (a regular file stands in for an openable /dev/kvm)
unset YOE_QEMU_ACCEL
case $(uname -m) in x86_64|aarch64|riscv64) host=$(uname -m) ;; *) host= ;; esac
if [ -n "$host" ]; then
  sed "s/^arch = .*/arch = $host/" "$T_TMP/qemu.ini.gen" >"$INI"
  QH=$FB/qemu-system-$host
  : >"$T_TMP/kvm"
  export YOE_KVM_DEVICE="$T_TMP/kvm"
  probes() { grep -c '^panic=-1$\|^console=ttyS0 panic=-1$\|^-snapshot$' "$FAKE_LOG"; }
  : >"$FAKE_LOG"
  YOE_KVM_DEVICE=$T_TMP/nonexistent yrun --dry-run
  follows -accel tcg
  check_contains "no /dev/kvm: TCG and why" "$err" "using TCG: cannot open $T_TMP/nonexistent"
  check_eq "no /dev/kvm: no probe" "$(probes)" 0
  FAKE_KVM=abort yrun --dry-run
  follows -accel tcg
  check_contains "KVM aborts: TCG and why" "$err" \
    "KVM probe failed (qemu aborted: failed to set MSR 0x10a to 0x69), using TCG; YOE_QEMU_ACCEL=kvm forces KVM"
  check_eq "KVM aborts: one probe" "$(probes)" 1
  check "probe boots the kernel" sh -c "grep -qx -- '-kernel' '$FAKE_LOG' && grep -qx -- 'console=ttyS0 panic=-1' '$FAKE_LOG'"
  check_contains "verdict cached" "$(cat "$XDG_CACHE_HOME/yoe/kvm-probe")" "qemu=$QH "
  check_contains "cache keyed by boot id" "$(cat "$XDG_CACHE_HOME/yoe/kvm-probe")" \
    "boot=$(cat /proc/sys/kernel/random/boot_id) "
  FAKE_KVM=ok yrun --dry-run
  follows -accel tcg
  check_eq "cached: no second probe" "$(probes)" 1
  check_contains "cached: says where" "$err" "verdict cached in $XDG_CACHE_HOME/yoe/kvm-probe"
  touch -d '2001-01-01' "$Q"   # a new QEMU binary: probe again
  FAKE_KVM=ok yrun --dry-run
  follows -accel kvm
  check_contains "KVM works: said" "$err" "using KVM (probe passed)"
  check_eq "new binary: probed again" "$(probes)" 2
  check_eq "cache: a line per binary" "$(grep -c "	ok	" "$XDG_CACHE_HOME/yoe/kvm-probe") $(grep -c "	fail	" "$XDG_CACHE_HOME/yoe/kvm-probe")" "1 1"
  FAKE_KVM=abort yrun --dry-run
  check_contains "KVM ok cached" "$err" "using KVM (probe passed earlier this boot)"
  rm -rf "$XDG_CACHE_HOME"
  FAKE_KVM=badkernel yrun --dry-run
  follows -accel tcg
  check_contains "unrelated failure: inconclusive" "$err" "KVM probe was inconclusive (qemu exit status 1: linux kernel too old"
  check "inconclusive: not cached" test ! -e "$XDG_CACHE_HOME/yoe/kvm-probe"
  # no kernel (syslinux): the probe boots a snapshot of the disk copy
  sed -e 's/^boot = .*/boot = syslinux/' -e '/^kernel = /d' "$INI" >"$T_TMP/ini" && mv "$T_TMP/ini" "$INI"
  FAKE_KVM=ok yrun --boot-test -q
  check_eq "disk probe, then boot test: exit 0" "$rc" 0
  check_contains "disk probe passed" "$err" "using KVM (probe passed)"
  check "disk probe used -snapshot" grep -qx -- -snapshot "$FAKE_LOG"
  check "disk probe: QEMU stopped" sh -c "! kill -0 $(cat "$FAKE_LOG.probepid") 2>/dev/null"
  rm -rf "$XDG_CACHE_HOME"
  t0=$(date +%s)
  FAKE_KVM=hang yrun --dry-run
  t1=$(date +%s)
  follows -accel tcg
  check_contains "KVM hangs: TCG and why" "$err" "KVM probe failed (the guest did not print its kernel banner within 10 s)"
  check "KVM hangs: gave up after ~10 s ($((t1 - t0)) s)" test $((t1 - t0)) -le 14
  check "KVM hangs: probe QEMU killed" sh -c "! kill -0 $(cat "$FAKE_LOG.probepid") 2>/dev/null"
  unset YOE_KVM_DEVICE
else
  echo "note: host arch $(uname -m) has no qemu-system binary yoe knows; KVM probe tests skipped"
fi
cp "$T_TMP/qemu.ini.gen" "$INI"
sed 's/^arch = .*/arch = riscv64/' "$T_TMP/qemu.ini.gen" >"$INI"
[ "$(uname -m)" = riscv64 ] || {
  yrun --dry-run
  check_contains "foreign arch: TCG and why" "$err" "riscv64 guests cannot use KVM on this"
}
finish
