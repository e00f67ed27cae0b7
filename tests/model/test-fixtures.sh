#!/bin/sh
# tests/model/test-fixtures.sh — evaluate the fixture projects under
# tests/model/fixtures and compare `yoe query` (text and --json), `graph`,
# `refs` and `desc` with the golden files in tests/model/golden; then build
# small broken projects and check each error message (path:line:col, the
# fix).  YOE_UPDATE_GOLDEN=1 rewrites the golden files instead.
. "$(dirname "$0")/../lib/testlib.sh"
FIX=$T_TOP/tests/model/fixtures
GOLD=$T_TOP/tests/model/golden

# golden NAME COMMAND... — compare stdout+stderr and the exit status
golden() {
  g=$GOLD/$1; shift
  out=$("$@" 2>&1; echo "exit $?")
  if [ -n "${YOE_UPDATE_GOLDEN:-}" ]; then printf '%s\n' "$out" > "$g"; pass; return; fi
  if [ -f "$g" ] && [ "$out" = "$(cat "$g")" ]; then pass; else
    fail "golden $(basename "$g")"
    printf '%s\n' "$out" | diff -u "$g" - | head -30
  fi
}

for f in name-shadowing project-shadow provides-conflict provides-override transitive-deps prefer-modules realistic; do
  golden "$f.query" "$YOE" -C "$FIX/$f" query
  golden "$f.json" "$YOE" -C "$FIX/$f" query --json
done
golden realistic.graph "$YOE" -C "$FIX/realistic" graph
golden realistic.graph-myapp "$YOE" -C "$FIX/realistic" graph myapp
golden realistic.graph-dot "$YOE" -C "$FIX/realistic" graph --dot base-image
golden realistic.graph-json "$YOE" -C "$FIX/realistic" graph --json zlib
golden realistic.graph-debian "$YOE" -C "$FIX/realistic" graph --distro debian
golden realistic.refs-zlib "$YOE" -C "$FIX/realistic" refs zlib
golden realistic.refs-toolchain "$YOE" -C "$FIX/realistic" refs toolchain
golden realistic.desc-base-files "$YOE" -C "$FIX/realistic" desc base-files
golden realistic.query-rpi4 "$YOE" -C "$FIX/realistic" query --machine rpi4 'linux*'
golden realistic.audit "$YOE" -C "$FIX/realistic" audit
golden provides-override.graph "$YOE" -C "$FIX/provides-override" graph
golden prefer-modules.graph "$YOE" -C "$FIX/prefer-modules" graph
golden project-shadow.shadows "$YOE" -C "$FIX/project-shadow" query --show-shadows
golden name-shadowing.shadows "$YOE" -C "$FIX/name-shadowing" query --show-shadows

# The JSON is a stable interface: exactly these keys, in this order (the
# golden realistic.json pins the bytes; with jq, check it parses that way too).
if command -v jq >/dev/null 2>&1; then
  keys=$("$YOE" -C "$FIX/realistic" query --json | jq -c '[.[] | keys_unsorted] | unique')
  check_eq "query --json keys" "$keys" \
    '[["name","class","module","version","release","scope","distro","source","deps","runtime_deps","provides","container","defined_in","key"]]'
  names=$("$YOE" -C "$FIX/realistic" query --json | jq -r '.[].name' | tr '\n' ' ')
  check_eq "query --json sorted by name" "$names" \
    "base-files base-image busybox linux linux-rpi myapp openssl toolchain-glibc toolchain-musl zlib "
fi
if command -v dot >/dev/null 2>&1; then
  check "graph --dot renders with graphviz" sh -c "'$YOE' -C '$FIX/realistic' graph --dot | dot -Tsvg >/dev/null"
fi
out=$("$YOE" -C "$FIX/realistic" audit --strict >/dev/null 2>&1; echo $?)
check_eq "audit --strict exits 1 on findings" "$out" 1

