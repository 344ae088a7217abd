#!/usr/bin/env python3
"""Checks the spans of one request traced by ebb's gateway (for tests/e2e_tracing.sh).

Reads the trace's spans (a JSON list, as GET /api/v2/trace/ID answers) on stdin and prints one
"ok   ..." or "FAIL ..." line per check.

Usage: zipkin_trace_check.py TRACE_ID PARENT_ID CLIENT_SPAN_ID COLD START_US REVISION SERVICE
  PARENT_ID       the caller's span id ("" when the request came without context)
  CLIENT_SPAN_ID  the X-B3-SpanId the app received
  COLD            1 when the request waited for an instance (expects throttler_try)
  START_US        no span may start before this (µs since the epoch)
"""
import json
import sys
import time

HOST_SUFFIX = ".default.example.com"


class Checker:
    def __init__(self, trace):
        self.trace = trace

    def __call__(self, what, ok):
        print(("ok   " if ok else "FAIL ") + self.trace + ": " + what)


def check_common(check, span, start_us, revision, service):
    name = span["name"]
    check(name + ": traceId", span["traceId"] == check.trace)
    now_us = int(time.time() * 1e6)
    check(name + ": timestamp in µs since the epoch", start_us <= span["timestamp"] <= now_us)
    check(name + ": duration > 0 µs", isinstance(span["duration"], int) and span["duration"] > 0)
    check(name + ": localEndpoint.serviceName",
          span["localEndpoint"].get("serviceName") == "ebb-gateway")
    tags = span["tags"]
    check(name + ": revision tags", tags.get("revision") == revision and
          tags.get("namespace") == "default" and tags.get("service") == service)
    check(name + ": no error tag", "error" not in tags)


def check_http(check, span, service):
    tags = span.get("tags", {})
    check(span.get("name", "?") + ": http tags",
          tags.get("http.method") == "GET" and tags.get("http.path") == "/headers" and
          tags.get("http.status_code") == "200" and
          tags.get("http.host") == service + HOST_SUFFIX)


def check_chain(check, server, call, wait, parent, call_id, revision):
    check("gateway: SERVER", server.get("kind") == "SERVER")
    check("gateway: parentId is the caller's span", server.get("parentId") == (parent or None))
    check("proxy: CLIENT", call.get("kind") == "CLIENT")
    check("proxy: child of gateway", call.get("parentId") == server.get("id"))
    check("proxy: its id is what the app got", call.get("id") == call_id)
    remote = call.get("remoteEndpoint", {})
    check("proxy: remoteEndpoint is the revision's instance",
          remote.get("serviceName") == revision and remote.get("ipv4") == "127.0.0.1" and
          remote.get("port", 0) > 0)
    check("proxy: inside gateway", server["timestamp"] <= call["timestamp"] and
          call["timestamp"] + call["duration"] <= server["timestamp"] + server["duration"] + 1)
    if wait is None:
        return
    check("throttler_try: child of gateway", wait.get("parentId") == server.get("id"))
    check("throttler_try: a local span (no kind)", "kind" not in wait)
    check("throttler_try: after arrival, before the call",
          server["timestamp"] <= wait["timestamp"] and
          wait["timestamp"] + wait["duration"] <= call["timestamp"] + 1)
    check("throttler_try: has a duration", wait["duration"] > 0)


def main():
    trace, parent, call_id, cold, start_us, revision, service = sys.argv[1:8]
    cold, start_us = cold == "1", int(start_us)
    spans = json.load(sys.stdin)
    check = Checker(trace)
    by_name = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    want = ["gateway", "proxy"] + (["throttler_try"] if cold else [])
    check("one span each of %s, got %s" % (want, [s["name"] for s in spans]),
          sorted(s["name"] for s in spans) == sorted(want))
    for span in spans:
        check_common(check, span, start_us, revision, service)
    server, call = by_name.get("gateway", [{}])[0], by_name.get("proxy", [{}])[0]
    if not server or not call:
        return
    for span in (server, call):
        check_http(check, span, service)
    wait = by_name["throttler_try"][0] if cold and "throttler_try" in by_name else None
    check_chain(check, server, call, wait, parent, call_id, revision)


if __name__ == "__main__":
    main()
