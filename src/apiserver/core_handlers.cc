// Read-only core v1: pods (+ log), the ingress gateway Service, events and namespaces, from the
// CoreSource and the Registry (kubectl-compat.md §2.13). Writes get 405.
#include <charconv>
#include <set>

#include "apiserver/handlers.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

constexpr char kGatewayNamespace[] = "istio-system";
constexpr char kGatewayName[] = "knative-ingressgateway";
// Core lists have no store revision behind them; any non-"0" value makes a watch started from a
// list begin with the current objects instead of replaying them (see watch.h).
constexpr char kCoreListVersion[] = "1";

json ObjectMeta(const std::string& name, const std::string& ns, HandlerContext& ctx) {
  json meta = {{"name", name},
               {"uid", "ebb-" + (ns.empty() ? "" : ns + "-") + name},
               {"resourceVersion", kCoreListVersion},
               {"creationTimestamp", FormatRfc3339(ctx.started)}};
  if (!ns.empty()) meta["namespace"] = ns;
  return meta;
}

json GatewayService(HandlerContext& ctx) {
  json port = {{"name", "http2"}, {"port", 80}, {"protocol", "TCP"}};
  if (int p = ctx.core.GatewayPort(); p > 0) {
    port["targetPort"] = p;
    port["nodePort"] = p;
  }
  json ingress = json::array();
  if (std::string ip = ctx.core.GatewayIp(); !ip.empty()) ingress.push_back({{"ip", ip}});
  json meta = ObjectMeta(kGatewayName, kGatewayNamespace, ctx);
  meta["labels"] = {{"app", kGatewayName}, {"istio", "ingressgateway"}};
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", meta},
          {"spec",
           {{"type", "LoadBalancer"},
            {"ports", json::array({port})},
            {"selector", {{"istio", "ingressgateway"}}}}},
          {"status", {{"loadBalancer", {{"ingress", ingress}}}}}};
}

// Namespaces exist implicitly: default, the gateway's, and every one holding an object.
std::vector<json> Namespaces(HandlerContext& ctx) {
  std::set<std::string> names = {"default", kGatewayNamespace};
  for (api::Kind kind : api::kAllKinds) {
    auto list = ctx.registry.List(kind, "", {});
    if (!list.ok()) continue;  // a failing store still leaves the built-in namespaces
    for (const json& obj : list->items) names.insert(MetaString(obj, "namespace"));
  }
  for (const json& pod : ctx.core.Pods("")) names.insert(MetaString(pod, "namespace"));
  names.erase("");
  std::vector<json> out;
  for (const std::string& name : names) {
    out.push_back({{"apiVersion", "v1"},
                   {"kind", "Namespace"},
                   {"metadata", ObjectMeta(name, "", ctx)},
                   {"spec", {{"finalizers", json::array({"kubernetes"})}}},
                   {"status", {{"phase", "Active"}}}});
  }
  return out;
}

std::vector<json> Unfiltered(CoreResource resource, const std::string& ns, HandlerContext& ctx) {
  switch (resource) {
    case CoreResource::kPods:
      return ctx.core.Pods(ns);
    case CoreResource::kEvents:
      return ctx.core.Events(ns);
    case CoreResource::kNamespaces:
      return Namespaces(ctx);
    case CoreResource::kServices:
      if (ns.empty() || ns == kGatewayNamespace) return {GatewayService(ctx)};
      return {};
  }
  return {};
}

StatusDetails CoreDetails(CoreResource resource, const std::string& name) {
  return {name, "", CorePlural(resource), ""};
}

Status NotFound(CoreResource resource, const std::string& name) {
  return Status(Code::kNotFound, std::string(CorePlural(resource)) + " \"" + name + "\" not found");
}

bool WantsTable(const Request& req) { return NegotiateObject(req.accept) == ObjectFormat::kTable; }

