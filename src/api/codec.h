// Manifests in, manifests out: YAML (multi-document) and JSON to nlohmann::json and back.
// Pure functions; no I/O.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ebb::api {

// Parses a YAML stream (documents separated by ---; empty documents skipped) or JSON text (an
// object, or a List whose items are expanded) into JSON objects. YAML scalars map to JSON the
// way kubectl does (unquoted true/false/null/numbers typed; quoted strings stay strings).
// Errors are kBadRequest naming the source, line and column: "service.yaml: line 4, column 7: ...".
Result<std::vector<nlohmann::json>> ParseManifests(std::string_view text,
                                                   std::string_view source = "<input>");

// Parses exactly one JSON document; kBadRequest with line and column on a syntax error.
Result<nlohmann::json> ParseJson(std::string_view text);

// Block-style YAML as kubectl prints it (keys sorted, strings quoted only when needed).
std::string ToYaml(const nlohmann::json& value);

}  // namespace ebb::api
