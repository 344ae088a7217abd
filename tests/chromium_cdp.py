#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol, with the standard library only.

  chromium_cdp.py --url URL [--wait-js EXPR] [--timeout S] [--dom FILE] [--screenshot FILE]
                  [--full-screenshot FILE] [--eval-json FILE] [--size 1400x1000]
                  [--mark-file FILE --mark-js EXPR]

Starts Chromium (--chromium, default `chromium`) headless with its own temporary profile,
opens URL in real time (the page's timers and fetches run as in a browser: no virtual time),
polls the JavaScript expression --wait-js until it is truthy (an object: until its "ready"
field is) or --timeout passes, then saves
the DOM (document.documentElement.outerHTML), the value of --wait-js as JSON, and PNG
screenshots (the viewport, and optionally the whole page); uncaught page exceptions are printed. Exits 0 when the wait condition
held, 1 when it timed out (the files are written either way), 2 on a driver failure.
--mark-file is created as soon as --mark-js is truthy (e.g. once the page has polled), so that a
test can start what the page should watch only then. Chromium is always stopped, by its own
process id.
"""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    """A client WebSocket (RFC 6455) good enough for DevTools: text frames, no extensions."""

    def __init__(self, url, timeout):
        assert url.startswith("ws://")
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
             "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        head, _, self.buf = head.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("websocket handshake refused: " + head.decode(errors="replace"))

    def send(self, text):
        data = text.encode()
        header = bytes([0x81])
        n = len(data)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode == 8:
                raise ConnectionError("websocket closed by peer")
            if opcode in (9, 10):  # ping / pong: DevTools sends none; ignore
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class DevTools:
    def __init__(self, ws_url, timeout):
        self.ws = WebSocket(ws_url, timeout)
        self.next_id = 0
        self.exceptions = []  # uncaught page exceptions (Runtime.exceptionThrown), as text

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Runtime.exceptionThrown":
                d = msg["params"]["exceptionDetails"]
                self.exceptions.append(d.get("exception", {}).get("description") or d.get("text"))
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("evaluate: " + json.dumps(r["exceptionDetails"])[:500])
        return r.get("result", {}).get("value")


def start_chromium(binary, profile, width, height):
    args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
            f"--user-data-dir={profile}", "--remote-debugging-port=0",
            f"--window-size={width},{height}", "about:blank"]
    log = open(os.path.join(profile, "chromium.log"), "wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("chromium exited with " + str(proc.returncode))
        if os.path.exists(port_file):
            lines = open(port_file).read().split("\n")
            if len(lines) >= 2 and lines[0].strip():
                return proc, int(lines[0])
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chromium did not open its DevTools port")


def page_ws_url(port):
    deadline = time.time() + 10
    while time.time() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
            for target in json.load(r):
                if target.get("type") == "page" and target.get("webSocketDebuggerUrl"):
                    return target["webSocketDebuggerUrl"]
        time.sleep(0.2)
    raise RuntimeError("no page target")


def save_png(path, data):
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def drive(args, dt):
    width, height = (int(x) for x in args.size.split("x"))
    dt.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
            deviceScaleFactor=1, mobile=False)
    dt.call("Page.enable")
    dt.call("Runtime.enable")
    dt.call("Page.navigate", url=args.url)
    ok = False
    value = None
    marked = not args.mark_file
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        if not marked:
            try:
                marked = bool(dt.evaluate(args.mark_js))
            except RuntimeError:
                marked = False
            if marked:
                open(args.mark_file, "w").close()
        try:
            value = dt.evaluate(args.wait_js)
        except RuntimeError:
            value = None  # the page is still loading
        if value and (not isinstance(value, dict) or value.get("ready")):
            ok = True
            break
        time.sleep(0.5)
    for e in dt.exceptions:
        print("page exception:", e, file=sys.stderr)
    if args.eval_json:
        with open(args.eval_json, "w") as f:
            json.dump(value, f)
    if args.dom:
        with open(args.dom, "w", encoding="utf-8") as f:
            f.write(dt.evaluate("document.documentElement.outerHTML") or "")
    if args.screenshot:
        save_png(args.screenshot, dt.call("Page.captureScreenshot", format="png")["data"])
    if args.full_screenshot:
        size = dt.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}
        shot = dt.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        save_png(args.full_screenshot, shot["data"])
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--url", required=True)
    ap.add_argument("--wait-js", default="document.readyState === 'complete'")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--dom")
    ap.add_argument("--eval-json")
    ap.add_argument("--screenshot")
    ap.add_argument("--full-screenshot")
    ap.add_argument("--size", default="1400x1000")
    ap.add_argument("--mark-file", help="created once --mark-js is truthy (to sync a test)")
    ap.add_argument("--mark-js", default="true")
    args = ap.parse_args()
    profile = tempfile.mkdtemp(prefix="ebb-chromium-")
    proc = None
    try:
        proc, port = start_chromium(args.chromium, profile, *args.size.split("x"))
        dt = DevTools(page_ws_url(port), timeout=60)
        return 0 if drive(args, dt) else 1
    except (OSError, RuntimeError, ConnectionError, ValueError) as e:
        print("chromium_cdp:", e, file=sys.stderr)
        return 2
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
