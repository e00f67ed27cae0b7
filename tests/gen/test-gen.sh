#!/bin/sh
# tests/gen/test-gen.sh — `yoe gen` end to end with test doubles of the
# helpers (tests/gen/doubles, selected with YOE_LIBEXEC): the exact
# build.ninja, a full build, no-op rebuilds, the regeneration matrix,
# restat stopping a rebuild wave, Make parity, subninja and several machines.
. "$(dirname "$0")/../lib/testlib.sh"

export YOE_LIBEXEC="$T_TOP/tests/gen/doubles"
export HOME="$T_TMP/home"
export YOE_DOUBLE_LOG="$T_TMP/helpers.log"
unset CI MAKEFLAGS MAKELEVEL MFLAGS
P="$T_TMP/p"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$P"
cd "$P" || exit 1

# normalise: absolute paths that differ between machines
norm() { sed -e "s|$T_TOP|@TOP@|g" -e "s|$T_TMP|@TMP@|g"; }
# ran RULE NAME: did the last ninja run an edge "RULE NAME"?
ran() { ninja_edges "$T_TMP/ninja.out" | grep -qx "$1 $2"; }
nin() { ninja "$@" >"$T_TMP/ninja.out" 2>&1; }
# built: the sorted list of BUILD/PACKAGE/INDEX/IMAGE/REGEN edges the last ninja ran
built() { ninja_edges "$T_TMP/ninja.out" | sort | tr '\n' ';'; }

out=$("$YOE" gen 2>&1); rc=$?
check_eq "gen succeeds" "$rc" 0
check_contains "gen prints its summary" "$out" "yoe gen: 6 units, 17 edges, 1 machine,"
norm <build.ninja >"$T_TMP/build.ninja.norm"
if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$T_TMP/build.ninja.norm" "$T_TOP/tests/gen/golden/basic.ninja"; fi
if diff -u "$T_TOP/tests/gen/golden/basic.ninja" "$T_TMP/build.ninja.norm" >"$T_TMP/diff"; then pass; else
  fail "build.ninja matches tests/gen/golden/basic.ninja (UPDATE_GOLDEN=1 to refresh)"; head -40 "$T_TMP/diff"; fi
cp build.ninja "$T_TMP/first.ninja"
"$YOE" gen >/dev/null 2>&1
check "gen is deterministic" cmp -s build.ninja "$T_TMP/first.ninja"
# ...and independent of where the project lives: keys and paths are relative
cp -r "$T_TOP/tests/gen/fixtures/basic" "$T_TMP/elsewhere"
(cd "$T_TMP/elsewhere" && "$YOE" gen >/dev/null 2>&1)
check "same build.ninja in another directory" cmp -s "$T_TMP/elsewhere/build.ninja" "$T_TMP/first.ninja"
check "unit spec written" test -f build/alpine/greet.x86_64/unit.ini
check "image spec written" test -f build/alpine/base-image.qemu-x86_64/image.ini

nin all; rc=$?
check_eq "ninja all builds" "$rc" 0
check "image built" test -f build/alpine/base-image.qemu-x86_64/base-image.img
check "package built" test -f repo/gentest/alpine/x86_64/greet-1.0-r0.apk
check "noarch package built" test -f repo/gentest/alpine/noarch/notes-1.0-r0.apk
check_contains "image holds every closure package" "$(cat build/alpine/base-image.qemu-x86_64/base-image.img)" "zlib-1.3.1-r0.apk"
nin -n all
check_contains "second ninja: no work" "$(cat "$T_TMP/ninja.out")" "no work to do"
check_contains "no missing deps" "$(ninja -t missingdeps 2>&1)" "No missing dependencies"
# stage order inside one unit: fetch before unpack before build before package
order=$(grep -n 'zlib' "$YOE_DOUBLE_LOG" | cut -f1-2 | tr '\n' ' ')
check_contains "zlib stages in order" "$order" "fetch-and-verify	fetch"
grep -n . "$YOE_DOUBLE_LOG" | grep -E 'zlib' | cut -d: -f1 | tr '\n' ' ' >"$T_TMP/zl"
first_fetch=$(grep -n 'fetch	--url	https://example.com/zlib' "$YOE_DOUBLE_LOG" | cut -d: -f1)
first_build=$(grep -n 'container-step	build/alpine/zlib' "$YOE_DOUBLE_LOG" | cut -d: -f1)
first_pack=$(grep -n 'apk-sign	pack.*zlib' "$YOE_DOUBLE_LOG" | head -1 | cut -d: -f1)
check "fetch < build < package" test "$first_fetch" -lt "$first_build" -a "$first_build" -lt "$first_pack"

