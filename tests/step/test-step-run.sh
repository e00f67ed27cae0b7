#!/bin/sh
# tests/step/test-step-run.sh — real container-step builds in bwrap with the
# host toolchain (container = host): a C library unit and an application
# unit that links against it through the sysroot; the step environment;
# the failure paths (failing step, sysroot conflict, escaping install_file,
# unknown template key) and Ctrl-C / SIGTERM during a long step.
. "$(dirname "$0")/../lib/testlib.sh"
CS=$YOE_BIN/container-step
P=$T_TMP/proj
mkdir -p "$P/units/greet" "$P/units/hello"
cd "$P" || exit 1
export YOE_RUNTIME=bwrap

# unit NAME [ini lines...] — writes build/demo/NAME.x86_64/unit.ini
unit() {
  n=$1; shift
  d=build/demo/$n.x86_64
  mkdir -p "$d/src"
  { printf '[unit]\nname = %s\nversion = 1.0\nrelease = 2\narch = x86_64\nmachine = qemu-x86_64\n' "$n"
    printf 'distro = demo\nconsole = ttyS0\nproject = demo\nproject_version = 0.1\nkey = k-%s\n' "$n"
    for l in "$@"; do printf '%s\n' "$l"; done; } > "$d/unit.ini"
}

# --- fixture: libgreet (static + shared, header, pkg-config file) ---------
cat > units/greet/greet.pc.in <<'PC'
prefix=/usr
Name: greet
Description: {{.name}} for {{.project}}
Version: {{.version}}
Cflags: -I${prefix}/include
Libs: -L${prefix}/lib -lgreet
PC
unit greet 'files_dir = units/greet' '[task build]' \
  'step = printf '\''int greet(void) { return 42; }\\n'\'' > greet.c' \
  'step = cc -fPIC -c greet.c -o greet.o && ar rcs libgreet.a greet.o && cc -shared -o libgreet.so greet.o' \
  'step = mkdir -p $DESTDIR$PREFIX/lib $DESTDIR$PREFIX/include\ncp libgreet.a libgreet.so $DESTDIR$PREFIX/lib/\necho '\''int greet(void)\;'\'' > $DESTDIR$PREFIX/include/greet.h' \
  'template = 0644 greet.pc.in $DESTDIR/usr/lib/pkgconfig/greet.pc'
"$CS" build/demo/greet.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "greet builds" "$?" 0
check "greet staged library" test -f build/demo/greet.x86_64/stage/usr/lib/libgreet.so
check_contains "template rendered" "$(cat build/demo/greet.x86_64/stage/usr/lib/pkgconfig/greet.pc)" "Description: greet for demo"
check_contains "build.json complete" "$(cat build/demo/greet.x86_64/build.json)" '"status": "complete"'
check_contains "build.json key" "$(cat build/demo/greet.x86_64/build.json)" '"key": "k-greet"'
check_contains "log step header" "$(cat build/demo/greet.x86_64/build.log)" "==> [build 2/4] cc -fPIC"

# --- fixture: hello links against greet through the sysroot --------------
mkdir -p build/demo/hello.x86_64/src
printf '#include <greet.h>\n#include <stdio.h>\nint main(void) { printf("%%d\\n", greet()); return 0; }\n' \
  > build/demo/hello.x86_64/src/hello.c
unit hello 'shell = bash' '[deps]' 'greet = build/demo/greet.x86_64/stage' '[task build]' \
  'step = test "$(pkg-config --modversion greet)" = 1.0' \
  'step = cc $CFLAGS hello.c $LDFLAGS -lgreet -o hello' \
  'step = [[ "$(LD_LIBRARY_PATH=$SYSROOT/usr/lib ./hello)" == 42 ]]' \
  'step = install -D -m 0755 hello $DESTDIR/usr/bin/hello' \
  'step = env | LC_ALL=C sort > $DESTDIR/env.txt'