# ---- broken projects: one error each ----
# proj DIR FILE=CONTENT... — write a project
proj() {
  d=$T_TMP/$1; shift; rm -rf "$d"; mkdir -p "$d"
  for kv in "$@"; do
    f=${kv%%=*}; mkdir -p "$d/$(dirname "$f")"; printf '%s\n' "${kv#*=}" > "$d/$f"
  done
}
# err NAME WANT-FIRST-LINE [--args...] — first line of stderr, exit 1
err() {
  n=$1 want=$2; shift 2
  out=$("$YOE" -C "$T_TMP/$n" query "$@" 2>&1 >/dev/null); rc=$?
  check_eq "$n: exit" "$rc" 1
  check_eq "$n: message" "$(printf '%s\n' "$out" | head -1)" "$want"
}
P='project(name = "t", version = "1", defaults = defaults(machine = "m", distro = "alpine"))'
M='machine(name = "m", arch = "x86_64")'

proj bad-arch PROJECT.star="$P" machines/m.star='machine(name = "bad", arch = "mips")'
err bad-arch 'machines/m.star:1:8: error: machine "bad": invalid arch "mips" (valid: arm64, riscv64, x86_64)'
proj bad-arch2 PROJECT.star="$P" machines/m.star='machine(name = "m", arch = "amd64")'
err bad-arch2 'machines/m.star:1:8: error: machine "m": invalid arch "amd64" (valid: arm64, riscv64, x86_64); did you mean "x86_64"?'
proj wrong-type PROJECT.star="$P" machines/m.star='machine(name = "m", arch = ["x86_64"])'
err wrong-type 'machines/m.star:1:8: error: machine(): arch must be a string, got list'
proj unknown-kw PROJECT.star='project(name = "t", verison = "1")'
err unknown-kw 'PROJECT.star:1:8: error: project(): unknown keyword "verison" (did you mean "version"?)'
proj provides-str PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", provides = "x")'
err provides-str 'units/a.star:1:5: error: unit(): provides must be a list of strings, got string (write ["x"])'
proj part-type PROJECT.star="$P" machines/m.star='machine(name = "m", arch = "x86_64", partitions = [partition(label = "r", type = "ext5")])'
err part-type 'machines/m.star:1:61: error: partition(): type "ext5" is not one of ext4, vfat, raw (did you mean "ext4"?)'
proj task-kw PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", tasks = [task("build", step = ["make"])])'
err task-kw 'units/a.star:1:31: error: task(): unknown keyword "step" (did you mean "steps"?)'
proj kernel-both PROJECT.star="$P" machines/m.star='machine(name = "m", arch = "x86_64", kernel = kernel(unit = "l", distro_unit = {"alpine": "l"}))'
err kernel-both 'machines/m.star:1:8: error: machine "m": kernel sets both unit and distro_unit (use one)'
proj module-kw PROJECT.star='project(name = "t", modules = [module("https://x/y.git", refs = "main")])'
err module-kw 'PROJECT.star:1:38: error: module(): unknown keyword "refs" (did you mean "ref"?)'
proj defaults-kw PROJECT.star='project(name = "t", defaults = defaults(machin = "m"))'
err defaults-kw 'PROJECT.star:1:40: error: defaults(): unknown keyword "machin" (did you mean "machine"?)'
proj qemu-kw PROJECT.star="$P" machines/m.star='machine(name = "m", arch = "x86_64", qemu = qemu_config(memory = 1024))'
err qemu-kw 'machines/m.star:1:56: error: qemu_config(): memory must be a string, got int'
proj dup PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a")' units/b.star='unit(name = "a")'
err dup 'units/b.star:1:5: error: unit "a" already defined (first defined in project root at '"$(cd "$T_TMP/dup" && pwd -P)"'/units/a.star:1:5); rename one of them'
proj no-project PROJECT.star='x = 1'
err no-project 'PROJECT.star: error: PROJECT.star did not call project() (add project(name = "...", version = "..."))'
proj build-cycle PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", deps = ["b"])' \
  units/b.star='unit(name = "b", deps = ["c"])' units/c.star='unit(name = "c", deps = ["a"])'
err build-cycle 'units/a.star:1:5: error: build dependency cycle: a -> b -> c -> a (break it by dropping one of these deps)'
proj missing-dep PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", deps = ["zlb"])' units/z.star='unit(name = "zlib")'
err missing-dep 'units/a.star:1:5: error: unit "a" depends on "zlb", which does not exist in distro "alpine" (did you mean "zlib"?)'
proj load-cycle PROJECT.star="$P" machines/m.star="$M" units/a.star='load("//classes/x.star", "x")' \
  classes/x.star='load("//classes/y.star", "y")