# 1. edit one unit's step: that unit, its package, the index and the image
sed -i 's/"hi"/"hey"/' units/greet.star
nin all
check_eq "step edit rebuilds exactly greet's chain" "$(built)" \
  "BUILD greet;IMAGE base-image;INDEX repo/gentest/alpine/x86_64/APKINDEX.tar.gz;PACKAGE greet;REGEN build.ninja;"

# 2. edit the class: every unit using it rebuilds; their packages do not
#    change (restat), so no index and no image run
sed -i 's|^        \])\],|            "true",\n        ])],|' modules/core/classes/simple.star
nin all
check_eq "class edit rebuilds its users, restat stops the wave" "$(built)" \
  "BUILD greet;BUILD libgreet;BUILD notes;PACKAGE greet;PACKAGE libgreet;PACKAGE notes;REGEN build.ninja;"
# the index lists what the images install: a unit in no image (machinfo)
# is built by `world`, never by an image (nor fetched for one)
check "a unit in no image is not built for the image" test ! -e build/alpine/machinfo.x86_64/build.json
check_contains "the index lists the image's packages only" \
  "$(grep '^build repo/gentest/alpine/x86_64/APKINDEX' build.ninja)" "greet-1.0-r0.apk"
case $(grep '^build repo/gentest/alpine/x86_64/APKINDEX' build.ninja) in
  *machinfo*) fail "index leaves out packages no image installs" ;; *) pass ;; esac
nin world
check "world builds the unit in no image" test -e build/alpine/machinfo.x86_64/build.json

# 2b. greet needs zlib in its sysroot (libgreet's runtime dep) but its
#     build edge lists only libgreet, whose edge lists zlib: a zlib change
#     still rebuilds greet, after libgreet
case $(grep '^build build/alpine/greet.x86_64/build.json' build.ninja) in
  *zlib*) fail "greet's edge leaves zlib to libgreet's" ;; *libgreet*) pass ;; *) fail "greet lists libgreet" ;; esac
check_contains "greet's sysroot still gets zlib" "$(cat build/alpine/greet.x86_64/unit.ini)" "zlib = build/alpine/zlib.x86_64/stage"
sed -i 's|echo z >|echo zz >|' modules/core/units/libs/zlib/../zlib.star
nin all
check_eq "a zlib change rebuilds libgreet and greet" "$(built)" \
  "BUILD greet;BUILD libgreet;BUILD zlib;IMAGE base-image;INDEX repo/gentest/alpine/x86_64/APKINDEX.tar.gz;PACKAGE greet;PACKAGE libgreet;PACKAGE zlib;REGEN build.ninja;"
check_eq "...in order" "$(ninja_edges "$T_TMP/ninja.out" | grep '^BUILD' | tr '\n' ';')" \
  "BUILD zlib;BUILD libgreet;BUILD greet;"

# 3. add a unit file: regenerates, and the new target exists
printf 'load("@core//classes/simple.star", "simple")\nsimple("extra", "x")\n' >units/extra.star
nin extra; rc=$?
check_eq "new unit target builds" "$rc" 0
check "new unit packaged" test -f repo/gentest/alpine/x86_64/extra-1.0-r0.apk
check "regen ran for the new file" ran REGEN build.ninja
nin all

