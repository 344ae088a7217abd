#include "controller/conditions.h"

#include <algorithm>

#include "controller/meta.h"

namespace ebb::controller {

Condition MarkTrue(std::string type, std::string reason, std::string message) {
  return {std::move(type), kTrue, std::move(reason), std::move(message), ""};
}

Condition MarkFalse(std::string type, std::string reason, std::string message) {
  return {std::move(type), kFalse, std::move(reason), std::move(message), ""};
}

Condition MarkUnknown(std::string type, std::string reason, std::string message) {
  return {std::move(type), kUnknown, std::move(reason), std::move(message), ""};
}

Condition Happy(std::string type, const std::vector<Condition>& dependents) {
  const Condition* unknown = nullptr;
  for (const Condition& c : dependents) {
    if (c.status == kFalse) return MarkFalse(std::move(type), c.reason, c.message);
    // Prefer an Unknown that explains itself: "RevisionMissing" says more than a bare Unknown.
    if (c.status != kTrue &&
        (unknown == nullptr || (unknown->reason.empty() && !c.reason.empty()))) {
      unknown = &c;
    }
  }
  if (unknown != nullptr) return MarkUnknown(std::move(type), unknown->reason, unknown->message);
  return MarkTrue(std::move(type));
}

namespace {

const nlohmann::json* FindByType(const nlohmann::json& conditions, std::string_view type) {
  if (!conditions.is_array()) return nullptr;
  for (const nlohmann::json& c : conditions) {
    if (Str(c, "type") == type) return &c;
  }
  return nullptr;
}

nlohmann::json ConditionJson(const Condition& c, const nlohmann::json* old,
                             const std::string& now) {
  nlohmann::json out = {{"type", c.type}, {"status", c.status}};
  bool unchanged =
      old != nullptr && Str(*old, "status") == c.status && !Str(*old, "lastTransitionTime").empty();
  out["lastTransitionTime"] = unchanged ? Str(*old, "lastTransitionTime") : now;
  if (!c.reason.empty()) out["reason"] = c.reason;
  if (!c.message.empty()) out["message"] = c.message;
  if (!c.severity.empty()) out["severity"] = c.severity;
  return out;
}

}  // namespace

nlohmann::json ConditionsJson(std::vector<Condition> conditions,
                              const nlohmann::json& old_conditions, const std::string& now) {
  std::sort(conditions.begin(), conditions.end(),
            [](const Condition& a, const Condition& b) { return a.type < b.type; });
  nlohmann::json out = nlohmann::json::array();
  for (const Condition& c : conditions) {
    out.push_back(ConditionJson(c, FindByType(old_conditions, c.type), now));
  }
  return out;
}

std::optional<Condition> GetCondition(const nlohmann::json& object, std::string_view type) {
  const nlohmann::json* c = FindByType(Field(Field(object, "status"), "conditions"), type);
  if (c == nullptr) return std::nullopt;
  return Condition{Str(*c, "type"), Str(*c, "status"), Str(*c, "reason"), Str(*c, "message"),
                   Str(*c, "severity")};
}

std::string ConditionStatus(const nlohmann::json& object, std::string_view type) {
  std::optional<Condition> c = GetCondition(object, type);
  return c ? c->status : "";
}

}  // namespace ebb::controller
