// Kubernetes label and field selectors.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ebb::api {

// Label selector: "k=v", "k==v", "k!=v", "k in (a,b)", "k notin (a,b)", "k", "!k", joined by
// commas (all must hold), spaces allowed between tokens. Empty selects everything. Keys must be
// qualified names and values valid label values, as Kubernetes checks them. As in Kubernetes,
// "k!=v" and "k notin (...)" also match objects without the label.
class LabelSelector {
 public:
  static Result<LabelSelector> Parse(std::string_view text);  // kBadRequest on syntax errors
  bool Matches(const std::map<std::string, std::string>& labels) const;
  // Reads metadata.labels of a Kubernetes object.
  bool Matches(const nlohmann::json& object) const;
  bool empty() const { return reqs_.empty(); }

 private:
  friend class LabelSelectorParser;
  enum class Op { kEq, kNotEq, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> reqs_;
};

// Field selector: "a.b=v", "a.b==v", "a.b!=v" joined by commas, in any order. Paths address the
// object's JSON (metadata.name, metadata.namespace, involvedObject.uid, status.phase, ...); a
// missing field reads as "", numbers and booleans as their JSON text. In values, "\,", "\=" and
// "\\" escape a comma, an equals sign and a backslash (fields.EscapeValue).
class FieldSelector {
 public:
  static Result<FieldSelector> Parse(std::string_view text);
  bool Matches(const nlohmann::json& object) const;
  bool empty() const { return reqs_.empty(); }
  // The value required for `path` with "=", if any (lets callers narrow a lookup by name).
  const std::string* Equals(std::string_view path) const;

 private:
  struct Requirement {
    std::string path;
    bool negate;
    std::string value;
  };
  std::vector<Requirement> reqs_;
};

}  // namespace ebb::api
