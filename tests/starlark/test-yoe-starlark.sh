#!/bin/sh
# tests/starlark/test-yoe-starlark.sh — what yoe promises of `yoe starlark`:
# print to stdout and exit 0; errors as `path:line:col: error: message` plus
# one `  at path:line:col in fn` line per frame (innermost first) and exit 1;
# `-o OPTION` enables dialect options; recursion is an error unless enabled;
# deep nesting and deep recursion end in a clear error, never a crash.
# The .star inputs are in tests/starlark/yoe/.
. "$(dirname "$0")/../lib/testlib.sh"
D=$T_TOP/tests/starlark/yoe

# run FILE [ARGS...]: sets OUT, ERR, RC.
run() {
  f=$1; shift
  "$YOE" starlark "$@" "$f" >"$T_TMP/out" 2>"$T_TMP/err"; RC=$?
  OUT=$(cat "$T_TMP/out"); ERR=$(cat "$T_TMP/err")
}
# matches DESC TEXT ERE: the text matches the extended regex.
matches() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass; else
    fail "$1"; printf '  text: %s\n  regex: %s\n' "$2" "$3"; fi
}
# no_crash DESC: the last run ended by exit 0/1, not a signal or sanitizer report.
no_crash() {
  case $RC in 0|1) pass ;; *) fail "$1: exit status $RC"; printf '%s\n' "$ERR" | tail -n 5 ;; esac
  case $ERR in *Sanitizer*|*"runtime error"*) fail "$1: sanitizer report"
    printf '%s\n' "$ERR" | head -n 8 ;; esac
}

# --- success: stdout, exit 0, nothing on stderr
run "$D/ok.star"
check_eq "ok: exit 0" "$RC" 0
check_eq "ok: stdout" "$OUT" 'hello, yoe!
[0, 1, 4, 9] {"a": 1} (1,) None True'
check_eq "ok: stderr empty" "$ERR" ""

# --- a runtime error three frames deep
run "$D/traceback.star"
check_eq "traceback: exit 1" "$RC" 1
first=$(printf '%s\n' "$ERR" | sed -n 1p)
matches "traceback: first line is path:line:col: error: message" "$first" \
  "^$D/traceback.star:4:[0-9]+: error: .*division by zero\$"
matches "traceback: innermost frame" "$(printf '%s\n' "$ERR" | sed -n 2p)" \
  "^  at $D/traceback.star:4:[0-9]+ in inner\$"
matches "traceback: caller frame" "$(printf '%s\n' "$ERR" | sed -n 3p)" \
  "^  at $D/traceback.star:7:[0-9]+ in outer\$"
matches "traceback: module frame" "$(printf '%s\n' "$ERR" | sed -n 4p)" \
  "^  at $D/traceback.star:9:[0-9]+ in <toplevel>\$"
check_eq "traceback: 4 lines" "$(printf '%s\n' "$ERR" | wc -l)" 4
check_eq "traceback: stdout empty" "$OUT" ""

# --- fail()
run "$D/fail.star"
check_eq "fail(): exit 1" "$RC" 1
matches "fail(): message" "$(printf '%s\n' "$ERR" | sed -n 1p)" \
  "^$D/fail.star:4:[0-9]+: error: fail: bad value: 2\$"
matches "fail(): traceback" "$ERR" "^  at $D/fail.star:6:[0-9]+ in <toplevel>\$"

# --- compile errors: position, no traceback, nothing runs
run "$D/syntax-error.star"
check_eq "syntax error: exit 1" "$RC" 1
matches "syntax error: format" "$ERR" "^$D/syntax-error.star:[34]:[0-9]+: error: .+"
check_eq "syntax error: no traceback" "$(printf '%s\n' "$ERR" | grep -c '^  at ')" 0
run "$D/undefined.star"
check_eq "undefined: exit 1" "$RC" 1
check_eq "undefined: nothing ran" "$OUT" ""
matches "undefined: message" "$ERR" "^$D/undefined.star:3:7: error: undefined: undefind_name\$"

# --- stdin as the file
OUT=$(echo 'print(1 + 2)' | "$YOE" starlark - 2>&1); RC=$?
check_eq "stdin: output" "$OUT" 3
check_eq "stdin: exit 0" "$RC" 0

