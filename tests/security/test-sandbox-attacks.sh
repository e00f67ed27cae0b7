#!/bin/sh
# tests/security/test-sandbox-attacks.sh — the threat model's attacks on
# the build sandbox (rows 1, 3, 7, 11 of spec/threat-model.md), run through
# container-step with the bwrap runtime and container = host.
#
# Each rogue unit's step succeeds only if its attack succeeds, so a secure
# sandbox makes every build fail.  For each we check: the build failed, its
# build.log says why (the error the attack met), and nothing outside the
# unit's own directory changed.  A control unit with `network = True` shows
# the network probe really can succeed, so the test is able to fail.
#
# Run as root (as CI does), the whole set runs twice: as root and again as
# the unprivileged user nobody (setpriv), which is the path ordinary users
# take.  If unprivileged user namespaces are disabled here, that is said
# clearly and only the invoking user's run happens.
. "$(dirname "$0")/../lib/testlib.sh"
CS=$YOE_BIN/container-step
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
who="$(id -un) (uid $(id -u))"
export YOE_RUNTIME=bwrap

# Outside /tmp on purpose: a sandbox that merely hid /tmp would still show it.
W=$(mktemp -d /var/tmp/yoe-sec.XXXXXX) || exit 1
chmod 755 "$W"
if [ "$(id -u)" = 0 ] && [ -z "${YOE_SEC_INNER:-}" ]; then
  export YOE_SEC_SUID="$W/suid"
  mkdir -p "$YOE_SEC_SUID" && cp /bin/cat "$YOE_SEC_SUID/suid-cat" && chmod 4755 "$YOE_SEC_SUID/suid-cat"
fi
trap 'rm -rf "$T_TMP" "$W"; [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null; [ -n "${HOSTP:-}" ] && kill "$HOSTP" 2>/dev/null' EXIT
P=$W/proj H=$W/home
mkdir -p "$P/units" "$H/.config/yoe/keys"
echo 'project(name = "demo")' > "$P/PROJECT.star"
echo "home secret" > "$H/secret.txt"
echo "PRIVATE KEY" > "$H/.config/yoe/keys/demo.rsa"
chmod 600 "$H/.config/yoe/keys/demo.rsa"
cd "$P" || exit 1

# A loopback server the network attack tries to reach, and a host process
# the pid-namespace attack tries to see.
PORT=$((20000 + $$ % 20000))
python3 -c "
import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $PORT)); s.listen(8)
while True:
    c,_=s.accept(); c.sendall(b'hello from the host\n'); c.close()
" &
SRV=$!
sleep 30000 &
HOSTP=$!
sleep 0.3

snapshot() { # everything under W except the unit's own dir, plus host spots
  find "$W" -path "$P/build/demo/$1.x86_64" -prune -o -printf '%p %s %m %T@\n' | LC_ALL=C sort
  ls -la /var/tmp/pwned /usr/pwned /pwned 2>&1
}

# attack NAME REASON-REGEX STEP [extra ini lines] — the build must fail,
# its log must match REASON-REGEX, and nothing outside its dir may change.
attack() {
  name=$1 reason=$2 step=$3; shift 3
  d=build/demo/$name.x86_64
  mkdir -p "$d"
  { printf '[unit]\nname = %s\narch = x86_64\nshell = bash\ncontainer = host\n' "$name"
    printf '[env]\nPROJ = %s\nHOSTHOME = %s\nPORT = %s\nHOSTPID = %s\n' "$P" "$H" "$PORT" "$HOSTP"
    printf '[task attack]\n'
    for l in "$@"; do printf '%s\n' "$l"; done
    printf 'step = %s\n' "$step"; } > "$d/unit.ini"
  before=$(snapshot "$name")
  HOME=$H SECRET_TOKEN=hunter2 "$CS" "$d/unit.ini" >"$T_TMP/out" 2>&1
  rc=$?
  after=$(snapshot "$name")
  if [ $rc -eq 1 ] && [ -e "$d/build.log" ]; then pass; else fail "[$who] attack '$name' was not stopped (exit $rc)"; sed 's/^/    /' "$T_TMP/out"; fi
  if grep -Eq "$reason" "$d/build.log"; then pass; else
    fail "[$who] attack '$name': build.log does not say why (want /$reason/)"; sed 's/^/    /' "$d/build.log"; fi
  check_eq "[$who] attack '$name' changed nothing outside its unit dir" "$after" "$before"
  printf '  %-16s blocked: %s\n' "$name" "$(grep -Eo "$reason" "$d/build.log" | head -n 1)"
}

