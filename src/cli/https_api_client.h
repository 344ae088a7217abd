// The ApiClient that talks to the real API server: Kubernetes REST paths and headers over
// net::HttpsRequest / net::HttpsStream (kubectl-compat.md §2).
//
//   Get/List      GET  {prefix}[/namespaces/{ns}]/{plural}[/{name}]   Accept JSON or Table
//   Create        POST …/{plural}?fieldManager=ebb                     application/json
//   Replace       PUT  …/{plural}/{name}?fieldManager=ebb              application/json
//   Apply         PATCH …/{name}?fieldManager=ebb&force=true           application/apply-patch+yaml
//   Patch         PATCH …/{name}?fieldManager=ebb                      application/merge-patch+json
//   Delete        DELETE …/{name}  body {"propagationPolicy":"Background"}
//   Watch         GET  …/{plural}?watch=true&resourceVersion=…         NDJSON events
//   PodLog        GET  /api/v1/namespaces/{ns}/pods/{pod}/log?follow=true&tailLines=N  text
// dry_run adds dryRun=All. The HTTP exchange goes through HttpTransport so that tests can check
// the requests without a server.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "cli/api_client.h"
#include "common/clock.h"
#include "net/https_client.h"

namespace ebb::cli {

// kubectl's Accept header for human-readable get (kubectl-compat.md §1.4).
inline constexpr char kTableAccept[] =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
    "g=meta.k8s.io,application/json";

struct HttpCall {
  std::string method;
  std::string target;  // path and query
  std::string content_type;
  std::string body;
  std::string accept;
};

// A streamed response body, line by line (see net::LineStream).
class LineSource {
 public:
  virtual ~LineSource() = default;
  virtual int status() const = 0;
  virtual Result<std::optional<std::string>> NextLine(
      std::optional<std::chrono::milliseconds> idle_timeout) = 0;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<net::HttpResponse> Request(const HttpCall& call) = 0;
  virtual Result<std::unique_ptr<LineSource>> Stream(const HttpCall& call) = 0;
};

// HTTPS to `endpoint` through net/https_client.h.
std::unique_ptr<HttpTransport> MakeHttpsTransport(net::HttpsEndpoint endpoint);

class HttpsApiClient final : public ApiClient {
 public:
  // `clock` (for watch deadlines) must outlive the client.
  HttpsApiClient(std::unique_ptr<HttpTransport> transport, const Clock& clock)
      : transport_(std::move(transport)), clock_(clock) {}

  Result<ApiResponse> Version() override;
  Result<ApiResponse> Get(const ResourceType& type, const std::string& ns, const std::string& name,
                          bool table) override;
  Result<ApiResponse> List(const ResourceType& type, const std::string& ns,
                           const ListOptions& options) override;
  Result<ApiResponse> Create(const ResourceType& type, const std::string& ns,
                             const nlohmann::json& object, bool dry_run) override;
  Result<ApiResponse> Replace(const ResourceType& type, const std::string& ns,
                              const std::string& name, const nlohmann::json& object,
                              bool dry_run) override;
  Result<ApiResponse> Apply(const ResourceType& type, const std::string& ns,
                            const std::string& name, const nlohmann::json& manifest,
                            bool dry_run) override;
  Result<ApiResponse> Patch(const ResourceType& type, const std::string& ns,
                            const std::string& name, const nlohmann::json& patch,
                            bool dry_run) override;
  Result<ApiResponse> Delete(const ResourceType& type, const std::string& ns,
                             const std::string& name) override;
  Result<ApiResponse> Watch(const ResourceType& type, const std::string& ns,
                            const ListOptions& options, Deadline deadline,
                            const WatchHandler& handler) override;
  Result<ApiResponse> PodLog(const std::string& ns, const std::string& pod,
                             const LogOptions& options, const LineHandler& handler) override;

 private:
  Result<ApiResponse> Send(HttpCall call);
  Result<ApiResponse> Consume(LineSource& stream, Deadline deadline, const WatchHandler& handler);

  std::unique_ptr<HttpTransport> transport_;
  const Clock& clock_;
};

// "/apis/serving.knative.dev/v1/namespaces/default/services[/hello]"; an empty `ns` gives the
// all-namespaces collection path.
std::string ResourcePath(const ResourceType& type, const std::string& ns,
                         const std::string& name = "");
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text);
// An ApiResponse from a status code and body text (JSON parsed when it is JSON).
ApiResponse MakeApiResponse(int code, const std::string& body);

}  // namespace ebb::cli
