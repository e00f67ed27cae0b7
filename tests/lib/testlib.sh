# tests/lib/testlib.sh — helpers for shell tests.  Source it, call the check
# functions, and end the script with `finish`, which prints the mandatory
# `N passed, N failed` line and sets the exit status.
#
# YOE_BIN (set by tests/run-tests) names the directory with yoe and helpers;
# run standalone, it defaults to the build tree's bin/.
T_PASS=0 T_FAIL=0
# CI=true turns on --paranoid; tests that want it set it per command.
unset CI
T_TOP=${YOE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
YOE_BIN=${YOE_BIN:-$T_TOP/bin}
YOE=$YOE_BIN/yoe
T_TMP=$(mktemp -d /tmp/yoe-sh-test.XXXXXX)
trap 'rm -rf "$T_TMP"' EXIT

pass() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*"; }
# check DESC COMMAND... — passes when the command exits 0.
check() { d=$1; shift; if "$@"; then pass; else fail "$d"; fi; }
# check_eq DESC GOT WANT
check_eq() {
  if [ "$2" = "$3" ]; then pass; else
    fail "$1"; printf '  got:  %s\n  want: %s\n' "$2" "$3"; fi
}
# check_contains DESC HAYSTACK NEEDLE
check_contains() {
  case $2 in *"$3"*) pass ;; *) fail "$1"; printf '  in: %s\n  missing: %s\n' "$2" "$3" ;; esac
}
# ninja_edges [FILE...] — the edges a ninja run printed, one "VERB unit" a
# line in run order.  Descriptions name outputs (BUILD build/alpine/
# greet.x86_64/build.json, PACKAGE repo/p/alpine/x86_64/greet-1.0-r0.apk);
# this turns each back into its unit's name.  INDEX and REGEN keep theirs.
ninja_edges() {
  sed -n -e '/^\[[0-9]*\/[0-9]*\] /!d' -e 's/^\[[0-9]*\/[0-9]*\] //' \
    -e 's|^\([A-Z]*\) build/[^/]*/\([^/]*\)\.[^./]*/[^/]*$|\1 \2|' \
    -e 's|^PACKAGE .*/\([^/]*\)-[^-/]*-r[0-9]*\.apk$|PACKAGE \1|' -e p "$@"
}
# check_signed PUB FILE... — each package or index verifies against the
# public key PUB (apk-sign verify); T_SIGNED counts the files checked.
check_signed() {
  pub=$1; shift; T_SIGNED=0
  for f; do
    T_SIGNED=$((T_SIGNED + 1))
    if "$YOE_BIN/apk-sign" verify --key "$pub" "$f" >/dev/null 2>&1; then pass; else fail "verify $f"; fi
  done
}
finish() {
  echo "$T_PASS passed, $T_FAIL failed"
  [ "$T_FAIL" -eq 0 ]
}
