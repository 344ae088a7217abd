#!/usr/bin/env python3
"""A small Zipkin v2 receiver for tests/e2e_tracing.sh (python3 standard library only).

No Zipkin server can be installed from Debian here, so this stands in for one: it takes what
a tracer POSTs and lets the test read it back, checking every span against the rules of
zipkin2-api.yaml on the way in.

  POST /api/v2/spans      a JSON list of spans (gzip accepted) -> 202, or 400 with the faults
  GET  /api/v2/spans      every span accepted (JSON list)
  GET  /api/v2/trace/ID   the spans of one trace
  GET  /api/v2/errors     the faults of rejected posts
  GET  /health            200

Usage: zipkin_receiver.py PORT_FILE   binds 127.0.0.1 on a free port and writes it to PORT_FILE.
"""
import gzip
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOWER_HEX = re.compile(r"^[0-9a-f]+$")
KINDS = ("CLIENT", "SERVER", "PRODUCER", "CONSUMER")
lock = threading.Lock()
accepted = []
faults = []


def is_hex_id(value, lengths):
    return isinstance(value, str) and len(value) in lengths and bool(LOWER_HEX.match(value))


def faults_of(span):
    """What breaks zipkin2-api.yaml's Span definition in `span`."""
    if not isinstance(span, dict):
        return ["not an object"]
    found = []
    if not is_hex_id(span.get("traceId"), (16, 32)):
        found.append("traceId: 16 or 32 lower-case hex digits, got %r" % (span.get("traceId"),))
    if not is_hex_id(span.get("id"), (16,)):
        found.append("id: 16 lower-case hex digits, got %r" % (span.get("id"),))
    if "parentId" in span and not is_hex_id(span["parentId"], (16,)):
        found.append("parentId: 16 lower-case hex digits, got %r" % (span["parentId"],))
    for field in ("timestamp", "duration"):
        value = span.get(field)
        if value is not None and (type(value) is not int or value < 1):
            found.append("%s: a positive integer of microseconds, got %r" % (field, value))
    if span.get("kind") is not None and span["kind"] not in KINDS:
        found.append("kind: one of %s, got %r" % (KINDS, span["kind"]))
    tags = span.get("tags", {})
    if not isinstance(tags, dict) or any(not isinstance(v, str) for v in tags.values()):
        found.append("tags: an object of strings")
    for endpoint in ("localEndpoint", "remoteEndpoint"):
        if endpoint in span and not isinstance(span[endpoint], dict):
            found.append("%s: an object" % endpoint)
    return found


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, value=None):
        body = b"" if value is None else json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/api/v2/spans":
            return self.reply(404, {"error": "not found"})
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        try:
            spans = json.loads(body)
        except ValueError as e:
            return self.reply(400, {"error": "bad JSON: %s" % e})
        if not isinstance(spans, list):
            return self.reply(400, {"error": "not a JSON list"})
        bad = [{"span": i, "faults": f} for i, s in enumerate(spans) for f in [faults_of(s)] if f]
        with lock:
            (faults if bad else accepted).extend(bad or spans)
        return self.reply(400, {"faults": bad}) if bad else self.reply(202)

    def do_GET(self):
        with lock:
            spans, errors = list(accepted), list(faults)
        if self.path == "/health":
            return self.reply(200, {"status": "UP"})
        if self.path == "/api/v2/spans":
            return self.reply(200, spans)
        if self.path == "/api/v2/errors":
            return self.reply(200, errors)
        if self.path.startswith("/api/v2/trace/"):
            want = self.path.rsplit("/", 1)[1].lower()
            return self.reply(200, [s for s in spans if s["traceId"] == want])
        return self.reply(404, {"error": "not found"})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
