// `ebb get KIND [NAME...] [-l SEL] [-o FORMAT] [-w] [-A]`, as `kubectl get`.
//
// Tables are asked from the server (meta.k8s.io/v1 Table) and printed by TablePrinter; a server
// answer that is not a Table falls back to NAME and AGE columns. -o yaml/json/jsonpath print the
// object, or a kubectl `kind: List` for a collection or several names; -o name prints
// "service.serving.knative.dev/hello" lines. -w lists (a single NAME through a metadata.name
// field selector), then watches from the list's resourceVersion, printing each changed object
// (tables: rows only, no repeated header) until the server ends the stream.
#pragma once

#include <string>
#include <vector>

#include "cli/command_context.h"

namespace ebb::cli {

struct GetOptions {
  std::string kind;
  std::vector<std::string> names;
  std::string selector;         // -l
  std::string output;           // -o
  bool watch = false;           // -w
  bool all_namespaces = false;  // -A
};

int RunGet(const GetOptions& options, CommandContext& ctx);

// A Table for `body` when the server did not send one: NAME and AGE from each object (a list's
// items, or the object itself), ages from metadata.creationTimestamp.
nlohmann::json FallbackTable(const nlohmann::json& body, Clock::time_point now);

// "No resources found in default namespace." / "No resources found" (all namespaces).
std::string NoResourcesMessage(const std::string& ns, bool all_namespaces);

}  // namespace ebb::cli
