#include "cli/logs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

class LogsTest : public ::testing::Test {
 protected:
  LogsTest() {
    env_.client.Put(ksvc_, {{"metadata", {{"name", "hello"}}}});
    AddPod("hello-00001-deployment-bbbbb", "hello");
    AddPod("hello-00001-deployment-aaaaa", "hello");
    AddPod("other-00001-deployment-ccccc", "other");
    env_.client.pod_logs["hello-00001-deployment-aaaaa"] = {"a1", "a2", "a3"};
    env_.client.pod_logs["hello-00001-deployment-bbbbb"] = {"b1"};
    env_.client.pod_logs["other-00001-deployment-ccccc"] = {"c1"};
  }
  void AddPod(const std::string& name, const std::string& service) {
    env_.client.Put(PodType(), {{"metadata",
                                 {{"name", name},
                                  {"namespace", "default"},
                                  {"labels", {{"serving.knative.dev/service", service}}}}}});
  }
  int Logs(LogsOptions options) { return RunLogs(options, env_.ctx); }
  const ResourceType ksvc_ = KnativeType(api::Kind::kService);
  TestEnv env_;
};

TEST(ParseLogTarget, NamesOwnersByTheirPodLabelAndPodsByName) {
  auto t = ParseLogTarget("ksvc/hello");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->owner.has_value());
  EXPECT_EQ(t->owner->type.kind, "Service");
  EXPECT_EQ(t->owner->name, "hello");
  EXPECT_EQ(t->selector, "serving.knative.dev/service=hello");
  EXPECT_EQ(ParseLogTarget("services/hello")->selector, "serving.knative.dev/service=hello");
  EXPECT_EQ(ParseLogTarget("rev/hello-00001")->selector,
            "serving.knative.dev/revision=hello-00001");
  EXPECT_EQ(ParseLogTarget("config/hello")->selector, "serving.knative.dev/configuration=hello");
  EXPECT_EQ(ParseLogTarget("pod/p-1")->pod, "p-1");
  EXPECT_FALSE(ParseLogTarget("pod/p-1")->owner.has_value());
  EXPECT_EQ(ParseLogTarget("p-2")->pod, "p-2");
}

TEST(ParseLogTarget, RejectsWhatHasNoInstances) {
  EXPECT_EQ(ParseLogTarget("route/hello").status().code(), Code::kBadRequest);
  EXPECT_NE(ParseLogTarget("route/hello").status().message().find("have no instances"),
            std::string::npos);
  EXPECT_EQ(ParseLogTarget("foo/hello").status().code(), Code::kBadRequest);
  EXPECT_EQ(ParseLogTarget("ksvc/").status().code(), Code::kBadRequest);
  EXPECT_EQ(ParseLogTarget("").status().code(), Code::kBadRequest);
}

TEST_F(LogsTest, AServicePrintsEachOfItsPodsPrefixedInNameOrder) {
  EXPECT_EQ(Logs({.target = "ksvc/hello"}), 0);
  EXPECT_EQ(env_.out.str(),
            "[hello-00001-deployment-aaaaa] a1\n"
            "[hello-00001-deployment-aaaaa] a2\n"
            "[hello-00001-deployment-aaaaa] a3\n"
            "[hello-00001-deployment-bbbbb] b1\n");
  EXPECT_EQ(env_.err.str(), "");
}

TEST_F(LogsTest, TailAppliesToEachPod) {
  EXPECT_EQ(Logs({.target = "ksvc/hello", .tail = 1}), 0);
  EXPECT_EQ(env_.out.str(),
            "[hello-00001-deployment-aaaaa] a3\n"
            "[hello-00001-deployment-bbbbb] b1\n");
  EXPECT_EQ(env_.client.log_calls,
            (std::vector<std::string>{"LOG default/hello-00001-deployment-aaaaa tail=1",
                                      "LOG default/hello-00001-deployment-bbbbb tail=1"}));
}

TEST_F(LogsTest, OnePodPrintsPlainLines) {
  EXPECT_EQ(Logs({.target = "pod/hello-00001-deployment-aaaaa", .tail = 2}), 0);
  EXPECT_EQ(env_.out.str(), "a2\na3\n");
  EXPECT_EQ(Logs({.target = "nope"}), 1);
  EXPECT_EQ(env_.err.str(), "Error from server (NotFound): pods \"nope\" not found\n");
}

