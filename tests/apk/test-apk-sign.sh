#!/bin/sh
# tests/apk/test-apk-sign.sh — apk-sign end to end, checked with independent
# tools: Python zlib/tarfile/hashlib (tests/apk/apkcheck.py), `openssl dgst`,
# `sha256sum`, `readelf -d`; golden .PKGINFO/APKINDEX texts; reproducibility;
# tampering; key permissions; index restat; passthrough re-sign; pack --spec
# (a unit.ini [package]) = the same flags; yoe key.
. "${YOE_TOP:-$(dirname "$0")/../..}/tests/lib/testlib.sh"
set -u
A=$YOE_BIN/apk-sign
HERE=$T_TOP/tests/apk
CHK="python3 $HERE/apkcheck.py"
EPOCH=1700000000
cd "$T_TMP" || exit 1

# mktree DIR ORDER — the fixture tree; ORDER=rev creates it in another order
# and with other timestamps (the package must not care).
mktree() {
  d=$1
  if [ "$2" = rev ]; then
    mkdir -p "$d/usr/share/hello" "$d/etc/init.d" "$d/usr/bin"
    ln -s hello "$d/usr/bin/hi"
    printf 'data\n' > "$d/usr/share/hello/b.txt"
    printf 'more\n' > "$d/usr/share/hello/a.txt"
    printf '#!/sbin/openrc-run\n' > "$d/etc/init.d/hello"
    printf 'greeting=hi\n' > "$d/etc/hello.conf"
    printf '#!/bin/sh\necho hello\n' > "$d/usr/bin/hello"
    touch -d '2001-02-03 04:05:06' "$d/etc/hello.conf" "$d/usr/share/hello/a.txt"
  else
    mkdir -p "$d/etc/init.d" "$d/usr/bin" "$d/usr/share/hello"
    printf '#!/bin/sh\necho hello\n' > "$d/usr/bin/hello"
    printf 'greeting=hi\n' > "$d/etc/hello.conf"
    printf '#!/sbin/openrc-run\n' > "$d/etc/init.d/hello"
    printf 'more\n' > "$d/usr/share/hello/a.txt"
    printf 'data\n' > "$d/usr/share/hello/b.txt"
    ln -s hello "$d/usr/bin/hi"
  fi
  chmod 755 "$d/usr/bin/hello" "$d/etc/init.d/hello"
  chmod 644 "$d/etc/hello.conf" "$d/usr/share/hello/a.txt" "$d/usr/share/hello/b.txt"
  chmod 755 "$d" "$d/etc" "$d/etc/init.d" "$d/usr" "$d/usr/bin" "$d/usr/share" "$d/usr/share/hello"
}

packhello() { # DESTDIR OUT [extra options]
  dd=$1 out=$2; shift 2
  "$A" pack --destdir "$dd" --name hello --version 1.2 --release 3 --arch arm64 \
    --description "says hello" --license MIT --commit 0123abcd \
    --depend musl --depend 'so:libc.musl-aarch64.so.1' --provides greeter \
    --provides 'cmd:hi=1.2-r3' --replaces oldhello --service hello \
    --key "$T_TMP/keys/test.rsa" --epoch $EPOCH -o "$out" "$@"
}

# --- keys ---
"$A" keygen "$T_TMP/keys/test.rsa" > keygen.out 2>&1
check "keygen succeeds" test -f keys/test.rsa
check_eq "private key mode" "$(stat -c %a keys/test.rsa)" 600
check_eq "key dir mode" "$(stat -c %a keys)" 700
check_eq "public key mode" "$(stat -c %a keys/test.rsa.pub)" 644
check "private key is PKCS#1 PEM" grep -q 'BEGIN RSA PRIVATE KEY' keys/test.rsa
check_contains "keygen prints key name" "$(cat keygen.out)" "key name:    test.rsa.pub"
fp=$(openssl dgst -sha256 -r keys/test.rsa.pub | cut -c1-16 | sed 's/../&:/g; s/:$//')
check_contains "fingerprint = sha256 of public PEM" "$(cat keygen.out)" "fingerprint: $fp..."
check_eq "2048-bit RSA" "$(openssl rsa -in keys/test.rsa -noout -text 2>/dev/null | head -1)" \
  "Private-Key: (2048 bit, 2 primes)"
