#include "apiserver/discovery.h"

#include <openssl/evp.h>

#include <vector>

#include "api/kinds.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

// One served resource, described once and rendered into every discovery format.
struct ResourceDesc {
  std::string plural, singular, kind;
  std::vector<std::string> short_names;
  std::vector<std::string> verbs;
  std::vector<std::string> categories;
  bool namespaced = true;
  std::string subresource;  // "" = none
  std::vector<std::string> subresource_verbs;
};

const std::vector<std::string> kKnativeVerbs = {"create", "delete", "deletecollection", "get",
                                                "list",   "patch",  "update",           "watch"};

std::vector<ResourceDesc> KnativeResources() {
  std::vector<ResourceDesc> out;
  for (api::Kind kind : api::kAllKinds) {
    const api::KindInfo& info = api::Info(kind);
    out.push_back({info.plural,
                   info.singular,
                   info.name,
                   info.short_names,
                   kKnativeVerbs,
                   {"all", "knative", "serving"},
                   true,
                   "status",
                   {"get", "update"}});
  }
  return out;
}

std::vector<ResourceDesc> CoreResources() {
  return {
      {"pods", "pod", "Pod", {"po"}, {"get", "list", "watch"}, {"all"}, true, "log", {"get"}},
      {"services", "service", "Service", {"svc"}, {"get", "list", "watch"}, {"all"}, true, "", {}},
      {"events", "event", "Event", {"ev"}, {"get", "list", "watch"}, {}, true, "", {}},
      {"namespaces", "namespace", "Namespace", {"ns"}, {"get", "list"}, {}, false, "", {}},
  };
}

json GroupVersionKind(const std::string& group, const std::string& kind) {
  return {{"group", group}, {"version", "v1"}, {"kind", kind}};
}

json AggregatedResource(const ResourceDesc& r, const std::string& group) {
  json out = {{"resource", r.plural},
              {"responseKind", GroupVersionKind(group, r.kind)},
              {"scope", r.namespaced ? "Namespaced" : "Cluster"},
              {"singularResource", r.singular},
              {"verbs", r.verbs}};
  if (!r.short_names.empty()) out["shortNames"] = r.short_names;
  if (!r.categories.empty()) out["categories"] = r.categories;
  if (!r.subresource.empty()) {
    json kind = r.subresource == "log" ? json{{"group", ""}, {"version", ""}, {"kind", "string"}}
                                       : GroupVersionKind(group, r.kind);
    out["subresources"] = json::array(
        {{{"subresource", r.subresource}, {"responseKind", kind}, {"verbs", r.subresource_verbs}}});
  }
  return out;
}

json AggregatedList(DiscoveryFormat format, const std::string& group,
                    const std::vector<ResourceDesc>& resources) {
  json items = json::array();
  for (const ResourceDesc& r : resources) items.push_back(AggregatedResource(r, group));
  std::string version = format == DiscoveryFormat::kAggregatedV2 ? "v2" : "v2beta1";
  json entry = {
      {"metadata", {{"name", group}, {"creationTimestamp", nullptr}}},
      {"versions",
       json::array({{{"version", "v1"}, {"resources", items}, {"freshness", "Current"}}})}};
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + version},
          {"metadata", json::object()},
          {"items", json::array({entry})}};
}

json LegacyResource(const std::string& name, const ResourceDesc& r,
                    const std::vector<std::string>& verbs) {
  json out = {{"name", name},
              {"singularName", name == r.plural ? r.singular : ""},
              {"namespaced", r.namespaced},
              {"kind", r.kind},
              {"verbs", verbs}};
  if (name == r.plural && !r.short_names.empty()) out["shortNames"] = r.short_names;
  if (name == r.plural && !r.categories.empty()) out["categories"] = r.categories;
  return out;
}

json ResourceList(const std::string& group_version, const std::vector<ResourceDesc>& resources) {
  json items = json::array();
  for (const ResourceDesc& r : resources) {
    items.push_back(LegacyResource(r.plural, r, r.verbs));
    if (!r.subresource.empty()) {
      items.push_back(LegacyResource(r.plural + "/" + r.subresource, r, r.subresource_verbs));
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group_version},
          {"resources", items}};
}

