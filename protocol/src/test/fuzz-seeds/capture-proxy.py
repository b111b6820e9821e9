#!/usr/bin/env python3
"""Captures the fuzz tests' seed inputs from real clients (docs/development.md, "Seed corpus").

Usage: capture-proxy.py UPSTREAM_URL LISTEN_PORT OUT_DIR

Forwards every HTTP request to the Scepter at UPSTREAM_URL and saves what the client sent, as the
server's parsers read it: each POST body as OUT_DIR/NN-post<path>.bin, and the request target of a
GET that carries a SCEP message parameter or an OCSP request as OUT_DIR/NN-get<path>.txt. With
CAPTURE_GET=1 in the environment it drops POSTPKIOperation and SCEPStandard from GetCACaps, so that
clients send their pkiMessage by GET (RFC 8894 section 4.1).
"""
import http.client
import http.server
import itertools
import os
import sys
import urllib.parse

upstream = urllib.parse.urlsplit(sys.argv[1])
listen_port, out = int(sys.argv[2]), sys.argv[3]
counter = itertools.count(1)


class Proxy(http.server.BaseHTTPRequestHandler):
    def forward(self, body):
        n = next(counter)
        path, _, query = self.path.partition("?")
        name = path.replace("/", "_")[:40]
        if body:
            with open(os.path.join(out, f"{n:02d}-post{name}.bin"), "wb") as f:
                f.write(body)
        if "message=" in query or path.startswith("/ocsp/"):
            with open(os.path.join(out, f"{n:02d}-get{name}.txt"), "w") as f:
                f.write(self.path)
        # http.client adds no header of its own (urllib would add a form Content-Type).
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        status, headers, data = response.status, response.getheaders(), response.read()
        connection.close()
        if os.environ.get("CAPTURE_GET") and "GetCACaps" in self.path:
            data = b"\n".join(c for c in data.split(b"\n") if c.strip() not in (b"POSTPKIOperation", b"SCEPStandard"))
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.forward(None)

    def do_POST(self):
        self.forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", listen_port), Proxy).serve_forever()