# 4. touch a .star without changing it: regenerates, rebuilds nothing
sleep 1; touch units/greet.star
nin all
check_eq "touch regenerates only" "$(built)" "REGEN build.ninja;"
nin -n all
check_contains "...and then settles" "$(cat "$T_TMP/ninja.out")" "no work to do"

# 5. delete a unit file: regenerates once, no loop
rm units/extra.star
nin all
check "delete regenerates" ran REGEN build.ninja
nin all
check_contains "no regen loop after delete" "$(cat "$T_TMP/ninja.out")" "no work to do"
check "deleted unit is gone" sh -c '! ninja -t query extra >/dev/null 2>&1'

# 6. a manual gen with nothing changed leaves ninja with nothing to do
"$YOE" gen >/dev/null
nin -n all
check_contains "manual gen then ninja: no work" "$(cat "$T_TMP/ninja.out")" "no work to do"

# 6b. ...and writes no file at all: build.ninja, the specs, the key texts
#     and gen's cache keep their mtimes (gen's cache makes that a stat each)
touch "$T_TMP/marker"; sleep 0.1
"$YOE" gen >/dev/null
check_eq "unchanged gen writes nothing" \
  "$(find . -newer "$T_TMP/marker" -type f ! -name '.ninja_*' | sort | tr '\n' ' ')" ""
check "the regeneration inputs are in build.ninja, no depfile" test ! -e build.ninja.d

# 6c. new spec files are created in place, still 0644 under any umask;
#     `ninja -t clean` leaves the regeneration inputs (phony sources) alone;
#     a deleted patch regenerates once (not ninja's "missing and no known
#     rule", and no regeneration loop)
U="$T_TMP/umask"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$U"
(cd "$U" && umask 077 && "$YOE" gen >/dev/null) || fail "gen under umask 077"
check_eq "unit.ini is 0644 under umask 077" "$(stat -c %a "$U/build/alpine/greet.x86_64/unit.ini")" 644
check_eq "key.txt is 0644 under umask 077" "$(stat -c %a "$U/build/alpine/greet.x86_64/key.txt")" 644
check_eq "build.ninja is 0644 under umask 077" "$(stat -c %a "$U/build.ninja")" 644
(cd "$U" && ninja -t clean >/dev/null 2>&1)
check "ninja -t clean keeps unit files" test -f "$U/units/greet.star"
check "ninja -t clean keeps patches" test -f "$U/modules/core/units/libs/zlib/0001-fix.patch"
rm "$U/modules/core/units/libs/zlib/0001-fix.patch"
out=$(cd "$U" && ninja zlib 2>&1); rc=$?
check_eq "deleted patch: the (double) build goes on" "$rc" 0
check_contains "deleted patch: regenerates first" "$out" "REGEN build.ninja"
out=$(cd "$U" && ninja -n zlib 2>&1)
check_contains "deleted patch: no regeneration loop" "$out" "no work to do"
cp "$T_TOP/tests/gen/fixtures/basic/modules/core/units/libs/zlib/0001-fix.patch" \
  "$U/modules/core/units/libs/zlib/"
out=$(cd "$U" && ninja zlib 2>&1)
check_contains "restored patch: regenerates" "$out" "REGEN build.ninja"
check_contains "restored patch: unpacks again" "$out" "UNPACK build/alpine/zlib.x86_64/unpack.stamp"

# 6d. units named like an input of gen ("units") or a fixed alias ("all")
#     lose their alias instead of breaking build.ninja
N="$T_TMP/names"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$N"
printf 'load("@core//classes/simple.star", "simple")\nsimple("units", "x")\nsimple("all", "y")\n' \
  >"$N/units/extra.star"
