#!/bin/sh
# tests/cli/test-cli.sh — `yoe` global options, help, unknown commands, and
# project discovery (walk up to PROJECT.star, -C, YOE_PROJECT).
. "$(dirname "$0")/../lib/testlib.sh"

out=$("$YOE" --help); rc=$?
check_eq "--help exits 0" "$rc" 0
check_contains "--help lists commands" "$out" "Commands:"
check_contains "--help lists info" "$out" "info"
check_eq "--version" "$("$YOE" --version)" "yoe 0.1.0"

err=$("$YOE" frobnicate 2>&1); rc=$?
check_eq "unknown command exit" "$rc" 2
check_eq "unknown command message" "$err" "yoe: unknown command 'frobnicate' (see 'yoe --help')"
err=$("$YOE" --bogus 2>&1); rc=$?
check_eq "unknown option exit" "$rc" 2
"$YOE" >/dev/null 2>&1; check_eq "no command is a usage error" "$?" 2

out=$("$YOE" help info); check_contains "help CMD" "$out" "usage: yoe info"
out=$("$YOE" info --help); check_contains "CMD --help" "$out" "usage: yoe info"

mkdir -p "$T_TMP/proj/sub/deeper" "$T_TMP/empty"
touch "$T_TMP/proj/PROJECT.star"
proj=$(cd "$T_TMP/proj" && pwd -P)
out=$(cd "$T_TMP/proj/sub/deeper" && "$YOE" info 2>/dev/null | sed -n 's/^project: //p')
check_eq "walks up to PROJECT.star" "$out" "$proj"
out=$("$YOE" -C "$T_TMP/proj/sub" info 2>/dev/null | sed -n 's/^project: //p')
check_eq "-C DIR" "$out" "$proj"
out=$(cd / && YOE_PROJECT="$T_TMP/proj" "$YOE" info 2>/dev/null | sed -n 's/^project: //p')
check_eq "YOE_PROJECT" "$out" "$proj"
err=$("$YOE" -C "$T_TMP/empty" info 2>&1); rc=$?
check_eq "no project exit" "$rc" 1
check_contains "no project names the dir" "$err" "no PROJECT.star in $(cd "$T_TMP/empty" && pwd -P)"
err=$("$YOE" -C "$T_TMP/nonexistent" info 2>&1)
check_contains "bad -C names it" "$err" "nonexistent"

out=$("$YOE" -C "$T_TMP/proj" info 2>/dev/null | grep -c '^helper:')
check_eq "info lists four helpers" "$out" 4
out=$(YOE_LIBEXEC="$T_TMP/empty" "$YOE" -C "$T_TMP/proj" info 2>&1); rc=$?
check_eq "missing helpers exit 1" "$rc" 1
check_contains "YOE_LIBEXEC honoured" "$out" "libexec: $T_TMP/empty"

# make install lays out bin/ and libexec/yoe/, and the installed yoe finds
# its helpers there.
if make -s -C "$T_TOP" install PREFIX="$T_TMP/inst" >/dev/null 2>&1; then pass; else fail "make install"; fi
out=$("$T_TMP/inst/bin/yoe" -C "$T_TMP/proj" info 2>&1); rc=$?
check_eq "installed yoe finds helpers" "$rc" 0
check_contains "installed libexec" "$out" "libexec: $(cd "$T_TMP/inst/libexec/yoe" 2>/dev/null && pwd -P)"
finish
