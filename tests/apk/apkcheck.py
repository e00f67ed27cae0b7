#!/usr/bin/env python3
"""tests/apk/apkcheck.py — inspects an .apk or APKINDEX.tar.gz with Python's
own zlib/tarfile/hashlib only (an implementation independent of apk-sign).

  apkcheck.py split FILE OUTDIR   write stream0.gz, stream1.gz, ... and print
                                  each stream's offset and length
  apkcheck.py check FILE EPOCH    structural checks of a package; prints
                                  `ok` lines or `BAD ...` lines
"""
import hashlib
import io
import sys
import tarfile
import zlib


def streams(data):
    """Split at exact gzip member boundaries."""
    out, off = [], 0
    while off < len(data):
        d = zlib.decompressobj(16 + 15)
        raw = d.decompress(data[off:])
        if not d.eof:
            raise SystemExit("BAD truncated gzip member at %d" % off)
        n = len(data) - off - len(d.unused_data)
        out.append((off, n, raw))
        off += n
    return out


def members(raw):
    # tarfile needs the end blocks the control/signature tars leave out.
    t = tarfile.open(fileobj=io.BytesIO(raw + b"\0" * 1024), format=tarfile.PAX_FORMAT)
    return t, t.getmembers()


def check(path, epoch):
    data = open(path, "rb").read()
    ss = streams(data)
    bad = []
    say = lambda ok, what: print(("ok " if ok else "BAD ") + what) or (ok or bad.append(what))
    say(len(ss) == 3, "three gzip streams (got %d)" % len(ss))
    for i, (off, n, raw) in enumerate(ss):
        hdr = data[off:off + 10]
        say(hdr[3] == 0 and hdr[4:8] == b"\0\0\0\0" and hdr[9] == 255,
            "stream %d gzip header: no name, mtime 0, OS 255" % i)
    sig, ctl, dat = ss[0][2], ss[1][2], ss[2][2]
    t, m = members(sig)
    say(len(m) == 1 and m[0].name.startswith(".SIGN.RSA."), "signature entry name")
    say(len(sig) == 512 + ((m[0].size + 511) // 512) * 512, "signature tar has no trailer")
    t, m = members(ctl)
    say([x.name for x in m] == [".PKGINFO"], "control holds only .PKGINFO")
    info = t.extractfile(m[0]).read().decode()
    say(len(ctl) == 512 + ((m[0].size + 511) // 512) * 512, "control tar has no trailer")
    say(m[0].mode == 0o644 and m[0].uid == 0 and m[0].mtime == epoch, ".PKGINFO header")
    say(dat.endswith(b"\0" * 1024), "data tar keeps its trailer")
    fields = [l.split(" = ", 1) for l in info.splitlines()]
    datahash = dict(fields)["datahash"]
    say(hashlib.sha256(data[ss[2][0]:]).hexdigest() == datahash, "datahash = sha256 of data stream")
    t, m = members(dat)
    names = [x.name for x in m]
    say(names == sorted(names, key=lambda s: s.encode()), "data entries sorted by path")
    size = 0
    for x in m:
        say(x.uid == 0 and x.gid == 0 and x.uname == "root" and x.gname == "root",
            "%s owned by root:root" % x.name)
        say(x.mtime == epoch, "%s mtime = epoch" % x.name)
        say(not x.name.startswith("./") and not x.name.endswith("/"), "%s name form" % x.name)
        rec = x.pax_headers.get("APK-TOOLS.checksum.SHA1")
        if x.isreg():
            body = t.extractfile(x).read()
            size += len(body)
            say(rec == hashlib.sha1(body).hexdigest(), "%s SHA1 record" % x.name)
        elif x.issym():
            size += len(x.linkname.encode())
            say(rec == hashlib.sha1(x.linkname.encode()).hexdigest(), "%s symlink SHA1 record" % x.name)
        else:
            say(rec is None, "%s has no SHA1 record" % x.name)
    say(int(dict(fields)["size"]) == size, "size = bytes of files + link targets")
    return 1 if bad else 0


def main():
    if sys.argv[1] == "split":
        data = open(sys.argv[2], "rb").read()
        for i, (off, n, raw) in enumerate(streams(data)):
            open("%s/stream%d.gz" % (sys.argv[3], i), "wb").write(data[off:off + n])
            open("%s/stream%d.tar" % (sys.argv[3], i), "wb").write(raw)
            print(off, n)
        return 0
    return check(sys.argv[2], int(sys.argv[3]))


sys.exit(main())
