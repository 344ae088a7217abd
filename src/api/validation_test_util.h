// Test helpers for the validation table tests: base objects of each kind, edits addressed by
// JSON pointer, and one check that a case yields (or does not yield) an error with a given
// field path and reason.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "api/validation.h"

namespace ebb::api::testing_util {

using nlohmann::json;

// A value that removes the member at the pointer instead of setting it.
inline const json kDelete = "<delete>";

struct Edit {
  std::string pointer;  // "/spec/template/spec/containerConcurrency"
  json value;
};

// One row of a table test. `field` empty means the object must be valid.
struct Case {
  std::string name;
  Kind kind;
  std::vector<Edit> edits;
  std::string field;
  std::string reason;
  std::string message;  // a fragment the message must contain
  std::function<void(config::Config&)> config = nullptr;
  bool defaults = true;  // run SetDefaults before Validate, as the registry does
};

inline std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }
inline void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

inline json BaseObject(Kind kind) {
  json meta = {{"name", "hello"}, {"namespace", "default"}};
  json revision_spec = {{"containers", {{{"image", "./bin/hello"}}}}};
  json obj = {
      {"apiVersion", "serving.knative.dev/v1"}, {"kind", Info(kind).name}, {"metadata", meta}};
  switch (kind) {
    case Kind::kService:
    case Kind::kConfiguration:
      obj["spec"] = {{"template", {{"spec", revision_spec}}}};
      break;
    case Kind::kRoute:
      obj["spec"] = {{"traffic", {{{"configurationName", "hello"}, {"percent", 100}}}}};
      break;
    case Kind::kRevision:
      obj["metadata"]["name"] = "hello-00001";
      obj["spec"] = revision_spec;
      break;
  }
  return obj;
}

inline void ApplyEdits(json& obj, const std::vector<Edit>& edits) {
  for (const Edit& e : edits) {
    json::json_pointer ptr(e.pointer);
    if (e.value == kDelete) {
      obj[ptr.parent_pointer()].erase(ptr.back());
    } else {
      obj[ptr] = e.value;
    }
  }
}

inline std::string Describe(const std::vector<FieldError>& errs) {
  std::string out;
  for (const FieldError& e : errs) out += "\n  " + e.field + " [" + e.reason + "] " + e.message;
  return out.empty() ? " (none)" : out;
}

inline std::vector<FieldError> RunCase(const Case& c, json* out = nullptr) {
  config::Config cfg;
  if (c.config) c.config(cfg);
  json obj = BaseObject(c.kind);
  ApplyEdits(obj, c.edits);
  if (c.defaults) SetDefaults(c.kind, obj, nullptr, cfg);
  if (out != nullptr) *out = obj;
  return Validate(c.kind, obj, nullptr, cfg);
}

// Valid rows must produce no error at all; invalid rows an error with exactly this field and
// reason whose message contains the fragment.
inline void ExpectCase(const Case& c, const std::vector<FieldError>& errs) {
  if (c.field.empty()) {
    EXPECT_TRUE(errs.empty()) << c.name << ":" << Describe(errs);
    return;
  }
  bool found = false;
  for (const FieldError& e : errs) {
    if (e.field == c.field && e.reason == c.reason &&
        e.message.find(c.message) != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << c.name << ": want " << c.field << " [" << c.reason << "] ~ \"" << c.message
                     << "\", got:" << Describe(errs);
}

// Kubernetes StatusCause reasons, short.
namespace reasons {
inline constexpr char kRequired[] = "FieldValueRequired";
inline constexpr char kInvalid[] = "FieldValueInvalid";
inline constexpr char kNotSupported[] = "FieldValueNotSupported";
inline constexpr char kForbidden[] = "FieldValueForbidden";
inline constexpr char kDuplicate[] = "FieldValueDuplicate";
inline constexpr char kTooLong[] = "FieldValueTooLong";
}  // namespace reasons

// JSON pointer and Kubernetes field path under a Service's revision template spec.
inline std::string TemplatePointer(const std::string& rest) { return "/spec/template/spec" + rest; }
inline std::string TemplateField(const std::string& rest) { return "spec.template.spec" + rest; }

// Edits giving a Service two containers: a port on the first (serving) one and `sidecar`.
inline std::vector<Edit> TwoContainers(json sidecar = {{"image", "./bin/sidecar"}}) {
  return {{TemplatePointer("/containers/0/ports"), {{{"containerPort", 8080}}}},
          {TemplatePointer("/containers/1"), std::move(sidecar)}};
}

inline std::vector<Edit> Plus(std::vector<Edit> a, const std::vector<Edit>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace ebb::api::testing_util
