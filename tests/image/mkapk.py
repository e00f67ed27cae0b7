#!/usr/bin/env python3
# tests/image/mkapk.py — writes an *unsigned, upstream-style* .apk for the
# image tests: entries with any owner, setuid bits, device nodes and hard
# links, which `apk-sign pack` (root:root, from a real destdir) cannot make.
# The test then signs it with `apk-sign resign`, exactly like a passthrough
# Alpine package.  Layout per docs/apk.md: control gzip stream (.PKGINFO,
# optional install scripts, no tar trailer) + data gzip stream (tar with an
# APK-TOOLS.checksum.SHA1 PAX record per file and symlink); datahash is the
# SHA-256 of the compressed data stream.
#
#   mkapk.py -o OUT.apk --name N --version V [--arch A] [--replaces P]...
#            [--script .post-install=FILE] ENTRIES
#
# ENTRIES has one entry per line (paths without a leading '/', %20 for a
# space):
#   d PATH MODE UID GID
#   f PATH MODE UID GID TEXT...        (content: TEXT + newline)
#   F PATH MODE UID GID HOSTFILE        (content: a host file)
#   l PATH TARGET
#   h PATH TARGET                       (hard link to an earlier file)
#   c PATH MODE UID GID MAJOR MINOR     (b for block devices, p PATH MODE UID GID)
import argparse, gzip, hashlib, io, sys, tarfile

def gz(data):
    # Fixed header (no name, mtime 0) so fixtures are reproducible.
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as g:
        g.write(data)
    return out.getvalue()

def data_tar(lines):
    buf = io.BytesIO()
    t = tarfile.TarFile(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
    for ln in lines:
        ln = ln.rstrip("\n")
        if not ln.strip() or ln.startswith("#"):
            continue
        w = ln.split(" ")
        kind, path = w[0], w[1].replace("%20", " ")
        ti = tarfile.TarInfo(path)
        ti.mtime = 0
        content = None
        if kind in "dfFcbp":
            ti.mode, ti.uid, ti.gid = int(w[2], 8), int(w[3]), int(w[4])
        if kind == "d":
            ti.type = tarfile.DIRTYPE
        elif kind in "fF":
            content = (" ".join(w[5:]) + "\n").encode() if kind == "f" else open(w[5], "rb").read()
            ti.size = len(content)
            ti.pax_headers = {"APK-TOOLS.checksum.SHA1": hashlib.sha1(content).hexdigest()}
        elif kind == "l":
            ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, w[2], 0o777
            ti.pax_headers = {"APK-TOOLS.checksum.SHA1": hashlib.sha1(w[2].encode()).hexdigest()}
        elif kind == "h":
            ti.type, ti.linkname, ti.mode = tarfile.LNKTYPE, w[2], 0o644
        elif kind in "cb":
            ti.type = tarfile.CHRTYPE if kind == "c" else tarfile.BLKTYPE
            ti.devmajor, ti.devminor = int(w[5]), int(w[6])
        elif kind == "p":
            ti.type = tarfile.FIFOTYPE
        else:
            sys.exit(f"mkapk: unknown entry kind {kind!r}")
        ti.uname = ti.gname = ""
        t.addfile(ti, io.BytesIO(content) if content is not None else None)
    t.close()
    return buf.getvalue()

def control_tar(pkginfo, scripts):
    buf = io.BytesIO()
    t = tarfile.TarFile(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT)
    for name, data in [(".PKGINFO", pkginfo)] + scripts:
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime = len(data), 0o755 if name != ".PKGINFO" else 0o644, 0
        t.addfile(ti, io.BytesIO(data))
    # No end-of-archive blocks: readers continue into the data stream.
    return buf.getvalue()[: t.offset]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--arch", default="x86_64")
    ap.add_argument("--replaces", action="append", default=[])
    ap.add_argument("--script", action="append", default=[])
    ap.add_argument("entries")
    a = ap.parse_args()
    data = gz(data_tar(open(a.entries).readlines()))
    info = (f"pkgname = {a.name}\npkgver = {a.version}\narch = {a.arch}\n"
            f"builddate = 0\norigin = {a.name}\nsize = 0\n"
            f"datahash = {hashlib.sha256(data).hexdigest()}\n")
    info += "".join(f"replaces = {r}\n" for r in a.replaces)
    scripts = []
    for s in a.script:
        name, path = s.split("=", 1)
        scripts.append((name, open(path, "rb").read()))
    ctl = gz(control_tar(info.encode(), scripts))
    with open(a.o, "wb") as f:
        f.write(ctl + data)

main()