x = 1' classes/y.star='load("//classes/x.star", "x")
y = 2'
out=$("$YOE" -C "$T_TMP/load-cycle" query 2>&1 >/dev/null)
check_contains "load cycle path" "$out" "load cycle: classes/x.star -> classes/y.star -> classes/x.star"
proj missing-module PROJECT.star='project(name = "t", modules = [module("https://github.com/yoe/module-core.git", ref = "main")])'
err missing-module 'PROJECT.star:1:38: error: module "module-core" (https://github.com/yoe/module-core.git @ main) is not available: cache/modules/module-core does not exist; run `yoe module sync` to fetch it'
proj mod-cycle PROJECT.star='project(name = "t", modules = [module("https://x/a.git", local = "a")])' \
  a/MODULE.star='module_info(name = "a", deps = [module("https://x/b.git", local = "b")])' \
  b/MODULE.star='module_info(name = "b", deps = [module("https://x/a.git", local = "a")])'
err mod-cycle 'yoe: error: module dep cycle: a → b → a (drop one of these deps from its MODULE.star)'
proj mod-trans-missing PROJECT.star='project(name = "t", modules = [module("https://x/a.git", local = "a")])' \
  a/MODULE.star='module_info(name = "a", deps = [module("https://x/c.git", ref = "v2")])'
err mod-trans-missing 'a/MODULE.star:1:39: error: module "c" (https://x/c.git @ v2) is not available: cache/modules/c does not exist; run `yoe module sync` to fetch it'
proj cached PROJECT.star='project(name = "t", modules = [module("https://x/mod-x.git", ref = "main")])' \
  cache/modules/mod-x/MODULE.star='module_info(name = "x")' cache/modules/mod-x/units/u.star='unit(name = "u", version = "1")'
out=$("$YOE" -C "$T_TMP/cached" query 2>&1)
check_eq "a clone under cache/modules is used" "$out" "u 1 unit x -"
out=$(YOE_CACHE="$T_TMP/cached/cache" "$YOE" -C "$T_TMP/missing-module" query 2>&1 | head -1)
check_contains "YOE_CACHE names where clones live" "$out" "$T_TMP/cached/cache/modules/module-core does not exist"
proj pin-typo PROJECT.star='project(name = "t", defaults = defaults(machine = "m"), modules = [module("x", local = "core")], prefer_modules = {"alpine": {"busybox": "cor"}})' \
  machines/m.star="$M" core/MODULE.star='module_info(name = "core")'
err pin-typo 'PROJECT.star:1:8: error: prefer_modules["alpine"] entry "busybox": "cor" — module "cor" not found. Did you mean "core"? Known modules: see `yoe query`, or the names given by module_info(name=...)'
proj unknown-mod PROJECT.star="$P" machines/m.star="$M" units/a.star='load("@cor//classes/x.star", "x")'
out=$("$YOE" -C "$T_TMP/unknown-mod" query 2>&1 >/dev/null)
check_contains "unknown module in load" "$out" 'unknown module "cor" in load("@cor//classes/x.star")'
proj run-at-gen PROJECT.star="$P" machines/m.star="$M" units/a.star='r = run("uname -m")'
out=$("$YOE" -C "$T_TMP/run-at-gen" query 2>&1 >/dev/null)
check_contains "run() explains" "$out" "run() can only be called at build time"
proj feed PROJECT.star="$P" machines/m.star="$M" units/a.star='alpine_feed(name = "main")'
out=$("$YOE" -C "$T_TMP/feed" query 2>&1 >/dev/null)
check_contains "alpine_feed not supported" "$out" "alpine_feed() is not supported yet"
proj no-container PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", tasks = [task("b", steps = ["make"])])'
err no-container 'units/a.star:1:5: error: unit "a" has tasks but no container — set container in the unit or class (a unit name, an image such as "alpine:3.21", or "host")'
proj no-machine PROJECT.star="$P" machines/m.star="$M"
err no-machine 'yoe: error: machine "mm" not found (--machine); did you mean "m"?; known machines: m' --machine mm
proj scope PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", scope = "board")'
err scope 'units/a.star:1:5: error: unit "a": invalid scope "board" (valid: arch, machine, noarch; unset means arch)'
proj extra-tuple PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", things = (1, 2))'
err extra-tuple 'units/a.star:1:5: error: unit(): keyword "things": unsupported type tuple (extra keywords may hold None, bool, int, float, string, list or dict)'

