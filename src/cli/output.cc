#include "cli/output.h"

#include <algorithm>

#include "api/codec.h"
#include "api/table.h"
#include "cli/json_util.h"

namespace ebb::cli {

using nlohmann::json;

Result<OutputSpec> ParseOutputFormat(std::string_view flag) {
  OutputSpec spec;
  if (flag.empty()) return spec;
  if (flag == "wide") {
    spec.format = OutputFormat::kWide;
  } else if (flag == "yaml") {
    spec.format = OutputFormat::kYaml;
  } else if (flag == "json") {
    spec.format = OutputFormat::kJson;
  } else if (flag == "name") {
    spec.format = OutputFormat::kName;
  } else if (flag.substr(0, 9) == "jsonpath=") {
    std::string_view text = flag.substr(9);
    // Quotes that reached us unstripped (e.g. from a script): jsonpath='{.a}'.
    if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
        text.back() == text.front()) {
      text = text.substr(1, text.size() - 2);
    }
    Result<JsonPath> path = JsonPath::Parse(text);
    if (!path.ok()) return path.status();
    spec.format = OutputFormat::kJsonPath;
    spec.jsonpath = std::move(*path);
  } else {
    return Status(Code::kBadRequest, "unable to match a printer suitable for the output format \"" +
                                         std::string(flag) +
                                         "\", allowed formats are: json,jsonpath,name,wide,yaml");
  }
  return spec;
}

json MakeList(const ResourceType& type, std::vector<json> items) {
  for (json& item : items) {
    if (!item.contains("apiVersion")) item["apiVersion"] = type.ApiVersion();
    if (!item.contains("kind")) item["kind"] = type.kind;
  }
  return json{{"apiVersion", "v1"},
              {"kind", "List"},
              {"items", std::move(items)},
              {"metadata", {{"resourceVersion", ""}}}};
}

std::string MetaString(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(key);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

std::string TimestampAge(const std::string& timestamp, Clock::time_point now) {
  Clock::time_point then;
  if (!ParseRfc3339(timestamp, &then)) return "<unknown>";
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now - then);
  return api::HumanDuration(std::max(age, std::chrono::seconds(0)));
}

std::string ObjectAge(const json& object, Clock::time_point now) {
  return TimestampAge(MetaString(object, "creationTimestamp"), now);
}

std::string ObjectName(const ResourceType& type, const json& object) {
  return type.QualifiedSingular() + "/" + MetaString(object, "name");
}

Status PrintValue(const OutputSpec& spec, const ResourceType& type, const json& value,
                  std::ostream& out) {
  switch (spec.format) {
    case OutputFormat::kYaml: {
      std::string yaml = api::ToYaml(value);
      out << yaml << (yaml.empty() || yaml.back() != '\n' ? "\n" : "");
      return Status::Ok();
    }
    case OutputFormat::kJson:
      out << value.dump(4) << '\n';
      return Status::Ok();
    case OutputFormat::kName:
      if (Str(value, "kind") == "List") {
        for (const json& item : Array(value, "items")) out << ObjectName(type, item) << '\n';
      } else {
        out << ObjectName(type, value) << '\n';
      }
      return Status::Ok();
    case OutputFormat::kJsonPath: {
      Result<std::string> text = spec.jsonpath->Execute(value);
      if (!text.ok()) return text.status();
      out << *text;
      return Status::Ok();
    }
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      break;
  }
  return Status(Code::kInternal, "table output is printed by TablePrinter");
}

}  // namespace ebb::cli