SECRET_TOKEN=hunter2 "$CS" build/demo/hello.x86_64/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "hello builds against the sysroot" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"
check "sysroot holds greet's header" test -f build/demo/hello.x86_64/sysroot/usr/include/greet.h
check_eq "hello runs on the host" "$(LD_LIBRARY_PATH=build/demo/greet.x86_64/stage/usr/lib build/demo/hello.x86_64/stage/usr/bin/hello)" 42
keys=$(sed 's/=.*//' build/demo/hello.x86_64/stage/env.txt | grep -v '^_$\|^SHLVL$\|^PWD$\|^OLDPWD$' | tr '\n' ' ')
check_eq "environment is exactly the allow-list" "$keys" "ARCH CFLAGS CONSOLE CPPFLAGS DESTDIR DISTRO HOME LDFLAGS MACHINE NPROC PATH PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PREFIX SOURCE_DATE_EPOCH SRCDIR SYSROOT "
env_txt=$(cat build/demo/hello.x86_64/stage/env.txt)
check_contains "MACHINE set" "$env_txt" "MACHINE=qemu-x86_64"
check_contains "HOME is /tmp" "$env_txt" "HOME=/tmp"
case $env_txt in *hunter2*) fail "host variable leaked into the step" ;; *) pass ;; esac

# --- log truncated at each start ------------------------------------------
"$CS" build/demo/greet.x86_64/unit.ini >/dev/null 2>&1
check_eq "log truncated on rebuild" "$(grep -c '^==> unit greet' build/demo/greet.x86_64/build.log)" 1

# --- failing step: exit code, log tail, no later steps --------------------
unit failing '[task build]' 'step = echo first-output' 'step = echo boom-on-stderr >&2; exit 7' 'step = touch $DESTDIR/later'
"$CS" build/demo/failing.x86_64/unit.ini >"$T_TMP/out" 2>&1
rc=$?
out=$(cat "$T_TMP/out")
check_eq "failing step exits 1" "$rc" 1
check_contains "names the step and exit code" "$out" "task 'build' step 2/3 (build/demo/failing.x86_64/unit.ini:14) failed with exit code 7"
check_contains "shows the log tail" "$out" "boom-on-stderr"
check_contains "names the log" "$out" "full log: $P/build/demo/failing.x86_64/build.log"
check "later steps did not run" test ! -e build/demo/failing.x86_64/destdir/later
check_contains "build.json failed" "$(cat build/demo/failing.x86_64/build.json)" '"status": "failed"'
check "no stage from a failed build" test ! -e build/demo/failing.x86_64/stage

# --- sysroot conflict ------------------------------------------------------
mkdir -p build/demo/a.x86_64/stage/usr/include build/demo/b.x86_64/stage/usr/include
echo one > build/demo/a.x86_64/stage/usr/include/x.h
echo two > build/demo/b.x86_64/stage/usr/include/x.h
unit conflict '[deps]' 'liba = build/demo/a.x86_64/stage' 'libb = build/demo/b.x86_64/stage' '[task build]' 'step = true'
"$CS" build/demo/conflict.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "sysroot conflict fails" "$?" 1
check_contains "conflict names both units and the path" "$(cat "$T_TMP/out")" "units 'liba' and 'libb' both ship 'usr/include/x.h'"

# --- install_file escaping the files dir / destdir ------------------------
echo secret > "$P/secret.txt"
unit escape 'files_dir = units/hello' '[task build]' 'install = 0644 ../../secret.txt $DESTDIR/stolen'
"$CS" build/demo/escape.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "escaping install_file fails" "$?" 1
check_contains "says it escapes" "$(cat "$T_TMP/out")" "escapes the unit's files directory"
check "nothing installed" test ! -e build/demo/escape.x86_64/destdir/stolen
echo data > units/hello/data.txt
unit escape2 'files_dir = units/hello' '[task build]' 'install = 0644 data.txt $DESTDIR/../../../outside.txt'
"$CS" build/demo/escape2.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "install dest escaping destdir fails" "$?" 1
check "nothing written outside" test ! -e build/outside.txt
# a step plants a symlink in destdir; the host-side install must not follow it
unit planted 'files_dir = units/hello' '[task build]' "step = ln -s $P/units \$DESTDIR/etc" 'install = 0644 data.txt $DESTDIR/etc/pwned'
"$CS" build/demo/planted.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "install through a planted symlink fails" "$?" 1
check "planted symlink not followed" test ! -e units/pwned

# --- unknown template key -------------------------------------------------
printf 'hello {{.nosuchkey}}\n' > units/hello/bad.in
unit badtpl 'files_dir = units/hello' '[vars]' 'extra = x' '[task build]' 'template = 0644 bad.in $DESTDIR/etc/bad'
"$CS" build/demo/badtpl.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "unknown template key fails" "$?" 1
check_contains "names the key and file" "$(cat "$T_TMP/out")" "units/hello/bad.in:1: error: unknown template key 'nosuchkey'"
check "no half-written output" test ! -e build/demo/badtpl.x86_64/destdir/etc/bad