proj typo PROJECT.star="$P" machines/m.star="$M" units/a.star='unit(name = "a", dep = ["b"], port = 8080)'
out=$("$YOE" -C "$T_TMP/typo" query 2>&1)
check_contains "unit() typo is a warning" "$out" 'units/a.star:1:5: warning: unit "a": keyword "dep" is kept as extra data; did you mean "deps"?'
check_contains "unit() typo still evaluates" "$out" "a - unit (project) -"

# the bare image() builtin: the image needs the runtime closure of its artifacts
proj bare-image PROJECT.star="$P" machines/m.star="$M" \
  units/z.star='unit(name = "z", version = "1")' units/ssh.star='unit(name = "ssh", version = "1", runtime_deps = ["z"])' \
  units/img.star='image(name = "img", artifacts = ["ssh"], hostname = "h", partitions = [partition(label = "r", size = "1G", root = True)])'
out=$("$YOE" -C "$T_TMP/bare-image" graph img 2>&1 | tail -1)
check_eq "bare image depends on the artifact closure" "$out" "img: ssh z"
out=$("$YOE" -C "$T_TMP/bare-image" refs z 2>&1 | tail -1)
check_eq "refs: image holding a runtime dep" "$out" "  img"

# install_file: the base directory is next to the file that called it
proj inst PROJECT.star="$P" machines/m.star="$M" \
  classes/helper.star='def conf():
    return install_file("h.conf", "$DESTDIR/etc/h.conf", mode = 0o600)' \
  classes/helper/h.conf='x' units/u/u.conf='y' \
  units/u.star='load("//classes/helper.star", "conf")
unit(name = "u", container = "host", tasks = [task("i", steps = [conf(), install_file("u.conf", "$DESTDIR/etc/u.conf")])])'
out=$("$YOE" -C "$T_TMP/inst" desc u 2>&1)
check_contains "install base from helper" "$out" "install_file classes/helper/h.conf -> \$DESTDIR/etc/h.conf (0600)"
check_contains "install base from unit file" "$out" "install_file units/u/u.conf -> \$DESTDIR/etc/u.conf (0644)"
proj inst-escape PROJECT.star="$P" machines/m.star="$M" units/u.star='x = install_file("../secret", "/etc/x")'
err inst-escape 'units/u.star:1:17: error: install_file(): src "../secret" escapes the install base directory units/u/'

# local.star: machine and distro override; a broken one is an error
cp -r "$FIX/realistic" "$T_TMP/loc"
printf 'local(machine = "rpi4", default_distro_override = "debian")\n' > "$T_TMP/loc/local.star"
jdistro() { sed -n 's/.*"distro":"\([^"]*\)".*/\1/p'; }
out=$("$YOE" -C "$T_TMP/loc" query --json base-image | jdistro)
check_eq "local.star distro override reaches the image class" "$out" "debian"
out=$("$YOE" -C "$T_TMP/loc" desc base-image | grep '^artifacts')
check_contains "local.star machine: rpi4 kernel in the image" "$out" "linux-rpi"
out=$("$YOE" -C "$T_TMP/loc" query --json --distro alpine base-image | jdistro)
check_eq "--distro beats local.star" "$out" "alpine"
printf 'local(machin = "rpi4")\n' > "$T_TMP/loc/local.star"
out=$("$YOE" -C "$T_TMP/loc" query 2>&1 >/dev/null | head -1)
check_eq "broken local.star is loud" "$out" 'local.star:1:6: error: local(): unknown keyword "machin" (did you mean "machine"?)'
printf 'local(machine = "nope")\n' > "$T_TMP/loc/local.star"
out=$("$YOE" -C "$T_TMP/loc" query 2>&1 >/dev/null | head -1)
check_eq "local.star unknown machine" "$out" 'yoe: error: machine "nope" not found (local.star machine); known machines: qemu-x86_64, rpi4'

