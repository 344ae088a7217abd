// Reading Knative objects as JSON: metadata accessors, the label and annotation keys the
// controller writes, and owner references. Pure functions; every accessor tolerates a missing
// or mistyped field (it answers "", 0 or a null JSON) so that a malformed object never throws.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/kinds.h"

namespace ebb::controller {

using nlohmann::json;

namespace label {
inline constexpr char kService[] = "serving.knative.dev/service";
inline constexpr char kServiceUid[] = "serving.knative.dev/serviceUID";
inline constexpr char kConfiguration[] = "serving.knative.dev/configuration";
inline constexpr char kConfigurationGeneration[] = "serving.knative.dev/configurationGeneration";
inline constexpr char kConfigurationUid[] = "serving.knative.dev/configurationUID";
inline constexpr char kRoutingState[] = "serving.knative.dev/routingState";
inline constexpr char kVisibility[] = "networking.knative.dev/visibility";
}  // namespace label

namespace annotation {
inline constexpr char kRoutingStateModified[] = "serving.knative.dev/routingStateModified";
inline constexpr char kCreator[] = "serving.knative.dev/creator";
inline constexpr char kLastModifier[] = "serving.knative.dev/lastModifier";
inline constexpr char kNoGc[] = "serving.knative.dev/no-gc";
inline constexpr char kLastApplied[] = "kubectl.kubernetes.io/last-applied-configuration";
}  // namespace annotation

// routingState label values (Knative's RoutingState).
inline constexpr char kRoutingPending[] = "pending";
inline constexpr char kRoutingActive[] = "active";
inline constexpr char kRoutingReserve[] = "reserve";

// obj[key] when obj is an object holding key, else a null JSON.
const json& Field(const json& obj, std::string_view key);
// obj[key] as a string / integer / bool; "", 0, false when missing or of another type.
std::string Str(const json& obj, std::string_view key);
std::int64_t Int(const json& obj, std::string_view key);
bool Bool(const json& obj, std::string_view key);

std::string Name(const json& obj);
std::string Namespace(const json& obj);
std::string Uid(const json& obj);
std::string ResourceVersion(const json& obj);
// Whether `a` is a later version of the same object than `b` (resourceVersions are the
// store's revision numbers; a missing one counts as oldest).
bool NewerThan(const json& a, const json& b);
std::int64_t Generation(const json& obj);
std::int64_t ObservedGeneration(const json& obj);
std::string Label(const json& obj, std::string_view key);
bool HasLabel(const json& obj, std::string_view key);
std::string Annotation(const json& obj, std::string_view key);

// A string map (labels, annotations) as a JSON object, and back (non-string values dropped).
json MapToJson(const std::map<std::string, std::string>& m);
std::map<std::string, std::string> JsonToMap(const json& obj);

// The controller ownerReference Knative puts on children (kmeta.NewControllerRef):
// {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true}.
json ControllerRef(const json& owner, api::Kind owner_kind);
// The name in the ownerReference with controller: true of the given kind; "" if none.
std::string ControllerName(const json& obj, api::Kind owner_kind);
// True when obj has a controller ownerReference naming owner's uid.
bool IsControlledBy(const json& obj, const json& owner);

}  // namespace ebb::controller
