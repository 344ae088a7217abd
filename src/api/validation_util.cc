#include "api/validation_util.h"

#include <algorithm>
#include <cmath>

namespace ebb::api::internal {

std::string Child(std::string_view base, std::string_view name) {
  if (base.empty()) return std::string(name);
  return std::string(base) + "." + std::string(name);
}

std::string Index(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

const json* Member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

json* MutableMember(json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::int64_t> IntValue(const json& v) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX) return std::nullopt;
    return v.get<std::int64_t>();
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

bool CheckString(const json& v, const std::string& path, Errors* errs) {
  if (v.is_string()) return true;
  errs->Invalid(path, "must be a string");
  return false;
}

bool CheckInt(const json& v, const std::string& path, Errors* errs) {
  if (IntValue(v)) return true;
  errs->Invalid(path, "must be an integer");
  return false;
}

bool CheckBool(const json& v, const std::string& path, Errors* errs) {
  if (v.is_boolean()) return true;
  errs->Invalid(path, "must be a boolean (true or false)");
  return false;
}

bool CheckObject(const json& v, const std::string& path, Errors* errs) {
  if (v.is_object()) return true;
  errs->Invalid(path, "must be an object");
  return false;
}

bool CheckArray(const json& v, const std::string& path, Errors* errs) {
  if (v.is_array()) return true;
  errs->Invalid(path, "must be a list");
  return false;
}

bool CheckStringArray(const json& v, const std::string& path, Errors* errs) {
  if (!CheckArray(v, path, errs)) return false;
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) ok = CheckString(v[i], Index(path, i), errs) && ok;
  return ok;
}

bool CheckStringMap(const json& v, const std::string& path, Errors* errs) {
  if (!CheckObject(v, path, errs)) return false;
  bool ok = true;
  for (const auto& [k, value] : v.items()) ok = CheckString(value, Child(path, k), errs) && ok;
  return ok;
}

void CheckAllowedKeys(const json& obj, std::initializer_list<std::string_view> allowed,
                      const std::string& path, Errors* errs) {
  if (!obj.is_object()) return;
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      errs->Forbidden(Child(path, key));
    }
  }
}

std::string StringField(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

std::string OutOfBounds(std::int64_t value, std::int64_t low, std::int64_t high) {
  return "expected " + std::to_string(low) + " <= " + std::to_string(value) +
         " <= " + std::to_string(high);
}

namespace {

void Diff(const json& a, const json& b, const std::string& path, std::vector<std::string>* out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    json keys = json::object();
    for (const auto& [k, v] : a.items()) keys[k] = true;
    for (const auto& [k, v] : b.items()) keys[k] = true;
    for (const auto& [k, unused] : keys.items()) {
      Diff(a.value(k, json()), b.value(k, json()), Child(path, k), out);
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) Diff(a[i], b[i], Index(path, i), out);
    return;
  }
  auto text = [](const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); };
  out->push_back((path.empty() ? "<root>" : path) + ": -" + text(a) + " +" + text(b));
}

}  // namespace

std::string ShortDiff(const json& old_value, const json& new_value, size_t limit) {
  std::vector<std::string> lines;
  Diff(old_value, new_value, "", &lines);
  std::string out;
  for (size_t i = 0; i < lines.size() && i < limit; ++i) out += (i ? "; " : "") + lines[i];
  if (lines.size() > limit) out += "; ... " + std::to_string(lines.size() - limit) + " more";
  return out;
}

}  // namespace ebb::api::internal