echo "attacks as $who:"
attack write-project 'No such file or directory' 'echo pwned >> $PROJ/PROJECT.star'
attack write-root 'Read-only file system' 'echo pwned > /usr/pwned'
attack write-host-tmp 'No such file or directory' 'echo pwned > /var/tmp/pwned'
attack read-home 'No such file or directory' 'cat $HOSTHOME/secret.txt'
attack read-key 'No such file or directory' 'cat $HOSTHOME/.config/yoe/keys/demo.rsa'
attack read-real-home 'No such file or directory' 'ls /root /home'
attack read-shadow 'no password hashes visible' 'grep -q "^root:" /etc/shadow && echo "got /etc/shadow" || { echo "no password hashes visible"; exit 1; }'
attack host-sockets 'No such file or directory' 'ls /run /var/run'
attack env-leak 'SECRET_TOKEN is not set' 'test -n "$SECRET_TOKEN" || { echo "SECRET_TOKEN is not set: the environment is an allow-list"; exit 1; }; echo "leaked $SECRET_TOKEN"'
attack network 'Network is unreachable|Connection refused' 'exec 3<>/dev/tcp/127.0.0.1/$PORT && cat <&3'
attack mount 'permission denied|must be superuser|Operation not permitted' 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted'
attack nested-userns 'No space left on device|Operation not permitted|Permission denied' 'unshare -Urm true && echo got-a-privileged-namespace'
attack mknod 'Operation not permitted' 'mknod /tmp/mem c 1 1 && echo made-a-device'
attack raw-device 'No such file or directory|Permission denied' 'head -c 16 /dev/sda /dev/vda /dev/nvme0n1 /dev/mem'
attack host-process 'No such process' 'kill -0 $HOSTPID && echo saw-host-process'
# A setuid-root binary (made by the root run, handed to the sandbox as a
# cache dir) must not give a step root's capabilities back.  Outside the
# sandbox it does, for root and nobody alike.
if [ -n "${YOE_SEC_SUID:-}" ]; then
  attack setuid 'setuid gave no capabilities' \
    '/suid/suid-cat /proc/self/status | grep -q "^CapEff:.*[1-9a-f]" && echo regained-caps || { echo "setuid gave no capabilities"; exit 1; }' \
    '[cache]' "/suid = $YOE_SEC_SUID" '[task attack]'
fi

# Control: the same network probe with network = True reaches the server,
# proving the probe can succeed and the test above can fail.
d=build/demo/net-control.x86_64; mkdir -p $d
printf '[unit]\nname = net-control\narch = x86_64\nshell = bash\n[task t]\nnetwork = True\nstep = exec 3<>/dev/tcp/127.0.0.1/%s && cat <&3\n' "$PORT" > $d/unit.ini
HOME=$H "$CS" $d/unit.ini >"$T_TMP/out" 2>&1
check_eq "[$who] network = True control reaches the loopback server" "$?" 0
check_contains "[$who] control read the server" "$(cat $d/build.log)" "hello from the host"

