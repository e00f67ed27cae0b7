#!/bin/sh
# tests/fetch/test-fetch.sh — fetch-and-verify end to end, offline: a
# loopback HTTP server of our own (server.py) that misbehaves on request,
# local git repositories with tags and branches, and the CLI contract.
. "$(dirname "$0")/../lib/testlib.sh"
F=$YOE_BIN/fetch-and-verify
# The loopback server must be reached directly, whatever the CI sets.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
HERE=$(cd "$(dirname "$0")" && pwd)
W=$T_TMP/www C=$T_TMP/cache
mkdir -p "$W" "$C"
# Quick retries so the failure matrix runs in seconds.
FO="--attempts 3 --retry-delay 50 --connect-timeout 5 --low-speed-limit 1000 --low-speed-time 1 --quiet"

# --- fixtures -----------------------------------------------------------
mkdir -p "$T_TMP/pkg/pkg-1.0/sub"
echo hello > "$T_TMP/pkg/pkg-1.0/a.txt"
ln -s ../a.txt "$T_TMP/pkg/pkg-1.0/sub/link"
tar -C "$T_TMP/pkg" -czf "$W/pkg.tgz" pkg-1.0
head -c 3000000 /dev/urandom > "$W/big.bin"
H=$(sha256sum "$W/pkg.tgz" | cut -d' ' -f1)
HB=$(sha256sum "$W/big.bin" | cut -d' ' -f1)
ZERO=0000000000000000000000000000000000000000000000000000000000000000

python3 "$HERE/server.py" --root "$W" --port-file "$T_TMP/port" --log "$T_TMP/log" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T_TMP"' EXIT
trap 'exit 1' INT TERM HUP PIPE
i=0; while [ ! -s "$T_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
U=http://127.0.0.1:$(cat "$T_TMP/port")
nreq() { grep -c "^$1 " "$T_TMP/log" 2>/dev/null || true; }
fresh() { rm -rf "$C"; mkdir -p "$C"; }

# --- CLI contract ---------------------------------------------------------
out=$("$F" --help); check_eq "--help exits 0" "$?" 0
check_contains "--help lists fetch" "$out" "fetch --url U"
check_contains "--help lists module-verify" "$out" "module-verify --dir DIR --commit C"
out=$("$F" unpack --help); check_eq "CMD --help exits 0" "$?" 0
check_contains "CMD --help shows that command" "$out" "usage: fetch-and-verify unpack (--archive"
case $out in *"git-fetch --url"*) fail "CMD --help shows only that command" ;; *) pass ;; esac
"$F" bogus >/dev/null 2>&1; check_eq "unknown command is usage error" "$?" 2
err=$("$F" fetch --cache "$C" 2>&1); check_eq "missing --url is usage error" "$?" 2
check_contains "missing --url message" "$err" "fetch needs --url"
"$F" unpack --archive x --dest y --strip 3 >/dev/null 2>&1; check_eq "bad --strip" "$?" 2
"$F" fetch --tag x --url u --cache c >/dev/null 2>&1; check_eq "option of another command" "$?" 2
out=$("$F" sha256 "$W/pkg.tgz"); check_eq "sha256 subcommand" "$out" "$H  $W/pkg.tgz"

# --- success, cache, wrong hash -----------------------------------------
out=$("$F" fetch --url "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>"$T_TMP/err"); rc=$?
check_eq "fetch ok" "$rc" 0
check_eq "fetch prints the content address" "$out" "$C/sources/sha256/$H"
check "fetched bytes are the file" cmp -s "$out" "$W/pkg.tgz"
before=$(nreq /files/pkg.tgz)
"$F" fetch --url "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "cache hit makes no request" "$(nreq /files/pkg.tgz)" "$before"
"$F" fetch --url "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO --out "$T_TMP/stamp" >/dev/null 2>&1
check_eq "--out writes the result" "$(cat "$T_TMP/stamp")" "$C/sources/sha256/$H"

fresh
err=$("$F" fetch --url "$U/files/pkg.tgz" --sha256 "$ZERO" --cache "$C" $FO 2>&1); rc=$?
check_eq "wrong hash fails" "$rc" 1
check_contains "wrong hash names URL" "$err" "$U/files/pkg.tgz"
check_contains "wrong hash names expected" "$err" "expected $ZERO"
check_contains "wrong hash names actual" "$err" "got $H"
check_eq "wrong hash leaves no file" "$(find "$C/sources" -type f | wc -l)" 0
"$F" fetch --url "$U/files/pkg.tgz" --sha256 "$(echo $H | tr a-f A-F)" --cache "$C" $FO >/dev/null 2>&1
check_eq "uppercase/invalid sha256 refused" "$?" 1

# --- mirrors and misbehaving servers ------------------------------------
fresh
err=$("$F" fetch --url "$U/files/nope.tgz" --mirror "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1 >/dev/null); rc=$?
check_eq "404 then mirror ok" "$rc" 0
check_contains "404 then mirror announced" "$err" "trying mirror $U/files/pkg.tgz"
check_eq "404 is not retried" "$(nreq /files/nope.tgz)" 1

fresh
UP=$(echo "$U" | sed 's|http://|http://user:s3cret@|')
err=$("$F" fetch --url "$UP/files/nope.tgz" --sha256 "$H" --cache "$C" $FO 2>&1)
check_eq "URL with credentials: 404 fails" "$?" 1
check_contains "credentials redacted" "$err" "user:***@"
case $err in *s3cret*) fail "password never printed" ;; *) pass ;; esac

