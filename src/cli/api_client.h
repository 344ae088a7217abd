// ApiClient: every request the ebb CLI makes to the API server goes through this interface, so
// that the command logic can be tested against a fake (fake_api_client.h) and run against the
// real server (https_api_client.h).
//
// An HTTP error answer (4xx/5xx) is not a failed Result: it comes back as an ApiResponse whose
// body is the Kubernetes Status object, for the command to print the way kubectl does
// (server_error.h). A failed Result means the server could not be reached or spoke nonsense
// (kUnavailable, kTimeout, kInternal).
//
// Not thread-safe: one command uses one client from one thread, except PodLog, which may run
// on several threads at once (one per followed pod), each call on its own connection.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/resource.h"
#include "common/status.h"

namespace ebb::cli {

struct ApiResponse {
  int code = 0;         // HTTP status code
  nlohmann::json body;  // the parsed JSON body; null when the body was empty or not JSON
  std::string raw;      // the body text when it was not JSON (for error messages)
  bool ok() const { return code >= 200 && code < 300; }
};

struct ListOptions {
  std::string label_selector;    // labelSelector=
  std::string field_selector;    // fieldSelector=
  std::string resource_version;  // resourceVersion= (watch: send changes after it)
  bool table = false;            // ask for a meta.k8s.io/v1 Table instead of the objects
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK
  nlohmann::json object;
};
// Called for every watch event; returning false ends the watch.
using WatchHandler = std::function<bool(const WatchEvent&)>;

struct LogOptions {
  bool follow = false;            // follow=true: keep streaming until the pod's log ends
  std::optional<int> tail_lines;  // tailLines=N: start with the last N lines
};
// Called for every line of a log (without its newline); returning false ends the read.
using LineHandler = std::function<bool(const std::string& line)>;

class ApiClient {
 public:
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;
  virtual ~ApiClient() = default;

  virtual Result<ApiResponse> Version() = 0;
  // `ns` is ignored for cluster-wide calls; List with an empty `ns` lists all namespaces.
  virtual Result<ApiResponse> Get(const ResourceType& type, const std::string& ns,
                                  const std::string& name, bool table) = 0;
  virtual Result<ApiResponse> List(const ResourceType& type, const std::string& ns,
                                   const ListOptions& options) = 0;
  // POST: create; 201 with the stored object, 409 AlreadyExists.
  virtual Result<ApiResponse> Create(const ResourceType& type, const std::string& ns,
                                     const nlohmann::json& object, bool dry_run) = 0;
  // PUT: replace; `object` carries metadata.resourceVersion (409 Conflict on a mismatch).
  virtual Result<ApiResponse> Replace(const ResourceType& type, const std::string& ns,
                                      const std::string& name, const nlohmann::json& object,
                                      bool dry_run) = 0;
  // Server-side apply (application/apply-patch+yaml, fieldManager=ebb, force=true): creates
  // (201) or updates (200) the object from the full manifest.
  virtual Result<ApiResponse> Apply(const ResourceType& type, const std::string& ns,
                                    const std::string& name, const nlohmann::json& manifest,
                                    bool dry_run) = 0;
  // RFC 7386 merge patch (application/merge-patch+json).
  virtual Result<ApiResponse> Patch(const ResourceType& type, const std::string& ns,
                                    const std::string& name, const nlohmann::json& patch,
                                    bool dry_run) = 0;
  virtual Result<ApiResponse> Delete(const ResourceType& type, const std::string& ns,
                                     const std::string& name) = 0;
  // Streams watch events to `handler` until it returns false or the server ends the stream
  // (both: {code 200}); a non-2xx answer to the watch, or an ERROR event, comes back as that
  // response (the ERROR event's Status as the body). kTimeout once `deadline` passes.
  virtual Result<ApiResponse> Watch(const ResourceType& type, const std::string& ns,
                                    const ListOptions& options, Deadline deadline,
                                    const WatchHandler& handler) = 0;
  // GET /api/v1/namespaces/{ns}/pods/{pod}/log: the log's lines to `handler` until it returns
  // false or the log ends (both: {code 200}); with `follow` that is when the pod goes away. A
  // non-2xx answer comes back as that response.
  virtual Result<ApiResponse> PodLog(const std::string& ns, const std::string& pod,
                                     const LogOptions& options, const LineHandler& handler) = 0;
};

}  // namespace ebb::cli
