#include "apiserver/handlers.h"

#include "apiserver/discovery.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

Response Discovery(const Request& req, HandlerContext& ctx) {
  DiscoveryFormat format = NegotiateDiscovery(req.accept);
  json body = req.route.endpoint == Endpoint::kCoreVersions ? CoreDiscovery(format, ctx.address)
                                                            : GroupDiscovery(format);
  return JsonResponse(200, body, DiscoveryContentType(format));
}

Response OpenApi(const Request& req) {
  Response r = JsonResponse(
      200, req.route.endpoint == Endpoint::kOpenApiRoot ? OpenApiRoot() : OpenApiKnative());
  // kubectl caches HTTP responses on disk; make it revalidate so a changed document is seen.
  r.no_cache = true;
  return r;
}

// The documents served at fixed paths, all read-only.
Response HandleFixed(const Request& req, HandlerContext& ctx) {
  if (req.route.endpoint == Endpoint::kNotFound) return JsonResponse(404, PathNotFoundStatus());
  if (req.method != "GET" && req.method != "HEAD") return MethodNotAllowed();
  switch (req.route.endpoint) {
    case Endpoint::kVersion:
      return JsonResponse(200, VersionInfo());
    case Endpoint::kHealth:
      return Response{200, "text/plain; charset=utf-8", "ok", false};
    case Endpoint::kCoreVersions:
    case Endpoint::kGroups:
      return Discovery(req, ctx);
    case Endpoint::kCoreResources:
      return JsonResponse(200, CoreResourceList());
    case Endpoint::kKnativeResources:
      return JsonResponse(200, KnativeResourceList());
    case Endpoint::kKnativeGroup:
      return JsonResponse(200, KnativeGroup());
    case Endpoint::kOpenApiRoot:
    case Endpoint::kOpenApiKnative:
      return OpenApi(req);
    default:
      break;
  }
  return JsonResponse(404, PathNotFoundStatus());
}

}  // namespace

Response JsonResponse(int status, const json& body, const std::string& content_type) {
  // Replace invalid UTF-8 rather than throw: a pod's log line or a label can hold anything.
  return Response{status, content_type, body.dump(-1, ' ', false, json::error_handler_t::replace),
                  false};
}

Response ErrorResponse(const Status& status, const StatusDetails& details) {
  return JsonResponse(status.HttpCode(), FailureStatus(status, details));
}

Response MethodNotAllowed() {
  return ErrorResponse(Status(Code::kMethodNotAllowed,
                              "the server does not allow this method on the requested resource"));
}

Result<registry::ListOptions> ListOptionsFrom(const Query& query) {
  registry::ListOptions opts;
  auto labels = api::LabelSelector::Parse(QueryValue(query, "labelSelector"));
  if (!labels.ok()) return labels.status();
  auto fields = api::FieldSelector::Parse(QueryValue(query, "fieldSelector"));
  if (!fields.ok()) return fields.status();
  opts.labels = std::move(labels).value();
  opts.fields = std::move(fields).value();
  return opts;
}

std::string StringField(const json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string MetaString(const json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  auto it = obj.find("metadata");
  return it == obj.end() ? "" : StringField(*it, key);
}

bool IncludeFullObject(const Query& query) {
  return QueryValue(query, "includeObject") == "Object";
}

bool IsWatch(const Request& req) {
  bool collection =
      (req.route.endpoint == Endpoint::kKnative || req.route.endpoint == Endpoint::kCore) &&
      req.route.name.empty();
  return collection && req.method == "GET" &&
         ParseBool(QueryValue(req.query, "watch")).value_or(false);
}

Response Handle(const Request& req, HandlerContext& ctx) {
  switch (req.route.endpoint) {
    case Endpoint::kKnative:
      return HandleKnative(req, ctx);
    case Endpoint::kCore:
      return HandleCore(req, ctx);
    default:
      return HandleFixed(req, ctx);
  }
}

}  // namespace ebb::apiserver