# --- dialect options
run "$D/recursion.star"
check_eq "recursion off: exit 1" "$RC" 1
matches "recursion off: message" "$ERR" "error: function fact called recursively"
run "$D/recursion.star" -o recursion
check_eq "recursion on: exit 0" "$RC" 0
check_eq "recursion on: result" "$OUT" 2432902008176640000
run "$D/while.star"
check_eq "while off: exit 1" "$RC" 1
matches "while off: message" "$ERR" "^$D/while.star:4:[0-9]+: error: .*while"
run "$D/while.star" -o while
check_eq "while on" "$RC:$OUT" "0:5"
run "$D/set.star"
check_eq "set off: exit 1" "$RC" 1
matches "set off: message" "$ERR" "error: .*set"
run "$D/set.star" -o set
check_eq "set on" "$RC:$OUT" "0:[1, 3]"
run "$D/toplevel.star"
check_eq "toplevel for off: exit 1" "$RC" 1
matches "toplevel for off: message" "$ERR" "^$D/toplevel.star:3:[0-9]+: error: for loop not within a function"
run "$D/toplevel.star" -o toplevelcontrol
check_eq "toplevel for on" "$RC:$OUT" "0:[0, 1, 2]"
run "$D/reassign.star"
check_eq "reassign off: exit 1" "$RC" 1
matches "reassign off: message" "$ERR" "^$D/reassign.star:3:1: error: cannot reassign global x declared at .*reassign.star:2:1"
run "$D/reassign.star" -o globalreassign
check_eq "reassign on" "$RC:$OUT" "0:2"
run "$D/ok.star" -o set -o while
check_eq "several -o" "$RC" 0
run "$D/ok.star" -o nosuchoption
check "unknown option: usage error" test "$RC" -ne 0 -a "$RC" -ne 1
matches "unknown option: named" "$ERR" "nosuchoption"
run "$T_TMP/does-not-exist.star"
check_eq "missing file: exit 1" "$RC" 1
matches "missing file: named" "$ERR" "does-not-exist.star"

# --- limits: deep recursion and deep nesting give a clear error, not a crash
run "$D/deep-recursion.star" -o recursion
no_crash "deep recursion"
check_eq "deep recursion: exit 1" "$RC" 1
matches "deep recursion: clear error" "$(printf '%s\n' "$ERR" | sed -n 1p)" \
  "^$D/deep-recursion.star:4:[0-9]+: error: .*(depth|stack|recursion)"
check "deep recursion: traceback is bounded" test "$(printf '%s\n' "$ERR" | wc -l)" -lt 2000

run "$D/deep-data.star"
no_crash "deep data"
check_eq "deep data: printed" "$OUT" "True True"
check_eq "deep data: exit 1" "$RC" 1
matches "deep data: comparison depth error" "$(printf '%s\n' "$ERR" | sed -n 1p)" \
  "^$D/deep-data.star:12:[0-9]+: error: comparison exceeded maximum recursion depth\$"

# rep TEXT N: TEXT repeated N times.
rep() { yes "$1" | head -n "$2" | tr -d '\n'; }
# nest PRE OPEN CLOSE N MID: writes PRE OPEN*N MID CLOSE*N into $T_TMP/deep.star
nest() {
  { printf '%s' "$1"; rep "$2" "$4"; printf '%s' "$5"; rep "$3" "$4"; echo; } >"$T_TMP/deep.star"
}
for kind in list paren dict unary call index lambda binop method attr cond; do
  case $kind in
    list)   nest "x = " "[" "]" 100000 "" ;;
    paren)  nest "x = " "(" ")" 100000 "1" ;;
    dict)   nest "x = " "{1: " "}" 50000 "1" ;;
    unary)  nest "x = " "-" "" 200000 "1" ;;
    call)   nest "x = " "len(" ")" 50000 "[]" ;;
    index)  nest "x = [1]" "" "[0]" 100000 "" ;;
    lambda) nest "x = " "lambda: " "" 50000 "1" ;;
    binop)  nest "x = 1" "+1" "" 200000 "" ;;
    method) nest 'x = "a"' ".upper()" "" 100000 "" ;;
    attr)   nest 'x = "a"' ".upper" "" 100000 "" ;;
    cond)   nest "x = " "1 if True else " "" 100000 "1" ;;
  esac
  run "$T_TMP/deep.star"
  no_crash "deep $kind nesting"
  # The parser's depth limit stops it with an error in the usual format.  A
  # lambda body is not evaluated, so that one may also just run.
  if [ "$kind" != lambda ] || [ "$RC" -ne 0 ]; then
    check_eq "deep $kind nesting: exit 1" "$RC" 1
    matches "deep $kind nesting: clear error" "$(printf '%s\n' "$ERR" | sed -n 1p)" \
      "^$T_TMP/deep.star:1:[0-9]+: error: .*(nest|deep|depth)"
  fi
done
# nested blocks by indentation (if inside def inside ...)
awk 'BEGIN { print "def f():"; ind = "    ";
  for (i = 0; i < 5000; i++) { print ind "if True:"; ind = ind " " } print ind "pass" }' >"$T_TMP/deep.star"
run "$T_TMP/deep.star"
no_crash "deep block nesting"
if [ "$RC" -eq 1 ]; then
  matches "deep block nesting: clear error" "$(printf '%s\n' "$ERR" | sed -n 1p)" \
    "^$T_TMP/deep.star:[0-9]+:[0-9]+: error: .+"
fi
# a moderately nested program still works
nest "x = " "[" "]" 50 "1"; echo 'print(x)' >>"$T_TMP/deep.star"
run "$T_TMP/deep.star"
check_eq "nesting 50 deep is fine" "$RC:$ERR" "0:"

finish
