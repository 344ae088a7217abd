#include "cli/json_util.h"

namespace ebb::cli {

using nlohmann::json;

const json& Child(const json& obj, std::string_view key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string Str(const json& obj, std::string_view key) {
  const json& v = Child(obj, key);
  return v.is_string() ? v.get<std::string>() : "";
}

long long Int(const json& obj, std::string_view key, long long fallback) {
  const json& v = Child(obj, key);
  return v.is_number() ? v.get<long long>() : fallback;
}

const json& Array(const json& obj, std::string_view key) {
  static const json kEmpty = json::array();
  const json& v = Child(obj, key);
  return v.is_array() ? v : kEmpty;
}

}  // namespace ebb::cli
