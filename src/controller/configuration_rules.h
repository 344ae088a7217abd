// What a Configuration's Revision and status should be (knative-spec §1.4, §1.5). Pure.
//
// A Configuration has one Revision per generation (metadata.generation, bumped by the registry
// on every spec change). Its name is the template's metadata.name when the user brings one,
// else "<config>-%05d" of the generation. The Revision copies the template's spec, labels and
// annotations and gets the serving.knative.dev labels that tie it to its Configuration and
// Service; it is owned by the Configuration (deleting that deletes it).
//
// Status: latestCreatedRevisionName = this generation's Revision; latestReadyRevisionName =
// the newest Ready Revision (by configurationGeneration), never moving back to one older than
// the current latest ready; Ready = True when both names agree, False/RevisionFailed when the
// latest created one failed or could not be created, Unknown meanwhile.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/conditions.h"

namespace ebb::controller {

// The name this generation's Revision has.
std::string RevisionNameFor(const nlohmann::json& configuration);

// The Revision to create for the configuration's current generation; `now` (RFC 3339) stamps
// serving.knative.dev/routingStateModified.
nlohmann::json DesiredRevision(const nlohmann::json& configuration, const std::string& now);

// How an existing Revision that has RevisionNameFor(configuration) relates to the current
// generation (Knative's CheckNameAvailability):
//   kCurrent   - owned by the configuration and labelled with its generation;
//   kAdoptable - owned by it, from another generation, with the very same spec (a template
//                switched back to an earlier bring-your-own name): usable once relabelled;
//   kTaken     - owned by someone else, or a different spec: the name is taken.
enum class NameCheck { kCurrent, kAdoptable, kTaken };
NameCheck CheckRevisionName(const nlohmann::json& configuration, const nlohmann::json& revision);

// configurationGeneration label of a revision as a number (0 when absent or malformed).
std::int64_t RevisionGeneration(const nlohmann::json& revision);

// The newest Ready revision among `revisions` (those of this configuration) whose generation is
// at most the configuration's, and not older than the current status.latestReadyRevisionName
// when that still exists. Keeps the current one when nothing newer is ready; "" when none.
std::string LatestReadyRevision(const nlohmann::json& configuration,
                                const std::vector<nlohmann::json>& revisions);

struct ConfigurationView {
  std::string latest_created;  // "" if never created
  // The latest created revision (for its Ready condition); null if unknown.
  const nlohmann::json* latest_created_revision = nullptr;
  std::string latest_ready;
  std::string creation_error;  // set when this generation's revision could not be created
};

Condition ConfigurationReady(const ConfigurationView& view);

// The whole status: observedGeneration, conditions, latestCreatedRevisionName,
// latestReadyRevisionName (names omitted while empty).
nlohmann::json ConfigurationStatus(const nlohmann::json& configuration,
                                   const ConfigurationView& view, const std::string& now);

}  // namespace ebb::controller
