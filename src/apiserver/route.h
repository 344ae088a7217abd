// Request routing for the API server: which endpoint a request target names, as a pure function
// of the target string (no I/O), plus the query-string helpers the handlers share.
//
//   /version  /healthz  /livez  /readyz
//   /api  /api/v1  /apis  /apis/serving.knative.dev  /apis/serving.knative.dev/v1
//   /openapi/v3  /openapi/v3/apis/serving.knative.dev/v1        (other /openapi/... : not found)
//   /apis/serving.knative.dev/v1[/namespaces/{ns}]/{plural}[/{name}[/status]]
//   /api/v1/{pods|services|events|namespaces}                    (all namespaces)
//   /api/v1/namespaces/{ns}                                      (one namespace)
//   /api/v1/namespaces/{ns}/{pods|services|events}[/{name}]      (+ /pods/{name}/log)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/kinds.h"
#include "net/query.h"

namespace ebb::apiserver {

enum class Endpoint {
  kNotFound,
  kVersion,
  kHealth,
  kCoreVersions,      // /api
  kCoreResources,     // /api/v1
  kGroups,            // /apis
  kKnativeGroup,      // /apis/serving.knative.dev
  kKnativeResources,  // /apis/serving.knative.dev/v1
  kOpenApiRoot,       // /openapi/v3
  kOpenApiKnative,    // /openapi/v3/apis/serving.knative.dev/v1
  kKnative,           // a Knative collection, object or object/status
  kCore,              // a core v1 collection or object (or pods/{name}/log)
};

enum class CoreResource { kPods, kServices, kEvents, kNamespaces };

struct Route {
  Endpoint endpoint = Endpoint::kNotFound;
  api::Kind kind = api::Kind::kService;     // kKnative only
  CoreResource core = CoreResource::kPods;  // kCore only
  std::string ns;                           // "" = cluster-wide (all namespaces for lists)
  std::string name;                         // "" = the collection
  std::string subresource;                  // "", "status" (Knative), "log" (pods)
};

// Routes the path part of a request target (no query). Path segments are percent-decoded.
Route ParseRoute(std::string_view path);

// The decoded query parameters (net/query.h: '+' is a space; a key given twice keeps the
// first value).
using net::Query;
using net::ParseQuery;
using net::PercentDecode;

// Splits "path?query" into its parts.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// Go's strconv.ParseBool, which kubectl and client-go servers use: 1 t T TRUE true True / 0 f F
// FALSE false False; nullopt for anything else.
std::optional<bool> ParseBool(std::string_view s);

// The query value of `key`, or "" when absent.
std::string_view QueryValue(const Query& query, std::string_view key);

}  // namespace ebb::apiserver