(cd "$N" && "$YOE" gen >/dev/null) || fail "gen with units named units and all"
check "units/ stays a plain input, no alias" sh -c "! grep -q '^build units: phony' '$N/build.ninja'"
check_eq "all stays the default images" "$(grep '^build all: ' "$N/build.ninja")" \
  "build all: phony build/alpine/base-image.qemu-x86_64/base-image.img"
check "ninja reads it" sh -c "cd '$N' && ninja -n >/dev/null 2>&1"

# 7. Make parity: the same helper commands for a target, from a fresh tree
F="$T_TMP/fresh"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$F"
(cd "$F" && "$YOE" gen >/dev/null && "$YOE" gen --format make -o yoe.mk >/dev/null) || fail "gen for make parity"
check "make fragment written" test -f "$F/yoe.mk"
for t in greet base-image notes; do
  (cd "$F" && ninja -t commands "$t" | sort) >"$T_TMP/n.cmds"
  (cd "$F" && make --no-print-directory -n -f yoe.mk "$t" 2>&1 | sort) >"$T_TMP/m.cmds"
  if cmp -s "$T_TMP/n.cmds" "$T_TMP/m.cmds"; then pass; else
    fail "make -n and ninja -t commands agree for $t"; diff "$T_TMP/n.cmds" "$T_TMP/m.cmds" | head -10; fi
done
(cd "$F" && make -f yoe.mk -j2 greet >/dev/null 2>&1); rc=$?
check_eq "make builds greet" "$rc" 0
check "make produced the package" test -f "$F/repo/gentest/alpine/x86_64/greet-1.0-r0.apk"
# Make ignores command lines: the specs are its prerequisites, so a step
# edit (which changes greet's unit.ini) rebuilds greet
sleep 1
sed -i 's/"hi"/"hey there"/' "$F/units/greet.star"
(cd "$F" && "$YOE" gen --format make -o yoe.mk >/dev/null) || fail "make: regen"
out=$(cd "$F" && make --no-print-directory -n -f yoe.mk greet 2>&1)
check_contains "make: a step edit rebuilds the unit" "$out" "o=build/alpine/greet.x86_64/build.json && YOE_UNIT_KEY="
check_contains "make: ...and repackages it" "$out" "apk-sign pack"
(cd "$F" && make -f yoe.mk -j2 greet >/dev/null 2>&1) || fail "make: rebuild greet"
check_contains "make: the package has the new text" "$(cat "$F/repo/gentest/alpine/x86_64/greet-1.0-r0.apk")" "hey there"

# 8. subninja from an enclosing build in another directory (at another
#    depth: the commands must strip its path to the project again)
O="$T_TMP/a/b/outer"
mkdir -p "$O"
S="$T_TMP/sub"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$S"
(cd "$O" && "$YOE" -C "$S" gen --subninja >/dev/null) || fail "gen --subninja"
check "subninja file written in the build dir" test -f "$O/yoe.ninja"
check "subninja has no regen edge" sh -c "! grep -q '^rule regen' '$O/yoe.ninja'"
check "subninja has no default" sh -c "! grep -q '^default' '$O/yoe.ninja'"
printf 'subninja yoe.ninja\nbuild outer: phony yoe-greet\ndefault outer\n' >"$O/build.ninja"
(cd "$O" && ninja >"$T_TMP/ninja.out" 2>&1); rc=$?
check_eq "enclosing ninja builds a prefixed target" "$rc" 0
check "...into the project's tree" test -f "$S/repo/gentest/alpine/x86_64/greet-1.0-r0.apk"

