// Kubernetes meta/v1 Status objects: how every error (and a successful DELETE) goes on the wire,
// shaped so that kubectl prints them as it does for a real cluster (kubectl-compat.md §2.12).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/kinds.h"
#include "common/status.h"

namespace ebb::apiserver {

// Status.details. Empty fields are left out; an all-empty Details leaves out "details".
struct StatusDetails {
  std::string name;
  std::string group;
  std::string kind;  // the plural ("services") except for 422, where it is the Kind ("Service")
  std::string uid;
};

// A Failure Status for a non-ok `status`: message, reason and code from it, details as given,
// plus details.causes (reason/message/field) for kInvalid.
nlohmann::json FailureStatus(const Status& status, const StatusDetails& details = {});

// A Failure Status for HTTP codes that have no Code (413 RequestEntityTooLarge, ...).
nlohmann::json FailureStatus(int http_code, std::string_view reason, std::string_view message);

// {"status":"Success"} with details, as a DELETE of an object that is gone at once answers.
nlohmann::json SuccessStatus(const StatusDetails& details);

// Details naming a Knative object, as the real server fills them for `code`: kind is the Kind
// name for kInvalid (kubectl prints `The Service "x" is invalid: ...`), else the plural.
StatusDetails KnativeDetails(api::Kind kind, std::string_view name, Code code);

// The generic 404 for paths that name nothing: "the server could not find the requested
// resource" (details {}).
nlohmann::json PathNotFoundStatus();

}  // namespace ebb::apiserver
