// The four Knative kinds with the names, plurals and short names of Knative's CRDs.
#include "api/kinds.h"

#include <algorithm>
#include <cctype>

namespace ebb::api {
namespace {

const KindInfo kInfos[] = {
    {Kind::kService, "Service", "services", "service", "ServiceList", {"kservice", "ksvc"}},
    {Kind::kConfiguration,
     "Configuration",
     "configurations",
     "configuration",
     "ConfigurationList",
     {"config", "cfg"}},
    {Kind::kRevision, "Revision", "revisions", "revision", "RevisionList", {"rev"}},
    {Kind::kRoute, "Route", "routes", "route", "RouteList", {"rt"}},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool NameMatches(const KindInfo& info, const std::string& name) {
  if (name == info.plural || name == info.singular || name == Lower(info.name)) return true;
  return std::find(info.short_names.begin(), info.short_names.end(), name) !=
         info.short_names.end();
}

// Strips ".serving.knative.dev" or ".v1.serving.knative.dev" (kubectl's resource.version.group).
std::string StripGroup(std::string name) {
  for (std::string suffix :
       {std::string(".") + kVersion + "." + kGroup, std::string(".") + kGroup}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  return name;
}

}  // namespace

const KindInfo& Info(Kind kind) {
  for (const KindInfo& info : kInfos) {
    if (info.kind == kind) return info;
  }
  return kInfos[0];  // unreachable: every Kind has an entry
}

std::optional<Kind> KindFromName(std::string_view name) {
  std::string wanted = StripGroup(Lower(name));
  for (const KindInfo& info : kInfos) {
    if (NameMatches(info, wanted)) return info.kind;
  }
  return std::nullopt;
}

std::string QualifiedResource(Kind kind) { return std::string(Info(kind).plural) + "." + kGroup; }

}  // namespace ebb::api
