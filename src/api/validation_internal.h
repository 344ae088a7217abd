// Internal to api/: the pieces of Knative's webhook validation, one file each, called from
// validation.cc. Every function appends to `errs` with full Kubernetes field paths built from
// `path` (the path of the value being checked, e.g. "spec.template.spec").
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "api/kinds.h"
#include "api/validation_util.h"
#include "config/config.h"

namespace ebb::api::internal {

// Label and annotation keys Knative reads or reserves.
inline constexpr char kServingPrefix[] = "serving.knative.dev/";
inline constexpr char kAutoscalingPrefix[] = "autoscaling.knative.dev/";
inline constexpr char kVisibilityLabel[] = "networking.knative.dev/visibility";
inline constexpr char kCreatorAnnotation[] = "serving.knative.dev/creator";
inline constexpr char kLastModifierAnnotation[] = "serving.knative.dev/lastModifier";
inline constexpr char kRolloutDurationAnnotation[] = "serving.knative.dev/rollout-duration";
inline constexpr char kProgressDeadlineAnnotation[] = "serving.knative.dev/progress-deadline";

// validate_metadata.cc ------------------------------------------------------------------------

// Object metadata: known ObjectMeta fields only, namespace, labels, annotations, owner
// references. Names are checked separately (top-level objects and templates differ).
void ValidateMetaFields(const json& meta, const std::string& path, Errors* errs);
// metadata.name / generateName of a top-level object: DNS-1035, one of them required.
void ValidateObjectName(const json& meta, const std::string& path, Errors* errs);
// The Knative label rules per kind (visibility value, reserved serving.knative.dev/ keys, the
// service / configuration labels matching an owner reference).
void ValidateKnativeLabels(Kind kind, const json& meta, const std::string& path, Errors* errs);
// autoscaling.knative.dev/* annotations outside a revision template are refused.
void ValidateNoAutoscalingAnnotations(const json& meta, const std::string& path, Errors* errs);
// serving.knative.dev/rollout-duration: a non-negative Go duration at second precision.
void ValidateRolloutDuration(const json& meta, const std::string& path, Errors* errs);
// serving.knative.dev/progress-deadline: a positive Go duration at second precision.
void ValidateProgressDeadline(const json& meta, const std::string& path, Errors* errs);
// On update the creator annotation may not change.
void ValidateCreatorUnchanged(const json& meta, const json& old_meta, const std::string& path,
                              Errors* errs);

// validate_autoscaling.cc ---------------------------------------------------------------------

// knative-spec.md §2.1 for a revision's annotations (`path` ends in ".annotations").
void ValidateAutoscalingAnnotations(const json& annotations, const std::string& path,
                                    const config::Autoscaler& cfg, Errors* errs);

// validate_revision_spec.cc -------------------------------------------------------------------

// A RevisionSpec: Knative's PodSpec subset plus containerConcurrency and the three timeouts.
void ValidateRevisionSpec(const json& spec, const std::string& path, const config::Config& cfg,
                          Errors* errs);

// validate_container.cc -----------------------------------------------------------------------

// The one port requests go to (knative-spec.md §1.3): its name and number (0 or absent -> 8080).
struct ServingPort {
  std::string name;
  std::int64_t number = 8080;
};

// Volumes by name; writable ones (emptyDir) may be mounted read-write.
using VolumeMap = std::map<std::string, bool>;

struct ContainerContext {
  bool serving = true;  // the container that receives requests (vs. a sidecar)
  ServingPort port;     // of the serving container
  const VolumeMap* volumes;
};

void ValidateContainer(const json& c, const std::string& path, const ContainerContext& ctx,
                       Errors* errs);

// validate_probe.cc ---------------------------------------------------------------------------

// One probe. `port` is the serving port the probe must target, nullptr for sidecars.
void ValidateProbe(const json& probe, const std::string& path, const ServingPort* port,
                   bool readiness, Errors* errs);

// validate_volumes.cc -------------------------------------------------------------------------

// spec.volumes (nullptr when absent); `mounted` are the names used by any volumeMount.
VolumeMap ValidateVolumes(const json* volumes, const std::string& path,
                          const std::set<std::string>& mounted, Errors* errs);
void ValidateVolumeMounts(const json& mounts, const std::string& path, const VolumeMap& volumes,
                          Errors* errs);
// True for volume types a container may write to (emptyDir, persistentVolumeClaim).
bool VolumeIsWritable(const json& volume);
// True if `q` is a Kubernetes quantity: "500m", "1", "1.5", "128Mi", "1e3", ...
bool IsQuantity(const json& q);

// validate_traffic.cc -------------------------------------------------------------------------

// spec.traffic of a Route or Service (nullptr when absent). In a Service, configurationName is
// implied and refused.
void ValidateTraffic(const json* traffic, const std::string& path, bool in_service, Errors* errs);
// status.traffic written by the controller: every entry names a revision, tags carry URLs.
void ValidateStatusTraffic(const json* traffic, const std::string& path, Errors* errs);

// image_ref.cc --------------------------------------------------------------------------------

// Why `image` is neither an OCI image reference nor a local executable path; "" if fine.
std::string ImageReferenceError(std::string_view image);

}  // namespace ebb::api::internal
