// The resource types the ebb CLI can address, and how a name the user types resolves to one.
//
// ebb serves the Knative kinds (serving.knative.dev/v1 Service, Configuration, Revision, Route)
// plus read-only core v1 Pods. A ResourceType carries what the CLI needs to build request paths
// and print messages the way kubectl does ("services.serving.knative.dev", "service.serving...").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/kinds.h"
#include "common/status.h"

namespace ebb::cli {

struct ResourceType {
  std::string group;                 // "serving.knative.dev", or "" for core v1
  std::string version;               // "v1"
  std::string plural;                // "services"
  std::string singular;              // "service"
  std::string kind;                  // "Service"
  std::optional<api::Kind> knative;  // set for the Knative kinds
  bool writable = true;              // core Pods are read-only

  std::string ApiVersion() const;  // "serving.knative.dev/v1" or "v1"
  // "/apis/serving.knative.dev/v1" or "/api/v1".
  std::string PathPrefix() const;
  // "services.serving.knative.dev" (kubectl's resource name in NotFound messages) or "pods".
  std::string QualifiedPlural() const;
  // "service.serving.knative.dev" (kubectl's prefix in "…/hello created") or "pod".
  std::string QualifiedSingular() const;
};

ResourceType KnativeType(api::Kind kind);
ResourceType PodType();

// What `ebb get/describe/delete KIND` accept: anything api::KindFromName resolves, plus
// "pods", "pod", "po". kBadRequest "the server doesn't have a resource type \"foo\"" otherwise.
Result<ResourceType> ResolveResourceType(std::string_view name);

// The type of a manifest's apiVersion + kind (only the Knative kinds can be written). kBadRequest
// with kubectl-like text naming `source` when the kind is unknown or the apiVersion is wrong:
//   unknown kind "Foo" in FILE (ebb serves Service, Configuration, Revision, Route)
Result<ResourceType> ResolveManifestType(std::string_view api_version, std::string_view kind,
                                         std::string_view source);

struct NamedResource {
  ResourceType type;
  std::string name;
};

// Command-line object references: "KIND NAME..." or "KIND/NAME..." (kubectl's two spellings).
// kBadRequest when a kind is unknown, a name is missing, or the spellings are mixed.
Result<std::vector<NamedResource>> ResolveNamedArgs(const std::vector<std::string>& args);

}  // namespace ebb::cli
