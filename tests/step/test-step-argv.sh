#!/bin/sh
# tests/step/test-step-argv.sh — podman and docker have no engine here, so
# their code paths are tested by their exact argv (`--print-argv`, one
# argument per line) against golden files, and by running a build through a
# fake engine that records its argv and runs the step script itself.  Also
# checks runtime selection ($YOE_RUNTIME, config.ini, auto-detect) and the
# bwrap argv's invariants.
. "$(dirname "$0")/../lib/testlib.sh"
CS=$YOE_BIN/container-step
G=$T_TOP/tests/step/golden
P=$T_TMP/proj
FB=$T_TMP/fakebin
mkdir -p "$P/build/alpine/hello.arm64" "$FB"
cd "$P" || exit 1
# Fake engines: record argv, then run the script (`... /bin/sh -c SCRIPT`).
for e in podman docker; do
  cat > "$FB/$e" <<FAKE
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done > "$T_TMP/$e.argv"
for last; do :; done
exec sh -c "\$last"
FAKE
  chmod +x "$FB/$e"
done
cat > build/alpine/hello.arm64/unit.ini <<'INI'
[unit]
name = hello
version = 2.12
release = 1
arch = arm64
machine = raspberrypi4
distro = alpine
console = ttyS0
project = demo
project_version = 1.0
key = 0123456789abcdef0123456789abcdef
container = toolchain
container_image = yoe/toolchain-musl:19-arm64
shell = sh
source_date_epoch = 1700000000
[env]
GOCACHE = /build/cache/go
[cache]
/build/cache/go = build/alpine/hello.arm64/cache/go
[task build]
step = ./configure --prefix=$PREFIX \; make -j$NPROC
step = make install DESTDIR=$DESTDIR
[task fetch-mods]
network = true
container_image = golang:1.26
step = go mod download
INI
# golden files hold @P@ for the project dir and @UID@/@GID@
# (--userns=keep-id appears only for a non-root podman user: dropped here)
norm() { sed -e "s|$FB/|@FAKEBIN@/|" -e "/^--userns=keep-id$/d" -e "s|$P|@P@|g" -e "s|--user=$(id -u):$(id -g)|--user=@UID@:@GID@|" -e "s|^NPROC=.*|NPROC=@N@|; s|^--env=NPROC=.*|--env=NPROC=@N@|"; }
for rt in podman docker; do
  PATH=$FB:$PATH "$CS" --runtime=$rt --print-argv build/alpine/hello.arm64/unit.ini > "$T_TMP/$rt.out" 2>&1
  check_eq "$rt --print-argv exits 0" "$?" 0
  if [ -n "${UPDATE_GOLDEN:-}" ]; then norm < "$T_TMP/$rt.out" > "$G/$rt.argv"; fi
  got=$(norm < "$T_TMP/$rt.out")
  check_eq "$rt argv matches tests/step/golden/$rt.argv" "$got" "$(cat "$G/$rt.argv")"
  case $got in *--privileged*) fail "$rt argv has --privileged" ;; *) pass ;; esac
done

# The runtime is machine-local: the same spec, different runtime, same key.
check_contains "spec names no runtime" "$(grep -c runtime build/alpine/hello.arm64/unit.ini)" 0

# Runtime selection order: --runtime, $YOE_RUNTIME, config.ini, auto.
mkdir -p "$T_TMP/home/.config/yoe"
printf '[build]\nruntime = docker\n' > "$T_TMP/home/.config/yoe/config.ini"
first() { sed -n 2p; }
got=$(HOME=$T_TMP/home PATH=$FB:$PATH "$CS" --print-argv build/alpine/hello.arm64/unit.ini | first)
check_eq "config.ini chooses docker" "$got" "$FB/docker"
got=$(HOME=$T_TMP/home YOE_RUNTIME=podman PATH=$FB:$PATH "$CS" --print-argv build/alpine/hello.arm64/unit.ini | first)
check_eq "\$YOE_RUNTIME beats config.ini" "$got" "$FB/podman"
got=$(HOME=$T_TMP/home YOE_RUNTIME=podman PATH=$FB:$PATH "$CS" --runtime=docker --print-argv build/alpine/hello.arm64/unit.ini | first)
check_eq "--runtime beats \$YOE_RUNTIME" "$got" "$FB/docker"
mkdir -p "$T_TMP/onlypodman"; cp "$FB/podman" "$T_TMP/onlypodman/"
got=$(HOME=/nonexistent PATH=$T_TMP/onlypodman "$CS" --print-argv build/alpine/hello.arm64/unit.ini 2>&1 | first)
check_eq "auto-detect falls back to podman" "$got" "$T_TMP/onlypodman/podman"
out=$(HOME=/nonexistent PATH=/nonexistent "$CS" --print-argv build/alpine/hello.arm64/unit.ini 2>&1)
check_contains "no runtime at all is explained" "$out" "no sandbox runtime found: install bubblewrap"

