#!/bin/sh
# tests/step/test-step-container.sh — container units.  bwrap: a pinned
# rootfs tarball (a tiny one made here from the host's dash, cat and libc)
# is unpacked in a sandbox, setup steps run in it, the tree hash goes to
# container.id (unchanged on rebuild, for restat), and a unit whose
# container is that unit runs its steps inside that root, not the host's.
# podman/docker: the exact build/inspect argv, and a build through a fake
# engine.  A malicious tarball cannot write outside the new tree.
. "$(dirname "$0")/../lib/testlib.sh"
CS=$YOE_BIN/container-step
P=$T_TMP/proj
mkdir -p "$P/cache" "$P/build/demo/mini.x86_64" "$P/build/demo/user.x86_64"
cd "$P" || exit 1
export YOE_RUNTIME=bwrap

# A minimal root file system: sh, cat, ls and the libraries they load.
R=$T_TMP/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/dev"
for b in sh cat ls; do
  src=$(readlink -f "$(command -v $b)")
  cp "$src" "$R/bin/$b"
  ldd "$src" | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"; done
done
echo "mini" > "$R/etc/os-release"
echo "not a device" > "$R/dev/placeholder"
tar -C "$R" -czf cache/mini-rootfs.tar.gz .

cat > build/demo/mini.x86_64/unit.ini <<'INI'
[unit]
name = mini
version = 1
arch = x86_64
[container]
rootfs_tarball = cache/mini-rootfs.tar.gz
dockerfile = containers/mini/Dockerfile
image = yoe/mini:1-x86_64
setup = echo configured > /etc/configured
setup = cat /etc/os-release > /etc/issue
INI
"$CS" build/demo/mini.x86_64/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "container unit builds with bwrap" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"
check_eq "setup step ran in the rootfs" "$(cat build/demo/mini.x86_64/rootfs/etc/configured 2>&1)" configured
check_eq "second setup step too" "$(cat build/demo/mini.x86_64/rootfs/etc/issue 2>&1)" mini
check "dev/ entries are not unpacked" test ! -e build/demo/mini.x86_64/rootfs/dev/placeholder
id1=$(cat build/demo/mini.x86_64/container.id)
case $id1 in "rootfs "????????????????????????????????) pass ;; *) fail "container.id is '$id1'" ;; esac
m1=$(stat -c %Y.%y build/demo/mini.x86_64/container.id)
sleep 1
"$CS" build/demo/mini.x86_64/unit.ini >/dev/null 2>&1
check_eq "rebuild gives the same tree hash" "$(cat build/demo/mini.x86_64/container.id)" "$id1"
check_eq "unchanged container.id keeps its mtime" "$(stat -c %Y.%y build/demo/mini.x86_64/container.id)" "$m1"
check_contains "build.json complete" "$(cat build/demo/mini.x86_64/build.json)" '"status": "complete"'

# A unit built in that container sees its root, not the host's.
cat > build/demo/user.x86_64/unit.ini <<'INI'
[unit]
name = user
arch = x86_64
container = mini
container_rootfs = build/demo/mini.x86_64/rootfs
[task build]
step = cat /etc/configured /etc/os-release > $DESTDIR/seen
step = ls /usr/bin/gcc /usr/bin/bwrap > $DESTDIR/host-tools 2>&1 || echo none >> $DESTDIR/host-tools
INI
"$CS" build/demo/user.x86_64/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "unit runs in the container unit's rootfs" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"
check_eq "it saw the container's files" "$(cat build/demo/user.x86_64/stage/seen 2>&1 | tr '\n' ' ')" "configured mini "
check_contains "and none of the host's tools" "$(cat build/demo/user.x86_64/stage/host-tools 2>&1)" "none"

# As yoe gen writes it: no container_rootfs, the container unit in [deps]
# (it has no stage/; its container.id marks it) — the rootfs comes from it.
mkdir -p build/demo/user2.x86_64
printf '[unit]\nname = user2\narch = x86_64\ncontainer = toolchain\n[deps]\nmini = build/demo/mini.x86_64/stage\n[task build]\nstep = cat /etc/configured > $DESTDIR/seen\n' > build/demo/user2.x86_64/unit.ini
"$CS" build/demo/user2.x86_64/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "container found through [deps]" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"
check_eq "and used as the root" "$(cat build/demo/user2.x86_64/stage/seen 2>&1)" configured

# A failing setup step fails the container, leaving no half-built rootfs.
sed 's|^setup = cat /etc/os-release > /etc/issue$|setup = exit 9|' build/demo/mini.x86_64/unit.ini > build/demo/mini.x86_64/bad.ini
mkdir -p build/demo/bad.x86_64 && sed 's/^name = mini$/name = bad/' build/demo/mini.x86_64/bad.ini > build/demo/bad.x86_64/unit.ini
"$CS" build/demo/bad.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "failing setup step fails" "$?" 1
check_contains "says which" "$(cat "$T_TMP/out")" "container setup 2/2: exit 9 failed with exit code 9"
check "no rootfs left behind" test ! -e build/demo/bad.x86_64/rootfs -a ! -e build/demo/bad.x86_64/rootfs.tmp

