#include "apiserver/media.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

namespace ebb::apiserver {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// One media range of an Accept header: "type/subtype;k=v;...".
struct MediaRange {
  std::string type;                           // lower case
  std::map<std::string, std::string> params;  // keys lower case, values verbatim
  std::string_view Param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string_view() : std::string_view(it->second);
  }
};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    out.push_back(Trim(s.substr(pos, next == std::string_view::npos ? next : next - pos)));
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
}

MediaRange ParseRange(std::string_view text) {
  std::vector<std::string_view> parts = Split(text, ';');
  MediaRange range;
  range.type = Lower(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    size_t eq = parts[i].find('=');
    if (eq == std::string_view::npos) continue;
    range.params[Lower(Trim(parts[i].substr(0, eq)))] = std::string(Trim(parts[i].substr(eq + 1)));
  }
  return range;
}

std::vector<MediaRange> ParseAccept(std::string_view accept) {
  std::vector<MediaRange> out;
  for (std::string_view part : Split(accept, ',')) {
    if (!part.empty()) out.push_back(ParseRange(part));
  }
  return out;
}

bool IsJsonLike(const MediaRange& r) {
  return r.type == "application/json" || r.type == "*/*" || r.type == "application/*";
}

// The content type without parameters, lower case.
std::string BaseType(std::string_view content_type) {
  return Lower(Trim(content_type.substr(0, content_type.find(';'))));
}

}  // namespace

ObjectFormat NegotiateObject(std::string_view accept) {
  for (const MediaRange& r : ParseAccept(accept)) {
    if (!IsJsonLike(r)) continue;
    std::string_view as = r.Param("as");
    if (as.empty()) return ObjectFormat::kJson;
    if (as == "Table" && r.Param("g") == "meta.k8s.io" && r.Param("v") == "v1") {
      return ObjectFormat::kTable;
    }
  }
  return ObjectFormat::kJson;
}

DiscoveryFormat NegotiateDiscovery(std::string_view accept) {
  for (const MediaRange& r : ParseAccept(accept)) {
    if (!IsJsonLike(r)) continue;
    std::string_view as = r.Param("as");
    if (as.empty()) return DiscoveryFormat::kLegacy;
    if (as != "APIGroupDiscoveryList" || r.Param("g") != "apidiscovery.k8s.io") continue;
    if (r.Param("v") == "v2") return DiscoveryFormat::kAggregatedV2;
    if (r.Param("v") == "v2beta1") return DiscoveryFormat::kAggregatedV2Beta1;
  }
  return DiscoveryFormat::kLegacy;
}

std::string DiscoveryContentType(DiscoveryFormat format) {
  switch (format) {
    case DiscoveryFormat::kAggregatedV2:
      return "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    case DiscoveryFormat::kAggregatedV2Beta1:
      return "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    case DiscoveryFormat::kLegacy:
      break;
  }
  return kJsonType;
}

std::optional<registry::PatchType> PatchTypeOf(std::string_view content_type) {
  std::string base = BaseType(content_type);
  if (base == "application/merge-patch+json") return registry::PatchType::kMerge;
  if (base == "application/json-patch+json") return registry::PatchType::kJson;
  if (base == "application/apply-patch+yaml") return registry::PatchType::kApply;
  return std::nullopt;
}

bool IsYamlContentType(std::string_view content_type) {
  std::string base = BaseType(content_type);
  return base == "application/yaml" || base == "application/x-yaml" || base == "text/yaml" ||
         base == "application/apply-patch+yaml";
}

}  // namespace ebb::apiserver