# Control: an ordinary build works in the same sandbox, as this user: it
# compiles and runs a C program, and ssh/TLS private dirs are empty.
d=build/demo/compile.x86_64; mkdir -p $d/src
printf 'int main(void) { return 0; }\n' > $d/src/m.c
printf '[unit]\nname = compile\narch = x86_64\n[task t]\nstep = cc -o m m.c && ./m && install -D m $DESTDIR/usr/bin/m\nstep = test -z "$(ls -A /etc/ssh 2>/dev/null)$(ls -A /etc/ssl/private 2>/dev/null)"\n' > $d/unit.ini
HOME=$H "$CS" $d/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "[$who] control: a normal build compiles and runs in the sandbox" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"
check "[$who] control: output staged" test -x $d/stage/usr/bin/m

# Row 11: a step that locks a directory (mode 000) in destdir cannot make
# the next build, or the owner's cleanup, fail.
d=build/demo/locker.x86_64; mkdir -p $d
printf '[unit]\nname = locker\narch = x86_64\n[task t]\nstep = mkdir -p $DESTDIR/locked/deep && touch $DESTDIR/locked/deep/f && chmod 000 $DESTDIR/locked/deep $DESTDIR/locked\n' > $d/unit.ini
HOME=$H "$CS" $d/unit.ini >"$T_TMP/out" 2>&1
HOME=$H "$CS" $d/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "[$who] rebuild after a step locked a destdir directory" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"

# Row 11: everything the builds left behind belongs to the invoking user and
# goes away with a plain rm -rf.
check_eq "[$who] no foreign-owned files in build/" "$(find "$P/build" ! -uid "$(id -u)" | wc -l)" 0
cp -r "$P/build" "$W/leftovers" && rm -rf "$W/leftovers"
check "[$who] rm -rf removes build output" test ! -e "$W/leftovers"

# Row 1: never --privileged, in any runtime's argv.
mkdir -p "$T_TMP/fakebin"
for e in podman docker; do printf '#!/bin/sh\nexit 0\n' > "$T_TMP/fakebin/$e"; chmod +x "$T_TMP/fakebin/$e"; done
for rt in bwrap podman docker; do
  out=$(PATH=$T_TMP/fakebin:$PATH "$CS" --runtime=$rt --print-argv build/demo/mount.x86_64/unit.ini 2>&1)
  [ $rt = bwrap ] || out=$(sed 's/^container = host$/container = alpine:3.21/' build/demo/mount.x86_64/unit.ini > "$T_TMP/oci.ini";
    cd "$P" && PATH=$T_TMP/fakebin:$PATH "$CS" --runtime=$rt --print-argv "$T_TMP/oci.ini" 2>&1)
  case $out in *--privileged*) fail "[$who] $rt argv has --privileged" ;; *cap-drop*) pass ;; *) fail "[$who] $rt argv lacks cap-drop: $out" ;; esac
done

# As root: run everything again as an ordinary user.
if [ "$(id -u)" = 0 ] && [ -z "${YOE_SEC_INNER:-}" ]; then
  as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
  if $as_nobody bwrap --unshare-all --unshare-user --ro-bind / / true 2>"$T_TMP/userns"; then
    YOE_SEC_INNER=1 $as_nobody env YOE_SEC_SUID="$YOE_SEC_SUID" HOME=/nonexistent PATH="$PATH" YOE_BIN="$YOE_BIN" YOE_TOP="${YOE_TOP:-}" \
      sh "$SELF" >"$T_TMP/inner" 2>&1
    cat "$T_TMP/inner"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T_TMP/inner" | tail -n 1)
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    if [ -n "$line" ]; then T_PASS=$((T_PASS + p)); T_FAIL=$((T_FAIL + f)); else fail "run as nobody printed no summary"; fi
  else
    echo "NOTE: unprivileged user namespaces are restricted on this machine ($(cat "$T_TMP/userns"));"
    echo "      bwrap cannot sandbox an ordinary user here, so the attacks ran as $who only."
    echo "      Enable them with: sysctl kernel.unprivileged_userns_clone=1 (Debian) or"
    echo "      sysctl kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu)."
  fi
fi
finish
