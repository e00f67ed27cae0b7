#!/bin/sh
# tests/gen/test-modules.sh — modules fetched from git (a local repository
# stands in for the network): `yoe module sync/lock/list`, and `yoe gen`
# refusing what the threat model says it must: an unpinned module under
# --paranoid, a retagged module, a checkout at another commit, an edited or
# planted file in a cached module.
. "$(dirname "$0")/../lib/testlib.sh"

unset CI
export HOME="$T_TMP/home" GIT_CONFIG_NOSYSTEM=1
g() { git -C "$T_TMP/mod" -c user.name=t -c user.email=t@example.com "$@"; }
git init -q -b main "$T_TMP/mod"
mkdir -p "$T_TMP/mod/units"
printf 'module_info(name = "extra")\n' >"$T_TMP/mod/MODULE.star"
printf 'unit(name = "fromext", version = "1", container = "host", tasks = [task("build", steps = ["true"])])\n' \
  >"$T_TMP/mod/units/fromext.star"
g add -A && g commit -qm one && g tag v1
C1=$(g rev-parse HEAD)
P="$T_TMP/p"
mkdir -p "$P/machines"
printf 'machine(name = "m", arch = "x86_64")\n' >"$P/machines/m.star"
project() { # module keywords
  cat >"$P/PROJECT.star" <<STAR
project(name = "mt", version = "1", defaults = defaults(machine = "m", distro = "alpine"),
        modules = [module("file://$T_TMP/mod", $1)])
STAR
}
project 'ref = "main"'
y() { (cd "$P" && "$YOE" "$@") >"$T_TMP/out" 2>&1; }

y gen; check_eq "gen without the module fails" "$?" 1
check_contains "...and says to sync" "$(cat "$T_TMP/out")" 'run `yoe module sync` to fetch it'
y module sync; check_eq "module sync" "$?" 0
check "clone in cache/modules" test -f "$P/cache/modules/mod/MODULE.star"
y gen; check_eq "gen after sync" "$?" 0
y module list
check_contains "list: clean, unpinned" "$(cat "$T_TMP/out")" "clean"
check_contains "list: shows it is unpinned" "$(cat "$T_TMP/out")" "(unpinned)"
(cd "$P" && CI=true "$YOE" gen) >"$T_TMP/out" 2>&1
check_eq "paranoid (CI=true) refuses an unpinned module" "$?" 1
check_contains "...naming the fix" "$(cat "$T_TMP/out")" 'run `yoe module lock`'
y gen --paranoid; check_eq "--paranoid too" "$?" 1
y module lock; check_eq "module lock" "$?" 0
check_contains "yoe.lock records the commit" "$(cat "$P/yoe.lock")" "mod $C1 file://$T_TMP/mod main"
(cd "$P" && CI=true "$YOE" gen) >"$T_TMP/out" 2>&1
check_eq "paranoid accepts a locked module" "$?" 0

# upstream moves on: the lock keeps the old commit
echo '# v2' >>"$T_TMP/mod/units/fromext.star"
g commit -qam two
C2=$(g rev-parse HEAD)
y module sync; check_eq "sync with a lock" "$?" 0
check_eq "lock holds the checkout at the locked commit" "$(git -C "$P/cache/modules/mod" rev-parse HEAD)" "$C1"
# someone moves the checkout by hand: gen refuses, naming both commits
git -C "$P/cache/modules/mod" -c advice.detachedHead=false checkout -q "$C2"
y gen; check_eq "moved checkout refused" "$?" 1
check_contains "...naming the pin" "$(cat "$T_TMP/out")" "$C1"
check_contains "...with the module() call's position" "$(cat "$T_TMP/out")" "PROJECT.star:2:"
y module sync; y gen; check_eq "sync restores the pin" "$?" 0

# an edited cached module file, and a planted one
echo '# evil' >>"$P/cache/modules/mod/units/fromext.star"
y gen; check_eq "edited module file refused" "$?" 1
check_contains "...naming the file" "$(cat "$T_TMP/out")" "units/fromext.star"
y module list; check_contains "list: modified" "$(cat "$T_TMP/out")" "modified"
y module sync; y gen; check_eq "sync restores the file" "$?" 0
printf 'unit(name = "planted", version = "1")\n' >"$P/cache/modules/mod/units/planted.star"
y gen; check_eq "planted module file refused" "$?" 1
check_contains "...naming it" "$(cat "$T_TMP/out")" "planted.star"
rm "$P/cache/modules/mod/units/planted.star"

# a pinned tag that upstream retags: sync refuses with both hashes
rm -f "$P/yoe.lock"
project "ref = \"v1\", commit = \"$C1\""
y module sync; check_eq "pinned tag syncs" "$?" 0
g tag -f v1 "$C2" >/dev/null
y module sync; check_eq "retagged module refused" "$?" 1
check_contains "...naming the pin" "$(cat "$T_TMP/out")" "$C1"
check_contains "...and what the tag says now" "$(cat "$T_TMP/out")" "$C2"
y gen; check_eq "gen still trusts only the pinned checkout" "$?" 0
finish
