// Object output for `ebb get -o yaml|json|name|jsonpath=…` (everything but tables): parsing the
// -o flag, kubectl's List wrapper, and "-o name" names. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/jsonpath.h"
#include "cli/resource.h"
#include "common/clock.h"
#include "common/status.h"

namespace ebb::cli {

enum class OutputFormat { kTable, kWide, kYaml, kJson, kName, kJsonPath };

struct OutputSpec {
  OutputFormat format = OutputFormat::kTable;
  std::optional<JsonPath> jsonpath;  // kJsonPath
  bool is_table() const { return format == OutputFormat::kTable || format == OutputFormat::kWide; }
};

// "" (table), wide, yaml, json, name, jsonpath=TEMPLATE (also jsonpath='TEMPLATE'). kBadRequest
// like kubectl: unable to match a printer suitable for the output format "x", allowed formats
// are: json,jsonpath,name,wide,yaml — or the jsonpath parse error.
Result<OutputSpec> ParseOutputFormat(std::string_view flag);

// kubectl's wrapper for several objects: {"apiVersion":"v1","kind":"List","items":[…],
// "metadata":{"resourceVersion":""}}. Items lacking apiVersion/kind get `type`'s.
nlohmann::json MakeList(const ResourceType& type, std::vector<nlohmann::json> items);

// "service.serving.knative.dev/hello" or "pod/hello-00001-abc".
std::string ObjectName(const ResourceType& type, const nlohmann::json& object);

// Prints `value` (one object or a List) in a non-table format: YAML, JSON (4-space indent),
// names one per line (a List's items), or the jsonpath template's output.
Status PrintValue(const OutputSpec& spec, const ResourceType& type, const nlohmann::json& value,
                  std::ostream& out);

// "5m" for an object created 5 minutes before `now` ("<unknown>" without a timestamp), as
// kubectl's AGE column.
std::string ObjectAge(const nlohmann::json& object, Clock::time_point now);
// The age of an RFC 3339 timestamp, the same way ("<unknown>" when unparseable).
std::string TimestampAge(const std::string& timestamp, Clock::time_point now);

// Value of metadata.<key> as a string ("" when absent).
std::string MetaString(const nlohmann::json& object, const char* key);

}  // namespace ebb::cli
