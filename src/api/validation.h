// Defaulting and validation of Knative objects, as Knative's webhook does
// (../shared/reference/knative-spec.md §1.2-1.4, §2.1). Pure functions over JSON objects; they
// never throw, whatever the JSON holds (wrong types are reported, not dereferenced).
//
// Field paths are printed as Kubernetes prints them ("spec.template.spec.containers[0].image",
// "spec.traffic[1].percent", "metadata.annotations.autoscaling.knative.dev/min-scale"), reasons
// are Kubernetes' StatusCause reasons:
//   FieldValueRequired     "Required value" and the like
//   FieldValueInvalid      a bad value: "expected 0 <= 700 <= 600", "Traffic targets sum to 90,
//                          want 100", "\"PORT\" is a reserved environment variable", ...
//   FieldValueNotSupported a value outside a fixed set: "supported values: \"TCP\""
//   FieldValueForbidden    a field Knative masks off: "must not set the field(s)"
//   FieldValueDuplicate    a repeated name, tag, mount path or annotation alias
//   FieldValueTooLong      annotations over 256 KiB
//
// ebb's reading of the rules, where Knative leaves room:
// - container `image` must parse as an OCI image reference, or be a local executable path
//   starting with "/", "./" or "../".
// - Fields outside Knative's default PodSpec subset (initContainers, affinity, hostNetwork, pod
//   securityContext, persistentVolumeClaim volumes, container lifecycle, stdin, env fieldRef,
//   ...) are FieldValueForbidden, as with Knative's feature flags at their defaults.
// - Unknown keys under autoscaling.knative.dev/ are refused when the class is the KPA (a typo
//   such as "minscale" would otherwise be silently ignored), as is setting a key under both its
//   name and its legacy camelCase alias.
// - responseStartTimeoutSeconds and idleTimeoutSeconds may not exceed timeoutSeconds.
// - A defaulted readiness probe is {tcpSocket: {port: 0}, successThreshold: 1}: port 0 means
//   "the serving port", as in Knative.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/kinds.h"
#include "common/status.h"
#include "config/config.h"

namespace ebb::api {

// Fills in defaults in place (§1.2): apiVersion/kind when absent, timeoutSeconds,
// containerConcurrency, response-start/idle timeouts, container names, the readiness probe,
// gRPC probe service, read-only mounts of read-only volume types, traffic defaulting
// (latestRevision, percent, and [{latestRevision: true, percent: 100}] for a Service without
// traffic; a Route owned by a Service gets the same target with configurationName set to the
// Service's name, since a Route has no implied configuration). `old` is the stored object on update
// (a Revision's spec is never re-defaulted), nullptr on create. Values of the wrong type are left
// alone for Validate to report.
void SetDefaults(Kind kind, nlohmann::json& obj, const nlohmann::json* old,
                 const config::Config& cfg);

// Every field at fault, with Kubernetes field paths (§1.3). Empty = valid. `old` as above: on
// update, immutability rules apply (a Revision's spec, bring-your-own revision names, the
// creator annotation). `status` is not looked at; see ValidateStatus.
std::vector<FieldError> Validate(Kind kind, const nlohmann::json& obj, const nlohmann::json* old,
                                 const config::Config& cfg);

// Checks of what the controller writes to status (§1.3): every status.traffic entry names a
// revision, tagged entries carry a url and untagged ones none.
std::vector<FieldError> ValidateStatus(Kind kind, const nlohmann::json& obj);

// Stamps serving.knative.dev/creator and /lastModifier with `user` as Knative does: both on
// create; on update the creator is kept from `old` and lastModifier changes only when the spec
// changed. Objects with owner references (made by the controller) and an empty user are left
// alone.
void StampUserInfo(nlohmann::json& obj, const nlohmann::json* old, std::string_view user);

// The kInvalid Status for `errors`, worded as the Kubernetes API server words it:
//   Service.serving.knative.dev "bad" is invalid: spec.template.spec.containers[0].image:
//   Required value
// (several errors are listed in [..., ...]); causes() carries the errors.
Status InvalidStatus(Kind kind, std::string_view name, std::vector<FieldError> errors);

}  // namespace ebb::api