# 9. several machines in one file: shared arch units, per-machine images
M="$T_TMP/multi"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$M"
rm "$M/units/machinfo.star"
out=$(cd "$M" && "$YOE" gen --machine qemu-x86_64 --machine pc2 2>&1); rc=$?
check_eq "two x86_64 machines" "$rc" 0
check_eq "arch-scoped unit shared between them" "$(grep -c '^build build/alpine/greet.x86_64/build.json' "$M/build.ninja")" 1
check "image-pc2 target" grep -q '^build image-pc2: phony' "$M/build.ninja"
check "machine alias image-pc" grep -q '^build image-pc: phony build/alpine/base-image.qemu-x86_64' "$M/build.ninja"
out=$(cd "$M" && "$YOE" gen --all-machines 2>&1); rc=$?
check_eq "--all-machines" "$rc" 0
check_contains "--all-machines counts three" "$out" "3 machines"
check "arm64 packages go to aarch64" grep -q 'repo/gentest/alpine/aarch64/greet-1.0-r0.apk' "$M/build.ninja"

# 10. one output, two different edges: an error naming both units
cp "$M/build.ninja" "$T_TMP/before.ninja"
cp "$T_TOP/tests/gen/fixtures/basic/units/machinfo.star" "$M/units/"
err=$(cd "$M" && "$YOE" gen --machine qemu-x86_64 --machine pc2 2>&1); rc=$?
check_eq "conflicting edges fail" "$rc" 1
check_contains "conflict names the output" "$err" "two different edges write repo/gentest/alpine/x86_64/machinfo-1.0-r0.apk"
check "failed gen leaves build.ninja alone" cmp -s "$M/build.ninja" "$T_TMP/before.ninja"

# 11. yoe explain: which key input changed since the last build
cd "$P" || exit 1
nin all
out=$("$YOE" explain greet 2>&1)
check_contains "explain: unchanged after a build" "$out" "key inputs are unchanged"
sed -i 's/"hey"/"hello there"/' units/greet.star
out=$("$YOE" explain greet 2>&1)
check_contains "explain names the changed step" "$out" '"echo hey > $DESTDIR/usr/share/greet/text" -> "echo hello there > $DESTDIR/usr/share/greet/text"'
check_contains "explain names the changed file" "$out" 'star/-#2: "units/greet.star '
out=$("$YOE" explain libgreet 2>&1)
check_contains "explain: other units unchanged" "$out" "key inputs are unchanged"
out=$("$YOE" explain nosuchunit 2>&1); rc=$?
check_eq "explain unknown unit exit" "$rc" 1
check_contains "explain unknown unit message" "$out" "no unit named 'nosuchunit'"

