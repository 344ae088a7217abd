// How the ebb CLI prints failures, matching kubectl's wording (kubectl-compat.md §2.12):
//   Error from server (NotFound): services.serving.knative.dev "hello" not found
//   Error from server (NotFound): error when deleting "svc.yaml": services... "hello" not found
//   The Service "bad" is invalid: spec.template.spec.containers[0].image: Required value
//   error: You must be logged in to the server (Unauthorized)
//   Unable to connect to the server: connect 127.0.0.1:6443: Connection refused
// Pure functions.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "cli/api_client.h"
#include "common/status.h"

namespace ebb::cli {

// The message for an API answer that is not 2xx. `context` is kubectl's -f insertion
// (`error when deleting "svc.yaml"`), empty for none. The body is a Kubernetes Status when the
// server sent one; a 404 without one reads "the server could not find the requested resource".
std::string FormatServerError(const ApiResponse& response, std::string_view context = "");

// The message for a request that never got a usable HTTP answer (Result not ok):
// "Unable to connect to the server: …" for kUnavailable/kTimeout, "error: …" otherwise.
std::string FormatTransportError(const Status& status);

// True for a 2xx answer; otherwise prints the failure (either kind above) on `err` as a line
// and returns false.
bool CheckResponse(const Result<ApiResponse>& response, std::ostream& err,
                   std::string_view context = "");

// Kubernetes reason string for an HTTP code without a Status body ("NotFound" for 404).
std::string ReasonForHttpCode(int code);

}  // namespace ebb::cli
