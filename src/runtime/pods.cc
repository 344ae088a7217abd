#include "runtime/pods.h"

#include "runtime/policy.h"

namespace ebb::runtime {
namespace {

using json = nlohmann::json;

json Labels(const PodFacts& p) {
  json labels = {{"app", p.revision},
                 {"serving.knative.dev/revision", p.revision},
                 {"serving.knative.dev/configuration", p.configuration}};
  if (!p.revision_uid.empty()) labels["serving.knative.dev/revisionUID"] = p.revision_uid;
  if (!p.service.empty()) labels["serving.knative.dev/service"] = p.service;
  return labels;
}

json Metadata(const PodFacts& p) {
  json meta = {{"name", p.name},
               {"generateName", p.revision + "-deployment-"},
               {"namespace", p.namespace_name},
               {"uid", p.uid},
               {"creationTimestamp", FormatRfc3339(p.created)},
               {"labels", Labels(p)}};
  if (p.deleting) {
    meta["deletionTimestamp"] = FormatRfc3339(*p.deleting);
    meta["deletionGracePeriodSeconds"] = p.grace_seconds;
  }
  return meta;
}

json Spec(const PodFacts& p) {
  json container = {{"name", p.container_name}, {"image", p.image}};
  if (p.port != 0) {
    container["ports"] =
        json::array({{{"name", "user-port"}, {"containerPort", p.port}, {"protocol", "TCP"}}});
  }
  return {{"containers", json::array({container})},
          {"restartPolicy", "Always"},
          {"terminationGracePeriodSeconds", p.grace_seconds}};
}

json State(const PodFacts& p) {
  if (p.running) return {{"running", {{"startedAt", FormatRfc3339(p.started)}}}};
  json waiting = {{"reason", p.waiting_reason}};
  if (!p.waiting_message.empty()) waiting["message"] = p.waiting_message;
  return {{"waiting", waiting}};
}

json LastState(const PodFacts& p) {
  if (!p.last) return json::object();
  int code = ExitCode(p.last->exit_code, p.last->signal);
  json terminated = {{"exitCode", code},
                     {"reason", TerminationReason(code)},
                     {"startedAt", FormatRfc3339(p.last->started)},
                     {"finishedAt", FormatRfc3339(p.last->finished)}};
  if (p.last->signal != 0) terminated["signal"] = p.last->signal;
  return {{"terminated", terminated}};
}

json ContainerStatus(const PodFacts& p) {
  return {{"name", p.container_name},
          {"image", p.image},
          {"ready", p.ready},
          {"started", p.running},
          {"restartCount", p.restart_count},
          {"state", State(p)},
          {"lastState", LastState(p)}};
}

json Condition(const char* type, bool status, Clock::time_point when) {
  return {{"type", type},
          {"status", status ? "True" : "False"},
          {"lastTransitionTime", FormatRfc3339(when)}};
}

json Status(const PodFacts& p) {
  return {{"phase", p.ever_ran || p.running ? "Running" : "Pending"},
          {"conditions", json::array({Condition("Initialized", true, p.created),
                                      Condition("Ready", p.ready, p.ready_changed),
                                      Condition("ContainersReady", p.ready, p.ready_changed),
                                      Condition("PodScheduled", true, p.created)})},
          {"hostIP", "127.0.0.1"},
          {"podIP", "127.0.0.1"},
          {"podIPs", json::array({{{"ip", "127.0.0.1"}}})},
          {"startTime", FormatRfc3339(p.created)},
          {"qosClass", "BestEffort"},
          {"containerStatuses", json::array({ContainerStatus(p)})}};
}

}  // namespace

nlohmann::json PodJson(const PodFacts& pod) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", Metadata(pod)},
          {"spec", Spec(pod)},
          {"status", Status(pod)}};
}

}  // namespace ebb::runtime
