#!/usr/bin/env python3
"""tests/fetch/server.py — a loopback HTTP server for the fetch tests and
benchmark, able to misbehave on purpose.  Standard library only.

  server.py --root DIR --port-file FILE [--log FILE]

Binds 127.0.0.1 on a free port, writes the port to FILE, serves DIR.
Path prefixes choose the behaviour (NAME is a file under DIR):
  /files/NAME            the file, honouring Range (206)
  /fail500/K/NAME        HTTP 500 for the first K requests, then the file
  /always500/NAME        HTTP 500, always
  /drop/NAME             first request: full Content-Length, half the body,
                         then the connection closes; later requests: the file
  /norange/NAME          like /drop, but every request ignores Range (200)
  /garbage/NAME          always: full Content-Length, half the size in
                         wrong bytes, then the connection closes
  /reset/NAME            first request: close without any reply; then the file
  /trickle/NAME          first request: one byte every 0.3 s; then the file
  /badlen-long/NAME      Content-Length 100 more than the body, then close
  /badlen-short/NAME     Content-Length 100 less than the file (truncated)
  /gzipenc/NAME          the file with `Content-Encoding: gzip`
  /redirect/NAME         302 to /files/NAME
  /loop                  302 to /loop, forever
Anything else is a 404.  A request with an absolute URI (we are used as
http_proxy) is served by its path and logged as `PROXY PATH` first.  Each request is logged as `PATH RANGE` to --log.
"""
import argparse
import http.server
import os
import socketserver
import threading
import time

counts = {}
lock = threading.Lock()


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        if self.server.logfile:
            with lock, open(self.server.logfile, "a") as f:
                f.write("%s %s\n" % (self.path, self.headers.get("Range", "-")))

    def file_path(self, name):
        p = os.path.normpath(os.path.join(self.server.root, name))
        if not p.startswith(self.server.root + os.sep) or not os.path.isfile(p):
            return None
        return p

    def send_file(self, path, extra=None, length_delta=0, limit=None, ranges=True):
        size = os.path.getsize(path)
        start = 0
        rng = self.headers.get("Range") if ranges else None
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        else:
            self.send_response(200)
        count = size - start
        self.send_header("Content-Length", str(count + length_delta))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if limit is not None:
            count = min(count, limit)
        self.wfile.flush()
        with open(path, "rb") as f:
            off = start
            while count > 0:
                n = os.sendfile(self.connection.fileno(), f.fileno(), off, min(count, 1 << 22))
                if n <= 0:
                    break
                off += n
                count -= n

    def do_GET(self):
        if self.path.startswith("http://"):
            # Asked as a forward proxy: serve the path, log that it came so.
            self.path = "/" + self.path.split("/", 3)[3]
            if self.server.logfile:
                with lock, open(self.server.logfile, "a") as f:
                    f.write("PROXY %s\n" % self.path)
        self.log_request_line()
        parts = self.path.split("/")[1:]
        kind = parts[0] if parts else ""
        try:
            self.route(kind, parts)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, kind, parts):
        if kind == "loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if kind == "fail500" and len(parts) >= 3:
            k = int(parts[1])
            name = "/".join(parts[2:])
        else:
            name = "/".join(parts[1:])
        path = self.file_path(name)
        if path is None:
            self.send_error(404)
            return
        n = bump(self.path)
        size = os.path.getsize(path)
        if kind == "files":
            self.send_file(path)
        elif kind == "fail500":
            if n <= k:
                self.send_error(500)
            else:
                self.send_file(path)
        elif kind == "always500":
            self.send_error(500)
        elif kind == "drop":
            if n == 1:
                self.send_file(path, limit=size // 2)
            else:
                self.send_file(path)
        elif kind == "norange":
            self.send_file(path, limit=size // 2 if n == 1 else None, ranges=False)
        elif kind == "garbage":
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(b"x" * (size // 2))
        elif kind == "reset":
            if n == 1:
                self.close_connection = True
                return
            self.send_file(path)
        elif kind == "trickle":
            if n == 1:
                self.send_response(200)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                with open(path, "rb") as f:
                    for _ in range(100):
                        b = f.read(1)
                        if not b:
                            break
                        self.wfile.write(b)
                        self.wfile.flush()
                        time.sleep(0.3)
            else:
                self.send_file(path)
        elif kind == "badlen-long":
            self.send_file(path, length_delta=100)
        elif kind == "badlen-short":
            self.send_file(path, length_delta=-100, limit=max(size - 100, 0))
        elif kind == "gzipenc":
            self.send_file(path, extra={"Content-Encoding": "gzip",
                                        "Content-Type": "application/x-tar"})
        elif kind == "redirect":
            # With a body, as real servers send: it must not be stored.
            self.send_response(302)
            self.send_header("Location", "/files/" + name)
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"moved\n")
        else:
            self.send_error(404)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.root = os.path.realpath(a.root)
    srv.logfile = a.log
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    # Never outlive the test that started us, however it ended.
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
