#include "controller/revision_rules.h"

#include "controller/meta.h"

namespace ebb::controller {

namespace {

constexpr char kResourcesAvailable[] = "ResourcesAvailable";
constexpr char kContainerHealthy[] = "ContainerHealthy";

using Report = RevisionHealth::Report;

Condition Previous(const nlohmann::json& revision, const char* type) {
  std::optional<Condition> old = GetCondition(revision, type);
  if (!old) return MarkUnknown(type);
  old->severity.clear();
  return *old;
}

Condition Active(const Report& report) {
  Condition c;
  if (report.actual_replicas > 0) {
    c = MarkTrue("Active");
  } else if (report.desired_replicas > 0) {
    c = MarkUnknown("Active", "Queued",
                    "Requests to the target are being buffered as resources are provisioned.");
  } else {
    c = MarkFalse("Active", "NoTraffic", "The target is not receiving traffic.");
  }
  c.severity = "Info";
  return c;
}

}  // namespace

std::vector<Condition> RevisionConditions(const nlohmann::json& revision, const Report& report) {
  Condition resources;
  Condition container;
  switch (report.state) {
    case Report::State::kReady:
      resources = MarkTrue(kResourcesAvailable);
      container = MarkTrue(kContainerHealthy);
      break;
    case Report::State::kUnknown:
      resources = MarkUnknown(kResourcesAvailable, report.reason, report.message);
      container = MarkUnknown(kContainerHealthy, report.reason, report.message);
      break;
    case Report::State::kFailed:
      if (report.failing == Report::Failing::kResourcesAvailable) {
        resources = MarkFalse(kResourcesAvailable, report.reason, report.message);
        container = Previous(revision, kContainerHealthy);
      } else {
        resources = Previous(revision, kResourcesAvailable);
        container = MarkFalse(kContainerHealthy, report.reason, report.message);
      }
      break;
  }
  Condition ready = Happy("Ready", {resources, container});
  return {resources, container, ready, Active(report)};
}

nlohmann::json RevisionStatus(const nlohmann::json& revision, const Report& report,
                              const std::string& now) {
  const nlohmann::json& old = Field(revision, "status");
  nlohmann::json container_statuses = nlohmann::json::array();
  const nlohmann::json& containers = Field(Field(revision, "spec"), "containers");
  if (containers.is_array()) {
    for (const nlohmann::json& c : containers) {
      container_statuses.push_back({{"name", Str(c, "name")}});
    }
  }
  return {{"observedGeneration", Generation(revision)},
          {"conditions",
           ConditionsJson(RevisionConditions(revision, report), Field(old, "conditions"), now)},
          {"actualReplicas", report.actual_replicas},
          {"desiredReplicas", report.desired_replicas},
          {"containerStatuses", container_statuses}};
}

}  // namespace ebb::controller
