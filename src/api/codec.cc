// Manifests in: YAML (via yaml-cpp) and JSON (via nlohmann) to JSON objects. Library exceptions
// stop here and become kBadRequest statuses that say where the input is wrong.
#include "api/codec.h"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "api/codec_internal.h"

namespace ebb::api {
namespace {

using nlohmann::json;

std::string Where(int line, int column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Status BadInput(std::string_view source, int line, int column, const std::string& why) {
  return Status(Code::kBadRequest, std::string(source) + ": " + Where(line, column) + ": " + why);
}

Status BadNode(std::string_view source, const YAML::Node& node, const std::string& why) {
  YAML::Mark m = node.Mark();
  return BadInput(source, m.line + 1, m.column + 1, why);
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Converts one YAML node; `source` names the input in error messages.
class YamlToJson {
 public:
  explicit YamlToJson(std::string_view source) : source_(source) {}

  Status Convert(const YAML::Node& node, json* out) const {
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return ConvertMap(node, out);
      case YAML::NodeType::Sequence:
        return ConvertSequence(node, out);
      case YAML::NodeType::Scalar:
        return ConvertScalar(node, out);
      default:
        *out = nullptr;
        return Status::Ok();
    }
  }

 private:
  Status ConvertMap(const YAML::Node& node, json* out) const {
    *out = json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key;
      EBB_RETURN_IF_ERROR(KeyText(it->first, &key));
      if (out->contains(key)) return BadNode(source_, it->first, "duplicate key \"" + key + "\"");
      EBB_RETURN_IF_ERROR(Convert(it->second, &(*out)[key]));
    }
    return Status::Ok();
  }

  Status ConvertSequence(const YAML::Node& node, json* out) const {
    *out = json::array();
    for (const YAML::Node& item : node) {
      json value;
      EBB_RETURN_IF_ERROR(Convert(item, &value));
      out->push_back(std::move(value));
    }
    return Status::Ok();
  }

  Status KeyText(const YAML::Node& key, std::string* out) const {
    if (key.IsNull()) {
      *out = "null";
      return Status::Ok();
    }
    if (!key.IsScalar()) return BadNode(source_, key, "mapping keys must be plain values");
    if (!IsValidUtf8(key.Scalar())) return BadNode(source_, key, "invalid UTF-8 in key");
    *out = key.Scalar();
    return Status::Ok();
  }

  Status ConvertScalar(const YAML::Node& node, json* out) const {
    const std::string& text = node.Scalar();
    if (!IsValidUtf8(text)) return BadNode(source_, node, "invalid UTF-8 in value");
    const std::string& tag = node.Tag();
    if (tag == "?") {
      *out = internal::ResolvePlainScalar(text);
      return Status::Ok();
    }
    if (tag.rfind("tag:yaml.org,2002:", 0) != 0 || tag == "tag:yaml.org,2002:str") {
      *out = text;  // quoted, block, !!str, or a local tag: the text as written
      return Status::Ok();
    }
    *out = internal::ResolvePlainScalar(text);
    if (tag == "tag:yaml.org,2002:null" && !out->is_null()) {
      return BadNode(source_, node, "\"" + text + "\" is not a null");
    }
    if ((tag == "tag:yaml.org,2002:int" && !out->is_number_integer()) ||
        (tag == "tag:yaml.org,2002:float" && !out->is_number()) ||
        (tag == "tag:yaml.org,2002:bool" && !out->is_boolean())) {
      return BadNode(source_, node, "\"" + text + "\" does not match its tag " + tag);
    }
    if (tag == "tag:yaml.org,2002:float") *out = out->get<double>();
    return Status::Ok();
  }

  std::string_view source_;
};

// Appends `doc` to `out`, expanding a List kind ({kind: ...List, items: [...]}).
Status AddManifest(json doc, std::vector<json>* out,
                   const std::function<Status(const char*)>& bad) {
  if (doc.is_null()) return Status::Ok();
  if (!doc.is_object()) return bad("a manifest must be an object (a mapping)");
  auto kind = doc.find("kind");
  auto items = doc.find("items");
  bool is_list = kind != doc.end() && kind->is_string() &&
                 kind->get<std::string>().ends_with("List") && items != doc.end();
  if (!is_list) {
    out->push_back(std::move(doc));
    return Status::Ok();
  }
  if (!items->is_array()) return bad("the items of a List must be a list");
  for (json& item : *items) {
    if (!item.is_object()) return bad("every item of a List must be an object (a mapping)");
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

Result<std::vector<json>> ParseYamlStream(std::string_view text, std::string_view source) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return BadInput(source, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  std::vector<json> out;
  YamlToJson convert(source);
  for (const YAML::Node& node : docs) {
    json doc;
    EBB_RETURN_IF_ERROR(convert.Convert(node, &doc));
    EBB_RETURN_IF_ERROR(AddManifest(std::move(doc), &out,
                                    [&](const char* why) { return BadNode(source, node, why); }));
  }
  return out;
}

enum class Syntax { kJson, kMaybeJson, kYaml };

// An object whose first key is quoted ({"kind": ...}) is JSON and gets JSON's error messages;
// other text starting with '{' or '[' may be a YAML flow collection.
Syntax GuessSyntax(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '{' && text[first] != '[')) {
    return Syntax::kYaml;
  }
  size_t next = text.find_first_not_of(" \t\r\n", first + 1);
  bool quoted_key = next != std::string_view::npos && (text[next] == '"' || text[next] == '}');
  return text[first] == '{' && quoted_key ? Syntax::kJson : Syntax::kMaybeJson;
}

// nlohmann reports the byte offset (1-based) of the last character it read.
void LineAndColumn(std::string_view text, size_t byte, int* line, int* column) {
  size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  *line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++*line;
      line_start = i + 1;
    }
  }
  *column = static_cast<int>(end - line_start) + 1;
}