# A malicious tarball: a symlink to a host directory, then a file through it.
python3 - "$P/cache/evil.tar" "$P/cache" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    l = tarfile.TarInfo("esc"); l.type = tarfile.SYMTYPE; l.linkname = sys.argv[2]; t.addfile(l)
    d = b"pwned\n"; f = tarfile.TarInfo("esc/pwned"); f.size = len(d); t.addfile(f, io.BytesIO(d))
    f = tarfile.TarInfo("../../pwned-up"); f.size = len(d); t.addfile(f, io.BytesIO(d))
PY
mkdir -p build/demo/evil.x86_64
printf '[unit]\nname = evil\narch = x86_64\n[container]\nrootfs_tarball = cache/evil.tar\n' > build/demo/evil.x86_64/unit.ini
"$CS" build/demo/evil.x86_64/unit.ini >"$T_TMP/out" 2>&1
check "malicious tarball wrote nothing through its symlink" test ! -e cache/pwned
check "nor above the tree" test ! -e build/demo/pwned-up -a ! -e build/pwned-up -a ! -e pwned-up

# A container for another arch needs qemu-user binfmt with bwrap.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  mkdir -p build/demo/mini.arm64
  sed 's/^arch = x86_64$/arch = arm64/' build/demo/mini.x86_64/unit.ini > build/demo/mini.arm64/unit.ini
  "$CS" build/demo/mini.arm64/unit.ini >"$T_TMP/out" 2>&1
  check_eq "cross-arch container without binfmt fails" "$?" 1
  check_contains "and says what to install" "$(cat "$T_TMP/out")" "install qemu-user-static and binfmt-support"
fi

# podman / docker: build from the Dockerfile, then the image id.
FB=$T_TMP/fakebin; mkdir -p "$FB" containers/mini
echo 'FROM alpine:3.21' > containers/mini/Dockerfile
for e in podman docker; do
  cat > "$FB/$e" <<FAKE
#!/bin/sh
echo "\$*" >> "$T_TMP/$e.calls"
[ "\$1" = image ] && echo sha256:0123abcd
exit 0
FAKE
  chmod +x "$FB/$e"
  out=$(PATH=$FB:$PATH "$CS" --runtime=$e --print-argv build/demo/mini.x86_64/unit.ini 2>&1 | sed "s|$P|@P@|g; s|$FB/||")
  want=$(printf '# build image\n%s\nbuild\n--platform=linux/amd64\n--tag=yoe/mini:1-x86_64\n--file=@P@/containers/mini/Dockerfile\n@P@/containers/mini\n# image id\n%s\nimage\ninspect\n--format={{.Id}}\nyoe/mini:1-x86_64' $e $e)
  check_eq "$e container argv" "$out" "$want"
  PATH=$FB:$PATH "$CS" --runtime=$e build/demo/mini.x86_64/unit.ini >"$T_TMP/out" 2>&1
  check_eq "$e container build runs" "$?" 0
  check_eq "$e image id recorded" "$(cat build/demo/mini.x86_64/container.id)" "image sha256:0123abcd"
  out=$(PATH=$FB:$PATH "$CS" --runtime=$e --print-argv build/demo/user2.x86_64/unit.ini 2>&1)
  check_contains "$e runs a dependent in the exact image id" "$out" "$(printf '\nsha256:0123abcd\n/bin/sh')"
done
# As root (CI), everything again as the ordinary user nobody.
if [ "$(id -u)" = 0 ] && [ -z "${YOE_STEP_INNER:-}" ]; then
  as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
  if $as_nobody bwrap --unshare-all --unshare-user --ro-bind / / true 2>"$T_TMP/userns"; then
    cd / && YOE_STEP_INNER=1 $as_nobody env HOME=/nonexistent PATH="$PATH" YOE_BIN="$YOE_BIN" YOE_TOP="$T_TOP" \
      sh "$T_TOP/tests/step/test-step-container.sh" >"$T_TMP/inner" 2>&1
    sed 's/^/  [nobody] /' "$T_TMP/inner" | grep -v ' passed, ' || true
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T_TMP/inner" | tail -n 1)
    echo "as nobody: ${line:-no summary}"
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    if [ -n "$line" ]; then T_PASS=$((T_PASS + p)); T_FAIL=$((T_FAIL + f)); else fail "run as nobody printed no summary"; fi
  else
    echo "NOTE: unprivileged user namespaces are restricted here ($(cat "$T_TMP/userns")); ran as root only."
  fi
fi
finish
