// The helloworld HTTP/1.1 server: one thread, one epoll loop, non-blocking sockets.
//
// Routes (any path not listed answers like "/"):
//   GET|HEAD /           "Hello {target}!\n"; ?bytes=N answers N bytes instead
//   POST|PUT|PATCH any   "received N bytes\n" (Content-Length or chunked bodies, any size)
//   GET /inflight        {"inflight":N,"max":M}: requests in flight now / at most (itself excluded)
//   GET /headers         the request head as received (request line and fields, verbatim)
//   GET /ws              WebSocket echo (text, binary, fragments, ping, close)
//   GET /sse?n=K&interval=MS   K server-sent events, MS apart, each flushed at once (5, 100)
//   ?sleep=MS on any request delays its response by MS milliseconds on a timer, blocking nothing.
//   ?log=TEXT on any request writes "helloworld: log TEXT" to stdout (TEXT as sent, undecoded).
// A request is in flight from its parsed head until its response is fully written; a WebSocket
// until it closes.
//
// Shutdown: SIGTERM or SIGINT (read through a signalfd, so the caller must have blocked them)
// stops accepting, closes idle connections, lets in-flight requests finish (their responses say
// "Connection: close"), sends WebSockets a 1001 close, and returns 0 once no connection is left.
// There is no drain deadline of its own: the supervisor's grace period (SIGKILL) bounds it.
#pragma once

#include <string>

namespace helloworld {

struct ServerOptions {
  std::string target = "World";
};

// Serves on `listen_fd` (a listening, non-blocking socket, which the server closes) until
// drained after SIGTERM/SIGINT. Returns the process exit code.
int RunServer(int listen_fd, const ServerOptions& options);

// Writes one line to stdout at once (unbuffered, so it is seen even if the process is killed).
void LogLine(const std::string& line);

}  // namespace helloworld