# 12. golden build.ninja for every fixture project of the model tests
for fx in "$T_TOP"/tests/model/fixtures/*/; do
  n=$(basename "$fx")
  [ -f "$fx/PROJECT.star" ] || continue
  rm -rf "$T_TMP/fx"; cp -r "$fx" "$T_TMP/fx"
  if ! (cd "$T_TMP/fx" && "$YOE" gen >/dev/null 2>"$T_TMP/fx.err"); then
    # fixtures that are meant to fail evaluation have no build file
    check "model fixture $n: error is located" grep -q ':[0-9]*:[0-9]*: error:\|yoe: error:' "$T_TMP/fx.err"
    continue
  fi
  sed -e "s|$T_TOP|@TOP@|g" -e "s|$T_TMP|@TMP@|g" "$T_TMP/fx/build.ninja" >"$T_TMP/fx.norm"
  g="$T_TOP/tests/gen/golden/model-$n.ninja"
  [ -z "${UPDATE_GOLDEN:-}" ] || cp "$T_TMP/fx.norm" "$g"
  if diff -u "$g" "$T_TMP/fx.norm" >"$T_TMP/diff" 2>&1; then pass; else
    fail "model fixture $n: build.ninja matches $g"; head -20 "$T_TMP/diff"; fi
done

# 12b. containers, the signing key and spec-only changes, built with the
#      doubles: cb's build edge does not list the container (its dep ca
#      does); package edges wait for the key through the container edge
R="$T_TMP/ctr"
cp -r "$T_TOP/tests/gen/fixtures/basic" "$R"
mkdir -p "$R/containers"
printf 'unit(name = "tc", version = "1", unit_class = "container", scope = "arch",\n    tasks = [task("build", steps = ["true"])])\n' >"$R/containers/tc.star"
for u in ca cb; do
  d=''; [ $u = cb ] && d='deps = ["ca"], '
  printf 'unit(name = "%s", version = "1.0", container = "tc", container_arch = "target", %stasks = [task("build", steps = ["mkdir -p $DESTDIR/%s"])])\n' \
    $u "$d" $u >"$R/units/$u.star"
done
(cd "$R" && "$YOE" gen >/dev/null 2>"$T_TMP/ctr.err") || { fail "gen with a container"; cat "$T_TMP/ctr.err"; }
rnin() { (cd "$R" && ninja "$@") >"$T_TMP/ninja.out" 2>&1; }
case $(grep '^build build/alpine/cb.x86_64/build.json' "$R/build.ninja") in
  *container.id*) fail "a unit whose dep runs after the container does not list it" ;;
  *ca.x86_64/build.json*) pass ;; *) fail "cb's build edge lists ca" ;; esac
check "ca lists the container" grep -q '^build build/alpine/ca.x86_64/build.json: build | build/alpine/tc.x86_64/container.id$' "$R/build.ninja"
check "the container edge waits for the key" \
  grep -q '^build build/alpine/tc.x86_64/container.id: container || repo/gentest/alpine/keys/gentest.rsa.pub$' "$R/build.ninja"
check "ca's package edge does not" grep -q '^build repo/gentest/alpine/x86_64/ca-1.0-r0.apk: package build/alpine/ca.x86_64/build.json$' "$R/build.ninja"
rnin -n cb
ninja_edges "$T_TMP/ninja.out" >"$T_TMP/order"
check_eq "fresh build order" "$(tr '\n' ';' <"$T_TMP/order")" \
  "KEY repo/gentest/alpine/keys/gentest.rsa.pub;CONTAINER tc;BUILD ca;BUILD cb;PACKAGE cb;"
rnin cb; rc=$?
check_eq "the container project builds" "$rc" 0
sed -i 's/version = "1"/version = "2"/' "$R/containers/tc.star"
rnin cb
check_eq "a changed container rebuilds itself, the unit listing it and the one reaching it through a dep" \
  "$(built)" "BUILD ca;BUILD cb;CONTAINER tc;PACKAGE cb;REGEN build.ninja;"
rnin -n cb
check_contains "...then settles" "$(cat "$T_TMP/ninja.out")" "no work to do"
# the project's version is in every unit.ini but in no unit key: the spec
# hash on the command line rebuilds the units anyway
keys() { grep -A1 ': \(build\|container\)\( \|$\)' "$R/build.ninja" |
  sed -n 's/^  env = YOE_UNIT_KEY=\([0-9a-f]*\) .*/\1/p' | sort | tr '\n' ' '; }
k0=$(keys)
sed -i 's/version = "1.0",$/version = "1.1",/' "$R/PROJECT.star"
rnin cb
check_eq "a project version bump changes no unit key" "$(keys)" "$k0"
check_eq "(keys of ca, cb, tc and the basic units compared)" "$(echo $k0 | wc -w)" 8
check_eq "...but rebuilds the units (their spec changed)" "$(built)" \
  "BUILD ca;BUILD cb;CONTAINER tc;PACKAGE cb;REGEN build.ninja;"
check_contains "...with the new version in the spec" \
  "$(cat "$R/build/alpine/cb.x86_64/unit.ini")" "project_version = 1.1"

# 13. bad input
err=$("$YOE" gen --format xml 2>&1); rc=$?
check_eq "bad --format is a usage error" "$rc" 2
check_contains "bad --format message" "$err" "--format takes ninja or make"
printf 'unit(name = "broken", version = 1)\n' >"$P/units/broken.star"
err=$("$YOE" gen 2>&1); rc=$?
check_eq "evaluation error fails gen" "$rc" 1
check_contains "error has file:line:col" "$err" "units/broken.star:1:"
rm "$P/units/broken.star"
finish
