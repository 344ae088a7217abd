#include "controller/configuration_rules.h"

#include "api/naming.h"
#include "controller/meta.h"

namespace ebb::controller {

namespace {

const nlohmann::json& Template(const nlohmann::json& configuration) {
  return Field(Field(configuration, "spec"), "template");
}

nlohmann::json RevisionLabels(const nlohmann::json& configuration) {
  nlohmann::json labels = Field(Field(Template(configuration), "metadata"), "labels");
  if (!labels.is_object()) labels = nlohmann::json::object();
  labels[label::kConfiguration] = Name(configuration);
  labels[label::kConfigurationGeneration] = std::to_string(Generation(configuration));
  labels[label::kConfigurationUid] = Uid(configuration);
  // A bare Configuration has no Service: the labels are there, empty (K_SERVICE is "").
  labels[label::kService] = Label(configuration, label::kService);
  labels[label::kServiceUid] = Label(configuration, label::kServiceUid);
  labels[label::kRoutingState] = kRoutingPending;
  return labels;
}

nlohmann::json RevisionAnnotations(const nlohmann::json& configuration, const std::string& now) {
  nlohmann::json annotations = Field(Field(Template(configuration), "metadata"), "annotations");
  if (!annotations.is_object()) annotations = nlohmann::json::object();
  annotations[annotation::kRoutingStateModified] = now;
  // The revision's creator is whoever last changed the configuration (Knative does the same).
  std::string modifier = Annotation(configuration, annotation::kLastModifier);
  if (!modifier.empty()) annotations[annotation::kCreator] = modifier;
  return annotations;
}

}  // namespace

std::string RevisionNameFor(const nlohmann::json& configuration) {
  std::string byo = Str(Field(Template(configuration), "metadata"), "name");
  if (!byo.empty()) return byo;
  return api::RevisionName(Name(configuration), Generation(configuration));
}

nlohmann::json DesiredRevision(const nlohmann::json& configuration, const std::string& now) {
  nlohmann::json metadata = {
      {"name", RevisionNameFor(configuration)},
      {"namespace", Namespace(configuration)},
      {"labels", RevisionLabels(configuration)},
      {"annotations", RevisionAnnotations(configuration, now)},
      {"ownerReferences", {ControllerRef(configuration, api::Kind::kConfiguration)}}};
  nlohmann::json spec = Field(Template(configuration), "spec");
  if (!spec.is_object()) spec = nlohmann::json::object();
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Revision"},
          {"metadata", std::move(metadata)},
          {"spec", std::move(spec)}};
}

NameCheck CheckRevisionName(const nlohmann::json& configuration, const nlohmann::json& revision) {
  if (!IsControlledBy(revision, configuration)) return NameCheck::kTaken;
  if (RevisionGeneration(revision) == Generation(configuration)) return NameCheck::kCurrent;
  // Only the spec counts: the user may have labelled or annotated the revision since.
  if (Field(revision, "spec") == Field(Template(configuration), "spec")) {
    return NameCheck::kAdoptable;
  }
  return NameCheck::kTaken;
}

std::int64_t RevisionGeneration(const nlohmann::json& revision) {
  std::string text = Label(revision, label::kConfigurationGeneration);
  if (text.empty() || text.size() > 18) return 0;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string LatestReadyRevision(const nlohmann::json& configuration,
                                const std::vector<nlohmann::json>& revisions) {
  std::string current = Str(Field(configuration, "status"), "latestReadyRevisionName");
  std::int64_t floor = 0;
  bool current_exists = false;
  for (const nlohmann::json& rev : revisions) {
    if (Name(rev) == current) {
      floor = RevisionGeneration(rev);
      current_exists = true;
    }
  }
  std::string best = current_exists ? current : "";
  std::int64_t best_generation = current_exists ? floor : -1;
  for (const nlohmann::json& rev : revisions) {
    std::int64_t gen = RevisionGeneration(rev);
    if (gen > best_generation && gen <= Generation(configuration) &&
        ConditionStatus(rev, "Ready") == kTrue) {
      best = Name(rev);
      best_generation = gen;
    }
  }
  return best;
}

Condition ConfigurationReady(const ConfigurationView& view) {
  if (!view.creation_error.empty()) {
    return MarkFalse("Ready", "RevisionFailed",
                     "Revision creation failed with message: " + view.creation_error + ".");
  }
  if (!view.latest_created.empty() && view.latest_created == view.latest_ready) {
    return MarkTrue("Ready");
  }
  if (view.latest_created_revision != nullptr) {
    std::optional<Condition> ready = GetCondition(*view.latest_created_revision, "Ready");
    if (ready && ready->status == kFalse) {
      return MarkFalse(
          "Ready", "RevisionFailed",
          "Revision \"" + view.latest_created + "\" failed with message: " + ready->message + ".");
    }
  }
  return MarkUnknown("Ready");
}

nlohmann::json ConfigurationStatus(const nlohmann::json& configuration,
                                   const ConfigurationView& view, const std::string& now) {
  const nlohmann::json& old = Field(configuration, "status");
  nlohmann::json status = {
      {"observedGeneration", Generation(configuration)},
      {"conditions", ConditionsJson({ConfigurationReady(view)}, Field(old, "conditions"), now)}};
  if (!view.latest_created.empty()) status["latestCreatedRevisionName"] = view.latest_created;
  if (!view.latest_ready.empty()) status["latestReadyRevisionName"] = view.latest_ready;
  return status;
}

}  // namespace ebb::controller
