#include "controller/meta.h"

#include <charconv>
#include <cstdint>

namespace ebb::controller {

const json& Field(const json& obj, std::string_view key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string Str(const json& obj, std::string_view key) {
  const json& v = Field(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::int64_t Int(const json& obj, std::string_view key) {
  const json& v = Field(obj, key);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  // Kubernetes writes some integers as strings (resourceVersion); generation never is, but a
  // hand-written status may be.
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

bool Bool(const json& obj, std::string_view key) {
  const json& v = Field(obj, key);
  return v.is_boolean() && v.get<bool>();
}

std::string Name(const json& obj) { return Str(Field(obj, "metadata"), "name"); }
std::string Namespace(const json& obj) { return Str(Field(obj, "metadata"), "namespace"); }
std::string Uid(const json& obj) { return Str(Field(obj, "metadata"), "uid"); }
std::string ResourceVersion(const json& obj) {
  return Str(Field(obj, "metadata"), "resourceVersion");
}

bool NewerThan(const json& a, const json& b) {
  auto number = [](const std::string& rv) {
    std::uint64_t n = 0;
    std::from_chars(rv.data(), rv.data() + rv.size(), n);
    return n;
  };
  return number(ResourceVersion(a)) > number(ResourceVersion(b));
}
std::int64_t Generation(const json& obj) { return Int(Field(obj, "metadata"), "generation"); }
std::int64_t ObservedGeneration(const json& obj) {
  return Int(Field(obj, "status"), "observedGeneration");
}

std::string Label(const json& obj, std::string_view key) {
  return Str(Field(Field(obj, "metadata"), "labels"), key);
}

bool HasLabel(const json& obj, std::string_view key) {
  return Field(Field(Field(obj, "metadata"), "labels"), key).is_string();
}

std::string Annotation(const json& obj, std::string_view key) {
  return Str(Field(Field(obj, "metadata"), "annotations"), key);
}

json MapToJson(const std::map<std::string, std::string>& m) {
  json out = json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

std::map<std::string, std::string> JsonToMap(const json& obj) {
  std::map<std::string, std::string> out;
  if (!obj.is_object()) return out;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

json ControllerRef(const json& owner, api::Kind owner_kind) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", api::Info(owner_kind).name},
          {"name", Name(owner)},
          {"uid", Uid(owner)},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

std::string ControllerName(const json& obj, api::Kind owner_kind) {
  const json& refs = Field(Field(obj, "metadata"), "ownerReferences");
  if (!refs.is_array()) return "";
  for (const json& ref : refs) {
    if (Bool(ref, "controller") && Str(ref, "kind") == api::Info(owner_kind).name) {
      return Str(ref, "name");
    }
  }
  return "";
}

bool IsControlledBy(const json& obj, const json& owner) {
  const json& refs = Field(Field(obj, "metadata"), "ownerReferences");
  if (!refs.is_array() || Uid(owner).empty()) return false;
  for (const json& ref : refs) {
    if (Bool(ref, "controller") && Str(ref, "uid") == Uid(owner)) return true;
  }
  return false;
}

}  // namespace ebb::controller
