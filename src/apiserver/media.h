// Content negotiation: what representation an Accept header asks for, and which request body
// format a Content-Type names (kubectl-compat.md §1.4, §2.2, §2.9). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "registry/registry.h"

namespace ebb::apiserver {

// Response formats for objects and lists.
enum class ObjectFormat { kJson, kTable };

// Discovery formats for /api and /apis.
enum class DiscoveryFormat { kLegacy, kAggregatedV2, kAggregatedV2Beta1 };

// The first media range in Accept that we can serve decides: "application/json;as=Table;v=v1;
// g=meta.k8s.io" gives kTable; application/json, */* or application/* give kJson; other ranges
// (protobuf, Table v1beta1, PartialObjectMetadata) are skipped. kJson when nothing matches.
ObjectFormat NegotiateObject(std::string_view accept);

// Same rule for discovery: the aggregated APIGroupDiscoveryList in v2 or v2beta1, else legacy.
DiscoveryFormat NegotiateDiscovery(std::string_view accept);

// The Content-Type of a response in `format`.
inline constexpr char kJsonType[] = "application/json";
inline constexpr char kTableType[] = "application/json;as=Table;v=v1;g=meta.k8s.io";
std::string DiscoveryContentType(DiscoveryFormat format);

// The patch type a PATCH Content-Type names; nullopt for anything else (including
// strategic-merge-patch+json, which custom resources do not support: 415).
std::optional<registry::PatchType> PatchTypeOf(std::string_view content_type);

// The message of the 415 a real API server gives for an unsupported patch type (kubectl
// prefixes it with "<type> is not supported by <gvk>: ").
inline constexpr char kUnsupportedPatchMessage[] =
    "the body of the request was in an unknown format - accepted media types include: "
    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

// True for YAML request bodies (application/yaml, application/apply-patch+yaml, ...).
bool IsYamlContentType(std::string_view content_type);

}  // namespace ebb::apiserver