// Deeper nesting than any manifest needs would exhaust the stack in the recursive walks that
// follow (comparison, diffs, YAML output), so it is refused up front.
constexpr int kMaxJsonDepth = 1000;

bool TooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '{' || c == '[') && ++depth > kMaxJsonDepth) {
      return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

Result<json> ParseJsonFrom(std::string_view text, std::string_view source) {
  std::string prefix = source.empty() ? "" : std::string(source) + ": ";
  if (TooDeep(text)) {
    return Status(Code::kBadRequest,
                  prefix + "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    int line = 0, column = 0;
    LineAndColumn(text, e.byte, &line, &column);
    std::string what = e.what();
    size_t colon = what.find(": ");
    std::string why = colon == std::string::npos ? what : what.substr(colon + 2);
    return Status(Code::kBadRequest, prefix + Where(line, column) + ": " + why);
  } catch (const json::exception& e) {  // e.g. a number out of range
    return Status(Code::kBadRequest, prefix + e.what());
  }
}

}  // namespace

Result<std::vector<json>> ParseManifests(std::string_view text, std::string_view source) {
  Syntax syntax = GuessSyntax(text);
  if (syntax == Syntax::kYaml) return ParseYamlStream(text, source);
  Result<json> doc = ParseJsonFrom(text, source);
  if (!doc.ok()) {
    if (syntax == Syntax::kJson) return doc.status();
    Result<std::vector<json>> yaml = ParseYamlStream(text, source);
    return yaml.ok() ? yaml : Result<std::vector<json>>(doc.status());
  }
  std::vector<json> out;
  std::vector<json> docs = doc->is_array() ? std::vector<json>(doc->begin(), doc->end())
                                           : std::vector<json>{std::move(*doc)};
  for (json& d : docs) {
    EBB_RETURN_IF_ERROR(AddManifest(std::move(d), &out, [&](const char* why) {
      return Status(Code::kBadRequest, std::string(source) + ": " + why);
    }));
  }
  return out;
}

Result<json> ParseJson(std::string_view text) { return ParseJsonFrom(text, ""); }

}  // namespace ebb::api
