// The resource kinds ebb serves: Knative serving.knative.dev/v1 Service, Configuration,
// Revision, Route. Names, plurals and short names as Knative's CRDs, so that kubectl and the
// ebb CLI resolve the same spellings (ksvc, kservice, config, cfg, rev, route, rt, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebb::api {

inline constexpr char kGroup[] = "serving.knative.dev";
inline constexpr char kVersion[] = "v1";
inline constexpr char kApiVersion[] = "serving.knative.dev/v1";

enum class Kind { kService, kConfiguration, kRevision, kRoute };
inline constexpr Kind kAllKinds[] = {Kind::kService, Kind::kConfiguration, Kind::kRevision,
                                     Kind::kRoute};

struct KindInfo {
  Kind kind;
  const char* name;                      // "Service"
  const char* plural;                    // "services"
  const char* singular;                  // "service"
  const char* list_kind;                 // "ServiceList"
  std::vector<std::string> short_names;  // {"kservice", "ksvc"}
};

const KindInfo& Info(Kind kind);

// Resolves what a user types: plural, singular, short name, Kind name (any case), or the fully
// qualified "services.serving.knative.dev". Plain "service(s)" resolves to the Knative Service
// (the ebb CLI has no core Services to clash with).
std::optional<Kind> KindFromName(std::string_view name);

// "services.serving.knative.dev" — the resource name kubectl prints in messages.
std::string QualifiedResource(Kind kind);

}  // namespace ebb::api