fresh
err=$("$F" fetch --url "$U/fail500/2/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1 >/dev/null); rc=$?
check_eq "500 twice then ok" "$rc" 0
check_contains "500 retried with notice" "$err" "retrying $U/fail500/2/pkg.tgz"
check_eq "500: three requests" "$(nreq /fail500/2/pkg.tgz)" 3

fresh
err=$("$F" fetch --url "$U/always500/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1 >/dev/null); rc=$?
check_eq "always 500 fails" "$rc" 1
check_contains "always 500 message" "$err" "HTTP 500"
check_eq "always 500: attempts honoured" "$(nreq /always500/pkg.tgz)" 3
"$F" fetch --url "$U/always500/pkg.tgz" --mirror "$U/files/nope" --mirror "$U/redirect/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "500 then second mirror (via redirect) ok" "$?" 0

fresh
"$F" fetch --url "$U/drop/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>"$T_TMP/err"
check_eq "dropped connection recovers" "$?" 0
check "dropped connection resumes with Range" grep -q "^/drop/big.bin bytes=[1-9][0-9]*-" "$T_TMP/log"
check "resumed file is exact" cmp -s "$C/sources/sha256/$HB" "$W/big.bin"

fresh
"$F" fetch --url "$U/norange/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>&1
check_eq "server ignoring Range: restart from zero" "$?" 0
check "no-Range result exact" cmp -s "$C/sources/sha256/$HB" "$W/big.bin"
fresh
"$F" fetch --url "$U/badlen-short/pkg.tgz" --mirror "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "wrong bytes on primary, mirror ok" "$?" 0

fresh
nlog=$(wc -l < "$T_TMP/log")
"$F" fetch --url "$U/garbage/big.bin" --mirror "$U/files/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>"$T_TMP/err"
check_eq "garbage left by a failed primary does not poison the mirror" "$?" 0
check "after garbage: result exact" cmp -s "$C/sources/sha256/$HB" "$W/big.bin"
check_eq "mirror first resumed, then started over" \
  "$(tail -n +$((nlog + 1)) "$T_TMP/log" | grep '^/files/big.bin' | cut -d' ' -f2 | sed 's/=.*//' | tr '\n' ' ')" "bytes - "

fresh
"$F" fetch --url "$U/reset/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "reset without reply recovers" "$?" 0

fresh
start=$(date +%s)
"$F" fetch --url "$U/trickle/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>"$T_TMP/err"
check_eq "slow trickle is abandoned and retried" "$?" 0
check_contains "trickle notice" "$(cat "$T_TMP/err")" "retrying"
check "trickle retry resumes" grep -q "^/trickle/pkg.tgz bytes=" "$T_TMP/log"
check "trickle took < 10s" [ $(( $(date +%s) - start )) -lt 10 ]

fresh
err=$("$F" fetch --url "$U/loop" --sha256 "$H" --cache "$C" $FO 2>&1); rc=$?
check_eq "redirect loop fails" "$rc" 1
check_contains "redirect loop message" "$err" "redirects"
check "redirect loop not retried" [ "$(nreq /loop)" -le 12 ]

fresh
# The body ends early: retried with Range, the server has nothing more
# (416), and the bytes we hold are checked by their hash: accepted.
err=$("$F" fetch --url "$U/badlen-long/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1); rc=$?
check_eq "Content-Length too long: short body retried, bytes verified" "$rc" 0
check_contains "too long is retried" "$err" "retrying $U/badlen-long/pkg.tgz"
check "too long: result exact" cmp -s "$C/sources/sha256/$H" "$W/pkg.tgz"
fresh
err=$("$F" fetch --url "$U/badlen-long/pkg.tgz" --sha256 "$ZERO" --cache "$C" $FO 2>&1); rc=$?
check_eq "Content-Length too long, wrong hash fails" "$rc" 1
check_contains "too long names URL" "$err" "$U/badlen-long/pkg.tgz"
"$F" fetch --url "$U/badlen-long/pkg.tgz" --mirror "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "Content-Length too long, mirror ok" "$?" 0
fresh
err=$("$F" fetch --url "$U/badlen-short/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1); rc=$?
check_eq "Content-Length too short fails" "$rc" 1
check_contains "too short is a hash mismatch" "$err" "SHA-256 mismatch"

fresh
"$F" fetch --url "$U/redirect/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>&1
check_eq "redirect with a body" "$?" 0
check "redirect body not stored" cmp -s "$C/sources/sha256/$HB" "$W/big.bin"

fresh
"$F" fetch --url "$U/gzipenc/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "Content-Encoding gzip stored undecoded" "$?" 0

fresh
err=$("$F" fetch --url "http://127.0.0.1:1/x.tgz" --mirror "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1 >/dev/null)
check_eq "connection refused, mirror ok" "$?" 0

# --- proxy, progress, concurrency ----------------------------------------
fresh
http_proxy=$U "$F" fetch --url "http://yoe-proxy-test.invalid/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
check_eq "http_proxy is honoured" "$?" 0
check "request went through the proxy" grep -q "^PROXY /files/pkg.tgz" "$T_TMP/log"
fresh
err=$("$F" fetch --url "$U/files/big.bin" --sha256 "$HB" --cache "$C" --progress 2>&1 >/dev/null)
check_contains "--progress draws a bar" "$err" "big.bin"
check_contains "--progress shows size" "$err" "2.9 MiB"
fresh
err=$("$F" fetch --url "$U/files/big.bin" --sha256 "$HB" --cache "$C" 2>&1 >/dev/null)
check_contains "no bar when stderr is not a tty" "$err" "Fetching"
case $err in *MiB/s*) fail "quiet when not a tty" ;; *) pass ;; esac
fresh
"$F" fetch --url "$U/drop/big.bin" --sha256 "$HB" --cache "$C" $FO >"$T_TMP/o1" 2>/dev/null &
p1=$!
"$F" fetch --url "$U/files/big.bin" --sha256 "$HB" --cache "$C" $FO >"$T_TMP/o2" 2>/dev/null
r2=$?; wait $p1; r1=$?
check_eq "concurrent fetches of one file both succeed" "$r1$r2" 00
check_eq "concurrent fetches agree" "$(cat "$T_TMP/o1")" "$(cat "$T_TMP/o2")"
check "concurrent result exact" cmp -s "$C/sources/sha256/$HB" "$W/big.bin"

# --- resume of a partial left by a killed run ------------------------------
fresh; mkdir -p "$C/sources/partial"
head -c 1000000 "$W/big.bin" > "$C/sources/partial/$HB.part"
"$F" fetch --url "$U/files/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>&1
check_eq "partial from earlier run completes" "$?" 0
check "partial resumed at its size" grep -q "^/files/big.bin bytes=1000000-" "$T_TMP/log"
fresh; mkdir -p "$C/sources/partial"
head -c 1000000 /dev/zero > "$C/sources/partial/$HB.part"
"$F" fetch --url "$U/files/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>&1
check_eq "corrupt partial is discarded and refetched" "$?" 0
check "corrupt partial: result exact" cmp -s "$C/sources/sha256/$HB" "$W/big.bin"

# --- tampered cache (threat 9) -------------------------------------------
fresh
p=$("$F" fetch --url "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>/dev/null)
mkdir -p "$T_TMP/build"
"$F" unpack --archive "$p" --sha256 "$H" --dest "$T_TMP/build/src" >/dev/null 2>&1
check_eq "unpack fetched archive" "$?" 0
check_eq "unpack stripped the top dir" "$(cat "$T_TMP/build/src/a.txt")" hello
check_eq "unpack tagged upstream" "$(git -C "$T_TMP/build/src" tag)" upstream
h1=$("$F" unpack --archive "$p" --sha256 "$H" --dest "$T_TMP/build/src" --out "$T_TMP/src.stamp" 2>/dev/null)
check_eq "unpack prints the src HEAD" "$h1" "$(git -C "$T_TMP/build/src" rev-parse HEAD)"
check_eq "unpack --out stamp" "$(cat "$T_TMP/src.stamp")" "$h1"
touch -d @1000 "$T_TMP/src.stamp"
h2=$("$F" unpack --archive "$p" --sha256 "$H" --dest "$T_TMP/build/src" --out "$T_TMP/src.stamp" 2>/dev/null)
check_eq "unpack is deterministic" "$h2" "$h1"
check_eq "unchanged stamp keeps its mtime" "$(stat -c %Y "$T_TMP/src.stamp")" 1000
cp "$p" "$T_TMP/elsewhere.tgz"
h3=$("$F" unpack --archive "$T_TMP/elsewhere.tgz" --dest "$T_TMP/build/src2/" 2>/dev/null)
check_eq "same source, other path and dest: same commit" "$h3" "$h1"
check "trailing slash in --dest" [ -f "$T_TMP/build/src2/a.txt" ]
err=$(cd "$T_TMP/build/src2" && "$F" unpack --archive "$p" --dest . 2>&1)
check_eq "--dest . refused" "$?" 1
check_contains "--dest . message" "$err" "must name a directory"
check "--dest . left the tree alone" [ -f "$T_TMP/build/src2/a.txt" ]
# the unpack edge's form: no --dest (src/ beside --out), no --sha256 (the
# cache entry's name is the pin fetch verified), even under --paranoid
mkdir -p "$T_TMP/build/u"
h4=$(CI=true "$F" unpack --archive "$p" --out "$T_TMP/build/u/unpack.stamp" 2>/dev/null)
check_eq "unpack without --dest/--sha256 (paranoid)" "$?" 0
check_eq "...unpacks into src/ beside --out" "$(cat "$T_TMP/build/u/src/a.txt" 2>/dev/null)" hello
check_eq "...same commit" "$h4" "$h1"
err=$("$F" unpack --archive "$p" 2>&1); rc=$?
check_eq "unpack with neither --dest nor --out" "$rc" 2
check_contains "...says what to give" "$err" "needs --dest SRC (or --out FILE"
err=$(CI=true "$F" unpack --archive "$T_TMP/elsewhere.tgz" --out "$T_TMP/build/u/x.stamp" 2>&1); rc=$?
check_eq "paranoid: an archive outside the cache still needs --sha256" "$rc" 1
printf 'tampered' >> "$p"
err=$("$F" unpack --archive "$p" --sha256 "$H" --dest "$T_TMP/build/src" 2>&1); rc=$?
check_eq "unpack refuses a tampered cache file" "$rc" 1
check_contains "tamper message names the hash" "$err" "expected $H"
check_eq "refused unpack keeps old src" "$(cat "$T_TMP/build/src/a.txt")" hello
err=$("$F" unpack --archive "$p" --out "$T_TMP/build/u/unpack.stamp" 2>&1); rc=$?
check_eq "...also when the hash comes from the entry's name" "$rc" 1
check_contains "...naming it" "$err" "expected $H"
check_eq "...and the old src/ stays" "$(cat "$T_TMP/build/u/src/a.txt" 2>/dev/null)" hello
before=$(nreq /files/pkg.tgz)
err=$("$F" fetch --url "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO 2>&1 >/dev/null)
check_eq "fetch replaces a tampered cache file" "$?" 0
check_contains "tamper warning" "$err" "modified"
check_eq "tampered file re-downloaded" "$(nreq /files/pkg.tgz)" $((before + 1))
check "restored cache file is exact" cmp -s "$p" "$W/pkg.tgz"

# --- every compression a source may come in --------------------------------
for z in xz bzip2 zstd; do
  if command -v $z >/dev/null 2>&1; then
    tar -C "$T_TMP/pkg" -cf - pkg-1.0 | $z -c > "$T_TMP/pkg.tar.$z"
    "$F" unpack --archive "$T_TMP/pkg.tar.$z" --dest "$T_TMP/z-$z" >/dev/null 2>&1
    check_eq "unpack .tar.$z" "$(cat "$T_TMP/z-$z/a.txt" 2>/dev/null)" hello
  fi
done

# A zip written to a pipe: sizes only in data descriptors after each entry.
python3 - "$T_TMP/streamed.zip" <<'PY'
import io, sys, zipfile
class Pipe(io.RawIOBase):
    def __init__(self, f): self.f = f
    def writable(self): return True
    def write(self, b): return self.f.write(b)
with open(sys.argv[1], "wb") as f:
    z = zipfile.ZipFile(Pipe(f), "w", compression=zipfile.ZIP_STORED)
    z.writestr("top/a.txt", "stored\n" * 1000)
    z.writestr("top/b.txt", "second\n")
    z.close()
PY
"$F" unpack --archive "$T_TMP/streamed.zip" --dest "$T_TMP/zs" >/dev/null 2>&1
check_eq "zip with data descriptors" "$(cat "$T_TMP/zs/b.txt" 2>/dev/null)" second

# --- sparse archives: holes kept, and counted against the caps ------------
mkdir -p "$T_TMP/sp/s-1"
truncate -s 5M "$T_TMP/sp/s-1/holey"; echo end >> "$T_TMP/sp/s-1/holey"
tar -C "$T_TMP/sp" --sparse -czf "$T_TMP/sparse.tgz" s-1
"$F" unpack --archive "$T_TMP/sparse.tgz" --dest "$T_TMP/sps" >/dev/null 2>&1
check_eq "sparse archive unpacks" "$?" 0
check "sparse file content exact" cmp -s "$T_TMP/sps/holey" "$T_TMP/sp/s-1/holey"
err=$("$F" unpack --archive "$T_TMP/sparse.tgz" --dest "$T_TMP/sps2" --max-entry-size 1M 2>&1)
check_eq "sparse file over the cap refused" "$?" 1
check_contains "sparse cap message" "$err" "cap"

# --- cache-check: sweep the whole cache ---------------------------------------
fresh
"$F" fetch --url "$U/files/pkg.tgz" --sha256 "$H" --cache "$C" $FO >/dev/null 2>&1
"$F" fetch --url "$U/files/big.bin" --sha256 "$HB" --cache "$C" $FO >/dev/null 2>&1
printf 'x' >> "$C/sources/sha256/$HB"
out=$("$F" cache-check --cache "$C" 2>/dev/null)
check_eq "cache-check finds the tampered file" "$out" "1 intact, 1 removed"
check "cache-check removed it" [ ! -e "$C/sources/sha256/$HB" ]
out=$("$F" cache-check --cache "$T_TMP/empty-cache" 2>/dev/null)
check_eq "cache-check of an empty cache" "$out" "0 intact, 0 removed"

# --- paranoid -----------------------------------------------------------------
fresh
err=$("$F" fetch --url "$U/files/pkg.tgz" --cache "$C" $FO 2>&1 >/dev/null)
check_eq "no sha256 allowed by default" "$?" 0
check_contains "no sha256 warns with the hash" "$err" "add sha256 = \"$H\""
"$F" --paranoid fetch --url "$U/files/pkg.tgz" --cache "$C" $FO >/dev/null 2>&1
check_eq "--paranoid refuses no sha256" "$?" 1
err=$(CI=true "$F" fetch --url "$U/files/pkg.tgz" --cache "$C" $FO 2>&1 >/dev/null)
check_eq "CI=true refuses no sha256" "$?" 1
check_contains "paranoid message says fix" "$err" "add sha256"
"$F" --paranoid unpack --archive "$W/pkg.tgz" --dest "$T_TMP/pu" >/dev/null 2>&1
check_eq "--paranoid unpack without sha256 refused" "$?" 1
"$F" --paranoid unpack --archive "$W/pkg.tgz" --sha256 "$H" --dest "$T_TMP/pu" >/dev/null 2>&1
check_eq "--paranoid unpack with sha256" "$?" 0
"$F" fetch --url "file://$W/pkg.tgz" --sha256 "$H" --cache "$T_TMP/fc" --quiet >/dev/null 2>&1
check_eq "file:// URL" "$?" 0
CI=true "$F" fetch --no-paranoid --url "$U/files/pkg.tgz" --cache "$C" $FO >/dev/null 2>&1
check_eq "--no-paranoid overrides CI" "$?" 0

# --- git sources ----------------------------------------------------------
G=$T_TMP/up
git init -q -b main "$G"
git -C "$G" config user.email t@t; git -C "$G" config user.name t
echo one > "$G/f"; mkdir "$G/d"; echo deep > "$G/d/g"; ln -s f "$G/l"
git -C "$G" add -A; git -C "$G" commit -qm one; git -C "$G" tag v1
C1=$(git -C "$G" rev-parse HEAD)
echo two > "$G/f"; git -C "$G" commit -qam two
C2=$(git -C "$G" rev-parse HEAD)
git -C "$G" checkout -qb side "$C1"; echo side > "$G/s"; git -C "$G" add s; git -C "$G" commit -qm side
CS=$(git -C "$G" rev-parse HEAD); git -C "$G" checkout -q main

out=$("$F" git-fetch --url "$G" --tag v1 --cache "$C" 2>/dev/null); rc=$?
check_eq "git-fetch tag" "$rc" 0
check_eq "git-fetch tag resolves" "${out%% *}" "$C1"
M=${out#* }
check "mirror is bare" [ -f "$M/HEAD" ] && [ ! -d "$M/.git" ]
"$F" git-fetch --url "$G" --tag v1 --cache "$C" --out "$T_TMP/gref" >/dev/null 2>&1
check_eq "git-fetch --out" "$(cat "$T_TMP/gref")" "$C1 $M"
"$F" git-fetch --url "$G" --tag v1 --cache "$T_TMP/cc" >"$T_TMP/g1" 2>/dev/null &
gp=$!
"$F" git-fetch --url "$G" --tag v1 --cache "$T_TMP/cc" >"$T_TMP/g2" 2>/dev/null
g2=$?; wait $gp; g1=$?
check_eq "concurrent git-fetch into one new mirror" "$g1$g2" 00
check_eq "concurrent git-fetch agree" "$(cat "$T_TMP/g1")" "$(cat "$T_TMP/g2")"
out=$("$F" git-fetch --url "$G" --branch main --cache "$C" 2>/dev/null)
check_eq "git-fetch branch" "${out%% *}" "$C2"
out=$("$F" git-fetch --url "$G" --cache "$C" 2>/dev/null)
check_eq "git-fetch remote HEAD" "${out%% *}" "$C2"
out=$("$F" git-fetch --url "$G" --tag v1 --commit "$C1" --cache "$C" 2>/dev/null)
check_eq "git-fetch tag + agreeing pin" "$?" 0
out=$("$F" git-fetch --url "$G" --branch main --commit "$C1" --cache "$C" 2>/dev/null)
check_eq "branch containing the pin builds the pin" "${out%% *}" "$C1"
err=$("$F" git-fetch --url "$G" --branch main --commit "$CS" --cache "$C" 2>&1); rc=$?
check_eq "branch not containing the pin fails" "$rc" 1
check_contains "branch pin message" "$err" "$CS"
err=$("$F" git-fetch --url "$G" --tag nope --cache "$C" 2>&1)
check_eq "missing tag fails" "$?" 1
check_contains "missing tag message" "$err" "tag 'nope'"
err=$("$F" git-fetch --url "$T_TMP/no-such-repo" --tag v1 --cache "$T_TMP/gc" --attempts 2 --retry-delay 50 2>&1); rc=$?
check_eq "unreachable git repo fails" "$rc" 1
check_contains "git fetch is retried" "$err" "retrying $T_TMP/no-such-repo"
check_contains "git failure names the URL" "$err" "cannot fetch $T_TMP/no-such-repo"
check "no half-made mirror left" [ "$(ls "$T_TMP/gc/sources/git" | grep -vc '\.lock$')" -eq 0 ]
"$F" --paranoid git-fetch --url "$G" --tag v1 --cache "$C" >/dev/null 2>&1
check_eq "--paranoid refuses unpinned git" "$?" 1
# Present in the mirror: no network needed.
mv "$G" "$G.away"
"$F" git-fetch --url "$G" --tag v1 --commit "$C1" --cache "$C" >/dev/null 2>&1
check_eq "pinned commit in mirror needs no fetch" "$?" 0
mv "$G.away" "$G"
git -C "$G" tag -f v1 "$C2" >/dev/null
err=$("$F" git-fetch --url "$G" --tag v1 --commit "$C1" --cache "$C" --update 2>&1); rc=$?
check_eq "retagged upstream fails" "$rc" 1
check_contains "retag names the tag's commit" "$err" "$C2"
check_contains "retag names the pin" "$err" "$C1"
git -C "$G" tag -f v1 "$C1" >/dev/null

"$F" unpack --git-mirror "$M" --commit "$C1" --dest "$T_TMP/gsrc" >/dev/null 2>&1
check_eq "unpack git commit" "$?" 0
check_eq "git export content" "$(cat "$T_TMP/gsrc/f")" one
check_eq "git export symlink" "$(readlink "$T_TMP/gsrc/l")" f
check_eq "git export subdir" "$(cat "$T_TMP/gsrc/d/g")" deep
check_contains "git src records the commit" "$(git -C "$T_TMP/gsrc" log -1 --format=%B upstream)" "$C1"
check_eq "git src is clean" "$(git -C "$T_TMP/gsrc" status --porcelain)" ""
"$F" unpack --git-mirror "$M" --commit "$C2" --dest "$T_TMP/gsrc" >/dev/null 2>&1
check_eq "re-unpack at a new commit" "$(cat "$T_TMP/gsrc/f")" two
cat > "$T_TMP/g.patch" <<'PATCH'
From: Pat Cher <pat@example.com>
Subject: [PATCH] say three

---
diff --git a/f b/f
--- a/f
+++ b/f
@@ -1 +1 @@
-two
+three
PATCH
"$F" unpack --git-mirror "$M" --commit "$C2" --dest "$T_TMP/gsrc" --patch "$T_TMP/g.patch" >/dev/null 2>&1
check_eq "git source with a patch" "$(cat "$T_TMP/gsrc/f")" three
check_eq "git patch is a commit" "$(git -C "$T_TMP/gsrc" log --format='%an|%s' upstream..)" "Pat Cher|say three"
err=$("$F" unpack --git-mirror "$M" --commit "$C1" --dest "$T_TMP/gsrc" --patch "$T_TMP/g.patch" 2>&1)
check_eq "patch failing on another commit" "$?" 1
check_contains "failing patch names the patch" "$err" "$T_TMP/g.patch"
check_contains "failing patch names the hunk" "$err" "@@ -1 +1 @@"
check_eq "failed unpack keeps the old tree" "$(cat "$T_TMP/gsrc/f")" three
err=$("$F" unpack --git-mirror "$M" --commit 1111111111111111111111111111111111111111 --dest "$T_TMP/gsrc2" 2>&1)
check_eq "unknown commit refused" "$?" 1
check_contains "unknown commit message" "$err" "is not in git mirror"

# A hostile repository: its tree holds a link out of the source tree.
EV=$T_TMP/evil-repo
git init -q -b main "$EV"; git -C "$EV" config user.email t@t; git -C "$EV" config user.name t
echo x > "$EV/a"; ln -s ../../../outside "$EV/esc"; git -C "$EV" add -A; git -C "$EV" commit -qm evil
out=$("$F" git-fetch --url "$EV" --cache "$C" 2>/dev/null)
err=$("$F" unpack --git-mirror "${out#* }" --commit "${out%% *}" --dest "$T_TMP/evsrc" 2>&1); rc=$?
check_eq "git tree with an escaping link refused" "$rc" 1
check_contains "escaping link named" "$err" "symlink 'esc'"
check "nothing unpacked from the hostile repo" [ ! -e "$T_TMP/evsrc" ]

# --- modules (threats 4 and 5) --------------------------------------------
MD=$T_TMP/modules/core
out=$("$F" module-sync --url "$G" --ref v1 --dest "$MD" 2>/dev/null); rc=$?
check_eq "module-sync clones" "$rc" 0
check_eq "module-sync prints the commit" "$out" "$C1"
"$F" module-verify --dir "$MD" --commit "$C1"
check_eq "fresh module verifies" "$?" 0
"$F" module-sync --url "$G" --ref v1 --dest "$T_TMP/modules/par" >/dev/null 2>&1 &
mp=$!
"$F" module-sync --url "$G" --ref v1 --dest "$T_TMP/modules/par" >/dev/null 2>&1
m2=$?; wait $mp; m1=$?
check_eq "concurrent module-sync of one module" "$m1$m2" 00

"$F" module-sync --url "$G" --ref v1 --dest "$MD" --out "$T_TMP/mlock" >/dev/null 2>&1
check_eq "module-sync --out (what yoe module lock records)" "$(cat "$T_TMP/mlock")" "$C1"

err=$("$F" module-verify --dir "$MD" --commit "$C2" 2>&1); rc=$?
check_eq "module at another commit refused" "$rc" 1
check_contains "module mismatch names HEAD" "$err" "$C1"
check_contains "module mismatch says how to fix" "$err" "yoe module sync"
cp "$MD/f" "$T_TMP/f.keep"
echo 0ne > "$MD/f"; touch -r "$T_TMP/f.keep" "$MD/f"   # same size, same mtime
err=$("$F" module-verify --dir "$MD" --commit "$C1" 2>&1); rc=$?
check_eq "edited module file refused (mtime forged)" "$rc" 1
check_contains "edited module names the file" "$err" "'f'"
out=$("$F" module-sync --url "$G" --ref v1 --commit "$C1" --dest "$MD" 2>/dev/null)
check_eq "module-sync restores the pin" "$?" 0
"$F" module-verify --dir "$MD" --commit "$C1"; check_eq "restored module verifies" "$?" 0
chmod +x "$MD/f"
"$F" module-verify --dir "$MD" --commit "$C1" 2>/dev/null; check_eq "mode change refused" "$?" 1
chmod -x "$MD/f"
echo 'x = 1' > "$MD/evil.star"
err=$("$F" module-verify --dir "$MD" --commit "$C1" 2>&1); rc=$?
check_eq "planted file refused" "$rc" 1
check_contains "planted file named" "$err" "evil.star"
"$F" module-verify --dir "$MD" --commit "$C1" --allow-untracked
check_eq "--allow-untracked" "$?" 0
echo 'evil.star' >> "$MD/.git/info/exclude"
"$F" module-verify --dir "$MD" --commit "$C1" 2>/dev/null
check_eq "planted file hidden by info/exclude still refused" "$?" 1
git -C "$MD" add -f evil.star
"$F" module-verify --dir "$MD" --commit "$C1" 2>/dev/null
check_eq "planted file staged in the index still refused" "$?" 1
git -C "$MD" rm -q --cached evil.star
rm "$MD/evil.star"
echo '{"state":"dev"}' > "$MD/.yoe-state.json"
"$F" module-verify --dir "$MD" --commit "$C1"; check_eq "state file allowed" "$?" 0
# Retag upstream: a fresh sync with the old pin must refuse.
git -C "$G" tag -f v1 "$C2" >/dev/null
err=$("$F" module-sync --url "$G" --ref v1 --commit "$C1" --dest "$T_TMP/modules/core2" 2>&1); rc=$?
check_eq "retagged module refused" "$rc" 1
check_contains "retagged module names tag commit" "$err" "$C2"
check_contains "retagged module names pin" "$err" "$C1"
# An unpinned sync follows the tag; the lock (C1) then refuses the checkout.
"$F" module-sync --url "$G" --ref v1 --dest "$MD" >/dev/null 2>&1
err=$("$F" module-verify --dir "$MD" --commit "$C1" 2>&1)
check_eq "lock refuses a moved module" "$?" 1
out=$("$F" module-sync --url "$G" --ref main --commit "$C1" --dest "$MD" 2>/dev/null)
check_eq "module branch containing pin" "$out" "$C1"
"$F" --paranoid module-sync --url "$G" --ref main --dest "$MD" >/dev/null 2>&1
check_eq "--paranoid refuses unpinned module" "$?" 1
out=$("$F" module-status --dir "$MD" --commit "$C1" 2>/dev/null)
check_eq "module-status clean" "$out" "clean $C1"
echo x >> "$MD/f"
out=$("$F" module-status --dir "$MD" --commit "$C1" 2>/dev/null)
check_eq "module-status modified" "$out" "modified $C1"
out=$("$F" module-status --dir "$MD" 2>/dev/null)
check_eq "module-status unpinned judges against HEAD" "$out" "modified $C1"
"$F" module-sync --url "$G" --ref main --commit "$C1" --dest "$MD" >/dev/null 2>&1
out=$("$F" module-status --dir "$MD" --commit "$C2" 2>/dev/null)
check_eq "module-status moved" "$out" "moved $C1"
touch "$MD/x.star"
out=$("$F" module-status --dir "$MD" --commit "$C1" 2>/dev/null)
check_eq "module-status extra files" "$out" "extra-files $C1"
rm "$MD/x.star"
out=$("$F" module-status --dir "$T_TMP/nowhere" 2>/dev/null)
check_eq "module-status missing" "$out" "missing -"
err=$("$F" module-verify --dir "$T_TMP/nowhere" --commit "$C1" 2>&1)
check_eq "missing module dir refused" "$?" 1
check_contains "missing module message" "$err" "yoe module sync"

finish
