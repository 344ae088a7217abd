// Manifests named by -f (apply, delete): reading files, folders and stdin, and resolving each
// document to the resource it addresses.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/resource.h"
#include "common/status.h"

namespace ebb::cli {

struct Manifest {
  nlohmann::json object;
  std::string source;  // the file it came from, or "STDIN"
};

// Each -f argument: a file, a folder (its *.yaml, *.yml and *.json files in name order, not
// recursive), or "-" for `in`. Multi-document YAML and JSON Lists are expanded (api codec).
// Errors (kBadRequest/kNotFound): `the path "x" does not exist`, parse errors naming file and
// line. An empty result is not an error here (the caller says "no objects passed to …").
Result<std::vector<Manifest>> ReadManifests(const std::vector<std::string>& paths,
                                            std::istream& in);

struct Target {
  ResourceType type;
  std::string ns;
  std::string name;
};

// The resource a manifest addresses. Its namespace is metadata.namespace, else `ns`; when the
// user gave -n (`ns_explicit`) they must agree, as kubectl insists. Errors are kBadRequest
// with kubectl-like text (unknown kind, missing name, namespace mismatch).
Result<Target> ResolveTarget(const Manifest& manifest, const std::string& ns, bool ns_explicit);

}  // namespace ebb::cli
