// A small synchronous HTTPS/1.1 client for talking to ebb's API server (the ebb CLI, tests).
//
// Each call opens its own TLS connection (no pooling; the CLI makes a handful of requests), sends
// one request and reads the response. The server certificate is verified against `ca_pem` (the
// PEM text of the CA, e.g. the decoded certificate-authority-data of a kubeconfig) and the host
// name / IP address is checked against the certificate's SANs, unless `insecure` is set.
// When `bearer_token` is not empty, "Authorization: Bearer <token>" is sent.
//
// Errors (all as Status, never exceptions): kUnavailable for connect/TLS/IO failures (the
// message names host:port and the cause), kTimeout when `timeout` passes before the response
// headers (HttpsRequest: before the whole response) arrive, kBadRequest for a malformed
// endpoint. An HTTP error status (4xx/5xx) is NOT an error here: it is returned in
// HttpResponse::status / LineStream::status() with its body, for the caller to interpret (e.g.
// as a Kubernetes Status object).
//
// Thread-safety: the functions may be called from any thread concurrently; one LineStream must
// be used by one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ebb::net {

struct HttpsEndpoint {
  std::string host;  // "127.0.0.1" or "localhost"; also the Host header and SNI name
  int port = 443;
  std::string ca_pem;        // PEM of the CA that signed the server cert (ignored if insecure)
  std::string bearer_token;  // empty = no Authorization header
  bool insecure = false;     // skip certificate and host name verification
  // Bound on connect + handshake + request + response headers (and, for HttpsRequest, the body).
  std::chrono::milliseconds timeout{30'000};
};

struct HttpResponse {
  int status = 0;            // HTTP status code
  std::string content_type;  // Content-Type header ("" when absent)
  std::string body;          // the whole (de-chunked) body
};

// One request/response. `content_type` and `accept` are omitted from the request when empty;
// `body` is sent with Content-Length (also when empty, for methods that carry a body).
Result<HttpResponse> HttpsRequest(const HttpsEndpoint& endpoint, std::string_view method,
                                  std::string_view target, std::string_view content_type,
                                  std::string_view body, std::string_view accept);

// A response body read incrementally, line by line: for watch streams (chunked NDJSON) and
// followed logs. The status and headers are known once HttpsStream returns.
class LineStream {
 public:
  struct Impl;  // asio/Beast state, private to https_client.cc
  explicit LineStream(std::unique_ptr<Impl> impl);
  ~LineStream();
  LineStream(const LineStream&) = delete;
  LineStream& operator=(const LineStream&) = delete;

  int status() const;
  const std::string& content_type() const;

  // The next line of the body without its trailing "\n" (or "\r\n"); a final line without a
  // newline is returned too. nullopt at the clean end of the body. Blocks until a line arrives
  // or `idle_timeout` (nullopt = wait forever) passes without any data: then kTimeout, and the
  // stream is closed (further calls return kTimeout as well). kUnavailable on IO errors.
  Result<std::optional<std::string>> NextLine(
      std::optional<std::chrono::milliseconds> idle_timeout = std::nullopt);

 private:
  std::unique_ptr<Impl> impl_;
};

// Sends the request and returns once the response headers have arrived (endpoint.timeout bounds
// that); the body is then read through LineStream::NextLine. For any status code, including
// errors, whose body can be read the same way.
Result<std::unique_ptr<LineStream>> HttpsStream(const HttpsEndpoint& endpoint,
                                                std::string_view method, std::string_view target,
                                                std::string_view content_type,
                                                std::string_view body, std::string_view accept);

}  // namespace ebb::net