# --- Ctrl-C and SIGTERM during a long step: nothing left running ----------
for sig in INT TERM; do
  mark=$((40000 + $$ % 9000))$([ $sig = INT ] && echo 1 || echo 2)
  unit "long$sig" '[task build]' "step = sleep $mark & sleep $mark; echo never"
  "$CS" "build/demo/long$sig.x86_64/unit.ini" >"$T_TMP/out" 2>&1 &
  pid=$!
  i=0; while ! pgrep -f "sleep $mark" >/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  check "long step started ($sig)" pgrep -f "sleep $mark" >/dev/null
  t0=$(date +%s%N)
  kill -$sig $pid
  wait $pid; rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ $sig = INT ] && want=130 || want=143
  check_eq "SIG$sig exit status" "$rc" "$want"
  [ "$ms" -lt 2000 ] && pass || fail "SIG$sig took ${ms} ms to stop the sandbox"
  sleep 0.1
  check_eq "no process left after SIG$sig" "$(pgrep -f "sleep $mark" | wc -l)" 0
  check_contains "build.json cancelled ($sig)" "$(cat build/demo/long$sig.x86_64/build.json)" '"status": "cancelled"'
  check_contains "cancel reported" "$(cat "$T_TMP/out")" "cancelled by signal"
done

# --- the example in docs/step.md parses -----------------------------------
sed -n '/^```ini$/,/^```$/p' "$T_TOP/docs/step.md" | sed '1d;$d' > "$T_TMP/doc.ini"
"$CS" --check "$T_TMP/doc.ini" 2>"$T_TMP/out"
check_eq "docs/step.md example parses" "$?" 0; cat "$T_TMP/out"

# --- directories a step locks are unlocked for staging; modes recorded ---
unit locks '[task build]' 'step = mkdir -p $DESTDIR/proc $DESTDIR/a/b && touch $DESTDIR/a/b/f && chmod 0555 $DESTDIR/proc && chmod 000 $DESTDIR/a/b'
"$CS" build/demo/locks.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "build with locked dirs stages" "$?" 0
check_eq "original modes recorded in destdir.modes" "$(cat build/demo/locks.x86_64/destdir.modes 2>&1 | tr '\n' ' ')" "0000 a/b 0555 proc "
check "locked file staged" test -e build/demo/locks.x86_64/stage/a/b/f
unit nolocks '[task build]' 'step = mkdir -p $DESTDIR/a'
"$CS" build/demo/nolocks.x86_64/unit.ini >/dev/null 2>&1
check "no destdir.modes when nothing was locked" test ! -e build/demo/nolocks.x86_64/destdir.modes

# --- per-unit cache dirs persist between builds -----------------------------
unit cached '[cache]' '/build/cache = build/demo/cached.x86_64/cache' '[task build]' \
  'step = n=$(cat /build/cache/count 2>/dev/null || echo 0)\; echo $((n + 1)) > /build/cache/count'
"$CS" build/demo/cached.x86_64/unit.ini >/dev/null 2>&1
"$CS" build/demo/cached.x86_64/unit.ini >/dev/null 2>&1
check_eq "cache dir kept between builds" "$(cat build/demo/cached.x86_64/cache/count 2>&1)" 2

# --- Ctrl-C through ninja (it interrupts its running commands) -------------
if command -v ninja >/dev/null; then
  mark=$((50000 + $$ % 9000))4
  unit vianinja '[task build]' "step = sleep $mark"
  printf 'rule cs\n  command = %s $in\nbuild build/demo/vianinja.x86_64/build.json: cs build/demo/vianinja.x86_64/unit.ini\n' "$CS" > build.ninja
  ninja >"$T_TMP/ninja.out" 2>&1 &
  npid=$!
  i=0; while ! pgrep -f "sleep $mark" >/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  check "step running under ninja" pgrep -f "sleep $mark" >/dev/null
  kill -INT $npid; wait $npid
  check_contains "ninja reports the interrupt" "$(cat "$T_TMP/ninja.out")" "interrupted by user"
  i=0; while pgrep -f "sleep $mark" >/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
  check_eq "no process left after ninja was interrupted" "$(pgrep -f "sleep $mark" | wc -l)" 0
  # (ninja deletes the interrupted edge's output, build.json; the log stays)
  check_contains "log says cancelled under ninja" "$(cat build/demo/vianinja.x86_64/build.log)" "==> cancelled: cancelled by signal 2"
  rm -f build.ninja .ninja_log .ninja_deps
