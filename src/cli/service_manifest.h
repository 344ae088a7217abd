// The Service manifests behind `ebb service create|update` (kn-style flags). Pure functions.
//
// create builds:
//   apiVersion: serving.knative.dev/v1, kind: Service, metadata {name, namespace, annotations}
//   spec.template.metadata {name (--revision-name), annotations}
//   spec.template.spec {containerConcurrency, containers: [{image, command: [CMD], args, env}]}
//   spec.traffic (only when --traffic/--tag is given)
// and update applies the same flags to the stored Service:
//   --cmd PATH        command [PATH]; the image follows it (image = PATH) unless --image is
//                     given, or on update unless the image was something other than the old
//                     command (ebb runs `image` as a local executable when there is no command)
//   --arg A...        replaces args;  --env K=V / K-   sets / removes an env var
//   --annotation K=V / K-   on the revision template, and on the Service too unless the key is
//                     an autoscaling.knative.dev/ one (Knative rejects those on the Service)
//   --concurrency-limit N   containerConcurrency
//   --revision-name N       template name; "NAME-" is prefixed unless N already starts with it.
//                     On update without it, a template change drops the old template name (a
//                     Knative BYO name may not be reused for a different template).
//   --untag TAG, then --tag REV=TAG, then --traffic REV=PCT (REV: a revision name, a tag
//                     for --traffic, or @latest), as kn: --traffic rebuilds the percentages
//                     (targets not named get 0 and are dropped unless tagged) and must sum to
//                     100; --tag tags the untagged target of REV, or adds a 0% target for it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace ebb::cli {

struct ServiceFlags {
  std::string name;
  std::optional<std::string> cmd;
  std::vector<std::string> args;
  std::vector<std::string> env;          // K=V or K-
  std::vector<std::string> annotations;  // K=V or K-
  std::optional<long long> concurrency_limit;
  std::vector<std::string> traffic;  // REV=PCT
  std::vector<std::string> tags;     // REV=TAG
  std::vector<std::string> untags;   // TAG
  std::optional<std::string> image;
  std::optional<std::string> revision_name;
};

// The manifest for `service create`. kBadRequest when neither --cmd nor --image is given or a
// flag is malformed ("--env: expected NAME=VALUE or NAME-, got \"X\"").
Result<nlohmann::json> BuildService(const ServiceFlags& flags, const std::string& ns);

// `service update`: applies the flags to `service` (as read from the server) in place.
Status UpdateService(const ServiceFlags& flags, nlohmann::json& service);

// The traffic part alone: edits spec.traffic of `service` (kn semantics, see above).
Status EditTraffic(const ServiceFlags& flags, nlohmann::json& service);

}  // namespace ebb::cli
