// Configuration → the Revision of its current generation, its status, and revision GC.
#include <algorithm>
#include <chrono>

#include "controller/configuration_rules.h"
#include "controller/gc.h"
#include "controller/meta.h"
#include "controller/reconciler.h"

namespace ebb::controller {

using nlohmann::json;

Result<json> Reconciler::EnsureRevision(const json& configuration, std::string* creation_error) {
  const std::string ns = Namespace(configuration);
  const std::string name = RevisionNameFor(configuration);
  Result<json> rev = registry_.Get(api::Kind::kRevision, ns, name);
  if (!rev.ok()) {
    if (rev.status().code() != Code::kNotFound) return rev.status();
    return registry_.Create(api::Kind::kRevision, ns, DesiredRevision(configuration, Now()),
                            write_options_);
  }
  switch (CheckRevisionName(configuration, *rev)) {
    case NameCheck::kCurrent:
      return rev;
    case NameCheck::kAdoptable: {
      // The template went back to an earlier bring-your-own name with the same spec: that
      // revision is this generation's again, and its label says so (latest-ready ordering).
      json patch = {
          {"metadata",
           {{"labels",
             {{label::kConfigurationGeneration, std::to_string(Generation(configuration))}}}}}};
      return registry_.Patch(api::Kind::kRevision, ns, name, registry::PatchType::kMerge,
                             patch.dump(), write_options_);
    }
    case NameCheck::kTaken:
      break;
  }
  // Knative's message for this case is the AlreadyExists error of the create it attempted.
  *creation_error = "revisions.serving.knative.dev \"" + name + "\" already exists";
  return json();
}

Status Reconciler::CollectGarbage(const json& configuration, const std::vector<json>& revisions,
                                  Outcome* outcome) {
  Clock::time_point now = clock_.Now();
  GcPlan plan = PlanRevisionGc(configuration, revisions, config_.gc, now);
  for (const std::string& name : plan.to_delete) {
    // The plan reads routingState labels, which trail a route that has just started routing a
    // revision again by one reconcile; the index already knows.
    if (index_.Routed(Namespace(configuration), name)) continue;
    Result<json> deleted =
        registry_.Delete(api::Kind::kRevision, Namespace(configuration), name, write_options_);
    if (!deleted.ok() && deleted.status().code() != Code::kNotFound) return deleted.status();
  }
  if (plan.recheck_at) {
    auto wait = std::chrono::ceil<std::chrono::seconds>(*plan.recheck_at - now);
    outcome->requeue_after = std::max(wait, std::chrono::seconds(1));
  }
  return Status::Ok();
}

Result<Reconciler::Outcome> Reconciler::ReconcileConfiguration(const std::string& ns,
                                                               const std::string& name) {
  Result<json> configuration = registry_.Get(api::Kind::kConfiguration, ns, name);
  if (!configuration.ok()) {
    if (configuration.status().code() == Code::kNotFound) return Outcome{};
    return configuration.status();
  }
  ConfigurationView view;
  Result<json> latest = EnsureRevision(*configuration, &view.creation_error);
  if (!latest.ok()) return latest.status();
  // The configuration's revisions as the watch delivered them (the index), with `latest` in
  // place of an older copy: it may have just been created or relabelled. A revision the index
  // has not seen yet queues this configuration again when its event arrives.
  std::vector<json> revisions = index_.RevisionsOf(ns, name);
  if (view.creation_error.empty()) {
    auto same = std::find_if(revisions.begin(), revisions.end(),
                             [&](const json& rev) { return Name(rev) == Name(*latest); });
    if (same == revisions.end()) {
      revisions.push_back(*latest);
    } else if (NewerThan(*latest, *same)) {
      *same = *latest;
    }
    view.latest_created = Name(*latest);
    view.latest_created_revision = &*latest;
    for (const json& rev : revisions) {
      if (Name(rev) == view.latest_created) view.latest_created_revision = &rev;
    }
  } else {
    view.latest_created = Str(Field(*configuration, "status"), "latestCreatedRevisionName");
  }
  view.latest_ready = LatestReadyRevision(*configuration, revisions);
  Result<json> written = WriteStatus(api::Kind::kConfiguration, *configuration,
                                     ConfigurationStatus(*configuration, view, Now()));
  if (!written.ok()) return written.status();
  Outcome out;
  EBB_RETURN_IF_ERROR(CollectGarbage(*written, revisions, &out));
  return out;
}

}  // namespace ebb::controller