# our own modules/ evaluate like any other (when there are any)
mods=""
for m in "$T_TOP"/modules/*/MODULE.star; do
  [ -f "$m" ] || continue
  d=$(dirname "$m")
  mods="$mods    module(\"https://example.com/$(basename "$d").git\", local = \"$d\"),
"
done
if [ -n "$mods" ]; then
  mkdir -p "$T_TMP/own"
  printf 'project(name = "own", version = "0.1.0",\n  defaults = defaults(machine = "qemu-x86_64", distro = "alpine"),\n  modules = [\n%s])\n' \
    "$mods" > "$T_TMP/own/PROJECT.star"
  # they must evaluate, or stop with a located diagnostic (e.g. packages
  # that only a feed provides) — never crash
  out=$("$YOE" -C "$T_TMP/own" query 2>&1); rc=$?
  if [ $rc -eq 0 ]; then pass; else
    first=$(printf '%s\n' "$out" | grep -v warning | head -1)
    case $rc:$first in
      1:*": error: "*) pass; echo "note: modules/ in a bare project: $first" ;;
      *) fail "our modules/ evaluate (exit $rc): $first" ;;
    esac
  fi
fi

# ---- a directory of many files: read ahead by a helper thread
# (gen/yoe/prefetch.c), syntax trees of function-free files recycled
# (gen/starlark/region.c).  What must hold: a function-free file's globals
# stay loadable after it ran, a function defined in one file works when
# called from others later, a file load()ed before the walk reaches it runs
# once, a symlinked unit file runs, and the order is the byte order.
U=$T_TMP/many/units/g
proj many PROJECT.star="$P" machines/m.star="$M" \
  classes/lib.star='def mk(name, v = "1"):
    unit(name = name, version = v, description = "by mk")' \
  units/g/a00-consts.star='VERSION = "9.9"
SUFFIXES = ["-x", "-y"]' \
  units/g/b00.star='load("//units/g/z-late.star", "LATE")
unit(name = "b00", version = LATE)' \
  units/g/lam.star='f = lambda n: n + "-l"
unit(name = f("lam"), version = "1")' \
  units/g/z-late.star='LATE = "late-1"
unit(name = "z-late", version = LATE)' \
  extra/linked.star='unit(name = "linked", version = "2")'
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
  printf 'load("//units/g/a00-consts.star", "VERSION", "SUFFIXES")\nload("//classes/lib.star", "mk")\nmk("m%s" + SUFFIXES[%d %% 2], VERSION)\n' \
    "$i" $((1$i - 100)) > "$U/m$i.star"
done
ln -s ../../extra/linked.star "$U/link.star"
out=$("$YOE" -C "$T_TMP/many" query 2>&1)
want="b00 late-1 unit (project) -
lam-l 1 unit (project) -
linked 2 unit (project) -"
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
  s=-x; [ $((1$i % 2)) -eq 1 ] && s=-y
  want="$want
m$i$s 9.9 unit (project) -"
done
want="$want
z-late late-1 unit (project) -"
check_eq "many files: every unit once, loads and functions intact" "$out" "$want"
# the same again: deterministic across runs (the helper's timing varies)
check_eq "many files: same result twice" "$("$YOE" -C "$T_TMP/many" query --json 2>&1 | cksum)" \
  "$("$YOE" -C "$T_TMP/many" query --json 2>&1 | cksum)"
# an unreadable file in a prefetched directory is a located error, not a crash
chmod 000 "$U/m07.star"
if [ ! -r "$U/m07.star" ]; then
  out=$("$YOE" -C "$T_TMP/many" query 2>&1 >/dev/null | head -1)
  check_contains "many files: unreadable file named" "$out" "cannot read units/g/m07.star"
fi
chmod 644 "$U/m07.star"

# distro-tagged units: the toolchain follows the distro
out=$("$YOE" -C "$FIX/realistic" graph --distro debian 2>&1 | head -1)
check_eq "debian graph uses glibc toolchain" "$out" "toolchain-glibc:"
finish
