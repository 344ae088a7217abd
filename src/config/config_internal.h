// Internal to the config component: the problem list shared by parsing and validation.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace ebb::config::internal {

// Problems found in a config file; each names "section.key".
class Problems {
 public:
  void Invalid(std::string field, std::string message) {
    list_.push_back({std::move(field), "FieldValueInvalid", std::move(message)});
  }
  void Unknown(std::string field, std::string message) {
    list_.push_back({std::move(field), "FieldValueNotSupported", std::move(message)});
  }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldError>& list() const { return list_; }

 private:
  std::vector<FieldError> list_;
};

// Cross-key and range checks of a fully parsed config (knative-spec.md §2.2 and Knative's
// config-defaults / config-gc / config-tracing rules).
void Validate(const Config& cfg, Problems* problems);

}  // namespace ebb::config::internal