json GroupVersionRef() { return {{"groupVersion", api::kApiVersion}, {"version", api::kVersion}}; }

json PatchOperation(api::Kind kind) {
  const api::KindInfo& info = api::Info(kind);
  return {{"patch",
           {{"operationId", std::string("patchNamespaced") + info.name},
            {"x-kubernetes-group-version-kind", GroupVersionKind(api::kGroup, info.name)},
            {"parameters", json::array({{{"name", "fieldValidation"},
                                         {"in", "query"},
                                         {"schema", {{"type", "string"}}}}})},
            {"responses", {{"200", {{"description", "OK"}}}}}}}};
}

json FreeForm(const std::string& description) {
  return {{"type", "object"},
          {"description", description},
          {"x-kubernetes-preserve-unknown-fields", true}};
}

json KindSchema(api::Kind kind) {
  const api::KindInfo& info = api::Info(kind);
  std::string name = info.name;
  return {{"type", "object"},
          {"description", name + " is a Knative " + name + " (serving.knative.dev/v1)."},
          {"properties",
           {{"apiVersion", {{"type", "string"}, {"description", "serving.knative.dev/v1"}}},
            {"kind", {{"type", "string"}, {"description", name}}},
            {"metadata", FreeForm("Standard object metadata.")},
            {"spec", FreeForm("The desired state of the " + name + ".")},
            {"status", FreeForm("The observed state of the " + name + ".")}}},
          {"x-kubernetes-group-version-kind", json::array({GroupVersionKind(api::kGroup, name)})}};
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 15];
  }
  return out;
}

}  // namespace

json VersionInfo() {
  return {{"major", "1"},          {"minor", "32"},           {"gitVersion", "v1.32.0-ebb"},
          {"gitCommit", "ebb"},    {"gitTreeState", "clean"}, {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23"}, {"compiler", "gc"},        {"platform", "linux/amd64"}};
}

json CoreDiscovery(DiscoveryFormat format, const std::string& address) {
  if (format != DiscoveryFormat::kLegacy) return AggregatedList(format, "", CoreResources());
  return {{"kind", "APIVersions"},
          {"versions", json::array({"v1"})},
          {"serverAddressByClientCIDRs",
           json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", address}}})}};
}

json GroupDiscovery(DiscoveryFormat format) {
  if (format != DiscoveryFormat::kLegacy) {
    return AggregatedList(format, api::kGroup, KnativeResources());
  }
  return {
      {"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array({KnativeGroup()})}};
}

json KnativeGroup() {
  return {{"kind", "APIGroup"},
          {"apiVersion", "v1"},
          {"name", api::kGroup},
          {"versions", json::array({GroupVersionRef()})},
          {"preferredVersion", GroupVersionRef()}};
}

json CoreResourceList() { return ResourceList("v1", CoreResources()); }

json KnativeResourceList() { return ResourceList(api::kApiVersion, KnativeResources()); }

json OpenApiKnative() {
  json paths = json::object();
  json schemas = json::object();
  for (api::Kind kind : api::kAllKinds) {
    const api::KindInfo& info = api::Info(kind);
    std::string path = std::string("/apis/") + api::kApiVersion + "/namespaces/{namespace}/" +
                       info.plural + "/{name}";
    paths[path] = PatchOperation(kind);
    schemas[std::string("dev.knative.serving.v1.") + info.name] = KindSchema(kind);
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "ebb"}, {"version", "v1.32.0-ebb"}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

json OpenApiRoot() {
  std::string url = std::string("/openapi/v3/apis/") + api::kApiVersion +
                    "?hash=" + Sha256Hex(OpenApiKnative().dump());
  return {{"paths", {{std::string("apis/") + api::kApiVersion, {{"serverRelativeURL", url}}}}}};
}

}  // namespace ebb::apiserver
