#include "runtime/pods.h"

#include <gtest/gtest.h>

namespace ebb::runtime {
namespace {

PodFacts Facts() {
  PodFacts p;
  p.name = "hello-00001-deployment-b7x2k";
  p.uid = "0f3c9a52-1111-4222-8333-444455556666";
  p.namespace_name = "default";
  p.revision = "hello-00001";
  p.revision_uid = "rev-uid";
  p.service = "hello";
  p.configuration = "hello";
  p.container_name = "user-container";
  p.image = "/bin/app";
  p.created = Clock::time_point(std::chrono::seconds(1'780'000'000));
  p.ready_changed = p.created + std::chrono::seconds(2);
  p.started = p.created + std::chrono::seconds(1);
  p.grace_seconds = 30;
  return p;
}

TEST(PodJson, RunningReadyPod) {
  PodFacts f = Facts();
  f.running = f.ever_ran = f.ready = true;
  f.port = 20001;
  nlohmann::json pod = PodJson(f);
  EXPECT_EQ(pod["apiVersion"], "v1");
  EXPECT_EQ(pod["kind"], "Pod");
  const auto& meta = pod["metadata"];
  EXPECT_EQ(meta["name"], "hello-00001-deployment-b7x2k");
  EXPECT_EQ(meta["namespace"], "default");
  EXPECT_EQ(meta["uid"], f.uid);
  EXPECT_EQ(meta["creationTimestamp"], "2026-05-28T20:26:40Z");
  EXPECT_EQ(meta["labels"]["app"], "hello-00001");
  EXPECT_EQ(meta["labels"]["serving.knative.dev/service"], "hello");
  EXPECT_EQ(meta["labels"]["serving.knative.dev/configuration"], "hello");
  EXPECT_EQ(meta["labels"]["serving.knative.dev/revision"], "hello-00001");
  EXPECT_EQ(meta["labels"]["serving.knative.dev/revisionUID"], "rev-uid");
  EXPECT_FALSE(meta.contains("deletionTimestamp"));
  EXPECT_EQ(pod["spec"]["containers"][0]["name"], "user-container");
  EXPECT_EQ(pod["spec"]["containers"][0]["image"], "/bin/app");
  EXPECT_EQ(pod["spec"]["containers"][0]["ports"][0]["containerPort"], 20001);
  const auto& status = pod["status"];
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["podIP"], "127.0.0.1");
  EXPECT_EQ(status["conditions"][1]["type"], "Ready");
  EXPECT_EQ(status["conditions"][1]["status"], "True");
  EXPECT_EQ(status["conditions"][1]["lastTransitionTime"], "2026-05-28T20:26:42Z");
  const auto& cs = status["containerStatuses"][0];
  EXPECT_EQ(cs["name"], "user-container");
  EXPECT_EQ(cs["ready"], true);
  EXPECT_EQ(cs["restartCount"], 0);
  EXPECT_EQ(cs["state"]["running"]["startedAt"], "2026-05-28T20:26:41Z");
  EXPECT_EQ(cs["lastState"], nlohmann::json::object());
}

TEST(PodJson, PendingUntilTheFirstProcessRuns) {
  PodFacts f = Facts();
  f.waiting_reason = "ContainerMissing";
  f.waiting_message = "image \"x\" is not an executable file on this machine";
  f.service.clear();
  nlohmann::json pod = PodJson(f);
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  EXPECT_FALSE(pod["metadata"]["labels"].contains("serving.knative.dev/service"));
  const auto& cs = pod["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["ready"], false);
  EXPECT_EQ(cs["state"]["waiting"]["reason"], "ContainerMissing");
  EXPECT_EQ(cs["state"]["waiting"]["message"], f.waiting_message);
  EXPECT_FALSE(pod["spec"]["containers"][0].contains("ports"));
}

TEST(PodJson, CrashLoopKeepsRunningPhaseAndShowsTheLastTermination) {
  PodFacts f = Facts();
  f.ever_ran = true;
  f.restart_count = 3;
  f.waiting_reason = "CrashLoopBackOff";
  f.last = Termination{0, 9, f.created, f.created + std::chrono::seconds(5)};
  nlohmann::json pod = PodJson(f);
  EXPECT_EQ(pod["status"]["phase"], "Running");
  const auto& cs = pod["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["restartCount"], 3);
  EXPECT_EQ(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(cs["lastState"]["terminated"]["exitCode"], 137);
  EXPECT_EQ(cs["lastState"]["terminated"]["signal"], 9);
  EXPECT_EQ(cs["lastState"]["terminated"]["reason"], "Error");
  EXPECT_EQ(cs["lastState"]["terminated"]["finishedAt"], "2026-05-28T20:26:45Z");
}

TEST(PodJson, AStoppingPodCarriesADeletionTimestamp) {
  PodFacts f = Facts();
  f.running = f.ever_ran = true;
  f.deleting = f.created + std::chrono::seconds(10);
  f.grace_seconds = 12;
  nlohmann::json pod = PodJson(f);
  EXPECT_EQ(pod["metadata"]["deletionTimestamp"], "2026-05-28T20:26:50Z");
  EXPECT_EQ(pod["metadata"]["deletionGracePeriodSeconds"], 12);
  EXPECT_EQ(pod["spec"]["terminationGracePeriodSeconds"], 12);
}

}  // namespace
}  // namespace ebb::runtime
