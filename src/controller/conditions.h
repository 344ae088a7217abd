// Status conditions as Knative writes them (knative.dev/pkg apis.ConditionSet), as pure
// functions over plain structs.
//
// - A resource's top-level condition ("Ready") is the AND of its dependent conditions: False
//   when any dependent is False (taking the first False one's reason and message), else Unknown
//   when any is Unknown (the first Unknown one that has a reason, else the first), else True.
// - Conditions are written sorted by type, "Ready" included, as Knative does.
// - lastTransitionTime moves only when a condition's status changes; a new reason or message
//   with the same status keeps the old time. That keeps no-op reconciles write-free.
// - Informational conditions (a revision's Active) carry severity "Info"; others none.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebb::controller {

inline constexpr char kTrue[] = "True";
inline constexpr char kFalse[] = "False";
inline constexpr char kUnknown[] = "Unknown";

struct Condition {
  std::string type;
  std::string status;  // kTrue | kFalse | kUnknown
  std::string reason;
  std::string message;
  std::string severity;  // "" or "Info"
  bool operator==(const Condition&) const = default;
};

Condition MarkTrue(std::string type, std::string reason = "", std::string message = "");
Condition MarkFalse(std::string type, std::string reason, std::string message);
Condition MarkUnknown(std::string type, std::string reason = "", std::string message = "");

// The happy condition `type` (usually "Ready") derived from its dependents, as described above.
Condition Happy(std::string type, const std::vector<Condition>& dependents);

// The JSON array for status.conditions: sorted by type, with lastTransitionTime taken from
// `old_conditions` (the stored array, may be null) when that condition's status is unchanged
// and `now` (RFC 3339) otherwise. Empty reason/message/severity are omitted.
nlohmann::json ConditionsJson(std::vector<Condition> conditions,
                              const nlohmann::json& old_conditions, const std::string& now);

// The condition of `type` in object.status.conditions, if any.
std::optional<Condition> GetCondition(const nlohmann::json& object, std::string_view type);
// Its status, or "" when absent.
std::string ConditionStatus(const nlohmann::json& object, std::string_view type);

}  // namespace ebb::controller
