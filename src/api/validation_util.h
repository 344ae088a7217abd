// Internal to api/: the building blocks of validation — Kubernetes field paths, the error list
// with Kubernetes' reasons, and JSON accessors that report wrong types instead of throwing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ebb::api::internal {

using nlohmann::json;

// "spec" + "template" -> "spec.template"; "" + "spec" -> "spec".
std::string Child(std::string_view base, std::string_view name);
// "spec.containers" + 0 -> "spec.containers[0]".
std::string Index(std::string_view base, size_t i);

// Field errors in the order found, each with a Kubernetes StatusCause reason.
class Errors {
 public:
  void Required(std::string field, std::string message = "Required value") {
    Add(std::move(field), "FieldValueRequired", std::move(message));
  }
  void Invalid(std::string field, std::string message) {
    Add(std::move(field), "FieldValueInvalid", std::move(message));
  }
  void NotSupported(std::string field, std::string message) {
    Add(std::move(field), "FieldValueNotSupported", std::move(message));
  }
  // Knative's answer to fields outside its PodSpec subset: "must not set the field(s)".
  void Forbidden(std::string field, std::string message = "must not set the field(s)") {
    Add(std::move(field), "FieldValueForbidden", std::move(message));
  }
  void Duplicate(std::string field, std::string message) {
    Add(std::move(field), "FieldValueDuplicate", std::move(message));
  }
  void TooLong(std::string field, std::string message) {
    Add(std::move(field), "FieldValueTooLong", std::move(message));
  }
  std::vector<FieldError>& list() { return list_; }
  size_t size() const { return list_.size(); }

 private:
  void Add(std::string field, const char* reason, std::string message) {
    list_.push_back({std::move(field), reason, std::move(message)});
  }
  std::vector<FieldError> list_;
};

// obj[key], or nullptr when obj is not an object, lacks key, or holds null there (a null field
// means "not set", as a nil pointer does in Go).
const json* Member(const json& obj, std::string_view key);
json* MutableMember(json& obj, std::string_view key);

// An integer value (or a float with an integral value, as some clients send); nullopt otherwise.
std::optional<std::int64_t> IntValue(const json& v);

// Type checks: report "must be ..." at `path` and return false when `v` has the wrong type.
bool CheckString(const json& v, const std::string& path, Errors* errs);
bool CheckInt(const json& v, const std::string& path, Errors* errs);
bool CheckBool(const json& v, const std::string& path, Errors* errs);
bool CheckObject(const json& v, const std::string& path, Errors* errs);
bool CheckArray(const json& v, const std::string& path, Errors* errs);
bool CheckStringArray(const json& v, const std::string& path, Errors* errs);
bool CheckStringMap(const json& v, const std::string& path, Errors* errs);

// Reports every member of `obj` that is not in `allowed` as FieldValueForbidden.
void CheckAllowedKeys(const json& obj, std::initializer_list<std::string_view> allowed,
                      const std::string& path, Errors* errs);

// The string at obj[key], or "" when absent or not a string.
std::string StringField(const json& obj, std::string_view key);

// "expected 0 <= 700 <= 600", Knative's out-of-bounds wording.
std::string OutOfBounds(std::int64_t value, std::int64_t low, std::int64_t high);

// Up to `limit` differences between two JSON values as "path: -old +new" lines (Knative shows
// a diff in its "(-old +new)" messages).
std::string ShortDiff(const json& old_value, const json& new_value, size_t limit = 5);

}  // namespace ebb::api::internal