Response List(const Request& req, HandlerContext& ctx) {
  auto opts = ListOptionsFrom(req.query);
  if (!opts.ok()) return ErrorResponse(opts.status());
  CoreResource res = req.route.core;
  std::vector<json> items = CoreItems(res, req.route.ns, *opts, ctx);
  if (WantsTable(req)) {
    return JsonResponse(
        200, CoreTable(res, items, kCoreListVersion, ctx.clock.Now(), IncludeFullObject(req.query)),
        kTableType);
  }
  return JsonResponse(200, {{"apiVersion", "v1"},
                            {"kind", std::string(CoreKind(res)) + "List"},
                            {"metadata", {{"resourceVersion", kCoreListVersion}}},
                            {"items", std::move(items)}});
}

Result<json> FindOne(const Request& req, HandlerContext& ctx) {
  const Route& r = req.route;
  for (json& obj : Unfiltered(r.core, r.ns, ctx)) {
    if (MetaString(obj, "name") == r.name) return std::move(obj);
  }
  return NotFound(r.core, r.name);
}

Response GetOne(const Request& req, HandlerContext& ctx) {
  auto obj = FindOne(req, ctx);
  if (!obj.ok()) return ErrorResponse(obj.status(), CoreDetails(req.route.core, req.route.name));
  if (!WantsTable(req)) return JsonResponse(200, *obj);
  return JsonResponse(200,
                      CoreTable(req.route.core, {*obj}, MetaString(*obj, "resourceVersion"),
                                ctx.clock.Now(), IncludeFullObject(req.query)),
                      kTableType);
}

// follow=true never gets here: the server streams it (log_stream.cc).
Response PodLog(const Request& req, HandlerContext& ctx) {
  auto tail = TailLinesFrom(req.query);
  if (!tail.ok()) return ErrorResponse(tail.status());
  auto log = ctx.core.PodLog(req.route.ns, req.route.name, *tail);
  if (!log.ok())
    return ErrorResponse(log.status(), CoreDetails(CoreResource::kPods, req.route.name));
  return Response{200, "text/plain", std::move(log).value(), false};
}

}  // namespace

Result<std::optional<int>> TailLinesFrom(const Query& query) {
  std::string_view text = QueryValue(query, "tailLines");
  if (text.empty()) return std::optional<int>();
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) {
    return Status(Code::kBadRequest, "tailLines: invalid value \"" + std::string(text) + "\"");
  }
  return std::optional<int>(n);
}

bool IsLogFollow(const Request& req) {
  return req.method == "GET" && req.route.endpoint == Endpoint::kCore &&
         req.route.core == CoreResource::kPods && !req.route.name.empty() &&
         req.route.subresource == "log" &&
         ParseBool(QueryValue(req.query, "follow")).value_or(false);
}

const char* CoreKind(CoreResource resource) {
  switch (resource) {
    case CoreResource::kPods:
      return "Pod";
    case CoreResource::kServices:
      return "Service";
    case CoreResource::kEvents:
      return "Event";
    case CoreResource::kNamespaces:
      return "Namespace";
  }
  return "";
}

const char* CorePlural(CoreResource resource) {
  switch (resource) {
    case CoreResource::kPods:
      return "pods";
    case CoreResource::kServices:
      return "services";
    case CoreResource::kEvents:
      return "events";
    case CoreResource::kNamespaces:
      return "namespaces";
  }
  return "";
}

std::vector<json> CoreItems(CoreResource resource, const std::string& ns,
                            const registry::ListOptions& opts, HandlerContext& ctx) {
  std::vector<json> out;
  for (json& obj : Unfiltered(resource, ns, ctx)) {
    if (opts.labels.Matches(obj) && opts.fields.Matches(obj)) out.push_back(std::move(obj));
  }
  return out;
}

Response HandleCore(const Request& req, HandlerContext& ctx) {
  if (req.method != "GET") return MethodNotAllowed();
  if (req.route.name.empty()) return List(req, ctx);
  if (req.route.subresource == "log") return PodLog(req, ctx);
  return GetOne(req, ctx);
}

}  // namespace ebb::apiserver
