// Request handlers: from a parsed request to a response, with no knowledge of sockets or Beast.
// Everything but watches is answered here synchronously; watches stream (watch.h, server.cc),
// but share the request parsing below.
//
// Called on the API server thread only.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/apiserver.h"
#include "apiserver/media.h"
#include "apiserver/route.h"
#include "apiserver/status_json.h"
#include "registry/registry.h"

namespace ebb::apiserver {

struct Request {
  std::string method;  // "GET", "POST", ...
  Route route;
  Query query;
  std::string accept;
  std::string content_type;
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = kJsonType;
  std::string body;
  bool no_cache = false;  // adds "Cache-Control: no-cache, private" (OpenAPI documents)
};

struct HandlerContext {
  registry::Registry& registry;
  CoreSource& core;
  const Clock& clock;
  std::string address;        // the bound "host:port", for /api's serverAddress
  std::string user;           // who the bearer token authenticates
  Clock::time_point started;  // creationTimestamp of the synthetic core objects
};

// Answers every request except watches (see IsWatch).
Response Handle(const Request& req, HandlerContext& ctx);

// A GET on a collection with watch=true|True|1|t...
bool IsWatch(const Request& req);
// A GET of pods/{name}/log with follow=true|1|t...: streamed (log_stream.cc), not answered here.
bool IsLogFollow(const Request& req);

// --- shared by the handler files ---

Response JsonResponse(int status, const nlohmann::json& body,
                      const std::string& content_type = kJsonType);
Response ErrorResponse(const Status& status, const StatusDetails& details = {});
Response MethodNotAllowed();

// labelSelector and fieldSelector from the query; kBadRequest naming the bad selector.
Result<registry::ListOptions> ListOptionsFrom(const Query& query);

// obj[key] when obj is an object and that member a string, else "" (never throws).
std::string StringField(const nlohmann::json& obj, std::string_view key);
// metadata.<key> of obj, the same way.
std::string MetaString(const nlohmann::json& obj, std::string_view key);

// tailLines of a pods/{name}/log request: nullopt when absent, kBadRequest when not a
// non-negative integer.
Result<std::optional<int>> TailLinesFrom(const Query& query);

// includeObject=Object asks for whole objects in Table rows.
bool IncludeFullObject(const Query& query);

Response HandleKnative(const Request& req, HandlerContext& ctx);
Response HandleCore(const Request& req, HandlerContext& ctx);

// The core objects a list (or a polling watch) of `resource` in `ns` ("" = all) returns, after
// the selectors.
std::vector<nlohmann::json> CoreItems(CoreResource resource, const std::string& ns,
                                      const registry::ListOptions& opts, HandlerContext& ctx);

// meta.k8s.io/v1 Tables for core objects (pods, services, events, namespaces).
nlohmann::json CoreTable(CoreResource resource, const std::vector<nlohmann::json>& items,
                         const std::string& resource_version, Clock::time_point now,
                         bool include_full_object);

// The singular Kind and the plural of a core resource ("Pod", "pods").
const char* CoreKind(CoreResource resource);
const char* CorePlural(CoreResource resource);

}  // namespace ebb::apiserver
