// The tracing routes of the admin listener, added with one call from src/serve.
//
// GET /api/traces[?limit=N][&revision=NAME|NAMESPACE/NAME]
//   200 application/json: the last traces the gateway sampled (at most 200 are kept), newest
//   first (a trace moves to the front when it gets new spans), as Zipkin's GET /api/v2/traces
//   answers: a JSON array of traces, each a JSON array of Zipkin v2 spans:
//
//   [
//     [ {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736",   32 hex (16 for a 64-bit B3 trace id)
//        "id": "00f067aa0ba902b7",                        16 hex
//        "parentId": "…",                                 absent on a root span
//        "name": "gateway" | "throttler_try" | "proxy",
//        "kind": "SERVER" | "CLIENT",                     absent on throttler_try (local span)
//        "timestamp": 1764150000123456,                   start, µs since the Unix epoch
//        "duration": 1234,                                µs, at least 1
//        "localEndpoint": {"serviceName": "ebb-gateway"},
//        "remoteEndpoint": {"serviceName": "helloworld-00001", "ipv4": "127.0.0.1",
//                           "port": 41234},               proxy: the instance; gateway: the
//                                                         client's address (no serviceName)
//        "debug": true,                                   only for B3 debug requests
//        "tags": {"http.method": "GET", "http.path": "/", "http.url": "/?a=1",
//                 "http.host": "helloworld.default.example.com", "http.status_code": "200",
//                 "revision": "helloworld-00001", "namespace": "default",
//                 "service": "helloworld", "configuration": "helloworld",
//                 "instance": "helloworld-00001-deployment-…",   proxy only
//                 "error": "504"}},                        only on failures
//       … ],
//     … ]
//
//   The spans of one request: "gateway" (SERVER, the whole request at the gateway), then
//   "throttler_try" (the activator wait; only when the request parked — the cold-start span),
//   then "proxy" (CLIENT, the call to the instance; absent when no instance was reached).
//   Both children have the gateway span as parentId. Several requests that carried the same
//   incoming trace id share one trace. With tracing off (backend none) the answer is [].
//   Spans appear up to about a second after the request ends (the export interval).
#pragma once

#include <map>
#include <string>

#include "admin/admin_server.h"
#include "tracing/tracer.h"

namespace ebb::tracing {

// Adds GET /api/traces. `tracer` may be null (tracing and request log off): the route then
// answers []. `tracer` must outlive the admin server.
void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, const Tracer* tracer);

}  // namespace ebb::tracing