# A real build through the fake engine: exit codes and logs flow back.
mkdir -p "$P/build/alpine/ok.x86_64"
cat > build/alpine/ok.x86_64/unit.ini <<'INI'
[unit]
name = ok
arch = x86_64
container = alpine:3.21
[task build]
step = echo in-the-container
step = exit 4
INI
PATH=$FB:$PATH "$CS" --runtime=docker build/alpine/ok.x86_64/unit.ini > "$T_TMP/out" 2>&1
check_eq "docker step failure exits 1" "$?" 1
check_contains "docker exit code reported" "$(cat "$T_TMP/out")" "failed with exit code 4"
check_contains "docker output logged" "$(cat build/alpine/ok.x86_64/build.log)" "in-the-container"
check_contains "external image used verbatim" "$(cat "$T_TMP/docker.argv")" "alpine:3.21"
check_contains "platform from the unit arch" "$(cat "$T_TMP/docker.argv")" "--platform=linux/amd64"

# Ctrl-C on the docker path: the client gets SIGTERM (then SIGKILL).
mark=$((60000 + $$ % 5000))
mkdir -p build/alpine/slow.x86_64
printf '[unit]\nname = slow\narch = x86_64\ncontainer = alpine:3.21\n[task build]\nstep = sleep %s\n' "$mark" > build/alpine/slow.x86_64/unit.ini
PATH=$FB:$PATH "$CS" --runtime=docker build/alpine/slow.x86_64/unit.ini >"$T_TMP/out" 2>&1 &
pid=$!
i=0; while ! pgrep -f "sleep $mark" >/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid; wait $pid; rc=$?
check_eq "docker path: Ctrl-C exits 130" "$rc" 130
sleep 0.2
check_eq "docker path: engine client stopped" "$(pgrep -f "sleep $mark" | wc -l)" 0

# container = host is bwrap-only; bwrap needs a rootfs for a container unit.
sed 's/^container = alpine:3.21$/container = host/' build/alpine/ok.x86_64/unit.ini > "$T_TMP/host.ini"
out=$(PATH=$FB:$PATH "$CS" --runtime=podman --print-argv "$T_TMP/host.ini" 2>&1)
check_contains "host container needs bwrap" "$out" "only the bwrap runtime provides"
out=$("$CS" --runtime=bwrap --print-argv build/alpine/ok.x86_64/unit.ini 2>&1)
check_contains "bwrap without rootfs explained" "$out" "has no unpacked rootfs for bwrap"

# bwrap argv invariants on this host.
sed 's/^container = alpine:3.21$/container = host/' build/alpine/ok.x86_64/unit.ini > build/alpine/ok.x86_64/unit.ini.new
mv build/alpine/ok.x86_64/unit.ini.new build/alpine/ok.x86_64/unit.ini
HOME=$P "$CS" --runtime=bwrap --print-argv build/alpine/ok.x86_64/unit.ini > "$T_TMP/bw" 2>&1
bw=$(cat "$T_TMP/bw")
for f in --unshare-all --unshare-user --die-with-parent --new-session --clearenv --remount-ro; do
  check_contains "bwrap has $f" "$bw" "$f"
done
check_eq "bwrap drops all caps" "$(grep -A1 -x -- --cap-drop "$T_TMP/bw" | sed -n 2p)" ALL
check_eq "bwrap runs as the invoking uid" "$(grep -A1 -x -- --uid "$T_TMP/bw" | sed -n 2p)" "$(id -u)"
check_eq "bwrap binds nothing from /home /root /var /run" "$(grep -cxE -- '/(home|root|var|run|srv|mnt|media)' "$T_TMP/bw")" 0
check_eq "bwrap never shares the network by default" "$(grep -cx -- --share-net "$T_TMP/bw")" 0

# Cross-arch with bwrap: a clear error when no qemu-user binfmt is there.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  mkdir -p "$P/rootfs-arm64/usr"
  sed -e 's/^arch = x86_64$/arch = arm64/' -e "s|^container = host|container = toolchain\ncontainer_rootfs = $P/rootfs-arm64|" \
    build/alpine/ok.x86_64/unit.ini > "$T_TMP/cross.ini"
  out=$("$CS" --runtime=bwrap --print-argv "$T_TMP/cross.ini" 2>&1)
  check_contains "cross-arch without binfmt explained" "$out" "apt-get install qemu-user-static"
fi
finish