TEST_F(LogsTest, AnUnknownServiceIsNotFound) {
  EXPECT_EQ(Logs({.target = "ksvc/nope"}), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (NotFound): services.serving.knative.dev \"nope\" not found\n");
}

TEST_F(LogsTest, AServiceScaledToZeroSaysSo) {
  env_.client.Put(ksvc_, {{"metadata", {{"name", "idle"}}}});
  EXPECT_EQ(Logs({.target = "ksvc/idle"}), 0);
  EXPECT_EQ(env_.out.str(), "");
  EXPECT_EQ(env_.err.str(), "No instances of service/idle are running (scaled to zero)\n");
}

TEST_F(LogsTest, APodThatWentAwayIsNoFailureButOtherErrorsAre) {
  env_.client.pod_logs.erase("hello-00001-deployment-bbbbb");  // gone between list and read
  EXPECT_EQ(Logs({.target = "ksvc/hello"}), 0);
  EXPECT_EQ(env_.err.str(), "");
  env_.client.pod_log_errors["hello-00001-deployment-aaaaa"] =
      ApiResponse{500, FakeApiClient::StatusBody(500, "InternalError", "log unreadable"), ""};
  EXPECT_EQ(Logs({.target = "ksvc/hello"}), 1);
  EXPECT_EQ(env_.err.str(), "Error from server (InternalError): log unreadable\n");
}

TEST_F(LogsTest, FollowFollowsEveryPodTheWatchAnnouncesOnce) {
  auto event = [](const std::string& type, const std::string& pod) {
    return WatchEvent{type, {{"metadata", {{"name", pod}}}}};
  };
  env_.client.watch_events = {event("ADDED", "hello-00001-deployment-aaaaa"),
                              event("MODIFIED", "hello-00001-deployment-aaaaa"),
                              event("ADDED", "hello-00001-deployment-bbbbb"),
                              event("DELETED", "hello-00001-deployment-bbbbb")};
  EXPECT_EQ(Logs({.target = "ksvc/hello", .follow = true}), 0);
  EXPECT_EQ(SortedLines(env_.out.str()),
            (std::vector<std::string>{
                "[hello-00001-deployment-aaaaa] a1", "[hello-00001-deployment-aaaaa] a2",
                "[hello-00001-deployment-aaaaa] a3", "[hello-00001-deployment-bbbbb] b1"}));
  std::vector<std::string> calls = env_.client.log_calls;
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(calls, (std::vector<std::string>{"LOG default/hello-00001-deployment-aaaaa follow",
                                             "LOG default/hello-00001-deployment-bbbbb follow"}));
  EXPECT_NE(std::find(env_.client.calls.begin(), env_.client.calls.end(),
                      "WATCH pods/default?resourceVersion="),
            env_.client.calls.end());
}

TEST_F(LogsTest, FollowReportsAFailingPodAndAFailingWatch) {
  env_.client.watch_events = {WatchEvent{"ADDED", {{"metadata", {{"name", "x"}}}}}};
  env_.client.pod_log_errors["x"] =
      ApiResponse{500, FakeApiClient::StatusBody(500, "InternalError", "broken"), ""};
  EXPECT_EQ(Logs({.target = "ksvc/hello", .follow = true}), 1);
  EXPECT_EQ(env_.err.str(), "Error from server (InternalError): broken\n");

  env_.err.str("");
  env_.client.watch_end =
      ApiResponse{403, FakeApiClient::StatusBody(403, "Forbidden", "pods are forbidden"), ""};
  EXPECT_EQ(Logs({.target = "ksvc/hello", .follow = true}), 1);
  EXPECT_EQ(env_.err.str(), "Error from server (Forbidden): pods are forbidden\n");
}

TEST_F(LogsTest, FollowOfOnePodAsksTheServerToFollow) {
  EXPECT_EQ(Logs({.target = "hello-00001-deployment-bbbbb", .follow = true}), 0);
  EXPECT_EQ(env_.out.str(), "b1\n");
  EXPECT_EQ(env_.client.log_calls,
            (std::vector<std::string>{"LOG default/hello-00001-deployment-bbbbb follow"}));
}

}  // namespace
}  // namespace ebb::cli