before=$(sha256sum keys/test.rsa)
"$A" keygen "$T_TMP/keys/test.rsa" >/dev/null 2>&1
check_eq "keygen keeps an existing key" "$(sha256sum keys/test.rsa)" "$before"
chmod 640 keys/test.rsa
out=$("$A" keyinfo keys/test.rsa 2>&1); rc=$?
check_eq "group-readable key refused" $rc 1
check_contains "refusal names the chmod fix" "$out" "chmod 600 keys/test.rsa"
mktree tree1 fwd
out=$(packhello tree1 refused.apk 2>&1); rc=$?
check_eq "pack refuses the insecure key" $rc 1
check "nothing written with an insecure key" test ! -e refused.apk
chmod 600 keys/test.rsa
"$A" keygen keys/mismatch.rsa >/dev/null 2>&1 && cp keys/test.rsa.pub keys/mismatch.rsa.pub
out=$("$A" keyinfo keys/mismatch.rsa 2>&1); rc=$?
check_eq "keyinfo refuses a public key of another pair" $rc 1
check_contains "mismatch explained" "$out" "is not the public half of keys/mismatch.rsa"

# --- pack, checked by independent tools ---
check "pack succeeds" packhello tree1 hello-1.2-r3.apk
$CHK check hello-1.2-r3.apk $EPOCH > check.out
check "python structural checks" test $? -eq 0
grep BAD check.out
check_eq "python checks ran" "$(grep -c '^ok' check.out)" \
  "$(grep -c '' check.out)"
mkdir split && $CHK split hello-1.2-r3.apk split > split.out
check_eq "three streams" "$(wc -l < split.out)" 3
tar -xOf split/stream0.tar .SIGN.RSA.test.rsa.pub > sig.bin 2>/dev/null
check "openssl verifies the signature over the control stream" \
  sh -c "openssl dgst -sha1 -verify keys/test.rsa.pub -signature sig.bin split/stream1.gz >/dev/null"
tar -xOf split/stream1.tar .PKGINFO > PKGINFO 2>/dev/null
check_eq "datahash = sha256sum of data stream" \
  "$(sha256sum < split/stream2.gz | cut -d' ' -f1)" "$(sed -n 's/^datahash = //p' PKGINFO)"
# The golden text has its datahash masked: it depends on zlib's deflate bytes.
sed 's/^datahash = .*/datahash = <sha256>/' PKGINFO > PKGINFO.masked
check "golden .PKGINFO" diff -u "$HERE/golden/hello.PKGINFO" PKGINFO.masked
"$A" verify --key keys/test.rsa.pub hello-1.2-r3.apk > verify.out 2>&1
check_eq "verify ok" "$(cat verify.out)" "hello-1.2-r3.apk: OK"
check "tree untouched by the service symlink" test ! -e tree1/etc/runlevels