fi

# --- kill -9 of container-step still tears the sandbox down ---------------
mark=$((50000 + $$ % 9000))3
unit killed '[task build]' "step = sleep $mark"
"$CS" build/demo/killed.x86_64/unit.ini >/dev/null 2>&1 &
pid=$!
i=0; while ! pgrep -f "sleep $mark" >/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $pid; wait $pid 2>/dev/null
i=0; while pgrep -f "sleep $mark" >/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
check_eq "no process left after kill -9 of container-step" "$(pgrep -f "sleep $mark" | wc -l)" 0

# --- bwrap itself failing (user namespaces disabled) is explained ---------
mkdir -p "$T_TMP/fakebwrap"
printf '#!/bin/sh\n[ "$1" = --version ] && { echo bubblewrap 0.8.0; exit 0; }\necho "bwrap: No permissions to creating new namespace" >&2\nexit 1\n' > "$T_TMP/fakebwrap/bwrap"
chmod +x "$T_TMP/fakebwrap/bwrap"
PATH=$T_TMP/fakebwrap:$PATH "$CS" build/demo/greet.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "bwrap failure fails the build" "$?" 1
check_contains "and says how to enable user namespaces" "$(cat "$T_TMP/out")" "unprivileged user namespaces are disabled here"
"$CS" build/demo/greet.x86_64/unit.ini >/dev/null 2>&1  # restore greet for later checks

# --- command line ----------------------------------------------------------
# --- sources kept beside the .star file: $FILESDIR, read-only -------------
mkdir -p units/lib2
printf 'int two(void) { return 2; }\n' > units/lib2/two.c
unit lib2 'files = units/lib2' '[task build]' \
  'step = cc -c $FILESDIR/two.c -o two.o && mkdir -p $DESTDIR/usr/lib && cp two.o $DESTDIR/usr/lib/' \
  'step = if touch $FILESDIR/planted 2>/dev/null; then exit 1; fi'
"$CS" build/demo/lib2.x86_64/unit.ini >"$T_TMP/out" 2>&1
rc=$?; check_eq "a step compiles from \$FILESDIR" "$rc" 0; [ $rc = 0 ] || cat "$T_TMP/out"
check "object built from the files dir" test -f build/demo/lib2.x86_64/stage/usr/lib/two.o
check "files dir is read-only in the sandbox" test ! -e units/lib2/planted
unit nofiles '[task build]' 'step = test -z "${FILESDIR:-}" && test ! -e /build/files'
"$CS" build/demo/nofiles.x86_64/unit.ini >"$T_TMP/out" 2>&1
check_eq "no files dir: no FILESDIR" "$?" 0
check "--help" "$CS" --help >/dev/null
"$CS" --bogus >/dev/null 2>&1; check_eq "unknown option exits 2" "$?" 2
"$CS" --check build/demo/hello.x86_64/unit.ini; check_eq "--check parses" "$?" 0
"$CS" nonexist.ini 2>"$T_TMP/out"; check_contains "missing spec named" "$(cat "$T_TMP/out")" "nonexist.ini: cannot open unit spec"
YOE_RUNTIME=lxc "$CS" build/demo/greet.x86_64/unit.ini 2>"$T_TMP/out"
check_contains "unknown runtime" "$(cat "$T_TMP/out")" "\$YOE_RUNTIME: unknown runtime 'lxc'"

# --- as root (CI), everything again as the ordinary user nobody -----------
if [ "$(id -u)" = 0 ] && [ -z "${YOE_STEP_INNER:-}" ]; then
  as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
  if $as_nobody bwrap --unshare-all --unshare-user --ro-bind / / true 2>"$T_TMP/userns"; then
    cd / && YOE_STEP_INNER=1 $as_nobody env HOME=/nonexistent PATH="$PATH" YOE_BIN="$YOE_BIN" YOE_TOP="$T_TOP" \
      sh "$T_TOP/tests/step/test-step-run.sh" >"$T_TMP/inner" 2>&1
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
