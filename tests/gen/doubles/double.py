#!/usr/bin/env python3
"""tests/gen/doubles/double.py — test doubles of yoe's four helpers.

`yoe gen` bakes the helpers' directory into build.ninja; tests point
YOE_LIBEXEC at this directory so ninja runs these instead.  Each double
appends its argv to $YOE_DOUBLE_LOG (one line, tab-separated), then does the
smallest real thing its helper does, so ninja's view of the world is right:

  fetch-and-verify fetch/git-fetch --out F   write F (only when it changed)
  fetch-and-verify unpack [--dest D] --out F  create D (default: src/ beside F)
                                              with one file; F = a commit
  container-step SPEC (with [container])      write dir/container.id
  container-step SPEC                         run the spec's shell steps with
                                              sh (no sandbox!) into dir/destdir,
                                              copy it to dir/stage, write build.json
  apk-sign keygen KEY                         KEY and KEY.pub, unless they exist
  apk-sign pack --spec S ... -o OUT           OUT = S's [package] + bytes of
                                              its destdir (rewritten only when
                                              changed)
  apk-sign index -o OUT DIR                   OUT = names + hashes of DIR/*.apk
  image-assemble SPEC                         output = hashes of its packages
"""
import hashlib, os, shutil, subprocess, sys

def log():
    path = os.environ.get("YOE_DOUBLE_LOG")
    if path:
        with open(path, "a") as f:
            f.write("\t".join([os.path.basename(sys.argv[0])] + sys.argv[1:]) + "\n")

def write_if_changed(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if os.path.exists(path) and open(path, "rb").read() == data:
        return
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)

def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default

def unescape(v):
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\" and i + 1 < len(v):
            n = v[i + 1]
            if n == "x":
                out.append(chr(int(v[i + 2:i + 4], 16))); i += 4; continue
            out.append({"n": "\n", "t": "\t", "s": " ", "r": "\r"}.get(n, n)); i += 2; continue
        out.append(c); i += 1
    return "".join(out)

def read_ini(path):
    """[(section, key, value)] with `key+` continuations joined."""
    items, section = [], ""
    for line in open(path):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line[1:-1]; continue
        k, _, v = line.partition("=")
        k, v = k.strip(), v.strip()
        if k.endswith("+"):
            s, kk, vv = items[-1]
            items[-1] = (s, kk, vv + v)
        else:
            items.append((section, k, v))
    return [(s, k, unescape(v)) for s, k, v in items]

def tree_bytes(root):
    h = []
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            h.append(os.path.relpath(p, root).encode() + b"\0" + open(p, "rb").read())
    return b"\n".join(h)

def fetch(args):
    cmd = args[0]
    if cmd in ("fetch", "git-fetch"):
        sha = opt(args, "--sha256") or hashlib.sha256(opt(args, "--url").encode()).hexdigest()
        text = ("cache/sources/sha256/%s\n" % sha) if cmd == "fetch" else \
               ("%s cache/sources/git/mirror.git\n" % (opt(args, "--commit") or "0" * 40))
        write_if_changed(opt(args, "--out"), text.encode())
    elif cmd == "unpack":
        d = opt(args, "--dest") or os.path.join(os.path.dirname(opt(args, "--out")), "src")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        with open(os.path.join(d, "SOURCE"), "w") as f:
            f.write(" ".join(args) + "\n")
        if "--out" in args:
            commit = hashlib.sha1(" ".join(a for a in args if a != opt(args, "--out")).encode()).hexdigest()
            write_if_changed(opt(args, "--out"), (commit + "\n").encode())
    return 0

def step(args):
    spec = args[-1]
    items = read_ini(spec)
    unit = {k: v for s, k, v in items if s == "unit"}
    d = unit["dir"]
    if any(s == "container" for s, k, v in items):
        write_if_changed(os.path.join(d, "container.id"), ("rootfs %s\n" % unit.get("key", "")).encode())
        return 0
    dest = os.path.join(d, "destdir")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    env = dict(os.environ, DESTDIR=os.path.abspath(dest))
    for s, k, v in items:
        if s.startswith("task ") and k == "step":
            if subprocess.call(["sh", "-c", v], env=env) != 0:
                print("container-step double: step failed: " + v, file=sys.stderr)
                return 1
    stage = os.path.join(d, "stage")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(dest, stage)
    with open(os.path.join(d, "build.json"), "w") as f:
        f.write('{"status": "complete", "key": "%s"}\n' % unit.get("key", ""))
    return 0

def apk(args):
    out = opt(args, "-o")
    if args[0] == "keygen":
        key = args[1]
        os.makedirs(os.path.dirname(key), exist_ok=True)
        for path, text in ((key, "private"), (key + ".pub", "public")):
            if not os.path.exists(path):
                with open(path, "w") as f:
                    f.write("test %s key\n" % text)
    elif args[0] == "pack":
        pkg = [(k, v) for s, k, v in read_ini(opt(args, "--spec")) if s == "package"]
        fields = "".join("%s=%s\n" % kv for kv in pkg).encode()
        destdir = [v for k, v in pkg if k == "destdir"][0]
        data = b" ".join(a.encode() for a in args if a != out) + b"\n" + fields + tree_bytes(destdir)
        write_if_changed(out, data)
    elif args[0] == "index":
        d = args[-1]
        names = sorted(f for f in os.listdir(d) if f.endswith(".apk")) if os.path.isdir(d) else []
        data = "".join("%s %s\n" % (n, hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest())
                       for n in names)
        write_if_changed(out, data.encode())
    return 0

def image(args):
    items = read_ini(args[-1])
    out = [v for s, k, v in items if s == "image" and k == "output"][0]
    apks = [v for s, k, v in items if s == "packages" and k == "apk"]
    data = "".join("%s %s\n" % (a, hashlib.sha256(open(a, "rb").read()).hexdigest()) for a in apks)
    write_if_changed(out, data.encode())
    return 0

if __name__ == "__main__":
    log()
    name = os.path.basename(sys.argv[0])
    sys.exit({"fetch-and-verify": fetch, "container-step": step, "apk-sign": apk,
              "image-assemble": image}[name](sys.argv[1:]))