# --- so: provides vs readelf ---
mkdir -p elf/usr/lib
printf 'int yoe_answer(void) { return 42; }\n' > lib.c
if cc -shared -fPIC -Wl,-soname,libyoetest.so.3 -o elf/usr/lib/libyoetest.so.3.1 lib.c &&
   cc -shared -fPIC -Wl,-soname,libother.so.1 -o elf/usr/lib/libother.so.1.0 lib.c &&
   cc -shared -fPIC -o elf/usr/lib/nosoname.so lib.c; then
  printf 'int main(void){return 0;}\n' > m.c && cc -o elf/usr/lib/prog m.c
  "$A" pack --destdir elf --name libs --version 2 --arch x86_64 --unsigned -o libs.apk
  got=$(tar -xzOf libs.apk .PKGINFO 2>/dev/null | sed -n 's/^provides = so://p')
  want=$(for f in elf/usr/lib/*; do readelf -d "$f" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1=2-r0/p'; done | sort)
  check_eq "so: provides = readelf SONAMEs" "$got" "$want"
  check_eq "two sonames found" "$(echo "$got" | wc -l)" 2
  $CHK check libs.apk 0 > /dev/null 2>&1
  check_eq "unsigned package has two streams" "$($CHK split libs.apk split >/dev/null; ls split/stream2.gz 2>/dev/null; mkdir -p s2 && $CHK split libs.apk s2 | wc -l)" "$(echo 'split/stream2.gz'; echo 2)"
else
  fail "cc cannot build a shared library"
fi

# --- reproducibility ---
mkdir -p elsewhere/deep && mktree elsewhere/deep/tree2 rev
sleep 1
(cd elsewhere && packhello deep/tree2 ../again.apk)
check "same tree, other dir/order/time → same bytes" cmp -s hello-1.2-r3.apk again.apk
touch -d '2030-01-01' hello-1.2-r3.apk
packhello tree1 hello-1.2-r3.apk
check_eq "unchanged repack keeps the mtime (restat)" "$(date -r hello-1.2-r3.apk +%Y)" 2030
SOURCE_DATE_EPOCH=5 "$A" pack --destdir tree1 --name e --version 1 --arch noarch --unsigned -o epoch.apk
check_eq "SOURCE_DATE_EPOCH sets builddate" "$(tar -xzOf epoch.apk .PKGINFO 2>/dev/null | sed -n 's/^builddate = //p')" 5

# --- tampering ---
# flip FILE OFFSET OUT — copy with one byte changed.
flip() { python3 -c "import sys;b=bytearray(open(sys.argv[1],'rb').read());b[int(sys.argv[2])]^=0x5a;open(sys.argv[3],'wb').write(b)" "$@"; }
set -- $(sed -n 1p split.out); s0len=$2
set -- $(sed -n 2p split.out); s1off=$1 s1len=$2
set -- $(sed -n 3p split.out); s2off=$1 s2len=$2
flip hello-1.2-r3.apk $((s0len - 20)) t-sig.apk
flip hello-1.2-r3.apk $((s1off + s1len / 2)) t-ctl.apk
flip hello-1.2-r3.apk $((s2off + s2len / 2)) t-data.apk
for seg in sig ctl data; do
  out=$("$A" verify --key keys/test.rsa.pub t-$seg.apk 2>&1); rc=$?
  check_eq "tampered $seg segment fails" $rc 1
  case $seg in
    sig|ctl) check_contains "tampered $seg names the failure" "$out" "t-$seg.apk: " ;;
    data) check_contains "tampered data names datahash" "$out" "BAD datahash" ;;
  esac
done
head -c $((s1off + 5)) hello-1.2-r3.apk > t-trunc.apk
out=$("$A" verify --key keys/test.rsa.pub t-trunc.apk 2>&1)
check_contains "truncated package: clear error" "$out" "truncated"
"$A" keygen keys/other.rsa >/dev/null 2>&1
out=$("$A" verify --key keys/other.rsa.pub hello-1.2-r3.apk 2>&1); rc=$?
check_eq "wrong key fails" $rc 1
check_contains "wrong key named" "$out" "signed with key test.rsa.pub"

# --- index ---
mkdir -p repo/aarch64 repo/noarch
cp hello-1.2-r3.apk repo/aarch64/
mkdir -p docs/usr/share/doc/hello && printf 'doc\n' > docs/usr/share/doc/hello/README
chmod 755 docs docs/usr docs/usr/share docs/usr/share/doc docs/usr/share/doc/hello
chmod 644 docs/usr/share/doc/hello/README
"$A" pack --destdir docs --name hello-doc --version 1.2 --arch noarch --depend hello \
  --key keys/test.rsa --epoch $EPOCH -o repo/noarch/hello-doc-1.2-r0.apk
check "index writes" "$A" index --key keys/test.rsa --epoch $EPOCH repo/aarch64
check "index verifies" "$A" verify --key keys/test.rsa.pub repo/aarch64/APKINDEX.tar.gz
$CHK split repo/aarch64/APKINDEX.tar.gz split > isplit.out
check_eq "signed index: two streams" "$(wc -l < isplit.out)" 2
tar -xOf split/stream1.tar APKINDEX > APKINDEX 2>/dev/null
check "index tar keeps its trailer" python3 -c "import sys;sys.exit(not open('split/stream1.tar','rb').read().endswith(bytes(1024)))"
ctlq=$(python3 -c "import base64,hashlib,sys;print('Q1'+base64.b64encode(hashlib.sha1(open(sys.argv[1],'rb').read()).digest()).decode())" split.out 2>/dev/null)
# C: is the SHA-1 of the package's control stream.
c1=$(mkdir -p sp && $CHK split repo/aarch64/hello-1.2-r3.apk sp >/dev/null && python3 -c "import base64,hashlib;print('Q1'+base64.b64encode(hashlib.sha1(open('sp/stream1.gz','rb').read()).digest()).decode())")
check_contains "C: = sha1 of control stream" "$(cat APKINDEX)" "C:$c1"
check_eq "S: = file size" "$(sed -n '/^P:hello$/,/^$/s/^S://p' APKINDEX)" "$(stat -c %s repo/aarch64/hello-1.2-r3.apk)"
sed 's/^C:.*/C:<sha1>/; s/^S:.*/S:<size>/' APKINDEX > APKINDEX.masked
check "golden APKINDEX" diff -u "$HERE/golden/APKINDEX" APKINDEX.masked
touch -d '2030-01-01' repo/aarch64/APKINDEX.tar.gz
"$A" index --key keys/test.rsa --epoch $EPOCH repo/aarch64
check_eq "unchanged index keeps its mtime" "$(date -r repo/aarch64/APKINDEX.tar.gz +%Y)" 2030
flip repo/aarch64/hello-1.2-r3.apk $((s2off + 10)) repo/aarch64/hello-1.2-r3.apk
out=$("$A" index --key keys/test.rsa --epoch $EPOCH repo/aarch64 2>&1); rc=$?
check_eq "index refuses a corrupt package" $rc 1
check_contains "index error names the package" "$out" "hello-1.2-r3.apk: BAD datahash"
check_eq "old index left intact" "$(date -r repo/aarch64/APKINDEX.tar.gz +%Y)" 2030
flip repo/aarch64/APKINDEX.tar.gz 400 t-APKINDEX.tar.gz
out=$("$A" verify --key keys/test.rsa.pub t-APKINDEX.tar.gz 2>&1); rc=$?
check_eq "tampered index fails" $rc 1

# --- passthrough re-sign ---
check "resign" "$A" resign --key keys/other.rsa -o resigned.apk hello-1.2-r3.apk
check "resigned verifies with the new key" "$A" verify --key keys/other.rsa.pub resigned.apk
mkdir rs && $CHK split resigned.apk rs >/dev/null
check "control stream kept byte for byte" cmp -s rs/stream1.gz split/../sp/stream1.gz
check "data stream kept byte for byte" sh -c "tail -c +$((s2off + 1)) hello-1.2-r3.apk | cmp -s - rs/stream2.gz"
out=$("$A" verify --key keys/test.rsa.pub resigned.apk 2>&1); rc=$?
check_eq "old key no longer verifies" $rc 1

# --- edge cases ---
mkdir -p empty sysroot/etc/init.d && printf '#!/sbin/openrc-run\n' > sysroot/etc/init.d/svc
check "empty destdir packs" "$A" pack --destdir empty --name empty --version 1 --arch noarch --unsigned -o empty.apk
check_eq "empty package: size 0" "$(tar -xzOf empty.apk .PKGINFO 2>/dev/null | sed -n 's/^size = //p')" 0
check "service found in the sysroot" "$A" pack --destdir empty --sysroot sysroot --service svc \
  --name svc --version 1 --arch noarch --key keys/test.rsa -o svc.apk
check_eq "service symlink in a tree without etc/" \
  "$(python3 -c "import tarfile,sys;t=tarfile.open(sys.argv[1]);print(' '.join(m.name+('->'+m.linkname if m.issym() else '') for m in t))" svc.apk 2>/dev/null)" \
  ".SIGN.RSA.test.rsa.pub .PKGINFO etc etc/runlevels etc/runlevels/default etc/runlevels/default/svc->/etc/init.d/svc"
out=$("$A" pack --destdir empty --service nosuch --name s --version 1 --arch noarch --unsigned -o s.apk 2>&1); rc=$?
check_eq "service without init script fails" $rc 1
check_contains "service error names the script" "$out" "etc/init.d/nosuch does not exist"

# directory modes container-step recorded before unlocking the tree
mkdir -p md/destdir/proc md/destdir/etc && chmod 0755 md/destdir/proc
printf '0555 proc\n' >md/destdir.modes
check "pack applies <destdir>.modes" "$A" pack --destdir md/destdir --name md --version 1 --arch noarch --unsigned -o md.apk
check_eq "recorded mode restored, others kept" \
  "$(python3 -c "import tarfile,sys;t=tarfile.open(sys.argv[1]);print(' '.join('%s:%o'%(m.name,m.mode) for m in t if m.isdir()))" md.apk 2>/dev/null)" \
  "etc:755 proc:555"
printf 'rwx proc\n' >md/destdir.modes
out=$("$A" pack --destdir md/destdir --name md --version 1 --arch noarch --unsigned -o md2.apk 2>&1); rc=$?
check_eq "bad modes file fails" $rc 1
check_contains "bad modes file names the line" "$out" "destdir.modes:1: expected"
check "nothing written on failure" test ! -e md2.apk

# --- bad input ---
out=$("$A" pack --destdir nowhere --name x --version 1 --arch x86_64 --unsigned -o x.apk 2>&1); rc=$?
check_eq "missing destdir fails" $rc 1
check_contains "missing destdir named" "$out" "destdir nowhere"
out=$("$A" pack --destdir tree1 --name x --version 1 --arch sparc --unsigned -o x.apk 2>&1); rc=$?
check_eq "unknown arch is a usage error" $rc 1
check_contains "arch error" "$out" "--arch 'sparc'"
mkdir -p weird && printf x > "weird/$(printf 'bad\377name')"
out=$("$A" pack --destdir weird --name x --version 1 --arch x86_64 --unsigned -o x.apk 2>&1)
check_contains "non-UTF-8 name refused" "$out" "not valid UTF-8"
check "nothing written on failure" test ! -e x.apk
check_eq "no temp files left" "$(ls -a | grep -c 'tmp\|\.data\.')" 0
printf 'junk' > junk.apk
out=$("$A" verify --key keys/test.rsa.pub junk.apk 2>&1)
check_contains "junk is not an apk" "$out" "junk.apk: first gzip stream is"
out=$("$A" pack --bogus 2>&1); rc=$?
check_eq "unknown option exits 2" $rc 2
for c in pack index verify resign keygen keyinfo; do
  check "$c --help" sh -c "'$A' $c --help | grep -q usage"
done

# --- pack --spec: the options from a unit.ini [package] section ---
# written as yoe gen writes it (docs/step.md): every value escaped, a long
# one split over `key+` lines; the other sections belong to container-step.
sdir=$(printf 'spec tree;#\nx')   # a destdir named with a space, ; # and a newline
mktree "$sdir" fwd
mkdir -p sp-sysroot/etc/init.d && printf '#!/sbin/openrc-run\n' > sp-sysroot/etc/init.d/other
part=$(printf 'lorem-ipsum-%02d,' $(seq 1 9))   # 135 bytes; three do not fit a line
desc="  says hello; to #all, then $part$part$part "
mkdir -p build/u
{
  cat <<'EOF'
# container-step spec written by `yoe gen` (docs/step.md); do not edit.
[unit]
name = hello
arch = arm64
[deps]
libfoo = build/libfoo/stage
[task build]
step = make \; make install
[package]
destdir = spec tree\;\#\nx
name = hello
version = 1.2
release = 3
arch = arm64
EOF
  printf 'description = \\s\\ssays hello\\; to \\#all, then %s\n' "$part"
  printf 'description+ = %s\n' "$part"
  printf '; a comment between continuation lines is fine\n'
  printf 'description+ = %s\\s\n' "$part"
  cat <<'EOF'
license = MIT
commit = 0123abcd
depend = musl
depend = so:libc.musl-aarch64.so.1
provides = greeter
provides = cmd:hi=1.2-r3
replaces = oldhello
replaces = hello-legacy
service = hello
service = other
sysroot = sp-sysroot
level = 9
EOF
} > build/u/unit.ini
flagpack() { # OUT [extra options] — the same package from flags
  out=$1; shift
  "$A" pack --destdir "$sdir" --name hello --version 1.2 --release 3 --arch arm64 \
    --description "$desc" --license MIT --commit 0123abcd \
    --depend musl --depend 'so:libc.musl-aarch64.so.1' --provides greeter \
    --provides 'cmd:hi=1.2-r3' --replaces oldhello --replaces hello-legacy \
    --service hello --service other --sysroot sp-sysroot --level 9 \
    --key keys/test.rsa --epoch $EPOCH -o "$out" "$@"
}
check "pack from flags" flagpack flags.apk
check "pack --spec" "$A" pack --key keys/test.rsa --epoch $EPOCH --spec build/u/unit.ini -o spec.apk
check "--spec gives the same bytes as flags" cmp -s flags.apk spec.apk
pkginfo() { python3 -c "import tarfile,sys;t=tarfile.open(sys.argv[1]);sys.stdout.write(t.extractfile('.PKGINFO').read().decode())" "$1" 2>/dev/null; }
check_eq "escaped, continued description" "$(pkginfo spec.apk | sed -n 's/^pkgdesc = //p')" "$desc"
check_eq "list keys repeat" "$(pkginfo spec.apk | grep -c '^depend = \|^replaces = ')" 4
check_eq "both services enabled" "$(python3 -c "import tarfile,sys;print(' '.join(m.name for m in tarfile.open(sys.argv[1]) if m.issym() and 'runlevels' in m.name))" spec.apk 2>/dev/null)" \
  "etc/runlevels/default/hello etc/runlevels/default/other"
check "verify the --spec package" "$A" verify --key keys/test.rsa.pub spec.apk
# the command line overrides the spec's values and adds to its lists
check "pack --spec with overrides" "$A" pack --spec build/u/unit.ini --name hello2 --release 4 \
  --depend extra --key keys/test.rsa --epoch $EPOCH -o over.apk
flagpack overflags.apk --name hello2 --release 4 --depend extra
check "overrides = flags with the same values" cmp -s over.apk overflags.apk
check_eq "override order: spec's depends, then the command line's" \
  "$(pkginfo over.apk | sed -n 's/^\(pkgname\|pkgver\|depend\) = //p' | tr '\n' ' ')" \
  "hello2 1.2-r4 musl so:libc.musl-aarch64.so.1 extra "
# a newline in a one-line field: the same refusal either way
sed 's/^description = .*/description = a\\nb/; /^description+/d' build/u/unit.ini > nl.ini
out1=$("$A" pack --spec nl.ini --key keys/test.rsa --epoch $EPOCH -o nl.apk 2>&1); rc=$?
out2=$(flagpack nl.apk --description "$(printf 'a\nb')" 2>&1)
check_eq "newline in description refused" $rc 1
check_contains "refusal says why" "$out1" "must be one line"
check_eq "same refusal as the flag" "$out1" "$out2"
check "nothing written for it" test ! -e nl.apk
# spec_err DESC MESSAGE SPEC-TEXT — a bad spec fails with MESSAGE, writes nothing
spec_err() {
  printf "$3" > bad.ini
  out=$("$A" pack --spec bad.ini --key keys/test.rsa --epoch $EPOCH -o bad.apk 2>&1); rc=$?
  check_eq "$1: exit 1" $rc 1
  check_contains "$1: message" "$out" "$2"
  check "$1: nothing written" test ! -e bad.apk
}
spec_err "unknown key" "apk-sign: bad.ini:5: error: unknown key 'bogus' in [package] (known: destdir," \
  '[unit]\nname = a\n[package]\nname = a\nbogus = 1\n'
spec_err "key refused" "bad.ini:3: error: 'key' is not allowed in [package]: give --key on apk-sign's command line" \
  '[package]\nname = a\nkey = keys/test.rsa\n'
spec_err "unsigned refused" "bad.ini:2: error: 'unsigned' is not allowed in [package]: give --unsigned" \
  '[package]\nunsigned = 1\nname = a\n'
spec_err "-o refused" "bad.ini:2: error: 'o' is not allowed in [package]: give -o on" '[package]\no = x.apk\n'
spec_err "bad escape" "bad.ini:3: error: description: bad escape '\\q' (use" \
  '[package]\nname = a\ndescription = a\\qb\n'
spec_err "continuation without its key" \
  "bad.ini:4: error: 'description+' must directly follow a 'description' line" \
  '[package]\ndescription = a\nname = b\ndescription+ = c\n'
spec_err "raw ; refused" "bad.ini:2: error: unescaped ';'" '[package]\ndescription = a ; b\n'
spec_err "no [package]" "bad.ini: error: no [package] section" '[unit]\nname = a\n'
out=$("$A" pack --spec missing.ini --key keys/test.rsa -o bad.apk 2>&1); rc=$?
check_eq "missing spec: exit 1" $rc 1
check_contains "missing spec named" "$out" \
  "apk-sign: missing.ini: error: cannot open the package spec: No such file or directory"
check "missing spec: nothing written" test ! -e bad.apk
check_eq "no temp files left by --spec errors" "$(ls -a | grep -c 'bad\.apk\|nl\.apk')" 0
out=$("$A" index --spec build/u/unit.ini --unsigned -o x.tar.gz repo/aarch64 2>&1); rc=$?
check_eq "--spec is pack's only" $rc 2

# --- yoe key ---
if [ -x "$YOE_BIN/yoe" ] && "$YOE_BIN/yoe" key --help >/dev/null 2>&1; then
  mkdir -p proj && printf 'project(\n    name = "demo",\n    version = "1",\n)\n' > proj/PROJECT.star
  out=$(cd proj && HOME=$T_TMP/home YOE_LIBEXEC=$YOE_BIN "$YOE_BIN/yoe" key generate 2>&1)
  check_contains "yoe key generate" "$out" "key name:    demo.rsa.pub"
  check_eq "default key path" "$(stat -c %a home/.config/yoe/keys/demo.rsa)" 600
  out=$(cd proj && HOME=$T_TMP/home YOE_LIBEXEC=$YOE_BIN "$YOE_BIN/yoe" key info 2>&1)
  check_contains "yoe key info" "$out" "private key: $T_TMP/home/.config/yoe/keys/demo.rsa"
  out=$(cd proj && HOME=$T_TMP/home YOE_LIBEXEC=$YOE_BIN "$YOE_BIN/yoe" key info --name other 2>&1); rc=$?
  check_eq "yoe key info of a missing key fails" $rc 1
  mkdir -p proj2 && printf 'project(name = "p2", version = "1", signing_key = "keys/custom.rsa")\n' > proj2/PROJECT.star
  out=$(cd proj2 && HOME=$T_TMP/home YOE_LIBEXEC=$YOE_BIN "$YOE_BIN/yoe" key generate 2>&1)
  check_contains "signing_key overrides the path" "$out" "private key: $T_TMP/proj2/keys/custom.rsa"
  check_eq "signing_key key mode" "$(stat -c %a proj2/keys/custom.rsa 2>&1)" 600
  chmod 644 proj2/keys/custom.rsa
  out=$(cd proj2 && HOME=$T_TMP/home YOE_LIBEXEC=$YOE_BIN "$YOE_BIN/yoe" key info 2>&1); rc=$?
  check_eq "yoe key info refuses an insecure key" $rc 1
  check_contains "yoe key info says how to fix it" "$out" "chmod 600"
else
  fail "yoe key is not built"
fi
finish
